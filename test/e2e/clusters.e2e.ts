/**
 * Automatic clusters in the app, on real data: Bitcoin block 702861 imported through the import
 * dialog, whose multi-input transactions make wallet e9538 (four addresses, joined by three
 * transactions). Two of its addresses are added to a new case and expanded; the details panel
 * says which wallet an address is in and why (the transactions, multi-input), and answers "why"
 * for the two: the chain of merges clusters.why gives, step for step. W collapses the wallet into
 * one entity node, whose edges are the wallet's; Expand back draws the addresses again exactly
 * where they were, and undo collapses it once more.
 *
 * The API is read through the page's own transport (the Electron bridge, or the browser shell's
 * loopback server with the page's session token), so the test runs in either shell. Writes
 * docs/screenshot-clusters.png with CAIRN_UPDATE_SCREENSHOT=1 (into test-results/ otherwise).
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ClusterWhy, EntityNode, Graph } from '../../shared/api/schemas';
import { FIXTURES, expect, test } from './app';
import { api, clickNode, createCase, dialog, expectNodeCount, importAndClose, probe } from './pages';

const BLOCK = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const BTC = 'bip122:000000000019d6689c085ae165831e93';
/** Two addresses of wallet e9538, joined through a third, 19tn1…, by two transactions. */
const A = 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp';
const B = 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx';
const HUB = '19tn1SfkjkXr8kieKzq7oN6XRTSPaPz3Ae';
/** What the wallet paid, from the block: 50,998 + 2,522 sat to 1LnLq…, 1,847 + 91 to bc1qhp…. */
const PAID = { '1LnLq7DX4U1VMkLrbibjRSVLBgpbb9Gf6r': '53520', bc1qhped0je9aemu9ka3dkc68nkq0hlxspnkkvyywz: '1938' } as Record<string, string>;


async function shot(page: Page, name: string): Promise<void> {
  const path = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? `../../docs/${name}` : `../../test-results/${name}`;
  await page.screenshot({ path: join(import.meta.dirname, path) });
}

/** Adds an address as a plain node (not a seed) through the Add address dialog. */
async function addNode(page: Page, address: string): Promise<void> {
  await page.getByRole('button', { name: /^Add address/ }).click();
  const d = dialog(page, 'Add seed or node');
  await d.getByLabel('Address').fill(address);
  await d.getByLabel('Chain').selectOption(BTC);
  await d.getByLabel('Add as seed (a starting point of the case)').uncheck();
  await d.getByRole('button', { name: 'Add to graph' }).click();
  await expect(d).toBeHidden();
}

/** Address nodes' positions, as the case stores them. */
async function positions(page: Page, caseId: string): Promise<Record<string, [number, number]>> {
  const g = await api<Graph>(page, 'graph.get', { caseId });
  return Object.fromEntries(g.nodes.flatMap((n) => (n.kind === 'address' ? [[n.address, [n.x, n.y] as [number, number]]] : [])));
}

