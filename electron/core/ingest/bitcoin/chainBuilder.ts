import type { Db } from '../../store/openStore';

/** Work of a block from its compact target: floor(2^256 / (target + 1)). */
export function blockWork(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  const target = exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
  return target <= 0n ? 0n : (1n << 256n) / (target + 1n);
}

const ZERO_HASH = '0'.repeat(64);

export interface ChainBuildResult {
  /** Blocks on the most-work chain. */
  mainChain: number;
  /** Blocks not on it: stale forks, or blocks whose ancestors are missing. */
  offChain: number;
  tipHash: string | null;
  tipHeight: number | null;
  /** Blocks whose height changed (set, cleared or moved); their transactions need their height updated. */
  changed: string[];
}

/**
 * Rebuilds the main chain of one UTXO chain from prev links. It starts at genesis (or at the
 * children of genesis when the genesis block itself was not imported; CAIP-2 references are the
 * first 32 hex digits of the genesis hash), and also at any block whose parent is not in the
 * store but which states a binding height of its own (a lone raw block, a getblock response, an
 * RPC pull of a range). From each such start it follows every branch, keeps the branch with the
 * most cumulative work, and assigns heights along it. Stale blocks get no height; a segment that
 * later connects to an earlier one is rebuilt as part of it.
 */
export function buildMainChain(db: Db, chainId: number, caip2Reference: string): ChainBuildResult {
  // Blocks whose parent the source did not give (prev_hash '') carry the height it stated instead.
  const rows = db
    .prepare("SELECT hash, prev_hash AS prev, bits, height, stated_height AS stated FROM btc_block WHERE chain_id = ? AND prev_hash <> ''")
    .all(chainId) as { hash: string; prev: string; bits: number; height: number | null; stated: number | null }[];
  const byHash = new Map(rows.map((r) => [r.hash, r]));
  const children = new Map<string, string[]>();
  const roots: { hash: string; height: number }[] = [];
  for (const r of rows) {
    if (r.prev === ZERO_HASH) roots.push({ hash: r.hash, height: 0 });
    else if (!byHash.has(r.prev) && r.prev.startsWith(caip2Reference)) roots.push({ hash: r.hash, height: 1 });
    else if (!byHash.has(r.prev) && r.stated !== null) roots.push({ hash: r.hash, height: r.stated });
    const list = children.get(r.prev);
    if (list) list.push(r.hash);
    else children.set(r.prev, [r.hash]);
  }
  // Iterative walk from each start: a real chain is far too deep for recursion. The genesis
  // segment and each disconnected one keep their own most-work tip.
  const work = new Map<string, bigint>();
  const height = new Map<string, number>();
  const parent = new Map<string, string | null>();
  const main = new Map<string, number>();
  let tip: string | null = null;
  for (const root of roots) {
    if (work.has(root.hash)) continue;
    work.set(root.hash, blockWork(byHash.get(root.hash)!.bits));
    height.set(root.hash, root.height);
    parent.set(root.hash, null);
    let best: string | null = null;
    const stack = [root.hash];
    while (stack.length) {
      const h = stack.pop()!;
      const w = work.get(h)!;
      if (best === null || w > work.get(best)! || (w === work.get(best)! && h < best)) best = h;
      for (const child of children.get(h) ?? []) {
        if (work.has(child)) continue;
        work.set(child, w + blockWork(byHash.get(child)!.bits));
        height.set(child, height.get(h)! + 1);
        parent.set(child, h);
        stack.push(child);
      }
    }
    for (let h: string | null = best; h !== null; h = parent.get(h) ?? null) main.set(h, height.get(h)!);
    if (best !== null && (tip === null || main.get(best)! > main.get(tip)!)) tip = best;
  }
  const changed: string[] = [];
  const set = db.prepare('UPDATE btc_block SET height = ? WHERE chain_id = ? AND hash = ?');
  for (const r of rows) {
    const want = main.get(r.hash) ?? null;
    if (want !== r.height) {
      set.run(want, chainId, r.hash);
      changed.push(r.hash);
    }
  }
  return { mainChain: main.size, offChain: rows.length - main.size, tipHash: tip, tipHeight: tip === null ? null : main.get(tip)!, changed };
}

/**
 * Gives the transactions of re-heighted blocks their main-chain height, time and index (NULL
 * when they are only in stale blocks), and their transfers the main-chain time. Set-based: a
 * first import re-heights every block, which row by row took longer than the chain itself.
 */
export function updateTxHeights(db: Db, chainId: number, blockHashes: readonly string[]): void {
  if (blockHashes.length === 0) return;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS cairn_changed_tx (id INTEGER PRIMARY KEY)');
  db.exec('DELETE FROM temp.cairn_changed_tx');
  const add = db.prepare('INSERT OR IGNORE INTO temp.cairn_changed_tx (id) SELECT tx_id FROM btc_block_tx WHERE chain_id = ? AND block_bin = unhex(?)');
  for (const hash of blockHashes) add.run(chainId, hash);
  db.prepare(
    `UPDATE tx SET (block_number, time, tx_index) = (
       SELECT b.height, b.time, m.idx FROM btc_block_tx m JOIN btc_block b ON b.chain_id = m.chain_id AND b.hash = m.block_hash
       WHERE m.tx_id = tx.id AND b.height IS NOT NULL ORDER BY b.height LIMIT 1)
     WHERE id IN (SELECT id FROM temp.cairn_changed_tx)`,
  ).run();
  // A tx that left the main chain keeps its transfers' last known time.
  db.prepare(
    `UPDATE transfer SET time = (SELECT tx.time FROM tx WHERE tx.id = transfer.tx_id)
     WHERE tx_id IN (SELECT c.id FROM temp.cairn_changed_tx c JOIN tx ON tx.id = c.id WHERE tx.time IS NOT NULL)
       AND time IS NOT (SELECT tx.time FROM tx WHERE tx.id = transfer.tx_id)`,
  ).run();
  db.exec('DELETE FROM temp.cairn_changed_tx');
}
