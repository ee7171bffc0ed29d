import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError, type AppEvent } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import { createHandlers } from './api/handlers';
import { errorToShape } from './api/errors';
import { unlimitedFileAccess, withFileAccess } from './fileAccess';
import type { Backend, BackendOptions, CallContext } from './backendTypes';
import { CaseFiles } from './cases/caseFiles';
import { WorkspaceKeys } from './casefile/keys';
import { EvidenceFiles } from './casefile/received';
import { CaseRegistry } from './casefile/registry';
import { importDataset } from './ingest/importDataset';
import { ImportJobs } from './jobs/jobs';
import { TraceJobs } from './jobs/traceJobs';
import { openStore } from './store/openStore';
import { buildSampleWorkspace } from './synth/sampleWorkspace';
import { ensureWorkspace, readSettings, writeSettings } from './workspace';

declare const __CAIRN_VERSION__: string | undefined;
export const VERSION = typeof __CAIRN_VERSION__ === 'string' ? __CAIRN_VERSION__ : '0.0.0-dev';

/** One open workspace: its store, cases, jobs and handlers. */
interface OpenWorkspace {
  readonly dir: string;
  readonly handlers: Backend['handlers'];
  /** True while an import runs or waits for review. */
  busy(): boolean;
  close(): Promise<void>;
}

/** The sample investigation lives in its own workspace, inside the user's: never mixed with real evidence. */
export function sampleWorkspaceDir(ownWorkspaceDir: string): string {
  return join(ownWorkspaceDir, 'sample');
}

/**
 * Opens a workspace (creating it on first start) and serves the API contract over it. The
 * sample investigation switches the back end to its own workspace and back; subscribers keep
 * their subscription and are told with a `workspace.changed` event.
 */
export function openBackend(options: BackendOptions): Backend {
  const events = new EventEmitter();
  events.setMaxListeners(50);
  const emit = (event: AppEvent): void => {
    events.emit('event', event);
  };
  const own = ensureWorkspace(options.workspaceDir).dir;
  // The workspace the app was started with is always granted; the sample lives inside it.
  const fileAccess = options.fileAccess ?? unlimitedFileAccess();
  fileAccess.setWorkspace(own);
  // The trace worker is bundled beside the import worker (scripts/build.mjs); without it traces run in-process.
  const traceWorker = options.importWorkerScript && join(dirname(options.importWorkerScript), 'traceWorker.cjs');
  const traceWorkerScript = traceWorker && existsSync(traceWorker) ? traceWorker : undefined;
  const ctx: CallContext = { shell: options.shell };
  let switching: Promise<unknown> = Promise.resolve();

  const switchTo = async (dir: string): Promise<void> => {
    const previous = current;
    if (previous.dir === dir) return;
    // Closing a workspace cancels its imports: never do that behind the user's back.
    if (previous.busy()) throw new ApiError('conflict', 'an import is running or waiting for review; finish or cancel it before switching workspace');
    current = open(dir);
    await previous.close();
    emit({ type: 'workspace.changed', workspace: dir });
  };

  const open = (dir: string): OpenWorkspace => {
    const paths = ensureWorkspace(dir);
    // A slow one-time upgrade of the store is said on the terminal that started the app.
    const store = openStore(paths.store, { onNotice: (message) => console.error(`cairn: ${message}`) });
    let settings = readSettings(paths);
    const keys = new WorkspaceKeys(paths.dir);
    const registry = new CaseRegistry(paths.dir);
    const evidence = new EvidenceFiles(join(paths.dir, 'evidence'));
    const cases = new CaseFiles(paths.cases, registry, () => ({
      name: settings.investigator || 'unknown investigator',
      now: () => new Date().toISOString(),
      signer: keys.own(),
    }));
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
    const traces = new TraceJobs(traceWorkerScript);
    const unchecked = createHandlers({
      version: VERSION,
      fileAccess,
      workspaceDir: paths.dir,
      ownWorkspaceDir: own,
      store,
      cases,
      keys,
      registry,
      evidence,
      scratchDir: join(paths.dir, '.scratch'),
      jobs,
      traces,
      settings: () => settings,
      saveSettings: (s) => {
        writeSettings(paths, s);
        settings = s;
      },
      now: () => new Date(),
      ...(options.printer ? { printer: options.printer } : {}),
      openSample: async () => {
        const dir = sampleWorkspaceDir(own);
        if (current.busy()) throw new ApiError('conflict', 'an import is running or waiting for review; finish or cancel it before opening the sample');
        // One switch at a time: a second click while the sample is being built waits for the first.
        const built = switching.then(() => buildSampleWorkspace(dir, { investigator: settings.investigator }));
        switching = built.catch(() => undefined);
        const sample = await built;
        await switchTo(dir);
        return { workspace: dir, caseId: sample.caseId };
      },
      openOwn: async () => {
        await switchTo(own);
        return { workspace: own };
      },
    });
    // Every argument that names a file is checked against the granted folders before its handler runs.
    const handlers = withFileAccess(unchecked, fileAccess);
    return {
      dir: paths.dir,
      handlers,
      busy: () => jobs.list().some((j) => j.state === 'running' || j.state === 'review'),
      async close() {
        traces.close();
        await jobs.close();
        cases.closeAll();
        evidence.closeAll();
        store.close();
      },
    };
  };

  let current = open(options.workspaceDir);
  return {
    get workspaceDir() {
      return current.dir;
    },
    get handlers() {
      return current.handlers;
    },
    call: (method, args) => dispatch(current.handlers, ctx, method, args, (_m, error) => errorToShape(error)),
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    async close() {
      await current.close();
      events.removeAllListeners();
    },
  };
}
