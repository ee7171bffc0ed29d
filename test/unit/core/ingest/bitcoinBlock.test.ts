import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { blockHash, parseBlock, type ParsedBlock } from '../../../../electron/core/ingest/bitcoin/blockParser';
import { BadInputError } from '../../../../electron/core/ingest/errors';

const BTC = resolve(import.meta.dirname, '../../../../../shared/fixtures/bitcoin');
const MAINNET = readFileSync(resolve(BTC, 'mainnet-block-702861.raw'));
const TESTNET = readFileSync(resolve(BTC, 'testnet-block-924634.raw'));
const MAINNET_HASH = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
const TESTNET_HASH = '000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b';

function totals(b: ParsedBlock) {
  let inputs = 0;
  let outputs = 0;
  let segwit = 0;
  let value = 0n;
  for (const tx of b.txs) {
    inputs += tx.inputs.length;
    outputs += tx.outputs.length;
    if (tx.segwit) segwit++;
    for (const o of tx.outputs) value += o.value;
  }
  return { txs: b.txs.length, segwit, inputs, outputs, value };
}

/** Runs fn, which must throw a BadInputError; returns it. */
function badInput(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a BadInputError');
}

test('mainnet block 702861 parses to its known facts', () => {
  const b = parseBlock(MAINNET, { file: 'mainnet-block-702861.raw', offset: 0 });
  assert.equal(b.hash, MAINNET_HASH);
  assert.equal(blockHash(MAINNET.subarray(0, 80)), MAINNET_HASH);
  assert.deepEqual(totals(b), { txs: 2500, segwit: 2065, inputs: 6518, outputs: 6015, value: 2883682728990n });
  assert.equal(typeof b.txs[0]!.outputs[0]!.value, 'bigint');
  assert.equal(b.size, MAINNET.length);
  assert.ok(b.weight <= 4_000_000, `weight ${b.weight}`);
  assert.equal(b.weight, b.txs.reduce((w, t) => w + t.weight, 0) + (80 + 3) * 4); // 2500 txs: fd c4 09

  const cb = b.txs[0]!;
  assert.equal(cb.isCoinbase, true);
  assert.equal(cb.inputs[0]!.prevTxid, '0'.repeat(64));
  assert.equal(cb.inputs[0]!.prevVout, 0xffffffff);
  assert.equal(b.txs.filter((t) => t.isCoinbase).length, 1);
  for (const tx of b.txs) {
    assert.equal(tx.weight, (tx.segwit ? tx.baseSize : tx.size) * 3 + tx.size);
    assert.equal(tx.vsize, Math.ceil(tx.weight / 4));
    if (!tx.segwit) {
      assert.equal(tx.wtxid, tx.txid);
      assert.equal(tx.baseSize, tx.size);
      for (const i of tx.inputs) assert.equal(i.witness.length, 0);
    } else {
      assert.notEqual(tx.wtxid, tx.txid);
      assert.ok(tx.baseSize < tx.size);
    }
  }
  assert.equal(new Set(b.txs.map((t) => t.txid)).size, 2500);
});

test('testnet block 924634 parses to its known facts', () => {
  const b = parseBlock(TESTNET, { file: 'testnet-block-924634.raw', offset: 0 });
  assert.equal(b.hash, TESTNET_HASH);
  assert.deepEqual(totals(b), { txs: 15, segwit: 1, inputs: 16, outputs: 29, value: 21397492046n });
  assert.equal(b.prevHash.length, 64);
  assert.equal(b.merkleRoot, Buffer.from(TESTNET.subarray(36, 68)).reverse().toString('hex'));
  assert.equal(b.time, TESTNET.readUInt32LE(68));
});

test('scripts are views of the block bytes (no copies)', () => {
  const b = parseBlock(TESTNET, { file: 't', offset: 0 });
  const s = b.txs[1]!.outputs[0]!.script;
  assert.equal(s.buffer, TESTNET.buffer);
});

test('one changed byte in a transaction is a merkle root mismatch at the block offset', () => {
  const b = parseBlock(MAINNET, { file: 'm', offset: 0 });
  const script = b.txs[5]!.outputs[0]!.script;
  const at = script.byteOffset - MAINNET.byteOffset + 3;
  const bad = Buffer.from(MAINNET);
  bad[at] = bad[at]! ^ 0x01;
  const err = badInput(() => parseBlock(bad, { file: 'blk00042.dat', offset: 123_456 }));
  assert.equal(err.file, 'blk00042.dat');
  assert.equal(err.where.offset, 123_456);
  assert.match(err.message, /^blk00042\.dat, byte 123456: merkle root mismatch in block 000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae: header says [0-9a-f]{64}, transactions give [0-9a-f]{64}$/);

  // The last byte of the block (the last transaction's locktime) too.
  const bad2 = Buffer.from(TESTNET);
  bad2[bad2.length - 1] = bad2[bad2.length - 1]! ^ 0x80;
  assert.match(badInput(() => parseBlock(bad2, { file: 't', offset: 0 })).message, /merkle root mismatch in block 0{13}45e0b/);
});

