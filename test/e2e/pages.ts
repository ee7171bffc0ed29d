import type { Locator, Page } from '@playwright/test';
import { expect } from './app';

/** Page objects: the few things a test needs from the UI, by role and label. */
export interface ProbedNode {
  id: string;
  kind: 'address' | 'more' | 'cluster' | 'tx';
  address: string | null;
  /** Tx nodes ("Tx nodes" view) only. */
  txid: string | null;
  label: string;
  parent: string | null;
  selected: boolean;
  x: number;
  y: number;
}

export function probe(page: Page): Promise<ProbedNode[]> {
  return page.evaluate(() => {
    const p = (window as unknown as { cairnGraphProbe?: { nodes(): ProbedNode[] } }).cairnGraphProbe;
    return p ? p.nodes() : [];
  });
}

export async function nodeByAddress(page: Page, address: string): Promise<ProbedNode> {
  await expect.poll(async () => (await probe(page)).some((n) => n.address === address)).toBe(true);
  return (await probe(page)).find((n) => n.address === address)!;
}

/** Waits until the canvas shows this many nodes (clusters not counted). */
export async function expectNodeCount(page: Page, n: number): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-graph-nodes', String(n));
}

export function dialog(page: Page, name: string | RegExp): Locator {
  return page.getByRole('dialog', { name });
}

export async function createCase(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: /^New case/ }).first().click();
  const d = dialog(page, 'New case');
  await d.getByLabel('Case name').fill(name);
  await d.getByRole('button', { name: 'Create' }).click();
  await expect(d).toBeHidden();
}

export async function importPaths(page: Page, paths: string[]): Promise<Locator> {
  await page.getByRole('button', { name: /^Import/ }).click();
  const d = dialog(page, 'Import data');
  await d.getByLabel('Files or folders').fill(paths.join('\n'));
  await d.getByRole('button', { name: 'Start' }).click();
  return d;
}

/** Commits an import waiting in review (what it found is shown first, nothing kept until then). */
export async function commitReview(imp: Locator): Promise<void> {
  await expect(imp.getByTestId('import-review')).toBeVisible();
  await imp.getByRole('button', { name: 'Commit' }).click();
}

/** Imports, commits at review and closes the dialog once the summary shows; returns the summary's text. */
export async function importAndClose(page: Page, paths: string[]): Promise<string> {
  const imp = await importPaths(page, paths);
  await commitReview(imp);
  const summary = imp.getByTestId('import-summary');
  await expect(summary).toBeVisible();
  const text = await summary.innerText();
  await imp.getByRole('button', { name: 'Close' }).click();
  return text;
}

/** Adds a seed; `chain` is a CAIP-2 id, by default the dialog's (Ethereum). */
export async function addSeed(page: Page, address: string, role: string, chain?: string): Promise<void> {
  await page.getByRole('button', { name: /^Add address/ }).click();
  const d = dialog(page, 'Add seed or node');
  await d.getByLabel('Address').fill(address);
  if (chain) await d.getByLabel('Chain').selectOption(chain);
  await d.getByLabel('Role').selectOption(role);
  await d.getByRole('button', { name: 'Add as seed' }).click();
  await expect(d).toBeHidden();
}

export async function clickNode(page: Page, address: string, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  // Where the node is once the view has come to rest (an update may move the view just now).
  let last = '';
  await expect
    .poll(async () => {
      const at = (await probe(page)).find((x) => x.address === address);
      const now = at ? `${at.x},${at.y}` : '';
      const same = now !== '' && now === last;
      last = now;
      return same;
    })
    .toBe(true);
  const n = await nodeByAddress(page, address);
  await page.mouse.move(n.x, n.y);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(n.x, n.y);
  for (const m of modifiers) await page.keyboard.up(m);
  await expect.poll(async () => (await probe(page)).find((x) => x.address === address)?.selected).toBe(true);
}

/** Tx nodes of the "Tx nodes" view, from the probe. */
export async function txNodes(page: Page): Promise<ProbedNode[]> {
  return (await probe(page)).filter((n) => n.kind === 'tx');
}

export async function clickTxNode(page: Page, txid: string): Promise<void> {
  await expect.poll(async () => (await txNodes(page)).some((n) => n.txid === txid)).toBe(true);
  const n = (await txNodes(page)).find((x) => x.txid === txid)!;
  await page.mouse.move(n.x, n.y);
  await page.mouse.click(n.x, n.y);
  await expect.poll(async () => (await txNodes(page)).find((x) => x.txid === txid)?.selected).toBe(true);
}

/** One API call through the page's transport, as the app makes it. */
export async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  return page.evaluate(
    async ([m, a]) => {
      type Envelope = { ok: true; result: unknown } | { ok: false; error: { kind: string; message: string } };
      const bridge = (window as unknown as { cairn?: { invoke(method: string, args: unknown): Promise<Envelope> } }).cairn;
      const envelope: Envelope = bridge
        ? await bridge.invoke(m, a)
        : await (
            await fetch(`/api/${m}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('cairn.token') ?? ''}` },
              body: JSON.stringify(a),
            })
          ).json();
      if (!envelope.ok) throw new Error(`${m}: ${envelope.error.kind}: ${envelope.error.message}`);
      return envelope.result;
    },
    [method, args] as const,
  ) as Promise<T>;
}
