/**
 * A case's view of the workspace's automatic clusters: the store's clusters with this case's
 * overrides applied (table cluster_override, case schema 31). The overrides are the
 * investigator's decisions, and a manual decision wins over the heuristics:
 *
 * - split X: address X is a cluster of one in this case; the rest of its automatic cluster stays
 *   together only where other evidence still joins it;
 * - reject T: the merges made by transaction T (by any heuristic) are not applied in this case;
 * - confirm (A, B, T): the merge of A and B by T, which the collapse guard held, is applied here.
 *
 * Where decisions meet, split beats reject beats confirm (an address split out stays alone
 * whatever names it), and addOverride refuses to record two that contradict each other.
 *
 * The store keeps each cluster's evidence as a spanning tree (only unions that joined two
 * different clusters are recorded), so removing one recorded merge cannot say what still holds
 * the cluster together: another transaction may join the same addresses. A cluster that an
 * override acts on is therefore re-derived from the facts, restricted to its members (with the
 * clusters a confirm joins it to): every transaction that spends from a member, except CoinJoins,
 * rejected transactions and the inputs the collapse guard held, joins its input addresses
 * (multi-input, exactly as analysis/clustering/multiInput.ts does); every recorded merge of the
 * other heuristics that is not rejected joins its two addresses (those heuristics record only the
 * merges that joined two clusters, so a link they found redundant is not known here); each
 * confirmed held merge joins its two addresses; a split address takes part in none of these.
 * The parts are the connected components (an in-memory union-find over the members).
 *
 * Bounded: a re-derivation reads at most MAX_ADDRESSES members and MAX_INPUTS transaction inputs;
 * a larger cluster is refused with an error naming its size and the limit (the override is
 * refused when it is made, for the same reason). A cluster no override acts on is the store's
 * own, read as before: one lookup in a small set of touched roots, kept per case until the case
 * or the store changes.
 *
 * Parts are named so that the name is stable and distinct: the part holding most of an automatic
 * cluster "e<root>" keeps that name (of two joined by a confirm, the larger's; split addresses
 * count for none), and any other part is "e<root>.<its lowest address id>", root being its
 * lowest address's automatic cluster (a split address X alone: "e<root>.<X>").
 *
 * Clusters are the workspace store's inference: pass the store, also for a received case.
 */
import type { Statement } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/contract';
import type { ClusterOverride } from '../../../shared/api/schemas';
import { caip10, canonicalAddress, canonicalTxHashFor, displayAddress, shortAddress } from '../../../shared/codec/address';
import { resolveChain, UnknownChainError, type ChainInfo } from '../../../shared/model/chains';
import { clusterMembers, evidencePath, evidenceTouching, forEachMemberPage, type EvidenceRef } from '../analysis/clustering/clusterQueries';
import { detectCoinJoin, type CoinJoinInput } from '../analysis/clustering/coinjoin';
import { MULTI_INPUT } from '../analysis/clustering/multiInput';
import { UnionFind, type Cluster } from '../analysis/clustering/unionFind';
import { findAddressId } from '../store/addresses';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import type { Actor, CaseFile } from './caseFiles';
import { hasTable } from './caseTables';
import { txHashKey } from '../store/txHash';

/** The most addresses a cluster an override acts on may hold: its view is re-derived in memory. */
export const MAX_ADDRESSES = 100_000;
/** The most transaction inputs one re-derivation reads (a member that spent a million times). */
export const MAX_INPUTS = 2_000_000;

export interface ViewLimits {
  readonly addresses: number;
  readonly inputs: number;
}
const DEFAULT_LIMITS: ViewLimits = { addresses: MAX_ADDRESSES, inputs: MAX_INPUTS };

/** An automatic cluster as one case sees it. */
export interface CaseCluster extends Cluster {
  /** Always a member: the store's root, or, for a part an override made, its named or lowest address. */
  readonly root: number;
  readonly size: number;
  /** "e<root>" as the store names it, or "e<root>.<lowest address id>" for another part (file comment). */
  readonly id: string;
  /** Whether an override of the case acts on this cluster (its view was re-derived). */
  readonly overridden: boolean;
}

/** A merge on the way from one address to another, as the case sees it. */
export interface CaseEvidenceStep {
  from: number;
  to: number;
  tx: string;
  heuristic: string;
  /** The confirm override that applied a held merge. */
  override?: number;
}

/** A cluster whose re-derivation would exceed the limits; the canvas may catch it and show the store's cluster. */
export class CaseViewTooLarge extends ApiError {
  constructor(message: string, detail: { cluster: string; size: number; limit: number; what: 'addresses' | 'inputs' }) {
    super('invalid_argument', message, detail);
    this.name = 'CaseViewTooLarge';
  }
}

// ----------------------------------------------------------------------------- facts from the store

/** An input as multiInput.ts reads it: its address id and its value. */
type InputRow = [addressId: bigint | null, value: bigint | string | null];

/** The store reads this file makes, prepared once per store. */
class Facts {
  readonly uf: UnionFind;
  private readonly s: Record<
    'inputs' | 'outputs' | 'held' | 'heldRow' | 'spends' | 'evidenceA' | 'evidenceB' | 'evidenceOfTxA' | 'evidenceOfTxB' | 'txAddresses' | 'txId' | 'txHash' | 'chainOf',
    Statement
  >;

