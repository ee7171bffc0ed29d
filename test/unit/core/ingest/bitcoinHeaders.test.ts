/**
 * Bitcoin headers are evidence too: proof of work, the difficulty rules, median-time-past and the
 * future bound, on real headers (mainnet blocks 1-255, block 702861) and on Bitcoin Core's own
 * retarget vectors (src/test/pow_tests.cpp, arith_uint256_tests.cpp); the import refusing
 * tampered headers with the file and offset; the unvalidated opt-out; the blk reader resyncing
 * after a damaged record; hex raw blocks.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { forEachBlkRecord, HEX_DETECT_BYTES, looksLikeHexBlock, type BlkRecord } from '../../../../electron/core/ingest/bitcoin/blkFile';
import { parseBlock } from '../../../../electron/core/ingest/bitcoin/blockParser';
import { useBlockParseWorker } from '../../../../electron/core/ingest/bitcoin/blockPipeline';
import {
  bitsToTarget,
  calculateNextWorkRequired,
  checkFutureTime,
  checkMedianTimePast,
  checkProofOfWork,
  checkTimewarp,
  checkVersion,
  decodeCompact,
  expectedBits,
  headerHash,
  headerRulesFor,
  isoTime,
  medianTimeFloor,
  medianTimePast,
  parseHeader,
  targetToBits,
  type ChainView,
} from '../../../../electron/core/ingest/bitcoin/headerRules';
import { isBitcoinBlockInput } from '../../../../electron/core/ingest/bitcoin/importBitcoin';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { listDatasets } from '../../../../electron/core/store/datasets';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { cairn } from '../../cli/cliRun';
import { FIXTURES, REPO, tempDir } from '../../helpers';

const BTC = join(FIXTURES, 'bitcoin');
const BLK = join(BTC, 'mainnet-blocks-1-255.blk');
const RAW_702861 = join(BTC, 'mainnet-block-702861.raw');
const HASH_702861 = '000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae';
const MAINNET = headerRulesFor('bip122:000000000019d6689c085ae165831e93');
const TESTNET3 = headerRulesFor('bip122:000000000933ea01ad0ee984209779ba');
const TESTNET4 = headerRulesFor('bip122:00000000da84f2bafbbc53dee25a72ae');
const SIGNET = headerRulesFor('bip122:00000008819873e925422c1ff0f99f7c');
const REGTEST = headerRulesFor('bip122:0f9188f13cb7b2c71f2a335e3a4fc328');
const LITECOIN = headerRulesFor('bip122:12a765e31ffd4059bada1e25190f6e98');
const WORKER = join(REPO, 'dist/node/blkParseWorker.cjs');
const PLAIN = readFileSync(BLK);

after(() => useBlockParseWorker(undefined));

const count = (db: Db, sql: string, ...args: unknown[]): number => db.prepare(sql).pluck().get(...args) as number;

let recordsCache: BlkRecord[] | null = null;
/** The fixture's 255 records (offset of each record and of its block). */
async function records(): Promise<BlkRecord[]> {
  if (!recordsCache) {
    const list: BlkRecord[] = [];
    await forEachBlkRecord(BLK, {}, (r) => void list.push(r));
    recordsCache = list;
  }
  return recordsCache;
}

/** The fixture with the block at `height` changed by `change` (given the file's bytes and the block's first byte); the file's path. */
async function tampered(name: string, height: number, change: (bytes: Buffer, blockOffset: number) => void): Promise<{ path: string; blockOffset: number }> {
  const rec = (await records())[height - 1]!;
  const bytes = Buffer.from(PLAIN);
  change(bytes, rec.blockOffset);
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return { path, blockOffset: rec.blockOffset };
}

/** Asserts an import is refused with the file, the block's byte offset and the problem, and that nothing was committed. */
async function assertRefused(paths: string[], file: string, offset: number | null, problem: RegExp, options: Parameters<typeof importDataset>[2] = {}): Promise<string> {
  const db = openStore(':memory:');
  let message = '';
  await assert.rejects(importDataset(db, { paths }, options), (e: unknown) => {
    assert.ok(e instanceof BadInputError, String(e));
    message = e.message;
    assert.equal(e.file, file);
    if (offset !== null) assert.equal(e.where.offset, offset, e.message);
    assert.match(e.message, problem);
    return true;
  });
  assert.equal(count(db, 'SELECT count(*) FROM dataset'), 0, 'no dataset committed');
  assert.equal(count(db, 'SELECT count(*) FROM tx'), 0, 'no transaction committed');
  assert.equal(count(db, 'SELECT count(*) FROM btc_block'), 0, 'no block committed');
  db.close();
  return message;
}

// ---------------------------------------------------------------------------------------------
// Compact targets: Bitcoin Core's arith_uint256_tests vectors

