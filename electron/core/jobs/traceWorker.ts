import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { errorToShape } from '../api/errors';
import type { Db } from '../store/openStore';
import { registerSqlFunctions } from '../store/sqlFunctions';
import { runTrace } from '../trace/runTrace';
import type { TraceWorkerInput, TraceWorkerMessage } from './traceJobs';

/** Progress is sent at most this often: a trace reports every address it follows. */
const PROGRESS_EVERY_MS = 100;

/** A trace only reads: a read-only connection can never disturb an import writing beside it. */
function openForReading(file: string): Db {
  // Under `npm start` with Electron, the addon built for Electron's ABI (as openStore does).
  const nativeBinding = process.env.CAIRN_SQLITE_BINDING;
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  registerSqlFunctions(db);
  return db;
}

/** Runs one trace on its own thread and its own connection; the parent ends the thread to cancel it. */
function main(): void {
  const port = parentPort!;
  const input = workerData as TraceWorkerInput;
  const send = (m: TraceWorkerMessage): void => port.postMessage(m);
  let db: Db | null = null;
  let last = 0;
  let lastPhase = '';
  try {
    db = openForReading(input.file);
    const result = runTrace(db, input.spec, {
      ...input.context,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS && p.phase === lastPhase) return;
        last = now;
        lastPhase = p.phase;
        send({ type: 'progress', phase: p.phase, done: p.done, total: p.total });
      },
    });
    send({ type: 'done', result });
  } catch (error) {
    const shape = errorToShape(error);
    send({ type: 'failed', error: { kind: shape.kind, message: shape.message } });
  } finally {
    db?.close();
    port.close();
  }
}

main();
