// First: it must run before any module builds a zod schema (see the file).
import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client';
import { App } from './App';
import './styles/base.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/dialogs.css';
import './styles/sidebar.css';
import './styles/details.css';
import './styles/imports.css';
import './styles/intel.css';
import './styles/trace.css';
import './styles/clusters.css';
import './styles/attribution.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App connection={connect()} />
  </StrictMode>,
);
