import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { addressScriptType } from '../../../../electron/core/analysis/clustering/changeHeuristics';
import { clusterImport } from '../../../../electron/core/analysis/clustering/multiInput';
import { clearChainClusters, configureClustering, rebuildClusters } from '../../../../electron/core/analysis/clustering/rebuild';
import { readClusteringSettings, writeClusteringSettings, type ChangeRule } from '../../../../electron/core/analysis/clustering/settings';
import { openBackend } from '../../../../electron/core/backend';
import type { Backend } from '../../../../electron/core/backendTypes';
import { outputAddress } from '../../../../electron/core/ingest/bitcoin/utxoWriter';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { BlkWriter, p2pkh, p2wpkh, type Coin } from '../../../../electron/core/synth/blkWriter';
import { BITCOIN_MAINNET, BITCOIN_REGTEST, networkForChain } from '../../../../shared/codec/bitcoinScript';
import { BLK_FIXTURE, ETL_BLOCKS, ETL_TXS, FIXTURES, tempDir } from '../../helpers';
import { fails, ok } from '../backendHelpers';
import { clusterRows } from './clusterRows';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const ALL: ChangeRule[] = ['address-reuse', 'fresh-address', 'script-type', 'round-payment', 'optimal-change'];
const REGTEST = 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328';
const NET = networkForChain(REGTEST);


/** The merges as text (address, address, tx hash, heuristic), independent of store ids: stores filled in another order compare equal. */
function mergesAsText(db: Db, heuristic = '%'): string[][] {
  return db
    .prepare(
      `SELECT x.addr, y.addr, t.hash, e.heuristic FROM cluster_evidence e JOIN address x ON x.id = e.a JOIN address y ON y.id = e.b JOIN tx t ON t.id = e.tx_id
       WHERE e.heuristic LIKE ? ORDER BY t.hash, x.addr, y.addr, e.heuristic`,
    )
    .raw()
    .all(heuristic) as string[][];
}
/** The clusters as sorted lists of address texts. */
function clustersAsText(db: Db): string[][] {
  const rows = db.prepare('SELECT m.root, a.addr FROM entity_member m JOIN address a ON a.id = m.address_id').raw().all() as [number, string][];
  const by = new Map<number, string[]>();
  for (const [root, addr] of rows) by.set(root, [...(by.get(root) ?? []), addr]);
  return [...by.values()].map((c) => c.sort()).sort((x, y) => x[0]!.localeCompare(y[0]!));
}

// ---- hand-built regtest blocks, one per blk file ----

const key = (n: number): Buffer => Buffer.alloc(20, n);
const p2sh = (hash: Buffer): Buffer => Buffer.concat([Buffer.from([0xa9, 0x14]), hash, Buffer.from([0x87])]);
const addressOf = (script: Buffer): string => outputAddress(script, NET).address!;

/**
 * Block 1's coinbase funds one address per scenario; block 2 holds a transaction for each rule
 * (and one where two rules disagree, one where two agree); block 3 reuses an address that block 2
 * paid first. Each transaction is built so that only the rule it is named after names an output
 * (see the comments), which the one-rule-at-a-time test checks.
 */
