import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVIDENCE_COLUMNS, extractEvidence, mergeEvidence } from '../../../../electron/core/casefile/evidence';
import { buildGraph } from '../../../../electron/core/cases/caseGraph';
import type { CaseFile } from '../../../../electron/core/cases/caseFiles';
import { caseMigrations } from '../../../../electron/core/cases/caseMigrations';
import { txFlows } from '../../../../electron/core/cases/txFlows';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { listDatasets } from '../../../../electron/core/store/datasets';
import { openDatabase, openStore, type Db } from '../../../../electron/core/store/openStore';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { getTx, getUtxoParts } from '../../../../electron/core/store/txQueries';
import { BLK_FIXTURE, ETL, ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS, factCounts, tempDir } from '../../helpers';

const BTC = 'bip122:000000000019d6689c085ae165831e93';
const ETH = 'eip155:1';
/** The key paid by block 9's coinbase (P2PK, shown as its P2PKH address). */
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
/** Block 170: the first person-to-person payment. */
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIVER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';
const VICTIM_TX = '0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c';
const TOKEN_SENDER = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const TOKEN_TX = '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8';
/** ethereum-etl addresses that the case never reaches. */
const OUTSIDE_ETH = [
  '0x2a65aca4d5fc5b5c859090a6c34d164135398226',
  '0x743b8aeedc163c0e3a0fe9f3910d146c48e70da8',
  '0x9b22a80d5c7b3374a05b446081f97d0a34079e7f',
  '0x66f183060253cfbe45beff1e6e7ebbe318c81e56',
];

type CaseAddress = { chain: string; addr: string };

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const BUNDLE = { bundleName: 'genesis-era.cairnbundle', bundleSha256: 'c0ffee'.padEnd(64, '0'), bundleSize: 4242, sender: 'Alice Analyst' };

/** The sender's store: the real Bitcoin blocks 1-255 and the real ethereum-etl exports, imported as the app imports them. */
async function senderStore(dir: string): Promise<{ dir: string; store: Db; file: string }> {
  const file = join(dir, 'store.sqlite');
  const store = openStore(file);
  await importDataset(store, { paths: [BLK_FIXTURE] });
  await importDataset(store, { paths: [ETL] });
  return { dir, store, file };
}

/** Counterparties of an address by its edges, as graph.expand puts them on the canvas. */
function expand(db: Db, chain: string, addr: string, direction: 'in' | 'out' | 'both'): CaseAddress[] {
  const a = idOf(db, chain, addr);
  assert.ok(a !== undefined, addr);
  const parts: string[] = [];
  if (direction !== 'in') parts.push('SELECT to_id AS cp FROM edge WHERE from_id = :a AND to_id <> :a');
  if (direction !== 'out') parts.push('SELECT from_id AS cp FROM edge WHERE to_id = :a AND from_id <> :a');
  const rows = db.prepare(`SELECT DISTINCT x.addr FROM (${parts.join(' UNION ')}) JOIN address x ON x.id = cp ORDER BY x.addr`).pluck().all({ a }) as string[];
  return rows.map((cp) => ({ chain, addr: cp }));
}

/** A case as an investigator builds it: seeds, expanded one step. */
function caseAddresses(store: Db): CaseAddress[] {
  const list: CaseAddress[] = [
    { chain: BTC, addr: SATOSHI },
    { chain: BTC, addr: HAL },
    ...expand(store, BTC, SATOSHI, 'both'),
    { chain: ETH, addr: VICTIM },
    ...expand(store, ETH, VICTIM, 'out'),
    { chain: ETH, addr: TOKEN_SENDER },
    ...expand(store, ETH, TOKEN_SENDER, 'out'),
    // A case may name an address no store has seen yet.
    { chain: ETH, addr: '0x00000000000000000000000000000000000000aa' },
  ];
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(`${a.chain}|${a.addr}`) && seen.add(`${a.chain}|${a.addr}`));
}

