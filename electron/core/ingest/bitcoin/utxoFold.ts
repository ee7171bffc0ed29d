import type { Db } from '../../store/openStore';
import { fromDbAmount, toDbAmount } from '../../store/sqlFunctions';

export const TRANSFER_UTXO = 3;

/** Links inputs to outputs that arrived after them (later in the import, or in a later import). */
export function resolveInputs(db: Db, chainId: number): Set<number> {
  const pending = db
    .prepare(
      `SELECT i.tx_id AS txId, i.n, i.prev_n AS prevN, p.id AS prevTxId
       FROM txin i JOIN tx p ON p.chain_id = ? AND p.hash = i.prev_txid
       WHERE i.prev_tx_id IS NULL`,
    )
    .all(chainId) as { txId: number; n: number; prevN: number; prevTxId: number }[];
  const prevOut = db.prepare('SELECT value, address_id AS addressId FROM txout WHERE tx_id = ? AND n = ?').safeIntegers(true);
  const link = db.prepare('UPDATE txin SET prev_tx_id = ?, value = ?, address_id = ? WHERE tx_id = ? AND n = ?');
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

/**
 * Folds each transaction whose inputs are all known into address-to-address transfers of the
 * native asset: every output's value is split across the input addresses in proportion to
 * what each put in, so the folded amounts of a tx sum exactly to its output values. The fee
 * (inputs minus outputs) is recorded on the tx. A coinbase pays its outputs from no address.
 * Transactions still waiting for an input stay unfolded until it arrives.
 */
export function foldTransactions(db: Db, nativeAssetId: number, datasetId: number, txIds: Iterable<number>): number {
  const get = db.prepare('SELECT id, chain_id AS chainId, coinbase, time FROM tx WHERE id = ? AND folded = 0 AND stub = 0');
  const inputs = db.prepare('SELECT prev_tx_id AS prevTxId, value, address_id AS addressId FROM txin WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const outputs = db.prepare('SELECT n, value, address_id AS addressId FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true);
  const transfer = db.prepare(
    'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)',
  );
  const done = db.prepare('UPDATE tx SET folded = 1, fee = ? WHERE id = ?');
  let folded = 0;
  for (const txId of txIds) {
    const tx = get.get(txId) as { id: number; chainId: number; coinbase: number; time: number | null } | undefined;
    if (!tx) continue;
    const chainId = tx.chainId;
    const ins = inputs.all(tx.id) as { prevTxId: bigint | null; value: bigint | string | null; addressId: bigint | null }[];
    const outs = outputs.all(tx.id) as { n: bigint; value: bigint | string; addressId: bigint | null }[];
    if (tx.coinbase === 1) {
      for (const o of outs) {
        transfer.run(chainId, tx.id, TRANSFER_UTXO, `${o.n}`, null, o.addressId, nativeAssetId, o.value, tx.time, datasetId);
      }
      done.run(null, tx.id);
      folded++;
      continue;
    }
    // An input is known once its value is: from the spent output, or from an enriched export.
    if (ins.some((i) => i.value === null)) continue;
    const weightByAddress = new Map<bigint | null, bigint>();
    let totalIn = 0n;
    for (const i of ins) {
      const v = fromDbAmount(i.value);
      totalIn += v;
      weightByAddress.set(i.addressId, (weightByAddress.get(i.addressId) ?? 0n) + v);
    }
    const senders = [...weightByAddress.keys()];
    const weights = senders.map((a) => weightByAddress.get(a)!);
    let totalOut = 0n;
    for (const o of outs) {
      const value = fromDbAmount(o.value);
      totalOut += value;
      const shares = splitProportionally(value, weights);
      shares.forEach((share, k) => {
        if (share === 0n) return;
        transfer.run(chainId, tx.id, TRANSFER_UTXO, `${o.n}:${k}`, senders[k], o.addressId, nativeAssetId, toDbAmount(share), tx.time, datasetId);
      });
    }
    done.run(totalIn >= totalOut ? toDbAmount(totalIn - totalOut) : null, tx.id);
    folded++;
  }
  return folded;
}
