import type { Statement } from 'better-sqlite3';
import type { Conflict, ConflictPage } from '../../../shared/api/conflictSchemas';
import type { TxConflict } from '../../../shared/api/schemas';
import type { Db } from './openStore';

/**
 * Conflicts between sources: a fact (a transaction, a transfer, a block) that one row gives with
 * a value different from the one the store holds, which an earlier dataset (or an earlier row of
 * the same import) brought. The store keeps the first value, as it always has; the other is
 * recorded here with both datasets, so a contradiction between two sources is a finding the
 * investigator sees rather than a row silently ignored.
 */

/** The fact two sources disagree about, by its natural key. */
export type ConflictFact =
  | { readonly kind: 'tx'; readonly txHash: string }
  /** transferKind: 0 native value, 1 token transfer (pos = log index), 2 internal (pos = trace address). */
  | { readonly kind: 'transfer'; readonly txHash: string; readonly transferKind: number; readonly pos: string }
  | { readonly kind: 'block'; readonly number: number };

export interface NewConflict {
  readonly fact: ConflictFact;
  /** value, from, to, status, block, index, time, asset, tokenId; for blocks hash, parentHash, time, txCount. */
  readonly field: string;
  readonly stored: string;
  readonly storedDatasetId: number;
  readonly other: string;
  /** Where the other value was read: "file, line N". */
  readonly source: string | null;
}

const TRANSFER_KIND_NAMES = ['native', 'token', 'internal'] as const;

/**
 * A file name as the conflict list prints it: control characters (a terminal's escape sequences
 * in a hostile file name) escaped, and not too long.
 */
function printable(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 500 ? `${escaped.slice(0, 250)}…${escaped.slice(-249)}` : escaped;
}

/** The fact's key as the table's `fact` column holds it: unique per chain and kind. */
function factKey(f: ConflictFact): string {
  if (f.kind === 'tx') return f.txHash;
  if (f.kind === 'block') return String(f.number);
  return `${f.txHash}/${TRANSFER_KIND_NAMES[f.transferKind] ?? f.transferKind}/${f.pos}`;
}

/**
 * Whether the store has the conflict table: a store opened part way through its migrations (a
 * migration test) or a received case's evidence from an older Cairn may not; they hold no conflicts.
 */
export function hasConflictTable(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conflict'").get() !== undefined;
}

/**
 * Records the conflicts one import finds, inside its transaction, all naming the import's
 * dataset as the other side. The same disagreement seen twice in one dataset is recorded once.
 */
export class ConflictRecorder {
  /** New conflict rows this import recorded. */
  recorded = 0;
  private readonly insert: Statement;

