/**
 * Label packs end to end, on the sample world: a TagPack written here names the Ethereum hot
 * wallets of the world's exchanges (truth.json) and marks the thief's deposit address as
 * sanctioned, with one entry that cannot be imported. It is imported through the dialog (refused
 * until the bad entry is skipped), a victim is followed to the exchange, and the exchange's
 * name shows under its node on the canvas; the details panel lists its labels and its exposure
 * to the sanctioned deposit, exactly what the ground truth says moved. Search finds a hot wallet
 * by part of its name, and screening a list answers sanctioned, exposed, labelled, clear and
 * invalid, saved as CSV.
 *
 * Writes the README's screenshots with CAIRN_UPDATE_SCREENSHOT=1 (into test-results/ otherwise).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { formatUnits, groupDigits } from '../../shared/model/amount';
import { expect, test } from './app';
import { labels, openSample, settledView } from './canvasProbe';
import { addSeed, clickNode, createCase, dialog, expectNodeCount, nodeByAddress, probe } from './pages';
import { sampleTheft } from './sampleTruth';

/** A TagPack as GraphSense publishes them: header fields every tag inherits, one tag overriding them. */
function tagPack(hot: readonly { exchange: string; address: string }[], sanctioned: string): { yaml: string; badLine: number } {
  const lines = [
    'title: Synthetic world services (Cairn e2e)',
    'creator: Cairn test suite',
    'description: Hot wallets of the sample world exchanges, and one sanctioned deposit address',
    'lastmod: 2024-05-01',
    'currency: ETH',
    'network: ETH',
    'category: exchange',
    'confidence: service_data',
    'source: https://example.org/cairn-sample-world',
    'tags:',
  ];
  for (const h of hot) lines.push(`- address: '${h.address}'`, `  label: ${h.exchange}`);
  lines.push(`- address: '${sanctioned}'`, '  label: Sanctioned deposit (sample)', '  abuse: sanction', '  confidence: authority_data');
  // An address no chain has: the import refuses the pack until this entry is skipped.
  lines.push("- address: '0x12345'");
  const badLine = lines.length;
  lines.push('  label: Broken entry');
  return { yaml: lines.join('\n') + '\n', badLine };
}

async function shot(page: Page, name: string): Promise<void> {
  const path = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? `../../docs/${name}` : `../../test-results/${name}`;
  await page.screenshot({ path: join(import.meta.dirname, path) });
}

