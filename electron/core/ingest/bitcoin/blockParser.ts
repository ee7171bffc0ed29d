/**
 * Exact parser for one serialized Bitcoin block (header + transactions, with witness), as found
 * in a Bitcoin Core blk file record or a raw block file. See docs/formats.md, "Bitcoin Core block
 * files".
 *
 * - Every read is bounds-checked against the block's bytes; every count and length is checked
 *   against what could possibly fit in the bytes that remain, before anything is allocated, so bad
 *   data gives a BadInputError naming the file and the absolute byte offset — never a crash, a
 *   hang or a huge allocation.
 * - CompactSize values must be canonical (shortest encoding), as Bitcoin Core requires.
 * - txid = SHA256d of the non-witness serialization (hashed from views of the original bytes,
 *   never re-encoded); wtxid = SHA256d of the full serialization.
 * - The merkle root of the txids is checked against the header, and, when the block carries
 *   witness data, the coinbase's witness commitment is checked against the wtxids (BIP 141), so a
 *   changed byte anywhere in a transaction is caught.
 *
 * Scripts and witness items are views (subarrays) of the buffer given to parseBlock: they share
 * its memory. Copy them if that buffer is going to be reused.
 */
import { hash as oneShotHash } from 'node:crypto';
import { BadInputError } from '../errors';

export interface ParsedInput {
  /** Display hex (byte-reversed) of the spent transaction; all zeros for a coinbase. */
  readonly prevTxid: string;
  /** Index of the spent output; 0xffffffff for a coinbase. */
  readonly prevVout: number;
  readonly scriptSig: Buffer;
  readonly sequence: number;
  /** Witness stack items; empty for a non-segwit transaction. */
  readonly witness: Buffer[];
}

export interface ParsedOutput {
  /** Satoshis: int64 little-endian, as a BigInt (never a JS number). */
  readonly value: bigint;
  readonly script: Buffer;
}

export interface ParsedTx {
  /** Display hex (byte-reversed) SHA256d of the non-witness serialization. */
  readonly txid: string;
  /** Display hex SHA256d of the full serialization (equals txid when not segwit). */
  readonly wtxid: string;
  readonly segwit: boolean;
  /** Transaction version, read as uint32 (as Bitcoin Core 28+ shows it). */
  readonly version: number;
  readonly locktime: number;
  /** Serialized size in bytes, witness included. */
  readonly size: number;
  /** Size without marker, flag and witness. */
  readonly baseSize: number;
  /** base * 3 + total (BIP 141). */
  readonly weight: number;
  /** ceil(weight / 4). */
  readonly vsize: number;
  readonly isCoinbase: boolean;
  readonly inputs: ParsedInput[];
  readonly outputs: ParsedOutput[];
}

export interface ParsedBlock {
  /** Display hex (byte-reversed) SHA256d of the 80-byte header. */
  readonly hash: string;
  readonly prevHash: string;
  readonly merkleRoot: string;
  /** Header version, int32. */
  readonly version: number;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  /** Serialized block size in bytes. */
  readonly size: number;
  /** Block weight (sum of tx weights + 4 * (header + tx count)). */
  readonly weight: number;
  readonly txs: ParsedTx[];
}

/**
 * A block that parses to its exact length but whose content contradicts its header: the merkle
 * root, the witness commitment, or a first transaction that is no coinbase. Its framing is sound,
 * so it is not a misread record: a blk import refuses it rather than skipping past it (a block
 * that does not parse at all is a corrupt record, which the blk reader resyncs after).
 */
export class BlockIntegrityError extends BadInputError {
  constructor(file: string, where: { offset?: number }, problem: string) {
    super(file, where, problem);
    this.name = 'BlockIntegrityError';
  }
}

export interface BlockContext {
  /** File named in errors. */
  readonly file: string;
  /** Absolute file offset of buf[0] (the block's first byte); errors report absolute offsets. */
  readonly offset: number;
}

const HEADER_SIZE = 80;
/** version 4 + vin count 1 + vout count 1 + locktime 4: the smallest conceivable transaction. */
const MIN_TX_SIZE = 10;
/** prev txid 32 + vout 4 + script length 1 + sequence 4. */
const MIN_INPUT_SIZE = 41;
/** value 8 + script length 1. */
const MIN_OUTPUT_SIZE = 9;
const WITNESS_COMMITMENT_HEADER = Buffer.from('6a24aa21a9ed', 'hex');

/** SHA256d of the 64 bytes at src[off..off+64) (a merkle node), written to dst at dstOff (may overlap src). */
function sha256d64(src: Uint8Array, off: number, dst: Uint8Array, dstOff: number): void {
  dst.set(oneShotHash('sha256', oneShotHash('sha256', src.subarray(off, off + 64), 'buffer'), 'buffer'), dstOff);
}

