/**
 * Path finding: how value could have gone from one set of addresses to another, over the store's
 * aggregated edges (one per sender, recipient and asset; failed transfers already left out) and,
 * across chains, over the case's confirmed cross-chain links.
 *
 * The search is bounded, so that a 6-hop question stays fast on a store of millions of transfers:
 * - Only the FAN_OUT_CAP largest edges of each address are followed, in each direction (largest
 *   value in whole units of its asset first, as expand ranks counterparties), and besides them
 *   every edge to an address the other side of the search has already reached.
 * - Hubs (store/hubs.ts: exchange hot wallets, popular contracts) connect everyone, so a path
 *   never passes THROUGH one by its edges; a hub may be a source or a target, and a confirmed
 *   link may carry value on from one (the investigator has said where that value went).
 * - Paths are simple (no address twice) and minimal: they start at a source and end at the first
 *   target they reach, and pass through no other source or target.
 * - The edges of at most MAX_EXPANDED addresses are read; at most MAX_CANDIDATES paths are
 *   collected and at most MAX_VISITS search steps taken. Paths are collected shortest first, the
 *   largest edges first at each length, so what a bound cuts off is the longer and smaller.
 *
 * The edges reachable within the hop limit are fetched bidirectionally: forward from the sources
 * and backward from the targets, each time on the side whose frontier is smaller, until the two
 * depths add up to the limit. Every path within the limit (and the caps) then lies in what was
 * fetched: a node at position k is within the forward depth, or the rest of the path is within
 * the backward depth. The paths are enumerated there, pruned by exact distances to the targets.
 */
import type { Asset } from '../../../shared/api/schemas';
import type { CrossChainLink, FoundPath, PathSearch, TransferRef } from '../../../shared/api/traceSchemas';
import { canonicalAddress, canonicalTxHashFor } from '../../../shared/codec/address';
import { resolveChain } from '../../../shared/model/chains';
import { findAddressId } from '../store/addresses';
import { getAssets } from '../store/assets';
import { findChainId } from '../store/chains';
import { hubPage } from '../store/hubs';
import type { FlowRow } from '../analysis/filteredFlows';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import { TraceError } from './runTrace';
import { txHashKey } from '../store/txHash';

/** Edges followed per address and direction: its largest ones. */
export const FAN_OUT_CAP = 64;
/** Paths collected before ranking. */
export const MAX_CANDIDATES = 5000;
/** Addresses whose edges are read, over both sides: a search that would read more stops short. */
export const MAX_EXPANDED = 20_000;
/** Steps of the path enumeration, against pathological dense neighbourhoods. */
export const MAX_VISITS = 2_000_000;

/** One step the search can take: an aggregated edge, or a confirmed link (linkId set). */
interface Step {
  readonly from: number;
  readonly to: number;
  readonly assetId: number;
  readonly amount: bigint;
  readonly count: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  /** Whole units of the asset as a float: orders, never shown. */
  readonly rank: number;
  readonly linkId: number | null;
}

interface Ends {
  readonly sources: ReadonlySet<number>;
  readonly targets: ReadonlySet<number>;
  readonly hubs: ReadonlySet<number>;
}

/**
 * Paths from any address of `search.from` to any of `search.to` within `search.maxHops` steps,
 * ranked as asked, at most `search.limit`. Only confirmed links are steps. The search is bounded
 * (see the module comment): on a large store it may miss paths through addresses with more than
 * FAN_OUT_CAP edges, beyond their largest ones.
 */
export function findPaths(store: Db, search: PathSearch, links: readonly CrossChainLink[]): FoundPath[] {
  const sources = resolveAddresses(store, search.from);
  const targets = resolveAddresses(store, search.to);
  const hubs = new Set(store.prepare('SELECT DISTINCT address_id FROM hub').pluck().all() as number[]);
  const ends: Ends = { sources, targets, hubs };
  const graph = new StepGraph();
  for (const s of linkSteps(store, links)) graph.add(s);
  fetchBidirectional(store, graph, ends, search.maxHops);
  const toTarget = distancesToTargets(graph, ends, search.maxHops);
  const nodePaths = enumerate(graph, ends, toTarget, search.maxHops);
  const possible = nodePaths.flatMap((p) => variants(p)).filter((c) => inTimeOrder(c.steps));
  return describe(store, rankPaths(possible, search.rank, store).slice(0, search.limit));
}

/**
 * Money can only follow a path forwards in time: each step must have a transfer no earlier than
 * the first transfer of the step before it. Steps without times pass.
 */
