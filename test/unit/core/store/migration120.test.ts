import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { migrate } from '../../../../electron/core/store/migrate';
import { openStore } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';
import { utxoHashBytes } from '../../../../electron/core/store/txHash';
import { getUtxoParts } from '../../../../electron/core/store/txQueries';
import { BLK_FIXTURE, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, FIXTURES, storeAtVersion, tableRows, tempDir } from '../../helpers';

/** One mainnet block alone: most of its inputs spend outputs the store never saw (unresolved). */
const LONE_BLOCK = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');

test('UTXO hashes are stored as bytes only when they read back as the same text', () => {
  assert.deepEqual(utxoHashBytes('00ff' + 'ab'.repeat(30), 'txid'), Buffer.from('00ff' + 'ab'.repeat(30), 'hex'));
  assert.deepEqual(utxoHashBytes('', 'txid'), Buffer.alloc(0));
  for (const bad of ['AB', 'abc', '0xab', 'zz', 'ab ']) assert.throws(() => utxoHashBytes(bad, 'input 0 spends txid'), /input 0 spends txid ".*" is not lowercase hex of whole bytes/, bad);
});

test('migration 120 keeps every input, membership and edge; the texts and float totals read back through virtual columns', async () => {
  // Today's store: Ethereum, the first 255 Bitcoin blocks (inputs linked) and a lone later block
  // (inputs waiting for outputs the store does not have).
  const current = openStore(':memory:');
  await importDataset(current, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS] });
  await importDataset(current, { paths: [BLK_FIXTURE] });
  await importDataset(current, { paths: [LONE_BLOCK] });
  const unresolved = current.prepare('SELECT count(*) FROM txin WHERE prev_tx_id IS NULL').pluck().get() as number;
  assert.ok(unresolved > 6000, `${unresolved} unresolved inputs`);
  // A total beyond 64 bits is stored as its decimal text; its float is still the number.
  current.exec("INSERT INTO edge (from_id, to_id, asset_id, total, cnt) VALUES (1, 999999, 1, '123456789012345678901234567890', 3)");
  const file = join(tempDir(), 'v110.sqlite');
  storeAtVersion(current, 110, file);

  const db = openStore(file, { migrateTo: 110 });
  assert.equal(db.prepare("SELECT type FROM pragma_table_info('txin') WHERE name = 'prev_txid'").pluck().get(), 'TEXT');
  assert.equal(db.prepare("SELECT type FROM pragma_table_info('edge') WHERE name = 'total_f'").pluck().get(), 'REAL');
  migrate(db, file, storeMigrations);
  assert.equal(db.pragma('user_version', { simple: true }), 120);
  assert.deepEqual(db.pragma('foreign_key_check'), []);

  // Every row of every fact table, with txids, block hashes and float totals as readers see them.
  for (const table of ['tx', 'transfer', 'edge', 'txin', 'txout', 'btc_block', 'btc_block_tx', 'address']) {
    assert.deepEqual(tableRows(db, table), tableRows(current, table), table);
  }
  // 32 bytes per txid and block hash; the float total is the exact total as a float.
  assert.deepEqual(db.prepare('SELECT DISTINCT length(prev_txid_bin) FROM txin').pluck().all(), [32]);
  assert.deepEqual(db.prepare('SELECT DISTINCT length(block_bin) FROM btc_block_tx').pluck().all(), [32]);
  assert.equal(db.prepare("SELECT count(*) FROM pragma_table_xinfo('txin') WHERE name = 'prev_txid' AND hidden = 2").pluck().get(), 1);
  const big = db.prepare("SELECT total, total_f FROM edge WHERE typeof(total) = 'text' LIMIT 1").get() as { total: string; total_f: number } | undefined;
  assert.ok(big, 'an edge total beyond 64 bits');
  assert.equal(big.total_f, 1.2345678901234568e29);
  assert.equal(big.total, '123456789012345678901234567890');

  // Lookups still go through the keys: unresolved inputs by txid, memberships by block, edges by recipient.
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan('SELECT tx_id FROM txin WHERE prev_txid_bin = x\'00\' AND prev_n = 0 AND prev_tx_id IS NULL'), /INDEX txin_unresolved/);
  assert.match(plan("SELECT tx_id FROM btc_block_tx WHERE chain_id = 1 AND block_bin = unhex('00')"), /PRIMARY KEY/);
  assert.match(plan('SELECT * FROM edge WHERE to_id = 1'), /INDEX edge_to/);

  // What investigators look up answers as before: a Bitcoin tx's parts, inputs unresolved included.
  const chain = db.prepare("SELECT id FROM chain WHERE caip2 LIKE 'bip122:%'").pluck().get() as number;
  for (const resolved of [true, false]) {
    const hash = db.prepare(`SELECT t.hash FROM tx t JOIN txin i ON i.tx_id = t.id WHERE i.prev_tx_id IS ${resolved ? 'NOT NULL AND i.prev_tx_id <> 0' : 'NULL'} LIMIT 1`).pluck().get() as string;
    assert.ok(getUtxoParts(db, chain, hash));
    assert.deepEqual(getUtxoParts(db, chain, hash), getUtxoParts(current, chain, hash));
  }
  // Importing the same files again adds nothing; the migrated store keeps deduping.
  for (const paths of [[BLK_FIXTURE], [LONE_BLOCK]]) assert.equal((await importDataset(db, { paths })).dataset, null);
  db.close();
  current.close();
});

test('migration 120 refuses a txid that would not read back as itself, naming it, and leaves the store as it was', () => {
  const file = join(tempDir(), 'odd.sqlite');
  const old = openStore(file, { migrateTo: 110 });
  old.exec(`INSERT INTO txin (tx_id, n, prev_txid, prev_n) VALUES (7, 0, 'ABCD', 1)`);
  assert.throws(() => migrate(old, file, storeMigrations), /store migration 120: input 7:0 spends 'ABCD', which is not lowercase hex/);
  assert.equal(old.pragma('user_version', { simple: true }), 110);
  assert.equal(old.prepare('SELECT prev_txid FROM txin').pluck().get(), 'ABCD');
  old.close();
});
