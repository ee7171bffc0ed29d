import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { getTx } from '../../../../electron/core/store/txQueries';
import { ETL, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, TX_HEADER as TX_HEADER_ETL, tempDir, writeFile } from '../../helpers';

const RECEIPTS = join(ETL, 'test_export_receipts_job_receipts_with_logs_expected_receipts.csv');
const TRACES = join(ETL, 'test_export_traces_job_block_with_subtraces_expected_traces.csv');
// Block 483920: 0.01100044 ETH from 0x9df4… and 1.53021962 ETH from 0x2a65… (see the fixture).
const PLAIN = '0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c';
const OTHER = '0x05287a561f218418892ab053adfb3d919860988b19458c570c5c30f51c146f02';
const SENDER = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIPT_HEADER = 'transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,effective_gas_price';
const BLOCK_HASH = '0x246edb4b351d93c27926f4649bcf6c24366e2a7c7c718dc9158eea20c03bc6ae';
const receipt = (hash: string, index: number, status: string) => `${hash},${index},${BLOCK_HASH},483920,21000,21000,,,${status},50000000000`;

const id = (db: Db, a: string): number => findAddressId(db, 1, a)!;
const sent = (db: Db, a: string): bigint => addressTotals(db, id(db, a)).totals.find((t) => t.asset.symbol === 'ETH')?.sent ?? 0n;

test('a receipt arriving in a later import marks the tx failed: it moves nothing, and the edge it was summed into is corrected', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS] });
  assert.equal(sent(db, SENDER), 11000440000000000n);
  const dir = tempDir();
  const r = await importDataset(db, { paths: [writeFile(dir, 'receipts.csv', [RECEIPT_HEADER, receipt(PLAIN, 2, '0'), receipt(OTHER, 3, '1')].join('\n') + '\n')] });
  assert.equal(r.dataset!.added.receipts, 2);
  const tx = getTx(db, 1, PLAIN)!;
  assert.equal(tx.status, 'failed');
  assert.equal(tx.transfers[0]!.status, 'failed');
  // No edge from the sender any more: the only transfer failed.
  assert.equal(sent(db, SENDER), 0n);
  assert.equal(db.prepare('SELECT count(*) FROM edge WHERE from_id = ?').pluck().get(id(db, SENDER)), 0);
  assert.equal(getTx(db, 1, OTHER)!.status, 'success');
  assert.equal(sent(db, '0x2a65aca4d5fc5b5c859090a6c34d164135398226'), 1530219620000000000n);
  // Every remaining edge equals the sum of the transfers it stands for.
  const bad = db
    .prepare(
      `SELECT count(*) FROM edge e WHERE e.total <> (SELECT bigsum(amount) FROM transfer t
         WHERE t.from_id = e.from_id AND t.to_id = e.to_id AND t.asset_id = e.asset_id AND (t.status IS NULL OR t.status <> 0))`,
    )
    .pluck()
    .get();
  assert.equal(bad, 0);
  db.close();
});

test('receipts and transactions in one import, in either order on disk: the failed tx never counts', async () => {
  const dir = tempDir();
  const receipts = writeFile(dir, 'a_receipts.csv', [RECEIPT_HEADER, receipt(PLAIN, 2, '0')].join('\n') + '\n');
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [receipts, ETL_TXS] });
  assert.deepEqual(r.dataset!.sources.map((s) => s.kind), ['transactions', 'receipts']);
  assert.equal(getTx(db, 1, PLAIN)!.status, 'failed');
  assert.equal(sent(db, SENDER), 0n);
  // And pre-Byzantium receipts (a state root, no status) leave the outcome unknown: the value counts.
  const db2 = openStore(':memory:');
  await importDataset(db2, { paths: [ETL_TXS, RECEIPTS] });
  assert.equal(getTx(db2, 1, PLAIN)!.status, 'unknown');
  assert.equal(sent(db2, SENDER), 11000440000000000n);
  db.close();
  db2.close();
});

/** The fixture's traces with one nested call given value, and a reverted nested call. */
function tracesWithInternal(dir: string): string {
  const lines = readFileSync(TRACES, 'utf8').trimEnd().split('\n');
  const header = lines[0]!;
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  const row = parse(lines[2]!)[0] as string[]; // the callcode at trace address 0
  const call = [...row];
  call[at('call_type')] = 'call';
  call[at('to_address')] = '0x00000000000000000000000000000000000000aa';
  call[at('value')] = '123456789012345678901234'; // above 2^64
  const reverted = [...call];
  reverted[at('trace_address')] = '1';
  reverted[at('status')] = '0';
  reverted[at('value')] = '5';
  const csv = (r: string[]) => r.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',');
  return writeFile(dir, 'traces.csv', [header, lines[1], csv(call), csv(reverted), lines[3], lines[4]].join('\n') + '\n');
}

