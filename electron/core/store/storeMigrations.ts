import type { Migration } from './migrate';

/**
 * The workspace store: chain facts, the datasets that brought them, and their aggregates.
 * Facts are deduplicated on natural keys; each keeps the id of the dataset that first brought it.
 * Amount columns (`value`, `amount`, `total`) are declared without a type on purpose; see sqlFunctions.ts.
 */
export const storeMigrations: readonly Migration[] = [
  {
    version: 10,
    name: 'initial',
    up(db) {
      db.exec(`
        CREATE TABLE chain (id INTEGER PRIMARY KEY, caip2 TEXT NOT NULL UNIQUE);

        CREATE TABLE dataset (
          id INTEGER PRIMARY KEY,
          format TEXT NOT NULL,
          parser_version TEXT NOT NULL,
          chain_id INTEGER NOT NULL REFERENCES chain(id),
          fingerprint TEXT NOT NULL,
          started_at TEXT NOT NULL,
          finished_at TEXT NOT NULL,
          row_counts TEXT NOT NULL,
          added TEXT NOT NULL
        );
        CREATE INDEX dataset_fingerprint ON dataset(fingerprint);

        CREATE TABLE dataset_source (
          dataset_id INTEGER NOT NULL REFERENCES dataset(id),
          seq INTEGER NOT NULL,
          name TEXT NOT NULL,
          path TEXT NOT NULL,
          size INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          kind TEXT NOT NULL,
          rows INTEGER NOT NULL,
          PRIMARY KEY (dataset_id, seq)
        );

        CREATE TABLE address (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL REFERENCES chain(id),
          addr TEXT NOT NULL,
          UNIQUE (chain_id, addr)
        );

        CREATE TABLE asset (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL REFERENCES chain(id),
          contract TEXT NOT NULL,          -- '' for the native asset
          symbol TEXT,
          name TEXT,
          decimals INTEGER,
          dataset_id INTEGER,
          UNIQUE (chain_id, contract)
        );

        CREATE TABLE block (
          chain_id INTEGER NOT NULL,
          number INTEGER NOT NULL,
          hash TEXT NOT NULL,
          parent_hash TEXT,
          time INTEGER NOT NULL,
          tx_count INTEGER,
          dataset_id INTEGER NOT NULL,
          PRIMARY KEY (chain_id, number)
        ) WITHOUT ROWID;

        -- A stub row (stub = 1) stands for a tx known only from a token transfer until the
        -- transactions file that describes it arrives.
        CREATE TABLE tx (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          hash TEXT NOT NULL,
          block_number INTEGER,
          tx_index INTEGER,
          time INTEGER,
          from_id INTEGER,
          to_id INTEGER,
          value,
          status INTEGER,                  -- 1 success, 0 failed, NULL unknown
          stub INTEGER NOT NULL DEFAULT 0,
          dataset_id INTEGER NOT NULL,
          UNIQUE (chain_id, hash)
        );
        CREATE INDEX tx_untimed ON tx(chain_id, block_number) WHERE time IS NULL;

        -- kind: 0 native value of the tx, 1 token transfer (pos = log index), 2 internal (pos = trace address)
        CREATE TABLE transfer (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          tx_id INTEGER NOT NULL REFERENCES tx(id),
          kind INTEGER NOT NULL,
          pos TEXT NOT NULL,
          from_id INTEGER,
          to_id INTEGER,
          asset_id INTEGER NOT NULL REFERENCES asset(id),
          amount NOT NULL,
          time INTEGER,
          status INTEGER,
          dataset_id INTEGER NOT NULL,
          UNIQUE (tx_id, kind, pos)
        );
        CREATE INDEX transfer_from ON transfer(from_id, to_id, asset_id);
        CREATE INDEX transfer_to ON transfer(to_id, from_id);
        CREATE INDEX transfer_untimed ON transfer(tx_id) WHERE time IS NULL;

        -- Aggregated value flow between two addresses per asset: the graph's edges.
        -- total is exact; total_f is a float copy used only for ranking.
        CREATE TABLE edge (
          from_id INTEGER NOT NULL,
          to_id INTEGER NOT NULL,
          asset_id INTEGER NOT NULL,
          total NOT NULL,
          total_f REAL NOT NULL,
          cnt INTEGER NOT NULL,
          first_time INTEGER,
          last_time INTEGER,
          PRIMARY KEY (from_id, to_id, asset_id)
        ) WITHOUT ROWID;
        CREATE INDEX edge_to ON edge(to_id, from_id);
      `);
    },
  },
];
