import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachBlkRecord, type BlkRecord } from '../../../../electron/core/ingest/bitcoin/blkFile';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { FIXTURES, tempDir, writeBlk } from '../../helpers';
import { freshBackend, ok } from '../backendHelpers';

const BTC = join(FIXTURES, 'bitcoin');
const BLK = join(BTC, 'mainnet-blocks-1-255.blk');
const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const BLOCK9_COINBASE = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9';

const count = (db: Db, sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as number;

test('block 170: the first person-to-person payment, spending block 9\'s P2PK coinbase', async () => {
  const { backend } = freshBackend();
  await ok(backend, 'import.start', { paths: [BLK] });
  await waitIdle(backend);
  const tx = await ok(backend, 'tx.get', { chain: 'btc', hash: F4184 });
  assert.equal(tx.block, 170);
  assert.equal(tx.status, 'success');
  assert.equal(tx.fee, '0');
  assert.deepEqual(tx.inputs, [{ address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', value: '5000000000', spends: { txid: BLOCK9_COINBASE, n: 0 } }]);
  assert.deepEqual(
    tx.outputs!.map((o) => [o.n, o.address, o.type, o.value, o.spentBy?.txid.slice(0, 8) ?? null]),
    [
      [0, '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3', 'p2pk', '1000000000', null],
      [1, '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', 'p2pk', '4000000000', 'a16f3ce4'],
    ],
  );
  // Block 9's coinbase pays a bare public key, shown as that key's P2PKH address and marked P2PK.
  const coinbase = await ok(backend, 'tx.get', { chain: 'btc', hash: BLOCK9_COINBASE });
  assert.equal(coinbase.block, 9);
  assert.equal(coinbase.coinbase, true);
  assert.deepEqual(coinbase.outputs!.map((o) => [o.address, o.type, o.value]), [['12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', 'p2pk', '5000000000']]);
  assert.deepEqual(coinbase.inputs![0].spends, null);

  // The folded address graph: 10 BTC from the block 9 key to Hal Finney's address.
  const n = await ok(backend, 'address.neighbors', { chain: 'btc', address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3', direction: 'in' });
  assert.equal(n.items[0].address, '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S');
  assert.equal(n.items[0].assets[0].received, '1000000000');
  assert.equal(n.items[0].assets[0].asset.symbol, 'BTC');
  const stats = await ok(backend, 'store.stats', {});
  assert.deepEqual(stats.chains.map((c) => [c.chain, c.blocks, c.transactions]), [[MAINNET, 255, 262]]);
  await backend.close();
});

test('the peel chain through heights 181, 182, 183 and 248 is linked output to input', async () => {
  const { backend } = freshBackend();
  await ok(backend, 'import.start', { paths: [BLK] });
  await waitIdle(backend);
  const steps: [string, number][] = [];
  let txid = F4184;
  for (let i = 0; i < 4; i++) {
    const tx = await ok(backend, 'tx.get', { chain: 'btc', hash: txid });
    const change = tx.outputs!.find((o) => o.n === 1)!;
    assert.ok(change.spentBy, `output 1 of ${txid} is spent`);
    txid = change.spentBy!.txid;
    const next = await ok(backend, 'tx.get', { chain: 'btc', hash: txid });
    assert.equal(next.inputs!.some((inp) => inp.spends?.txid === tx.hash && inp.spends.n === 1), true);
    steps.push([txid.slice(0, 8), next.block!]);
  }
  assert.deepEqual(steps, [['a16f3ce4', 181], ['591e91f8', 182], ['12b5633b', 183], ['828ef3b0', 248]]);
  await backend.close();
});

test('folded transfers of every fully known transaction sum exactly to its outputs', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLK] });
  const mismatches = db
    .prepare(
      `SELECT tx.hash FROM tx
       WHERE tx.folded = 1 AND (SELECT bigsum(value) FROM txout WHERE tx_id = tx.id) <> (SELECT bigsum(amount) FROM transfer WHERE tx_id = tx.id)`,
    )
    .pluck()
    .all();
  assert.deepEqual(mismatches, []);
  assert.equal(count(db, 'SELECT count(*) FROM tx WHERE folded = 1'), 262);
  db.close();
});

test('the XOR-obfuscated blocks folder decodes to the same 255 blocks, and a re-import adds nothing', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [join(BTC, 'xor-blocksdir')] });
  assert.equal(r.dataset!.added.blocks, 255);
  assert.equal(count(db, 'SELECT max(height) FROM btc_block'), 255);
  const again = await importDataset(db, { paths: [join(BTC, 'xor-blocksdir')] });
  assert.equal(again.alreadyImportedAs, r.dataset!.id);
  // The plain file holds the same blocks: a second dataset, but no new fact.
  const plain = await importDataset(db, { paths: [BLK] });
  assert.equal(plain.dataset!.added.blocks, 0);
  assert.equal(plain.dataset!.added.transactions, 0);
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 262);
  db.close();
});

