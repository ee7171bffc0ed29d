/**
 * A trace's drawing, built from its result alone (pure, for the trace view's own cytoscape
 * instance): the addresses that carried traced value, sources on the left and endpoints on the
 * right, laid out in columns by hop (or by time), one edge per (from, to, asset) as wide as the
 * value it carried (log scale, edgeWidth.ts) and labelled with it. Confirmed cross-chain links
 * the trace crossed are dashed edges between the two chains.
 *
 * A trace from many victims can touch thousands of addresses; the drawing keeps the flows that
 * carried the largest shares of the stolen value, a few addresses a hop, so its labels stay
 * readable. The endpoints table lists everything.
 */
import { displayAddress, shortAddress } from '../../shared/codec/address';
import type { TraceEndpoint, TraceResult, TracedTransfer } from '../../shared/api/traceSchemas';
import { parseBaseUnits } from '../../shared/model/amount';
import { formatAmountRounded, type AssetShape } from '../format/amount';
import { formatUnixUtc } from '../format/text';
import { endpointWhy, reasonWord } from '../format/traceWords';
import { edgeWidths } from './edgeWidth';
import { colourKeyOf, type LabelColourKey } from './labelCategory';

export type TraceLayoutBy = 'hop' | 'time';

/** Model pixels between columns and between nodes in a column. */
export const TRACE_COLUMN_STEP = 180;
export const TRACE_ROW_STEP = 70;
/** Time columns at most: more distinct times share them, in time order, about as many to a column. */
export const TIME_COLUMNS = 8;

type Asset = TracedTransfer['asset'];
export type TraceNodeRole = 'source' | 'endpoint' | 'unresolved' | 'through';

/** Kinds as the case canvas has them, so its hover text (canvasTooltip) reads these elements too. */
export interface TraceNodeData {
  id: string;
  kind: 'address';
  chain: string;
  address: string;
  display: string;
  label: string;
  /** Hover text: the full address, its label and what ended there, exact. */
  title: string;
  role: TraceNodeRole;
  /** Colour key of an endpoint's label category (labelCategory). */
  category?: LabelColourKey;
  hop: number;
  time: number | null;
}

export interface TraceEdgeData {
  id: string;
  kind: 'edge';
  source: string;
  target: string;
  /** The traced value rounded, with its unit; `exact` in full, `title` the base units and when. */
  label: string;
  exact: string;
  title: string;
  /** Transfers summed into the edge. */
  count: number;
  width: number;
  /** Lines the label is moved down (up when negative), apart from those of other edges between the same two addresses. */
  labelShift: number;
  /** Exact traced value in base units, and its asset id. */
  traced: string;
  asset: number;
}

export type TraceElement =
  | { group: 'nodes'; data: TraceNodeData; classes: string; position: { x: number; y: number } }
  | { group: 'edges'; data: TraceEdgeData; classes: string };

export interface TraceDrawing {
  elements: TraceElement[];
  /** Addresses and flows drawn, and how many the result holds (its transfers list, at most 5,000). */
  nodes: number;
  flows: number;
  totalNodes: number;
  totalFlows: number;
}

/** One edge of the drawing: every traced transfer from one address to another in one asset. */
export interface Flow {
  chain: string;
  from: string;
  to: string;
  asset: Asset;
  traced: bigint;
  transfers: number;
  hops: number;
  firstTime: number | null;
  lastTime: number | null;
}