function idOf(db: Db, chain: string, addr: string): number | undefined {
  return db.prepare('SELECT a.id FROM address a JOIN chain c ON c.id = a.chain_id WHERE c.caip2 = ? AND a.addr = ?').pluck().get(chain, addr) as number | undefined;
}

/**
 * What the case graph shows for these addresses (caseGraph.buildGraph's store side): whether each
 * is known, and the exact edges between known ones, by natural keys.
 */
function graphOf(db: Db, addrs: readonly CaseAddress[]) {
  const byId = new Map<number, string>();
  const known: [string, boolean][] = [];
  for (const a of addrs) {
    const id = idOf(db, a.chain, a.addr);
    known.push([`${a.chain}|${a.addr}`, id !== undefined]);
    if (id !== undefined) byId.set(id, `${a.chain}|${a.addr}`);
  }
  const ids = JSON.stringify([...byId.keys()]);
  const edges = (
    db
      .prepare(
        `SELECT e.from_id, e.to_id, c.caip2, s.contract, s.symbol, s.decimals, e.total, e.cnt, e.first_time, e.last_time
         FROM edge e JOIN asset s ON s.id = e.asset_id JOIN chain c ON c.id = s.chain_id
         WHERE e.from_id IN (SELECT value FROM json_each(:ids)) AND e.to_id IN (SELECT value FROM json_each(:ids)) AND e.from_id <> e.to_id`,
      )
      .safeIntegers(true)
      .all({ ids }) as { from_id: bigint; to_id: bigint; caip2: string; contract: string; symbol: string | null; decimals: bigint | null; total: bigint | string; cnt: bigint; first_time: bigint | null; last_time: bigint | null }[]
  )
    .map((e) => ({
      from: byId.get(Number(e.from_id))!,
      to: byId.get(Number(e.to_id))!,
      asset: `${e.caip2}/${e.contract || 'native'}/${e.symbol}/${e.decimals}`,
      total: fromDbAmount(e.total).toString(),
      count: Number(e.cnt),
      first: e.first_time === null ? null : Number(e.first_time),
      last: e.last_time === null ? null : Number(e.last_time),
    }))
    .sort((a, b) => (`${a.from} ${a.to} ${a.asset}` < `${b.from} ${b.to} ${b.asset}` ? -1 : 1));
  return { known, edges };
}

/**
 * The transaction-flow view (cases/txFlows.ts) for these addresses of a UTXO chain: every
 * transaction with an input from and an output to one of them, with all its inputs and outputs.
 */
function flowsOf(db: Db, chain: string, addrs: readonly CaseAddress[]) {
  const ids = JSON.stringify(addrs.filter((a) => a.chain === chain).map((a) => idOf(db, a.chain, a.addr)).filter((id) => id !== undefined));
  const txs = db
    .prepare(
      `WITH canvas(id) AS (SELECT value FROM json_each(?)),
       hits(tx_id) AS (SELECT tx_id FROM txin WHERE address_id IN (SELECT id FROM canvas) INTERSECT SELECT tx_id FROM txout WHERE address_id IN (SELECT id FROM canvas))
       SELECT tx.id, tx.hash, tx.block_number AS height, tx.time, tx.fee FROM hits CROSS JOIN tx ON tx.id = hits.tx_id ORDER BY tx.time, tx.hash`,
    )
    .safeIntegers(true)
    .all(ids) as { id: bigint; hash: string; height: bigint | null; time: bigint | null; fee: bigint | string | null }[];
  const parts = (table: 'txin' | 'txout', txId: bigint) =>
    (db.prepare(`SELECT p.n, p.value, a.addr FROM ${table} p LEFT JOIN address a ON a.id = p.address_id WHERE p.tx_id = ? ORDER BY p.n`).safeIntegers(true).all(txId) as {
      n: bigint;
      value: bigint | string | null;
      addr: string | null;
    }[]).map((p) => [Number(p.n), p.addr, p.value === null ? null : fromDbAmount(p.value).toString()]);
  return txs.map((t) => ({
    txid: t.hash,
    height: t.height === null ? null : Number(t.height),
    time: t.time === null ? null : Number(t.time),
    fee: t.fee === null ? null : fromDbAmount(t.fee).toString(),
    inputs: parts('txin', t.id),
    outputs: parts('txout', t.id),
  }));
}

