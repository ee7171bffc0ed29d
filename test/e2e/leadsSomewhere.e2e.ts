/**
 * Everything on the canvas leads somewhere, and big seed lists stay usable: edges open their
 * transfers, addresses and hashes in tables open what they name, seeds can be filtered and
 * removed, hidden nodes come back one by one, and the sidebar keeps every section in view.
 */
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { FIXTURES, expect, test } from './app';
import { addSeed, clickNode, createCase, expectNodeCount, importAndClose, probe, type ProbedNode } from './pages';

const BLK = join(FIXTURES, 'bitcoin/mainnet-blocks-1-255.blk');
const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
/** The key paid by block 9's coinbase (P2PK, shown as its P2PKH address). */
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const A16F = 'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be';

/** Screenshots for looking at the layout by eye (CAIRN_SHOTS=<folder>); the assertions never depend on them. */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.CAIRN_SHOTS;
  if (dir) await page.screenshot({ path: join(dir, `leads-${name}.png`) });
}

async function openSample(page: Page): Promise<void> {
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('sample-badge')).toBeVisible({ timeout: 90_000 });
  await expectNodeCount(page, 12);
}

/** The section's count, as its heading shows it: "Seeds (200)". */
async function sectionCount(section: Locator): Promise<number> {
  const text = (await section.getByRole('heading').innerText()).replace(/,/g, '');
  return Number(/\((\d+)\)/.exec(text)?.[1] ?? NaN);
}

