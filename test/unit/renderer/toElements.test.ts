import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, Label } from '../../../shared/api/schemas';
import { EDGE_WIDTH } from '../../../renderer/graph/edgeWidth';
import { labelKeysIn } from '../../../renderer/graph/labelCategory';
import { SANCTION_PREFIX, TAG_CHARS } from '../../../renderer/graph/labelDetail';
import { CLUSTER_TAG_OFFSET, clusterTagPosition, toElements, type EdgeElement, type GraphElement, type NodeElement } from '../../../renderer/graph/toElements';

const ETH = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
const USDT = { id: 2, chain: 'eip155:1', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const UNKNOWN_TOKEN = { id: 3, chain: 'eip155:1', contract: '0x0000000000000000000000000000000000c0ffee', symbol: null, decimals: null };

const tag = {
  id: 7,
  label: 'Lazarus Group',
  category: 'perpetrator' as const,
  confidence: 60,
  source: 'FBI press release 2023-06',
  note: '',
  createdAt: '2023-06-05T10:00:00Z',
  createdBy: 'inv. Moreau',
};

function label(text: string, extra: Partial<Label> = {}): Label {
  return {
    label: text,
    category: 'exchange',
    abuse: null,
    confidence: 'service_data',
    confidenceScore: 50,
    source: 'https://example.org/pack',
    context: null,
    actor: null,
    actorName: null,
    lastmod: '2024-01-02',
    set: { id: 3, title: 'Exchanges 2024', kind: 'tagpack' },
    ...extra,
  };
}

function addressNode(id: string, address: string, display: string, short: string, extra: Partial<Graph['nodes'][number]> = {}) {
  return {
    kind: 'address' as const,
    id,
    chain: 'eip155:1',
    address,
    display,
    short,
    x: 0,
    y: 0,
    hidden: false,
    clusterId: null,
    role: null,
    known: true,
    tags: [],
    ...extra,
  } as Graph['nodes'][number];
}

function sampleGraph(): Graph {
  return {
    caseId: 'atomic-wallet-2023',
    nodes: [
      addressNode('n1', '0x1b6392b4a4d4c3e7a0b5c5a1e1f2c3d4e5f662ca', '0x1B6392B4A4d4C3e7A0b5C5a1E1F2c3d4E5F662ca', '0x1B63…62ca', {
        role: 'victim',
        x: 120.5,
        y: -40,
      }),
      addressNode('n2', '0x8e1b2c3d4e5f60718293a4b5c6d7e8f901234567', '0x8E1b2C3D4e5F60718293A4b5C6d7E8F901234567', '0x8E1b…4567', {
        clusterId: 'c1',
        tags: [tag],
        x: 400,
        y: 10,
      }),
      addressNode('n3', '0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '0x9F8e7D6c5B4a39281706F5e4D3c2B1a098765432', '0x9F8e…5432', {
        clusterId: 'c1',
        known: false,
        x: 400,
        y: 120,
      }),
      addressNode('n4', '0x00000000219ab540356cbb839cbe05303d7705fa', '0x00000000219ab540356cBB839Cbe05303d7705Fa', '0x0000…05Fa', {
        hidden: true,
      }),
      { kind: 'more', id: 'm5', parentId: 'n2', direction: 'out', offset: 25, remaining: 99990, x: 600, y: 10, hidden: false },
    ],
    edges: [
      { id: 'e1', source: 'n1', target: 'n2', asset: ETH, total: '11000440000000000', count: 3, firstTime: 1685836800, lastTime: 1685923200 },
      // Above 2^64 (18446744073709551616): must survive exactly, never via a float.
      { id: 'e2', source: 'n2', target: 'n3', asset: ETH, total: '18446744073709551617000', count: 1, firstTime: null, lastTime: null },
      { id: 'e3', source: 'n1', target: 'n3', asset: USDT, total: '1500000', count: 1, firstTime: null, lastTime: null },
      { id: 'e4', source: 'n3', target: 'n1', asset: UNKNOWN_TOKEN, total: '123456789', count: 2, firstTime: null, lastTime: null },
      { id: 'e5', source: 'n1', target: 'n4', asset: ETH, total: '1000000000000000000', count: 1, firstTime: null, lastTime: null },
    ],
    links: [],
    clusters: [
      { id: 'c1', name: 'Sinbad mixer', category: 'mixing_service', color: '#6b4fd9', note: '', tags: [], members: 2 },
      { id: 'c2', name: 'Garantex deposit', category: 'exchange', color: '#2f80ed', note: '', tags: [], members: 1 },
    ],
    seeds: [
      { chain: 'eip155:1', address: '0x1b6392b4a4d4c3e7a0b5c5a1e1f2c3d4e5f662ca', display: '0x1B63…', role: 'victim', note: '', nodeId: 'n1' },
    ],
    undo: 'Expand n1',
    redo: null,
  };
}

