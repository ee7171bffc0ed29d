import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../store/migrate';
import type { Db } from '../store/openStore';

/**
 * Opening a SQLite file that came from someone else. SQLite runs code stored in a database
 * (triggers, views, and the SQL a schema holds), so such a file is checked before anything reads
 * it: a regular file within a size limit, SQLite's header, a schema version Cairn wrote, and a
 * schema exactly equal to the one Cairn's own migrations build for that version: no trigger, view
 * or table more or less. It is opened read-only, with trusted_schema off, so opening never
 * changes a byte of it.
 */
export class UnsafeFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnsafeFileError';
  }
}

export const MAX_CASE_FILE_BYTES = 2 * 1024 ** 3;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const expectedSchemas = new WeakMap<readonly Migration[], Map<number, Map<string, SchemaObject>>>();

/** What Cairn's migrations build at one version, by object name. */
function expectedSchema(migrations: readonly Migration[], version: number): Map<string, SchemaObject> {
  let byVersion = expectedSchemas.get(migrations);
  if (!byVersion) expectedSchemas.set(migrations, (byVersion = new Map()));
  let schema = byVersion.get(version);
  if (!schema) {
    const db = new Database(':memory:');
    try {
      migrate(db, ':memory:', migrations, version);
      schema = new Map((db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaObject[]).map((o) => [o.name, o]));
    } finally {
      db.close();
    }
    byVersion.set(version, schema);
  }
  return schema;
}

/** The schema version stored in the header (bytes 60–63, big-endian, signed), read without SQLite. */
function readHeader(file: string): { version: number; walMode: boolean } {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) throw new UnsafeFileError(file, 'not a Cairn file: it does not start with the SQLite header (damaged, or not a case at all)');
  return { version: header.readInt32BE(60), walMode: header[18] === 2 };
}

export interface CheckedFile {
  readonly version: number;
}

/**
 * Checks a file without letting SQLite run anything from it. Throws UnsafeFileError naming the
 * file and what is wrong.
 */
export function checkSqliteFile(file: string, migrations: readonly Migration[], what: string): CheckedFile {
  let st;
  try {
    st = lstatSync(file);
  } catch (error) {
    throw new UnsafeFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (st.isSymbolicLink()) throw new UnsafeFileError(file, 'is a symbolic link; Cairn opens only regular files, so a link cannot point it at another file');
  if (!st.isFile()) throw new UnsafeFileError(file, 'is not a regular file');
  if (st.size > MAX_CASE_FILE_BYTES) throw new UnsafeFileError(file, `is ${st.size} bytes, more than the ${MAX_CASE_FILE_BYTES} bytes a ${what} may be`);
  const { version } = readHeader(file);
  const known = migrations.map((m) => m.version);
  const latest = known[known.length - 1] ?? 0;
  if (version > latest) throw new UnsafeFileError(file, `was written by a newer version of Cairn (schema ${version}; this version understands up to ${latest}). Open it with that version or newer; nothing was changed`);
  if (!known.includes(version)) throw new UnsafeFileError(file, `has schema version ${version}, which no version of Cairn writes for a ${what}; nothing was changed`);

  const db = openReadOnly(file);
  try {
    let objects: SchemaObject[];
    try {
      objects = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaObject[];
    } catch (error) {
      throw new UnsafeFileError(file, `its schema cannot be read (${(error as Error).message})`);
    }
    const expected = expectedSchema(migrations, version);
    for (const o of objects) {
      const e = expected.get(o.name);
      if (!e) throw new UnsafeFileError(file, `holds a ${o.type} "${o.name.slice(0, 80)}" that Cairn does not make; a ${what} holds only Cairn's own tables, so it was refused unread`);
      if (e.type !== o.type) throw new UnsafeFileError(file, `has a ${o.type} where Cairn makes the ${e.type} "${o.name}"; refused unread`);
      if (e.tbl_name !== o.tbl_name || e.sql !== o.sql) throw new UnsafeFileError(file, `its ${o.type} "${o.name}" is not defined as Cairn defines it; refused unread`);
    }
    for (const name of expected.keys()) if (!objects.some((o) => o.name === name)) throw new UnsafeFileError(file, `lacks Cairn's ${expected.get(name)!.type} "${name}"; refused`);
  } finally {
    db.close();
  }
  return { version };
}

/**
 * A read-only connection with SQLite's protections on: schema code is not trusted, and defensive
 * mode (better-sqlite3's default) refuses writes to the schema itself. The file must have passed
 * checkSqliteFile first.
 */
export function openReadOnly(file: string): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new UnsafeFileError(file, `cannot be opened (${(error as Error).message})`);
  }
  try {
    db.pragma('trusted_schema = OFF');
    db.pragma('cell_size_check = ON');
    db.pragma('mmap_size = 0');
    db.pragma('query_only = ON');
  } catch (error) {
    db.close();
    throw new UnsafeFileError(file, `is not a database SQLite can read (${(error as Error).message})`);
  }
  return db;
}

export function fileLabel(file: string): string {
  return basename(file);
}