function inTimeOrder(steps: readonly Step[]): boolean {
  let earliest: number | null = null;
  for (const s of steps) {
    if (earliest !== null && s.lastTime !== null && s.lastTime < earliest) return false;
    if (s.firstTime !== null) earliest = earliest === null ? s.firstTime : Math.max(earliest, s.firstTime);
  }
  return true;
}

/** Store ids of the given addresses; an address the store has never seen is an error naming it. */
function resolveAddresses(store: Db, list: PathSearch['from']): Set<number> {
  const ids = new Set<number>();
  for (const { chain, address } of list) {
    const c = resolveChain(chain);
    let addr: string;
    try {
      addr = canonicalAddress(c.id, address);
    } catch (error) {
      throw new TraceError('invalid_argument', `${c.id}:${address}: ${(error as Error).message}`);
    }
    const chainId = findChainId(store, c.id);
    const id = chainId === null ? null : findAddressId(store, chainId, addr);
    if (id === null) throw new TraceError('not_found', `address ${addr} on ${c.name} is not in the store`);
    ids.add(id);
  }
  return ids;
}

/** Edges fetched so far, by sender and by recipient; each (from, to, asset or link) once. */
class StepGraph {
  readonly out = new Map<number, Step[]>();
  readonly in = new Map<number, Step[]>();
  private readonly keys = new Set<string>();

