import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { caseMigrations } from '../../../../electron/core/cases/caseMigrations';
import { migrate, NewerDatabaseError, type Migration } from '../../../../electron/core/store/migrate';
import { openStore } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';
import { tempDir } from '../../helpers';

test('a new store is migrated to the latest version, in WAL mode', () => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.sqlite'));
  assert.equal(db.pragma('user_version', { simple: true }), storeMigrations.at(-1)!.version);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('a store written by a newer version is refused and left untouched', () => {
  const dir = tempDir();
  const file = join(dir, 'store.sqlite');
  const raw = new Database(file);
  raw.exec('CREATE TABLE future (x)');
  raw.pragma('user_version = 9990');
  raw.close();
  assert.throws(() => openStore(file), (e: unknown) => e instanceof NewerDatabaseError && e.found === 9990 && /newer version of Cairn/.test(e.message));
  const after = new Database(file);
  assert.equal(after.pragma('user_version', { simple: true }), 9990);
  assert.deepEqual(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ['future']);
  after.close();
});

test('pending migrations run in one transaction: a failing one leaves the version and schema as they were', () => {
  const db = new Database(':memory:');
  const migrations: Migration[] = [
    { version: 10, name: 'a', up: (d) => d.exec('CREATE TABLE a (x)') },
    { version: 20, name: 'b', up: (d) => d.exec('CREATE TABLE b (x)') },
    { version: 30, name: 'broken', up: (d) => d.exec('CREATE TABLE c (x); INSERT INTO nowhere VALUES (1)') },
  ];
  assert.throws(() => migrate(db, ':memory:', migrations), /nowhere/);
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), []);
});

test('migrations must be in increasing order', () => {
  const db = new Database(':memory:');
  const bad: Migration[] = [
    { version: 20, name: 'b', up: () => {} },
    { version: 10, name: 'a', up: () => {} },
  ];
  assert.throws(() => migrate(db, ':memory:', bad), /out of order/);
});

test('the expand and edge queries use their indexes', () => {
  const db = openStore(':memory:');
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan('SELECT * FROM edge WHERE from_id = 1'), /SEARCH edge USING PRIMARY KEY \(from_id=\?\)/);
  assert.match(plan('SELECT * FROM edge WHERE to_id = 1'), /SEARCH edge USING (COVERING )?INDEX edge_to \(to_id=\?\)/);
  assert.match(plan('SELECT * FROM transfer WHERE from_id = 1'), /INDEX transfer_from \(from_id=\?\)/);
  assert.match(plan('SELECT * FROM transfer WHERE to_id = 1'), /INDEX transfer_to \(to_id=\?\)/);
  assert.match(plan("SELECT id FROM address WHERE chain_id = 1 AND addr = 'x'"), /address_key/);
  db.close();
});

test('case files migrate too; from version 20 they hold no triggers, views or stored undo SQL', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', caseMigrations, 10);
  const v10 = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[];
  assert.ok(v10.includes('node_undo_insert'), 'version 10 had the undo triggers');
  migrate(db, ':memory:', caseMigrations);
  assert.deepEqual(db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') OR name LIKE 'undo%'").all(), []);
  const audit = (db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name);
  for (const c of ['label', 'changes', 'undo_of', 'pubkey', 'sig']) assert.ok(audit.includes(c), c);
});

test('filling times from blocks reads only the untimed rows', () => {
  const db = openStore(':memory:');
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan('SELECT id FROM tx WHERE chain_id = 1 AND time IS NULL AND block_number IS NOT NULL'), /INDEX tx_untimed/);
  assert.match(plan('SELECT id FROM transfer WHERE time IS NULL AND chain_id = 1'), /INDEX transfer_untimed/);
  db.close();
});

test('migration 20 (UTXO) keeps the rows of a version-10 store and adds its columns with defaults', () => {
  const db = openStore(':memory:', { migrateTo: 10 });
  assert.equal(db.pragma('user_version', { simple: true }), 10);
  db.exec(`INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1');
           INSERT INTO tx (chain_id, hash, block_number, dataset_id, value) VALUES (1, '0xabc', 5, 1, '340282366920938463463374607431768211456')`);
  migrate(db, ':memory:', storeMigrations.filter((m) => m.version <= 20));
  assert.equal(db.pragma('user_version', { simple: true }), 20);
  assert.deepEqual(db.prepare('SELECT hash, block_number, value, fee, coinbase, folded FROM tx').get(), {
    hash: '0xabc',
    block_number: 5,
    value: '340282366920938463463374607431768211456',
    fee: null,
    coinbase: 0,
    folded: 0,
  });
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan("SELECT * FROM txin WHERE prev_txid = 'x' AND prev_n = 0 AND prev_tx_id IS NULL"), /INDEX txin_unresolved/);
  db.close();
});

test('migration 30 keeps dataset sources and blocks, with no resume point and no stated height', () => {
  const db = openStore(':memory:', { migrateTo: 20 });
  db.exec(`INSERT INTO chain (id, caip2) VALUES (1, 'bip122:000000000019d6689c085ae165831e93');
           INSERT INTO dataset (id, format, parser_version, chain_id, fingerprint, started_at, finished_at, row_counts, added)
             VALUES (1, 'bitcoin-blocks', 'bitcoin-blocks/1', 1, 'f', 't', 't', '{}', '{}');
           INSERT INTO dataset_source (dataset_id, seq, name, path, size, sha256, kind, rows) VALUES (1, 0, 'blk00000.dat', '/b/blk00000.dat', 10, 'ab', 'blk', 3);
           INSERT INTO btc_block (chain_id, hash, prev_hash, height, time, bits, tx_count, size, dataset_id) VALUES (1, 'h', 'p', 7, 1, 1, 1, 1, 1)`);
  migrate(db, ':memory:', storeMigrations.filter((m) => m.version <= 30));
  assert.equal(db.pragma('user_version', { simple: true }), 30);
  assert.deepEqual(db.prepare('SELECT name, rows, read_to, read_to_sha256 FROM dataset_source').get(), { name: 'blk00000.dat', rows: 3, read_to: null, read_to_sha256: null });
  assert.deepEqual(db.prepare('SELECT hash, height, stated_height FROM btc_block').get(), { hash: 'h', height: 7, stated_height: null });
  db.close();
});
