import type { DocumentPrinter } from './report/printer';
import type { FileAccess } from './fileAccess';
import type { AppEvent, Envelope, Handlers } from '../../shared/api/contract';

export type ShellKind = 'electron' | 'browser' | 'cli';

/** Per-call context a transport passes to the handlers. */
export interface CallContext {
  readonly shell: ShellKind;
}

export interface BackendOptions {
  /** Workspace folder: holds store.sqlite, settings.json and cases/. Created when missing. */
  readonly workspaceDir: string;
  readonly shell: ShellKind;
  /**
   * Path of the bundled import worker (dist/node/importWorker.cjs). Imports started through
   * the API run there, off the thread that serves requests. When absent, imports run in-process.
   */
  readonly importWorkerScript?: string;
  /** Prints reports (PDF) and images (PNG): the Electron shell brings its own; otherwise a headless Chromium is looked for. */
  readonly printer?: DocumentPrinter;
  /**
   * Which files the API may read and write (./fileAccess.ts). The shells that serve a renderer
   * pass a limited policy (the workspace is always granted); absent, access is unlimited, as
   * the CLI's is: the user typed its paths on their own command line.
   */
  readonly fileAccess?: FileAccess;
}

/** The Electron-free back end that both shells adapt: the handlers, an event stream and a close. */
export interface Backend {
  readonly workspaceDir: string;
  readonly handlers: Handlers<CallContext>;
  /** Validates and runs one call; never throws. */
  call(method: unknown, args: unknown): Promise<Envelope<unknown>>;
  /** Subscribes to pushed events (job progress, store changes). Returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  close(): Promise<void>;
}
