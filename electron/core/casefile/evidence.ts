/**
 * Evidence: the chain facts behind a case, carried in a case bundle to a colleague whose store
 * has none of them.
 *
 * extractEvidence writes a store-shaped SQLite file holding the subset of the sender's store
 * that the case's graph, transaction flows and transaction details are computed from, with the
 * sender's row ids (the file is a small store: every query that runs on a store runs on it).
 *
 * mergeEvidence brings such a file into a receiver's store as one `cairn-bundle` dataset per
 * chain, the way an import would: facts deduplicated on their natural keys, ids remapped, edges
 * and hub rankings updated by the importers' own functions, all in one transaction. A fact the
 * receiver already holds with a different value is kept as it is and reported.
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { resolveChain } from '../../../shared/model/chains';
import { MultiInputClustering } from '../analysis/clustering/multiInput';
import { fingerprintOf } from '../ingest/datasetRun';
import { TRANSFER_NATIVE } from '../ingest/ethereumEtl/writeEtlRows';
import { foldTransactions, resolveInputs } from '../ingest/bitcoin/utxoFold';
import { ensureNativeAsset } from '../store/assets';
import { ensureChainId } from '../store/chains';
import { finishDataset, insertDataset, type SourceRecord } from '../store/datasets';
import { addTransfersToEdges, fillTimesFromBlocks, recomputeEdges } from '../store/edges';
import { refreshHubs } from '../store/hubs';
import { openDatabase, type Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import { storeMigrations } from '../store/storeMigrations';
import { txHashKey, utxoHashBytes } from '../store/txHash';

export const BUNDLE_FORMAT = 'cairn-bundle';
export const BUNDLE_PARSER_VERSION = '1';
/** dataset_source.kind of the bundle file itself, and the prefix of the sources it carries. */
export const BUNDLE_SOURCE_KIND = 'bundle';
export const VIA_BUNDLE = 'via-bundle:';

/**
 * Every column of every table evidence carries, as the store schema declares them. Extraction
 * checks this against the schema it creates, so a migration that adds a column cannot be left
 * out of bundles silently. DERIVED_TABLES are never carried.
 */
export const EVIDENCE_COLUMNS = {
  chain: ['id', 'caip2'],
  dataset: ['id', 'format', 'parser_version', 'chain_id', 'fingerprint', 'started_at', 'finished_at', 'row_counts', 'added', 'scope'],
  dataset_source: ['dataset_id', 'seq', 'name', 'path', 'size', 'sha256', 'kind', 'rows', 'read_to', 'read_to_sha256'],
  address: ['id', 'chain_id', 'addr'],
  asset: ['id', 'chain_id', 'contract', 'symbol', 'name', 'decimals', 'dataset_id', 'standard'],
  block: ['chain_id', 'number', 'hash', 'parent_hash', 'time', 'tx_count', 'dataset_id'],
  tx: ['id', 'chain_id', 'hash_bin', 'hash_form', 'block_number', 'tx_index', 'time', 'from_id', 'to_id', 'value', 'status', 'stub', 'dataset_id', 'fee', 'coinbase', 'folded'],
  transfer: ['id', 'chain_id', 'tx_id', 'kind', 'pos', 'from_id', 'to_id', 'asset_id', 'amount', 'time', 'status', 'dataset_id', 'token_id'],
  edge: ['from_id', 'to_id', 'asset_id', 'total', 'cnt', 'first_time', 'last_time'],
  btc_block: ['chain_id', 'hash', 'prev_hash', 'height', 'time', 'bits', 'tx_count', 'size', 'dataset_id', 'stated_height'],
  btc_block_tx: ['chain_id', 'block_bin', 'idx', 'tx_id'],
  txout: ['tx_id', 'n', 'value', 'type', 'address_id', 'data', 'spent_by', 'spent_n'],
  txin: ['tx_id', 'n', 'prev_txid_bin', 'prev_n', 'prev_tx_id', 'value', 'address_id', 'derived'],
} as const;

export type EvidenceTable = keyof typeof EVIDENCE_COLUMNS;
/**
 * Store tables that evidence never carries: derived rankings, address clusters (inferences the
 * receiver's store recomputes from the facts as they are merged), and the workspace's label sets
 * (intelligence, not chain facts: a received case shows the labels of the workspace it is
 * opened in), with the trigram index's own tables; and the conflicts between the workspace's
 * sources (they name this workspace's dataset ids; a merge reports its own conflicts).
 */
const DERIVED_TABLES = [
  'conflict',
  'hub',
  'hub_rank',
  'entity_member',
  'entity_root',
  'cluster_evidence',
  'cluster_held',
  'cluster_setting',
  'label_set',
  'label',
  'label_actor',
  'label_fts',
  'label_fts_config',
  'label_fts_content',
  'label_fts_data',
  'label_fts_docsize',
  'label_fts_idx',
];

const ALIAS = 'cairn_evidence';

/** A separate connection on a file, honouring the Electron build of the addon as openDatabase does. */
function rawDatabase(file: string, options: Database.Options = {}): Db {
  const nativeBinding = process.env.CAIRN_SQLITE_BINDING;
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}

/** Removes a SQLite file and whatever journal or WAL files it left. */
export function removeDbFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/** Fails unless the schema `schema` of `db` has exactly the tables and columns evidence knows. */
function checkColumns(db: Db, schema: string): void {
  const tables = (db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).filter(
    (t) => !t.startsWith('sqlite_'),
  );
  const known = [...Object.keys(EVIDENCE_COLUMNS), ...DERIVED_TABLES].sort();
  if (tables.join(',') !== known.join(',')) {
    throw new Error(`evidence: the store schema has tables ${tables.join(', ')}; evidence.ts knows ${known.join(', ')}: update EVIDENCE_COLUMNS`);
  }
  for (const [table, columns] of Object.entries(EVIDENCE_COLUMNS)) {
    const actual = (db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).pluck().all(table, schema) as string[]).sort();
    if (actual.join(',') !== [...columns].sort().join(',')) {
      throw new Error(`evidence: table ${table} has columns ${actual.join(', ')}; evidence.ts knows ${columns.join(', ')}: update EVIDENCE_COLUMNS`);
    }
  }
}

const cols = (table: EvidenceTable, prefix = ''): string => EVIDENCE_COLUMNS[table].map((c) => prefix + c).join(', ');

