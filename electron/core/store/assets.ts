import { resolveChain } from '../../../shared/model/chains';
import type { Asset } from '../../../shared/api/schemas';
import type { Db } from './openStore';

interface AssetRow {
  id: number;
  caip2: string;
  contract: string;
  symbol: string | null;
  decimals: number | null;
}

export function toAsset(row: AssetRow): Asset {
  return { id: row.id, chain: row.caip2, contract: row.contract === '' ? null : row.contract, symbol: row.symbol, decimals: row.decimals };
}

export const ASSET_COLUMNS = 'asset.id AS id, chain.caip2 AS caip2, asset.contract AS contract, asset.symbol AS symbol, asset.decimals AS decimals';

export function getAssets(db: Db, ids: readonly number[]): Map<number, Asset> {
  const out = new Map<number, Asset>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(`SELECT ${ASSET_COLUMNS} FROM asset JOIN chain ON chain.id = asset.chain_id WHERE asset.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify([...new Set(ids)])) as AssetRow[];
  for (const row of rows) out.set(row.id, toAsset(row));
  return out;
}

/** The chain's native asset (ETH, TRX, BTC…), created on first use. */
export function ensureNativeAsset(db: Db, chainId: number, caip2: string, datasetId: number | null): number {
  const chain = resolveChain(caip2);
  db.prepare('INSERT OR IGNORE INTO asset (chain_id, contract, symbol, name, decimals, dataset_id) VALUES (?, \'\', ?, ?, ?, ?)').run(
    chainId,
    chain.nativeSymbol,
    chain.name,
    chain.nativeDecimals,
    datasetId,
  );
  return db.prepare("SELECT id FROM asset WHERE chain_id = ? AND contract = ''").pluck().get(chainId) as number;
}
