/**
 * Reads Bitcoin Core block files (`blocks/blkNNNNN.dat`, with `xor.dat` obfuscation) and single
 * raw block files. See docs/formats.md, "Bitcoin Core block files".
 *
 * readBlkRecords streams a blk file through a bounded rolling window (never the whole file),
 * de-obfuscates by absolute file offset, and yields each record's block bytes. It stops cleanly
 * at zero-filled preallocation and skips garbage by scanning for the next known magic (reporting
 * what it skipped). A corrupt record (a size no block can have, a size running past the end, a
 * block its consumer cannot parse) is resynced after, as Bitcoin Core's reindex does: the reader
 * finds the next record and first offers the bytes up to it as the block (a damaged size field
 * then loses nothing); if they do not parse either, it skips them and says which bytes. Only a
 * last record with nothing after it is a truncated tail. The summary it returns says where
 * reading stopped, so a later import can resume there.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../errors';

export type BitcoinNetwork = 'mainnet' | 'testnet3' | 'testnet4' | 'signet' | 'regtest';

const MAGICS: ReadonlyArray<readonly [string, BitcoinNetwork]> = [
  ['f9beb4d9', 'mainnet'],
  ['0b110907', 'testnet3'],
  ['1c163f28', 'testnet4'],
  ['0a03cf40', 'signet'],
  ['fabfb5da', 'regtest'],
];
/** The CAIP-2 chain of each network (bip122: the first 32 hex digits of its genesis hash). */
export const CHAIN_BY_NETWORK: Readonly<Record<BitcoinNetwork, string>> = {
  mainnet: 'bip122:000000000019d6689c085ae165831e93',
  testnet3: 'bip122:000000000933ea01ad0ee984209779ba',
  testnet4: 'bip122:00000000da84f2bafbbc53dee25a72ae',
  signet: 'bip122:00000008819873e925422c1ff0f99f7c',
  regtest: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328',
};
const MAGIC_BUFFERS = MAGICS.map(([hex]) => Buffer.from(hex, 'hex'));
const NETWORK_BY_MAGIC = new Map<string, BitcoinNetwork>(MAGICS);

/** MAX_BLOCK_SERIALIZED_SIZE in Bitcoin Core: no valid block is larger. */
export const MAX_BLOCK_SIZE = 4_000_000;
/** Header (80) + tx count (1) + the smallest conceivable coinbase (10). */
const MIN_BLOCK_SIZE = 91;
const RECORD_HEADER = 8;
const DEFAULT_READ_SIZE = 8 << 20;
const SCAN_STEP = 1 << 20;
const ZERO_PAGE = Buffer.alloc(4096);

/** The network of a 4-byte magic (Buffer or hex), or null if it is not a known Bitcoin magic. */
export function detectNetwork(magic: Buffer | string): BitcoinNetwork | null {
  const hex = typeof magic === 'string' ? magic.toLowerCase() : magic.length === 4 ? magic.toString('hex') : '';
  return NETWORK_BY_MAGIC.get(hex) ?? null;
}

/**
 * The obfuscation key of a Bitcoin Core blocks directory: `xor.dat`, exactly 8 bytes. Returns
 * undefined when the file is absent or the key is all zeros (the files are plaintext).
 */
export function readXorKey(blocksDir: string): Buffer | undefined {
  const path = join(blocksDir, 'xor.dat');
  if (!existsSync(path)) return undefined;
  const key = readFileSync(path);
  if (key.length !== 8) {
    throw new BadInputError(path, { offset: Math.min(key.length, 8) }, `xor.dat must hold exactly 8 bytes, found ${key.length}`);
  }
  return key.every((b) => b === 0) ? undefined : key;
}

export interface BlkRecord {
  /** Absolute file offset of the record (its magic); a later read can start here. */
  readonly offset: number;
  /** Absolute file offset of the block's first byte (offset + 8); pass it to parseBlock. */
  readonly blockOffset: number;
  /** Magic as hex, e.g. "f9beb4d9". */
  readonly magic: string;
  readonly network: BitcoinNetwork;
  /** The block's bytes (de-obfuscated): a copy owned by the caller. */
  readonly block: Buffer;
  /**
   * Set when the record's size field was unusable (impossible, past the end of the file, or its
   * block did not parse): the size it declared. The block is then the bytes up to the next
   * record, offered in case only the size was damaged; a consumer that cannot parse them says so.
   */
  readonly declaredSize?: number;
}

