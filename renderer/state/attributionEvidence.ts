/**
 * What Cairn found for each ground of an attribution, in short lines the investigator reads
 * beside their own words: the step sequences' similarity, the services shared (with their
 * rarity), the meetings of the funds, and the ranking. Read from case.signature and
 * case.compare; never a conclusion. Pure.
 */
import type { AttributionGround, CaseMatch, CaseSignature, Comparison } from '../../shared/api/attributionSchemas';
import type { z } from 'zod';
import type { Graph } from '../../shared/api/schemas';
import { amountsText, formatScore, meetingSentence, orderMeetings, stepKindName } from '../format/attributionWords';

export type Ground = z.infer<typeof AttributionGround>;

export interface GroundInfo {
  readonly ground: Ground;
  readonly title: string;
  /** What the ground claims, as the investigator would put it to a reader. */
  readonly claim: string;
}

/** The three grounds analysts cite (as in Elliptic's Atomic Wallet attribution) and the conclusion. */
export const GROUNDS: readonly GroundInfo[] = [
  { ground: 'steps', title: 'The same series of laundering steps', claim: 'The stolen funds went through the same series of laundering steps as the other cases.' },
  { ground: 'services', title: 'The same services', claim: 'The stolen funds went through the same services (mixers, bridges, exchanges) as the other cases.' },
  { ground: 'commingling', title: 'Funds mixed with the proceeds of other cases', claim: 'The stolen funds were mixed with the proceeds of the other cases.' },
  { ground: 'conclusion', title: 'Conclusion', claim: 'Who, in the investigator’s judgement, is behind this case, and how sure.' },
];

export interface EvidenceLine {
  readonly text: string;
  /** The other cases the line is about (to refer to them). */
  readonly cases: readonly string[];
}

/** Matches listed per ground at most: the evidence is a summary, the comparison has the rest. */
const PER_GROUND = 3;

/** How many cases the comparison weighed services over: this case and every case compared. */
export function casesCompared(comparison: Pick<Comparison, 'matches'>): number {
  return comparison.matches.length + 1;
}

function stepsOf(signature: CaseSignature): string {
  const kinds = signature.steps.map((s) => stepKindName(s.kind));
  const shown = kinds.slice(0, 8).join(' → ');
  return kinds.length > 8 ? `${shown} → … (${kinds.length} steps)` : shown;
}

function stepsEvidence(signature: CaseSignature | null, comparison: Comparison | null): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  if (signature) {
    out.push({
      text: signature.steps.length ? `This case: ${stepsOf(signature)}` : 'No laundering step was found in this case’s saved traces.',
      cases: [],
    });
  }
  const similar = (comparison?.matches ?? [])
    .filter((m) => m.sequence.similarity > 0)
    .sort((a, b) => b.sequence.similarity - a.sequence.similarity || a.caseName.localeCompare(b.caseName))
    .slice(0, PER_GROUND);
  for (const m of similar) {
    const same = m.sequence.aligned.filter((p) => p.op === 'match').length;
    out.push({ text: `sequence similarity ${formatScore(m.sequence.similarity)} with “${m.caseName}” (${same} of ${m.sequence.aligned.length} aligned steps the same)`, cases: [m.case] });
  }
  if (comparison && similar.length === 0) out.push({ text: 'No other case’s steps resemble this case’s.', cases: [] });
  return out;
}

