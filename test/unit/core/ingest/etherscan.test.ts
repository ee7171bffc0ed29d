import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ImportCancelledError } from '../../../../electron/core/ingest/errors';
import { detectEtherscanKind, isSurrogatePosition } from '../../../../electron/core/ingest/etherscan/etherscanCsv';
import { importEtherscan, isEtherscanInput, type EtherscanImportRequest } from '../../../../electron/core/ingest/etherscan/importEtherscan';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { getDatasetScope } from '../../../../electron/core/store/datasetScope';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { getTx } from '../../../../electron/core/store/txQueries';
import { ETL_TXS, TX_HEADER, expectRefused, factCounts, tempDir, writeFile } from '../../helpers';

// The address whose history the exports are, and its counterparties.
const A = '0xd40cca85f0f54f30445a3577e18a0a5abcca95bf';
const X = '0x8e2f8559f823cdef7f73edd77b6c29163d00d68d';
const Y = '0xf6db75d0c3f7eb9340051e467ab4a36ee0987b35';
const Z = '0x44242b30e58d656ec4f3378c19cd5840f1aec544';
const W = '0xad77bf39768915e2ed4a22437740af0dc481ee21';
const B = '0x4e69886dd9078d3fe0a0887bee1afbfa45289e00';
const C = '0x82c358452358902ff3177e7e8c92637e64b6ba08';
const D = '0x65ef5aa370e2e30bdb0e7ab8d7e349effade2925';
const Q = '0xfd81b34bf7e8df33809cd89bf6e31c021f6b75d2';
const CONTRACT = '0x715bd8a28f7d134bb8831b5bd5a03d76e82f142f';
const UNKNOWN_TOKEN = '0x51d1c30ea83859dafc1eb03300183873de573eca';
// Uniswap V2 router and its ETH/USDT pair; Tether USD and Dai on Ethereum; Tether on BNB Smart Chain.
const ROUTER = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
const PAIR = '0x0d4a11d5eeaac28ec3f61d100daf4d40471f1852';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const DAI = '0x6b175474e89094c44da98b954eedeac495271d0f';
const BSC_USDT = '0x55d398326f99059ff775485246999027b3197955';

const TX_IN = '0xd06b0974afa74193304885ee914f149f83b5ae08e9df0b3f13052ba131525fa2';
const TX_OUT = '0x7a6abde3911a95891fca76a9e28becdcb820372c310f04040699f0c60d9df89a';
const TX_FAIL = '0xf707b1de74f1f7144a6262a997702652f2b23a015da2219027c30d5c984b859a';
const TX_SWAP = '0x94e7bbe96cc3e2ecff4615441050c5bf87362df09a5d7347a5a675c17bab6a01';
const TX_INT_FAIL = '0x898f97ac27a8ebfff1c03bb48ea359a4445038d18288ae22ce7cacb013b22d5f';
const TX_DAI = '0x6388268acb850c813fd521dd77cdcf02347c1f59ff479045dc1ca731e44dd703';
const TX_SHARED = '0xdb3280e59f722493741e69ec5cf4f96cdc308ead908dc5c7d5df063396f23e06';
const TX_INNER = '0x356741a5bfd6d448e34e6ff404da55431a692ab5c0077eceda213f8f53539f49';

const ETH = 10n ** 18n;

/** A CSV line as the explorers write it: every field quoted. */
const q = (...fields: string[]): string => fields.map((f) => `"${f}"`).join(',');

