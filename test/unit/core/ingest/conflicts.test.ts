import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImportPreview } from '../../../../shared/api/schemas';
import { importEtherscan } from '../../../../electron/core/ingest/etherscan/importEtherscan';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { listConflicts, txConflicts } from '../../../../electron/core/store/conflicts';
import { listDatasets } from '../../../../electron/core/store/datasets';
import { migrate } from '../../../../electron/core/store/migrate';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';
import { getTx } from '../../../../electron/core/store/txQueries';
import { TX_HEADER, factCounts, tempDir, writeFile } from '../../helpers';
import { cairn, json } from '../../cli/cliRun';

const ETH = 10n ** 18n;
const H = '0x' + 'a1'.repeat(32);
const H2 = '0x' + 'a2'.repeat(32);
const X = '0x' + '11'.repeat(20);
const Y = '0x' + '22'.repeat(20);
const Z = '0x' + '33'.repeat(20);
const W = '0x' + '44'.repeat(20);
const TOKEN = '0x' + '55'.repeat(20);
const BLOCK_A = '0x' + 'b1'.repeat(32);
const BLOCK_B = '0x' + 'b2'.repeat(32);

/** An ethereum-etl transactions.csv row of block 100. */
function txLine(hash: string, from: string, to: string, value: bigint | string, time = 1_600_000_000): string {
  return `${hash},1,0x${'b'.repeat(64)},100,0,${from},${to},${value},21000,1,0x,${time},,,0`;
}

const BLOCKS_HEADER = 'number,hash,parent_hash,nonce,sha3_uncles,logs_bloom,transactions_root,state_root,receipts_root,miner,difficulty,total_difficulty,size,extra_data,gas_limit,gas_used,timestamp,transaction_count';
const blockLine = (hash: string): string => `100,${hash},0x${'0'.repeat(64)},0x0,0x0,0x0,0x0,0x0,0x0,${X},1,1,500,0x,30000000,21000,1600000000,1`;
const TRANSFERS_HEADER = 'token_address,from_address,to_address,value,transaction_hash,log_index,block_number';
const RECEIPTS_HEADER = 'transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status';
const receiptLine = (hash: string, status: 0 | 1): string => `${hash},0,0x${'b'.repeat(64)},100,21000,21000,,,${status}`;
const TRACES_HEADER = 'block_number,transaction_hash,transaction_index,from_address,to_address,value,input,output,trace_type,call_type,reward_type,gas,gas_used,subtraces,trace_address,error,status';
const traceLine = (value: bigint, status: 0 | 1): string => `100,${H},0,${Y},${Z},${value},0x,0x,call,call,,0,0,0,0,,${status}`;

/** The parts of a conflict a test compares (the source and the time are checked apart). */
function brief(db: Db, filter: { datasetId?: number } = {}) {
  return listConflicts(db, { ...filter, offset: 0, limit: 100 }).items.map((c) => ({
    kind: c.kind,
    of: c.kind === 'block' ? c.block : c.transfer ? `${c.txHash} ${c.transfer.kind} ${c.transfer.pos}` : c.txHash,
    field: c.field,
    stored: c.stored,
    storedDataset: c.storedDataset,
    other: c.other,
    otherDataset: c.otherDataset,
  }));
}

function folder(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFile(dir, file, text);
  return dir;
}

test('two rows with one tx hash and different values in one file: one conflict with both values, the first row kept', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  // Row 3 contradicts row 2; row 4 repeats row 3's claim (the same disagreement, recorded once).
  const file = writeFile(dir, 'transactions.csv', [TX_HEADER, txLine(H, X, Y, ETH), txLine(H, X, Y, 2n * ETH), txLine(H, X, Y, 2n * ETH), txLine(H2, Y, X, 5n)].join('\n') + '\n');
  let preview: ImportPreview | null = null;
  const r = await importDataset(db, { paths: [file] }, { review: async (p) => ((preview = p), true) });
  const d = r.dataset!;
  assert.equal(d.conflicts, 1);
  assert.deepEqual(d.added.transactions, 2);
  assert.deepEqual(brief(db), [{ kind: 'tx', of: H, field: 'value', stored: String(ETH), storedDataset: d.id, other: String(2n * ETH), otherDataset: d.id }]);
  const [c] = listConflicts(db, { offset: 0, limit: 10 }).items;
  assert.equal(c!.source, `${file}, line 3`);
  assert.deepEqual(c!.unit, { symbol: 'ETH', decimals: 18 });
  // The first row is the fact: its value is the tx's and the only value the edge counts.
  assert.deepEqual(getTx(db, 1, H)!.transfers.map((t) => t.value), [ETH]);
  assert.equal(addressTotals(db, findAddressId(db, 1, Y)!).totals.find((t) => t.asset.contract === null)?.received, ETH);
  // The investigator sees it at review, before anything is committed.
  assert.ok(preview!.notes.some((n) => /^1 fact disagrees with earlier sources .*cairn conflicts --dataset 1$/.test(n)), preview!.notes.join('\n'));
  db.close();
});