const hexScratch = Buffer.allocUnsafe(32);

/** Display hex of 32 bytes at `at`: byte-reversed, as Bitcoin shows hashes. */
function reversedHex(src: Buffer, at: number): string {
  for (let i = 0; i < 32; i++) hexScratch[i] = src[at + 31 - i]!;
  return hexScratch.toString('hex');
}

function sha256d(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(32);
  sha256dInto(data, out, 0);
  return out;
}

/** SHA256d of data, written to dst at dstOff, with Node's native one-shot hash (crypto.hash). */
function sha256dInto(data: Buffer, dst: Uint8Array, dstOff: number): void {
  dst.set(oneShotHash('sha256', oneShotHash('sha256', data, 'buffer'), 'buffer'), dstOff);
}

/** Display hex of a block header's hash (SHA256d of the 80 bytes, byte-reversed). */
export function blockHash(header80: Buffer): string {
  if (header80.length !== HEADER_SIZE) throw new Error(`blockHash needs the 80-byte header, got ${header80.length} bytes`);
  return reversedHex(sha256d(header80), 0);
}

/**
 * Merkle root over `count` 32-byte hashes laid out contiguously in `level` (which must have room
 * for count + 1 hashes), with Bitcoin's rule of pairing an odd last hash with itself. Works in
 * place: `level` is overwritten.
 */
function merkleRootInPlace(level: Buffer, count: number): Buffer {
  let n = count;
  while (n > 1) {
    if (n & 1) {
      level.copy(level, n * 32, (n - 1) * 32, n * 32);
      n++;
    }
    const half = n >> 1;
    for (let i = 0; i < half; i++) {
      sha256d64(level, i * 64, level, i * 32);
    }
    n = half;
  }
  return level.subarray(0, 32);
}

/** Bounds-checked cursor over one block's bytes. */
class Cursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end: number,
    readonly file: string,
    readonly base: number,
  ) {}

  fail(at: number, problem: string): never {
    throw new BadInputError(this.file, { offset: this.base + at }, problem);
  }

  /** The block parsed, but its content contradicts its header (see BlockIntegrityError). */
  failIntegrity(at: number, problem: string): never {
    throw new BlockIntegrityError(this.file, { offset: this.base + at }, problem);
  }

  need(n: number, what: string): void {
    const left = this.end - this.pos;
    if (n > left) this.fail(this.pos, `truncated block: ${what} needs ${n} bytes, only ${left} left`);
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /**
   * A canonical CompactSize count of elements at least `minElementSize` bytes each; rejects any
   * count that could not fit in the bytes that remain after it.
   */
  count(what: string, minElementSize: number): number {
    const at = this.pos;
    this.need(1, what);
    const buf = this.buf;
    const first = buf[at]!;
    let value: number;
    if (first < 0xfd) {
      value = first;
      this.pos = at + 1;
    } else if (first === 0xfd) {
      this.need(3, what);
      value = buf.readUInt16LE(at + 1);
      if (value < 0xfd) this.fail(at, `non-canonical CompactSize for ${what}: fd ${buf.toString('hex', at + 1, at + 3)} encodes ${value}, which takes 1 byte`);
      this.pos = at + 3;
    } else if (first === 0xfe) {
      this.need(5, what);
      value = buf.readUInt32LE(at + 1);
      if (value < 0x10000) this.fail(at, `non-canonical CompactSize for ${what}: fe ${buf.toString('hex', at + 1, at + 5)} encodes ${value}, which fits in 3 bytes`);
      this.pos = at + 5;
    } else {
      this.need(9, what);
      const lo = buf.readUInt32LE(at + 1);
      const hi = buf.readUInt32LE(at + 5);
      if (hi === 0) this.fail(at, `non-canonical CompactSize for ${what}: ff ${buf.toString('hex', at + 1, at + 9)} encodes ${lo}, which fits in 5 bytes`);
      // Anything ≥ 2^32 cannot fit in a block; report it without building the number exactly.
      this.fail(at, `impossible ${what} ${(BigInt(hi) << 32n) | BigInt(lo)}: only ${this.end - this.pos - 9} bytes left in the block`);
    }
    const left = this.end - this.pos;
    if (value * minElementSize > left) {
      this.fail(
        at,
        minElementSize === 1
          ? `truncated block: ${what} ${value} runs past the end of the block (${left} bytes left)`
          : `impossible ${what} ${value}: each takes at least ${minElementSize} bytes, only ${left} left (truncated or corrupt block)`,
      );
    }
    return value;
  }
}

let stripScratch = Buffer.allocUnsafe(1 << 16);

