import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deferIndexesForBulkLoad } from '../../../../electron/core/store/bulkIndexes';
import { openStore, type Db } from '../../../../electron/core/store/openStore';

const indexSql = (db: Db): Record<string, string> =>
  Object.fromEntries((db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[]).map((r) => [r.name, r.sql]));

test('a big load drops the random-keyed indexes and restores them exactly before commit', () => {
  const db = openStore(':memory:');
  const before = indexSql(db);
  db.exec('BEGIN IMMEDIATE');
  const deferred = deferIndexesForBulkLoad(db, 1_000_000);
  const during = indexSql(db);
  for (const name of ['transfer_from', 'transfer_to', 'txout_address', 'txin_address']) assert.equal(during[name], undefined, name);
  assert.ok(during.txin_unresolved, 'indexes the import itself reads from stay');
  deferred.restore();
  db.exec('COMMIT');
  assert.deepEqual(indexSql(db), before);
  const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT * FROM transfer WHERE from_id = 1').all() as { detail: string }[]).map((r) => r.detail).join();
  assert.match(plan, /transfer_from/);
  db.close();
});

test('a rolled-back load gets its indexes back; a small load into a big store keeps them', () => {
  const db = openStore(':memory:');
  const before = indexSql(db);
  db.exec('BEGIN IMMEDIATE');
  deferIndexesForBulkLoad(db, 1_000_000);
  db.exec('ROLLBACK');
  assert.deepEqual(indexSql(db), before);

  db.exec("INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1')");
  db.exec("INSERT INTO asset (id, chain_id, contract, symbol, decimals, dataset_id) VALUES (1, 1, '', 'ETH', 18, 1)");
  db.exec("INSERT INTO tx (id, chain_id, hash_bin, hash_form, dataset_id) VALUES (1, 1, X'01', 1, 1)");
  db.exec("INSERT INTO transfer (id, chain_id, tx_id, kind, pos, asset_id, amount, dataset_id) VALUES (500000, 1, 1, 0, '', 1, 1, 1)");
  db.exec('BEGIN IMMEDIATE');
  deferIndexesForBulkLoad(db, 200_000);
  assert.deepEqual(indexSql(db), before, 'rebuilding 500k rows would cost more than 200k inserts save');
  db.exec('ROLLBACK');
  db.close();
});
