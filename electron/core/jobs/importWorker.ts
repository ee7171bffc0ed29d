import { parentPort, workerData } from 'node:worker_threads';
import type { ImportPreview } from '../../../shared/api/schemas';
import { useBundledParseThreads } from '../ingest/bundledThreads';
import { importDataset } from '../ingest/importDataset';
import { openStore } from '../store/openStore';
import { errorToShape } from '../api/errors';
import type { WorkerInput, WorkerMessage } from './jobs';

/** Runs one import on its own thread and its own connection to the store. */
async function main(): Promise<void> {
  const port = parentPort!;
  const input = workerData as WorkerInput;
  const controller = new AbortController();
  let answerReview: ((commit: boolean) => void) | null = null;
  port.on('message', (m: { type: string; commit?: boolean }) => {
    if (m.type === 'cancel') controller.abort();
    if (m.type === 'review-answer') answerReview?.(m.commit === true);
  });
  const send = (m: WorkerMessage): void => port.postMessage(m);
  // This file runs bundled as dist/node/importWorker.cjs, next to the parse threads' bundles.
  useBundledParseThreads(__dirname);
  const db = openStore(input.storePath);
  try {
    const review = input.request.review
      ? (preview: ImportPreview) =>
          new Promise<boolean>((resolve) => {
            answerReview = resolve;
            send({ type: 'review', preview });
          })
      : undefined;
    const result = await importDataset(db, input.request, { signal: controller.signal, onProgress: (progress) => send({ type: 'progress', progress }), review });
    send({ type: 'done', result });
  } catch (error) {
    const shape = errorToShape(error);
    send({ type: 'failed', error: { kind: shape.kind, message: shape.message } });
  } finally {
    db.close();
    port.close();
  }
}

void main();
