import type { Dataset } from '../../../shared/api/schemas';
import { conflictFactsByDataset } from './conflicts';
import { parseDatasetScope } from './datasetScope';
import type { Db } from './openStore';

export interface SourceRecord {
  name: string;
  path: string;
  size: number;
  sha256: string;
  kind: string;
  rows: number;
  /** blk files: how far this import read (a record boundary), and the SHA-256 of those bytes. */
  readTo?: number;
  readToSha256?: string;
}

export interface NewDataset {
  format: string;
  parserVersion: string;
  chainId: number;
  fingerprint: string;
  startedAt: string;
}

/** Inserts the dataset row at the start of an import so facts can point at it; completed by finishDataset. */
export function insertDataset(db: Db, d: NewDataset): number {
  return Number(
    db
      .prepare(
        `INSERT INTO dataset (format, parser_version, chain_id, fingerprint, started_at, finished_at, row_counts, added)
         VALUES (?, ?, ?, ?, ?, '', '{}', '{}')`,
      )
      .run(d.format, d.parserVersion, d.chainId, d.fingerprint, d.startedAt).lastInsertRowid,
  );
}

export function finishDataset(
  db: Db,
  id: number,
  sources: readonly SourceRecord[],
  rowCounts: Record<string, number>,
  added: Record<string, number>,
  finishedAt: string,
): void {
  const insert = db.prepare(
    'INSERT INTO dataset_source (dataset_id, seq, name, path, size, sha256, kind, rows, read_to, read_to_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  sources.forEach((s, i) => insert.run(id, i, s.name, s.path, s.size, s.sha256, s.kind, s.rows, s.readTo ?? null, s.readToSha256 ?? null));
  const r = db
    .prepare('UPDATE dataset SET finished_at = ?, row_counts = ?, added = ? WHERE id = ?')
    .run(finishedAt, JSON.stringify(rowCounts), JSON.stringify(added), id);
  if (r.changes !== 1) throw new Error(`finishDataset: expected 1 change, got ${r.changes}`);
}

export function findDatasetByFingerprint(db: Db, fingerprint: string): number | null {
  const id = db.prepare('SELECT id FROM dataset WHERE fingerprint = ? ORDER BY id LIMIT 1').pluck().get(fingerprint) as number | undefined;
  return id ?? null;
}

interface DatasetRow {
  id: number;
  format: string;
  parser_version: string;
  caip2: string;
  started_at: string;
  finished_at: string;
  row_counts: string;
  added: string;
  scope: string | null;
}

export function listDatasets(db: Db, ids?: readonly number[]): Dataset[] {
  const where = ids ? 'WHERE dataset.id IN (SELECT value FROM json_each(?))' : '';
  const rows = db
    .prepare(
      `SELECT dataset.*, chain.caip2 FROM dataset JOIN chain ON chain.id = dataset.chain_id ${where} ORDER BY dataset.id`,
    )
    .all(...(ids ? [JSON.stringify(ids)] : [])) as DatasetRow[];
  const sources = db.prepare('SELECT name, path, size, sha256, kind, rows FROM dataset_source WHERE dataset_id = ? ORDER BY seq');
  const conflicts = conflictFactsByDataset(db);
  return rows.map((r) => ({
    id: r.id,
    format: r.format,
    parserVersion: r.parser_version,
    chain: r.caip2,
    startedAt: r.started_at,
    finishedAt: r.finished_at || null,
    sources: sources.all(r.id) as SourceRecord[],
    rowCounts: JSON.parse(r.row_counts) as Record<string, number>,
    added: JSON.parse(r.added) as Record<string, number>,
    partialOf: ((scope) => (scope.kind === 'partial' ? scope.address : null))(parseDatasetScope(r.scope ?? null)),
    conflicts: conflicts.get(r.id) ?? 0,
  }));
}