test('bits decode to targets exactly as Bitcoin Core does, and negative or overflowing bits are refused', () => {
  const zeros = [0x00123456, 0x01003456, 0x02000056, 0x03000000, 0x04000000, 0x00923456, 0x01803456, 0x02800056, 0x03800000, 0x04800000];
  for (const bits of zeros) assert.deepEqual(decodeCompact(bits), { target: 0n, negative: false, overflow: false }, bits.toString(16));
  assert.equal(bitsToTarget(0x01123456), 0x12n);
  assert.equal(targetToBits(0x12n), 0x01120000);
  assert.equal(bitsToTarget(0x02123456), 0x1234n);
  assert.equal(targetToBits(0x1234n), 0x02123400);
  assert.equal(bitsToTarget(0x03123456), 0x123456n);
  assert.equal(bitsToTarget(0x04123456), 0x12345600n);
  assert.equal(targetToBits(0x12345600n), 0x04123456);
  assert.equal(bitsToTarget(0x05009234), 0x92340000n);
  // The sign bit: a mantissa of 0x923400 is written one byte up.
  assert.equal(targetToBits(0x92340000n), 0x05009234);
  assert.equal(bitsToTarget(0x20123456), 0x123456n << 232n);
  assert.equal(targetToBits(0x123456n << 232n), 0x20123456);
  assert.equal(decodeCompact(0x01fedcba).negative, true);
  assert.equal(decodeCompact(0x04923456).negative, true);
  assert.throws(() => bitsToTarget(0x04923456), /negative target/);
  assert.equal(decodeCompact(0xff123456).overflow, true);
  assert.throws(() => bitsToTarget(0xff123456), /above 2\^256/);
  // Difficulty 1 and each network's easiest target.
  assert.equal(bitsToTarget(0x1d00ffff), 0xffffn << 208n);
  assert.equal(targetToBits(MAINNET.powLimit!), 0x1d00ffff);
  assert.equal(targetToBits(SIGNET.powLimit!), 0x1e0377ae);
  assert.equal(targetToBits(REGTEST.powLimit!), 0x207fffff);
});

// ---------------------------------------------------------------------------------------------
// Real headers

test('mainnet blocks 1-255: every header hashes as the parser says, meets its target, keeps difficulty 1 and comes after its median-time-past', async () => {
  const recs = await records();
  const g = MAINNET.genesis!;
  const chain: { time: number; bits: number }[] = [{ time: g.time, bits: g.bits }];
  const view: ChainView = { header: (h) => chain[h] };
  let prev = g.hash;
  for (const [i, r] of recs.entries()) {
    const height = i + 1;
    const h = parseHeader(r.block.subarray(0, 80));
    assert.equal(h.hash, parseBlock(r.block, { file: BLK, offset: r.blockOffset }).hash);
    assert.equal(h.prevHash, prev);
    assert.equal(h.bits, 0x1d00ffff);
    assert.equal(h.version, 1);
    const pow = checkProofOfWork(h, MAINNET);
    assert.equal(pow.ok, true, `block ${height}`);
    assert.deepEqual(expectedBits(MAINNET, height, h.time, view), { known: true, bits: 0x1d00ffff, why: 'inside a difficulty period, a block carries its parent’s bits' });
    const before = chain.slice(Math.max(0, height - 11)).map((c) => c.time).reverse();
    const floor = medianTimeFloor(before, true);
    assert.equal(floor.kind, 'exact');
    assert.equal(checkMedianTimePast(h.time, floor), null, `block ${height}`);
    assert.equal(checkFutureTime(h.time), null);
    chain.push({ time: h.time, bits: h.bits });
    prev = h.hash;
  }
  // Block 170 set to its own median-time-past is too early; one second later is not.
  const b170 = parseHeader(recs[169]!.block.subarray(0, 80));
  const mtp170 = medianTimePast(chain.slice(159, 170).map((c) => c.time));
  assert.match(checkMedianTimePast(mtp170, medianTimeFloor(chain.slice(159, 170).map((c) => c.time), true))!, /not after the median of the previous 11 blocks/);
  assert.equal(checkMedianTimePast(mtp170 + 1, { kind: 'exact', mtp: mtp170 }), null);
  assert.ok(b170.time > mtp170);
});

test('block 702861 (2021): its hash meets the target of its bits, and a changed nonce does not', () => {
  const block = readFileSync(RAW_702861);
  const header = Buffer.from(block.subarray(0, 80));
  const h = parseHeader(header);
  assert.equal(h.hash, HASH_702861);
  assert.equal(headerHash(header), parseBlock(block, { file: RAW_702861, offset: 0 }).hash);
  const pow = checkProofOfWork(h, MAINNET);
  assert.ok(pow.ok === true);
  assert.equal(pow.target, bitsToTarget(h.bits));
  assert.ok(BigInt(`0x${h.hash}`) <= pow.target);
  // Far harder than difficulty 1: over 2^40 times as much work.
  assert.equal(pow.target < bitsToTarget(0x1d00ffff) >> 40n, true);
  assert.equal(checkVersion(MAINNET, 702861, h.version), null);
  assert.match(checkVersion(MAINNET, 702861, 3)!, /version 3 is below 4, which BIP 65 requires from height 388,381/);
  header.writeUInt32LE((h.nonce + 1) >>> 0, 76);
  const bad = checkProofOfWork(parseHeader(header), MAINNET);
  assert.equal(bad.ok, false);
  assert.match((bad as { problem: string }).problem, /hash is above the target its bits 1[0-9a-f]{7} set: the proof of work fails/);
  // Bits asking for less work than mainnet allows are refused whatever the hash.
  assert.match((checkProofOfWork({ hash: '0'.repeat(64), bits: 0x1d01ffff }, MAINNET) as { problem: string }).problem, /less work than Bitcoin allows \(its easiest is 1d00ffff\)/);
  assert.match((checkProofOfWork({ hash: '0'.repeat(64), bits: 0x1d80ffff }, MAINNET) as { problem: string }).problem, /negative target/);
  assert.match((checkProofOfWork({ hash: '0'.repeat(64), bits: 0x01003456 }, MAINNET) as { problem: string }).problem, /target of zero/);
});

