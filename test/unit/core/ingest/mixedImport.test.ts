import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImportPreview } from '../../../../shared/api/schemas';
import { resolveChain } from '../../../../shared/model/chains';
import { BadInputError, ImportCancelledError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { listDatasets } from '../../../../electron/core/store/datasets';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { BLK_FIXTURE, ETL, TX_HEADER, addr, factCounts, tempDir, txRow, writeFile } from '../../helpers';

const BTC = resolveChain('btc').id;
const ETH = resolveChain('eth').id;
const count = (db: Db, sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as number;
const txsOn = (db: Db, chain: string) => count(db, 'SELECT count(*) FROM tx t JOIN chain c ON c.id = t.chain_id WHERE c.caip2 = ?', chain);

/** An Etherscan normal-transactions export of one address: two payments into it. */
function etherscanExport(dir: string): string {
  const q = (...f: string[]) => f.map((x) => `"${x}"`).join(',');
  const header = q('Transaction Hash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'From', 'To', 'ContractAddress', 'Value_IN(ETH)', 'Value_OUT(ETH)', 'CurrentValue @ $3412.55/Eth', 'TxnFee(ETH)', 'TxnFee(USD)', 'Historical $Price/Eth', 'Status', 'ErrCode', 'Method');
  const to = '0xd40cca85f0f54f30445a3577e18a0a5abcca95bf';
  const rows = [
    q('0x' + 'a1'.repeat(32), '19000000', '1705173443', '2024-01-13 19:17:23', addr(7), to, '', '2.5', '0', '0', '0.0004', '1', '2543.01', '', '', 'Transfer'),
    q('0x' + 'a2'.repeat(32), '19000001', '1705173455', '2024-01-13 19:17:35', addr(8), to, '', '0.000000000000000001', '0', '0', '0.0004', '1', '2543.01', '', '', 'Transfer'),
  ];
  return writeFile(dir, `export-${to}.csv`, [header, ...rows].join('\n') + '\n');
}

/** A copy of blocks 1-255 whose last transaction no longer matches its block's merkle root. */
function corruptBlk(dir: string): string {
  const path = join(dir, 'blk00000.dat');
  const bytes = readFileSync(BLK_FIXTURE);
  bytes[bytes.length - 1] ^= 0x01;
  writeFileSync(path, bytes);
  return path;
}

test('Bitcoin blocks and an ethereum-etl folder in one import: two datasets, each with its own chain', async () => {
  const db = openStore(':memory:');
  const result = await importDataset(db, { paths: [BLK_FIXTURE, ETL] });
  assert.equal(result.parts?.length, 2);
  const [btc, eth] = result.parts!;
  assert.deepEqual([btc!.format, btc!.chain, btc!.dataset?.chain], ['bitcoin-blocks', BTC, BTC]);
  assert.deepEqual([eth!.format, eth!.chain, eth!.dataset?.chain], ['ethereum-etl-csv', ETH, ETH]);
  assert.equal(btc!.dataset!.rowCounts.blocks, 255);
  assert.equal(btc!.dataset!.added.transactions, 262);
  assert.equal(eth!.dataset!.added.transfers, 4);
  // The result's own fields: the first new dataset, and every part's notes.
  assert.equal(result.dataset?.id, btc!.dataset!.id);
  assert.ok(result.skipped.some((s) => /logs files are not imported/.test(s.reason)), 'the ethereum-etl part\'s skipped files are reported');
  assert.deepEqual(
    listDatasets(db).map((d) => [d.format, d.chain]),
    [['bitcoin-blocks', BTC], ['ethereum-etl-csv', ETH]],
  );
  assert.deepEqual([txsOn(db, BTC), txsOn(db, ETH)], [262, 4]);

  // The same files again: each part names the dataset that has it, and nothing is added.
  const before = factCounts(db);
  const again = await importDataset(db, { paths: [ETL, BLK_FIXTURE] });
  assert.equal(again.dataset, null);
  assert.deepEqual(again.parts!.map((p) => [p.format, p.chain, p.alreadyImportedAs]), [['ethereum-etl-csv', ETH, 2], ['bitcoin-blocks', BTC, 1]]);
  assert.deepEqual(factCounts(db), before);
  db.close();
});

test('an ethereum-etl folder and an Etherscan export in one import: two Ethereum datasets', async () => {
  const db = openStore(':memory:');
  const explorer = etherscanExport(tempDir());
  const result = await importDataset(db, { paths: [ETL, explorer], chain: 'eth' });
  assert.deepEqual(result.parts!.map((p) => [p.format, p.chain]), [['ethereum-etl-csv', ETH], ['etherscan-csv', ETH]]);
  assert.deepEqual(listDatasets(db).map((d) => [d.format, d.chain, d.partialOf]), [
    ['ethereum-etl-csv', ETH, null],
    ['etherscan-csv', ETH, '0xd40cca85f0f54f30445a3577e18a0a5abcca95bf'],
  ]);
  assert.equal(txsOn(db, ETH), 6);
  db.close();
});

test('review shows every part before one commit; nothing is visible until then, and discarding keeps no part', async () => {
  const dir = tempDir();
  const storePath = join(dir, 'store.sqlite');
  const db = openStore(storePath);
  const reader = openStore(storePath);
  const seen: ImportPreview[] = [];
  const reviewed = (answer: boolean) => async (preview: ImportPreview) => {
    seen.push(preview);
    // The other connection (the app's reader) sees no part while the import waits.
    assert.equal(count(reader, 'SELECT count(*) FROM dataset'), 0);
    assert.equal(count(reader, 'SELECT count(*) FROM tx'), 0);
    return answer;
  };
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, ETL] }, { review: reviewed(false) }), (e: unknown) => {
    assert.ok(e instanceof ImportCancelledError);
    assert.match(e.message, /discarded at review; nothing was committed/);
    return true;
  });
  assert.deepEqual(factCounts(db).dataset, 0);
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 0);

  const result = await importDataset(db, { paths: [BLK_FIXTURE, ETL] }, { review: reviewed(true) });
  assert.equal(seen.length, 2, 'one review per import, covering both parts');
  const p = seen[1]!;
  assert.deepEqual(p.parts!.map((x) => [x.format, x.chain, x.sources.map((s) => s.kind).sort().join(' ')]), [
    ['bitcoin-blocks', BTC, 'blk'],
    ['ethereum-etl-csv', ETH, 'blocks receipts token_transfers traces transactions'],
  ]);
  assert.deepEqual(p.parts!.map((x) => x.added.transactions), [262, 4]);
  // The totals are the parts' sums; the time range spans both chains (2009 to 2015).
  assert.equal(p.added.transactions, 266);
  assert.equal(p.format, 'bitcoin-blocks + ethereum-etl-csv');
  assert.equal(p.firstTime, p.parts![0]!.firstTime);
  assert.equal(p.lastTime, p.parts![1]!.lastTime);
  assert.equal(result.parts!.filter((x) => x.dataset).length, 2);
  assert.equal(count(reader, 'SELECT count(*) FROM dataset'), 2);
  reader.close();
  db.close();
});

