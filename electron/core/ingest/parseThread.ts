/**
 * What the parse threads (the blk parser, the CSV reader) share: how a failure crosses the
 * thread boundary, and the importer's side of the conversation. A parse thread reads and
 * parses on a second core while the importer writes to SQLite on the first, and runs ahead by
 * a bounded credit of messages the importer has not taken yet.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { BadInputError, ImportCancelledError } from './errors';

/** A parse thread's failure: bad input keeps its file, place and problem across the boundary. */
export interface ThreadFailure {
  readonly type: 'error';
  readonly badInput: { readonly file: string; readonly where: { line?: number; offset?: number }; readonly problem: string } | null;
  readonly message: string;
}

/** In the thread: an error as it is posted to the importer. */
export function threadFailure(error: unknown): ThreadFailure {
  return {
    type: 'error',
    badInput: error instanceof BadInputError ? { file: error.file, where: error.where, problem: error.problem } : null,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** In the thread: a credit of messages it may send ahead of the importer; take() waits for one. */
export class Credit {
  private resume: (() => void) | null = null;
  constructor(private left: number) {}

  /** The importer took a message: one more may be sent. */
  give(): void {
    this.left++;
    this.resume?.();
    this.resume = null;
  }

  async take(): Promise<void> {
    while (this.left <= 0) await new Promise<void>((r) => (this.resume = r));
    this.left--;
  }
}

/**
 * In the thread: answers the importer. `start` runs `run`, whose failure is posted as a
 * ThreadFailure; each `ack` gives `run` credit for one more message, at most `ahead` ahead.
 */
export function serveImporter<Start extends { readonly type: 'start' }, Reply>(
  ahead: number,
  run: (start: Start, credit: Credit, send: (m: Reply) => void) => Promise<void>,
): void {
  const port = parentPort!;
  const credit = new Credit(ahead);
  const send = (m: Reply | ThreadFailure): void => port.postMessage(m);
  port.on('message', (m: Start | { readonly type: 'ack' }) => {
    if (m.type === 'ack') credit.give();
    else if (m.type === 'start') void run(m as Start, credit, send).catch((error: unknown) => send(threadFailure(error)));
  });
}

/**
 * In the importer: runs a parse thread's bundled script, posts `start` to it, and yields its
 * messages in order. Each message `acked` says was sent on credit is answered with an ack as it
 * is handed over. A failure the thread reports is thrown as the error it was (bad input naming
 * its file and place); the thread is stopped when the consumer stops taking messages (done, an
 * error, or a cancel through `signal`). `what` names the thread in the message of a crash.
 */
export async function* threadMessages<M extends { readonly type: string }>(
  script: string,
  what: string,
  start: unknown,
  acked: (m: M) => boolean,
  signal?: AbortSignal,
): AsyncGenerator<M, void, undefined> {
  const worker = new Worker(script);
  const queue: (M | ThreadFailure)[] = [];
  let wake: (() => void) | null = null;
  let crash: Error | null = null;
  worker.on('message', (m: M | ThreadFailure) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    crash = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    // Messages it sent before it stopped are still taken; after them, stopping is a crash.
    crash ??= new Error(`the ${what} thread stopped before it finished (exit code ${code})`);
    wake?.();
  });
  const onAbort = (): void => void worker.terminate();
  signal?.addEventListener('abort', onAbort);
  try {
    worker.postMessage(start);
    for (;;) {
      if (signal?.aborted) throw new ImportCancelledError();
      const m = queue.shift();
      if (!m) {
        if (crash) throw crash;
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      if (m.type === 'error') {
        const f = m as ThreadFailure;
        throw f.badInput ? new BadInputError(f.badInput.file, f.badInput.where, f.badInput.problem) : new Error(f.message);
      }
      if (acked(m as M)) worker.postMessage({ type: 'ack' });
      yield m as M;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