/**
 * What a consumer says of a record: nothing when it took the block, `{ bad }` (why) when the
 * block does not parse, so the reader resyncs at the next record instead of stopping.
 */
export type RecordVerdict = { readonly bad: string } | undefined | void;

const isBad = (v: RecordVerdict): v is { readonly bad: string } => typeof v === 'object' && v !== null && typeof v.bad === 'string';

export interface BlkWarning {
  /** Absolute file offset where the skipped bytes begin. */
  readonly offset: number;
  readonly skippedBytes: number;
  /**
   * garbage: bytes that are neither a record nor zero padding; gap: zeros followed by more
   * records; corrupt: a record whose size or block is unusable, skipped up to the next record;
   * recovered: a record whose size field is wrong, its block read up to the next record instead
   * (nothing skipped); truncated: a last record running past the end of the file.
   */
  readonly kind: 'garbage' | 'gap' | 'corrupt' | 'recovered' | 'truncated';
  readonly message: string;
}

export interface BlkReadSummary {
  readonly records: number;
  readonly warnings: BlkWarning[];
  /** Absolute offset where reading stopped: resume here when the file has grown. */
  readonly stoppedAt: number;
  /** eof: every byte was read; zero-padding: the rest of the file is preallocated zeros; truncated: the last record runs past the end. */
  readonly endedBy: 'eof' | 'zero-padding' | 'truncated';
  readonly fileSize: number;
}

export interface BlkReadOptions {
  /** Key from readXorKey; undefined or all-zero means plaintext. */
  readonly xorKey?: Buffer;
  /** Absolute offset of a record to start at (e.g. a previous summary's stoppedAt). */
  readonly startOffset?: number;
  /** Called with the number of bytes read from disk, as they are read. */
  onBytes?(n: number): void;
  /** Bytes per disk read (default 8 MiB); the window holds at most this plus one block. */
  readonly readSize?: number;
}

/**
 * A rolling window over the file's de-obfuscated bytes: buf[j] is the plain byte at absolute
 * offset start + j. `start` is kept a multiple of 8 so the XOR key index is simply j & 7.
 */
class Window {
  start = 0;
  len = 0;
  /** Bytes read before startOffset only to align the window: not reported to onBytes. */
  private unreported = 0;
  readonly buf: Buffer;
  private readonly words: Uint32Array;
  private readonly key: Uint8Array | null;
  private readonly keyWords: Uint32Array | null;

  constructor(
    private readonly fh: FileHandle,
    readonly fileSize: number,
    private readonly readSize: number,
    startOffset: number,
    xorKey: Buffer | undefined,
    private readonly onBytes: ((n: number) => void) | undefined,
  ) {
    // Room for one read plus the largest record plus alignment (or the whole rest of a small
    // file), in a fresh ArrayBuffer (offset 0, so 4-byte word views line up with file offsets).
    this.start = startOffset & ~7;
    this.unreported = startOffset - this.start;
    const capacity = Math.min(readSize + MAX_BLOCK_SIZE + RECORD_HEADER + 16, fileSize - (startOffset & ~7) + 16);
    const ab = new ArrayBuffer(capacity + (4 - (capacity % 4)));
    this.buf = Buffer.from(ab, 0, capacity);
    this.words = new Uint32Array(ab);
    if (xorKey && xorKey.some((b) => b !== 0)) {
      if (xorKey.length !== 8) throw new Error(`XOR key must be 8 bytes, got ${xorKey.length}`);
      this.key = Uint8Array.from(xorKey);
      this.keyWords = new Uint32Array(this.key.buffer, 0, 2);
    } else {
      this.key = null;
      this.keyWords = null;
    }
  }

  /** Plain byte at absolute offset p (must be inside the window). */
  at(p: number): number {
    return this.buf[p - this.start]!;
  }

  /**
   * Makes [pos, pos + n) available, as far as the file allows. Returns how many bytes from pos
   * are available (less than n only at the end of the file).
   */
  async ensure(pos: number, n: number): Promise<number> {
    const want = Math.min(pos + n, this.fileSize);
    if (want <= this.start + this.len) return want - pos;
    if (pos < this.start) throw new Error(`window cannot move back to ${pos}`);
    if (pos >= this.start + this.len) {
      // Nothing kept is needed any more: restart the window at pos.
      this.start = pos & ~7;
      this.len = 0;
    } else {
      // Drop what lies before pos, keeping start a multiple of 8.
      const drop = (pos - this.start) & ~7;
      if (drop > 0) {
        this.buf.copyWithin(0, drop, this.len);
        this.start += drop;
        this.len -= drop;
      }
    }
    while (this.start + this.len < want) {
      const room = this.buf.length - this.len;
      if (room <= 0) throw new Error('blk window overflow');
      const toRead = Math.min(room, Math.max(this.readSize, want - this.start - this.len), this.fileSize - this.start - this.len);
      const { bytesRead } = await this.fh.read(this.buf, this.len, toRead, this.start + this.len);
      if (bytesRead === 0) break; // the file shrank under us
      this.unxor(this.len, this.len + bytesRead);
      this.len += bytesRead;
      const before = Math.min(this.unreported, bytesRead);
      this.unreported -= before;
      this.onBytes?.(bytesRead - before);
    }
    return Math.max(0, Math.min(want, this.start + this.len) - pos);
  }

