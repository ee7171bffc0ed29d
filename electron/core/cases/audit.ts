import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditVerdict } from '../../../shared/api/schemas';
import { displayFingerprint, fingerprintOf, verifySignature, type Signer } from '../casefile/keys';
import { applyChange, ChangeError, compareTables, invertChanges, parseChanges, pristineCaseDb, type Change } from './caseTables';

/**
 * The audit log is the case. Each entry records who did what, and the rows it changed; the
 * case's tables are what replaying those changes produces. Entries are hash-chained (each hash
 * covers the previous one) and each is signed with the investigator's Ed25519 key, so an entry
 * cannot be edited, inserted, dropped or re-hashed without a key the reader does not trust.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  seq: number;
  time: string;
  actor: string;
  action: string;
  label: string;
  data: string;
  changes: string;
  undo_of: number | null;
  prev_hash: string;
  hash: string;
  pubkey: string | null;
  sig: string | null;
}

/** Actions after which nothing before can be undone: the case's start and its hand-overs. */
export const BARRIER_ACTIONS: ReadonlySet<string> = new Set(['case.create', 'case.upgrade', 'case.receive', 'case.continue']);

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

type HashFields = Omit<AuditRecord, 'hash' | 'sig'>;

/**
 * The hash of an entry. Entries written before signing existed (no key) keep the fields they
 * were hashed with then, so old logs still verify.
 */
