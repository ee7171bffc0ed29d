import { AddressInterner } from '../../store/addresses';
import { ensureNativeAsset } from '../../store/assets';
import { ensureChainId } from '../../store/chains';
import { insertDataset } from '../../store/datasets';
import { addTransfersToEdges, fillTimesFromBlocks, recomputeEdges } from '../../store/edges';
import { refreshHubs } from '../../store/hubs';
import type { Db } from '../../store/openStore';
import { nextRowId } from '../datasetRun';
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
}

/** Inside the caller's open transaction: the chain, the dataset row, the native asset and the writer. */
export function startAccountRun(db: Db, chain: string, format: string, parserVersion: string, startedAt: string): AccountRun {
  const chainId = ensureChainId(db, chain);
  const datasetId = insertDataset(db, { format, parserVersion, chainId, fingerprint: '', startedAt });
  const nativeAssetId = ensureNativeAsset(db, chainId, chain, datasetId);
  const firstNewTransferId = nextRowId(db, 'transfer');
  const firstNewTxId = nextRowId(db, 'tx');
  const addresses = new AddressInterner(db, chainId);
  const writer = new EtlWriter(db, chainId, nativeAssetId, datasetId, addresses, firstNewTransferId, chain);
  return { chainId, datasetId, nativeAssetId, firstNewTransferId, firstNewTxId, addresses, writer };
}

/**
 * After the rows: times for transfers that came before their blocks, this import's transfers
 * summed into the graph's edges, edges a late receipt showed to hold failed transfers
 * recomputed exactly, and the hubs' stored rankings recomputed.
 */
export function settleEdges(db: Db, run: AccountRun): void {
  fillTimesFromBlocks(db, run.chainId, run.firstNewTransferId);
  addTransfersToEdges(db, run.chainId, run.firstNewTransferId);
  recomputeEdges(db, run.writer.staleEdges.values());
  refreshHubs(db);
}