/**
 * Writes a new store-shaped SQLite file at `outFile` holding the chain facts behind the given
 * addresses (a case's address nodes), with the source store's row ids:
 * - every chain row; the given addresses that the store knows;
 * - every transfer from one of them to one of them (failed ones too), and the edges between them;
 * - the transactions of those transfers, and on UTXO chains also every transaction with an input
 *   from and an output to one of them (the transaction-flow view shows those even when they could
 *   not be folded into transfers);
 * - on UTXO chains, the transactions that spend those transactions' outputs (one step on), so a
 *   transaction's details say what spent each output;
 * - of all those transactions: their account-chain blocks; on UTXO chains all their inputs and
 *   outputs, their block memberships and blocks; the addresses their sender, recipient, inputs
 *   and outputs name;
 * - the assets the transfers and edges move;
 * - the datasets (and their sources) that brought any of these rows: the provenance.
 *
 * Rows are selected by address id through the indexes (each pair of case addresses of a chain
 * through the (from, to) prefix of transfer_from / transfer_to and of the edge key, inputs and
 * outputs through their address indexes, the rest by primary key), never by scanning a table:
 * the cost follows the size of the case, not of the store. The file ends in rollback-journal mode, vacuumed and closed: one
 * self-contained file. Returns how many rows each table received.
 *
 * The copy runs through the source store's own connection (the evidence file is attached to it
 * for the duration; SQL only ever writes the attached file), because better-sqlite3 is built
 * without URI filenames, so the store cannot be attached with `file:…?mode=ro`. The store must
 * not be inside a transaction (ATTACH is refused there).
 */
export function extractEvidence(store: Db, addresses: readonly { chain: string; addr: string }[], outFile: string): Record<string, number> {
  if (store.inTransaction) throw new Error('extractEvidence: the store is inside a transaction; extract before or after it');
  if (existsSync(outFile)) throw new Error(`extractEvidence: ${outFile} already exists; evidence is always written to a new file`);
  const fresh = openDatabase(outFile, storeMigrations);
  try {
    checkColumns(fresh, 'main');
  } catch (error) {
    fresh.close();
    removeDbFiles(outFile);
    throw error;
  }
  fresh.close();

  let counts: Record<string, number>;
  store.prepare(`ATTACH DATABASE ? AS ${ALIAS}`).run(outFile);
  try {
    counts = copySubset(store, addresses);
  } catch (error) {
    if (store.inTransaction) store.exec('ROLLBACK');
    dropTemp(store);
    store.exec(`DETACH DATABASE ${ALIAS}`);
    removeDbFiles(outFile);
    throw error;
  }
  dropTemp(store);
  store.exec(`DETACH DATABASE ${ALIAS}`);

  const out = rawDatabase(outFile);
  try {
    out.pragma('journal_mode = DELETE');
    out.exec('VACUUM');
  } finally {
    out.close();
  }
  return counts;
}

const TEMP_TABLES = ['cairn_ev_addr', 'cairn_ev_tx', 'cairn_ev_more', 'cairn_ev_ds'];

