import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppEvent } from '../../../shared/api/contract';
import type { JobState } from '../../../shared/api/schemas';
import { openBackend } from '../../../electron/core/backend';
import { ETL, REPO, TX_HEADER, addr, tempDir, txRow, writeFile } from '../helpers';
import { ok } from './backendHelpers';

// The bundled worker is what both shells run; `npm test` builds it first.
const WORKER = join(REPO, 'dist/node/importWorker.cjs');

function waitForJob(events: AppEvent[], jobId: string): Promise<JobState> {
  return new Promise((resolve) => {
    const tick = (): void => {
      const last = events.filter((e): e is Extract<AppEvent, { type: 'job' }> => e.type === 'job' && e.job.id === jobId).at(-1);
      if (last && last.job.state !== 'running') resolve(last.job);
      else setTimeout(tick, 5);
    };
    tick();
  });
}

test('an import started through the API runs in the worker, reports progress and announces the change', async () => {
  assert.ok(existsSync(WORKER), `${WORKER} is built by npm test`);
  const backend = openBackend({ workspaceDir: tempDir(), shell: 'browser', importWorkerScript: WORKER });
  const events: AppEvent[] = [];
  backend.onEvent((e) => events.push(e));
  const { jobId } = await ok(backend, 'import.start', { paths: [ETL] });
  const job = await waitForJob(events, jobId);
  assert.equal(job.state, 'done', job.message);
  assert.equal(job.dataset!.added.transfers, 4);
  assert.equal(job.done, job.total);
  assert.ok(events.some((e) => e.type === 'job' && e.job.phase.startsWith('transactions')), 'progress names the phase');
  assert.ok(events.some((e) => e.type === 'store.changed'));
  const stats = await ok(backend, 'store.stats', {});
  assert.equal(stats.chains[0].transfers, 4);
  await backend.close();
});

test('a bad file fails the job with the file and line, and a cancelled job commits nothing', async () => {
  const dir = tempDir();
  const backend = openBackend({ workspaceDir: dir, shell: 'browser', importWorkerScript: WORKER });
  const events: AppEvent[] = [];
  backend.onEvent((e) => events.push(e));
  const bad = writeFile(dir, 'bad.csv', [TX_HEADER, txRow(addr(1), addr(2), '-5')].join('\n'));
  const failed = await waitForJob(events, (await ok(backend, 'import.start', { paths: [bad] })).jobId);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error!.kind, 'bad_input');
  assert.match(failed.message, /bad\.csv, line 2: column "value"/);

  const big = writeFile(dir, 'big.csv', [TX_HEADER, ...Array.from({ length: 60000 }, (_, i) => txRow(addr(i + 1), addr(i + 70000), '1'))].join('\n'));
  const { jobId } = await ok(backend, 'import.start', { paths: [big] });
  // Cancel as soon as the worker reports real progress.
  await new Promise<void>((resolve) => {
    const off = backend.onEvent((e) => {
      if (e.type === 'job' && e.job.id === jobId && e.job.rows > 0) {
        off();
        resolve();
      }
    });
  });
  assert.deepEqual(await ok(backend, 'job.cancel', { jobId }), { cancelled: true });
  const cancelled = await waitForJob(events, jobId);
  assert.equal(cancelled.state, 'cancelled');
  assert.deepEqual((await ok(backend, 'store.stats', {})).datasets, []);
  await backend.close();
});

for (const [mode, worker] of [['in the worker', WORKER], ['in-process', undefined]] as const) {
  test(`an import with review (${mode}) waits with what it found: commit keeps it, discard keeps nothing`, async () => {
    const backend = openBackend({ workspaceDir: tempDir(), shell: 'browser', importWorkerScript: worker });
    const events: AppEvent[] = [];
    backend.onEvent((e) => events.push(e));
    const first = await ok(backend, 'import.start', { paths: [ETL], review: true });
    const waiting = await waitForJob(events, first.jobId);
    assert.equal(waiting.state, 'review');
    const p = waiting.preview!;
    assert.equal(p.chain, 'eip155:1');
    assert.deepEqual([p.rowCounts.transactions, p.added.transactions, p.added.transfers], [4, 4, 4]);
    assert.deepEqual([p.firstTime, p.lastTime], [1446561880, 1446561880]);
    assert.ok(p.skipped.some((s) => /logs files are not imported/.test(s.reason)));
    assert.ok(p.notes.some((n) => /top-level calls/.test(n)));
    // Nothing is visible before the commit.
    assert.deepEqual((await ok(backend, 'store.stats', {})).datasets, []);
    assert.deepEqual(await ok(backend, 'import.commit', { jobId: first.jobId }), { committed: true });
    for (;;) {
      const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === first.jobId)!;
      if (job.state === 'done') break;
      assert.notEqual(job.state, 'failed', job.message);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal((await ok(backend, 'store.stats', {})).datasets.length, 1);

    const dir = tempDir();
    const more = writeFile(dir, 'more.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), '7', 900)}\n`);
    const second = await ok(backend, 'import.start', { paths: [more], review: true });
    events.length = 0;
    assert.equal((await waitForJob(events, second.jobId)).state, 'review');
    assert.deepEqual(await ok(backend, 'job.cancel', { jobId: second.jobId }), { cancelled: true });
    for (;;) {
      const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === second.jobId)!;
      if (job.state === 'cancelled') {
        assert.match(job.message, /discarded at review; nothing was committed/);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal((await ok(backend, 'store.stats', {})).datasets.length, 1);
    assert.deepEqual(await ok(backend, 'import.commit', { jobId: second.jobId }), { committed: false });
    await backend.close();
  });
}
