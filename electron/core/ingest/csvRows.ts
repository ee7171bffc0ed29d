import { parse as parseCsv } from 'csv-parse/sync';
import { BadInputError, excerpt, formatBytes } from './errors';
import { LineSplitter } from './lines';
import { threadMessages } from './parseThread';
import { openHashed, readError, resolveLimits, type InputLimits, type SourceFile } from './sources';

/** The largest EVM amount: a uint256. A value above it cannot be on an EVM chain. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * One CSV data row with typed, validated accessors. Every failure names the file, the line
 * and the column, and says what was expected and what was found.
 */
export class CsvRow {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly columns: ReadonlyMap<string, number>,
    private readonly values: readonly string[],
    /** The file read's numbered columns (CsvReadOptions.numbered), by position in its numbers. */
    readonly numbering: TextNumbering | null = null,
    private readonly numbers: Int32Array | null = null,
    /** Where this row's numbers start in `numbers`. */
    private readonly numbersAt = 0,
  ) {}

  /**
   * The number the reader gave this field's text, for a column it numbers: equal texts of one
   * file read get equal numbers (while the reader remembers them: see TextNumbers), so a writer
   * can remember what it made of a text by number instead of by the text. -1 for an empty field
   * or a column not numbered.
   */
  textNumber(column: string): number {
    const k = this.numbering?.columns.get(column);
    return k === undefined ? -1 : this.numbers![this.numbersAt + k]!;
  }

  fail(column: string, problem: string): never {
    throw new BadInputError(this.file, { line: this.line }, `column "${excerpt(column, 60)}": ${problem}`);
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** The raw field, '' when the column is absent or the field is empty (CSV null). */
  text(column: string): string {
    const i = this.columns.get(column);
    return i === undefined ? '' : this.values[i];
  }

  required(column: string): string {
    const v = this.text(column);
    if (v === '') this.fail(column, 'expected a value, found an empty field');
    return v;
  }

  /** A non-negative integer small enough for a JS number (block numbers, indexes, timestamps). */
  int(column: string): number {
    const v = this.required(column);
    if (!/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) this.fail(column, `expected a non-negative integer, found "${clip(v)}"`);
    return Number(v);
  }

  optionalInt(column: string): number | null {
    return this.text(column) === '' ? null : this.int(column);
  }

  /**
   * A point in time as unix seconds: ethereum-etl writes seconds; BigQuery exports write its
   * TIMESTAMP text (`2015-11-03 14:44:40 UTC`, also with fractional seconds or as ISO 8601 with
   * `Z`). Block times are whole seconds, so fractions are dropped.
   */
  timestamp(column: string): number {
    const v = this.required(column);
    if (/^(0|[1-9][0-9]*)$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: UTC|Z|\+00:00| \+0000)?$/.exec(v);
    if (m) {
      const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
      const ms = Date.UTC(year, month - 1, day, hour, minute, second);
      const back = new Date(ms);
      // Date.UTC rolls over impossible dates (2024-02-31); refuse them instead.
      if (back.getUTCMonth() === month - 1 && back.getUTCDate() === day && hour < 24 && minute < 60 && second < 60) return ms / 1000;
    }
    return this.fail(column, `expected unix seconds or a UTC timestamp such as 2015-11-03 14:44:40 UTC, found "${clip(v)}"`);
  }

  optionalTimestamp(column: string): number | null {
    return this.text(column) === '' ? null : this.timestamp(column);
  }

  /**
   * A decimal integer in base units, exact, at most 2^256 − 1: amounts (and token ids) on EVM
   * chains and Tron are uint256, so a larger number is not a value any chain recorded.
   */
  amount(column: string): bigint {
    const v = this.required(column);
    if (!/^(0|[1-9][0-9]*)$/.test(v)) this.fail(column, `expected a non-negative integer in base units, found "${clip(v)}"`);
    return checkUint256(this, column, BigInt(v), v);
  }

  /** Parses with a codec; the codec's error message becomes the problem. */
  with<T>(column: string, parse: (text: string) => T): T {
    const v = this.required(column);
    try {
      return parse(v);
    } catch (error) {
      return this.fail(column, (error as Error).message);
    }
  }

  optionalWith<T>(column: string, parse: (text: string) => T): T | null {
    return this.text(column) === '' ? null : this.with(column, parse);
  }
}

