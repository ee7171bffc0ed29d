import type Database from 'better-sqlite3';

export interface Migration {
  /** Increasing, in steps of 10, so a fix can slot in between two released migrations. */
  readonly version: number;
  readonly name: string;
  /**
   * Set on a migration that rebuilds a table other tables reference (SQLite's documented
   * create-copy-drop-rename procedure): foreign key enforcement is off while the migrations run,
   * which SQLite allows only outside a transaction, and `PRAGMA foreign_key_check` must find
   * nothing before they commit.
   */
  readonly rebuildsTables?: boolean;
  /**
   * Said (through `onNotice`) before the migration runs on a store that already holds data, for
   * one that takes noticeable time on a big store, so a long start is not mistaken for a hang.
   */
  readonly notice?: string;
  up(db: Database.Database): void;
}

/** A database written by a newer Cairn: opening it could corrupt data this version does not understand. */
export class NewerDatabaseError extends Error {
  constructor(readonly file: string, readonly found: number, readonly supported: number) {
    super(
      `${file} was written by a newer version of Cairn (schema ${found}; this version understands up to ${supported}). ` +
        'Open it with that version or newer; nothing was changed.',
    );
    this.name = 'NewerDatabaseError';
  }
}

export function assertMigrationOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw new Error(`migrations out of order: ${migrations[i - 1].name} (${migrations[i - 1].version}) then ${migrations[i].name} (${migrations[i].version})`);
    }
  }
}

/**
 * Runs every pending migration in ONE transaction and records progress in PRAGMA user_version.
 * Forward only: a store from the future is refused before anything is touched.
 * `target` lets tests stop part way (migrate to N-1, insert rows, then migrate to N).
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[], target?: number, onNotice?: (message: string) => void): number {
  assertMigrationOrder(migrations);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new NewerDatabaseError(file, current, latest);
  const goal = target ?? latest;
  const pending = migrations.filter((m) => m.version > current && m.version <= goal);
  if (pending.length === 0) return current;
  if (current > 0 && onNotice) for (const m of pending) if (m.notice) onNotice(`${file}: ${m.notice}`);
  const rebuilds = pending.some((m) => m.rebuildsTables);
  const enforced = rebuilds && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (enforced) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const m of pending) {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }
      if (rebuilds) {
        const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
        if (broken.length > 0) {
          const first = broken[0]!;
          throw new Error(`${file}: migrating left ${broken.length} row(s) pointing at missing rows (first: ${first.table} row ${first.rowid} → ${first.parent}); nothing was changed`);
        }
      }
    })();
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
  return pending[pending.length - 1].version;
}