  constructor(readonly db: Db) {
    this.uf = new UnionFind(db);
    this.s = {
      // As multiInput.ts reads a transaction: its chain's, not a coinbase, inputs in order.
      inputs: db.prepare('SELECT i.address_id, i.value FROM tx t CROSS JOIN txin i ON i.tx_id = t.id WHERE t.id = ? AND +t.chain_id = ? AND +t.coinbase = 0 ORDER BY i.n').raw().safeIntegers(true),
      outputs: db.prepare('SELECT value, address_id AS addressId, type FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true),
      held: db.prepare('SELECT b FROM cluster_held WHERE tx_id = ? AND heuristic = ?').pluck(),
      heldRow: db.prepare('SELECT a, b, heuristic FROM cluster_held WHERE tx_id = ? AND ((a = ? AND b = ?) OR (a = ? AND b = ?)) ORDER BY id LIMIT 1'),
      spends: db.prepare('SELECT DISTINCT tx_id FROM txin WHERE address_id = ?').pluck(),
      evidenceA: db.prepare('SELECT id, a, b, tx_id AS tx, heuristic FROM cluster_evidence WHERE a = ? AND heuristic <> ?'),
      evidenceB: db.prepare('SELECT id, a, b, tx_id AS tx, heuristic FROM cluster_evidence WHERE b = ? AND heuristic <> ?'),
      evidenceOfTxA: db.prepare('SELECT a FROM cluster_evidence WHERE a = ? AND tx_id = ? AND heuristic <> ?').pluck(),
      evidenceOfTxB: db.prepare('SELECT a FROM cluster_evidence WHERE b = ? AND tx_id = ? AND heuristic <> ?').pluck(),
      // Every address a transaction involves: where any merge it made must have an end.
      txAddresses: db
        .prepare(
          `SELECT address_id FROM txin WHERE tx_id = @tx AND address_id IS NOT NULL
           UNION SELECT address_id FROM txout WHERE tx_id = @tx AND address_id IS NOT NULL
           UNION SELECT from_id FROM tx WHERE id = @tx AND from_id IS NOT NULL
           UNION SELECT to_id FROM tx WHERE id = @tx AND to_id IS NOT NULL
           UNION SELECT from_id FROM transfer WHERE tx_id = @tx AND from_id IS NOT NULL
           UNION SELECT to_id FROM transfer WHERE tx_id = @tx AND to_id IS NOT NULL`,
        )
        .pluck(),
      txId: db.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?').pluck(),
      txHash: db.prepare('SELECT hash FROM tx WHERE id = ?').pluck(),
      chainOf: db.prepare('SELECT chain_id FROM address WHERE id = ?').pluck(),
    };
  }

  inputs(chainId: number, txId: number): InputRow[] {
    return this.s.inputs.all(txId, chainId) as InputRow[];
  }

  /** The distinct input addresses, in input order, of a transaction multi-input clustering would merge; [] for a CoinJoin. */
  mergedInputs(chainId: number, txId: number, inputs = this.inputs(chainId, txId)): number[] {
    const addresses = [...new Set(inputs.flatMap(([addressId]) => (addressId === null ? [] : [Number(addressId)])))];
    if (addresses.length < 2 || this.isCoinJoin(txId, inputs)) return [];
    return addresses;
  }

  /** The CoinJoin verdict on the transaction's shape, as multiInput.ts asks it (addresses compared by store id). */
  private isCoinJoin(txId: number, inputs: readonly InputRow[]): boolean {
    const outputs = this.s.outputs.all(txId) as { value: bigint | string; addressId: bigint | null; type: string }[];
    const shape = {
      inputs: inputs.map(([addressId, value]): CoinJoinInput => ({ value: value === null ? null : fromDbAmount(value), address: addressId === null ? null : String(addressId) })),
      outputs: outputs.map((o) => ({ value: fromDbAmount(o.value), address: o.addressId === null ? null : String(o.addressId), type: o.type })),
    };
    return detectCoinJoin(shape) !== null;
  }

  /** The input addresses of a transaction that the collapse guard kept it from joining. */
  heldInputs(txId: number): Set<number> {
    return new Set(this.s.held.all(txId, MULTI_INPUT) as number[]);
  }

  heldMerge(txId: number, a: number, b: number): { a: number; b: number; heuristic: string } | undefined {
    return this.s.heldRow.get(txId, a, b, b, a) as { a: number; b: number; heuristic: string } | undefined;
  }

  spends(addressId: number): number[] {
    return this.s.spends.all(addressId) as number[];
  }

  /** Recorded merges of the heuristics other than multi-input with this address at either end. */
  otherEvidence(addressId: number): { id: number; a: number; b: number; tx: number; heuristic: string }[] {
    return [...this.s.evidenceA.all(addressId, MULTI_INPUT), ...this.s.evidenceB.all(addressId, MULTI_INPUT)] as { id: number; a: number; b: number; tx: number; heuristic: string }[];
  }

  /**
   * The automatic clusters a transaction's merges act on: its input addresses' when multi-input
   * would merge them (less the inputs the guard held), and the clusters of the recorded merges
   * of other heuristics made by it, found through the addresses it involves (indexed, no scan).
   */
  mergeRoots(chainId: number, txId: number): Set<number> {
    const roots = new Set<number>();
    const held = this.heldInputs(txId);
    for (const a of this.mergedInputs(chainId, txId)) if (!held.has(a)) roots.add(this.uf.find(a).root);
    for (const address of this.s.txAddresses.all({ tx: txId }) as number[]) {
      for (const a of [...this.s.evidenceOfTxA.all(address, txId, MULTI_INPUT), ...this.s.evidenceOfTxB.all(address, txId, MULTI_INPUT)] as number[]) roots.add(this.uf.find(a).root);
    }
    return roots;
  }

  txId(chainId: number, hash: string): number | null {
    return (this.s.txId.get(chainId, ...txHashKey(hash)) as number | undefined) ?? null;
  }

  txHash(txId: number): string {
    return this.s.txHash.get(txId) as string;
  }

  chainOf(addressId: number): number | null {
    return (this.s.chainOf.get(addressId) as number | undefined) ?? null;
  }
}

const factsOf = new WeakMap<Db, Facts>();
function facts(store: Db): Facts {
  let f = factsOf.get(store);
  if (!f) factsOf.set(store, (f = new Facts(store)));
  return f;
}

// ------------------------------------------------------------------------------- the case's overrides

interface OverrideRow {
  id: number;
  kind: 'split' | 'reject' | 'confirm';
  chain: string;
  a: string | null;
  b: string | null;
  tx: string | null;
  note: string;
  created_at: string;
  created_by: string;
}

function overrideRows(c: CaseFile): OverrideRow[] {
  if (!hasTable(c.db, 'cluster_override')) return [];
  return c.db.prepare('SELECT id, kind, chain, a, b, tx, note, created_at, created_by FROM cluster_override ORDER BY id').all() as OverrideRow[];
}

function toOverride(r: OverrideRow): ClusterOverride {
  const shown = (addr: string | null): string | null => {
    if (addr === null) return null;
    try {
      return displayAddress(r.chain, addr);
    } catch {
      return addr;
    }
  };
  return { id: r.id, kind: r.kind, chain: r.chain, a: shown(r.a), b: shown(r.b), tx: r.tx, note: r.note, createdAt: r.created_at, createdBy: r.created_by };
}

/** The case's overrides, oldest first. */
export function listOverrides(c: CaseFile): ClusterOverride[] {
  return overrideRows(c).map(toOverride);
}

interface Confirm {
  id: number;
  a: number;
  b: number;
  tx: number;
  heuristic: string;
}

/** One chain's overrides resolved against the store (those whose addresses or tx the store lacks act on nothing). */
interface ChainOverrides {
  /** Address id → the split override's id. */
  readonly splits: Map<number, number>;
  /** Tx id → the reject override's id. */
  readonly rejects: Map<number, number>;
  readonly confirms: Confirm[];
  /** Automatic cluster root → the overrides acting on it. */
  readonly touched: Map<number, number[]>;
}

function resolveOverrides(f: Facts, rows: readonly OverrideRow[]): Map<number, ChainOverrides> {
  const out = new Map<number, ChainOverrides>();
  const chainIds = new Map<string, number | null>();
  for (const r of rows) {
    if (!chainIds.has(r.chain)) chainIds.set(r.chain, findChainId(f.db, r.chain));
    const chainId = chainIds.get(r.chain)!;
    if (chainId === null) continue;
    let co = out.get(chainId);
    if (!co) out.set(chainId, (co = { splits: new Map(), rejects: new Map(), confirms: [], touched: new Map() }));
    const touch = (root: number): void => {
      const list = co.touched.get(root);
      if (list) list.push(r.id);
      else co.touched.set(root, [r.id]);
    };
    const address = (addr: string | null): number | null => (addr === null ? null : findAddressId(f.db, chainId, addr));
    const tx = r.tx === null ? null : f.txId(chainId, r.tx);
    if (r.kind === 'split') {
      const a = address(r.a);
      if (a === null) continue;
      co.splits.set(a, r.id);
      touch(f.uf.find(a).root);
    } else if (r.kind === 'reject') {
      if (tx === null) continue;
      co.rejects.set(tx, r.id);
      for (const root of f.mergeRoots(chainId, tx)) touch(root);
    } else {
      const [a, b] = [address(r.a), address(r.b)];
      if (a === null || b === null || tx === null) continue;
      co.confirms.push({ id: r.id, a, b, tx, heuristic: f.heldMerge(tx, a, b)?.heuristic ?? MULTI_INPUT });
      touch(f.uf.find(a).root);
      touch(f.uf.find(b).root);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------- re-derived clusters

/** The links that hold a group together in the case's view, as parallel arrays (bounded, compact). */
interface Links {
  u: number[];
  v: number[];
  tx: number[];
  heuristic: string[];
  /** The confirm override's id, 0 for a heuristic's link. */
  override: number[];
}

interface Part {
  readonly id: string;
  readonly root: number;
  readonly size: number;
  /** Member indexes, ascending (so address ids ascending). */
  readonly members: number[];
}

/** Automatic clusters joined by the case's confirms, re-derived under its overrides. */
interface Group {
  /** The automatic clusters' roots. */
  readonly roots: number[];
  /** Member address ids, ascending. */
  readonly members: number[];
  readonly index: Map<number, number>;
  readonly links: Links;
  /** Each member's part, as the index of the part's representative. */
  readonly partOf: Int32Array;
  readonly parts: Map<number, Part>;
  /** Built on the first "why": each member's incident link ends (2·link + side), as linked lists. */
  adjacency?: { head: Int32Array; next: Int32Array };
}

/** The automatic clusters joined to `root` by the case's confirms (and `extra`, a confirm being made). */
function groupRoots(f: Facts, confirms: readonly Pick<Confirm, 'a' | 'b'>[], root: number): number[] {
  const ends = confirms.map((k) => [f.uf.find(k.a).root, f.uf.find(k.b).root] as const);
  const roots = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [x, y] of ends) {
      if (roots.has(x) === roots.has(y)) continue;
      roots.add(roots.has(x) ? y : x);
      grew = true;
    }
  }
  return [...roots].sort((x, y) => x - y);
}

function tooLarge(c: CaseFile, root: number, size: number, limits: ViewLimits): CaseViewTooLarge {
  return new CaseViewTooLarge(
    `cluster e${root} holds ${size.toLocaleString('en-US')} addresses with the clusters the overrides of case "${c.id}" join to it; ` +
      `a cluster an override acts on is recomputed for the case, up to ${limits.addresses.toLocaleString('en-US')} addresses ` +
      `(docs/clustering.md, "Evidence, the collapse guard and overrides"). Remove the override that acts on it (cairn clusters overrides --case ${c.id})`,
    { cluster: `e${root}`, size, limit: limits.addresses, what: 'addresses' },
  );
}

function groupSize(f: Facts, roots: readonly number[]): number {
  return roots.reduce((sum, r) => sum + f.uf.find(r).size, 0);
}

function computeGroup(f: Facts, c: CaseFile, chainId: number, co: ChainOverrides, root: number, limits: ViewLimits): Group {
  const roots = groupRoots(f, co.confirms, root);
  const size = groupSize(f, roots);
  if (size > limits.addresses) throw tooLarge(c, root, size, limits);

  // Members, each with the automatic cluster it comes from, ascending by address id.
  const pairs: [number, number][] = [];
  for (const r of roots) forEachMemberPage(f.db, f.uf.find(r), 5_000, (ids) => ids.forEach((id) => pairs.push([id, r])));
  pairs.sort((x, y) => x[0] - y[0]);
  const members = pairs.map((p) => p[0]);
  const rootOf = pairs.map((p) => p[1]);
  const index = new Map(members.map((id, i) => [id, i]));
  const inView = (id: number): boolean => index.has(id) && !co.splits.has(id);

  const links: Links = { u: [], v: [], tx: [], heuristic: [], override: [] };
  const link = (a: number, b: number, tx: number, heuristic: string, override = 0): void => {
    links.u.push(index.get(a)!);
    links.v.push(index.get(b)!);
    links.tx.push(tx);
    links.heuristic.push(heuristic);
    links.override.push(override);
  };

  // Multi-input: every transaction spending from a member, as multiInput.ts clusters it.
  let inputsRead = 0;
  const spending = new Set<number>();
  for (const id of members) {
    for (const tx of f.spends(id)) spending.add(tx);
    if (spending.size > limits.inputs) break;
  }
  const inputsExceeded = (): CaseViewTooLarge =>
    new CaseViewTooLarge(
      `cluster e${root} (${size.toLocaleString('en-US')} addresses) spends in more than ${limits.inputs.toLocaleString('en-US')} transaction inputs; ` +
        `a cluster an override of case "${c.id}" acts on is recomputed from at most that many (docs/clustering.md, "Evidence, the collapse guard and overrides"). ` +
        `Remove the override that acts on it (cairn clusters overrides --case ${c.id})`,
      { cluster: `e${root}`, size, limit: limits.inputs, what: 'inputs' },
    );
  if (spending.size > limits.inputs) throw inputsExceeded();
  for (const tx of [...spending].sort((x, y) => x - y)) {
    if (co.rejects.has(tx)) continue;
    const inputs = f.inputs(chainId, tx);
    inputsRead += inputs.length;
    if (inputsRead > limits.inputs) throw inputsExceeded();
    const addresses = f.mergedInputs(chainId, tx, inputs);
    if (addresses.length === 0) continue;
    const held = f.heldInputs(tx);
    const joined = addresses.filter((a) => inView(a) && !held.has(a));
    for (let k = 1; k < joined.length; k++) link(joined[0]!, joined[k]!, tx, MULTI_INPUT);
  }

  // The other heuristics' recorded merges.
  const seen = new Set<number>();
  for (const id of members) {
    for (const e of f.otherEvidence(id)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      if (co.rejects.has(e.tx) || !inView(e.a) || !inView(e.b)) continue;
      link(e.a, e.b, e.tx, e.heuristic);
    }
  }

  // Confirmed held merges (split and reject win over a confirm).
  for (const k of co.confirms) {
    if (!inView(k.a) || !inView(k.b) || co.rejects.has(k.tx)) continue;
    link(k.a, k.b, k.tx, k.heuristic, k.id);
  }

  // The parts: connected components of the links.
  const parent = new Int32Array(members.length).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let l = 0; l < links.u.length; l++) {
    const [x, y] = [find(links.u[l]!), find(links.v[l]!)];
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  }
  // Each part's representative is its lowest member (unions keep the lower index).
  const partOf = new Int32Array(members.length);
  const partMembers = new Map<number, number[]>();
  for (let i = 0; i < members.length; i++) {
    const p = find(i);
    partOf[i] = p;
    const list = partMembers.get(p);
    if (list) list.push(i);
    else partMembers.set(p, [i]);
  }

  // Names: the part holding most of an automatic cluster keeps its name (file comment); a split
  // address counts for no part, so it never keeps the name, even alone against one other.
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < members.length; i++) {
    if (co.splits.has(members[i]!)) continue;
    let byPart = counts.get(rootOf[i]!);
    if (!byPart) counts.set(rootOf[i]!, (byPart = new Map()));
    byPart.set(partOf[i]!, (byPart.get(partOf[i]!) ?? 0) + 1);
  }
  const claims = new Map<number, number[]>();
  for (const [r, byPart] of counts) {
    let best = -1;
    for (const [p, n] of byPart) if (best < 0 || n > byPart.get(best)! || (n === byPart.get(best)! && p < best)) best = p;
    const list = claims.get(best);
    if (list) list.push(r);
    else claims.set(best, [r]);
  }
  const storeSize = new Map(roots.map((r) => [r, f.uf.find(r).size]));
  const parts = new Map<number, Part>();
  for (const [p, list] of partMembers) {
    const claimed = claims.get(p);
    const lowest = members[p]!;
    if (claimed) {
      const name = claimed.reduce((x, y) => (storeSize.get(y)! > storeSize.get(x)! || (storeSize.get(y) === storeSize.get(x) && y < x) ? y : x));
      const rootHere = index.has(name) && partOf[index.get(name)!] === p;
      parts.set(p, { id: `e${name}`, root: rootHere ? name : lowest, size: list.length, members: list });
    } else {
      parts.set(p, { id: `e${rootOf[p]}.${lowest}`, root: lowest, size: list.length, members: list });
    }
  }
  return { roots, members, index, links, partOf, parts };
}

