/**
 * The "Tx nodes" view, as a pure step after toElements: each UTXO transaction from
 * graph.txFlows becomes a small node between the address nodes it spends from and pays to,
 * with one edge per input node and per output node carrying the exact value. The folded
 * address-to-address edges between those nodes are left out, so no value is drawn twice.
 * Tx node positions are computed here from the address nodes' positions; they are never saved.
 */
import type { Graph, TxFlow, TxFlowPart, TxFlows } from '../../shared/api/schemas';
import { parseBaseUnits } from '../../shared/model/amount';
import { formatAmountRounded, nativeAssetOf, type AssetShape } from '../format/amount';
import { formatCount, shortMiddle } from '../format/text';
import { edgeWidths, type ValuedEdge } from './edgeWidth';
import type { EdgeElement, EdgeElementData, GraphElement, NodeElement } from './toElements';

interface Point {
  x: number;
  y: number;
}

/** Vertical gap between transactions at one spot: a tx node with its two-line label. */
const STACK_STEP = 56;
/** A tx this close to one of its address nodes would cover it; such txs go in a grid below it. */
const NODE_CLEARANCE = 24;
/** Where below an address node that grid starts: clear of the node's own label, with a line's room for the amounts on the edges down to it. */
const BELOW_NODE = 96;
/** Grid below a node: columns wide enough for a label such as "a16f3c…14be" and a gap. */
const GRID_COLUMNS = 3;
const GRID_STEP_X = 140;

export function txNodeId(tx: Pick<TxFlow, 'chain' | 'txid'>): string {
  return `tx:${tx.chain}:${tx.txid}`;
}

/** Short txid over its total out, rounded like every amount on the canvas; a CoinJoin says so first. */
export function txLabel(tx: TxFlow): string {
  const head = tx.coinjoin ? `CoinJoin (${tx.coinjoin.rule})\n` : '';
  return `${head}${shortMiddle(tx.txid, 6, 4)}\n${formatAmountRounded(tx.totalOut, nativeAssetOf(tx.chain)).text}`;
}

/** A transaction reduced to the address nodes that are drawn right now. */
interface ShownTx {
  flow: TxFlow;
  inputs: TxFlowPart[];
  outputs: TxFlowPart[];
}

/**
 * Flows can lag one update behind the graph (they are fetched after it changes): parts whose
 * node is no longer drawn are dropped, and a tx left without an input or an output with them,
 * so no edge ever points at a missing node.
 */
function shownTxs(flows: TxFlows, drawn: ReadonlyMap<string, Point>): ShownTx[] {
  const out: ShownTx[] = [];
  for (const flow of flows.txs) {
    const inputs = flow.inputs.filter((p) => drawn.has(p.nodeId));
    const outputs = flow.outputs.filter((p) => drawn.has(p.nodeId));
    if (inputs.length && outputs.length) out.push({ flow, inputs, outputs });
  }
  return out;
}

