import type { Db } from './openStore';
import { fromDbAmount } from './sqlFunctions';
import { KIND_NAMES, statusName, type TransferKind, type TransferStatus } from './addressQueries';

export interface TxTransferFact {
  from: string | null;
  to: string | null;
  asset: string;
  symbol: string | null;
  decimals: number | null;
  value: bigint;
  kind: TransferKind;
}

export interface TxFact {
  hash: string;
  block: number | null;
  time: number | null;
  status: TransferStatus;
  from: string | null;
  to: string | null;
  transfers: TxTransferFact[];
}

/** A transaction and every value transfer in it, in position order (native value first, then logs). */
export function getTx(db: Db, chainId: number, hash: string): TxFact | null {
  const tx = db
    .prepare(
      `SELECT tx.id, tx.hash, tx.block_number, tx.time, tx.status, f.addr AS from_addr, t.addr AS to_addr
       FROM tx LEFT JOIN address f ON f.id = tx.from_id LEFT JOIN address t ON t.id = tx.to_id
       WHERE tx.chain_id = ? AND tx.hash = ?`,
    )
    .get(chainId, hash) as
    | { id: number; hash: string; block_number: number | null; time: number | null; status: number | null; from_addr: string | null; to_addr: string | null }
    | undefined;
  if (!tx) return null;
  const rows = db
    .prepare(
      `SELECT tr.kind, tr.pos, tr.amount, f.addr AS from_addr, t.addr AS to_addr, a.contract, a.symbol, a.decimals
       FROM transfer tr JOIN asset a ON a.id = tr.asset_id
       LEFT JOIN address f ON f.id = tr.from_id LEFT JOIN address t ON t.id = tr.to_id
       WHERE tr.tx_id = ? ORDER BY tr.kind, CAST(tr.pos AS INTEGER), tr.pos`,
    )
    .safeIntegers(true)
    .all(tx.id) as { kind: bigint; amount: bigint | string; from_addr: string | null; to_addr: string | null; contract: string; symbol: string | null; decimals: bigint | null }[];
  return {
    hash: tx.hash,
    block: tx.block_number,
    time: tx.time,
    status: statusName(tx.status),
    from: tx.from_addr,
    to: tx.to_addr,
    transfers: rows.map((r) => ({
      from: r.from_addr,
      to: r.to_addr,
      asset: r.contract === '' ? 'native' : r.contract,
      symbol: r.symbol,
      decimals: r.decimals === null ? null : Number(r.decimals),
      value: fromDbAmount(r.amount),
      kind: KIND_NAMES[Number(r.kind)] ?? 'native',
    })),
  };
}

export interface ChainCounts {
  chain: string;
  blocks: number;
  transactions: number;
  transfers: number;
  addresses: number;
}

export function chainCounts(db: Db): ChainCounts[] {
  return db
    .prepare(
      `SELECT c.caip2 AS chain,
         (SELECT count(*) FROM block WHERE chain_id = c.id) AS blocks,
         (SELECT count(*) FROM tx WHERE chain_id = c.id) AS transactions,
         (SELECT count(*) FROM transfer WHERE chain_id = c.id) AS transfers,
         (SELECT count(*) FROM address WHERE chain_id = c.id) AS addresses
       FROM chain c ORDER BY c.id`,
    )
    .all() as ChainCounts[];
}
