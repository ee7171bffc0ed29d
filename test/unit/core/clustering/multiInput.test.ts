import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clusterImport } from '../../../../electron/core/analysis/clustering/multiInput';
import { openBackend } from '../../../../electron/core/backend';
import type { Backend } from '../../../../electron/core/backendTypes';
import { rawBlockFromFile } from '../../../../electron/core/ingest/bitcoin/blkFile';
import { useBlockParseWorker } from '../../../../electron/core/ingest/bitcoin/blockPipeline';
import { parseBlock } from '../../../../electron/core/ingest/bitcoin/blockParser';
import { outputAddress } from '../../../../electron/core/ingest/bitcoin/utxoWriter';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { BlkWriter, p2pkh, p2wpkh, type Coin } from '../../../../electron/core/synth/blkWriter';
import { hash160, networkForChain } from '../../../../shared/codec/bitcoinScript';
import { BLK_FIXTURE, dumpUtxoStore, FIXTURES, REPO, tempDir, writeFile } from '../../helpers';
import { freshBackend, importAndWait, ok } from '../backendHelpers';
import { clusterRows } from './clusterRows';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const WORKER = join(REPO, 'dist/node/blkParseWorker.cjs');
after(() => useBlockParseWorker(undefined));

/**
 * An ordinary payment of block 702861: three P2SH inputs from three addresses, two outputs. The
 * block comes alone, so the outputs it spends are not in the store and every address below is
 * the one derived from the input's redeem script.
 */
const PAYMENT = '2b22b06220e31781c94ccaa68f654d54749eb37a1ab0de9c3aadd27f075e434b';
const PAYMENT_INPUTS = ['3KgoiRm64m1uNqsm3xEMp7wap9d9NotB4y', '34Wzq5C3eG73btDPyCQZbU7hNj97juRG9g', '33wy1gZhnxXYR81aoiiHFF9EncmWZFXDpg'];
const WHIRLPOOL = [
  '118970792f15cdb90645be0d265ba6c04ab3f3d36a16efe2c4b97801a730b3fa',
  'd6b212a663c85b03fb391fe69c59520e61b8a5970678ef7f376889a145e215a6',
  'e2e92bcdca6104f82deaa31f221d71c47cfdcebe64db924484be98dd9662d29b',
  'c31d23f5e8b881bc3339a918e71cadc4622f73c5a1f68aadd4741e0da7e66756',
  'c57e3e496a6bb496498b54632b2637472c59feb7a3b0485121140425f115cb51',
  'cba457a11d9674afa95ba12187306d70978baf6396c5ee476272ea41670e8ae2',
  'f35a8cdd9b490213af78692c2bb88dcf17dae0649447c94786f59e3a884cb2ce',
];
const WASABI = '5c2f55fc17854a18f447d74e32356c9ff6faf43bf937ed13611857b2bb3fef3a';
const MULTI = 'multi-input';


let lone: Backend | null = null;
/** One backend with block 702861 imported, shared by the tests that only read. */
async function block702861(): Promise<Backend> {
  if (!lone) {
    lone = freshBackend().backend;
    await importAndWait(lone, [BLOCK_702861]);
  }
  return lone;
}
after(async () => lone?.close());

test('block 702861: an ordinary multi-input payment is one cluster of its derived input addresses, with the payment as evidence', async () => {
  const backend = await block702861();
  const tx = await ok(backend, 'tx.get', { chain: 'btc', hash: PAYMENT });
  assert.equal(tx.coinjoin, null);
  assert.deepEqual(
    tx.inputs!.map((i) => [i.address, i.value, i.derived]),
    PAYMENT_INPUTS.map((a) => [a, null, true]),
  );
  // Value unknown, so the payment is not folded: no transfers and no fee, whatever the addresses.
  assert.deepEqual([tx.transfers, tx.fee], [[], null]);

  const [first, second, third] = PAYMENT_INPUTS as [string, string, string];
  const shown = await Promise.all(PAYMENT_INPUTS.map((address) => ok(backend, 'clusters.show', { chain: 'btc', address })));
  for (const c of shown) {
    assert.equal(c.cluster, shown[0]!.cluster);
    assert.match(c.cluster, /^e[0-9]+$/);
    assert.equal(c.size, 3);
    assert.deepEqual([...c.addresses].sort(), [...PAYMENT_INPUTS].sort());
    assert.deepEqual(c.evidence, [{ tx: PAYMENT, heuristic: MULTI }]);
    assert.equal(c.label, null);
  }

  // The first input's address was joined to each other one: the path between the other two runs through it.
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: 'btc', a: second, b: third }), {
    joined: true,
    steps: [
      { from: second, to: first, tx: PAYMENT, heuristic: MULTI },
      { from: first, to: third, tx: PAYMENT, heuristic: MULTI },
    ],
  });
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: 'btc', a: first, b: first }), { joined: true, steps: [] });
  // A second page of a three-address cluster is empty.
  assert.deepEqual((await ok(backend, 'clusters.show', { chain: 'btc', address: first, offset: 3, limit: 10 })).addresses, []);
});