// Header layouts of the exports, as downloaded (newer and older vintages).
const NORMAL_HEADER = q('Transaction Hash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'From', 'To', 'ContractAddress', 'Value_IN(ETH)', 'Value_OUT(ETH)', 'CurrentValue @ $3412.55/Eth', 'TxnFee(ETH)', 'TxnFee(USD)', 'Historical $Price/Eth', 'Status', 'ErrCode', 'Method');
const NORMAL_HEADER_OLD = q('Txhash', 'Blockno', 'UnixTimestamp', 'DateTime', 'From', 'To', 'ContractAddress', 'Value_IN(ETH)', 'Value_OUT(ETH)', 'CurrentValue @ $1855.2/Eth', 'TxnFee(ETH)', 'TxnFee(USD)', 'Historical $Price/Eth', 'Status', 'ErrCode');
const INTERNAL_HEADER = q('Txhash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'ParentTxFrom', 'ParentTxTo', 'ParentTxETH_Value', 'From', 'TxTo', 'ContractAddress', 'Value_IN(ETH)', 'Value_OUT(ETH)', 'CurrentValue @ $3412.55/Eth', 'Historical $Price/Eth', 'Status', 'ErrCode', 'Type');
const TOKEN_HEADER = q('Transaction Hash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'From', 'To', 'TokenValue', 'USDValueDayOfTx', 'ContractAddress', 'TokenName', 'TokenSymbol');
const TOKEN_HEADER_OLD = q('Txhash', 'Blockno', 'UnixTimestamp', 'DateTime', 'From', 'To', 'Value', 'ContractAddress', 'TokenName', 'TokenSymbol');

const NORMAL_ROWS = [
  q(TX_IN, '19000000', '1705173443', '2024-01-13 19:17:23', X, A, '', '25', '0', '85313.75', '0.000441', '1.12', '2543.01', '', '', 'Transfer'),
  q(TX_OUT, '19000213', '1705176035', '2024-01-13 20:00:35', A, Y, '', '0', '1,000.123456789012345678', '3412978.11', '0.000523', '1.33', '2543.01', '', '', 'Transfer'),
  q(TX_FAIL, '19000410', '1705178411', '2024-01-13 20:40:11', A, Z, '', '0', '3', '10237.65', '0.000630', '1.6', '2543.01', 'Error(0)', 'Out of gas', 'Transfer'),
  q(TX_SWAP, '19001122', '1705187039', '2024-01-13 23:03:59', A, ROUTER, '', '0', '0', '0', '0.004211', '10.71', '2543.01', '', '', 'Swap Exact Tokens For ETH'),
];
// Internal rows carry one more field than the header: the explorer's trailing separator.
const INTERNAL_ROWS = [
  q(TX_SWAP, '19001122', '1705187039', '2024-01-13 23:03:59', A, ROUTER, '0', ROUTER, A, '', '1.5', '0', '5118.82', '2543.01', '0', '', 'call', ''),
  q(TX_INT_FAIL, '19002000', '1705197683', '2024-01-14 02:01:23', W, CONTRACT, '0', CONTRACT, A, '', '0.25', '0', '853.13', '2550.4', '1', 'Reverted', 'call', ''),
];
const TOKEN_ROWS = [
  q(TX_SWAP, '19001122', '1705187039', '2024-01-13 23:03:59', A, PAIR, '1,234.567891', '$1,234.57', USDT, 'Tether USD', 'USDT'),
  q(TX_DAI, '19003000', '1705209827', '2024-01-14 05:23:47', W, A, '250.75', '$250.71', DAI, 'Dai Stablecoin', 'DAI'),
];

const csv = (header: string, rows: readonly string[]): string => [header, ...rows].join('\r\n') + '\r\n';

function exportFiles(dir: string): { normal: string; internal: string; tokens: string } {
  return {
    normal: writeFile(dir, `export-${A}.csv`, csv(NORMAL_HEADER, NORMAL_ROWS)),
    internal: writeFile(dir, `export-internaltx-${A}.csv`, csv(INTERNAL_HEADER, INTERNAL_ROWS)),
    tokens: writeFile(dir, `export-tokenholdings-${A}.csv`, csv(TOKEN_HEADER, TOKEN_ROWS)),
  };
}

function idOf(db: Db, a: string): number {
  const id = findAddressId(db, 1, a);
  assert.ok(id !== null, `${a} should be in the store`);
  return id;
}

function totalsOf(db: Db, a: string): Record<string, { received: bigint; sent: bigint }> {
  return Object.fromEntries(addressTotals(db, idOf(db, a)).totals.map((t) => [t.asset.contract ?? 'native', { received: t.received, sent: t.sent }]));
}

const expectBadInput = (db: Db, request: EtherscanImportRequest, pattern: RegExp): Promise<void> => expectRefused(db, importEtherscan(db, request), pattern);

test('an address history (normal, internal, ERC-20) imports exactly, as a partial view of that address', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const files = exportFiles(dir);
  const r = await importEtherscan(db, { paths: [files.tokens, files.internal, files.normal] });
  const d = r.dataset!;
  assert.equal(d.format, 'etherscan-csv');
  assert.equal(d.chain, 'eip155:1');
  assert.deepEqual(d.rowCounts, { normal_transactions: 4, internal_transactions: 2, token_transfers: 2 });
  // 4 txs (and 2 stubs, not counted); transfers: 3 native (one failed), 2 internal (one failed), 2 token
  assert.deepEqual(d.added, { blocks: 0, transactions: 4, transfers: 7, tokens: 2, receipts: 0, addresses: 8 });
  assert.deepEqual(
    d.sources.map((s) => [s.kind, s.rows]),
    [
      ['normal_transactions', 4],
      ['internal_transactions', 2],
      ['token_transfers', 2],
    ],
  );
  assert.ok(d.sources.every((s) => /^[0-9a-f]{64}$/.test(s.sha256) && s.size > 0));
  assert.deepEqual(getDatasetScope(db, d.id), { kind: 'partial', address: A });
  assert.ok(r.warnings.some((w) => w.includes(`a partial view: the export records what touched ${A} (the address in every row)`)), r.warnings.join('\n'));

  // 25 ETH is 2.5e19 wei, above 2^64.
  const incoming = getTx(db, 1, TX_IN)!;
  assert.equal(incoming.status, 'success');
  assert.equal(incoming.block, 19000000);
  assert.equal(incoming.time, 1705173443);
  assert.deepEqual(incoming.transfers.map((t) => [t.from, t.to, t.asset, t.value, t.kind]), [[X, A, 'native', 25n * ETH, 'native']]);
  assert.ok(25n * ETH > 2n ** 64n);

  // Thousands separators and all 18 decimals, exactly.
  assert.deepEqual(getTx(db, 1, TX_OUT)!.transfers.map((t) => t.value), [1000123456789012345678n]);

  // A failed transaction is kept, and moves nothing.
  const failed = getTx(db, 1, TX_FAIL)!;
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.transfers.map((t) => [t.value, t.status]), [[3n * ETH, 'failed']]);
  assert.deepEqual(addressTotals(db, idOf(db, Z)).totals, []);

  // The swap: USDT out (6 decimals: "1,234.567891" is 1234567891 units), ETH back as an internal transfer.
  const swap = getTx(db, 1, TX_SWAP)!;
  assert.equal(swap.time, 1705187039);
  assert.equal(swap.status, 'success');
  assert.deepEqual(
    swap.transfers.map((t) => [t.kind, t.from, t.to, t.asset, t.symbol, t.decimals, t.value, t.status]),
    [
      ['token', A, PAIR, USDT, 'USDT', 6, 1234567891n, 'success'],
      ['internal', ROUTER, A, 'native', 'ETH', 18, 1500000000000000000n, 'success'],
    ],
  );
  // A failed internal transfer is kept with its status and moves nothing; its tx is known only from it.
  const intFail = getTx(db, 1, TX_INT_FAIL)!;
  assert.equal(intFail.time, 1705197683);
  assert.deepEqual(intFail.transfers.map((t) => [t.kind, t.from, t.to, t.value, t.status]), [['internal', CONTRACT, A, 250000000000000000n, 'failed']]);
  // A token transfer whose tx is not in the normal export: a stub with the row's block and time.
  const dai = getTx(db, 1, TX_DAI)!;
  assert.equal(dai.block, 19003000);
  assert.equal(dai.time, 1705209827);
  assert.deepEqual(dai.transfers.map((t) => [t.from, t.to, t.asset, t.value]), [[W, A, DAI, 250750000000000000000n]]);

  assert.deepEqual(totalsOf(db, A), {
    native: { received: 25n * ETH + 15n * 10n ** 17n, sent: 1000123456789012345678n },
    [USDT]: { received: 0n, sent: 1234567891n },
    [DAI]: { received: 250750000000000000000n, sent: 0n },
  });
  const edgeTimes = db.prepare('SELECT count(*) FROM edge WHERE first_time IS NULL OR last_time IS NULL').pluck().get();
  assert.equal(edgeTimes, 0, 'every edge has its times');
  // Surrogate positions stand in for the log index and trace address the export lacks.
  const positions = db.prepare('SELECT pos FROM transfer WHERE kind IN (1, 2)').pluck().all() as string[];
  assert.equal(positions.length, 4);
  assert.ok(positions.every((p) => isSurrogatePosition(p) && Number.isSafeInteger(Number(p))), positions.join(', '));
  db.close();
});

test('re-importing the same files adds nothing and names the dataset that brought them', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const files = exportFiles(dir);
  const first = await importEtherscan(db, { paths: [files.normal, files.internal, files.tokens] });
  const before = factCounts(db);
  const again = await importEtherscan(db, { paths: [files.tokens, files.normal, files.internal] });
  assert.equal(again.dataset, null);
  assert.equal(again.alreadyImportedAs, first.dataset!.id);
  assert.deepEqual(factCounts(db), before);
  // One of the files on its own, under another name: a new set of sources (a dataset of its own, as for
  // ethereum-etl), but no new fact.
  const copy = writeFile(dir, 'copy.csv', csv(TOKEN_HEADER, TOKEN_ROWS));
  const third = await importEtherscan(db, { paths: [copy] });
  assert.ok(Object.values(third.dataset!.added).every((n) => n === 0), JSON.stringify(third.dataset!.added));
  assert.deepEqual(factCounts(db), { ...before, dataset: before.dataset + 1 });
  db.close();
});

