/**
 * Benchmarks on the synthetic world (electron/core/synth/world.ts), through the app's own code:
 *
 * - import throughput per format (Bitcoin blk files, ethereum-etl for Ethereum, tronetl for
 *   Tron) in MB/s and transfers/s (outputs/s for Bitcoin), each next to a same-run floor: the
 *   same rows (blocks, addresses, txs, transfers, edges; for Bitcoin also outputs and inputs) in
 *   memory beforehand and written with prepared statements into the same tables, indexes built
 *   afterwards (no parsing, validation, dedup or clustering);
 * - store size per million transfers;
 * - expand-hop latency (p50, p95, p99) for ordinary addresses and for the biggest hub, both as
 *   the store query alone and as the whole `graph.expand` API call on a case (the audited case
 *   write and the graph rebuild included).
 *
 * Timings are wall clock on a shared 2-core machine: read ratios measured in the same run.
 */
import { existsSync, readFileSync, statSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openBackend } from '../../electron/core/backend';
import { expandNeighbours } from '../../electron/core/analysis/neighbours';
import { useBundledParseThreads } from '../../electron/core/ingest/bundledThreads';
import { importDataset } from '../../electron/core/ingest/importDataset';
import { canonicalAddress } from '../../shared/codec/address';
import { openStore, type Db } from '../../electron/core/store/openStore';
import { toDbAmount } from '../../electron/core/store/sqlFunctions';
import { txHashKey } from '../../electron/core/store/txHash';
import { generateWorld, type WorldTruth } from '../../electron/core/synth/world';

export interface FormatFigures {
  format: string;
  megabytes: number;
  transfers: number;
  seconds: number;
  megabytesPerSecond: number;
  transfersPerSecond: number;
  /** The same rows prebuilt in memory, written into the same tables, indexes built afterwards. */
  floorSeconds?: number;
  floorTransfersPerSecond?: number;
  /** floorSeconds / seconds: how close the import comes to what writing its rows costs. */
  ratioToFloor?: number;
}

