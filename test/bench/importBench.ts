/**
 * Import throughput of ethereum-etl transactions CSV, next to a same-run ceiling (a raw
 * better-sqlite3 prepared insert of the same rows into the same schema), and peak memory at
 * two file sizes to show it stays flat. Absolute times on these machines are noisy; the ratio
 * and the memory comparison are what to read.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { importDataset } from '../../electron/core/ingest/importDataset';
import type { ImportRequest } from '../../electron/core/ingest/importTypes';
import { openStore } from '../../electron/core/store/openStore';
import { toDbAmount } from '../../electron/core/store/sqlFunctions';
import { txHashKey } from '../../electron/core/store/txHash';

const HEADER =
  'hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type';
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

interface Row {
  hash: string;
  from: string;
  to: string;
  value: string;
  block: number;
  time: number;
}

/** Deterministic rows: 50k addresses, values up to ~2^80 so both amount encodings occur. */
function row(i: number): Row {
  const a = (i * 7919) % 50_000;
  const b = (i * 104_729 + 13) % 50_000;
  return {
    hash: '0x' + hex(i, 64),
    from: '0x' + hex(a + 1, 40),
    to: '0x' + hex(b + 1, 40),
    value: (BigInt(i) * 1_000_000_007n * (i % 5 === 0 ? 2n ** 50n : 1n) + 1n).toString(),
    block: 1_000_000 + Math.floor(i / 200),
    time: 1_600_000_000 + Math.floor(i / 200) * 12,
  };
}

async function writeCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(HEADER + '\n');
  for (let i = 0; i < n; i++) {
    const r = row(i);
    const line = `${r.hash},${i % 1000},0x${hex(r.block, 64)},${r.block},${i % 200},${r.from},${r.to},${r.value},21000,1000000000,0x,${r.time},,,0\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * One import into a fresh store at `storePath`, through the app's importDataset: its seconds
 * and the process's peak RSS in MB (10^6 bytes), sampled every 20 ms and once at the end.
 */
export async function measuredImport(storePath: string, request: ImportRequest): Promise<{ seconds: number; peakRssMb: number }> {
  const db = openStore(storePath);
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  let seconds: number;
  try {
    await importDataset(db, request);
    seconds = (performance.now() - t0) / 1000;
  } finally {
    clearInterval(timer);
    db.close();
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakRssMb: Math.round(peak / 1e6) };
}

/** The ceiling: the same facts, already parsed and interned, inserted with prepared statements. */
function rawInsert(dir: string, n: number): number {
  const db = openStore(join(dir, `ceiling-${Date.now()}.sqlite`));
  const rows = Array.from({ length: n }, (_, i) => ({ ...row(i), key: txHashKey(row(i).hash) }));
  const t0 = performance.now();
  db.transaction(() => {
    db.prepare("INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1')").run();
    db.prepare("INSERT INTO asset (id, chain_id, contract, symbol, decimals) VALUES (1, 1, '', 'ETH', 18)").run();
    const addr = db.prepare('INSERT OR IGNORE INTO address (id, chain_id, addr) VALUES (?, 1, ?)');
    for (let i = 1; i <= 50_000; i++) addr.run(i, '0x' + hex(i, 40));
    const tx = db.prepare('INSERT INTO tx (id, chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 1)');
    const tr = db.prepare("INSERT INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (1, ?, 0, '', ?, ?, 1, ?, ?, NULL, 1)");
    rows.forEach((r, i) => {
      const from = parseInt(r.from.slice(2), 16);
      const to = parseInt(r.to.slice(2), 16);
      const v = toDbAmount(BigInt(r.value));
      tx.run(i + 1, ...r.key, r.block, i % 200, r.time, from, to, v);
      tr.run(i + 1, from, to, v, r.time);
    });
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return seconds;
}

export interface ImportBenchResult {
  rows: number;
  megabytes: number;
  cairnSeconds: number;
  rowsPerSecond: number;
  megabytesPerSecond: number;
  ceilingSeconds: number;
  ceilingRowsPerSecond: number;
  ratioToCeiling: number;
  peakRssMb: number;
  peakRssMbAtQuarterSize: number;
}

export async function benchImport(n: number): Promise<ImportBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
  try {
    const small = join(dir, 'small.csv');
    const big = join(dir, 'transactions.csv');
    await writeCsv(small, Math.floor(n / 4));
    await writeCsv(big, n);
    const quarter = await measuredImport(join(dir, 'store-quarter.sqlite'), { paths: [small] });
    const full = await measuredImport(join(dir, 'store-full.sqlite'), { paths: [big] });
    const ceiling = rawInsert(dir, n);
    const mb = statSync(big).size / 1e6;
    return {
      rows: n,
      megabytes: Math.round(mb * 10) / 10,
      cairnSeconds: full.seconds,
      rowsPerSecond: Math.round(n / full.seconds),
      megabytesPerSecond: Math.round((mb / full.seconds) * 10) / 10,
      ceilingSeconds: ceiling,
      ceilingRowsPerSecond: Math.round(n / ceiling),
      ratioToCeiling: Math.round((ceiling / full.seconds) * 100) / 100,
      peakRssMb: full.peakRssMb,
      peakRssMbAtQuarterSize: quarter.peakRssMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function saveResults(file: string, results: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
