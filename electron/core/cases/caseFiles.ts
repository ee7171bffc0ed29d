import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseSummary } from '../../../shared/api/schemas';
import { ApiError } from '../../../shared/api/contract';
import type { Signer } from '../casefile/keys';
import type { CaseRecord, CaseRegistry } from '../casefile/registry';
import { checkSqliteFile, openReadOnly, UnsafeFileError } from '../casefile/safeOpen';
import { openDatabase, type Db } from '../store/openStore';
import { appendAudit, feedUndoStacks, lastEntry, UndoStacks } from './audit';
import { caseMigrations } from './caseMigrations';
import { CASE_TABLES, CaseWriter, tableRows, type Change } from './caseTables';

export const CASE_EXTENSION = '.cairn';
/** The version that introduced signed, replayable logs; older files are upgraded when opened here. */
const SIGNED_LOG_VERSION = 20;

/** A case id is a slug of its first name; it names the file and never changes when renamed. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'case';
}

export interface Actor {
  readonly name: string;
  readonly now: () => string;
  readonly signer: Signer;
}

export type CaseOrigin = 'own' | 'received' | 'foreign';

/** An open case file and the one way to change it: an audited, signed, undoable step. */
export class CaseFile {
  private stacks: { at: number; stacks: UndoStacks } | null = null;

  constructor(
    readonly id: string,
    readonly db: Db,
    readonly origin: CaseOrigin,
    readonly readOnly: boolean,
    private readonly record: () => CaseRecord | null,
    private readonly onHead: (head: { seq: number; hash: string }) => void,
  ) {}

  meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  name(): string {
    return this.meta('name') ?? this.id;
  }

  assertWritable(): void {
    if (!this.readOnly) return;
    const r = this.record();
    throw new ApiError(
      'forbidden',
      this.origin === 'received'
        ? `case "${this.id}" was received from ${r?.received?.from ?? 'a colleague'} and is read-only; continue the case to work on it here`
        : `case "${this.id}" was not created in this workspace and is read-only; open it from a bundle to receive it`,
    );
  }

  /**
   * Every change to a case goes through here: in one transaction it applies the change through a
   * CaseWriter, which records each changed row, and appends the signed audit entry holding them,
   * so the log and the case can never disagree.
   */
  mutate<T>(actor: Actor, label: string, action: string, data: (result: T) => unknown, change: (w: CaseWriter) => T): T {
    this.assertWritable();
    const out = this.db.transaction(() => {
      const w = new CaseWriter(this.db);
      const result = change(w);
      const entry = appendAudit(this.db, { actor: actor.name, action, label, data: data(result), changes: w.changes }, actor.signer, actor.now());
      return { result, head: { seq: entry.seq, hash: entry.hash } };
    })();
    this.onHead(out.head);
    return out.result;
  }

  /** Appends an entry whose changes were already applied (undo, redo) or that changes nothing. */
  appendApplied(actor: Actor, entry: { action: string; label: string; data: unknown; changes: readonly Change[]; undoOf?: number | null }, apply: () => void): void {
    this.assertWritable();
    const e = this.db.transaction(() => {
      apply();
      return appendAudit(this.db, { actor: actor.name, ...entry }, actor.signer, actor.now());
    })();
    this.onHead({ seq: e.seq, hash: e.hash });
  }

  /** The undo and redo stacks, read from the log once and then fed only the entries appended since. */
  undoStacks(): UndoStacks {
    const at = lastEntry(this.db)?.seq ?? 0;
    if (!this.stacks || at < this.stacks.at) this.stacks = { at: 0, stacks: new UndoStacks() };
    if (at > this.stacks.at) {
      feedUndoStacks(this.db, this.stacks.stacks, this.stacks.at);
      this.stacks.at = at;
    }
    return this.stacks.stacks;
  }

  summary(): CaseSummary {
    const row = this.db
      .prepare(
        `SELECT (SELECT value FROM meta WHERE key = 'created_at') AS created,
                (SELECT max(time) FROM audit) AS modified,
                (SELECT count(*) FROM node WHERE kind = 'address') AS nodes,
                (SELECT count(*) FROM seed) AS seeds`,
      )
      .get() as { created: string | null; modified: string | null; nodes: number; seeds: number };
    const created = row.created ?? '';
    const received = this.record()?.received ?? null;
    return {
      id: this.id,
      name: this.name(),
      createdAt: created,
      modifiedAt: row.modified ?? created,
      nodes: row.nodes,
      seeds: row.seeds,
      origin: this.origin,
      readOnly: this.readOnly,
      received: received && { from: received.from, fingerprint: received.fingerprint, at: received.at, bundleSha256: received.bundleSha256, evidenceMerged: received.evidenceMerged },
      problem: null,
    };
  }
}

/**
 * The cases/ folder of a workspace: one SQLite file per case, kept open once opened. Every file
 * is checked before it is opened (safeOpen.ts); one that fails is listed with the reason and
 * never stops the others. Only cases made or continued here are opened for writing.
 */