test('spends of outputs from a later import are linked when those outputs arrive', async () => {
  const dir = tempDir();
  const records: BlkRecord[] = [];
  await forEachBlkRecord(BLK, {}, (r) => void records.push(r));
  const write = (name: string, list: BlkRecord[]): string => writeBlk(dir, name, list);
  // Later blocks first: block 170's input waits for block 9.
  const late = write('late.blk', records.slice(100));
  const early = write('early.blk', records.slice(0, 100));
  const db = openStore(':memory:');
  await importDataset(db, { paths: [late] });
  const input = () => db.prepare("SELECT value FROM txin WHERE tx_id = (SELECT id FROM tx WHERE hash = ?)").pluck().safeIntegers(true).get(F4184);
  assert.equal(input(), null, 'unknown, not zero, until the spent output is imported');
  assert.equal(count(db, 'SELECT count(*) FROM btc_block WHERE height IS NOT NULL'), 0, 'no heights without a path to genesis');
  await importDataset(db, { paths: [early] });
  assert.equal(input(), 5000000000n);
  assert.equal(count(db, 'SELECT block_number FROM tx WHERE hash = ?', F4184), 170);
  assert.equal(count(db, 'SELECT fee FROM tx WHERE hash = ?', F4184), 0);
  assert.equal(count(db, 'SELECT count(*) FROM tx WHERE folded = 1'), 262);
  db.close();
});

test('single raw blocks: exact totals of block 702861, and the testnet block is recognised as testnet', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [join(BTC, 'mainnet-block-702861.raw')] });
  assert.equal(r.dataset!.chain, MAINNET);
  assert.deepEqual([r.dataset!.added.transactions, r.dataset!.added.inputs, r.dataset!.added.outputs], [2500, 6518, 6015]);
  assert.equal(db.prepare('SELECT bigsum(value) FROM txout').pluck().safeIntegers(true).get(), 2883682728990n);
  // Alone, with no ancestors in the store, the block still gets its height: BIP 34 binds its coinbase to it.
  assert.equal(count(db, 'SELECT height FROM btc_block'), 702861);
  assert.deepEqual(db.prepare('SELECT DISTINCT block_number FROM tx').pluck().all(), [702861]);
  assert.ok(!r.warnings.some((w) => /not on the main chain/.test(w)), r.warnings.join('\n'));
  const t = await importDataset(db, { paths: [join(BTC, 'testnet-block-924634.raw')] });
  assert.equal(t.dataset!.chain, 'bip122:000000000933ea01ad0ee984209779ba');
  assert.ok(t.warnings.some((w) => /testnet3 inferred/.test(w)));
  assert.equal(count(db, "SELECT count(*) FROM tx WHERE chain_id = (SELECT id FROM chain WHERE caip2 = 'bip122:000000000933ea01ad0ee984209779ba')"), 15);
  assert.equal(count(db, "SELECT height FROM btc_block WHERE chain_id = (SELECT id FROM chain WHERE caip2 = 'bip122:000000000933ea01ad0ee984209779ba')"), 924634);
  db.close();
});

