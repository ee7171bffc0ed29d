/**
 * Bitcoin blocks/ folder import throughput: a synthetic chain of valid, distinct blocks (see
 * syntheticBitcoin.ts) imported into a fresh store through the same code path as the app, with
 * MB/s and tx/s, the parse-only rate of the same files in the same run (the ceiling the store
 * work is measured against), and peak RSS at two folder sizes to show memory stays bounded.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachBlkRecord } from '../../electron/core/ingest/bitcoin/blkFile';
import { parseBlock } from '../../electron/core/ingest/bitcoin/blockParser';
import { readBlkBlocks, useBlockParseWorker } from '../../electron/core/ingest/bitcoin/blockPipeline';
import { openStore } from '../../electron/core/store/openStore';
import { measuredImport } from './importBench';
import { writeSyntheticBlocksDir, type SyntheticResult } from './syntheticBitcoin';

export interface BitcoinBenchResult {
  blocks: number;
  txs: number;
  inputs: number;
  outputs: number;
  megabytes: number;
  seconds: number;
  megabytesPerSecond: number;
  txPerSecond: number;
  parseOnlyMegabytesPerSecond: number;
  /** Parse thread plus one bare row per tx, output and input (see bareInsert). */
  bareInsertMegabytesPerSecond: number;
  peakRssMb: number;
  peakRssMbAtHalfSize: number;
}


/**
 * What storing the blocks costs at the least: the same blocks through the same parse thread,
 * each transaction, output and input written as one row (txid, value, address text, spent
 * outpoint) into tables with primary keys only: no address ids, no links between inputs and
 * outputs, no fees, no folding, no secondary indexes. (Batching the rows 64 to an INSERT was
 * tried: about 5% faster, within the noise.)
 */
async function bareInsert(dir: string, workDir: string): Promise<number> {
  const db = openStore(join(workDir, `bare-${Date.now()}.sqlite`));
  db.exec(`CREATE TABLE bare_tx (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, block TEXT NOT NULL, idx INTEGER NOT NULL);
           CREATE TABLE bare_out (tx_id INTEGER NOT NULL, n INTEGER NOT NULL, value NOT NULL, address TEXT, PRIMARY KEY (tx_id, n)) WITHOUT ROWID;
           CREATE TABLE bare_in (tx_id INTEGER NOT NULL, n INTEGER NOT NULL, prev_txid TEXT NOT NULL, prev_n INTEGER NOT NULL, PRIMARY KEY (tx_id, n)) WITHOUT ROWID;`);
  const tx = db.prepare('INSERT INTO bare_tx (id, hash, block, idx) VALUES (?, ?, ?, ?)');
  const out = db.prepare('INSERT INTO bare_out VALUES (?, ?, ?, ?)');
  const inp = db.prepare('INSERT INTO bare_in VALUES (?, ?, ?, ?)');
  const files = readdirSync(dir).filter((f) => /^blk\d+\.dat$/.test(f)).sort().map((f) => ({ path: join(dir, f) }));
  const t0 = performance.now();
  db.exec('BEGIN');
  let id = 0;
  for await (const item of readBlkBlocks(files)) {
    if (item.type !== 'block') continue;
    item.block.txs.forEach((t, idx) => {
      tx.run(++id, t.txid, item.block.hash, idx);
      t.outputs.forEach((o, n) => out.run(id, n, o.value, o.decoded?.address ?? null));
      t.inputs.forEach((i, n) => inp.run(id, n, i.prevTxid, i.prevVout));
    });
  }
  db.exec('COMMIT');
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return seconds;
}

async function parseOnly(g: SyntheticResult): Promise<number> {
  const t0 = performance.now();
  for (const file of g.files) {
    await forEachBlkRecord(file, {}, (r) => void parseBlock(r.block, { file, offset: r.blockOffset }));
  }
  return (performance.now() - t0) / 1000;
}

export async function benchBitcoinImport(blocks: number, txsPerBlock = 2500): Promise<BitcoinBenchResult> {
  // The app and the CLI parse on a second thread (the bundled worker); measure that path.
  const worker = resolve(import.meta.dirname, '../../dist/node/blkParseWorker.cjs');
  if (!existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
  useBlockParseWorker(process.env.NOWORKER ? undefined : worker);
  const work = mkdtempSync(join(tmpdir(), 'cairn-btcbench-'));
  try {
    writeSyntheticBlocksDir(join(work, 'half'), { blocks: Math.max(1, Math.floor(blocks / 2)), txsPerBlock, fileBytes: 32 << 20 });
    const full = writeSyntheticBlocksDir(join(work, 'full'), { blocks, txsPerBlock, fileBytes: 32 << 20 });
    const parseSeconds = await parseOnly(full);
    const bareSeconds = await bareInsert(join(work, 'full'), work);
    const atHalf = await measuredImport(join(work, 'store-half.sqlite'), { paths: [join(work, 'half')] });
    const run = await measuredImport(join(work, 'store-full.sqlite'), { paths: [join(work, 'full')] });
    const megabytes = full.bytes / 1e6;
    return {
      blocks: full.blocks,
      txs: full.txs,
      inputs: full.inputs,
      outputs: full.outputs,
      megabytes: Math.round(megabytes * 10) / 10,
      seconds: run.seconds,
      megabytesPerSecond: Math.round((megabytes / run.seconds) * 10) / 10,
      txPerSecond: Math.round(full.txs / run.seconds),
      parseOnlyMegabytesPerSecond: Math.round((megabytes / parseSeconds) * 10) / 10,
      bareInsertMegabytesPerSecond: Math.round((megabytes / bareSeconds) * 10) / 10,
      peakRssMb: run.peakRssMb,
      peakRssMbAtHalfSize: atHalf.peakRssMb,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const r = await benchBitcoinImport(Number(process.env.BLOCKS ?? 40));
  console.log(r);
}
