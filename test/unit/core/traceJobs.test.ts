import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Result } from '../../../shared/api/contract';
import { TraceSpec, type TraceSpecInput } from '../../../shared/api/traceSchemas';
import { openBackend } from '../../../electron/core/backend';
import type { Backend } from '../../../electron/core/backendTypes';
import { openStore } from '../../../electron/core/store/openStore';
import { generateWorld, SYNTH_CHAINS, type WorldTruth } from '../../../electron/core/synth/world';
import { runTrace } from '../../../electron/core/trace/runTrace';
import { ensureWorkspace } from '../../../electron/core/workspace';
import { REPO, tempDir, writeFile } from '../helpers';
import { fails, importAndWait, ok } from './backendHelpers';

// The bundled workers are what both shells run; `npm test` builds them first. The trace worker
// is found beside the import worker.
const WORKER = join(REPO, 'dist/node/importWorker.cjs');

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const worldDir = tempDir();
let truth: WorldTruth;
/** A workspace holding the generated world, and exchange and bridge labels from its truth. */
const workspace = tempDir();

before(async () => {
  assert.ok(existsSync(join(REPO, 'dist/node/traceWorker.cjs')), 'dist/node/traceWorker.cjs is built by npm test');
  const dir = worldDir;
  truth = generateWorld({ seed: 'trace-jobs', transfers: 3000, out: dir });
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser', importWorkerScript: WORKER });
  await importAndWait(backend, [join(dir, truth.files.ethereum)], 'eth');
  await importAndWait(backend, [join(dir, truth.files.tron)], 'tron');
  await importAndWait(backend, [join(dir, truth.files.bitcoin)]);
  const actors = readFileSync(join(dir, truth.files.actors), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const labelled = actors.flatMap(([chain, address, actor, role]) =>
    /deposit|hot wallet/.test(role!) ? [`${chain},${address},${actor},exchange`] : /lock contract|release wallet/.test(role!) ? [`${chain},${address},${actor},bridge`] : [],
  );
  await ok(backend, 'labels.import', { paths: [writeFile(dir, 'services.csv', ['chain,address,label,category', ...labelled].join('\n'))] });
  await backend.close();
});

const ethVictims = (): TraceSpecInput['sources'] =>
  truth.victims.filter((v) => v.chain === SYNTH_CHAINS.eth).map((v) => ({ kind: 'address' as const, chain: v.chain, address: v.address }));

async function waitForTrace(backend: Backend, jobId: string): Promise<Result<'trace.status'>> {
  for (;;) {
    const job = await ok(backend, 'trace.status', { jobId });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What runTrace gives on its own connection to the workspace's store. */
function traceDirectly(spec: TraceSpecInput) {
  const db = openStore(ensureWorkspace(workspace).store);
  try {
    return runTrace(db, TraceSpec.parse(spec));
  } finally {
    db.close();
  }
}

for (const [mode, worker] of [['in the worker', WORKER], ['in-process', undefined]] as const) {
  test(`a trace started through the API (${mode}) ends done with the result runTrace gives on the store`, async () => {
    const backend = openBackend({ workspaceDir: workspace, shell: 'browser', importWorkerScript: worker });
    const spec = { method: 'haircut' as const, sources: ethVictims(), maxHops: 20 };
    const { jobId } = await ok(backend, 'trace.start', { spec });
    const job = await waitForTrace(backend, jobId);
    assert.equal(job.state, 'done', job.error?.message);
    assert.equal(job.phase, 'done');
    assert.equal(job.error, null);
    assert.equal(job.traceId, null, 'a trace outside a case is not saved');
    assert.deepEqual(job.result, traceDirectly(spec));
    assert.ok(job.result!.endpoints.length > 0);
    assert.ok(job.result!.totals.every((t) => t.reconciles));
    // The job is still there to read, and a finished job cannot be cancelled.
    assert.equal((await ok(backend, 'trace.status', { jobId })).state, 'done');
    assert.deepEqual(await ok(backend, 'trace.cancel', { jobId }), { cancelled: false });
    await backend.close();
  });
}

test('a cancelled trace ends cancelled with no result and stays so', async () => {
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser', importWorkerScript: WORKER });
  const { jobId } = await ok(backend, 'trace.start', { spec: { method: 'fifo', sources: ethVictims(), maxHops: 30 } });
  // The worker is still starting: the job is running.
  assert.equal((await ok(backend, 'trace.status', { jobId })).state, 'running');
  assert.deepEqual(await ok(backend, 'trace.cancel', { jobId }), { cancelled: true });
  await new Promise((r) => setTimeout(r, 500));
  const job = await ok(backend, 'trace.status', { jobId });
  assert.equal(job.state, 'cancelled');
  assert.equal(job.result, null);
  assert.equal(job.error, null);
  assert.deepEqual(await ok(backend, 'trace.cancel', { jobId }), { cancelled: false });
  await fails(backend, 'trace.status', { jobId: 'no-such-job' }, 'not_found', /no trace job no-such-job/);
  await backend.close();
});

test('a source the store does not hold is refused before a job starts; one runTrace cannot find fails the job', async () => {
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser', importWorkerScript: WORKER });
  const start = (source: TraceSpecInput['sources'][number]) => ({ spec: { method: 'fifo' as const, sources: [source] } });
  await fails(backend, 'trace.start', start({ kind: 'address', chain: 'nochain', address: '0x00' }), 'invalid_argument', /unknown chain "nochain"/);
  await fails(backend, 'trace.start', start({ kind: 'address', chain: 'eth', address: '0x1234' }), 'invalid_argument');
  await fails(backend, 'trace.start', start({ kind: 'address', chain: 'eth', address: '0x' + '12'.repeat(20) }), 'invalid_argument', /0x1212.* on Ethereum is not in the store/);
  await fails(backend, 'trace.start', start({ kind: 'tx', chain: 'eth', tx: '0x' + 'ab'.repeat(32) }), 'invalid_argument', /transaction 0xabab.* is not in the store/);
  // The mixer's transaction is in the store, but it has no output 99999.
  const { jobId } = await ok(backend, 'trace.start', start({ kind: 'tx', chain: SYNTH_CHAINS.btc, tx: truth.mixer.txid, ref: '99999' }));
  const job = await waitForTrace(backend, jobId);
  assert.equal(job.state, 'failed');
  assert.equal(job.error!.kind, 'not_found');
  assert.match(job.error!.message, /no output 99999/);
  await backend.close();
});

test('a trace run in a case is saved and audited, re-runs to the same result, and its removal can be undone', async () => {
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser', importWorkerScript: WORKER });
  const c = await ok(backend, 'case.create', { name: 'Trace jobs' });
  const spec = { method: 'fifo' as const, sources: ethVictims(), maxHops: 12 };
  const first = await waitForTrace(backend, (await ok(backend, 'trace.start', { caseId: c.id, name: 'victims, FIFO', spec })).jobId);
  assert.equal(first.state, 'done', first.error?.message);
  assert.equal(typeof first.traceId, 'number');
  const saved = await ok(backend, 'trace.get', { caseId: c.id, traceId: first.traceId! });
  assert.equal(saved.name, 'victims, FIFO');
  assert.deepEqual(saved.result, first.result);
  assert.deepEqual(saved.spec, TraceSpec.parse(spec));
  const audit = await ok(backend, 'audit.list', { caseId: c.id, offset: 0, limit: 10 });
  assert.equal(audit.items[0]!.action, 'trace.save');

  const again = await waitForTrace(backend, (await ok(backend, 'trace.rerun', { caseId: c.id, traceId: first.traceId! })).jobId);
  assert.equal(again.state, 'done', again.error?.message);
  assert.notEqual(again.traceId, first.traceId);
  assert.deepEqual(again.result, first.result, 'the same trace on the same store gives the same result');
  const names = async () => (await ok(backend, 'trace.list', { caseId: c.id })).map((t) => [t.name, t.method, t.endpoints]);
  assert.deepEqual(await names(), [
    ['victims, FIFO', 'fifo', first.result!.endpoints.length],
    ['victims, FIFO (re-run)', 'fifo', first.result!.endpoints.length],
  ]);

  assert.deepEqual(await ok(backend, 'trace.remove', { caseId: c.id, traceId: first.traceId! }), { removed: true });
  assert.deepEqual((await names()).map(([n]) => n), ['victims, FIFO (re-run)']);
  await fails(backend, 'trace.get', { caseId: c.id, traceId: first.traceId! }, 'not_found');
  await ok(backend, 'case.undo', { caseId: c.id });
  assert.deepEqual((await names()).map(([n]) => n), ['victims, FIFO', 'victims, FIFO (re-run)']);
  assert.deepEqual((await ok(backend, 'trace.get', { caseId: c.id, traceId: first.traceId! })).result, first.result);
  await backend.close();
});

test('indirect exposure sums the value reaching each labelled category, exactly, with the nearest hop and the counterparties', async () => {
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser' });
  // A peel-chain wallet of the theft that paid an exchange deposit directly.
  const theft = readFileSync(join(worldDir, truth.files.theft), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const exit = truth.exits.find((e) => e.chain === SYNTH_CHAINS.eth)!;
  const wallet = theft.find((h) => h[2] === exit.tx)![3]!;
  const paidDirectly = theft.filter((h) => h[3] === wallet && truth.exits.some((e) => e.deposit === h[4])).reduce((sum, h) => sum + BigInt(h[7]!), 0n);

  const near = await ok(backend, 'exposure.indirect', { chain: 'eth', address: wallet, method: 'fifo', maxHops: 1 });
  const exchange = near.rows.find((r) => r.category === 'exchange' && r.asset.symbol === 'ETH')!;
  assert.equal(exchange.amount, paidDirectly.toString());
  assert.equal(exchange.nearestHops, 1);
  assert.ok(exchange.counterparties.some((p) => p.address === exit.deposit && p.label === exit.exchange && p.hops === 1));
  assert.equal(exchange.counterparties.reduce((s, p) => s + BigInt(p.amount), 0n).toString(), exchange.amount);
  const sourced = traceDirectly({ method: 'fifo', sources: [{ kind: 'address', chain: SYNTH_CHAINS.eth, address: wallet }], maxHops: 1 }).totals.find((t) => t.asset.symbol === 'ETH')!.sourced;
  assert.ok(Math.abs(exchange.share - Number(paidDirectly) / Number(sourced)) < 1e-9, `share ${exchange.share}`);

  // Further hops reach more of the exchanges along the peel chain; never less.
  const far = await ok(backend, 'exposure.indirect', { chain: 'eth', address: wallet, method: 'fifo', maxHops: 10 });
  const farExchange = far.rows.find((r) => r.category === 'exchange' && r.asset.symbol === 'ETH')!;
  assert.ok(BigInt(farExchange.amount) >= BigInt(exchange.amount));
  assert.equal(farExchange.nearestHops, 1);

  // An address the store has never seen has no exposure.
  assert.deepEqual(await ok(backend, 'exposure.indirect', { chain: 'eth', address: '0x' + '34'.repeat(20) }), { rows: [] });
  await backend.close();
});

test('a finished job is kept until twenty newer ones have finished', async () => {
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser' });
  const spec = { method: 'fifo' as const, sources: ethVictims().slice(0, 1), maxHops: 2 };
  const ids: string[] = [];
  for (let i = 0; i < 21; i++) {
    ids.push((await ok(backend, 'trace.start', { spec })).jobId);
    assert.equal((await waitForTrace(backend, ids.at(-1)!)).state, 'done');
  }
  await fails(backend, 'trace.status', { jobId: ids[0] }, 'not_found', /kept only until 20 more have finished/);
  assert.equal((await ok(backend, 'trace.status', { jobId: ids[1]! })).state, 'done');
  await backend.close();
});