test('the 2-hour future bound is measured from the time of the import', () => {
  const t = parseHeader(readFileSync(RAW_702861).subarray(0, 80)).time;
  assert.equal(checkFutureTime(t, (t - 7200) * 1000), null);
  assert.match(checkFutureTime(t, (t - 7201) * 1000)!, /more than 2 hours after the time of this import/);
  // The default is now: a 2021 block is not in the future, one five years from now is.
  assert.equal(checkFutureTime(t), null);
  assert.match(checkFutureTime(Math.floor(Date.now() / 1000) + 5 * 365 * 86400)!, /more than 2 hours/);
});

// ---------------------------------------------------------------------------------------------
// Difficulty rules: Bitcoin Core's pow_tests vectors and hand-made chains

test('retargets match Bitcoin Core pow_tests: free, capped at powLimit, clamped to a quarter and four times two weeks', () => {
  // get_next_work: block 32255 (1262152739) after block 30240 (1261130161), from difficulty 1.
  assert.equal(calculateNextWorkRequired(0x1d00ffff, 1262152739 - 1261130161, MAINNET), 0x1d00d86a);
  // get_next_work_pow_limit: a slow first period cannot go below difficulty 1.
  assert.equal(calculateNextWorkRequired(0x1d00ffff, 1233061996 - 1231006505, MAINNET), 0x1d00ffff);
  // get_next_work_lower_limit_actual: a fast period is clamped to a quarter of two weeks.
  assert.equal(calculateNextWorkRequired(0x1c05a3f4, 1279297671 - 1279008237, MAINNET), 0x1c0168fd);
  // get_next_work_upper_limit_actual: a slow one to four times.
  assert.equal(calculateNextWorkRequired(0x1c387f6f, 1269211443 - 1263163443, MAINNET), 0x1d00e1fd);
});

/** A chain view over explicit headers by height. */
const viewOf = (headers: Record<number, { time: number; bits: number }>): ChainView => ({ header: (h) => headers[h] });

test('the retarget at height 32256 spans blocks 30240 to 32255: Bitcoin Core’s off-by-one', () => {
  const view = viewOf({ 32255: { time: 1262152739, bits: 0x1d00ffff }, 30240: { time: 1261130161, bits: 0x1d00ffff } });
  const e = expectedBits(MAINNET, 32256, 1262153464, view);
  assert.ok(e.known);
  assert.equal(e.bits, 0x1d00d86a);
  assert.match(e.why, /retarget at height 32256: 1022578 s from block 30240 to block 32255/);
  // Without the block 2016 back (30240), the retarget cannot be checked; 30239 does not stand in for it.
  const missing = expectedBits(MAINNET, 32256, 1262153464, viewOf({ 32255: { time: 1262152739, bits: 0x1d00ffff }, 30239: { time: 1261130161, bits: 0x1d00ffff } }));
  assert.deepEqual(missing, { known: false, why: 'the retarget at height 32256 needs the block at height 30240, which is not known' });
  // Inside a period, mainnet keeps the parent's bits whatever the gap in time.
  const inside = expectedBits(MAINNET, 32257, 1262152739 + 86400, viewOf({ 32256: { time: 1262152739, bits: 0x1d00d86a } }));
  assert.deepEqual(inside, { known: true, bits: 0x1d00d86a, why: 'inside a difficulty period, a block carries its parent’s bits' });
});

test('testnet3: the 20-minute rule allows powLimit, otherwise the bits of the last block not mined at minimum difficulty', () => {
  const T = 1_500_000_000;
  const chain = viewOf({ 4997: { time: T - 300, bits: 0x1c0fffff }, 4998: { time: T - 200, bits: 0x1d00ffff }, 4999: { time: T, bits: 0x1d00ffff } });
  assert.deepEqual(expectedBits(TESTNET3, 5000, T + 1201, chain), { known: true, bits: 0x1d00ffff, why: 'more than 20 minutes after its parent, the minimum difficulty applies' });
  const within = expectedBits(TESTNET3, 5000, T + 1200, chain);
  assert.ok(within.known);
  assert.equal(within.bits, 0x1c0fffff);
  assert.match(within.why, /last block not mined at minimum difficulty \(height 4997\)/);
  // The walk stops at a period's first block, whatever its bits.
  const boundary = expectedBits(TESTNET3, 4034, T + 60, viewOf({ 4032: { time: T - 120, bits: 0x1d00ffff }, 4033: { time: T, bits: 0x1d00ffff } }));
  assert.ok(boundary.known && boundary.bits === 0x1d00ffff && /height 4032/.test(boundary.why));
  // A walk that reaches an unknown block cannot say.
  assert.equal(expectedBits(TESTNET3, 5000, T + 60, viewOf({ 4999: { time: T, bits: 0x1d00ffff } })).known, false);
  // Mainnet has no such rule: 20 minutes or a day, the parent's bits.
  assert.equal((expectedBits(MAINNET, 5000, T + 86400, chain) as { bits: number }).bits, 0x1d00ffff);
  assert.equal((expectedBits(MAINNET, 4998, T, chain) as { bits: number }).bits, 0x1c0fffff);
});