export function traceNodeId(chain: string, address: string): string {
  return `a|${chain}|${address}`;
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Traced transfers summed per (chain, from, to, asset); transfers to or from no address (fees, mints) are left out. */
export function aggregateFlows(transfers: readonly TracedTransfer[]): Flow[] {
  const flows = new Map<string, Flow>();
  for (const t of transfers) {
    if (t.from === null || t.to === null || t.from === t.to) continue;
    const key = `${t.chain}\u0000${t.from}\u0000${t.to}\u0000${t.asset.id}`;
    const f = flows.get(key);
    const traced = parseBaseUnits(t.traced);
    if (!f) {
      flows.set(key, { chain: t.chain, from: t.from, to: t.to, asset: t.asset, traced, transfers: 1, hops: t.hops, firstTime: t.time, lastTime: t.time });
      continue;
    }
    f.traced += traced;
    f.transfers += 1;
    f.hops = Math.min(f.hops, t.hops);
    f.firstTime = minTime(f.firstTime, t.time);
    f.lastTime = maxTime(f.lastTime, t.time);
  }
  return [...flows.values()];
}

/** What entered the trace per asset id (sourced and linked in): the whole a flow's share is of. */
function enteredByAsset(result: TraceResult): Map<number, bigint> {
  return new Map(result.totals.map((t) => [t.asset.id, parseBaseUnits(t.sourced) + parseBaseUnits(t.linkedIn)]));
}

/** A flow's share of its asset's traced total in millionths, for ranking flows of different assets. */
function rankOf(f: Flow, entered: ReadonlyMap<number, bigint>): bigint {
  const whole = entered.get(f.asset.id) ?? 0n;
  return whole > 0n ? (f.traced * 1_000_000_000n) / whole : 0n;
}

/** How much of a trace the drawing shows: addresses per hop at most, and in all. */
export interface DrawLimit {
  perHop: number;
  total: number;
}

/** Readable at 1440×900: five addresses a hop, a column per hop (labels of 10 px and more over seven hops). */
export const DEFAULT_DRAW_LIMIT: DrawLimit = { perHop: 5, total: 1000 };

/**
 * The flows to draw: the largest shares first, as long as they add no more than `perHop`
 * addresses to a hop's column and `total` in all (a smaller flow between addresses already
 * drawn is still taken). A source counts in hop 0; another address in the hop at which the
 * flow that brings it in reaches it.
 */
export function selectFlows(flows: readonly Flow[], result: TraceResult, limit: DrawLimit): Flow[] {
  const entered = enteredByAsset(result);
  const sources = sourceIds(result);
  const ranked = flows
    .map((f) => ({ f, rank: rankOf(f, entered) }))
    .sort((a, b) => (a.rank === b.rank ? a.f.hops - b.f.hops : a.rank > b.rank ? -1 : 1));
  const nodes = new Set<string>();
  const perHop = new Map<number, number>();
  const out: Flow[] = [];
  for (const { f } of ranked) {
    const ends = [
      { id: traceNodeId(f.chain, f.from), hop: f.hops - 1 },
      { id: traceNodeId(f.chain, f.to), hop: f.hops },
    ]
      .filter((e) => !nodes.has(e.id))
      .map((e) => ({ ...e, hop: sources.has(e.id) ? 0 : e.hop }));
    const adds = new Map<number, number>();
    for (const e of ends) adds.set(e.hop, (adds.get(e.hop) ?? 0) + 1);
    if (nodes.size + ends.length > limit.total || [...adds].some(([hop, n]) => (perHop.get(hop) ?? 0) + n > limit.perHop)) continue;
    for (const e of ends) nodes.add(e.id);
    for (const [hop, n] of adds) perHop.set(hop, (perHop.get(hop) ?? 0) + n);
    out.push(f);
  }
  return out;
}

function sourceIds(result: TraceResult): Set<string> {
  return new Set(result.sources.filter((s) => s.from !== null).map((s) => traceNodeId(s.chain, s.from!)));
}

interface LayoutNode {
  id: string;
  hop: number;
  time: number | null;
  /** Orders nodes in a column when nothing else does: the value through them, in millionths. */
  weight: bigint;
}

/** Column of each node: its hop, or its span of time; empty columns closed up. */
function columnsOf(nodes: readonly LayoutNode[], senders: ReadonlyMap<string, readonly string[]>, by: TraceLayoutBy): Map<string, number> {
  const raw = new Map<string, number>();
  if (by === 'hop') for (const n of nodes) raw.set(n.id, n.hop);
  else {
    // Columns of about as many addresses each, in time order: a theft's first minutes and its
    // slow laundering months later both get room, where equal spans of time would crowd one.
    const times = [...new Set(nodes.map((n) => n.time).filter((t): t is number => t !== null))].sort((a, b) => a - b);
    const rank = new Map(times.map((t, i) => [t, i]));
    const span = (t: number | null) => (t === null ? 0 : Math.floor((rank.get(t)! * Math.min(TIME_COLUMNS, times.length)) / times.length));
    // Value moved within one block still reads left to right: an address stands right of
    // those that paid it (when they come earlier in time or hop), even at the same time.
    const order = [...nodes].sort((a, b) => span(a.time) - span(b.time) || (a.time ?? 0) - (b.time ?? 0) || a.hop - b.hop);
    for (const n of order) {
      const after = (senders.get(n.id) ?? []).filter((s) => raw.has(s)).map((s) => raw.get(s)! + 1);
      raw.set(n.id, Math.max(span(n.time), ...after));
    }
  }
  const used = [...new Set(raw.values())].sort((a, b) => a - b);
  const index = new Map(used.map((c, i) => [c, i]));
  return new Map([...raw].map(([id, c]) => [id, index.get(c)!]));
}

/**
 * Positions read left to right: a column per hop (or span of time), each column centred on the
 * row line, its nodes ordered by where their senders are (so flows cross as little as a single
 * pass can make them), then by the value through them.
 */
export function layoutTrace(nodes: readonly LayoutNode[], edges: readonly { source: string; target: string }[], by: TraceLayoutBy): Map<string, { x: number; y: number }> {
  const senders = new Map<string, string[]>();
  for (const e of edges) senders.set(e.target, [...(senders.get(e.target) ?? []), e.source]);
  const column = columnsOf(nodes, senders, by);
  const byColumn = new Map<number, LayoutNode[]>();
  for (const n of nodes) {
    const c = column.get(n.id)!;
    byColumn.set(c, [...(byColumn.get(c) ?? []), n]);
  }
  const y = new Map<string, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const c of [...byColumn.keys()].sort((a, b) => a - b)) {
    const placed = byColumn.get(c)!.map((n) => {
      const ys = (senders.get(n.id) ?? []).filter((s) => column.get(s)! < c && y.has(s)).map((s) => y.get(s)!);
      return { n, at: ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity };
    });
    placed.sort((a, b) => (a.at !== b.at ? a.at - b.at : a.n.weight === b.n.weight ? a.n.id.localeCompare(b.n.id) : a.n.weight > b.n.weight ? -1 : 1));
    placed.forEach(({ n }, i) => {
      const at = { x: c * TRACE_COLUMN_STEP, y: (i - (placed.length - 1) / 2) * TRACE_ROW_STEP };
      y.set(n.id, at.y);
      out.set(n.id, at);
    });
  }
  return out;
}