  /** plain[j] = file[j] ^ key[(start + j) % 8], with start a multiple of 8. */
  private unxor(from: number, to: number): void {
    const key = this.key;
    if (!key) return;
    const buf = this.buf;
    let j = from;
    const headEnd = Math.min(to, (from + 3) & ~3);
    for (; j < headEnd; j++) buf[j] = buf[j]! ^ key[j & 7]!;
    const wordEnd = to & ~3;
    if (j < wordEnd) {
      const words = this.words;
      const k0 = this.keyWords![0]!;
      const k1 = this.keyWords![1]!;
      for (let w = j >> 2, end = wordEnd >> 2; w < end; w++) words[w] = words[w]! ^ (w & 1 ? k1 : k0);
      j = wordEnd;
    }
    for (; j < to; j++) buf[j] = buf[j]! ^ key[j & 7]!;
  }

  /** Index (absolute) of the first known magic at or after `from`, or -1 if none before EOF. */
  async findMagic(from: number): Promise<number> {
    let p = from;
    while (p < this.fileSize) {
      const avail = await this.ensure(p, SCAN_STEP);
      if (avail < 4) return -1;
      const rel = p - this.start;
      const view = this.buf.subarray(rel, rel + avail);
      let best = -1;
      for (const m of MAGIC_BUFFERS) {
        const i = view.indexOf(m);
        if (i >= 0 && (best < 0 || i < best)) best = i;
      }
      if (best >= 0) return p + best;
      p += avail - 3; // a magic may straddle the step boundary
    }
    return -1;
  }

  /**
   * Absolute offset of the first plausible record (a known magic and a possible block size)
   * in [from, to), looking only at bytes already in the window: the window does not move, so
   * the bytes before `from` can still be read. -1 if none.
   */
  findRecordWithin(from: number, to: number): number {
    const end = Math.min(to, this.start + this.len) - this.start;
    let rel = from - this.start;
    while (rel < end) {
      let best = -1;
      for (const m of MAGIC_BUFFERS) {
        const i = this.buf.indexOf(m, rel);
        if (i >= 0 && i < end && (best < 0 || i < best)) best = i;
      }
      if (best < 0) return -1;
      if (best + RECORD_HEADER > this.len) return this.start + best; // a magic cut by the end of the file
      const size = this.buf.readUInt32LE(best + 4);
      if (size >= MIN_BLOCK_SIZE && size <= MAX_BLOCK_SIZE) return this.start + best;
      rel = best + 1;
    }
    return -1;
  }

  /** Absolute offset of the first non-zero byte at or after `from`, or fileSize if none. */
  async findNonZero(from: number): Promise<number> {
    let p = from;
    while (p < this.fileSize) {
      const avail = await this.ensure(p, SCAN_STEP);
      if (avail === 0) break;
      let rel = p - this.start;
      const end = rel + avail;
      while (rel + ZERO_PAGE.length <= end && this.buf.subarray(rel, rel + ZERO_PAGE.length).equals(ZERO_PAGE)) rel += ZERO_PAGE.length;
      for (; rel < end; rel++) if (this.buf[rel] !== 0) return this.start + rel;
      p += avail;
    }
    return this.fileSize;
  }
}

/**
 * Streams the records of one blk file. Yields each block (a copy); returns a summary listing
 * warnings and where reading stopped. Closes the file when done or abandoned. Pass a
 * RecordVerdict to next() to say a block does not parse: the reader then resyncs (see above).
 */
