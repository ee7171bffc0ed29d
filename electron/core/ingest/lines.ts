import { Transform, type TransformCallback } from 'node:stream';
import { BadInputError, excerpt, formatBytes } from './errors';

/**
 * The longest record (one line, or one CSV record whose quotes span lines) an import accepts:
 * 16 MiB, far above any real export's row (an ethereum-etl transaction with a large input is a
 * few hundred KB), and small enough that a file with no line breaks is refused after reading
 * 16 MiB instead of filling memory. Settable per import (ImportOptions.maxRecordBytes,
 * `cairn import --max-record-bytes N`).
 */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** How much of a too-long line's start is kept for the error's excerpt. */
const HEAD_BYTES = 240;

/** The error for a record over the limit: the file, its line, the limit and how to raise it, a short excerpt. */
export function recordTooLong(file: string, line: number, limit: number, start: Buffer | string | null): BadInputError {
  const text = start === null ? '' : typeof start === 'string' ? start : start.subarray(0, HEAD_BYTES).toString('utf8');
  return new BadInputError(
    file,
    { line },
    `the record on this line is longer than ${formatBytes(limit, true)}, the maximum record size` +
      (text ? ` (it starts "${excerpt(text, 60)}")` : '') +
      '; a file with no line breaks is not an export Cairn reads. If the file really holds such long rows, raise the limit with --max-record-bytes',
  );
}

/** Checks a record-size limit given by a caller: a whole number of bytes, at least 1. */
export function checkRecordLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`maxRecordBytes: expected a whole number of bytes, at least 1, found ${String(limit)}`);
  return limit;
}

/**
 * Splits a byte stream into lines in linear time and bounded memory. Each chunk is searched for
 * line feeds once; the bytes of a line that spans chunks are kept as a list of pieces and joined
 * once, when its end arrives (never re-joined or re-scanned per chunk, which made one long line
 * cost quadratic time). A line longer than the limit fails as soon as the bytes read show it,
 * naming the file and line: memory holds at most the limit plus one chunk.
 *
 * Lines are decoded as UTF-8 one by one; a line feed byte never occurs inside a multi-byte
 * character, so splitting on bytes is exact. The \r of a CRLF is left on the line (the CSV
 * reader needs to tell it from a \r inside quotes).
 */
export class LineSplitter {
  /** Lines completed so far: the number of the line being read is line + 1. */
  line = 0;
  private pieces: Buffer[] = [];
  private pending = 0;

  constructor(
    readonly file: string,
    readonly maxRecordBytes: number = DEFAULT_MAX_RECORD_BYTES,
  ) {}

  /** Hands every line this chunk completes to onLine, with its 1-based number. */
  push(chunk: Buffer, onLine: (text: string, line: number) => void): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const length = this.pending + (nl - start);
      if (length > this.maxRecordBytes) this.fail(chunk.subarray(start, nl));
      let text: string;
      if (this.pending === 0) text = chunk.toString('utf8', start, nl);
      else {
        this.pieces.push(chunk.subarray(start, nl));
        text = Buffer.concat(this.pieces, length).toString('utf8');
        this.pieces = [];
        this.pending = 0;
      }
      this.line++;
      onLine(text, this.line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.pending + rest.length > this.maxRecordBytes) this.fail(rest);
      this.pieces.push(rest);
      this.pending += rest.length;
    }
  }

  /** The last line, when the file does not end with a line feed. */
  end(onLine: (text: string, line: number) => void): void {
    if (this.pending === 0) return;
    const text = Buffer.concat(this.pieces, this.pending).toString('utf8');
    this.pieces = [];
    this.pending = 0;
    this.line++;
    onLine(text, this.line);
  }

  private fail(latest: Buffer): never {
    throw recordTooLong(this.file, this.line + 1, this.maxRecordBytes, this.pieces[0] ?? latest);
  }
}

/**
 * A pass-through that refuses a line longer than the limit, for a parser that splits lines
 * itself (csv-parse): it counts bytes between line feeds without building any line, so a file
 * with no line breaks fails after `limit` bytes, naming its line, before the parser buffers it.
 */
export class LineLengthGuard extends Transform {
  private line = 1;
  private current = 0;
  private head: Buffer | null = null;

  constructor(
    private readonly file: string,
    private readonly limit: number = DEFAULT_MAX_RECORD_BYTES,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.current + (nl - start) > this.limit) return done(recordTooLong(this.file, this.line, this.limit, this.head ?? chunk.subarray(start, nl)));
      this.line++;
      this.current = 0;
      this.head = null;
      start = nl + 1;
    }
    if (start < chunk.length) {
      // A copy: the chunk itself is passed on and must not be kept whole for an excerpt.
      if (this.current === 0) this.head = Buffer.from(chunk.subarray(start, start + HEAD_BYTES));
      this.current += chunk.length - start;
      if (this.current > this.limit) return done(recordTooLong(this.file, this.line, this.limit, this.head));
    }
    done(null, chunk);
  }
}

/**
 * The lines of a byte stream, one by one, split by LineSplitter (linear time, bounded memory,
 * the record limit enforced), each without its line feed or the \r of a CRLF: a drop-in for
 * readline's createInterface, which keeps a line without breaks whole in memory.
 */
export async function* boundedLines(stream: AsyncIterable<Buffer | string>, file: string, maxRecordBytes: number = DEFAULT_MAX_RECORD_BYTES): AsyncGenerator<string> {
  const splitter = new LineSplitter(file, maxRecordBytes);
  let ready: string[] = [];
  const take = (text: string): void => void ready.push(text.endsWith('\r') ? text.slice(0, -1) : text);
  for await (const chunk of stream) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, take);
    const lines = ready;
    ready = [];
    yield* lines;
  }
  splitter.end(take);
  yield* ready;
}