/** Every fact of a store by natural keys (no row ids, no dataset ids): for comparing two stores. */
function factsOf(db: Db): Record<string, unknown[]> {
  const q = (sql: string) => db.prepare(sql).raw().safeIntegers(true).all().map((r) => (r as unknown[]).map((v) => (typeof v === 'bigint' ? v.toString() : v)));
  return {
    address: q('SELECT c.caip2, a.addr FROM address a JOIN chain c ON c.id = a.chain_id ORDER BY 1, 2'),
    asset: q('SELECT c.caip2, s.contract, s.symbol, s.name, s.decimals, s.standard FROM asset s JOIN chain c ON c.id = s.chain_id ORDER BY 1, 2'),
    block: q('SELECT c.caip2, b.number, b.hash, b.parent_hash, b.time, b.tx_count FROM block b JOIN chain c ON c.id = b.chain_id ORDER BY 1, 2'),
    btc_block: q('SELECT hash, prev_hash, height, stated_height, time, bits, tx_count, size FROM btc_block ORDER BY hash'),
    btc_block_tx: q('SELECT m.block_hash, m.idx, t.hash FROM btc_block_tx m JOIN tx t ON t.id = m.tx_id ORDER BY 1, 2'),
    tx: q(
      `SELECT c.caip2, t.hash, t.block_number, t.tx_index, t.time, f.addr, r.addr, t.value, t.status, t.stub, t.fee, t.coinbase, t.folded
       FROM tx t JOIN chain c ON c.id = t.chain_id LEFT JOIN address f ON f.id = t.from_id LEFT JOIN address r ON r.id = t.to_id ORDER BY 1, 2`,
    ),
    transfer: q(
      `SELECT t.hash, x.kind, x.pos, f.addr, r.addr, s.contract, x.amount, x.time, x.status, x.token_id
       FROM transfer x JOIN tx t ON t.id = x.tx_id JOIN asset s ON s.id = x.asset_id LEFT JOIN address f ON f.id = x.from_id LEFT JOIN address r ON r.id = x.to_id ORDER BY 1, 2, 3`,
    ),
    txout: q(
      `SELECT t.hash, o.n, o.value, o.type, a.addr, hex(o.data), s.hash, o.spent_n FROM txout o JOIN tx t ON t.id = o.tx_id
       LEFT JOIN address a ON a.id = o.address_id LEFT JOIN tx s ON s.id = o.spent_by ORDER BY 1, 2`,
    ),
    txin: q(
      `SELECT t.hash, i.n, i.prev_txid, i.prev_n, p.hash, i.value, a.addr FROM txin i JOIN tx t ON t.id = i.tx_id
       LEFT JOIN tx p ON p.id = i.prev_tx_id LEFT JOIN address a ON a.id = i.address_id ORDER BY 1, 2`,
    ),
    edge: q(
      `SELECT f.addr, r.addr, c.caip2, s.contract, e.total, e.cnt, e.first_time, e.last_time FROM edge e
       JOIN address f ON f.id = e.from_id JOIN address r ON r.id = e.to_id JOIN asset s ON s.id = e.asset_id JOIN chain c ON c.id = s.chain_id ORDER BY 1, 2, 3, 4`,
    ),
  };
}

/** The evidence file opened as the tests read it: read-only, so it stays exactly as written. */
function readOnly(file: string): Db {
  return new Database(file, { readonly: true });
}

function schemaOf(file: string): unknown[] {
  const db = readOnly(file);
  try {
    return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").raw().all();
  } finally {
    db.close();
  }
}

