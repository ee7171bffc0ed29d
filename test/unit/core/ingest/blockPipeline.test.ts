import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { useBlockParseWorker } from '../../../../electron/core/ingest/bitcoin/blockPipeline';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore } from '../../../../electron/core/store/openStore';
import { dumpUtxoStore as dump, FIXTURES, REPO, tempDir } from '../../helpers';

// The bundled parse thread; npm test builds it before the unit tests run.
const WORKER = join(REPO, 'dist/node/blkParseWorker.cjs');
const XOR_DIR = join(FIXTURES, 'bitcoin/xor-blocksdir');
const BLK = join(FIXTURES, 'bitcoin/mainnet-blocks-1-255.blk');

after(() => useBlockParseWorker(undefined));

async function importWith(worker: string | undefined, paths: string[]): Promise<Record<string, unknown[]>> {
  useBlockParseWorker(worker);
  const db = openStore(':memory:');
  try {
    const r = await importDataset(db, { paths });
    assert.ok(r.dataset);
    return dump(db);
  } finally {
    db.close();
  }
}

test('the parse thread and the in-process parser build exactly the same store', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  // Two folders' worth: the XOR-obfuscated one and the plain 255-block file, as two files of one folder.
  const dir = tempDir();
  copyFileSync(BLK, join(dir, 'blk00000.dat'));
  for (const paths of [[XOR_DIR], [dir]]) {
    const inProcess = await importWith(undefined, paths);
    const threaded = await importWith(WORKER, paths);
    assert.ok((inProcess.tx ?? []).length > 250);
    assert.ok((inProcess.transfer ?? []).length > 250);
    assert.deepEqual(threaded, inProcess);
  }
});

test('a bad block found on the parse thread is refused with its file and byte offset, and nothing is committed', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  useBlockParseWorker(WORKER);
  const dir = tempDir();
  const bytes = Buffer.from(readFileSync(BLK));
  // A byte of the last block (well past the first records): its merkle root no longer matches.
  const at = bytes.length - 2000;
  bytes[at] ^= 0x01;
  writeFileSync(join(dir, 'blk00000.dat'), bytes);
  const db = openStore(':memory:');
  try {
    await assert.rejects(importDataset(db, { paths: [dir] }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      const m = /blk00000\.dat, byte (\d+): merkle root mismatch in block [0-9a-f]{64}/.exec(e.message);
      assert.ok(m, e.message);
      // The offset is that of the damaged block's first byte, in the file.
      const offset = Number(m[1]);
      assert.ok(offset <= at && at - offset < 1000, `offset ${offset} for a change at ${at}`);
      assert.equal(e.file, join(dir, 'blk00000.dat'));
      return true;
    });
    assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 0);
  } finally {
    db.close();
  }
});

/** The records of the 255-block fixture, as [offset, end) ranges of the file. */
async function recordRanges(): Promise<[number, number][]> {
  const { forEachBlkRecord } = await import('../../../../electron/core/ingest/bitcoin/blkFile');
  const ranges: [number, number][] = [];
  await forEachBlkRecord(BLK, {}, (r) => void ranges.push([r.offset, r.blockOffset + r.block.length]));
  return ranges;
}

for (const [mode, worker] of [['in-process', undefined], ['on the parse thread', WORKER]] as const) {
  test(`a grown blocks folder (${mode}): the second import reads only what the node appended, and the store equals one import of it all`, { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
    useBlockParseWorker(worker);
    const all = readFileSync(BLK);
    const ranges = await recordRanges();
    const cut = ranges[150]![0];
    const prealloc = Buffer.alloc(1 << 16);
    // The node had written 150 blocks into a preallocated file, then 105 more into the zeros.
    const node = tempDir();
    const file = join(node, 'blk00000.dat');
    writeFileSync(file, Buffer.concat([all.subarray(0, cut), prealloc]));
    const db = openStore(':memory:');
    const first = await importDataset(db, { paths: [node] });
    assert.equal(first.dataset!.sources[0]!.rows, 150);
    writeFileSync(file, Buffer.concat([all, prealloc.subarray(0, Math.max(0, cut + prealloc.length - all.length))]));
    let readBytes = 0;
    const second = await importDataset(db, { paths: [node] }, { onProgress: (p) => (readBytes = p.done) });
    assert.ok(second.dataset, 'the grown file is a new dataset');
    assert.equal(second.dataset.sources[0]!.rows, 105, 'only the appended blocks were read');
    assert.ok(second.warnings.some((w) => w.includes(`first ${cut} bytes are unchanged since dataset #${first.dataset!.id}`)), second.warnings.join('\n'));
    assert.equal(readBytes, statSync(file).size);
    // Exactly the store one import of the whole file gives.
    const whole = tempDir();
    writeFileSync(join(whole, 'blk00000.dat'), readFileSync(file));
    const once = openStore(':memory:');
    await importDataset(once, { paths: [whole] });
    assert.deepEqual(dump(db), dump(once));
    // A third import of the unchanged file reads nothing and names the dataset that has it all.
    const third = await importDataset(db, { paths: [node] });
    assert.equal(third.dataset, null);
    assert.equal(third.alreadyImportedAs, second.dataset.id);
    db.close();
    once.close();
  });
}