test('block 702861: its Whirlpool rounds and its Wasabi round merge nothing', async () => {
  const backend = await block702861();
  for (const hash of [...WHIRLPOOL, WASABI]) {
    const tx = await ok(backend, 'tx.get', { chain: 'btc', hash });
    assert.ok(tx.coinjoin, `${hash} is a CoinJoin`);
    const addresses = [...new Set(tx.inputs!.map((i) => i.address))];
    assert.ok(addresses.every((a) => a !== null) && addresses.length >= 5, `${hash}: every input has a derived address`);
    const clusters = new Set<string>();
    for (const address of addresses as string[]) {
      const c = await ok(backend, 'clusters.show', { chain: 'btc', address });
      assert.ok(!c.evidence.some((e) => e.tx === hash), `${hash} merged ${address}`);
      clusters.add(c.cluster);
    }
    assert.equal(clusters.size, addresses.length, `${hash}: its inputs stay in different clusters`);
    assert.deepEqual(await ok(backend, 'clusters.why', { chain: 'btc', a: addresses[0]!, b: addresses[1]! }), { joined: false, steps: [] });
  }
});

test('block 702861: an input address is derived only where the spent output is missing, and never folded', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLOCK_702861] });
  const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
  // 6,518 inputs: the coinbase's, 327 that spend an output of this block (linked, with their value), and the rest derived.
  assert.equal(count('SELECT count(*) FROM txin'), 6518);
  assert.equal(count('SELECT count(*) FROM txin WHERE prev_tx_id > 0 AND derived = 0 AND value IS NOT NULL AND address_id IS NOT NULL'), 327);
  assert.equal(count('SELECT count(*) FROM txin WHERE derived = 1'), 6518 - 327 - 1);
  assert.equal(count('SELECT count(*) FROM txin WHERE derived = 1 AND (value IS NOT NULL OR prev_tx_id IS NOT NULL OR address_id IS NULL)'), 0);
  // A transaction with a derived input is not folded: no fee, no transfers.
  assert.equal(count('SELECT count(*) FROM tx t WHERE EXISTS (SELECT 1 FROM txin i WHERE i.tx_id = t.id AND i.derived = 1) AND (t.folded = 1 OR t.fee IS NOT NULL)'), 0);
  assert.equal(count('SELECT count(*) FROM transfer r WHERE EXISTS (SELECT 1 FROM txin i WHERE i.tx_id = r.tx_id AND i.derived = 1)'), 0);
  db.close();
});

test('bitcoin-etl: an input address is derived from script_hex (no witness) as from the raw block', async () => {
  // Two transactions of block 702861 written as bitcoin-etl writes them unenriched: each input's
  // scriptSig as script_hex, value and addresses unknown. Block 50001, the fixture export, has only
  // P2PK spends, whose scriptSig names no key.
  const { block } = rawBlockFromFile(BLOCK_702861);
  const parsed = parseBlock(block, { file: BLOCK_702861, offset: 0 });
  const picked = [PAYMENT, 'a1daa41ed3283834733d2298dc3e9ae43cb996ca9c23c4927f98dbf5e6aa2510'];
  const lines = picked.map((hash) => {
    const index = parsed.txs.findIndex((t) => t.txid === hash);
    const tx = parsed.txs[index]!;
    return JSON.stringify({
      hash,
      block_hash: parsed.hash,
      block_number: 702861,
      block_timestamp: parsed.time,
      index,
      is_coinbase: false,
      inputs: tx.inputs.map((i, n) => ({ index: n, spent_transaction_hash: i.prevTxid, spent_output_index: i.prevVout, script_hex: i.scriptSig.toString('hex'), value: null, addresses: [] })),
      outputs: tx.outputs.map((o, n) => ({ index: n, script_hex: o.script.toString('hex'), value: Number(o.value) })),
    });
  });
  const etl = writeFile(tempDir(), 'transactions.json', lines.join('\n') + '\n');
  const inputsOf = async (paths: string[]): Promise<unknown[]> => {
    const db = openStore(':memory:');
    await importDataset(db, { paths });
    const rows = db
      .prepare('SELECT t.hash, i.n, a.addr, i.derived FROM txin i JOIN tx t ON t.id = i.tx_id JOIN address a ON a.id = i.address_id WHERE t.hash IN (?, ?) ORDER BY t.hash, i.n')
      .raw()
      .all(...picked);
    db.close();
    return rows;
  };
  const fromBlock = await inputsOf([BLOCK_702861]);
  assert.equal(fromBlock.length, 3 + 15);
  assert.deepEqual(await inputsOf([etl]), fromBlock);
});