/** Parses the transaction at the cursor; writes its raw txid and wtxid at index * 32 of txids / wtxids. */
function parseTx(c: Cursor, index: number, txids: Buffer, wtxids: Buffer): ParsedTx {
  const buf = c.buf;
  const start = c.pos;
  const version = c.u32('transaction version');
  let segwit = false;
  if (c.end - c.pos >= 2 && buf[c.pos] === 0 && buf[c.pos + 1] !== 0) {
    const flag = buf[c.pos + 1]!;
    if (flag !== 1) c.fail(c.pos + 1, `transaction ${index}: unknown segwit flag 0x${flag.toString(16).padStart(2, '0')} (expected 0x01)`);
    segwit = true;
    c.pos += 2;
  }
  const bodyStart = c.pos;

  const nIn = c.count(`input count of transaction ${index}`, MIN_INPUT_SIZE);
  if (segwit && nIn === 0) c.fail(bodyStart, `transaction ${index}: segwit marker with no inputs`);
  const inputs: ParsedInput[] = new Array(nIn);
  let isCoinbase = false;
  for (let i = 0; i < nIn; i++) {
    c.need(36, `input ${i} of transaction ${index}`);
    const p = c.pos;
    const prevVout = buf.readUInt32LE(p + 32);
    if (index === 0 && nIn === 1 && prevVout === 0xffffffff && isZero32(buf, p)) isCoinbase = true;
    const prevTxid = reversedHex(buf, p);
    c.pos = p + 36;
    const scriptLen = c.count(`scriptSig length of input ${i} of transaction ${index}`, 1);
    const scriptSig = buf.subarray(c.pos, c.pos + scriptLen);
    c.pos += scriptLen;
    const sequence = c.u32(`sequence of input ${i} of transaction ${index}`);
    inputs[i] = { prevTxid, prevVout, scriptSig, sequence, witness: [] };
  }

  const nOut = c.count(`output count of transaction ${index}`, MIN_OUTPUT_SIZE);
  const outputs: ParsedOutput[] = new Array(nOut);
  for (let i = 0; i < nOut; i++) {
    c.need(8, `value of output ${i} of transaction ${index}`);
    const value = buf.readBigInt64LE(c.pos);
    c.pos += 8;
    const scriptLen = c.count(`script length of output ${i} of transaction ${index}`, 1);
    const script = buf.subarray(c.pos, c.pos + scriptLen);
    c.pos += scriptLen;
    outputs[i] = { value, script };
  }
  const bodyEnd = c.pos;

  if (segwit) {
    let anyWitness = false;
    for (let i = 0; i < nIn; i++) {
      const nItems = c.count(`witness item count of input ${i} of transaction ${index}`, 1);
      if (nItems !== 0) anyWitness = true;
      const items: Buffer[] = new Array(nItems);
      for (let k = 0; k < nItems; k++) {
        const len = c.count(`length of witness item ${k} of input ${i} of transaction ${index}`, 1);
        items[k] = buf.subarray(c.pos, c.pos + len);
        c.pos += len;
      }
      (inputs[i] as { witness: Buffer[] }).witness = items;
    }
    if (!anyWitness) c.fail(bodyEnd, `transaction ${index}: segwit marker but every witness is empty (superfluous witness record)`);
  }
  const lockStart = c.pos;
  const locktime = c.u32(`locktime of transaction ${index}`);
  const end = c.pos;

  const size = end - start;
  const baseSize = segwit ? 4 + (bodyEnd - bodyStart) + 4 : size;
  const txidAt = index * 32;
  if (segwit) {
    // The non-witness serialization, assembled from the original bytes (not re-encoded).
    if (stripScratch.length < baseSize) stripScratch = Buffer.allocUnsafe(Math.max(baseSize, stripScratch.length * 2));
    buf.copy(stripScratch, 0, start, start + 4);
    buf.copy(stripScratch, 4, bodyStart, bodyEnd);
    buf.copy(stripScratch, baseSize - 4, lockStart, end);
    sha256dInto(stripScratch.subarray(0, baseSize), txids, txidAt);
    sha256dInto(buf.subarray(start, end), wtxids, txidAt);
  } else {
    sha256dInto(buf.subarray(start, end), txids, txidAt);
    txids.copy(wtxids, txidAt, txidAt, txidAt + 32);
  }
  const weight = baseSize * 3 + size;
  const txid = reversedHex(txids, txidAt);
  return {
    txid,
    wtxid: segwit ? reversedHex(wtxids, txidAt) : txid,
    segwit,
    version,
    locktime,
    size,
    baseSize,
    weight,
    vsize: Math.ceil(weight / 4),
    isCoinbase,
    inputs,
    outputs,
  };
}

function isZero32(buf: Buffer, at: number): boolean {
  for (let i = 0; i < 32; i++) if (buf[at + i] !== 0) return false;
  return true;
}