/** Made at the top level, so it lasts until every test of this file has run. */
const SHARED_DIR = tempDir();
let shared: Promise<{ dir: string; store: Db; file: string; addrs: CaseAddress[]; evidence: string; counts: Record<string, number> }> | null = null;
/** One sender store and its case's evidence, shared by the tests that only read them. */
function sender() {
  shared ??= (async () => {
    const s = await senderStore(SHARED_DIR);
    const addrs = caseAddresses(s.store);
    const evidence = join(s.dir, 'evidence.sqlite');
    const counts = extractEvidence(s.store, addrs, evidence);
    return { ...s, addrs, evidence, counts };
  })();
  return shared;
}

test('the case built for these tests reaches Bitcoin and Ethereum facts and leaves others out', async () => {
  const { addrs } = await sender();
  const btc = addrs.filter((a) => a.chain === BTC).map((a) => a.addr);
  // Satoshi's key pays Hal Finney (block 170) and the peel chain that follows pays four more.
  assert.deepEqual(btc.slice(0, 2), [SATOSHI, HAL]);
  assert.ok(btc.includes('1DUDsfc23Dv9sPMEk5RsrtfzCw5ofi5sVW'), btc.join());
  assert.ok(btc.length >= 5, btc.join());
  const eth = addrs.filter((a) => a.chain === ETH).map((a) => a.addr);
  assert.ok(eth.includes(RECEIVER) && eth.includes('0xac4df82fe37ea2187bc8c011a23d743b4f39019a'), eth.join());
  for (const a of OUTSIDE_ETH) assert.ok(!eth.includes(a), a);
});

