import { parse as parseLossless } from 'lossless-json';
import { CsvRow, type ReadDigest } from './csvRows';
import { BadInputError, excerpt } from './errors';
import { LineSplitter } from './lines';
import { openHashed, readError, resolveLimits, type InputLimits, type SourceFile } from './sources';

/**
 * Parses JSON keeping every number as its exact decimal text: values and block numbers can
 * exceed 2^53, and nothing may pass through a JS number.
 */
export function parseJsonLossless(text: string, file: string, where: { line?: number }): unknown {
  try {
    return parseLossless(text, null, (n: string) => n);
  } catch (error) {
    throw new BadInputError(file, where, `not valid JSON: ${excerpt((error as Error).message, 160)}`);
  }
}

/**
 * One JSON object as a row with the same typed accessors as a CSV row, so both forms of an
 * export go through the same validation. Fields become their CSV spelling: numbers their exact
 * decimal text, null an empty field, booleans True/False, lists comma-joined (trace_address
 * [0, 1] is "0,1"), objects compact JSON.
 */
export function rowFromObject(file: string, line: number, obj: Readonly<Record<string, unknown>>): CsvRow {
  const keys = Object.keys(obj);
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (Array.isArray(v)) return v.map(text).join(',');
    return JSON.stringify(v);
  };
  return new CsvRow(file, line, new Map(keys.map((k, i) => [k, i])), keys.map((k) => text(obj[k])));
}

const BATCH_ROWS = 2048;

/**
 * Streams newline-delimited JSON (plain or .gz) in batches of rows, hashing the file's bytes
 * on the way. Each row keeps its line's `type` field (the ethereum-etl stream form), or null.
 * Lines are split by LineSplitter: linear time, and a line over the record limit is refused.
 */
export async function* readJsonRowBatches(
  file: SourceFile,
  onBytes: (delta: number) => void,
  digest: ReadDigest,
  limits: InputLimits = {},
): AsyncGenerator<{ row: CsvRow; type: string | null }[]> {
  const checked = resolveLimits(limits);
  const { stream, hasher } = openHashed(file, onBytes, checked);
  const splitter = new LineSplitter(file.path, checked.maxRecordBytes);
  let batch: { row: CsvRow; type: string | null }[] = [];
  const takeLine = (raw: string, line: number): void => {
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return;
    const obj = parseJsonLossless(text, file.path, { line });
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BadInputError(file.path, { line }, 'expected one JSON object per line');
    const o = obj as Record<string, unknown>;
    batch.push({ row: rowFromObject(file.path, line, o), type: typeof o.type === 'string' ? o.type : null });
  };
  try {
    for await (const chunk of stream) {
      splitter.push(chunk as Buffer, takeLine);
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
    splitter.end(takeLine);
  } catch (error) {
    throw readError(file.path, error);
  } finally {
    stream.destroy();
  }
  if (batch.length) yield batch;
  digest.sha256 = hasher.digest();
  digest.bytes = hasher.bytes;
}
