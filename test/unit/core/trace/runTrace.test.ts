import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { runTrace, TraceError } from '../../../../electron/core/trace/runTrace';
import { traceUtxo, type UtxoTx } from '../../../../electron/core/trace/utxo';
import { TraceSpec, type TraceResult, type TraceSpecInput } from '../../../../shared/api/traceSchemas';
import { addr, BLK_FIXTURE, tempDir, TX_HEADER, txRow, writeFile } from '../../helpers';

/** A tx of the engine's own shape: inputs (value, tainted-by-source amount) and outputs. */
function tx(key: string, ins: { value: bigint | null; address?: string }[], outs: bigint[], order = 1): UtxoTx {
  return {
    key,
    hash: `h${key}`,
    time: 1000 + order,
    order: [order, 0],
    ins: ins.map((i) => ({ value: i.value, address: i.address ?? null, prev: null })),
    outs: outs.map((value, n) => ({ n, value, address: `a${key}${n}`, spentBy: null })),
  };
}

function runOne(method: 'fifo' | 'haircut' | 'poison', t: UtxoTx, stolen: Map<number, bigint>) {
  return traceUtxo({ method, load: () => t, outputs: new Map(), inputs: new Map([[t.key, stolen]]), endAt: () => null });
}

const outTaint = (r: ReturnType<typeof runOne>): bigint[] => r.outputs.sort((a, b) => a.n - b.n).map((o) => o.tainted);
const feeTaint = (r: ReturnType<typeof runOne>): bigint => r.ended.filter((e) => e.reason === 'fee').reduce((s, e) => s + e.tainted, 0n);

test('a mixed UTXO transaction by hand: 300 clean and 200 stolen in, 400 and 50 out, 50 fee', () => {
  const t = tx('1', [{ value: 300n }, { value: 200n }], [400n, 50n]);
  const stolen = new Map([[1, 200n]]);
  // FIFO: the clean 300 fills the first output first, so it takes 100 stolen; the rest of the
  // stolen value fills the second output and the fee.
  const fifo = runOne('fifo', t, stolen);
  assert.deepEqual(outTaint(fifo), [100n, 50n]);
  assert.equal(feeTaint(fifo), 50n);
  // Haircut: 200/500 of everything: 160, 20 and 20 of the fee.
  const haircut = runOne('haircut', t, stolen);
  assert.deepEqual(outTaint(haircut), [160n, 20n]);
  assert.equal(feeTaint(haircut), 20n);
  // Poison: everything the tx pays is tainted.
  const poison = runOne('poison', t, stolen);
  assert.deepEqual(outTaint(poison), [400n, 50n]);
  for (const r of [fifo, haircut]) assert.equal(outTaint(r).reduce((a, b) => a + b, 0n) + feeTaint(r), 200n, 'conserved');
  // The order of the inputs decides FIFO: stolen first, and the first output is all stolen.
  const first = runOne('fifo', tx('2', [{ value: 200n }, { value: 300n }], [400n, 50n]), new Map([[0, 200n]]));
  assert.deepEqual(outTaint(first), [200n]);
  assert.equal(first.outputs.length, 1, 'an output with no taint is not listed');
});

test('haircut splits exactly: the parts of 1 stolen unit over three equal outputs sum to 1', () => {
  const r = runOne('haircut', tx('3', [{ value: 3n }], [1n, 1n, 1n]), new Map([[0, 1n]]));
  assert.equal(outTaint(r).reduce((a, b) => a + b, 0n) + feeTaint(r), 1n);
});

test('an input whose spent output is missing is reported and counted at its least, never as zero', () => {
  const t = tx('4', [{ value: 100n }, { value: null, address: 'someone' }], [150n, 30n]);
  const r = runOne('haircut', t, new Map([[0, 100n]]));
  assert.equal(r.unknownInputs.length, 1);
  assert.equal(r.unknownInputs[0]!.amount, 80n, 'outputs 180 minus the known 100');
  assert.equal(r.unknownInputs[0]!.address, 'someone');
  // 100 of 180 is stolen (not 100 of 100): 83 and 17 (largest remainder), nothing to the fee.
  assert.deepEqual(outTaint(r), [83n, 17n]);
  assert.equal(feeTaint(r), 0n);
});

async function fixtureStore(): Promise<Db> {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLK_FIXTURE] });
  return db;
}

const trace = (db: Db, spec: TraceSpecInput): TraceResult => runTrace(db, TraceSpec.parse(spec));
const HAL_PAYMENT = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';

function reconciles(r: TraceResult): void {
  for (const t of r.totals) {
    const left = BigInt(t.sourced) + BigInt(t.linkedIn);
    const right = BigInt(t.stopped) + BigInt(t.atRest) + BigInt(t.fees) + BigInt(t.sunk) + BigInt(t.unresolved);
    assert.equal(left, right, `${t.asset.symbol}: ${left} in, ${right} accounted for`);
    assert.equal(t.reconciles, r.method !== 'poison');
  }
}

