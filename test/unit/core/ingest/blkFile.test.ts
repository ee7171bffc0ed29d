import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  detectNetwork,
  forEachBlkRecord,
  rawBlockFromFile,
  readBlkRecords,
  readXorKey,
  type BlkReadOptions,
  type BlkReadSummary,
  type BlkRecord,
} from '../../../../electron/core/ingest/bitcoin/blkFile';
import { parseBlock, type ParsedBlock } from '../../../../electron/core/ingest/bitcoin/blockParser';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { tempDir } from '../../helpers';

const BTC = resolve(import.meta.dirname, '../../../../../shared/fixtures/bitcoin');
const BLK_1_255 = join(BTC, 'mainnet-blocks-1-255.blk');
const XOR_DIR = join(BTC, 'xor-blocksdir');
const GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const PLAIN = readFileSync(BLK_1_255);

async function readAll(path: string, opts: BlkReadOptions = {}): Promise<{ records: BlkRecord[]; summary: BlkReadSummary }> {
  const records: BlkRecord[] = [];
  const summary = await forEachBlkRecord(path, opts, (r) => {
    records.push(r);
  });
  return { records, summary };
}

function parseAll(records: BlkRecord[], file: string): ParsedBlock[] {
  return records.map((r) => parseBlock(r.block, { file, offset: r.blockOffset }));
}

test('detectNetwork knows the five Bitcoin magics', () => {
  assert.equal(detectNetwork('f9beb4d9'), 'mainnet');
  assert.equal(detectNetwork(Buffer.from('0b110907', 'hex')), 'testnet3');
  assert.equal(detectNetwork('1c163f28'), 'testnet4');
  assert.equal(detectNetwork('0A03CF40'), 'signet');
  assert.equal(detectNetwork('fabfb5da'), 'regtest');
  assert.equal(detectNetwork('fbc0b6db'), null); // Litecoin
  assert.equal(detectNetwork(Buffer.alloc(3)), null);
});