test('traces: a nested call with value is an internal transfer; a reverted one moves nothing', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [tracesWithInternal(dir)] });
  assert.equal(r.dataset!.added.transfers, 2);
  const tx = getTx(db, 1, '0xea1093d492a1dcb1bef708f771a99a96ff05dcab81ca76c31940300177fcf49f')!;
  assert.deepEqual(
    tx.transfers.map((t) => [t.kind, t.from, t.to, t.value, t.status]),
    [
      ['internal', '0xc083e9947cf02b8ffc7d3090ae9aea72df98fd47', '0x00000000000000000000000000000000000000aa', 123456789012345678901234n, 'success'],
      ['internal', '0xc083e9947cf02b8ffc7d3090ae9aea72df98fd47', '0x00000000000000000000000000000000000000aa', 5n, 'failed'],
    ],
  );
  assert.equal(addressTotals(db, id(db, '0x00000000000000000000000000000000000000aa')).totals[0]!.received, 123456789012345678901234n);
  db.close();
});

/** The fixture's CSV rows as ethereum-etl stream lines: each a JSON object with its type, integers bare. */
function streamLines(file: string, type: string): string[] {
  const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
  return rows.map((r) => {
    const fields = Object.entries(r).map(([k, v]) => `${JSON.stringify(k)}:${v === '' ? 'null' : /^(0|[1-9][0-9]*)$/.test(v) ? v : JSON.stringify(v)}`);
    return `{"type":${JSON.stringify(type)},${fields.join(',')}}`;
  });
}

function dump(db: Db): unknown {
  return {
    tx: db.prepare('SELECT hash, block_number, tx_index, time, value, status FROM tx ORDER BY hash').raw().safeIntegers(true).all(),
    transfer: db.prepare('SELECT t.kind, t.pos, a.addr, b.addr, t.amount, t.time, t.status FROM transfer t JOIN address a ON a.id = t.from_id JOIN address b ON b.id = t.to_id ORDER BY t.kind, t.pos, t.amount').raw().safeIntegers(true).all(),
    edge: db.prepare('SELECT a.addr, b.addr, e.total, e.cnt FROM edge e JOIN address a ON a.id = e.from_id JOIN address b ON b.id = e.to_id ORDER BY 1, 2').raw().safeIntegers(true).all(),
  };
}

test('the JSON stream form, gzipped, in a partitioned export folder, gives exactly the store of the CSVs', async () => {
  const dir = tempDir();
  const traces = tracesWithInternal(dir);
  const csvDb = openStore(':memory:');
  await importDataset(csvDb, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS, traces] });

  const lines = [
    ...streamLines(ETL_BLOCKS, 'block'),
    ...streamLines(ETL_TXS, 'transaction'),
    ...streamLines(ETL_TOKEN_TRANSFERS, 'token_transfer'),
    ...streamLines(traces, 'trace').map((l) => l.replace(/"trace_address":"([0-9,]*)"/, (_, a: string) => `"trace_address":[${a}]`)),
    '{"type":"log","log_index":0,"transaction_hash":"0x00"}',
  ];
  assert.ok(lines.some((l) => l.includes('"value":123456789012345678901234')), 'a bare JSON integer above 2^64');
  const export_ = join(dir, 'export');
  const part = join(export_, 'start_block=00483900', 'end_block=00483999');
  mkdirSync(part, { recursive: true });
  writeFileSync(join(part, 'stream_00483900_00483999.json.gz'), gzipSync(lines.join('\n') + '\n'));
  const jsonDb = openStore(':memory:');
  const r = await importDataset(jsonDb, { paths: [export_] });
  assert.deepEqual(r.dataset!.rowCounts, { blocks: 1, transactions: 4, token_transfers: 2, traces: 5 });
  assert.ok(r.warnings.some((w) => /1 "log" line\(s\) are not imported/.test(w)), r.warnings.join('\n'));
  assert.equal(r.dataset!.sources[0]!.size, readFileSync(join(part, 'stream_00483900_00483999.json.gz')).length, 'provenance names the gzip file itself');
  assert.deepEqual(dump(jsonDb), dump(csvDb));
  csvDb.close();
  jsonDb.close();
});

