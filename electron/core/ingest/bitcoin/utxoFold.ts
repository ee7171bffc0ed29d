import type { Db } from '../../store/openStore';
import { fromDbAmount, toDbAmount } from '../../store/sqlFunctions';

export const TRANSFER_UTXO = 3;

/**
 * Links inputs to outputs that arrived after them (later in the import, or in a later import).
 * The spent output's address replaces one derived from the unlocking data (derived = 0).
 * Returns the transactions whose inputs it linked.
 */
export function resolveInputs(db: Db, chainId: number): Set<number> {
  const pending = db
    .prepare(
      `SELECT i.tx_id AS txId, i.n, i.prev_n AS prevN, p.id AS prevTxId
       FROM txin i JOIN tx p ON p.chain_id = ? AND p.hash_bin = i.prev_txid_bin AND p.hash_form = 0
       WHERE i.prev_tx_id IS NULL`,
    )
    .all(chainId) as { txId: number; n: number; prevN: number; prevTxId: number }[];
  const prevOut = db.prepare('SELECT value, address_id AS addressId FROM txout WHERE tx_id = ? AND n = ?').safeIntegers(true);
  const link = db.prepare('UPDATE txin SET prev_tx_id = ?, value = ?, address_id = ?, derived = 0 WHERE tx_id = ? AND n = ?');
  const spend = db.prepare('UPDATE txout SET spent_by = ?, spent_n = ? WHERE tx_id = ? AND n = ?');
  const linked = new Set<number>();
  for (const p of pending) {
    const out = prevOut.get(p.prevTxId, p.prevN) as { value: bigint | string; addressId: bigint | null } | undefined;
    if (!out) continue; // the tx is known but has no such output: leave the input unresolved
    link.run(p.prevTxId, out.value, out.addressId, p.txId, p.n);
    spend.run(p.txId, p.n, p.prevTxId, p.prevN);
    linked.add(p.txId);
  }
  return linked;
}

/**
 * Splits `value` across weights in proportion, exactly: floor shares, then the remaining units
 * one each to the largest remainders (earlier index first on ties). The shares sum to `value`.
 */
export function splitProportionally(value: bigint, weights: readonly bigint[]): bigint[] {
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) {
    // Nothing to weigh by: split evenly, remainder to the first.
    const n = BigInt(weights.length);
    const shares = weights.map(() => value / n);
    shares[0] += value - (value / n) * n;
    return shares;
  }
  const shares = weights.map((w) => (value * w) / total);
  let rest = value - shares.reduce((a, b) => a + b, 0n);
  const order = weights.map((w, i) => ({ i, rem: (value * w) % total })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (let k = 0; rest > 0n; k++, rest--) shares[order[k % order.length].i] += 1n;
  return shares;
}

/** One input or output of a tx as the fold sees it; address ids are normalised to numbers. */
export interface FoldPart {
  readonly value: bigint;
  readonly addressId: number | null;
}

/** One folded transfer: output `n`'s share from the k-th distinct input address. */
export type EmitTransfer = (pos: string, fromId: number | null, toId: number | null, amount: bigint) => void;

/**
 * Folds one transaction whose inputs are all known into address-to-address transfers of the
 * native asset: every output's value is split across the distinct input addresses (in order of
 * first appearance) in proportion to what each put in, so the folded amounts sum exactly to the
 * output values. A coinbase pays its outputs from no address. Returns the fee (inputs minus
 * outputs; null for a coinbase or when outputs exceed inputs). The import writer and
 * foldTransactions share this, so a tx folds the same whichever path resolved its inputs.
 */
export function foldTx(coinbase: boolean, ins: readonly FoldPart[], outs: readonly (FoldPart & { n: number })[], emit: EmitTransfer): bigint | null {
  if (coinbase) {
    for (const o of outs) emit(`${o.n}`, null, o.addressId, o.value);
    return null;
  }
  const weightByAddress = new Map<number | null, bigint>();
  let totalIn = 0n;
  for (const i of ins) {
    totalIn += i.value;
    weightByAddress.set(i.addressId, (weightByAddress.get(i.addressId) ?? 0n) + i.value);
  }
  const senders = [...weightByAddress.keys()];
  const weights = senders.map((a) => weightByAddress.get(a)!);
  let totalOut = 0n;
  for (const o of outs) {
    totalOut += o.value;
    const shares = senders.length === 1 ? [o.value] : splitProportionally(o.value, weights);
    shares.forEach((share, k) => {
      if (share !== 0n) emit(`${o.n}:${k}`, senders[k]!, o.addressId, share);
    });
  }
  return totalIn >= totalOut ? totalIn - totalOut : null;
}

const idOrNull = (v: bigint | number | null): number | null => (v === null ? null : Number(v));

/**
 * Folds the given transactions that are not folded yet and whose inputs are all known (from
 * the spent output, or from an enriched export); records each one's fee. Transactions still
 * waiting for an input stay unfolded until it arrives.
 */
export function foldTransactions(db: Db, nativeAssetId: number, datasetId: number, txIds: Iterable<number>): number {
  const get = db.prepare('SELECT id, chain_id AS chainId, coinbase, time FROM tx WHERE id = ? AND folded = 0 AND stub = 0');
  const inputs = db.prepare('SELECT value, address_id AS addressId FROM txin WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const outputs = db.prepare('SELECT n, value, address_id AS addressId FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const transfer = db.prepare(
    'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)',
  );
  const done = db.prepare('UPDATE tx SET folded = 1, fee = ? WHERE id = ?');
  let folded = 0;
  for (const txId of txIds) {
    const tx = get.get(txId) as { id: number; chainId: number; coinbase: number; time: number | null } | undefined;
    if (!tx) continue;
    const ins = inputs.all(tx.id) as { value: bigint | string | null; addressId: bigint | null }[];
    if (tx.coinbase !== 1 && ins.some((i) => i.value === null)) continue;
    const outs = (outputs.all(tx.id) as { n: bigint; value: bigint | string; addressId: bigint | null }[]).map((o) => ({
      n: Number(o.n),
      value: fromDbAmount(o.value),
      addressId: idOrNull(o.addressId),
    }));
    const fee = foldTx(
      tx.coinbase === 1,
      ins.map((i) => ({ value: fromDbAmount(i.value), addressId: idOrNull(i.addressId) })),
      outs,
      (pos, from, to, amount) => transfer.run(tx.chainId, tx.id, TRANSFER_UTXO, pos, from, to, nativeAssetId, toDbAmount(amount), tx.time, datasetId),
    );
    done.run(fee === null ? null : toDbAmount(fee), tx.id);
    folded++;
  }
  return folded;
}
