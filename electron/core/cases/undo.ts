import type Database from 'better-sqlite3';

/**
 * Undo and redo for case edits, after SQLite's own undo/redo recipe: triggers on every tracked
 * table write the inverse SQL of each change into undo_log. A user action is a step covering a
 * range of log entries. Undoing a step runs its entries backwards; the triggers record the
 * inverse of that, which becomes the redo step. Nothing in the audit log is ever undone: an undo
 * is itself an audited action.
 */
export function installUndoTriggers(db: Database.Database, tables: readonly string[]): void {
  db.exec(`
    CREATE TABLE undo_log (seq INTEGER PRIMARY KEY, sql TEXT NOT NULL);
    CREATE TABLE undo_step (
      id INTEGER PRIMARY KEY,
      stack TEXT NOT NULL CHECK (stack IN ('undo', 'redo')),
      label TEXT NOT NULL,
      first_seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL
    );
  `);
  for (const table of tables) {
    // The INTEGER PRIMARY KEY is the rowid itself, restored through rowid.
    const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string; pk: number }[];
    const cols = info.filter((c) => !(c.pk === 1 && c.type.toUpperCase() === 'INTEGER')).map((c) => c.name);
    const restore = cols.map((c) => `'${c}=' || quote(OLD.${c})`).join(` || ',' || `);
    const values = cols.map((c) => `quote(OLD.${c})`).join(` || ',' || `);
    db.exec(`
      CREATE TRIGGER ${table}_undo_insert AFTER INSERT ON ${table} BEGIN
        INSERT INTO undo_log (sql) VALUES ('DELETE FROM ${table} WHERE rowid=' || NEW.rowid);
      END;
      CREATE TRIGGER ${table}_undo_update AFTER UPDATE ON ${table} BEGIN
        INSERT INTO undo_log (sql) VALUES ('UPDATE ${table} SET ' || ${restore} || ' WHERE rowid=' || OLD.rowid);
      END;
      CREATE TRIGGER ${table}_undo_delete BEFORE DELETE ON ${table} BEGIN
        INSERT INTO undo_log (sql) VALUES ('INSERT INTO ${table} (rowid,${cols.join(',')}) VALUES (' || OLD.rowid || ',' || ${values} || ')');
      END;
    `);
  }
}

function lastSeq(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(seq), 0) FROM undo_log').pluck().get() as number) ?? 0;
}

/**
 * Runs `action` as one undoable step. Call inside a transaction. A new step clears the redo stack,
 * as in every editor.
 */
export function recordStep<T>(db: Database.Database, label: string, action: () => T): T {
  const before = lastSeq(db);
  const result = action();
  const after = lastSeq(db);
  if (after > before) {
    clearRedo(db);
    db.prepare("INSERT INTO undo_step (stack, label, first_seq, last_seq) VALUES ('undo', ?, ?, ?)").run(label, before + 1, after);
  }
  return result;
}

function clearRedo(db: Database.Database): void {
  const steps = db.prepare("SELECT first_seq, last_seq FROM undo_step WHERE stack = 'redo'").all() as { first_seq: number; last_seq: number }[];
  const del = db.prepare('DELETE FROM undo_log WHERE seq BETWEEN ? AND ?');
  for (const s of steps) del.run(s.first_seq, s.last_seq);
  db.prepare("DELETE FROM undo_step WHERE stack = 'redo'").run();
}

export function topLabel(db: Database.Database, stack: 'undo' | 'redo'): string | null {
  return (db.prepare('SELECT label FROM undo_step WHERE stack = ? ORDER BY id DESC LIMIT 1').pluck().get(stack) as string | undefined) ?? null;
}

/**
 * Replays the top step of one stack backwards and pushes its inverse on the other.
 * Returns the step's label, or null when the stack is empty. Call inside a transaction.
 */
export function replayStep(db: Database.Database, from: 'undo' | 'redo'): string | null {
  const step = db
    .prepare('SELECT id, label, first_seq, last_seq FROM undo_step WHERE stack = ? ORDER BY id DESC LIMIT 1')
    .get(from) as { id: number; label: string; first_seq: number; last_seq: number } | undefined;
  if (!step) return null;
  const entries = db.prepare('SELECT seq, sql FROM undo_log WHERE seq BETWEEN ? AND ? ORDER BY seq DESC').all(step.first_seq, step.last_seq) as { seq: number; sql: string }[];
  db.prepare('DELETE FROM undo_step WHERE id = ?').run(step.id);
  db.prepare('DELETE FROM undo_log WHERE seq BETWEEN ? AND ?').run(step.first_seq, step.last_seq);
  const before = lastSeq(db);
  for (const e of entries) db.exec(e.sql);
  const after = lastSeq(db);
  const to = from === 'undo' ? 'redo' : 'undo';
  if (after > before) {
    db.prepare('INSERT INTO undo_step (stack, label, first_seq, last_seq) VALUES (?, ?, ?, ?)').run(to, step.label, before + 1, after);
  }
  return step.label;
}
