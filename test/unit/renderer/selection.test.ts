import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Graph, GraphEdge } from '../../../shared/api/schemas';
import { matchesQuery } from '../../../renderer/state/listFilter';
import { describeSelection, selectedNodeIds, selectionSize } from '../../../renderer/state/selection';

const ETH = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };

function node(id: string, hidden = false): Graph['nodes'][number] {
  const address = '0x' + id.slice(1).padStart(40, '0');
  return { kind: 'address', id, chain: 'eip155:1', address, display: address, short: id, x: 0, y: 0, hidden, clusterId: null, role: null, known: true, tags: [] };
}

function edge(source: string, target: string): GraphEdge {
  return { id: `e${source.slice(1)}-${target.slice(1)}-1`, source, target, asset: ETH, total: '5', count: 1, firstTime: null, lastTime: null };
}

const graph: Graph = {
  caseId: 'c',
  nodes: [node('n1'), node('n2'), node('n3', true)],
  edges: [edge('n1', 'n2'), edge('n2', 'n3')],
  links: [],
  clusters: [],
  seeds: [],
  undo: null,
  redo: null,
};

test('a selected edge is in the selection, apart from the nodes commands act on', () => {
  const s = describeSelection(graph, ['e1-2-1']);
  assert.deepEqual(s.edges.map((e) => e.id), ['e1-2-1']);
  assert.equal(selectionSize(s), 0, 'no node is selected');
  assert.deepEqual(selectedNodeIds(graph, s), []);
});

test('a box that catches nodes and their edge acts on the nodes; an edge to a hidden node is not drawn, so not selected', () => {
  const s = describeSelection(graph, ['n1', 'n2', 'e1-2-1', 'e2-3-1']);
  assert.equal(selectionSize(s), 2);
  assert.deepEqual(selectedNodeIds(graph, s), ['n1', 'n2']);
  assert.deepEqual(s.edges.map((e) => e.id), ['e1-2-1']);
});

test('the seed and hidden-node filters match every word, anywhere, in any case', () => {
  const seed = '0x9Df428A91Ff0F3635C8f0ce752933b9788926804 victim Victim 17 of 200: reported USDT stolen (synthetic)';
  assert.equal(matchesQuery(seed, 'usdt'), true);
  assert.equal(matchesQuery(seed, '  VICTIM   26804 '), true);
  assert.equal(matchesQuery(seed, 'eth'), false);
  assert.equal(matchesQuery(seed, 'victim suspect'), false);
  assert.equal(matchesQuery(seed, ''), true);
});