test('a changed witness byte is caught by the witness commitment', () => {
  const b = parseBlock(MAINNET, { file: 'm', offset: 0 });
  const tx = b.txs.find((t, i) => i > 0 && t.segwit && t.inputs[0]!.witness.some((w) => w.length >= 32))!;
  const item = tx.inputs[0]!.witness.find((w) => w.length >= 32)!;
  const at = item.byteOffset - MAINNET.byteOffset + 10;
  const bad = Buffer.from(MAINNET);
  bad[at] = bad[at]! ^ 0x01;
  const err = badInput(() => parseBlock(bad, { file: 'm', offset: 8 }));
  assert.equal(err.where.offset, 8);
  assert.match(err.message, /witness commitment mismatch in block 0{21}c835b/);
});

test('truncated blocks are rejected with an offset, whatever the cut', () => {
  for (const cut of [0, 40, 80, 81, 200, 4000, MAINNET.length >> 1, MAINNET.length - 1]) {
    const err = badInput(() => parseBlock(MAINNET.subarray(0, cut), { file: 'cut.raw', offset: 1000 }));
    assert.match(err.message, /truncated/);
    assert.ok(err.where.offset! >= 1000 && err.where.offset! <= 1000 + cut, `offset ${err.where.offset} for cut ${cut}`);
  }
  const err = badInput(() => parseBlock(Buffer.concat([TESTNET, Buffer.from([0])]), { file: 'x', offset: 0 }));
  assert.equal(err.where.offset, TESTNET.length);
  assert.match(err.message, /1 unexpected bytes after its last transaction/);
});

test('non-canonical CompactSize encodings are rejected', () => {
  const header = TESTNET.subarray(0, 80);
  const rest = TESTNET.subarray(81); // the 15 txs after the 1-byte count 0x0f
  assert.equal(TESTNET[80], 0x0f);
  for (const prefix of ['fd0f00', 'fe0f000000', 'ff0f00000000000000']) {
    const bad = Buffer.concat([header, Buffer.from(prefix, 'hex'), rest]);
    const err = badInput(() => parseBlock(bad, { file: 'nc', offset: 16 }));
    assert.equal(err.where.offset, 16 + 80);
    assert.match(err.message, /non-canonical CompactSize for transaction count/);
  }
  // fd 0a 00 in a script length, deep inside a transaction.
  const b = parseBlock(TESTNET, { file: 't', offset: 0 });
  const script = b.txs[2]!.outputs[0]!.script;
  const lenAt = script.byteOffset - TESTNET.byteOffset - 1;
  assert.equal(TESTNET[lenAt], script.length);
  const spliced = Buffer.concat([TESTNET.subarray(0, lenAt), Buffer.from([0xfd, script.length, 0]), TESTNET.subarray(lenAt + 1)]);
  const err = badInput(() => parseBlock(spliced, { file: 't', offset: 0 }));
  assert.equal(err.where.offset, lenAt);
  assert.match(err.message, /non-canonical CompactSize for script length of output 0 of transaction 2: fd/);
  // The canonical 3-byte form of a large value is fine up to the bounds check.
  assert.match(badInput(() => parseBlock(Buffer.concat([header, Buffer.from('fd0001', 'hex'), rest]), { file: 't', offset: 0 })).message, /truncated block|impossible|after its last/);
});

test('huge counts and lengths are errors, not allocations', () => {
  const header = TESTNET.subarray(0, 80);
  const tail = Buffer.alloc(200, 0x11);
  const cases: [string, RegExp][] = [
    ['01' + '01000000' + 'feffffffff', /impossible input count of transaction 0 4294967295: each takes at least 41 bytes/],
    ['01' + '01000000' + 'ffffffffffffffffff', /impossible input count of transaction 0 18446744073709551615/],
    ['01' + '01000000' + 'fd0010', /impossible input count of transaction 0 4096/],
    ['feffffff7f', /impossible transaction count 2147483647/],
    ['01' + '01000000' + '01' + '00'.repeat(36) + 'fe00000010', /truncated block: scriptSig length of input 0 of transaction 0 268435456 runs past the end/],
    ['01' + '01000000' + '0001' + 'feffffff00', /impossible input count of transaction 0 16777215/],
    ['01' + '01000000' + '0002', /unknown segwit flag 0x02/],
  ];
  for (const [hex, re] of cases) {
    const started = performance.now();
    const err = badInput(() => parseBlock(Buffer.concat([header, Buffer.from(hex, 'hex'), tail]), { file: 'huge', offset: 0 }));
    assert.match(err.message, re);
    assert.ok(performance.now() - started < 50);
  }
  assert.match(badInput(() => parseBlock(Buffer.concat([header, Buffer.from('00', 'hex'), tail]), { file: 'z', offset: 0 })).message, /no transactions/);
});

test('blockHash needs exactly 80 bytes', () => {
  assert.throws(() => blockHash(MAINNET.subarray(0, 79)), /80-byte header/);
});
