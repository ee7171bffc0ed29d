/**
 * Automatic clusters on a case's canvas (cases/entityView.ts, cases/caseEntities.ts), on the real
 * Bitcoin block 702861 imported into a real store, where multi-input spending makes real wallets:
 *
 * - wallet e9538: four addresses joined by three transactions; three of them paid each other
 *   (internal flows) and two of them paid 1LnLq… and bc1qhp…;
 * - wallet e4584: two addresses (1JmRp…, 1Epk…) that both paid 1M4dA… and 1781J…, and were paid
 *   by 1ZuNs…, 15vxm… (1JmRp…) and 18hCZ… (1Epk…).
 *
 * Expected sums are the chain's, read from the block (satoshis), not from the code under test.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AddressNode, EntityNode, Graph, GraphEdge, MoreNode } from '../../../../shared/api/schemas';
import { FIXTURES, writeFile } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const BTC = 'btc';

/** Wallet e9538. */
const W1 = {
  a: '19tn1SfkjkXr8kieKzq7oN6XRTSPaPz3Ae',
  b: 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp',
  c: '19KYqDjP7sfsRvoBsW17tFqBJ3tqRkRZQS',
  d: 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx',
};
const W1_PAID = { lnlq: '1LnLq7DX4U1VMkLrbibjRSVLBgpbb9Gf6r', hped: 'bc1qhped0je9aemu9ka3dkc68nkq0hlxspnkkvyywz' };
/** Wallet e4584. */
const W2 = { jm: '1JmRpGHvQ2sKrUHxsq9Vuhj22TRULeXKU5', ep: '1Epk12jwCRNAHVY6ta4MjLJKFBipYJ58q6' };
const W2_PARTIES = {
  m4d: '1M4dAvgsP4BDuX4g7XmdArcAorDkR3QaW6',
  s178: '1781Jk7eAwKXAdB1iBVskYzKy6NvGtup8M',
  zun: '1ZuNsqUSjSNm4nMJEahK6GTVSnwi7CBLs',
  vxm: '15vxmdK8XL3QFVYfNH7E3hSGHzXc3Vc1hR',
  hcz: '18hCZXAjaptXECisSMeMV71d3bp1bBRAnh',
};

const addressNodes = (g: Graph) => g.nodes.filter((n): n is AddressNode => n.kind === 'address');
const entities = (g: Graph) => g.nodes.filter((n): n is EntityNode => n.kind === 'entity');
const more = (g: Graph) => g.nodes.filter((n): n is MoreNode => n.kind === 'more');
const nodeOf = (g: Graph, address: string) => {
  const n = addressNodes(g).find((x) => x.address === address);
  assert.ok(n, `${address} is drawn`);
  return n;
};
/** The graph as the canvas draws it, without the undo and redo labels. */
const drawn = (g: Graph) => ({ nodes: g.nodes, edges: g.edges, links: g.links, seeds: g.seeds });

// Made at the top level, so its folder lives as long as the file's tests (tempDir removes it after them).
const { backend, dir } = freshBackend();
before(async () => importAndWait(backend, [BLOCK_702861]));
after(async () => backend.close());

/** A case with these addresses added and each expanded both ways, once. */
async function caseWith(name: string, addresses: readonly string[]): Promise<{ id: string; g: Graph }> {
  const { id } = await ok(backend, 'case.create', { name });
  let g = await ok(backend, 'graph.get', { caseId: id });
  for (const address of addresses) g = await ok(backend, 'graph.addAddress', { caseId: id, chain: BTC, address });
  for (const address of addresses) g = await ok(backend, 'graph.expand', { caseId: id, nodeId: nodeOf(g, address).id, direction: 'both' });
  return { id, g };
}