/**
 * Parses one block occupying all of `buf`. `ctx.offset` is the absolute file offset of buf[0],
 * used in error messages. Throws BadInputError on any malformed, truncated or inconsistent data
 * (including trailing bytes after the last transaction and a merkle root mismatch).
 */
export function parseBlock(buf: Buffer, ctx: BlockContext): ParsedBlock {
  const c = new Cursor(buf, buf.length, ctx.file, ctx.offset);
  c.need(HEADER_SIZE + 1, 'block header and transaction count');
  const header = buf.subarray(0, HEADER_SIZE);
  const hash = reversedHex(sha256d(header), 0);
  const version = buf.readInt32LE(0);
  const prevHash = reversedHex(buf, 4);
  const merkleRoot = reversedHex(buf, 36);
  const time = buf.readUInt32LE(68);
  const bits = buf.readUInt32LE(72);
  const nonce = buf.readUInt32LE(76);
  c.pos = HEADER_SIZE;

  const nTx = c.count('transaction count', MIN_TX_SIZE);
  if (nTx === 0) c.fail(HEADER_SIZE, `block ${hash} has no transactions`);
  const txs: ParsedTx[] = new Array(nTx);
  // txids (then wtxids), contiguous, with room for the odd-level duplicate.
  const txids = Buffer.allocUnsafe((nTx + 1) * 32);
  const wtxids = Buffer.allocUnsafe((nTx + 1) * 32);
  let weight = c.pos * 4;
  let anySegwit = false;
  for (let i = 0; i < nTx; i++) {
    const tx = parseTx(c, i, txids, wtxids);
    txs[i] = tx;
    weight += tx.weight;
    if (tx.segwit) anySegwit = true;
  }
  if (c.pos !== c.end) c.fail(c.pos, `block ${hash}: ${c.end - c.pos} unexpected bytes after its last transaction`);

  const computed = reversedHex(merkleRootInPlace(txids, nTx), 0);
  if (computed !== merkleRoot) {
    c.failIntegrity(0, `merkle root mismatch in block ${hash}: header says ${merkleRoot}, transactions give ${computed}`);
  }
  if (!txs[0]!.isCoinbase) c.failIntegrity(HEADER_SIZE, `block ${hash}: first transaction is not a coinbase`);
  if (anySegwit) checkWitnessCommitment(c, txs[0]!, wtxids, nTx, hash);

  return { hash, prevHash, merkleRoot, version, time, bits, nonce, size: buf.length, weight, txs };
}

/** BIP 141: the coinbase commits to the wtxid merkle root (coinbase wtxid taken as zero). */
function checkWitnessCommitment(c: Cursor, coinbase: ParsedTx, wtxids: Buffer, nTx: number, hash: string): void {
  let commitment: Buffer | null = null;
  for (let i = coinbase.outputs.length - 1; i >= 0; i--) {
    const s = coinbase.outputs[i]!.script;
    if (s.length >= 38 && s.subarray(0, 6).equals(WITNESS_COMMITMENT_HEADER)) {
      commitment = s.subarray(6, 38);
      break;
    }
  }
  if (!commitment) c.failIntegrity(0, `block ${hash} has witness data but no witness commitment in its coinbase`);
  const reserved = coinbase.inputs[0]!.witness;
  if (reserved.length !== 1 || reserved[0]!.length !== 32) {
    c.failIntegrity(0, `block ${hash}: coinbase witness must be one 32-byte reserved value`);
  }
  wtxids.fill(0, 0, 32);
  const root = merkleRootInPlace(wtxids, nTx);
  const expected = sha256d(Buffer.concat([root, reserved[0]!]));
  if (!expected.equals(commitment)) {
    c.failIntegrity(
      0,
      `witness commitment mismatch in block ${hash}: coinbase says ${commitment.toString('hex')}, transactions give ${expected.toString('hex')}`,
    );
  }
}

/**
 * The height a block's coinbase states under BIP 34 (the first push of its scriptSig, a
 * little-endian number, or OP_1..OP_16 for heights 1 to 16), or null when the block is version 1
 * or the push is not a plausible height. Only trustworthy where BIP 34 was enforced: see
 * importBitcoin's statedHeightOf.
 */
export function coinbaseHeight(block: Pick<ParsedBlock, 'version' | 'txs'>): number | null {
  const script = block.txs[0]?.inputs[0]?.scriptSig;
  if (block.version < 2 || !script || script.length === 0) return null;
  const op = script[0]!;
  if (op >= 0x51 && op <= 0x60) return op - 0x50;
  if (op < 1 || op > 4 || script.length < 1 + op) return null;
  let height = 0;
  for (let i = op; i >= 1; i--) height = height * 256 + script[i]!;
  return height;
}
