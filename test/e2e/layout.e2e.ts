/**
 * Finding 1 of the canvas issue, on the sample investigation: a hub expanded and paged eight
 * times stays a compact block the fitted view can read, its "+K more" node in view; undoing a
 * page keeps the rest in view; the flow filter narrows the canvas exactly; re-laying out is one
 * undoable step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './app';
import { labels, offCanvas, openSample, settledView, view } from './canvasProbe';
import { dialog, probe } from './pages';

test('a hot wallet paged eight times fits in view, its "+K more" node followed into view, every label drawn at 10 px or more; the filter and re-layout act on the canvas', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await openSample(page);
  const truth = JSON.parse(readFileSync(join(app.workspace, 'sample', 'sample-data', 'truth.json'), 'utf8')) as {
    chains: { eth: string };
    hotWallets: { chain: string; address: string }[];
  };
  const hub = truth.hotWallets.find((h) => h.chain === truth.chains.eth)!.address;

  // The exchange's hot wallet, added by hand (its chain is guessed from the address).
  await page.getByRole('button', { name: /^Add address/ }).click();
  const add = dialog(page, 'Add seed or node');
  await add.getByLabel('Address').fill(hub);
  await add.getByRole('button', { name: /^Add (as seed|to graph)$/ }).click();
  await expect(add).toBeHidden();
  await expect.poll(async () => (await probe(page)).some((n) => n.address === hub)).toBe(true);

  const clickAt = async (id: string, double = false) => {
    await page.keyboard.press('f');
    await settledView(page);
    const n = (await probe(page)).find((x) => x.id === id)!;
    if (double) await page.mouse.dblclick(n.x, n.y);
    else await page.mouse.click(n.x, n.y);
  };
  const hubNode = (await probe(page)).find((n) => n.address === hub)!;
  await clickAt(hubNode.id);
  const before = (await probe(page)).length;
  await page.keyboard.press('i');
  await expect.poll(async () => (await probe(page)).length).toBeGreaterThan(before + 20);
  for (let p = 0; p < 8; p++) {
    const more = (await probe(page)).find((n) => n.kind === 'more');
    expect(more, `a +K more node before page ${p + 2}`).toBeDefined();
    const count = (await probe(page)).length;
    await clickAt(more!.id, true);
    await expect.poll(async () => (await probe(page)).length, `page ${p + 2} added`).toBeGreaterThan(count + 10);
    // After each page, the view follows: the "+K more" node is in view without fitting by hand.
    await settledView(page);
    const next = (await probe(page)).find((n) => n.kind === 'more');
    if (next) expect((await offCanvas(page)).some((n) => n.id === next.id), `+K more in view after page ${p + 2}`).toBe(false);
  }

  // Fit all: every node in view, labels drawn at a readable size or given way to the level of detail.
  await page.getByRole('button', { name: 'Fit all' }).click();
  await settledView(page);
  expect(await offCanvas(page)).toEqual([]);
  // Nothing covers the block: the overview map stands aside while all of it is in view.
  await expect(page.getByTestId('overview-map')).toBeHidden();
  // Every address on the canvas has its label drawn, at least 10 px high on screen.
  const addressLabels = (await labels(page)).filter((l) => l.kind === 'address');
  expect(addressLabels.length).toBe((await probe(page)).filter((n) => n.kind === 'address').length);
  for (const l of addressLabels) {
    expect(l.drawn, `label ${l.text} drawn`).toBe(true);
    expect(l.screenPx, `label ${l.text}`).toBeGreaterThanOrEqual(10);
  }

  // Undo the last page: what remains stays in view.
  const pagedCount = (await probe(page)).length;
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await probe(page)).length).toBeLessThan(pagedCount);
  await settledView(page);
  expect(await offCanvas(page)).toEqual([]);

  // The filter: only transfers of at least 5 ETH keep their edges; clearing brings the rest back.
  const edgesNow = async () => Number(await page.locator('body').getAttribute('data-graph-edges'));
  const all = await edgesNow();
  const bar = page.getByTestId('filter-bar');
  await bar.getByRole('button', { name: /^Filter/ }).click();
  const ethOption = await bar.getByLabel('Asset').locator('option', { hasText: /^ETH / }).first().getAttribute('value');
  await bar.getByLabel('Asset').selectOption(ethOption!);
  await bar.getByLabel('Least amount per transfer').fill('5');
  await bar.getByLabel('Least amount per transfer').press('Enter');
  await expect.poll(edgesNow).toBeLessThan(all);
  await bar.getByRole('button', { name: /^Filter/ }).click();
  await expect(bar.getByTestId('filter-summary')).toContainText('transfers of at least 5 ETH');
  await bar.getByTestId('filter-clear').click();
  await expect.poll(edgesNow).toBe(all);
  // Money moving away from the seeds only: the senders' deposits into the hot wallet are not
  // the seeds' money moving, so their edges go; expanding in is refused while it is on.
  await bar.getByRole('button', { name: /^Filter/ }).click();
  await bar.getByLabel('Direction').selectOption('downstream');
  await expect.poll(edgesNow).toBeLessThan(all);
  await bar.getByRole('button', { name: /^Filter/ }).click();
  await expect(bar.getByTestId('filter-summary')).toContainText('money moving away from the seeds');
  await clickAt(hubNode.id);
  await page.keyboard.press('i');
  await expect(page.getByRole('alert').filter({ hasText: 'cannot expand in' })).toBeVisible();
  await bar.getByTestId('filter-clear').click();
  await expect.poll(edgesNow).toBe(all);

  // Re-lay out by hop: one undoable step.
  await page.keyboard.press('r');
  await expect(page.getByRole('button', { name: /^Undo/ })).toHaveAttribute('title', /Re-lay out \d+ nodes by hop/);
  await page.keyboard.press('f');
  await settledView(page);
  expect(await offCanvas(page)).toEqual([]);
});