// ------------------------------------------------------------------------------------ per-case cache

interface CaseState {
  store: Db;
  key: string;
  chains: Map<number, ChainOverrides>;
  /** Re-derived groups, by each of their automatic roots; the latest few only. */
  groups: Map<number, Group>;
  order: Group[];
}

const states = new WeakMap<CaseFile, CaseState>();
/** Re-derived groups kept per case (each at most the limits' size). */
const KEEP_GROUPS = 4;

/** What the view depends on: the case's log head, and the store's content (other connections' commits, this one's writes). */
function stateKey(store: Db, c: CaseFile): string {
  const head = c.db.prepare('SELECT max(seq) FROM audit').pluck().get() as number | null;
  const version = store.pragma('data_version', { simple: true }) as number;
  const changes = store.prepare('SELECT total_changes()').pluck().get() as number;
  return `${head ?? 0}|${version}|${changes}`;
}

function stateOf(store: Db, c: CaseFile): CaseState {
  const key = stateKey(store, c);
  const cached = states.get(c);
  if (cached && cached.store === store && cached.key === key) return cached;
  const state: CaseState = { store, key, chains: resolveOverrides(facts(store), overrideRows(c)), groups: new Map(), order: [] };
  states.set(c, state);
  return state;
}

/** The case's overrides on the address's chain when one acts on its automatic cluster; null when none does. */
function touching(store: Db, c: CaseFile, addressId: number): { co: ChainOverrides; chainId: number; root: number } | null {
  const state = stateOf(store, c);
  if (state.chains.size === 0) return null;
  const f = facts(store);
  const chainId = f.chainOf(addressId);
  const co = chainId === null ? undefined : state.chains.get(chainId);
  if (!co) return null;
  const root = f.uf.find(addressId).root;
  // A confirm names both clusters it joins, so a group with any override has a touched root in it.
  return co.touched.has(root) ? { co, chainId: chainId!, root } : null;
}

