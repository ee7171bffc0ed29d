import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseSummary } from '../../../shared/api/schemas';
import { ApiError } from '../../../shared/api/contract';
import { openDatabase, type Db } from '../store/openStore';
import { appendAudit } from './audit';
import { caseMigrations } from './caseMigrations';
import { recordStep } from './undo';

export const CASE_EXTENSION = '.cairn';

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
}

/** An open case file and the one way to change it: an audited, undoable step. */
export class CaseFile {
  constructor(
    readonly id: string,
    readonly db: Db,
  ) {}

  meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  name(): string {
    return this.meta('name') ?? this.id;
  }

  /**
   * Every change to a case goes through here: in one transaction it applies the change as an
   * undoable step and appends the audit entry, so the log and the case can never disagree.
   */
  mutate<T>(actor: Actor, label: string, action: string, data: (result: T) => unknown, change: () => T): T {
    return this.db.transaction(() => {
      const result = recordStep(this.db, label, change);
      appendAudit(this.db, actor.name, action, data(result), actor.now());
      return result;
    })();
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
    return { id: this.id, name: this.name(), createdAt: created, modifiedAt: row.modified ?? created, nodes: row.nodes, seeds: row.seeds };
  }
}

/** The cases/ folder of a workspace: one SQLite file per case, kept open once opened. */
export class CaseFiles {
  private readonly open = new Map<string, CaseFile>();

  constructor(private readonly dir: string) {}

  private path(id: string): string {
    return join(this.dir, id + CASE_EXTENSION);
  }

  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(CASE_EXTENSION))
      .map((f) => f.slice(0, -CASE_EXTENSION.length))
      .filter((id) => /^[a-z0-9][a-z0-9-]{0,79}$/.test(id))
      .sort();
  }

  get(id: string): CaseFile {
    const cached = this.open.get(id);
    if (cached) return cached;
    const file = this.path(id);
    if (!existsSync(file)) throw new ApiError('not_found', `no case "${id}" in this workspace`);
    const c = new CaseFile(id, openDatabase(file, caseMigrations));
    this.open.set(id, c);
    return c;
  }

  create(name: string, actor: Actor): CaseFile {
    const base = slugify(name);
    let id = base;
    for (let n = 2; existsSync(this.path(id)); n++) id = `${base}-${n}`;
    const c = new CaseFile(id, openDatabase(this.path(id), caseMigrations));
    this.open.set(id, c);
    const now = actor.now();
    c.db.transaction(() => {
      const put = c.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      put.run('name', name);
      put.run('created_at', now);
      put.run('created_by', actor.name);
      // Creation is not undoable; start the undo history empty.
      c.db.exec('DELETE FROM undo_log');
      appendAudit(c.db, actor.name, 'case.create', { id, name }, now);
    })();
    return c;
  }

  rename(id: string, name: string, actor: Actor): CaseFile {
    const c = this.get(id);
    const old = c.name();
    c.mutate(actor, `Rename case to “${name}”`, 'case.rename', () => ({ from: old, to: name }), () => {
      c.db.prepare("UPDATE meta SET value = ? WHERE key = 'name'").run(name);
    });
    return c;
  }

  closeAll(): void {
    for (const c of this.open.values()) c.db.close();
    this.open.clear();
  }
}

