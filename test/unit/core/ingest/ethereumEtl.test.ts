import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ImportCancelledError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { chainCounts, getTx } from '../../../../electron/core/store/txQueries';
import { ETL, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, TX_HEADER, addr, expectRefused, factCounts, tempDir, txRow, writeFile } from '../../helpers';

const TOKEN = '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd';

function idOf(db: Db, a: string): number {
  const id = findAddressId(db, 1, a);
  assert.ok(id !== null, `${a} should be in the store`);
  return id;
}

test('the ethereum-etl fixture folder imports with exact values and provenance', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [ETL] });
  const d = r.dataset!;
  assert.equal(d.chain, 'eip155:1');
  assert.equal(d.format, 'ethereum-etl-csv');
  assert.deepEqual(d.rowCounts, { blocks: 1, transactions: 4, receipts: 4, token_transfers: 2, traces: 4 });
  // The receipts are pre-Byzantium (a state root, no status): they leave the outcome unknown.
  // The traces (block 1,000,000) move no value between addresses beyond the txs' own: two
  // top-level calls, a callcode to itself and a block reward.
  assert.deepEqual(d.added, { blocks: 1, transactions: 4, transfers: 4, tokens: 0, receipts: 0, addresses: 9 });
  assert.deepEqual(
    d.sources.map((s) => [s.kind, s.size, s.sha256]),
    [
      ['blocks', 1346, 'ad6da227825b45684d15dfda1c85418a726b702393156fe94a6bd254fb6102f7'],
      ['transactions', 1567, '880806c005151786c1e7ac6e90c9a4e44e05b494a5b4e03b76397ced5f7e591c'],
      ['receipts', 1146, 'bb2f346530dfaa7d3bfd083743db3f4403e51dd8a31d1d6a6418ef84f2ee9984'],
      ['token_transfers', 508, '1811a3f75cd4f59943b817e84806cceac008fa8b10d12e4c0b41ebf82a261fa5'],
      ['traces', 1240, 'decf8e36a2316a80d751d142cc13d57db628841bd933905887826a657d5ea599'],
    ],
  );
  assert.ok(d.finishedAt && d.finishedAt >= d.startedAt);
  assert.ok(
    r.warnings.some((w) => w.includes("2 top-level calls (the transaction's own value), 1 callcode calls, 1 block and uncle rewards")),
    r.warnings.join('\n'),
  );
  // logs are recognised but not imported, and said so; the saved RPC response is not an export
  assert.deepEqual(
    r.skipped.map((s) => [s.path.split('/').pop(), s.reason]),
    [
      ['test_export_blocks_job_block_with_logs_web3_response.eth_getBlockByNumber_0x76250_true.json', 'not an ethereum-etl export (header not recognised)'],
      ['test_export_receipts_job_receipts_with_logs_expected_logs.csv', 'ethereum-etl logs files are not imported by this version of Cairn'],
    ],
  );

  assert.deepEqual(chainCounts(db), [{ chain: 'eip155:1', blocks: 1, transactions: 4, transfers: 4, addresses: 9 }]);

  const plain = getTx(db, 1, '0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c')!;
  assert.equal(plain.block, 483920);
  assert.equal(plain.time, 1446561880);
  assert.equal(plain.status, 'unknown');
  assert.deepEqual(
    plain.transfers.map((t) => [t.from, t.to, t.asset, t.value]),
    [['0x9df428a91ff0f3635c8f0ce752933b9788926804', '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2', 'native', 11000440000000000n]],
  );

  // A token call: no native value moves, the Transfer log moves 100000 token units.
  const tokenTx = getTx(db, 1, '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8')!;
  assert.deepEqual(
    tokenTx.transfers.map((t) => [t.from, t.to, t.asset, t.value, t.kind]),
    [['0x1b63142628311395ceafeea5667e7c9026c862ca', '0xac4df82fe37ea2187bc8c011a23d743b4f39019a', TOKEN, 100000n, 'token']],
  );

  const sender = addressTotals(db, idOf(db, '0x2a65aca4d5fc5b5c859090a6c34d164135398226'));
  assert.equal(sender.totals.length, 1);
  assert.equal(sender.totals[0].sent, 1530219620000000000n);
  assert.equal(sender.totals[0].received, 0n);
  assert.equal(sender.firstSeen, 1446561880);
  db.close();
});

test('re-importing the same files adds nothing; an overlapping file adds only its new rows', async () => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.sqlite'));
  await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS] });
  const before = factCounts(db);
  const again = await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS] });
  assert.equal(again.dataset, null);
  assert.equal(again.alreadyImportedAs, 1);
  assert.deepEqual(factCounts(db), before);

  // The same tx rows plus one new one, in another file: one tx and one transfer are new.
  const more = writeFile(dir, 'more.csv', [TX_HEADER, ...readRows(ETL_TXS), txRow(addr(1), addr(2), '5')].join('\n') + '\n');
  const r = await importDataset(db, { paths: [more] });
  assert.equal(r.dataset!.added.transactions, 1);
  assert.equal(r.dataset!.added.transfers, 1);
  assert.equal(factCounts(db).transfer, before.transfer + 1);
  db.close();
});

function readRows(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1);
}

