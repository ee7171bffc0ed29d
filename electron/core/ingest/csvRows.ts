import { parse } from 'csv-parse';
import { BadInputError } from './errors';
import { openHashed, type SourceFile } from './sources';

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
  ) {}

  fail(column: string, problem: string): never {
    throw new BadInputError(this.file, { line: this.line }, `column "${column}": ${problem}`);
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

  /** A decimal integer in base units, exact, of any size. */
  amount(column: string): bigint {
    const v = this.required(column);
    if (!/^(0|[1-9][0-9]*)$/.test(v)) this.fail(column, `expected a non-negative integer in base units, found "${clip(v)}"`);
    return BigInt(v);
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

function clip(v: string): string {
  return v.length > 80 ? `${v.slice(0, 80)}…` : v;
}

export interface CsvReadOptions {
  readonly requiredColumns: readonly string[];
  readonly onBytes: (delta: number) => void;
}

/** Filled in when the file has been read to its end: what provenance records. */
export interface ReadDigest {
  sha256: string;
  bytes: number;
}

/** Rows are handed over in batches: one await per batch instead of one per row. */
const BATCH_ROWS = 2048;
const MAX_QUEUED_BATCHES = 4;

/**
 * Streams a CSV file in batches of rows (memory stays flat whatever its size: the parser is
 * paused while a few batches wait), hashing it on the way. The header row names the columns;
 * a missing required column fails on line 1.
 */
export async function* readCsvBatches(file: SourceFile, options: CsvReadOptions, digest: ReadDigest): AsyncGenerator<CsvRow[]> {
  const { stream, hasher } = openHashed(file, options.onBytes);
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: false });
  let columns: Map<string, number> | null = null;
  const queue: CsvRow[][] = [];
  let current: CsvRow[] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    signal();
  };

  parser.on('data', (record: string[]) => {
    if (failure) return;
    if (!columns) {
      columns = new Map(record.map((name, i) => [name.trim(), i]));
      const missing = options.requiredColumns.filter((c) => !columns!.has(c));
      if (missing.length) {
        fail(new BadInputError(file.path, { line: 1 }, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header`));
        parser.destroy();
      }
      return;
    }
    // parser.info.lines is the line on which this record ends.
    current.push(new CsvRow(file.path, parser.info.lines, columns, record));
    if (current.length >= BATCH_ROWS) {
      queue.push(current);
      current = [];
      if (queue.length >= MAX_QUEUED_BATCHES) parser.pause();
      signal();
    }
  });
  parser.on('end', () => {
    if (current.length) queue.push(current);
    current = [];
    ended = true;
    signal();
  });
  parser.on('error', fail);
  stream.on('error', fail);
  stream.pipe(parser);

  try {
    for (;;) {
      if (failure) throw failure;
      const batch = queue.shift();
      if (batch) {
        if (queue.length < MAX_QUEUED_BATCHES && parser.isPaused()) parser.resume();
        yield batch;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (error) {
    throw toBadInput(file, error);
  } finally {
    stream.unpipe(parser);
    parser.destroy();
  }
  if (!columns) throw new BadInputError(file.path, { line: 1 }, 'the file is empty: expected a header row');
  digest.sha256 = hasher.digest();
  digest.bytes = hasher.bytes;
}

function toBadInput(file: SourceFile, error: unknown): unknown {
  if (error instanceof BadInputError) return error;
  const e = error as Error & { code?: string; lines?: number };
  if (e.code && e.code.startsWith('CSV_')) {
    return new BadInputError(file.path, { line: e.lines }, `not valid CSV: ${e.message.replace(/^Invalid [^:]*: /, '')}`);
  }
  if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
    return new BadInputError(file.path, {}, `cannot read the file (${e.code})`);
  }
  return error;
}