test('an address node carries its wallet: the cluster size, and the best label of any member when it has none of its own', async () => {
  const { id, g } = await caseWith('wallets', [W1.b, W1.d]);
  for (const a of [W1.a, W1.b, W1.d]) assert.deepEqual(nodeOf(g, a).wallet, { cluster: nodeOf(g, W1.a).wallet!.cluster, size: 4, label: null, labelChecked: true });
  // Paid by the wallet, but alone: no wallet field.
  assert.equal(nodeOf(g, W1_PAID.lnlq).wallet, undefined);
  const shown = await ok(backend, 'clusters.show', { chain: BTC, address: W1.a });
  assert.equal(nodeOf(g, W1.a).wallet!.cluster, shown.cluster);

  // A label on the member that is not on the canvas names the wallet of all three drawn.
  const csv = writeFile(dir, 'wallet-labels.csv', ['Tag,Address,Currency,Confidence,Category', `Mixer payout,${W1.c},BTC,60,exchange`, ''].join('\n'));
  await ok(backend, 'labels.import', { paths: [csv] });
  const labelled = await ok(backend, 'graph.get', { caseId: id });
  for (const a of [W1.a, W1.b, W1.d]) assert.deepEqual(nodeOf(labelled, a).wallet!.label, { label: 'Mixer payout', category: 'exchange', sanctioned: false, address: W1.c });
  assert.deepEqual(nodeOf(labelled, W1.a).labels, [], 'the label is the wallet’s, not the address’s own');
  // The same label clusters.show gives.
  assert.deepEqual((await ok(backend, 'clusters.show', { chain: BTC, address: W1.a })).label, nodeOf(labelled, W1.a).wallet!.label);
});

test('a collapsed wallet is one entity node whose edges are the exact sums of its members’ edges; flows between members are internal', async () => {
  const { id, g: before } = await caseWith('collapse sums', [W1.b, W1.d, W2.jm, W2.ep]);
  const members1 = [W1.a, W1.b, W1.d].map((a) => nodeOf(before, a).id);
  const g = await ok(backend, 'entity.collapse', { caseId: id, nodeId: nodeOf(before, W1.b).id });
  const [e] = entities(g);
  assert.ok(e);
  assert.deepEqual([e.id, e.anchor, e.size, e.wholeWallet, e.members.map((m) => m.nodeId).sort()], ['w1', W1.b, 4, true, [...members1].sort()]);
  assert.deepEqual([e.x, e.y], [nodeOf(before, W1.b).x, nodeOf(before, W1.b).y], 'drawn where the address collapsed from was');
  for (const a of [W1.a, W1.b, W1.d]) assert.ok(!addressNodes(g).some((n) => n.address === a), `${a} is drawn inside the entity`);
  assert.equal(g.undo, `Collapse wallet of ${nodeOf(before, W1.b).short}`);

  // The block's own figures: 50,998 + 2,522 sat to 1LnLq…, 1,847 + 91 to bc1qhp…; 2,491 + 3,224 + 159 inside.
  const to = (target: string) => g.edges.find((x) => x.source === e.id && x.target === nodeOf(g, target).id)!;
  assert.deepEqual([to(W1_PAID.lnlq).total, to(W1_PAID.lnlq).count], ['53520', 2]);
  assert.deepEqual([to(W1_PAID.hped).total, to(W1_PAID.hped).count], ['1938', 2]);
  assert.deepEqual(e.internal.map((f) => [f.asset.symbol, f.total, f.count]), [['BTC', '5874', 3]]);

  // Every entity edge is the sum of the member edges it lists, and those are exactly the edges
  // drawn before between a member and that counterpart (nothing lost, nothing counted twice).
  const memberSet = new Set(members1);
  const touching = before.edges.filter((x) => memberSet.has(x.source) !== memberSet.has(x.target));
  const inside = before.edges.filter((x) => memberSet.has(x.source) && memberSet.has(x.target));
  const entityEdges = g.edges.filter((x) => x.source === e.id || x.target === e.id);
  const key = (x: { source: string | null; target: string | null; total: string; count: number }) => `${x.source}>${x.target}:${x.total}×${x.count}`;
  assert.deepEqual(entityEdges.flatMap((x) => x.parts!.map(key)).sort(), touching.map(key).sort());
  // The fourth member (19KYq…) is not on the canvas and moved nothing with it: every part has both its nodes.
  assert.ok(entityEdges.every((x) => x.parts!.every((p) => p.source !== null && p.target !== null)));
  for (const x of entityEdges) {
    const parts = x.parts!;
    assert.equal(BigInt(x.total), parts.reduce((s, p) => s + BigInt(p.total), 0n), x.id);
    assert.equal(x.count, parts.reduce((s, p) => s + p.count, 0), x.id);
    const originals = touching.filter((o) => parts.some((p) => p.source === o.source && p.target === o.target && o.asset.id === x.asset.id));
    assert.equal(x.firstTime, Math.min(...originals.map((o) => o.firstTime!)));
    assert.equal(x.lastTime, Math.max(...originals.map((o) => o.lastTime!)));
  }
  assert.equal(BigInt(e.internal[0]!.total), inside.reduce((s, x) => s + BigInt(x.total), 0n));
  // The other wallet is untouched, and edges between addresses are as they were.
  const far = (x: GraphEdge) => !memberSet.has(x.source) && !memberSet.has(x.target);
  assert.deepEqual(g.edges.filter((x) => x.source !== e.id && x.target !== e.id), before.edges.filter(far));

  // Wallet e4584 collapsed too: its two members both paid 1M4dA… and 1781J….
  const g2 = await ok(backend, 'entity.collapse', { caseId: id, nodeId: nodeOf(g, W2.ep).id });
  const e2 = entities(g2).find((x) => x.anchor === W2.ep)!;
  const sum = (target: string) => g2.edges.find((x) => x.source === e2.id && x.target === nodeOf(g2, target).id)!;
  assert.deepEqual([sum(W2_PARTIES.m4d).total, sum(W2_PARTIES.m4d).count], [String(1_254_630 + 1_065_157), 2]);
  assert.deepEqual([sum(W2_PARTIES.s178).total, sum(W2_PARTIES.s178).count], [String(940_516 + 798_479), 2]);
  const from = (source: string) => g2.edges.find((x) => x.target === e2.id && x.source === nodeOf(g2, source).id)!;
  assert.deepEqual([W2_PARTIES.zun, W2_PARTIES.vxm, W2_PARTIES.hcz].map((a) => from(a).total), ['1524331', '671516', '1864231']);
  assert.deepEqual(e2.internal, []);
  // Each part's transfers are there to list, and add up to the part (edge.transfers on member nodes).
  for (const p of sum(W2_PARTIES.m4d).parts!) {
    const page = await ok(backend, 'edge.transfers', { caseId: id, sourceNodeId: p.source!, targetNodeId: p.target!, asset: 'native' });
    assert.deepEqual([page.sum, page.total], [p.total, p.count]);
  }
  // Exposure of an entity is that of its members on the canvas.
  const exposure = await ok(backend, 'exposure.get', { caseId: id, nodeIds: [e2.id] });
  assert.deepEqual(exposure.subjects.map((s) => s.address).sort(), [W2.ep, W2.jm].sort());
});