test('a block whose merkle root does not match is refused with file and offset, and nothing is committed', async () => {
  const dir = tempDir();
  const bytes = Buffer.from(readFileSync(join(BTC, 'mainnet-block-702861.raw')));
  bytes[1000] ^= 0xff;
  const bad = join(dir, 'bad.raw');
  writeFileSync(bad, bytes);
  const db = openStore(':memory:');
  await assert.rejects(importDataset(db, { paths: [bad] }), (e: unknown) => e instanceof BadInputError && /bad\.raw/.test(e.message) && /merkle root mismatch|byte/.test(e.message));
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 0);
  assert.equal(count(db, 'SELECT count(*) FROM dataset'), 0);
  db.close();
});

async function waitIdle(backend: Awaited<ReturnType<typeof freshBackend>>['backend']): Promise<void> {
  for (;;) {
    const jobs = await ok(backend, 'jobs.list', {});
    if (jobs.every((j) => j.state !== 'running')) {
      for (const j of jobs) assert.equal(j.state, 'done', j.message);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ETL_DIR = join(BTC, 'bitcoin-etl');
const RPC = join(ETL_DIR, 'block_with_transactions_rpc_response_getblock_000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141_2.json');
const ETL_BLOCKS = join(ETL_DIR, 'block_with_transactions_expected_blocks.json');
const ETL_TXS = join(ETL_DIR, 'block_with_transactions_expected_transactions.json');

test('a saved getblock verbosity-2 response is reassembled into the block and checked like a blk record', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [RPC] });
  assert.deepEqual([r.dataset!.added.blocks, r.dataset!.added.transactions], [1, 3]);
  assert.equal(count(db, "SELECT count(*) FROM btc_block WHERE hash = '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141'"), 1);
  // The response states its height, which the block keeps though its parent is not in the store.
  assert.equal(count(db, "SELECT height FROM btc_block WHERE hash = '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141'"), 50001);
  // Cross-check against bitcoin-etl's own export of the same block: the output values agree exactly.
  const etlTotal = readFileSync(ETL_TXS, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.includes('"block_number": 50001'))
    .reduce((sum, l) => sum + BigInt(/"output_value": (\d+)/.exec(l)![1]), 0n);
  assert.equal(db.prepare('SELECT bigsum(value) FROM txout').pluck().safeIntegers(true).get(), etlTotal);

  const dir = tempDir();
  const text = readFileSync(RPC, 'utf8');
  const tampered = join(dir, 'tampered.json');
  // Change one byte of the second transaction's hex: its txid, and so the merkle root, changes.
  writeFileSync(tampered, text.replace('"hex": "0100000002', '"hex": "0100000003'));
  await assert.rejects(importDataset(db, { paths: [tampered] }), /tampered\.json/);
  const v1 = join(dir, 'verbosity1.json');
  writeFileSync(v1, JSON.stringify({ hash: 'ab', merkleroot: 'cd', tx: ['e1882d41800d96d0fddc196cd8d3f0b45d65b030c652d97eaba79a1174e64d58'] }));
  await assert.rejects(importDataset(db, { paths: [v1] }), /verbosity 2 or 3/);
  assert.equal(count(db, 'SELECT count(*) FROM dataset'), 1);
  db.close();
});