test("a later import that changes a stored tx's value and recipient records both, naming both datasets, and adds no address", async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const first = await importDataset(db, { paths: [folder(dir, 'a', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Y, ETH)}\n` })] });
  const before = factCounts(db);
  const second = await importDataset(db, { paths: [folder(dir, 'b', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Z, 3n * ETH)}\n` })] });
  const [a, b] = [first.dataset!.id, second.dataset!.id];
  assert.notEqual(a, b);
  assert.deepEqual(brief(db), [
    { kind: 'tx', of: H, field: 'to', stored: Y, storedDataset: a, other: Z, otherDataset: b },
    { kind: 'tx', of: H, field: 'value', stored: String(ETH), storedDataset: a, other: String(3n * ETH), otherDataset: b },
  ]);
  // The new recipient was taken back with the row: no address without a transfer.
  assert.equal(findAddressId(db, 1, Z), null);
  assert.deepEqual(second.dataset!.added, { blocks: 0, transactions: 0, transfers: 0, tokens: 0, receipts: 0, addresses: 0 });
  assert.deepEqual(factCounts(db), { ...before, dataset: before.dataset + 1 });
  // The first source stays the fact.
  const tx = getTx(db, 1, H)!;
  assert.deepEqual([tx.to, tx.transfers.map((t) => t.value)], [Y, [ETH]]);
  // The dataset list counts facts, not fields; a dataset filter finds both sides.
  assert.deepEqual(listDatasets(db).map((d) => d.conflicts), [0, 1]);
  assert.equal(brief(db, { datasetId: a }).length, 2);
  assert.equal(brief(db, { datasetId: b }).length, 2);
  assert.deepEqual(txConflicts(db, 1, H).map((c) => [c.field, c.stored, c.other]), [['to', Y, Z], ['value', String(ETH), String(3n * ETH)]]);
  db.close();
});

test('re-importing a conflicting file adds nothing: no dataset, no conflict, no address', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const inFile = writeFile(dir, 'both.csv', `${TX_HEADER}\n${txLine(H2, X, Y, 1n)}\n${txLine(H2, X, W, 2n)}\n`);
  await importDataset(db, { paths: [inFile] });
  await importDataset(db, { paths: [folder(dir, 'a', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Y, ETH)}\n` })] });
  const later = folder(dir, 'b', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Z, 3n * ETH)}\n` });
  const second = await importDataset(db, { paths: [later] });
  const conflicts = brief(db);
  assert.equal(conflicts.length, 4);
  const counts = factCounts(db);

  const again = await importDataset(db, { paths: [later] });
  assert.deepEqual([again.dataset, again.alreadyImportedAs], [null, second.dataset!.id]);
  const inFileAgain = await importDataset(db, { paths: [inFile] });
  assert.deepEqual([inFileAgain.dataset, inFileAgain.alreadyImportedAs], [null, 1]);
  assert.deepEqual(brief(db), conflicts);
  assert.deepEqual(factCounts(db), counts);
  assert.equal(findAddressId(db, 1, Z), null);
  assert.equal(findAddressId(db, 1, W), null);
  db.close();
});