export async function* readBlkRecords(path: string, opts: BlkReadOptions = {}): AsyncGenerator<BlkRecord, BlkReadSummary, RecordVerdict> {
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const startOffset = opts.startOffset ?? 0;
    if (!Number.isInteger(startOffset) || startOffset < 0 || startOffset > fileSize) {
      throw new BadInputError(path, { offset: startOffset }, `cannot start reading at byte ${startOffset}: the file has ${fileSize} bytes`);
    }
    const win = new Window(fh, fileSize, Math.max(64, opts.readSize ?? DEFAULT_READ_SIZE), startOffset, opts.xorKey, opts.onBytes);
    const warnings: BlkWarning[] = [];
    let records = 0;
    let pos = startOffset;

    /**
     * The next plausible record (a known magic and a possible size) at or after `from`, or
     * fileSize; a magic cut off by the end of the file counts (the truncated-tail case handles
     * it). Moves the window.
     */
    const nextRecord = async (from: number): Promise<number> => {
      let q = from;
      for (;;) {
        q = await win.findMagic(q);
        if (q < 0) return fileSize;
        const avail = await win.ensure(q, RECORD_HEADER);
        if (avail < RECORD_HEADER) return q;
        const size = win.buf.readUInt32LE(q - win.start + 4);
        if (size >= MIN_BLOCK_SIZE && size <= MAX_BLOCK_SIZE) return q;
        q++;
      }
    };

    /** Skips from `from` to the next plausible record at or after `searchFrom`; returns where to go on (or fileSize). */
    const skip = async (from: number, searchFrom: number, zerosUntil = -1): Promise<number> => {
      const q = await nextRecord(searchFrom);
      const skipped = q - from;
      const kind = q === zerosUntil ? 'gap' : 'garbage';
      warnings.push({
        offset: from,
        skippedBytes: skipped,
        kind,
        message:
          kind === 'gap'
            ? `${path}: skipped ${skipped} zero bytes at byte ${from} before the next record`
            : `${path}: skipped ${skipped} bytes of garbage at byte ${from}${q < fileSize ? ` (next record at byte ${q})` : ' (to the end of the file)'}` +
              (from === 0 && !opts.xorKey ? '; if the file comes from Bitcoin Core 28 or later, it may be obfuscated with the key in blocks/xor.dat' : ''),
      });
      return q;
    };

    /** A copy of `length` plain bytes at `at` (the consumer owns it; the window moves on). */
    const blockAt = async (at: number, length: number): Promise<Buffer> => {
      await win.ensure(at, length);
      const block = Buffer.allocUnsafe(length);
      win.buf.copy(block, 0, at - win.start, at - win.start + length);
      return block;
    };

    let endedBy: BlkReadSummary['endedBy'] = 'eof';
    while (pos < fileSize) {
      const avail = await win.ensure(pos, RECORD_HEADER);
      if (avail === 0) break; // the file shrank under us
      const rel = pos - win.start;
      const buf = win.buf;
      if (buf[rel] === 0 && (avail < 2 || buf[rel + 1] === 0) && (avail < 3 || buf[rel + 2] === 0) && (avail < 4 || buf[rel + 3] === 0)) {
        // Zeros: preallocation to the end of the file (a clean stop), or a gap before more records.
        const nz = await win.findNonZero(pos);
        if (nz >= fileSize) {
          endedBy = 'zero-padding';
          break;
        }
        pos = await skip(pos, nz, nz);
        continue;
      }
      const magic = avail >= 4 ? buf.toString('hex', rel, rel + 4) : '';
      const network = NETWORK_BY_MAGIC.get(magic);
      if (!network) {
        pos = await skip(pos, pos + 1);
        continue;
      }
      if (avail < RECORD_HEADER) {
        warnings.push(truncated(path, pos, fileSize, `the record header at byte ${pos} is cut off by the end of the file`));
        endedBy = 'truncated';
        break;
      }
      const size = buf.readUInt32LE(rel + 4);
      const possible = size >= MIN_BLOCK_SIZE && size <= MAX_BLOCK_SIZE;
      const fits = pos + RECORD_HEADER + size <= fileSize;
      let why: string;
      if (!possible) why = `declares a block of ${size} bytes, which no block can be (${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE})`;
      else if (!fits) why = `declares ${size} bytes, but only ${fileSize - pos - RECORD_HEADER} remain in the file`;
      else {
        const verdict = yield { offset: pos, blockOffset: pos + RECORD_HEADER, magic, network, block: await blockAt(pos + RECORD_HEADER, size) };
        if (!isBad(verdict)) {
          records++;
          pos += RECORD_HEADER + size;
          continue;
        }
        why = `declares ${size} bytes, and they do not parse as a block (${verdict.bad})`;
      }

      // A corrupt record. The next record within reach of one block ends this one's bytes: offer
      // them as its block, in case only the size field was damaged.
      await win.ensure(pos, RECORD_HEADER + MAX_BLOCK_SIZE + RECORD_HEADER);
      let next = win.findRecordWithin(pos + 1, pos + RECORD_HEADER + MAX_BLOCK_SIZE + 1);
      const length = next - pos - RECORD_HEADER;
      if (next >= 0 && length >= MIN_BLOCK_SIZE && length <= MAX_BLOCK_SIZE && !(length === size && fits)) {
        const verdict = yield { offset: pos, blockOffset: pos + RECORD_HEADER, magic, network, block: await blockAt(pos + RECORD_HEADER, length), declaredSize: size };
        if (!isBad(verdict)) {
          records++;
          warnings.push({
            offset: pos,
            skippedBytes: 0,
            kind: 'recovered',
            message: `${path}: the record at byte ${pos} ${why}; its block is the ${length} bytes up to the next record, at byte ${next}, and was read from there`,
          });
          pos = next;
          continue;
        }
      }
      if (next < 0) next = await nextRecord(pos + 1);
      if (possible && !fits && next >= fileSize) {
        // Nothing follows: a last record cut short (a node stopped while writing it); resume here later.
        warnings.push(truncated(path, pos, fileSize, `the record at byte ${pos} ${why}`));
        endedBy = 'truncated';
        break;
      }
      warnings.push({
        offset: pos,
        skippedBytes: next - pos,
        kind: 'corrupt',
        message: `${path}: skipped bytes ${pos}–${next - 1} (${next - pos} bytes): the record at byte ${pos} ${why}; ${next < fileSize ? `reading resumed at the next record, byte ${next}` : 'no record follows it'}`,
      });
      pos = next;
    }
    return { records, warnings, stoppedAt: Math.min(pos, fileSize), endedBy, fileSize };
  } finally {
    await fh.close();
  }
}

