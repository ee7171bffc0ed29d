import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { importLabelFiles } from '../../../../electron/core/intel/labelStore';
import { findChainId } from '../../../../electron/core/store/chains';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { generateWorld, type TheftHop, type WorldTruth } from '../../../../electron/core/synth/world';
import { proposeLinks } from '../../../../electron/core/trace/linkCandidates';
import { LinkSearch, type CrossChainLink, type LinkCandidate } from '../../../../shared/api/traceSchemas';
import { formatUnits, groupDigits } from '../../../../shared/model/amount';
import { tempDir } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

/** The world's swap rate (1 ETH buys 0.06 of its regtest coin), as an investigator would enter it. */
const RATES = { 'ETH/rBTC': '0.06' };
const CHAINS = [
  ['ethereum', 'eth'],
  ['tron', 'tron'],
  ['bitcoin', 'btc-regtest'],
] as const;

/** A label list naming the world's bridge and swap on both sides, and each exchange's hot wallets. */
function labelFile(dir: string, truth: WorldTruth): string {
  const lock = truth.bridge.locks[0]!.to;
  const rows = [
    'chain,address,label,category',
    `${truth.chains.eth},${lock},Arc Bridge,bridge`,
    `${truth.bridge.release.chain},${truth.bridge.release.from},Arc Bridge,bridge`,
    `${truth.swap.in.chain},${truth.swap.in.to},Tidal Swap,defi_dex`,
    `${truth.swap.out.chain},${truth.swap.out.from},Tidal Swap,defi_dex`,
    ...truth.hotWallets.map((h) => `${h.chain},${h.address},${h.exchange},exchange`),
  ];
  const file = join(dir, 'services.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

async function world(seed: string): Promise<{ truth: WorldTruth; db: Db; dir: string }> {
  const dir = tempDir();
  const truth = generateWorld({ seed, transfers: 3000, out: dir });
  const db = openStore(':memory:');
  for (const [part, chain] of CHAINS) await importDataset(db, { paths: [join(dir, truth.files[part])], chain });
  importLabelFiles(db, [labelFile(dir, truth)], { skipInvalid: false, now: () => new Date('2026-03-01T00:00:00Z') });
  return { truth, db, dir };
}

const units = (amount: bigint | string, decimals: number, symbol: string): string => `${groupDigits(formatUnits(BigInt(amount), decimals))} ${symbol}`;
const bestFor = (candidates: readonly LinkCandidate[], hop: TheftHop): LinkCandidate | undefined => candidates.find((c) => c.from.chain === hop.chain && c.from.tx === hop.tx);

/** The base units a candidate's end moved, read from the store by its ref: an output on a UTXO chain, a transfer row otherwise. */
function amountAt(db: Db, end: LinkCandidate['from']): bigint {
  const chainId = findChainId(db, end.chain)!;
  const tx = db.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash = ?').pluck().get(chainId, end.tx) as number;
  if (end.chain.startsWith('bip122:')) return fromDbAmount(db.prepare('SELECT value FROM txout WHERE tx_id = ? AND n = ?').safeIntegers(true).pluck().get(tx, Number(end.ref)));
  const [kind, pos] = [end.ref!.slice(0, end.ref!.indexOf(':')), end.ref!.slice(end.ref!.indexOf(':') + 1)];
  return fromDbAmount(db.prepare('SELECT amount FROM transfer WHERE tx_id = ? AND kind = ? AND pos = ?').safeIntegers(true).pluck().get(tx, Number(kind), pos));
}

for (const seed of ['links-a', 'links-b']) {
  test(`world ${seed}: the bridge locks and the swap are each the top candidate of their transfers in, with the exact amounts and reasons`, async () => {
    const { truth, db } = await world(seed);
    const candidates = proposeLinks(db, LinkSearch.parse({ rates: RATES, limit: 1000 }), []);
    assert.ok(candidates.length > 10, `noise gives rivals to beat: ${candidates.length}`);

    const release = truth.bridge.release;
    const lockedTotal = truth.bridge.locks.reduce((s, l) => s + BigInt(l.amount), 0n);
    assert.ok(truth.bridge.locks.length >= 2, 'the theft locks from several wallets at once');
    for (const lock of truth.bridge.locks) {
      const best = bestFor(candidates, lock);
      assert.ok(best, `lock ${lock.tx} has a candidate`);
      assert.deepEqual([best.to.chain, best.to.tx, best.kind], [release.chain, release.tx, 'bridge'], `lock ${lock.tx}: ${JSON.stringify(best)}`);
      assert.deepEqual([best.fromAmount, best.toAmount, best.fromAsset.symbol, best.toAsset.symbol], [lock.amount, release.amount, 'USDT', 'USDT']);
      assert.ok(best.reasons.some((r) => r.startsWith(`one of ${truth.bridge.locks.length} transfers into the same address in one block`)), best.reasons.join('\n'));
      assert.ok(best.reasons.some((r) => r.startsWith(`out ${units(release.amount, 6, 'USDT')} is `) && r.includes(`(together ${units(lockedTotal, 6, 'USDT')}) after a 0.5% fee`)), best.reasons.join('\n'));
      assert.ok(best.reasons.includes('both sides labelled Arc Bridge'), best.reasons.join('\n'));
      assert.equal(amountAt(db, best.from), BigInt(lock.amount), 'from names the lock transfer by its ref');
      assert.equal(amountAt(db, best.to), BigInt(release.amount), 'to names the release transfer by its ref');
    }

    const swap = bestFor(candidates, truth.swap.in);
    assert.ok(swap, 'the swap in has a candidate');
    assert.deepEqual([swap.to.chain, swap.to.tx, swap.kind], [truth.swap.out.chain, truth.swap.out.tx, 'swap'], JSON.stringify(swap));
    assert.deepEqual([swap.fromAmount, swap.toAmount, swap.fromAsset.symbol, swap.toAsset.symbol], [truth.swap.in.amount, truth.swap.out.amount, 'ETH', 'rBTC']);
    assert.equal(amountAt(db, swap.to), BigInt(truth.swap.out.amount), 'the payout output, not the change back to the vault');
    assert.ok(swap.reasons.some((r) => r.startsWith(`out ${units(truth.swap.out.amount, 8, 'rBTC')} is `) && r.endsWith(`from in ${units(truth.swap.in.amount, 18, 'ETH')} at 0.06 rBTC per ETH after a 0.5% fee`)), swap.reasons.join('\n'));
    assert.ok(swap.reasons.includes('both sides labelled Tidal Swap'));

    // Every candidate crosses chains, within the window, best first; UTXO ends are outputs.
    for (const c of candidates) {
      assert.notEqual(c.from.chain, c.to.chain);
      assert.ok(c.score >= 0 && c.score <= 1 && c.delay >= 0 && c.delay <= 6 * 3600, JSON.stringify(c));
      assert.equal(amountAt(db, c.from).toString(), c.fromAmount);
      assert.equal(amountAt(db, c.to).toString(), c.toAmount);
    }
    for (let i = 1; i < candidates.length; i++) assert.ok(candidates[i - 1]!.score >= candidates[i]!.score, 'best first');
    assert.ok(candidates.some((c) => c.from.chain === truth.chains.btc), 'value into a Bitcoin service (an output paying it) is looked at too');
    db.close();
  });
}

test('without a rate between two symbols there is no swap candidate; chosen transfers in limit the search; a tighter tolerance drops the rest', async () => {
  const { truth, db } = await world('links-a');
  const noRate = proposeLinks(db, LinkSearch.parse({ limit: 1000 }), []);
  assert.equal(bestFor(noRate, truth.swap.in), undefined, 'ETH to rBTC needs a rate');
  assert.ok(noRate.every((c) => c.fromAsset.symbol === c.toAsset.symbol), 'only same-symbol pairs without rates');

  const lock = truth.bridge.locks[0]!;
  const chosen = proposeLinks(db, LinkSearch.parse({ rates: RATES, from: [{ chain: 'eth', tx: lock.tx }, { chain: truth.swap.in.chain, tx: truth.swap.in.tx, ref: '0:' }] }), []);
  assert.deepEqual([...new Set(chosen.map((c) => c.from.tx))].sort(), [lock.tx, truth.swap.in.tx].sort());
  assert.equal(bestFor(chosen, lock)?.to.tx, truth.bridge.release.tx);
  assert.equal(bestFor(chosen, truth.swap.in)?.to.tx, truth.swap.out.tx);

  // The release is 0.4% over the locks less a 0.5% fee: inside 0.5% tolerance, outside 0.3%.
  const tight = (tolerancePct: number) => proposeLinks(db, LinkSearch.parse({ rates: RATES, tolerancePct, from: [{ chain: 'eth', tx: lock.tx }] }), []);
  assert.equal(bestFor(tight(0.5), lock)?.to.tx, truth.bridge.release.tx);
  assert.equal(tight(0.3).some((c) => c.to.tx === truth.bridge.release.tx), false);
  // The same fee as the bridge's (0.1%) makes the match closer.
  const exactFee = proposeLinks(db, LinkSearch.parse({ feePct: 0.1, tolerancePct: 0.01, from: [{ chain: 'eth', tx: lock.tx }] }), []);
  assert.ok(bestFor(exactFee, lock)?.reasons.some((r) => / is (less than 0\.01|0\.0[01])% (over|under) the /.test(r)), JSON.stringify(bestFor(exactFee, lock)?.reasons));
  db.close();
});

test('a judged pair is not proposed again, whichever way it was judged, and a whole-tx link covers its transfers', async () => {
  const { truth, db } = await world('links-b');
  const search = LinkSearch.parse({ rates: RATES, limit: 1000 });
  const before = proposeLinks(db, search, []);
  const [lock] = truth.bridge.locks;
  const release = truth.bridge.release;
  const best = bestFor(before, lock!)!;
  const judged = (status: 'confirmed' | 'rejected', from = best.from, to = best.to): CrossChainLink => ({ id: 1, from, to, kind: 'bridge', status, evidence: best.reasons, score: best.score, note: '', createdAt: 'x', createdBy: 'y' });
  for (const status of ['rejected', 'confirmed'] as const) {
    const again = proposeLinks(db, search, [judged(status)]);
    assert.equal(again.some((c) => c.from.tx === lock!.tx && c.to.tx === release.tx), false, status);
    assert.equal(again.length, before.length - 1, 'only that pair is left out');
  }
  const wholeTx = proposeLinks(db, search, [judged('rejected', { chain: best.from.chain, tx: best.from.tx }, { chain: best.to.chain, tx: best.to.tx })]);
  assert.equal(wholeTx.some((c) => c.from.tx === lock!.tx && c.to.tx === release.tx), false);
  db.close();
});

test('through the API: proposed on the store, a candidate confirmed is listed by links.list, and a rejected one is not proposed again until undone', async () => {
  const dir = tempDir();
  const truth = generateWorld({ seed: 'links-api', transfers: 3000, out: dir });
  const { backend } = freshBackend();
  await ok(backend, 'settings.set', { investigator: 'DI Varga' });
  for (const [part, chain] of CHAINS) await importAndWait(backend, [join(dir, truth.files[part])], chain);
  await ok(backend, 'labels.import', { paths: [labelFile(dir, truth)] });
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Cross-chain' });
  const propose = async () => (await ok(backend, 'links.propose', { caseId, search: { rates: RATES, limit: 1000 } })).candidates;

  const first = await propose();
  const swap = bestFor(first, truth.swap.in)!;
  assert.equal(swap.to.tx, truth.swap.out.tx);
  const confirmed = await ok(backend, 'links.add', { caseId, from: swap.from, to: swap.to, kind: swap.kind, evidence: swap.reasons, score: swap.score });
  assert.deepEqual(await ok(backend, 'links.list', { caseId }), [confirmed]);
  assert.deepEqual([confirmed.status, confirmed.kind, confirmed.evidence, confirmed.createdBy], ['confirmed', 'swap', swap.reasons, 'DI Varga']);

  const lock = bestFor(first, truth.bridge.locks[0]!)!;
  await ok(backend, 'links.add', { caseId, from: lock.from, to: lock.to, kind: lock.kind, status: 'rejected', evidence: lock.reasons, score: lock.score });
  const second = await propose();
  assert.equal(second.some((c) => c.from.tx === lock.from.tx && c.to.tx === lock.to.tx), false, 'the rejected pair is not proposed again');
  assert.equal(second.some((c) => c.from.tx === swap.from.tx && c.to.tx === swap.to.tx), false, 'nor the confirmed one');
  assert.equal(second.length, first.length - 2);
  const g = await ok(backend, 'case.undo', { caseId });
  assert.equal(g.redo, 'Reject link bridge eth→tron');
  assert.ok((await propose()).some((c) => c.from.tx === lock.from.tx && c.to.tx === lock.to.tx), 'undoing the rejection proposes it again');

  await fails(backend, 'links.propose', { caseId, search: { services: [{ chain: 'eth', address: 'not an address' }] } }, 'invalid_argument', /a service address \(eth, not an address\): not an EVM address/);
  await fails(backend, 'links.propose', { caseId, search: { rates: { 'ETH/rBTC': '1e5' } } }, 'invalid_argument');
  await backend.close();
});
