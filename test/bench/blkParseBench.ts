/**
 * Bitcoin block parse throughput: mainnet block 702861 (1.38 MB, 2500 txs, mostly segwit) parsed
 * repeatedly on one core; the 255-block XORed blk fixture read and parsed through readBlkRecords;
 * and a synthetic XORed blk file of that big block repeated (~55 MB) streamed with and without
 * parsing, with peak RSS to show memory stays bounded.
 * Not a test; run with `node --import tsx test/bench/blkParseBench.ts`.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachBlkRecord } from '../../electron/core/ingest/bitcoin/blkFile';
import { parseBlock } from '../../electron/core/ingest/bitcoin/blockParser';

const BTC = resolve(import.meta.dirname, '../../../shared/fixtures/bitcoin');
const RUNS = Number(process.env.RUNS ?? 50);

function benchRaw(): void {
  const file = resolve(BTC, 'mainnet-block-702861.raw');
  const buf = readFileSync(file);
  for (let i = 0; i < 5; i++) parseBlock(buf, { file, offset: 0 }); // warm up
  let txs = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) txs += parseBlock(buf, { file, offset: 0 }).txs.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mb = (buf.length * RUNS) / 1e6;
  console.log(
    `parseBlock mainnet-block-702861.raw x${RUNS}: ${mb.toFixed(1)} MB, ${txs} txs in ${seconds.toFixed(3)} s = ` +
      `${(mb / seconds).toFixed(1)} MB/s, ${Math.round(txs / seconds)} tx/s`,
  );
}

async function benchBlk(): Promise<void> {
  const file = resolve(BTC, 'xor-blocksdir/blk00000.dat');
  const xorKey = readFileSync(resolve(BTC, 'xor-blocksdir/xor.dat'));
  let bytes = 0;
  let txs = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) {
    await forEachBlkRecord(file, { xorKey }, (r) => {
      bytes += r.block.length;
      txs += parseBlock(r.block, { file, offset: r.blockOffset }).txs.length;
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `readBlkRecords+parseBlock xor-blocksdir/blk00000.dat x${RUNS}: ${(bytes / 1e6).toFixed(1)} MB of blocks, ${txs} txs in ${seconds.toFixed(3)} s = ` +
      `${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${Math.round(txs / seconds)} tx/s (tiny early blocks: per-block overhead dominates)`,
  );
}

/** A blk file of `copies` records of the same block plus 1 MiB of zero preallocation, XORed like Core 28+. */
function writeSyntheticBlk(path: string, block: Buffer, copies: number, key: Buffer): number {
  const record = Buffer.alloc(8 + block.length);
  Buffer.from('f9beb4d9', 'hex').copy(record);
  record.writeUInt32LE(block.length, 4);
  block.copy(record, 8);
  const fd = openSync(path, 'w');
  let offset = 0;
  const put = (plain: Buffer): void => {
    const out = Buffer.alloc(plain.length);
    for (let i = 0; i < plain.length; i++) out[i] = plain[i]! ^ key[(offset + i) % 8]!;
    writeSync(fd, out);
    offset += plain.length;
  };
  for (let i = 0; i < copies; i++) put(record);
  put(Buffer.alloc(1 << 20));
  closeSync(fd);
  return offset;
}

async function benchStream(): Promise<void> {
  const block = readFileSync(resolve(BTC, 'mainnet-block-702861.raw'));
  const key = readFileSync(resolve(BTC, 'xor-blocksdir/xor.dat'));
  const dir = mkdtempSync(join(tmpdir(), 'cairn-blkbench-'));
  try {
    const file = join(dir, 'blk00000.dat');
    const size = writeSyntheticBlk(file, block, 40, key);
    let peakRss = 0;
    const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    for (const parse of [false, true]) {
      let txs = 0;
      let records = 0;
      const started = process.hrtime.bigint();
      const summary = await forEachBlkRecord(file, { xorKey: key }, (r) => {
        records++;
        if (parse) txs += parseBlock(r.block, { file, offset: r.blockOffset }).txs.length;
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      console.log(
        `readBlkRecords${parse ? '+parseBlock' : ' (no parse)'} synthetic XORed blk, ${(size / 1e6).toFixed(1)} MB, ${records} records: ` +
          `${seconds.toFixed(3)} s = ${(statSync(file).size / 1e6 / seconds).toFixed(1)} MB/s` +
          (parse ? `, ${Math.round(txs / seconds)} tx/s` : '') +
          `; ended by ${summary.endedBy} at ${summary.stoppedAt}; peak RSS ${(peakRss / 1e6).toFixed(0)} MB`,
      );
    }
    clearInterval(sample);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

benchRaw();
await benchBlk();
await benchStream();
