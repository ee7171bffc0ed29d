/**
 * Words for attribution (issue 16), shared by the storyline, the comparison dialog and the
 * attribution editor: a laundering step in a phrase ("peel chain of 7 links"), how long after the
 * theft it came, a case's traced value per asset (exact), and meetings of two cases' funds in
 * the order and words the investigator reads them. Pure: no React, no store.
 */
import type { z } from 'zod';
import type { AlignedPair as AlignedPairSchema, AssetAmount, LaunderingStep, Meeting, ScorePart as ScorePartSchema, StepKind as StepKindSchema } from '../../shared/api/attributionSchemas';
import { formatAmount, type FormattedAmount } from './amount';

export type StepKind = z.infer<typeof StepKindSchema>;
export type ScorePart = z.infer<typeof ScorePartSchema>;
export type AlignedPair = z.infer<typeof AlignedPairSchema>;

/** Short names of step kinds, for the alignment's columns and evidence lines. */
const KIND_NAMES: Readonly<Record<StepKind, string>> = {
  consolidation: 'consolidation',
  'fan-out': 'fan-out',
  'fan-in': 'fan-in',
  'peel-chain': 'peel chain',
  swap: 'swap',
  bridge: 'bridge',
  mixer: 'mixer',
  coinjoin: 'CoinJoin',
  'exchange-deposit': 'exchange deposit',
  'exchange-hop': 'exchange hop',
  dormancy: 'dormancy',
};