function byId(elements: GraphElement[], id: string): GraphElement {
  const found = elements.find((e) => e.data.id === id);
  assert.ok(found, `element ${id} missing`);
  return found;
}
const node = (elements: GraphElement[], id: string) => byId(elements, id) as NodeElement;
const edge = (elements: GraphElement[], id: string) => byId(elements, id) as EdgeElement;

describe('toElements', () => {
  it('maps clusters to name tags with name, colour and hover text, over their members, before the nodes', () => {
    const elements = toElements(sampleGraph());
    const c1 = node(elements, 'c1');
    assert.deepEqual(c1.data, {
      id: 'c1',
      kind: 'cluster',
      label: 'Sinbad mixer',
      color: '#6b4fd9',
      category: 'mixing_service',
      title: 'Sinbad mixer\ncluster · mixing service · 2 members',
    });
    // Beside the topmost member (n2 at 400,10; n3 is at 400,120), right of its bubble.
    assert.deepEqual(c1.position, { x: 400 + CLUSTER_TAG_OFFSET.x, y: 10 + CLUSTER_TAG_OFFSET.y });
    assert.match(c1.classes, /\bcluster\b/);
    const index = (id: string) => elements.findIndex((e) => e.data.id === id);
    assert.ok(index('c1') < index('n2'));
  });

  it('puts a name tag by the topmost member, the rightmost of a row, so it runs into no other member', () => {
    const row = [
      { x: 0, y: 0 },
      { x: 220, y: 0 },
      { x: 440, y: 72 },
    ];
    assert.deepEqual(clusterTagPosition(row), { x: 220 + CLUSTER_TAG_OFFSET.x, y: CLUSTER_TAG_OFFSET.y });
  });

  it('marks cluster members by data, never as compound children (whose box would cover non-members)', () => {
    for (const el of toElements(sampleGraph())) assert.equal((el.data as { parent?: string }).parent, undefined, el.data.id);
  });

  it('leaves out clusters with no visible member', () => {
    assert.equal(toElements(sampleGraph()).find((e) => e.data.id === 'c2'), undefined);
  });

  it('labels address nodes with the short address and the first tag on a second line', () => {
    const elements = toElements(sampleGraph());
    assert.equal(node(elements, 'n1').data.label, '0x1B63…62ca');
    const n2 = node(elements, 'n2');
    assert.equal(n2.data.label, '0x8E1b…4567\nLazarus Group');
    assert.equal(n2.data.kind === 'address' && n2.data.cluster, 'c1');
    // Zoomed out one line; zoomed in the full address and the tags; on hover everything.
    assert.ok(n2.data.kind === 'address');
    // As long as a short address (11 characters), so it fits a grid column at every band.
    assert.equal(n2.data.brief, 'Lazarus Gr…');
    assert.equal(n2.data.full, '0x8E1b2C3D4e5F60718293A4b5C6d7E8F901234567\nLazarus Group');
    assert.equal(n2.data.title, '0x8E1b2C3D4e5F60718293A4b5C6d7E8F901234567\ntag: Lazarus Group\ncluster: Sinbad mixer');
    assert.match(n2.classes, /\btagged\b/);
  });

  it('carries address, role class and server position', () => {
    const n1 = node(toElements(sampleGraph()), 'n1');
    assert.deepEqual(n1.position, { x: 120.5, y: -40 });
    assert.ok(n1.data.kind === 'address');
    assert.equal(n1.data.address, '0x1b6392b4a4d4c3e7a0b5c5a1e1f2c3d4e5f662ca');
    assert.equal(n1.data.display, '0x1B6392B4A4d4C3e7A0b5C5a1E1F2c3d4E5F662ca');
    assert.equal(n1.data.role, 'victim');
    assert.equal(n1.data.cluster, undefined);
    assert.deepEqual(n1.classes.split(' ').sort(), ['address', 'seed', 'seed-victim']);
    assert.match(node(toElements(sampleGraph()), 'n3').classes, /\bunknown\b/);
  });

  it('drops hidden nodes and every edge touching them', () => {
    const elements = toElements(sampleGraph());
    assert.equal(elements.find((e) => e.data.id === 'n4'), undefined);
    assert.equal(elements.find((e) => e.data.id === 'e5'), undefined);
  });

  it('maps "more" nodes to a dashed pill labelled with the remaining count', () => {
    const m5 = node(toElements(sampleGraph()), 'm5');
    assert.equal(m5.classes, 'more');
    assert.deepEqual(m5.data, { id: 'm5', kind: 'more', label: '+99,990 more', ofNode: 'n2', direction: 'out', remaining: 99990 });
  });

  it('labels edges with the amount rounded to five significant digits, symbol and count; exact for hover', () => {
    const elements = toElements(sampleGraph());
    const e1 = edge(elements, 'e1');
    assert.equal(e1.data.label, '0.011 ETH ×3');
    assert.ok(e1.data.kind === 'edge');
    assert.equal(e1.data.exact, '0.01100044 ETH');
    assert.equal(e1.data.source, 'n1');
    assert.equal(e1.data.target, 'n2');
    assert.equal(e1.data.title, '11000440000000000 base units');
    assert.equal(edge(elements, 'e3').data.label, '1.5 USDT');
    assert.match(edge(elements, 'e3').classes, /\btoken\b/);
  });

  it('rounds an amount above 2^64 without a float, and keeps it exact for hover', () => {
    const e2 = edge(toElements(sampleGraph()), 'e2');
    assert.equal(e2.data.label, '18,447 ETH');
    assert.ok(e2.data.kind === 'edge');
    assert.equal(e2.data.exact, '18,446.744073709551617 ETH');
    assert.equal(e2.data.title, '18446744073709551617000 base units');
  });

  it('draws edges as wide as their value, on one scale per asset', () => {
    const elements = toElements(sampleGraph());
    const width = (id: string) => {
      const e = edge(elements, id);
      return e.data.kind === 'edge' ? e.data.width : undefined;
    };
    // e2 is the biggest ETH flow, e1 more than a thousand times smaller.
    assert.equal(width('e2'), EDGE_WIDTH.max);
    assert.equal(width('e1'), EDGE_WIDTH.min);
    // The only USDT edge is not compared with ETH.
    assert.equal(width('e3'), EDGE_WIDTH.single);
  });

  it('shortens a 200-character tag on the canvas and keeps it whole for hover', () => {
    const g = sampleGraph();
    const long = 'L'.repeat(200);
    const n2 = g.nodes.find((n) => n.id === 'n2')!;
    if (n2.kind === 'address') n2.tags = [{ ...tag, label: long }];
    const el = node(toElements(g), 'n2');
    assert.ok(el.data.kind === 'address');
    for (const line of [...el.data.label.split('\n'), el.data.brief, ...el.data.full.split('\n').slice(1)]) {
      assert.ok(line.length <= 42, `"${line}" is ${line.length} characters`);
    }
    assert.match(el.data.label, /…$/);
    assert.ok(el.data.title.includes(long));
  });

  it('shows raw base units with "units" when decimals are unknown', () => {
    assert.equal(edge(toElements(sampleGraph()), 'e4').data.label, '123,456,789 units ×2');
  });

  it('orders clusters, then nodes, then edges, and is empty for an empty graph', () => {
    const groups = toElements(sampleGraph()).map((e) => (e.group === 'edges' ? 'e' : e.data.kind === 'cluster' ? 'c' : 'n'));
    assert.deepEqual(groups, ['c', 'n', 'n', 'n', 'n', 'e', 'e', 'e', 'e']);
    assert.deepEqual(toElements({ ...sampleGraph(), nodes: [], edges: [], clusters: [] }), []);
  });
});