function dropTemp(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

function copySubset(store: Db, addresses: readonly { chain: string; addr: string }[]): Record<string, number> {
  const E = ALIAS;
  const counts: Record<string, number> = {};
  const copy = (table: EvidenceTable, sql: string, ...params: unknown[]): void => {
    counts[table] = (counts[table] ?? 0) + store.prepare(sql).run(...params).changes;
  };
  dropTemp(store);
  store.exec(`
    CREATE TEMP TABLE cairn_ev_addr (id INTEGER PRIMARY KEY, chain_id INTEGER NOT NULL);
    CREATE TEMP TABLE cairn_ev_tx (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE cairn_ev_more (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE cairn_ev_ds (id INTEGER PRIMARY KEY);
  `);
  // One read transaction: every row comes from the same snapshot of the store, even while an
  // import commits on another connection. Foreign keys are checked once, at the commit.
  store.exec('BEGIN');
  store.pragma('defer_foreign_keys = ON');

  const seed = store.prepare(
    `INSERT OR IGNORE INTO temp.cairn_ev_addr (id, chain_id)
     SELECT a.id, a.chain_id FROM main.chain c JOIN main.address a ON a.chain_id = c.id AND a.addr = ? WHERE c.caip2 = ?`,
  );
  for (const a of addresses) seed.run(a.addr, a.chain);

  copy('chain', `INSERT INTO ${E}.chain (${cols('chain')}) SELECT ${cols('chain')} FROM main.chain ORDER BY id`);

  // Pairs of case addresses on one chain, each looked up by the (from_id, to_id) prefix of an index.
  const pairs = `temp.cairn_ev_addr a CROSS JOIN temp.cairn_ev_addr b`;
  copy(
    'transfer',
    `INSERT INTO ${E}.transfer (${cols('transfer')})
     SELECT ${cols('transfer', 't.')} FROM ${pairs} CROSS JOIN main.transfer t
     WHERE b.chain_id = a.chain_id AND t.from_id = a.id AND t.to_id = b.id`,
  );
  copy(
    'edge',
    `INSERT INTO ${E}.edge (${cols('edge')})
     SELECT ${cols('edge', 'e.')} FROM ${pairs} CROSS JOIN main.edge e
     WHERE b.chain_id = a.chain_id AND e.from_id = a.id AND e.to_id = b.id`,
  );

  store.exec(`INSERT OR IGNORE INTO temp.cairn_ev_tx (id) SELECT tx_id FROM ${E}.transfer`);
  // UTXO transactions with an input from and an output to case addresses (the flow view's rule).
  store.exec(
    `INSERT OR IGNORE INTO temp.cairn_ev_tx (id)
     SELECT i.tx_id FROM temp.cairn_ev_addr a CROSS JOIN main.txin i WHERE i.address_id = a.id
     INTERSECT
     SELECT o.tx_id FROM temp.cairn_ev_addr a CROSS JOIN main.txout o WHERE o.address_id = a.id`,
  );
  // The transactions that spend their outputs, one step on: what a transaction's details show as
  // "spent by", and where the next step of a trace starts. (SQLite computes the SELECT before it
  // inserts, so the spenders' own spenders are not added.)
  store.exec(
    `INSERT OR IGNORE INTO temp.cairn_ev_tx (id)
     SELECT o.spent_by FROM temp.cairn_ev_tx x CROSS JOIN main.txout o WHERE o.tx_id = x.id AND o.spent_by IS NOT NULL`,
  );
  const byTx = `temp.cairn_ev_tx x CROSS JOIN`;
  copy('tx', `INSERT INTO ${E}.tx (${cols('tx')}) SELECT ${cols('tx', 't.')} FROM ${byTx} main.tx t WHERE t.id = x.id`);
  copy('txout', `INSERT INTO ${E}.txout (${cols('txout')}) SELECT ${cols('txout', 'o.')} FROM ${byTx} main.txout o WHERE o.tx_id = x.id`);
  copy('txin', `INSERT INTO ${E}.txin (${cols('txin')}) SELECT ${cols('txin', 'i.')} FROM ${byTx} main.txin i WHERE i.tx_id = x.id`);
  copy(
    'btc_block_tx',
    `INSERT INTO ${E}.btc_block_tx (${cols('btc_block_tx')})
     SELECT ${cols('btc_block_tx', 'm.')} FROM ${byTx} main.btc_block_tx m WHERE m.tx_id = x.id`,
  );
  copy(
    'btc_block',
    `INSERT INTO ${E}.btc_block (${cols('btc_block')})
     SELECT ${cols('btc_block', 'b.')} FROM (SELECT DISTINCT chain_id, block_hash FROM ${E}.btc_block_tx) m CROSS JOIN main.btc_block b
     WHERE b.chain_id = m.chain_id AND b.hash = m.block_hash`,
  );
  copy(
    'block',
    `INSERT INTO ${E}.block (${cols('block')})
     SELECT ${cols('block', 'b.')} FROM (SELECT DISTINCT chain_id, block_number FROM ${E}.tx WHERE block_number IS NOT NULL) x CROSS JOIN main.block b
     WHERE b.chain_id = x.chain_id AND b.number = x.block_number`,
  );

  store.exec(
    `INSERT OR IGNORE INTO temp.cairn_ev_more (id)
     SELECT id FROM temp.cairn_ev_addr
     UNION SELECT from_id FROM ${E}.tx WHERE from_id IS NOT NULL
     UNION SELECT to_id FROM ${E}.tx WHERE to_id IS NOT NULL
     UNION SELECT address_id FROM ${E}.txout WHERE address_id IS NOT NULL
     UNION SELECT address_id FROM ${E}.txin WHERE address_id IS NOT NULL`,
  );
  copy('address', `INSERT INTO ${E}.address (${cols('address')}) SELECT ${cols('address', 'a.')} FROM temp.cairn_ev_more m CROSS JOIN main.address a WHERE a.id = m.id`);
  copy(
    'asset',
    `INSERT INTO ${E}.asset (${cols('asset')})
     SELECT ${cols('asset', 's.')} FROM (SELECT asset_id FROM ${E}.transfer UNION SELECT asset_id FROM ${E}.edge) x CROSS JOIN main.asset s WHERE s.id = x.asset_id`,
  );

  store.exec(
    `INSERT OR IGNORE INTO temp.cairn_ev_ds (id)
     SELECT dataset_id FROM ${E}.asset WHERE dataset_id IS NOT NULL
     UNION SELECT dataset_id FROM ${E}.block
     UNION SELECT dataset_id FROM ${E}.tx
     UNION SELECT dataset_id FROM ${E}.transfer
     UNION SELECT dataset_id FROM ${E}.btc_block`,
  );
  copy('dataset', `INSERT INTO ${E}.dataset (${cols('dataset')}) SELECT ${cols('dataset', 'd.')} FROM temp.cairn_ev_ds x CROSS JOIN main.dataset d WHERE d.id = x.id`);
  copy(
    'dataset_source',
    `INSERT INTO ${E}.dataset_source (${cols('dataset_source')})
     SELECT ${cols('dataset_source', 's.')} FROM temp.cairn_ev_ds x CROSS JOIN main.dataset_source s WHERE s.dataset_id = x.id`,
  );
  store.exec('COMMIT');
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Merge

export interface BundleProvenance {
  /** The bundle file's name: the name and path of its dataset_source row. */
  bundleName: string;
  bundleSha256: string;
  bundleSize: number;
  /**
   * Who sent it. The store has no column for it (dataset_source holds files); the caller keeps
   * it with the received case (casefile/registry.ts), beside the same bundle SHA-256.
   */
  sender: string;
}

export interface MergeResult {
  /** The datasets created, one per chain that brought anything new. Empty when nothing was new. */
  datasets: number[];
  /** Rows added per table (all chains); `filled`: unknown values of existing facts the bundle made known. */
  added: Record<string, number>;
  /** Facts the store already holds with a different value: kept as they are, one message each. */
  conflicts: string[];
}

type Amount = bigint | string;

interface EvAddress { id: number; chainId: number; addr: string }
interface EvAsset { id: number; chainId: number; contract: string; symbol: string | null; name: string | null; decimals: number | null; standard: string | null }
interface EvBlock { chainId: number; number: number; hash: string; parentHash: string | null; time: number; txCount: number | null }
interface EvTx {
  id: number; chainId: number; hash: string; blockNumber: number | null; txIndex: number | null; time: number | null;
  fromId: number | null; toId: number | null; value: Amount | null; status: number | null; stub: number; fee: Amount | null; coinbase: number; folded: number;
}
interface EvTransfer {
  id: number; chainId: number; txId: number; kind: number; pos: string; fromId: number | null; toId: number | null;
  assetId: number; amount: Amount; time: number | null; status: number | null; tokenId: string | null;
}
interface EvTxout { txId: number; n: number; value: Amount; type: string; addressId: number | null; data: Buffer | null }
interface EvTxin { txId: number; n: number; prevTxid: string; prevN: number; prevTxId: number | null; value: Amount | null; addressId: number | null; derived: number }
interface EvMember { chainId: number; blockHash: string; idx: number; txId: number }
interface EvSource { name: string; path: string; size: number; sha256: string; kind: string; rows: number }

interface Evidence {
  chains: Map<number, string>;
  datasets: { id: number; chainId: number }[];
  sources: Map<number, EvSource[]>;
  addresses: EvAddress[];
  assets: EvAsset[];
  blocks: EvBlock[];
  btcBlocks: number;
  btcBlocksByChain: Map<number, number>;
  txs: EvTx[];
  transfers: EvTransfer[];
  txouts: Map<number, EvTxout[]>;
  txins: Map<number, EvTxin[]>;
  members: EvMember[];
}

const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const intReq = (v: unknown): number => Number(v);
const amountOrNull = (v: unknown): Amount | null => (v === null || v === undefined ? null : typeof v === 'number' ? BigInt(v) : (v as Amount));

/** Reads the evidence file: SELECTs of known columns of known tables, nothing else. */
function readEvidence(ev: Db): Evidence {
  // Hashes are read as their text, which files from every version have under the same name: a
  // tx's `hash` (stored before store migration 110, a virtual column over hash_bin and hash_form
  // since, store/txHash.ts), an input's `prev_txid` and a membership's `block_hash` (stored
  // before migration 120, virtual columns over their bytes since).
  const AS_TEXT: Partial<Record<EvidenceTable, { bytes: readonly string[]; text: string }>> = {
    tx: { bytes: ['hash_bin', 'hash_form'], text: 'hash' },
    txin: { bytes: ['prev_txid_bin'], text: 'prev_txid' },
    btc_block_tx: { bytes: ['block_bin'], text: 'block_hash' },
  };
  const readable = (table: EvidenceTable): string => {
    const t = AS_TEXT[table];
    return t ? [...EVIDENCE_COLUMNS[table].filter((c) => !t.bytes.includes(c)), t.text].join(', ') : cols(table);
  };
  const all = (table: EvidenceTable, order: string): Record<string, unknown>[] =>
    ev.prepare(`SELECT ${readable(table)} FROM ${table} ORDER BY ${order}`).safeIntegers(true).all() as Record<string, unknown>[];
  const chains = new Map(all('chain', 'id').map((r) => [intReq(r.id), String(r.caip2)]));
  const datasets = all('dataset', 'id').map((r) => ({ id: intReq(r.id), chainId: intReq(r.chain_id) }));
  const sources = new Map<number, EvSource[]>();
  for (const r of all('dataset_source', 'dataset_id, seq')) {
    const id = intReq(r.dataset_id);
    const list = sources.get(id) ?? [];
    list.push({ name: String(r.name), path: String(r.path), size: intReq(r.size), sha256: String(r.sha256), kind: String(r.kind), rows: intReq(r.rows) });
    sources.set(id, list);
  }
  const btcBlocksByChain = new Map<number, number>();
  const btc = all('btc_block', 'chain_id, hash');
  for (const r of btc) btcBlocksByChain.set(intReq(r.chain_id), (btcBlocksByChain.get(intReq(r.chain_id)) ?? 0) + 1);
  const group = <T extends { txId: number }>(rows: T[]): Map<number, T[]> => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const list = m.get(r.txId);
      if (list) list.push(r);
      else m.set(r.txId, [r]);
    }
    return m;
  };
  return {
    chains,
    datasets,
    sources,
    addresses: all('address', 'id').map((r) => ({ id: intReq(r.id), chainId: intReq(r.chain_id), addr: String(r.addr) })),
    assets: all('asset', 'id').map((r) => ({
      id: intReq(r.id),
      chainId: intReq(r.chain_id),
      contract: String(r.contract),
      symbol: r.symbol === null ? null : String(r.symbol),
      name: r.name === null ? null : String(r.name),
      decimals: int(r.decimals),
      standard: r.standard === null ? null : String(r.standard),
    })),
    blocks: all('block', 'chain_id, number').map((r) => ({
      chainId: intReq(r.chain_id),
      number: intReq(r.number),
      hash: String(r.hash),
      parentHash: r.parent_hash === null ? null : String(r.parent_hash),
      time: intReq(r.time),
      txCount: int(r.tx_count),
    })),
    btcBlocks: btc.length,
    btcBlocksByChain,
    txs: all('tx', 'id').map((r) => ({
      id: intReq(r.id),
      chainId: intReq(r.chain_id),
      hash: String(r.hash),
      blockNumber: int(r.block_number),
      txIndex: int(r.tx_index),
      time: int(r.time),
      fromId: int(r.from_id),
      toId: int(r.to_id),
      value: amountOrNull(r.value),
      status: int(r.status),
      stub: intReq(r.stub),
      fee: amountOrNull(r.fee),
      coinbase: intReq(r.coinbase),
      folded: intReq(r.folded),
    })),
    transfers: all('transfer', 'id').map((r) => ({
      id: intReq(r.id),
      chainId: intReq(r.chain_id),
      txId: intReq(r.tx_id),
      kind: intReq(r.kind),
      pos: String(r.pos),
      fromId: int(r.from_id),
      toId: int(r.to_id),
      assetId: intReq(r.asset_id),
      amount: amountOrNull(r.amount)!,
      time: int(r.time),
      status: int(r.status),
      tokenId: r.token_id === null ? null : String(r.token_id),
    })),
    txouts: group(
      all('txout', 'tx_id, n').map((r) => ({
        txId: intReq(r.tx_id),
        n: intReq(r.n),
        value: amountOrNull(r.value)!,
        type: String(r.type),
        addressId: int(r.address_id),
        data: r.data === null ? null : Buffer.from(r.data as Uint8Array),
      })),
    ),
    txins: group(
      all('txin', 'tx_id, n').map((r) => ({
        txId: intReq(r.tx_id),
        n: intReq(r.n),
        prevTxid: String(r.prev_txid),
        prevN: intReq(r.prev_n),
        prevTxId: int(r.prev_tx_id),
        value: amountOrNull(r.value),
        addressId: int(r.address_id),
        derived: intReq(r.derived),
      })),
    ),
    members: all('btc_block_tx', 'chain_id, block_hash, idx').map((r) => ({ chainId: intReq(r.chain_id), blockHash: String(r.block_hash), idx: intReq(r.idx), txId: intReq(r.tx_id) })),
  };
}

