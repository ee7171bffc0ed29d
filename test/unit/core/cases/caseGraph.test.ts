import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressNode, Graph, MoreNode } from '../../../../shared/api/schemas';
import { tronToBase58 } from '../../../../shared/codec/tron';
import { openBackend } from '../../../../electron/core/backend';
import { ETL, TX_HEADER, addr, tempDir, txRow, writeFile } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIVER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';

const addressNodes = (g: Graph) => g.nodes.filter((n): n is AddressNode => n.kind === 'address');
const byAddress = (g: Graph, a: string) => addressNodes(g).find((n) => n.address === a)!;

test('a case: seed a victim, expand, see the exact edge, and everything persists across a restart', async () => {
  const { backend, dir } = freshBackend();
  await importAndWait(backend, [ETL]);
  const created = await ok(backend, 'case.create', { name: 'Atomic Wallet 2023' });
  assert.equal(created.id, 'atomic-wallet-2023');
  let g = await ok(backend, 'case.addSeed', { caseId: created.id, chain: 'eth', address: VICTIM.toUpperCase().replace('0X', '0x'), role: 'victim' });
  assert.equal(g.seeds.length, 1);
  assert.equal(g.seeds[0].address, VICTIM);
  const victim = byAddress(g, VICTIM);
  assert.equal(victim.role, 'victim');
  assert.equal(victim.known, true);
  assert.equal(victim.display, '0x9Df428A91Ff0F3635C8f0ce752933b9788926804');

  g = await ok(backend, 'graph.expand', { caseId: created.id, nodeId: victim.id, direction: 'out' });
  const receiver = byAddress(g, RECEIVER);
  assert.ok(receiver.x > victim.x, 'receivers are placed to the right');
  assert.equal(g.edges.length, 1);
  assert.deepEqual(
    { source: g.edges[0].source, target: g.edges[0].target, total: g.edges[0].total, count: g.edges[0].count, symbol: g.edges[0].asset.symbol, first: g.edges[0].firstTime },
    { source: victim.id, target: receiver.id, total: '11000440000000000', count: 1, symbol: 'ETH', first: 1446561880 },
  );

  g = await ok(backend, 'cluster.create', { caseId: created.id, nodeIds: [victim.id, receiver.id], name: 'Drain wallets', category: 'perpetrator', color: '#aa3344', note: 'same operator' });
  const cluster = g.clusters[0];
  assert.equal(cluster.members, 2);
  g = await ok(backend, 'tag.add', { caseId: created.id, target: { kind: 'cluster', clusterId: cluster.id }, label: 'Lazarus Group', category: 'perpetrator', confidence: 60, source: 'FBI PSA' });
  await ok(backend, 'graph.move', { caseId: created.id, positions: [{ nodeId: receiver.id, x: 512.5, y: -40 }] });
  await backend.close();

  // Restart: a new back end over the same workspace folder.
  const again = openBackend({ workspaceDir: dir, shell: 'cli' });
  const list = await ok(again, 'case.list', {});
  assert.deepEqual(list.map((c) => [c.id, c.name, c.nodes, c.seeds]), [['atomic-wallet-2023', 'Atomic Wallet 2023', 2, 1]]);
  const g2 = await ok(again, 'graph.get', { caseId: created.id });
  const r2 = byAddress(g2, RECEIVER);
  assert.deepEqual([r2.x, r2.y], [512.5, -40]);
  assert.equal(r2.clusterId, cluster.id);
  assert.deepEqual(g2.clusters.map((c) => [c.name, c.category, c.color, c.note, c.tags.map((t) => [t.label, t.confidence, t.source])]), [
    ['Drain wallets', 'perpetrator', '#aa3344', 'same operator', [['Lazarus Group', 60, 'FBI PSA']]],
  ]);
  assert.equal(g2.edges[0].total, '11000440000000000');
  await again.close();
});

test('undo and redo walk back and forth through grouping, tagging, moving and removing', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [ETL]);
  const { id } = await ok(backend, 'case.create', { name: 'undo' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: VICTIM, role: 'victim' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: byAddress(g, VICTIM).id, direction: 'both' });
  const [a, b] = addressNodes(g);
  g = await ok(backend, 'cluster.create', { caseId: id, nodeIds: [a.id, b.id], name: 'C1', category: 'exchange', color: '#112233' });
  assert.equal(g.undo, 'Group 2 as “C1”');
  g = await ok(backend, 'cluster.update', { caseId: id, clusterId: g.clusters[0].id, name: 'Renamed' });
  assert.equal(g.clusters[0].name, 'Renamed');
  g = await ok(backend, 'graph.remove', { caseId: id, nodeIds: [b.id] });
  assert.equal(addressNodes(g).length, 1);

  g = await ok(backend, 'case.undo', { caseId: id });
  assert.equal(addressNodes(g).length, 2, 'removed node is back');
  assert.equal(g.redo, 'Remove 1 node');
  g = await ok(backend, 'case.undo', { caseId: id });
  assert.equal(g.clusters[0].name, 'C1');
  g = await ok(backend, 'case.undo', { caseId: id });
  assert.equal(g.clusters.length, 0, 'ungrouped by undo');
  assert.ok(addressNodes(g).every((n) => n.clusterId === null));
  g = await ok(backend, 'case.redo', { caseId: id });
  assert.equal(g.clusters[0].name, 'C1');
  assert.ok(addressNodes(g).every((n) => n.clusterId === g.clusters[0].id));
  // a new action clears the redo stack
  g = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: [a.id], hidden: true });
  assert.equal(g.redo, null);
  assert.equal(byAddress(g, a.address).hidden, true);
  await fails(backend, 'case.redo', { caseId: id }, 'conflict', /nothing to redo/);

  const audit = await ok(backend, 'audit.list', { caseId: id, limit: 100 });
  assert.deepEqual(
    audit.items.map((e) => e.action).reverse(),
    ['case.create', 'case.addSeed', 'graph.expand', 'cluster.create', 'cluster.update', 'graph.remove', 'case.undo', 'case.undo', 'case.undo', 'case.redo', 'graph.setHidden'],
  );
  await backend.close();
});

