/**
 * Conflicts between sources (conflicts.list, `cairn conflicts`): a fact that two imports, or two
 * rows of one import, give different values for. The store keeps the first source's value; the
 * other is recorded here so the disagreement is a finding, not lost.
 */
import { z } from 'zod';
import { ChainId, TxConflict } from './schemas';

export const Conflict = TxConflict.extend({
  id: z.number().int(),
  chain: ChainId,
  /** What the sources disagree about: a transaction, one of its transfers, or a block. */
  kind: z.enum(['tx', 'transfer', 'block']),
  /** tx and transfer: the transaction's hash. */
  txHash: z.string().nullable(),
  /** block: its number. */
  block: z.number().int().nullable(),
  recordedAt: z.string(),
});
export type Conflict = z.infer<typeof Conflict>;

export const ConflictPage = z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(Conflict) });
export type ConflictPage = z.infer<typeof ConflictPage>;