test("the real peel chain: block 170's 40 BTC change followed output by output to where it rests", async () => {
  const db = await fixtureStore();
  for (const method of ['fifo', 'haircut'] as const) {
    const r = trace(db, { method, maxHops: 10, sources: [{ kind: 'tx', chain: 'btc', tx: HAL_PAYMENT, ref: '1' }] });
    reconciles(r);
    assert.equal(r.totals[0]!.sourced, '4000000000');
    // The chain's change steps (MANIFEST): h170 → h181 → h182 → h183 → h248, each passing output 1 on.
    const change = r.transfers.filter((t) => t.ref === '1').sort((a, b) => a.hops - b.hops);
    assert.deepEqual(
      change.map((t) => [t.tx.slice(0, 8), t.hops, t.traced]),
      [
        ['f4184fc5', 1, '4000000000'],
        ['a16f3ce4', 2, '3000000000'],
        ['591e91f8', 3, '2900000000'],
        ['12b5633b', 4, '2800000000'],
        ['828ef3b0', 5, '1800000000'],
      ],
    );
    // Every peeled coin rests where it was paid; the last change is unspent in these blocks.
    const rest = new Map(r.endpoints.map((e) => [e.address, e]));
    assert.equal(rest.get('1DUDsfc23Dv9sPMEk5RsrtfzCw5ofi5sVW')?.amount, '1000000000');
    assert.equal(rest.get('12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S')?.amount, '1800000000');
    const last = rest.get('1ByLSV2gLRcuqUmfdYcpPQH8Npm8cccsFg')!;
    assert.equal(last.amount, '1000000000');
    assert.equal(last.hops, 5);
    assert.deepEqual(last.path.map((h) => h.slice(0, 8)), ['f4184fc5', 'a16f3ce4', '591e91f8', '12b5633b', '828ef3b0']);
    assert.ok(r.endpoints.every((e) => e.reason === 'rest'));
  }
  // A hop limit: what moves past it is unresolved, and the totals still reconcile.
  const short = trace(db, { method: 'fifo', maxHops: 2, sources: [{ kind: 'tx', chain: 'btc', tx: HAL_PAYMENT, ref: '1' }] });
  reconciles(short);
  assert.ok(short.unresolved.some((u) => u.reason === 'limit'));
  assert.equal(short.endpoints.find((e) => e.address === '1DUDsfc23Dv9sPMEk5RsrtfzCw5ofi5sVW')?.amount, '1000000000');
  // The same trace on the same store gives the same result, and names the dataset it read.
  assert.deepEqual(trace(db, { method: 'fifo', maxHops: 2, sources: [{ kind: 'tx', chain: 'btc', tx: HAL_PAYMENT, ref: '1' }] }), short);
  assert.equal(short.datasets.length, 1);
  assert.match(short.datasets[0]!.sha256[0]!, /^[0-9a-f]{64}$/);
  db.close();
});

test('stops: an address given as a stop ends the trace there, as reached', async () => {
  const db = await fixtureStore();
  const r = trace(db, {
    method: 'fifo',
    sources: [{ kind: 'tx', chain: 'btc', tx: HAL_PAYMENT, ref: '1' }],
    stopAt: { addresses: [{ chain: 'btc', address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S' }] },
  });
  reconciles(r);
  assert.deepEqual(
    r.endpoints.map((e) => [e.reason, e.stopRule, e.address, e.amount]),
    [['stop', 'address', '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', '4000000000']],
  );
  db.close();
});

test('an account that receives stolen and clean value in a known order: FIFO and haircut by hand', async () => {
  const dir = tempDir();
  const [victim, thief, other, d, e] = [addr(1), addr(2), addr(3), addr(4), addr(5)];
  const rows = [
    txRow(victim, thief, '100', 100, 1_600_000_000), // stolen, first in
    txRow(other, thief, '50', 101, 1_600_000_100), // clean, after it
    txRow(thief, d, '120', 102, 1_600_000_200),
    txRow(thief, e, '30', 103, 1_600_000_300),
  ];
  const db = openStore(':memory:');
  await importDataset(db, { paths: [writeFile(dir, 'transactions.csv', [TX_HEADER, ...rows].join('\n') + '\n')], chain: 'eth' });
  const sources = [{ kind: 'address' as const, chain: 'eth', address: victim }];
  const amountAt = (r: TraceResult, a: string): string | undefined => r.endpoints.find((x) => x.address === a)?.amount;
  // FIFO: the 120 out takes the stolen 100 first and 20 clean; the 30 after it is clean.
  const fifo = trace(db, { method: 'fifo', sources });
  reconciles(fifo);
  assert.equal(amountAt(fifo, d), '100');
  assert.equal(amountAt(fifo, e), undefined);
  // Haircut: 100 of 150 is stolen; 120 carries 80, and the 30 that empties the account the rest, 20.
  const haircut = trace(db, { method: 'haircut', sources });
  reconciles(haircut);
  assert.equal(amountAt(haircut, d), '80');
  assert.equal(amountAt(haircut, e), '20');
  // Poison: everything the account sent after the theft.
  const poison = trace(db, { method: 'poison', sources });
  assert.equal(amountAt(poison, d), '120');
  assert.equal(amountAt(poison, e), '30');
  // Hops and path: victim → thief (1) → d (2).
  const atD = fifo.endpoints.find((x) => x.address === d)!;
  assert.equal(atD.hops, 2);
  assert.equal(atD.path.length, 2);
  // Unknown sources are refused with what was wrong.
  assert.throws(() => trace(db, { method: 'fifo', sources: [{ kind: 'address', chain: 'eth', address: addr(99) }] }), (err: unknown) => err instanceof TraceError && err.kind === 'not_found');
  assert.throws(() => trace(db, { method: 'fifo', sources: [{ kind: 'tx', chain: 'eth', tx: '0x' + 'ab'.repeat(32) }] }), /no transaction/);
  db.close();
});
