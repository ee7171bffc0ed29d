import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressNode, Graph } from '../../../shared/api/schemas';
import { TX_HEADER, addr, tempDir, txRow, writeFile } from '../helpers';
import { fails, freshBackend, importAndWait, ok } from './backendHelpers';

const T0 = 1_600_000_000;
const nodes = (g: Graph) => g.nodes.filter((n): n is AddressNode => n.kind === 'address');
const edgeBetween = (g: Graph, from: string, to: string) => {
  const id = (a: string) => nodes(g).find((n) => n.address === a)?.id;
  return g.edges.find((e) => e.source === id(from) && e.target === id(to));
};

test('a time window, an asset and a least amount filter the canvas and expansions, summed exactly from the transfers kept', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const [a, b, c, d] = [addr(1), addr(2), addr(3), addr(4)];
  const big = (2n ** 70n).toString();
  const rows = [
    txRow(a, b, '1000000000000000000', 100, T0 + 100),
    txRow(a, b, '2000000000000000000', 101, T0 + 200),
    txRow(a, b, '3', 102, T0 + 300),
    txRow(a, b, big, 103, T0 + 400),
    txRow(a, c, '5', 100, T0 + 100),
    txRow(d, a, '10', 105, T0 + 500),
  ];
  await importAndWait(backend, [writeFile(dir, 'flows.csv', [TX_HEADER, ...rows].join('\n'))]);
  const { id } = await ok(backend, 'case.create', { name: 'filters' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: a, role: 'victim' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0]!.id, direction: 'both' });
  assert.equal(edgeBetween(g, a, b)!.total, (3000000000000000003n + 2n ** 70n).toString());
  assert.equal(g.filter, undefined);
  const eth = edgeBetween(g, a, b)!.asset.id;

  // After the first payment and up to the big one: three of A→B, nothing else.
  let f = await ok(backend, 'graph.get', { caseId: id, filter: { from: T0 + 200, to: T0 + 400 } });
  assert.deepEqual(f.edges.map((e) => [e.total, e.count, e.firstTime, e.lastTime]), [[(2000000000000000003n + 2n ** 70n).toString(), 3, T0 + 200, T0 + 400]]);
  assert.deepEqual(f.filter, { from: T0 + 200, to: T0 + 400, assetId: null, minAmount: null });
  assert.equal(f.nodes.length, g.nodes.length, 'nodes stay; only what flows between them is filtered');

  // Transfers of at least 2 ETH: compared exactly, also above 2^64.
  f = await ok(backend, 'graph.get', { caseId: id, filter: { assetId: eth, minAmount: '2000000000000000000' } });
  assert.deepEqual(f.edges.map((e) => [e.total, e.count]), [[(2000000000000000000n + 2n ** 70n).toString(), 2]]);

  await fails(backend, 'graph.get', { caseId: id, filter: { minAmount: '5' } }, 'invalid_argument', /least amount needs its asset/);
  await fails(backend, 'graph.get', { caseId: id, filter: { from: 10, to: 5 } }, 'invalid_argument', /ends before it starts/);

  // Expanding through the filter: only counterparties of the transfers it keeps.
  const { id: id2 } = await ok(backend, 'case.create', { name: 'filtered expand' });
  let h = await ok(backend, 'case.addSeed', { caseId: id2, chain: 'eth', address: a, role: 'victim' });
  h = await ok(backend, 'graph.expand', { caseId: id2, nodeId: h.nodes[0]!.id, direction: 'both', filter: { from: T0 + 150, to: null } });
  assert.deepEqual(nodes(h).map((n) => n.address).sort(), [a, b, d].sort(), 'C was paid before the window');
  assert.equal(edgeBetween(h, d, a)!.total, '10');
  const log = await ok(backend, 'audit.list', { caseId: id2, limit: 1 });
  assert.deepEqual((log.items[0]!.data as { filter: unknown }).filter, { from: T0 + 150, to: null, assetId: null, minAmount: null });
  await backend.close();
});

