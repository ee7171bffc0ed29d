import { detectCoinJoin, type CoinJoinVerdict } from '../analysis/clustering/coinjoin';
import type { Db } from './openStore';
import { fromDbAmount } from './sqlFunctions';
import { KIND_NAMES, statusName, type TransferKind, type TransferStatus } from './addressQueries';
import { txHashKey } from './txHash';

export interface TxTransferFact {
  from: string | null;
  to: string | null;
  asset: string;
  symbol: string | null;
  decimals: number | null;
  value: bigint;
  kind: TransferKind;
  /** A transfer's own outcome: an internal transfer inside a reverted call failed even when its tx did not. */
  status: TransferStatus;
  /** An ERC-721 transfer's token id (its value is then 1); null for fungible transfers. */
  tokenId: string | null;
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
       WHERE tx.chain_id = ? AND tx.hash_bin = ? AND tx.hash_form = ?`,
    )
    .get(chainId, ...txHashKey(hash)) as
    | { id: number; hash: string; block_number: number | null; time: number | null; status: number | null; from_addr: string | null; to_addr: string | null }
    | undefined;
  if (!tx) return null;
  const rows = db
    .prepare(
      `SELECT tr.kind, tr.pos, tr.amount, tr.status, tr.token_id, f.addr AS from_addr, t.addr AS to_addr, a.contract, a.symbol, a.decimals
       FROM transfer tr JOIN asset a ON a.id = tr.asset_id
       LEFT JOIN address f ON f.id = tr.from_id LEFT JOIN address t ON t.id = tr.to_id
       WHERE tr.tx_id = ? ORDER BY tr.kind, CAST(tr.pos AS INTEGER), tr.pos`,
    )
    .safeIntegers(true)
    .all(tx.id) as { kind: bigint; amount: bigint | string; status: bigint | null; token_id: string | null; from_addr: string | null; to_addr: string | null; contract: string; symbol: string | null; decimals: bigint | null }[];
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
      status: statusName(r.status === null ? null : Number(r.status)),
      tokenId: r.token_id,
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
         (SELECT count(*) FROM block WHERE chain_id = c.id) + (SELECT count(*) FROM btc_block WHERE chain_id = c.id) AS blocks,
         (SELECT count(*) FROM tx WHERE chain_id = c.id) AS transactions,
         (SELECT count(*) FROM transfer WHERE chain_id = c.id) AS transfers,
         (SELECT count(*) FROM address WHERE chain_id = c.id) AS addresses
       FROM chain c ORDER BY c.id`,
    )
    .all() as ChainCounts[];
}

export interface UtxoTxFact {
  fee: bigint | null;
  coinbase: boolean;
  /** derived: the address comes from the input's unlocking script, the spent output not being in the store. */
  inputs: { address: string | null; value: bigint | null; spends: { txid: string; n: number } | null; derived: boolean }[];
  outputs: { n: number; address: string | null; type: string; value: bigint; spentBy: { txid: string; n: number } | null }[];
  /** The CoinJoin its shape shows (never a coinbase), which the multi-input heuristic skips. */
  coinjoin: CoinJoinVerdict | null;
}

/**
 * Inputs and outputs of a UTXO transaction, each linked to what it spends or what spent it.
 * `unit` names the coin in the CoinJoin verdict's sentence.
 */
export function getUtxoParts(db: Db, chainId: number, hash: string, unit = 'BTC'): UtxoTxFact | null {
  const tx = db.prepare('SELECT id, fee, coinbase FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?').safeIntegers(true).get(chainId, ...txHashKey(hash)) as
    | { id: bigint; fee: bigint | string | null; coinbase: bigint }
    | undefined;
  if (!tx) return null;
  const inputs = db
    .prepare('SELECT i.prev_txid, i.prev_n, i.value, a.addr, i.derived FROM txin i LEFT JOIN address a ON a.id = i.address_id WHERE i.tx_id = ? ORDER BY i.n')
    .safeIntegers(true)
    .all(tx.id) as { prev_txid: string; prev_n: bigint; value: bigint | string | null; addr: string | null; derived: bigint }[];
  const outputs = db
    .prepare(
      `SELECT o.n, o.value, o.type, a.addr, s.hash AS spent_hash, o.spent_n FROM txout o
       LEFT JOIN address a ON a.id = o.address_id LEFT JOIN tx s ON s.id = o.spent_by WHERE o.tx_id = ? ORDER BY o.n`,
    )
    .safeIntegers(true)
    .all(tx.id) as { n: bigint; value: bigint | string; type: string; addr: string | null; spent_hash: string | null; spent_n: bigint | null }[];
  const coinbase = tx.coinbase === 1n;
  const parts = {
    inputs: inputs.map((i) => ({
      address: i.addr,
      value: i.value === null ? null : fromDbAmount(i.value),
      spends: coinbase ? null : { txid: i.prev_txid, n: Number(i.prev_n) },
      derived: i.derived === 1n,
    })),
    outputs: outputs.map((o) => ({
      n: Number(o.n),
      address: o.addr,
      type: o.type,
      value: fromDbAmount(o.value),
      spentBy: o.spent_hash === null ? null : { txid: o.spent_hash, n: Number(o.spent_n) },
    })),
  };
  return { fee: tx.fee === null ? null : fromDbAmount(tx.fee), coinbase, ...parts, coinjoin: coinbase ? null : detectCoinJoin(parts, unit) };
}
