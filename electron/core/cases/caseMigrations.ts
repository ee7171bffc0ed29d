import type Database from 'better-sqlite3';
import type { Migration } from '../store/migrate';
import { useCaseSchema } from './caseTables';

/**
 * A case file (cases/<id>.cairn) is its own SQLite database, so it can be handed to a colleague.
 * It refers to chain facts by natural key (chain, address), never by store row ids.
 */
export const caseMigrations: readonly Migration[] = [
  {
    version: 10,
    name: 'initial',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE seed (
          id INTEGER PRIMARY KEY,
          chain TEXT NOT NULL,
          addr TEXT NOT NULL,
          role TEXT NOT NULL,
          note TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          UNIQUE (chain, addr)
        );

        CREATE TABLE cluster (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          category TEXT NOT NULL,
          color TEXT NOT NULL,
          note TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL
        );

        -- A manual cluster is a set of addresses, whether or not they are on the canvas.
        CREATE TABLE cluster_member (
          id INTEGER PRIMARY KEY,
          cluster_id INTEGER NOT NULL,
          chain TEXT NOT NULL,
          addr TEXT NOT NULL,
          UNIQUE (chain, addr)
        );

        CREATE TABLE tag (
          id INTEGER PRIMARY KEY,
          chain TEXT,
          addr TEXT,
          cluster_id INTEGER,
          label TEXT NOT NULL,
          category TEXT,
          confidence INTEGER NOT NULL,
          source TEXT NOT NULL DEFAULT '',
          note TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL,
          CHECK ((addr IS NOT NULL) <> (cluster_id IS NOT NULL))
        );
        CREATE INDEX tag_address ON tag(chain, addr);

        -- What is on the canvas: address nodes, and "+K more" nodes that page a hub's counterparties.
        CREATE TABLE node (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('address', 'more')),
          chain TEXT,
          addr TEXT,
          parent_node INTEGER,
          direction TEXT,
          page_offset INTEGER,
          remaining INTEGER,
          x REAL NOT NULL DEFAULT 0,
          y REAL NOT NULL DEFAULT 0,
          hidden INTEGER NOT NULL DEFAULT 0,
          UNIQUE (chain, addr)
        );

        -- Append-only and hash-chained; see audit.ts.
        CREATE TABLE audit (
          seq INTEGER PRIMARY KEY,
          time TEXT NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          data TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
      `);
      legacyUndoTriggers(db, ['meta', 'seed', 'cluster', 'cluster_member', 'tag', 'node']);
    },
  },
  {
    version: 20,
    name: 'structured-undo-and-signed-log',
    up(db) {
      // Undo used to run SQL text stored in the file; a case from someone else could run any SQL
      // on the receiver's machine. The stored SQL is dropped unread, and undo now applies the
      // changes recorded in the signed audit log (caseTables.ts).
      for (const t of ['meta', 'seed', 'cluster', 'cluster_member', 'tag', 'node']) {
        db.exec(`DROP TRIGGER IF EXISTS ${t}_undo_insert; DROP TRIGGER IF EXISTS ${t}_undo_update; DROP TRIGGER IF EXISTS ${t}_undo_delete;`);
      }
      db.exec(`
        DROP TABLE IF EXISTS undo_log;
        DROP TABLE IF EXISTS undo_step;
        -- label: the undo menu's words for the step; changes: the rows it changed (before and
        -- after), from which the case's tables are replayed; undo_of: the entry an undo or redo
        -- reverses; pubkey and sig: the Ed25519 key and signature over the entry's hash.
        ALTER TABLE audit ADD COLUMN label TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN changes TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE audit ADD COLUMN undo_of INTEGER;
        ALTER TABLE audit ADD COLUMN pubkey TEXT;
        ALTER TABLE audit ADD COLUMN sig TEXT;
      `);
    },
  },
  {
    version: 30,
    name: 'traces-and-links',
    up(db) {
      db.exec(`
        -- A saved trace: what was asked (spec) and what came out (result), both JSON as the API
        -- shapes them (traceSchemas.ts), so it can be shown and re-run later.
        CREATE TABLE trace (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          spec TEXT NOT NULL,
          result TEXT NOT NULL,
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL
        );

        -- A cross-chain link between two transfers by natural key: a judgement (confirmed or
        -- rejected), never a proposal; proposals are computed and stored only once judged.
        -- A ref is the transfer within its tx (UTXO: output index; account: "<kind>:<pos>"),
        -- NULL for the whole tx. evidence is a JSON array of sentences.
        CREATE TABLE xlink (
          id INTEGER PRIMARY KEY,
          from_chain TEXT NOT NULL,
          from_tx TEXT NOT NULL,
          from_ref TEXT,
          to_chain TEXT NOT NULL,
          to_tx TEXT NOT NULL,
          to_ref TEXT,
          kind TEXT NOT NULL CHECK (kind IN ('bridge', 'swap', 'exchange', 'manual')),
          status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')),
          evidence TEXT NOT NULL DEFAULT '[]',
          score REAL,
          note TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL
        );
        -- One link per pair of transfers; a whole-tx end (NULL ref) counts as one value.
        CREATE UNIQUE INDEX xlink_refs ON xlink(from_chain, from_tx, ifnull(from_ref, ''), to_chain, to_tx, ifnull(to_ref, ''));
      `);
    },
  },
  {
    version: 31,
    name: 'cluster-overrides-and-entities',
    up(db) {
      db.exec(`
        -- The investigator's corrections to the workspace's automatic clusters, for this case
        -- (cases/caseClusters.ts). Addresses by natural key (chain CAIP-2, address text):
        --   split:   address a is taken out of its automatic cluster (a cluster of one here);
        --   reject:  the merges made by transaction tx (on chain) are not applied here;
        --   confirm: the held merge of a and b (tx) is applied here.
        -- A manual decision wins over the heuristics. Audited and undoable like every case edit.
        CREATE TABLE cluster_override (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('split', 'reject', 'confirm')),
          chain TEXT NOT NULL,
          a TEXT,
          b TEXT,
          tx TEXT,
          note TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL
        );
        CREATE UNIQUE INDEX cluster_override_key ON cluster_override(kind, chain, ifnull(a, ''), ifnull(b, ''), ifnull(tx, ''));

        -- Automatic clusters drawn collapsed on this case's canvas: one entity node stands for
        -- the cluster's members on the canvas, named by one member (anchor) so the row survives
        -- the store's cluster roots changing as imports land.
        CREATE TABLE entity_collapse (
          id INTEGER PRIMARY KEY,
          chain TEXT NOT NULL,
          anchor TEXT NOT NULL,
          x REAL NOT NULL DEFAULT 0,
          y REAL NOT NULL DEFAULT 0,
          UNIQUE (chain, anchor)
        );
      `);
    },
  },
  {
    version: 32,
    name: 'attribution',
    up(db) {
      db.exec(`
        -- The investigator's own attribution (issue 16): per ground (the laundering steps, the
        -- services, commingling with other cases) and the overall conclusion, what they wrote,
        -- how confident they are (0-100, NULL: not said) and the cases they compared with (a
        -- JSON list of case ids). Cairn shows the evidence; it never writes a conclusion here.
        CREATE TABLE attribution (
          id INTEGER PRIMARY KEY,
          ground TEXT NOT NULL UNIQUE CHECK (ground IN ('steps', 'services', 'commingling', 'conclusion')),
          text TEXT NOT NULL DEFAULT '',
          confidence INTEGER CHECK (confidence IS NULL OR (confidence BETWEEN 0 AND 100)),
          cases TEXT NOT NULL DEFAULT '[]',
          updated_at TEXT NOT NULL,
          updated_by TEXT NOT NULL
        );
      `);
    },
  },
];

useCaseSchema(caseMigrations);

/**
 * The triggers version 10 installed (after SQLite's undo/redo recipe). Kept only so the schema of
 * a version-10 file can be checked exactly before it is migrated; nothing runs them any more.
 */
function legacyUndoTriggers(db: Database.Database, tables: readonly string[]): void {
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
