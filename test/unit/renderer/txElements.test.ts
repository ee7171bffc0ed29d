import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, TxFlow, TxFlows } from '../../../shared/api/schemas';
import { toElements, type EdgeElement, type GraphElement, type NodeElement } from '../../../renderer/graph/toElements';
import { txNodeId, withTxFlows } from '../../../renderer/graph/txElements';

const BTC_CHAIN = 'bip122:000000000019d6689c085ae165831e93';
const BTC = { id: 1, chain: BTC_CHAIN, contract: null, symbol: 'BTC', decimals: 8 };
const ETH = { id: 2, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const A16F = 'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be';
const SELF2 = '591e91f809d716912ca1d4a9295e70c3e78bab077683f79350f101da64588073';

function addressNode(id: string, chain: string, address: string, x: number, y: number, hidden = false): Graph['nodes'][number] {
  return { kind: 'address', id, chain, address, display: address, short: address.slice(0, 6), x, y, hidden, clusterId: null, role: null, known: true, tags: [] };
}

/** The block 9 key (n1) paid Hal Finney (n2); n3 and n4 are EVM addresses with an edge of their own. */
function graph(): Graph {
  return {
    caseId: 'genesis-era',
    nodes: [
      addressNode('n1', BTC_CHAIN, '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', 0, 0),
      addressNode('n2', BTC_CHAIN, '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3', 200, 0),
      addressNode('n3', 'eip155:1', '0x9df428a91ff0f3635c8f0ce752933b9788926804', 0, 300),
      addressNode('n4', 'eip155:1', '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2', 200, 300),
    ],
    edges: [
      { id: 'e1-2-1', source: 'n1', target: 'n2', asset: BTC, total: '1000000000', count: 1, firstTime: 1231731025, lastTime: 1231731025 },
      { id: 'e3-4-2', source: 'n3', target: 'n4', asset: ETH, total: '11000440000000000', count: 1, firstTime: null, lastTime: null },
    ],
    links: [],
    clusters: [],
    seeds: [],
    undo: null,
    redo: null,
  };
}

function flow(txid: string, inputs: TxFlow['inputs'], outputs: TxFlow['outputs'], extra: Partial<TxFlow> = {}): TxFlow {
  return {
    chain: BTC_CHAIN,
    txid,
    height: 170,
    time: 1231731025,
    fee: '0',
    totalIn: '5000000000',
    totalOut: '5000000000',
    inputCount: 1,
    outputCount: 2,
    inputs,
    outputs,
    otherIn: { value: '0', count: 0 },
    otherOut: { value: '0', count: 0 },
    unknownIn: 0,
    ...extra,
  };
}

function flows(): TxFlows {
  return {
    caseId: 'genesis-era',
    truncated: 0,
    txs: [
      flow(
        F4184,
        [{ nodeId: 'n1', value: '5000000000', count: 1 }],
        [
          { nodeId: 'n2', value: '1000000000', count: 1 },
          { nodeId: 'n1', value: '4000000000', count: 1 },
        ],
      ),
      // Two peel-chain steps whose only canvas address is n1, on both sides.
      flow(A16F, [{ nodeId: 'n1', value: '4000000000', count: 1 }], [{ nodeId: 'n1', value: '3000000000', count: 1 }], { totalOut: '4000000000' }),
      flow(SELF2, [{ nodeId: 'n1', value: '3000000000', count: 1 }], [{ nodeId: 'n1', value: '2900000000', count: 1 }], { totalOut: '3000000000' }),
    ],
  };
}

const find = (elements: GraphElement[], id: string) => elements.find((e) => e.data.id === id);
const txNode = (elements: GraphElement[], txid: string) => find(elements, txNodeId({ chain: BTC_CHAIN, txid })) as NodeElement;

describe('withTxFlows', () => {
  it('leaves the normal view as it is when the view is off or has nothing to show', () => {
    const g = graph();
    const base = toElements(g);
    assert.deepEqual(withTxFlows(base, g, null), base);
    assert.deepEqual(withTxFlows(base, g, { caseId: 'genesis-era', txs: [], truncated: 0 }), base);
    // Flows of another case (the answer to a request made before the case was switched).
    assert.deepEqual(withTxFlows(base, g, { ...flows(), caseId: 'other-case' }), base);
  });

  it('draws each transaction as an unmovable node labelled with its short txid and exact total out', () => {
    const elements = withTxFlows(toElements(graph()), graph(), flows());
    const node = txNode(elements, F4184);
    assert.deepEqual(node.data, { id: txNodeId({ chain: BTC_CHAIN, txid: F4184 }), kind: 'tx', label: 'f4184f…9e16\n50 BTC', chain: BTC_CHAIN, txid: F4184 });
    assert.equal(node.grabbable, false);
    assert.equal(node.classes, 'tx');
    assert.equal(txNode(elements, SELF2).data.label, '591e91…8073\n30 BTC');
  });

  it('draws a transaction with a CoinJoin shape as a mixer, naming the rule that matched', () => {
    const base = flows();
    const detail = '5 inputs, 5 outputs of 0.01 BTC each: a Whirlpool round at the 0.01 BTC pool';
    base.txs[0] = { ...base.txs[0]!, coinjoin: { rule: 'whirlpool', detail } };
    const elements = withTxFlows(toElements(graph()), graph(), base);
    const node = txNode(elements, F4184);
    assert.equal(node.classes, 'tx coinjoin');
    assert.equal(node.data.label, 'CoinJoin (whirlpool)\nf4184f…9e16\n50 BTC');
    assert.equal(node.data.kind === 'tx' ? node.data.coinjoin : undefined, detail);
    assert.equal(txNode(elements, A16F).classes, 'tx', 'an ordinary transaction is drawn as before');
  });

  it('links input nodes to the tx and the tx to output nodes, with exact values', () => {
    const elements = withTxFlows(toElements(graph()), graph(), flows());
    const id = txNodeId({ chain: BTC_CHAIN, txid: F4184 });
    const tx = elements.filter((e): e is EdgeElement => e.group === 'edges' && (e.data.source === id || e.data.target === id));
    assert.deepEqual(
      tx.map((e) => [e.data.source, e.data.target, e.data.label, e.data.title, e.classes]),
      [
        ['n1', id, '50 BTC', '5000000000 base units (1 input)', 'tx-flow tx-in'],
        [id, 'n2', '10 BTC', '1000000000 base units (1 output)', 'tx-flow tx-out'],
        [id, 'n1', '40 BTC', '4000000000 base units (1 output)', 'tx-flow tx-out'],
      ],
    );
  });

  it('replaces the folded Bitcoin edge between the nodes a tx connects, and keeps EVM edges', () => {
    const elements = withTxFlows(toElements(graph()), graph(), flows());
    assert.equal(find(elements, 'e1-2-1'), undefined);
    assert.ok(find(elements, 'e3-4-2'));
  });

  it('places a tx midway between its senders and its other recipients, and txs on top of a node in a grid below it', () => {
    const elements = withTxFlows(toElements(graph()), graph(), flows());
    // The change back to n1 does not pull block 170 onto its sender.
    assert.deepEqual(txNode(elements, F4184).position, { x: 100, y: 0 });
    const a = txNode(elements, A16F).position!;
    const b = txNode(elements, SELF2).position!;
    assert.equal(a.y, b.y);
    assert.ok(a.y >= 40, 'below the address node and its label');
    assert.ok(a.x < b.x, 'side by side, in time order');
    assert.equal((a.x + b.x) / 2, 0, 'centred under the node');
  });

  it('spreads txs that meet at one spot between nodes vertically', () => {
    const second = flow(A16F, [{ nodeId: 'n1', value: '1', count: 1 }], [{ nodeId: 'n2', value: '1', count: 1 }], { totalOut: '1' });
    const f = { ...flows(), txs: [flows().txs[0], second] };
    const elements = withTxFlows(toElements(graph()), graph(), f);
    const a = txNode(elements, F4184).position!;
    const b = txNode(elements, A16F).position!;
    assert.equal(a.x, 100);
    assert.equal(b.x, 100);
    assert.equal(a.y + b.y, 0);
    assert.ok(b.y - a.y >= 30);
  });

  it('drops parts whose node is not drawn, and txs left without an input or an output node', () => {
    const g = graph();
    g.nodes[1] = { ...g.nodes[1], hidden: true } as Graph['nodes'][number];
    const f = flows();
    f.txs.push(flow('00'.repeat(32), [{ nodeId: 'n9', value: '1', count: 1 }], [{ nodeId: 'n1', value: '1', count: 1 }]));
    const elements = withTxFlows(toElements(g), g, f);
    const id = txNodeId({ chain: BTC_CHAIN, txid: F4184 });
    assert.deepEqual(
      elements.filter((e) => e.group === 'edges' && e.data.source === id).map((e) => (e as EdgeElement).data.target),
      ['n1'],
    );
    assert.equal(find(elements, txNodeId({ chain: BTC_CHAIN, txid: '00'.repeat(32) })), undefined);
    const nodeIds = new Set(elements.filter((e) => e.group === 'nodes').map((e) => e.data.id));
    for (const e of elements) if (e.group === 'edges') assert.ok(nodeIds.has(e.data.source) && nodeIds.has(e.data.target), e.data.id);
  });
});
