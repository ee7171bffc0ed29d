import { createInterface } from 'node:readline';
import { parse as parseLossless } from 'lossless-json';
import { CsvRow, type ReadDigest } from './csvRows';
import { BadInputError } from './errors';
import { openHashed, type SourceFile } from './sources';

/**
 * Parses JSON keeping every number as its exact decimal text: values and block numbers can
 * exceed 2^53, and nothing may pass through a JS number.
 */
export function parseJsonLossless(text: string, file: string, where: { line?: number }): unknown {
  try {
    return parseLossless(text, null, (n: string) => n);
  } catch (error) {
    throw new BadInputError(file, where, `not valid JSON: ${(error as Error).message}`);
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
 */
export async function* readJsonRowBatches(file: SourceFile, onBytes: (delta: number) => void, digest: ReadDigest): AsyncGenerator<{ row: CsvRow; type: string | null }[]> {
  const { stream, hasher } = openHashed(file, onBytes);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let batch: { row: CsvRow; type: string | null }[] = [];
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      const obj = parseJsonLossless(text, file.path, { line });
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BadInputError(file.path, { line }, 'expected one JSON object per line');
      const o = obj as Record<string, unknown>;
      batch.push({ row: rowFromObject(file.path, line, o), type: typeof o.type === 'string' ? o.type : null });
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') throw new BadInputError(file.path, {}, `not valid gzip data (${e.message})`);
    throw error;
  }
  if (batch.length) yield batch;
  digest.sha256 = hasher.digest();
  digest.bytes = hasher.bytes;
}