function displayOf(chain: string, address: string, endpoint: TraceEndpoint | undefined): string {
  if (endpoint?.display) return endpoint.display;
  try {
    return displayAddress(chain, address);
  } catch {
    return address;
  }
}

function amountText(amount: string | bigint, asset: AssetShape): string {
  return formatAmountRounded(amount.toString(), asset).text;
}

/** Endpoint rows by address, the largest first (an address can hold several assets or reasons). */
function endpointsByAddress(result: TraceResult): Map<string, TraceEndpoint[]> {
  const out = new Map<string, TraceEndpoint[]>();
  for (const e of [...result.endpoints, ...result.unresolved]) {
    if (e.address === null) continue;
    const id = traceNodeId(e.chain, e.address);
    out.set(id, [...(out.get(id) ?? []), e]);
  }
  for (const list of out.values()) list.sort((a, b) => b.share - a.share);
  return out;
}

function roleOf(isSource: boolean, ends: readonly TraceEndpoint[] | undefined, sends: boolean): TraceNodeRole {
  if (isSource) return 'source';
  const settled = ends?.find((e) => e.reason === 'stop' || e.reason === 'rest');
  if (settled) return 'endpoint';
  if (ends?.length && !sends) return 'unresolved';
  return 'through';
}

function nodeElement(n: LayoutNode & { chain: string; address: string }, role: TraceNodeRole, ends: readonly TraceEndpoint[] | undefined, position: { x: number; y: number }): TraceElement {
  const main = ends?.[0];
  const display = displayOf(n.chain, n.address, main);
  const name = main?.label ?? shortAddress(display);
  const category = colourKeyOf(main?.category ?? null) ?? undefined;
  // Sources (a red ring) and addresses value passed through take one line; an end says why and how much.
  const second =
    main && (role === 'endpoint' || role === 'unresolved')
        ? `${endpointWhy(main)} · ${amountText(main.amount, main.asset)}${ends!.length > 1 ? ` +${ends!.length - 1}` : ''}`
        : '';
  const lines = [
    display,
    ...(main?.label ? [`${main.label}${main.category ? ` (${main.category.replace(/_/g, ' ')})` : ''}`] : []),
    ...(ends ?? []).map((e) => `${reasonWord(e.reason)}${e.stopRule ? ` (${e.stopRule})` : ''}: ${formatAmountRounded(e.amount, e.asset).exact}, hop ${e.hops}`),
  ];
  const classes = ['trace-node', role, category ? `label-${category}` : ''].filter(Boolean).join(' ');
  return {
    group: 'nodes',
    data: { id: n.id, kind: 'address', chain: n.chain, address: n.address, display, label: second ? `${name}\n${second}` : name, title: lines.join('\n'), role, ...(category ? { category } : {}), hop: n.hop, time: n.time },
    classes,
    position,
  };
}

