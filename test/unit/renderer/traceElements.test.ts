import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph } from '../../../shared/api/schemas';
import type { TraceResult } from '../../../shared/api/traceSchemas';
import { EDGE_WIDTH } from '../../../renderer/graph/edgeWidth';
import { LABEL_COLOURS } from '../../../renderer/graph/labelCategory';
import { aggregateFlows, layoutTrace, pathAddresses, traceElements, traceNodeId, TRACE_COLUMN_STEP, TRACE_ROW_STEP, type TraceEdgeData, type TraceElement, type TraceNodeData } from '../../../renderer/graph/traceElements';
import { pathOnCanvas } from '../../../renderer/state/tracePath';
import { A, B, C, D, E, sampleResult, V, X } from './traceFixture';

const id = (address: string) => traceNodeId('eip155:1', address);

function nodes(elements: readonly TraceElement[]) {
  return new Map(elements.filter((e) => e.group === 'nodes').map((e) => [e.data.id, e as Extract<TraceElement, { group: 'nodes' }>]));
}

function edges(elements: readonly TraceElement[]): (TraceEdgeData & { classes: string })[] {
  return elements.filter((e) => e.group === 'edges').map((e) => ({ ...(e.data as TraceEdgeData), classes: e.classes }));
}

describe('aggregateFlows', () => {
  it('sums the transfers between two addresses in one asset exactly, leaving out those to or from no address', () => {
    const flows = aggregateFlows(sampleResult().transfers);
    const va = flows.find((f) => f.from === V && f.to === A)!;
    assert.equal(va.traced, 10n * 10n ** 18n);
    assert.equal(va.transfers, 2);
    assert.equal(va.firstTime, 1_700_000_100);
    assert.equal(va.lastTime, 1_700_000_110);
    assert.equal(flows.length, 6, 'V→A, A→B, A→C, B→X in ETH and V→D, D→E in USDT; the fee is no edge');
  });
});

describe('traceElements by hop', () => {
  const drawing = traceElements(sampleResult(), { by: 'hop' });
  const n = nodes(drawing.elements);

  it('puts the sources at the left and every address one column right of where its value came from', () => {
    const x = (a: string) => n.get(id(a))!.position.x;
    assert.equal(x(V), 0);
    assert.equal(x(A), TRACE_COLUMN_STEP);
    assert.equal(x(B), 2 * TRACE_COLUMN_STEP);
    assert.equal(x(C), 2 * TRACE_COLUMN_STEP);
    assert.equal(x(X), 3 * TRACE_COLUMN_STEP, 'the exchange, three hops out, is rightmost');
    assert.equal(x(D), TRACE_COLUMN_STEP);
    assert.equal(x(E), 2 * TRACE_COLUMN_STEP);
    // No two nodes of a column share a place.
    const places = [...n.values()].map((e) => `${e.position.x},${e.position.y}`);
    assert.equal(new Set(places).size, places.length);
  });

  it('marks sources, endpoints (by their label category) and value still moving', () => {
    assert.match(n.get(id(V))!.classes, /\bsource\b/);
    assert.match(n.get(id(X))!.classes, /\bendpoint\b/);
    assert.match(n.get(id(X))!.classes, /\blabel-exchange\b/);
    assert.equal((n.get(id(X))!.data as TraceNodeData).category, 'exchange');
    assert.ok(LABEL_COLOURS.exchange, 'the class names a colour the canvas already has');
    assert.match(n.get(id(C))!.classes, /\bendpoint\b/);
    assert.match(n.get(id(E))!.classes, /\bunresolved\b/);
    assert.match(n.get(id(A))!.classes, /\bthrough\b/);
    const label = (n.get(id(X))!.data as TraceNodeData).label;
    assert.equal(label, 'Big Exchange\nstop: exchange · 6 ETH', 'its name, why the value stops there and how much');
    assert.match((n.get(id(X))!.data as TraceNodeData).title, /5\.999999999999999999 ETH/, 'exact on hover');
  });

  it('labels each edge with the traced value and its unit, as wide as the value on a log scale per asset', () => {
    const es = edges(drawing.elements);
    const va = es.find((e) => e.source === id(V) && e.target === id(A))!;
    assert.equal(va.label, '10 ETH');
    assert.equal(va.traced, (10n * 10n ** 18n).toString());
    assert.equal(va.count, 2);
    const ac = es.find((e) => e.source === id(A) && e.target === id(C))!;
    assert.equal(ac.label, '4 ETH', 'rounded on the canvas');
    assert.match(ac.exact, /^4\.000000000000000001 ETH/, 'exact on hover');
    assert.equal(va.width, EDGE_WIDTH.max, 'the largest ETH flow is the widest');
    assert.ok(ac.width < va.width);
    const usdt = es.filter((e) => e.asset === 2);
    assert.ok(usdt.every((e) => e.width === EDGE_WIDTH.single), 'USDT is not measured against ETH');
    assert.ok(usdt.every((e) => /\btoken\b/.test(e.classes)));
    assert.equal(drawing.nodes, 7, 'V, A, B, C, X, D and E');
    assert.equal(drawing.totalNodes, 7);
  });
});