export interface LatencyFigures {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface WorldBenchResult {
  targetTransfers: number;
  worldTransfers: number;
  generateSeconds: number;
  formats: FormatFigures[];
  storeMegabytes: number;
  storeMegabytesPerMillionTransfers: number;
  storeTransferRows: number;
  hub: { address: string; chain: string; counterparties: number; transfers: number };
  expand: { ordinaryQuery: LatencyFigures; hubQuery: LatencyFigures; ordinaryApi: LatencyFigures; hubApi: LatencyFigures };
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

function percentiles(ms: number[]): LatencyFigures {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN, 2);
  return { samples: s.length, p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * The floor for an ethereum-etl style export: what writing its facts costs SQLite here, with no
 * parsing, validation or deduplication. Its blocks, txs, transfers (native and token), addresses
 * and edges are built in memory before the clock starts (edges summed exactly in bigint); then
 * the same tables of a fresh store get the rows by prepared statements in one transaction, with
 * the secondary indexes the import can defer (natural keys, transfers by address, edges by
 * recipient) dropped first and built after the rows, inside the timing.
 */
function accountFloor(dir: string, chain: string, work: string): number {
  const csv = (name: string) => parse(readFileSync(join(dir, name)), { columns: true }) as Record<string, string>[];
  const blocks = csv('blocks.csv').map((b) => [Number(b.number), b.hash!, b.parent_hash!, Number(b.timestamp), Number(b.transaction_count)] as const);
  const txs = csv('transactions.csv');
  const tokenTransfers = csv('token_transfers.csv');
  const ids = new Map<string, number>();
  const id = (a: string): number => {
    const c = canonicalAddress(chain, a);
    let n = ids.get(c);
    if (n === undefined) ids.set(c, (n = ids.size + 1));
    return n;
  };
  const txId = new Map<string, number>();
  const txRows = txs.map((t, i) => {
    txId.set(t.hash!, i + 1);
    return [i + 1, txHashKey(t.hash!), Number(t.block_number), Number(t.transaction_index), Number(t.block_timestamp), id(t.from_address!), id(t.to_address!), BigInt(t.value!), Number(t.receipt_status)] as const;
  });
  // [tx id, kind, pos, from, to, asset, amount, time, status]
  const transferRows: (readonly [number, number, string, number, number, number, bigint, number, number])[] = [];
  for (const r of txRows) if (r[7] !== 0n) transferRows.push([r[0], 0, '', r[5], r[6], 1, r[7], r[4], r[8]]);
  for (const t of tokenTransfers) {
    const tx = txId.get(t.transaction_hash!)!;
    transferRows.push([tx, 1, t.log_index!, id(t.from_address!), id(t.to_address!), 2, BigInt(t.value!), txRows[tx - 1]![4], txRows[tx - 1]![8]]);
  }
  const edges = new Map<string, { from: number; to: number; asset: number; total: bigint; cnt: number; first: number; last: number }>();
  for (const [, , , from, to, asset, amount, time, status] of transferRows) {
    if (status === 0) continue;
    const key = `${from}:${to}:${asset}`;
    const e = edges.get(key);
    if (!e) edges.set(key, { from, to, asset, total: amount, cnt: 1, first: time, last: time });
    else {
      e.total += amount;
      e.cnt++;
      e.first = Math.min(e.first, time);
      e.last = Math.max(e.last, time);
    }
  }
  const edgeRows = [...edges.values()].sort((a, b) => a.from - b.from || a.to - b.to || a.asset - b.asset);
  const db = openStore(join(work, `floor-${Date.now()}.sqlite`));
  const deferred = ['tx_key', 'address_key', 'transfer_from', 'transfer_to', 'edge_to'];
  const t0 = performance.now();
  db.transaction(() => {
    const defs = deferred.map((name) => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string);
    for (const name of deferred) db.exec(`DROP INDEX ${name}`);
    db.prepare('INSERT INTO chain (id, caip2) VALUES (1, ?)').run(chain);
    db.prepare("INSERT INTO asset (id, chain_id, contract, symbol, decimals) VALUES (1, 1, '', 'NATIVE', 18), (2, 1, 'token', 'USDT', 6)").run();
    const block = db.prepare('INSERT INTO block (chain_id, number, hash, parent_hash, time, tx_count, dataset_id) VALUES (1, ?, ?, ?, ?, ?, 1)');
    for (const b of blocks) block.run(...b);
    const addr = db.prepare('INSERT INTO address (id, chain_id, addr) VALUES (?, 1, ?)');
    for (const [a, n] of ids) addr.run(n, a);
    const tx = db.prepare('INSERT INTO tx (id, chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1)');
    for (const r of txRows) tx.run(r[0], ...r[1], r[2], r[3], r[4], r[5], r[6], toDbAmount(r[7]), r[8]);
    const tr = db.prepare('INSERT INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)');
    for (const r of transferRows) tr.run(r[0], r[1], r[2], r[3], r[4], r[5], toDbAmount(r[6]), r[7], r[8]);
    const edge = db.prepare('INSERT INTO edge (from_id, to_id, asset_id, total, cnt, first_time, last_time) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const e of edgeRows) edge.run(e.from, e.to, e.asset, toDbAmount(e.total), e.cnt, e.first, e.last);
    for (const sql of defs) db.exec(sql);
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return seconds;
}

/**
 * The floor for Bitcoin blocks: the rows the import left for the chain (blocks, their txs,
 * txs, outputs, inputs, addresses, transfers, edges), read from the store into memory before
 * the clock starts, then written with prepared statements into the same tables of a fresh store,
 * every secondary index of those tables dropped first and built after the rows, inside the timing.
 * Its chain, asset and dataset rows are copied untimed.
 */
function utxoFloor(source: Db, caip2: string, work: string): number {
  const chainId = source.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(caip2) as number;
  // The stored columns (a virtual column is computed, never written).
  const stored = (table: string, alias: string): string =>
    (source.prepare('SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0').pluck().all(table) as string[]).map((c) => `${alias}.${c}`).join(', ');
  const selects: [string, string][] = [
    ['btc_block', 'SELECT * FROM btc_block WHERE chain_id = ?'],
    ['address', 'SELECT * FROM address WHERE chain_id = ? ORDER BY id'],
    ['tx', 'SELECT id, chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id, fee, coinbase, folded FROM tx WHERE chain_id = ? ORDER BY id'],
    ['btc_block_tx', `SELECT ${stored('btc_block_tx', 'm')} FROM btc_block_tx m WHERE m.chain_id = ?`],
    ['txout', 'SELECT o.* FROM txout o JOIN tx t ON t.id = o.tx_id WHERE t.chain_id = ? ORDER BY o.tx_id, o.n'],
    ['txin', `SELECT ${stored('txin', 'i')} FROM txin i JOIN tx t ON t.id = i.tx_id WHERE t.chain_id = ? ORDER BY i.tx_id, i.n`],
    ['transfer', 'SELECT * FROM transfer WHERE chain_id = ? ORDER BY id'],
    ['edge', `SELECT ${stored('edge', 'e')} FROM edge e JOIN address a ON a.id = e.from_id WHERE a.chain_id = ? ORDER BY e.from_id, e.to_id, e.asset_id`],
  ];
  const rows = selects.map(([table, sql]) => {
    const stmt = source.prepare(sql).raw().safeIntegers(true);
    return { table, columns: stmt.columns().map((c) => c.name), rows: stmt.all(chainId) as unknown[][] };
  });
  const db = openStore(join(work, `floor-utxo-${Date.now()}.sqlite`));
  for (const table of ['chain', 'asset', 'dataset']) {
    const all = source.prepare(`SELECT * FROM ${table}`).raw().safeIntegers(true);
    const cols = all.columns().map((c) => c.name);
    const insert = db.prepare(`INSERT OR IGNORE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (const r of all.all() as unknown[][]) insert.run(...r);
    })();
  }
  const tables = rows.map((r) => r.table);
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`)
    .all(...tables) as { name: string; sql: string }[];
  const t0 = performance.now();
  db.transaction(() => {
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
    for (const { table, columns, rows: list } of rows) {
      const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const r of list) insert.run(...r);
    }
    for (const i of indexes) db.exec(i.sql);
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return seconds;
}

async function timeImport(db: Db, paths: string[], chain?: string): Promise<number> {
  const t0 = performance.now();
  await importDataset(db, { paths, chain });
  return (performance.now() - t0) / 1000;
}

/** The address with the most counterparties (an exchange hot wallet), and a sample of ordinary ones. */
function pickAddresses(db: Db, samples: number): { hub: { id: number; addr: string; chain: string; counterparties: number; transfers: number }; ordinary: number[] } {
  const hub = db
    .prepare(
      `SELECT a.id, a.addr, c.caip2 AS chain, d.n AS counterparties, d.t AS transfers FROM
         (SELECT id, sum(n) AS n, sum(t) AS t FROM (SELECT to_id AS id, count(*) AS n, sum(cnt) AS t FROM edge GROUP BY to_id
                                                    UNION ALL SELECT from_id, count(*), sum(cnt) FROM edge GROUP BY from_id) GROUP BY id ORDER BY n DESC LIMIT 1) d
       JOIN address a ON a.id = d.id JOIN chain c ON c.id = a.chain_id`,
    )
    .get() as { id: number; addr: string; chain: string; counterparties: number; transfers: number };
  // Ordinary: addresses with between 2 and 50 edges, spread over the id range.
  const ordinary = db
    .prepare(
      `SELECT id FROM (SELECT from_id AS id, count(*) AS n FROM edge GROUP BY from_id) WHERE n BETWEEN 2 AND 50
       ORDER BY (id * 2654435761) % 4294967296 LIMIT ?`,
    )
    .pluck()
    .all(samples) as number[];
  return { hub, ordinary };
}

function timeQueries(db: Db, ids: number[], rounds: number): number[] {
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const id of ids) {
      const t0 = performance.now();
      expandNeighbours(db, id, 'both', 0, 25);
      ms.push(performance.now() - t0);
    }
  }
  return ms;
}

/** The whole API call: graph.expand on a case (the audited write and the returned graph included). */
async function timeApiExpands(workspace: string, targets: { chain: string; address: string }[]): Promise<number[]> {
  const backend = openBackend({ workspaceDir: workspace, shell: 'cli' });
  try {
    const ok = async (method: string, args: unknown): Promise<any> => {
      const r = await backend.call(method, args);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.result;
    };
    const kase = await ok('case.create', { name: `bench ${Date.now()}` });
    const ms: number[] = [];
    for (const t of targets) {
      const g = await ok('graph.addAddress', { caseId: kase.id, chain: t.chain, address: t.address });
      const node = g.nodes.find((n: { kind: string; address?: string }) => n.kind === 'address');
      const t0 = performance.now();
      await ok('graph.expand', { caseId: kase.id, nodeId: node.id, direction: 'both', limit: 25 });
      ms.push(performance.now() - t0);
      // Back to an empty canvas, so every sample expands onto the same small graph.
      await ok('case.undo', { caseId: kase.id });
      await ok('case.undo', { caseId: kase.id });
    }
    return ms;
  } finally {
    await backend.close();
  }
}

/** Where benchWorld leaves a world's files and its imported store (the trace bench reuses them). */
export function worldPaths(work: string, transfers: number): { dir: string; workspace: string; store: string } {
  const workspace = join(work, `workspace-${transfers}`);
  return { dir: join(work, `world-${transfers}`), workspace, store: join(workspace, 'store.sqlite') };
}

export async function benchWorld(transfers: number, work: string, options: { floor: boolean; log: (line: string) => void }): Promise<WorldBenchResult> {
  // The app and the CLI parse blk files and large CSV files on a second thread (the bundled parse threads); measure that path.
  const threads = join(import.meta.dirname, '../../dist/node');
  if (!existsSync(join(threads, 'csvParseWorker.cjs'))) throw new Error(`${threads}/csvParseWorker.cjs is missing: run npm run build first`);
  useBundledParseThreads(threads);
  const paths = worldPaths(work, transfers);
  const out = paths.dir;
  options.log(`generating a world of ${transfers.toLocaleString('en')} transfers…`);
  const g0 = performance.now();
  const truth: WorldTruth = generateWorld({ seed: 'bench', transfers, out });
  const generateSeconds = (performance.now() - g0) / 1000;
  const workspace = paths.workspace;
  mkdirSync(workspace, { recursive: true });
  const db = openStore(paths.store);
  const formats: FormatFigures[] = [];
  // [format, path, count, chain named for the import, chain of the floor]
  const parts: [string, string, number, string | undefined, string][] = [
    ['ethereum-etl (Ethereum)', join(out, truth.files.ethereum), truth.written.ethereum.transfers, truth.chains.eth, truth.chains.eth],
    ['tronetl (Tron)', join(out, truth.files.tron), truth.written.tron.transfers, truth.chains.tron, truth.chains.tron],
    ['Bitcoin blk files', join(out, truth.files.bitcoin), truth.written.bitcoin.outputs, undefined, truth.chains.btc],
  ];
  for (const [format, path, n, chain, floorChain] of parts) {
    options.log(`importing ${format}…`);
    const seconds = await timeImport(db, [path], chain);
    const mb = dirBytes(path) / 1e6;
    const f: FormatFigures = { format, megabytes: round(mb), transfers: n, seconds: round(seconds, 2), megabytesPerSecond: round(mb / seconds), transfersPerSecond: Math.round(n / seconds) };
    if (options.floor) {
      options.log(`floor for ${format}…`);
      const c = chain ? accountFloor(path, chain, work) : utxoFloor(db, floorChain, work);
      f.floorSeconds = round(c, 2);
      f.floorTransfersPerSecond = Math.round(n / c);
      f.ratioToFloor = round(c / seconds, 2);
    }
    formats.push(f);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const storeTransferRows = db.prepare('SELECT count(*) FROM transfer').pluck().get() as number;
  db.close();
  const storeBytes = statSync(paths.store).size;

  options.log('expand latency…');
  const q = openStore(paths.store);
  const { hub, ordinary } = pickAddresses(q, 200);
  timeQueries(q, ordinary.slice(0, 20), 1); // warm the page cache
  const ordinaryQuery = percentiles(timeQueries(q, ordinary, 3));
  const hubQuery = percentiles(timeQueries(q, [hub.id], 30));
  const addr = q.prepare('SELECT a.addr, c.caip2 FROM address a JOIN chain c ON c.id = a.chain_id WHERE a.id = ?');
  const ordinaryTargets = ordinary.slice(0, 100).map((id) => {
    const r = addr.get(id) as { addr: string; caip2: string };
    return { chain: r.caip2, address: r.addr };
  });
  q.close();
  const ordinaryApi = percentiles(await timeApiExpands(workspace, ordinaryTargets));
  const hubApi = percentiles(await timeApiExpands(workspace, Array.from({ length: 20 }, () => ({ chain: hub.chain, address: hub.addr }))));

  return {
    targetTransfers: transfers,
    worldTransfers: truth.written.transfers,
    generateSeconds: round(generateSeconds, 2),
    formats,
    storeMegabytes: round(storeBytes / 1e6),
    storeMegabytesPerMillionTransfers: round(storeBytes / 1e6 / (truth.written.transfers / 1e6)),
    storeTransferRows,
    hub: { address: hub.addr, chain: hub.chain, counterparties: hub.counterparties, transfers: hub.transfers },
    expand: { ordinaryQuery, hubQuery, ordinaryApi, hubApi },
  };
}
