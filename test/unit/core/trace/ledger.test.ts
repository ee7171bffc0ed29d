import assert from 'node:assert/strict';
import { test } from 'node:test';
import { traceLedger, type LedgerTransfer, type TaintMethod, type TaintResult } from '../../../../electron/core/trace/ledger';

const T = (id: string, from: string | null, to: string | null, amount: bigint, failed = false): LedgerTransfer => ({ id, from, to, asset: 'ETH', amount, failed });

/** Taint carried by each transfer, by id. */
const carried = (r: TaintResult) => Object.fromEntries(r.transfers.map((t) => [t.id, [t.tainted, t.hops]]));
const held = (list: TaintResult['holding']) => Object.fromEntries(list.map((h) => [h.address, h.tainted]));
const sum = (list: TaintResult['holding']) => list.reduce((s, h) => s + h.tainted, 0n);

// A receives 10 clean, then 5 stolen; sends 12 to B, then 3 to C.
// (The victim's and x's own earlier history is not in these facts; they hold no taint, so their
// shortfalls change nothing and are not reported as unknown inputs.)
const mixed = [T('t1', 'x', 'A', 10n), T('t2', 'victim', 'A', 5n), T('t3', 'A', 'B', 12n), T('t4', 'A', 'C', 3n)];
const ofA = (r: TaintResult) => r.unknownInputs.filter((u) => u.address === 'A');
const stolen = new Map([['t2', 5n]]);

test('FIFO: value leaves in the order it came in, lot by lot', () => {
  const r = traceLedger('fifo', mixed, stolen);
  // t3 takes the 10 clean and 2 of the stolen 5; t4 takes the other 3.
  assert.deepEqual(carried(r), { t2: [5n, 1], t3: [2n, 2], t4: [3n, 2] });
  assert.deepEqual(held(r.holding), { B: 2n, C: 3n });
  assert.deepEqual(ofA(r), []);
  assert.deepEqual(r.unknownInputs, []);
});

test('haircut: each transfer out carries the tainted share, rounded down, the last one what is left', () => {
  const r = traceLedger('haircut', mixed, stolen);
  // After t2: 15 held, 5 tainted. t3: 12 × 5 / 15 = 4. t4 empties A: the 1 left.
  assert.deepEqual(carried(r), { t2: [5n, 1], t3: [4n, 2], t4: [1n, 2] });
  assert.deepEqual(held(r.holding), { B: 4n, C: 1n });
  // Rounding never creates or destroys taint: 1 stolen of 3, paid out as 1, 1, 1.
  const thirds = traceLedger('haircut', [T('s', 'victim', 'A', 3n), T('a', 'A', 'B', 1n), T('b', 'A', 'C', 1n), T('c', 'A', 'D', 1n)], new Map([['s', 1n]]));
  assert.deepEqual(carried(thirds), { s: [1n, 1], c: [1n, 2] });
  assert.equal(sum(thirds.holding), 1n);
});

test('poison: everything an address sends after taint reached it is tainted, an upper bound', () => {
  const r = traceLedger('poison', mixed, stolen);
  assert.deepEqual(carried(r), { t2: [5n, 1], t3: [12n, 2], t4: [3n, 2] });
  assert.deepEqual(held(r.holding), { B: 12n, C: 3n });
});

test('failed transfers move nothing; a transfer beyond the known balance reports an unknown input', () => {
  const r = traceLedger('fifo', [T('s', 'victim', 'A', 5n), T('f', 'A', 'B', 5n, true), T('o', 'A', 'C', 7n)], new Map([['s', 5n]]));
  assert.deepEqual(carried(r), { s: [5n, 1], o: [5n, 2] });
  assert.deepEqual(ofA(r), [{ transferId: 'o', address: 'A', asset: 'ETH', amount: 2n }]);
  assert.deepEqual(held(r.holding), { C: 5n });
});

test('a stop keeps what reaches it and a hop limit lists what is still moving, so the sources reconcile', () => {
  const stop = traceLedger('fifo', mixed, stolen, { stopAt: (a) => a === 'B' });
  assert.deepEqual(held(stop.reached), { B: 2n });
  assert.deepEqual(held(stop.holding), { C: 3n });
  const limit = traceLedger('haircut', mixed, stolen, { maxHops: 1 });
  assert.deepEqual(held(limit.atLimit), { B: 4n, C: 1n });
  assert.deepEqual(limit.holding, []);
});

test('on a generated flow of 20,000 transfers FIFO and haircut conserve the stolen value exactly, and poison bounds them', () => {
  let seed = 42;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const addresses = Array.from({ length: 60 }, (_, i) => `a${i}`);
  const transfers: LedgerTransfer[] = [];
  const sources = new Map<string, bigint>();
  for (let i = 0; i < 20_000; i++) {
    const from = rand(10) === 0 ? null : addresses[rand(60)]!;
    const to = addresses[rand(60)]!;
    // Amounts up to 2^70, so nothing fits a float.
    const amount = (BigInt(rand(1_000_000) + 1) << BigInt(rand(50))) + BigInt(rand(1000));
    transfers.push({ id: `t${i}`, from, to, asset: rand(3) === 0 ? 'USDT' : 'ETH', amount, failed: rand(40) === 0 });
    if (rand(200) === 0) sources.set(`t${i}`, amount - BigInt(rand(3)));
  }
  const totals = (r: TaintResult) => {
    const per = new Map<string, bigint>();
    for (const h of [...r.holding, ...r.reached, ...r.atLimit]) per.set(h.asset, (per.get(h.asset) ?? 0n) + h.tainted);
    return per;
  };
  const options = { stopAt: (a: string) => a === 'a7', maxHops: 9 };
  const byMethod = new Map<TaintMethod, TaintResult>();
  for (const method of ['fifo', 'haircut', 'poison'] as const) {
    const r = traceLedger(method, transfers, sources, options);
    byMethod.set(method, r);
    for (const t of r.transfers) assert.ok(t.tainted > 0n && t.tainted <= t.amount, `${method} ${t.id}: ${t.tainted} of ${t.amount}`);
    if (method !== 'poison') assert.deepEqual(totals(r), r.sourced, `${method}: sourced = holding + reached + at the limit`);
  }
  assert.ok(byMethod.get('fifo')!.unknownInputs.length > 0, 'the generated flow spends value the store never saw arrive');
  // Poison taints at least every transfer the others taint.
  const poisoned = new Set(byMethod.get('poison')!.transfers.map((t) => t.id));
  for (const m of ['fifo', 'haircut'] as const) for (const t of byMethod.get(m)!.transfers) assert.ok(poisoned.has(t.id), `${m} ${t.id} is poisoned too`);
});