test('extractEvidence writes a self-contained file with exactly the store schema and only the case subset', async () => {
  const { store, dir, addrs, evidence, counts } = await sender();
  // Same tables, indexes and user_version as a fresh store; nothing more.
  const freshFile = join(dir, 'fresh.sqlite');
  openStore(freshFile).close();
  assert.deepEqual(schemaOf(evidence), schemaOf(freshFile));
  const ev = readOnly(evidence);
  try {
    const fresh = readOnly(freshFile);
    assert.equal(ev.pragma('user_version', { simple: true }), fresh.pragma('user_version', { simple: true }));
    fresh.close();
    assert.equal(readFileSync(evidence).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    assert.deepEqual(ev.pragma('foreign_key_check'), []);

    // The returned counts are what the file holds; hubs are never carried.
    for (const [table, n] of Object.entries(counts)) assert.equal(ev.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), n, table);
    assert.deepEqual(Object.keys(counts).sort(), Object.keys(EVIDENCE_COLUMNS).sort());
    assert.equal(ev.prepare('SELECT count(*) FROM hub').pluck().get(), 0);
    assert.equal(counts.chain, 2);
    assert.ok(counts.transfer > 0 && counts.edge > 0 && counts.txout > 0 && counts.txin > 0 && counts.btc_block > 0 && counts.block === 1, JSON.stringify(counts));

    // Same row ids as the store: every copied row is the store's row, byte for byte.
    for (const table of ['address', 'tx', 'transfer', 'asset', 'dataset'] as const) {
      const cols = EVIDENCE_COLUMNS[table].join(', ');
      for (const row of ev.prepare(`SELECT ${cols} FROM ${table}`).raw().safeIntegers(true).all() as unknown[][]) {
        assert.deepEqual(store.prepare(`SELECT ${cols} FROM ${table} WHERE id = ?`).raw().safeIntegers(true).get(row[0]), row, `${table} ${row[0]}`);
      }
    }

    // Every transfer and edge in the file is between two case addresses.
    const caseIds = new Set(addrs.map((a) => idOf(store, a.chain, a.addr)).filter((id) => id !== undefined));
    for (const t of ev.prepare('SELECT from_id, to_id FROM transfer UNION ALL SELECT from_id, to_id FROM edge').all() as { from_id: number; to_id: number }[]) {
      assert.ok(caseIds.has(t.from_id) && caseIds.has(t.to_id), JSON.stringify(t));
    }
    // Addresses the case never reached, their transactions and transfers are not in the file.
    for (const a of OUTSIDE_ETH) assert.equal(idOf(ev, ETH, a), undefined, a);
    assert.ok(idOf(store, ETH, OUTSIDE_ETH[0]) !== undefined);
    assert.equal(ev.prepare('SELECT count(*) FROM tx WHERE chain_id = (SELECT id FROM chain WHERE caip2 = ?)').pluck().get(ETH), 2);
    assert.equal(getTx(ev, ev.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(ETH) as number, '0x05287a561f218418892ab053adfb3d919860988b19458c570c5c30f51c146f02'), null);
    // Of 262 Bitcoin transactions only the case's (and the ones spending their outputs) are there.
    const btcTxs = ev.prepare('SELECT count(*) FROM tx WHERE chain_id = (SELECT id FROM chain WHERE caip2 = ?)').pluck().get(BTC) as number;
    assert.ok(btcTxs >= 5 && btcTxs < 20, String(btcTxs));
    assert.ok((ev.prepare('SELECT count(*) FROM address').pluck().get() as number) < 30);

    // Provenance: the datasets that brought the facts, with their sources' SHA-256.
    const sources = ev.prepare('SELECT d.format, s.name, s.kind, s.size, s.sha256 FROM dataset d JOIN dataset_source s ON s.dataset_id = d.id ORDER BY d.id, s.seq').all() as {
      format: string;
      name: string;
      kind: string;
      size: number;
      sha256: string;
    }[];
    assert.deepEqual(sources[0], { format: 'bitcoin-blocks', name: 'mainnet-blocks-1-255.blk', kind: 'blk', size: statSync(BLK_FIXTURE).size, sha256: sha256(BLK_FIXTURE) });
    const etl = new Map(sources.filter((s) => s.format === 'ethereum-etl-csv').map((s) => [s.name, s.sha256]));
    for (const f of [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS]) assert.equal(etl.get(f.split('/').pop()!), sha256(f), f);
  } finally {
    ev.close();
  }
  // One file in rollback-journal mode (header bytes 18 and 19 are 1; WAL would be 2), nothing beside it.
  const header = readFileSync(evidence).subarray(0, 20);
  assert.deepEqual([header[18], header[19]], [1, 1]);
  assert.ok(!existsSync(evidence + '-wal') && !existsSync(evidence + '-shm') && !existsSync(evidence + '-journal'));
});

test('the graph over the evidence equals the graph over the store: known addresses and exact edge totals', async () => {
  const { store, addrs, evidence } = await sender();
  const ev = readOnly(evidence);
  try {
    const fromStore = graphOf(store, addrs);
    assert.deepEqual(graphOf(ev, addrs), fromStore);
    assert.ok(fromStore.edges.length >= 6, JSON.stringify(fromStore.edges));
    assert.deepEqual(fromStore.known.filter(([, k]) => !k).map(([a]) => a), [`${ETH}|0x00000000000000000000000000000000000000aa`]);
    // The exact edges an investigator reads: 10 BTC to Hal Finney, 0.01100044 ETH to the receiver.
    assert.deepEqual(
      fromStore.edges.filter((e) => e.to === `${BTC}|${HAL}` || e.to === `${ETH}|${RECEIVER}`).map((e) => [e.from, e.to, e.total, e.count]),
      [
        [`${BTC}|${SATOSHI}`, `${BTC}|${HAL}`, '1000000000', 1],
        [`${ETH}|${VICTIM}`, `${ETH}|${RECEIVER}`, '11000440000000000', 1],
      ],
    );
  } finally {
    ev.close();
  }
});

