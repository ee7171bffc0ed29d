/**
 * Comparing cases (issue 16): ranks the other cases of a workspace by how much their laundering
 * resembles one case's, on the grounds an analyst gives for tying heists to one actor: the same
 * services, the same series of steps at a similar pace, shared addresses, and funds that meet.
 * Every part of the score carries the concrete evidence behind it; the tool ranks and explains,
 * it never concludes attribution (docs/attribution.md, "Comparing cases").
 */
import { formatUnits } from '../../../../shared/model/amount';
import { assetKey, findMeetings, MEETING_STRENGTH, serviceStops, type CaseFlows, type IsService, type WalletOf } from './commingling';
import type { AlignedPair, AssetAmount, CaseMatch, CaseSignature, Comparison, Meeting, ScorePart, StepKind } from './types';

export interface CaseForComparison {
  readonly signature: CaseSignature;
  readonly flows: CaseFlows;
  /** The case's traced and canvas addresses (canonical form), with their automatic cluster. */
  readonly addresses: readonly { readonly chain: string; readonly address: string; readonly cluster: string | null }[];
}

export interface CompareWeights {
  readonly services: number;
  readonly sequence: number;
  readonly timing: number;
  readonly addresses: number;
  readonly meetings: number;
}

/**
 * The default weights. Services, sequence and meetings are the three grounds analysts cite and
 * weigh a quarter each; shared addresses (0.15) overlap with meetings (an address that received
 * both cases' funds is usually both), and timing (0.1) is the noisiest habit, so both weigh less.
 * The score divides by the weights' sum, so weights given in options need not add up to 1.
 */
export const DEFAULT_WEIGHTS: CompareWeights = { services: 0.25, sequence: 0.25, timing: 0.1, addresses: 0.15, meetings: 0.25 };

export interface CompareOptions {
  /** Overrides some or all of DEFAULT_WEIGHTS. */
  readonly weights?: Partial<CompareWeights>;
  /** An address's automatic cluster; by default read from the cases' own address lists. */
  readonly walletOf?: WalletOf;
  /**
   * Whether an address is a service's own (an exchange's hub that deposit addresses forward to,
   * say) although no label names it: such an address is neither a meeting point nor a shared
   * address. By default none is.
   */
  readonly isService?: IsService;
}

/** Cost of an edit in the step alignment, in half units (integers keep the sums exact). */
const GAP_COST = 2;
const SUBSTITUTE_COST = 2;
const RELATED_COST = 1;

/** Kinds that are variants of one habit: substituting one for the other costs half. */
const RELATED: readonly (readonly [StepKind, StepKind])[] = [
  ['mixer', 'coinjoin'],
  ['fan-in', 'consolidation'],
  ['swap', 'exchange-hop'],
];

export function related(x: StepKind, y: StepKind): boolean {
  return RELATED.some(([p, q]) => (p === x && q === y) || (p === y && q === x));
}

/** An addresses part of 1 − 0.4^e: one shared address gives 0.6, two 0.84, three 0.94. */
const ADDRESS_SATURATION = 0.4;
/** A shared automatic cluster counts as half a shared address (it rests on heuristics). */
const CLUSTER_EVIDENCE = 0.5;
/** Steps whose times after the theft differ by this factor or more have no timing similarity. */
const TIMING_FACTOR = 100;
/** A meeting's floor in the meetings part: any meeting is strong evidence; a cluster's less so. */
const MEETING_FLOOR = 0.6;
const CLUSTER_MEETING_FLOOR = 0.4;

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

// ---------------------------------------------------------------------------------------------
// Sequence alignment

/** A run of one step kind, collapsed to one step (index: the run's first step in the signature). */
export interface CollapsedStep {
  readonly kind: StepKind;
  readonly index: number;
  readonly count: number;
}

/** Collapses runs of the same kind: three fan-outs in a row are one habit, not three. */
export function collapseRuns(kinds: readonly StepKind[]): CollapsedStep[] {
  const out: CollapsedStep[] = [];
  kinds.forEach((kind, index) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) out[out.length - 1] = { ...last, count: last.count + 1 };
    else out.push({ kind, index, count: 1 });
  });
  return out;
}

export interface Alignment {
  /** Weighted edit distance (gaps and unrelated substitutions 1, related substitutions 0.5). */
  readonly distance: number;
  /** 1 − distance ÷ the longer sequence's length; 0 when either is empty. */
  readonly similarity: number;
  readonly aligned: AlignedPair[];
}

