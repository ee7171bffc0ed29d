/**
 * The canvas on a real-sized case (the sample investigation): navigable and readable at every
 * zoom. Everything is read back through the graph probe (renderer/graph/graphProbe.ts), since
 * Playwright cannot see inside a canvas.
 */
import type { Page } from '@playwright/test';
import { SHELL, expect, test } from './app';
import { clusters, covers, edgeLabels, labels, offCanvas, openSample, settledView, view } from './canvasProbe';
import { clickNode, dialog, expectNodeCount, probe, type ProbedNode } from './pages';

/** How much of the canvas's height the drawn nodes span on screen. */
async function spanShare(page: Page): Promise<number> {
  const v = await view(page);
  const ys = (await probe(page)).filter((n) => n.kind !== 'cluster').map((n) => n.y);
  return (Math.max(...ys) - Math.min(...ys)) / v.height;
}

/** Significant digits of an amount label such as "19.625 ETH" or "29,656 USDT ×3". */
function significantDigits(label: string): { digits: number; whole: number } {
  const number = label.split(' ')[0]!.replace(/,/g, '');
  const [whole = '', fraction = ''] = number.split('.');
  const all = (whole + fraction).replace(/^0+/, '');
  return { digits: all.length, whole: whole.replace(/^0+/, '').length };
}

test('navigation: Fit all, zoom buttons and keys, and labels readable at the fitted zoom', async ({ app }) => {
  const { page } = app;
  await openSample(page);

  // At the zoom that fits the twelve seeds, every address label is drawn and at least 10 px high.
  await expect.poll(async () => (await offCanvas(page)).length).toBe(0);
  const fitted = (await labels(page)).filter((l) => l.kind === 'address');
  expect(fitted).toHaveLength(12);
  for (const l of fitted) {
    expect(l.drawn, `label of ${l.id}`).toBe(true);
    expect(l.screenPx, `label of ${l.id}`).toBeGreaterThanOrEqual(10);
  }
  const fitZoom = (await view(page)).zoom;

  // Zoomed in far enough that the seeds no longer fit, with the buttons and with the keyboard.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.keyboard.press('+');
  await expect.poll(async () => (await view(page)).zoom).toBeGreaterThan(fitZoom * 2);
  await expect.poll(async () => (await offCanvas(page)).length).toBeGreaterThan(0);
  // Labels keep readable sizes at this zoom too.
  for (const l of (await labels(page)).filter((x) => x.kind === 'address' && x.drawn)) expect(l.screenPx).toBeGreaterThanOrEqual(10);
  // The overview map offers itself once part of the graph is out of view; a click on it moves
  // the view there: on its middle, to the middle of the graph.
  const map = page.getByTestId('overview-map');
  await expect(map).toBeVisible();
  await map.click();
  await expect
    .poll(async () => {
      const v = await view(page);
      const nodes = (await probe(page)).filter((n) => n.kind !== 'cluster');
      const mid = { x: (Math.min(...nodes.map((n) => n.x)) + Math.max(...nodes.map((n) => n.x))) / 2, y: (Math.min(...nodes.map((n) => n.y)) + Math.max(...nodes.map((n) => n.y))) / 2 };
      return Math.hypot(mid.x - (v.left + v.width / 2), mid.y - (v.top + v.height / 2));
    })
    .toBeLessThan(12);

  await page.getByRole('button', { name: 'Fit all' }).click();
  await expect.poll(async () => (await offCanvas(page)).length).toBe(0);
  await expect.poll(async () => Math.abs((await view(page)).zoom - fitZoom)).toBeLessThan(0.01);
  // With the whole graph in view the map stands aside, uncovering the corner it sat on.
  await expect(map).toBeHidden();

  // Zoom out from the keyboard, then F fits again.
  await page.keyboard.press('-');
  await expect.poll(async () => (await view(page)).zoom).toBeLessThan(fitZoom * 0.9);
  await page.keyboard.press('f');
  await expect.poll(async () => Math.abs((await view(page)).zoom - fitZoom)).toBeLessThan(0.01);

  // Fit selection zooms to one node, Recentre keeps the zoom and centres the selection.
  const seed = (await probe(page)).find((n) => n.kind === 'address')!;
  await clickNode(page, seed.address!);
  await page.getByRole('button', { name: 'Fit selection' }).click();
  await expect.poll(async () => (await view(page)).zoom).toBeGreaterThan(fitZoom);
  const zoomed = (await settledView(page)).zoom;
  // Wheel over an empty corner of the canvas zooms out.
  const v = await view(page);
  await page.mouse.move(v.left + 30, v.top + v.height - 30);
  await page.mouse.wheel(0, 400);
  await expect.poll(async () => (await view(page)).zoom).toBeLessThan(zoomed);
  await page.getByRole('button', { name: 'Recentre' }).click();
  await expect
    .poll(async () => {
      const v = await view(page);
      const n = (await probe(page)).find((x) => x.id === seed.id)!;
      return Math.hypot(n.x - (v.left + v.width / 2), n.y - (v.top + v.height / 2));
    })
    .toBeLessThan(40);
});