test('testnet4 (BIP 94): the retarget starts from the period’s first block, not a min-difficulty last block; and the timewarp bound', () => {
  const T = 1_720_000_000;
  // The last block of the period was mined under the 20-minute rule; the first one carries the real difficulty.
  const view = viewOf({ 2016: { time: T, bits: 0x1c0fffff }, 4031: { time: T + 14 * 86400, bits: 0x1d00ffff } });
  assert.equal((expectedBits(TESTNET4, 4032, T + 14 * 86400 + 600, view) as { bits: number }).bits, 0x1c0fffff);
  // testnet3 starts from the last block's powLimit bits, which is the block storm BIP 94 fixes.
  assert.equal((expectedBits(TESTNET3, 4032, T + 14 * 86400 + 600, view) as { bits: number }).bits, 0x1d00ffff);
  assert.equal(checkTimewarp(TESTNET4, 4032, T - 600, T), null);
  assert.match(checkTimewarp(TESTNET4, 4032, T - 601, T)!, /at most 10 minutes before its parent's .*BIP 94/);
  assert.equal(checkTimewarp(TESTNET4, 4033, T - 6000, T), null, 'only a period’s first block');
  assert.equal(checkTimewarp(TESTNET3, 4032, T - 6000, T), null, 'only testnet4');
});

test('regtest never retargets; signet’s challenge, Litecoin’s scrypt and unknown chains are said to be unchecked', () => {
  const view = viewOf({ 2015: { time: 1000, bits: 0x207fffff }, 0: { time: 0, bits: 0x207fffff } });
  assert.deepEqual(expectedBits(REGTEST, 2016, 1100, view), { known: true, bits: 0x207fffff, why: 'Bitcoin regtest does not retarget: every block carries its genesis block’s bits' });
  // It needs no ancestor to say so.
  assert.equal((expectedBits(REGTEST, 5000, 1100, viewOf({})) as { bits: number }).bits, 0x207fffff);
  assert.match(SIGNET.unchecked.join(' '), /signet challenge .* is not checked/);
  assert.match((checkProofOfWork({ hash: '0'.repeat(64), bits: 0x1e0377af }, SIGNET) as { problem: string }).problem, /less work than Bitcoin signet allows \(its easiest is 1e0377ae\)/);
  const ltc = checkProofOfWork({ hash: 'f'.repeat(64), bits: 0x1e0ffff0 }, LITECOIN);
  assert.equal(ltc.ok, null);
  assert.match((ltc as { why: string }).why, /scrypt/);
  assert.equal(expectedBits(LITECOIN, 5000, 0, viewOf({})).known, false);
  assert.match(headerRulesFor('bip122:00040fe8ec8471911baa1db1266ea15d').unchecked[0]!, /Equihash/);
  assert.match(headerRulesFor('bip122:ffff').unchecked[0]!, /no header rules/);
});

test('median-time-past with missing ancestors: a floor that never refuses a block the full median would accept', () => {
  assert.deepEqual(medianTimeFloor([5, 1, 4], true), { kind: 'exact', mtp: 4 });
  assert.deepEqual(medianTimeFloor([5, 1, 4, 2, 3], false), { kind: 'unknown', known: 5 });
  assert.deepEqual(medianTimeFloor([60, 50, 40, 30, 20, 10], false), { kind: 'at-least', atLeast: 10, known: 6 });
  assert.deepEqual(medianTimeFloor([100, 90, 80, 70, 60, 50, 40, 30, 20, 10], false), { kind: 'at-least', atLeast: 50, known: 10 });
  // For any 11 times, the floor from the most recent k of them is at most their median.
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 10_000;
  for (let round = 0; round < 2000; round++) {
    const times = Array.from({ length: 11 }, rand);
    const mtp = medianTimePast(times);
    for (let k = 6; k <= 10; k++) {
      const floor = medianTimeFloor(times.slice(0, k), false);
      assert.equal(floor.kind, 'at-least');
      assert.ok((floor as { atLeast: number }).atLeast <= mtp, `${times} k=${k}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The import refuses tampered headers

test('a changed nonce, bits, time, prev or version byte in a header is refused with the file and the block’s offset; nothing is committed', async () => {
  const cases: [string, number, RegExp][] = [
    ['nonce', 76, /proof of work fails/],
    ['time', 68, /proof of work fails/],
    ['version', 0, /proof of work fails/],
    // The previous-block hash: refused for its proof of work, at once. It no longer connects to block 99,
    // so its height is unknown and the message names none; it is not left in the store as an orphan.
    ['prev', 4, /proof of work fails/],
    // Changed bits fail both ways: the hash misses the new target, and the bits are not the rule's.
    ['bits', 72, /proof of work fails.*its bits 1d00fffe are not what the difficulty rules require, 1d00ffff/],
  ];
  for (const [field, at, problem] of cases) {
    const { path, blockOffset } = await tampered(`blk-${field}.dat`, 100, (b, o) => void (b[o + at] ^= 0x01));
    const message = await assertRefused([path], path, blockOffset, problem);
    const height = field === 'prev' ? '' : ' \\(height 100\\)';
    assert.match(message, new RegExp(`blk-${field}\\.dat, byte ${blockOffset}: block [0-9a-f]{64}${height}: `));
  }
});

test('block 170 a year later is refused: its header has no work behind it; so is a tip moved five years ahead, also for the future bound', async () => {
  const year = 365 * 86400;
  const { path, blockOffset } = await tampered('blk-170.dat', 170, (b, o) => b.writeUInt32LE(b.readUInt32LE(o + 68) + year, o + 68));
  await assertRefused([path], path, blockOffset, /block [0-9a-f]{64} \(height 170\): its hash is above the target its bits 1d00ffff set/);
  // Its successors would not be refused for it: one late outlier does not move a median of 11.
  const tip = await tampered('blk-tip.dat', 255, (b, o) => b.writeUInt32LE(Math.floor(Date.now() / 1000) + 5 * year, o + 68));
  await assertRefused([tip.path], tip.path, tip.blockOffset, /height 255\): its hash is above the target.*; its timestamp 20\d\d-.* is more than 2 hours after the time of this import/);
});

test('the real blocks are refused when the import claims to run before they were mined (the future bound on real headers)', async () => {
  const recs = await records();
  // Block 1 was mined 2009-01-09T02:54:25Z; an import dated that morning finds the next ones too far ahead.
  const now = new Date('2009-01-09T03:00:00Z');
  const first = recs.findIndex((r) => parseHeader(r.block.subarray(0, 80)).time > now.getTime() / 1000 + 7200);
  assert.ok(first > 0);
  await assertRefused([BLK], BLK, recs[first]!.blockOffset, new RegExp(`\\(height ${first + 1}\\): its timestamp .* is more than 2 hours after the time of this import \\(2009-01-09T03:00:00Z by this computer's clock\\)`), { now: () => now });
});

test('block 702861 alone: imported with its proof of work checked, and a note that its difficulty and median-time-past could not be', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [RAW_702861] });
  assert.ok(r.dataset);
  assert.equal(r.dataset.rowCounts.unvalidated_headers, undefined);
  const note = r.warnings.find((w) => /no known parent/.test(w));
  assert.ok(note, r.warnings.join('\n'));
  assert.match(note, /1 block has no known parent, so its difficulty \(bits\) and median-time-past could not be checked \(proof of work and the 2-hour future bound were\)/);
  assert.match(note, new RegExp(`block ${HASH_702861} \\(height 702,861\\) in .*mainnet-block-702861\\.raw, whose parent 0{19}9c3deb8b5e706d7be57a427f4f03f01c49d5219213b5f is neither in the store nor in the files`));
  db.close();
  // The check is real: a changed nonce is refused at the block's first byte.
  const dir = tempDir();
  const bytes = Buffer.from(readFileSync(RAW_702861));
  bytes[76] ^= 0x80;
  const bad = join(dir, 'bad-nonce.raw');
  writeFileSync(bad, bytes);
  await assertRefused([bad], bad, 0, /\(height 702,861\): its hash is above the target its bits 1[0-9a-f]{7} set: the proof of work fails/);
});

test('with unvalidated headers a tampered file imports, the failure is a note, and the dataset says so', async () => {
  const { path, blockOffset } = await tampered('blk-unvalidated.dat', 100, (b, o) => void (b[o + 76] ^= 0x01));
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [path] }, { unvalidatedHeaders: true });
  assert.ok(r.dataset);
  assert.equal(r.dataset.rowCounts.blocks, 255);
  assert.equal(r.dataset.rowCounts.unvalidated_headers, 255);
  assert.deepEqual(listDatasets(db)[0]!.rowCounts, { blocks: 255, unvalidated_headers: 255 });
  const note = r.warnings.find((w) => /not enforced/.test(w));
  assert.ok(note, r.warnings.join('\n'));
  assert.match(note, new RegExp(`header checks were not enforced \\(unvalidated headers\\): 1 of 255 block\\(s\\) would have been refused: .*blk-unvalidated\\.dat, byte ${blockOffset}: block [0-9a-f]{64} \\(height 100\\): its hash is above the target`));
  // The changed block 100 no longer links 101 onward to genesis: they are stored, without heights.
  assert.equal(count(db, 'SELECT count(*) FROM btc_block'), 255);
  assert.equal(count(db, 'SELECT max(height) FROM btc_block'), 100);
  db.close();

  // The same file without the opt-out is refused; a clean file with it passes and still says it was not enforced.
  await assertRefused([path], path, blockOffset, /proof of work fails/);
  const clean = openStore(':memory:');
  const ok = await importDataset(clean, { paths: [BLK] }, { unvalidatedHeaders: true });
  assert.ok(ok.warnings.some((w) => /not enforced \(unvalidated headers\): all 255 block\(s\) passed them/.test(w)), ok.warnings.join('\n'));
  clean.close();
});