describe('traceElements by time', () => {
  it('orders columns by when traced value first reached each address', () => {
    const n = nodes(traceElements(sampleResult(), { by: 'time' }).elements);
    const x = (a: string) => n.get(id(a))!.position.x;
    // V first sent at …100, A received at …100 too (so stands right of V), D at …120, B at …200,
    // C at …210, X at …300, E at …400.
    assert.ok(x(V) < x(A));
    assert.equal(x(A), x(D));
    assert.ok(x(D) < x(B) && x(B) < x(C) && x(C) < x(X) && x(X) < x(E));
  });
});

describe('traceElements with a drawing limit', () => {
  it('keeps the flows that carried the largest shares, a few addresses a hop, and says how many it left out', () => {
    const drawing = traceElements(sampleResult(), { by: 'hop', limit: { perHop: 1, total: 100 } });
    const drawn = [...nodes(drawing.elements).keys()].sort();
    // V→A carries 100 % of the ETH and brings V (hop 0) and A (hop 1); V→D, 100 % of the USDT,
    // would be a second address at hop 1; A→B (60 %) brings B to hop 2, B→X brings X to hop 3.
    assert.deepEqual(drawn, [id(V), id(A), id(B), id(X)].sort());
    assert.equal(drawing.nodes, 4);
    assert.equal(drawing.totalNodes, 7);
    assert.equal(drawing.totalFlows, 6);
    for (const e of edges(drawing.elements)) assert.ok(drawn.includes(e.source) && drawn.includes(e.target));
  });

  it('takes no more addresses in all than the total allows', () => {
    const drawing = traceElements(sampleResult(), { by: 'hop', limit: { perHop: 10, total: 3 } });
    assert.deepEqual([...nodes(drawing.elements).keys()].sort(), [id(V), id(A), id(D)].sort());
  });
});

describe('layoutTrace', () => {
  it('orders a column by where its senders are, so flows do not cross needlessly', () => {
    const nodesIn = [
      { id: 's1', hop: 0, time: null, weight: 10n },
      { id: 's2', hop: 0, time: null, weight: 5n },
      { id: 'a', hop: 1, time: null, weight: 1n },
      { id: 'b', hop: 1, time: null, weight: 9n },
    ];
    // a is paid by s1 (on top), b by s2 (below): a stays on top though b carries more.
    const at = layoutTrace(nodesIn, [{ source: 's1', target: 'a' }, { source: 's2', target: 'b' }], 'hop');
    assert.ok(at.get('s1')!.y < at.get('s2')!.y, 'the larger source first');
    assert.ok(at.get('a')!.y < at.get('b')!.y);
    assert.equal(at.get('b')!.y - at.get('a')!.y, TRACE_ROW_STEP);
    assert.equal(at.get('a')!.y + at.get('b')!.y, 0, 'each column centred on the same line');
  });
});

