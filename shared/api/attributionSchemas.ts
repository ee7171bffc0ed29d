/**
 * Runtime schemas of attribution (issue 16): a case's laundering signature, its comparison with
 * other cases, the meetings of their traced funds, and the investigator's own attribution. They
 * mirror electron/core/analysis/attribution/types.ts. Amounts: decimal strings in base units.
 */
import { z } from 'zod';
import { BaseUnits, CaseId, ChainId, Confidence, Time } from './schemas';

export const STEP_KINDS = ['consolidation', 'fan-out', 'fan-in', 'peel-chain', 'swap', 'bridge', 'mixer', 'coinjoin', 'exchange-deposit', 'exchange-hop', 'dormancy'] as const;
export const StepKind = z.enum(STEP_KINDS);

export const AssetRef = z.object({ chain: ChainId, contract: z.string().nullable(), symbol: z.string().nullable(), decimals: z.number().int().nullable() });
export const AssetAmount = z.object({ asset: AssetRef, amount: BaseUnits });
export type AssetAmount = z.infer<typeof AssetAmount>;

export const StepTx = z.object({ chain: ChainId, tx: z.string(), from: z.string().nullable(), to: z.string().nullable(), asset: AssetRef, amount: BaseUnits, time: Time });

export const LaunderingStep = z.object({
  kind: StepKind,
  rule: z.string(),
  chain: ChainId,
  addresses: z.array(z.string()),
  service: z.object({ name: z.string(), category: z.string() }).nullable(),
  start: Time,
  end: Time,
  sinceTheft: z.number().nullable(),
  amounts: z.array(AssetAmount),
  size: z.number(),
  txs: z.array(StepTx),
  txCount: z.number().int(),
  traceId: z.number().int(),
});
export type LaunderingStep = z.infer<typeof LaunderingStep>;

export const ServiceUse = z.object({
  name: z.string(),
  category: z.string(),
  chain: ChainId,
  addresses: z.array(z.string()),
  amounts: z.array(AssetAmount),
  hops: z.number().int(),
  via: z.enum(['label', 'tag', 'cluster']),
});

export const CaseSignature = z.object({
  caseId: CaseId,
  caseName: z.string(),
  theftTime: Time,
  steps: z.array(LaunderingStep),
  services: z.array(ServiceUse),
  stolen: z.array(AssetAmount),
  traces: z.array(z.object({ id: z.number().int(), name: z.string(), method: z.string() })),
});
export type CaseSignature = z.infer<typeof CaseSignature>;

export const Meeting = z.object({
  kind: z.enum(['same-tx', 'same-address', 'same-cluster', 'same-deposit']),
  chain: ChainId,
  address: z.string().nullable(),
  cluster: z.string().nullable(),
  txs: z.array(z.string()),
  tx: z.string().nullable(),
  amounts: z.record(z.string(), z.array(AssetAmount)),
});
export type Meeting = z.infer<typeof Meeting>;

export const ScorePart = z.object({ part: z.enum(['services', 'sequence', 'timing', 'addresses', 'meetings']), value: z.number(), weight: z.number(), why: z.string() });

const AlignedStep = z.object({ kind: StepKind, index: z.number().int() }).nullable();
export const AlignedPair = z.object({ a: AlignedStep, b: AlignedStep, op: z.enum(['match', 'substitute', 'insert', 'delete']) });

export const CaseMatch = z.object({
  case: z.string(),
  caseName: z.string(),
  score: z.number(),
  parts: z.array(ScorePart),
  sharedServices: z.array(z.object({ name: z.string(), category: z.string(), weight: z.number(), casesUsing: z.number().int() })),
  sequence: z.object({ distance: z.number(), similarity: z.number(), aligned: z.array(AlignedPair) }),
  timing: z.object({ similarity: z.number(), why: z.string() }),
  sharedAddresses: z.array(z.object({ chain: ChainId, address: z.string(), cluster: z.string().nullable() })),
  meetings: z.array(Meeting),
});
export type CaseMatch = z.infer<typeof CaseMatch>;

export const Comparison = z.object({
  case: z.string(),
  matches: z.array(CaseMatch),
  /** Cases left out of the comparison and why (no saved trace, unreadable). */
  skipped: z.array(z.object({ case: z.string(), reason: z.string() })),
});
export type Comparison = z.infer<typeof Comparison>;

export const ATTRIBUTION_GROUNDS = ['steps', 'services', 'commingling', 'conclusion'] as const;
export const AttributionGround = z.enum(ATTRIBUTION_GROUNDS);
export const AttributionEntry = z.object({
  ground: AttributionGround,
  text: z.string(),
  confidence: Confidence.nullable(),
  cases: z.array(CaseId),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type AttributionEntry = z.infer<typeof AttributionEntry>;