test('a label pack imported through the dialog: exchanges named on the canvas, found by search, and a list screened', async ({ app }) => {
  test.setTimeout(300_000);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSample(page);
  const { rows, eth, hot, path } = sampleTheft(app.workspace);
  const exchangeHot = hot.find((h) => h.address === path.at(-1))!;
  const otherHot = hot.find((h) => h.address !== exchangeHot.address)!;
  // The thief's deposit at the exchange: the last step before the hot wallet.
  const deposit = path.at(-2)!;
  const swept = rows.filter((r) => r.chain === eth && r.from === deposit && r.to === exchangeHot.address && r.symbol === 'ETH').reduce((s, r) => s + r.amount, 0n);
  expect(swept).toBeGreaterThan(0n);

  const dir = mkdtempSync(join(tmpdir(), 'cairn-labels-'));
  try {
    const pack = tagPack(hot, deposit);
    const packPath = join(dir, 'sample-services.yaml');
    writeFileSync(packPath, pack.yaml);

    // Import through the dialog: read first, what the pack holds and what it cannot import shown.
    await page.getByRole('button', { name: 'Label sets: import labels…' }).click();
    const imp = dialog(page, 'Import labels');
    await imp.getByLabel('Files or folders').fill(packPath);
    await imp.getByRole('button', { name: 'Read files' }).click();
    const preview = imp.getByTestId('label-preview-file');
    await expect(preview).toContainText('Synthetic world services (Cairn e2e)');
    await expect(preview).toContainText('Cairn test suite');
    await expect(preview).toContainText(`${hot.length + 1} labels on ${hot.length + 1} addresses`);
    await expect(imp.getByTestId('label-preview-skips')).toContainText(`line ${pack.badLine}`);
    // Import without skipping is refused, with the back end's reason; nothing is kept.
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(imp.getByTestId('label-import-error')).toContainText('cannot be imported');
    await expect(page.getByTestId('label-set-item')).toHaveCount(0);
    await imp.getByLabel('Skip the 1 entry that cannot be imported').check();
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(imp.getByTestId('label-import-result')).toContainText('Synthetic world services (Cairn e2e)');
    // The same file again adds nothing and says which set holds it; a newer version of the pack
    // (same title and creator) is offered as an update: one address added, one changed, one dropped.
    await imp.getByRole('button', { name: 'Import more labels…' }).click();
    await imp.getByLabel('Files or folders').fill(packPath);
    await imp.getByRole('button', { name: 'Read files' }).click();
    await expect(imp.getByTestId('label-preview-same')).toContainText('Already imported as set');
    const v2 = tagPack([{ ...hot[0]!, exchange: `${hot[0]!.exchange} (hot)` }, ...hot.slice(1, -1), { exchange: 'New desk', address: '0x2222222222222222222222222222222222222222' }], deposit);
    const v2Path = join(dir, 'sample-services-v2.yaml');
    writeFileSync(v2Path, v2.yaml);
    await imp.getByLabel('Files or folders').fill(v2Path);
    await imp.getByRole('button', { name: 'Read files' }).click();
    await expect(imp.getByTestId('label-preview-updates')).toContainText('+2 added');
    await expect(imp.getByTestId('label-preview-updates')).toContainText('~0 changed');
    await expect(imp.getByTestId('label-preview-updates')).toContainText('−2 dropped');
    if (process.env.CAIRN_SHOTS) await page.screenshot({ path: join(process.env.CAIRN_SHOTS, 'labels-update-preview.png') });
    await imp.getByRole('button', { name: 'Cancel' }).click();
    await expect(imp).toBeHidden();
    const set = page.getByTestId('label-set-item');
    await expect(set).toHaveCount(1);
    await expect(set.getByTestId('label-set-counts')).toHaveText(`${hot.length + 1} labels · ${hot.length + 1} addresses`);

    // Follow a victim to the exchange: the hot wallet shows up under the exchange's name.
    await createCase(page, 'Labels on the canvas');
    await addSeed(page, path[0]!, 'victim');
    for (let i = 0; i + 1 < path.length; i++) {
      await clickNode(page, path[i]!);
      await page.keyboard.press('o');
      await nodeByAddress(page, path[i + 1]!);
    }
    const hotNode = await nodeByAddress(page, exchangeHot.address);
    expect(hotNode.label).toContain(exchangeHot.exchange);
    // The sanctioned deposit is marked in its label.
    expect((await nodeByAddress(page, deposit)).label).toContain('⚠ Sanctioned deposit');
    await page.keyboard.press('r');
    await expect(page.getByRole('button', { name: /^Undo/ })).toHaveAttribute('title', /Re-lay out \d+ nodes by hop/);
    await page.keyboard.press('f');
    await settledView(page);
    // The end of the path in view (the step before the deposit, the deposit, the exchange):
    // the name is drawn under the hot wallet, cut to the zoom band's length.
    await clickNode(page, path.at(-3)!);
    await clickNode(page, deposit, ['Shift']);
    await clickNode(page, exchangeHot.address, ['Shift']);
    await page.keyboard.press('Shift+F');
    await settledView(page);
    const drawn = (await labels(page)).find((l) => l.id === hotNode.id)!;
    expect(drawn.drawn, `label "${drawn.text}" at ${drawn.screenPx} px`).toBe(true);
    const shownName = drawn.text.split('\n').at(-1)!.replace(/…$/, '');
    expect(shownName.length).toBeGreaterThan(3);
    expect(exchangeHot.exchange.startsWith(shownName)).toBe(true);

    // Its details: every label with its set, and its exposure to the sanctioned deposit, exact.
    await clickNode(page, exchangeHot.address);
    const details = page.getByTestId('details-panel');
    const labelItems = details.getByTestId('label-item');
    await expect(labelItems).toHaveCount(1);
    await expect(labelItems.first()).toContainText(exchangeHot.exchange);
    await expect(labelItems.first()).toContainText('service data (50)');
    await expect(labelItems.first()).toContainText('Synthetic world services (Cairn e2e)');
    await expect(labelItems.first()).toContainText('https://example.org/cairn-sample-world');
    const sanctionRow = details.locator('[data-testid="exposure-row"][data-category="sanction"][data-direction="received"]');
    await expect(sanctionRow).toHaveCount(1);
    await expect(sanctionRow.getByTestId('exposure-amount')).toHaveAttribute('title', new RegExp(`^${groupDigits(formatUnits(swept, 18)).replace(/\./g, '\\.')} ETH\\n`));
    await sanctionRow.locator('summary').click();
    await expect(sanctionRow.locator(`[data-address="${deposit}"]`)).toBeVisible();
    await shot(page, 'screenshot-labels.png');
    // Indirect exposure of the step before the deposit: what it sent, traced, reaches the
    // sanctioned deposit at the first hop, exactly what the ground truth says it paid there.
    await clickNode(page, path.at(-3)!);
    const paid = rows.filter((r) => r.chain === eth && r.from === path.at(-3) && r.to === deposit && r.symbol === 'ETH').reduce((s, r) => s + r.amount, 0n);
    expect(paid).toBeGreaterThan(0n);
    const indirect = details.locator('[data-testid="indirect-exposure-row"][data-category="sanction"]');
    await expect(indirect).toHaveCount(1);
    await expect(indirect.locator('td.amount')).toHaveAttribute('title', new RegExp(`^${groupDigits(formatUnits(paid, 18)).replace(/\./g, '\\.')} ETH\\n`));
    await expect(indirect.locator('td').nth(3)).toHaveText('1');
    // The deposit's transfers name the counterparty it paid by its label, not only its address.
    await clickNode(page, deposit);
    await expect(details.getByTestId('transfer-table').getByTestId('counterparty-label').first()).toHaveText(exchangeHot.exchange);
    await expect(details.getByTestId('sanctioned-badge')).toBeVisible();
    // The legend names what the fills and the double ring mean.
    await page.getByRole('button', { name: 'Legend' }).click();
    await expect(page.getByTestId('legend-labels')).toContainText('exchange');
    await expect(page.getByTestId('legend-labels')).toContainText('sanctioned');
    await page.getByRole('button', { name: 'Legend' }).click();
    await expect(page.getByTestId('legend-labels')).toBeHidden();

    // Search: part of the other exchange's name finds its hot wallet; arrow keys move to it and
    // Enter opens it. It is not on the canvas, so the details panel offers to add it.
    await page.locator('[data-testid="graph-canvas"]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    const search = dialog(page, 'Search');
    await expect(search).toBeVisible();
    await page.keyboard.type(otherHot.exchange.slice(0, 6).toLowerCase());
    const hits = search.getByRole('option');
    await expect(search.locator(`[role="option"][data-id="${otherHot.address}"]`)).toHaveCount(1);
    const ids = await hits.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    const wanted = ids.indexOf(otherHot.address);
    for (let i = 0; i < wanted; i++) await page.keyboard.press('ArrowDown');
    await expect(hits.nth(wanted)).toHaveAttribute('aria-selected', 'true');
    if (process.env.CAIRN_SHOTS) await page.screenshot({ path: join(process.env.CAIRN_SHOTS, 'labels-search.png') });
    await page.keyboard.press('Enter');
    await expect(search).toBeHidden();
    await expect(details.getByTestId('off-canvas')).toBeVisible();
    await expect(details.getByTestId('label-item').first()).toContainText(otherHot.exchange);
    await details.getByTestId('add-to-canvas').click();
    await expect.poll(async () => (await probe(page)).find((n) => n.address === otherHot.address)?.selected).toBe(true);

    // Search by the name of a node on the canvas, Enter pressed at once (before the answer
    // comes): its first hit opens, selected on the canvas.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.keyboard.type(exchangeHot.exchange.split(' ')[0]!);
    await page.keyboard.press('Enter');
    await expect(search).toBeHidden();
    await expect.poll(async () => (await probe(page)).find((n) => n.address === exchangeHot.address)?.selected).toBe(true);

    // A cluster found by its name from another case: its case opens with the cluster selected.
    await clickNode(page, deposit);
    await clickNode(page, exchangeHot.address, ['Shift']);
    await page.keyboard.press('g');
    const group = dialog(page, /Group 2 addresses as cluster/);
    await group.getByLabel('Name').fill('Exit of the stolen ETH');
    await group.getByRole('button', { name: 'Group' }).click();
    await expect(group).toBeHidden();
    await expect(page.locator('body')).toHaveAttribute('data-graph-clusters', '1');
    const casePicker = page.getByTestId('case-picker').getByRole('combobox');
    const labelsCase = await casePicker.inputValue();
    // The sample case (the sample also holds one case per other heist of its campaigns).
    const sampleCase = await casePicker.locator('option').evaluateAll((options, here) => (options as HTMLOptionElement[]).find((o) => o.value && o.value !== here && o.textContent?.startsWith('Sample investigation'))?.value, labelsCase);
    await casePicker.selectOption(sampleCase!);
    await expectNodeCount(page, 12);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('stolen ETH');
    await search.locator('[role="option"][data-kind="cluster"]').click();
    await expect(search).toBeHidden();
    await expect(casePicker).toHaveValue(labelsCase);
    await expect.poll(async () => (await probe(page)).find((n) => n.kind === 'cluster')?.selected).toBe(true);
    await expect(details.getByTestId('cluster-name')).toHaveText('Exit of the stolen ETH');
    await expect(details.getByTestId('exposure')).toBeVisible();

    // Screening: the sanctioned deposit, the hot wallet it paid, another hot wallet, an address
    // nobody knows and a line that is no address.
    await page.getByRole('button', { name: 'Screen…' }).click();
    const scr = dialog(page, 'Screen addresses');
    const unknown = '0x1111111111111111111111111111111111111111';
    await scr.getByLabel('Addresses (one per line, or chain,address)').fill([deposit, exchangeHot.address, `eth,${otherHot.address}`, unknown, 'not an address'].join('\n'));
    await scr.getByRole('button', { name: 'Run', exact: true }).click();
    const verdictOf = (line: number) => scr.locator(`[data-testid="screen-row"][data-line="${line}"]`);
    await expect(verdictOf(1)).toHaveAttribute('data-verdict', 'sanctioned');
    await expect(verdictOf(2)).toHaveAttribute('data-verdict', 'exposed');
    await expect(verdictOf(2)).toContainText('sanction (received)');
    await expect(verdictOf(3)).toHaveAttribute('data-verdict', 'labelled');
    await expect(verdictOf(3)).toContainText(otherHot.exchange);
    await expect(verdictOf(4)).toHaveAttribute('data-verdict', 'clear');
    await expect(verdictOf(5)).toHaveAttribute('data-verdict', 'invalid');
    await shot(page, 'screenshot-screening.png');

    // Save CSV: the same table, one row per line, under its header.
    const download = page.waitForEvent('download');
    await scr.getByRole('button', { name: 'Save CSV' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toBe('line,input,chain,address,verdict,labels,exposure,reason');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(csv[1]).toContain(',sanctioned,');
    expect(csv[5]).toContain(',invalid,');
    await scr.getByRole('button', { name: 'Close' }).click();

    // Removing the set (after asking) takes its labels off the canvas.
    await page.getByRole('button', { name: 'Remove label set Synthetic world services (Cairn e2e)' }).click();
    await page.getByRole('button', { name: 'Remove set' }).click();
    await expect(page.getByTestId('label-set-item')).toHaveCount(0);
    await expect.poll(async () => (await probe(page)).find((n) => n.address === exchangeHot.address)?.label).not.toContain(exchangeHot.exchange);

    // The case's own tags leave as a TagPack (Case file ▾ → Export tags as TagPack…).
    await page.keyboard.press('Escape');
    await page.keyboard.press('f');
    await settledView(page);
    const tagged = (await probe(page)).find((n) => n.kind === 'address' && n.parent === null)!;
    await clickNode(page, tagged.address!);
    await page.keyboard.press('t');
    const tag = dialog(page, /^Tag/);
    await tag.getByLabel('Label').fill('Cash-out wallet (case tag)');
    await tag.getByRole('button', { name: 'Add tag' }).click();
    await expect(tag).toBeHidden();
    await page.getByRole('button', { name: /^Case file/ }).click();
    await page.getByRole('menuitem', { name: /Export tags as TagPack/ }).click();
    const tp = page.getByTestId('tagpack-export-dialog');
    const out = join(dir, 'case-tags.yaml');
    await tp.getByLabel('Save as').fill(out);
    await tp.getByRole('button', { name: 'Export' }).click();
    await expect(tp.getByTestId('tagpack-export-result')).toContainText('Wrote 1 tag');
    const written = readFileSync(out, 'utf8');
    expect(written).toContain('label: Cash-out wallet (case tag)');
    expect(written).toMatch(/currency: ETH/);
    await tp.getByRole('button', { name: 'Close' }).click();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