test('gzipped CSV imports like plain CSV; a corrupt gzip or a JSON line that is not an object is refused with the file named', async () => {
  const dir = tempDir();
  const gz = join(dir, 'transactions.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(ETL_TXS)));
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [gz] });
  assert.equal(r.dataset!.rowCounts.transactions, 4);
  assert.equal(getTx(db, 1, PLAIN)!.transfers[0]!.value, 11000440000000000n);

  const broken = join(dir, 'broken.csv.gz');
  writeFileSync(broken, Buffer.concat([gzipSync(readFileSync(ETL_TXS)).subarray(0, 40), Buffer.alloc(40, 7)]));
  await assert.rejects(importDataset(db, { paths: [broken] }), (e: unknown) => e instanceof BadInputError && e.message.startsWith(`${broken}`) && /gzip/.test(e.message));

  const stream = join(dir, 'stream.json');
  writeFileSync(stream, '{"type":"block","number":1,"hash":"0x' + '1'.repeat(64) + '","parent_hash":null,"timestamp":5}\n[1, 2]\n');
  await assert.rejects(importDataset(db, { paths: [stream] }), (e: unknown) => e instanceof BadInputError && e.message === `${stream}, line 2: expected one JSON object per line`);
  assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 1);
  db.close();
});

test('BigQuery crypto_ethereum exports: newline JSON and CSV with TIMESTAMP text and receipt_status', async () => {
  const dir = tempDir();
  const rows = parse(readFileSync(ETL_TXS), { columns: true }) as Record<string, string>[];
  // BigQuery's JSON: no type field, NUMERIC value as a string, block_timestamp as TIMESTAMP text, receipt_* columns.
  const json = rows.map((r, i) =>
    JSON.stringify({
      hash: r.hash,
      nonce: Number(r.nonce),
      transaction_index: Number(r.transaction_index),
      from_address: r.from_address,
      to_address: r.to_address,
      value: r.value,
      gas: Number(r.gas),
      gas_price: Number(r.gas_price),
      input: r.input,
      receipt_status: i === 2 ? 0 : 1,
      block_timestamp: '2015-11-03 14:44:40 UTC',
      block_number: Number(r.block_number),
      block_hash: r.block_hash,
    }),
  );
  // BigQuery leaves null fields out of its JSON: a contract creation has no to_address at all.
  const creation = JSON.stringify({
    hash: '0x' + 'd'.repeat(64),
    nonce: 0,
    transaction_index: 4,
    from_address: SENDER,
    value: '7',
    receipt_status: 1,
    receipt_contract_address: '0x00000000000000000000000000000000000000d1',
    block_timestamp: '2015-11-03 14:44:40 UTC',
    block_number: 483920,
  });
  const txs = join(dir, 'bq_transactions.json');
  writeFileSync(txs, [...json, creation].join('\n') + '\n');
  const transfers = writeFile(
    dir,
    'bq_token_transfers.csv',
    'token_address,from_address,to_address,value,transaction_hash,log_index,block_timestamp,block_number,block_hash\n' +
      (parse(readFileSync(ETL_TOKEN_TRANSFERS), { columns: true }) as Record<string, string>[])
        .map((t) => [t.token_address, t.from_address, t.to_address, t.value, t.transaction_hash, t.log_index, '2015-11-03T14:44:40.000Z', t.block_number, BLOCK_HASH].join(','))
        .join('\n') +
      '\n',
  );
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [txs, transfers] });
  assert.deepEqual(r.dataset!.rowCounts, { transactions: 5, token_transfers: 2 });
  assert.deepEqual(getTx(db, 1, '0x' + 'd'.repeat(64))!.transfers.map((t) => [t.from, t.to, t.value]), [[SENDER, '0x00000000000000000000000000000000000000d1', 7n]]);
  const plain = getTx(db, 1, PLAIN)!;
  // The third row (0x463d…) is the one marked failed: its value moves nothing.
  assert.deepEqual([plain.time, plain.status, plain.transfers[0]!.value, plain.transfers[0]!.status], [1446561880, 'failed', 11000440000000000n, 'failed']);
  // Only the 7 wei of the creation: the failed tx's value does not count.
  assert.equal(sent(db, SENDER), 7n);
  assert.equal(getTx(db, 1, OTHER)!.status, 'success');
  const token = getTx(db, 1, '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8')!;
  assert.deepEqual([token.time, token.transfers[0]!.value], [1446561880, 100000n]);

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...JSON.parse(json[0]!), block_timestamp: '2015-02-31 00:00:00 UTC' }) + '\n');
  await assert.rejects(importDataset(openStore(':memory:'), { paths: [bad] }), (e: unknown) => e instanceof BadInputError && /bad\.json, line 1: column "block_timestamp": expected unix seconds or a UTC timestamp/.test(e.message));
  db.close();
});

