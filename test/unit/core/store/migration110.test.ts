import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { search } from '../../../../electron/core/intel/search';
import { migrate } from '../../../../electron/core/store/migrate';
import { openStore } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';
import { TX_HASH_TEXT_SQL, txHashBinSql, txHashFormSql, txHashKey } from '../../../../electron/core/store/txHash';
import { getTx, getUtxoParts } from '../../../../electron/core/store/txQueries';
import { BLK_FIXTURE, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, storeAtVersion, tableRows, tempDir } from '../../helpers';

/** Hashes as no chain writes them, which the store must still give back letter for letter. */
const ODD = ['0xABCDEF', '0', '0x1', '0xabc', '0x', '', 'abcd', 'ABCD', 'not a hash ü', '0xgg', '0x0x12', ' 0xab'];

test('a hash is stored as bytes and a form, and reads back as the text it came as, in JS and in SQL alike', () => {
  const db = openStore(':memory:');
  const evm = '0x' + 'ab'.repeat(32);
  const bare = 'cd'.repeat(32);
  assert.deepEqual(txHashKey(evm), [Buffer.from('ab'.repeat(32), 'hex'), 1]);
  assert.deepEqual(txHashKey(bare), [Buffer.from(bare, 'hex'), 0]);
  assert.equal(txHashKey(evm)[0].length, 32);
  for (const text of [evm, bare, ...ODD]) {
    const [bin, form] = txHashKey(text);
    // The migration's SQL splits a text exactly as the JS does, and the virtual column's SQL spells it back.
    const sql = db.prepare(`SELECT ${txHashFormSql('@t')} AS form, ${txHashBinSql('@t', txHashFormSql('@t'))} AS bin`).get({ t: text }) as { form: number; bin: Buffer };
    assert.deepEqual([Buffer.from(sql.bin), sql.form], [bin, form], text);
    assert.equal(db.prepare(`SELECT ${TX_HASH_TEXT_SQL} FROM (SELECT ? AS hash_bin, ? AS hash_form)`).pluck().get(bin, form), text, text);
    assert.deepEqual(db.prepare('SELECT tx_hash_bin(?) AS bin, tx_hash_form(?) AS form').get(text, text), { bin, form });
  }
  db.close();
});

test('migration 110 keeps every tx and every row pointing at one; hashes read back as text and are found through the index', async () => {
  // Today's store of Ethereum and Bitcoin imports, plus txs with odd hashes written directly.
  const current = openStore(':memory:');
  await importDataset(current, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS] });
  await importDataset(current, { paths: [BLK_FIXTURE] });
  const dataset = current.prepare('SELECT min(id) FROM dataset').pluck().get() as number;
  const oddIds: number[] = [];
  for (const text of ODD) {
    oddIds.push(Number(current.prepare('INSERT INTO tx (chain_id, hash_bin, hash_form, dataset_id) VALUES (1, ?, ?, ?)').run(...txHashKey(text), dataset).lastInsertRowid));
  }
  const file = join(tempDir(), 'v100.sqlite');
  storeAtVersion(current, 100, file);

  const db = openStore(file, { migrateTo: 100 });
  assert.equal(db.prepare("SELECT type FROM pragma_table_info('tx') WHERE name = 'hash'").pluck().get(), 'TEXT');
  migrate(db, file, storeMigrations);
  assert.equal(db.pragma('user_version', { simple: true }), storeMigrations.at(-1)!.version);
  assert.deepEqual(db.pragma('foreign_key_check'), []);

  // Every row of every fact table, tx hashes as text included, is what today's import wrote.
  for (const table of ['tx', 'address', 'transfer', 'edge', 'txin', 'txout', 'btc_block', 'btc_block_tx', 'block', 'dataset']) {
    assert.deepEqual(tableRows(db, table), tableRows(current, table), table);
  }
  // The stored bytes too: 32 per hash of a real chain.
  assert.deepEqual(
    db.prepare('SELECT id, hash_bin, hash_form FROM tx ORDER BY id').raw().all(),
    current.prepare('SELECT id, hash_bin, hash_form FROM tx ORDER BY id').raw().all(),
  );
  const lengths = db.prepare(`SELECT DISTINCT length(hash_bin) FROM tx WHERE id NOT IN (${oddIds.join(', ')})`).pluck().all();
  assert.deepEqual(lengths, [32]);
  for (const [i, text] of ODD.entries()) assert.equal(db.prepare('SELECT hash FROM tx WHERE id = ?').pluck().get(oddIds[i]), text);

  // Lookups by hash go through the index, from JS and from SQL.
  const plan = (sql: string, ...params: unknown[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan('SELECT id FROM tx WHERE chain_id = 1 AND hash_bin = ? AND hash_form = ?', ...txHashKey(ODD[0]!)), /USING COVERING INDEX tx_key/);
  assert.match(plan("SELECT id FROM tx WHERE chain_id = 1 AND hash_bin = tx_hash_bin('0x12') AND hash_form = tx_hash_form('0x12')"), /USING COVERING INDEX tx_key/);
  assert.throws(() => db.prepare('INSERT INTO tx (chain_id, hash_bin, hash_form, dataset_id) VALUES (1, ?, ?, 1)').run(...txHashKey(ODD[0]!)), /UNIQUE/);
  // The same text under another form is another hash ("0xabcd" and "abcd" are both kept).
  assert.deepEqual(txHashKey('0xabcd')[0], txHashKey('abcd')[0]);
  assert.equal(db.prepare('SELECT count(*) FROM tx WHERE chain_id = 1 AND hash IN (?, ?)').pluck().get('abcd', '0xabcd'), 1);

  // What investigators look up answers as before: a tx's details, a Bitcoin tx's parts, search.
  const ethHash = db.prepare("SELECT hash FROM tx WHERE hash LIKE '0x%' AND length(hash) = 66 ORDER BY id LIMIT 1").pluck().get() as string;
  assert.ok(getTx(db, 1, ethHash));
  assert.deepEqual(getTx(db, 1, ethHash), getTx(current, 1, ethHash));
  const btcChain = db.prepare("SELECT id FROM chain WHERE caip2 LIKE 'bip122:%'").pluck().get() as number;
  const spender = db.prepare('SELECT t.hash FROM tx t JOIN txin i ON i.tx_id = t.id WHERE i.prev_tx_id IS NOT NULL LIMIT 1').pluck().get() as string;
  assert.ok(getUtxoParts(db, btcChain, spender));
  assert.deepEqual(getUtxoParts(db, btcChain, spender), getUtxoParts(current, btcChain, spender));
  const txHits = (store: typeof db) => search(store, [], ethHash, 10).filter((h) => h.kind === 'tx');
  assert.equal(txHits(db).length, 1);
  assert.deepEqual(txHits(db), txHits(current));

  // Importing the same files again adds nothing: the keys dedupe as before.
  const again = await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS] });
  assert.equal(again.dataset, null);
  db.close();
  current.close();
});