test('cairn import --unvalidated-headers marks the dataset; without it the CLI refuses with the offset', { skip: !existsSync(join(REPO, 'dist/node/cli.cjs')) && 'run npm run build first' }, async () => {
  const { path, blockOffset } = await tampered('blk-cli.dat', 42, (b, o) => void (b[o + 76] ^= 0x04));
  const ws = tempDir();
  const refused = cairn(ws, 'import', path);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, new RegExp(`blk-cli\\.dat, byte ${blockOffset}: block [0-9a-f]{64} \\(height 42\\): its hash is above the target`));
  const r = cairn(ws, 'import', '--unvalidated-headers', path);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /UNVALIDATED HEADERS: 255 block\(s\) imported without enforcing proof of work, difficulty and time rules/);
  assert.match(r.out, /warning: header checks were not enforced \(unvalidated headers\): 1 of 255 block\(s\) would have been refused/);
});

// ---------------------------------------------------------------------------------------------
// Regtest blocks mined here (about two hashes each), for the rules a real header cannot be changed to break

const sha256d = (b: Buffer): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
const REGTEST_GENESIS = REGTEST.genesis!;

/** A coinbase-only regtest block at `height` (its BIP 34 height pushed), mined to meet `bits`. */
function regtestBlock(prevHash: string, height: number, time: number, bits = 0x207fffff): { block: Buffer; hash: string } {
  const push = Buffer.alloc(4);
  push.writeUInt32LE(height);
  const scriptSig = Buffer.concat([Buffer.from([3]), push.subarray(0, 3), Buffer.from('cairn test')]);
  const value = Buffer.alloc(8);
  value.writeBigUInt64LE(5_000_000_000n);
  const tx = Buffer.concat([
    Buffer.from('01000000', 'hex'),
    Buffer.from([1]),
    Buffer.alloc(32),
    Buffer.from('ffffffff', 'hex'),
    Buffer.from([scriptSig.length]),
    scriptSig,
    Buffer.from('ffffffff', 'hex'),
    Buffer.from([1]),
    value,
    Buffer.from([1, 0x51]),
    Buffer.alloc(4),
  ]);
  const header = Buffer.alloc(80);
  header.writeUInt32LE(0x20000000, 0);
  Buffer.from(prevHash, 'hex').reverse().copy(header, 4);
  sha256d(tx).copy(header, 36);
  header.writeUInt32LE(time, 68);
  header.writeUInt32LE(bits, 72);
  const target = bitsToTarget(bits);
  for (let nonce = 0; ; nonce++) {
    header.writeUInt32LE(nonce, 76);
    const hash = Buffer.from(sha256d(header)).reverse().toString('hex');
    if (BigInt(`0x${hash}`) <= target) return { block: Buffer.concat([header, Buffer.from([1]), tx]), hash };
  }
}