test('header aliases from two export vintages give the same facts', async () => {
  const dir = tempDir();
  const rowsOld = NORMAL_ROWS.map((r) => r.split(',').slice(0, -1).join(',')); // the old layout has no Method column
  const tokenRowsOld = TOKEN_ROWS.map((r) => {
    const f = r.split('","');
    f.splice(7, 1); // no USDValueDayOfTx
    return f.join('","');
  });
  const newer = [writeFile(dir, 'new-normal.csv', csv(NORMAL_HEADER, NORMAL_ROWS)), writeFile(dir, 'new-tokens.csv', csv(TOKEN_HEADER, TOKEN_ROWS))];
  const older = [writeFile(dir, 'old-normal.csv', csv(NORMAL_HEADER_OLD, rowsOld)), writeFile(dir, 'old-tokens.csv', csv(TOKEN_HEADER_OLD, tokenRowsOld))];
  for (const f of [...newer, ...older]) assert.ok(isEtherscanInput([f]), f);
  const facts = async (paths: string[]) => {
    const db = openStore(':memory:');
    const r = await importEtherscan(db, { paths });
    const out = [TX_IN, TX_OUT, TX_FAIL, TX_SWAP, TX_DAI].map((h) => getTx(db, 1, h));
    db.close();
    return { out, rowCounts: r.dataset!.rowCounts };
  };
  const a = await facts(newer);
  const b = await facts(older);
  assert.deepEqual(b, a);
  assert.deepEqual(a.out[3]!.transfers.map((t) => t.value), [1234567891n]);
});