describe('layoutTrace by time', () => {
  it('shares many times out over the time columns, about as many addresses to each, in time order', () => {
    // Fifteen addresses in the theft's first minutes and one a month later.
    const times = [...Array.from({ length: 15 }, (_, i) => 1_700_000_000 + i * 10), 1_702_600_000];
    const at = layoutTrace(times.map((time, i) => ({ id: `n${i}`, hop: 0, time, weight: 1n })), [], 'time');
    const columns = times.map((_, i) => at.get(`n${i}`)!.x / TRACE_COLUMN_STEP);
    assert.deepEqual(columns, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
  });

  it('puts an address paid in the same block as its payer one column right of it', () => {
    const at = layoutTrace(
      [
        { id: 'victim', hop: 0, time: 100, weight: 1n },
        { id: 'thief', hop: 1, time: 100, weight: 1n },
        { id: 'later', hop: 2, time: 900, weight: 1n },
      ],
      [
        { source: 'victim', target: 'thief' },
        { source: 'thief', target: 'later' },
      ],
      'time',
    );
    assert.deepEqual(['victim', 'thief', 'later'].map((n) => at.get(n)!.x / TRACE_COLUMN_STEP), [0, 1, 2]);
  });
});

describe('cross-chain links in the drawing', () => {
  it('draws a confirmed link the trace crossed as an edge from the bridge in to the address it came out of', () => {
    const r: TraceResult = sampleResult();
    const tron = 'tron:0x2b6653dc';
    const bridgeOut = 'TBridgeOut1111111111111111111111111';
    const receiver = 'TReceiver1111111111111111111111111';
    r.transfers.push({ chain: tron, tx: 'tron-out', ref: '1:0', from: bridgeOut, to: receiver, asset: { id: 5, chain: tron, contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 }, amount: '4990000000', traced: '4990000000', hops: 3, time: 1_700_000_500 });
    r.totals.push({ asset: { id: 5, chain: tron, contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 }, sourced: '0', linkedIn: '4990000000', stopped: '0', atRest: '4990000000', fees: '0', sunk: '0', unresolved: '0', linkedOut: '0', reconciles: true });
    r.links.push({ linkId: 7, from: { chain: 'eip155:1', tx: '0xde', ref: '0:' }, to: { chain: tron, tx: 'tron-out', ref: '1:0' }, kind: 'bridge', tracedIn: '5000000000', tracedOut: '4990000000' });
    const es = edges(traceElements(r, { by: 'hop' }).elements);
    const link = es.find((e) => /trace-link/.test(e.classes))!;
    assert.equal(link.source, id(E));
    assert.equal(link.target, traceNodeId(tron, bridgeOut));
    assert.equal(link.label, 'bridge 4,990 USDT');
  });
});

describe('pathAddresses', () => {
  it('walks an endpoint back through its path to a source', () => {
    const r = sampleResult();
    const x = r.endpoints.find((e) => e.address === X)!;
    assert.deepEqual(pathAddresses(r, x).map((p) => p.address), [V, A, B, X]);
    const c = r.endpoints.find((e) => e.address === C)!;
    assert.deepEqual(pathAddresses(r, c).map((p) => p.address), [V, A, C]);
  });

  it('stops where the transfers list does not hold a step (it keeps the 5,000 largest)', () => {
    const r = sampleResult();
    r.transfers = r.transfers.filter((t) => t.tx !== '0xab');
    assert.deepEqual(pathAddresses(r, r.endpoints[0]!).map((p) => p.address), [B, X]);
  });
});

describe('pathOnCanvas', () => {
  it('selects the visible nodes of the path and the edges between consecutive ones, the endpoint first', () => {
    const node = (nodeId: string, address: string, hidden = false) => ({ kind: 'address', id: nodeId, chain: 'eip155:1', address, hidden });
    const graph = {
      nodes: [node('n1', V), node('n2', A, true), node('n3', B), node('n4', X), node('n5', C)],
      edges: [
        { id: 'e1', source: 'n3', target: 'n4' },
        { id: 'e2', source: 'n1', target: 'n2' },
        { id: 'e3', source: 'n4', target: 'n3' },
        { id: 'e4', source: 'n1', target: 'n5' },
      ],
    } as unknown as Graph;
    const path = [V, A, B, X].map((address) => ({ chain: 'eip155:1', address }));
    const { endpoint, ids } = pathOnCanvas(graph, path);
    assert.equal(endpoint, 'n4');
    assert.equal(ids[0], 'n4');
    // A is hidden: neither it nor the edges to it are selected; B→X is, X→B is not (the wrong way).
    assert.deepEqual([...ids].sort(), ['e1', 'n1', 'n3', 'n4']);
    assert.equal(pathOnCanvas(graph, [{ chain: 'eip155:1', address: D }]).endpoint, null);
  });
});
