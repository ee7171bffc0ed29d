import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { migrate } from '../../../../electron/core/store/migrate';
import { openStore } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';
import { getTx } from '../../../../electron/core/store/txQueries';
import { ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, storeAtVersion, tempDir } from '../../helpers';

const everything = (db: ReturnType<typeof openStore>, table: string): unknown[] => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).raw().safeIntegers(true).all();

test('migration 100 rebuilds tx and address with named unique keys: every row and id kept, lookups and uniqueness as before', async () => {
  // The facts of an import, in a store of version 90 (the importer writes today's schema).
  const current = openStore(':memory:');
  await importDataset(current, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS] });
  const file = join(tempDir(), 'v90.sqlite');
  storeAtVersion(current, 90, file);
  const db = openStore(file, { migrateTo: 90 });
  const before = { tx: everything(db, 'tx'), address: everything(db, 'address'), transfer: everything(db, 'transfer'), edge: everything(db, 'edge') };
  const hash = (db.prepare('SELECT hash FROM tx ORDER BY id LIMIT 1').pluck().get() as string);
  assert.ok(before.tx.length > 0 && before.address.length > 0);

  migrate(db, file, storeMigrations.filter((m) => m.version <= 100));
  assert.equal(db.pragma('user_version', { simple: true }), 100);
  assert.deepEqual({ tx: everything(db, 'tx'), address: everything(db, 'address'), transfer: everything(db, 'transfer'), edge: everything(db, 'edge') }, before);
  // Foreign keys are enforced again, and the transfers still point at their txs.
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.throws(() => db.prepare("INSERT INTO transfer (chain_id, tx_id, kind, pos, asset_id, amount, dataset_id) VALUES (1, 999999, 0, '', 1, 1, 1)").run(), /FOREIGN KEY/);
  // The natural keys are unique indexes now, used by the lookups by hash and by address text.
  assert.throws(() => db.prepare('INSERT INTO tx (chain_id, hash, dataset_id) VALUES (1, ?, 1)').run(hash), /UNIQUE/);
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan("SELECT id FROM tx WHERE chain_id = 1 AND hash = 'x'"), /INDEX tx_key/);
  assert.match(plan("SELECT id FROM address WHERE chain_id = 1 AND addr = 'x'"), /INDEX address_key/);
  // Brought to today's schema, the store answers as the one the import wrote, and an import
  // after the migration dedupes against what was there.
  migrate(db, file, storeMigrations);
  assert.deepEqual(getTx(db, 1, hash), getTx(current, 1, hash));
  const again = await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS] });
  assert.equal(again.dataset, null);
  db.close();
});

test('a store whose rows point at missing txs is not migrated: the error says so and nothing changes', () => {
  const db = openStore(':memory:', { migrateTo: 90 });
  db.exec(`INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1');
           INSERT INTO asset (id, chain_id, contract) VALUES (1, 1, '')`);
  db.pragma('foreign_keys = OFF');
  db.exec("INSERT INTO transfer (chain_id, tx_id, kind, pos, asset_id, amount, dataset_id) VALUES (1, 42, 0, '', 1, 1, 1)");
  db.pragma('foreign_keys = ON');
  assert.throws(() => migrate(db, 'store.sqlite', storeMigrations), /store\.sqlite: migrating left 1 row\(s\) pointing at missing rows \(first: transfer row 1 → tx\); nothing was changed/);
  assert.equal(db.pragma('user_version', { simple: true }), 90);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'tx_key'").pluck().get(), 0);
  db.close();
});

test('upgrading a store that holds data says so first, naming the file; a new store upgrades silently', () => {
  const dir = tempDir();
  const file = join(dir, 'store.sqlite');
  const old = openStore(file, { migrateTo: 90 });
  old.exec("INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1')");
  old.close();
  const said: string[] = [];
  openStore(file, { onNotice: (m) => said.push(m) }).close();
  // Migrations 100, 110 and 120 rebuild tables: each says so.
  assert.equal(said.length, 3);
  for (const m of said) {
    assert.ok(m.startsWith(`${file}: upgrading the store`), m);
    assert.match(m, /if it is stopped, the store stays as it was/);
  }
  const fresh: string[] = [];
  openStore(join(dir, 'new.sqlite'), { onNotice: (m) => fresh.push(m) }).close();
  assert.deepEqual(fresh, []);
});
