/**
 * Tracing in the app, on the sample investigation: with nothing selected, Trace… offers the
 * case's victims; a FIFO trace started and cancelled at once saves nothing; run again, it opens
 * in the trace view, whose endpoints table holds exactly the endpoints (and value still moving)
 * that trace.get returns for the saved trace, amount for amount, and whose totals reconcile. The
 * bridge the stolen USDT went into is an endpoint: its address leads to the case's canvas, where
 * it and its other side on Tron are tagged as a bridge; the lock and the release are then
 * proposed as a cross-chain link, confirmed, and the trace run again follows the value onto
 * Tron. A removed trace comes back with Undo.
 *
 * The API is read through the page's own transport (the Electron bridge, or the browser shell's
 * loopback server with the page's session token), so the test runs in either shell. Writes the
 * README's screenshots with CAIRN_UPDATE_SCREENSHOT=1 (into test-results/ otherwise).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SavedTrace, TraceEndpoint } from '../../shared/api/traceSchemas';
import { expect, test } from './app';
import { openSample } from './canvasProbe';
import { api, clickNode, dialog, probe } from './pages';


/** The sample world's bridge (truth.json): where the stolen USDT was locked on Ethereum, and where it came out on Tron. */
function truthBridge(workspace: string): { lock: string; locks: string[]; release: string } {
  const truth = JSON.parse(readFileSync(join(workspace, 'sample', 'sample-data', 'truth.json'), 'utf8')) as {
    bridge: { locks: { tx: string; to: string }[]; release: { from: string } };
  };
  return { lock: truth.bridge.locks[0]!.to, locks: truth.bridge.locks.map((l) => l.tx), release: truth.bridge.release.from };
}

/** A candidate shows its transactions as the app shortens them. */
function shortTx(tx: string): string {
  return `${tx.slice(0, 8)}…${tx.slice(-6)}`;
}

/** Tags the selected canvas node as a bridge (T, the tag dialog). */
async function tagSelected(page: Page, label: string): Promise<void> {
  await page.keyboard.press('t');
  const tag = dialog(page, /^Tag/);
  await tag.getByLabel('Label').fill(label);
  await tag.getByLabel('Category').selectOption('bridge');
  await tag.getByLabel('Source').fill('synthetic world ground truth (truth.json)');
  await tag.getByRole('button', { name: 'Add tag' }).click();
  await expect(tag).toBeHidden();
}

async function shot(page: Page, name: string): Promise<void> {
  const path = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? `../../docs/${name}` : `../../test-results/${name}`;
  await page.screenshot({ path: join(import.meta.dirname, path) });
}

/** Rows as address, asset and exact amount, sorted: the same multiset from the table and from the API. */
const rowKeys = (rows: readonly Pick<TraceEndpoint, 'address' | 'asset' | 'amount'>[]) => rows.map((r) => `${r.address ?? ''}|${r.asset.id}|${r.amount}`).sort();

async function tableKeys(page: Page, testId: string): Promise<string[]> {
  return page
    .getByTestId(testId)
    .getByTestId('trace-row')
    .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-address')}|${r.getAttribute('data-asset')}|${r.getAttribute('data-amount')}`).sort());
}