function mean(points: readonly Point[]): Point {
  const n = points.length;
  return { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
}

/**
 * Midway between the mean of its input nodes and the mean of its output nodes. Change paid
 * back to an input address is left out of the outputs' mean when there are other recipients;
 * it would otherwise pull the tx onto its sender.
 */
function spotOf(tx: ShownTx, at: ReadonlyMap<string, Point>): { spot: Point; onNode: boolean } {
  const inputIds = new Set(tx.inputs.map((p) => p.nodeId));
  const payees = tx.outputs.filter((p) => !inputIds.has(p.nodeId));
  const from = mean(tx.inputs.map((p) => at.get(p.nodeId)!));
  const to = mean((payees.length ? payees : tx.outputs).map((p) => at.get(p.nodeId)!));
  const spot = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  const onNode = [...tx.inputs, ...tx.outputs].some((p) => {
    const q = at.get(p.nodeId)!;
    return Math.hypot(q.x - spot.x, q.y - spot.y) < NODE_CLEARANCE;
  });
  return { spot, onNode };
}

/**
 * Offset of the k-th of n txs at one spot. Between nodes they are spread vertically around the
 * spot, clear of the edges coming in from either side; on top of a node (a tx whose canvas
 * inputs and outputs are the same address, e.g. a peel chain's change) they go in a grid below
 * it, so the edges to them do not run through one another.
 */
function stackOffset(k: number, n: number, onNode: boolean): Point {
  if (!onNode) return { x: 0, y: (k - (n - 1) / 2) * STACK_STEP };
  const columns = Math.min(n, GRID_COLUMNS);
  const column = k % GRID_COLUMNS;
  const row = Math.floor(k / GRID_COLUMNS);
  return { x: (column - (columns - 1) / 2) * GRID_STEP_X, y: BELOW_NODE + row * STACK_STEP };
}

/** Positions for the shown txs, in time order at each spot. */
function placeTxs(txs: readonly ShownTx[], at: ReadonlyMap<string, Point>): Map<string, Point> {
  const groups = new Map<string, { spot: Point; onNode: boolean; ids: string[] }>();
  for (const tx of txs) {
    const { spot, onNode } = spotOf(tx, at);
    const key = `${Math.round(spot.x)},${Math.round(spot.y)}`;
    const group = groups.get(key) ?? { spot, onNode, ids: [] };
    group.ids.push(txNodeId(tx.flow));
    groups.set(key, group);
  }
  const out = new Map<string, Point>();
  for (const { spot, onNode, ids } of groups.values()) {
    ids.forEach((id, k) => {
      const d = stackOffset(k, ids.length, onNode);
      out.set(id, { x: spot.x + d.x, y: spot.y + d.y });
    });
  }
  return out;
}

function partEdgeId(tx: TxFlow, part: TxFlowPart, direction: 'in' | 'out'): string {
  return `${txNodeId(tx)}:${direction}:${part.nodeId}`;
}

function partEdge(tx: TxFlow, part: TxFlowPart, direction: 'in' | 'out', asset: AssetShape, widths: ReadonlyMap<string, number>): EdgeElement {
  const txId = txNodeId(tx);
  const amount = formatAmountRounded(part.value, asset);
  const what = direction === 'in' ? 'input' : 'output';
  const id = partEdgeId(tx, part, direction);
  const data: EdgeElementData = {
    id,
    kind: 'edge',
    source: direction === 'in' ? part.nodeId : txId,
    target: direction === 'in' ? txId : part.nodeId,
    label: amount.text,
    title: `${amount.title} (${formatCount(part.count)} ${what}${part.count === 1 ? '' : 's'})`,
    exact: amount.exact,
    count: part.count,
  };
  const width = widths.get(id);
  if (width !== undefined) data.width = width;
  return { group: 'edges', data, classes: `tx-flow tx-${direction}` };
}

/** Widths of the tx input and output edges, on one log scale per chain (edgeWidth.ts). */
function partWidths(txs: readonly ShownTx[]): Map<string, number> {
  const valued: ValuedEdge[] = [];
  const value = (text: string): bigint => {
    try {
      return parseBaseUnits(text);
    } catch {
      return 0n;
    }
  };
  for (const { flow, inputs, outputs } of txs) {
    for (const p of inputs) valued.push({ id: partEdgeId(flow, p, 'in'), asset: flow.chain, value: value(p.value) });
    for (const p of outputs) valued.push({ id: partEdgeId(flow, p, 'out'), asset: flow.chain, value: value(p.value) });
  }
  return edgeWidths(valued);
}

function txElements(tx: ShownTx, position: Point, widths: ReadonlyMap<string, number>): GraphElement[] {
  const asset = nativeAssetOf(tx.flow.chain);
  const node: NodeElement = {
    group: 'nodes',
    data: { id: txNodeId(tx.flow), kind: 'tx', label: txLabel(tx.flow), chain: tx.flow.chain, txid: tx.flow.txid, ...(tx.flow.coinjoin ? { coinjoin: tx.flow.coinjoin.detail } : {}) },
    position,
    grabbable: false,
    // A CoinJoin is drawn as a mixer: the mixing colour, bigger, so it reads as a service.
    classes: tx.flow.coinjoin ? 'tx coinjoin' : 'tx',
  };
  return [
    node,
    ...tx.inputs.map((p) => partEdge(tx.flow, p, 'in', asset, widths)),
    ...tx.outputs.map((p) => partEdge(tx.flow, p, 'out', asset, widths)),
  ];
}

/**
 * Ids of the folded native-asset edges between an input node and an output node of a shown tx
 * on the same chain. EVM edges and token edges are never touched.
 */
function replacedEdgeIds(graph: Graph, txs: readonly ShownTx[]): Set<string> {
  const pairs = new Set<string>();
  for (const { flow, inputs, outputs } of txs) {
    for (const i of inputs) for (const o of outputs) if (i.nodeId !== o.nodeId) pairs.add(`${flow.chain}|${i.nodeId}|${o.nodeId}`);
  }
  const out = new Set<string>();
  for (const e of graph.edges) {
    if (e.asset.contract === null && pairs.has(`${e.asset.chain}|${e.source}|${e.target}`)) out.add(e.id);
  }
  return out;
}

/** The elements of the normal view with the transactions of `flows` drawn as nodes. */
export function withTxFlows(elements: readonly GraphElement[], graph: Graph, flows: TxFlows | null): GraphElement[] {
  if (!flows || flows.caseId !== graph.caseId || flows.txs.length === 0) return [...elements];
  const drawn = new Map<string, Point>();
  for (const el of elements) {
    // An entity node stands for its wallet's addresses (the flows name it as their node).
    if (el.group === 'nodes' && (el.data.kind === 'address' || el.data.kind === 'entity') && el.position) drawn.set(el.data.id, el.position);
  }
  const txs = shownTxs(flows, drawn);
  if (txs.length === 0) return [...elements];
  const replaced = replacedEdgeIds(graph, txs);
  const positions = placeTxs(txs, drawn);
  const widths = partWidths(txs);
  return [
    ...elements.filter((el) => el.group !== 'edges' || !replaced.has(el.data.id)),
    ...txs.flatMap((tx) => txElements(tx, positions.get(txNodeId(tx.flow))!, widths)),
  ];
}
