import Database from 'better-sqlite3';
import type { Db } from '../store/openStore';
import { migrate, type Migration } from '../store/migrate';

/**
 * A case's state lives in a fixed set of tables. Every change to them is recorded as data (the
 * row before and after), never as SQL: undo, redo and the audit replay apply those records with
 * statements built here from this fixed list, so nothing stored in a case file is ever executed.
 */
export const CASE_TABLES = ['meta', 'seed', 'cluster', 'cluster_member', 'tag', 'node', 'trace', 'xlink', 'cluster_override', 'entity_collapse', 'attribution'] as const;
export type CaseTable = (typeof CASE_TABLES)[number];

export type Value = string | number | null;
export type Row = Record<string, Value>;

export type Change =
  | { t: CaseTable; op: 'insert'; row: Row }
  | { t: CaseTable; op: 'update'; before: Row; after: Row }
  | { t: CaseTable; op: 'delete'; row: Row };

export function keyColumn(t: CaseTable): string {
  return t === 'meta' ? 'key' : 'id';
}

export function isCaseTable(t: unknown): t is CaseTable {
  return typeof t === 'string' && (CASE_TABLES as readonly string[]).includes(t);
}

let columnsCache: Map<CaseTable, string[]> | null = null;
let migrationsForColumns: readonly Migration[] | null = null;

/** Registered by caseMigrations.ts (avoids an import cycle): the schema the columns are read from. */
export function useCaseSchema(migrations: readonly Migration[]): void {
  migrationsForColumns = migrations;
  columnsCache = null;
}

/** A fresh in-memory database with the current case schema: replay target and schema reference. */
export function pristineCaseDb(): Db {
  if (!migrationsForColumns) throw new Error('case schema not registered');
  const db = new Database(':memory:');
  migrate(db, ':memory:', migrationsForColumns);
  return db;
}