/**
 * Aligns two step sequences by weighted edit distance (Levenshtein over step kinds). a is the
 * case compared, b the other: 'delete' is a step only a has, 'insert' one only b has. Among
 * alignments of equal cost the traceback prefers pairing steps, then a's extra steps.
 */
export function alignSteps(a: readonly CollapsedStep[], b: readonly CollapsedStep[]): Alignment {
  const n = a.length;
  const m = b.length;
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) d[i][0] = i * GAP_COST;
  for (let j = 1; j <= m; j++) d[0][j] = j * GAP_COST;
  const sub = (i: number, j: number): number => (a[i].kind === b[j].kind ? 0 : related(a[i].kind, b[j].kind) ? RELATED_COST : SUBSTITUTE_COST);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      d[i][j] = Math.min(d[i - 1][j - 1] + sub(i - 1, j - 1), d[i - 1][j] + GAP_COST, d[i][j - 1] + GAP_COST);
    }
  }
  const aligned: AlignedPair[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + sub(i - 1, j - 1)) {
      const x = a[i - 1];
      const y = b[j - 1];
      aligned.push({ a: { kind: x.kind, index: x.index }, b: { kind: y.kind, index: y.index }, op: x.kind === y.kind ? 'match' : 'substitute' });
      i--;
      j--;
    } else if (i > 0 && d[i][j] === d[i - 1][j] + GAP_COST) {
      aligned.push({ a: { kind: a[i - 1].kind, index: a[i - 1].index }, b: null, op: 'delete' });
      i--;
    } else {
      aligned.push({ a: null, b: { kind: b[j - 1].kind, index: b[j - 1].index }, op: 'insert' });
      j--;
    }
  }
  aligned.reverse();
  const distance = d[n][m] / 2;
  const longer = Math.max(n, m);
  return { distance, similarity: n === 0 || m === 0 ? 0 : 1 - distance / longer, aligned };
}

// ---------------------------------------------------------------------------------------------
// Wording