export function stepKindName(kind: StepKind): string {
  return KIND_NAMES[kind] ?? kind;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One decimal, dropped when it is .0: 3.2, 12, 0.5. Durations are not evidence: a float is fine. */
function oneDecimal(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

/**
 * A span of time in the unit a person would say it in: "40 s", "25 min", "3.2 h", "4.5 days",
 * "12 days". Hours up to two days (a day and a half reads better as 36 h), days beyond.
 */
export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${oneDecimal(s / 3600)} h`;
  const days = s / 86400;
  return `${days < 10 ? oneDecimal(days) : Math.round(days).toLocaleString('en-US')} days`;
}

/** When a step began relative to the theft: "+3.2 h after the theft", "at the theft", unknown. */
export function formatSinceTheft(seconds: number | null): string {
  if (seconds === null) return 'time after the theft unknown';
  if (seconds === 0) return 'at the theft';
  if (seconds < 0) return `${formatDuration(seconds)} before the theft`;
  return `+${formatDuration(seconds)} after the theft`;
}

/**
 * A step's kind in words with its size, as a sentence would start: "Peel chain of 7 links",
 * "Fan-out to 12 addresses", "Dormancy of 4.5 days". Service steps name their kind only; the
 * service itself is shown beside it when named.
 */
export function stepTitle(step: Pick<LaunderingStep, 'kind' | 'size'>): string {
  const n = step.size;
  switch (step.kind) {
    case 'peel-chain':
      return `Peel chain of ${plural(n, 'link')}`;
    case 'fan-out':
      return `Fan-out to ${plural(n, 'address', 'addresses')}`;
    case 'fan-in':
      return `Fan-in from ${plural(n, 'address', 'addresses')}`;
    case 'consolidation':
      return `Consolidation from ${plural(n, 'address', 'addresses')}`;
    case 'coinjoin':
      return `CoinJoin to ${plural(n, 'address', 'addresses')}`;
    case 'dormancy':
      return `Dormancy of ${formatDuration(n)}`;
    case 'swap':
      return 'Swap';
    case 'bridge':
      return 'Bridge';
    case 'mixer':
      return 'Mixer';
    case 'exchange-deposit':
      return 'Exchange deposit';
    case 'exchange-hop':
      return 'Exchange hop (in at one exchange, out as another asset)';
  }
}

/** The asset fields formatAmount reads, from the wire's asset reference. */
function shapeOf(a: AssetAmount['asset']) {
  return { symbol: a.symbol, decimals: a.decimals, contract: a.contract };
}

/** One exact amount ("12.5 ETH"), its base units in the title. Never rounded: this is evidence. */
export function formatAssetAmount(a: AssetAmount): FormattedAmount {
  return formatAmount(a.amount, shapeOf(a.asset));
}

/** Traced value per asset, exact, joined: "12.5 ETH + 30,000 USDT"; "no traced value" when empty. */
export function amountsText(amounts: readonly AssetAmount[]): string {
  if (amounts.length === 0) return 'no traced value';
  return amounts.map((a) => formatAssetAmount(a).text).join(' + ');
}

/** A key telling assets apart across chains: chain and contract (native: "native"). */
export function assetKeyOf(a: AssetAmount['asset']): string {
  return `${a.chain}|${a.contract ?? 'native'}`;
}

// ------------------------------------------------------------------------------------------------
// The comparison

const PART_NAMES: Readonly<Record<ScorePart['part'], string>> = {
  services: 'Shared services',
  sequence: 'Same series of steps',
  timing: 'Similar timing',
  addresses: 'Shared addresses',
  meetings: 'Funds meet',
};

export function partName(part: ScorePart['part']): string {
  return PART_NAMES[part] ?? part;
}

/** A score or similarity (0..1) as the comparison shows it: two decimals, "0.83". */
export function formatScore(x: number): string {
  return (Math.round(x * 100) / 100).toFixed(2);
}

/** A part's share of the score: value × weight ÷ the sum of weights (the score's own formula). */
export function partContribution(part: ScorePart, parts: readonly ScorePart[]): number {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  return total > 0 ? (part.value * part.weight) / total : 0;
}

/**
 * Kinds that are variants of one habit (the comparison counts their substitution as half a
 * difference). Mirrors RELATED in electron/core/analysis/attribution/compare.ts; a unit test
 * holds the two together.
 */
const RELATED_KINDS: readonly (readonly [StepKind, StepKind])[] = [
  ['mixer', 'coinjoin'],
  ['fan-in', 'consolidation'],
  ['swap', 'exchange-hop'],
];

export function relatedKinds(x: StepKind, y: StepKind): boolean {
  return RELATED_KINDS.some(([p, q]) => (p === x && q === y) || (p === y && q === x));
}

/** How an aligned pair of steps reads: the same kind, related kinds, different kinds, or a step only one case has. */
export type PairMark = 'match' | 'related' | 'differs' | 'gap';

export function pairMark(p: AlignedPair): PairMark {
  if (!p.a || !p.b) return 'gap';
  if (p.op === 'match' || p.a.kind === p.b.kind) return 'match';
  return relatedKinds(p.a.kind, p.b.kind) ? 'related' : 'differs';
}

const PAIR_MARK_WORDS: Readonly<Record<PairMark, string>> = {
  match: 'same step',
  related: 'related steps (variants of one habit)',
  differs: 'different steps',
  gap: 'a step only one case has',
};

export function pairMarkWords(mark: PairMark): string {
  return PAIR_MARK_WORDS[mark];
}

// ------------------------------------------------------------------------------------------------
// Meetings

const MEETING_KINDS: Readonly<Record<Meeting['kind'], { name: string; hint: string }>> = {
  'same-tx': { name: 'same transaction', hint: 'one transaction carried both cases’ traced value' },
  'same-address': { name: 'same address', hint: 'one address received both cases’ traced value' },
  'same-cluster': { name: 'same wallet (cluster)', hint: 'one automatic cluster (a wallet inferred by heuristics) received both cases’ traced value' },
  'same-deposit': { name: 'same exchange deposit', hint: 'both cases’ traced value ended at one exchange deposit address' },
};

export function meetingKindName(kind: Meeting['kind']): string {
  return MEETING_KINDS[kind]?.name ?? kind;
}

export function meetingKindHint(kind: Meeting['kind']): string {
  return MEETING_KINDS[kind]?.hint ?? kind;
}

/** Only a meeting with an address can be drawn on the canvas. */
export function drawableMeeting(m: Pick<Meeting, 'address'>): boolean {
  return m.address !== null;
}

/**
 * Meetings in the order the dialog lists them: those that can be drawn on the canvas (they have
 * an address) first; otherwise the comparison's own order (largest value of this case first),
 * kept as it came.
 */
export function orderMeetings<M extends Pick<Meeting, 'address'>>(meetings: readonly M[]): M[] {
  return meetings
    .map((m, i) => ({ m, i }))
    .sort((x, y) => Number(drawableMeeting(y.m)) - Number(drawableMeeting(x.m)) || x.i - y.i)
    .map((x) => x.m);
}

export interface MeetingShare {
  readonly caseId: string;
  readonly isThis: boolean;
  readonly amounts: readonly AssetAmount[];
}

/** Each case's traced value at a meeting: this case first, then the other, then any further case (by id). */
export function meetingShares(m: Pick<Meeting, 'amounts'>, thisCase: string, otherCase: string): MeetingShare[] {
  const rank = (id: string) => (id === thisCase ? 0 : id === otherCase ? 1 : 2);
  return Object.keys(m.amounts)
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((caseId) => ({ caseId, isThis: caseId === thisCase, amounts: m.amounts[caseId] ?? [] }));
}

/** An address shortened for a sentence: "0xab12cd…9f01". The full one goes in a title or a copy button. */
export function shortAddress(address: string): string {
  return address.length <= 16 ? address : `${address.slice(0, 8)}…${address.slice(-4)}`;
}

/** Where a meeting is, in a few words: "at 0xab12cd…9f01", "in wallet e123", "in tx 4f2a…". */
export function meetingPlace(m: Pick<Meeting, 'address' | 'cluster' | 'tx'>): string {
  if (m.address !== null) return `at ${shortAddress(m.address)}`;
  if (m.cluster !== null) return `in wallet ${m.cluster}`;
  return m.tx !== null ? `in tx ${shortAddress(m.tx)}` : 'at an unnamed place';
}

/** A meeting as one evidence line: meets “Heist 2” at 0xab12cd…9f01 with 12.5 ETH of this case's funds. */
export function meetingSentence(m: Pick<Meeting, 'address' | 'cluster' | 'tx' | 'amounts'>, thisCase: string, otherName: string): string {
  return `meets “${otherName}” ${meetingPlace(m)} with ${amountsText(m.amounts[thisCase] ?? [])} of this case’s funds`;
}