test('mainnet blocks 1-255: 255 records, 262 txs, the block-170 payment', async () => {
  let bytes = 0;
  const { records, summary } = await readAll(BLK_1_255, { onBytes: (n) => (bytes += n) });
  assert.equal(records.length, 255);
  assert.ok(records.every((r) => r.network === 'mainnet' && r.magic === 'f9beb4d9'));
  assert.deepEqual(summary, { records: 255, warnings: [], stoppedAt: PLAIN.length, endedBy: 'eof', fileSize: PLAIN.length });
  assert.equal(bytes, PLAIN.length);

  const blocks = parseAll(records, BLK_1_255);
  assert.equal(blocks.reduce((n, b) => n + b.txs.length, 0), 262);
  assert.equal(blocks[0]!.prevHash, GENESIS);
  for (let i = 1; i < blocks.length; i++) assert.equal(blocks[i]!.prevHash, blocks[i - 1]!.hash);

  const b170 = blocks.filter((b) => b.hash.startsWith('00000000d1145790'));
  assert.equal(b170.length, 1);
  assert.equal(blocks.indexOf(b170[0]!), 169); // height 170: the file starts at height 1
  const tx = b170[0]!.txs.find((t) => t.txid === 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16');
  assert.ok(tx);
  assert.equal(tx.isCoinbase, false);
  assert.equal(tx.segwit, false);
  assert.deepEqual(
    tx.outputs.map((o) => o.value),
    [1_000_000_000n, 4_000_000_000n],
  );
  assert.equal(tx.inputs.length, 1);
  assert.equal(tx.inputs[0]!.prevTxid, '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9');
  assert.equal(tx.inputs[0]!.prevVout, 0);
  // The spent output is the coinbase of block 9 in the same file.
  const cb9 = blocks[8]!.txs[0]!;
  assert.equal(cb9.txid, '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9');
  assert.equal(cb9.outputs[0]!.value, 5_000_000_000n);
});

test('small reads give the same records as one big read', async () => {
  const small = await readAll(BLK_1_255, { readSize: 1001 });
  assert.equal(small.records.length, 255);
  const offsets = small.records.map((r) => r.offset);
  let expected = 0;
  for (let i = 0; i < 255; i++) {
    assert.equal(offsets[i], expected);
    assert.deepEqual(small.records[i]!.block, PLAIN.subarray(expected + 8, expected + 8 + PLAIN.readUInt32LE(expected + 4)));
    expected += 8 + PLAIN.readUInt32LE(expected + 4);
  }
});

test('reading resumes at a record offset', async () => {
  const all = (await readAll(BLK_1_255)).records;
  const { records, summary } = await readAll(BLK_1_255, { startOffset: all[100]!.offset });
  assert.equal(records.length, 155);
  assert.deepEqual(records[0]!.block, all[100]!.block);
  assert.equal(summary.stoppedAt, PLAIN.length);
  await assert.rejects(readAll(BLK_1_255, { startOffset: PLAIN.length + 1 }), BadInputError);
});

test('xor-blocksdir: the key from xor.dat decodes the same 255 blocks, then the zero tail', async () => {
  const listing = readdirSync(XOR_DIR).sort();
  assert.deepEqual(listing, ['blk00000.dat', 'xor.dat']);
  const key = readXorKey(XOR_DIR);
  assert.equal(key?.toString('hex'), '6ca7fce9d002eadf');
  const plain = (await readAll(BLK_1_255)).records;
  for (const readSize of [undefined, 1001, 4093]) {
    const { records, summary } = await readAll(join(XOR_DIR, listing[0]!), { xorKey: key, readSize });
    assert.equal(records.length, 255);
    for (let i = 0; i < 255; i++) {
      assert.equal(records[i]!.offset, plain[i]!.offset);
      assert.ok(records[i]!.block.equals(plain[i]!.block), `block ${i}`);
    }
    assert.deepEqual(summary, { records: 255, warnings: [], stoppedAt: PLAIN.length, endedBy: 'zero-padding', fileSize: PLAIN.length + 4096 });
  }
  // Without the key, nothing looks like a record.
  const { records, summary } = await readAll(join(XOR_DIR, 'blk00000.dat'));
  assert.equal(records.length, 0);
  assert.equal(summary.warnings[0]!.kind, 'garbage');
  assert.match(summary.warnings[0]!.message, /xor\.dat/);
});

test('readXorKey: absent or all-zero means plaintext; a wrong size is bad input', () => {
  const dir = tempDir();
  assert.equal(readXorKey(dir), undefined);
  writeFileSync(join(dir, 'xor.dat'), Buffer.alloc(8));
  assert.equal(readXorKey(dir), undefined);
  writeFileSync(join(dir, 'xor.dat'), Buffer.alloc(7, 1));
  assert.throws(() => readXorKey(dir), (e: unknown) => e instanceof BadInputError && e.where.offset === 7 && /exactly 8 bytes, found 7/.test(e.message));
  writeFileSync(join(dir, 'xor.dat'), Buffer.alloc(9, 1));
  assert.throws(() => readXorKey(dir), BadInputError);
});

test('genesis plus 4 synthetic blocks: 5 records, starting at genesis', async () => {
  const file = join(BTC, 'genesis-plus-4-synthetic.blk');
  const { records, summary } = await readAll(file);
  assert.equal(records.length, 5);
  assert.equal(summary.warnings.length, 0);
  const blocks = parseAll(records, file);
  assert.equal(blocks[0]!.hash, GENESIS);
  assert.equal(blocks[0]!.txs[0]!.txid, '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
  assert.equal(blocks[0]!.txs[0]!.outputs[0]!.value, 5_000_000_000n);
  for (let i = 1; i < 5; i++) assert.equal(blocks[i]!.prevHash, blocks[i - 1]!.hash);
});

test('garbage between two records is skipped and reported', async () => {
  const all = (await readAll(BLK_1_255)).records;
  const cut = all[10]!.offset;
  const garbage = Buffer.alloc(1000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = ((i * 37 + 11) % 251) + 1; // non-zero, no magic
  const file = join(tempDir(), 'blk00001.dat');
  writeFileSync(file, Buffer.concat([PLAIN.subarray(0, cut), garbage, PLAIN.subarray(cut)]));
  for (const readSize of [undefined, 300]) {
    const { records, summary } = await readAll(file, { readSize });
    assert.equal(records.length, 255);
    assert.equal(records[10]!.offset, cut + 1000);
    assert.ok(records[10]!.block.equals(all[10]!.block));
    assert.equal(summary.warnings.length, 1);
    assert.deepEqual({ ...summary.warnings[0]!, message: undefined }, { offset: cut, skippedBytes: 1000, kind: 'garbage', message: undefined });
    assert.match(summary.warnings[0]!.message, new RegExp(`skipped 1000 bytes of garbage at byte ${cut} \\(next record at byte ${cut + 1000}\\)`));
    assert.equal(summary.endedBy, 'eof');
  }
});

test('a false magic with an impossible size inside garbage does not stop the scan', async () => {
  const all = (await readAll(BLK_1_255)).records;
  const cut = all[3]!.offset;
  const garbage = Buffer.concat([Buffer.from('77', 'hex'), Buffer.from('f9beb4d9ffffffff', 'hex'), Buffer.alloc(20, 0x55)]);
  const file = join(tempDir(), 'blk00002.dat');
  writeFileSync(file, Buffer.concat([PLAIN.subarray(0, cut), garbage, PLAIN.subarray(cut)]));
  const { records, summary } = await readAll(file);
  assert.equal(records.length, 255);
  assert.deepEqual(
    summary.warnings.map((w) => [w.offset, w.skippedBytes, w.kind]),
    [[cut, garbage.length, 'garbage']],
  );
});

test('zeros between records are a gap; zeros to the end are preallocation', async () => {
  const all = (await readAll(BLK_1_255)).records;
  const cut = all[200]!.offset;
  const file = join(tempDir(), 'blk00003.dat');
  writeFileSync(file, Buffer.concat([PLAIN.subarray(0, cut), Buffer.alloc(5000), PLAIN.subarray(cut), Buffer.alloc(3)]));
  const { records, summary } = await readAll(file, { readSize: 777 });
  assert.equal(records.length, 255);
  assert.deepEqual(
    summary.warnings.map((w) => [w.offset, w.skippedBytes, w.kind]),
    [[cut, 5000, 'gap']],
  );
  assert.equal(summary.endedBy, 'zero-padding');
  assert.equal(summary.stoppedAt, PLAIN.length + 5000);
});

test('a truncated last record is a warning; earlier records are kept', async () => {
  const all = (await readAll(BLK_1_255)).records;
  const last = all[254]!;
  const dir = tempDir();
  const file = join(dir, 'blk00004.dat');
  writeFileSync(file, PLAIN.subarray(0, PLAIN.length - 100));
  const { records, summary } = await readAll(file);
  assert.equal(records.length, 254);
  assert.ok(records[253]!.block.equals(all[253]!.block));
  assert.equal(summary.endedBy, 'truncated');
  assert.equal(summary.stoppedAt, last.offset);
  assert.equal(summary.warnings.length, 1);
  assert.deepEqual(
    [summary.warnings[0]!.offset, summary.warnings[0]!.skippedBytes, summary.warnings[0]!.kind],
    [last.offset, PLAIN.length - 100 - last.offset, 'truncated'],
  );
  assert.match(summary.warnings[0]!.message, /truncated last record/);

  // Cut inside the record header.
  writeFileSync(file, PLAIN.subarray(0, last.offset + 6));
  const h = await readAll(file);
  assert.equal(h.records.length, 254);
  assert.equal(h.summary.endedBy, 'truncated');
  assert.equal(h.summary.warnings[0]!.offset, last.offset);
});

test('an abandoned read closes cleanly and the generator returns its summary', async () => {
  const gen = readBlkRecords(BLK_1_255);
  const first = await gen.next();
  assert.equal(first.done, false);
  for await (const r of readBlkRecords(BLK_1_255)) {
    assert.equal(r.offset, 0);
    break;
  }
  await gen.return(undefined as never);
  const empty = join(tempDir(), 'blk00005.dat');
  writeFileSync(empty, Buffer.alloc(0));
  assert.deepEqual((await readAll(empty)).summary, { records: 0, warnings: [], stoppedAt: 0, endedBy: 'eof', fileSize: 0 });
});

test('rawBlockFromFile: binary, hex text and blk record give the same block', () => {
  const raw = join(BTC, 'testnet-block-924634.raw');
  const bin = rawBlockFromFile(raw);
  assert.equal(bin.encoding, 'binary');
  const hash = parseBlock(bin.block, { file: raw, offset: bin.blockOffset }).hash;
  assert.equal(hash, '000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b');

  const dir = tempDir();
  const hexText = bin.block.toString('hex').replace(/(.{120})/g, '$1\n');
  writeFileSync(join(dir, 'block.hex'), `  ${hexText}\r\n`);
  const hex = rawBlockFromFile(join(dir, 'block.hex'));
  assert.equal(hex.encoding, 'hex');
  assert.ok(hex.block.equals(bin.block));

  const rec = Buffer.alloc(8);
  Buffer.from('0b110907', 'hex').copy(rec);
  rec.writeUInt32LE(bin.block.length, 4);
  writeFileSync(join(dir, 'block.blk'), Buffer.concat([rec, bin.block]));
  const r = rawBlockFromFile(join(dir, 'block.blk'));
  assert.equal(r.encoding, 'blk-record');
  assert.equal(r.blockOffset, 8);
  assert.ok(r.block.equals(bin.block));

  writeFileSync(join(dir, 'odd.hex'), 'abc\n');
  assert.throws(() => rawBlockFromFile(join(dir, 'odd.hex')), /odd number of digits/);
  writeFileSync(join(dir, 'empty.raw'), '');
  assert.throws(() => rawBlockFromFile(join(dir, 'empty.raw')), BadInputError);
});