test('the direction filter keeps the flows leaving the seeds, or reaching them, and expansions go its way', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const [victim, thief, mule, funder, bank, stranger, exchange] = [addr(11), addr(12), addr(13), addr(14), addr(15), addr(16), addr(17)];
  const rows = [
    txRow(bank, funder, '50', 100, T0 + 10),
    txRow(funder, victim, '40', 101, T0 + 20),
    txRow(victim, thief, '30', 102, T0 + 30),
    txRow(thief, mule, '20', 103, T0 + 40),
    txRow(stranger, thief, '7', 104, T0 + 50),
    txRow(mule, funder, '1', 105, T0 + 60),
    txRow(thief, exchange, '5', 106, T0 + 70),
  ];
  await importAndWait(backend, [writeFile(dir, 'direction.csv', [TX_HEADER, ...rows].join('\n'))]);
  const { id } = await ok(backend, 'case.create', { name: 'direction' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: victim, role: 'victim' });
  for (const a of [victim, thief, funder]) {
    const n = nodes(g).find((x) => x.address === a)!;
    g = await ok(backend, 'graph.expand', { caseId: id, nodeId: n.id, direction: 'both' });
  }
  const name = new Map([victim, thief, mule, funder, bank, stranger, exchange].map((a, i) => [a, ['victim', 'thief', 'mule', 'funder', 'bank', 'stranger', 'exchange'][i]!]));
  const addressOf = (x: Graph, nodeId: string) => name.get(nodes(x).find((n) => n.id === nodeId)!.address);
  const named = (x: Graph) => x.edges.map((e) => `${addressOf(x, e.source)}>${addressOf(x, e.target)}`).sort();
  assert.deepEqual(named(g), ['bank>funder', 'funder>victim', 'mule>funder', 'stranger>thief', 'thief>exchange', 'thief>mule', 'victim>thief']);

  // Downstream: what the victim's money reached, round the loop back to the funder and no further
  // back; the stranger's payment to the thief is not the victim's money moving.
  const down = await ok(backend, 'graph.get', { caseId: id, filter: { direction: 'downstream' } });
  assert.deepEqual(named(down), ['funder>victim', 'mule>funder', 'thief>exchange', 'thief>mule', 'victim>thief']);
  assert.equal(down.nodes.length, g.nodes.length, 'nodes stay; only the flows are filtered');
  // Upstream: every flow on a path into the victim (round the loop, the thief's too); the
  // exchange's deposit leads nowhere back to the victim.
  const up = await ok(backend, 'graph.get', { caseId: id, filter: { direction: 'upstream' } });
  assert.deepEqual(named(up), ['bank>funder', 'funder>victim', 'mule>funder', 'stranger>thief', 'thief>mule', 'victim>thief']);
  // With a time window too: the window first, then the direction over what is left.
  const late = await ok(backend, 'graph.get', { caseId: id, filter: { from: T0 + 25, direction: 'downstream' } });
  assert.deepEqual(named(late), ['mule>funder', 'thief>exchange', 'thief>mule', 'victim>thief']);

  // Expansions under a direction: "both" goes its way only, the other way is refused.
  const { id: id2 } = await ok(backend, 'case.create', { name: 'direction expand' });
  let h = await ok(backend, 'case.addSeed', { caseId: id2, chain: 'eth', address: thief, role: 'suspect' });
  h = await ok(backend, 'graph.expand', { caseId: id2, nodeId: h.nodes[0]!.id, direction: 'both', filter: { direction: 'downstream' } });
  assert.deepEqual(nodes(h).map((n) => name.get(n.address)).sort(), ['exchange', 'mule', 'thief']);
  await fails(backend, 'graph.expand', { caseId: id2, nodeId: h.nodes[0]!.id, direction: 'in', filter: { direction: 'downstream' } }, 'invalid_argument', /cannot expand in: the filter shows only money moving away from the seeds/);
  const log = await ok(backend, 'audit.list', { caseId: id2, limit: 1 });
  assert.equal((log.items[0]!.data as { direction: string }).direction, 'out');
  await backend.close();
});