test('a part that was imported before is shown at review as such; the new part is committed', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [ETL] });
  let preview: ImportPreview | null = null;
  const result = await importDataset(db, { paths: [ETL, BLK_FIXTURE] }, { review: async (p) => ((preview = p), true) });
  assert.deepEqual(preview!.parts!.map((x) => [x.format, x.alreadyImportedAs ?? null]), [['ethereum-etl-csv', 1], ['bitcoin-blocks', null]]);
  assert.deepEqual(result.parts!.map((x) => [x.alreadyImportedAs, x.dataset?.id ?? null]), [[1, null], [null, 2]]);
  assert.deepEqual(listDatasets(db).map((d) => d.format), ['ethereum-etl-csv', 'bitcoin-blocks']);
  db.close();
});

test('bad input in the second part, after the first was read, commits neither part', async () => {
  const db = openStore(':memory:');
  const bad = corruptBlk(tempDir());
  const before = factCounts(db);
  await assert.rejects(importDataset(db, { paths: [ETL, bad] }), (e: unknown) => {
    assert.ok(e instanceof BadInputError, String(e));
    assert.match(e.message, /blk00000\.dat/);
    assert.match(e.message, /merkle/);
    return true;
  });
  assert.deepEqual(factCounts(db), before);
  assert.equal(db.inTransaction, false);

  // And the other way round: a bad ethereum-etl row after the Bitcoin part.
  const dir = tempDir();
  mkdirSync(join(dir, 'etl'));
  writeFile(join(dir, 'etl'), 'transactions.csv', [TX_HEADER, txRow(addr(1), addr(2), '1.5e18')].join('\n'));
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, join(dir, 'etl')] }), /transactions\.csv, line 2: column "value"/);
  assert.deepEqual(factCounts(db), before);
  // Nothing is left half-done: the same import without the bad part goes through.
  await importDataset(db, { paths: [BLK_FIXTURE, ETL] });
  assert.equal(listDatasets(db).length, 2);
  db.close();
});