test('blocks 1-255: no merges, because each of the seven non-coinbase transactions has one input', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLK_FIXTURE] });
  const inputsPerTx = db.prepare('SELECT count(*) FROM txin i JOIN tx t ON t.id = i.tx_id WHERE t.coinbase = 0 GROUP BY t.id').pluck().all() as number[];
  assert.deepEqual(inputsPerTx, [1, 1, 1, 1, 1, 1, 1]);
  // Every input spends an output of these blocks: nothing is derived.
  assert.equal(db.prepare('SELECT count(*) FROM txin WHERE derived = 1').pluck().get(), 0);
  assert.deepEqual(clusterRows(db), { entity_member: [], entity_root: [], cluster_evidence: [], cluster_held: [] });
  db.close();
});

test('importing the same block twice changes no row of the cluster tables, and clustering it again changes nothing', async () => {
  const db = openStore(':memory:');
  const first = await importDataset(db, { paths: [BLOCK_702861] });
  const rows = clusterRows(db);
  assert.ok(rows.cluster_evidence!.length > 1000, `${rows.cluster_evidence!.length} merges`);
  const again = await importDataset(db, { paths: [BLOCK_702861] });
  assert.equal(again.alreadyImportedAs, first.dataset!.id);
  assert.deepEqual(clusterRows(db), rows);
  // Clustering every transaction of the block once more (as if all were new, or all relinked).
  const chainId = db.prepare('SELECT chain_id FROM dataset WHERE id = ?').pluck().get(first.dataset!.id) as number;
  const all = db.prepare('SELECT id FROM tx').pluck().all() as number[];
  const report = clusterImport(db, chainId, first.dataset!.id, 1, all);
  assert.equal(report.merges, 0);
  assert.equal(report.held, 0);
  // The same transactions seen again: the ordinary ones and the CoinJoins (seven Whirlpool rounds and a Wasabi one at least).
  assert.ok(report.candidates > 500 && report.coinjoins >= 8, JSON.stringify(report));
  assert.deepEqual(clusterRows(db), rows);
  db.close();
});

test('the best label of any member names the cluster', async () => {
  const { backend, dir } = freshBackend();
  await importAndWait(backend, [BLOCK_702861]);
  const csv = writeFile(dir, 'labels.csv', ['Tag,Address,Currency,Confidence,Category', `Payer,${PAYMENT_INPUTS[0]},BTC,40,exchange`, `Payer's service,${PAYMENT_INPUTS[1]},BTC,80,exchange`, ''].join('\n'));
  await ok(backend, 'labels.import', { paths: [csv] });
  const c = await ok(backend, 'clusters.show', { chain: 'btc', address: PAYMENT_INPUTS[2]! });
  assert.deepEqual(c.label, { label: "Payer's service", category: 'exchange', sanctioned: false, address: PAYMENT_INPUTS[1] });
  await backend.close();
});

test('clusters.show and clusters.why name an address the store does not hold', async () => {
  const backend = await block702861();
  const missing = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2';
  for (const [method, args] of [
    ['clusters.show', { chain: 'btc', address: missing }],
    ['clusters.why', { chain: 'btc', a: PAYMENT_INPUTS[0], b: missing }],
  ] as const) {
    const r = await backend.call(method, args);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.kind, 'not_found');
      assert.match(r.error.message, /address 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 on Bitcoin is not in the store/);
    }
  }
});