test('a changed byte before the resume point is noticed: the file is read again from its start', async () => {
  useBlockParseWorker(undefined);
  const all = Buffer.from(readFileSync(BLK));
  const node = tempDir();
  const file = join(node, 'blk00000.dat');
  writeFileSync(file, all);
  const db = openStore(':memory:');
  await importDataset(db, { paths: [node] });
  // Same name, same size, one byte different inside an early block: no resume, so the damage is found.
  all[1000] ^= 0x01;
  writeFileSync(file, all);
  await assert.rejects(importDataset(db, { paths: [node] }), (e: unknown) => e instanceof BadInputError && /blk00000\.dat, byte \d+: merkle root mismatch/.test(e.message));
  db.close();
});

test('a segment imported before its ancestors takes the heights its coinbases state, and joins the chain when they arrive', async () => {
  useBlockParseWorker(undefined);
  const { writeSyntheticBlocksDir } = await import('../../../bench/syntheticBitcoin');
  const gen = tempDir();
  writeSyntheticBlocksDir(gen, { blocks: 20, txsPerBlock: 20, seed: 7 });
  const { forEachBlkRecord } = await import('../../../../electron/core/ingest/bitcoin/blkFile');
  const records: Buffer[] = [];
  await forEachBlkRecord(join(gen, 'blk00000.dat'), {}, (r) => void records.push(Buffer.concat([Buffer.from('fabfb5da', 'hex'), Buffer.from(Uint32Array.of(r.block.length).buffer), r.block])));
  assert.equal(records.length, 20);
  const late = tempDir();
  writeFileSync(join(late, 'blk00000.dat'), Buffer.concat(records.slice(10)));
  const early = tempDir();
  writeFileSync(join(early, 'blk00000.dat'), Buffer.concat(records.slice(0, 10)));
  const db = openStore(':memory:');
  const heights = (): (number | null)[] => db.prepare('SELECT height FROM btc_block ORDER BY time').pluck().all() as (number | null)[];
  await importDataset(db, { paths: [late] });
  assert.deepEqual(heights(), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  await importDataset(db, { paths: [early] });
  assert.deepEqual(heights(), Array.from({ length: 20 }, (_, i) => i + 1));
  // Every transaction carries its block's height.
  assert.equal(db.prepare('SELECT count(*) FROM tx JOIN btc_block_tx m ON m.tx_id = tx.id JOIN btc_block b ON b.hash = m.block_hash WHERE tx.block_number IS NOT b.height').pluck().get(), 0);
  db.close();
});

test('cancelling a Bitcoin import on the parse thread stops it and keeps nothing', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  useBlockParseWorker(WORKER);
  const { writeSyntheticBlocksDir } = await import('../../../bench/syntheticBitcoin');
  const dir = tempDir();
  writeSyntheticBlocksDir(dir, { blocks: 30, txsPerBlock: 300, seed: 3 });
  const db = openStore(':memory:');
  const controller = new AbortController();
  let blocksSeen = 0;
  await assert.rejects(
    importDataset(db, { paths: [dir] }, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows > 0 && ++blocksSeen === 1) controller.abort();
      },
    }),
    (e: unknown) => e instanceof Error && e.name === 'ImportCancelledError',
  );
  assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 0);
  db.close();
});
