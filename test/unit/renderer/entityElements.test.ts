/**
 * Automatic clusters as the renderer draws them (graph/toElements.ts, graph/labelDetail.ts) and
 * acts on them (state/selection.ts, state/commands.ts): an address's wallet size and its
 * via-cluster label, an entity node's element, and which addresses "Collapse to entity" takes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressNode, EntityNode, Graph } from '../../../shared/api/schemas';
import { addressLabels, VIA_PREFIX } from '../../../renderer/graph/labelDetail';
import { toElements, type NodeElement } from '../../../renderer/graph/toElements';
import { describeSelection, selectedNodeIds, walletAnchors } from '../../../renderer/state/selection';

const BTC = 'bip122:000000000019d6689c085ae165831e93';
const ASSET = { id: 1, chain: BTC, contract: null, symbol: 'BTC', decimals: 8 };

function address(id: string, addr: string, extra: Partial<AddressNode> = {}): AddressNode {
  return { kind: 'address', id, chain: BTC, address: addr, display: addr, short: `${addr.slice(0, 5)}…${addr.slice(-4)}`, x: 0, y: 0, hidden: false, clusterId: null, role: null, known: true, tags: [], ...extra };
}

const wallet = (size: number, label: string | null = null) => ({
  cluster: 'e9538',
  size,
  label: label === null ? null : { label, category: 'exchange', sanctioned: false, address: '19KYqDjP7sfsRvoBsW17tFqBJ3tqRkRZQS' },
  labelChecked: true,
});

const entity: EntityNode = {
  kind: 'entity',
  id: 'w1',
  chain: BTC,
  anchor: 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp',
  anchorDisplay: 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp',
  cluster: 'e9538',
  size: 4,
  label: null,
  labelChecked: true,
  members: [
    { nodeId: 'n1', address: 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp', display: 'bc1qugz4ywcyhcnvg2ndtpcgv7ynevafvte59hm8kp', short: 'bc1qu…m8kp', role: null },
    { nodeId: 'n3', address: '19tn1SfkjkXr8kieKzq7oN6XRTSPaPz3Ae', display: '19tn1SfkjkXr8kieKzq7oN6XRTSPaPz3Ae', short: '19tn1…z3Ae', role: null },
  ],
  internal: [{ asset: ASSET, total: '5874', count: 3 }],
  wholeWallet: true,
  x: 10,
  y: 20,
  hidden: false,
};

test('an address in a wallet shows its size, and the wallet’s label marked as via the cluster only when it has no name of its own', () => {
  const plain = addressLabels('bc1qv…d3vx', 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx', [], { wallet: { size: 4, via: null } });
  assert.deepEqual(plain.label, 'bc1qv…d3vx [4]');
  assert.equal(plain.brief, 'bc1qv…d3vx');
  assert.match(plain.full, /wallet of 4 addresses \(automatic cluster\)/);
  const via = addressLabels('bc1qv…d3vx', 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx', [], { wallet: { size: 1_200, via: 'Huobi' } });
  assert.deepEqual(via.label.split('\n'), ['bc1qv…d3vx [1,200]', `${VIA_PREFIX}Huobi`]);
  assert.match(via.full, /Huobi \(via cluster\)/);
  // A name of its own wins: the wallet's label is not shown on it.
  const own = addressLabels('bc1qv…d3vx', 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx', ['Thief deposit'], { wallet: { size: 4, via: 'Huobi' } });
  assert.deepEqual(own.label.split('\n'), ['bc1qv…d3vx [4]', 'Thief deposit']);
  assert.doesNotMatch(own.full, /Huobi/);
  // No wallet: as before.
  assert.deepEqual(addressLabels('s', 'd', []), { brief: 's', label: 's', full: 'd' });
});

test('an entity node is drawn with its name and count, its edges kept, and the address nodes marked by their wallet', () => {
  const graph: Graph = {
    caseId: 'c',
    nodes: [address('n2', 'bc1qv6ehvlawjfsczrhr4pr6368jte84zmjcfpd3vx', { wallet: wallet(4, 'Huobi') }), address('n4', '1LnLq7DX4U1VMkLrbibjRSVLBgpbb9Gf6r'), entity],
    edges: [{ id: 'ew1-4-1', source: 'w1', target: 'n4', asset: ASSET, total: '53520', count: 2, firstTime: null, lastTime: null, parts: [] }],
    links: [],
    clusters: [],
    seeds: [],
    undo: null,
    redo: null,
  };
  const elements = toElements(graph);
  const e = elements.find((x) => x.data.id === 'w1') as NodeElement;
  assert.equal(e.data.kind, 'entity');
  assert.equal(e.classes, 'entity');
  assert.deepEqual(e.position, { x: 10, y: 20 });
  assert.equal(e.data.label, 'wallet bc1qu…m8kp\n2 of 4 addresses');
  assert.match((e.data as { title: string }).title, /internal, not drawn/);
  const n2 = elements.find((x) => x.data.id === 'n2') as NodeElement;
  assert.match(n2.classes, /\bin-wallet\b/);
  assert.equal(n2.data.label, `bc1qv…d3vx [4]\n${VIA_PREFIX}Huobi`);
  assert.ok(elements.some((x) => x.data.id === 'ew1-4-1'), 'the entity’s edge is drawn');

  // Selected, the entity is a node the selection acts on (hide, remove, expand), not an address.
  const s = describeSelection(graph, ['w1', 'n2']);
  assert.deepEqual([s.entities.map((x) => x.id), s.addresses.map((x) => x.id)], [['w1'], ['n2']]);
  assert.deepEqual(selectedNodeIds(graph, s).sort(), ['n2', 'w1']);
});

test('Collapse to entity takes one selected address per wallet, and none alone in its cluster', () => {
  const a = address('n1', 'a1', { wallet: wallet(4) });
  const b = address('n2', 'a2', { wallet: wallet(4) });
  const other = address('n3', 'a3', { wallet: { ...wallet(2), cluster: 'e4584' } });
  const alone = address('n4', 'a4');
  const graph = { caseId: 'c', nodes: [a, b, other, alone], edges: [], links: [], clusters: [], seeds: [], undo: null, redo: null } as Graph;
  assert.deepEqual(walletAnchors(describeSelection(graph, ['n1', 'n2', 'n3', 'n4'])), ['n1', 'n3']);
  assert.deepEqual(walletAnchors(describeSelection(graph, ['n4'])), []);
});