function groupOf(store: Db, c: CaseFile, t: { co: ChainOverrides; chainId: number; root: number }, limits: ViewLimits): Group {
  const state = stateOf(store, c);
  const cached = state.groups.get(t.root);
  if (cached && cached.members.length > limits.addresses) throw tooLarge(c, t.root, cached.members.length, limits);
  if (cached) return cached;
  const g = computeGroup(facts(store), c, t.chainId, t.co, t.root, limits);
  for (const r of g.roots) state.groups.set(r, g);
  state.order.push(g);
  while (state.order.length > KEEP_GROUPS) for (const r of state.order.shift()!.roots) state.groups.delete(r);
  return g;
}

// ------------------------------------------------------------------------------------------- reading

/**
 * An address's automatic cluster as this case sees it. Throws CaseViewTooLarge when an override
 * acts on a cluster beyond the limits (file comment).
 */
export function caseClusterOf(store: Db, c: CaseFile, addressId: number, limits: ViewLimits = DEFAULT_LIMITS): CaseCluster {
  const t = touching(store, c, addressId);
  if (!t) {
    const k = facts(store).uf.find(addressId);
    return { root: k.root, size: k.size, id: `e${k.root}`, overridden: false };
  }
  const g = groupOf(store, c, t, limits);
  const part = g.parts.get(g.partOf[g.index.get(addressId)!]!)!;
  return { root: part.root, size: part.size, id: part.id, overridden: true };
}