function servicesEvidence(signature: CaseSignature | null, comparison: Comparison | null): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  if (signature) {
    const names = [...new Set(signature.services.map((s) => `${s.name} (${s.category.replace(/_/g, ' ')})`))];
    out.push({ text: names.length ? `This case’s funds reached ${names.join(', ')}` : 'No named service was reached by this case’s traced funds.', cases: [] });
  }
  if (!comparison) return out;
  const n = casesCompared(comparison);
  const sharing = comparison.matches
    .filter((m) => m.sharedServices.length > 0)
    .sort((a, b) => Math.max(...b.sharedServices.map((s) => s.weight)) - Math.max(...a.sharedServices.map((s) => s.weight)) || a.caseName.localeCompare(b.caseName))
    .slice(0, PER_GROUND);
  for (const m of sharing) {
    const each = m.sharedServices.map((s) => `${s.name} (used by ${s.casesUsing} of ${n} cases)`);
    out.push({ text: `shared with “${m.caseName}”: ${each.join(', ')}`, cases: [m.case] });
  }
  if (sharing.length === 0) out.push({ text: 'No other case used any of the same services.', cases: [] });
  return out;
}

function comminglingEvidence(caseId: string, comparison: Comparison | null): EvidenceLine[] {
  if (!comparison) return [];
  const meeting = comparison.matches.filter((m) => m.meetings.length > 0);
  const out = meeting.slice(0, PER_GROUND + 1).map((m): EvidenceLine => {
    const first = orderMeetings(m.meetings)[0]!;
    const more = m.meetings.length - 1;
    return { text: meetingSentence(first, caseId, m.caseName) + (more > 0 ? ` (and ${more} more place${more === 1 ? '' : 's'})` : ''), cases: [m.case] };
  });
  if (out.length === 0) out.push({ text: 'This case’s traced funds meet no other case’s (within the traces’ hop limits and stops).', cases: [] });
  return out;
}

function conclusionEvidence(signature: CaseSignature | null, comparison: Comparison | null): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  if (signature && signature.stolen.length) out.push({ text: `Traced from the theft: ${amountsText(signature.stolen)}`, cases: [] });
  if (!comparison) return out;
  const top = comparison.matches.slice(0, PER_GROUND);
  if (top.length) out.push({ text: `closest of ${comparison.matches.length} cases compared: ${top.map((m) => `“${m.caseName}” ${formatScore(m.score)}`).join(', ')}`, cases: top.map((m) => m.case) });
  else out.push({ text: 'No other case with a saved trace to compare with.', cases: [] });
  if (comparison.skipped.length) out.push({ text: `${comparison.skipped.length} case${comparison.skipped.length === 1 ? ' was' : 's were'} not compared (no saved trace, or unreadable)`, cases: [] });
  return out;
}

/** The evidence lines for one ground; empty while neither the signature nor the comparison is read. */
export function groundEvidence(ground: Ground, caseId: string, signature: CaseSignature | null, comparison: Comparison | null): EvidenceLine[] {
  switch (ground) {
    case 'steps':
      return stepsEvidence(signature, comparison);
    case 'services':
      return servicesEvidence(signature, comparison);
    case 'commingling':
      return comminglingEvidence(caseId, comparison);
    case 'conclusion':
      return conclusionEvidence(signature, comparison);
  }
}

/**
 * The grounds on which Cairn found evidence linking this case with another: where "Use in
 * attribution…" refers to that case. The conclusion always does (it is what the referral is for).
 */
export function groundsWithEvidence(match: Pick<CaseMatch, 'sequence' | 'sharedServices' | 'meetings'>): Ground[] {
  const out: Ground[] = [];
  if (match.sequence.aligned.some((p) => p.op === 'match')) out.push('steps');
  if (match.sharedServices.length > 0) out.push('services');
  if (match.meetings.length > 0) out.push('commingling');
  out.push('conclusion');
  return out;
}

/** Canvas node ids (drawn, not hidden) of these addresses on a chain: address nodes, and entity nodes holding one. */
export function nodesOfAddresses(graph: Graph, chain: string, addresses: readonly string[]): string[] {
  const wanted = new Set(addresses);
  const ids: string[] = [];
  for (const n of graph.nodes) {
    if (n.hidden || n.kind === 'more' || n.chain !== chain) continue;
    if (n.kind === 'address' ? wanted.has(n.address) : n.members.some((m) => wanted.has(m.address))) ids.push(n.id);
  }
  return ids;
}