/** A field's text as an error may quote it: short, control characters escaped. */
function clip(v: string): string {
  return excerpt(v, 80);
}

/** A column name: printable text (letters, digits, punctuation, symbols, spaces), not too long. */
const COLUMN_NAME = /^[\p{L}\p{N}\p{P}\p{S} ]{0,64}$/u;

/**
 * What a header's first fields say, as an error may quote them (short and escaped), or null
 * when the line does not look like a CSV header at all (one field, an overlong or unprintable
 * one, no name starting with a letter): a password file or a binary is then not quoted back.
 */
export function columnsFound(names: readonly string[]): string | null {
  const looksLikeHeader = names.length >= 2 && names.every((n) => COLUMN_NAME.test(n)) && names.some((n) => /^\p{L}/u.test(n));
  if (!looksLikeHeader) return null;
  return excerpt(names.slice(0, 8).join(', ') + (names.length > 8 ? ', …' : ''), 120);
}

/** Refuses an amount above 2^256 − 1 on the row's line and column, saying how long it is. */
export function checkUint256(row: CsvRow, column: string, value: bigint, text: string): bigint {
  if (value > MAX_UINT256) row.fail(column, `expected an amount of at most 2^256 − 1 base units (a uint256, the largest an EVM chain holds), found "${clip(text)}"`);
  return value;
}

export interface CsvReadOptions {
  readonly requiredColumns: readonly string[];
  /** Columns whose texts the reader numbers (CsvRow.textNumber): those a writer looks up by text on most rows. */
  readonly numbered?: readonly string[];
  /** Cancels a read on the reading thread at once, even while it waits for the file. */
  readonly signal?: AbortSignal;
  readonly onBytes: (delta: number) => void;
  /** The record size and decompression limits (defaults in sources.ts). */
  readonly limits?: InputLimits;
}

/** Filled in when the file has been read to its end: what provenance records. */
export interface ReadDigest {
  sha256: string;
  bytes: number;
}

/** Rows are handed over in batches: one await per batch instead of one per row. */
const BATCH_ROWS = 2048;
/** A quoted field longer than this is a stray quote, not data: refused before it fills memory. */
const MAX_QUOTED_RECORD = 1 << 20;

/**
 * Splits one record into fields. Most exports quote nothing, and splitting such a line on
 * commas is several times faster than a general CSV parser; a record with a quote goes through
 * csv-parse, which handles quoted commas, doubled quotes and line breaks inside quotes.
 */
function fields(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const parsed = parseCsv(record, { relax_column_count: true }) as string[][];
  return parsed[0] ?? [''];
}

/** A batch of records as they cross from the reading thread: the header's names, each record's line and fields. */
export interface RawCsvBatch {
  readonly header: readonly string[];
  readonly lines: number[];
  readonly values: string[][];
  /** For each record, the numbers of its numbered columns' texts, in CsvReadOptions.numbered order. */
  readonly numbers: Int32Array;
}

/** The numbered columns of one file read, by position in each row's numbers. */
export interface TextNumbering {
  readonly columns: ReadonlyMap<string, number>;
}

/** How many texts the reader remembers before it starts numbering afresh. */
export const TEXT_NUMBERS_REMEMBERED = 500_000;

/**
 * Numbers texts in the order they are first met. A text met again gets its number again, as long
 * as it is among the last `remembered` new texts: past that the memory is emptied and texts met
 * again get new numbers (higher, never reused), so memory stays bounded whatever the file.
 */
export class TextNumbers {
  private readonly seen = new Map<string, number>();
  private next = 0;
  constructor(private readonly remembered = TEXT_NUMBERS_REMEMBERED) {}

