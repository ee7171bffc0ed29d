import type { Migration } from './migrate';
import { TX_HASH_TEXT_SQL, txHashBinSql, txHashFormSql } from './txHash';

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
  {
    version: 20,
    name: 'utxo',
    up(db) {
      db.exec(`
        -- UTXO chains. Blocks are keyed by hash because they arrive out of order and stale
        -- blocks exist; height is set only for blocks on the most-work chain.
        CREATE TABLE btc_block (
          chain_id INTEGER NOT NULL,
          hash TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          height INTEGER,
          time INTEGER NOT NULL,
          bits INTEGER NOT NULL,
          tx_count INTEGER NOT NULL,
          size INTEGER NOT NULL,
          dataset_id INTEGER NOT NULL,
          PRIMARY KEY (chain_id, hash)
        ) WITHOUT ROWID;
        CREATE INDEX btc_block_height ON btc_block(chain_id, height);

        -- Which block(s) hold a tx: a tx can be in a stale block and in its main-chain replacement.
        CREATE TABLE btc_block_tx (
          chain_id INTEGER NOT NULL,
          block_hash TEXT NOT NULL,
          idx INTEGER NOT NULL,
          tx_id INTEGER NOT NULL,
          PRIMARY KEY (chain_id, block_hash, idx)
        ) WITHOUT ROWID;
        CREATE INDEX btc_block_tx_tx ON btc_block_tx(tx_id);

        -- value is exact satoshis; address_id is NULL for OP_RETURN. data keeps OP_RETURN payloads.
        CREATE TABLE txout (
          tx_id INTEGER NOT NULL,
          n INTEGER NOT NULL,
          value NOT NULL,
          type TEXT NOT NULL,
          address_id INTEGER,
          data BLOB,
          spent_by INTEGER,
          spent_n INTEGER,
          PRIMARY KEY (tx_id, n)
        ) WITHOUT ROWID;
        CREATE INDEX txout_address ON txout(address_id) WHERE address_id IS NOT NULL;

        -- An input whose spent output is not in the store yet is still a fact: prev_tx_id, value
        -- and address_id stay NULL (unknown, not zero) until that output arrives.
        CREATE TABLE txin (
          tx_id INTEGER NOT NULL,
          n INTEGER NOT NULL,
          prev_txid TEXT NOT NULL,
          prev_n INTEGER NOT NULL,
          prev_tx_id INTEGER,
          value,
          address_id INTEGER,
          PRIMARY KEY (tx_id, n)
        ) WITHOUT ROWID;
        CREATE INDEX txin_unresolved ON txin(prev_txid, prev_n) WHERE prev_tx_id IS NULL;
        CREATE INDEX txin_address ON txin(address_id) WHERE address_id IS NOT NULL;

        -- fee: exact when every input is known; coinbase: 1 for the block reward tx;
        -- folded: 1 once its inputs and outputs have been folded into address transfers.
        ALTER TABLE tx ADD COLUMN fee;
        ALTER TABLE tx ADD COLUMN coinbase INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tx ADD COLUMN folded INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    version: 30,
    name: 'blk-resume-and-stated-heights',
    up(db) {
      db.exec(`
        -- How far a blk file was read (a record boundary, or where zero padding began) and the
        -- SHA-256 of those bytes: a later import of the same, grown file starts there when the
        -- bytes are unchanged.
        ALTER TABLE dataset_source ADD COLUMN read_to INTEGER;
        ALTER TABLE dataset_source ADD COLUMN read_to_sha256 TEXT;
        -- The height a block states for itself (BIP 34 coinbase height, or a getblock response's
        -- height field), used when its ancestors are not in the store.
        ALTER TABLE btc_block ADD COLUMN stated_height INTEGER;
      `);
    },
  },
  {
    version: 40,
    name: 'dataset-scope',
    up(db) {
      db.exec(`
        -- What part of the chain a dataset describes. NULL: every fact of the blocks it covers
        -- (ethereum-etl, Bitcoin blocks). 'partial:<address>': one address's history as a block
        -- explorer exported it (Etherscan-family CSV), which records what touched that address
        -- and nothing else of those blocks or transactions.
        ALTER TABLE dataset ADD COLUMN scope TEXT;
      `);
    },
  },
  {
    version: 50,
    name: 'nft-transfers',
    up(db) {
      db.exec(`
        -- 'erc721' for a token a contracts file marks ERC-721 and not ERC-20: its Transfer event's
        -- third word is a token id, not an amount. NULL: fungible or not known.
        ALTER TABLE asset ADD COLUMN standard TEXT;
        -- The id of the one token an ERC-721 transfer moves (decimal); its amount is 1.
        ALTER TABLE transfer ADD COLUMN token_id TEXT;
      `);
    },
  },
  {
    version: 60,
    name: 'hub-rankings',
    up(db) {
      db.exec(`
        -- Stored counterparty rankings of hubs (store/hubs.ts), recomputed by each import.
        -- direction: 'in', 'out' or 'both'; total: how many counterparties in that direction.
        CREATE TABLE hub (
          address_id INTEGER NOT NULL,
          direction TEXT NOT NULL,
          total INTEGER NOT NULL,
          PRIMARY KEY (address_id, direction)
        ) WITHOUT ROWID;
        CREATE TABLE hub_rank (
          address_id INTEGER NOT NULL,
          direction TEXT NOT NULL,
          pos INTEGER NOT NULL,
          cp_id INTEGER NOT NULL,
          PRIMARY KEY (address_id, direction, pos)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 70,
    name: 'label-sets',
    up(db) {
      db.exec(`
        -- Label sets (intel/labelStore.ts): one imported label file each, with its provenance.
        -- Labels point at (chain, address) as text, not at store address ids: most labelled
        -- addresses are in no imported block, and a label never changes a chain fact.
        CREATE TABLE label_set (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          creator TEXT,
          description TEXT,
          source_url TEXT,
          license TEXT,
          lastmod TEXT,
          imported_at TEXT NOT NULL,
          file_name TEXT NOT NULL,
          file_sha256 TEXT NOT NULL,
          file_size INTEGER NOT NULL
        );
        CREATE INDEX label_set_sha256 ON label_set(file_sha256);
        CREATE TABLE label (
          id INTEGER PRIMARY KEY,
          set_id INTEGER NOT NULL REFERENCES label_set(id),
          chain TEXT NOT NULL,
          addr TEXT NOT NULL,
          label TEXT NOT NULL,
          category TEXT,
          abuse TEXT,
          confidence TEXT,
          confidence_score INTEGER,
          source TEXT,
          context TEXT,
          is_cluster_definer INTEGER NOT NULL DEFAULT 0,
          actor TEXT,
          lastmod TEXT,
          line INTEGER,
          idx INTEGER
        );
        CREATE INDEX label_address ON label(chain, addr);
        CREATE INDEX label_of_set ON label(set_id);
        CREATE TABLE label_actor (
          set_id INTEGER NOT NULL REFERENCES label_set(id),
          actor_id TEXT NOT NULL,
          label TEXT NOT NULL,
          jurisdictions TEXT NOT NULL,
          uri TEXT,
          categories TEXT NOT NULL,
          context TEXT,
          PRIMARY KEY (set_id, actor_id)
        ) WITHOUT ROWID;
        -- Search over label and actor names: trigram, so any three letters of a name find it
        -- ("azaru" finds "Lazarus group"), case-insensitively. rowid = label.id.
        CREATE VIRTUAL TABLE label_fts USING fts5(text, tokenize = 'trigram');
      `);
    },
  },
  {
    version: 80,
    name: 'clusters-and-derived-inputs',
    up(db) {
      db.exec(`
        -- 1 when an input's address_id was derived from its unlocking script (scriptSig and
        -- witness; shared/codec/inputScript.ts) because the output it spends is not in the store.
        -- Its value stays NULL: a derived input is never folded. 0 once the spent output arrives
        -- and gives the address (which wins if the two ever differ).
        ALTER TABLE txin ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;

        -- Address clusters (analysis/clustering/): inferences drawn from the facts, recomputable,
        -- so never carried in bundles (casefile/evidence.ts lists them as derived).
        --
        -- The union-find is kept flat: every clustered address names its cluster's root directly,
        -- and an address with no row is a cluster of one (itself). A merge relabels the members
        -- of the smaller cluster, so finding a cluster is one row, a cluster's members are one
        -- range of entity_member_root, and an address is relabelled at most log2(n) times.
        CREATE TABLE entity_member (
          address_id INTEGER PRIMARY KEY,
          root INTEGER NOT NULL
        );
        CREATE INDEX entity_member_root ON entity_member(root, address_id);
        -- size: how many addresses the cluster rooted here holds (2 or more).
        CREATE TABLE entity_root (
          root INTEGER PRIMARY KEY,
          size INTEGER NOT NULL
        );
        -- One row per applied merge that joined two different clusters: the two addresses the
        -- heuristic says have one owner (multi-input: the transaction's first input address, a,
        -- and another of its input addresses, b), the transaction, the heuristic, and the dataset
        -- whose import made the merge. A cluster's rows form a spanning tree of its members,
        -- which "why" walks.
        CREATE TABLE cluster_evidence (
          id INTEGER PRIMARY KEY,
          a INTEGER NOT NULL,
          b INTEGER NOT NULL,
          tx_id INTEGER NOT NULL,
          heuristic TEXT NOT NULL,
          dataset_id INTEGER NOT NULL
        );
        CREATE INDEX cluster_evidence_a ON cluster_evidence(a);
        CREATE INDEX cluster_evidence_b ON cluster_evidence(b);
        -- Merges the collapse guard held instead of applying (both clusters large): the two
        -- addresses, their clusters' sizes then, the transaction and heuristic, the dataset.
        CREATE TABLE cluster_held (
          id INTEGER PRIMARY KEY,
          a INTEGER NOT NULL,
          b INTEGER NOT NULL,
          a_size INTEGER NOT NULL,
          b_size INTEGER NOT NULL,
          tx_id INTEGER NOT NULL,
          heuristic TEXT NOT NULL,
          dataset_id INTEGER NOT NULL,
          UNIQUE (tx_id, heuristic, a, b)
        );
      `);
    },
  },
  {
    version: 81,
    name: 'clustering-settings',
    up(db) {
      db.exec(`
        -- The workspace's clustering settings (analysis/clustering/settings.ts), one row per key,
        -- the value JSON: which change heuristics are on, the deposit-address thresholds, the
        -- collapse guard. A setting changed rebuilds the clusters it affects.
        CREATE TABLE cluster_setting (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 90,
    name: 'source-conflicts',
    up(db) {
      db.exec(`
        -- Two sources that disagree about a recorded fact (store/conflicts.ts). The store keeps
        -- the first source's value (stored, from stored_dataset_id); the value another row gave
        -- (other, from other_dataset_id, read at source: file and line) is kept here, never
        -- dropped. kind: 'tx', 'transfer' or 'block'; fact: its natural key as text (tx hash;
        -- tx hash/transfer kind/position; block number), also split out in the columns after it.
        -- Values are text: amounts in base units, addresses and hashes as the store spells them.
        -- One row per fact, field, dataset and value, so importing the same disagreement again
        -- in the same dataset records nothing new.
        CREATE TABLE conflict (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL REFERENCES chain(id),
          kind TEXT NOT NULL,
          fact TEXT NOT NULL,
          tx_hash TEXT,
          transfer_kind INTEGER,
          transfer_pos TEXT,
          block_number INTEGER,
          field TEXT NOT NULL,
          stored TEXT NOT NULL,
          stored_dataset_id INTEGER NOT NULL REFERENCES dataset(id),
          other TEXT NOT NULL,
          other_dataset_id INTEGER NOT NULL REFERENCES dataset(id),
          source TEXT,
          recorded_at TEXT NOT NULL,
          UNIQUE (chain_id, kind, fact, field, other_dataset_id, other)
        );
        CREATE INDEX conflict_tx ON conflict(chain_id, tx_hash) WHERE tx_hash IS NOT NULL;
        CREATE INDEX conflict_other_dataset ON conflict(other_dataset_id);
        CREATE INDEX conflict_stored_dataset ON conflict(stored_dataset_id);
      `);
    },
  },
  {
    version: 100,
    name: 'natural-key-indexes',
    rebuildsTables: true,
    // Measured: 3.1 s for a store of 750,000 txs and 68,000 addresses (the 1M world's Ethereum and Tron).
    notice: 'upgrading the store for this version of Cairn: its tx and address tables are rebuilt once, about 4 s per million transactions; if it is stopped, the store stays as it was',
    up(db) {
      // The natural keys of txs and addresses become named unique indexes instead of table
      // constraints, so a first import of a large export can drop them and build them once at
      // the end (store/bulkIndexes.ts) while it dedupes in memory: kept live, every insert is a
      // descent into a random page of a hash-ordered B-tree. Same rows, same ids, same
      // uniqueness; only the index's name and droppability change.
      db.exec(`
        CREATE TABLE tx_rebuilt (
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
          fee,
          coinbase INTEGER NOT NULL DEFAULT 0,
          folded INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO tx_rebuilt (id, chain_id, hash, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded)
          SELECT id, chain_id, hash, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded FROM tx;
        DROP TABLE tx;
        ALTER TABLE tx_rebuilt RENAME TO tx;
        CREATE UNIQUE INDEX tx_key ON tx(chain_id, hash);
        CREATE INDEX tx_untimed ON tx(chain_id, block_number) WHERE time IS NULL;

        CREATE TABLE address_rebuilt (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL REFERENCES chain(id),
          addr TEXT NOT NULL
        );
        INSERT INTO address_rebuilt (id, chain_id, addr) SELECT id, chain_id, addr FROM address;
        DROP TABLE address;
        ALTER TABLE address_rebuilt RENAME TO address;
        CREATE UNIQUE INDEX address_key ON address(chain_id, addr);
      `);
    },
  },
  {
    version: 110,
    name: 'binary-tx-hashes',
    rebuildsTables: true,
    // Measured: 4.2 s for the 845,000 txs of the 1M world (Ethereum, Tron and Bitcoin).
    notice: 'upgrading the store for this version of Cairn: transaction hashes are stored as bytes, which rebuilds the tx table once, about 5 s per million transactions; if it is stopped, the store stays as it was',
    up(db) {
      // A tx's hash is kept as its 32 bytes and a form code instead of 66 characters of text,
      // in the row and in tx_key: the store shrinks by about an eighth (store/txHash.ts). `hash`
      // becomes a virtual column that spells the same text back, so readers are unchanged.
      const form = txHashFormSql('hash');
      db.exec(`
        CREATE TABLE tx_rebuilt (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          hash_bin BLOB NOT NULL,
          hash_form INTEGER NOT NULL,
          block_number INTEGER,
          tx_index INTEGER,
          time INTEGER,
          from_id INTEGER,
          to_id INTEGER,
          value,
          status INTEGER,                  -- 1 success, 0 failed, NULL unknown
          stub INTEGER NOT NULL DEFAULT 0,
          dataset_id INTEGER NOT NULL,
          fee,
          coinbase INTEGER NOT NULL DEFAULT 0,
          folded INTEGER NOT NULL DEFAULT 0,
          hash TEXT GENERATED ALWAYS AS (${TX_HASH_TEXT_SQL}) VIRTUAL
        );
        INSERT INTO tx_rebuilt (id, chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded)
          SELECT id, chain_id, ${txHashBinSql('hash', form)}, ${form}, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded FROM tx;
        DROP TABLE tx;
        ALTER TABLE tx_rebuilt RENAME TO tx;
        CREATE UNIQUE INDEX tx_key ON tx(chain_id, hash_bin, hash_form);
        CREATE INDEX tx_untimed ON tx(chain_id, block_number) WHERE time IS NULL;
      `);
    },
  },
  {
    version: 120,
    name: 'utxo-hash-bytes-and-edge-ranks',
    rebuildsTables: true,
    // Measured: 2.7–3.0 s for the 1M world's 1.34 million edges, 168,000 inputs and 94,000
    // memberships. The pages the old tables held are free for later imports to reuse; the file
    // itself does not shrink (a VACUUM would, at the cost of rewriting it).
    notice: 'upgrading the store for this version of Cairn: edges, Bitcoin inputs and block memberships are stored more compactly, which rebuilds those tables once, about 2 s per million edges; if it is stopped, the store stays as it was',
    up(db) {
      // Three columns that repeated what the row already says, stored more compactly; each keeps
      // its name as a virtual column that spells the same value back, so readers are unchanged:
      // - an input's spent txid and a membership's block hash: their bytes instead of 64
      //   characters of hex (both are always written as lowercase hex of whole bytes, which
      //   lower(hex()) gives back letter for letter);
      // - an edge's float total, used only for ranking: the exact total as a float, instead of a
      //   running float sum stored beside it.
      const notHex = db
        .prepare(
          `SELECT 'input ' || tx_id || ':' || n || ' spends ' || quote(prev_txid) FROM txin WHERE unhex(prev_txid) IS NULL OR prev_txid <> lower(prev_txid)
           UNION ALL SELECT 'a membership names block ' || quote(block_hash) FROM btc_block_tx WHERE unhex(block_hash) IS NULL OR block_hash <> lower(block_hash) LIMIT 1`,
        )
        .pluck()
        .get() as string | undefined;
      if (notHex !== undefined) throw new Error(`store migration 120: ${notHex}, which is not lowercase hex; the store is left as it was`);
      db.exec(`
        CREATE TABLE txin_rebuilt (
          tx_id INTEGER NOT NULL,
          n INTEGER NOT NULL,
          prev_txid_bin BLOB NOT NULL,
          prev_n INTEGER NOT NULL,
          prev_tx_id INTEGER,
          value,
          address_id INTEGER,
          derived INTEGER NOT NULL DEFAULT 0,
          prev_txid TEXT GENERATED ALWAYS AS (lower(hex(prev_txid_bin))) VIRTUAL,
          PRIMARY KEY (tx_id, n)
        ) WITHOUT ROWID;
        INSERT INTO txin_rebuilt (tx_id, n, prev_txid_bin, prev_n, prev_tx_id, value, address_id, derived)
          SELECT tx_id, n, unhex(prev_txid), prev_n, prev_tx_id, value, address_id, derived FROM txin ORDER BY tx_id, n;
        DROP TABLE txin;
        ALTER TABLE txin_rebuilt RENAME TO txin;
        CREATE INDEX txin_unresolved ON txin(prev_txid_bin, prev_n) WHERE prev_tx_id IS NULL;
        CREATE INDEX txin_address ON txin(address_id) WHERE address_id IS NOT NULL;

        CREATE TABLE btc_block_tx_rebuilt (
          chain_id INTEGER NOT NULL,
          block_bin BLOB NOT NULL,
          idx INTEGER NOT NULL,
          tx_id INTEGER NOT NULL,
          block_hash TEXT GENERATED ALWAYS AS (lower(hex(block_bin))) VIRTUAL,
          PRIMARY KEY (chain_id, block_bin, idx)
        ) WITHOUT ROWID;
        INSERT INTO btc_block_tx_rebuilt (chain_id, block_bin, idx, tx_id)
          SELECT chain_id, unhex(block_hash), idx, tx_id FROM btc_block_tx ORDER BY chain_id, block_hash, idx;
        DROP TABLE btc_block_tx;
        ALTER TABLE btc_block_tx_rebuilt RENAME TO btc_block_tx;
        CREATE INDEX btc_block_tx_tx ON btc_block_tx(tx_id);

        CREATE TABLE edge_rebuilt (
          from_id INTEGER NOT NULL,
          to_id INTEGER NOT NULL,
          asset_id INTEGER NOT NULL,
          total NOT NULL,
          cnt INTEGER NOT NULL,
          first_time INTEGER,
          last_time INTEGER,
          -- The exact total as a float, for ranking only.
          total_f REAL GENERATED ALWAYS AS (CAST(total AS REAL)) VIRTUAL,
          PRIMARY KEY (from_id, to_id, asset_id)
        ) WITHOUT ROWID;
        INSERT INTO edge_rebuilt (from_id, to_id, asset_id, total, cnt, first_time, last_time)
          SELECT from_id, to_id, asset_id, total, cnt, first_time, last_time FROM edge ORDER BY from_id, to_id, asset_id;
        DROP TABLE edge;
        ALTER TABLE edge_rebuilt RENAME TO edge;
        CREATE INDEX edge_to ON edge(to_id, from_id);
      `);
    },
  },
];