function flowEdge(f: Flow, source: string, target: string, width: number): TraceElement {
  const shown = formatAmountRounded(f.traced.toString(), f.asset);
  const when = f.firstTime === f.lastTime ? formatUnixUtc(f.firstTime) : `${formatUnixUtc(f.firstTime)} – ${formatUnixUtc(f.lastTime)}`;
  return {
    group: 'edges',
    data: {
      id: `f|${source}|${target}|${f.asset.id}`,
      kind: 'edge',
      source,
      target,
      label: shown.text,
      exact: `${shown.exact} traced`,
      title: `${f.traced} base units · hop ${f.hops} · ${when}`,
      count: f.transfers,
      width,
      labelShift: 0,
      traced: f.traced.toString(),
      asset: f.asset.id,
    },
    classes: f.asset.contract ? 'trace-flow token' : 'trace-flow',
  };
}

/** The transfer a link's end names: by chain, tx and (when given) ref, the largest traced if several. */
function transferAt(result: TraceResult, ref: { chain: string; tx: string; ref?: string }): TracedTransfer | undefined {
  return result.transfers
    .filter((t) => t.chain === ref.chain && t.tx === ref.tx && (ref.ref === undefined || t.ref === ref.ref))
    .sort((a, b) => (parseBaseUnits(b.traced) > parseBaseUnits(a.traced) ? 1 : -1))[0];
}

/** Dashed edges for the confirmed links the trace crossed: from where value went in to where it came out. */
function linkEdges(result: TraceResult, drawn: ReadonlySet<string>): TraceElement[] {
  const out: TraceElement[] = [];
  for (const l of result.links) {
    const into = transferAt(result, l.from);
    const outOf = transferAt(result, l.to);
    const a = into?.to ? traceNodeId(into.chain, into.to) : null;
    const b = outOf ? traceNodeId(outOf.chain, outOf.from ?? outOf.to ?? '') : null;
    if (!into || !outOf || !a || !b || a === b || !drawn.has(a) || !drawn.has(b)) continue;
    const amount = formatAmountRounded(l.tracedOut, outOf.asset);
    out.push({
      group: 'edges',
      data: {
        id: `l|${l.linkId}`,
        kind: 'edge',
        source: a,
        target: b,
        label: `${l.kind} ${amount.text}`,
        exact: `cross-chain link #${l.linkId} (${l.kind}): ${amount.exact} out`,
        title: `${formatAmountRounded(l.tracedIn, into.asset).exact} in`,
        count: 1,
        width: 1.5,
        labelShift: 0,
        traced: l.tracedOut,
        asset: outOf.asset.id,
      },
      classes: 'trace-link',
    });
  }
  return out;
}

/** Edges between the same two addresses (an asset each, or a link) get their labels a line apart, centred on the middle. */
function shiftParallelLabels(edges: readonly TraceElement[]): void {
  const byPair = new Map<string, TraceEdgeData[]>();
  for (const e of edges) {
    const d = e.data as TraceEdgeData;
    const pair = [d.source, d.target].sort().join('\u0000');
    byPair.set(pair, [...(byPair.get(pair) ?? []), d]);
  }
  for (const list of byPair.values()) list.forEach((d, i) => (d.labelShift = i - (list.length - 1) / 2));
}

