import assert from 'node:assert/strict';
import { BadInputError } from '../../electron/core/ingest/errors';
import { openStore, type Db } from '../../electron/core/store/openStore';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';

export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures');
export const ETL = join(FIXTURES, 'ethereum/ethereum-etl');
export const ETL_BLOCKS = join(ETL, 'test_export_blocks_job_block_with_logs_expected_blocks.csv');
export const ETL_TXS = join(ETL, 'test_export_blocks_job_block_with_logs_expected_transactions.csv');
export const ETL_TOKEN_TRANSFERS = join(ETL, 'test_export_token_transfers_job_block_with_transfers_expected_token_transfers.csv');
export const REPO = resolve(import.meta.dirname, '../..');
export const BLK_FIXTURE = join(FIXTURES, 'bitcoin/mainnet-blocks-1-255.blk');

/** A fresh temporary folder, removed when the test file finishes. */
export function tempDir(prefix = 'cairn-unit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export const TX_HEADER =
  'hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type';

let txCounter = 0;
/** One ethereum-etl transactions.csv row; hashes are unique per call. */
export function txRow(from: string, to: string, value: string, block = 100, time = 1_600_000_000): string {
  txCounter++;
  const hash = '0xf' + txCounter.toString(16).padStart(63, '0');
  return `${hash},1,0x${'b'.repeat(64)},${block},0,${from},${to},${value},21000,1,0x,${time},,,0`;
}

export function addr(n: number): string {
  return '0x' + n.toString(16).padStart(40, '0');
}

/** Every fact table of a store holding UTXO data, in a stable order, for comparing two stores. */
export function dumpUtxoStore(db: Db): Record<string, unknown[]> {
  const tables: Record<string, string> = {
    btc_block: 'SELECT hash, prev_hash, height, time, bits, tx_count, size FROM btc_block ORDER BY hash',
    btc_block_tx: 'SELECT block_hash, idx, tx_id FROM btc_block_tx ORDER BY block_hash, idx',
    tx: 'SELECT id, hash, block_number, tx_index, time, fee, coinbase, folded FROM tx ORDER BY id',
    txout: 'SELECT tx_id, n, value, type, address_id, hex(data), spent_by, spent_n FROM txout ORDER BY tx_id, n',
    txin: 'SELECT tx_id, n, prev_txid, prev_n, prev_tx_id, value, address_id, derived FROM txin ORDER BY tx_id, n',
    transfer: 'SELECT tx_id, kind, pos, from_id, to_id, amount, time FROM transfer ORDER BY tx_id, kind, pos',
    edge: 'SELECT from_id, to_id, asset_id, total, cnt, first_time, last_time FROM edge ORDER BY from_id, to_id, asset_id',
    address: 'SELECT id, addr FROM address ORDER BY id',
  };
  return Object.fromEntries(Object.entries(tables).map(([name, sql]) => [name, db.prepare(sql).raw().safeIntegers(true).all()]));
}

/** Rows of each fact table: what an import added, or (unchanged) that a refused one added nothing. */
export function factCounts(db: Db): Record<string, number> {
  const n = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return { dataset: n('dataset'), block: n('block'), tx: n('tx'), transfer: n('transfer'), address: n('address'), edge: n('edge'), asset: n('asset') };
}

/** The import is refused as bad input matching `pattern`, and nothing of it is committed. */
export async function expectRefused(db: Db, importing: Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = factCounts(db);
  await assert.rejects(importing, (e: unknown) => {
    assert.ok(e instanceof BadInputError, `expected BadInputError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(factCounts(db), before, 'nothing may be committed');
}

/** Writes blk records (magic, size, block) back into a blk file, in the order given. */
export function writeBlk(dir: string, name: string, records: readonly { magic: string; block: Uint8Array }[]): string {
  const parts = records.flatMap((r) => {
    const head = Buffer.alloc(8);
    Buffer.from(r.magic, 'hex').copy(head, 0);
    head.writeUInt32LE(r.block.length, 4);
    return [head, r.block];
  });
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** The clusters of more than one address, each as its members' addresses sorted, sorted. */
export function clusterPartition(db: Db): string[][] {
  const rows = db.prepare('SELECT m.root, a.addr FROM entity_member m JOIN address a ON a.id = m.address_id ORDER BY m.root, a.addr').all() as { root: number; addr: string }[];
  const groups = new Map<number, string[]>();
  for (const r of rows) groups.set(r.root, [...(groups.get(r.root) ?? []), r.addr]);
  return [...groups.values()].sort((x, y) => x[0]!.localeCompare(y[0]!));
}

/**
 * A store file at schema `version` holding the rows of `current` (a store at the latest
 * version), for tests of a migration: each table the old schema has gets the columns both
 * share, the current store's virtual columns included (tx.hash since migration 110), so
 * migrating the file forward must give back `current`'s rows.
 */
export function storeAtVersion(current: Db, version: number, file: string): void {
  const old = openStore(file, { migrateTo: version });
  old.close();
  current.prepare('ATTACH DATABASE ? AS old').run(file);
  try {
    current.pragma('foreign_keys = OFF');
    current.exec('BEGIN');
    // Virtual tables (the label index) and their shadow tables are left empty.
    const tables = current
      .prepare(
        `SELECT name FROM old.sqlite_master t WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'
         AND NOT EXISTS (SELECT 1 FROM old.sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\')`,
      )
      .pluck()
      .all() as string[];
    for (const t of tables) {
      const mine = new Set((current.prepare('SELECT name FROM pragma_table_xinfo(?, ?)').pluck().all(t, 'main') as string[]));
      // Generated columns of the old schema are computed there, never written.
      const cols = (current.prepare('SELECT name FROM pragma_table_xinfo(?, ?) WHERE hidden NOT IN (2, 3)').pluck().all(t, 'old') as string[]).filter((c) => mine.has(c));
      if (cols.length === 0) continue;
      current.exec(`DELETE FROM old.${t}`);
      current.exec(`INSERT INTO old.${t} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM main.${t}`);
    }
    current.exec('COMMIT');
  } finally {
    if (current.inTransaction) current.exec('ROLLBACK');
    current.pragma('foreign_keys = ON');
    current.exec('DETACH DATABASE old');
  }
}

/** Columns holding the bytes of a hash that a virtual column of the same table spells as text. */
const HASH_BYTES = new Set(['hash_bin', 'hash_form', 'prev_txid_bin', 'block_bin']);

/**
 * Every row of a table with every column, virtual ones included (hashes as text), ordered by all
 * of them: without the bytes columns the first few need not be a key (a membership's block hash
 * now comes last), and a total order keeps two stores' rows comparable.
 */
export function tableRows(db: Db, table: string): unknown[][] {
  const cols = (db.prepare('SELECT name FROM pragma_table_xinfo(?)').pluck().all(table) as string[]).filter((c) => !HASH_BYTES.has(c));
  return db.prepare(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols.join(', ')}`).raw().safeIntegers(true).all() as unknown[][];
}