/** A time span in words: 45 s, 12 min, 3.5 h, 2.1 d. */
export function formatSpan(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${+(s / 3600).toFixed(1)} h`;
  return `${+(s / 86_400).toFixed(1)} d`;
}

/** An amount as an investigator reads it: "5 ETH", or base units when decimals are unknown. */
export function formatAmount(aa: AssetAmount): string {
  const { decimals, symbol, contract } = aa.asset;
  const unit = symbol ?? (contract ? `token ${contract}` : 'native units');
  if (decimals === null) return `${aa.amount} base units of ${unit}`;
  return `${formatUnits(BigInt(aa.amount), decimals)} ${unit}`;
}

/** Names the cases that lack something, saying when it is because they have no saved traces. */
function lacking(cases: readonly CaseForComparison[], lacks: (c: CaseForComparison) => boolean, what: string): string | null {
  const who = cases.filter(lacks).map((c) => `${c.signature.caseName}${c.flows.traces.length === 0 && what !== 'saved traces' ? ' (no saved traces)' : ''}`);
  if (who.length === 0) return null;
  return `${who.join(' and ')} ${who.length === 1 ? 'has' : 'have'} no ${what}: nothing to compare`;
}

function listWords(items: readonly string[], max = 4, separator = ', '): string {
  if (items.length === 0) return 'none';
  const shown = items.slice(0, max);
  return shown.join(separator) + (items.length > max ? ` and ${items.length - max} more` : '');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function shortAddress(a: string): string {
  return a.length > 16 ? `${a.slice(0, 8)}…${a.slice(-6)}` : a;
}

// ---------------------------------------------------------------------------------------------
// Parts

type ServiceKey = string;
const serviceKey = (s: { name: string; category: string }): ServiceKey => `${s.category.trim().toLowerCase()}|${s.name.trim().toLowerCase()}`;

/** Each case's services, once each by name and category (case-insensitive), with how they read. */
function servicesOf(sig: CaseSignature): Map<ServiceKey, { name: string; category: string }> {
  const m = new Map<ServiceKey, { name: string; category: string }>();
  for (const s of sig.services) if (!m.has(serviceKey(s))) m.set(serviceKey(s), { name: s.name, category: s.category });
  return m;
}

/**
 * Rarity weight of a service used by `df` of `n` cases: ln((n + 1) ÷ df), inverse document
 * frequency smoothed so it never reaches 0. A service every case used (a large exchange) weighs
 * ln((n+1)/n), close to 0; one used by a single case weighs ln(n + 1).
 */
export function rarity(df: number, n: number): number {
  return Math.log((n + 1) / df);
}

interface ServicesPart {
  readonly part: ScorePart;
  readonly shared: CaseMatch['sharedServices'];
}

function servicesPart(t: CaseForComparison, o: CaseForComparison, df: Map<ServiceKey, number>, n: number, weight: number): ServicesPart {
  const ts = servicesOf(t.signature);
  const os = servicesOf(o.signature);
  const tName = t.signature.caseName;
  const oName = o.signature.caseName;
  const none = lacking([t, o], (c) => c.signature.services.length === 0, 'labelled or clustered services');
  if (none) return { part: { part: 'services', value: 0, weight, why: none }, shared: [] };
  let sharedW = 0;
  let unionW = 0;
  const shared: { name: string; category: string; weight: number; casesUsing: number }[] = [];
  for (const k of new Set([...ts.keys(), ...os.keys()])) {
    const w = rarity(df.get(k) ?? 1, n);
    unionW += w;
    const s = ts.get(k);
    if (s && os.has(k)) {
      sharedW += w;
      shared.push({ name: s.name, category: s.category, weight: round4(w), casesUsing: df.get(k) ?? 1 });
    }
  }
  shared.sort((x, y) => y.weight - x.weight || x.name.localeCompare(y.name));
  const value = unionW > 0 ? sharedW / unionW : 0;
  let why: string;
  if (shared.length === 0) {
    const names = (m: Map<ServiceKey, { name: string; category: string }>): string[] => [...m.values()].map((s) => `${s.name} (${s.category})`);
    why = `no shared services: ${tName} used ${listWords(names(ts))}; ${oName} used ${listWords(names(os))}`;
  } else {
    const each = shared.map((s) => `${s.name} (${s.category}), used by ${s.casesUsing} of ${n} cases${s.casesUsing === n ? ' (every case: counts little)' : ''}`);
    why = `both used ${listWords(each, 6, '; ')}; weighted by rarity, the shared services are ${Math.round(value * 100)}% of the services either case used`;
  }
  return { part: { part: 'services', value: round4(value), weight, why }, shared };
}

function sequencePart(t: CaseForComparison, o: CaseForComparison, weight: number): { part: ScorePart; sequence: CaseMatch['sequence']; pairs: AlignedPair[] } {
  const ta = collapseRuns(t.signature.steps.map((s) => s.kind));
  const oa = collapseRuns(o.signature.steps.map((s) => s.kind));
  const tName = t.signature.caseName;
  const oName = o.signature.caseName;
  const al = alignSteps(ta, oa);
  const sequence = { distance: al.distance, similarity: round4(al.similarity), aligned: al.aligned };
  const none = lacking([t, o], (c) => c.signature.steps.length === 0, 'laundering steps');
  if (none) return { part: { part: 'sequence', value: 0, weight, why: none }, sequence, pairs: al.aligned };
  const count = (op: AlignedPair['op']): number => al.aligned.filter((p) => p.op === op).length;
  const matched = al.aligned.filter((p) => p.op === 'match').map((p) => p.a?.kind as string);
  const relatedPairs = al.aligned.filter((p) => p.op === 'substitute' && p.a && p.b && related(p.a.kind, p.b.kind)).map((p) => `${p.a?.kind}/${p.b?.kind}`);
  const runs = [...ta, ...oa].filter((s) => s.count > 1).map((s) => `${s.count} ${s.kind} steps in a row`);
  const show = (xs: CollapsedStep[]): string => xs.map((s) => s.kind).join(' → ');
  let why = `${tName}: ${show(ta)}; ${oName}: ${show(oa)}. ${plural(count('match'), 'step')} match (${listWords(matched, 6)})`;
  if (relatedPairs.length) why += `, ${relatedPairs.length} related (${listWords(relatedPairs)})`;
  why += `, ${count('substitute') - relatedPairs.length} differ, ${count('delete')} only in ${tName}, ${count('insert')} only in ${oName}; edit distance ${al.distance} over ${Math.max(ta.length, oa.length)} steps`;
  if (runs.length) why += `. Runs of one kind were read as one step (${listWords(runs)})`;
  return { part: { part: 'sequence', value: round4(al.similarity), weight, why }, sequence, pairs: al.aligned };
}

/**
 * Timing: for each aligned pair of steps of the same or a related kind whose times after the
 * theft are both known, 1 − |ln((1+ta)/(1+tb))| ÷ ln(100) (0 at a factor of 100 apart), averaged.
 */
function timingPart(t: CaseForComparison, o: CaseForComparison, pairs: readonly AlignedPair[], weight: number): ScorePart {
  const compared: { kind: StepKind; ta: number; tb: number; sim: number }[] = [];
  for (const p of pairs) {
    if (!p.a || !p.b || (p.op === 'substitute' && !related(p.a.kind, p.b.kind))) continue;
    const ta = t.signature.steps[p.a.index]?.sinceTheft ?? null;
    const tb = o.signature.steps[p.b.index]?.sinceTheft ?? null;
    if (ta === null || tb === null) continue;
    const gap = Math.abs(Math.log((1 + Math.max(0, ta)) / (1 + Math.max(0, tb))));
    compared.push({ kind: p.a.kind, ta, tb, sim: Math.max(0, 1 - gap / Math.log(TIMING_FACTOR)) });
  }
  if (compared.length === 0) {
    const none = lacking([t, o], (c) => c.signature.steps.length === 0, 'laundering steps');
    return { part: 'timing', value: 0, weight, why: none ?? 'no aligned steps of the same or a related kind with known times after the theft: nothing to compare' };
  }
  const value = compared.reduce((s, c) => s + c.sim, 0) / compared.length;
  const each = compared.map((c) => `${c.kind} ${formatSpan(c.ta)} vs ${formatSpan(c.tb)} after the theft`);
  const why = `${compared.length} aligned step${compared.length === 1 ? '' : 's'} with times: ${listWords(each, 5)} (compared on a log scale; ${TIMING_FACTOR}× apart counts 0)`;
  return { part: 'timing', value: round4(value), weight, why };
}

/** Addresses of services either case used: their sharing is the services part's business. */
function serviceAddresses(...sigs: CaseSignature[]): Set<string> {
  const s = new Set<string>();
  for (const sig of sigs) for (const u of sig.services) for (const a of u.addresses) s.add(`${u.chain}|${a}`);
  return s;
}

function addressesPart(t: CaseForComparison, o: CaseForComparison, weight: number, isService: IsService): { part: ScorePart; shared: CaseMatch['sharedAddresses'] } {
  // Labelled services, and the services and unlabelled hubs the traces stopped at.
  const services = serviceAddresses(t.signature, o.signature);
  for (const c of [t, o]) for (const k of serviceStops(c.flows)) services.add(k);
  for (const c of [t, o]) for (const a of c.addresses) if (isService(a.chain, a.address)) services.add(`${a.chain}|${a.address}`);
  const own = (c: CaseForComparison): Map<string, { chain: string; address: string; cluster: string | null }> => {
    const m = new Map<string, { chain: string; address: string; cluster: string | null }>();
    for (const a of c.addresses) {
      const k = `${a.chain}|${a.address}`;
      if (!m.has(k) || (m.get(k)?.cluster === null && a.cluster !== null)) m.set(k, { chain: a.chain, address: a.address, cluster: a.cluster });
    }
    return m;
  };
  const ta = own(t);
  const oa = own(o);
  const none = lacking([t, o], (c) => c.addresses.length === 0, 'traced or canvas addresses');
  if (none) return { part: { part: 'addresses', value: 0, weight, why: none }, shared: [] };
  // Clusters that hold a service address are services too.
  const serviceClusters = new Set<string>();
  for (const m of [ta, oa]) for (const [k, a] of m) if (services.has(k) && a.cluster !== null) serviceClusters.add(`${a.chain}|${a.cluster}`);
  const sharedAddrs = [...ta.entries()].filter(([k]) => oa.has(k) && !services.has(k)).map(([, a]) => ({ ...a, cluster: a.cluster ?? oa.get(`${a.chain}|${a.address}`)?.cluster ?? null }));
  const sharedKeys = new Set(sharedAddrs.map((a) => `${a.chain}|${a.address}`));
  const clusterMembers = (m: typeof ta): Map<string, { chain: string; address: string; cluster: string | null }[]> => {
    const c = new Map<string, { chain: string; address: string; cluster: string | null }[]>();
    for (const [k, a] of m) {
      if (a.cluster === null || sharedKeys.has(k) || services.has(k) || serviceClusters.has(`${a.chain}|${a.cluster}`)) continue;
      const ck = `${a.chain}|${a.cluster}`;
      c.set(ck, [...(c.get(ck) ?? []), a]);
    }
    return c;
  };
  const tc = clusterMembers(ta);
  const oc = clusterMembers(oa);
  const sharedClusters = [...tc.keys()].filter((k) => oc.has(k)).sort();
  const byKey = (x: { chain: string; address: string }, y: { chain: string; address: string }): number => (x.chain + x.address < y.chain + y.address ? -1 : 1);
  const shared = [...sharedAddrs.sort(byKey)];
  for (const ck of sharedClusters) {
    const seen = new Set<string>();
    for (const a of [...(tc.get(ck) ?? []), ...(oc.get(ck) ?? [])].sort(byKey)) {
      if (seen.has(a.address)) continue;
      seen.add(a.address);
      shared.push(a);
    }
  }
  const evidence = sharedAddrs.length + CLUSTER_EVIDENCE * sharedClusters.length;
  const value = 1 - ADDRESS_SATURATION ** evidence;
  let why: string;
  if (evidence === 0) {
    why = `no shared addresses or automatic clusters (of ${ta.size} and ${oa.size} addresses; service addresses are left to the services part)`;
  } else {
    const parts: string[] = [];
    if (sharedAddrs.length) parts.push(`${sharedAddrs.length} shared address${sharedAddrs.length === 1 ? '' : 'es'}: ${listWords(sharedAddrs.map((a) => `${shortAddress(a.address)} (${a.chain})`))}`);
    if (sharedClusters.length) parts.push(`${sharedClusters.length} automatic cluster${sharedClusters.length === 1 ? '' : 's'} reached at different addresses: ${listWords(sharedClusters.map((k) => k.slice(k.lastIndexOf('|') + 1)))}`);
    why = `${parts.join('; ')} (one shared address is strong evidence, a cluster half as strong)`;
  }
  return { part: { part: 'addresses', value: round4(value), weight, why }, shared };
}

/** stolen per asset key, exact. */
function stolenOf(sig: CaseSignature): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const s of sig.stolen) m.set(assetKey(s.asset), (m.get(assetKey(s.asset)) ?? 0n) + BigInt(s.amount));
  return m;
}

/** part ÷ whole as a ratio for scoring only (millionths, exact up to the division). */
function ratio(part: bigint, whole: bigint | undefined): number {
  if (!whole || whole <= 0n) return 0;
  const r = Number((part * 1_000_000n) / whole) / 1_000_000;
  return Math.min(1, r);
}

/**
 * The automatic clusters of the services either case used, each with the service's name: two
 * cases reaching one exchange's cluster at different addresses used the same exchange, which is
 * the services part's evidence, not commingling.
 */
function serviceClustersOf(walletOf: WalletOf, ...sigs: CaseSignature[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const sig of sigs) {
    for (const u of sig.services) {
      for (const a of u.addresses) {
        const c = walletOf(u.chain, a);
        if (c !== null && !m.has(`${u.chain}|${c}`)) m.set(`${u.chain}|${c}`, u.name);
      }
    }
  }
  return m;
}

/**
 * Meetings: any meeting scores at least 0.6 (a same-cluster one 0.4); the rest grows with the share
 * of each case's stolen value that met there (the smaller of the two cases' shares, the largest
 * over assets and meetings), so more value met scores higher. Same-cluster meetings in a
 * service's own cluster are listed but not scored.
 */
function meetingsPart(t: CaseForComparison, o: CaseForComparison, meetings: readonly Meeting[], walletOf: WalletOf, weight: number): ScorePart {
  const tName = t.signature.caseName;
  const oName = o.signature.caseName;
  if (meetings.length === 0) {
    const none = lacking([t, o], (c) => c.flows.traces.length === 0, 'saved traces');
    const why = none ?? `the traced funds of ${tName} and ${oName} do not meet (within the traces' hop limits and stops)`;
    return { part: 'meetings', value: 0, weight, why };
  }
  const serviceClusters = serviceClustersOf(walletOf, t.signature, o.signature);
  const inService = (m: Meeting): string | undefined => (m.kind === 'same-cluster' && m.cluster !== null ? serviceClusters.get(`${m.chain}|${m.cluster}`) : undefined);
  const scored = meetings.filter((m) => inService(m) === undefined);
  const unscored = meetings.filter((m) => inService(m) !== undefined);
  const unscoredWhy = unscored.length
    ? `${plural(unscored.length, 'same-cluster meeting')} in a service's own cluster (${listWords([...new Set(unscored.map((m) => `${m.cluster}: ${inService(m)}`))])}) ${unscored.length === 1 ? 'is' : 'are'} not scored: reaching one service is the services part's evidence`
    : '';
  if (scored.length === 0) return { part: 'meetings', value: 0, weight, why: unscoredWhy };
  const ts = stolenOf(t.signature);
  const os = stolenOf(o.signature);
  let best = 0;
  let bestMeeting = scored[0];
  for (const m of scored) {
    const tm = new Map((m.amounts[t.signature.caseId] ?? []).map((a) => [assetKey(a.asset), BigInt(a.amount)]));
    const om = new Map((m.amounts[o.signature.caseId] ?? []).map((a) => [assetKey(a.asset), BigInt(a.amount)]));
    let share = 0;
    for (const [k, v] of tm) share = Math.max(share, Math.min(ratio(v, ts.get(k)), ratio(om.get(k) ?? 0n, os.get(k))));
    const floor = m.kind === 'same-cluster' ? CLUSTER_MEETING_FLOOR : MEETING_FLOOR;
    const v = floor + (1 - floor) * share;
    if (v > best || (v === best && MEETING_STRENGTH[m.kind] > MEETING_STRENGTH[bestMeeting.kind])) {
      best = v;
      bestMeeting = m;
    }
  }
  const kinds = new Map<string, number>();
  for (const m of scored) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  const where = bestMeeting.address ? `${shortAddress(bestMeeting.address)} (${bestMeeting.chain})` : bestMeeting.cluster ? `cluster ${bestMeeting.cluster} (${bestMeeting.chain})` : `tx ${shortAddress(bestMeeting.tx ?? '')}`;
  const amounts = (id: string): string => listWords((bestMeeting.amounts[id] ?? []).map(formatAmount), 3, ' + ');
  const why =
    `the traced funds meet at ${plural(scored.length, 'place')} (${[...kinds].map(([k, c]) => `${c} ${k}`).join(', ')}); ` +
    `the strongest: ${bestMeeting.kind} at ${where}, ${amounts(t.signature.caseId)} of ${tName} and ${amounts(o.signature.caseId)} of ${oName}` +
    (unscoredWhy ? `; ${unscoredWhy}` : '');
  return { part: 'meetings', value: round4(best), weight, why };
}