/** A page of the members of a cluster returned by caseClusterOf, in address id order. */
export function caseClusterMembers(store: Db, c: CaseFile, cluster: Cluster, offset: number, limit: number, limits: ViewLimits = DEFAULT_LIMITS): number[] {
  const t = touching(store, c, cluster.root);
  if (!t) return clusterMembers(store, facts(store).uf.find(cluster.root), offset, limit);
  const g = groupOf(store, c, t, limits);
  const part = g.parts.get(g.partOf[g.index.get(cluster.root)!]!)!;
  return part.members.slice(offset, offset + limit).map((i) => g.members[i]!);
}

/** Each member of the case's cluster of `cluster.root`, a page at a time. */
export function forEachCaseMemberPage(store: Db, c: CaseFile, cluster: Cluster, pageSize: number, visit: (ids: number[]) => void): void {
  const t = touching(store, c, cluster.root);
  if (!t) {
    forEachMemberPage(store, facts(store).uf.find(cluster.root), pageSize, visit);
    return;
  }
  for (let offset = 0; ; offset += pageSize) {
    const page = caseClusterMembers(store, c, cluster, offset, pageSize);
    if (page.length === 0) return;
    visit(page);
  }
}

/**
 * The merges that join this address to others in the case's view, by transaction id. Where no
 * override acts, the store's recorded merges; where one does, every transaction and merge of the
 * re-derivation that joins it (a split address: none).
 */
