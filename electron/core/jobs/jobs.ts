import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { JobState } from '../../../shared/api/schemas';
import type { ImportProgress, ImportRequest, ImportResult } from '../ingest/importDataset';
import { errorToShape } from '../api/errors';

export type RunInProcess = (request: ImportRequest, signal: AbortSignal, onProgress: (p: ImportProgress) => void) => Promise<ImportResult>;

/** Messages between the job runner and the import worker. */
export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; error: { kind: string; message: string } };

export interface WorkerInput {
  storePath: string;
  request: ImportRequest;
}

/**
 * Runs imports one at a time (SQLite has one writer), reports progress as job events and
 * cancels on request. With a worker script, each import runs on its own thread and its own
 * connection, so requests keep being served and readers never see a half-done import.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly cancels = new Map<string, () => void>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storePath: string,
    private readonly workerScript: string | undefined,
    private readonly runInProcess: RunInProcess,
    private readonly emit: (job: JobState) => void,
    private readonly onCommitted: () => void,
  ) {}

  list(): JobState[] {
    return [...this.jobs.values()];
  }

  start(request: ImportRequest): string {
    const id = randomUUID();
    const job: JobState = { id, kind: 'import', state: 'running', phase: 'queued', done: 0, total: 0, rows: 0, message: '', dataset: null, error: null };
    this.jobs.set(id, job);
    const controller = new AbortController();
    this.cancels.set(id, () => controller.abort());
    this.emit(job);
    this.queue = this.queue.then(() => this.run(job, request, controller.signal));
    return id;
  }

  /** Cancels every running or queued import and waits until none is writing. */
  async close(): Promise<void> {
    for (const cancel of this.cancels.values()) cancel();
    await this.queue.catch(() => undefined);
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.state !== 'running') return false;
    this.cancels.get(id)?.();
    return true;
  }

  private update(job: JobState, patch: Partial<JobState>): void {
    Object.assign(job, patch);
    this.emit({ ...job });
  }

  private async run(job: JobState, request: ImportRequest, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      this.update(job, { state: 'cancelled', phase: 'cancelled', message: 'import cancelled; nothing was committed' });
      return;
    }
    const onProgress = (p: ImportProgress): void => this.update(job, { phase: p.phase, done: p.done, total: p.total, rows: p.rows });
    try {
      const result = this.workerScript ? await this.runInWorker(request, signal, onProgress) : await this.runInProcess(request, signal, onProgress);
      const message = result.dataset
        ? `imported dataset ${result.dataset.id}`
        : `these files were already imported as dataset ${result.alreadyImportedAs}; nothing added`;
      const notes = [...result.skipped.map((s) => `skipped ${s.path}: ${s.reason}`), ...result.warnings];
      this.update(job, { state: 'done', phase: 'done', dataset: result.dataset, message: [message, ...notes].join('\n') });
      if (result.dataset) this.onCommitted();
    } catch (error) {
      const shape = errorToShape(error);
      const cancelled = shape.kind === 'cancelled';
      this.update(job, { state: cancelled ? 'cancelled' : 'failed', phase: cancelled ? 'cancelled' : 'failed', message: shape.message, error: cancelled ? null : { kind: shape.kind, message: shape.message } });
    } finally {
      this.cancels.delete(job.id);
    }
  }

  private runInWorker(request: ImportRequest, signal: AbortSignal, onProgress: (p: ImportProgress) => void): Promise<ImportResult> {
    return new Promise((resolve, reject) => {
      const input: WorkerInput = { storePath: this.storePath, request };
      const worker = new Worker(this.workerScript!, { workerData: input });
      const onAbort = (): void => worker.postMessage({ type: 'cancel' });
      signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') onProgress(m.progress);
        else if (m.type === 'done') finish(() => resolve(m.result));
        else finish(() => reject(Object.assign(new Error(m.error.message), { kind: m.error.kind })));
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', (code) => finish(() => reject(new Error(`the import worker stopped unexpectedly (exit code ${code})`))));
    });
  }
}