test('collapse, expand back, undo and redo walk the canvas back and forth exactly; the log holds each step', async () => {
  const { id, g: g0 } = await caseWith('round trip', [W1.b, W1.d]);
  const anchor = nodeOf(g0, W1.d);
  const g1 = await ok(backend, 'entity.collapse', { caseId: id, nodeId: anchor.id });
  const [e] = entities(g1);
  await fails(backend, 'entity.collapse', { caseId: id, nodeId: nodeOf(g0, W1_PAID.lnlq).id }, 'invalid_argument', /in no automatic cluster with other addresses/);
  await fails(backend, 'entity.expand', { caseId: id, nodeId: 'w99' }, 'not_found', /no entity node w99/);

  // Moved, then expanded back: the members are where they were.
  const moved = await ok(backend, 'graph.move', { caseId: id, positions: [{ nodeId: e!.id, x: 900, y: 40 }] });
  assert.deepEqual([entities(moved)[0]!.x, entities(moved)[0]!.y], [900, 40]);
  const g2 = await ok(backend, 'entity.expand', { caseId: id, nodeId: e!.id });
  assert.deepEqual(drawn(g2), drawn(g0));
  assert.equal(g2.undo, `Expand wallet of ${anchor.short} back`);

  assert.deepEqual(drawn(await ok(backend, 'case.undo', { caseId: id })), drawn(moved));
  assert.deepEqual(drawn(await ok(backend, 'case.undo', { caseId: id })), drawn(g1));
  assert.deepEqual(drawn(await ok(backend, 'case.undo', { caseId: id })), drawn(g0));
  assert.deepEqual(drawn(await ok(backend, 'case.redo', { caseId: id })), drawn(g1));

  // Hiding the entity hides its members; showing them draws the entity again.
  const hidden = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: [e!.id], hidden: true });
  assert.deepEqual(entities(hidden), []);
  assert.deepEqual(addressNodes(hidden).filter((n) => n.hidden).map((n) => n.address).sort(), [W1.a, W1.b, W1.d].sort());
  const shown = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: addressNodes(hidden).filter((n) => n.hidden).map((n) => n.id), hidden: false });
  assert.deepEqual(drawn(shown), drawn(g1));
  // Removing it removes its members and the collapse; undo brings both back.
  const removed = await ok(backend, 'graph.remove', { caseId: id, nodeIds: [e!.id] });
  assert.deepEqual(entities(removed), []);
  assert.deepEqual(addressNodes(removed).map((n) => n.address).sort(), [W1_PAID.hped, W1_PAID.lnlq].sort());
  assert.deepEqual(drawn(await ok(backend, 'case.undo', { caseId: id })), drawn(g1));

  const log = await ok(backend, 'audit.list', { caseId: id, limit: 100 });
  const actions = log.items.map((x) => x.action).reverse();
  assert.deepEqual(actions.slice(-11), ['entity.collapse', 'graph.move', 'entity.expand', 'case.undo', 'case.undo', 'case.undo', 'case.redo', 'graph.setHidden', 'graph.setHidden', 'graph.remove', 'case.undo']);
  const collapsed = log.items.find((x) => x.action === 'entity.collapse')!.data as { address: string; size: number; members: string[] };
  assert.equal(collapsed.size, 4);
  assert.equal(collapsed.members.length, 3);
  assert.equal((await ok(backend, 'audit.verify', { caseId: id })).ok, true);
});

