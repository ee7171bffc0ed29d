import { EventEmitter } from 'node:events';
import type { AppEvent } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import { createHandlers } from './api/handlers';
import { errorToShape } from './api/errors';
import type { Backend, BackendOptions, CallContext } from './backendTypes';
import { CaseFiles } from './cases/caseFiles';
import { importDataset } from './ingest/importDataset';
import { ImportJobs } from './jobs/jobs';
import { openStore } from './store/openStore';
import { ensureWorkspace, readSettings, writeSettings } from './workspace';

declare const __CAIRN_VERSION__: string | undefined;
export const VERSION = typeof __CAIRN_VERSION__ === 'string' ? __CAIRN_VERSION__ : '0.0.0-dev';

/** Opens a workspace (creating it on first start) and serves the API contract over it. */
export function openBackend(options: BackendOptions): Backend {
  const paths = ensureWorkspace(options.workspaceDir);
  const store = openStore(paths.store);
  const cases = new CaseFiles(paths.cases);
  const events = new EventEmitter();
  events.setMaxListeners(50);
  const emit = (event: AppEvent): void => {
    events.emit('event', event);
  };
  let settings = readSettings(paths);
  const jobs = new ImportJobs(
    paths.store,
    options.importWorkerScript,
    // Without a worker the import still gets its own connection, as in the worker: readers on
    // the backend's connection never see an import before it commits (or while it is in review).
    async (request, signal, onProgress, review) => {
      const db = openStore(paths.store);
      try {
        return await importDataset(db, request, { signal, onProgress, review });
      } finally {
        db.close();
      }
    },
    (job) => emit({ type: 'job', job }),
    () => emit({ type: 'store.changed' }),
  );
  const handlers = createHandlers({
    version: VERSION,
    workspaceDir: paths.dir,
    store,
    cases,
    jobs,
    settings: () => settings,
    saveSettings: (s) => {
      writeSettings(paths, s);
      settings = s;
    },
    now: () => new Date(),
  });
  const ctx: CallContext = { shell: options.shell };
  return {
    workspaceDir: paths.dir,
    handlers,
    call: (method, args) => dispatch(handlers, ctx, method, args, (_m, error) => errorToShape(error)),
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    async close() {
      await jobs.close();
      events.removeAllListeners();
      cases.closeAll();
      store.close();
    },
  };
}