test('a stub completed by its transactions file, and a status its receipt gives, fill in what was unknown: no conflict', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  // The token transfer comes first: its tx is a stub (hash and block only) until the transactions file.
  await importDataset(db, { paths: [folder(dir, 'transfers', { 'token_transfers.csv': `${TRANSFERS_HEADER}\n${TOKEN},${X},${Y},5,${H},0,100\n` })] });
  assert.equal(db.prepare('SELECT stub FROM tx WHERE hash = ?').pluck().get(H), 1);
  const completed = await importDataset(db, { paths: [folder(dir, 'txs', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, TOKEN, 0n)}\n` })] });
  assert.equal(completed.dataset!.added.transactions, 1);
  assert.equal(db.prepare('SELECT stub FROM tx WHERE hash = ?').pluck().get(H), 0);
  const settled = await importDataset(db, { paths: [folder(dir, 'receipts', { 'receipts.csv': `${RECEIPTS_HEADER}\n${receiptLine(H, 1)}\n` })] });
  assert.equal(settled.dataset!.added.receipts, 1);
  const tx = getTx(db, 1, H)!;
  assert.deepEqual([tx.from, tx.to, tx.status], [X, TOKEN, 'success']);
  assert.deepEqual(brief(db), []);
  assert.deepEqual(listDatasets(db).map((d) => d.conflicts), [0, 0, 0]);
  db.close();
});

test('a block, a token transfer, an internal transfer and a receipt that disagree with the store are conflicts too', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const a = await importDataset(db, {
    paths: [
      folder(dir, 'a', {
        'blocks.csv': `${BLOCKS_HEADER}\n${blockLine(BLOCK_A)}\n`,
        'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Y, 0n)}\n`,
        'receipts.csv': `${RECEIPTS_HEADER}\n${receiptLine(H, 1)}\n`,
        'token_transfers.csv': `${TRANSFERS_HEADER}\n${TOKEN},${X},${Y},5,${H},0,100\n`,
        'traces.csv': `${TRACES_HEADER}\n${traceLine(7n, 1)}\n`,
      }),
    ],
  });
  const before = factCounts(db);
  const b = await importDataset(db, {
    paths: [
      folder(dir, 'b', {
        'blocks.csv': `${BLOCKS_HEADER}\n${blockLine(BLOCK_B)}\n`,
        'receipts.csv': `${RECEIPTS_HEADER}\n${receiptLine(H, 0)}\n`,
        'token_transfers.csv': `${TRANSFERS_HEADER}\n${TOKEN},${X},${W},6,${H},0,100\n`,
        'traces.csv': `${TRACES_HEADER}\n${traceLine(8n, 0)}\n`,
      }),
    ],
  });
  const [da, db2] = [a.dataset!.id, b.dataset!.id];
  const side = { storedDataset: da, otherDataset: db2 };
  assert.deepEqual(brief(db), [
    { kind: 'block', of: 100, field: 'hash', stored: BLOCK_A, other: BLOCK_B, ...side },
    { kind: 'tx', of: H, field: 'status', stored: 'success', other: 'failed', ...side },
    { kind: 'transfer', of: `${H} token 0`, field: 'to', stored: Y, other: W, ...side },
    { kind: 'transfer', of: `${H} token 0`, field: 'value', stored: '5', other: '6', ...side },
    { kind: 'transfer', of: `${H} internal 0`, field: 'value', stored: '7', other: '8', ...side },
    { kind: 'transfer', of: `${H} internal 0`, field: 'status', stored: 'success', other: 'failed', ...side },
  ]);
  assert.equal(b.dataset!.conflicts, 4);
  assert.equal(findAddressId(db, 1, W), null);
  assert.deepEqual(factCounts(db), { ...before, dataset: before.dataset + 1 });
  // The tx's details list what concerns it and its transfers (not the block), token amounts in the token's base units.
  const own = txConflicts(db, 1, H);
  assert.deepEqual(own.map((c) => [c.transfer?.kind ?? 'tx', c.field]), [['tx', 'status'], ['token', 'to'], ['token', 'value'], ['internal', 'value'], ['internal', 'status']]);
  assert.deepEqual(own[2]!.unit, { symbol: null, decimals: null });
  assert.equal(getTx(db, 1, H)!.status, 'success');
  db.close();
});

test("an Etherscan export that gives a stored tx another value is a conflict with the ethereum-etl dataset", async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const etl = await importDataset(db, { paths: [writeFile(dir, 'transactions.csv', `${TX_HEADER}\n${txLine(H, X, Y, 25n * ETH, 1705173443)}\n`)] });
  const q = (...fields: string[]): string => fields.map((f) => `"${f}"`).join(',');
  const header = q('Transaction Hash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'From', 'To', 'ContractAddress', 'Value_IN(ETH)', 'Value_OUT(ETH)', 'CurrentValue @ $3412.55/Eth', 'TxnFee(ETH)', 'TxnFee(USD)', 'Historical $Price/Eth', 'Status', 'ErrCode', 'Method');
  const row = q(H, '100', '1705173443', '2024-01-13 19:17:23', X, Y, '', '26', '0', '1', '0.000441', '1.12', '2543.01', '', '', 'Transfer');
  const ex = await importEtherscan(db, { paths: [writeFile(dir, 'normal.csv', `${header}\n${row}\n`)], address: Y });
  assert.deepEqual(brief(db), [
    { kind: 'tx', of: H, field: 'value', stored: String(25n * ETH), storedDataset: etl.dataset!.id, other: String(26n * ETH), otherDataset: ex.dataset!.id },
  ]);
  db.close();
});

