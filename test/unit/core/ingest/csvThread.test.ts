import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readCsvBatches, useCsvParseThread, type ReadDigest } from '../../../../electron/core/ingest/csvRows';
import { BadInputError, ImportCancelledError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import type { ImportOptions } from '../../../../electron/core/ingest/importTypes';
import { openStore } from '../../../../electron/core/store/openStore';
import { generateWorld } from '../../../../electron/core/synth/world';
import { ETL, REPO, TX_HEADER, addr, factCounts, tableRows, tempDir, txRow, writeFile } from '../../helpers';

// The bundled CSV reading thread; npm test builds it before the unit tests run.
const WORKER = join(REPO, 'dist/node/csvParseWorker.cjs');
const skip = !existsSync(WORKER) && 'run npm run build first';
const OPTIONS: ImportOptions = { now: () => new Date('2026-01-01T00:00:00Z') };
const TABLES = ['dataset', 'dataset_source', 'block', 'address', 'tx', 'transfer', 'edge', 'asset', 'conflict'];

after(() => useCsvParseThread(undefined));

/** Every fact and provenance row of the store after importing each list of paths in turn, read on the thread (every file) or in-process. */
async function storeAfter(thread: boolean, imports: { paths: string[]; chain?: string }[]): Promise<Record<string, unknown[][]>> {
  useCsvParseThread(thread ? WORKER : undefined, 0);
  const db = openStore(':memory:');
  try {
    for (const request of imports) await importDataset(db, request, OPTIONS);
    return Object.fromEntries(TABLES.map((t) => [t, tableRows(db, t)]));
  } finally {
    db.close();
    useCsvParseThread(undefined);
  }
}

test('files read on the CSV thread build exactly the store the in-process reader builds', { skip }, async () => {
  const world = tempDir();
  generateWorld({ seed: 'csv-thread', transfers: 4000, out: world });
  const imports = [{ paths: [ETL] }, { paths: [join(world, 'ethereum')], chain: 'eip155:1' }, { paths: [join(world, 'tron')], chain: 'tron:0x2b6653dc' }];
  const inProcess = await storeAfter(false, imports);
  const threaded = await storeAfter(true, imports);
  assert.ok(inProcess.transfer!.length > 3000, 'the world brings thousands of transfers');
  assert.equal(inProcess.dataset_source!.length, threaded.dataset_source!.length);
  // Provenance too: each file's size and SHA-256 as the thread hashed it.
  assert.deepEqual(threaded, inProcess);
});

test('on the thread, bad input is refused as in-process: the same file, line and problem, and nothing committed', { skip }, async () => {
  const dir = tempDir();
  const rows = [TX_HEADER.trim()];
  for (let i = 1; i <= 5000; i++) rows.push(txRow(addr(i), addr(i + 1), '1'));
  rows.push(txRow('not-an-address', addr(2), '1'));
  const bad = writeFile(dir, 'transactions.csv', rows.join('\n') + '\n');
  const short = writeFile(tempDir(), 'transactions.csv', [TX_HEADER.trim(), txRow(addr(1), addr(2), '1'), '0x1,1'].join('\n') + '\n');
  const messages: string[][] = [];
  for (const thread of [false, true]) {
    useCsvParseThread(thread ? WORKER : undefined, 0);
    const db = openStore(':memory:');
    const seen: string[] = [];
    for (const file of [bad, short]) {
      await assert.rejects(importDataset(db, { paths: [file] }, OPTIONS), (e: unknown) => {
        assert.ok(e instanceof BadInputError, `expected BadInputError, got ${String(e)}`);
        seen.push(e.message);
        return true;
      });
    }
    assert.deepEqual(Object.values(factCounts(db)), [0, 0, 0, 0, 0, 0, 0]);
    messages.push(seen);
    db.close();
  }
  useCsvParseThread(undefined);
  assert.match(messages[1]![0]!, /transactions\.csv, line 5002: column "from_address"/);
  assert.match(messages[1]![1]!, /transactions\.csv, line 3: not valid CSV: expected 15 fields as in the header, found 2/);
  assert.deepEqual(messages[1], messages[0]);
});

test('on the thread, the record limit and a truncated gzip are refused with the file named', { skip }, async () => {
  const dir = tempDir();
  const long = writeFile(dir, 'long.csv', `a,b\n1,${'9'.repeat(5000)}\n`);
  const gz = join(dir, 'cut.csv.gz');
  const whole = gzipSync(Buffer.from(['a,b', ...Array.from({ length: 20_000 }, (_, i) => `${i},${i * 7}`)].join('\n')));
  writeFileSync(gz, whole.subarray(0, whole.length - 40));
  useCsvParseThread(WORKER, 0);
  try {
    const read = async (path: string, maxRecordBytes?: number): Promise<number> => {
      let n = 0;
      const digest: ReadDigest = { sha256: '', bytes: 0 };
      for await (const b of readCsvBatches({ path, name: path, size: 1 }, { requiredColumns: ['a'], onBytes: () => {}, limits: { maxRecordBytes } }, digest)) n += b.length;
      return n;
    };
    await assert.rejects(read(long, 1000), (e: unknown) => e instanceof BadInputError && /long\.csv, line 2: .*1000 bytes/.test(e.message));
    assert.equal(await read(long), 1, 'under the default limit the same line is read');
    await assert.rejects(read(gz), (e: unknown) => e instanceof BadInputError && /cut\.csv\.gz: the gzip data is truncated/.test(e.message));
  } finally {
    useCsvParseThread(undefined);
  }
});

test('a cancelled import stops the thread and commits nothing', { skip }, async () => {
  const dir = tempDir();
  const rows = [TX_HEADER.trim()];
  for (let i = 1; i <= 30_000; i++) rows.push(txRow(addr(i), addr(i + 1), '1'));
  const file = writeFile(dir, 'transactions.csv', rows.join('\n') + '\n');
  useCsvParseThread(WORKER, 0);
  const db = openStore(':memory:');
  try {
    const controller = new AbortController();
    // Cancelled as the file's reading starts: the thread has been asked for its rows, and a
    // thread left running would keep this test's process alive.
    const importing = importDataset(db, { paths: [file] }, {
      ...OPTIONS,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase.startsWith('transactions')) controller.abort();
      },
    });
    await assert.rejects(importing, ImportCancelledError);
    assert.deepEqual(Object.values(factCounts(db)), [0, 0, 0, 0, 0, 0, 0]);
  } finally {
    db.close();
    useCsvParseThread(undefined);
  }
});