  add(s: Step): void {
    const key = `${s.from}>${s.to}>${s.linkId === null ? `a${s.assetId}` : `l${s.linkId}`}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    push(this.out, s.from, s);
    push(this.in, s.to, s);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A step may leave `from` when it is a link, or when `from` is a source or not a hub. */
function usable(s: Step, ends: Ends): boolean {
  return s.linkId !== null || ends.sources.has(s.from) || !ends.hubs.has(s.from);
}

/** A path goes on from a node it reached unless the node is a target; sources are never entered. */
const passable = (id: number, ends: Ends): boolean => !ends.targets.has(id) && !ends.sources.has(id);

/**
 * Fetches every step within maxHops of the sources and the targets, one layer at a time on the
 * side whose frontier is smaller, until the two depths add up to maxHops, a side runs out, or
 * the next layer would take the addresses read past MAX_EXPANDED.
 */
function fetchBidirectional(store: Db, graph: StepGraph, ends: Ends, maxHops: number): void {
  const fetch = edgeFetcher(store, ends.hubs);
  const fwd = new Map([...ends.sources].map((id) => [id, 0]));
  const bwd = new Map([...ends.targets].map((id) => [id, 0]));
  let fFrontier = [...ends.sources];
  let bFrontier = [...ends.targets];
  let depth = 0;
  let expanded = 0;
  while (depth < maxHops && fFrontier.length > 0 && bFrontier.length > 0) {
    depth++;
    const forward = fFrontier.length <= bFrontier.length;
    if ((expanded += forward ? fFrontier.length : bFrontier.length) > MAX_EXPANDED) return;
    if (forward) {
      // A node goes on forward from a source, or from where a path passed through it.
      const expand = fFrontier.filter((v) => ends.sources.has(v) || passable(v, ends));
      for (const s of fetch('out', expand.filter((v) => ends.sources.has(v) || !ends.hubs.has(v)), bwd.keys())) graph.add(s);
      fFrontier = nextLayer(expand, (v) => graph.out.get(v), (s) => s.to, fwd, (s) => usable(s, ends));
    } else {
      const expand = bFrontier.filter((v) => ends.targets.has(v) || passable(v, ends));
      for (const s of fetch('in', expand, fwd.keys())) graph.add(s);
      // The sender must be able to go on: a source, or a node a path may pass through.
      const enters = (s: Step) => usable(s, ends) && (ends.sources.has(s.from) || passable(s.from, ends));
      bFrontier = nextLayer(expand, (v) => graph.in.get(v), (s) => s.from, bwd, enters);
    }
  }
}

function nextLayer(
  expand: readonly number[],
  stepsOf: (v: number) => readonly Step[] | undefined,
  other: (s: Step) => number,
  seen: Map<number, number>,
  ok: (s: Step) => boolean,
): number[] {
  const next: number[] = [];
  for (const v of expand) {
    const d = seen.get(v)!;
    for (const s of stepsOf(v) ?? []) {
      const w = other(s);
      if (seen.has(w) || !ok(s)) continue;
      seen.set(w, d + 1);
      next.push(w);
    }
  }
  return next;
}

interface EdgeRow extends FlowRow {
  rank: number;
}

const RANK = 'e.total_f / power(10, coalesce(asset.decimals, 18))';
const EDGE_COLUMNS = `e.from_id, e.to_id, e.asset_id, e.total, e.cnt, e.first_time, e.last_time, ${RANK} AS rank`;

/**
 * The FAN_OUT_CAP largest edges out of (or into) each of the given addresses, and every edge of
 * theirs to an address the other side of the search has reached: where the two sides meet, the
 * cap drops nothing. A hub's largest are read through its stored counterparty ranking, which
 * avoids sorting all of its edges.
 */
function edgeFetcher(store: Db, hubs: ReadonlySet<number>): (dir: 'out' | 'in', ids: readonly number[], met: Iterable<number>) => Step[] {
  const ends = (dir: 'out' | 'in') => (dir === 'out' ? ['from_id', 'to_id'] : ['to_id', 'from_id']);
  const plainSql = (dir: 'out' | 'in') => {
    const [self, other] = ends(dir);
    return `SELECT * FROM (
              SELECT ${EDGE_COLUMNS}, row_number() OVER (PARTITION BY e.${self} ORDER BY ${RANK} DESC, e.cnt DESC, e.${other}, e.asset_id) AS rn
              FROM edge e JOIN asset ON asset.id = e.asset_id
              WHERE e.${self} IN (SELECT value FROM json_each(:ids)) AND e.${other} <> e.${self})
            WHERE rn <= :cap OR ${other} IN (SELECT value FROM json_each(:met))`;
  };
  const hubSql = (dir: 'out' | 'in') => {
    const [self, other] = ends(dir);
    return `SELECT ${EDGE_COLUMNS} FROM edge e JOIN asset ON asset.id = e.asset_id
            WHERE e.${self} = :id AND e.${other} <> e.${self} AND e.${other} IN (SELECT value FROM json_each(:cps))`;
  };
  const stmts = {
    out: store.prepare(plainSql('out')).safeIntegers(true),
    in: store.prepare(plainSql('in')).safeIntegers(true),
    hubOut: store.prepare(hubSql('out')).safeIntegers(true),
    hubIn: store.prepare(hubSql('in')).safeIntegers(true),
  };
  return (dir, ids, met) => {
    const metJson = JSON.stringify([...met]);
    const rows: EdgeRow[] = [];
    const plain = ids.filter((id) => !hubs.has(id));
    for (let i = 0; i < plain.length; i += 500) {
      rows.push(...(stmts[dir].all({ ids: JSON.stringify(plain.slice(i, i + 500)), cap: FAN_OUT_CAP, met: metJson }) as EdgeRow[]));
    }
    const hubStmt = dir === 'out' ? stmts.hubOut : stmts.hubIn;
    for (const id of ids.filter((x) => hubs.has(x))) {
      const ranked = hubPage(store, id, dir, 0, FAN_OUT_CAP)?.ids ?? [];
      const top = (hubStmt.all({ id, cps: JSON.stringify(ranked) }) as EdgeRow[]).sort((a, b) => b.rank - a.rank).slice(0, FAN_OUT_CAP);
      rows.push(...top, ...(hubStmt.all({ id, cps: metJson }) as EdgeRow[]));
    }
    return rows.map(toStep);
  };
}

const timeOrNull = (t: bigint | number | null): number | null => (t === null ? null : Number(t));

function toStep(r: EdgeRow): Step {
  return {
    from: Number(r.from_id),
    to: Number(r.to_id),
    assetId: Number(r.asset_id),
    amount: fromDbAmount(r.total),
    count: Number(r.cnt),
    firstTime: timeOrNull(r.first_time),
    lastTime: timeOrNull(r.last_time),
    rank: r.rank,
    linkId: null,
  };
}

/** One end of a link as the store knows it: the transfer (or output) and who received it. */
interface LinkEnd {
  readonly to: number;
  readonly assetId: number;
  readonly amount: bigint;
  readonly time: number | null;
  readonly decimals: number | null;
}

/**
 * Each confirmed link whose two transfers the store holds, as a step from the recipient of its
 * `from` transfer to the recipient of its `to` transfer, carrying the `to` transfer's amount in
 * its asset (so the step's chain is the `to` chain).
 * A link whose transfers are not in the store (or failed, or went to no address) is no step.
 */
function linkSteps(store: Db, links: readonly CrossChainLink[]): Step[] {
  const steps: Step[] = [];
  for (const link of links) {
    if (link.status !== 'confirmed') continue;
    const from = resolveTransferRef(store, link.from);
    const to = resolveTransferRef(store, link.to);
    if (!from || !to || from.to === to.to) continue;
    steps.push({
      from: from.to,
      to: to.to,
      assetId: to.assetId,
      amount: to.amount,
      count: 1,
      firstTime: to.time,
      lastTime: to.time,
      rank: Number(to.amount) / 10 ** (to.decimals ?? 18),
      linkId: link.id,
    });
  }
  return steps;
}

/**
 * The transfer a TransferRef names: on a UTXO chain the output `ref` (without ref, the tx's
 * largest output to an address); on an account chain the transfer "<kind>:<pos>" (without ref,
 * the tx's largest transfer that did not fail). Null when the store does not hold it.
 */
export function resolveTransferRef(store: Db, ref: TransferRef): LinkEnd | null {
  const chain = resolveChain(ref.chain);
  const chainId = findChainId(store, chain.id);
  if (chainId === null) return null;
  let hash: string;
  try {
    hash = canonicalTxHashFor(chain.id, ref.tx);
  } catch (error) {
    throw new TraceError('invalid_argument', `${chain.id} tx ${ref.tx}: ${(error as Error).message}`);
  }
  const txId = store.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?').pluck().get(chainId, ...txHashKey(hash)) as number | undefined;
  if (txId === undefined) return null;
  const rows = chain.family === 'utxo' ? utxoOutputs(store, chainId, txId, ref.ref) : accountTransfers(store, txId, ref.ref);
  let best: (typeof rows)[number] | null = null;
  for (const r of rows) if (!best || fromDbAmount(r.amount) > fromDbAmount(best.amount)) best = r;
  if (!best || best.to_id === null) return null;
  return { to: Number(best.to_id), assetId: Number(best.asset_id), amount: fromDbAmount(best.amount), time: timeOrNull(best.time), decimals: best.decimals === null ? null : Number(best.decimals) };
}

interface RefRow {
  to_id: bigint | null;
  asset_id: bigint;
  amount: bigint | string;
  time: bigint | null;
  decimals: bigint | null;
}

function utxoOutputs(store: Db, chainId: number, txId: number, ref: string | undefined): RefRow[] {
  if (ref !== undefined && !/^[0-9]+$/.test(ref)) throw new TraceError('invalid_argument', `a UTXO transfer is named by its output index, found "${ref}"`);
  return store
    .prepare(
      `SELECT o.address_id AS to_id, asset.id AS asset_id, o.value AS amount, tx.time, asset.decimals
       FROM txout o JOIN tx ON tx.id = o.tx_id JOIN asset ON asset.chain_id = :chain AND asset.contract = ''
       WHERE o.tx_id = :tx AND (:n IS NULL OR o.n = :n) AND o.address_id IS NOT NULL ORDER BY o.n`,
    )
    .safeIntegers(true)
    .all({ chain: chainId, tx: txId, n: ref === undefined ? null : Number(ref) }) as RefRow[];
}

function accountTransfers(store: Db, txId: number, ref: string | undefined): RefRow[] {
  const m = ref === undefined ? null : /^([0-9]+):(.*)$/.exec(ref);
  if (ref !== undefined && !m) throw new TraceError('invalid_argument', `an account-chain transfer is named "<kind>:<position>" (such as "1:12"), found "${ref}"`);
  return store
    .prepare(
      `SELECT t.to_id, t.asset_id, t.amount, t.time, asset.decimals FROM transfer t JOIN asset ON asset.id = t.asset_id
       WHERE t.tx_id = :tx AND (:kind IS NULL OR (t.kind = :kind AND t.pos = :pos)) AND (t.status IS NULL OR t.status <> 0) AND t.to_id IS NOT NULL
       ORDER BY t.kind, t.pos`,
    )
    .safeIntegers(true)
    .all({ tx: txId, kind: m ? Number(m[1]) : null, pos: m ? m[2] : null }) as RefRow[];
}

/**
 * Fewest steps from each fetched node to a target, within maxHops, over usable steps and
 * through passable nodes only: exact within what was fetched, so the enumeration never walks
 * into a dead end that a plain lower bound would let it try.
 */
function distancesToTargets(graph: StepGraph, ends: Ends, maxHops: number): Map<number, number> {
  const dist = new Map([...ends.targets].map((t) => [t, 0]));
  let layer = [...ends.targets];
  for (let d = 1; d <= maxHops && layer.length > 0; d++) {
    const next: number[] = [];
    for (const w of layer) {
      for (const s of graph.in.get(w) ?? []) {
        if (dist.has(s.from) || !usable(s, ends)) continue;
        if (!ends.sources.has(s.from) && !passable(s.from, ends)) continue;
        dist.set(s.from, d);
        if (passable(s.from, ends)) next.push(s.from);
      }
    }
    layer = next;
  }
  return dist;
}

/** A path of addresses, with the usable steps between each consecutive pair. */
type NodePath = readonly (readonly Step[])[];

/**
 * Simple paths from the sources to the targets, by length (shortest first), the largest steps
 * first at each node; at most MAX_CANDIDATES paths and MAX_VISITS steps.
 */
function enumerate(graph: StepGraph, ends: Ends, toTarget: ReadonlyMap<number, number>, maxHops: number): NodePath[] {
  const found: NodePath[] = [];
  const onPath = new Set<number>();
  const trail: Step[][] = [];
  const nextCache = new Map<number, { to: number; steps: Step[] }[]>();
  let visits = 0;
  const nexts = (v: number) => {
    let list = nextCache.get(v);
    if (!list) {
      const byTo = new Map<number, Step[]>();
      for (const s of graph.out.get(v) ?? []) if (usable(s, ends)) push(byTo, s.to, s);
      list = [...byTo].map(([to, steps]) => ({ to, steps })).sort((a, b) => maxRank(b.steps) - maxRank(a.steps) || a.to - b.to);
      nextCache.set(v, list);
    }
    return list;
  };
  const walk = (v: number, length: number): boolean => {
    if (trail.length > 0 && ends.targets.has(v)) {
      if (trail.length === length) found.push([...trail]);
      return found.length < MAX_CANDIDATES;
    }
    if (trail.length === length) return true;
    for (const n of nexts(v)) {
      if (++visits > MAX_VISITS) return false;
      if (onPath.has(n.to) || (toTarget.get(n.to) ?? Infinity) > length - trail.length - 1) continue;
      if (!ends.targets.has(n.to) && !passable(n.to, ends)) continue;
      onPath.add(n.to);
      trail.push(n.steps);
      const more = walk(n.to, length);
      trail.pop();
      onPath.delete(n.to);
      if (!more) return false;
    }
    return true;
  };
  const starts = [...ends.sources].sort((a, b) => a - b);
  for (let length = 1; length <= maxHops; length++) {
    for (const s of starts) {
      if ((toTarget.get(s) ?? Infinity) > length) continue;
      onPath.add(s);
      const more = walk(s, length);
      onPath.delete(s);
      if (!more) return found;
    }
  }
  return found;
}

const maxRank = (steps: readonly Step[]): number => steps.reduce((m, s) => Math.max(m, s.rank), -Infinity);

/** A path of chosen steps; bottleneck set when every step is in one asset. */
interface Candidate {
  readonly steps: readonly Step[];
  readonly bottleneck: bigint | null;
}

/**
 * The paths one path of addresses stands for: one per asset that every step carries (with that
 * asset's largest step each time). When no asset is common (a swap, or a link to another chain),
 * one path across assets: each run of steps that share an asset keeps to the one that carries
 * the most through the run. A step between two addresses that also have an edge is that edge,
 * not a link between them.
 */
function variants(path: NodePath): Candidate[] {
  const options = path.map((o) => (o.some((s) => s.linkId === null) ? o.filter((s) => s.linkId === null) : o));
  const common = sharedAssets(options, 0, options.length);
  if (common.length > 0) {
    return common.map((asset) => {
      const steps = stepsIn(options, 0, options.length, asset);
      return { steps, bottleneck: steps.reduce((m, s) => (s.amount < m ? s.amount : m), steps[0]!.amount) };
    });
  }
  const steps: Step[] = [];
  for (let start = 0; start < options.length; ) {
    let end = start + 1;
    while (end < options.length && sharedAssets(options, start, end + 1).length > 0) end++;
    const runs = sharedAssets(options, start, end).map((asset) => stepsIn(options, start, end, asset));
    steps.push(...largest(runs, (a, b) => minRank(a) > minRank(b)));
    start = end;
  }
  return [{ steps, bottleneck: null }];
}

/** Assets every step from start to end (exclusive) can carry, in id order. */
function sharedAssets(options: readonly (readonly Step[])[], start: number, end: number): number[] {
  let common = [...new Set(options[start]!.map((s) => s.assetId))].sort((a, b) => a - b);
  for (let i = start + 1; i < end && common.length > 0; i++) common = common.filter((a) => options[i]!.some((s) => s.assetId === a));
  return common;
}

/** Steps start to end (exclusive) in one asset, the largest at each. */
function stepsIn(options: readonly (readonly Step[])[], start: number, end: number, asset: number): Step[] {
  return options.slice(start, end).map((o) => largest(o.filter((s) => s.assetId === asset), (a, b) => a.amount > b.amount));
}

const minRank = (steps: readonly Step[]): number => steps.reduce((m, s) => Math.min(m, s.rank), Infinity);

/** The first largest element (list not empty). */
function largest<T>(list: readonly T[], larger: (a: T, b: T) => boolean): T {
  return list.reduce((best, x) => (larger(x, best) ? x : best));
}

/**
 * Orders paths. 'value': one-asset paths by bottleneck, largest first, compared exactly in
 * whole units of their assets (unknown decimals count as 18), then fewer hops; paths across
 * assets after them, by hops. 'hops': fewest steps first, ties as for 'value'. Remaining ties
 * by the store ids along the path, so the same store gives the same order.
 */
function rankPaths(paths: readonly Candidate[], rank: PathSearch['rank'], store: Db): Candidate[] {
  const assetIds = new Set(paths.flatMap((p) => (p.bottleneck === null ? [] : [p.steps[0]!.assetId])));
  const decimals = new Map([...getAssets(store, [...assetIds])].map(([id, a]) => [id, a.decimals ?? 18]));
  const scale = Math.max(0, ...decimals.values());
  // Bottlenecks brought to one scale (the most decimals of any asset), so bigints compare exactly.
  const keyed = paths.map((p) => ({
    p,
    value: p.bottleneck === null ? null : p.bottleneck * 10n ** BigInt(scale - decimals.get(p.steps[0]!.assetId)!),
    ids: pathKey(p),
  }));
  type Keyed = (typeof keyed)[number];
  const byValue = (a: Keyed, b: Keyed): number => {
    if (a.value === null || b.value === null) return (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0);
    return a.value === b.value ? 0 : a.value > b.value ? -1 : 1;
  };
  const byHops = (a: Keyed, b: Keyed) => a.p.steps.length - b.p.steps.length;
  const byIds = (a: Keyed, b: Keyed): number => {
    for (let i = 0; i < Math.min(a.ids.length, b.ids.length); i++) if (a.ids[i] !== b.ids[i]) return a.ids[i]! - b.ids[i]!;
    return a.ids.length - b.ids.length;
  };
  const order = rank === 'value' ? [byValue, byHops, byIds] : [byHops, byValue, byIds];
  keyed.sort((a, b) => {
    for (const cmp of order) {
      const c = cmp(a, b);
      if (c !== 0) return c;
    }
    return 0;
  });
  return keyed.map((k) => k.p);
}

/** The path as numbers: its addresses, then the asset (or link) of each step. */
const pathKey = (p: Candidate): number[] => [p.steps[0]!.from, ...p.steps.map((s) => s.to), ...p.steps.map((s) => (s.linkId === null ? s.assetId : -1 - s.linkId))];

/** The API's form: addresses in their stored form, assets in full, amounts exact. */
function describe(store: Db, paths: readonly Candidate[]): FoundPath[] {
  const ids = [...new Set(paths.flatMap((p) => p.steps.flatMap((s) => [s.from, s.to])))];
  const addrs = new Map(
    (store.prepare('SELECT id, addr FROM address WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: number; addr: string }[]).map((r) => [r.id, r.addr]),
  );
  const assets: Map<number, Asset> = getAssets(store, paths.flatMap((p) => p.steps.map((s) => s.assetId)));
  return paths.map((p) => ({
    steps: p.steps.map((s) => ({
      chain: assets.get(s.assetId)!.chain,
      from: addrs.get(s.from)!,
      to: addrs.get(s.to)!,
      asset: assets.get(s.assetId)!,
      amount: s.amount.toString(),
      transfers: s.count,
      firstTime: s.firstTime,
      lastTime: s.lastTime,
      linkId: s.linkId,
    })),
    hops: p.steps.length,
    bottleneck: p.bottleneck === null ? null : p.bottleneck.toString(),
  }));
}
