import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressNode, Graph, GraphNode } from '../../../../shared/api/schemas';
import { GRID, hubRows, Occupancy, overlappingPairs, placeInGrid, placeLoose } from '../../../../electron/core/cases/placement';
import { orientFromSeeds } from '../../../../electron/core/cases/relayout';
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
  const placed = [...placeInGrid(occupancy, { x: 0, y: 0 }, 1, GRID.rows, 60), ...placeInGrid(occupancy, { x: 0, y: 0 }, -1, hubRows(400), 60), placeLoose(occupancy, spread)];
  assert.equal(overlappingPairs([...spread, ...placed]), 0);
  assert.ok(placed.slice(0, 60).every((p) => p.x > 0) && placed.slice(60, 120).every((p) => p.x < 0), 'receivers right, senders left');
});

test('a hub grid has as many rows as makes its block about square, the same for every page', () => {
  assert.equal(hubRows(26), GRID.rows, 'a small hub keeps the ordinary columns');
  for (const total of [100, 300, 2_000, 1_000_000]) {
    const rows = hubRows(total);
    const n = Math.min(total, GRID.hubShapedFor);
    const ratio = (Math.ceil(n / rows) * GRID.columnStep) / (rows * GRID.rowGap);
    assert.ok(ratio > 0.7 && ratio < 1.4, `${total} counterparties: ${rows} rows, width/height ${ratio.toFixed(2)}`);
  }
  assert.equal(hubRows(1_000_000), hubRows(GRID.hubShapedFor), 'a huge hub grows sideways past the shaped size');
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
  // About as wide as tall (a screen, not a ribbon), so a fit of it is no further out than it must be.
  assert.ok(width / height < 1.6 && height / width < 1.6, `a compact block, not a stack or a ribbon: ${width} × ${height}`);
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

  // A hidden node is no obstacle; shown again where another now stands, it moves to a free slot.
  const [first, second] = senders;
  g = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: [first!.id], hidden: true });
  g = await ok(backend, 'graph.move', { caseId: id, positions: [{ nodeId: second!.id, x: first!.x, y: first!.y }] });
  g = await ok(backend, 'graph.setHidden', { caseId: id, nodeIds: [first!.id], hidden: false });
  const shown = g.nodes.find((n) => n.id === first!.id)!;
  assert.equal(shown.hidden, false);
  assert.notDeepEqual([shown.x, shown.y], [first!.x, first!.y]);
  assert.equal(overlappingPairs(visible(g)), 0);
  await backend.close();
});

test('re-laying by hop starts at the seeds: a transfer back to the victim is no reason to put it last', async () => {
  // orientFromSeeds on its own: the return edge turns round, edges the seeds never reach stay.
  const edges = [
    { source: 'v', target: 'a' },
    { source: 'a', target: 'b' },
    { source: 'b', target: 'v' },
    { source: 'x', target: 'y' },
    { source: 'y', target: 'x' },
  ];
  orientFromSeeds(edges, new Set(['v']));
  assert.deepEqual(edges, [
    { source: 'v', target: 'a' },
    { source: 'a', target: 'b' },
    { source: 'v', target: 'b' },
    { source: 'x', target: 'y' },
    { source: 'y', target: 'x' },
  ]);

  // Through the API: a victim drained along a chain whose last two addresses (exchanges) once
  // paid it: more edges into the victim than out of it, which ELK alone would read as an end.
  const dir = tempDir();
  const { backend } = freshBackend();
  const rows: string[] = [txRow(addr(5), addr(1), '3', 90, 1_599_000_000), txRow(addr(4), addr(1), '2', 91, 1_599_000_060)];
  for (let i = 1; i < 5; i++) rows.push(txRow(addr(i), addr(i + 1), String(100 - i), 100 + i, 1_600_000_000 + i * 60));
  await importAndWait(backend, [writeFile(dir, 'cycle.csv', [TX_HEADER, ...rows].join('\n'))]);
  const { id } = await ok(backend, 'case.create', { name: 'cycle' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: addr(1), role: 'victim' });
  for (let i = 1; i < 5; i++) {
    const n = addressNodes(g).find((x) => x.address === addr(i))!;
    g = await ok(backend, 'graph.expand', { caseId: id, nodeId: n.id, direction: 'out' });
  }
  for (const by of ['hop', 'time'] as const) {
    g = await ok(backend, 'graph.layout', { caseId: id, by });
    const x = new Map(addressNodes(g).map((n) => [n.address, n.x]));
    for (let i = 1; i < 5; i++) assert.ok(x.get(addr(i))! < x.get(addr(i + 1))!, `${by}: hop ${i} left of hop ${i + 1}`);
  }
  await backend.close();
});

test('re-laying a case by hop points every transfer rightwards without overlaps, and undo puts the nodes back', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  // A peel chain with side payments, and a fan-in: a DAG the layered layout can draw left to right.
  const rows: string[] = [];
  for (let i = 1; i <= 8; i++) {
    rows.push(txRow(addr(i), addr(i + 1), String(1000 - i), 100 + i, 1_600_000_000 + i * 60));
    rows.push(txRow(addr(i), addr(100 + i), '7', 100 + i, 1_600_000_000 + i * 60));
  }
  for (let j = 0; j < 5; j++) rows.push(txRow(addr(200 + j), addr(1), '50', 90, 1_599_999_000));
  await importAndWait(backend, [writeFile(dir, 'peel.csv', [TX_HEADER, ...rows].join('\n'))]);
  const { id } = await ok(backend, 'case.create', { name: 'relayout' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: addr(1), role: 'victim' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0]!.id, direction: 'both' });
  for (let i = 2; i <= 8; i++) {
    const n = addressNodes(g).find((x) => x.address === addr(i))!;
    g = await ok(backend, 'graph.expand', { caseId: id, nodeId: n.id, direction: 'out' });
  }
  // Scatter them by hand first, as an investigator's drags would.
  g = await ok(backend, 'graph.move', { caseId: id, positions: addressNodes(g).map((n, i) => ({ nodeId: n.id, x: (i * 7919) % 900, y: (i * 104729) % 700 })) });
  const before = new Map(g.nodes.map((n) => [n.id, [n.x, n.y]]));

  g = await ok(backend, 'graph.layout', { caseId: id, by: 'hop' });
  assert.equal(g.undo, `Re-lay out ${g.nodes.length} nodes by hop`);
  assert.equal(overlappingPairs(visible(g)), 0);
  const at = new Map(g.nodes.map((n) => [n.id, n]));
  for (const e of g.edges) assert.ok(at.get(e.source)!.x < at.get(e.target)!.x, `${e.source} → ${e.target} points right`);

  g = await ok(backend, 'case.undo', { caseId: id });
  assert.deepEqual(new Map(g.nodes.map((n) => [n.id, [n.x, n.y]])), before, 'undo puts every node back');

  g = await ok(backend, 'graph.layout', { caseId: id, by: 'time' });
  const byAddr = new Map(addressNodes(g).map((n) => [n.address, n]));
  for (let i = 1; i < 8; i++) assert.ok(byAddr.get(addr(i))!.x < byAddr.get(addr(i + 1))!.x, `hop ${i} is left of hop ${i + 1} in time`);
  // The funders paid before the theft began: left of the victim.
  assert.ok(byAddr.get(addr(200))!.x < byAddr.get(addr(1))!.x);
  assert.equal(overlappingPairs(visible(g)), 0);
  const verdict = await ok(backend, 'audit.verify', { caseId: id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  await backend.close();
});
