import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachBlkRecord, type BlkRecord } from '../../../../electron/core/ingest/bitcoin/blkFile';
import { CsvRow, type TextNumbering } from '../../../../electron/core/ingest/csvRows';
import { startAccountRun } from '../../../../electron/core/ingest/ethereumEtl/accountRun';
import { EtlWriter } from '../../../../electron/core/ingest/ethereumEtl/writeEtlRows';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import type { ImportOptions } from '../../../../electron/core/ingest/importTypes';
import { AddressInterner } from '../../../../electron/core/store/addresses';
import { deferNaturalKeysForFreshChain } from '../../../../electron/core/store/bulkIndexes';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { txHashKey } from '../../../../electron/core/store/txHash';
import { generateWorld } from '../../../../electron/core/synth/world';
import { BLK_FIXTURE, ETL, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, TX_HEADER, tempDir, writeBlk, writeFile } from '../../helpers';

/*
 * A first import of a chain that is big enough dedupes its txs and addresses in memory and
 * builds the natural-key indexes once at the end (store/bulkIndexes.ts). These tests run small
 * files through that path (bulkLoadMinRows: 1) and check it leaves exactly the store the
 * row-by-row path leaves: same rows, same ids, same edges, conflicts and clusters.
 */

const RECEIPTS = join(ETL, 'test_export_receipts_job_receipts_with_logs_expected_receipts.csv');
const TRACES = join(ETL, 'test_export_traces_job_block_with_subtraces_expected_traces.csv');
const TRACES_HEADER = 'block_number,transaction_hash,transaction_index,from_address,to_address,value,input,output,trace_type,call_type,reward_type,gas,gas_used,subtraces,trace_address,error,status';
const BULK: ImportOptions = { bulkLoadMinRows: 1, now: () => new Date('2026-01-01T00:00:00Z') };
const ROW_BY_ROW: ImportOptions = { now: () => new Date('2026-01-01T00:00:00Z') };

const TABLES = ['address', 'tx', 'transfer', 'edge', 'block', 'asset', 'hub', 'hub_rank', 'cluster_evidence', 'cluster_held', 'entity_member', 'entity_root', 'conflict'];