  constructor(
    db: Db,
    private readonly chainId: number,
    private readonly datasetId: number,
    private readonly recordedAt: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO conflict (chain_id, kind, fact, tx_hash, transfer_kind, transfer_pos, block_number, field, stored, stored_dataset_id, other, other_dataset_id, source, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (chain_id, kind, fact, field, other_dataset_id, other) DO NOTHING`,
    );
  }

  record(c: NewConflict): void {
    const f = c.fact;
    const r = this.insert.run(
      this.chainId,
      f.kind,
      factKey(f),
      f.kind === 'block' ? null : f.txHash,
      f.kind === 'transfer' ? f.transferKind : null,
      f.kind === 'transfer' ? f.pos : null,
      f.kind === 'block' ? f.number : null,
      c.field,
      c.stored,
      c.storedDatasetId,
      c.other,
      this.datasetId,
      c.source === null ? null : printable(c.source),
      this.recordedAt,
    );
    this.recorded += r.changes;
  }
}

/** How many distinct facts a dataset disagrees about with what the store held before it (or with its own earlier rows). */
export function countConflictFacts(db: Db, datasetId: number): number {
  if (!hasConflictTable(db)) return 0;
  return db.prepare("SELECT count(DISTINCT kind || ' ' || fact) FROM conflict WHERE other_dataset_id = ?").pluck().get(datasetId) as number;
}

/** countConflictFacts for every dataset that has any: what the dataset list shows. */
export function conflictFactsByDataset(db: Db): Map<number, number> {
  if (!hasConflictTable(db)) return new Map();
  const rows = db
    .prepare("SELECT other_dataset_id AS id, count(DISTINCT kind || ' ' || fact) AS n FROM conflict GROUP BY other_dataset_id")
    .all() as { id: number; n: number }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}

interface ConflictRow {
  id: number;
  caip2: string;
  kind: 'tx' | 'transfer' | 'block';
  tx_hash: string | null;
  transfer_kind: number | null;
  transfer_pos: string | null;
  block_number: number | null;
  field: string;
  stored: string;
  stored_dataset_id: number;
  other: string;
  other_dataset_id: number;
  source: string | null;
  recorded_at: string;
  unit_known: number;
  unit_symbol: string | null;
  unit_decimals: number | null;
}

/**
 * The conflicts with the unit of their value fields: a transfer's value is in its asset's base
 * units (the stored transfer's asset), a transaction's in the native coin's.
 */
const SELECT_CONFLICTS = `
  SELECT c.id, ch.caip2, c.kind, c.tx_hash, c.transfer_kind, c.transfer_pos, c.block_number, c.field,
         c.stored, c.stored_dataset_id, c.other, c.other_dataset_id, c.source, c.recorded_at,
         coalesce(ta.id, na.id) IS NOT NULL AS unit_known,
         coalesce(ta.symbol, na.symbol) AS unit_symbol,
         CASE WHEN ta.id IS NOT NULL THEN ta.decimals ELSE na.decimals END AS unit_decimals
  FROM conflict c
  JOIN chain ch ON ch.id = c.chain_id
  LEFT JOIN tx ON c.kind = 'transfer' AND c.field = 'value' AND tx.chain_id = c.chain_id AND tx.hash_bin = tx_hash_bin(c.tx_hash) AND tx.hash_form = tx_hash_form(c.tx_hash)
  LEFT JOIN transfer tr ON tr.tx_id = tx.id AND tr.kind = c.transfer_kind AND tr.pos = c.transfer_pos
  LEFT JOIN asset ta ON ta.id = tr.asset_id
  LEFT JOIN asset na ON c.kind = 'tx' AND c.field = 'value' AND na.chain_id = c.chain_id AND na.contract = ''`;

function txConflictOf(r: ConflictRow): TxConflict {
  return {
    transfer:
      r.kind === 'transfer' && r.transfer_kind !== null && r.transfer_pos !== null
        ? { kind: TRANSFER_KIND_NAMES[r.transfer_kind] ?? 'native', pos: r.transfer_pos }
        : null,
    field: r.field,
    stored: r.stored,
    storedDataset: r.stored_dataset_id,
    other: r.other,
    otherDataset: r.other_dataset_id,
    source: r.source,
    unit: r.unit_known ? { symbol: r.unit_symbol, decimals: r.unit_decimals } : null,
  };
}

export interface ConflictFilter {
  readonly chainId?: number;
  /** Conflicts where this dataset is either side: it brought the stored value or the other one. */
  readonly datasetId?: number;
  readonly offset: number;
  readonly limit: number;
}

/** A page of conflicts, in the order they were recorded. */
export function listConflicts(db: Db, filter: ConflictFilter): ConflictPage {
  if (!hasConflictTable(db)) return { total: 0, offset: filter.offset, items: [] };
  const where: string[] = [];
  const args: number[] = [];
  if (filter.chainId !== undefined) {
    where.push('c.chain_id = ?');
    args.push(filter.chainId);
  }
  if (filter.datasetId !== undefined) {
    where.push('(c.stored_dataset_id = ? OR c.other_dataset_id = ?)');
    args.push(filter.datasetId, filter.datasetId);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare(`SELECT count(*) FROM conflict c ${clause}`).pluck().get(...args) as number;
  const rows = db.prepare(`${SELECT_CONFLICTS} ${clause} ORDER BY c.id LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as ConflictRow[];
  const items: Conflict[] = rows.map((r) => ({
    id: r.id,
    chain: r.caip2,
    kind: r.kind,
    txHash: r.tx_hash,
    block: r.block_number,
    ...txConflictOf(r),
    recordedAt: r.recorded_at,
  }));
  return { total, offset: filter.offset, items };
}

/** The conflicts about a transaction and its transfers, for its details. */
export function txConflicts(db: Db, chainId: number, hash: string): TxConflict[] {
  if (!hasConflictTable(db)) return [];
  const rows = db.prepare(`${SELECT_CONFLICTS} WHERE c.chain_id = ? AND c.tx_hash = ? ORDER BY c.id`).all(chainId, hash) as ConflictRow[];
  return rows.map(txConflictOf);
}
