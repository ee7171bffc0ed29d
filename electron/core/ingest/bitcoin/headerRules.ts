/**
 * The consensus rules of a Bitcoin block header, as Bitcoin Core applies them (pow.cpp,
 * arith_uint256.cpp, validation.cpp's CheckBlockHeader and ContextualCheckBlockHeader): proof of
 * work against the compact target, the difficulty each network requires (the retarget every
 * 2016 blocks with Core's off-by-one, testnet's 20-minute min-difficulty rule and its walk-back,
 * BIP 94 on testnet4, no retarget on regtest), median-time-past, the 2-hour future bound and the
 * BIP 34/66/65 version floors.
 *
 * Pure functions: the caller gives the ancestors it knows (ChainView) and the time of the import.
 * A block hash is evidence only if the work behind it is real; these rules are what makes a
 * changed header byte (nonce, prev, version, bits, time) a refused block instead of a quiet fork.
 *
 * Not checked, and said so in the rules' `unchecked` notes: signet's block signature (the
 * challenge), Litecoin's scrypt proof of work and its retarget, and every rule of chains whose
 * header Cairn does not read (Bitcoin Cash's DAA, Zcash's Equihash).
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Blocks per difficulty period (DifficultyAdjustmentInterval on every Bitcoin network). */
export const DIFFICULTY_INTERVAL = 2016;
/** MAX_FUTURE_BLOCK_TIME: a block more than 2 hours ahead of the clock is refused. */
export const MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
/** A block's time must be above the median of this many previous blocks' times. */
export const MEDIAN_TIME_SPAN = 11;
/** BIP 94: the first block of a period may be at most this much earlier than its parent. */
export const MAX_TIMEWARP = 600;
const ZERO_HASH = '0'.repeat(64);
const MASK256 = (1n << 256n) - 1n;

// ----------------------------------------------------------------------------------------------
// Compact targets ("bits")

export interface CompactTarget {
  /** The 256-bit target the bits encode (garbage when `overflow`). */
  readonly target: bigint;
  /** The sign bit is set on a non-zero mantissa: no valid block has it. */
  readonly negative: boolean;
  /** The encoding does not fit in 256 bits. */
  readonly overflow: boolean;
}

