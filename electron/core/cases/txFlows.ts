/**
 * The "Tx nodes" view: UTXO transactions drawn as their own nodes between the address nodes
 * they spend from and pay to. The folded address-to-address edges split every output across
 * the inputs; this reads the inputs and outputs themselves, so each value shown is exactly what
 * the chain says. Nothing here is written to the case: which transactions to show follows from
 * which addresses are on the canvas.
 */
import type { TxFlow, TxFlowPart, TxFlows } from '../../../shared/api/schemas';
import { resolveChain } from '../../../shared/model/chains';
import { detectCoinJoin } from '../analysis/clustering/coinjoin';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import type { CaseFile } from './caseFiles';
import { addrKey, nodeKey, storeAddressIds } from './caseGraph';
import { planEntities } from './entityView';

/** The address nodes of one UTXO chain on the canvas, keyed by store address id. */
interface ChainCanvas {
  chain: string;
  chainId: number;
  /** The node drawn for each address: its own, or the entity node it is drawn inside. */
  nodeByStoreId: Map<number, string>;
}

interface Candidate {
  canvas: ChainCanvas;
  txId: number;
  hash: string;
  height: number | null;
  time: number | null;
  fee: bigint | null;
}

interface PartRow {
  tx_id: bigint;
  address_id: bigint | null;
  value: bigint | string | null;
  type: string | null;
}

function isUtxoChain(chain: string): boolean {
  try {
    return resolveChain(chain).family === 'utxo';
  } catch {
    // A chain this version does not know cannot be a UTXO chain it can read.
    return false;
  }
}

/** Visible address nodes of UTXO chains, grouped by chain; chains the store has never seen are left out. */
function utxoCanvas(store: Db, c: CaseFile): ChainCanvas[] {
  const rows = (
    c.db.prepare("SELECT id, chain, addr FROM node WHERE kind = 'address' AND hidden = 0 ORDER BY id").all() as { id: number; chain: string; addr: string }[]
  ).filter((r) => isUtxoChain(r.chain));
  const storeIds = storeAddressIds(store, rows);
  // An address drawn inside an entity node (its wallet collapsed) takes part as that node, and so
  // does every other address of the wallet, as in the entity's edges (entityView.ts).
  const plan = planEntities(store, c, rows.map((r) => ({ id: r.id, chain: r.chain, addr: r.addr, hidden: 0, storeId: storeIds.get(addrKey(r.chain, r.addr)) })), false);
  const byChain = new Map<string, ChainCanvas>();
  for (const r of rows) {
    const storeId = storeIds.get(addrKey(r.chain, r.addr));
    if (storeId === undefined) continue;
    let canvas = byChain.get(r.chain);
    if (!canvas) {
      const chainId = findChainId(store, r.chain);
      if (chainId === null) continue;
      canvas = { chain: r.chain, chainId, nodeByStoreId: new Map() };
      byChain.set(r.chain, canvas);
    }
    canvas.nodeByStoreId.set(storeId, plan.absorbedBy.get(r.id) ?? nodeKey(r.id));
  }
  for (const e of plan.entities) {
    const canvas = byChain.get(e.row.chain);
    for (const id of e.wallet ?? []) if (canvas && !canvas.nodeByStoreId.has(id)) canvas.nodeByStoreId.set(id, e.key);
  }
  return [...byChain.values()];
}

// Transactions of the chain with an input from and an output to an address on the canvas.
// Both halves use the partial address indexes on txin and txout; the CROSS JOINs below keep
// SQLite from scanning every transaction of the chain instead of starting from these hits.
const MATCHING = `
  WITH canvas(id) AS (SELECT value FROM json_each(:ids)),
  hits(tx_id) AS (
    SELECT tx_id FROM txin WHERE address_id IN (SELECT id FROM canvas)
    INTERSECT
    SELECT tx_id FROM txout WHERE address_id IN (SELECT id FROM canvas)
  )`;

/** How many transactions match on one chain, and the first `limit` of them by time then txid. */
function matchingTxs(store: Db, canvas: ChainCanvas, limit: number): { count: number; first: Candidate[] } {
  const params = { ids: JSON.stringify([...canvas.nodeByStoreId.keys()]), chainId: canvas.chainId, limit };
  const count = store
    .prepare(`${MATCHING} SELECT count(*) FROM hits CROSS JOIN tx ON tx.id = hits.tx_id WHERE tx.chain_id = :chainId`)
    .pluck()
    .get({ ids: params.ids, chainId: params.chainId }) as number;
  const rows = store
    .prepare(
      `${MATCHING}
       SELECT tx.id, tx.hash, tx.block_number, tx.time, tx.fee FROM hits CROSS JOIN tx ON tx.id = hits.tx_id
       WHERE tx.chain_id = :chainId
       ORDER BY tx.time IS NULL, tx.time, tx.hash LIMIT :limit`,
    )
    .safeIntegers(true)
    .all(params) as { id: bigint; hash: string; block_number: bigint | null; time: bigint | null; fee: bigint | string | null }[];
  return {
    count,
    first: rows.map((r) => ({
      canvas,
      txId: Number(r.id),
      hash: r.hash,
      height: r.block_number === null ? null : Number(r.block_number),
      time: r.time === null ? null : Number(r.time),
      fee: r.fee === null ? null : fromDbAmount(r.fee),
    })),
  };
}

