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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatUnits, groupDigits } from '../../shared/model/amount';
import { expect, test } from './app';
import { edgeLabels, labels, offCanvas, openSample, settledView } from './canvasProbe';
import { addSeed, clickNode, createCase, dialog, nodeByAddress, probe } from './pages';

interface TheftRow {
  step: string;
  chain: string;
  from: string;
  to: string;
  symbol: string;
  amount: bigint;
}

function theftRows(csv: string): TheftRow[] {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split(',');
    return { step: f[at('step')]!, chain: f[at('chain')]!, from: f[at('from')]!, to: f[at('to')]!, symbol: f[at('symbol')]!, amount: BigInt(f[at('amount')]!) };
  });
}

/** The shortest chain of theft transfers from a victim to a hot wallet, on one chain. */
function pathToExchange(rows: readonly TheftRow[], chain: string, victims: readonly string[], hot: ReadonlySet<string>): string[] {
  const next = new Map<string, string[]>();
  for (const r of rows) if (r.chain === chain && r.from !== r.to) next.set(r.from, [...(next.get(r.from) ?? []), r.to]);
  for (const victim of victims) {
    const back = new Map<string, string>([[victim, '']]);
    const queue = [victim];
    while (queue.length > 0) {
      const at = queue.shift()!;
      if (hot.has(at)) {
        const path = [at];
        while (back.get(path[0]!)) path.unshift(back.get(path[0]!)!);
        return path;
      }
      for (const to of next.get(at) ?? []) {
        if (back.has(to)) continue;
        back.set(to, at);
        queue.push(to);
      }
    }
  }
  throw new Error('no theft path from a victim to a hot wallet');
}

test('a victim followed by hand to an exchange: laid out by hop, every label readable and every step exact', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSample(page);
  const data = join(app.workspace, 'sample', 'sample-data');
  const truth = JSON.parse(readFileSync(join(data, 'truth.json'), 'utf8')) as {
    chains: { eth: string };
    victims: { chain: string; address: string }[];
    hotWallets: { exchange: string; chain: string; address: string }[];
  };
  const eth = truth.chains.eth;
  const rows = theftRows(readFileSync(join(data, 'truth', 'theft.csv'), 'utf8'));
  const hot = truth.hotWallets.filter((h) => h.chain === eth);
  const path = pathToExchange(
    rows,
    eth,
    truth.victims.filter((v) => v.chain === eth).map((v) => v.address),
    new Set(hot.map((h) => h.address)),
  );
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