test('transaction flows and details over the evidence equal the store: block 170 pays 10 BTC to Hal Finney and 40 BTC back', async () => {
  const { store, addrs, evidence } = await sender();
  const ev = readOnly(evidence);
  try {
    const flows = flowsOf(store, BTC, addrs);
    assert.deepEqual(flowsOf(ev, BTC, addrs), flows);
    const f4184 = flows.find((t) => t.txid === F4184)!;
    assert.deepEqual(f4184, {
      txid: F4184,
      height: 170,
      time: 1231731025,
      fee: '0',
      inputs: [[0, SATOSHI, '5000000000']],
      outputs: [
        [0, HAL, '1000000000'],
        [1, SATOSHI, '4000000000'],
      ],
    });
    assert.deepEqual(
      flows.map((t) => [t.txid.slice(0, 8), t.height]),
      [['f4184fc5', 170], ['a16f3ce4', 181], ['591e91f8', 182], ['12b5633b', 183], ['828ef3b0', 248]],
    );
    // Transaction details: every input and output, and what spent each output.
    const chainId = (db: Db) => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(BTC) as number;
    for (const t of flows) assert.deepEqual(getUtxoParts(ev, chainId(ev), t.txid), getUtxoParts(store, chainId(store), t.txid), t.txid);
    const ethId = (db: Db) => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(ETH) as number;
    for (const h of [VICTIM_TX, TOKEN_TX]) assert.deepEqual(getTx(ev, ethId(ev), h), getTx(store, ethId(store), h), h);
  } finally {
    ev.close();
  }
});

test('buildGraph and txFlows of the case code give the same answers over the evidence', async () => {
  const { store, dir, addrs, evidence } = await sender();
  const caseDb = openDatabase(join(dir, 'case.cairn'), caseMigrations);
  const addNode = caseDb.prepare("INSERT INTO node (kind, chain, addr, x, y) VALUES ('address', ?, ?, ?, 0)");
  addrs.forEach((a, i) => addNode.run(a.chain, a.addr, i * 100));
  caseDb.prepare("INSERT INTO seed (chain, addr, role, note, created_at) VALUES (?, ?, 'victim', '', '2024-01-01T00:00:00Z')").run(BTC, SATOSHI);
  // A case as buildGraph and txFlows read it: its tables, read-only (no undo history to show).
  const c = { id: 'case', db: caseDb, origin: 'own', readOnly: true, undoStacks: () => ({ undo: [], redo: [] }) } as unknown as CaseFile;
  const ev = readOnly(evidence);
  try {
    const g = buildGraph(store, c);
    const f = txFlows(store, c, 100);
    assert.deepEqual(buildGraph(ev, c), g);
    assert.ok(g.edges.some((e) => e.total === '1000000000'));
    assert.equal(g.nodes.filter((n) => n.kind === 'address' && n.known).length, addrs.length - 1);
    assert.deepEqual(txFlows(ev, c, 100), f);
    assert.equal(f.txs[0]!.txid, F4184);
  } finally {
    ev.close();
    caseDb.close();
  }
});

