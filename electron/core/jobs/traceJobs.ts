/**
 * Traces run as jobs, off the request path: each on its own thread with its own read-only
 * connection to the store, so the server keeps answering while a long trace runs, reports its
 * progress and can be stopped at once (the thread is ended; it never writes, so nothing is left
 * half done). Without a worker script (unit tests under tsx) a trace runs in-process after the
 * request that started it has been answered.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { TraceJob, TraceResult, TraceSpec } from '../../../shared/api/traceSchemas';
import { errorToShape } from '../api/errors';
import type { Db } from '../store/openStore';
import { runTrace, type TraceContext } from '../trace/runTrace';

/** A case's judgements that take part in a trace, as plain data a worker can receive. */
export type TraceFacts = Omit<TraceContext, 'onProgress' | 'isCancelled'>;

export interface TraceWorkerInput {
  /** The database file the trace reads (the store, or a received case's evidence). */
  file: string;
  spec: TraceSpec;
  context: TraceFacts;
}

export type TraceWorkerMessage =
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'done'; result: TraceResult }
  | { type: 'failed'; error: { kind: string; message: string } };

export interface TraceRequest {
  /** Where the chain facts come from. */
  readonly db: Db;
  readonly spec: TraceSpec;
  readonly context: TraceFacts;
  /** Keeps the result (saves it in a case) and returns the saved trace's id; runs before the job is done. */
  readonly keep?: (result: TraceResult) => number;
}

type Progress = { phase: string; done: number; total: number };

/** The runner of one trace: the result, or a rejection; `stop` ends it early. */
interface Run {
  readonly result: Promise<TraceResult>;
  readonly stop: () => void;
}

/** Finished jobs kept for trace.status after they end, newest last. */
export const KEEP_FINISHED = 20;

export class TraceJobs {
  private readonly jobs = new Map<string, TraceJob>();
  private readonly stops = new Map<string, () => void>();
  private readonly finished: string[] = [];

  constructor(private readonly workerScript: string | undefined) {}

  start(request: TraceRequest): string {
    const id = randomUUID();
    const job: TraceJob = { id, state: 'running', phase: 'starting', done: 0, total: 0, error: null, traceId: null, result: null };
    this.jobs.set(id, job);
    const onProgress = (p: Progress): void => {
      if (job.state === 'running') Object.assign(job, p);
    };
    // An in-memory database cannot be opened from another thread.
    const run = this.workerScript && !request.db.memory ? this.inWorker(request, onProgress) : inProcess(request, onProgress);
    this.stops.set(id, run.stop);
    run.result.then(
      (result) => this.succeed(job, request, result),
      (error: unknown) => this.fail(job, error),
    );
    return id;
  }

  /** A copy of the job's state, or null when no such job is kept. */
  status(id: string): TraceJob | null {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** Stops a running job; false when it is not running (finished, or unknown). */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.state !== 'running') return false;
    this.end(job, { state: 'cancelled', phase: 'cancelled' });
    return true;
  }

  /** Stops every running trace (the workspace is closing). */
  close(): void {
    for (const job of this.jobs.values()) if (job.state === 'running') this.end(job, { state: 'cancelled', phase: 'cancelled' });
  }

  private succeed(job: TraceJob, request: TraceRequest, result: TraceResult): void {
    if (job.state !== 'running') return;
    try {
      const traceId = request.keep ? request.keep(result) : null;
      this.end(job, { state: 'done', phase: 'done', traceId, result });
    } catch (error) {
      // The trace itself worked: its result stays readable even though it could not be saved.
      const shape = errorToShape(error);
      this.end(job, { state: 'failed', phase: 'failed', error: { kind: shape.kind, message: `the trace ran but could not be saved: ${shape.message}` }, result });
    }
  }

  private fail(job: TraceJob, error: unknown): void {
    if (job.state !== 'running') return;
    const shape = errorToShape(error);
    if (shape.kind === 'cancelled') this.end(job, { state: 'cancelled', phase: 'cancelled' });
    else this.end(job, { state: 'failed', phase: 'failed', error: { kind: shape.kind, message: shape.message } });
  }

  private end(job: TraceJob, patch: Partial<TraceJob>): void {
    Object.assign(job, patch);
    const stop = this.stops.get(job.id);
    this.stops.delete(job.id);
    stop?.();
    this.finished.push(job.id);
    while (this.finished.length > KEEP_FINISHED) this.jobs.delete(this.finished.shift()!);
  }

  private inWorker(request: TraceRequest, onProgress: (p: Progress) => void): Run {
    const input: TraceWorkerInput = { file: request.db.name, spec: request.spec, context: request.context };
    const worker = new Worker(this.workerScript!, { workerData: input });
    const result = new Promise<TraceResult>((resolve, reject) => {
      worker.on('message', (m: TraceWorkerMessage) => {
        if (m.type === 'progress') onProgress(m);
        else if (m.type === 'done') resolve(m.result);
        else reject(Object.assign(new Error(m.error.message), { kind: m.error.kind }));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the trace worker stopped unexpectedly (exit code ${code})`)));
    });
    return { result, stop: () => void worker.terminate() };
  }
}

/**
 * Runs the trace on this thread once the request that started it has been answered. It holds the
 * thread until it ends: a cancel can only stop it before it begins, or between the steps at
 * which runTrace asks.
 */
function inProcess(request: TraceRequest, onProgress: (p: Progress) => void): Run {
  let stopped = false;
  const result = new Promise<TraceResult>((resolve, reject) => {
    setImmediate(() => {
      if (stopped) return reject(Object.assign(new Error('trace cancelled'), { kind: 'cancelled' }));
      try {
        resolve(runTrace(request.db, request.spec, { ...request.context, onProgress, isCancelled: () => stopped }));
      } catch (error) {
        reject(error);
      }
    });
  });
  return {
    result,
    stop: () => {
      stopped = true;
    },
  };
}