test('expanding an entity lists the counterparties of the whole wallet, members off the canvas included, ranked by value and paged', async () => {
  // Only 1JmRp… is drawn; 18hCZ… paid its wallet's other address, 1Epk….
  const { id } = await ok(backend, 'case.create', { name: 'whole wallet' });
  let g = await ok(backend, 'graph.addAddress', { caseId: id, chain: BTC, address: W2.jm });
  g = await ok(backend, 'entity.collapse', { caseId: id, nodeId: nodeOf(g, W2.jm).id });
  const [e] = entities(g);
  assert.deepEqual([e!.members.length, e!.size], [1, 2]);
  await fails(backend, 'graph.expand', { caseId: id, nodeId: e!.id, direction: 'both', filter: { minAmount: '1', assetId: 1 } }, 'invalid_argument', /clear the canvas filter/);

  // Ranked by value: 2,319,787 sat to 1M4dA…, 1,864,231 from 18hCZ…, 1,738,995 to 1781J…, 1,524,331 from 1ZuNs…, 671,516 from 15vxm….
  const ranked = [W2_PARTIES.m4d, W2_PARTIES.hcz, W2_PARTIES.s178, W2_PARTIES.zun, W2_PARTIES.vxm];
  const added: string[] = [];
  let next: string = e!.id;
  for (const [page, remaining] of [[2, 3], [2, 1], [1, null]] as const) {
    const known = new Set(addressNodes(g).map((n) => n.address));
    g = await ok(backend, 'graph.expand', { caseId: id, nodeId: next, direction: 'both', limit: 2 });
    const fresh = addressNodes(g).filter((n) => !known.has(n.address));
    assert.equal(fresh.length, page);
    added.push(...fresh.map((n) => n.address));
    const pages = more(g);
    assert.deepEqual(pages.map((m) => [m.parentId, m.remaining]), remaining === null ? [] : [[e!.id, remaining]]);
    if (pages[0]) next = pages[0].id;
  }
  assert.deepEqual(added.sort(), [...ranked].sort());
  // Senders to the left of the entity, receivers to its right.
  for (const a of [W2_PARTIES.hcz, W2_PARTIES.zun, W2_PARTIES.vxm]) assert.ok(nodeOf(g, a).x < e!.x, `${a} paid the wallet: left`);
  for (const a of [W2_PARTIES.m4d, W2_PARTIES.s178]) assert.ok(nodeOf(g, a).x > e!.x, `${a} was paid: right`);
  // The edge from 18hCZ… is its edge to 1Epk…, the member that is not on the canvas, drawn to the entity.
  const hcz = g.edges.find((x) => x.source === nodeOf(g, W2_PARTIES.hcz).id)!;
  assert.deepEqual([hcz.target, hcz.total], [e!.id, '1864231']);
  assert.deepEqual(hcz.parts!.map((p) => [p.from, p.to, p.source, p.target]), [[W2_PARTIES.hcz, W2.ep, nodeOf(g, W2_PARTIES.hcz).id, null]]);
  // Drawn with one member, the entity's edges are the whole wallet's: both members paid 1M4dA….
  const m4d = g.edges.find((x) => x.target === nodeOf(g, W2_PARTIES.m4d).id)!;
  assert.deepEqual([m4d.source, m4d.total, m4d.count], [e!.id, String(1_254_630 + 1_065_157), 2]);

  // The first page came in value order; out only lists the two it paid.
  const { id: other } = await ok(backend, 'case.create', { name: 'whole wallet out' });
  let o = await ok(backend, 'graph.addAddress', { caseId: other, chain: BTC, address: W2.jm });
  o = await ok(backend, 'entity.collapse', { caseId: other, nodeId: nodeOf(o, W2.jm).id });
  o = await ok(backend, 'graph.expand', { caseId: other, nodeId: entities(o)[0]!.id, direction: 'both', limit: 1 });
  assert.deepEqual(addressNodes(o).map((n) => n.address).filter((a) => a !== W2.jm), [ranked[0]]);
  o = await ok(backend, 'graph.expand', { caseId: other, nodeId: entities(o)[0]!.id, direction: 'out', limit: 25 });
  assert.deepEqual(addressNodes(o).map((n) => n.address).filter((a) => a !== W2.jm).sort(), [W2_PARTIES.m4d, W2_PARTIES.s178].sort());

  // Undo takes a page back; expanding the entity back drops its pages but keeps who they added.
  const undone = await ok(backend, 'case.undo', { caseId: id });
  assert.equal(addressNodes(undone).length, addressNodes(g).length - 1);
  assert.deepEqual(more(undone).map((m) => [m.parentId, m.remaining]), [[e!.id, 1]]);
  const back = await ok(backend, 'entity.expand', { caseId: id, nodeId: e!.id });
  assert.deepEqual(more(back), []);
  assert.deepEqual(entities(back), []);
  assert.equal(addressNodes(back).length, 1 + 4);
});

