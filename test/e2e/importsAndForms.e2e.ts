import { join } from 'node:path';
import { FIXTURES, expect, test } from './app';
import { createCase, dialog, expectNodeCount } from './pages';

const BLK = join(FIXTURES, 'bitcoin/mainnet-blocks-1-255.blk');
const ETL = join(FIXTURES, 'ethereum/ethereum-etl');
const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIVER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';

test('Bitcoin blocks and an ethereum-etl folder in one import: each part reviewed, both committed, both listed with their chains', async ({ app }) => {
  const { page } = app;
  await createCase(page, 'Mixed import');
  await page.getByRole('button', { name: /^Import/ }).click();
  const imp = dialog(page, 'Import data');
  // The dialog says what will happen before anything starts.
  await expect(imp.getByTestId('import-explainer')).toContainText('nothing is kept until you commit');
  await expect(imp.getByTestId('import-explainer')).toContainText('one dataset each');

  // A Bitcoin network chosen for account-chain files: refused at once, with the reason.
  await imp.getByLabel('Files or folders').fill([BLK, ETL].join('\n'));
  await imp.getByLabel('Chain').selectOption(MAINNET);
  await imp.getByRole('button', { name: 'Start' }).click();
  await expect(imp.getByTestId('import-error')).toContainText('the chosen chain, Bitcoin, is a Bitcoin network');
  await imp.getByRole('button', { name: 'Import more…' }).click();

  await imp.getByLabel('Files or folders').fill([BLK, ETL].join('\n'));
  await imp.getByLabel('Chain').selectOption('');
  await imp.getByRole('button', { name: 'Start' }).click();

  // Review: each part with its format, chain, counts and files; nothing in the store yet.
  const review = imp.getByTestId('import-review');
  await expect(review.getByTestId('review-parts-intro')).toContainText('Commit keeps all 2 together');
  const parts = review.getByTestId('review-part');
  await expect(parts).toHaveCount(2);
  const btc = parts.nth(0);
  const eth = parts.nth(1);
  await expect(btc.getByRole('heading', { name: /^Part/ })).toHaveText('Part 1 of 2: Bitcoin blocks on Bitcoin');
  await expect(btc.getByTestId('review-chain')).toHaveText(MAINNET);
  await expect(btc.getByTestId('review-counts').getByRole('row', { name: /^blocks/ })).toHaveText(/blocks\s*255\s*255/);
  // Transactions are found inside the blocks, not rows of their own: a dash, never a misleading 0.
  await expect(btc.getByTestId('review-counts').getByRole('row', { name: /^transactions/ })).toHaveText(/transactions\s*—\s*262/);
  await expect(btc).toContainText('Read 255 blocks from the files; new in the store: 262 transactions');
  await expect(eth.getByRole('heading', { name: /^Part/ })).toHaveText('Part 2 of 2: ethereum-etl export on Ethereum');
  await expect(eth.getByTestId('review-chain')).toHaveText('eip155:1');
  await expect(eth.getByTestId('review-counts').getByRole('row', { name: /^transactions/ })).toHaveText(/transactions\s*4\s*4/);
  await expect(eth.getByTestId('review-left-out')).toContainText('logs files are not imported');
  await expect(page.getByTestId('dataset-list')).toContainText('Nothing imported yet');

  await imp.getByRole('button', { name: 'Commit' }).click();
  const summary = imp.getByTestId('import-summary');
  await expect(summary).toContainText('2 datasets, one per format, committed together');
  await expect(summary.getByTestId('summary-dataset')).toHaveCount(2);
  await imp.getByRole('button', { name: 'Close' }).click();

  // The dataset list, newest first: each dataset's chain by name, its format, and its counts in words.
  const items = page.getByTestId('dataset-item');
  await expect(items).toHaveCount(2);
  const [ethItem, btcItem] = [items.nth(0), items.nth(1)];
  await expect(btcItem.getByTestId('dataset-chain')).toHaveText('Bitcoin');
  await expect(btcItem).toContainText('#1 Bitcoin · Bitcoin blocks');
  await expect(btcItem).toContainText('bitcoin-blocks · 1 file');
  await expect(btcItem.getByTestId('dataset-counts')).toContainText('read 255 blocks');
  await expect(btcItem.getByTestId('dataset-counts')).toContainText('new 262 transactions, 267 transfers, 262 addresses');
  await expect(btcItem.getByTestId('dataset-counts')).toHaveAttribute('title', /New in the store \(facts it did not have before.*\): 262 transactions/);
  await expect(ethItem.getByTestId('dataset-chain')).toHaveText('Ethereum');
  await expect(ethItem).toContainText('#2 Ethereum · ethereum-etl export');
  await expect(ethItem).toContainText('ethereum-etl-csv · 5 files');
  await expect(ethItem.getByTestId('dataset-counts')).toContainText('read 1 block, 4 transactions, 4 receipts');
  await expect(ethItem.getByTestId('dataset-counts')).toContainText('new 4 transactions, 4 transfers, 9 addresses');
});