/** Each case table's columns, in schema order, read from the schema the migrations build. */
export function columnsOf(t: CaseTable): readonly string[] {
  if (!columnsCache) {
    const db = pristineCaseDb();
    try {
      columnsCache = new Map(CASE_TABLES.map((name) => [name, (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name)]));
    } finally {
      db.close();
    }
  }
  return columnsCache.get(t)!;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

function stmt(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export function getRow(db: Db, t: CaseTable, key: Value): Row | undefined {
  const cols = columnsOf(t);
  return stmt(db, `SELECT ${cols.join(', ')} FROM ${t} WHERE ${keyColumn(t)} = ?`).get(key) as Row | undefined;
}

/** Rows equal column by column (numbers compared as numbers: 1 and 1.0 are one REAL). */
export function sameRow(a: Row | undefined, b: Row | undefined): boolean {
  if (!a || !b) return a === b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

function insertRow(db: Db, t: CaseTable, row: Row): void {
  const cols = columnsOf(t);
  stmt(db, `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c] ?? null));
}

/** Records what each write changed while applying it: the one way edits touch a case's tables. */
export class CaseWriter {
  readonly changes: Change[] = [];

  constructor(readonly db: Db) {}

  /** Inserts a row; an id left out is assigned by SQLite. Returns the row's key. */
  insert(t: CaseTable, values: Row): Value {
    const given = Object.keys(values).filter((c) => values[c] !== undefined);
    const info = stmt(this.db, `INSERT INTO ${t} (${given.join(', ')}) VALUES (${given.map(() => '?').join(', ')})`).run(...given.map((c) => values[c]));
    const key = t === 'meta' ? values.key! : Number(info.lastInsertRowid);
    this.changes.push({ t, op: 'insert', row: getRow(this.db, t, key)! });
    return key;
  }

  /** Changes the given columns of one row; a change to nothing records nothing. */
  update(t: CaseTable, key: Value, patch: Row): void {
    const before = getRow(this.db, t, key);
    if (!before) throw new Error(`no row ${String(key)} in ${t}`);
    const cols = Object.keys(patch).filter((c) => columnsOf(t).includes(c) && c !== keyColumn(t));
    if (cols.every((c) => before[c] === patch[c])) return;
    stmt(this.db, `UPDATE ${t} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE ${keyColumn(t)} = ?`).run(...cols.map((c) => patch[c]), key);
    const after = getRow(this.db, t, key)!;
    if (!sameRow(before, after)) this.changes.push({ t, op: 'update', before, after });
  }

  delete(t: CaseTable, key: Value): void {
    const row = getRow(this.db, t, key);
    if (!row) return;
    stmt(this.db, `DELETE FROM ${t} WHERE ${keyColumn(t)} = ?`).run(key);
    this.changes.push({ t, op: 'delete', row });
  }
}

export class ChangeError extends Error {}

function checkRow(t: CaseTable, row: unknown, what: string): Row {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new ChangeError(`${what} is not a row`);
  const cols = columnsOf(t);
  const keys = Object.keys(row);
  if (keys.length !== cols.length || !cols.every((c) => keys.includes(c))) throw new ChangeError(`${what} does not have exactly the columns of ${t}`);
  for (const c of cols) {
    const v = (row as Row)[c];
    if (!(v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw new ChangeError(`${what}: column ${c} holds a value that is not text, a number or null`);
  }
  return row as Row;
}

/** Validates one recorded change read from a case file: a known table, its exact columns, plain values. */
export function parseChange(value: unknown): Change {
  if (typeof value !== 'object' || value === null) throw new ChangeError('a change is not an object');
  const v = value as Record<string, unknown>;
  if (!isCaseTable(v.t)) throw new ChangeError(`a change names an unknown table ${JSON.stringify(String(v.t)).slice(0, 60)}`);
  const t = v.t;
  if (v.op === 'insert' || v.op === 'delete') {
    if (Object.keys(v).length !== 3) throw new ChangeError(`a ${v.op} change has extra fields`);
    return { t, op: v.op, row: checkRow(t, v.row, `the ${v.op} of a ${t} row`) };
  }
  if (v.op === 'update') {
    if (Object.keys(v).length !== 4) throw new ChangeError('an update change has extra fields');
    const before = checkRow(t, v.before, `the update of a ${t} row (before)`);
    const after = checkRow(t, v.after, `the update of a ${t} row (after)`);
    if (before[keyColumn(t)] !== after[keyColumn(t)]) throw new ChangeError(`an update of ${t} changes the row's key`);
    return { t, op: 'update', before, after };
  }
  throw new ChangeError(`a change has an unknown operation ${JSON.stringify(String(v.op)).slice(0, 40)}`);
}

export function parseChanges(text: string): Change[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ChangeError('its changes are not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new ChangeError('its changes are not a list');
  return parsed.map(parseChange);
}

/**
 * Applies a recorded change, checking that the rows it expects are there as recorded: undo on a
 * case that changed underneath, or a replayed log that does not match, fails instead of guessing.
 */
export function applyChange(target: Db, c: Change): void {
  const key = keyColumn(c.t);
  if (c.op === 'insert') {
    if (getRow(target, c.t, c.row[key]!) !== undefined) throw new ChangeError(`${c.t} row ${String(c.row[key])} already exists`);
    insertRow(target, c.t, c.row);
    return;
  }
  const expected = c.op === 'update' ? c.before : c.row;
  const current = getRow(target, c.t, expected[key]!);
  if (!sameRow(current, expected)) throw new ChangeError(`${c.t} row ${String(expected[key])} is not as the change expects`);
  if (c.op === 'delete') {
    stmt(target, `DELETE FROM ${c.t} WHERE ${key} = ?`).run(expected[key]);
    return;
  }
  const cols = columnsOf(c.t).filter((col) => col !== key);
  stmt(target, `UPDATE ${c.t} SET ${cols.map((col) => `${col} = ?`).join(', ')} WHERE ${key} = ?`).run(...cols.map((col) => c.after[col] ?? null), c.after[key]);
}

/** The changes that undo `changes`: each inverted, in reverse order. */
export function invertChanges(changes: readonly Change[]): Change[] {
  return [...changes].reverse().map((c): Change => {
    if (c.op === 'insert') return { t: c.t, op: 'delete', row: c.row };
    if (c.op === 'delete') return { t: c.t, op: 'insert', row: c.row };
    return { t: c.t, op: 'update', before: c.after, after: c.before };
  });
}

/**
 * Whether a case file has a table: a read-only file from an older version (not migrated, since
 * it is never written) lacks the tables added after it.
 */
export function hasTable(db: Db, t: CaseTable): boolean {
  return stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
}

/** Every row of a case table, ordered by key; none when the file predates the table. */
export function tableRows(source: Db, t: CaseTable): Row[] {
  if (!hasTable(source, t)) return [];
  return source.prepare(`SELECT ${columnsOf(t).join(', ')} FROM ${t} ORDER BY ${keyColumn(t)}`).all() as Row[];
}

/**
 * Compares a case's tables with what replaying its log produced. Returns one line per table
 * that differs, naming the first row that does and how.
 */
export function compareTables(file: Db, replayed: Db): string[] {
  const out: string[] = [];
  for (const t of CASE_TABLES) {
    const a = tableRows(file, t);
    const b = tableRows(replayed, t);
    const key = keyColumn(t);
    const bByKey = new Map(b.map((r) => [r[key], r]));
    const aByKey = new Map(a.map((r) => [r[key], r]));
    const diffs: string[] = [];
    for (const r of a) {
      const other = bByKey.get(r[key]);
      if (!other) diffs.push(`row ${String(r[key])} is in the file but no log entry made it`);
      else if (!sameRow(r, other)) {
        const col = columnsOf(t).find((c) => r[c] !== other[c])!;
        diffs.push(`row ${String(r[key])} has ${col} = ${JSON.stringify(r[col])} in the file but ${JSON.stringify(other[col])} in the log`);
      }
    }
    for (const r of b) if (!aByKey.has(r[key])) diffs.push(`row ${String(r[key])} made by the log is missing from the file`);
    if (diffs.length) out.push(`table ${t}: ${diffs[0]}${diffs.length > 1 ? ` (and ${diffs.length - 1} more difference${diffs.length > 2 ? 's' : ''})` : ''}; the case was changed outside its log`);
  }
  return out;
}