function truncated(path: string, offset: number, fileSize: number, why: string): BlkWarning {
  return { offset, skippedBytes: fileSize - offset, kind: 'truncated', message: `${path}: truncated last record: ${why}` };
}

/**
 * Runs readBlkRecords to the end, calling onRecord for each record; returns the summary.
 * onRecord may return a RecordVerdict (`{ bad }`) to have the reader resync after that record.
 */
export async function forEachBlkRecord(
  path: string,
  opts: BlkReadOptions,
  onRecord: (record: BlkRecord) => RecordVerdict | Promise<RecordVerdict>,
): Promise<BlkReadSummary> {
  const gen = readBlkRecords(path, opts);
  let verdict: RecordVerdict;
  for (;;) {
    const r = await gen.next(verdict);
    if (r.done) return r.value;
    verdict = await onRecord(r.value);
  }
}

export interface RawBlockFile {
  readonly block: Buffer;
  /** binary: the file is the block; blk-record: magic + size + block; hex: hex text of the block. */
  readonly encoding: 'binary' | 'blk-record' | 'hex';
  /**
   * File offset of the block's first byte (0 or 8), for parseBlock. For hex text, errors can only
   * name offsets into the decoded bytes, so this is 0 and offsets count decoded bytes.
   */
  readonly blockOffset: number;
}

const HEX_OR_SPACE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_OR_SPACE[c.charCodeAt(0)] = 1;
for (const c of ' \t\r\n') HEX_OR_SPACE[c.charCodeAt(0)] = 2;

/** Hex digits that make a file hex text rather than binary: a binary block's version and prev hash are never all ASCII hex digits. */
const HEX_TEXT_DIGITS = 72;
/** Enough of a hex block's start to see its header, tx count and coinbase input: 80 + 9 + 4 + 2 + 1 + 36 bytes. */
const HEX_BLOCK_PREFIX_BYTES = 132;
/** How much of a file the hex-block detection reads: whitespace and line breaks leave room. */
export const HEX_DETECT_BYTES = 4096;

/** Where the hex digits of a text start: after leading whitespace and an optional 0x. */
function hexTextStart(data: Uint8Array): number {
  let start = 0;
  while (start < data.length && HEX_OR_SPACE[data[start]!] === 2) start++;
  if (data[start] === 0x30 && (data[start + 1] === 0x78 || data[start + 1] === 0x58)) start += 2;
  return start;
}

