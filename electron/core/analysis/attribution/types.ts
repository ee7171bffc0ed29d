/**
 * Attribution (issue 16): a case's laundering signature, its comparison with other cases, and
 * where their traced funds meet. The shapes here are the contract between the detectors
 * (steps.ts, signature.ts), the comparison (compare.ts, commingling.ts) and the API
 * (shared/api/schemas.ts mirrors them as zod schemas for the wire). Amounts are decimal strings
 * in base units; times are unix seconds.
 */

export const STEP_KINDS = [
  'consolidation',
  'fan-out',
  'fan-in',
  'peel-chain',
  'swap',
  'bridge',
  'mixer',
  'coinjoin',
  'exchange-deposit',
  'exchange-hop',
  'dormancy',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** An asset as the trace names it: chain and contract (null: the chain's native asset). */
export interface AssetRef {
  readonly chain: string;
  readonly contract: string | null;
  readonly symbol: string | null;
  readonly decimals: number | null;
}

export interface AssetAmount {
  readonly asset: AssetRef;
  /** Base units, decimal string. */
  readonly amount: string;
}

/** One transaction behind a step, with the traced value it carried. */
export interface StepTx {
  readonly chain: string;
  readonly tx: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly asset: AssetRef;
  /** Traced value it carried, base units. */
  readonly amount: string;
  readonly time: number | null;
}

export interface LaunderingStep {
  readonly kind: StepKind;
  /** The documented rule that found it, in words an investigator can quote (docs/attribution.md). */
  readonly rule: string;
  readonly chain: string;
  /** The addresses the step is about (canonical form), most important first. */
  readonly addresses: readonly string[];
  /** The service it went through, when labelled, tagged or clustered: name and category. */
  readonly service: { readonly name: string; readonly category: string } | null;
  readonly start: number | null;
  readonly end: number | null;
  /** Seconds from the theft (the first source transfer) to the step's start. */
  readonly sinceTheft: number | null;
  /** Traced value through the step, per asset. */
  readonly amounts: readonly AssetAmount[];
  /** The step's size: addresses gathered or fanned to, peel-chain links, dormancy seconds. */
  readonly size: number;
  /** The transactions behind it (at most 50; txCount says how many in all). */
  readonly txs: readonly StepTx[];
  readonly txCount: number;
  /** The saved trace it was read from. */
  readonly traceId: number;
}

/** A service the traced funds reached. */
export interface ServiceUse {
  readonly name: string;
  readonly category: string;
  readonly chain: string;
  readonly addresses: readonly string[];
  readonly amounts: readonly AssetAmount[];
  /** Fewest hops from a source at which traced value reached it. */
  readonly hops: number;
  /** Where the name comes from: a label set, the case's own tag, an automatic cluster's label. */
  readonly via: 'label' | 'tag' | 'cluster';
}

export interface CaseSignature {
  readonly caseId: string;
  readonly caseName: string;
  /** The first source transfer's time: the theft. */
  readonly theftTime: number | null;
  /** In time order (ties: path order). */
  readonly steps: readonly LaunderingStep[];
  readonly services: readonly ServiceUse[];
  /** What entered the case's traces from their sources, per asset. */
  readonly stolen: readonly AssetAmount[];
  readonly traces: readonly { readonly id: number; readonly name: string; readonly method: string }[];
}

/** Where two cases' traced funds meet. */
export interface Meeting {
  /** same-tx: one transaction carried both cases' value; same-address: one address received both; same-cluster: one automatic cluster did; same-deposit: both ended at one exchange deposit address. */
  readonly kind: 'same-tx' | 'same-address' | 'same-cluster' | 'same-deposit';
  readonly chain: string;
  /** The meeting address (for same-tx: the receiving address of the largest part, or null). */
  readonly address: string | null;
  readonly cluster: string | null;
  /** The transactions, of either case, that bring the value there. */
  readonly txs: readonly string[];
  /** The first transaction (what the CLI's "tx" field shows). */
  readonly tx: string | null;
  /** Each case's traced value there, per asset: { [caseId]: AssetAmount[] }. */
  readonly amounts: Readonly<Record<string, readonly AssetAmount[]>>;
}

/** One part of a similarity score, with its weight and why. */
export interface ScorePart {
  readonly part: 'services' | 'sequence' | 'timing' | 'addresses' | 'meetings';
  /** 0..1 */
  readonly value: number;
  readonly weight: number;
  readonly why: string;
}

export interface AlignedPair {
  /** The step of the case compared (null: a gap). */
  readonly a: { readonly kind: StepKind; readonly index: number } | null;
  readonly b: { readonly kind: StepKind; readonly index: number } | null;
  readonly op: 'match' | 'substitute' | 'insert' | 'delete';
}

export interface CaseMatch {
  readonly case: string;
  readonly caseName: string;
  /** 0..1: the weighted sum of the parts. */
  readonly score: number;
  readonly parts: readonly ScorePart[];
  readonly sharedServices: readonly { readonly name: string; readonly category: string; readonly weight: number; readonly casesUsing: number }[];
  readonly sequence: { readonly distance: number; readonly similarity: number; readonly aligned: readonly AlignedPair[] };
  readonly timing: { readonly similarity: number; readonly why: string };
  readonly sharedAddresses: readonly { readonly chain: string; readonly address: string; readonly cluster: string | null }[];
  readonly meetings: readonly Meeting[];
}

export interface Comparison {
  readonly case: string;
  readonly matches: readonly CaseMatch[];
}