const sameAmount = (a: Amount | number | null, b: Amount | number | null): boolean => (a === null || b === null ? a === b : fromDbAmount(a) === fromDbAmount(b));
const show = (v: unknown): string => (v === null || v === undefined ? 'none' : typeof v === 'string' ? `"${v}"` : String(v));

function isUtxo(caip2: string, ev: Evidence, chainId: number): boolean {
  try {
    return resolveChain(caip2).family === 'utxo';
  } catch {
    // A chain this version does not know: UTXO if the bundle carries inputs or outputs for it.
    return ev.txs.some((t) => t.chainId === chainId && (ev.txouts.has(t.id) || ev.txins.has(t.id)));
  }
}

/**
 * Brings an evidence file's facts into `store`, in ONE transaction, as one `cairn-bundle`
 * dataset per chain that brings anything new. Each dataset's sources are the bundle itself
 * (kind `bundle`) and every source of the evidence's datasets of that chain (kind
 * `via-bundle:<original kind>`), so the original provenance survives the hand-over.
 *
 * Facts are deduplicated on their natural keys as the importers do, with ids remapped: addresses
 * by (chain, addr), assets by (chain, contract), txs by (chain, hash), transfers by (tx, kind,
 * pos), blocks by (chain, number), UTXO inputs and outputs by (tx, n). What the store holds with a
 * different value is kept and listed in `conflicts` (with everything of that transaction);
 * values the store does not know yet (a stub tx, an unknown status or recipient, a token's
 * decimals) are filled in as the importers fill them, and edges that already counted them are
 * recomputed.
 *
 * The store stays what the importers expect, so that importing the original data later adds
 * exactly what the bundle did not carry:
 * - a UTXO transaction is written whole (every input and output), its inputs linked to the outputs
 *   they spend, and folded into transfers by the importer's fold: all its transfers, not only
 *   those between case addresses. Its block rows (btc_block) are NOT written: a Bitcoin import
 *   skips a block it already holds as a whole, so a block holding only the case's transactions
 *   would hide the rest of it for good. Each transaction keeps its height and time, and its block
 *   membership (btc_block_tx).
 * - a complete account-chain transaction gets its native-value transfer, as the importers write
 *   it with the transaction (a later import of that transaction would not).
 * Edges are summed with addTransfersToEdges (and recomputeEdges, fillTimesFromBlocks), hub
 * rankings refreshed with refreshHubs and UTXO transactions clustered, as after an import.
 *
 * The evidence file is opened read-only with trusted_schema off; only SELECTs of known columns of
 * known tables are run on it. Merging the same evidence again adds nothing and creates no dataset.
 */