test('two addresses of one wallet: the details say why they are one, W collapses the wallet into an entity node and it expands back', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });
  await createCase(page, 'Wallet e9538');
  expect(await importAndClose(page, [BLOCK])).toContain('bitcoin-blocks');
  const caseId = (await api<{ settings: { lastCase: string } }>(page, 'app.info', {})).settings.lastCase;

  await addNode(page, A);
  await addNode(page, B);
  await expectNodeCount(page, 2);
  // Expanded both ways (E): the third address of the wallet that joins them, and whom B paid.
  await clickNode(page, A);
  await page.keyboard.press('e');
  await expectNodeCount(page, 3);
  await clickNode(page, B);
  await page.keyboard.press('e');
  await expectNodeCount(page, 5);

  // The canvas marks the wallet's size on its addresses ("[4]").
  const drawnA = (await probe(page)).find((n) => n.address === A)!;
  expect(drawnA.label).toContain('[4]');

  // A's details: its wallet, and the transaction that put it there.
  await clickNode(page, A);
  const details = page.getByTestId('details-panel');
  const wallet = details.getByTestId('wallet-section');
  await expect(wallet.getByTestId('wallet-size')).toContainText('4 addresses');
  const shown = await api<{ cluster: string; evidence: { tx: string; heuristic: string }[] }>(page, 'clusters.show', { chain: BTC, address: A, caseId });
  await expect(wallet.getByTestId('wallet-size')).toContainText(shown.cluster);
  const evidence = wallet.getByTestId('wallet-evidence').locator('li');
  await expect(evidence).toHaveCount(shown.evidence.length);
  await expect(evidence.first()).toContainText(`In this wallet because of tx ${shown.evidence[0]!.tx.slice(0, 6)}`);
  await expect(evidence.first()).toContainText('(multi-input)');

  // Why A and B are one wallet: the same steps clusters.why gives, through 19tn1….
  const why = await api<ClusterWhy>(page, 'clusters.why', { chain: BTC, a: A, b: B, caseId });
  expect(why.joined).toBe(true);
  expect(why.steps.map((s) => [s.from, s.to])).toEqual([
    [A, HUB],
    [HUB, B],
  ]);
  await wallet.getByTestId('why-other').selectOption(B);
  await wallet.getByTestId('why-ask').click();
  const steps = wallet.getByTestId('why-step');
  await expect(steps).toHaveCount(2);
  for (const [i, s] of why.steps.entries()) {
    await expect(steps.nth(i)).toHaveAttribute('data-tx', s.tx);
    await expect(steps.nth(i)).toContainText(`(${s.heuristic})`);
    await expect(steps.nth(i).locator(`[data-address="${s.from}"]`)).toHaveCount(1);
    await expect(steps.nth(i).locator(`[data-address="${s.to}"]`)).toHaveCount(1);
  }

  // W: the three addresses of the wallet on the canvas become one entity node.
  const before = await positions(page, caseId);
  await expect(wallet.getByTestId('collapse-entity')).toBeVisible();
  await page.keyboard.press('w');
  await expectNodeCount(page, 3);
  const entityNode = (await probe(page)).find((n) => (n.kind as string) === 'entity')!;
  expect(entityNode.address).toBe(A);
  expect(entityNode.label).toContain('3 of 4 addresses');
  await expect(page.locator('body')).toHaveAttribute('data-graph-edges', '2');
  const collapsed = await api<Graph>(page, 'graph.get', { caseId });
  const entity = collapsed.nodes.find((n): n is EntityNode => n.kind === 'entity')!;
  expect(entity.members.map((m) => m.address).sort()).toEqual([A, B, HUB].sort());
  for (const e of collapsed.edges) {
    const target = collapsed.nodes.find((n) => n.id === e.target);
    expect(e.source).toBe(entity.id);
    expect(target?.kind === 'address' && e.total).toBe(target?.kind === 'address' ? PAID[target.address] : null);
  }

  // Its details: what it stands for, and the value that moved inside it (not drawn).
  await clickNode(page, A);
  const entityDetails = details.getByTestId('entity-details');
  await expect(entityDetails.getByTestId('entity-size')).toHaveText('4');
  await expect(entityDetails.getByTestId('entity-members-count')).toContainText('3 of 4 addresses');
  await expect(entityDetails.getByTestId('entity-internal')).toContainText('3 transfers');
  // A member's details, from the entity: drawn inside it, and why it is one wallet with another member.
  await entityDetails.getByTestId('entity-members').locator(`[data-address="${A}"]`).click();
  await expect(details.getByTestId('in-entity')).toBeVisible();
  const memberWallet = details.getByTestId('wallet-section');
  await memberWallet.getByTestId('why-other').selectOption(B);
  await memberWallet.getByTestId('why-ask').click();
  await expect(memberWallet.getByTestId('why-step')).toHaveCount(2);
  // The canvas fitted round what is left (F), the section in view.
  await page.keyboard.press('f');
  await memberWallet.scrollIntoViewIfNeeded();
  await shot(page, 'screenshot-clusters.png');

  // Back to the entity, and expanded back: the three addresses are where they were.
  await details.getByTestId('details-back').click();
  await details.getByTestId('entity-expand-back').click();
  await expectNodeCount(page, 5);
  expect(await positions(page, caseId)).toEqual(before);
  expect((await probe(page)).some((n) => (n.kind as string) === 'entity')).toBe(false);

  // Undo collapses it again; redo draws the addresses once more.
  await page.keyboard.press('Control+z');
  await expectNodeCount(page, 3);
  await expect.poll(async () => (await probe(page)).some((n) => (n.kind as string) === 'entity')).toBe(true);
  await page.keyboard.press('Control+Shift+z');
  await expectNodeCount(page, 5);
  expect(await positions(page, caseId)).toEqual(before);
});