test('a hub expands to its top N counterparties by value plus a "+K more" node that pages on', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const hub = addr(0xabc);
  // 30 senders paying the hub 1..30 wei; the biggest must come first.
  const rows = Array.from({ length: 30 }, (_, i) => txRow(addr(i + 1), hub, String(i + 1)));
  const file = writeFile(dir, 'hub.csv', [TX_HEADER, ...rows].join('\n'));
  await importAndWait(backend, [file]);
  const { id } = await ok(backend, 'case.create', { name: 'hub' });
  let g = await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eip155:1', address: hub });
  const hubNode = byAddress(g, hub);
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: hubNode.id, direction: 'in', limit: 10 });
  let senders = addressNodes(g).filter((n) => n.address !== hub);
  assert.deepEqual(senders.map((n) => n.address).sort(), Array.from({ length: 10 }, (_, i) => addr(30 - i)).sort());
  assert.ok(senders.every((n) => n.x < hubNode.x), 'senders are placed to the left');
  let more = g.nodes.filter((n): n is MoreNode => n.kind === 'more');
  assert.equal(more.length, 1);
  assert.equal(more[0].remaining, 20);
  assert.equal(more[0].parentId, hubNode.id);

  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: more[0].id, direction: 'in', limit: 10 });
  senders = addressNodes(g).filter((n) => n.address !== hub);
  assert.equal(senders.length, 20);
  assert.ok(senders.some((n) => n.address === addr(11)) && !senders.some((n) => n.address === addr(10)));
  more = g.nodes.filter((n): n is MoreNode => n.kind === 'more');
  assert.deepEqual(more.map((m) => m.remaining), [10]);
  assert.equal(g.edges.length, 20);
  const fromTop = g.edges.find((e) => e.source === byAddress(g, addr(30)).id)!;
  assert.equal(fromTop.total, '30');
  await backend.close();
});

test('API calls are validated before they run', async () => {
  const { backend } = freshBackend();
  const { id } = await ok(backend, 'case.create', { name: 'validation' });
  await fails(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: '0x1234', role: 'victim' }, 'invalid_argument', /not an EVM address/);
  await fails(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: VICTIM, role: 'boss' }, 'invalid_argument', /role/);
  await fails(backend, 'case.addSeed', { caseId: id, chain: 'doge', address: VICTIM, role: 'victim' }, 'invalid_argument', /unknown chain "doge"/);
  await fails(backend, 'graph.expand', { caseId: id, nodeId: 'n1; DROP TABLE node', direction: 'in' }, 'invalid_argument', /nodeId/);
  await fails(backend, 'graph.expand', { caseId: '../../etc/passwd', nodeId: 'n1', direction: 'in' }, 'invalid_argument', /caseId/);
  await fails(backend, 'graph.get', { caseId: 'no-such-case' }, 'not_found');
  await fails(backend, 'cluster.create', { caseId: id, nodeIds: ['n1'], name: 'x', category: 'exchange', color: 'red' }, 'invalid_argument', /colour/);
  await fails(backend, 'no.such.method', {}, 'not_found', /no such method/);
  await fails(backend, 'tx.get', { chain: 'eth', hash: '0x' + 'ab'.repeat(32) }, 'not_found', /not in the store/);
  let g = await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: VICTIM });
  await fails(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0].id, direction: 'out' }, 'not_found', /import data that includes it/);
  g = await ok(backend, 'graph.get', { caseId: id });
  assert.equal(g.nodes.length, 1);
  await backend.close();
});

test('one key on Ethereum, BSC and Tron: three nodes joined by visible same-key links, not by value edges', async () => {
  const { backend } = freshBackend();
  const { id } = await ok(backend, 'case.create', { name: 'cross-chain' });
  const key = '9e669f970ec0f49bb735f20799a7e7c4a1c274e2';
  await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: `0x${key}` });
  await ok(backend, 'graph.addAddress', { caseId: id, chain: 'bsc', address: `0x${key.toUpperCase()}` });
  await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: '0x9df428a91ff0f3635c8f0ce752933b9788926804' });
  const g = await ok(backend, 'graph.addAddress', { caseId: id, chain: 'tron', address: `41${key}` });
  const tron = g.nodes.find((n) => n.kind === 'address' && n.chain.startsWith('tron:'))!;
  assert.equal(tron.kind === 'address' && tron.display, tronToBase58(`41${key}`));
  assert.deepEqual(
    g.links.map((l) => [l.kind, l.source, l.target]),
    [
      ['same-key', 'n1', 'n2'],
      ['same-key', 'n2', tron.id],
    ],
  );
  assert.equal(g.links[0]!.why, 'the same key controls both: 0x9E669F970ec0F49Bb735f20799A7e7C4A1c274E2 on Ethereum and 0x9E669F970ec0F49Bb735f20799A7e7C4A1c274E2 on BNB Smart Chain');
  assert.equal(g.edges.length, 0);
  // Hiding one end hides its link.
  const hidden = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: ['n2'], hidden: true });
  assert.deepEqual(hidden.links.map((l) => [l.source, l.target]), [['n1', tron.id]]);
});