// ---------------------------------------------------------------------------------------------
// The comparison

function resolveWeights(given: Partial<CompareWeights> | undefined): CompareWeights {
  const w = { ...DEFAULT_WEIGHTS, ...(given ?? {}) };
  for (const [k, v] of Object.entries(w)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`compareCases: weight "${k}" must be a finite number ≥ 0, found ${v}`);
  }
  if (w.services + w.sequence + w.timing + w.addresses + w.meetings <= 0) throw new RangeError('compareCases: the weights add up to 0; give at least one a positive weight');
  return w;
}

/** The default walletOf: the clusters the cases' own address lists give. */
function walletFromAddresses(cases: readonly CaseForComparison[]): WalletOf {
  const m = new Map<string, string>();
  for (const c of cases) for (const a of c.addresses) if (a.cluster !== null) m.set(`${a.chain}|${a.address}`, a.cluster);
  return (chain, address) => m.get(`${chain}|${address}`) ?? null;
}

function checkCase(c: CaseForComparison): void {
  if (c.signature.caseId !== c.flows.caseId) {
    throw new Error(`compareCases: the signature is of case ${c.signature.caseId} but the traces are of case ${c.flows.caseId}`);
  }
}

function matchOne(t: CaseForComparison, o: CaseForComparison, df: Map<ServiceKey, number>, n: number, w: CompareWeights, walletOf: WalletOf, isService: IsService): CaseMatch {
  const services = servicesPart(t, o, df, n, w.services);
  const seq = sequencePart(t, o, w.sequence);
  const timing = timingPart(t, o, seq.pairs, w.timing);
  const addresses = addressesPart(t, o, w.addresses, isService);
  const meetings = findMeetings(t.flows, o.flows, walletOf, isService);
  const meetingPart = meetingsPart(t, o, meetings, walletOf, w.meetings);
  const parts = [services.part, seq.part, timing, addresses.part, meetingPart];
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const score = round4(parts.reduce((s, p) => s + p.value * p.weight, 0) / total);
  return {
    case: o.signature.caseId,
    caseName: o.signature.caseName,
    score,
    parts,
    sharedServices: services.shared,
    sequence: seq.sequence,
    timing: { similarity: timing.value, why: timing.why },
    sharedAddresses: addresses.shared,
    meetings,
  };
}