/**
 * The drawing of a trace: nodes at their positions and edges with widths and labels, at most
 * the drawing limit (the largest flows first; see selectFlows).
 */
export function traceElements(result: TraceResult, options: { by: TraceLayoutBy; limit?: DrawLimit }): TraceDrawing {
  const all = aggregateFlows(result.transfers);
  const flows = selectFlows(all, result, options.limit ?? DEFAULT_DRAW_LIMIT);
  const entered = enteredByAsset(result);
  const sources = sourceIds(result);
  const nodes = new Map<string, LayoutNode & { chain: string; address: string; sends: boolean }>();
  const touch = (chain: string, address: string, hop: number, time: number | null, weight: bigint, sends: boolean) => {
    const id = traceNodeId(chain, address);
    const hopHere = sources.has(id) ? 0 : hop;
    const n = nodes.get(id);
    if (!n) return void nodes.set(id, { id, chain, address, hop: hopHere, time, weight, sends });
    n.hop = Math.min(n.hop, hopHere);
    n.time = minTime(n.time, time);
    if (weight > n.weight) n.weight = weight;
    n.sends ||= sends;
  };
  // A node's time is the first traced transfer it took part in: what it received comes before
  // what it sent on, so for all but the sources that is when traced value reached it.
  for (const f of flows) {
    const weight = rankOf(f, entered);
    touch(f.chain, f.from, Math.max(0, f.hops - 1), f.firstTime, weight, true);
    touch(f.chain, f.to, f.hops, f.firstTime, weight, false);
  }
  const edges = flows.map((f) => ({ source: traceNodeId(f.chain, f.from), target: traceNodeId(f.chain, f.to) }));
  const positions = layoutTrace([...nodes.values()], edges, options.by);
  const ends = endpointsByAddress(result);
  const widths = edgeWidths(flows.map((f, i) => ({ id: String(i), asset: String(f.asset.id), value: f.traced })));
  const nodeElements = [...nodes.values()].map((n) => nodeElement(n, roleOf(sources.has(n.id), ends.get(n.id), n.sends), ends.get(n.id), positions.get(n.id)!));
  const flowElements = flows.map((f, i) => flowEdge(f, edges[i]!.source, edges[i]!.target, widths.get(String(i))!));
  const links = linkEdges(result, new Set(nodes.keys()));
  shiftParallelLabels([...flowElements, ...links]);
  const allNodes = new Set(all.flatMap((f) => [traceNodeId(f.chain, f.from), traceNodeId(f.chain, f.to)]));
  return { elements: [...nodeElements, ...flowElements, ...links], nodes: nodes.size, flows: flows.length, totalNodes: allNodes.size, totalFlows: all.length };
}

/**
 * The addresses along an endpoint's path, from a source to the endpoint: walked back through
 * the path's transactions, each step the transfer that paid the address reached so far (the
 * largest traced one where none did, as where a link crosses chains). Stops early where the
 * result's transfers list (the 5,000 largest) does not hold a step.
 */
export function pathAddresses(result: TraceResult, endpoint: Pick<TraceEndpoint, 'chain' | 'address' | 'path'>): { chain: string; address: string }[] {
  if (endpoint.address === null) return [];
  const byTx = new Map<string, TracedTransfer[]>();
  for (const t of result.transfers) byTx.set(t.tx, [...(byTx.get(t.tx) ?? []), t]);
  const out = [{ chain: endpoint.chain, address: endpoint.address }];
  let at = out[0]!;
  for (let i = endpoint.path.length - 1; i >= 0; i--) {
    const inTx = byTx.get(endpoint.path[i]!) ?? [];
    const paid = inTx.filter((t) => t.chain === at.chain && t.to === at.address);
    const step = (paid.length ? paid : inTx).reduce<TracedTransfer | undefined>((a, b) => (!a || parseBaseUnits(b.traced) > parseBaseUnits(a.traced) ? b : a), undefined);
    if (!step || step.from === null) break;
    // Across a link the step pays another address than the one reached (the bridge on the other chain): keep both.
    const hops = paid.length || step.to === null ? [step.from] : [step.to, step.from];
    for (const address of hops) {
      at = { chain: step.chain, address };
      if (!out.some((p) => p.chain === at.chain && p.address === at.address)) out.unshift(at);
    }
  }
  return out;
}