export class CaseFiles {
  private readonly open = new Map<string, CaseFile>();

  constructor(
    private readonly dir: string,
    private readonly registry: CaseRegistry,
    private readonly actor: () => Actor,
  ) {
    // The first start of a version with a registry adopts the cases already in the workspace.
    if (registry.fresh) {
      for (const id of this.ids()) if (!registry.get(id)) registry.set(id, { origin: 'own', head: null, received: null, continued: false });
      registry.ensureSaved();
    }
  }

  path(id: string): string {
    return join(this.dir, id + CASE_EXTENSION);
  }

  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(CASE_EXTENSION))
      .map((f) => f.slice(0, -CASE_EXTENSION.length))
      .filter((id) => /^[a-z0-9][a-z0-9-]{0,79}$/.test(id))
      .sort();
  }

  /** Every case, including those that cannot be opened (origin "broken", with the reason). */
  summaries(): CaseSummary[] {
    return this.ids().map((id) => {
      try {
        return this.get(id).summary();
      } catch (error) {
        const problem = error instanceof ApiError || error instanceof UnsafeFileError ? error.message : `${this.path(id)}: ${(error as Error).message}`;
        return { id, name: id, createdAt: '', modifiedAt: '', nodes: 0, seeds: 0, origin: 'broken', readOnly: true, received: null, problem };
      }
    });
  }

  get(id: string): CaseFile {
    const cached = this.open.get(id);
    if (cached) return cached;
    const file = this.path(id);
    if (!existsSync(file) && !isLink(file)) throw new ApiError('not_found', `no case "${id}" in this workspace`);
    let checked;
    try {
      checked = checkSqliteFile(file, caseMigrations, 'case file');
    } catch (error) {
      if (error instanceof UnsafeFileError) throw new ApiError('bad_input', error.message);
      throw error;
    }
    const record = this.registry.get(id);
    const writable = record !== null && (record.origin === 'own' || record.continued);
    const origin: CaseOrigin = record === null ? 'foreign' : record.origin;
    let db: Db;
    if (writable) {
      db = openDatabase(file, caseMigrations);
      db.pragma('trusted_schema = OFF');
    } else {
      if (checked.version < SIGNED_LOG_VERSION) {
        throw new ApiError('bad_input', `${file}: written by an older version of Cairn, before case logs were signed; ask whoever made it for a bundle (Export case…). Nothing was changed`);
      }
      db = openReadOnly(file);
    }
    const c = new CaseFile(
      id,
      db,
      origin,
      !writable,
      () => this.registry.get(id),
      (head) => this.registry.setHead(id, head),
    );
    if (writable && checked.version < SIGNED_LOG_VERSION) upgradeLog(c, this.actor());
    if (writable && record && !record.head) {
      const last = lastEntry(db);
      if (last) this.registry.setHead(id, last);
    }
    this.open.set(id, c);
    return c;
  }

  create(name: string, actor: Actor): CaseFile {
    const base = slugify(name);
    let id = base;
    for (let n = 2; existsSync(this.path(id)) || isLink(this.path(id)); n++) id = `${base}-${n}`;
    const db = openDatabase(this.path(id), caseMigrations);
    db.pragma('trusted_schema = OFF');
    this.registry.set(id, { origin: 'own', head: null, received: null, continued: false });
    const c = new CaseFile(id, db, 'own', false, () => this.registry.get(id), (head) => this.registry.setHead(id, head));
    this.open.set(id, c);
    const now = actor.now();
    // Creation starts the log and is not undoable (case.create is a barrier).
    c.mutate(actor, 'Create case', 'case.create', () => ({ id, name }), (w) => {
      w.insert('meta', { key: 'name', value: name });
      w.insert('meta', { key: 'created_at', value: now });
      w.insert('meta', { key: 'created_by', value: actor.name });
    });
    return c;
  }

  rename(id: string, name: string, actor: Actor): CaseFile {
    const c = this.get(id);
    const old = c.name();
    c.mutate(actor, `Rename case to “${name}”`, 'case.rename', () => ({ from: old, to: name }), (w) => {
      w.update('meta', 'name', { value: name });
    });
    return c;
  }

  /** Forgets an open handle (the file was replaced or its status changed); the next get reopens it. */
  release(id: string): void {
    const c = this.open.get(id);
    if (c) {
      c.db.close();
      this.open.delete(id);
    }
  }

  closeAll(): void {
    for (const c of this.open.values()) c.db.close();
    this.open.clear();
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A case from before signed logs: its old entries stay as they are (hash-chained), and one signed
 * entry records every row the case holds, so from here on its tables are what its log replays to.
 */
function upgradeLog(c: CaseFile, actor: Actor): void {
  const changes: Change[] = CASE_TABLES.flatMap((t) => tableRows(c.db, t).map((row): Change => ({ t, op: 'insert', row })));
  c.appendApplied(actor, { action: 'case.upgrade', label: 'Upgrade case', data: { rows: changes.length, note: 'the case as it stood when its log began to be signed' }, changes }, () => undefined);
}
