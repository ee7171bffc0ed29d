import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ImportPreview, JobState } from '../../../shared/api/schemas';
import type { ReviewHook } from '../ingest/datasetRun';
import type { ImportProgress, ImportRequest, ImportResult } from '../ingest/importTypes';
import { errorToShape } from '../api/errors';

export type RunInProcess = (request: ImportRequest, signal: AbortSignal, onProgress: (p: ImportProgress) => void, review?: ReviewHook) => Promise<ImportResult>;

/** Messages between the job runner and the import worker. */
export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'review'; preview: ImportPreview }
  | { type: 'done'; result: ImportResult }
  | { type: 'failed'; error: { kind: string; message: string } };

/** What an import kept, one line per part of a mixed import. */
function outcomeLines(result: ImportResult): string[] {
  const line = (r: ImportResult): string =>
    r.dataset ? `imported dataset ${r.dataset.id}` : `these files were already imported as dataset ${r.alreadyImportedAs}; nothing added`;
  if (!result.parts) return [line(result)];
  return result.parts.map((p) => `${p.format}${p.chain ? ` (${p.chain})` : ''}: ${line(p)}`);
}

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
  /** Imports waiting in review: answering true commits, false discards. */
  private readonly reviews = new Map<string, (commit: boolean) => void>();
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
    const job: JobState = { id, kind: 'import', state: 'running', phase: 'queued', done: 0, total: 0, rows: 0, message: '', dataset: null, datasets: [], preview: null, error: null };
    this.jobs.set(id, job);
    const controller = new AbortController();
    this.cancels.set(id, () => controller.abort());
    this.emit(job);
    this.queue = this.queue.then(() => this.run(job, request, controller.signal));
    return id;
  }

  /** Cancels every running or queued import and waits until none is writing. */
  async close(): Promise<void> {
    for (const id of [...this.reviews.keys()]) this.answer(id, false);
    for (const cancel of this.cancels.values()) cancel();
    await this.queue.catch(() => undefined);
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    if (job.state === 'review') return this.answer(id, false);
    if (job.state !== 'running') return false;
    this.cancels.get(id)?.();
    return true;
  }

  /** Commits an import waiting in review. */
  commit(id: string): boolean {
    return this.jobs.get(id)?.state === 'review' && this.answer(id, true);
  }

  private answer(id: string, commit: boolean): boolean {
    const resolve = this.reviews.get(id);
    if (!resolve) return false;
    this.reviews.delete(id);
    const job = this.jobs.get(id)!;
    this.update(job, { state: 'running', phase: commit ? 'committing' : 'discarding' });
    resolve(commit);
    return true;
  }

  /** Puts the job in review with what the import found, until commit or cancel answers. */
  private reviewHook(job: JobState): ReviewHook {
    return (preview) =>
      new Promise<boolean>((resolve) => {
        this.reviews.set(job.id, resolve);
        this.update(job, { state: 'review', phase: 'review', preview });
      });
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
      const review = request.review ? this.reviewHook(job) : undefined;
      const result = this.workerScript ? await this.runInWorker(request, signal, onProgress, review) : await this.runInProcess(request, signal, onProgress, review);
      const datasets = result.parts ? result.parts.flatMap((p) => (p.dataset ? [p.dataset] : [])) : result.dataset ? [result.dataset] : [];
      const notes = [...result.skipped.map((s) => `skipped ${s.path}: ${s.reason}`), ...result.warnings];
      this.update(job, { state: 'done', phase: 'done', dataset: datasets[0] ?? null, datasets, message: [...outcomeLines(result), ...notes].join('\n') });
      if (datasets.length > 0) this.onCommitted();
    } catch (error) {
      const shape = errorToShape(error);
      const cancelled = shape.kind === 'cancelled';
      this.update(job, { state: cancelled ? 'cancelled' : 'failed', phase: cancelled ? 'cancelled' : 'failed', message: shape.message, error: cancelled ? null : { kind: shape.kind, message: shape.message } });
    } finally {
      this.cancels.delete(job.id);
      this.reviews.delete(job.id);
    }
  }

  private runInWorker(request: ImportRequest, signal: AbortSignal, onProgress: (p: ImportProgress) => void, review?: ReviewHook): Promise<ImportResult> {
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
        else if (m.type === 'review') {
          // The worker holds its transaction open until it hears the answer.
          void review?.(m.preview).then((commit) => worker.postMessage({ type: 'review-answer', commit }));
        }
        else if (m.type === 'done') finish(() => resolve(m.result));
        else finish(() => reject(Object.assign(new Error(m.error.message), { kind: m.error.kind })));
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', (code) => finish(() => reject(new Error(`the import worker stopped unexpectedly (exit code ${code})`))));
    });
  }
}