/** blk records (regtest magic) of these blocks, in this order. */
function regtestBlk(blocks: Buffer[]): Buffer {
  return Buffer.concat(
    blocks.flatMap((b) => {
      const head = Buffer.alloc(8);
      Buffer.from('fabfb5da', 'hex').copy(head);
      head.writeUInt32LE(b.length, 4);
      return [head, b];
    }),
  );
}

/** A regtest chain from genesis, blocks 600 s apart: each block, its hash and time. */
function regtestChain(n: number): { block: Buffer; hash: string; time: number }[] {
  const out: { block: Buffer; hash: string; time: number }[] = [];
  let prev = REGTEST_GENESIS.hash;
  for (let h = 1; h <= n; h++) {
    const time = REGTEST_GENESIS.time + h * 600;
    const b = regtestBlock(prev, h, time);
    out.push({ ...b, time });
    prev = b.hash;
  }
  return out;
}

/** Offset of the n-th block (0-based) in regtestBlk(blocks). */
const blockOffsetIn = (blocks: Buffer[], n: number): number => blocks.slice(0, n).reduce((o, b) => o + 8 + b.length, 0) + 8;

test('regtest: a block at or before the median of its previous 11 is refused, also when its parent comes later in the file', async () => {
  const chain = regtestChain(12);
  const mtp = medianTimePast(chain.slice(1, 12).map((c) => c.time)); // blocks 2-12
  const late = regtestBlock(chain[11]!.hash, 13, mtp);
  const dir = tempDir();
  const inOrder = [...chain.map((c) => c.block), late.block];
  const file = join(dir, 'blk00000.dat');
  writeFileSync(file, regtestBlk(inOrder));
  await assertRefused([file], file, blockOffsetIn(inOrder, 12), new RegExp(`block ${late.hash} \\(height 13\\): its timestamp ${isoTime(mtp)} is not after the median of the previous 11 blocks' timestamps \\(${isoTime(mtp)}\\)`));
  // One second later it is accepted, and the chain imports whole.
  const fine = regtestBlock(chain[11]!.hash, 13, mtp + 1);
  const good = join(dir, 'good.blk');
  writeFileSync(good, regtestBlk([...chain.map((c) => c.block), fine.block]));
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [good] });
  assert.equal(count(db, 'SELECT max(height) FROM btc_block'), 13);
  assert.ok(!r.warnings.some((w) => /could not be checked|fewer than 11/.test(w)), r.warnings.join('\n'));
  db.close();
  // Out of order (the late block before its parent, block 12): refused when its parent arrives, still at its own offset.
  const swapped = [...chain.slice(0, 11).map((c) => c.block), late.block, chain[11]!.block];
  const out = join(dir, 'swapped.blk');
  writeFileSync(out, regtestBlk(swapped));
  await assertRefused([out], out, blockOffsetIn(swapped, 11), /\(height 13\): its timestamp .* is not after the median/);
});