test("a contract creation's value goes to the contract its receipt names, also when the receipt comes in a later import", async () => {
  const dir = tempDir();
  const creator = '0x00000000000000000000000000000000000000c1';
  const created = '0x00000000000000000000000000000000000000c2';
  const hash = '0x' + 'c'.repeat(64);
  // No to_address: the tx creates a contract, sending it 30 ETH (above 2^64 wei).
  const txs = writeFile(dir, 'transactions.csv', `${TX_HEADER_ETL}\n${hash},1,${BLOCK_HASH},483920,0,${creator},,30000000000000000000,21000,1,0x60,1446561880,,,0\n`);
  const receipts = writeFile(dir, 'receipts.csv', `${RECEIPT_HEADER}\n${hash},0,${BLOCK_HASH},483920,21000,21000,${created},,1,1\n`);
  const received = (db: Db) => addressTotals(db, id(db, created)).totals[0]?.received ?? 0n;

  const together = openStore(':memory:');
  await importDataset(together, { paths: [txs, receipts] });
  assert.deepEqual(getTx(together, 1, hash)!.transfers.map((t) => [t.from, t.to, t.value]), [[creator, created, 30000000000000000000n]]);
  assert.equal(received(together), 30000000000000000000n);

  const later = openStore(':memory:');
  await importDataset(later, { paths: [txs] });
  assert.equal(getTx(later, 1, hash)!.transfers[0]!.to, null);
  await importDataset(later, { paths: [receipts] });
  assert.equal(getTx(later, 1, hash)!.transfers[0]!.to, created);
  assert.equal(received(later), 30000000000000000000n, 'the edge appears once the receipt names the contract');

  const first = openStore(':memory:');
  await importDataset(first, { paths: [receipts] });
  await importDataset(first, { paths: [txs] });
  assert.equal(received(first), 30000000000000000000n, 'a receipt imported first names the recipient for the tx that follows');
  for (const db of [together, later, first]) db.close();
});

test('an ERC-721 transfer moves one token and keeps its token id, also when the contracts file comes in a later import', async () => {
  const dir = tempDir();
  const nft = '0x00000000000000000000000000000000000000d1';
  const holder = '0x00000000000000000000000000000000000000d2';
  const buyer = '0x00000000000000000000000000000000000000d3';
  const big = 2n ** 70n + 1n;
  const transfers = writeFile(
    dir,
    'token_transfers.csv',
    [
      'token_address,from_address,to_address,value,transaction_hash,log_index,block_number',
      `${nft},${holder},${buyer},7,0x${'d'.repeat(64)},0,483920`,
      `${nft},${holder},${buyer},${big},0x${'e'.repeat(64)},3,483920`,
    ].join('\n') + '\n',
  );
  const contracts = writeFile(dir, 'contracts.csv', `address,bytecode,function_sighashes,is_erc20,is_erc721,block_number\n${nft},0x60,,False,True,483000\n`);
  const received = (db: Db) => addressTotals(db, id(db, buyer)).totals.find((t) => t.asset.contract === nft)?.received;
  const moved = (db: Db) => [getTx(db, 1, '0x' + 'd'.repeat(64))!, getTx(db, 1, '0x' + 'e'.repeat(64))!].map((tx) => [tx.transfers[0]!.value, tx.transfers[0]!.tokenId]);

  const together = openStore(':memory:');
  await importDataset(together, { paths: [transfers, contracts] });
  assert.deepEqual(moved(together), [[1n, '7'], [1n, big.toString()]]);
  assert.equal(received(together), 2n, 'two tokens, not the sum of their ids');

  const later = openStore(':memory:');
  await importDataset(later, { paths: [transfers] });
  // Without a contracts file nothing says the token is ERC-721: the value is read as an amount.
  assert.equal(received(later), big + 7n);
  await importDataset(later, { paths: [contracts] });
  assert.deepEqual(moved(later), [[1n, '7'], [1n, big.toString()]]);
  assert.equal(received(later), 2n, 'the edge is recomputed once the token is known to be ERC-721');
  assert.equal(later.prepare('SELECT decimals FROM asset WHERE contract = ?').pluck().get(nft), 0);
  for (const db of [together, later]) db.close();
});