/** The first `max` hex digits from `start` (whitespace passed over); stops at any other byte. */
function hexDigits(data: Uint8Array, start: number, max: number): { digits: string; stoppedAt: number } {
  let digits = '';
  let i = start;
  for (; i < data.length && digits.length < max; i++) {
    const k = HEX_OR_SPACE[data[i]!]!;
    if (k === 0) break;
    if (k === 1) digits += String.fromCharCode(data[i]!);
  }
  return { digits, stoppedAt: i };
}

/**
 * Whether a file's first bytes (at most HEX_DETECT_BYTES) are the hex text of a block, as
 * `bitcoin-cli getblock <hash> 0` prints it: hex digits only (whitespace allowed), decoding to an
 * 80-byte header whose bits are a valid target, a canonical non-zero transaction count, and a
 * first transaction whose one input is a coinbase (32 zero bytes, index ffffffff). Reads no more
 * than the prefix it is given.
 */
export function looksLikeHexBlock(prefix: Uint8Array): boolean {
  // Hex digits (and whitespace) only, for as long as it takes to see the block's start.
  const { digits } = hexDigits(prefix, hexTextStart(prefix), HEX_BLOCK_PREFIX_BYTES * 2);
  if (digits.length < HEX_BLOCK_PREFIX_BYTES * 2) return false;
  const b = Buffer.from(digits, 'hex');
  const bits = b.readUInt32LE(72);
  const size = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (mantissa === 0 || bits & 0x00800000 || size > 32) return false;
  let p = 80;
  const first = b[p]!;
  if (first === 0 || first === 0xff) return false;
  if (first === 0xfd) {
    if (b.readUInt16LE(p + 1) < 0xfd) return false;
    p += 3;
  } else if (first === 0xfe) {
    if (b.readUInt32LE(p + 1) < 0x10000) return false;
    p += 5;
  } else p += 1;
  p += 4; // transaction version
  if (b[p] === 0 && b[p + 1] === 1) p += 2; // segwit marker and flag
  if (b[p] !== 1) return false; // a coinbase has exactly one input
  p += 1;
  for (let i = 0; i < 32; i++) if (b[p + i] !== 0) return false;
  return b.readUInt32LE(p + 32) === 0xffffffff;
}

/** A byte of a file, for a message: the character when printable ASCII, else its hex value. */
function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `"${String.fromCharCode(c)}" (0x${c.toString(16).padStart(2, '0')})` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * A single raw block in a file: binary, a blk record (magic + size + block), or hex text (as
 * `getblock <hash> 0` prints it; whitespace and newlines allowed, optional 0x prefix). A file
 * whose first 72 significant characters are hex digits is hex text: any other character in it
 * is reported as invalid hex at its offset, not read as binary.
 */
export function rawBlockFromFile(path: string): RawBlockFile {
  const size = statSync(path).size;
  // Hex text doubles the size; allow generous whitespace.
  if (size > MAX_BLOCK_SIZE * 3) throw new BadInputError(path, { offset: 0 }, `file of ${size} bytes is too large to be one block`);
  const data = readFileSync(path);
  if (data.length === 0) throw new BadInputError(path, { offset: 0 }, 'empty file: expected a raw block');

  const start = hexTextStart(data);
  const lead = hexDigits(data, start, HEX_TEXT_DIGITS);
  const isHex = start < data.length && (lead.digits.length >= HEX_TEXT_DIGITS || lead.stoppedAt === data.length);
  if (isHex) {
    let digits = 0;
    for (let i = start; i < data.length; i++) {
      const k = HEX_OR_SPACE[data[i]!]!;
      if (k === 0) {
        throw new BadInputError(path, { offset: i }, `invalid hex: ${describeByte(data[i]!)} after ${digits} hex digits; a hex block holds only the digits 0-9 and a-f, and whitespace`);
      }
      if (k === 1) digits++;
    }
    if (digits % 2 !== 0) throw new BadInputError(path, { offset: data.length }, `hex text has an odd number of digits (${digits})`);
    const compact = Buffer.allocUnsafe(digits);
    let n = 0;
    for (let i = start; i < data.length; i++) if (HEX_OR_SPACE[data[i]!] === 1) compact[n++] = data[i]!;
    return { block: Buffer.from(compact.toString('latin1'), 'hex'), encoding: 'hex', blockOffset: 0 };
  }

  if (data.length >= RECORD_HEADER && detectNetwork(data.subarray(0, 4)) && data.readUInt32LE(4) === data.length - RECORD_HEADER) {
    return { block: data.subarray(RECORD_HEADER), encoding: 'blk-record', blockOffset: RECORD_HEADER };
  }
  return { block: data, encoding: 'binary', blockOffset: 0 };
}