function handBuilt() {
  const s = {
    A: p2pkh(key(1)), B: p2pkh(key(2)), R: p2pkh(key(3)), D: p2wpkh(key(4)), F: p2pkh(key(5)), H1: p2pkh(key(6)), H2: p2pkh(key(7)),
    J: p2wpkh(key(8)), M: p2wpkh(key(9)), L: p2pkh(key(10)), N: p2pkh(key(11)), Z: p2sh(key(12)),
    P: p2pkh(key(20)), C: p2pkh(key(21)), Q: p2pkh(key(22)), E: p2wpkh(key(23)), S: p2pkh(key(24)), G: p2pkh(key(25)), T: p2pkh(key(26)),
    I: p2pkh(key(27)), U: p2wpkh(key(28)), K: p2pkh(key(29)), V: p2pkh(key(30)), W: p2wpkh(key(31)), X: p2pkh(key(40)), Y: p2pkh(key(41)), O: p2sh(key(42)),
  };
  const dir = tempDir();
  const w = new BlkWriter(dir, { fileBytes: 1 });
  const funded = ['A', 'B', 'R', 'D', 'F', 'H1', 'H2', 'J', 'M', 'L', 'N', 'Z'] as const;
  const value: Record<string, bigint> = { R: 1_000n, H1: 3_000_000n, H2: 4_000_000n };
  const cb = w.endBlock(funded.map((k) => ({ value: value[k] ?? 10_000_000n, script: s[k] }))).outputs as Coin[];
  const coin = Object.fromEntries(funded.map((k, i) => [k, cb[i]!])) as Record<(typeof funded)[number], Coin>;
  const pay = (ins: Coin[], outs: [Buffer, bigint][]): string => w.addTx(ins.map((c) => ({ coin: c })), outs.map(([script, v]) => ({ script, value: v }))).txidHex;
  const tx = {
    // Change back to the input address A (round), the payment not round: address-reuse names A, round-payment the payment.
    reuse: pay([coin.A], [[s.P, 4_321_987n], [s.A, 5_000_000n]]),
    // R was paid in block 1, C never before: fresh-address names C. Both P2PKH, neither round, one input.
    fresh: pay([coin.B], [[s.R, 3_456_789n], [s.C, 6_000_001n]]),
    // A P2WPKH input; outputs P2PKH and P2WPKH: script-type names E. Both fresh, neither round.
    script: pay([coin.D], [[s.Q, 2_345_678n], [s.E, 7_123_456n]]),
    // 0.05 BTC and 0.04876543 BTC: round-payment names G. Both fresh, both P2PKH.
    round: pay([coin.F], [[s.S, 5_000_000n], [s.G, 4_876_543n]]),
    // Inputs of 0.03 and 0.04 BTC; only I is below the smaller: optimal-change names I.
    optimal: pay([coin.H1, coin.H2], [[s.T, 6_100_001n], [s.I, 887_654n]]),
    // script-type names U (P2WPKH like the input), round-payment K (U is round): they disagree.
    conflict: pay([coin.J], [[s.U, 2_000_000n], [s.K, 7_654_321n]]),
    // script-type and round-payment both name W.
    agree: pay([coin.M], [[s.V, 3_000_000n], [s.W, 6_543_210n]]),
    // X first appears here in chain order (block 3 pays it again), R did in block 1: fresh-address names X.
    order: pay([coin.N], [[s.R, 2_222_222n], [s.X, 7_123_457n]]),
    // A P2SH input paying P2SH (O) and P2PKH: script-type names O, from the spent output's type.
    p2sh: pay([coin.Z], [[s.O, 1_234_567n], [s.Y, 7_777_777n]]),
  };
  w.endBlock([{ value: 5_000_000_000n, script: p2pkh(key(250)) }]);
  // X and R both seen before (blocks 2 and 1): nothing named. Without block 2 in the store, X would look fresh.
  const late = pay([coin.L], [[s.X, 1_111_111n], [s.R, 8_123_456n]]);
  w.endBlock([{ value: 5_000_000_000n, script: p2pkh(key(251)) }]);
  w.close();
  assert.equal(w.files.length, 3);
  const addr = Object.fromEntries(Object.entries(s).map(([k, script]) => [k, addressOf(script)])) as Record<keyof typeof s, string>;
  return { files: w.files as [string, string, string], tx: { ...tx, late }, addr };
}

const world = handBuilt();
const { addr: ad, tx } = world;

async function storeWith(paths: string[][], rules: ChangeRule[] = []): Promise<Db> {
  const db = openStore(':memory:');
  if (rules.length) writeClusteringSettings(db, { ...readClusteringSettings(db), change: rules });
  for (const p of paths) await importDataset(db, { paths: p });
  return db;
}