test('a FIFO trace from the sample victims: cancelled saves nothing; run, its endpoints table and totals are the saved result', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSample(page);
  const caseId = (await api<{ settings: { lastCase: string } }>(page, 'app.info', {})).settings.lastCase;
  const graph = await api<{ seeds: { role: string; address: string }[] }>(page, 'graph.get', { caseId });
  const victims = graph.seeds.filter((s) => s.role === 'victim');
  expect(victims.length).toBeGreaterThan(10);

  // Nothing selected: Trace… offers the victims, FIFO first.
  await page.getByRole('button', { name: 'Trace…' }).click();
  const d = dialog(page, 'Trace');
  await expect(d.getByTestId('trace-sources')).toContainText(`Sources: ${victims.length} victims of the case`);
  await expect(d.getByRole('radio', { name: /^FIFO/ })).toBeChecked();
  await expect(d.getByLabel('Max hops')).toHaveValue('6');
  await expect(d.getByLabel('Unlabelled hubs (addresses with very many counterparties) stop the trace')).toBeChecked();
  await shot(page, 'screenshot-trace-dialog.png');

  // Started and cancelled at once: the dialog says so and the case keeps no trace.
  await d.getByRole('button', { name: 'Run trace' }).click();
  await d.getByRole('button', { name: 'Cancel trace' }).click();
  await expect(d.getByTestId('trace-cancelled')).toBeVisible();
  expect(await api<unknown[]>(page, 'trace.list', { caseId })).toEqual([]);

  // Run again and wait: the saved trace opens in the trace view.
  await d.getByRole('button', { name: 'Run again' }).click();
  await expect(d).toBeHidden({ timeout: 60_000 });
  const view = page.getByTestId('trace-view');
  await expect(view).toBeVisible();
  const saved = await api<{ id: number }[]>(page, 'trace.list', { caseId });
  expect(saved).toHaveLength(1);
  const trace = await api<SavedTrace>(page, 'trace.get', { caseId, traceId: saved[0]!.id });
  expect(trace.spec.method).toBe('fifo');
  expect(trace.spec.sources).toHaveLength(victims.length);
  const { endpoints, unresolved, totals } = trace.result;
  expect(endpoints.length).toBeGreaterThan(0);
  await expect(view.getByTestId('trace-title')).toHaveText(trace.name);

  // The endpoints table is the saved result, row for row and amount for amount; still moving apart.
  await expect(view.getByTestId('trace-endpoints').getByTestId('trace-row')).toHaveCount(endpoints.length);
  expect(await tableKeys(page, 'trace-endpoints')).toEqual(rowKeys(endpoints));
  await expect(view.getByTestId('trace-unresolved').getByTestId('trace-row')).toHaveCount(unresolved.length);
  expect(await tableKeys(page, 'trace-unresolved')).toEqual(rowKeys(unresolved));
  // The totals reconcile for every asset, as the saved result says they do.
  expect(totals.every((t) => t.reconciles)).toBe(true);
  await expect(view.getByTestId('trace-total-row')).toHaveCount(totals.length);
  for (const row of await view.getByTestId('trace-total-row').all()) await expect(row.getByTestId('trace-reconciles')).toHaveText('reconciles ✓');
  // Save CSV: every endpoint, then every row still moving, exact in base units.
  const download = page.waitForEvent('download');
  await view.getByRole('button', { name: 'Save CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  const header = csv[0]!.split(',');
  expect(header.slice(0, 3)).toEqual(['kind', 'chain', 'address']);
  const cells = csv.slice(1).map((line) => line.split(','));
  const at = (name: string) => header.indexOf(name);
  expect(cells.filter((c) => c[at('kind')] === 'endpoint').map((c) => c[at('amount_base_units')]).sort()).toEqual(endpoints.map((e) => e.amount).sort());
  expect(cells.filter((c) => c[at('kind')] === 'still moving').map((c) => c[at('amount_base_units')]).sort()).toEqual(unresolved.map((e) => e.amount).sort());
  // Sorted by amount, the largest endpoint of the first asset (in the totals' order) leads the table.
  const firstAsset = totals.find((t) => endpoints.some((e) => e.asset.id === t.asset.id))!.asset.id;
  const largest = endpoints.filter((e) => e.asset.id === firstAsset).reduce((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? b : a));
  await expect(view.getByTestId('trace-endpoints').getByTestId('trace-row').first()).toHaveAttribute('data-amount', largest.amount);
  // The drawing, fitted into the view at 1440×900, draws its labels at a readable size.
  await expect(view.getByTestId('trace-drawn')).toContainText('addresses');
  const labelPx = Number(await view.getByTestId('trace-canvas').getAttribute('data-label-px'));
  expect(labelPx, 'smallest label on screen, px').toBeGreaterThanOrEqual(10);
  await shot(page, 'screenshot-trace-result.png');
  if (process.env.CAIRN_SHOTS) {
    await view.getByTestId('trace-endpoints').getByTestId('trace-row').nth(1).click();
    await view.getByRole('button', { name: 'By time' }).click();
    await page.screenshot({ path: join(process.env.CAIRN_SHOTS, 'trace-by-time.png') });
    await view.getByRole('button', { name: 'By hop' }).click();
  }

  // The bridge the stolen USDT went into on Ethereum is an endpoint: its address leads to the
  // case's canvas, added there and selected, where it is tagged as a bridge. So is the bridge's
  // side on Tron, added by hand.
  const bridge = truthBridge(app.workspace);
  expect(endpoints.some((e) => e.address === bridge.lock)).toBe(true);
  await view.getByTestId('trace-endpoints').locator(`button[data-address="${bridge.lock}"]`).first().click();
  await expect(view).toBeHidden();
  await expect.poll(async () => (await probe(page)).find((n) => n.address === bridge.lock)?.selected).toBe(true);
  await tagSelected(page, 'Bridge (Ethereum side)');
  await page.getByRole('button', { name: /^Add address/ }).click();
  const add = dialog(page, 'Add seed or node');
  await add.getByLabel('Address').fill(bridge.release);
  await add.getByLabel('Add as seed (a starting point of the case)').uncheck();
  await add.getByRole('button', { name: 'Add to graph' }).click();
  await expect(add).toBeHidden();
  await clickNode(page, bridge.release);
  await tagSelected(page, 'Bridge (Tron side)');

  // Back in the trace view: the lock and the release are proposed as a link with their reasons;
  // confirmed, the next run of the trace follows the stolen USDT from Ethereum onto Tron.
  await page.getByRole('button', { name: 'Traces' }).click();
  await view.getByRole('button', { name: 'Propose links' }).click();
  const candidate = view.getByTestId('link-candidate').filter({ hasText: shortTx(bridge.locks[0]!) });
  await expect(candidate).toContainText('into Bridge (Ethereum side) (bridge), out of Bridge (Tron side) (bridge)');
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  await expect(view.getByTestId('case-link')).toHaveCount(1);
  await expect(view.getByTestId('case-link')).toContainText('confirmed');
  const [link] = await api<{ status: string; evidence: string[]; from: { tx: string } }[]>(page, 'links.list', { caseId });
  expect(link!.status).toBe('confirmed');
  expect(link!.from.tx).toBe(bridge.locks[0]);
  expect(link!.evidence.length).toBeGreaterThan(0);
  await view.getByRole('button', { name: 'Run again' }).click();
  await expect(view.getByTestId('trace-item')).toHaveCount(2, { timeout: 30_000 });
  const rerun = (await api<{ id: number }[]>(page, 'trace.list', { caseId })).reduce((a, b) => (b.id > a.id ? b : a));
  const crossed = await api<SavedTrace>(page, 'trace.get', { caseId, traceId: rerun.id });
  expect(crossed.result.links).toHaveLength(1);
  const tronUsdt = crossed.result.totals.find((t) => t.asset.chain.startsWith('tron:') && t.asset.symbol === 'USDT')!;
  expect(BigInt(tronUsdt.linkedIn)).toBeGreaterThan(0n);
  await expect(view.getByTestId('trace-title')).toHaveText(crossed.name);
  await expect(view.getByTestId('trace-endpoints').getByTestId('trace-row')).toHaveCount(crossed.result.endpoints.length);
  for (const row of await view.getByTestId('trace-total-row').all()) await expect(row.getByTestId('trace-reconciles')).toHaveText('reconciles ✓');
  if (process.env.CAIRN_SHOTS) await page.screenshot({ path: join(process.env.CAIRN_SHOTS, 'trace-across-link.png') });
  await view.getByRole('button', { name: trace.name, exact: true }).click();
  await expect(view.getByTestId('trace-title')).toHaveText(trace.name);

  // Removed from the trace view, the trace comes back with Undo.
  await view.getByRole('button', { name: `Remove trace ${trace.name}`, exact: true }).click();
  await expect(view.getByTestId('trace-item')).toHaveCount(1);
  expect((await api<{ id: number }[]>(page, 'trace.list', { caseId })).map((t) => t.id)).toEqual([rerun.id]);
  await page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(view.getByTestId('trace-item')).toHaveCount(2);
  await view.getByRole('button', { name: trace.name, exact: true }).click();
  await expect(view.getByTestId('trace-endpoints').getByTestId('trace-row')).toHaveCount(endpoints.length);
});