test('cancelling during the second part commits neither part', async () => {
  const db = openStore(':memory:');
  const controller = new AbortController();
  const phases: string[] = [];
  const importing = importDataset(
    db,
    { paths: [ETL, BLK_FIXTURE] },
    {
      signal: controller.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase.startsWith('part 2 of 2')) controller.abort();
      },
    },
  );
  await assert.rejects(importing, ImportCancelledError);
  assert.ok(phases.some((p) => p.startsWith('part 1 of 2')), 'the first part ran');
  assert.deepEqual(factCounts(db).dataset, 0);
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 0);
  db.close();
});

test('a mixed import that cannot go through is refused before any file is read, saying why', async () => {
  const db = openStore(':memory:');
  const before = factCounts(db);
  let progressed = false;
  const onProgress = () => void (progressed = true);
  // A Bitcoin network chosen for account-chain files.
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, ETL], chain: 'btc' }, { onProgress }), (e: unknown) => {
    assert.ok(e instanceof BadInputError);
    assert.match(e.message, /mixes Bitcoin blocks with ethereum-etl export .*the chosen chain, Bitcoin, is a Bitcoin network.*need an account chain/);
    return true;
  });
  // An Etherscan export with Tron chosen: explorer exports are of EVM chains.
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, etherscanExport(tempDir())], chain: 'tron' }, { onProgress }), /Etherscan-family exports are of EVM chains; Tron/);
  // A path that is not there, after one that is.
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, join(tempDir(), 'missing')] }, { onProgress }), /missing: no such file or folder/);
  // A named file of the second part that is no export at all.
  const notes = writeFile(tempDir(), 'notes.csv', 'who,what\nme,this\n');
  await assert.rejects(importDataset(db, { paths: [BLK_FIXTURE, notes] }, { onProgress }), /notes\.csv, line 1: the header matches no ethereum-etl export/);
  assert.equal(progressed, false, 'no part started reading');
  assert.deepEqual(factCounts(db), before);
  db.close();
});

test('Bitcoin block files inside an export folder are reported, not passed over', async () => {
  const db = openStore(':memory:');
  const dir = tempDir();
  const folder = join(dir, 'exports');
  mkdirSync(folder);
  for (const name of ['test_export_blocks_job_block_with_logs_expected_transactions.csv']) copyFileSync(join(ETL, name), join(folder, name));
  mkdirSync(join(folder, 'node'));
  copyFileSync(BLK_FIXTURE, join(folder, 'node', 'blk00000.dat'));
  const result = await importDataset(db, { paths: [folder] });
  assert.ok(result.skipped.some((s) => s.path.endsWith('blk00000.dat') && /Bitcoin block file/.test(s.reason)), JSON.stringify(result.skipped));
  db.close();
});