test('each rule alone names the change of its own transaction, and its merge is recorded with its name', async () => {
  const db = await storeWith([world.files]);
  const expected: Record<ChangeRule, string[][]> = {
    'address-reuse': [],
    'fresh-address': [
      [ad.B, ad.C, tx.fresh],
      [ad.N, ad.X, tx.order],
    ],
    'script-type': [
      [ad.D, ad.E, tx.script],
      [ad.J, ad.U, tx.conflict],
      [ad.M, ad.W, tx.agree],
      [ad.Z, ad.O, tx.p2sh],
    ],
    'round-payment': [
      [ad.A, ad.P, tx.reuse],
      [ad.F, ad.G, tx.round],
      [ad.J, ad.K, tx.conflict],
      [ad.M, ad.W, tx.agree],
    ],
    'optimal-change': [[ad.H1, ad.I, tx.optimal]],
  };
  for (const rule of ALL) {
    const { rebuilt } = configureClustering(db, { change: [rule] });
    const report = rebuilt.chains[0]!.report;
    const rows = expected[rule].map(([a, b, hash]) => [a!, b!, hash!, `change:${rule}`]).sort((x, y) => x[2]!.localeCompare(y[2]!) || x[0]!.localeCompare(y[0]!));
    assert.deepEqual(mergesAsText(db, 'change:%'), rows, rule);
    // address-reuse names the change of the one self-change transaction, which merges nothing new.
    assert.deepEqual(report.change, { named: rule === 'address-reuse' ? 1 : rows.length, conflicts: 0, merges: rows.length }, rule);
  }
  // The one multi-input transaction is merged whatever the rules.
  assert.deepEqual(mergesAsText(db, 'multi-input'), [[ad.H1, ad.H2, tx.optimal, 'multi-input']]);
  db.close();
});

test('all rules on: rules that name different outputs merge nothing, rules that agree are all recorded', async () => {
  const db = await storeWith([world.files]);
  const { rebuilt, settings } = configureClustering(db, { change: ['optimal-change', 'round-payment', 'script-type', 'fresh-address', 'address-reuse', 'fresh-address'] });
  assert.deepEqual(settings.change, ALL, 'kept once each, in their canonical order');
  // conflict: script-type says U, round-payment K. reuse: address-reuse says A (back to the input), round-payment the payment.
  assert.deepEqual(rebuilt.chains[0]!.report.change, { named: 7, conflicts: 2, merges: 7 });
  assert.deepEqual(
    mergesAsText(db, 'change:%'),
    [
      [ad.B, ad.C, tx.fresh, 'change:fresh-address'],
      [ad.D, ad.E, tx.script, 'change:script-type'],
      [ad.F, ad.G, tx.round, 'change:round-payment'],
      [ad.H1, ad.I, tx.optimal, 'change:optimal-change'],
      [ad.M, ad.W, tx.agree, 'change:script-type+round-payment'],
      [ad.N, ad.X, tx.order, 'change:fresh-address'],
      [ad.Z, ad.O, tx.p2sh, 'change:script-type'],
    ].sort((x, y) => x[2]!.localeCompare(y[2]!) || x[0]!.localeCompare(y[0]!)),
  );
  assert.equal(mergesAsText(db).filter((m) => m[2] === tx.conflict || m[2] === tx.reuse || m[2] === tx.late).length, 0);
  db.close();
});

test('clusters why shows a change merge with its rule, and clusters show lists it', async () => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.sqlite'));
  await importDataset(db, { paths: world.files });
  db.close();
  const backend = openBackend({ workspaceDir: dir, shell: 'cli' });
  after(() => backend.close());
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: REGTEST, a: ad.B, b: ad.C }), { joined: false, steps: [] });
  await ok(backend, 'clusters.configure', { change: ['fresh-address', 'optimal-change'] });
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: REGTEST, a: ad.C, b: ad.B }), { joined: true, steps: [{ from: ad.C, to: ad.B, tx: tx.fresh, heuristic: 'change:fresh-address' }] });
  // Optimal change joins I to the multi-input cluster of H1 and H2: two steps of two heuristics.
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: REGTEST, a: ad.H2, b: ad.I }), {
    joined: true,
    steps: [
      { from: ad.H2, to: ad.H1, tx: tx.optimal, heuristic: 'multi-input' },
      { from: ad.H1, to: ad.I, tx: tx.optimal, heuristic: 'change:optimal-change' },
    ],
  });
  const shown = await ok(backend, 'clusters.show', { chain: REGTEST, address: ad.I });
  assert.equal(shown.size, 3);
  assert.deepEqual(shown.evidence, [{ tx: tx.optimal, heuristic: 'change:optimal-change' }]);
});