test('regtest: bits other than the rule’s, a timestamp beyond the future bound and a second genesis are refused', async () => {
  const chain = regtestChain(3);
  const dir = tempDir();
  const hard = regtestBlock(chain[2]!.hash, 4, chain[2]!.time + 600, 0x200fffff);
  const blocks = [...chain.map((c) => c.block), hard.block];
  const f1 = join(dir, 'bits.blk');
  writeFileSync(f1, regtestBlk(blocks));
  await assertRefused([f1], f1, blockOffsetIn(blocks, 3), /\(height 4\): its bits 200fffff are not what the difficulty rules require, 207fffff/);

  const now = new Date((chain[2]!.time + 3600) * 1000);
  const ahead = regtestBlock(chain[2]!.hash, 4, chain[2]!.time + 3600 + 7201);
  const f2 = join(dir, 'future.blk');
  const withAhead = [...chain.map((c) => c.block), ahead.block];
  writeFileSync(f2, regtestBlk(withAhead));
  await assertRefused([f2], f2, blockOffsetIn(withAhead, 3), /\(height 4\): its timestamp .* is more than 2 hours after the time of this import/, { now: () => now });
  // 2 hours exactly is allowed.
  const edge = regtestBlock(chain[2]!.hash, 4, chain[2]!.time + 3600 + 7200);
  const f3 = join(dir, 'edge.blk');
  writeFileSync(f3, regtestBlk([...chain.map((c) => c.block), edge.block]));
  const db = openStore(':memory:');
  await importDataset(db, { paths: [f3] }, { now: () => now });
  assert.equal(count(db, 'SELECT count(*) FROM btc_block'), 4);
  db.close();

  const fake = regtestBlock('0'.repeat(64), 0, chain[0]!.time);
  const f4 = join(dir, 'genesis.blk');
  writeFileSync(f4, regtestBlk([fake.block]));
  await assertRefused([f4], f4, 8, /it has no parent \(an all-zero previous hash\), as only the genesis block of Bitcoin regtest/);
});

test('a segment whose ancestors are missing is checked as far as they allow, and the notes say what was not', async () => {
  const chain = regtestChain(20);
  const dir = tempDir();
  const late = join(dir, 'late.blk');
  writeFileSync(late, regtestBlk(chain.slice(10).map((c) => c.block)));
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [late] });
  assert.ok(r.warnings.some((w) => /^1 block has no known parent.*height 11\)/.test(w)), r.warnings.join('\n'));
  // Blocks 12-20 know 1 to 9 ancestors: 12-16 too few for a median, 17-20 checked against its floor.
  assert.ok(r.warnings.some((w) => w === 'median-time-past: 9 block(s) have fewer than 11 known ancestors; 4 were checked against the lowest median those allow, 5 (fewer than 6 known) not at all'), r.warnings.join('\n'));
  // Their heights are known (BIP 34), so regtest's bits are checked: no note about them.
  assert.ok(!r.warnings.some((w) => /difficulty \(bits\) of/.test(w)), r.warnings.join('\n'));
  // When the ancestors arrive later, they connect and are checked in full.
  const early = join(dir, 'early.blk');
  writeFileSync(early, regtestBlk(chain.slice(0, 10).map((c) => c.block)));
  const r2 = await importDataset(db, { paths: [early] });
  assert.ok(!r2.warnings.some((w) => /no known parent|fewer than 11/.test(w)), r2.warnings.join('\n'));
  assert.equal(count(db, 'SELECT max(height) FROM btc_block'), 20);
  db.close();
});

// ---------------------------------------------------------------------------------------------
// blk resync

for (const [mode, worker] of [['in-process', undefined], ['on the parse thread', WORKER]] as const) {
  test(`a flipped bit in block 40's record size (${mode}): the reader resyncs at the next record and every block is imported`, { skip: worker !== undefined && !existsSync(worker) && 'run npm run build first' }, async () => {
    useBlockParseWorker(worker);
    const recs = await records();
    const rec = recs[39]!;
    const size = PLAIN.readUInt32LE(rec.offset + 4);
    // Bit 20 (the size runs past the end of the file, as in the report: before, 39 blocks and "truncated last
    // record"), bit 3 (a wrong size inside the file: before, the import failed) and bit 30 (no block is that large).
    for (const bit of [20, 3, 30]) {
      const bytes = Buffer.from(PLAIN);
      bytes.writeUInt32LE((size ^ (1 << bit)) >>> 0, rec.offset + 4);
      const file = join(tempDir(), 'blk00000.dat');
      writeFileSync(file, bytes);
      const db = openStore(':memory:');
      const r = await importDataset(db, { paths: [file] });
      // 255, not 254: the bytes up to the next record are block 40 itself, and they parse, with its merkle
      // root and proof of work intact, so only the size field was damaged and nothing is lost.
      assert.equal(r.dataset!.rowCounts.blocks, 255, `bit ${bit}`);
      assert.equal(count(db, 'SELECT count(*) FROM btc_block WHERE height IS NOT NULL'), 255);
      assert.equal(count(db, 'SELECT count(*) FROM tx'), 262);
      const note = r.warnings.find((w) => w.includes(`the record at byte ${rec.offset}`));
      assert.ok(note, `bit ${bit}: ${r.warnings.join('\n')}`);
      assert.match(note, new RegExp(`its block is the ${size} bytes up to the next record, at byte ${recs[40]!.offset}, and was read from there`));
      db.close();
    }
  });

  test(`a record whose block is damaged beyond its size (${mode}) is skipped with its byte range; the blocks after it are kept`, { skip: worker !== undefined && !existsSync(worker) && 'run npm run build first' }, async () => {
    useBlockParseWorker(worker);
    const recs = await records();
    const rec = recs[39]!;
    // Block 40 loses 10 bytes from its middle: neither its declared size nor the bytes up to the next record parse.
    const cut = rec.blockOffset + 120;
    const bytes = Buffer.concat([PLAIN.subarray(0, cut), PLAIN.subarray(cut + 10)]);
    const file = join(tempDir(), 'blk00000.dat');
    writeFileSync(file, bytes);
    const db = openStore(':memory:');
    const r = await importDataset(db, { paths: [file] });
    assert.equal(r.dataset!.rowCounts.blocks, 254);
    const next = recs[40]!.offset - 10;
    const note = r.warnings.find((w) => w.includes('skipped bytes'));
    assert.ok(note, r.warnings.join('\n'));
    assert.match(note, new RegExp(`blk00000\\.dat: skipped bytes ${rec.offset}–${next - 1} \\(${next - rec.offset} bytes\\): the record at byte ${rec.offset} declares ${PLAIN.readUInt32LE(rec.offset + 4)} bytes, and they do not parse as a block \\(.*\\); reading resumed at the next record, byte ${next}`));
    // Blocks 1-39 are on the chain; 41-255 are kept, without heights, and the header notes say why they were not fully checked.
    assert.equal(count(db, 'SELECT max(height) FROM btc_block'), 39);
    assert.equal(count(db, 'SELECT count(*) FROM btc_block'), 254);
    assert.ok(r.warnings.some((w) => /^1 block has no known parent/.test(w)), r.warnings.join('\n'));
    db.close();
  });
}