export function caseEvidenceTouching(store: Db, c: CaseFile, addressId: number, limit: number): EvidenceRef[] {
  const t = touching(store, c, addressId);
  if (!t) return evidenceTouching(store, addressId, limit);
  const g = groupOf(store, c, t, DEFAULT_LIMITS);
  const at = g.index.get(addressId)!;
  const found = new Map<string, { tx: number; heuristic: string }>();
  for (let l = 0; l < g.links.u.length; l++) {
    if (g.links.u[l] !== at && g.links.v[l] !== at) continue;
    found.set(`${g.links.tx[l]}|${g.links.heuristic[l]}`, { tx: g.links.tx[l]!, heuristic: g.links.heuristic[l]! });
  }
  const f = facts(store);
  return [...found.values()]
    .sort((x, y) => x.tx - y.tx || (x.heuristic < y.heuristic ? -1 : x.heuristic > y.heuristic ? 1 : 0))
    .slice(0, limit)
    .map((e) => ({ tx: f.txHash(e.tx), heuristic: e.heuristic }));
}

/**
 * The chain of merges that joins two addresses as the case sees them; null when they are not in
 * one cluster, empty for an address and itself. A path through a rejected transaction or a split
 * address is no path; a step may be a confirmed held merge (its override id given). Consecutive
 * steps through one transaction's inputs are one step.
 */
export function caseEvidencePath(store: Db, c: CaseFile, from: number, to: number): CaseEvidenceStep[] | null {
  const f = facts(store);
  const tFrom = touching(store, c, from);
  const tTo = touching(store, c, to);
  if (!tFrom && !tTo) return evidencePath(store, from, to);
  const g = groupOf(store, c, (tFrom ?? tTo)!, DEFAULT_LIMITS);
  const [x, y] = [g.index.get(from), g.index.get(to)];
  if (x === undefined || y === undefined || g.partOf[x] !== g.partOf[y]) return null;
  if (x === y) return [];
  if (!g.adjacency) {
    const head = new Int32Array(g.members.length).fill(-1);
    const next = new Int32Array(2 * g.links.u.length);
    for (let l = 0; l < g.links.u.length; l++) {
      for (const side of [0, 1]) {
        const end = 2 * l + side;
        const at = side === 0 ? g.links.u[l]! : g.links.v[l]!;
        next[end] = head[at]!;
        head[at] = end;
      }
    }
    g.adjacency = { head, next };
  }
  const { head, next } = g.adjacency;
  // Breadth first from x; how each member was reached (the link end taken), -1 unreached.
  const via = new Int32Array(g.members.length).fill(-1);
  via[x] = -2;
  const queue = [x];
  for (let q = 0; q < queue.length && via[y] === -1; q++) {
    const at = queue[q]!;
    // Link ends are pushed in front, so walk them back to front to take links in the order made.
    const ends: number[] = [];
    for (let e = head[at]!; e !== -1; e = next[e]!) ends.push(e);
    for (let k = ends.length - 1; k >= 0; k--) {
      const e = ends[k]!;
      const l = e >> 1;
      const other = e & 1 ? g.links.u[l]! : g.links.v[l]!;
      if (via[other] !== -1) continue;
      via[other] = e;
      queue.push(other);
    }
  }
  const links: number[] = [];
  for (let at = y; at !== x; ) {
    const e = via[at]!;
    links.push(e >> 1);
    at = e & 1 ? g.links.v[e >> 1]! : g.links.u[e >> 1]!;
  }
  links.reverse();
  const steps: { from: number; to: number; tx: number; heuristic: string; override: number }[] = [];
  let at = x;
  for (const l of links) {
    const other = g.links.u[l] === at ? g.links.v[l]! : g.links.u[l]!;
    const step = { from: at, to: other, tx: g.links.tx[l]!, heuristic: g.links.heuristic[l]!, override: g.links.override[l]! };
    const last = steps[steps.length - 1];
    // Two inputs of one transaction reached through a third: one step.
    if (last && step.heuristic === MULTI_INPUT && last.heuristic === MULTI_INPUT && step.override === 0 && last.override === 0 && last.tx === step.tx) last.to = other;
    else steps.push(step);
    at = other;
  }
  return steps.map((s) => ({
    from: g.members[s.from]!,
    to: g.members[s.to]!,
    tx: f.txHash(s.tx),
    heuristic: s.heuristic,
    ...(s.override === 0 ? {} : { override: s.override }),
  }));
}