/** Untimed transactions last, then by txid, the same order as the SQL above. */
function byTimeThenTxid(a: Candidate, b: Candidate): number {
  if (a.time !== b.time) {
    if (a.time === null) return 1;
    if (b.time === null) return -1;
    return a.time - b.time;
  }
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

/** Rows of txin or txout for the given transactions, in position order, amounts read exactly. */
function partRows(store: Db, table: 'txin' | 'txout', txIds: readonly number[]): Map<number, PartRow[]> {
  const rows = store
    .prepare(`SELECT tx_id, address_id, value, ${table === 'txout' ? 'type' : 'NULL AS type'} FROM ${table} WHERE tx_id IN (SELECT value FROM json_each(?)) ORDER BY tx_id, n`)
    .safeIntegers(true)
    .all(JSON.stringify(txIds)) as PartRow[];
  const out = new Map<number, PartRow[]>();
  for (const r of rows) {
    const id = Number(r.tx_id);
    const list = out.get(id);
    if (list) list.push(r);
    else out.set(id, [r]);
  }
  return out;
}

interface Split {
  parts: TxFlowPart[];
  other: { value: bigint; count: number };
  /** Rows whose value is not known (inputs whose spent output is not imported yet). */
  unknown: number;
  total: bigint;
}

/** Sums a transaction's inputs or outputs per canvas node, and the rest as "other", exactly. */
function splitByNode(rows: readonly PartRow[], nodeByStoreId: ReadonlyMap<number, string>): Split {
  const byNode = new Map<string, { value: bigint; count: number }>();
  const other = { value: 0n, count: 0 };
  let unknown = 0;
  let total = 0n;
  for (const r of rows) {
    if (r.value === null) {
      unknown++;
      continue;
    }
    const value = fromDbAmount(r.value);
    total += value;
    const nodeId = r.address_id === null ? undefined : nodeByStoreId.get(Number(r.address_id));
    if (nodeId === undefined) {
      other.value += value;
      other.count++;
      continue;
    }
    const sum = byNode.get(nodeId) ?? { value: 0n, count: 0 };
    sum.value += value;
    sum.count++;
    byNode.set(nodeId, sum);
  }
  const parts = [...byNode].map(([nodeId, s]) => ({ nodeId, value: s.value.toString(), count: s.count }));
  return { parts, other, unknown, total };
}

/** The CoinJoin verdict on a transaction's own inputs and outputs (addresses by store id). */
function coinjoinOf(chain: string, inputs: readonly PartRow[], outputs: readonly PartRow[]): TxFlow['coinjoin'] {
  const id = (a: bigint | null): string | null => (a === null ? null : String(a));
  const verdict = detectCoinJoin(
    {
      inputs: inputs.map((r) => ({ value: r.value === null ? null : fromDbAmount(r.value), address: id(r.address_id) })),
      outputs: outputs.map((r) => ({ value: fromDbAmount(r.value), address: id(r.address_id), type: r.type ?? '' })),
    },
    resolveChain(chain).nativeSymbol,
  );
  return verdict && { rule: verdict.rule, detail: verdict.detail };
}

function toFlow(tx: Candidate, inputs: readonly PartRow[], outputs: readonly PartRow[]): TxFlow {
  const ins = splitByNode(inputs, tx.canvas.nodeByStoreId);
  const outs = splitByNode(outputs, tx.canvas.nodeByStoreId);
  return {
    chain: tx.canvas.chain,
    txid: tx.hash,
    height: tx.height,
    time: tx.time,
    fee: tx.fee === null ? null : tx.fee.toString(),
    totalIn: ins.unknown > 0 ? null : ins.total.toString(),
    totalOut: outs.total.toString(),
    inputCount: inputs.length,
    outputCount: outputs.length,
    coinjoin: inputs.length === 0 ? null : coinjoinOf(tx.canvas.chain, inputs, outputs),
    inputs: ins.parts,
    outputs: outs.parts,
    otherIn: { value: ins.other.value.toString(), count: ins.other.count },
    otherOut: { value: outs.other.value.toString(), count: outs.other.count },
    unknownIn: ins.unknown,
  };
}

/**
 * Every transaction on a UTXO chain with at least one input from and one output to a visible
 * address node, ordered by time then txid, at most `limit` of them. Inputs and outputs are
 * grouped per address node with exact sums; what comes from or goes elsewhere is summed as
 * "other", so each transaction's numbers reconcile with its totals.
 */
export function txFlows(store: Db, c: CaseFile, limit: number): TxFlows {
  let matching = 0;
  const candidates: Candidate[] = [];
  for (const canvas of utxoCanvas(store, c)) {
    const { count, first } = matchingTxs(store, canvas, limit);
    matching += count;
    candidates.push(...first);
  }
  const chosen = candidates.sort(byTimeThenTxid).slice(0, limit);
  const txIds = chosen.map((t) => t.txId);
  const inputs = partRows(store, 'txin', txIds);
  const outputs = partRows(store, 'txout', txIds);
  return {
    caseId: c.id,
    txs: chosen.map((t) => toFlow(t, inputs.get(t.txId) ?? [], outputs.get(t.txId) ?? [])),
    truncated: matching - chosen.length,
  };
}