test('mergeEvidence into an empty store: same graph and flows, a cairn-bundle dataset per chain, and a second merge adds nothing', async () => {
  const { store, addrs, evidence } = await sender();
  const before = sha256(evidence);
  const receiver = openStore(join(tempDir(), 'store.sqlite'));
  const r = mergeEvidence(receiver, evidence, BUNDLE);
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.datasets.length, 2);
  assert.ok(r.added.tx > 0 && r.added.transfer > 0 && r.added.address > 0, JSON.stringify(r.added));
  // The evidence file was only read.
  assert.equal(sha256(evidence), before);

  assert.deepEqual(graphOf(receiver, addrs), graphOf(store, addrs));
  assert.deepEqual(flowsOf(receiver, BTC, addrs), flowsOf(store, BTC, addrs));
  const btcId = (db: Db) => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(BTC) as number;
  assert.deepEqual(getUtxoParts(receiver, btcId(receiver), F4184), getUtxoParts(store, btcId(store), F4184));
  // Edges are what the importers' aggregation makes of the merged transfers.
  assert.equal(receiver.prepare('SELECT count(*) FROM edge').pluck().get(), receiver.prepare('SELECT count(*) FROM (SELECT DISTINCT from_id, to_id, asset_id FROM transfer WHERE from_id IS NOT NULL AND to_id IS NOT NULL)').pluck().get());

  // Provenance: the bundle, then the original sources with their SHA-256.
  const datasets = listDatasets(receiver, r.datasets);
  assert.deepEqual(datasets.map((d) => [d.format, d.parserVersion, d.chain]), [['cairn-bundle', '1', BTC], ['cairn-bundle', '1', ETH]]);
  for (const d of datasets) {
    assert.deepEqual(d.sources[0], { name: BUNDLE.bundleName, path: BUNDLE.bundleName, size: BUNDLE.bundleSize, sha256: BUNDLE.bundleSha256, kind: 'bundle', rows: d.sources[0]!.rows });
    assert.ok(d.finishedAt);
  }
  assert.deepEqual(datasets[0]!.sources.slice(1).map((s) => [s.name, s.kind, s.sha256]), [['mainnet-blocks-1-255.blk', 'via-bundle:blk', sha256(BLK_FIXTURE)]]);
  const eth = datasets[1]!.sources.slice(1);
  assert.ok(eth.every((s) => s.kind.startsWith('via-bundle:')));
  assert.deepEqual(eth.find((s) => s.kind === 'via-bundle:transactions')!.sha256, sha256(ETL_TXS));
  // Facts point at the bundle's datasets.
  assert.deepEqual(receiver.prepare('SELECT DISTINCT dataset_id FROM transfer ORDER BY 1').pluck().all(), r.datasets);

  // Merging the same evidence again adds nothing and creates no dataset.
  const counts = factCounts(receiver);
  const again = mergeEvidence(receiver, evidence, BUNDLE);
  assert.deepEqual(again.datasets, []);
  assert.deepEqual(again.conflicts, []);
  assert.ok(Object.values(again.added).every((n) => n === 0), JSON.stringify(again.added));
  assert.deepEqual(factCounts(receiver), counts);

  // Merged into the store it came from, it adds nothing and conflicts with nothing.
  const senderCounts = factCounts(store);
  const home = mergeEvidence(store, evidence, BUNDLE);
  assert.deepEqual([home.datasets, home.conflicts], [[], []]);
  assert.deepEqual(factCounts(store), senderCounts);
  receiver.close();
});

test('after a merge, importing the original data gives exactly the sender\'s store: the bundle hid nothing from the importers', async () => {
  const { store, evidence } = await sender();
  const receiver = openStore(join(tempDir(), 'store.sqlite'));
  mergeEvidence(receiver, evidence, BUNDLE);
  // A Bitcoin import skips blocks already in the store: the bundle must not have put partial blocks there.
  await importDataset(receiver, { paths: [BLK_FIXTURE] });
  await importDataset(receiver, { paths: [ETL] });
  const mine = factsOf(receiver);
  const theirs = factsOf(store);
  for (const table of Object.keys(theirs)) assert.deepEqual(mine[table], theirs[table], table);
  receiver.close();
});