/** Every section of the sidebar is on screen and the sidebar itself is not scrolled to get there. */
async function expectSidebarFits(page: Page): Promise<void> {
  for (const id of ['seed-section', 'hidden-section', 'cluster-list', 'dataset-list']) await expect(page.getByTestId(id)).toBeInViewport();
  const sidebar = page.getByRole('complementary', { name: 'Overview' });
  expect(await sidebar.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
  // The datasets' first entry, not only their heading, can be read.
  await expect(page.getByTestId('dataset-list').getByRole('listitem').first()).toBeInViewport();
}

/** Node positions once the canvas has stopped moving (focus and fit animate). */
async function settledNodes(page: Page): Promise<ProbedNode[]> {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify((await probe(page)).map((n) => [n.id, Math.round(n.x), Math.round(n.y)]));
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
  return probe(page);
}

function fractionDigits(decimal: string): number {
  return decimal.split('.')[1]?.length ?? 0;
}

/** A whole-units decimal such as "19.624991098724307804" rounded half up to `digits` fraction digits, trailing zeros dropped, grouped as shown. */
function roundTo(decimal: string, digits: number): string {
  const [whole, fraction = ''] = decimal.replace(/,/g, '').split('.');
  const scaled = BigInt(whole! + fraction.padEnd(digits + 1, '0').slice(0, digits + 1));
  const rounded = (scaled + 5n) / 10n;
  const text = rounded.toString().padStart(digits + 1, '0');
  const head = text.slice(0, text.length - digits);
  const tail = text.slice(text.length - digits).replace(/0+$/, '');
  const grouped = head.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return tail ? `${grouped}.${tail}` : grouped;
}

/** Clicks the middle of the straight edge between two nodes. */
async function clickEdge(page: Page, from: ProbedNode, to: ProbedNode): Promise<void> {
  await page.mouse.click((from.x + to.x) / 2, (from.y + to.y) / 2);
}

test('on the sample: the sidebar fits, seeds filter and go, hidden nodes come back, edges and counterparties lead somewhere', async ({ app }) => {
  const { page } = app;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await openSample(page);
  const seedSection = page.getByTestId('seed-section');
  const seedList = page.getByTestId('seed-list');
  const hiddenSection = page.getByTestId('hidden-section');
  expect(await sectionCount(seedSection)).toBe(200);
  expect(await sectionCount(hiddenSection)).toBe(188);
  await expect(seedList.getByRole('listitem')).toHaveCount(200);
  await expectSidebarFits(page);
  await shot(page, 'sample-1600');

  // Filter the 200 seeds by note: as many as the notes that say so.
  const titles = await seedList.locator('.seed-item').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  const usdt = titles.filter((t) => t.toLowerCase().includes('usdt')).length;
  expect(usdt).toBeGreaterThan(0);
  expect(usdt).toBeLessThan(200);
  const filter = seedSection.getByLabel('Filter seeds');
  // "/" takes the keyboard to the filter.
  await page.locator('body').press('/');
  await expect(filter).toBeFocused();
  await page.keyboard.type('usdt');
  await expect(seedList.getByRole('listitem')).toHaveCount(usdt);
  await expect(page.getByTestId('seed-filter-count')).toHaveText(`${usdt} of 200`);
  // ...and by address: the tail of one hidden seed finds it alone.
  await filter.fill('');
  const hiddenSeed = seedList.locator('.seed-row.off-canvas').nth(40);
  const display = (await hiddenSeed.locator('.mono').innerText()).trim();
  await filter.fill(display.slice(-10));
  await expect(seedList.getByRole('listitem')).toHaveCount(1);
  await expect(seedList).toContainText(display);

  // It is hidden: the list leads to its details, with a way back onto the canvas.
  await seedList.getByRole('button', { name: new RegExp(display) }).click();
  const details = page.getByTestId('details-panel');
  await expect(details.getByTestId('address-display')).toHaveValue(display);
  await expect(details.getByTestId('off-canvas')).toContainText('Hidden on the canvas');

  // Remove it from the seed list; its node stays (hidden); Ctrl+Z brings the seed back.
  await seedList.getByRole('listitem').hover();
  await seedList.getByRole('button', { name: `Remove seed ${display}` }).click();
  await expect(seedList).toContainText('No seed matches');
  await expect.poll(() => sectionCount(seedSection)).toBe(199);
  expect(await sectionCount(hiddenSection)).toBe(188);
  // Ctrl+Z: the removed row's button took the focus with it, so the key goes to the app.
  await page.keyboard.press('Control+z');
  await expect.poll(() => sectionCount(seedSection)).toBe(200);
  await expect(seedList.getByRole('listitem')).toHaveCount(1);

  // Show that one hidden node again from the Hidden list: it is drawn, selected, and leaves the list.
  const hiddenFilter = hiddenSection.getByLabel('Filter hidden nodes');
  await hiddenFilter.fill(display.slice(-10));
  await expect(page.getByTestId('hidden-list').getByRole('listitem')).toHaveCount(1);
  await page.getByTestId('hidden-list').getByRole('button', { name: /^Show / }).click();
  await expectNodeCount(page, 13);
  expect(await sectionCount(hiddenSection)).toBe(187);
  await expect.poll(async () => (await probe(page)).find((n) => n.selected)?.label).toContain(display.slice(-4));
  await expect(details.getByTestId('address-display')).toHaveValue(display);
  await expect(details.getByTestId('off-canvas')).toHaveCount(0);
  await filter.fill('');
  await hiddenFilter.fill('');

  // Follow the money out of a victim (chosen in the seed list, which selects it on the canvas),
  // then click the edge to the wallet that drained it: its transfers, summing to its label.
  const victim = seedList.locator('.seed-row:not(.off-canvas)').filter({ hasText: /0x/ }).first();
  const victimDisplay = (await victim.locator('.mono').innerText()).trim();
  await victim.locator('.seed-item').click();
  await expect(details.getByTestId('address-display')).toHaveValue(victimDisplay);
  const before = new Set((await probe(page)).map((n) => n.address));
  await page.keyboard.press('o');
  await expectNodeCount(page, 14);
  const nodes = await settledNodes(page);
  const from = nodes.find((n) => n.selected)!;
  const drain = nodes.find((n) => n.kind === 'address' && !before.has(n.address))!;
  await clickEdge(page, from, drain);
  const edge = details.getByTestId('edge-details');
  await expect(edge).toBeVisible();
  await shot(page, 'edge-1600');
  const label = (await edge.getByTestId('edge-label').innerText()).trim();
  const total = await edge.getByTestId('edge-total').getAttribute('data-base-units');
  const table = edge.getByTestId('edge-transfer-table');
  await expect(table.locator('td.amount').first()).toBeVisible();
  const range = (await edge.getByTestId('edge-transfer-range').innerText()).replace(/,/g, '');
  const count = Number(/of (\d+)/.exec(range)![1]);
  let sum = 0n;
  let rows = 0;
  for (;;) {
    const values = await table.locator('td.amount').evaluateAll((els) => els.map((e) => e.getAttribute('data-base-units') ?? ''));
    rows += values.length;
    for (const v of values) sum += BigInt(v);
    const next = edge.getByRole('button', { name: 'Next' });
    if (await next.isDisabled()) break;
    const before = await edge.getByTestId('edge-transfer-range').innerText();
    await next.click();
    await expect(edge.getByTestId('edge-transfer-range')).not.toHaveText(before);
  }
  expect(rows).toBe(count);
  expect(sum.toString()).toBe(total);
  // The canvas label is that total in whole units, rounded for room, and the count when there are several.
  const shownTotal = (await edge.getByTestId('edge-total').innerText()).trim();
  const [labelAmount, symbol, times] = label.split(' ');
  expect(`${roundTo(shownTotal.split(' ')[0]!, fractionDigits(labelAmount!))} ${symbol}`).toBe(`${labelAmount} ${shownTotal.split(' ')[1]}`);
  expect(times ?? null).toBe(count > 1 ? `×${count}` : null);

  // The edge's ends lead back to the canvas: the drain wallet is selected there.
  await edge.locator(`button[data-address="${drain!.address}"]`).click();
  await expect.poll(async () => (await probe(page)).find((n) => n.address === drain!.address)?.selected).toBe(true);
  // Its counterparties: one not on the canvas opens with "Add to canvas", which draws and selects it.
  const transfers = details.getByTestId('transfer-table');
  const offCanvas = transfers.locator('button.lead-link[data-address]:not(.on-canvas)').first();
  const counterparty = (await offCanvas.getAttribute('data-address'))!;
  await offCanvas.click();
  await expect(details.getByTestId('off-canvas')).toContainText('Not on the canvas');
  await shot(page, 'lead-1600');
  await details.getByTestId('add-to-canvas').click();
  await expectNodeCount(page, 15);
  await expect.poll(async () => (await probe(page)).find((n) => n.address === counterparty)?.selected).toBe(true);
  // Back returns to the drain wallet.
  await details.getByTestId('details-back').click();
  await expect.poll(async () => (await probe(page)).find((n) => n.address === drain!.address)?.selected).toBe(true);

  // The seed list folds away, and opens again as it was.
  const toggle = seedSection.getByRole('button', { name: /^Seeds/ });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(seedList).toHaveCount(0);
  await toggle.click();
  await expect(seedList.getByRole('listitem')).toHaveCount(200);

  // At 1024×768 every section is still in view.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expectSidebarFits(page);
  await shot(page, 'sample-1024');
  await transfers.locator('button.lead-link[data-txid]').first().click();
  await expect(details.getByTestId('tx-transfers')).toBeVisible();
  await shot(page, 'tx-eth-1024');
});

test('Bitcoin blocks 1–255: a transaction hash opens it, and an output leads to the transaction that spent it', async ({ app }) => {
  const { page } = app;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await createCase(page, 'Peel chain');
  await importAndClose(page, [BLK]);
  await addSeed(page, SATOSHI, 'victim', MAINNET);
  await expectNodeCount(page, 1);
  await clickNode(page, SATOSHI);
  const details = page.getByTestId('details-panel');

  // Block 170's transaction, from the address's transfers.
  await details.getByTestId('transfer-table').locator(`button[data-txid="${F4184}"]`).first().click();
  const tx = details.getByTestId('tx-details');
  await expect(tx.getByTestId('tx-txid')).toHaveValue(F4184);
  await expect(tx.getByTestId('tx-total-out')).toHaveText('50 BTC');
  // Output 1, the 40 BTC change, was spent by a16f3ce4… in block 181.
  const change = tx.getByTestId('tx-outputs').locator('tr[data-n="1"]');
  await expect(change).toContainText('40 BTC');
  await shot(page, 'tx-1600');
  await change.locator(`button[data-txid="${A16F}"]`).click();
  await expect(tx.getByTestId('tx-txid')).toHaveValue(A16F);
  // Its input spends that output: the link leads back.
  const input = tx.getByTestId('tx-inputs').locator('tr[data-n="0"]');
  await expect(input).toContainText(':1');
  await expect(input.locator(`button[data-txid="${F4184}"]`)).toBeVisible();
  // Back (Alt+←) returns to block 170's transaction, then to the address.
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(tx.getByTestId('tx-txid')).toHaveValue(F4184);
  await details.getByTestId('details-back').click();
  await expect(details.getByTestId('address-display')).toHaveValue(SATOSHI);
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'address-btc-1024');
});