test('a row may carry one more field than the header, and no other count', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const noted = writeFile(dir, 'noted.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0] + ',"my note"', NORMAL_ROWS[1]]));
  const r = await importEtherscan(db, { paths: [noted] });
  assert.equal(r.dataset!.rowCounts.normal_transactions, 2);
  assert.ok(r.warnings.some((w) => w.includes('1 row(s) carry a field after the last column ("my note")')), r.warnings.join('\n'));

  const two = writeFile(dir, 'two-extra.csv', csv(INTERNAL_HEADER, [INTERNAL_ROWS[0], INTERNAL_ROWS[1] + ',""']));
  await expectBadInput(db, { paths: [two] }, /two-extra\.csv, line 3: expected 17 fields as in the header \(or one more, as explorers sometimes write\), found 19/);
  const short = writeFile(dir, 'short.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[2], NORMAL_ROWS[3].split(',').slice(0, -2).join(',')]));
  await expectBadInput(db, { paths: [short] }, /short\.csv, line 3: expected 16 fields .* found 14/);
  db.close();
});

test('a ticker that is not the chain\'s native asset is refused, naming the file and line 1', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const bscHeader = NORMAL_HEADER.replaceAll('(ETH)', '(BNB)').replace('/Eth', '/BNB');
  const bsc = writeFile(dir, 'bscscan-normal.csv', csv(bscHeader, [NORMAL_ROWS[0]]));
  await expectBadInput(
    db,
    { paths: [bsc] },
    /bscscan-normal\.csv, line 1: column "Value_IN\(BNB\)": this export's values are in BNB, but the import is for Ethereum \(eip155:1\), whose native asset is ETH; choose the chain the export came from \(bsc\)/,
  );
  await expectBadInput(db, { paths: [join(dir, 'export-eth.csv')] }, /no such file/);
  const eth = writeFile(dir, 'export-eth.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0]]));
  await expectBadInput(db, { paths: [eth], chain: 'bsc', address: A }, /export-eth\.csv, line 1: .*values are in ETH, but the import is for BNB Smart Chain \(eip155:56\).*\(eth or arb or op or base\)/);

  // On its own chain it imports; USDT there has 18 decimals.
  const bscTokens = writeFile(dir, 'bscscan-tokens.csv', csv(TOKEN_HEADER, [q(TX_IN, '35500000', '1705173443', '2024-01-13 19:17:23', A, B, '1,234.567891', '$1,234.57', BSC_USDT, 'Tether USD', 'USDT')]));
  const r = await importEtherscan(db, { paths: [bsc, bscTokens], chain: 'bsc' });
  assert.equal(r.dataset!.chain, 'eip155:56');
  const chainId = db.prepare("SELECT id FROM chain WHERE caip2 = 'eip155:56'").pluck().get() as number;
  assert.deepEqual(
    getTx(db, chainId, TX_IN)!.transfers.map((t) => [t.asset, t.value]),
    [
      ['native', 25n * ETH],
      [BSC_USDT, 1234567891000000000000n],
    ],
  );
  // PolygonScan wrote MATIC before POL; both are Polygon's native asset.
  const polygon = writeFile(dir, 'polygonscan.csv', csv(NORMAL_HEADER.replaceAll('(ETH)', '(MATIC)'), [NORMAL_ROWS[1]]));
  const p = await importEtherscan(db, { paths: [polygon], chain: 'polygon', address: A });
  assert.equal(p.dataset!.chain, 'eip155:137');
  db.close();
});

test('values with more fractional digits than the decimals, or bad separators, are refused naming the line and column', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const usdt = writeFile(dir, 'usdt.csv', csv(TOKEN_HEADER, [TOKEN_ROWS[0], q(TX_DAI, '19003000', '1705209827', '2024-01-14 05:23:47', W, A, '12.1234567', '$12.12', USDT, 'Tether USD', 'USDT')]));
  await expectBadInput(db, { paths: [usdt] }, /usdt\.csv, line 3: column "TokenValue": expected at most 6 decimal places \(the asset's decimals\), found "12\.1234567"/);
  const wei = writeFile(dir, 'wei.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0].replace('"25"', '"0.0000000000000000001"')]));
  await expectBadInput(db, { paths: [wei] }, /wei\.csv, line 2: column "Value_IN\(ETH\)": expected at most 18 decimal places/);
  const grouping = writeFile(dir, 'grouping.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0], NORMAL_ROWS[1].replace('1,000.123456789012345678', '10,00.5')]));
  await expectBadInput(db, { paths: [grouping] }, /grouping\.csv, line 3: column "Value_OUT\(ETH\)": expected a non-negative decimal number of whole units .* found "10,00\.5"/);
  const exponent = writeFile(dir, 'exponent.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0].replace('"25"', '"2.5E+1"')]));
  await expectBadInput(db, { paths: [exponent] }, /exponent\.csv, line 2: column "Value_IN\(ETH\)": expected a non-negative decimal number/);
  // An unquoted thousands separator splits the value in two; the shifted columns do not pass as data.
  const unquoted = writeFile(dir, 'unquoted.csv', csv(TOKEN_HEADER, [TOKEN_ROWS[0].replace('"1,234.567891"', '1,234.567891')]));
  await expectBadInput(db, { paths: [unquoted], address: A }, /unquoted\.csv, line 2: column "ContractAddress": not an EVM address/);
  // Trailing zeros beyond the decimals are still exact.
  const zeros = writeFile(dir, 'zeros.csv', csv(TOKEN_HEADER, [TOKEN_ROWS[0].replace('1,234.567891', '1,234.567891000')]));
  await importEtherscan(db, { paths: [zeros], address: A });
  assert.deepEqual(getTx(db, 1, TX_SWAP)!.transfers.map((t) => t.value), [1234567891n]);
  db.close();
});

test('a token of unknown decimals is refused until a tokens file or the user gives them', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const rows = [TOKEN_ROWS[1], q(TX_SHARED, '19004000', '1705221827', '2024-01-14 08:43:47', W, A, '1,000,000.5', '', UNKNOWN_TOKEN, 'Pepe Cash', 'PEPEC')];
  const file = writeFile(dir, 'tokens.csv', csv(TOKEN_HEADER, rows));
  await expectBadInput(
    db,
    { paths: [file] },
    new RegExp(`tokens\\.csv, line 3: column "ContractAddress": PEPEC \\(Pepe Cash\\) at ${UNKNOWN_TOKEN} has unknown decimals, so its "TokenValue" amounts cannot be converted to base units exactly; import a tokens file`),
  );
  // Said for this import: the decimals are used and recorded.
  // W and A are in both rows: the address is named.
  const r = await importEtherscan(db, { paths: [file], address: A, tokenDecimals: { [UNKNOWN_TOKEN]: 9 } });
  assert.equal(r.dataset!.added.transfers, 2);
  assert.deepEqual(getTx(db, 1, TX_SHARED)!.transfers.map((t) => [t.asset, t.symbol, t.decimals, t.value]), [[UNKNOWN_TOKEN, 'PEPEC', 9, 1000000500000000n]]);
  // A contradiction with what is known is refused rather than guessed past.
  await expectBadInput(db, { paths: [file], address: A, tokenDecimals: { [DAI]: 6 } }, /DAI \(Dai Stablecoin\) at 0x6b17.* has 18 decimals, but 6 were given for it/);

  // From the store: an ethereum-etl tokens file imported earlier.
  const db2 = openStore(':memory:');
  const tokensCsv = writeFile(dir, 'etl-tokens.csv', `address,symbol,name,decimals,total_supply,block_number\n${UNKNOWN_TOKEN},PEPEC,Pepe Cash,9,1000000000000000000,18000000\n`);
  await importDataset(db2, { paths: [tokensCsv] });
  const r2 = await importEtherscan(db2, { paths: [file], address: A });
  assert.equal(r2.dataset!.added.transfers, 2);
  assert.deepEqual(getTx(db2, 1, TX_SHARED)!.transfers.map((t) => t.value), [1000000500000000n]);
  db.close();
  db2.close();
});

test('the same transfer in the exports of both its addresses is stored once; different transfers of a tx never merge', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const row = (from: string, to: string, value: string) => q(TX_SHARED, '19004000', '1705221827', '2024-01-14 08:43:47', from, to, value, '', USDT, 'Tether USD', 'USDT');
  // A's export: A→B and C→A. B's export: A→B and B→D. Both sent 100 USDT twice to B in that tx.
  const ofA = writeFile(dir, `tokens-${A}.csv`, csv(TOKEN_HEADER, [row(A, B, '100'), row(A, B, '100'), row(C, A, '5')]));
  const ofB = writeFile(dir, `tokens-${B}.csv`, csv(TOKEN_HEADER, [row(A, B, '100'), row(B, D, '7'), row(A, B, '100')]));
  const ra = await importEtherscan(db, { paths: [ofA] });
  const rb = await importEtherscan(db, { paths: [ofB] });
  assert.deepEqual(getDatasetScope(db, ra.dataset!.id), { kind: 'partial', address: A });
  assert.deepEqual(getDatasetScope(db, rb.dataset!.id), { kind: 'partial', address: B });
  assert.equal(rb.dataset!.added.transfers, 1, 'only B→D is new');
  const values = getTx(db, 1, TX_SHARED)!.transfers.map((t) => `${t.from}>${t.to}:${t.value}`).sort();
  assert.deepEqual(values, [`${A}>${B}:100000000`, `${A}>${B}:100000000`, `${B}>${D}:7000000`, `${C}>${A}:5000000`].sort());
  assert.equal(totalsOf(db, B)[USDT].received, 200000000n);
  db.close();
});

test('whose history: inferred from every row, else named; a named address must be in every row', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const one = writeFile(dir, 'one.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0]]));
  await expectBadInput(db, { paths: [one] }, new RegExp(`cannot tell whose history this export is: ${X} and ${A} each appear in every row; name the address`));
  const r = await importEtherscan(db, { paths: [one], address: A.toUpperCase().replace('0X', '0x') });
  assert.deepEqual(getDatasetScope(db, r.dataset!.id), { kind: 'partial', address: A });
  assert.ok(r.warnings.some((w) => w.includes(`the export records what touched ${A},`)), r.warnings.join('\n'));

  const mixed = writeFile(dir, 'mixed.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[1], NORMAL_ROWS[2], q(TX_INNER, '19005000', '1705230000', '2024-01-14 11:00:00', Q, Y, '', '0', '1', '', '', '', '', '', '', 'Transfer')]));
  await expectBadInput(db, { paths: [mixed] }, /mixed\.csv, line 4: no address appears in every row/);
  await expectBadInput(db, { paths: [mixed], address: A }, new RegExp(`mixed\\.csv, line 4: the row does not involve ${A}`));
  await expectBadInput(db, { paths: [one], address: '0x1234' }, /the address named for this import: not an EVM address/);
  db.close();
});

test('Status Error(N) with N > 0 is a failed inner call: the transaction succeeded and its value counts', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const file = writeFile(dir, 'inner.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0], q(TX_INNER, '19005000', '1705230000', '2024-01-14 11:00:00', A, ROUTER, '', '0', '0.1', '', '', '', '', 'Error(1)', 'execution reverted', 'Multicall')]));
  const r = await importEtherscan(db, { paths: [file] });
  assert.ok(r.warnings.some((w) => w.includes('1 transaction(s) have Status "Error(N)" with N > 0')), r.warnings.join('\n'));
  const tx = getTx(db, 1, TX_INNER)!;
  assert.equal(tx.status, 'success');
  assert.deepEqual(tx.transfers.map((t) => [t.value, t.status]), [[10n ** 17n, 'success']]);
  const bad = writeFile(dir, 'bad-status.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[0].replace(',"","","Transfer"', ',"Pending","","Transfer"')]));
  await expectBadInput(db, { paths: [bad] }, /bad-status\.csv, line 2: column "Status": expected an empty field \(success\) or "Error\(N\)", found "Pending"/);
  db.close();
});

test('an Etherscan Status settles the outcome an ethereum-etl import left unknown, and the edges follow', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const etl = writeFile(dir, 'transactions.csv', `${TX_HEADER}\n${TX_FAIL},7,0x${'c'.repeat(64)},19000410,3,${A},${Z},${3n * ETH},21000,1,0x,1705178411,,,2\n`);
  await importDataset(db, { paths: [etl] });
  assert.equal(getTx(db, 1, TX_FAIL)!.status, 'unknown');
  assert.equal(totalsOf(db, Z).native.received, 3n * ETH);
  const r = await importEtherscan(db, { paths: [writeFile(dir, 'normal.csv', csv(NORMAL_HEADER, [NORMAL_ROWS[1], NORMAL_ROWS[2]]))] });
  assert.equal(r.dataset!.added.receipts, 1);
  assert.equal(getTx(db, 1, TX_FAIL)!.status, 'failed');
  assert.deepEqual(addressTotals(db, idOf(db, Z)).totals, []);
  assert.equal(db.prepare('SELECT count(*) FROM tx WHERE hash = ?').pluck().get(TX_FAIL), 1);
  db.close();
});

test('detection by header: the three exports in either vintage; NFT and ethereum-etl files are not Etherscan exports', () => {
  const split = (h: string) => h.split('","').map((c) => c.replace(/"/g, ''));
  assert.equal(detectEtherscanKind(split(NORMAL_HEADER)), 'normal');
  assert.equal(detectEtherscanKind(split(NORMAL_HEADER_OLD)), 'normal');
  assert.equal(detectEtherscanKind(split(INTERNAL_HEADER)), 'internal');
  assert.equal(detectEtherscanKind(split(INTERNAL_HEADER.replace('Txhash', 'Transaction Hash'))), 'internal');
  assert.equal(detectEtherscanKind(split(TOKEN_HEADER)), 'tokens');
  assert.equal(detectEtherscanKind(split(TOKEN_HEADER_OLD)), 'tokens');
  assert.equal(detectEtherscanKind(['Txhash', 'Blockno', 'UnixTimestamp', 'DateTime (UTC)', 'From', 'To', 'ContractAddress', 'TokenId', 'TokenName', 'TokenSymbol']), null);
  assert.equal(detectEtherscanKind(['hash', 'nonce', 'block_hash', 'block_number', 'transaction_index', 'from_address', 'to_address', 'value']), null);

  const dir = tempDir();
  const sub = join(dir, 'exports');
  mkdirSync(sub);
  writeFile(sub, 'notes.csv', 'name,age\nada,36\n');
  assert.equal(isEtherscanInput([sub]), false);
  writeFile(sub, 'internal.csv', csv(INTERNAL_HEADER, INTERNAL_ROWS));
  assert.equal(isEtherscanInput([sub]), true);
  assert.equal(isEtherscanInput([join(dir, 'missing.csv')]), false);
});

test('a gzipped export is detected and imported, its provenance the compressed file', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const bytes = gzipSync(Buffer.from(csv(NORMAL_HEADER, NORMAL_ROWS)));
  const file = join(dir, 'export.csv.gz');
  writeFileSync(file, bytes);
  assert.ok(isEtherscanInput([dir]));
  const r = await importEtherscan(db, { paths: [dir] });
  assert.equal(r.dataset!.rowCounts.normal_transactions, 4);
  assert.equal(r.dataset!.sources[0].size, bytes.length);
  assert.equal(r.dataset!.sources[0].sha256, createHash('sha256').update(bytes).digest('hex'));
  db.close();
});

test('an unrecognised named file, a header without block numbers and an empty file are refused; other files in a folder are skipped', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const people = writeFile(dir, 'people.csv', 'name,age\nada,36\n');
  await expectBadInput(db, { paths: [people] }, /people\.csv, line 1: the header matches no Etherscan-family export/);
  const noBlock = writeFile(dir, 'old-tokens.csv', csv(q('Txhash', 'UnixTimestamp', 'DateTime', 'From', 'To', 'Value', 'ContractAddress', 'TokenName', 'TokenSymbol'), []));
  await expectBadInput(db, { paths: [noBlock] }, /old-tokens\.csv, line 1: missing column "Blockno" in the header \(this export vintage has no block numbers/);
  const empty = writeFile(dir, 'empty.csv', '');
  await expectBadInput(db, { paths: [empty] }, /empty\.csv, line 1: the header matches no Etherscan-family export/);

  const sub = join(dir, 'exports');
  mkdirSync(sub);
  writeFile(sub, 'notes.csv', 'name,age\nada,36\n');
  writeFile(sub, 'normal.csv', csv(NORMAL_HEADER, NORMAL_ROWS));
  const r = await importEtherscan(db, { paths: [sub] });
  assert.deepEqual(r.skipped.map((s) => [s.path.split('/').pop(), s.reason]), [['notes.csv', 'not an Etherscan-family export (header not recognised)']]);
  assert.equal(r.dataset!.rowCounts.normal_transactions, 4);
  db.close();
});

test('with review, the investigator sees what was found before anything is committed; discarding keeps nothing', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const files = exportFiles(dir);
  const seen: { format: string; rowCounts: Record<string, number>; firstTime: number | null; lastTime: number | null; notes: string[] }[] = [];
  await assert.rejects(
    importEtherscan(db, { paths: [files.normal] }, { review: async (p) => (seen.push(p), false) }),
    ImportCancelledError,
  );
  assert.deepEqual(factCounts(db), { dataset: 0, block: 0, tx: 0, transfer: 0, address: 0, edge: 0, asset: 0 });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].format, 'etherscan-csv');
  assert.deepEqual(seen[0].rowCounts, { normal_transactions: 4 });
  assert.deepEqual([seen[0].firstTime, seen[0].lastTime], [1705173443, 1705187039]);
  assert.ok(seen[0].notes.some((n) => n.includes(`what touched ${A}`)));
  const r = await importEtherscan(db, { paths: [files.normal] }, { review: async () => true });
  assert.equal(r.dataset!.added.transactions, 4);
  db.close();
});

test('a cancelled import keeps nothing', async () => {
  const dir = tempDir();
  const db = openStore(':memory:');
  const files = exportFiles(dir);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(importEtherscan(db, { paths: [files.normal, files.tokens] }, { signal: controller.signal }), ImportCancelledError);
  assert.deepEqual(factCounts(db), { dataset: 0, block: 0, tx: 0, transfer: 0, address: 0, edge: 0, asset: 0 });
  db.close();
});

test('importDataset recognises an Etherscan export by its header and the dataset says whose partial view it is', async () => {
  const { importDataset } = await import('../../../../electron/core/ingest/importDataset');
  const { listDatasets } = await import('../../../../electron/core/store/datasets');
  const files = exportFiles(tempDir());
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [files.normal, files.internal, files.tokens] });
  assert.equal(r.dataset!.format, 'etherscan-csv');
  assert.equal(r.dataset!.partialOf, A);
  assert.equal(listDatasets(db)[0]!.partialOf, A);
  // An ethereum-etl import is a complete view.
  const etl = await importDataset(db, { paths: [ETL_TXS] });
  assert.equal(etl.dataset!.partialOf, null);
  db.close();
});