export function mergeEvidence(store: Db, evidenceFile: string, provenance: BundleProvenance): MergeResult {
  const ev = rawDatabase(evidenceFile, { readonly: true, fileMustExist: true });
  let evidence: Evidence;
  try {
    ev.pragma('trusted_schema = OFF');
    evidence = readEvidence(ev);
  } finally {
    ev.close();
  }
  return store.transaction(() => mergeAll(store, evidence, provenance)).immediate();
}

interface ChainMerge {
  caip2: string;
  chainId: number;
  datasetId: number;
  sources: SourceRecord[];
  rowCounts: Record<string, number>;
  added: Record<string, number>;
}

function mergeAll(db: Db, ev: Evidence, provenance: BundleProvenance): MergeResult {
  const conflicts: string[] = [];
  const startedAt = new Date().toISOString();
  // Transfers at or above this id are the merge's: summed into edges at the end, per chain.
  const watermark = ((db.prepare('SELECT max(id) FROM transfer').pluck().get() as number | null) ?? 0) + 1;
  const present = [...new Set([...ev.addresses.map((a) => a.chainId), ...ev.txs.map((t) => t.chainId), ...ev.assets.map((a) => a.chainId)])].sort((a, b) => a - b);
  const merges: ChainMerge[] = [];
  for (const evChainId of present) {
    const caip2 = ev.chains.get(evChainId);
    if (caip2 === undefined) throw new Error(`evidence: facts name chain id ${evChainId}, which the bundle does not list`);
    merges.push(mergeChain(db, ev, evChainId, caip2, provenance, startedAt, watermark, conflicts));
  }
  // Hub rankings follow the edges, as after an import (nothing to do when nothing changed).
  if (merges.some((m) => Object.values(m.added).some((n) => n > 0))) refreshHubs(db);

  const finishedAt = new Date().toISOString();
  const datasets: number[] = [];
  const added: Record<string, number> = {};
  for (const m of merges) {
    for (const [k, n] of Object.entries(m.added)) added[k] = (added[k] ?? 0) + n;
    if (Object.values(m.added).every((n) => n === 0)) {
      // Nothing new on this chain: no fact points at the dataset row, so it goes.
      db.prepare('DELETE FROM dataset WHERE id = ?').run(m.datasetId);
      continue;
    }
    db.prepare('UPDATE dataset SET fingerprint = ? WHERE id = ?').run(fingerprintOf(BUNDLE_FORMAT, m.caip2, m.sources), m.datasetId);
    finishDataset(db, m.datasetId, m.sources, m.rowCounts, m.added, finishedAt);
    datasets.push(m.datasetId);
  }
  return { datasets, added, conflicts };
}

