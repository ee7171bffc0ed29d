import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressNode, Graph, GraphNode } from '../../../../shared/api/schemas';
import { GRID, Occupancy, overlappingPairs, placeInGrid, placeLoose } from '../../../../electron/core/cases/placement';
import { TX_HEADER, addr, tempDir, txRow, writeFile } from '../../helpers';
import { freshBackend, importAndWait, ok } from '../backendHelpers';

const visible = (g: Graph): GraphNode[] => g.nodes.filter((n) => !n.hidden);
const addressNodes = (g: Graph) => g.nodes.filter((n): n is AddressNode => n.kind === 'address');

test('grid placement never puts a node on another, whatever was there before', () => {
  // A crowded neighbourhood: 200 points scattered where the grid wants to go.
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const before = Array.from({ length: 200 }, () => ({ x: rand() * 3000 - 500, y: rand() * 1500 - 750 }));
  const spread = before.filter((p, i) => before.slice(0, i).every((q) => Math.abs(q.x - p.x) >= GRID.clearX || Math.abs(q.y - p.y) >= GRID.clearY));
  const occupancy = new Occupancy(spread);
  const placed = [...placeInGrid(occupancy, { x: 0, y: 0 }, 1, GRID.rows, 60), ...placeInGrid(occupancy, { x: 0, y: 0 }, -1, GRID.hubRows, 60), placeLoose(occupancy, spread)];
  assert.equal(overlappingPairs([...spread, ...placed]), 0);
  assert.ok(placed.slice(0, 60).every((p) => p.x > 0) && placed.slice(60, 120).every((p) => p.x < 0), 'receivers right, senders left');
});

test('a hub paged eight times stays a compact block with no overlaps, its "+K more" node beside the last page', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const hub = addr(0xabc);
  // 300 senders pay the hub; each sender was funded by two addresses of its own.
  const rows: string[] = [];
  for (let i = 1; i <= 300; i++) {
    rows.push(txRow(addr(i), hub, String(1000 + i)));
    rows.push(txRow(addr(10_000 + 2 * i), addr(i), '5'), txRow(addr(10_001 + 2 * i), addr(i), '6'));
  }
  await importAndWait(backend, [writeFile(dir, 'hub.csv', [TX_HEADER, ...rows].join('\n'))]);
  const { id } = await ok(backend, 'case.create', { name: 'hub layout' });
  let g = await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eip155:1', address: hub });
  const hubNode = addressNodes(g)[0]!;
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: hubNode.id, direction: 'in', limit: 25 });
  for (let page = 0; page < 8; page++) {
    const more = g.nodes.find((n) => n.kind === 'more')!;
    g = await ok(backend, 'graph.expand', { caseId: id, nodeId: more.id, direction: 'in', limit: 25 });
    assert.equal(overlappingPairs(visible(g)), 0, `overlaps after page ${page + 2}`);
  }
  const senders = addressNodes(g).filter((n) => n.address !== hub);
  assert.equal(senders.length, 225);
  const xs = senders.map((n) => n.x);
  const ys = senders.map((n) => n.y);
  const width = Math.max(...xs) - Math.min(...xs);
  const height = Math.max(...ys) - Math.min(...ys);
  assert.ok(width / height < 2.5 && height / width < 2.5, `a compact block, not a stack or a ribbon: ${width} × ${height}`);
  const more = g.nodes.find((n) => n.kind === 'more')!;
  assert.ok(more.x >= Math.min(...xs) - GRID.columnStep && more.x <= Math.max(...xs) + GRID.columnStep, 'the +K more node sits at the block');
  assert.ok(more.y >= Math.min(...ys) - GRID.rowGap && more.y <= Math.max(...ys) + GRID.rowGap);

  // Following a few senders back to their funders adds nodes beside them, still on nothing.
  for (const s of senders.slice(0, 6)) g = await ok(backend, 'graph.expand', { caseId: id, nodeId: s.id, direction: 'in' });
  assert.equal(addressNodes(g).length, 1 + 225 + 12);
  assert.equal(overlappingPairs(visible(g)), 0);

  // Addresses added on their own go beside the case, not far below it.
  const span = (nodes: GraphNode[]): number => Math.max(...nodes.map((n) => n.y)) - Math.min(...nodes.map((n) => n.y));
  const spanBefore = span(visible(g));
  for (let i = 0; i < 25; i++) g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: addr(50_000 + i), role: 'victim' });
  assert.equal(overlappingPairs(visible(g)), 0);
  assert.equal(span(visible(g)), spanBefore, 'seeds did not stretch the case');
  await backend.close();
});