/** The ids of the case's overrides that act on the address's cluster (and the clusters a confirm joins to it). */
export function overridesActingOn(store: Db, c: CaseFile, addressId: number): number[] {
  const t = touching(store, c, addressId);
  if (!t) return [];
  const ids = new Set<number>();
  for (const r of groupRoots(facts(store), t.co.confirms, t.root)) for (const id of t.co.touched.get(r) ?? []) ids.add(id);
  return [...ids].sort((x, y) => x - y);
}

// ------------------------------------------------------------------------------------------- editing

export type NewOverride =
  | { kind: 'split'; chain: string; address: string; note: string }
  | { kind: 'reject'; chain: string; tx: string; note: string }
  | { kind: 'confirm'; chain: string; a: string; b: string; tx: string; note: string };

function chainOrInvalid(chain: string): ChainInfo {
  try {
    return resolveChain(chain);
  } catch (error) {
    if (error instanceof UnknownChainError) throw new ApiError('invalid_argument', error.message);
    throw error;
  }
}

function canonicalOrInvalid(chain: ChainInfo, what: string, make: () => string): string {
  try {
    return make();
  } catch (error) {
    throw new ApiError('invalid_argument', `${what} on ${chain.name}: ${(error as Error).message}`);
  }
}

const short = (hash: string): string => `${hash.slice(0, 10)}…`;

/**
 * Records an override in the case: audited, signed and undoable like every case edit. The store
 * must hold what it names (the address; the transaction, which must merge something; the held
 * merge), the cluster it acts on must be within the limits, and it must not contradict another
 * override of the case (a split address named by a confirm, a confirm of a rejected transaction).
 */
