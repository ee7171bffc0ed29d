import type { NodeSingular, StylesheetJson } from 'cytoscape';

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';

export const ROLE_COLOURS = {
  victim: '#c8312f',
  suspect: '#22272e',
  service: '#2f6fd1',
  other: '#7a6a3a',
} as const;

const ACCENT = '#0b7a75';
/** Transactions and their flows in the "Tx nodes" view. */
const TX_COLOUR = '#8250df';

/** Pill width from its label ("+99,990 more"); cytoscape no longer sizes shapes to labels. */
function pillWidth(node: NodeSingular): number {
  const label: unknown = node.data('label');
  return 16 + 6 * (typeof label === 'string' ? label.length : 8);
}

/**
 * Readable on the light canvas. Edge labels are 10px with a minimum rendered size of 6px,
 * so cytoscape skips drawing them below zoom 0.6, which keeps large graphs responsive.
 */
export const graphStyle: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': MONO,
      'font-size': 10,
      color: '#1f2328',
      'text-wrap': 'wrap',
      'text-valign': 'bottom',
      'text-halign': 'center',
      'text-margin-y': 4,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 5,
    },
  },
  {
    selector: 'node.address',
    style: {
      shape: 'ellipse',
      width: 22,
      height: 22,
      'background-color': '#8b949e',
      'border-width': 1,
      'border-color': '#57606a',
    },
  },
  { selector: 'node.address.unknown', style: { 'background-color': '#d0d7de', 'border-style': 'dotted' } },
  { selector: 'node.address.tagged', style: { 'background-color': '#6e7781' } },
  { selector: 'node.seed', style: { width: 28, height: 28, 'font-weight': 'bold' } },
  {
    selector: 'node.seed-victim',
    style: { 'border-width': 4, 'border-color': ROLE_COLOURS.victim, 'background-color': '#f6d5d4' },
  },
  {
    selector: 'node.seed-suspect',
    style: { 'border-width': 3, 'border-color': '#000000', 'background-color': ROLE_COLOURS.suspect },
  },
  {
    selector: 'node.seed-service',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.service, 'background-color': '#d6e4f8' },
  },
  {
    selector: 'node.seed-other',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.other, 'background-color': '#efe8d2' },
  },
  {
    selector: 'node.more',
    style: {
      shape: 'round-rectangle',
      width: pillWidth,
      height: 20,
      'background-color': '#ffffff',
      'border-width': 1,
      'border-style': 'dashed',
      'border-color': '#6e7781',
      'font-family': SANS,
      'font-size': 10,
      color: '#57606a',
      'text-valign': 'center',
      'text-margin-y': 0,
      'text-background-opacity': 0,
    },
  },
  {
    // A transaction in the "Tx nodes" view: a small hollow diamond, so it reads as a step
    // between addresses rather than as another address. Round, not plain 'diamond': cytoscape's
    // hit test misses a plain diamond on the vertical line through its top and bottom corners,
    // so a click at its very centre would not select it.
    selector: 'node.tx',
    style: {
      shape: 'round-diamond',
      width: 18,
      height: 18,
      'background-color': '#ffffff',
      'border-width': 2,
      'border-color': TX_COLOUR,
      'font-size': 9,
      color: '#57606a',
      'text-margin-y': 2,
    },
  },
  {
    selector: 'node.cluster',
    style: {
      shape: 'round-rectangle',
      'background-color': 'data(color)',
      'background-opacity': 0.1,
      'border-width': 1.5,
      'border-color': 'data(color)',
      padding: '18px',
      'font-family': SANS,
      'font-size': 11,
      'font-weight': 'bold',
      color: '#24292f',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'text-background-opacity': 0,
    },
  },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      width: 1.5,
      'line-color': '#8c959f',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#8c959f',
      'arrow-scale': 0.9,
      label: 'data(label)',
      'font-family': MONO,
      'font-size': 10,
      color: '#424a53',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 6,
    },
  },
  {
    selector: 'edge.tx-flow',
    style: { width: 1.25, 'line-color': TX_COLOUR, 'target-arrow-color': TX_COLOUR, 'line-opacity': 0.8, color: '#5a3d99' },
  },
  { selector: 'edge.token', style: { 'line-style': 'solid', 'line-color': '#a37f2c', 'target-arrow-color': '#a37f2c' } },
  {
    // One key on two chains: no value moved, so no arrow; dashed so it never reads as a transfer.
    selector: 'edge.same-key',
    style: { 'line-style': 'dashed', 'line-color': '#1f6feb', 'target-arrow-shape': 'none', width: 1.5, color: '#1f6feb', 'font-family': 'system-ui, sans-serif' },
  },
  {
    selector: 'node:selected',
    style: { 'overlay-color': ACCENT, 'overlay-opacity': 0.18, 'overlay-padding': 5, 'underlay-opacity': 0 },
  },
  { selector: 'node.cluster:selected', style: { 'border-width': 3, 'border-color': ACCENT } },
  {
    selector: 'edge:selected',
    style: { 'line-color': ACCENT, 'target-arrow-color': ACCENT, width: 2.5 },
  },
];