test('a block whose bytes parse but whose merkle root does not match is still refused, not skipped', async () => {
  useBlockParseWorker(undefined);
  const recs = await records();
  // A byte of block 170's payment (a value), not of its framing.
  const { path } = await tampered('blk-merkle.dat', 170, (b, o) => void (b[o + recs[169]!.block.length - 30] ^= 0x01));
  await assertRefused([path], path, recs[169]!.blockOffset, /merkle root mismatch in block/);
});

// ---------------------------------------------------------------------------------------------
// Hex raw blocks

test('a hex raw block is recognised by its content without --format, from a bounded prefix, and imports like the binary block', async () => {
  const hex = readFileSync(RAW_702861).toString('hex');
  const dir = tempDir();
  for (const [name, text] of [['702861.hex', `${hex}\n`], ['saved-getblock-output', `${hex.replace(/(.{2000})/g, '$1\n')}\r\n`], ['upper.txt', `0x${hex.toUpperCase()}`]] as const) {
    const path = join(dir, name);
    writeFileSync(path, text);
    assert.equal(isBitcoinBlockInput([path]), true, name);
    const db = openStore(':memory:');
    const r = await importDataset(db, { paths: [path] });
    assert.equal(r.dataset!.format, 'bitcoin-blocks');
    assert.deepEqual([r.dataset!.added.transactions, r.dataset!.added.outputs], [2500, 6015], name);
    assert.equal(db.prepare('SELECT hash FROM btc_block').pluck().get(), HASH_702861);
    db.close();
  }
  // Detection reads only the prefix: the first HEX_DETECT_BYTES decide.
  assert.equal(looksLikeHexBlock(Buffer.from(hex.slice(0, HEX_DETECT_BYTES))), true);
  assert.equal(looksLikeHexBlock(Buffer.from(hex.slice(0, 200))), false, 'too short to see the coinbase');
  // Hex that is not a block, a CSV and binary are not hex blocks.
  assert.equal(looksLikeHexBlock(Buffer.from('ab'.repeat(2000))), false);
  assert.equal(looksLikeHexBlock(Buffer.from(`hash,nonce,block_hash\n${'0'.repeat(500)}`)), false);
  assert.equal(looksLikeHexBlock(readFileSync(RAW_702861).subarray(0, HEX_DETECT_BYTES)), false);
  const notBlock = join(dir, 'notblock.hex');
  writeFileSync(notBlock, 'ab'.repeat(2000));
  assert.equal(isBitcoinBlockInput([notBlock]), false);
});

test('invalid hex in a hex block is reported as invalid hex at its offset', async () => {
  const hex = readFileSync(RAW_702861).toString('hex');
  const dir = tempDir();
  const at = 5000;
  const path = join(dir, 'broken.hex');
  writeFileSync(path, `${hex.slice(0, at)}zz${hex.slice(at)}\n`);
  const db = openStore(':memory:');
  await assert.rejects(importDataset(db, { paths: [path] }), (e: unknown) => {
    assert.ok(e instanceof BadInputError, String(e));
    assert.equal(e.where.offset, at);
    assert.match(e.message, new RegExp(`broken\\.hex, byte ${at}: invalid hex: "z" \\(0x7a\\) after ${at} hex digits`));
    return true;
  });
  const odd = join(dir, 'odd.hex');
  writeFileSync(odd, `${hex}a\n`);
  await assert.rejects(importDataset(db, { paths: [odd] }), /odd\.hex, byte \d+: hex text has an odd number of digits/);
  assert.equal(count(db, 'SELECT count(*) FROM dataset'), 0);
  db.close();
});