test('fresh means first in chain order: blocks imported out of order cluster, once rebuilt, as blocks imported in order', async () => {
  const inOrder = await storeWith([world.files], ['fresh-address']);
  assert.deepEqual(mergesAsText(inOrder, 'change:%'), [
    [ad.B, ad.C, tx.fresh, 'change:fresh-address'],
    [ad.N, ad.X, tx.order, 'change:fresh-address'],
  ].sort((x, y) => x[2]!.localeCompare(y[2]!)));
  // Block 3 first (it states its height in its coinbase): X, which block 2 pays first, looks fresh to that import.
  const [b1, b2, b3] = world.files;
  const outOfOrder = await storeWith([[b1, b3], [b2]], ['fresh-address']);
  // Block 2's import decided its own transactions by chain order (block 3's pay to X comes after), but did not undo block 3's merge.
  assert.deepEqual(mergesAsText(outOfOrder, 'change:%'), [
    [ad.B, ad.C, tx.fresh, 'change:fresh-address'],
    [ad.L, ad.X, tx.late, 'change:fresh-address'],
    [ad.N, ad.X, tx.order, 'change:fresh-address'],
  ].sort((x, y) => x[2]!.localeCompare(y[2]!)));
  // A rebuild decides with everything the store holds: the clusters of the blocks imported in order.
  rebuildClusters(outOfOrder);
  assert.deepEqual(mergesAsText(outOfOrder), mergesAsText(inOrder));
  assert.deepEqual(clustersAsText(outOfOrder), clustersAsText(inOrder));
  inOrder.close();
  outOfOrder.close();
});

test('clustering at import with rules on gives what a rebuild gives, with the address indexes or without (a bulk import drops them)', async () => {
  const imported = await storeWith([world.files], ALL);
  const rows = clusterRows(imported);
  assert.ok((rows.cluster_evidence as unknown[][]).some((r) => String(r[4]).startsWith('change:')));
  rebuildClusters(imported);
  assert.deepEqual(clusterRows(imported), rows);
  // The import's clustering again, as a bulk import runs it: without txout_address and txin_address.
  const chainId = imported.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(REGTEST) as number;
  const datasetId = imported.prepare('SELECT max(id) FROM dataset').pluck().get() as number;
  imported.exec('DROP INDEX txout_address; DROP INDEX txin_address;');
  clearChainClusters(imported, chainId);
  clusterImport(imported, chainId, datasetId, 1, []);
  assert.deepEqual(clusterRows(imported), rows);
  imported.close();
});

test('block 702861: change heuristics on change the clusters, every new merge names its rule, and off restores every row', async () => {
  const db = await storeWith([[BLOCK_702861]]);
  const before = clusterRows(db);
  assert.ok(before.cluster_evidence!.length > 3000);
  const on = configureClustering(db, { change: ALL });
  const report = on.rebuilt.chains[0]!.report;
  assert.equal(report.coinjoins, 8, 'the seven Whirlpool rounds and the Wasabi round still merge nothing');
  assert.ok(report.change!.merges > 1000 && report.change!.conflicts > 0, JSON.stringify(report));
  const key = (r: unknown[]): string => JSON.stringify(r.slice(1, 5));
  const old = new Set(before.cluster_evidence!.map((r) => key(r as unknown[])));
  const added = clusterRows(db).cluster_evidence!.filter((r) => !old.has(key(r as unknown[]))) as unknown[][];
  assert.equal(added.length, report.change!.merges);
  for (const r of added) assert.match(String(r[4]), /^change:(address-reuse|fresh-address|script-type|round-payment|optimal-change)(\+(address-reuse|fresh-address|script-type|round-payment|optimal-change))*$/);
  // Every rule that can act on a lone block did (optimal-change only on the 327 spends whose value is known).
  for (const rule of ['fresh-address', 'script-type', 'round-payment', 'optimal-change']) assert.ok(added.some((r) => String(r[4]).includes(rule)), rule);
  assert.notDeepEqual(clusterRows(db).entity_root, before.entity_root);

  const off = configureClustering(db, { change: [] });
  assert.equal(off.rebuilt.chains[0]!.report.change, undefined);
  assert.deepEqual(clusterRows(db), before);
  db.close();
});

