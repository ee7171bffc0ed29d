import { DepositImport } from '../../analysis/clustering/depositClustering';
import { AddressInterner } from '../../store/addresses';
import { ensureNativeAsset } from '../../store/assets';
import { ensureChainId } from '../../store/chains';
import { insertDataset } from '../../store/datasets';
import { countConflictFacts } from '../../store/conflicts';
import { addTransfersToEdges, fillTimesFromBlocks, recomputeEdges } from '../../store/edges';
import { HUB_MIN_COUNTERPARTIES, refreshHubs } from '../../store/hubs';
import type { Db } from '../../store/openStore';
import { deferNaturalKeysForFreshChain, type DeferredIndexes, type FreshChainLoad } from '../../store/bulkIndexes';
import type { SourceRecord } from '../../store/datasets';
import { nextRowId, reviewAndCommit, type ProgressState } from '../datasetRun';
import type { ImportOptions, ImportResult, SkippedFile } from '../importTypes';
import { EtlWriter } from './writeEtlRows';

/** What an account-chain import (ethereum-etl, Etherscan, an EVM node) writes with. */
export interface AccountRun {
  readonly chainId: number;
  readonly datasetId: number;
  readonly nativeAssetId: number;
  /** Rows at or above these ids are this import's. */
  readonly firstNewTransferId: number;
  readonly firstNewTxId: number;
  readonly addresses: AddressInterner;
  readonly writer: EtlWriter;
  /** Set when this is a first import of the chain, deduped in memory (store/bulkIndexes.ts). */
  readonly fresh: FreshChainLoad | null;
}

/**
 * Inside the caller's open transaction: the chain, the dataset row, the native asset and the
 * writer. `expectedRows` (a file import's estimate of the rows it brings) lets a first import of
 * a chain dedupe in memory and build the natural-key indexes once at the end.
 */
export function startAccountRun(db: Db, chain: string, format: string, parserVersion: string, startedAt: string, expectedRows = 0, minRows?: number): AccountRun {
  const chainId = ensureChainId(db, chain);
  const datasetId = insertDataset(db, { format, parserVersion, chainId, fingerprint: '', startedAt });
  const nativeAssetId = ensureNativeAsset(db, chainId, chain, datasetId);
  const firstNewTransferId = nextRowId(db, 'transfer');
  const firstNewTxId = nextRowId(db, 'tx');
  const fresh = expectedRows > 0 ? deferNaturalKeysForFreshChain(db, chainId, expectedRows, minRows) : null;
  const addresses = new AddressInterner(db, chainId, undefined, fresh);
  const writer = new EtlWriter(db, chainId, nativeAssetId, datasetId, addresses, firstNewTransferId, chain, startedAt, fresh);
  return { chainId, datasetId, nativeAssetId, firstNewTransferId, firstNewTxId, addresses, writer, fresh };
}

/**
 * After the rows: the native transfers of the import's txs, times for transfers that came before
 * their blocks, this import's transfers summed into the graph's edges, edges a late receipt
 * showed to hold failed transfers recomputed exactly, the hubs' stored rankings recomputed, and
 * the addresses the import touched looked at again for exchange deposit addresses
 * (analysis/clustering/depositClustering.ts), a warning added when the collapse guard held merges.
 */
export function settleEdges(db: Db, run: AccountRun, indexes?: DeferredIndexes, onPhase: (phase: string) => void = () => {}): void {
  onPhase('writing native transfers');
  run.writer.writeNativeTransfers();
  // Everything after the rows may look txs up by hash or addresses by text.
  if (run.fresh?.active) onPhase('indexing transactions and addresses');
  run.fresh?.end();
  // Made first: it notes the older transfers that get their time now.
  const deposits = new DepositImport(db, run.chainId, run.datasetId, run.firstNewTransferId);
  onPhase('aggregating edges');
  fillTimesFromBlocks(db, run.chainId, run.firstNewTransferId);
  addTransfersToEdges(db, run.chainId, run.firstNewTransferId);
  // Summed before the deferred transfer indexes are rebuilt (the sums read the rows in order);
  // the exact recomputations and the deposit clustering below look transfers up by address.
  if (indexes?.deferred) onPhase('indexing transfers');
  indexes?.restore();
  recomputeEdges(db, run.writer.staleEdges.values());
  onPhase('ranking hubs');
  refreshHubs(db, HUB_MIN_COUNTERPARTIES, run.chainId);
  onPhase('clustering addresses');
  const clustered = deposits.cluster(run.writer.staleEdges.values());
  if (clustered.held > 0) {
    run.writer.warnings.push(`${clustered.held} merge${clustered.held === 1 ? '' : 's'} of two large clusters held for review by the collapse guard (cairn clusters held)`);
  }
}

/**
 * "2 facts disagree with earlier sources…" for a dataset whose rows contradicted what the store
 * held (or its own earlier rows), or null. The store kept the first source's values.
 */
export function conflictNote(db: Db, datasetId: number): string | null {
  const n = countConflictFacts(db, datasetId);
  if (n === 0) return null;
  return `${n} fact${n === 1 ? '' : 's'} disagree${n === 1 ? 's' : ''} with earlier sources (or earlier rows of this import); the first source's values were kept: see cairn conflicts --dataset ${datasetId}`;
}

/** What an account-chain file import hands over once its rows are written. */
export interface FinishedRows {
  readonly format: string;
  readonly chain: string;
  readonly sources: readonly SourceRecord[];
  readonly rowCounts: Record<string, number>;
  readonly skipped: readonly SkippedFile[];
  /** The import's own notes; the writer's warnings go first. */
  readonly notes: readonly string[];
  /** Indexes dropped for a bulk load, rebuilt before the edges are summed. */
  readonly indexes?: DeferredIndexes;
}

/**
 * The end of an account-chain file import (ethereum-etl, Etherscan), inside its open
 * transaction: indexes rebuilt, edges settled, then the dataset shown for review when asked
 * and committed.
 */
export async function settleAndCommit(
  db: Db,
  run: AccountRun,
  rows: FinishedRows,
  progress: { state: ProgressState; report: (force?: boolean) => void },
  options: ImportOptions,
  now: () => Date,
): Promise<ImportResult> {
  const { state, report } = progress;
  settleEdges(db, run, rows.indexes, (phase) => {
    state.phase = phase;
    report(true);
  });
  const added = { ...run.writer.added, addresses: run.addresses.added };
  state.phase = options.review ? 'waiting for review' : 'committing';
  report(true);
  const notes = [...run.writer.warnings, ...rows.notes];
  // The review shows the conflicts before the commit; afterwards the dataset's own count says it.
  const conflicts = conflictNote(db, run.datasetId);
  const outcome = await reviewAndCommit(
    db,
    { id: run.datasetId, format: rows.format, chain: rows.chain, sources: rows.sources, rowCounts: rows.rowCounts, added, finishedAt: now().toISOString() },
    { review: options.review, skipped: rows.skipped, notes: conflicts ? [conflicts, ...notes] : notes, firstNewTxId: run.firstNewTxId, chainId: run.chainId, group: options.group },
    options.signal,
  );
  state.phase = 'done';
  report(true);
  return { ...outcome, skipped: rows.skipped, warnings: notes };
}
