import type { Migration } from '../store/migrate';
import { installUndoTriggers } from './undo';

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
      installUndoTriggers(db, ['meta', 'seed', 'cluster', 'cluster_member', 'tag', 'node']);
    },
  },
];
