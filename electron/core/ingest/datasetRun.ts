import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Dataset, ImportPreview } from '../../../shared/api/schemas';
import { findDatasetByFingerprint, finishDataset, listDatasets, type SourceRecord } from '../store/datasets';
import type { Db } from '../store/openStore';
import { ImportCancelledError } from './errors';

/** Identifies a set of source files independent of their order and names. */
export function fingerprintOf(format: string, chain: string, sources: readonly SourceRecord[]): string {
  const parts = sources.map((s) => `${s.kind}:${s.sha256}`).sort();
  return createHash('sha256').update([format, chain, ...parts].join('\n')).digest('hex');
}

export interface ProgressState {
  phase: string;
  done: number;
  total: number;
  rows: number;
}

/** Reports progress at most every 100 ms, or at once when forced. */
export function progressReporter(state: ProgressState, emit?: (p: ProgressState) => void): (force?: boolean) => void {
  let last = 0;
  return (force = false) => {
    const t = Date.now();
    if (!force && t - last < 100) return;
    last = t;
    emit?.({ ...state });
  };
}

/** SHA-256 of a whole file, streamed. */
export async function sha256File(path: string): Promise<string> {
  return (await sha256FileAndPrefix(path, null)).sha256;
}

/**
 * SHA-256 of a whole file and, in the same pass, of its first `prefixBytes` bytes (null when
 * not asked, or when the file is shorter than that).
 */
export async function sha256FileAndPrefix(path: string, prefixBytes: number | null): Promise<{ sha256: string; prefixSha256: string | null }> {
  const hash = createHash('sha256');
  let seen = 0;
  let prefix: string | null = prefixBytes === 0 ? hash.copy().digest('hex') : null;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (prefixBytes !== null && prefix === null && seen + chunk.length >= prefixBytes) {
      hash.update(chunk.subarray(0, prefixBytes - seen));
      prefix = hash.copy().digest('hex');
      hash.update(chunk.subarray(prefixBytes - seen));
    } else hash.update(chunk);
    seen += chunk.length;
  }
  return { sha256: hash.digest('hex'), prefixSha256: prefix };
}

/** SHA-256 of a file's first `bytes` bytes, or null when the file is shorter. */
export async function sha256Prefix(path: string, bytes: number): Promise<string | null> {
  const hash = createHash('sha256');
  let seen = 0;
  if (bytes > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      seen += chunk.length;
    }
  }
  return seen === bytes ? hash.digest('hex') : null;
}

/** The rowid the next insert into `table` will get: rows at or above it are this import's. */
export function nextRowId(db: Db, table: 'tx' | 'transfer'): number {
  return ((db.prepare(`SELECT max(id) FROM ${table}`).pluck().get() as number | null) ?? 0) + 1;
}

/**
 * Set on an import that is one part of a mixed import (Bitcoin blocks and an ethereum-etl
 * folder, say): the part runs inside the mixed import's open transaction, in a savepoint of its
 * own, and committing the part only releases the savepoint. The mixed import then commits every
 * part together; a failure anywhere rolls back the whole transaction, so no part is kept.
 */
export interface ImportGroup {
  readonly savepoint: string;
}

/** Opens an import's transaction: its own, or its savepoint inside the mixed import it is part of. */
export function beginImport(db: Db, group?: ImportGroup): void {
  if (!group) {
    db.exec('BEGIN IMMEDIATE');
    return;
  }
  if (!db.inTransaction) throw new Error(`beginImport: part ${group.savepoint} of a mixed import runs inside the mixed import's transaction, and none is open`);
  db.exec(`SAVEPOINT ${group.savepoint}`);
}

export interface DatasetOutcome {
  readonly dataset: Dataset | null;
  readonly alreadyImportedAs: number | null;
}

/**
 * Ends an import's transaction. When the same files were imported before and nothing new was
 * added, it rolls back (no second dataset row) and names the earlier dataset; otherwise it
 * records the sources and counts on the dataset row and commits.
 */
export function commitDataset(
  db: Db,
  d: { id: number; format: string; chain: string; sources: readonly SourceRecord[]; rowCounts: Record<string, number>; added: Record<string, number>; finishedAt: string },
  signal?: AbortSignal,
  group?: ImportGroup,
): DatasetOutcome {
  const fingerprint = fingerprintOf(d.format, d.chain, d.sources);
  const previous = findDatasetByFingerprint(db, fingerprint);
  if (previous !== null && Object.values(d.added).every((n) => n === 0)) {
    if (group) db.exec(`ROLLBACK TO ${group.savepoint}; RELEASE ${group.savepoint}`);
    else db.exec('ROLLBACK');
    return { dataset: null, alreadyImportedAs: previous };
  }
  db.prepare('UPDATE dataset SET fingerprint = ? WHERE id = ?').run(fingerprint, d.id);
  finishDataset(db, d.id, d.sources, d.rowCounts, d.added, d.finishedAt);
  if (signal?.aborted) throw new ImportCancelledError();
  // A part of a mixed import is kept in the mixed import's transaction, which commits every part at once.
  db.exec(group ? `RELEASE ${group.savepoint}` : 'COMMIT');
  return { dataset: listDatasets(db, [d.id])[0], alreadyImportedAs: null };
}

/** Asks the investigator to commit (true) or discard (false) what an import found. */
export type ReviewHook = (preview: ImportPreview) => Promise<boolean>;

export interface ReviewContext {
  readonly review?: ReviewHook;
  readonly skipped: readonly { path: string; reason: string }[];
  readonly notes: readonly string[];
  /** The first tx row id of this import, for the time range of what it adds. */
  readonly firstNewTxId: number;
  readonly chainId: number;
  /** Set when the import is one part of a mixed import. */
  readonly group?: ImportGroup;
}

/**
 * Ends an import like commitDataset, but first, when the import was started with review and
 * it adds something, shows the investigator what it found and waits. Discarding rolls back:
 * nothing of the import is kept, as if it had been cancelled.
 */
export async function reviewAndCommit(
  db: Db,
  d: { id: number; format: string; chain: string; sources: readonly SourceRecord[]; rowCounts: Record<string, number>; added: Record<string, number>; finishedAt: string },
  ctx: ReviewContext,
  signal?: AbortSignal,
): Promise<DatasetOutcome> {
  const nothingNew = Object.values(d.added).every((n) => n === 0);
  const previous = nothingNew ? findDatasetByFingerprint(db, fingerprintOf(d.format, d.chain, d.sources)) : null;
  // A part of a mixed import is shown also when it adds nothing, so the review lists every part.
  if (ctx.review && (previous === null || ctx.group)) {
    const range = db.prepare('SELECT min(time) AS first, max(time) AS last FROM tx WHERE id >= ? AND chain_id = ?').get(ctx.firstNewTxId, ctx.chainId) as {
      first: number | null;
      last: number | null;
    };
    const commit = await ctx.review({
      format: d.format,
      chain: d.chain,
      sources: d.sources.map((s) => ({ name: s.name, kind: s.kind, rows: s.rows })),
      rowCounts: d.rowCounts,
      added: d.added,
      firstTime: range.first,
      lastTime: range.last,
      skipped: [...ctx.skipped],
      notes: [...ctx.notes],
      alreadyImportedAs: previous,
    });
    if (!commit) throw new ImportCancelledError('import discarded at review; nothing was committed');
  }
  return commitDataset(db, d, signal, ctx.group);
}