it('a same-key link is drawn between two visible address nodes, dashed, with its reason as the tooltip', () => {
  const g = sampleGraph();
  const [a, b] = g.nodes.filter((n) => n.kind === 'address' && !n.hidden);
  g.links = [{ id: 'k1-2', source: a!.id, target: b!.id, kind: 'same-key', why: 'the same key controls both' }];
  const link = toElements(g).find((e) => e.group === 'edges' && e.data.id === 'k1-2');
  assert.deepEqual(link, {
    group: 'edges',
    data: { id: 'k1-2', kind: 'link', source: a!.id, target: b!.id, label: 'same key', title: 'the same key controls both' },
    classes: 'same-key',
  });
  // A link to a hidden node is not drawn.
  const hidden = g.nodes.find((n) => n.hidden);
  if (hidden) {
    g.links = [{ id: 'k9', source: a!.id, target: hidden.id, kind: 'same-key', why: '' }];
    assert.equal(toElements(g).some((e) => e.data.id === 'k9'), false);
  }
});

describe('labels from label sets on the canvas', () => {
  function labelled(): Graph {
    const g = sampleGraph();
    const n1 = g.nodes.find((n) => n.id === 'n1')!;
    if (n1.kind === 'address') {
      n1.labels = [label('Northwind Exchange hot wallet'), label('Northwind', { set: { id: 4, title: 'Old pack', kind: 'csv' } })];
      n1.labelCount = 7;
    }
    const n3 = g.nodes.find((n) => n.id === 'n3')!;
    if (n3.kind === 'address') {
      n3.labels = [label('Garantex Europe', { category: 'exchange', abuse: 'sanction', confidence: 'authority_data', confidenceScore: 60, set: { id: 5, title: 'OFAC SDN', kind: 'ofac' } })];
      n3.labelCount = 1;
      n3.sanctioned = true;
    }
    return g;
  }

  it('names an untagged node by its best label, within the lengths of each band, and fills it by its category', () => {
    const n1 = node(toElements(labelled()), 'n1');
    assert.ok(n1.data.kind === 'address');
    assert.equal(n1.data.label, '0x1B63…62ca\nNorthwind Exchange ho…');
    assert.equal(n1.data.brief, 'Northwind…');
    assert.ok(Array.from(n1.data.label.split('\n')[1]!).length <= TAG_CHARS.normal);
    assert.equal(n1.data.full, '0x1B6392B4A4d4C3e7A0b5C5a1E1F2c3d4E5F662ca\nNorthwind Exchange hot wallet\nNorthwind\n+5 more labels');
    assert.equal(n1.data.category, 'exchange');
    assert.deepEqual(n1.classes.split(' ').sort(), ['address', 'label-exchange', 'labelled', 'seed', 'seed-victim']);
  });

  it('lists every label the graph sent on hover, with its set, and how many more there are', () => {
    const n1 = node(toElements(labelled()), 'n1');
    assert.ok(n1.data.kind === 'address');
    assert.equal(
      n1.data.title,
      [
        '0x1B6392B4A4d4C3e7A0b5C5a1E1F2c3d4E5F662ca',
        'label: Northwind Exchange hot wallet (exchange) · Exchanges 2024',
        'label: Northwind (exchange) · Old pack',
        '+5 more labels (details panel)',
        'seed: victim',
      ].join('\n'),
    );
  });

  it('keeps the case tag first: its text and its category win over a label', () => {
    const g = labelled();
    const n2 = g.nodes.find((n) => n.id === 'n2')!;
    if (n2.kind === 'address') {
      n2.labels = [label('Huobi')];
      n2.labelCount = 1;
    }
    const el = node(toElements(g), 'n2');
    assert.ok(el.data.kind === 'address');
    assert.equal(el.data.label, '0x8E1b…4567\nLazarus Group');
    // The tag is a perpetrator: illicit red, not the label's exchange blue.
    assert.equal(el.data.category, 'illicit');
    assert.match(el.classes, /\blabel-illicit\b/);
    assert.match(el.data.title, /tag: Lazarus Group\nlabel: Huobi \(exchange\) · Exchanges 2024/);
  });

  it('makes a sanctioned node unmistakable: its class, a mark in its label at every band, and first on hover', () => {
    const n3 = node(toElements(labelled()), 'n3');
    assert.ok(n3.data.kind === 'address');
    assert.match(n3.classes, /\bsanctioned\b/);
    assert.ok(n3.data.brief.startsWith(SANCTION_PREFIX));
    assert.equal(Array.from(n3.data.brief).length, TAG_CHARS.overview);
    assert.equal(n3.data.label, `0x9F8e…5432\n${SANCTION_PREFIX}Garantex Europe`);
    assert.equal(n3.data.title.split('\n')[1], 'SANCTIONED: a label set lists this address as sanctioned');
    assert.match(n3.data.title, /label: Garantex Europe \(exchange, sanction\) · OFAC SDN/);
  });

  it('leaves a node without labels as it was (no labels from an older back end either)', () => {
    const n2 = node(toElements(sampleGraph()), 'n2');
    assert.ok(n2.data.kind === 'address');
    assert.equal(n2.data.category, 'illicit');
    const n3 = node(toElements(sampleGraph()), 'n3');
    assert.ok(n3.data.kind === 'address');
    assert.equal(n3.data.category, undefined);
    assert.doesNotMatch(n3.classes, /labelled|sanctioned|label-/);
  });

  it('tells the legend which categories the visible nodes show, and whether one is sanctioned', () => {
    assert.deepEqual(labelKeysIn(labelled()), { keys: ['exchange', 'illicit'], sanctioned: true });
    assert.deepEqual(labelKeysIn(sampleGraph()), { keys: ['illicit'], sanctioned: false });
    assert.deepEqual(labelKeysIn(null), { keys: [], sanctioned: false });
  });
});
