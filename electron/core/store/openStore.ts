import Database from 'better-sqlite3';
import { migrate, type Migration } from './migrate';
import { registerSqlFunctions } from './sqlFunctions';
import { storeMigrations } from './storeMigrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Stop migrating at this version (tests of a single migration). */
  readonly migrateTo?: number;
  /** Told before a slow upgrade of an existing store runs (Migration.notice), to pass on to the investigator. */
  readonly onNotice?: (message: string) => void;
}

/**
 * Opens a SQLite file with the settings every Cairn database uses: WAL so readers never wait
 * for an import, foreign keys on, and the exact-amount SQL functions registered.
 */
export function openDatabase(file: string, migrations: readonly Migration[], options: OpenOptions = {}): Db {
  // Under `npm start` with Electron, a copy of the addon built for Electron's ABI (scripts/start.mjs).
  const nativeBinding = process.env.CAIRN_SQLITE_BINDING;
  const db = nativeBinding ? new Database(file, { nativeBinding }) : new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // 128 MiB of page cache (the default is 2 MiB): imports insert into indexes keyed by hashes and
    // address ids, which land on random pages; a cache that holds them makes bulk imports several
    // times faster. It is an upper bound, only filled as pages are used.
    db.pragma('cache_size = -131072');
    migrate(db, file, migrations, options.migrateTo, options.onNotice);
    registerSqlFunctions(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function openStore(file: string, options: OpenOptions = {}): Db {
  return openDatabase(file, storeMigrations, options);
}