// ---- hand-made regtest blocks (BlkWriter) ----

const REGTEST = 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328';
const NET = networkForChain(REGTEST);
const addressOf = (script: Buffer): string => outputAddress(script, NET).address!;
const keyHash = (n: number): Buffer => Buffer.alloc(20, n);
/** The key BlkWriter signs every input with: what an input's address is derived from. */
const WRITER_KEY_HASH = Buffer.from(hash160(Buffer.alloc(33, 0x02)));

/** Two blocks, one blk file each: block 1's coinbase pays `scripts` (50,000 sat each), block 2 spends them as `spend` says. */
function twoBlocks(scripts: Buffer[], spend: (coins: Coin[]) => Coin[][]): { files: [string, string]; txids: string[] } {
  const dir = tempDir();
  const w = new BlkWriter(dir, { fileBytes: 1 });
  const coins = w.endBlock(scripts.map((script) => ({ value: 50_000n, script }))).outputs as Coin[];
  const txids = spend(coins).map((ins, k) => w.addTx(ins.map((coin) => ({ coin })), [{ value: 40_000n * BigInt(ins.length), script: p2pkh(keyHash(200 + k)) }]).txidHex);
  w.endBlock([{ value: 5_000_000_000n, script: p2pkh(keyHash(250)) }]);
  w.close();
  assert.equal(w.files.length, 2);
  return { files: w.files as [string, string], txids };
}

/** Imports into a new workspace's store (with options the API does not take), then opens the workspace. */
async function workspaceWith(imports: { paths: string[]; collapseGuard?: number }[]): Promise<Backend> {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const db = openStore(join(dir, 'store.sqlite'));
  for (const request of imports) await importDataset(db, request, { collapseGuard: request.collapseGuard });
  db.close();
  const backend = openBackend({ workspaceDir: dir, shell: 'cli' });
  after(() => backend.close());
  return backend;
}

/** Wallet X pays from X1 and X2 (tx 1), wallet Y from Y1 and Y2 (tx 2), then one tx spends from X1 and Y1 together (tx 3). */
function twoWallets(): { files: string[]; txids: string[]; X1: string; X2: string; Y1: string; Y2: string } {
  const [x1, x2, y1, y2] = [p2pkh(keyHash(1)), p2pkh(keyHash(2)), p2pkh(keyHash(3)), p2pkh(keyHash(4))];
  const { files, txids } = twoBlocks([x1, x2, y1, y2, x1, y1], (c) => [[c[0]!, c[1]!], [c[2]!, c[3]!], [c[4]!, c[5]!]]);
  return { files, txids, X1: addressOf(x1), X2: addressOf(x2), Y1: addressOf(y1), Y2: addressOf(y2) };
}

test('collapse guard: a merge of two clusters that are both at the threshold is held and listed, not applied', async () => {
  const w = twoWallets();
  const guarded = await workspaceWith([{ paths: w.files, collapseGuard: 2 }]);
  assert.deepEqual(await ok(guarded, 'clusters.held', {}), {
    total: 1,
    items: [{ chain: REGTEST, a: w.X1, b: w.Y1, aSize: 2, bSize: 2, tx: w.txids[2], heuristic: MULTI }],
  });
  assert.deepEqual(await ok(guarded, 'clusters.why', { chain: REGTEST, a: w.X2, b: w.Y2 }), { joined: false, steps: [] });
  assert.equal((await ok(guarded, 'clusters.show', { chain: REGTEST, address: w.X1 })).size, 2);

  // At the default threshold the same blocks make one wallet, and "why" walks all three transactions.
  const plain = await workspaceWith([{ paths: w.files }]);
  assert.deepEqual(await ok(plain, 'clusters.held', {}), { total: 0, items: [] });
  assert.deepEqual(await ok(plain, 'clusters.why', { chain: REGTEST, a: w.X2, b: w.Y2 }), {
    joined: true,
    steps: [
      { from: w.X2, to: w.X1, tx: w.txids[0], heuristic: MULTI },
      { from: w.X1, to: w.Y1, tx: w.txids[2], heuristic: MULTI },
      { from: w.Y1, to: w.Y2, tx: w.txids[1], heuristic: MULTI },
    ],
  });
  assert.equal((await ok(plain, 'clusters.show', { chain: REGTEST, address: w.Y2 })).size, 4);
});

