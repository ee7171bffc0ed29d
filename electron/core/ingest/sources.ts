import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, createReadStream, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { constants as zlibConstants, createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import { BadInputError, formatBytes } from './errors';
import { boundedLines, checkRecordLimit, DEFAULT_MAX_RECORD_BYTES } from './lines';

export { boundedLines, DEFAULT_MAX_RECORD_BYTES };

export interface SourceFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

/**
 * Limits on what one input file may cost, settable per import (ImportOptions, and the CLI's
 * --max-record-bytes, --max-decompressed-bytes, --max-gzip-ratio). Defaults below.
 */
export interface InputLimits {
  /** The longest line or CSV record, in bytes (default 16 MiB). */
  readonly maxRecordBytes?: number;
  /** The most a gzip file may decompress to, in bytes (default 64 GiB). */
  readonly maxDecompressedBytes?: number;
  /** The most a gzip file may expand, output per input byte, once past its first MiB of output (default 200). */
  readonly maxGzipRatio?: number;
}

/** 64 GiB: more than any one export file of the chains Cairn reads, and a stop for a bomb that keeps its ratio low. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 ** 3;
/**
 * 200:1. Exports full of hashes and addresses compress 3–10:1; a gzip bomb (a gigabyte of
 * zeros in a megabyte) expands about 1000:1. The first MiB of output is let through, so a
 * small, very repetitive file is never refused for its ratio.
 */
export const DEFAULT_MAX_GZIP_RATIO = 200;
const RATIO_GRACE_BYTES = 1 << 20;

/** The limits to apply: the ones given, checked, and the defaults for the rest. */
export function resolveLimits(limits: InputLimits = {}): Required<InputLimits> {
  const positive = (name: string, v: number | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name}: expected a whole number, at least 1, found ${String(v)}`);
    return v;
  };
  return {
    maxRecordBytes: checkRecordLimit(limits.maxRecordBytes),
    maxDecompressedBytes: positive('maxDecompressedBytes', limits.maxDecompressedBytes, DEFAULT_MAX_DECOMPRESSED_BYTES),
    maxGzipRatio: positive('maxGzipRatio', limits.maxGzipRatio, DEFAULT_MAX_GZIP_RATIO),
  };
}

/** What a stat or open error means for the person who named the path. */
function pathProblem(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file or folder';
    case 'ELOOP':
      return 'a loop of symbolic links (a link that leads, through others, back to itself): it names no file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: Cairn may not read it';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EISDIR':
      return 'is a folder where a file was expected';
    default:
      return `cannot read it (${code ?? 'unknown error'})`;
  }
}

/** The kind of a file that is neither a regular file nor a folder, or null for those two. */
function specialKind(st: Stats): string | null {
  if (st.isFile() || st.isDirectory()) return null;
  if (st.isFIFO()) return 'a FIFO (named pipe): reading it would wait for a writer, and what it yields is not a file';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device (such as /dev/zero or a terminal): it has no end';
  if (st.isBlockDevice()) return 'a block device (a disk or partition)';
  return 'not a regular file';
}

/** The kernel's live views: /proc and /sys hold no files, only answers that change as they are read. */
function kernelView(full: string): string | null {
  let real = full;
  try {
    real = realpathSync(full);
  } catch {
    // the stat that follows says why the path cannot be used
  }
  for (const root of ['/proc', '/sys']) if (real === root || real.startsWith(root + sep) || full === root || full.startsWith(root + sep)) return root;
  return null;
}

/**
 * The refusal of a path that is not a regular file or folder, or null: special files (FIFOs,
 * sockets, devices) and anything under /proc or /sys are refused by what they are, before a
 * byte is read, so a pipe never hangs an import and /dev/zero never fills memory.
 */
function refusal(full: string, st: Stats): BadInputError | null {
  const kind = specialKind(st);
  if (kind) return new BadInputError(full, {}, `is ${kind}; Cairn imports regular files and folders only`);
  const view = kernelView(full);
  if (view) return new BadInputError(full, {}, `is under ${view}, the kernel's live view of processes and devices, not a file Cairn imports`);
  return null;
}

/**
 * Stats a path the user named: a missing one, a symlink loop, an unreadable one, a special file
 * or a path under /proc or /sys is bad input naming it and saying which.
 */
export function statSource(full: string): Stats {
  let st: Stats;
  try {
    st = statSync(full);
  } catch (error) {
    throw new BadInputError(full, {}, pathProblem((error as NodeJS.ErrnoException).code));
  }
  const refused = refusal(full, st);
  if (refused) throw refused;
  return st;
}

/**
 * Expands the paths a user gave (files or export folders) into files, in a stable order. A
 * named path that cannot be imported is refused (see statSource); inside a folder, entries that
 * are not regular files (a pipe, a socket) are passed over, as the folder's other files are.
 */
export function expandSourcePaths(paths: readonly string[], accept: (name: string) => boolean): SourceFile[] {
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (p: string, explicit: boolean): void => {
    const full = resolve(p);
    let st: Stats;
    if (explicit) st = statSource(full);
    else {
      try {
        st = statSync(full);
      } catch (error) {
        throw new BadInputError(full, {}, pathProblem((error as NodeJS.ErrnoException).code));
      }
      if (specialKind(st) !== null) return;
      const refused = refusal(full, st);
      if (refused) throw refused;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(full).sort()) {
        if (entry.startsWith('.')) continue;
        visit(join(full, entry), false);
      }
    } else if (st.isFile() && (explicit || accept(basename(full)))) {
      if (!seen.has(full)) {
        seen.add(full);
        out.push({ path: full, name: basename(full), size: st.size });
      }
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}

/**
 * Opens a file for reading only if it is a regular file, checked on the open descriptor: the
 * open does not block on a FIFO (O_NONBLOCK), and a path swapped for a pipe or a device after
 * it was planned is refused all the same.
 */
export function openRegularSync(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new BadInputError(path, {}, pathProblem((error as NodeJS.ErrnoException).code));
  }
  try {
    const st = fstatSync(fd);
    const refused = refusal(path, st) ?? (st.isDirectory() ? new BadInputError(path, {}, pathProblem('EISDIR')) : null);
    if (refused) throw refused;
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * A pass-through that hashes and counts every byte on its way to the parser, so provenance
 * (SHA-256, size) describes exactly what was parsed, in one read of the file.
 */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly onBytes: (delta: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Counts what a gunzip puts out and stops it past the limits: more than `maxDecompressedBytes`
 * in all, or, after the first MiB, more than `maxGzipRatio` bytes out per compressed byte the
 * gunzip has taken in. A bomb is refused after a few MiB of output, in bounded memory.
 */
class DecompressionGuard extends Transform {
  private out = 0;
  constructor(
    private readonly file: string,
    private readonly gunzip: Gunzip,
    private readonly limits: Required<InputLimits>,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.out += chunk.length;
    const taken = Math.max(1, this.gunzip.bytesWritten);
    const { maxDecompressedBytes: max, maxGzipRatio: ratio } = this.limits;
    const limits = `the limits are ${ratio}:1 after the first MiB and ${formatBytes(max, true)} in all`;
    if (this.out > max) {
      return done(new BadInputError(this.file, {}, `decompresses to more than ${formatBytes(max, true)}; ${limits}. If the file is genuine, raise them with --max-decompressed-bytes`));
    }
    if (this.out > RATIO_GRACE_BYTES && this.out > ratio * taken) {
      return done(
        new BadInputError(
          this.file,
          {},
          `decompresses to more than ${ratio} times its compressed size (${formatBytes(this.out)} from ${formatBytes(taken)} of gzip data): refused as a likely decompression bomb; ${limits}. ` +
            'If the file is genuine, raise them with --max-gzip-ratio',
        ),
      );
    }
    done(null, chunk);
  }
}

/** Exports are often gzipped (`.csv.gz`, `.json.gz`); they are read through gunzip as they stream. */
export const isGzip = (path: string): boolean => /\.gz$/i.test(path);

/**
 * Opens a source for parsing: the hash and byte count cover the file's own bytes (compressed,
 * for a .gz), so provenance names exactly the file that was given; the parser gets plain text,
 * within the decompression limits. Every stage is joined by pipeline: an error anywhere reaches
 * the parser's stream, and destroying that stream closes the file.
 */
export function openHashed(file: SourceFile, onBytes: (delta: number) => void, limits: InputLimits = {}): { stream: NodeJS.ReadableStream & { destroy(error?: Error): unknown }; hasher: HashingCounter } {
  const checked = resolveLimits(limits);
  const fd = openRegularSync(file.path);
  const hasher = new HashingCounter(onBytes);
  const input = createReadStream(file.path, { fd, highWaterMark: 1 << 20 });
  const ignore = (): void => {};
  if (!isGzip(file.path)) return { stream: pipeline(input, hasher, ignore), hasher };
  // Larger output chunks than the 16 KiB default: fewer hand-offs per MiB through the guard and the line splitter.
  const gunzip = createGunzip({ chunkSize: 1 << 17 });
  return { stream: pipeline(input, hasher, gunzip, new DecompressionGuard(file.path, gunzip, checked), ignore), hasher };
}

/**
 * Turns an error met while reading a file into bad input naming it: gzip data that is cut short
 * or invalid, or a file that cannot be read. Anything else is returned as it is.
 */
export function readError(file: string, error: unknown): unknown {
  if (error instanceof BadInputError) return error;
  const e = error as Error & { code?: string };
  if (e?.code === 'Z_BUF_ERROR' || (e?.code?.startsWith('Z_') && /unexpected end/i.test(e.message))) {
    return new BadInputError(file, {}, 'the gzip data is truncated: it ends before the end of its compressed stream (was the download or copy cut short?)');
  }
  if (e?.code?.startsWith('Z_')) return new BadInputError(file, {}, `not valid gzip data (${e.message})`);
  if (e?.code === 'EIO' || e?.code === 'EINVAL' || e?.code === 'ENXIO') return new BadInputError(file, {}, `cannot read the file (${e.code})`);
  if (e?.code?.startsWith('E') && /^E[A-Z]+$/.test(e.code)) return new BadInputError(file, {}, pathProblem(e.code));
  if (e instanceof RangeError && /string length|buffer/i.test(e.message)) return new BadInputError(file, {}, `too large to read (${e.message})`);
  return error;
}

/** The first 64 KB of a file: all that format detection looks at. */
export const DETECT_PREFIX_BYTES = 1 << 16;

/**
 * The first `maxBytes` bytes of a file's content (decompressed, for a .gz), read synchronously
 * and never more: format detection looks at a prefix, whatever the file's size. A gzip's
 * prefix is decompressed with at most `maxBytes` of output, so a bomb costs no more than that.
 * Special files are refused (openRegularSync).
 */
export function readPrefixSync(path: string, maxBytes: number = DETECT_PREFIX_BYTES): Buffer {
  const fd = openRegularSync(path);
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(maxBytes);
    let n = 0;
    while (n < maxBytes) {
      const got = readSync(fd, buf, n, maxBytes - n, n);
      if (got === 0) break;
      n += got;
    }
    raw = buf.subarray(0, n);
  } catch (error) {
    throw readError(path, error);
  } finally {
    closeSync(fd);
  }
  if (!isGzip(path)) return raw;
  // Fewer compressed bytes until the output fits: a highly compressed start yields maxBytes from a few.
  for (let take = raw.length; ; take = Math.floor(take / 2)) {
    try {
      return gunzipSync(raw.subarray(0, take), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxBytes * 4 }).subarray(0, maxBytes);
    } catch (error) {
      const e = error as Error & { code?: string };
      if (e.code === 'ERR_BUFFER_TOO_LARGE' && take > 64) continue;
      if (e.code?.startsWith('Z_')) throw new BadInputError(path, { offset: 0 }, `not valid gzip data (${e.message})`);
      throw readError(path, error);
    }
  }
}

/** The first line of a text prefix, without a BOM or the \r of a CRLF. */
export function firstLineOf(prefix: Buffer): string {
  const nl = prefix.indexOf(10);
  return (nl >= 0 ? prefix.subarray(0, nl) : prefix).toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
}

/** Reads a file's first line (the CSV header, or a JSON stream's first object) from its first 64 KB at most. */
export async function readFirstLine(path: string, maxBytes = DETECT_PREFIX_BYTES): Promise<string> {
  return firstLineOf(readPrefixSync(path, maxBytes));
}