test('cairn import says facts disagree; cairn conflicts --json and cairn tx (tx.get) list them', () => {
  const ws = tempDir();
  const dir = tempDir();
  json(ws, 'import', folder(dir, 'a', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Y, ETH)}\n` }));
  const later = folder(dir, 'b', { 'transactions.csv': `${TX_HEADER}\n${txLine(H, X, Z, 3n * ETH)}\n` });
  const imported = cairn(ws, 'import', later);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /1 fact disagrees with earlier sources \(the first source's values were kept\): see cairn conflicts --dataset 2/);

  const page = json(ws, 'conflicts') as { total: number; items: { chain: string; kind: string; txHash: string; field: string; stored: string; storedDataset: number; other: string; otherDataset: number; source: string }[] };
  assert.equal(page.total, 2);
  assert.deepEqual(
    page.items.map(({ chain, kind, txHash, field, stored, storedDataset, other, otherDataset }) => ({ chain, kind, txHash, field, stored, storedDataset, other, otherDataset })),
    [
      { chain: 'eip155:1', kind: 'tx', txHash: H, field: 'to', stored: Y, storedDataset: 1, other: Z, otherDataset: 2 },
      { chain: 'eip155:1', kind: 'tx', txHash: H, field: 'value', stored: String(ETH), storedDataset: 1, other: String(3n * ETH), otherDataset: 2 },
    ],
  );
  assert.equal(page.items[1]!.source, `${join(later, 'transactions.csv')}, line 2`);
  assert.equal((json(ws, 'conflicts', '--dataset', '1') as { total: number }).total, 2);
  assert.equal((json(ws, 'conflicts', '--chain', 'tron') as { total: number }).total, 0);
  assert.deepEqual((json(ws, 'stats') as { datasets: { conflicts: number }[] }).datasets.map((d) => d.conflicts), [0, 1]);
  const text = cairn(ws, 'conflicts');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^2 conflicts; the store keeps the first source's value/);
  assert.match(text.out, /Ethereum: tx 0xa1a1\S+: value 1 ETH \(dataset 1, kept\); 3 ETH in dataset 2 \(.*transactions\.csv, line 2\)/);

  const tx = json(ws, 'tx', 'eth', H) as { to: string; conflicts: { transfer: unknown; field: string; stored: string; storedDataset: number; other: string; otherDataset: number }[] };
  assert.equal(tx.to, Y);
  assert.deepEqual(
    tx.conflicts.map(({ transfer, field, stored, storedDataset, other, otherDataset }) => ({ transfer, field, stored, storedDataset, other, otherDataset })),
    [
      { transfer: null, field: 'to', stored: Y, storedDataset: 1, other: Z, otherDataset: 2 },
      { transfer: null, field: 'value', stored: String(ETH), storedDataset: 1, other: String(3n * ETH), otherDataset: 2 },
    ],
  );
  assert.match(cairn(ws, 'tx', 'eth', H).out, /conflict: to 0x2{40} \(dataset 1, kept\); 0x3{40} in dataset 2/);
  const missing = cairn(ws, 'conflicts', '--dataset', '9');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no dataset 9/);
});

test("migration 90 adds the conflict table to a store with datasets (none of which then disagrees), and its lookups use their indexes", () => {
  const db = openStore(':memory:', { migrateTo: 81 });
  db.exec(`INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1');
           INSERT INTO dataset (id, format, parser_version, chain_id, fingerprint, started_at, finished_at, row_counts, added)
             VALUES (1, 'ethereum-etl-csv', 'ethereum-etl-csv/1', 1, 'f', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', '{}', '{}')`);
  // Before the migration the dataset list still works (a store part way through its migrations).
  assert.deepEqual(listDatasets(db).map((d) => [d.id, d.conflicts]), [[1, 0]]);
  migrate(db, ':memory:', storeMigrations);
  assert.ok((db.pragma('user_version', { simple: true }) as number) >= 90);
  assert.deepEqual(listDatasets(db).map((d) => [d.id, d.conflicts]), [[1, 0]]);
  assert.deepEqual(listConflicts(db, { offset: 0, limit: 10 }), { total: 0, offset: 0, items: [] });
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan("SELECT * FROM conflict WHERE chain_id = 1 AND tx_hash = 'x'"), /INDEX conflict_tx \(chain_id=\? AND tx_hash=\?\)/);
  assert.match(plan('SELECT * FROM conflict WHERE other_dataset_id = 1'), /INDEX conflict_other_dataset/);
  db.close();
});
