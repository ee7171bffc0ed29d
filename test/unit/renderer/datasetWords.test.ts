import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainName, countOf, describeNew, describeRead, explainCounts, formatName } from '../../../renderer/format/datasetWords';

// The sample investigation's three datasets, as `cairn stats --json` lists them.
const BITCOIN = { rowCounts: { blocks: 16 }, added: { blocks: 16, transactions: 4439, outputs: 9696, inputs: 8938, transfers: 18629, addresses: 653 } };
const TRON = {
  rowCounts: { tokens: 1, blocks: 2400, transactions: 10000, token_transfers: 8223 },
  added: { blocks: 2400, transactions: 10000, transfers: 10000, tokens: 1, receipts: 0, addresses: 750 },
};

test('a dataset names its chain and its format in words; tronetl is ethereum-etl\'s format on Tron', () => {
  assert.equal(chainName('tron:0x2b6653dc'), 'Tron');
  assert.equal(chainName('bip122:0f9188f13cb7b2c71f2a335e3a4fc328'), 'Bitcoin regtest');
  assert.equal(chainName('eip155:324'), 'EVM chain 324');
  assert.equal(chainName('nonsense'), 'nonsense');
  assert.equal(formatName('ethereum-etl-csv', 'tron:0x2b6653dc'), 'tronetl export');
  assert.equal(formatName('ethereum-etl-csv', 'eip155:1'), 'ethereum-etl export');
  assert.equal(formatName('bitcoin-blocks'), 'Bitcoin blocks');
  assert.equal(formatName('something-new'), 'something-new');
});

test('counts read and counts new are told apart in words, most telling first, zeros left out', () => {
  assert.equal(describeRead(BITCOIN.rowCounts), '16 blocks');
  assert.equal(describeNew(BITCOIN.added, 3), '4,439 transactions, 18,629 transfers, 653 addresses and 3 more');
  assert.equal(describeRead(TRON.rowCounts), '2,400 blocks, 10,000 transactions, 8,223 token transfers, 1 token');
  // receipts: 0 is no news and is not listed.
  assert.equal(describeNew(TRON.added), '10,000 transactions, 10,000 transfers, 750 addresses, 2,400 blocks, 1 token');
  assert.equal(describeNew({ transfers: 0 }), '');
  assert.equal(countOf('transactions', 1), '1 transaction');
  assert.equal(countOf('odd_kind', 2), '2 odd kind');
});

test('the tooltip names every count: what the files held, and what is new with what it means', () => {
  const text = explainCounts(BITCOIN.rowCounts, BITCOIN.added);
  assert.match(text, /^Read from the files: 16 blocks\.$/m);
  assert.match(text, /New in the store .*: 4,439 transactions, 18,629 transfers \(value moved from one address to another: what the graph sums\), 653 addresses \(seen for the first time\), 16 blocks, 9,696 outputs, 8,938 inputs\.$/m);
});
