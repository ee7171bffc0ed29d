/**
 * A path followed by hand, as the README shows it: on the sample world, from a victim through
 * the consolidation wallet, the fan-out and fan-in, the peel chain and a deposit address to an
 * exchange's hot wallet, one expansion at a time. Laid out by hop and fitted, the path reads left
 * to right: every address label drawn at 10 px or more, and each step's edge carrying the exact
 * amount the generator's ground truth says moved.
 *
 * The path is found in the world's truth/theft.csv (not written into the test), so it holds for
 * any seed of the generator.
 */
import { join } from 'node:path';
import { formatUnits, groupDigits } from '../../shared/model/amount';
import { expect, test } from './app';
import { edgeLabels, labels, offCanvas, openSample, settledView } from './canvasProbe';
import { addSeed, clickNode, createCase, dialog, nodeByAddress, probe } from './pages';
import { sampleTheft } from './sampleTruth';

test('a victim followed by hand to an exchange: laid out by hop, every label readable and every step exact', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSample(page);
  const { rows, eth, hot, path } = sampleTheft(app.workspace);
  expect(path.length).toBeGreaterThanOrEqual(5);
  const exchange = hot.find((h) => h.address === path.at(-1))!.exchange;

  await createCase(page, `Trace to ${exchange}`);
  await addSeed(page, path[0]!, 'victim');
  // Follow the money: each address of the path expanded out brings the next onto the canvas.
  for (let i = 0; i + 1 < path.length; i++) {
    await clickNode(page, path[i]!);
    await page.keyboard.press('o');
    await nodeByAddress(page, path[i + 1]!);
  }
  await clickNode(page, path.at(-1)!);
  await page.keyboard.press('t');
  const tag = dialog(page, /^Tag/);
  await tag.getByLabel('Label').fill(exchange);
  await tag.getByLabel('Category').selectOption('exchange');
  await tag.getByLabel('Source').fill('synthetic world ground truth (truth.json)');
  await tag.getByRole('button', { name: 'Add tag' }).click();
  await expect(tag).toBeHidden();

  // Laid out by hop and fitted, with the side panels folded away as for a presentation: the path
  // runs left to right, in view, every label readable and every step's amount on its edge.
  await page.getByRole('button', { name: 'Hide side panel' }).click();
  await page.getByRole('button', { name: 'Hide details panel' }).click();
  await page.keyboard.press('r');
  await expect(page.getByRole('button', { name: /^Undo/ })).toHaveAttribute('title', /Re-lay out \d+ nodes by hop/);
  await page.keyboard.press('f');
  await settledView(page);
  expect(await offCanvas(page)).toEqual([]);
  const nodes = await probe(page);
  const onPath = path.map((a) => nodes.find((n) => n.address === a)!);
  for (let i = 1; i < onPath.length; i++) expect(onPath[i]!.x, `step ${i} to the right of the one before`).toBeGreaterThan(onPath[i - 1]!.x);
  const nodeLabels = (await labels(page)).filter((l) => l.kind === 'address');
  for (const l of nodeLabels) {
    expect(l.drawn, `label ${l.text}`).toBe(true);
    expect(l.screenPx, `label ${l.text}`).toBeGreaterThanOrEqual(10);
  }
  // The hot wallet is labelled by its tag, cut to fit its column (the full name on hover).
  expect(exchange.startsWith(nodeLabels.find((l) => l.id === onPath.at(-1)!.id)!.text.replace(/…$/, ''))).toBe(true);

  // Each step's edge shows its amount, exact on hover, equal to what the ground truth moved.
  const edges = await edgeLabels(page);
  for (let i = 0; i + 1 < path.length; i++) {
    const moved = rows.filter((r) => r.chain === eth && r.from === path[i] && r.to === path[i + 1] && r.symbol === 'ETH').reduce((s, r) => s + r.amount, 0n);
    const edge = edges.find((e) => e.ends?.[0] === onPath[i]!.id && e.ends?.[1] === onPath[i + 1]!.id && e.text.includes(' ETH'));
    expect(edge, `the ETH edge of step ${i + 1}`).toBeDefined();
    expect(edge!.drawn, `amount of step ${i + 1} drawn`).toBe(true);
    expect(edge!.screenPx).toBeGreaterThanOrEqual(10);
    expect(edge!.exact, `step ${i + 1}`).toBe(`${groupDigits(formatUnits(moved, 18))} ETH`);
  }

  // The README's screenshot of a traced path (written into docs/ with CAIRN_UPDATE_SCREENSHOT=1).
  const shot = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? '../../docs/screenshot-trace.png' : '../../test-results/screenshot-trace.png';
  await page.screenshot({ path: join(import.meta.dirname, shot) });
});