export function entryHash(e: HashFields): string {
  const fields =
    e.pubkey === null
      ? { seq: e.seq, time: e.time, actor: e.actor, action: e.action, data: e.data, prev: e.prev_hash }
      : { v: 2, seq: e.seq, time: e.time, actor: e.actor, action: e.action, label: e.label, data: e.data, changes: e.changes, undoOf: e.undo_of, prev: e.prev_hash, key: e.pubkey };
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

export interface NewEntry {
  actor: string;
  action: string;
  label: string;
  data: unknown;
  changes: readonly Change[];
  undoOf?: number | null;
}

export function lastEntry(db: Database.Database): { seq: number; hash: string } | null {
  return (db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ?? null;
}

/** Appends one signed entry. Call inside the transaction that made its changes. */
export function appendAudit(db: Database.Database, entry: NewEntry, signer: Signer, time: string): AuditRecord {
  const last = lastEntry(db);
  const fields: HashFields = {
    seq: (last?.seq ?? 0) + 1,
    time,
    actor: entry.actor,
    action: entry.action,
    label: entry.label,
    data: canonicalJson(entry.data),
    changes: canonicalJson(entry.changes),
    undo_of: entry.undoOf ?? null,
    prev_hash: last?.hash ?? GENESIS_HASH,
    pubkey: signer.publicKey,
  };
  const hash = entryHash(fields);
  const sig = signer.sign(Buffer.from(hash, 'hex')).toString('hex');
  db.prepare(
    'INSERT INTO audit (seq, time, actor, action, label, data, changes, undo_of, prev_hash, hash, pubkey, sig) VALUES (@seq, @time, @actor, @action, @label, @data, @changes, @undo_of, @prev_hash, @hash, @pubkey, @sig)',
  ).run({ ...fields, hash, sig });
  return { ...fields, hash, sig };
}

export interface StackItem {
  seq: number;
  label: string;
}

/**
 * The undo and redo stacks, derived from the log: an ordinary change pushes a step and clears
 * redo; an undo pops it onto redo; a redo pops it back. Hand-overs clear both.
 */
export class UndoStacks {
  readonly undo: StackItem[] = [];
  readonly redo: StackItem[] = [];

  /** Feeds one entry; returns a reason when an undo or redo does not reverse the step it names. */
  push(e: Pick<AuditRecord, 'seq' | 'action' | 'label' | 'undo_of'> & { changed: boolean }): string | null {
    if (e.action === 'case.undo' || e.action === 'case.redo') {
      const from = e.action === 'case.undo' ? this.undo : this.redo;
      const to = e.action === 'case.undo' ? this.redo : this.undo;
      const top = from[from.length - 1];
      if (!top || top.seq !== e.undo_of) return `it claims to ${e.action.slice(5)} entry ${String(e.undo_of)}, which is not the step on top of the ${e.action === 'case.undo' ? 'undo' : 'redo'} stack`;
      from.pop();
      to.push({ seq: e.seq, label: e.label });
      return null;
    }
    if (BARRIER_ACTIONS.has(e.action)) {
      this.undo.length = 0;
      this.redo.length = 0;
      return null;
    }
    if (e.changed) {
      this.undo.push({ seq: e.seq, label: e.label });
      this.redo.length = 0;
    }
    return null;
  }
}

/** Feeds the entries after `after` into `stacks` (all of them for a new UndoStacks). */
export function feedUndoStacks(db: Database.Database, stacks: UndoStacks, after = 0): UndoStacks {
  const rows = db
    .prepare("SELECT seq, action, label, undo_of, changes <> '[]' AS changed FROM audit WHERE seq > ? ORDER BY seq")
    .all(after) as (Pick<AuditRecord, 'seq' | 'action' | 'label' | 'undo_of'> & { changed: number })[];
  for (const r of rows) stacks.push({ ...r, changed: r.changed === 1 });
  return stacks;
}

export interface VerifyContext {
  /** Public key (hex) → the name this workspace trusts it under. */
  readonly trusted: ReadonlyMap<string, string>;
  readonly ownKey: string;
  /** The latest head this workspace has seen of this case, if any. */
  readonly rememberedHead: { seq: number; hash: string } | null;
  /** A head the log must end at (a bundle's signed manifest names it). */
  readonly expectedHead?: { seq: number; hash: string } | null;
}

/**
 * Verifies a case: walks the log (order, links, hashes, signatures, who signed), replays its
 * changes into an empty case and compares the result with the file's tables, and checks the
 * log against the last head this workspace saw. Every problem is reported, not just the first.
 */
export function verifyCase(db: Database.Database, ctx: VerifyContext): AuditVerdict {
  const problems: { seq: number | null; reason: string }[] = [];
  let firstBroken: { seq: number; reason: string } | null = null;
  const flag = (seq: number | null, reason: string): void => {
    problems.push({ seq, reason });
    if (seq !== null && !firstBroken) firstBroken = { seq, reason };
  };
  const signers = new Map<string, { entries: number; firstSeq: number; badSigs: number }>();
  const replay = pristineCaseDb();
  const stacks = new UndoStacks();
  const changesBySeq = new Map<number, Change[]>();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let legacy = 0;
  let signedSeen = false;
  let replayBroken = false;
  let last: { seq: number; hash: string } | null = null;
  const hashAt = new Map<number, string>();
  try {
    const rows = db.prepare('SELECT seq, time, actor, action, label, data, changes, undo_of, prev_hash, hash, pubkey, sig FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRecord>;
    for (const row of rows) {
      count++;
      last = { seq: row.seq, hash: row.hash };
      hashAt.set(row.seq, row.hash);
      if (row.seq !== expectedSeq) flag(row.seq, `expected entry ${expectedSeq} next, found ${row.seq} (an entry was deleted, inserted or moved)`);
      if (row.prev_hash !== prev) flag(row.seq, 'its link to the previous entry does not match (an earlier entry was changed, removed or reordered)');
      if (entryHash(row) !== row.hash) flag(row.seq, 'its contents do not match its hash (the entry was edited)');
      expectedSeq = row.seq + 1;
      prev = row.hash;

      let changes: Change[] = [];
      if (row.pubkey === null) {
        legacy++;
        if (signedSeen) flag(row.seq, 'it is unsigned, after signed entries (only entries older than signing may be unsigned)');
        if (row.changes !== '[]' || row.sig !== null) flag(row.seq, 'it is unsigned but records changes');
      } else {
        signedSeen = true;
        const s = signers.get(row.pubkey) ?? { entries: 0, firstSeq: row.seq, badSigs: 0 };
        s.entries++;
        signers.set(row.pubkey, s);
        if (!verifySignature(row.pubkey, Buffer.from(/^[0-9a-f]{64}$/.test(row.hash) ? row.hash : '', 'hex'), row.sig ?? '')) {
          s.badSigs++;
          flag(row.seq, `its signature does not verify with the key it names (${displayFingerprint(row.pubkey)}): the entry was changed or the signature swapped`);
        }
        try {
          changes = parseChanges(row.changes);
        } catch (error) {
          flag(row.seq, `its recorded changes are not valid: ${(error as Error).message}`);
        }
      }
      changesBySeq.set(row.seq, changes);
      const stackProblem = stacks.push({ ...row, changed: changes.length > 0 });
      if (stackProblem) flag(row.seq, stackProblem);
      else if (row.undo_of !== null && (row.action === 'case.undo' || row.action === 'case.redo')) {
        const target = changesBySeq.get(row.undo_of) ?? [];
        if (canonicalJson(invertChanges(target)) !== canonicalJson(changes)) flag(row.seq, `its changes are not the reverse of entry ${row.undo_of}, which it claims to ${row.action.slice(5)}`);
      }
      if (!replayBroken) {
        try {
          for (const c of changes) applyChange(replay, c);
        } catch (error) {
          replayBroken = true;
          flag(row.seq, `its changes cannot be replayed: ${error instanceof ChangeError ? error.message : (error as Error).message}`);
        }
      }
    }
    if (count > 0 && !signedSeen) flag(null, 'no entry of the log is signed');
    if (count === 0) flag(null, 'the log is empty: every case starts with a signed case.create entry');
    if (!replayBroken) for (const d of compareTables(db, replay)) flag(null, d);
  } finally {
    replay.close();
  }

  const head = ctx.rememberedHead;
  if (head) {
    if (!last || last.seq < head.seq) flag(null, `the log ends at entry ${last?.seq ?? 0}, but this workspace has seen it reach entry ${head.seq}: entries were removed from the end`);
    else if (hashAt.get(head.seq) !== head.hash) flag(null, `entry ${head.seq} is not the one this workspace saw there: the log was rewritten or replaced by another copy`);
  }
  const expected = ctx.expectedHead;
  if (expected && (!last || last.seq !== expected.seq || last.hash !== expected.hash)) {
    flag(null, `the log ends at entry ${last?.seq ?? 0}, not at the signed head the bundle names (entry ${expected.seq})`);
  }

  const signerList = [...signers.entries()].map(([publicKey, s]) => {
    const own = publicKey === ctx.ownKey;
    const trusted = ctx.trusted.has(publicKey);
    if (!trusted) flag(null, `${s.entries} entr${s.entries === 1 ? 'y is' : 'ies are'} signed by key ${displayFingerprint(publicKey)}, which this workspace does not trust (first at entry ${s.firstSeq})`);
    return { fingerprint: displayFingerprint(publicKey), publicKey, name: ctx.trusted.get(publicKey) ?? null, own, trusted, entries: s.entries };
  });

  return { ok: problems.length === 0, entries: count, firstBroken, problems, signers: signerList, head: last, legacyEntries: legacy };
}

export { fingerprintOf };
