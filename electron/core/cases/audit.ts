import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/**
 * The audit log is a SHA-256 hash chain: each entry's hash covers its own fields and the
 * previous entry's hash, so editing, deleting or reordering any entry breaks every link after it.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  seq: number;
  time: string;
  actor: string;
  action: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** Canonical JSON: object keys sorted, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function entryHash(e: { seq: number; time: string; actor: string; action: string; data: string; prev_hash: string }): string {
  return createHash('sha256')
    .update(canonicalJson({ seq: e.seq, time: e.time, actor: e.actor, action: e.action, data: e.data, prev: e.prev_hash }))
    .digest('hex');
}

export function appendAudit(db: Database.Database, actor: string, action: string, data: unknown, time: string): AuditRecord {
  const last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const entry = { seq: (last?.seq ?? 0) + 1, time, actor, action, data: canonicalJson(data), prev_hash: last?.hash ?? GENESIS_HASH };
  const hash = entryHash(entry);
  db.prepare('INSERT INTO audit (seq, time, actor, action, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    entry.seq,
    entry.time,
    entry.actor,
    entry.action,
    entry.data,
    entry.prev_hash,
    hash,
  );
  return { ...entry, hash };
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  firstBroken: { seq: number; reason: string } | null;
}

/** Walks the chain from the start and reports the first entry whose link or hash does not hold. */
export function verifyAudit(db: Database.Database): AuditVerdict {
  const rows = db.prepare('SELECT seq, time, actor, action, data, prev_hash, hash FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRecord>;
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const row of rows) {
    count++;
    if (row.seq !== expectedSeq) return { ok: false, entries: count, firstBroken: { seq: row.seq, reason: `expected entry ${expectedSeq} next, found ${row.seq} (an entry was deleted or inserted)` } };
    if (row.prev_hash !== prev) return { ok: false, entries: count, firstBroken: { seq: row.seq, reason: 'its link to the previous entry does not match (an earlier entry was changed or removed)' } };
    if (entryHash(row) !== row.hash) return { ok: false, entries: count, firstBroken: { seq: row.seq, reason: 'its contents do not match its hash (the entry was edited)' } };
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries: count, firstBroken: null };
}