test('after expanding a hub and undoing, the rest of the graph is in view, not a blank canvas', async ({ app }) => {
  const { page } = app;
  await openSample(page);
  const seeds = await probe(page);
  const victim = seeds.find((n) => n.kind === 'address' && n.address?.startsWith('0x'))!;
  await clickNode(page, victim.address!);
  await page.keyboard.press('o');
  await expectNodeCount(page, 13);

  // The consolidation wallet the victim was drained into is a hub: expanding it adds dozens.
  const hub = (await probe(page)).find((n) => n.kind === 'address' && !seeds.some((s) => s.id === n.id))!;
  await clickNode(page, hub.address!);
  await page.keyboard.press('e');
  await expect.poll(async () => Number(await page.locator('body').getAttribute('data-graph-nodes'))).toBeGreaterThan(30);
  // New nodes are brought into view.
  await expect.poll(async () => (await offCanvas(page)).length).toBe(0);
  // The investigator zooms out a little: the view is theirs now, no longer one the app fitted.
  const hubZoom = (await view(page)).zoom;
  await page.keyboard.press('-');
  await expect.poll(async () => (await view(page)).zoom).toBeLessThan(hubZoom);

  await page.keyboard.press('Control+z');
  await expectNodeCount(page, 13);
  // What is left fills the view again instead of a speck in the zoom that fitted the hub.
  await expect.poll(async () => (await offCanvas(page)).length).toBe(0);
  await expect.poll(() => spanShare(page)).toBeGreaterThan(0.4);
  await expect
    .poll(async () => (await labels(page)).filter((l) => l.kind === 'address').every((l) => l.drawn && l.screenPx >= 10))
    .toBe(true);

  // Redo brings the hub's neighbours back, into view.
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(async () => Number(await page.locator('body').getAttribute('data-graph-nodes'))).toBeGreaterThan(30);
  await expect.poll(async () => (await offCanvas(page)).length).toBe(0);
});