test('blocks 1-255: the real 40 BTC change back to its own key is named by address-reuse and merges nothing', async () => {
  const db = await storeWith([[BLK_FIXTURE]]);
  const { rebuilt } = configureClustering(db, { change: ALL });
  const report = rebuilt.chains[0]!.report;
  // f4184fc5… (block 170) and the peel chain after it pay the change back to the spending key.
  assert.ok(report.change!.named >= 1, JSON.stringify(report));
  assert.equal(report.change!.merges, 0);
  assert.deepEqual(clusterRows(db), { entity_member: [], entity_root: [], cluster_evidence: [], cluster_held: [] });
  db.close();
});

test('a change merge of two clusters both at the collapse guard is held, naming its rule', async () => {
  // Ha and Hb spend together (a cluster of two); Ga and Gb too, paying 0.05 BTC and change back to Ha.
  const [ga, gb, ha, hb] = [p2pkh(key(60)), p2pkh(key(61)), p2pkh(key(62)), p2pkh(key(63))];
  const w = new BlkWriter(tempDir());
  const cb = w.endBlock([ga, gb, ha, hb].map((script) => ({ value: 10_000_000n, script }))).outputs as Coin[];
  w.addTx([{ coin: cb[2]! }, { coin: cb[3]! }], [{ value: 19_000_000n, script: p2pkh(key(64)) }]);
  const spend = w.addTx([{ coin: cb[0]! }, { coin: cb[1]! }], [{ value: 5_000_000n, script: p2pkh(key(65)) }, { value: 14_321_987n, script: ha }]).txidHex;
  w.endBlock([{ value: 5_000_000_000n, script: p2pkh(key(250)) }]);
  w.close();
  const db = await storeWith([w.files]);
  const held = (): unknown[] => db.prepare('SELECT x.addr, y.addr, h.a_size, h.b_size, t.hash, h.heuristic FROM cluster_held h JOIN address x ON x.id = h.a JOIN address y ON y.id = h.b JOIN tx t ON t.id = h.tx_id').raw().all();
  const { rebuilt } = configureClustering(db, { collapseGuard: 2, change: ['round-payment'] });
  assert.equal(rebuilt.chains[0]!.report.held, 1);
  assert.deepEqual(held(), [[addressOf(ga), addressOf(ha), 2, 2, spend, 'change:round-payment']]);
  assert.deepEqual(mergesAsText(db, 'change:%'), []);
  // At the default guard the merge is applied: one wallet of four.
  configureClustering(db, { collapseGuard: 1000 });
  assert.deepEqual(held(), []);
  assert.deepEqual(mergesAsText(db, 'change:%'), [[addressOf(ga), addressOf(ha), spend, 'change:round-payment']]);
  assert.deepEqual(clustersAsText(db), [[ga, gb, ha, hb].map(addressOf).sort()]);
  db.close();
});

test('a derived input address has the script type its text says', () => {
  assert.equal(addressScriptType('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', BITCOIN_MAINNET), 'p2pkh');
  assert.equal(addressScriptType('3KgoiRm64m1uNqsm3xEMp7wap9d9NotB4y', BITCOIN_MAINNET), 'p2sh');
  assert.equal(addressScriptType('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', BITCOIN_MAINNET), 'p2wpkh');
  assert.equal(addressScriptType('bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', BITCOIN_MAINNET), 'p2wsh');
  assert.equal(addressScriptType('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', BITCOIN_MAINNET), 'p2tr');
  assert.equal(addressScriptType(ad.E, BITCOIN_REGTEST), 'p2wpkh');
  assert.equal(addressScriptType('multisig:1-of-2:1A,1B', BITCOIN_MAINNET), null);
});