export function addOverride(store: Db, c: CaseFile, actor: Actor, o: NewOverride, limits: ViewLimits = DEFAULT_LIMITS): ClusterOverride {
  c.assertWritable();
  const chain = chainOrInvalid(o.chain);
  const f = facts(store);
  const chainId = findChainId(store, chain.id);
  const addressIdOf = (addr: string): number => {
    const id = chainId === null ? null : findAddressId(store, chainId, addr);
    if (id === null) throw new ApiError('not_found', `address ${displayAddress(chain.id, addr)} on ${chain.name} is not in the store`);
    return id;
  };
  const txIdOf = (hash: string): number => {
    const id = chainId === null ? null : f.txId(chainId, hash);
    if (id === null) throw new ApiError('not_found', `transaction ${hash} on ${chain.name} is not in the store`);
    return id;
  };
  const rows = overrideRows(c).filter((r) => r.chain === chain.id);
  const existing = (kind: OverrideRow['kind'], match: (r: OverrideRow) => boolean): OverrideRow | undefined => rows.find((r) => r.kind === kind && match(r));
  const refuse = (r: OverrideRow, why: string): never => {
    throw new ApiError('conflict', `${why}: override ${r.id} (${r.kind}, by ${r.created_by} at ${r.created_at}); remove it first`, { overrideId: r.id });
  };
  const resolved = resolveOverrides(f, rows).get(chainId ?? -1);
  const confirms = resolved?.confirms ?? [];
  /** The clusters the new override acts on must stay within the limits once it is applied. */
  const checkSize = (roots: Iterable<number>, withConfirm?: { a: number; b: number }): void => {
    const edges = withConfirm ? [...confirms, withConfirm] : confirms;
    for (const root of roots) {
      const size = groupSize(f, groupRoots(f, edges, root));
      if (size > limits.addresses) throw tooLarge(c, root, size, limits);
    }
  };

  let row: { a: string | null; b: string | null; tx: string | null };
  let label: string;
  let data: Record<string, unknown>;
  if (o.kind === 'split') {
    const addr = canonicalOrInvalid(chain, 'the address', () => canonicalAddress(chain.id, o.address));
    const id = addressIdOf(addr);
    const same = existing('split', (r) => r.a === addr);
    if (same) refuse(same, `${displayAddress(chain.id, addr)} is already split out in case "${c.id}"`);
    const named = existing('confirm', (r) => r.a === addr || r.b === addr);
    if (named) refuse(named, `a confirmed merge of case "${c.id}" names ${displayAddress(chain.id, addr)}`);
    checkSize([f.uf.find(id).root]);
    row = { a: addr, b: null, tx: null };
    label = `Split ${shortAddress(displayAddress(chain.id, addr))} out of its cluster`;
    data = { address: caip10(chain.id, addr) };
  } else if (o.kind === 'reject') {
    const hash = canonicalOrInvalid(chain, 'the transaction', () => canonicalTxHashFor(chain.id, o.tx));
    const tx = txIdOf(hash);
    const roots = f.mergeRoots(chainId!, tx);
    if (roots.size === 0) {
      throw new ApiError('invalid_argument', `transaction ${hash} on ${chain.name} merges no addresses (a CoinJoin, a single input address, or no heuristic linked through it); there is nothing to reject`);
    }
    const same = existing('reject', (r) => r.tx === hash);
    if (same) refuse(same, `transaction ${hash} is already rejected in case "${c.id}"`);
    const confirmed = existing('confirm', (r) => r.tx === hash);
    if (confirmed) refuse(confirmed, `case "${c.id}" confirms a held merge of transaction ${hash}`);
    checkSize(roots);
    row = { a: null, b: null, tx: hash };
    label = `Reject the merges of tx ${short(hash)}`;
    data = { tx: `${chain.id}:${hash}` };
  } else {
    const a = canonicalOrInvalid(chain, 'address a', () => canonicalAddress(chain.id, o.a));
    const b = canonicalOrInvalid(chain, 'address b', () => canonicalAddress(chain.id, o.b));
    const hash = canonicalOrInvalid(chain, 'the transaction', () => canonicalTxHashFor(chain.id, o.tx));
    const [aId, bId, tx] = [addressIdOf(a), addressIdOf(b), txIdOf(hash)];
    const held = f.heldMerge(tx, aId, bId);
    if (!held) {
      throw new ApiError('not_found', `no merge of ${displayAddress(chain.id, a)} and ${displayAddress(chain.id, b)} by transaction ${hash} is held for review on ${chain.name} (cairn clusters held)`);
    }
    // As the guard recorded it: a is the transaction's first input address.
    const [first, other] = held.a === aId ? [a, b] : [b, a];
    const same = existing('confirm', (r) => r.tx === hash && r.a === first && r.b === other);
    if (same) refuse(same, `this held merge is already confirmed in case "${c.id}"`);
    const rejected = existing('reject', (r) => r.tx === hash);
    if (rejected) refuse(rejected, `case "${c.id}" rejects the merges of transaction ${hash}`);
    const split = existing('split', (r) => r.a === a || r.a === b);
    if (split) refuse(split, `case "${c.id}" splits ${displayAddress(chain.id, split.a!)} out of its cluster`);
    checkSize([f.uf.find(aId).root], { a: aId, b: bId });
    row = { a: first, b: other, tx: hash };
    label = `Confirm the held merge of tx ${short(hash)}`;
    data = { a: caip10(chain.id, first), b: caip10(chain.id, other), tx: `${chain.id}:${hash}`, heuristic: held.heuristic };
  }
  const id = c.mutate<number>(
    actor,
    label,
    `override.${o.kind}`,
    (overrideId) => ({ overrideId, kind: o.kind, ...data, note: o.note }),
    (w) => Number(w.insert('cluster_override', { kind: o.kind, chain: chain.id, ...row, note: o.note, created_at: actor.now(), created_by: actor.name })),
  );
  return toOverride(overrideRow(c, id));
}

function overrideRow(c: CaseFile, overrideId: number): OverrideRow {
  const r = hasTable(c.db, 'cluster_override')
    ? (c.db.prepare('SELECT id, kind, chain, a, b, tx, note, created_at, created_by FROM cluster_override WHERE id = ?').get(overrideId) as OverrideRow | undefined)
    : undefined;
  if (!r) throw new ApiError('not_found', `no cluster override ${overrideId} in case "${c.id}"`);
  return r;
}

/** Removes an override (undoable): the automatic clusters apply again where it acted. */
export function removeOverride(c: CaseFile, actor: Actor, overrideId: number): boolean {
  c.assertWritable();
  const r = overrideRow(c, overrideId);
  const what = r.kind === 'split' ? `split of ${shortAddress(displayAddress(r.chain, r.a!))}` : `${r.kind} of tx ${short(r.tx!)}`;
  c.mutate(actor, `Remove the ${what}`, 'override.remove', () => ({ overrideId, kind: r.kind, chain: r.chain, a: r.a, b: r.b, tx: r.tx }), (w) => {
    w.delete('cluster_override', overrideId);
  });
  return true;
}