test('derived then resolved: the spent outputs arriving later replace derived addresses, fold the payment and complete its cluster', async () => {
  // Block 2's payment spends three outputs of block 1. BlkWriter signs with one key, so two of
  // them (P2PKH and P2WPKH of that key) derive to their real addresses and the third (P2PKH of
  // another key) derives to the first one's: only the real output can say where it was paid.
  const [a, w, k] = [p2pkh(WRITER_KEY_HASH), p2wpkh(WRITER_KEY_HASH), p2pkh(keyHash(7))];
  const { files, txids } = twoBlocks([a, w, k], (c) => [[c[0]!, c[1]!, c[2]!]]);
  const payment = txids[0]!;
  const [A, W, K] = [addressOf(a), addressOf(w), addressOf(k)];
  const dir = tempDir();
  const { backend } = freshBackend(dir);
  after(() => backend.close());

  await importAndWait(backend, [files[1]]);
  const before = await ok(backend, 'tx.get', { chain: REGTEST, hash: payment });
  assert.deepEqual(before.inputs!.map((i) => [i.address, i.value, i.derived]), [[A, null, true], [W, null, true], [A, null, true]]);
  assert.deepEqual([before.transfers, before.fee], [[], null]);
  assert.deepEqual((await ok(backend, 'clusters.show', { chain: REGTEST, address: W })).addresses.sort(), [A, W].sort());

  await importAndWait(backend, [files[0]]);
  const afterwards = await ok(backend, 'tx.get', { chain: REGTEST, hash: payment });
  // No longer marked derived: the addresses are the spent outputs' own.
  assert.deepEqual(afterwards.inputs!.map((i) => [i.address, i.value, i.derived]), [[A, '50000', undefined], [W, '50000', undefined], [K, '50000', undefined]]);
  assert.equal(afterwards.fee, '30000');
  // Folded now, from the real addresses: 120,000 sat out, split in proportion to what each put in.
  assert.deepEqual(afterwards.transfers.map((t) => [t.from, t.value]).sort(), [[A, '40000'], [K, '40000'], [W, '40000']].sort());
  const c = await ok(backend, 'clusters.show', { chain: REGTEST, address: K });
  assert.deepEqual(c.addresses.sort(), [A, W, K].sort());
  assert.deepEqual(await ok(backend, 'clusters.why', { chain: REGTEST, a: W, b: K }), {
    joined: true,
    steps: [
      { from: W, to: A, tx: payment, heuristic: MULTI },
      { from: A, to: K, tx: payment, heuristic: MULTI },
    ],
  });

  // The same blocks in chain order, in one import: the same transfers and the same cluster.
  const inOrder = await workspaceWith([{ paths: [...files] }]);
  assert.deepEqual((await ok(inOrder, 'tx.get', { chain: REGTEST, hash: payment })).transfers, afterwards.transfers);
  assert.deepEqual((await ok(inOrder, 'clusters.show', { chain: REGTEST, address: K })).addresses.sort(), [A, W, K].sort());
});

test('the parse thread derives the same input addresses as the in-process parser', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  // Block 702861 as a blk record (mainnet magic, length, block), so it goes through the parse thread.
  const { block } = rawBlockFromFile(BLOCK_702861);
  const dir = tempDir();
  const header = Buffer.alloc(8);
  Buffer.from('f9beb4d9', 'hex').copy(header);
  header.writeUInt32LE(block.length, 4);
  writeFileSync(join(dir, 'blk00000.dat'), Buffer.concat([header, block]));
  assert.ok(readFileSync(join(dir, 'blk00000.dat')).length > 1_000_000);
  const stores: Record<string, unknown[]>[] = [];
  for (const worker of [undefined, WORKER]) {
    useBlockParseWorker(worker);
    const db = openStore(':memory:');
    await importDataset(db, { paths: [dir] });
    stores.push({ ...dumpUtxoStore(db), ...clusterRows(db) });
    db.close();
  }
  useBlockParseWorker(undefined);
  const [inProcess, threaded] = stores as [Record<string, unknown[]>, Record<string, unknown[]>];
  assert.equal((inProcess.txin ?? []).filter((row) => (row as unknown[])[7] === 1n).length, 6190);
  assert.deepEqual(threaded, inProcess);
});