test('clusters.configure saves only what it is given and rebuilds exactly the chains the change affects', async () => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.sqlite'));
  await importDataset(db, { paths: world.files });
  await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS], chain: 'eth' });
  db.close();
  const backend: Backend = openBackend({ workspaceDir: dir, shell: 'cli' });
  after(() => backend.close());
  const defaults = await ok(backend, 'clusters.settings', {});
  assert.deepEqual(defaults.change, []);
  assert.equal(defaults.collapseGuard, 1000);
  assert.equal(defaults.deposit.maxDelaySeconds, 86_400);

  const chains = (r: { rebuilt: { chain: string }[] }): string[] => r.rebuilt.map((c) => c.chain);
  const change = await ok(backend, 'clusters.configure', { change: ['fresh-address'] });
  assert.deepEqual(chains(change), [REGTEST]);
  assert.deepEqual(change.rebuilt[0]!.change, { named: 2, conflicts: 0, merges: 2 });
  assert.deepEqual(change.settings, { ...defaults, change: ['fresh-address'] });

  const deposit = await ok(backend, 'clusters.configure', { deposit: { maxDelaySeconds: 3600 } });
  assert.deepEqual(chains(deposit), ['eip155:1']);
  assert.deepEqual(deposit.settings, { ...defaults, change: ['fresh-address'], deposit: { ...defaults.deposit, maxDelaySeconds: 3600 } });
  assert.equal(deposit.rebuilt[0]!.change, null);

  const guard = await ok(backend, 'clusters.configure', { collapseGuard: 5000 });
  assert.deepEqual(chains(guard).sort(), ['eip155:1', REGTEST].sort());
  // The same values again change nothing and rebuild nothing.
  assert.deepEqual(chains(await ok(backend, 'clusters.configure', { collapseGuard: 5000, change: ['fresh-address'] })), []);
  assert.deepEqual(await ok(backend, 'clusters.settings', {}), { ...defaults, change: ['fresh-address'], deposit: { ...defaults.deposit, maxDelaySeconds: 3600 }, collapseGuard: 5000 });

  await fails(backend, 'clusters.configure', { change: ['peel-chain'] }, 'invalid_argument', /change\.0: Invalid option: expected one of "address-reuse"\|"fresh-address"/);
  await fails(backend, 'clusters.configure', { collapseGuard: 1 }, 'invalid_argument', /collapseGuard: Too small: expected number to be >=2/);
  await fails(backend, 'clusters.configure', { deposit: { maxDelay: 5 } }, 'invalid_argument', /deposit: Unrecognized key: "maxDelay"/);
  await fails(backend, 'clusters.configure', { changes: [] }, 'invalid_argument', /Unrecognized key: "changes"/);
  assert.equal((await ok(backend, 'clusters.settings', {})).collapseGuard, 5000, 'a refused change saves nothing');

  // A store from before clustering: its cluster tables empty until a rebuild fills them.
  const rebuilt = await ok(backend, 'clusters.rebuild', { chain: REGTEST });
  assert.deepEqual(chains(rebuilt), [REGTEST]);
  await fails(backend, 'clusters.rebuild', { chain: 'tron' }, 'not_found', /the store holds nothing of Tron/);
});

test('a store whose clusters were never built gets them from clusters.rebuild, the same as an import makes them', async () => {
  const db = await storeWith([[BLOCK_702861]]);
  const made = clusterRows(db);
  for (const table of Object.keys(made)) db.exec(`DELETE FROM ${table}`);
  const r = rebuildClusters(db);
  assert.equal(r.chains.length, 1);
  assert.deepEqual(clusterRows(db), made);
  db.close();
});

test('settings and their rebuild are one transaction: a rebuild that fails keeps the settings and the clusters as they were', async () => {
  const db = await storeWith([world.files]);
  const before = clusterRows(db);
  // A real failure half-way through the rebuild: the store refuses the first change merge.
  db.exec(`CREATE TEMP TRIGGER refuse_change AFTER INSERT ON cluster_evidence WHEN NEW.heuristic LIKE 'change:%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  assert.throws(() => configureClustering(db, { change: ['fresh-address'], collapseGuard: 500 }), /refused by the test/);
  assert.deepEqual(readClusteringSettings(db).change, []);
  assert.equal(readClusteringSettings(db).collapseGuard, 1000);
  assert.deepEqual(clusterRows(db), before);
  db.exec('DROP TRIGGER temp.refuse_change');
  configureClustering(db, { change: ['fresh-address'] });
  assert.equal(mergesAsText(db, 'change:%').length, 2);
  db.close();
});