test('the Tx nodes view draws a collapsed wallet’s transactions from and to its entity node, each value exactly as before', async () => {
  const { id, g: g0 } = await caseWith('tx nodes', [W1.b, W1.d]);
  const before = await ok(backend, 'graph.txFlows', { caseId: id });
  const members = new Set([W1.a, W1.b, W1.d].map((a) => nodeOf(g0, a).id));
  const g1 = await ok(backend, 'entity.collapse', { caseId: id, nodeId: nodeOf(g0, W1.b).id });
  const [e] = entities(g1);
  const after = await ok(backend, 'graph.txFlows', { caseId: id });
  const drawnIds = new Set(g1.nodes.map((n) => n.id));
  const sum = (parts: readonly { value: string }[]) => parts.reduce((s, p) => s + BigInt(p.value), 0n);
  for (const tx of after.txs) {
    for (const p of [...tx.inputs, ...tx.outputs]) assert.ok(drawnIds.has(p.nodeId), `${tx.txid}: ${p.nodeId} is drawn`);
    // Each side still reconciles with its total.
    assert.equal(sum(tx.outputs) + BigInt(tx.otherOut.value), BigInt(tx.totalOut), tx.txid);
    if (tx.totalIn !== null) assert.equal(sum(tx.inputs) + BigInt(tx.otherIn.value), BigInt(tx.totalIn), tx.txid);
  }
  assert.ok(after.txs.some((tx) => tx.inputs.some((p) => p.nodeId === e!.id)), 'the wallet spends in some transaction on the canvas');
  // A transaction drawn before: its members' parts are now one part of the entity, their sum.
  for (const old of before.txs) {
    const now = after.txs.find((t) => t.txid === old.txid);
    assert.ok(now, `${old.txid} is still drawn`);
    for (const side of ['inputs', 'outputs'] as const) {
      const merged = sum(old[side].filter((p) => members.has(p.nodeId)));
      assert.equal(sum(now[side].filter((p) => p.nodeId === e!.id)), merged, `${old.txid} ${side}`);
      assert.deepEqual(
        now[side].filter((p) => p.nodeId !== e!.id),
        old[side].filter((p) => !members.has(p.nodeId)),
      );
    }
  }
});