test('Add address takes the chain from the address form, asks only for EVM addresses, and leaves no error behind', async ({ app }) => {
  const { page } = app;
  await createCase(page, 'Forms');
  const addButton = page.getByRole('button', { name: /^Add address/ });

  // A Bitcoin address with the chain left alone: Bitcoin, from its form.
  await addButton.click();
  let d = dialog(page, 'Add seed or node');
  await d.getByLabel('Address').fill(HAL);
  await expect(d.getByTestId('address-form')).toHaveText('Bitcoin base58 address (P2PKH): the chain is Bitcoin.');
  await expect(d.getByLabel('Chain')).toHaveValue(MAINNET);
  await expect(d.getByLabel('Chain').locator('option')).toHaveCount(1);
  await d.getByRole('button', { name: 'Add as seed' }).click();
  await expect(d).toBeHidden();
  await expectNodeCount(page, 1);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  // An EVM address fits every EVM chain: Ethereum unless chosen otherwise, and never Bitcoin.
  await addButton.click();
  d = dialog(page, 'Add seed or node');
  await d.getByLabel('Address').fill(VICTIM);
  await expect(d.getByTestId('address-form')).toContainText('EVM address (0x and 40 hex digits): it fits 7 chains. Ethereum is taken (the most common)');
  await expect(d.getByLabel('Chain')).toHaveValue('eip155:1');
  await expect(d.getByLabel('Chain').locator(`option[value="${MAINNET}"]`)).toHaveCount(0);
  await d.getByLabel('Chain').selectOption('eip155:56');
  await d.getByRole('button', { name: 'Add as seed' }).click();
  await expect(d).toBeHidden();
  await expectNodeCount(page, 2);
  // The seed list's tooltip names each seed's chain.
  await expect(page.getByTestId('seed-list').getByRole('button', { name: /0x9Df428/ })).toHaveAttribute('title', /\neip155:56/);
  await expect(page.getByTestId('seed-list').getByRole('button', { name: /1Q2TWHE3/ })).toHaveAttribute('title', new RegExp(`\\n${MAINNET}`));

  // The next EVM address takes the EVM chain the case already uses.
  await addButton.click();
  d = dialog(page, 'Add seed or node');
  await d.getByLabel('Address').fill(RECEIVER);
  await expect(d.getByLabel('Chain')).toHaveValue('eip155:56');
  await expect(d.getByTestId('address-form')).toContainText('BNB Smart Chain is taken (the case already uses it)');

  // A mistyped address is refused next to the field, not in the banner; fixing it goes through.
  await d.getByLabel('Address').fill('1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm4');
  await d.getByRole('button', { name: 'Add as seed' }).click();
  await expect(d.getByTestId('address-problem')).toContainText('not a Bitcoin address');
  await expect(d.getByLabel('Address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await d.getByLabel('Address').fill(RECEIVER);
  await expect(d.getByTestId('address-problem')).toHaveCount(0);
  await d.getByRole('button', { name: 'Add as seed' }).click();
  await expect(d).toBeHidden();
  await expectNodeCount(page, 3);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('a case name states its limit, and a longer one is shown whole and refused, never cut', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: /^New case/ }).first().click();
  const d = dialog(page, 'New case');
  await expect(d.getByTestId('text-limit')).toHaveText('0 of at most 120 characters');
  const long = 'Atomic Wallet drain, June 2023: victims on Ethereum and Tron, laundering through Avalanche and the Sinbad mixer (Lazarus)';
  const name = long.slice(0, 120);
  await d.getByLabel('Case name').fill(`${long} and more`);
  await expect(d.getByLabel('Case name')).toHaveValue(`${long} and more`);
  await expect(d.getByTestId('text-limit')).toContainText(`${long.length + 9} characters: ${long.length + 9 - 120} too many. Up to 120 are allowed`);
  await expect(d.getByRole('button', { name: 'Create' })).toBeDisabled();
  await d.getByLabel('Case name').fill(name);
  await expect(d.getByTestId('text-limit')).toHaveText('120 of at most 120 characters');
  await d.getByRole('button', { name: 'Create' }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  // Kept whole: the Rename dialog starts from the full name, at the limit it states.
  await expect(page.getByTestId('case-picker').getByLabel('Case', { exact: true })).toHaveAttribute('title', name);
  await page.getByTestId('case-picker').getByRole('button', { name: 'Rename…' }).click();
  const rename = dialog(page, 'Rename case');
  await expect(rename.getByLabel('Case name')).toHaveValue(name);
  await expect(rename.getByTestId('text-limit')).toHaveText('120 of at most 120 characters');
  await rename.getByLabel('Case name').press('End');
  await page.keyboard.type('!');
  await expect(rename.getByLabel('Case name')).toHaveValue(`${name}!`);
  await expect(rename.getByTestId('text-limit')).toContainText('121 characters: 1 too many');
  await expect(rename.getByRole('button', { name: 'Rename' })).toBeDisabled();
  await rename.getByRole('button', { name: 'Cancel' }).click();
  await expect(rename).toBeHidden();
});
