import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { readCsvBatches, TextNumbers, type CsvRow, type ReadDigest } from '../../../../electron/core/ingest/csvRows';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { tempDir, writeFile } from '../../helpers';

async function read(path: string, requiredColumns: string[] = []): Promise<{ rows: { line: number; a: string; b: string; c: string }[]; digest: ReadDigest }> {
  const digest: ReadDigest = { sha256: '', bytes: 0 };
  const rows: { line: number; a: string; b: string; c: string }[] = [];
  const file = { path, name: basename(path), size: statSync(path).size };
  for await (const batch of readCsvBatches(file, { requiredColumns, onBytes: () => {} }, digest)) {
    for (const r of batch) rows.push({ line: r.line, a: r.text('a'), b: r.text('b'), c: r.text('c') });
  }
  return { rows, digest };
}

test('CSV: quoted commas, doubled quotes and line breaks inside quotes, CRLF, a BOM and blank lines read as csv-parse reads them, with each row on the line it ends', async () => {
  const dir = tempDir();
  const text = '\uFEFFa,b,c\r\n1,plain,x\r\n2,"with, comma","say ""hi"""\r\n\r\n3,"two\r\nlines",y\r\n4,,\r\n';
  const path = writeFile(dir, 'tricky.csv', text);
  const { rows, digest } = await read(path, ['a', 'b']);
  assert.deepEqual(rows, [
    { line: 2, a: '1', b: 'plain', c: 'x' },
    { line: 3, a: '2', b: 'with, comma', c: 'say "hi"' },
    { line: 6, a: '3', b: 'two\r\nlines', c: 'y' },
    { line: 7, a: '4', b: '', c: '' },
  ]);
  // The same values as csv-parse gives for the whole file.
  const reference = parse(text, { bom: true, skip_empty_lines: true, columns: true }) as { a: string; b: string; c: string }[];
  assert.deepEqual(rows.map(({ a, b, c }) => ({ a, b, c })), reference);
  assert.equal(digest.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
  assert.equal(digest.bytes, statSync(path).size);
});

test('CSV: a large file crosses read chunks anywhere, even inside a quoted field, and reads the same', async () => {
  const dir = tempDir();
  const lines = ['a,b,c'];
  for (let i = 0; i < 60_000; i++) lines.push(i % 1000 === 7 ? `${i},"multi\nline ${i}, quoted",z` : `${i},v${i},${'x'.repeat(i % 40)}`);
  const path = join(dir, 'big.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const { rows } = await read(path);
  const reference = parse(readFileSync(path), { columns: true }) as { a: string; b: string; c: string }[];
  assert.equal(rows.length, 60_000);
  assert.deepEqual(rows.map(({ a, b, c }) => ({ a, b, c })), reference);
  assert.equal(rows.at(-1)!.line, 60_001 + 60, 'each multi-line record adds a line');
});

test('CSV: a ragged row, a quote never closed, a missing column and an empty file are refused with the file and line named', async () => {
  const dir = tempDir();
  const refused = async (text: string, pattern: RegExp, required: string[] = []) => {
    const path = writeFile(dir, `bad-${Math.random().toString(36).slice(2)}.csv`, text);
    await assert.rejects(read(path, required), (e: unknown) => e instanceof BadInputError && e.message.startsWith(path) && pattern.test(e.message));
  };
  await refused('a,b,c\n1,2,3\n1,2\n', /line 3: not valid CSV: expected 3 fields as in the header, found 2/);
  await refused('a,b,c\n1,2,3\n4,"open,6\n7,8,9\n', /line 3: not valid CSV: a quote opened on this line is not closed/);
  await refused('a,b,c\n1,x"y,3\n', /line 2: not valid CSV/);
  await refused(`a,b,c\n1,2,3\n4,"stray,6\n${'7,8,9\n'.repeat(200_000)}`, /line 3: not valid CSV: a quote opened on this line is still open 1 MiB later/);
  await refused('a,b\n1,2\n', /line 1: missing column "c" in the header/, ['a', 'c']);
  await refused('', /line 1: the file is empty/);
});

test('CSV: numbered columns give equal texts equal numbers within a read, and memory for them stays bounded', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'n.csv', ['a,b,c', 'x,y,1', 'y,,2', 'x,z,3', 'z,x,4'].join('\n') + '\n');
  const digest: ReadDigest = { sha256: '', bytes: 0 };
  const rows: CsvRow[] = [];
  for await (const b of readCsvBatches({ path: file, name: 'n.csv', size: statSync(file).size }, { requiredColumns: [], numbered: ['a', 'b', 'missing'], onBytes: () => {} }, digest)) rows.push(...b);
  const n = (col: string) => rows.map((r) => r.textNumber(col));
  // x, y, z numbered in the order first met, across both columns; an empty field and an absent or unnumbered column: -1.
  assert.deepEqual(n('a'), [0, 1, 0, 2]);
  assert.deepEqual(n('b'), [1, -1, 2, 0]);
  assert.deepEqual(n('missing'), [-1, -1, -1, -1]);
  assert.deepEqual(n('c'), [-1, -1, -1, -1]);

  // Past what it remembers, a text met again gets a new number, never one given before.
  const numbers = new TextNumbers(2);
  assert.deepEqual(['p', 'q', 'p', 'r', 'p', 'q', 'r'].map((t) => numbers.of(t)), [0, 1, 0, 2, 3, 4, 5]);
});