/**
 * Ranks the other cases by similarity to the target: each part (services, sequence, timing,
 * addresses, meetings) is 0..1 with its weight and the evidence in words; the score is their
 * weighted mean. Ties: more meetings first, then by name. Service rarity is counted over all the
 * cases given (target and others). A case listed twice, or a signature and traces of different
 * cases, is refused; the target among the others is skipped.
 */
export function compareCases(target: CaseForComparison, others: readonly CaseForComparison[], options: CompareOptions = {}): Comparison {
  const w = resolveWeights(options.weights);
  checkCase(target);
  const rest = others.filter((o) => o.signature.caseId !== target.signature.caseId);
  const seen = new Set<string>();
  for (const o of rest) {
    checkCase(o);
    if (seen.has(o.signature.caseId)) throw new Error(`compareCases: case ${o.signature.caseId} is given twice`);
    seen.add(o.signature.caseId);
  }
  const all = [target, ...rest];
  const df = new Map<ServiceKey, number>();
  for (const c of all) for (const k of servicesOf(c.signature).keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const walletOf = options.walletOf ?? walletFromAddresses(all);
  const matches = rest
    .map((o) => matchOne(target, o, df, all.length, w, walletOf, options.isService ?? (() => false)))
    .sort((x, y) => y.score - x.score || y.meetings.length - x.meetings.length || x.caseName.localeCompare(y.caseName) || (x.case < y.case ? -1 : x.case > y.case ? 1 : 0));
  return { case: target.signature.caseId, matches };
}

// ---------------------------------------------------------------------------------------------
// The CLI's JSON

const assetJson = (a: AssetAmount): { asset: { chain: string; contract: string | null; symbol: string | null; decimals: number | null }; amount: string } => ({
  asset: { chain: a.asset.chain, contract: a.asset.contract, symbol: a.asset.symbol, decimals: a.asset.decimals },
  amount: a.amount,
});

/**
 * The comparison as `cairn case compare CASE --json` prints it: fixed key order, amounts as
 * decimal strings in base units, each meeting's amounts keyed by case id (the target first).
 */
export function comparisonJson(c: Comparison): unknown {
  return {
    case: c.case,
    matches: c.matches.map((m) => ({
      case: m.case,
      caseName: m.caseName,
      score: m.score,
      sharedServices: m.sharedServices.map((s) => ({ name: s.name, category: s.category, weight: s.weight, casesUsing: s.casesUsing })),
      sequence: {
        distance: m.sequence.distance,
        similarity: m.sequence.similarity,
        aligned: m.sequence.aligned.map((p) => ({ a: p.a ? { kind: p.a.kind, index: p.a.index } : null, b: p.b ? { kind: p.b.kind, index: p.b.index } : null, op: p.op })),
      },
      timing: { similarity: m.timing.similarity, why: m.timing.why },
      sharedAddresses: m.sharedAddresses.map((a) => ({ chain: a.chain, address: a.address, cluster: a.cluster })),
      meetings: m.meetings.map((x) => ({
        kind: x.kind,
        chain: x.chain,
        address: x.address,
        cluster: x.cluster,
        tx: x.tx,
        txs: [...x.txs],
        amounts: Object.fromEntries([c.case, m.case].filter((id) => id in x.amounts).map((id) => [id, x.amounts[id].map(assetJson)])),
      })),
      parts: m.parts.map((p) => ({ part: p.part, value: p.value, weight: p.weight, why: p.why })),
    })),
  };
}