test('a transaction the receiver knows only from a token transfer (a stub) is completed by the bundle, as by a transactions file', async () => {
  const { store, addrs, evidence } = await sender();
  const receiver = openStore(join(tempDir(), 'store.sqlite'));
  await importDataset(receiver, { paths: [ETL_TOKEN_TRANSFERS] });
  const ethId = (db: Db) => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(ETH) as number;
  assert.equal(receiver.prepare('SELECT stub FROM tx WHERE hash = ?').pluck().get(TOKEN_TX), 1);

  const r = mergeEvidence(receiver, evidence, BUNDLE);
  assert.deepEqual(r.conflicts, []);
  assert.equal(receiver.prepare('SELECT stub FROM tx WHERE hash = ?').pluck().get(TOKEN_TX), 0);
  assert.deepEqual(getTx(receiver, ethId(receiver), TOKEN_TX), getTx(store, ethId(store), TOKEN_TX));
  assert.deepEqual(graphOf(receiver, addrs), graphOf(store, addrs));
  // The stub's other transfer (outside the case) is still there; the full data then completes the rest.
  await importDataset(receiver, { paths: [BLK_FIXTURE] });
  await importDataset(receiver, { paths: [ETL] });
  const mine = factsOf(receiver);
  const theirs = factsOf(store);
  for (const table of Object.keys(theirs)) assert.deepEqual(mine[table], theirs[table], table);
  receiver.close();
});

test('a fact the receiver holds with a different value is reported and kept; the rest is merged', async () => {
  const { store, addrs, evidence } = await sender();
  // The receiver imported a copy of the same exports in which the victim's payment and a token
  // transfer carry other amounts (same hashes, same log index).
  const dir = tempDir();
  const etl = join(dir, 'etl');
  mkdirSync(etl);
  copyFileSync(ETL_BLOCKS, join(etl, 'blocks.csv'));
  writeFileSync(join(etl, 'transactions.csv'), readFileSync(ETL_TXS, 'utf8').replace(',11000440000000000,', ',11000440000000001,'));
  writeFileSync(join(etl, 'token_transfers.csv'), readFileSync(ETL_TOKEN_TRANSFERS, 'utf8').replace(',100000,', ',100001,'));
  const receiver = openStore(join(dir, 'store.sqlite'));
  await importDataset(receiver, { paths: [etl] });
  const edgesBefore = graphOf(receiver, addrs).edges;

  const r = mergeEvidence(receiver, evidence, BUNDLE);
  assert.equal(r.conflicts.length, 2, r.conflicts.join('\n'));
  assert.match(r.conflicts.find((c) => c.includes(VICTIM_TX))!, /value 11000440000000001 here, 11000440000000000 in the bundle; kept this store's/);
  assert.match(r.conflicts.find((c) => c.includes(TOKEN_TX))!, /amount \(100001 here, 100000 in the bundle\)/);
  // Not overwritten: the receiver's values and edges stand.
  const ethId = receiver.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(ETH) as number;
  assert.equal(getTx(receiver, ethId, VICTIM_TX)!.transfers[0]!.value, 11000440000000001n);
  assert.equal(getTx(receiver, ethId, TOKEN_TX)!.transfers[0]!.value, 100001n);
  assert.deepEqual(graphOf(receiver, addrs).edges.filter((e) => e.from.startsWith(ETH)), edgesBefore);
  // The Bitcoin facts, which nothing contradicts, are merged.
  assert.deepEqual(
    graphOf(receiver, addrs).edges.filter((e) => e.from.startsWith(BTC)),
    graphOf(store, addrs).edges.filter((e) => e.from.startsWith(BTC)),
  );
  assert.equal(r.datasets.length, 1);
  receiver.close();
});

test('extractEvidence refuses to overwrite a file, and a store in the middle of a transaction', async () => {
  const { store, addrs, evidence, dir } = await sender();
  assert.throws(() => extractEvidence(store, addrs, evidence), /already exists/);
  store.exec('BEGIN');
  try {
    assert.throws(() => extractEvidence(store, addrs, join(dir, 'other.sqlite')), /inside a transaction/);
  } finally {
    store.exec('ROLLBACK');
  }
  assert.ok(!existsSync(join(dir, 'other.sqlite')));
  // An empty case gives a file with the chains and nothing else.
  const empty = join(dir, 'empty.sqlite');
  const counts = extractEvidence(store, [], empty);
  assert.deepEqual(Object.entries(counts).filter(([, n]) => n > 0), [['chain', 2]]);
});