/** arith_uint256::SetCompact: the target, and whether the encoding is negative or overflows. */
export function decodeCompact(bits: number): CompactTarget {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = (BigInt(word) << BigInt(8 * (size - 3))) & MASK256;
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

/**
 * The target of compact bits. Refuses (RangeError) a negative or overflowing encoding, which no
 * valid header carries: reading one as a number would give a meaningless target.
 */
export function bitsToTarget(bits: number): bigint {
  const c = decodeCompact(bits);
  if (c.negative) throw new RangeError(`bits ${hex8(bits)} encode a negative target`);
  if (c.overflow) throw new RangeError(`bits ${hex8(bits)} encode a target above 2^256`);
  return c.target;
}

/** arith_uint256::GetCompact: the compact bits of a (non-negative) target. */
export function targetToBits(target: bigint): number {
  if (target < 0n || target > MASK256) throw new RangeError(`target out of range: ${target}`);
  let size = (bitLength(target) + 7) >> 3;
  let compact = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // The 0x00800000 bit is the sign: a mantissa that would set it moves up one byte.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((size << 24) | compact) >>> 0;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Bits as Bitcoin Core prints them: 8 hex digits, e.g. 1d00ffff. */
export function hex8(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

// ----------------------------------------------------------------------------------------------
// The header

export interface BlockHeader {
  /** Display hex (byte-reversed) SHA256d of the 80 bytes. */
  readonly hash: string;
  readonly version: number;
  readonly prevHash: string;
  readonly merkleRoot: string;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
}

const reversedHex = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');

/** Display hex of a header's hash: SHA256d of its 80 bytes, byte-reversed. */
export function headerHash(header80: Uint8Array): string {
  if (header80.length !== 80) throw new RangeError(`a block header is 80 bytes, got ${header80.length}`);
  return reversedHex(sha256(sha256(header80)));
}

/** The fields of an 80-byte header, all little-endian; the hash computed from the bytes. */
export function parseHeader(header80: Uint8Array): BlockHeader {
  const b = Buffer.from(header80.buffer, header80.byteOffset, header80.byteLength);
  return {
    hash: headerHash(header80),
    version: b.readInt32LE(0),
    prevHash: reversedHex(b.subarray(4, 36)),
    merkleRoot: reversedHex(b.subarray(36, 68)),
    time: b.readUInt32LE(68),
    bits: b.readUInt32LE(72),
    nonce: b.readUInt32LE(76),
  };
}

// ----------------------------------------------------------------------------------------------
// Network rules

export interface DifficultyRules {
  /** nPowTargetTimespan: two weeks. */
  readonly targetTimespan: number;
  /** nPowTargetSpacing: ten minutes. */
  readonly targetSpacing: number;
  /** fPowAllowMinDifficultyBlocks: testnet's 20-minute rule. */
  readonly allowMinDifficulty: boolean;
  /** fPowNoRetargeting: regtest keeps its bits. */
  readonly noRetargeting: boolean;
  /** BIP 94 (testnet4): the retarget starts from the period's first block, and the timewarp bound. */
  readonly bip94: boolean;
}

export interface HeaderRules {
  readonly chain: string;
  readonly name: string;
  /** powLimit: the easiest target the network allows; null when Cairn cannot check the work. */
  readonly powLimit: bigint | null;
  /** The difficulty rule, or null when Cairn does not check it. */
  readonly difficulty: DifficultyRules | null;
  /** Heights from which BIP 34, 66 and 65 require version 2, 3 and 4; null when not checked. */
  readonly versionHeights: { readonly bip34: number; readonly bip66: number; readonly bip65: number } | null;
  /** The genesis header's hash, time and bits: the ancestor every chain starts from. */
  readonly genesis: { readonly hash: string; readonly time: number; readonly bits: number } | null;
  /** What Cairn does not check of this chain's headers, in words for the dataset notes. */
  readonly unchecked: readonly string[];
}

const BITCOIN_POW_LIMIT = (1n << 224n) - 1n; // 00000000ffff…ff
const TWO_WEEKS = 14 * 24 * 60 * 60;
const BITCOIN_DIFFICULTY: DifficultyRules = { targetTimespan: TWO_WEEKS, targetSpacing: 600, allowMinDifficulty: false, noRetargeting: false, bip94: false };

/** The rules of each chain Cairn knows, by CAIP-2 id (bip122: the first 32 hex digits of the genesis hash). */
export const HEADER_RULES: Readonly<Record<string, HeaderRules>> = {
  'bip122:000000000019d6689c085ae165831e93': {
    chain: 'bip122:000000000019d6689c085ae165831e93',
    name: 'Bitcoin',
    powLimit: BITCOIN_POW_LIMIT,
    difficulty: BITCOIN_DIFFICULTY,
    versionHeights: { bip34: 227_931, bip66: 363_725, bip65: 388_381 },
    genesis: { hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f', time: 1231006505, bits: 0x1d00ffff },
    unchecked: [],
  },
  'bip122:000000000933ea01ad0ee984209779ba': {
    chain: 'bip122:000000000933ea01ad0ee984209779ba',
    name: 'Bitcoin testnet3',
    powLimit: BITCOIN_POW_LIMIT,
    difficulty: { ...BITCOIN_DIFFICULTY, allowMinDifficulty: true },
    versionHeights: { bip34: 21_111, bip66: 330_776, bip65: 581_885 },
    genesis: { hash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943', time: 1296688602, bits: 0x1d00ffff },
    unchecked: [],
  },
  'bip122:00000000da84f2bafbbc53dee25a72ae': {
    chain: 'bip122:00000000da84f2bafbbc53dee25a72ae',
    name: 'Bitcoin testnet4',
    powLimit: BITCOIN_POW_LIMIT,
    difficulty: { ...BITCOIN_DIFFICULTY, allowMinDifficulty: true, bip94: true },
    versionHeights: { bip34: 1, bip66: 1, bip65: 1 },
    genesis: { hash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043', time: 1714777860, bits: 0x1d00ffff },
    unchecked: [],
  },
  'bip122:00000008819873e925422c1ff0f99f7c': {
    chain: 'bip122:00000008819873e925422c1ff0f99f7c',
    name: 'Bitcoin signet',
    powLimit: 0x377aen << 216n, // 00000377ae00…00
    difficulty: BITCOIN_DIFFICULTY,
    versionHeights: { bip34: 1, bip66: 1, bip65: 1 },
    genesis: { hash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6', time: 1598918400, bits: 0x1e0377ae },
    unchecked: ['the signet challenge (the block signature in the coinbase) is not checked, so a block needs only proof of work at signet difficulty, which a CPU finds'],
  },
  'bip122:0f9188f13cb7b2c71f2a335e3a4fc328': {
    chain: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328',
    name: 'Bitcoin regtest',
    powLimit: (1n << 255n) - 1n, // 7fff…ff: about every second hash meets it
    difficulty: { ...BITCOIN_DIFFICULTY, allowMinDifficulty: true, noRetargeting: true },
    // Regtest's activation heights are settable (-testactivationheight) and changed across Core versions.
    versionHeights: null,
    genesis: { hash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206', time: 1296688602, bits: 0x207fffff },
    unchecked: ['regtest blocks need almost no work (about one hash in two meets its target), so their proof of work proves little'],
  },
  'bip122:12a765e31ffd4059bada1e25190f6e98': {
    chain: 'bip122:12a765e31ffd4059bada1e25190f6e98',
    name: 'Litecoin',
    powLimit: null,
    difficulty: null,
    versionHeights: null,
    genesis: { hash: '12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2', time: 1317972665, bits: 0x1e0ffff0 },
    unchecked: ["Litecoin's proof of work (scrypt) and its difficulty retargets are not checked by Cairn; only median-time-past and the 2-hour future bound are"],
  },
  'bip122:000000000000000000651ef99cb9fcbe': {
    chain: 'bip122:000000000000000000651ef99cb9fcbe',
    name: 'Bitcoin Cash',
    powLimit: BITCOIN_POW_LIMIT,
    difficulty: null,
    versionHeights: null,
    genesis: null,
    unchecked: ["Bitcoin Cash's difficulty rule (its DAA and ASERT) is not checked by Cairn; only proof of work, median-time-past and the future bound are"],
  },
  'bip122:00040fe8ec8471911baa1db1266ea15d': {
    chain: 'bip122:00040fe8ec8471911baa1db1266ea15d',
    name: 'Zcash',
    powLimit: null,
    difficulty: null,
    versionHeights: null,
    genesis: null,
    unchecked: ["Zcash headers (Equihash proof of work, its own difficulty rule) are not checked by Cairn"],
  },
};

/** The header rules of a chain; a chain Cairn does not know gets none of its work checked, and says so. */
export function headerRulesFor(caip2: string): HeaderRules {
  return (
    HEADER_RULES[caip2] ?? {
      chain: caip2,
      name: caip2,
      powLimit: null,
      difficulty: null,
      versionHeights: null,
      genesis: null,
      unchecked: [`Cairn knows no header rules for ${caip2}: proof of work and difficulty are not checked`],
    }
  );
}

// ----------------------------------------------------------------------------------------------
// Proof of work

export type PowCheck = { readonly ok: true; readonly target: bigint } | { readonly ok: false; readonly problem: string } | { readonly ok: null; readonly why: string };

/**
 * CheckProofOfWork: the bits must encode a positive target no easier than the network's
 * powLimit, and the hash, read as a 256-bit number, must not be above it. ok: null when the
 * chain's proof of work is not one Cairn can check (scrypt, Equihash).
 */
export function checkProofOfWork(header: { readonly hash: string; readonly bits: number }, rules: HeaderRules): PowCheck {
  if (rules.powLimit === null) return { ok: null, why: rules.unchecked[0] ?? `the proof of work of ${rules.name} is not checked` };
  const c = decodeCompact(header.bits);
  if (c.negative) return { ok: false, problem: `its bits ${hex8(header.bits)} encode a negative target` };
  if (c.overflow) return { ok: false, problem: `its bits ${hex8(header.bits)} encode a target too large for 256 bits` };
  if (c.target === 0n) return { ok: false, problem: `its bits ${hex8(header.bits)} encode a target of zero` };
  if (c.target > rules.powLimit) {
    return { ok: false, problem: `its bits ${hex8(header.bits)} ask for less work than ${rules.name} allows (its easiest is ${hex8(targetToBits(rules.powLimit))})` };
  }
  if (!/^[0-9a-f]{64}$/.test(header.hash)) return { ok: false, problem: `its hash "${header.hash.slice(0, 70)}" is not 64 hex digits` };
  if (BigInt(`0x${header.hash}`) > c.target) {
    return { ok: false, problem: `its hash is above the target its bits ${hex8(header.bits)} set: the proof of work fails (a header byte was changed, or the block was never mined)` };
  }
  return { ok: true, target: c.target };
}

// ----------------------------------------------------------------------------------------------
// Difficulty

/** What the caller knows of the new block's ancestors. */
export interface ChainView {
  /** Time and bits of the new block's ancestor at this height (below the new block's), or undefined when not known. */
  header(height: number): { readonly time: number; readonly bits: number } | undefined;
  /**
   * Optional shortcut for testnet's walk-back (see lastNonMinDifficulty): the caller may memoize
   * it per block. undefined when the walk reaches a block that is not known.
   */
  lastNonMinDifficulty?(): { readonly bits: number; readonly height: number } | undefined;
}

export type ExpectedBits = { readonly known: true; readonly bits: number; readonly why: string } | { readonly known: false; readonly why: string };

/**
 * CalculateNextWorkRequired: the bits of the first block of a new period, from the bits it
 * starts from (the last block's; the period's first block's under BIP 94) and the time the
 * period took, clamped to a quarter and four times two weeks; never easier than powLimit.
 */
export function calculateNextWorkRequired(baseBits: number, actualTimespan: number, rules: HeaderRules): number {
  const d = rules.difficulty;
  if (!d || rules.powLimit === null) throw new Error(`calculateNextWorkRequired: ${rules.name} has no difficulty rule Cairn checks`);
  if (d.noRetargeting) return baseBits;
  const span = Math.min(Math.max(actualTimespan, d.targetTimespan / 4), d.targetTimespan * 4);
  let target = ((decodeCompact(baseBits).target * BigInt(span)) & MASK256) / BigInt(d.targetTimespan);
  if (target > rules.powLimit) target = rules.powLimit;
  return targetToBits(target);
}

/**
 * Testnet's walk-back: the bits of the last block, from the new block's parent down, that is a
 * period's first block, genesis, or not at powLimit (mined without the 20-minute rule).
 * undefined when the walk reaches a block the chain view does not know.
 */
export function lastNonMinDifficulty(rules: HeaderRules, parentHeight: number, chain: ChainView): { bits: number; height: number } | undefined {
  const limitBits = targetToBits(rules.powLimit ?? 0n);
  for (let h = parentHeight; h >= 0; h--) {
    const hdr = chain.header(h);
    if (!hdr) return undefined;
    if (h === 0 || h % DIFFICULTY_INTERVAL === 0 || hdr.bits !== limitBits) return { bits: hdr.bits, height: h };
  }
  return undefined;
}

/**
 * GetNextWorkRequired: the bits a block at `height` with timestamp `time` must carry, given its
 * ancestors. Unknown (with the reason) when an ancestor the rule needs is not known, or the
 * chain's difficulty rule is not one Cairn checks.
 *
 * - Inside a period the bits are the parent's. On testnet (3 and 4) and regtest a block more
 *   than 20 minutes after its parent may use powLimit; otherwise it carries the bits of the last
 *   block not mined that way.
 * - A period's first block retargets over the time from the block at height − 2016 to its parent:
 *   2015 intervals, Bitcoin Core's off-by-one, kept because it is consensus.
 */
export function expectedBits(rules: HeaderRules, height: number, time: number, chain: ChainView): ExpectedBits {
  const d = rules.difficulty;
  if (!d || rules.powLimit === null) return { known: false, why: rules.unchecked[0] ?? `the difficulty rule of ${rules.name} is not checked` };
  if (height <= 0) return { known: false, why: 'a genesis block has no difficulty rule' };
  // No retargeting (regtest): every block carries its genesis block's bits. A boundary keeps the
  // parent's bits, and the 20-minute rule gives powLimit or an earlier block's bits, all of which
  // are the genesis bits by induction; so no ancestor is needed.
  if (d.noRetargeting && rules.genesis) return { known: true, bits: rules.genesis.bits, why: `${rules.name} does not retarget: every block carries its genesis block’s bits` };
  const parent = chain.header(height - 1);
  if (!parent) return { known: false, why: `its parent (height ${height - 1}) is not known` };
  const limitBits = targetToBits(rules.powLimit);

  if (height % DIFFICULTY_INTERVAL !== 0) {
    if (!d.allowMinDifficulty) return { known: true, bits: parent.bits, why: 'inside a difficulty period, a block carries its parent’s bits' };
    if (time > parent.time + d.targetSpacing * 2) {
      return { known: true, bits: limitBits, why: `more than ${(d.targetSpacing * 2) / 60} minutes after its parent, the minimum difficulty applies` };
    }
    const last = chain.lastNonMinDifficulty ? chain.lastNonMinDifficulty() : lastNonMinDifficulty(rules, height - 1, chain);
    if (!last) return { known: false, why: 'the walk back to the last block not mined at minimum difficulty reaches a block that is not known' };
    return { known: true, bits: last.bits, why: `within 20 minutes of its parent, it carries the bits of the last block not mined at minimum difficulty (height ${last.height})` };
  }

  if (d.noRetargeting) return { known: true, bits: parent.bits, why: `${rules.name} does not retarget: a block carries its parent’s bits` };
  const firstHeight = height - DIFFICULTY_INTERVAL;
  const first = chain.header(firstHeight);
  if (!first) return { known: false, why: `the retarget at height ${height} needs the block at height ${firstHeight}, which is not known` };
  const base = d.bip94 ? first.bits : parent.bits;
  const bits = calculateNextWorkRequired(base, parent.time - first.time, rules);
  return {
    known: true,
    bits,
    why: `the retarget at height ${height}: ${parent.time - first.time} s from block ${firstHeight} to block ${height - 1} against two weeks, from ${d.bip94 ? `block ${firstHeight}'s` : 'its parent’s'} bits ${hex8(base)}`,
  };
}

// ----------------------------------------------------------------------------------------------
// Time

/** GetMedianTimePast over the given times (at most 11): the middle one once sorted. */
export function medianTimePast(times: readonly number[]): number {
  if (times.length === 0) throw new RangeError('medianTimePast needs at least one time');
  const sorted = times.slice(0, MEDIAN_TIME_SPAN).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export type TimeFloor =
  /** The median-time-past itself: 11 ancestors known, or all of them back to genesis. */
  | { readonly kind: 'exact'; readonly mtp: number }
  /** Only some of the 11 are known: the median is at least this much. */
  | { readonly kind: 'at-least'; readonly atLeast: number; readonly known: number }
  /** Too few known to say anything. */
  | { readonly kind: 'unknown'; readonly known: number };

/**
 * What the known ancestors' times (parent first) say of the median-time-past. With k of the 11
 * known and m = 11 − k unknown, at most m unknown times can lie below the median, so the median
 * is at least the (k − 6)-th smallest known time (0-based): a block at or below that is late
 * whatever the unknown times are. Fewer than 6 known say nothing. `complete`: the times reach
 * genesis, so there are no more to know (Core takes the median of what exists).
 */
export function medianTimeFloor(times: readonly number[], complete: boolean): TimeFloor {
  if (times.length >= MEDIAN_TIME_SPAN || (complete && times.length > 0)) return { kind: 'exact', mtp: medianTimePast(times) };
  if (times.length < 6) return { kind: 'unknown', known: times.length };
  const sorted = [...times].sort((a, b) => a - b);
  return { kind: 'at-least', atLeast: sorted[times.length - 6]!, known: times.length };
}

/** The problem with a block time at or below the median-time-past (or its known floor), or null. */
export function checkMedianTimePast(time: number, floor: TimeFloor): string | null {
  if (floor.kind === 'exact' && time <= floor.mtp) {
    return `its timestamp ${isoTime(time)} is not after the median of the previous ${MEDIAN_TIME_SPAN} blocks' timestamps (${isoTime(floor.mtp)})`;
  }
  if (floor.kind === 'at-least' && time <= floor.atLeast) {
    return `its timestamp ${isoTime(time)} is not after the median of the previous ${MEDIAN_TIME_SPAN} blocks' timestamps, which is at least ${isoTime(floor.atLeast)} (from the ${floor.known} of them known)`;
  }
  return null;
}

/** The problem with a block time more than 2 hours after `nowMs` (the time of the import), or null. */
export function checkFutureTime(time: number, nowMs: number = Date.now()): string | null {
  const now = Math.floor(nowMs / 1000);
  if (time > now + MAX_FUTURE_BLOCK_TIME) {
    return `its timestamp ${isoTime(time)} is more than 2 hours after the time of this import (${isoTime(now)} by this computer's clock)`;
  }
  return null;
}

/** BIP 94: the problem with a period's first block more than 10 minutes earlier than its parent, or null. */
export function checkTimewarp(rules: HeaderRules, height: number, time: number, parentTime: number): string | null {
  if (!rules.difficulty?.bip94 || height % DIFFICULTY_INTERVAL !== 0) return null;
  if (time < parentTime - MAX_TIMEWARP) {
    return `as the first block of a difficulty period its timestamp ${isoTime(time)} may be at most 10 minutes before its parent's (${isoTime(parentTime)}) (BIP 94)`;
  }
  return null;
}

/** BIP 34, 66 and 65: the problem with a version below what the height requires, or null. */
export function checkVersion(rules: HeaderRules, height: number, version: number): string | null {
  const v = rules.versionHeights;
  if (!v) return null;
  const need = height >= v.bip65 ? { min: 4, bip: 65, from: v.bip65 } : height >= v.bip66 ? { min: 3, bip: 66, from: v.bip66 } : height >= v.bip34 ? { min: 2, bip: 34, from: v.bip34 } : null;
  if (!need || version >= need.min) return null;
  return `its version ${version} is below ${need.min}, which BIP ${need.bip} requires from height ${need.from.toLocaleString('en')}`;
}

/** A block time for people: ISO 8601 in UTC, to the second. */
export function isoTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** Whether a prev hash is the all-zero one of a genesis block. */
export const isGenesisPrev = (prevHash: string): boolean => prevHash === ZERO_HASH;
