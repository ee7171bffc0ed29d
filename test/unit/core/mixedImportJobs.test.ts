import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppEvent } from '../../../shared/api/contract';
import type { JobState } from '../../../shared/api/schemas';
import { openBackend } from '../../../electron/core/backend';
import type { Backend } from '../../../electron/core/backendTypes';
import { BLK_FIXTURE, ETL, REPO, tempDir } from '../helpers';
import { ok } from './backendHelpers';

// The bundled worker is what both shells run; build first (under the build lock).
const WORKER = join(REPO, 'dist/node/importWorker.cjs');

/** The job's state once it stops running (in review, or finished). */
function settled(backend: Backend, jobId: string): Promise<JobState> {
  return new Promise((resolve) => {
    const tick = async (): Promise<void> => {
      const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === jobId);
      if (job && job.state !== 'running') resolve(job);
      else setTimeout(() => void tick(), 5);
    };
    void tick();
  });
}

for (const [mode, worker] of [['in the worker', WORKER], ['in-process', undefined]] as const) {
  test(`a mixed import job (${mode}) reviews both parts, then commits both datasets or neither`, async () => {
    if (worker) assert.ok(existsSync(worker), `${worker} is built by npm run build`);
    const backend = openBackend({ workspaceDir: tempDir(), shell: 'browser', importWorkerScript: worker });
    const events: AppEvent[] = [];
    backend.onEvent((e) => events.push(e));

    // Discarded at review: neither part is kept.
    const first = await ok(backend, 'import.start', { paths: [BLK_FIXTURE, ETL], review: true });
    const waiting = await settled(backend, first.jobId);
    assert.equal(waiting.state, 'review', waiting.message);
    assert.deepEqual(waiting.preview!.parts!.map((p) => [p.format, p.chain]), [
      ['bitcoin-blocks', 'bip122:000000000019d6689c085ae165831e93'],
      ['ethereum-etl-csv', 'eip155:1'],
    ]);
    assert.deepEqual((await ok(backend, 'store.stats', {})).datasets, []);
    assert.deepEqual(await ok(backend, 'job.cancel', { jobId: first.jobId }), { cancelled: true });
    const discarded = await settled(backend, first.jobId);
    assert.equal(discarded.state, 'cancelled');
    assert.match(discarded.message, /discarded at review; nothing was committed/);
    assert.deepEqual((await ok(backend, 'store.stats', {})).datasets, []);

    // Committed: one dataset per part, both announced with the job.
    const second = await ok(backend, 'import.start', { paths: [BLK_FIXTURE, ETL], review: true });
    assert.equal((await settled(backend, second.jobId)).state, 'review');
    assert.ok(events.some((e) => e.type === 'job' && e.job.id === second.jobId && e.job.phase.startsWith('part 2 of 2')), 'progress names the part');
    assert.deepEqual(await ok(backend, 'import.commit', { jobId: second.jobId }), { committed: true });
    // Committing puts the job back to running at once, so this waits for the end.
    const done = await settled(backend, second.jobId);
    assert.equal(done.state, 'done', done.message);
    assert.deepEqual(done.datasets!.map((d) => [d.id, d.format]), [[1, 'bitcoin-blocks'], [2, 'ethereum-etl-csv']]);
    assert.equal(done.dataset!.id, 1);
    assert.match(done.message, /^bitcoin-blocks \(bip122:000000000019d6689c085ae165831e93\): imported dataset 1$/m);
    assert.match(done.message, /^ethereum-etl-csv \(eip155:1\): imported dataset 2$/m);
    assert.equal(done.done, done.total);
    const stats = await ok(backend, 'store.stats', {});
    assert.deepEqual(stats.datasets.map((d) => d.chain), ['bip122:000000000019d6689c085ae165831e93', 'eip155:1']);
    assert.ok(events.some((e) => e.type === 'store.changed'));
    await backend.close();
  });
}
