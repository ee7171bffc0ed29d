import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import type { AddressNode, EntityNode, Graph, GraphCluster, GraphEdge, GraphNode, MoreNode } from '../../../../shared/api/schemas';
import type { SavedTrace } from '../../../../shared/api/traceSchemas';
import { clusterNodeIds, FONT, largeCaseFigures, MIN_PRINT_PT, renderGraphSvg, traceEmphasis } from '../../../../electron/core/report/graphSvg';
import { buildSampleWorkspace } from '../../../../electron/core/synth/sampleWorkspace';
import { tempDir } from '../../helpers';
import { freshBackend, ok } from '../backendHelpers';

const ETH = 'eip155:1';
const TRON = 'tron:0x2b6653dc';
const BTC = 'bip122:000000000019d6689c085ae165831e93';
const ACCENT = '#0b7a75';

const ETH_ASSET = { id: 1, chain: ETH, contract: null, symbol: 'ETH', decimals: 18 };
const USDT_ASSET = { id: 2, chain: ETH, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const BTC_ASSET = { id: 3, chain: BTC, contract: null, symbol: 'BTC', decimals: 8 };

/** A distinct EVM address per number, canonical (lower case), and its short form. */
function evm(i: number): { address: string; short: string } {
  const address = '0x' + i.toString(16).padStart(4, '0').repeat(10);
  return { address, short: `${address.slice(0, 6)}…${address.slice(-4)}` };
}

function addr(i: number, x: number, y: number, over: Partial<AddressNode> = {}): AddressNode {
  const { address, short } = evm(i);
  return { kind: 'address', id: `n${i}`, chain: ETH, address, display: address, short, x, y, hidden: false, clusterId: null, role: null, known: true, tags: [], ...over };
}

function edge(id: string, source: string, target: string, total: string, asset: GraphEdge['asset'] = ETH_ASSET, count = 1): GraphEdge {
  return { id, source, target, asset, total, count, firstTime: null, lastTime: null };
}

function graphOf(nodes: GraphNode[], edges: GraphEdge[], extra: Partial<Graph> = {}): Graph {
  return { caseId: 'test-case', nodes, edges, links: [], clusters: [], seeds: [], undo: null, redo: null, ...extra };
}

function tagOf(label: string, category: Graph['clusters'][number]['category'] | null = null) {
  return { id: 1, label, category, confidence: 80, source: 'test', note: '', createdAt: '2024-01-01T00:00:00Z', createdBy: 'tester' };
}

function cluster(id: string, name: string, color = '#d94f4f'): GraphCluster {
  return { id, name, category: 'perpetrator', color, note: '', tags: [], members: 2 };
}

/** Parses strictly: any XML error or warning fails the test. */
function parse(svg: string): Document {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`SVG does not parse (${level}): ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.documentElement?.nodeName, 'svg');
  assert.equal(doc.documentElement?.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
  return doc;
}

function elements(doc: Document, name: string): Element[] {
  return Array.from(doc.getElementsByTagName(name));
}

function classesOf(el: Element): string[] {
  return (el.getAttribute('class') ?? '').split(/\s+/).filter(Boolean);
}

/** Groups whose class list holds every one of `classes`. */
function groups(doc: Document, ...classes: string[]): Element[] {
  return elements(doc, 'g').filter((g) => classes.every((c) => classesOf(g).includes(c)));
}

function texts(doc: Document): string[] {
  return elements(doc, 'text').map((t) => t.textContent ?? '');
}

function legendKinds(doc: Document): Set<string> {
  return new Set(
    groups(doc, 'legend-entry').map((g) => {
      const kind = classesOf(g).find((c) => c.startsWith('legend-') && c !== 'legend-entry');
      assert.ok(kind, 'every legend entry names its kind');
      return kind.slice('legend-'.length);
    }),
  );
}

/** The first <path> of an edge's group: its line. */
function edgePath(doc: Document, id: string): Element {
  const [g] = groups(doc, 'edge', `id-${id}`);
  assert.ok(g, `edge ${id} is drawn`);
  return elements(g as unknown as Document, 'path')[0]!;
}

/** A small case: a victim paying two addresses, one of them hidden, and a chain on to a third. */
function smallCase(): Graph {
  return graphOf(
    [
      addr(1, 0, 0, { role: 'victim' }),
      addr(2, 280, -72),
      addr(3, 280, 72, { hidden: true }),
      addr(4, 560, 0),
    ],
    [
      edge('e1', 'n1', 'n2', '1500000000000000000'),
      edge('e2', 'n1', 'n3', '2000000000000000000'),
      edge('e3', 'n2', 'n4', '1250000000000000000', ETH_ASSET, 3),
    ],
  );
}

test('every visible node is drawn with its short address as label, hidden nodes and their edges are not, and the SVG parses as standalone SVG', () => {
  const g = smallCase();
  const out = renderGraphSvg(g, { title: 'Small case' });
  const doc = parse(out.svg);
  const root = doc.documentElement!;
  assert.equal(root.getAttribute('viewBox'), `0 0 ${out.width} ${out.height}`);
  assert.equal(Number(root.getAttribute('width')), out.width);
  assert.equal(Number(root.getAttribute('height')), out.height);
  assert.equal(out.width, 680, 'default width is the A4 text width at 96 dpi');
  assert.equal(root.getAttribute('font-family'), 'DejaVu Sans, Liberation Sans, Arial, sans-serif');

  const all = texts(doc).join('\n');
  for (const n of g.nodes) {
    if (n.kind !== 'address') continue;
    if (n.hidden) {
      assert.ok(!out.svg.includes(n.short), `hidden ${n.id} leaves no trace`);
      assert.equal(groups(doc, 'node', `id-${n.id}`).length, 0);
    } else {
      assert.ok(all.includes(n.short), `label of ${n.id} is drawn`);
      assert.equal(groups(doc, 'node', `id-${n.id}`).length, 1);
    }
  }
  assert.equal(groups(doc, 'edge', 'id-e2').length, 0, 'the edge to the hidden node is not drawn');
  assert.deepEqual([out.nodes, out.edges], [3, 2]);
  assert.ok(all.includes('Small case'));
});

test('edge labels give the exact amount with its symbol, grouped, with the transfer count; a very long one is cut and kept whole in its hover text', () => {
  const btc = (i: number, x: number, y: number): AddressNode => ({ ...addr(i, x, y), chain: BTC, address: `bc1q${i}`, display: `bc1q${i}`, short: `bc1q${i}…x${i}` });
  const g = graphOf(
    [btc(1, 0, 0), btc(2, 300, 0), addr(3, 0, 300), addr(4, 300, 300), addr(5, 0, 600), addr(6, 300, 600)],
    [
      edge('sat', 'n1', 'n2', '123456789', BTC_ASSET),
      edge('usdt', 'n3', 'n4', '1234567890000', USDT_ASSET, 3),
      edge('wei', 'n5', 'n6', '19977603412416245123'),
    ],
  );
  const doc = parse(renderGraphSvg(g, {}).svg);
  const labels = groups(doc, 'edge-label').map((l) => l.textContent ?? '');
  assert.ok(labels.includes('1.23456789 BTC'), labels.join(' | '));
  assert.ok(labels.includes('1,234,567.89 USDT ×3'), labels.join(' | '));
  const wei = labels.find((l) => l.endsWith(' ETH'));
  assert.ok(wei, labels.join(' | '));
  assert.match(wei, /^19\.9776034\d*… ETH$/, 'cut, never rounded, and marked');
  const [weiGroup] = groups(doc, 'edge', 'id-wei');
  const hover = elements(weiGroup as unknown as Document, 'title')[0]!.textContent ?? '';
  assert.ok(hover.includes('19.977603412416245123 ETH'), hover);
  assert.ok(hover.includes('19977603412416245123 base units'), hover);
  assert.ok(legendKinds(doc).has('edge-label'));
  assert.ok(texts(doc).some((t) => t.includes('shown in full in its hover text')), 'the legend says long amounts are cut');
});

test('the traced path is drawn in the accent colour and bold, everything else greyed, and the legend says so', () => {
  const g = smallCase();
  g.nodes.push(addr(5, 560, 144));
  g.edges.push(edge('e4', 'n2', 'n5', '5000000000000000000'));
  const plain = parse(renderGraphSvg(g, {}).svg);
  assert.equal(groups(plain, 'emph').length, 0);
  assert.equal(groups(plain, 'dim').length, 0);
  assert.ok(!legendKinds(plain).has('traced'));

  const doc = parse(renderGraphSvg(g, { emphasis: { nodeIds: new Set(['n1', 'n2', 'n4']), edgeIds: new Set(['e1', 'e3']) } }).svg);
  for (const id of ['e1', 'e3']) {
    const [grp] = groups(doc, 'edge', `id-${id}`);
    assert.ok(classesOf(grp!).includes('emph'));
    assert.equal(grp!.getAttribute('opacity'), null, `${id} is not greyed`);
    assert.equal(edgePath(doc, id).getAttribute('stroke'), ACCENT);
    assert.ok(Number(edgePath(doc, id).getAttribute('stroke-width')) >= 2.5, 'bold');
  }
  const [other] = groups(doc, 'edge', 'id-e4');
  assert.ok(!classesOf(other!).includes('emph'));
  assert.ok(Number(other!.getAttribute('opacity')) < 0.5, 'the other edge is greyed');
  assert.notEqual(edgePath(doc, 'e4').getAttribute('stroke'), ACCENT);
  const [offPath] = groups(doc, 'node', 'id-n5');
  assert.ok(Number(offPath!.getAttribute('opacity')) < 0.5, 'a node off the path is greyed');
  const [onPath] = groups(doc, 'node', 'id-n2');
  assert.equal(onPath!.getAttribute('opacity'), null);
  assert.ok(legendKinds(doc).has('traced'));
});

test('the legend lists exactly the kinds of node, label, cluster and edge in the figure', () => {
  const simple = parse(renderGraphSvg(graphOf([addr(1, 0, 0, { role: 'victim' }), addr(2, 300, 0)], [edge('e1', 'n1', 'n2', '1')]), {}).svg);
  assert.deepEqual([...legendKinds(simple)].sort(), ['address', 'edge-label', 'native', 'role-victim']);
  assert.ok(texts(simple).some((t) => t.includes('All addresses are on Ethereum')));

  const entity: EntityNode = {
    kind: 'entity', id: 'w9', chain: ETH, anchor: evm(9).address, anchorDisplay: evm(9).address, cluster: 'e9', size: 4,
    label: { label: 'Big Exchange', category: 'exchange', sanctioned: false, address: evm(9).address }, labelChecked: true,
    members: [{ nodeId: 'n9', address: evm(9).address, display: evm(9).address, short: evm(9).short, role: null }],
    internal: [], wholeWallet: true, x: 600, y: 0, hidden: false,
  };
  const more: MoreNode = { kind: 'more', id: 'm1', parentId: 'n2', direction: 'out', offset: 25, remaining: 40, x: 300, y: 150, hidden: false };
  const tron: AddressNode = { ...addr(7, 900, 0), chain: TRON, address: 'TXYZabc7', display: 'TXYZabc7', short: 'TXYZ…abc7' };
  const g = graphOf(
    [
      addr(1, 0, 0, { role: 'suspect' }),
      addr(2, 300, 0, { role: 'service', clusterId: 'c1' }),
      addr(3, 300, 72, { sanctioned: true, clusterId: 'c1' }),
      addr(4, 0, 144, { tags: [tagOf('Hot wallet', 'exchange')], wallet: { cluster: 'e4', size: 3, label: null, labelChecked: true } }),
      addr(5, 0, 216, { known: false }),
      entity,
      more,
      tron,
      addr(8, 300, 300, { hidden: true, role: 'victim' }),
    ],
    [edge('e1', 'n1', 'n2', '1'), edge('e2', 'n1', 'n3', '1000'), edge('e3', 'n2', 'w9', '5', USDT_ASSET), edge('e4', 'n8', 'n1', '7')],
    { clusters: [cluster('c1', 'Ring'), cluster('c2', 'Unused cluster', '#123456')], links: [{ id: 'k1', source: 'n4', target: 'n7', kind: 'same-key', why: 'same key hash' }] },
  );
  const doc = parse(renderGraphSvg(g, {}).svg);
  assert.deepEqual(
    [...legendKinds(doc)].sort(),
    ['address', 'chain', 'cluster', 'edge-label', 'entity', 'label-exchange', 'more', 'native', 'role-service', 'role-suspect', 'same-key', 'sanctioned', 'token', 'unknown', 'wallet', 'width'].sort(),
  );
  const clusterEntries = groups(doc, 'legend-cluster').map((e) => e.textContent ?? '');
  assert.deepEqual(clusterEntries, ['Ring (perpetrator)'], 'only clusters drawn are listed');
  assert.ok(!legendKinds(doc).has('role-victim'), 'the hidden victim is not in the legend');
  assert.equal(groups(doc, 'cluster', 'id-c1').length + elements(doc, 'path').filter((p) => classesOf(p).includes('id-c1')).length, 1, 'one hull for the drawn cluster');
  assert.ok(texts(doc).some((t) => t.includes('+40 more')));
  assert.ok(texts(doc).some((t) => t.includes('Big Exchange')) && texts(doc).some((t) => t.includes('1 of 4 addresses')));
  assert.ok(texts(doc).some((t) => t.includes('⚠')), 'the sanctioned address is marked in its label');
});

test('the SVG refers to nothing outside itself', () => {
  const g = smallCase();
  g.clusters.push(cluster('c1', 'Ring'));
  (g.nodes[1] as AddressNode).clusterId = 'c1';
  const { svg } = renderGraphSvg(g, { title: 'Refs' });
  const doc = parse(svg);
  const withoutNamespace = svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
  assert.doesNotMatch(withoutNamespace, /https?:|file:|data:|url\(|@import|@font-face/i);
  for (const el of elements(doc, '*')) {
    for (const a of Array.from(el.attributes)) assert.ok(!/href$/i.test(a.name), `${el.nodeName} has ${a.name}`);
    assert.ok(!['image', 'use', 'script', 'foreignObject', 'style', 'a'].includes(el.nodeName), `no <${el.nodeName}>`);
  }
  assert.equal(elements(doc, '*').filter((el) => el.getAttribute('id') !== null).length, 0, 'no ids to clash when several figures share a page');
});

test('hostile label text is escaped, and characters XML forbids are dropped', () => {
  const hostile = '</text><script>alert("x")</script>&\'\u0001\u202E';
  const g = graphOf(
    [addr(1, 0, 0, { tags: [tagOf(hostile)], clusterId: 'c1' }), addr(2, 300, 0, { clusterId: 'c1' })],
    [edge('e"1<', 'n1', 'n2', '1', { ...ETH_ASSET, symbol: '<b>&' })],
    { clusters: [cluster('c1', '<Ring & "Co">', '#fff" onload="alert(1)')] },
  );
  const { svg } = renderGraphSvg(g, { title: 'A & B <c>' });
  const doc = parse(svg);
  assert.equal(elements(doc, 'script').length, 0);
  assert.ok(!elements(doc, '*').some((el) => el.getAttribute('onload') !== null));
  assert.ok(!svg.includes('\u0001') && !svg.includes('\u202E'));
  const all = texts(doc).join('\n');
  assert.ok(all.includes('</text><script>alert("x'), 'the label reads as written');
  assert.ok(all.includes('<Ring & "Co">'));
  assert.ok(all.includes('0.000000000000000001 <b>&'), 'a tiny amount is never cut to zeros');
  assert.ok(all.includes('A & B <c>'));
});

test('a viewport draws only the nodes inside it, and the edges between them', () => {
  const g = graphOf([addr(1, 0, 0), addr(2, 200, 0), addr(3, 1000, 0)], [edge('e1', 'n1', 'n2', '1'), edge('e2', 'n2', 'n3', '2')]);
  const out = renderGraphSvg(g, { viewport: { x1: -100, y1: -100, x2: 400, y2: 100 } });
  const doc = parse(out.svg);
  assert.equal(out.nodes, 2);
  assert.equal(out.edges, 1);
  assert.equal(groups(doc, 'node', 'id-n3').length, 0);
  assert.ok(!out.svg.includes(evm(3).short));
  assert.equal(groups(doc, 'edge', 'id-e2').length, 0);
  assert.equal(groups(doc, 'node', 'id-n1').length, 1);

  const sub = renderGraphSvg(g, { nodeIds: new Set(['n2', 'n3']) });
  assert.equal(sub.nodes, 2);
  assert.ok(!sub.svg.includes(evm(1).short), 'a subgraph leaves the other nodes out');

  const bare = renderGraphSvg(g, { legend: false, widthPx: 400 });
  const bareDoc = parse(bare.svg);
  assert.equal(groups(bareDoc, 'legend').length, 0, 'legend: false draws none');
  assert.equal(bare.width, 400);
  assert.ok(bare.height < renderGraphSvg(g, { widthPx: 400 }).height);
});

test('edges between the same two nodes (other assets, the other way, a same-key link) take different paths, and stacked nodes are spread', () => {
  const g = graphOf(
    [addr(1, 0, 0), addr(2, 300, 0), addr(3, 0, 200), addr(4, 0, 200), addr(5, 0, 200)],
    [edge('a', 'n1', 'n2', '1'), edge('b', 'n1', 'n2', '2', USDT_ASSET), edge('c', 'n2', 'n1', '3')],
    { links: [{ id: 'k', source: 'n1', target: 'n2', kind: 'same-key', why: 'one key' }] },
  );
  const doc = parse(renderGraphSvg(g, {}).svg);
  const paths = ['a', 'b', 'c', 'k'].map((id) => edgePath(doc, id).getAttribute('d'));
  assert.equal(new Set(paths).size, 4, paths.join(' | '));
  const link = edgePath(doc, 'k');
  assert.ok(link.getAttribute('stroke-dasharray'), 'a same-key link is dashed');

  // The three nodes stacked at one point each show a whole mark of their own.
  const centres = ['n3', 'n4', 'n5'].map((id) => {
    const circles = elements(groups(doc, 'node', `id-${id}`)[0] as unknown as Document, 'circle');
    const c = circles[circles.length - 1]!;
    return { x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')), r: Number(c.getAttribute('r')) };
  });
  for (let i = 0; i < centres.length; i++) {
    for (let j = i + 1; j < centres.length; j++) {
      const a = centres[i]!;
      const b = centres[j]!;
      assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r, `stacked nodes ${i} and ${j} do not cover each other`);
    }
  }
});

/** A hub paged out to 499 counterparties, laid out in the canvas's grid (placement.ts). */
function bigCase(): Graph {
  const nodes: GraphNode[] = [addr(0, 0, 0, { role: 'victim' })];
  const edges: GraphEdge[] = [];
  for (let i = 1; i < 500; i++) {
    const col = Math.floor((i - 1) / 30);
    const row = (i - 1) % 30;
    nodes.push(addr(i, 280 + col * 220, (row - 15) * 72, i % 7 === 0 ? { tags: [tagOf(`Service number ${i}`, 'exchange')] } : {}));
    edges.push(edge(`e${i}`, 'n0', `n${i}`, `${i}${'0'.repeat(15)}`));
  }
  return graphOf(nodes, edges);
}

test('a 500-node graph keeps every text at least 7 pt in print, and its labels do not overlap', () => {
  const out = renderGraphSvg(bigCase(), {});
  const doc = parse(out.svg);
  const root = doc.documentElement!;
  const viewBoxWidth = Number(root.getAttribute('viewBox')!.split(' ')[2]);
  // Printed at its own width (px at 96 dpi), as the report places it.
  const mmPerUnit = (Number(root.getAttribute('width')) * 25.4) / 96 / viewBoxWidth;
  const minMm = (MIN_PRINT_PT * 25.4) / 72;
  const sizes = elements(doc, 'text').map((t) => Number(t.getAttribute('font-size')));
  assert.ok(sizes.length > 20, `${sizes.length} texts`);
  for (const s of sizes) assert.ok(s * mmPerUnit >= minMm, `font-size ${s} prints at ${(s * mmPerUnit).toFixed(2)} mm, under ${minMm.toFixed(2)} mm`);
  assert.ok(Math.min(...sizes) >= FONT.edge);

  const boxes = groups(doc, 'label').map((g) => {
    const r = elements(g as unknown as Document, 'rect')[0]!;
    const x = Number(r.getAttribute('x'));
    const y = Number(r.getAttribute('y'));
    return { x1: x, y1: y, x2: x + Number(r.getAttribute('width')), y2: y + Number(r.getAttribute('height')) };
  });
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      assert.ok(!(a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2), `labels ${i} and ${j} overlap`);
    }
  }
  // What could not be placed is counted in the legend, so the reader knows labels are missing.
  const note = texts(doc).find((t) => /labels? left out/.test(t));
  assert.ok(note, 'the legend says labels were left out');
  const left = Number(/^([\d,]+)/.exec(note)![1]!.replace(/,/g, ''));
  assert.equal(left + boxes.length, 500 + 499, 'every node and edge label is either drawn or counted');
  assert.ok(out.height <= 1000, `fits an A4 page (${out.height} px)`);
  assert.equal(groups(doc, 'node').length, 500, 'every node is drawn, labelled or not');
});

/** A saved trace by hand: from `source`, along `transfers` (from, to, asset), ending at `endpoint`. */
function savedTrace(source: string, transfers: Array<[string, string, GraphEdge['asset']]>, endpoint: string): SavedTrace {
  const asset = ETH_ASSET;
  return {
    id: 7,
    name: 'theft',
    spec: {
      method: 'fifo', sources: [{ kind: 'address', chain: ETH, address: source }], maxHops: 6, since: null, until: null, minAmount: null, chains: null,
      stopAt: { categories: [], addresses: [], clusters: [], hubs: true },
    },
    result: {
      method: 'fifo',
      sources: [],
      endpoints: [{ chain: ETH, address: endpoint, display: endpoint, label: null, category: null, asset, amount: '1', share: 1, hops: 2, firstTime: null, lastTime: null, path: [], reason: 'rest', stopRule: null, linkedOut: '0' }],
      unresolved: [],
      totals: [],
      transfers: transfers.map(([from, to, a], i) => ({ chain: ETH, tx: `0x${String(i).padStart(64, '0')}`, ref: '0:', from, to, asset: a, amount: '1', traced: '1', hops: i + 1, time: null })),
      transfersTotal: transfers.length,
      links: [],
      unknownInputs: [],
      datasets: [],
      addressesFollowed: 3,
    },
    createdAt: '2024-01-01T00:00:00Z',
    createdBy: 'tester',
  };
}

test('traceEmphasis picks the nodes on a saved trace and the edges it moved value along, in their asset', () => {
  const g = graphOf(
    [addr(1, 0, 0, { role: 'victim' }), addr(2, 280, 0), addr(3, 560, 0), addr(4, 280, 144), addr(5, 560, 144)],
    [
      edge('v-a', 'n1', 'n2', '10'),
      edge('a-b', 'n2', 'n3', '9'),
      edge('a-b-usdt', 'n2', 'n3', '5', USDT_ASSET),
      edge('b-a', 'n3', 'n2', '1'),
      edge('a-c', 'n2', 'n4', '1'),
      edge('c-d', 'n4', 'n5', '1'),
    ],
  );
  // The trace names its source in upper-case hex: matched by canonical address.
  const source = '0x' + evm(1).address.slice(2).toUpperCase();
  const trace = savedTrace(source, [[evm(1).address, evm(2).address, ETH_ASSET], [evm(2).address, evm(3).address, ETH_ASSET]], evm(3).address);
  const e = traceEmphasis(g, trace);
  assert.deepEqual([...e.nodeIds].sort(), ['n1', 'n2', 'n3']);
  assert.deepEqual([...e.edgeIds].sort(), ['a-b', 'v-a'], 'not the USDT edge nor the way back');

  // A traced address drawn inside a wallet entity puts the entity on the path.
  const entity: EntityNode = {
    kind: 'entity', id: 'w1', chain: ETH, anchor: evm(3).address, anchorDisplay: evm(3).address, cluster: 'e3', size: 2, label: null, labelChecked: true,
    members: [{ nodeId: 'n3', address: evm(3).address, display: evm(3).address, short: evm(3).short, role: null }], internal: [], wholeWallet: true, x: 560, y: 0, hidden: false,
  };
  const collapsed = graphOf([g.nodes[0]!, g.nodes[1]!, entity], [edge('v-a', 'n1', 'n2', '10'), edge('a-w', 'n2', 'w1', '9')]);
  const ce = traceEmphasis(collapsed, trace);
  assert.deepEqual([...ce.nodeIds].sort(), ['n1', 'n2', 'w1']);
  assert.deepEqual([...ce.edgeIds].sort(), ['a-w', 'v-a']);
});

test('largeCaseFigures adds a figure per trace and per cluster only when the case is too big for one image', () => {
  const small = graphOf([addr(1, 0, 0), addr(2, 280, 0)], [edge('e', 'n1', 'n2', '1')], { clusters: [cluster('c1', 'Ring')] });
  const trace = savedTrace(evm(0).address, [[evm(0).address, evm(1).address, ETH_ASSET]], evm(1).address);
  assert.deepEqual(largeCaseFigures(small, [trace]), []);

  const big = bigCase();
  (big.nodes[3] as AddressNode).clusterId = 'c1';
  (big.nodes[4] as AddressNode).clusterId = 'c1';
  big.clusters.push(cluster('c1', 'Ring'));
  assert.deepEqual([...clusterNodeIds(big, 'c1')].sort(), ['n3', 'n4']);
  const figures = largeCaseFigures(big, [trace], 60);
  assert.deepEqual(figures.map((f) => f.id), ['trace-7', 'cluster-c1']);
  const [t, c] = figures;
  assert.ok(t!.emphasis && t!.emphasis.nodeIds.has('n0') && t!.emphasis.nodeIds.has('n1'));
  assert.ok(t!.nodeIds.has('n0') && t!.nodeIds.has('n1'), 'the path itself');
  assert.ok(t!.nodeIds.size <= 60, 'a hub on the path does not flood the figure');
  assert.ok(c!.nodeIds.has('n3') && c!.nodeIds.has('n4') && c!.nodeIds.has('n0'), 'members and their neighbour');
  assert.equal(c!.nodeIds.size, 3);
  const drawn = renderGraphSvg(big, { nodeIds: t!.nodeIds, emphasis: t!.emphasis, title: t!.title });
  assert.equal(drawn.nodes, t!.nodeIds.size);
});

test('a real case from the sample workspace draws every visible node and its edges', async () => {
  const dir = tempDir();
  const sample = await buildSampleWorkspace(`${dir}/sample`);
  const { backend } = freshBackend(`${dir}/sample`);
  try {
    let g = await ok(backend, 'graph.get', { caseId: sample.caseId });
    const first = g.nodes.find((n) => !n.hidden)!;
    g = await ok(backend, 'graph.expand', { caseId: sample.caseId, nodeId: first.id, direction: 'out', limit: 6 });
    const out = renderGraphSvg(g, { title: 'Sample' });
    const doc = parse(out.svg);
    const visible = g.nodes.filter((n) => !n.hidden);
    const ids = new Set(visible.map((n) => n.id));
    assert.equal(out.nodes, visible.length);
    assert.equal(out.edges, g.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).length + g.links.filter((l) => ids.has(l.source) && ids.has(l.target)).length);
    for (const n of visible) assert.equal(groups(doc, 'node', `id-${n.id}`).length, 1, `${n.id} drawn`);
    const labelled = new Set(groups(doc, 'node-label').map((l) => classesOf(l).find((c) => c.startsWith('id-'))));
    const all = texts(doc).join('\n');
    for (const n of visible) {
      if (n.kind === 'address' && labelled.has(`id-${n.id}`)) assert.ok(all.includes(n.short), `${n.id} labelled with its address`);
    }
    assert.ok(labelled.size >= visible.length / 2, `most nodes of a small case are labelled (${labelled.size} of ${visible.length})`);
    assert.ok(legendKinds(doc).has('role-victim'));
  } finally {
    await backend.close();
  }
});