test('edge labels are rounded with their unit, the exact amount shows on hover, and the legend can be shown', async ({ app }) => {
  const { page } = app;
  await openSample(page);
  const victim = (await probe(page)).find((n) => n.kind === 'address' && n.address?.startsWith('0x'))!;
  await clickNode(page, victim.address!);
  await page.keyboard.press('o');
  await expectNodeCount(page, 13);

  await expect.poll(async () => (await edgeLabels(page)).filter((l) => l.drawn).length).toBeGreaterThan(0);
  const drawn = (await edgeLabels(page)).filter((l) => l.drawn);
  for (const l of drawn) {
    expect(l.text).toMatch(/^[\d,]+(\.\d+)? [A-Za-z][\w.]*( ×[\d,]+)?$/);
    const { digits, whole } = significantDigits(l.text);
    // At most six significant digits, unless the whole units alone are longer (never cut).
    expect(digits, l.text).toBeLessThanOrEqual(Math.max(6, whole));
    expect(l.exact).not.toBeNull();
  }
  // Hovering an edge shows its exact amount and base units.
  const edge = (await edgeLabels(page)).find((l) => l.exact && l.exact !== l.text.split(' ×')[0]) ?? drawn[0]!;
  await page.mouse.move(edge.x - 3, edge.y - 3);
  await page.mouse.move(edge.x, edge.y);
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(edge.exact!);
  await expect(tip).toContainText('base units');

  // The legend: shown with its button, hidden and shown again with L.
  const legend = page.getByRole('region', { name: 'Legend' });
  await expect(legend).toHaveCount(0);
  await page.getByRole('button', { name: 'Legend' }).click();
  await expect(legend).toBeVisible();
  for (const entry of ['victim seed', 'token transfer', 'same key', 'tx input / output']) await expect(legend).toContainText(entry);
  await expect(page.getByRole('button', { name: 'Legend' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('l');
  await expect(legend).toHaveCount(0);
  await page.keyboard.press('l');
  await expect(legend).toBeVisible();
});

test('a cluster is drawn around exactly its members, and long names are cut with the whole name on hover', async ({ app }) => {
  const { page } = app;
  await openSample(page);
  // Three seeds one above the other in a column: group the top and bottom ones.
  const nodes = (await probe(page)).filter((n) => n.kind === 'address');
  const columns = new Map<number, ProbedNode[]>();
  for (const n of nodes) columns.set(Math.round(n.x), [...(columns.get(Math.round(n.x)) ?? []), n]);
  const column = [...columns.values()].sort((a, b) => b.length - a.length)[0]!.sort((a, b) => a.y - b.y);
  expect(column.length).toBeGreaterThanOrEqual(3);
  const [top, middle, bottom] = column as [ProbedNode, ProbedNode, ProbedNode];
  await clickNode(page, top.address!);
  await clickNode(page, bottom.address!, ['Shift']);
  await page.keyboard.press('g');
  const longName = `Consolidation wallets ${'of the drain '.repeat(15)}`.slice(0, 200);
  const group = dialog(page, /Group 2 addresses as cluster/);
  await group.getByLabel('Name').fill(longName);
  await group.getByRole('button', { name: 'Group' }).click();
  await expect(group).toBeHidden();
  await expect(page.locator('body')).toHaveAttribute('data-graph-clusters', '1');

  await expect.poll(async () => (await clusters(page)).map((c) => [...c.members].sort())).toEqual([[top.id, bottom.id].sort()]);
  const [cluster] = await clusters(page);
  const now = await probe(page);
  const at = (id: string) => now.find((n) => n.id === id)!;
  expect(await covers(page, cluster!.id, at(top.id))).toBe(true);
  expect(await covers(page, cluster!.id, at(bottom.id))).toBe(true);
  // The seed between them is not in the cluster, and its centre is outside the drawn outline;
  // so is every other node's.
  expect(await covers(page, cluster!.id, at(middle.id))).toBe(false);
  for (const n of now.filter((x) => x.kind === 'address' && x.id !== top.id && x.id !== bottom.id)) {
    expect(await covers(page, cluster!.id, n), `${n.label} outside`).toBe(false);
  }

  // A click inside the outline, off any node, selects the cluster.
  const { zoom } = await view(page);
  const inside = { x: at(bottom.id).x + 24 * zoom, y: at(bottom.id).y };
  expect(await covers(page, cluster!.id, inside)).toBe(true);
  await page.mouse.click(inside.x, inside.y);
  const details = page.getByTestId('details-panel');
  await expect(details.getByRole('heading', { name: 'Cluster', exact: true })).toBeVisible();

  // The long name: shortened on the canvas, cut with an ellipsis in the panels, whole on hover.
  const tag = (await labels(page)).find((l) => l.id === cluster!.id)!;
  expect(tag.text.length).toBeLessThanOrEqual(64);
  expect(tag.text.endsWith('…')).toBe(true);
  const listed = page.getByTestId('cluster-list').getByRole('button', { name: longName.trim(), exact: true });
  await expect(listed).toHaveAttribute('title', longName.trim());
  expect(await listed.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  const named = details.getByTestId('cluster-name');
  await expect(named).toHaveAttribute('title', longName.trim());
  expect(await named.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);

  // A 200-character tag on the cluster: cut in the tag list, whole on hover.
  await page.keyboard.press('t');
  const tagDialog = dialog(page, /^Tag/);
  const longTag = `Lazarus Group ${'laundering step '.repeat(14)}`.slice(0, 200).trim();
  await tagDialog.getByLabel('Label').fill(longTag);
  await tagDialog.getByRole('button', { name: 'Add tag' }).click();
  await expect(tagDialog).toBeHidden();
  const tagLabel = details.getByTestId('tag-list').locator('.tag-label');
  await expect(tagLabel).toHaveAttribute('title', longTag);
  expect(await tagLabel.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  // The details panel holds it without a horizontal scroll bar.
  expect(await details.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // The side panels fold away to give the canvas room, and come back.
  const before = (await view(page)).width;
  await page.getByRole('button', { name: 'Hide side panel' }).click();
  await page.getByRole('button', { name: 'Hide details panel' }).click();
  await expect.poll(async () => (await view(page)).width).toBeGreaterThan(before + 400);
  await expect(page.getByTestId('cluster-list')).toBeHidden();
  await page.getByRole('button', { name: 'Show side panel' }).click();
  await page.getByRole('button', { name: 'Show details panel' }).click();
  await expect(page.getByTestId('cluster-list')).toBeVisible();

  // At 1024 px wide the panels narrow so the canvas keeps room (the browser shell can resize its page).
  if (SHELL === 'browser') {
    await page.setViewportSize({ width: 1024, height: 768 });
    await expect.poll(async () => (await view(page)).width).toBeGreaterThanOrEqual(1024 * 0.5);
    await expect(page.getByTestId('status-line')).toBeVisible();
  }
});