test('an investigator corrects a wallet in the case (reject a merge, split an address out, undo) and switches a change heuristic on and off for the workspace', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await createCase(page, 'Wallet corrections');
  expect(await importAndClose(page, [BLOCK])).toContain('bitcoin-blocks');
  const caseId = (await api<{ settings: { lastCase: string } }>(page, 'app.info', {})).settings.lastCase;
  await addNode(page, A);
  await expectNodeCount(page, 1);
  await clickNode(page, A);
  const wallet = page.getByTestId('details-panel').getByTestId('wallet-section');
  await expect(wallet.getByTestId('wallet-size')).toContainText('4 addresses');

  // Rejecting the merge that put A in the wallet: in this case A's wallet is what the other evidence still joins.
  const shown = await api<{ evidence: { tx: string }[] }>(page, 'clusters.show', { chain: BTC, address: A, caseId });
  const rejected = shown.evidence[0]!.tx;
  await wallet.getByTestId('reject-merge').first().click();
  const after = await api<{ size: number; automatic?: { size: number } }>(page, 'clusters.show', { chain: BTC, address: A, caseId });
  expect(after.automatic?.size).toBe(4);
  await expect(wallet.getByTestId('wallet-overrides')).toContainText(`merges of tx ${rejected.slice(0, 6)}`);
  if (after.size > 1) await expect(wallet.getByTestId('wallet-size')).toContainText(`${after.size} addresses`);
  else await expect(wallet.getByTestId('wallet-alone')).toContainText('Alone in this case');
  // The workspace's clusters are untouched: asked without the case, A is still in its wallet of 4.
  expect((await api<{ size: number }>(page, 'clusters.show', { chain: BTC, address: A })).size).toBe(4);

  // Undo takes the override back; then A is split out of the wallet instead.
  await page.keyboard.press('Control+z');
  await expect(wallet.getByTestId('wallet-size')).toContainText('4 addresses');
  await expect(wallet.getByTestId('wallet-overrides')).toHaveCount(0);
  await wallet.getByTestId('split-address').click();
  await expect(wallet.getByTestId('wallet-alone')).toContainText('Alone in this case');
  await expect(wallet.getByTestId('wallet-overrides')).toContainText('split out');
  const audit = await api<{ items: { action: string }[] }>(page, 'audit.list', { caseId, offset: 0, limit: 50 });
  expect(audit.items.map((i) => i.action)).toContain('override.split');

  // Settings: the change heuristics are off; one switched on rebuilds the clusters with change merges, and off again gives the clusters of before.
  const merges = async () => (await api<{ size: number }>(page, 'clusters.show', { chain: BTC, address: HUB })).size;
  const sizeBefore = await merges();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(page, 'Settings');
  const section = settings.getByTestId('clustering-settings');
  await expect(section.getByTestId('change-rule-fresh-address')).not.toBeChecked();
  await section.getByTestId('change-rule-fresh-address').check();
  await section.getByTestId('apply-clustering').click();
  await expect(section.getByRole('status')).toContainText('Clusters rebuilt on 1 chain');
  expect((await api<{ change: string[] }>(page, 'clusters.settings', {})).change).toEqual(['fresh-address']);
  await section.getByTestId('change-rule-fresh-address').uncheck();
  await section.getByTestId('apply-clustering').click();
  await expect(section.getByRole('status')).toContainText('0 of them by change rules');
  expect((await api<{ change: string[] }>(page, 'clusters.settings', {})).change).toEqual([]);
  expect(await merges()).toBe(sizeBefore);
  await settings.getByRole('button', { name: 'Cancel' }).click();
});