/** Every row of the fact tables, in a stable order, as one digest per table (with its row count). */
function digest(db: Db): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    const h = createHash('sha256');
    let n = 0;
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`).raw().safeIntegers(true).iterate() as Iterable<unknown[]>) {
      h.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
      n++;
    }
    out[table] = `${n} ${h.digest('hex').slice(0, 16)}`;
  }
  return out;
}

const hash = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const addr = (n: number): string => '0x' + n.toString(16).padStart(40, '0');
const line = (h: string, from: string, to: string, value: string | bigint): string => `${h},1,0x${'b'.repeat(64)},100,0,${from},${to},${value},21000,1,0x,1600000000,,,0`;

/** The same paths, imported once by each path into its own store: both stores, and whether the bulk path began fresh. */
async function bothWays(paths: string[][]): Promise<{ bulk: Db; rowByRow: Db }> {
  const bulk = openStore(':memory:');
  const rowByRow = openStore(':memory:');
  for (const p of paths) {
    await importDataset(bulk, { paths: p }, BULK);
    await importDataset(rowByRow, { paths: p }, ROW_BY_ROW);
  }
  return { bulk, rowByRow };
}

test('the fixture export with receipts, traces, token transfers before their txs, a repeated row and a conflicting one: the bulk path leaves the same store', async () => {
  const dir = tempDir();
  // Token transfers first (their txs become stubs, completed later), then a file that repeats
  // one tx and gives another a different value (a conflict within the import).
  const early = join(dir, 'early');
  mkdirSync(early);
  const tokens = writeFile(early, 'token_transfers.csv', readFileSync(ETL_TOKEN_TRANSFERS, 'utf8'));
  const extra = join(dir, 'extra');
  mkdirSync(extra);
  const txs = readFileSync(ETL_TXS, 'utf8').trimEnd().split('\n');
  const first = txs[1]!.split(',');
  const changed = [...first];
  changed[7] = String(BigInt(first[7]!) + 1n);
  writeFile(extra, 'transactions.csv', [txs[0], txs[1], txs[1], changed.join(','), line(hash(7), addr(1), addr(2), 5n)].join('\n') + '\n');
  // Internal transfers of a tx known only from its traces: one that moved value, one reverted.
  const trace = (pos: string, value: bigint, status: 0 | 1): string => `100,${hash(8)},0,${addr(3)},${addr(4)},${value},0x,0x,call,call,,0,0,0,${pos},,${status}`;
  writeFile(extra, 'traces.csv', [TRACES_HEADER, trace('0', 123456789012345678901234n, 1), trace('1', 5n, 0), trace('0', 7n, 1)].join('\n') + '\n');
  const { bulk, rowByRow } = await bothWays([[early], [ETL_BLOCKS, ETL_TXS, RECEIPTS, TRACES, ETL_TOKEN_TRANSFERS], [extra]]);
  assert.deepEqual(digest(bulk), digest(rowByRow));
  // The paths did see what the test is about: stubs, a conflict, internal transfers.
  assert.deepEqual(bulk.prepare('SELECT kind, field, stored, other FROM conflict ORDER BY id').raw().all(), [
    ['tx', 'value', first[7], String(BigInt(first[7]!) + 1n)],
    ['transfer', 'value', '123456789012345678901234', '7'],
  ]);
  assert.equal(bulk.prepare('SELECT count(*) FROM transfer WHERE kind = 2').pluck().get(), 2);
  assert.equal(bulk.prepare('SELECT count(*) FROM tx WHERE stub = 1').pluck().get(), rowByRow.prepare('SELECT count(*) FROM tx WHERE stub = 1').pluck().get());
});

test('a first import with repeated and conflicting rows in one file, all new to the chain: the same store both ways, the first row kept', async () => {
  const dir = tempDir();
  const rows = [TX_HEADER.trim()];
  for (let i = 1; i <= 300; i++) rows.push(line(hash(i), addr(i % 17), addr((i * 7) % 23), BigInt(i) * 10n ** 15n));
  rows.push(line(hash(5), addr(5), addr(12), 5n * 10n ** 15n)); // repeats row 5 exactly
  rows.push(line(hash(6), addr(6), addr(99), 1n)); // contradicts row 6: recipient and value
  const file = writeFile(dir, 'transactions.csv', rows.join('\n') + '\n');
  const { bulk, rowByRow } = await bothWays([[file]]);
  assert.deepEqual(digest(bulk), digest(rowByRow));
  assert.equal(bulk.prepare('SELECT count(*) FROM tx').pluck().get(), 300);
  assert.deepEqual(
    bulk.prepare("SELECT field, stored, other FROM conflict WHERE tx_hash = ? ORDER BY field").all(hash(6)),
    [
      { field: 'to', stored: addr(19), other: addr(99) },
      { field: 'value', stored: String(6n * 10n ** 15n), other: '1' },
    ],
  );
  // The address only the contradicting row named was taken back.
  assert.equal(bulk.prepare('SELECT count(*) FROM address WHERE addr = ?').pluck().get(addr(99)), 0);
});

test('a synthetic world on two chains, each imported in two parts: the same store both ways, and the keys are unique again', async () => {
  const out = join(tempDir(), 'world');
  const truth = generateWorld({ seed: 'fresh-load', transfers: 20_000, out });
  const eth = join(out, truth.files.ethereum);
  const tron = join(out, truth.files.tron);
  const bulk = openStore(':memory:');
  const rowByRow = openStore(':memory:');
  for (const [path, chain] of [[eth, truth.chains.eth], [tron, truth.chains.tron]] as const) {
    await importDataset(bulk, { paths: [path], chain }, BULK);
    await importDataset(rowByRow, { paths: [path], chain }, ROW_BY_ROW);
  }
  assert.deepEqual(digest(bulk), digest(rowByRow));
  assert.ok((bulk.prepare('SELECT count(*) FROM cluster_evidence').pluck().get() as number) > 0, 'deposit clustering ran on the result');
  // The indexes came back and hold: a second copy of a stored tx or address is refused.
  const tx = bulk.prepare('SELECT chain_id, hash FROM tx LIMIT 1').get() as { chain_id: number; hash: string };
  assert.throws(() => bulk.prepare('INSERT INTO tx (chain_id, hash_bin, hash_form, dataset_id) VALUES (?, ?, ?, 1)').run(tx.chain_id, ...txHashKey(tx.hash)), /UNIQUE/);
  const a = bulk.prepare('SELECT chain_id, addr FROM address LIMIT 1').get() as { chain_id: number; addr: string };
  assert.throws(() => bulk.prepare('INSERT INTO address (chain_id, addr) VALUES (?, ?)').run(a.chain_id, a.addr), /UNIQUE/);
  // Importing the same folder again is recognised, through the rebuilt indexes.
  const again = await importDataset(bulk, { paths: [eth], chain: truth.chains.eth }, BULK);
  assert.equal(again.dataset, null);
  assert.ok(again.alreadyImportedAs !== null);
});

test('a bulk first import that fails on its last row commits nothing and leaves the indexes in place', async () => {
  const dir = tempDir();
  const rows = [TX_HEADER.trim()];
  for (let i = 1; i <= 50; i++) rows.push(line(hash(i), addr(i), addr(i + 1), 1n));
  rows.push(line(hash(51), 'not-an-address', addr(2), 1n));
  const file = writeFile(dir, 'transactions.csv', rows.join('\n') + '\n');
  const db = openStore(':memory:');
  await assert.rejects(importDataset(db, { paths: [file] }, BULK), /transactions\.csv.*line 52.*from_address/s);
  assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM address').pluck().get(), 0);
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('tx_key', 'address_key', 'transfer_from', 'transfer_to') ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ['address_key', 'transfer_from', 'transfer_to', 'tx_key']);
});

test('past its cap the fresh load ends: the indexes are rebuilt mid-import and later rows are deduped through them', () => {
  const db = openStore(':memory:');
  db.exec('BEGIN');
  // The chain, dataset and native asset of an ordinary run; then a fresh load with small caps.
  const base = startAccountRun(db, 'eip155:1', 'ethereum-etl-csv', 'test', '2026-01-01T00:00:00Z');
  const fresh = deferNaturalKeysForFreshChain(db, base.chainId, 1_000_000, 1);
  assert.equal(fresh.active, true);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('tx_key', 'address_key')").pluck().get(), 0);
  const addresses = new AddressInterner(db, base.chainId, 200_000, fresh, 1_000);
  const writer = new EtlWriter(db, base.chainId, base.nativeAssetId, base.datasetId, addresses, base.firstNewTransferId, 'eip155:1', '2026-01-01T00:00:00Z', fresh, 10);
  const columns = new Map(TX_HEADER.trim().split(',').map((c, i) => [c, i]));
  const row = (n: number, text: string) => new CsvRow('transactions.csv', n, columns, text.split(','));
  for (let i = 1; i <= 10; i++) writer.write('transactions', row(i + 1, line(hash(i), addr(i % 5), addr(100), 1n)));
  assert.equal(fresh.active, true, 'ten txs: at the cap, not past it');
  writer.write('transactions', row(12, line(hash(11), addr(1), addr(100), 1n)));
  assert.equal(fresh.active, false, 'the eleventh tx ends the fresh load');
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('tx_key', 'address_key')").pluck().get(), 2);
  // Repeats of early txs and addresses, and new ones: deduped through the store from now on.
  for (let i = 1; i <= 15; i++) writer.write('transactions', row(12 + i, line(hash(i), addr(i % 5), addr(100), 1n)));
  assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 15);
  assert.equal(db.prepare('SELECT count(*) FROM address').pluck().get(), 6);
  assert.equal(writer.added.transactions, 15);
  assert.equal(db.prepare('SELECT count(*) FROM conflict').pluck().get(), 0);
  db.exec('ROLLBACK');
});

test('an address interner in a fresh load: new addresses need no lookup, and past its cap it probes the rebuilt index', () => {
  const db = openStore(':memory:');
  db.exec('BEGIN');
  db.exec("INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1'), (2, 'eip155:10')");
  // Another chain's address with the same text is not this chain's.
  db.prepare('INSERT INTO address (chain_id, addr) VALUES (2, ?)').run(addr(1));
  const fresh = deferNaturalKeysForFreshChain(db, 1, 1_000_000, 1);
  assert.equal(fresh.active, true);
  const interner = new AddressInterner(db, 1, 4, fresh, 3);
  const first = [1, 2, 3].map((n) => interner.id(addr(n)));
  assert.equal(fresh.active, true);
  assert.deepEqual([1, 2, 3].map((n) => interner.id(addr(n))), first);
  const fourth = interner.id(addr(4));
  assert.equal(fresh.active, false);
  // Beyond the bounded cache too, the same text always gets the same id.
  for (let n = 5; n <= 12; n++) interner.id(addr(n));
  assert.deepEqual([1, 2, 3, 4].map((n) => interner.id(addr(n))), [...first, fourth]);
  assert.equal(db.prepare('SELECT count(*) FROM address WHERE chain_id = 1').pluck().get(), 12);
  assert.equal(interner.added, 12);
  db.exec('ROLLBACK');
});

test('the natural keys are deferred only for a chain the store has nothing of, and only for a big enough import', () => {
  const db = openStore(':memory:');
  db.exec("INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1'), (2, 'eip155:10'); INSERT INTO dataset (id, format, parser_version, chain_id, fingerprint, started_at, finished_at, row_counts, added) VALUES (1, 'x', '1', 1, '', '', '', '{}', '{}')");
  db.prepare('INSERT INTO tx (chain_id, hash_bin, hash_form, dataset_id) VALUES (1, ?, ?, 1)').run(...txHashKey(hash(1)));
  db.exec('BEGIN');
  assert.equal(deferNaturalKeysForFreshChain(db, 1, 1_000_000, 1).active, false, 'the chain has a tx');
  assert.equal(deferNaturalKeysForFreshChain(db, 2, 99_999).active, false, 'too small to pay for the rebuild');
  const load = deferNaturalKeysForFreshChain(db, 2, 100_000);
  assert.equal(load.active, true);
  load.end();
  load.end();
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('tx_key', 'address_key')").pluck().get(), 2);
  db.exec('ROLLBACK');
});

const BTC_TABLES = ['btc_block', 'btc_block_tx', 'txout', 'txin'];

/** The Bitcoin tables too, where they exist (the synthetic world's blocks fold into transfers and edges). */
function btcDigest(db: Db): Record<string, string> {
  const have = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  const out = digest(db);
  for (const table of BTC_TABLES.filter((t) => have.has(t))) {
    const h = createHash('sha256');
    let n = 0;
    const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).length;
    const order = Array.from({ length: cols }, (_, i) => i + 1).join(', ');
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().safeIntegers(true).iterate() as Iterable<unknown[]>) {
      h.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
      n++;
    }
    out[table] = `${n} ${h.digest('hex').slice(0, 16)}`;
  }
  return out;
}

test('a synthetic world\'s Bitcoin blocks in two imports, spends crossing between them: the bulk first import leaves the same store', async () => {
  const out = join(tempDir(), 'world');
  const truth = generateWorld({ seed: 'fresh-load-btc', transfers: 20_000, out });
  const records: BlkRecord[] = [];
  await forEachBlkRecord(join(out, truth.files.bitcoin, 'blk00000.dat'), {}, (r) => void records.push(r));
  assert.ok(records.length >= 10, `the world has blocks to split (${records.length})`);
  const dir = tempDir();
  const write = (name: string, list: BlkRecord[]): string => writeBlk(dir, name, list);
  const cut = Math.floor(records.length * 0.6);
  const first = write('first.blk', records.slice(0, cut));
  const second = write('second.blk', records.slice(cut));
  const bulk = openStore(':memory:');
  const rowByRow = openStore(':memory:');
  for (const path of [first, second]) {
    await importDataset(bulk, { paths: [path], chain: truth.chains.btc }, BULK);
    await importDataset(rowByRow, { paths: [path], chain: truth.chains.btc }, ROW_BY_ROW);
  }
  const a = btcDigest(bulk);
  assert.deepEqual(a, btcDigest(rowByRow));
  assert.ok(Number(a.txin!.split(' ')[0]) > 0 && Number(a.transfer!.split(' ')[0]) > 0, 'inputs were linked and folded into transfers');
  // Inputs of the second import that spend outputs of the first were linked by txid through the rebuilt index.
  const unlinked = bulk.prepare('SELECT count(*) FROM txin WHERE prev_txid IS NOT NULL AND prev_tx_id IS NULL').pluck().get() as number;
  assert.equal(unlinked, 0);
  const tx = bulk.prepare('SELECT chain_id, hash FROM tx LIMIT 1').get() as { chain_id: number; hash: string };
  assert.throws(() => bulk.prepare('INSERT INTO tx (chain_id, hash_bin, hash_form, dataset_id) VALUES (?, ?, ?, 1)').run(tx.chain_id, ...txHashKey(tx.hash)), /UNIQUE/);
});

test("the writer remembers addresses by the CSV reader's numbers only within one file read, and only from its memory's start on", () => {
  const db = openStore(':memory:');
  db.exec('BEGIN');
  const run = startAccountRun(db, 'eip155:1', 'ethereum-etl-csv', 'test', '2026-01-01T00:00:00Z');
  const columns = new Map(TX_HEADER.trim().split(',').map((c, i) => [c, i]));
  const read = (): TextNumbering => ({ columns: new Map(['from_address', 'to_address', 'receipt_contract_address'].map((c, k) => [c, k])) });
  const row = (numbering: TextNumbering, n: number, text: string, numbers: number[]) => new CsvRow('transactions.csv', n, columns, text.split(','), numbering, Int32Array.from(numbers), 0);
  const a = read();
  const b = read();
  // In read a, 0 is addr(1) and 1 is addr(2); in read b the same numbers are other addresses.
  run.writer.write('transactions', row(a, 2, line(hash(1), addr(1), addr(2), 1n), [0, 1, -1]));
  run.writer.write('transactions', row(a, 3, line(hash(2), addr(1), addr(2), 1n), [0, 1, -1]));
  run.writer.write('transactions', row(b, 2, line(hash(3), addr(3), addr(4), 1n), [0, 1, -1]));
  // A number far past the memory's start (it starts afresh there), then one from before that start.
  run.writer.write('transactions', row(b, 3, line(hash(4), addr(5), addr(3), 1n), [600_000, 0, -1]));
  run.writer.write('transactions', row(b, 4, line(hash(5), addr(3), addr(5), 1n), [0, 600_000, -1]));
  const stored = db
    .prepare('SELECT f.addr, t.addr FROM tx JOIN address f ON f.id = tx.from_id JOIN address t ON t.id = tx.to_id ORDER BY tx.id')
    .raw()
    .all();
  assert.deepEqual(stored, [
    [addr(1), addr(2)],
    [addr(1), addr(2)],
    [addr(3), addr(4)],
    [addr(5), addr(3)],
    [addr(3), addr(5)],
  ]);
  assert.equal(db.prepare('SELECT count(*) FROM address').pluck().get(), 5);
  db.exec('ROLLBACK');
});

test('after its rows an import says which step it is on: each index build, the edges, the hub rankings and the clustering', async () => {
  const phases = async (options: ImportOptions, paths: string[], store = openStore(':memory:')): Promise<string[]> => {
    const seen: string[] = [];
    await importDataset(store, { paths }, { ...options, onProgress: (p) => seen.at(-1) !== p.phase && seen.push(p.phase) });
    return seen.slice(seen.indexOf('writing native transfers'));
  };
  const files = [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS];
  // A first import big enough to defer its indexes builds them, each named while it runs.
  assert.deepEqual(await phases(BULK, files), [
    'writing native transfers',
    'indexing transactions and addresses',
    'aggregating edges',
    'indexing transfers',
    'ranking hubs',
    'clustering addresses',
    'committing',
    'done',
  ]);
  // A small one keeps its indexes live: no index step is announced.
  assert.deepEqual(await phases(ROW_BY_ROW, files), ['writing native transfers', 'aggregating edges', 'ranking hubs', 'clustering addresses', 'committing', 'done']);

  // Bitcoin blocks the same way, after the blocks are read.
  const blocks = async (options: ImportOptions): Promise<string[]> => {
    const seen: string[] = [];
    await importDataset(openStore(':memory:'), { paths: [BLK_FIXTURE] }, { ...options, onProgress: (p) => seen.at(-1) !== p.phase && seen.push(p.phase) });
    return seen.slice(seen.indexOf('blocks · mainnet-blocks-1-255.blk') + 1);
  };
  const settle = ['building the main chain', 'linking inputs and folding transfers', 'aggregating edges', 'ranking hubs', 'clustering addresses'];
  assert.deepEqual(await blocks(BULK), ['indexing transactions and addresses', ...settle, 'indexing transfers', 'committing', 'done']);
  assert.deepEqual(await blocks(ROW_BY_ROW), [...settle, 'committing', 'done']);
});