test('bitcoin-etl exports: unenriched input values stay unknown, enriched ones give fees and folded transfers', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS] });
  assert.deepEqual(r.dataset!.sources.map((s) => s.kind), ['etl-blocks', 'etl-transactions']);
  const tx = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
  assert.equal(count(db, 'SELECT block_number FROM tx WHERE hash = ?', tx), 50001);
  assert.deepEqual(db.prepare('SELECT value FROM txin WHERE tx_id = (SELECT id FROM tx WHERE hash = ?)').pluck().all(tx), [null, null]);
  assert.equal(count(db, 'SELECT fee FROM tx WHERE hash = ?', tx), null);

  // The same transaction enriched (as bitcoin-etl writes after enrich_transactions): values known.
  const dir = tempDir();
  const lines = readFileSync(ETL_TXS, 'utf8').trim().split('\n');
  const enriched = lines.map((l) =>
    l.replace(/"spent_output_index": 0, (.*?)"value": null/g, (_m, mid: string) => `"spent_output_index": 0, ${mid.replace('"addresses": []', '"addresses": ["1BW18n7MfpU35q4MTBSk8pse3XzQF8XvzT"]')}"value": 5005000000`),
  );
  const file = join(dir, 'enriched.json');
  writeFileSync(file, enriched.join('\n') + '\n');
  const db2 = openStore(':memory:');
  await importDataset(db2, { paths: [file] });
  const ins = db2.prepare('SELECT value FROM txin WHERE tx_id = (SELECT id FROM tx WHERE hash = ?)').pluck().safeIntegers(true).all(tx) as bigint[];
  assert.deepEqual(ins, [5005000000n, 5005000000n]);
  assert.equal(db2.prepare('SELECT fee FROM tx WHERE hash = ?').pluck().safeIntegers(true).get(tx), 5005000000n * 2n - 10000000000n);
  assert.equal(count(db2, 'SELECT folded FROM tx WHERE hash = ?', tx), 1);
  db.close();
  db2.close();
});

test('a bitcoin-etl line with a fractional value is refused with the file and line', async () => {
  const dir = tempDir();
  const lines = readFileSync(ETL_TXS, 'utf8').trim().split('\n');
  lines[1] = lines[1].replace('"value": 10000000000', '"value": 100.5');
  const file = join(dir, 'txs.json');
  writeFileSync(file, lines.join('\n'));
  const db = openStore(':memory:');
  await assert.rejects(importDataset(db, { paths: [file] }), /txs\.json, line 2: field "value": expected a whole number of satoshis, found "100\.5"/);
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 0);
  db.close();
});

test('every Bitcoin source format leaves no dangling reference', async () => {
  const db = openStore(':memory:');
  for (const paths of [[BLK], [join(BTC, 'xor-blocksdir')], [join(BTC, 'mainnet-block-702861.raw')], [join(BTC, 'testnet-block-924634.raw')], [RPC], [ETL_BLOCKS, ETL_TXS]]) {
    await importDataset(db, { paths });
  }
  assert.ok(count(db, 'SELECT count(*) FROM transfer') > 300);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.close();
});

test('an address received exactly what the outputs paying it hold, block rewards included', async () => {
  const { addressTotals } = await import('../../../../electron/core/store/addressQueries');
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLK] });
  const paid = db.prepare('SELECT address_id AS id, bigsum(value) AS total, count(*) AS n FROM txout WHERE address_id IS NOT NULL GROUP BY address_id').safeIntegers(true).all() as {
    id: bigint;
    total: bigint;
    n: bigint;
  }[];
  assert.ok(paid.length > 200);
  for (const p of paid) {
    const t = addressTotals(db, Number(p.id)).totals;
    assert.equal(t.length, 1);
    assert.equal(t[0]!.received, p.total, `address #${p.id}`);
  }
  // The block 9 key: its 50 BTC reward, then the 40 BTC change of block 170 and the later peel-chain change.
  const key = count(db, "SELECT id FROM address WHERE addr = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S'");
  assert.equal(addressTotals(db, key).totals[0]!.received, db.prepare('SELECT bigsum(value) FROM txout WHERE address_id = ?').pluck().safeIntegers(true).get(key));
  assert.ok(addressTotals(db, key).totals[0]!.received > 5_000_000_000n);
  db.close();
});