test('a value above 2^64 survives import, aggregation and queries unchanged', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const big = (2n ** 70n + 3n).toString();
  const huge = (2n ** 255n + 12345n).toString();
  const file = writeFile(dir, 'txs.csv', [TX_HEADER, txRow(addr(1), addr(2), big), txRow(addr(1), addr(2), huge), txRow(addr(1), addr(2), '1')].join('\n'));
  await importDataset(db, { paths: [file] });
  const totals = addressTotals(db, idOf(db, addr(2)));
  assert.equal(totals.totals[0].received, 2n ** 70n + 3n + 2n ** 255n + 12345n + 1n);
  assert.equal(totals.totals[0].receivedCount, 3);
  const amounts = db.prepare('SELECT amount FROM transfer ORDER BY id').pluck().safeIntegers(true).all();
  assert.deepEqual(amounts, [big, huge, 1n]);
  db.close();
});

test('tokens.csv gives decimals and symbols, also to tokens first seen in earlier imports', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  await importDataset(db, { paths: [ETL_TOKEN_TRANSFERS] });
  const asset = () => db.prepare('SELECT symbol, decimals FROM asset WHERE contract = ?').get(TOKEN);
  assert.deepEqual(asset(), { symbol: null, decimals: null });
  // A tokens file written for this test: the fixture set has none.
  const tokens = writeFile(dir, 'tokens.csv', `address,symbol,name,decimals,total_supply,block_number\n${TOKEN},TST,Test Token,2,1000000,483000\n`);
  const r = await importDataset(db, { paths: [tokens] });
  assert.equal(r.dataset!.added.tokens, 1);
  assert.deepEqual(asset(), { symbol: 'TST', decimals: 2 });
  db.close();
});

test('token transfers imported before their transactions and blocks get completed later', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [ETL_TOKEN_TRANSFERS] });
  const tx = () => getTx(db, 1, '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8')!;
  assert.equal(tx().time, null);
  assert.equal(tx().from, null);
  const edgeTime = () => db.prepare('SELECT first_time, last_time FROM edge WHERE asset_id = (SELECT id FROM asset WHERE contract = ?) ORDER BY from_id LIMIT 1').get(TOKEN);
  assert.deepEqual(edgeTime(), { first_time: null, last_time: null });
  await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS] });
  assert.equal(tx().time, 1446561880);
  assert.equal(tx().from, '0x1b63142628311395ceafeea5667e7c9026c862ca');
  assert.deepEqual(edgeTime(), { first_time: 1446561880, last_time: 1446561880 });
  // the token transfer was not counted twice
  assert.equal(db.prepare('SELECT count(*) FROM transfer').pluck().get(), 4);
  db.close();
});

const expectBadInput = (db: Db, paths: string[], pattern: RegExp): Promise<void> => expectRefused(db, importDataset(db, { paths }), pattern);

test('bad input names the file, the line and the problem, and commits nothing', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const good = txRow(addr(1), addr(2), '7');
  const badValue = writeFile(dir, 'bad-value.csv', [TX_HEADER, good, txRow(addr(1), addr(2), '1.5e18')].join('\n'));
  await expectBadInput(db, [badValue], /bad-value\.csv, line 3: column "value": expected a non-negative integer in base units, found "1\.5e18"/);

  const badAddress = writeFile(dir, 'bad-address.csv', [TX_HEADER, good, good.replace(addr(1), '0x12345')].join('\n'));
  await expectBadInput(db, [badAddress], /bad-address\.csv, line 3: column "from_address": not an EVM address/);

  const missing = writeFile(dir, 'missing.csv', 'hash,nonce,from_address,to_address,block_number,transaction_index\n');
  await expectBadInput(db, [missing], /missing\.csv, line 1: missing column "value"/);

  const ragged = writeFile(dir, 'ragged.csv', [TX_HEADER, good, good + ',extra'].join('\n'));
  await expectBadInput(db, [ragged], /ragged\.csv, line 3: not valid CSV/);

  const unknown = writeFile(dir, 'people.csv', 'name,age\nada,36\n');
  await expectBadInput(db, [unknown], /people\.csv, line 1: the header matches no ethereum-etl export/);

  await expectBadInput(db, [join(dir, 'nope.csv')], /nope\.csv: no such file or folder/);

  // A good file followed by a bad one: the good file's rows are not committed either.
  const goodFile = writeFile(dir, 'good.csv', [TX_HEADER, txRow(addr(3), addr(4), '9')].join('\n'));
  const sub = join(dir, 'export');
  mkdirSync(sub);
  copyFileSync(goodFile, join(sub, 'a.csv'));
  copyFileSync(badValue, join(sub, 'b.csv'));
  await expectBadInput(db, [sub], /b\.csv, line 3/);
  db.close();
});

test('an import cancelled part way commits nothing', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const rows = Array.from({ length: 5000 }, (_, i) => txRow(addr(i + 10), addr(i + 20000), String(i + 1)));
  const file = writeFile(dir, 'many.csv', [TX_HEADER, ...rows].join('\n'));
  const controller = new AbortController();
  await assert.rejects(
    importDataset(db, { paths: [file] }, { signal: controller.signal, onProgress: (p) => p.rows > 0 && controller.abort() }),
    ImportCancelledError,
  );
  assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 0);
  const r = await importDataset(db, { paths: [file] });
  assert.equal(r.dataset!.added.transactions, 5000);
  db.close();
});

test('the import refuses UTXO chains for ethereum-etl files', async () => {
  const db = openStore(':memory:');
  await assert.rejects(importDataset(db, { paths: [ETL_TXS], chain: 'btc' }), /ethereum-etl exports are for account chains \(EVM, Tron\); Bitcoin/);
  const r = await importDataset(db, { paths: [ETL_TXS], chain: 'bsc' });
  assert.equal(r.dataset!.chain, 'eip155:56');
  assert.equal(db.prepare("SELECT symbol FROM asset WHERE contract = ''").pluck().get(), 'BNB');
  db.close();
});