  of(text: string): number {
    if (text === '') return -1;
    let n = this.seen.get(text);
    if (n === undefined) {
      if (this.seen.size >= this.remembered) this.seen.clear();
      n = this.next++;
      this.seen.set(text, n);
    }
    return n;
  }
}

/**
 * Streams a CSV file in batches of records (memory stays flat whatever its size: the file is
 * read as the batches are taken), hashing it on the way. The header row names the columns; a
 * missing required column fails on line 1; a row with another number of fields than the
 * header, or a quote left open, fails on its line.
 */
export async function* readRawCsvBatches(file: SourceFile, options: CsvReadOptions, digest: ReadDigest): AsyncGenerator<RawCsvBatch> {
  const limits = resolveLimits(options.limits);
  // A stray quote is found long before a record limit: an open quote 1 MiB on is refused, or sooner with a lower limit.
  const maxOpenQuote = Math.min(MAX_QUOTED_RECORD, limits.maxRecordBytes);
  const { stream, hasher } = openHashed(file, options.onBytes, limits);
  const splitter = new LineSplitter(file.path, limits.maxRecordBytes);
  let header: string[] | null = null;
  let lines: number[] = [];
  let batch: string[][] = [];
  let line = 0;
  const numbered = options.numbered ?? [];
  // Where each numbered column is in a record (a name given twice is read from its last column), -1 when absent.
  let numberedAt: number[] = [];
  const numbering = new TextNumbers();
  let numbers: number[] = [];
  // A record whose quotes are still open at the end of a line continues on the next one.
  let open: { text: string; quotes: number; from: number } | null = null;

  const take = (record: string): void => {
    let values: string[];
    try {
      values = fields(record);
    } catch (error) {
      const e = error as Error;
      throw new BadInputError(file.path, { line }, `not valid CSV: ${excerpt(e.message.replace(/^Invalid [^:]*: /, '').replace(/ at line \d+$/, ''), 200)}`);
    }
    if (!header) {
      header = values.map((name) => name.trim());
      const missing = options.requiredColumns.filter((c) => !header!.includes(c));
      if (missing.length) throw new BadInputError(file.path, { line: 1 }, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header`);
      numberedAt = numbered.map((c) => header!.lastIndexOf(c));
      return;
    }
    if (values.length !== header.length) throw new BadInputError(file.path, { line }, `not valid CSV: expected ${header.length} fields as in the header, found ${values.length}`);
    lines.push(line);
    batch.push(values);
    for (const i of numberedAt) numbers.push(i < 0 ? -1 : numbering.of(values[i]!));
  };
  const takeLine = (raw: string, n: number): void => {
    line = n;
    if (line === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    // The \r of a CRLF ends the record; inside an open quote it is part of the field.
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const quotes = countQuotes(text);
    if (open) {
      const total = open.quotes + quotes;
      if (total % 2 === 1) {
        open = { text: `${open.text}\n${raw}`, quotes: total, from: open.from };
        if (open.text.length > maxOpenQuote) {
          throw new BadInputError(file.path, { line: open.from }, `not valid CSV: a quote opened on this line is still open ${formatBytes(maxOpenQuote, true)} later`);
        }
        return;
      }
      const record = `${open.text}\n${text}`;
      open = null;
      take(record);
      return;
    }
    if (quotes % 2 === 1) {
      open = { text: raw, quotes, from: line };
      return;
    }
    if (text === '') return;
    take(text);
  };

  try {
    for await (const chunk of stream) {
      splitter.push(chunk as Buffer, takeLine);
      if (batch.length >= BATCH_ROWS) {
        yield { header: header!, lines, values: batch, numbers: Int32Array.from(numbers) };
        lines = [];
        batch = [];
        numbers = [];
      }
    }
    splitter.end(takeLine);
    // (takeLine assigns `open`; the compiler cannot see that through the closure.)
    const unclosed = open as { from: number } | null;
    if (unclosed) throw new BadInputError(file.path, { line: unclosed.from }, 'not valid CSV: a quote opened on this line is not closed before the end of the file');
  } catch (error) {
    throw toBadInput(file, error);
  } finally {
    stream.destroy();
  }
  if (batch.length) yield { header: header!, lines, values: batch, numbers: Int32Array.from(numbers) };
  if (!header) throw new BadInputError(file.path, { line: 1 }, 'the file is empty: expected a header row');
  digest.sha256 = hasher.digest();
  digest.bytes = hasher.bytes;
}

/** What the reading thread is asked, and what it answers (csvParseWorker.ts). */
export type CsvThreadRequest = { type: 'start'; file: SourceFile; requiredColumns: string[]; numbered: string[]; limits: Required<InputLimits> } | { type: 'ack' };
export type CsvThreadReply =
  | ({ type: 'batch'; header: readonly string[] | null; bytes: number } & Omit<RawCsvBatch, 'header'>)
  | { type: 'end'; bytes: number; sha256: string; total: number };

/** Batches the reading thread may run ahead by: a few thousand rows each. */
export const CSV_READ_AHEAD = 8;
/** Smaller files are read on the importing thread: starting a thread costs more than it saves. */
export const CSV_THREAD_MIN_BYTES = 8 << 20;

let csvThread: { script: string; minBytes: number } | undefined;

/**
 * Registers the bundled CSV reading thread (dist/node/csvParseWorker.cjs): files of at least
 * `minBytes` are then read, split and checked on a second thread while the importer writes. The
 * bundled entry points register it; source runs (tests under tsx) read in-process unless a test
 * registers the built script. undefined reads every file in-process.
 */
export function useCsvParseThread(script: string | undefined, minBytes = CSV_THREAD_MIN_BYTES): void {
  csvThread = script === undefined ? undefined : { script, minBytes };
}

/**
 * A CSV file's rows in batches, as readRawCsvBatches reads them, on the reading thread when one
 * is registered and the file is big enough for it: both give the same rows, lines, errors and digest.
 */
export async function* readCsvBatches(file: SourceFile, options: CsvReadOptions, digest: ReadDigest): AsyncGenerator<CsvRow[]> {
  let columns: Map<string, number> | null = null;
  const numbered = options.numbered ?? [];
  const numbering: TextNumbering = { columns: new Map(numbered.map((c, k) => [c, k])) };
  const rows = (b: Omit<RawCsvBatch, 'header'> & { header: readonly string[] | null }): CsvRow[] => {
    // A name given twice in the header is read from its last column.
    columns ??= new Map(b.header!.map((name, i) => [name, i]));
    return b.values.map((v, i) => new CsvRow(file.path, b.lines[i]!, columns!, v, numbering, b.numbers, i * numbered.length));
  };
  if (!csvThread || file.size < csvThread.minBytes) {
    for await (const b of readRawCsvBatches(file, options, digest)) yield rows(b);
    return;
  }
  const start: CsvThreadRequest = { type: 'start', file: { path: file.path, name: file.name, size: file.size }, requiredColumns: [...options.requiredColumns], numbered: [...numbered], limits: resolveLimits(options.limits) };
  for await (const m of threadMessages<CsvThreadReply>(csvThread.script, 'CSV reading', start, (r) => r.type === 'batch', options.signal)) {
    if (m.bytes > 0) options.onBytes(m.bytes);
    if (m.type === 'end') {
      digest.sha256 = m.sha256;
      digest.bytes = m.total;
      return;
    }
    yield rows(m);
  }
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}

function toBadInput(file: SourceFile, error: unknown): unknown {
  if (error instanceof BadInputError) return error;
  const e = error as Error & { code?: string; lines?: number };
  if (e.code && e.code.startsWith('CSV_')) {
    return new BadInputError(file.path, { line: e.lines }, `not valid CSV: ${excerpt(e.message.replace(/^Invalid [^:]*: /, ''), 200)}`);
  }
  return readError(file.path, error);
}