function mergeChain(
  db: Db,
  ev: Evidence,
  evChainId: number,
  caip2: string,
  provenance: BundleProvenance,
  startedAt: string,
  watermark: number,
  conflicts: string[],
): ChainMerge {
  const utxo = isUtxo(caip2, ev, evChainId);
  const chainId = ensureChainId(db, caip2);
  const datasetId = insertDataset(db, { format: BUNDLE_FORMAT, parserVersion: BUNDLE_PARSER_VERSION, chainId, fingerprint: '', startedAt });
  const added: Record<string, number> = { address: 0, asset: 0, block: 0, tx: 0, transfer: 0, btc_block_tx: 0, txout: 0, txin: 0, filled: 0 };
  const conflict = (message: string): void => void conflicts.push(`${caip2}: ${message}`);

  const addresses = ev.addresses.filter((a) => a.chainId === evChainId);
  const assets = ev.assets.filter((a) => a.chainId === evChainId);
  const blocks = ev.blocks.filter((b) => b.chainId === evChainId);
  const txs = ev.txs.filter((t) => t.chainId === evChainId);
  const transfers = ev.transfers.filter((t) => t.chainId === evChainId);
  const members = ev.members.filter((m) => m.chainId === evChainId);
  const txIds = new Set(txs.map((t) => t.id));
  let outputs = 0;
  let inputs = 0;
  for (const id of txIds) {
    outputs += ev.txouts.get(id)?.length ?? 0;
    inputs += ev.txins.get(id)?.length ?? 0;
  }
  const rowCounts: Record<string, number> = {
    address: addresses.length,
    asset: assets.length,
    block: blocks.length,
    btc_block: ev.btcBlocksByChain.get(evChainId) ?? 0,
    btc_block_tx: members.length,
    tx: txs.length,
    txout: outputs,
    txin: inputs,
    transfer: transfers.length,
  };

  // Provenance: the bundle, then every source the evidence's datasets of this chain name.
  const sources: SourceRecord[] = [
    {
      name: provenance.bundleName,
      path: provenance.bundleName,
      size: provenance.bundleSize,
      sha256: provenance.bundleSha256,
      kind: BUNDLE_SOURCE_KIND,
      rows: Object.values(rowCounts).reduce((a, b) => a + b, 0),
    },
  ];
  const seen = new Set<string>();
  for (const d of ev.datasets.filter((d) => d.chainId === evChainId)) {
    for (const s of ev.sources.get(d.id) ?? []) {
      const kind = s.kind.startsWith(VIA_BUNDLE) ? s.kind : VIA_BUNDLE + s.kind;
      const key = `${kind}\n${s.sha256}\n${s.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sources.push({ name: s.name, path: s.path, size: s.size, sha256: s.sha256, kind, rows: s.rows });
    }
  }

  // Addresses.
  const addressIds = new Map<number, number>();
  const addressText = new Map<number, string>();
  const insertAddress = db.prepare('INSERT OR IGNORE INTO address (chain_id, addr) VALUES (?, ?)');
  const findAddress = db.prepare('SELECT id FROM address WHERE chain_id = ? AND addr = ?').pluck();
  for (const a of addresses) {
    const r = insertAddress.run(chainId, a.addr);
    added.address += r.changes;
    addressIds.set(a.id, r.changes ? Number(r.lastInsertRowid) : (findAddress.get(chainId, a.addr) as number));
    addressText.set(a.id, a.addr);
  }
  const addr = (evId: number | null, what: string): number | null => {
    if (evId === null) return null;
    const id = addressIds.get(evId);
    if (id === undefined) throw new Error(`evidence: ${what} names address id ${evId}, which the bundle does not carry on ${caip2}`);
    return id;
  };

  // Assets: the chain's native asset as the importers create it, then the bundle's.
  let nativeAssetId: number | null = null;
  const findAsset = db.prepare('SELECT id, symbol, name, decimals, standard FROM asset WHERE chain_id = ? AND contract = ?');
  try {
    const before = findAsset.get(chainId, '');
    nativeAssetId = ensureNativeAsset(db, chainId, caip2, datasetId);
    if (!before) added.asset++;
  } catch {
    // A chain this version does not know: its native asset comes from the bundle, if at all.
  }
  const assetIds = new Map<number, number>();
  const insertAsset = db.prepare('INSERT INTO asset (chain_id, contract, symbol, name, decimals, dataset_id, standard) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const fillAsset = db.prepare(
    'UPDATE asset SET symbol = coalesce(symbol, ?), name = coalesce(name, ?), decimals = coalesce(decimals, ?), standard = coalesce(standard, ?) WHERE id = ?',
  );
  const assetHasTransfers = db.prepare('SELECT 1 FROM transfer WHERE asset_id = ? LIMIT 1').pluck();
  for (const a of assets) {
    const r = findAsset.get(chainId, a.contract) as { id: number; symbol: string | null; name: string | null; decimals: number | null; standard: string | null } | undefined;
    if (!r) {
      const id = Number(insertAsset.run(chainId, a.contract, a.symbol, a.name, a.decimals, datasetId, a.standard).lastInsertRowid);
      added.asset++;
      assetIds.set(a.id, id);
      if (a.contract === '') nativeAssetId ??= id;
      continue;
    }
    assetIds.set(a.id, r.id);
    const label = a.contract === '' ? 'the native asset' : `token ${a.contract}`;
    const diffs: string[] = [];
    for (const [field, mine, theirs] of [
      ['symbol', r.symbol, a.symbol],
      ['name', r.name, a.name],
      ['decimals', r.decimals, a.decimals],
      ['standard', r.standard, a.standard],
    ] as const) {
      if (mine !== null && theirs !== null && mine !== theirs) diffs.push(`${field} ${show(mine)} here, ${show(theirs)} in the bundle`);
    }
    // Marking a token ERC-721 rewrites the amounts of its stored transfers: only when it has none.
    let standard = a.standard;
    if (r.standard === null && a.standard !== null && assetHasTransfers.get(r.id) !== undefined) {
      diffs.push(`standard unknown here (its transfers are stored as amounts), ${show(a.standard)} in the bundle`);
      standard = null;
    }
    if (diffs.length) conflict(`${label}: ${diffs.join('; ')}; kept this store's`);
    const fills = [r.symbol === null && a.symbol !== null, r.name === null && a.name !== null, r.decimals === null && a.decimals !== null, r.standard === null && standard !== null];
    if (fills.some(Boolean)) {
      fillAsset.run(a.symbol, a.name, a.decimals, standard, r.id);
      added.filled += fills.filter(Boolean).length;
    }
  }
  const asset = (evId: number): number => {
    const id = assetIds.get(evId);
    if (id === undefined) throw new Error(`evidence: a transfer names asset id ${evId}, which the bundle does not carry on ${caip2}`);
    return id;
  };

  // Account-chain blocks. (UTXO block rows are not written: see mergeEvidence.)
  const insertBlock = db.prepare('INSERT OR IGNORE INTO block (chain_id, number, hash, parent_hash, time, tx_count, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const findBlock = db.prepare('SELECT hash, parent_hash AS parentHash, time FROM block WHERE chain_id = ? AND number = ?');
  for (const b of blocks) {
    const r = insertBlock.run(chainId, b.number, b.hash, b.parentHash, b.time, b.txCount, datasetId);
    if (r.changes) {
      added.block++;
      continue;
    }
    const mine = findBlock.get(chainId, b.number) as { hash: string; parentHash: string | null; time: number };
    if (mine.hash !== b.hash) conflict(`block ${b.number}: hash ${mine.hash} here, ${b.hash} in the bundle; kept this store's`);
    else if (mine.time !== b.time) conflict(`block ${b.number}: time ${mine.time} here, ${b.time} in the bundle; kept this store's`);
  }

  // Transactions.
  const txIdsHere = new Map<number, number>();
  /** Account-chain txs this merge inserted or completed: they get their native-value transfer. */
  const completed: number[] = [];
  /** UTXO txs to fold once inputs are linked. */
  const toFold = new Set<number>();
  const stale = new Map<string, [number, number, number]>();
  const s = {
    findTx: db.prepare(
      'SELECT id, block_number AS blockNumber, tx_index AS txIndex, time, from_id AS fromId, to_id AS toId, value, status, stub, folded FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?',
    ).safeIntegers(true),
    insertTx: db.prepare(
      `INSERT INTO tx (chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    completeStub: db.prepare(
      'UPDATE tx SET block_number = ?, tx_index = ?, time = coalesce(time, ?), from_id = ?, to_id = coalesce(to_id, ?), value = ?, stub = 0 WHERE id = ? AND stub = 1',
    ),
    setTime: db.prepare('UPDATE tx SET time = ? WHERE id = ? AND time IS NULL'),
    setStatus: db.prepare('UPDATE tx SET status = ? WHERE id = ? AND status IS NULL'),
    setTransferStatus: db.prepare(
      'UPDATE transfer SET status = ? WHERE tx_id = ? AND kind IN (0, 1) AND status IS NULL RETURNING id, from_id AS fromId, to_id AS toId, asset_id AS assetId',
    ),
    setTxTo: db.prepare('UPDATE tx SET to_id = ? WHERE id = ? AND to_id IS NULL'),
    setTransferTo: db.prepare('UPDATE transfer SET to_id = ? WHERE tx_id = ? AND kind = 0 AND to_id IS NULL RETURNING id, from_id AS fromId, asset_id AS assetId'),
    insertOut: db.prepare('INSERT INTO txout (tx_id, n, value, type, address_id, data) VALUES (?, ?, ?, ?, ?, ?)'),
    insertIn: db.prepare('INSERT INTO txin (tx_id, n, prev_txid_bin, prev_n, prev_tx_id, value, address_id, derived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    outsHere: db.prepare('SELECT o.n, o.value, o.type, a.addr FROM txout o LEFT JOIN address a ON a.id = o.address_id WHERE o.tx_id = ? ORDER BY o.n').safeIntegers(true),
    insHere: db.prepare(
      'SELECT i.n, i.prev_txid AS prevTxid, i.prev_n AS prevN, i.prev_tx_id AS prevTxId, i.value, a.addr FROM txin i LEFT JOIN address a ON a.id = i.address_id WHERE i.tx_id = ? ORDER BY i.n',
    ).safeIntegers(true),
    fillIn: db.prepare('UPDATE txin SET value = ?, address_id = ?, derived = 0 WHERE tx_id = ? AND n = ? AND value IS NULL AND prev_tx_id IS NULL'),
  };
  const markStale = (id: number, from: number | null, to: number | null, assetId: number): void => {
    if (id < watermark && from !== null && to !== null) stale.set(`${from}:${to}:${assetId}`, [from, to, assetId]);
  };
  /** A status the store did not know, as a receipt gives it: to the tx and its native and token transfers. */
  const learnStatus = (txId: number, status: number): void => {
    if (s.setStatus.run(status, txId).changes === 0) return;
    added.filled++;
    for (const t of s.setTransferStatus.all(status, txId) as { id: number; fromId: number | null; toId: number | null; assetId: number }[]) {
      if (status === 0) markStale(t.id, t.fromId, t.toId, t.assetId);
    }
  };
  /** A recipient the store did not know (a contract creation), to the tx and its native transfer. */
  const learnRecipient = (txId: number, to: number): void => {
    if (s.setTxTo.run(to, txId).changes === 0) return;
    added.filled++;
    for (const t of s.setTransferTo.all(to, txId) as { id: number; fromId: number | null; assetId: number }[]) markStale(t.id, t.fromId, to, t.assetId);
  };

  for (const t of txs) {
    const from = addr(t.fromId, `tx ${t.hash}`);
    const to = addr(t.toId, `tx ${t.hash}`);
    const outs = ev.txouts.get(t.id) ?? [];
    const ins = ev.txins.get(t.id) ?? [];
    const mine = s.findTx.get(chainId, ...txHashKey(t.hash)) as
      | { id: bigint; blockNumber: bigint | null; txIndex: bigint | null; time: bigint | null; fromId: bigint | null; toId: bigint | null; value: Amount | null; status: bigint | null; stub: bigint; folded: bigint }
      | undefined;

    if (!mine) {
      // UTXO: written unfolded, without fee; the importer's fold below gives both.
      const id = Number(
        s.insertTx.run(chainId, ...txHashKey(t.hash), t.blockNumber, t.txIndex, t.time, from, to, t.value, t.status, t.stub, datasetId, utxo ? null : t.fee, t.coinbase, utxo ? 0 : t.folded)
          .lastInsertRowid,
      );
      added.tx++;
      txIdsHere.set(t.id, id);
      if (utxo) {
        for (const o of outs) s.insertOut.run(id, o.n, o.value, o.type, addr(o.addressId, `output ${t.hash}:${o.n}`), o.data);
        // Linked to what they spend by resolveInputs below; what they spend is known meanwhile.
        for (const i of ins) s.insertIn.run(id, i.n, utxoHashBytes(i.prevTxid, `evidence: input ${t.hash}:${i.n} spends txid`), i.prevN, i.prevTxId === 0 ? 0 : null, i.value, addr(i.addressId, `input ${t.hash}:${i.n}`), i.derived);
        added.txout += outs.length;
        added.txin += ins.length;
        toFold.add(id);
      } else if (t.stub === 0) completed.push(id);
      continue;
    }

    const id = Number(mine.id);
    const diffs: string[] = [];
    const here = {
      block: int(mine.blockNumber),
      index: int(mine.txIndex),
      time: int(mine.time),
      from: int(mine.fromId),
      to: int(mine.toId),
      status: int(mine.status),
    };
    const both = <T>(a: T | null, b: T | null): boolean => a !== null && b !== null && a !== b;
    const nameOf = (id: number | null): string => (id === null ? 'none' : ((db.prepare('SELECT addr FROM address WHERE id = ?').pluck().get(id) as string | undefined) ?? `#${id}`));

    if (utxo) {
      const outsHere = s.outsHere.all(id) as { n: bigint; value: Amount; type: string; addr: string | null }[];
      const insHere = s.insHere.all(id) as { n: bigint; prevTxid: string; prevN: bigint; prevTxId: bigint | null; value: Amount | null; addr: string | null }[];
      if (outsHere.length !== outs.length) diffs.push(`${outsHere.length} outputs here, ${outs.length} in the bundle`);
      else {
        outs.forEach((o, k) => {
          const h = outsHere[k]!;
          const theirs = o.addressId === null ? null : (addressText.get(o.addressId) ?? null);
          if (!sameAmount(h.value, o.value)) diffs.push(`output ${o.n} value ${fromDbAmount(h.value)} here, ${fromDbAmount(o.value)} in the bundle`);
          if (h.addr !== theirs) diffs.push(`output ${o.n} pays ${show(h.addr)} here, ${show(theirs)} in the bundle`);
        });
      }
      if (insHere.length !== ins.length) diffs.push(`${insHere.length} inputs here, ${ins.length} in the bundle`);
      else {
        ins.forEach((i, k) => {
          const h = insHere[k]!;
          if (h.prevTxid !== i.prevTxid || Number(h.prevN) !== i.prevN) diffs.push(`input ${i.n} spends ${h.prevTxid}:${h.prevN} here, ${i.prevTxid}:${i.prevN} in the bundle`);
          else if (h.value !== null && i.value !== null && !sameAmount(h.value, i.value)) diffs.push(`input ${i.n} value ${fromDbAmount(h.value)} here, ${fromDbAmount(i.value)} in the bundle`);
        });
      }
      if (diffs.length) {
        conflict(`tx ${t.hash}: ${diffs.join('; ')}; kept this store's, and nothing of this transaction was merged`);
        continue;
      }
      txIdsHere.set(t.id, id);
      if (Number(mine.folded) === 0) {
        // Not folded here because what some inputs spend is unknown here: the bundle knows it.
        ins.forEach((i, k) => {
          const h = insHere[k]!;
          if (h.value === null && h.prevTxId === null && i.value !== null) {
            added.filled += s.fillIn.run(i.value, addr(i.addressId, `input ${t.hash}:${i.n}`), id, i.n).changes;
          }
        });
        toFold.add(id);
      }
      continue;
    }

    // Account chains.
    const ours = { from, to };
    if (Number(mine.stub) === 1 && t.stub === 0) {
      if (both(here.block, t.blockNumber)) diffs.push(`block ${here.block} here, ${t.blockNumber} in the bundle`);
      if (both(here.to, ours.to)) diffs.push(`recipient ${nameOf(here.to)} here, ${nameOf(ours.to)} in the bundle`);
      if (both(here.status, t.status)) diffs.push(`status ${here.status} here, ${t.status} in the bundle`);
      if (diffs.length) {
        conflict(`tx ${t.hash}: ${diffs.join('; ')}; kept this store's, and nothing of this transaction was merged`);
        continue;
      }
      // The stub is completed as the importer completes it when the transactions file arrives.
      s.completeStub.run(t.blockNumber, t.txIndex, t.time, ours.from, ours.to, t.value, id);
      added.tx++;
      if (t.status !== null) learnStatus(id, t.status);
      if (ours.to !== null && here.to === null) {
        // completeStub set the tx's recipient; its native transfer (if any yet) follows.
        for (const tr of s.setTransferTo.all(ours.to, id) as { id: number; fromId: number | null; assetId: number }[]) markStale(tr.id, tr.fromId, ours.to, tr.assetId);
      }
      txIdsHere.set(t.id, id);
      completed.push(id);
      continue;
    }
    if (both(here.block, t.blockNumber)) diffs.push(`block ${here.block} here, ${t.blockNumber} in the bundle`);
    if (Number(mine.stub) === 0 && t.stub === 0) {
      if (both(here.index, t.txIndex)) diffs.push(`index ${here.index} in its block here, ${t.txIndex} in the bundle`);
      if (here.from !== ours.from) diffs.push(`sender ${nameOf(here.from)} here, ${nameOf(ours.from)} in the bundle`);
      if (both(here.to, ours.to)) diffs.push(`recipient ${nameOf(here.to)} here, ${nameOf(ours.to)} in the bundle`);
      if (!sameAmount(mine.value, t.value)) diffs.push(`value ${mine.value === null ? 'none' : fromDbAmount(mine.value)} here, ${t.value === null ? 'none' : fromDbAmount(t.value)} in the bundle`);
    }
    if (both(here.time, t.time)) diffs.push(`time ${here.time} here, ${t.time} in the bundle`);
    if (both(here.status, t.status)) diffs.push(`status ${here.status} here, ${t.status} in the bundle`);
    if (diffs.length) {
      conflict(`tx ${t.hash}: ${diffs.join('; ')}; kept this store's, and nothing of this transaction was merged`);
      continue;
    }
    txIdsHere.set(t.id, id);
    if (here.time === null && t.time !== null) added.filled += s.setTime.run(t.time, id).changes;
    if (here.status === null && t.status !== null) learnStatus(id, t.status);
    if (Number(mine.stub) === 0 && here.to === null && ours.to !== null) learnRecipient(id, ours.to);
  }

  // UTXO block memberships (the blocks themselves are not written: see mergeEvidence).
  const insertMember = db.prepare('INSERT OR IGNORE INTO btc_block_tx (chain_id, block_bin, idx, tx_id) VALUES (?, ?, ?, ?)');
  const findMember = db.prepare('SELECT tx_id FROM btc_block_tx WHERE chain_id = ? AND block_bin = ? AND idx = ?').pluck();
  const hashOfTx = new Map(txs.map((t) => [t.id, t.hash]));
  for (const m of members) {
    const id = txIdsHere.get(m.txId);
    if (id === undefined) continue;
    const block = utxoHashBytes(m.blockHash, 'evidence: a block membership names block');
    const r = insertMember.run(chainId, block, m.idx, id);
    if (r.changes) added.btc_block_tx++;
    else if (findMember.get(chainId, block, m.idx) !== id) {
      conflict(`block ${m.blockHash} holds another transaction at position ${m.idx} here than ${hashOfTx.get(m.txId)}; kept this store's`);
    }
  }

  // UTXO: inputs linked to the outputs they spend (also this store's own inputs waiting for the
  // bundle's outputs), then every transaction whose inputs are all known folded into transfers.
  if (utxo) {
    const linked = resolveInputs(db, chainId);
    if (toFold.size > 0 || linked.size > 0) {
      if (nativeAssetId === null) throw new Error(`evidence: no native asset for ${caip2}, which the fold of its transactions needs`);
      foldTransactions(db, nativeAssetId, datasetId, new Set([...toFold, ...linked]));
      // Clusters follow the merged facts as they follow an import's.
      new MultiInputClustering(db, chainId, datasetId).txs(new Set([...toFold, ...linked]));
    }
  }

  // The bundle's transfers: on UTXO chains the fold above has written them (compared here); on
  // account chains they are written here.
  const s2 = {
    find: db.prepare('SELECT id, from_id AS fromId, to_id AS toId, asset_id AS assetId, amount, status, token_id AS tokenId FROM transfer WHERE tx_id = ? AND kind = ? AND pos = ?').safeIntegers(true),
    insert: db.prepare(
      'INSERT INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  for (const tr of transfers) {
    const txId = txIdsHere.get(tr.txId);
    if (txId === undefined) continue; // its transaction conflicts, already reported
    const from = addr(tr.fromId, `transfer ${tr.id}`);
    const to = addr(tr.toId, `transfer ${tr.id}`);
    const assetId = asset(tr.assetId);
    const mine = s2.find.get(txId, tr.kind, tr.pos) as
      | { id: bigint; fromId: bigint | null; toId: bigint | null; assetId: bigint; amount: Amount; status: bigint | null; tokenId: string | null }
      | undefined;
    if (!mine) {
      s2.insert.run(chainId, txId, tr.kind, tr.pos, from, to, assetId, tr.amount, tr.time, tr.status, datasetId, tr.tokenId);
      continue;
    }
    const diffs: string[] = [];
    if (int(mine.fromId) !== from) diffs.push('sender');
    if (int(mine.toId) !== to && !(mine.toId === null && to !== null)) diffs.push('recipient');
    if (Number(mine.assetId) !== assetId) diffs.push('asset');
    if (!sameAmount(mine.amount, tr.amount)) diffs.push(`amount (${fromDbAmount(mine.amount)} here, ${fromDbAmount(tr.amount)} in the bundle)`);
    if (mine.tokenId !== tr.tokenId) diffs.push(`token id (${show(mine.tokenId)} here, ${show(tr.tokenId)} in the bundle)`);
    if (mine.status !== null && tr.status !== null && int(mine.status) !== tr.status) diffs.push(`status (${mine.status} here, ${tr.status} in the bundle)`);
    if (diffs.length) {
      conflict(`transfer ${tr.pos === '' ? '' : `${tr.pos} `}of kind ${tr.kind} in tx ${hashOfTx.get(tr.txId)}: different ${diffs.join(', ')}; kept this store's`);
    }
  }

  // A complete account-chain transaction moves its value in a native transfer, which the
  // importers write with the transaction itself (a later import of it would not).
  if (!utxo && nativeAssetId !== null) {
    const txRow = db.prepare('SELECT from_id AS fromId, to_id AS toId, value, time, status FROM tx WHERE id = ?').safeIntegers(true);
    const native = db.prepare(
      'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (?, ?, ?, \'\', ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const id of completed) {
      const t = txRow.get(id) as { fromId: bigint | null; toId: bigint | null; value: Amount | null; time: bigint | null; status: bigint | null };
      if (t.value === null || fromDbAmount(t.value) === 0n) continue;
      native.run(chainId, id, TRANSFER_NATIVE, t.fromId, t.toId, nativeAssetId, t.value, t.time, t.status, datasetId);
    }
  }

  // Edges, as after an import: times from blocks, the new transfers summed, stale edges recomputed.
  if (!utxo) fillTimesFromBlocks(db, chainId, watermark);
  addTransfersToEdges(db, chainId, watermark);
  recomputeEdges(db, stale.values());
  added.transfer = db.prepare('SELECT count(*) FROM transfer WHERE id >= ? AND chain_id = ?').pluck().get(watermark, chainId) as number;

  return { caip2, chainId, datasetId, sources, rowCounts, added };
}
