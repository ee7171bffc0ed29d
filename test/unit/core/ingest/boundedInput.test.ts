import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, openSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { errorToShape } from '../../../../electron/core/api/errors';
import { detectBitcoinJson } from '../../../../electron/core/ingest/bitcoin/bitcoinJson';
import { CsvRow, MAX_UINT256, readCsvBatches, type ReadDigest } from '../../../../electron/core/ingest/csvRows';
import { BadInputError, escapeControls, excerpt } from '../../../../electron/core/ingest/errors';
import { importEtherscan } from '../../../../electron/core/ingest/etherscan/importEtherscan';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import type { ImportOptions, ImportRequest } from '../../../../electron/core/ingest/importTypes';
import { readJsonRowBatches } from '../../../../electron/core/ingest/jsonRows';
import { LineSplitter } from '../../../../electron/core/ingest/lines';
import { DEFAULT_MAX_RECORD_BYTES, openHashed, readPrefixSync } from '../../../../electron/core/ingest/sources';
import { openStore } from '../../../../electron/core/store/openStore';
import { ETL_TXS, REPO, TX_HEADER, addr, expectRefused, factCounts, tempDir, txRow, writeFile } from '../../helpers';

const MiB = 1 << 20;

/** Any C0 or C1 control character, DEL, or a bidi override: what a message must never carry as itself. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The bad input an import is refused with. */
async function refusal(run: Promise<unknown>): Promise<BadInputError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
    return error;
  }
  assert.fail('the import was expected to be refused');
}

function importInMemory(request: ImportRequest, options: ImportOptions = {}): Promise<BadInputError> {
  const db = openStore(':memory:');
  return refusal(importDataset(db, request, options)).finally(() => db.close());
}

/** Reads a CSV through readCsvBatches, counting the file's bytes read; returns the error it ended with. */
async function readCsvCounting(path: string, limits: ImportOptions = {}): Promise<{ error: BadInputError; bytesRead: number }> {
  let bytesRead = 0;
  const digest: ReadDigest = { sha256: '', bytes: 0 };
  const file = { path, name: basename(path), size: statSync(path).size };
  const error = await refusal(
    (async () => {
      for await (const batch of readCsvBatches(file, { requiredColumns: [], onBytes: (d) => (bytesRead += d), limits }, digest)) void batch;
    })(),
  );
  return { error, bytesRead };
}

/** Samples rss while `run` goes, and returns how far it rose above where it started. */
async function peakRssGrowth(run: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

test('excerpt: control characters, DEL, C1 and bidi overrides become visible escapes, and long text is cut with …', () => {
  assert.equal(excerpt('\x1b[2J\rimported dataset 1'), '\\x1b[2J\\rimported dataset 1');
  assert.equal(excerpt('a\x7fb\x9bc\u202ed\u2066e\tf\ng'), 'a\\x7fb\\x9bc\\u202ed\\u2066e\\tf\\ng');
  const long = excerpt('x'.repeat(100_000), 80);
  assert.equal(long, `${'x'.repeat(80)}…`);
  // An escape counts at its printed length, so the excerpt stays short whatever the file holds.
  assert.ok(excerpt('\x1b'.repeat(1000), 80).length <= 81);
  assert.equal(excerpt('short'), 'short');
  assert.equal(escapeControls('ok ✓ 💰'), 'ok ✓ 💰', 'printable text, emoji included, is left as it is');
  // BadInputError makes every message safe, even where a caller quoted content without excerpt().
  const e = new BadInputError('/tmp/a\x1bb.csv', { line: 2 }, `found "\x1b]0;owned\x07${'y'.repeat(10_000)}"`);
  assert.doesNotMatch(e.message, CONTROL);
  assert.ok(e.message.length < 2100, 'a problem is cut, never 64 KB of a line');
});

test('a long line is split in linear time: LineSplitter hands over lines that cross chunks whole, and counts them', () => {
  const splitter = new LineSplitter('/x.csv', 64);
  const seen: [string, number][] = [];
  const take = (t: string, n: number): void => void seen.push([t, n]);
  for (const part of ['ab', 'c\nd', 'é'.slice(0, 1), '\n\nlast']) splitter.push(Buffer.from(part), take);
  splitter.end(take);
  assert.deepEqual(seen, [['abc', 1], ['dé', 2], ['', 3], ['last', 4]]);
  // A UTF-8 character split across two chunks is decoded whole.
  const euro = Buffer.from('€\n');
  const s2 = new LineSplitter('/y.csv');
  const got: string[] = [];
  s2.push(euro.subarray(0, 1), (t) => got.push(t));
  s2.push(euro.subarray(1), (t) => got.push(t));
  assert.deepEqual(got, ['€']);
  // Over the limit: refused as soon as the bytes show it, naming the file and the line.
  const s3 = new LineSplitter('/z.csv', 10);
  s3.push(Buffer.from('ok\n'), () => {});
  assert.throws(() => s3.push(Buffer.from('0123456789A'), () => {}), /\/z\.csv, line 2: the record on this line is longer than 10 bytes.*starts "0123456789A"/);
});

test('a .csv.gz with one long line is refused at the record limit, naming file and line, after reading about the limit and no more', async () => {
  const dir = tempDir();
  // 40 MB of hex digits on one line: compresses about 2:1, so the ratio limit does not step in; only the record limit can.
  const line = randomBytes(20 * MiB).toString('hex');
  const path = join(dir, 'transactions.csv.gz');
  writeFileSync(path, gzipSync(Buffer.from(`${TX_HEADER}\n${line}\n`), { level: 1 }));
  const compressed = statSync(path).size;

  let read: { error: BadInputError; bytesRead: number } | undefined;
  const growth = await peakRssGrowth(async () => (read = await readCsvCounting(path)));
  const { error, bytesRead } = read!;
  assert.ok(error.message.startsWith(path), error.message);
  assert.match(error.message, /line 2: the record on this line is longer than 16 MiB, the maximum record size \(it starts "[0-9a-f]{60}…"\).*--max-record-bytes/);
  // Stopped near the limit: 16 MiB of text is about 8 MiB of this gzip, read in 1 MiB chunks.
  assert.ok(bytesRead < compressed * 0.6, `read ${bytesRead} of ${compressed} compressed bytes`);
  assert.ok(growth < 200 * MiB, `rss rose by ${(growth / MiB).toFixed(0)} MiB`);

  // A lower limit, set per import, is applied the same way: refused after about that many bytes.
  const low = await readCsvCounting(path, { maxRecordBytes: MiB });
  assert.match(low.error.message, /line 2: the record on this line is longer than 1 MiB/);
  assert.ok(low.bytesRead < 3 * MiB, `read ${low.bytesRead} bytes`);

  // Through the dispatcher too, with the option.
  const e = await importInMemory({ paths: [path] }, { maxRecordBytes: 4 * MiB });
  assert.match(e.message, /transactions\.csv\.gz, line 2: the record on this line is longer than 4 MiB/);
  assert.equal(DEFAULT_MAX_RECORD_BYTES, 16 * MiB);
});

test('a plain 64 MiB row without a newline is refused naming the file and line, in bounded memory', async () => {
  const dir = tempDir();
  const path = join(dir, 'transactions.csv');
  const fd = openSync(path, 'w');
  writeSync(fd, `${TX_HEADER}\n${txRow(addr(1), addr(2), '5')}\n`);
  const block = Buffer.alloc(MiB, 'a');
  for (let i = 0; i < 64; i++) writeSync(fd, block);
  closeSync(fd);

  let read: { error: BadInputError; bytesRead: number } | undefined;
  const growth = await peakRssGrowth(async () => (read = await readCsvCounting(path)));
  assert.match(read!.error.message, /transactions\.csv, line 3: the record on this line is longer than 16 MiB.*it starts "a{60}…"/);
  assert.ok(read!.bytesRead <= 16 * MiB + 2 * MiB, `read ${read!.bytesRead} bytes of ${statSync(path).size}`);
  assert.ok(growth < 150 * MiB, `rss rose by ${(growth / MiB).toFixed(0)} MiB`);

  // The same through the dispatcher: nothing committed, the file and line named.
  const db = openStore(':memory:');
  await expectRefused(db, importDataset(db, { paths: [path] }), /transactions\.csv, line 3: the record on this line is longer than 16 MiB/);
  db.close();

  // JSON lines are split the same way.
  const jsonPath = join(dir, 'transactions.json');
  const jfd = openSync(jsonPath, 'w');
  writeSync(jfd, '{"hash":"0x1","nonce":1}\n{"hash":"');
  for (let i = 0; i < 20; i++) writeSync(jfd, block);
  closeSync(jfd);
  let jsonBytes = 0;
  const file = { path: jsonPath, name: 'transactions.json', size: statSync(jsonPath).size };
  const je = await refusal(
    (async () => {
      for await (const b of readJsonRowBatches(file, (d) => (jsonBytes += d), { sha256: '', bytes: 0 })) void b;
    })(),
  );
  assert.match(je.message, /transactions\.json, line 2: the record on this line is longer than 16 MiB/);
  assert.ok(jsonBytes <= 18 * MiB, `read ${jsonBytes} bytes`);

  // Etherscan exports go through csv-parse: a line is stopped before it, a quote left open across lines by csv-parse's own limit.
  const header = '"Txhash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","ContractAddress","Value_IN(ETH)","Value_OUT(ETH)","Status"\n';
  const esPath = join(dir, 'export.csv');
  const efd = openSync(esPath, 'w');
  writeSync(efd, header);
  for (let i = 0; i < 20; i++) writeSync(efd, block);
  closeSync(efd);
  const es = openStore(':memory:');
  await expectRefused(es, importEtherscan(es, { paths: [esPath] }), /export\.csv, line 2: the record on this line is longer than 16 MiB.*it starts "a{60}…"/);
  const quoted = writeFile(dir, 'quoted.csv', `${header}"0x1","${'many\nlines\n'.repeat(50_000)}\n`);
  await expectRefused(es, importEtherscan(es, { paths: [quoted] }, { maxRecordBytes: 64 * 1024 }), /quoted\.csv, line \d+: the record on this line is longer than 64 KiB/);
  es.close();
});

/** A gzip of `members` copies of one compressed MiB: gunzip reads concatenated members as one stream. */
function gzipBomb(path: string, header: string, members: number, fill: number): void {
  const member = gzipSync(Buffer.alloc(MiB, fill), { level: 9 });
  const fd = openSync(path, 'w');
  writeSync(fd, gzipSync(Buffer.from(header)));
  for (let i = 0; i < members; i++) writeSync(fd, member);
  closeSync(fd);
}

test('a gzip that expands 1000:1 to 1 GiB is refused by its ratio after a few MiB, naming the file and the limits', async () => {
  const dir = tempDir();
  const path = join(dir, 'transactions.csv.gz');
  // 1 GiB of blank lines (a CSV reader skips them, so no record limit stops it) in about 1 MiB.
  gzipBomb(path, `${TX_HEADER}\n`, 1024, 0x0a);
  const compressed = statSync(path).size;
  assert.ok(compressed < 2 * MiB, `the bomb is ${compressed} bytes`);

  let read: { error: BadInputError; bytesRead: number } | undefined;
  const growth = await peakRssGrowth(async () => (read = await readCsvCounting(path)));
  const { error, bytesRead } = read!;
  assert.ok(error.message.startsWith(path), error.message);
  assert.match(error.message, /decompresses to more than 200 times its compressed size .*decompression bomb; the limits are 200:1 after the first MiB and 64 GiB in all.*--max-gzip-ratio/);
  assert.ok(bytesRead <= compressed);
  // What was decompressed before the refusal: a few MiB of the GiB.
  let out = 0;
  const { stream } = openHashed({ path, name: 'transactions.csv.gz', size: compressed }, () => {});
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) out += (chunk as Buffer).length;
    })(),
    /decompresses to more than 200 times/,
  );
  assert.ok(out < 8 * MiB, `${(out / MiB).toFixed(1)} MiB were decompressed before the refusal`);
  assert.ok(growth < 150 * MiB, `rss rose by ${(growth / MiB).toFixed(0)} MiB`);

  // The absolute limit, set lower for this import, stops a file whose ratio is allowed.
  const capped = await readCsvCounting(path, { maxGzipRatio: 100_000, maxDecompressedBytes: 8 * MiB });
  assert.match(capped.error.message, /decompresses to more than 8 MiB; the limits are 100000:1 after the first MiB and 8 MiB in all/);

  // Through the dispatcher: refused, nothing committed.
  const db = openStore(':memory:');
  await expectRefused(db, importDataset(db, { paths: [path] }), /transactions\.csv\.gz: decompresses to more than 200 times/);
  db.close();
  // Detection reads a bounded prefix of the bomb, not the bomb.
  assert.ok(readPrefixSync(path).length <= 1 << 16);
});

test('control characters in a file never reach a message: a header that clears the screen and prints a fake "imported" line', async () => {
  const dir = tempDir();
  const fake = '\x1b[2J\x1b[H\rimported dataset 1 (ethereum-etl-csv, Ethereum, eip155:1)';
  // A header that is no export: refused without quoting it at all.
  const header = writeFile(dir, 'evil.csv', `${fake},x,y\n1,2,3\n`);
  const e1 = await importInMemory({ paths: [header] });
  assert.doesNotMatch(e1.message, CONTROL);
  assert.doesNotMatch(e1.message, /imported dataset/);
  assert.match(e1.message, /evil\.csv: not a format Cairn reads/);

  // A value on a row of a real export: quoted as a short excerpt with the escapes visible.
  const inField = fake.replaceAll(',', ';');
  const row = writeFile(dir, 'transactions.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), `${inField}${'z'.repeat(70_000)}`)}\n`);
  const e2 = await importInMemory({ paths: [row] });
  assert.doesNotMatch(e2.message, CONTROL);
  assert.match(e2.message, /transactions\.csv, line 2: column "value": .*found "\\x1b\[2J\\x1b\[H\\rimported dataset 1/);
  assert.ok(e2.message.length < 400, `the message is ${e2.message.length} characters, not 64 KB`);

  // A JSON line with a raw escape in a string (invalid JSON) and an Etherscan export with one in its header.
  const json = writeFile(dir, 'tx.json', `{"hash":"0x1","nonce":1,"from_address":"${fake}"\n`);
  const e3 = await importInMemory({ paths: [json] });
  assert.doesNotMatch(e3.message, CONTROL);
  const etherscan = writeFile(dir, 'export.csv', `"Txhash","Blockno","UnixTimestamp","${fake}"\n`);
  const db = openStore(':memory:');
  const e4 = await refusal(importEtherscan(db, { paths: [etherscan] }));
  db.close();
  assert.doesNotMatch(e4.message, CONTROL);
});

test('a file that is no format at all (a password file) is refused as "not a format Cairn reads", quoting nothing of it, also as an API job error', async () => {
  const dir = tempDir();
  const secret = 'Zm9vYmFyc2VjcmV0aGFzaA';
  const shadow = writeFile(dir, 'shadow', `root:$6$salt$${secret}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`);
  const e = await importInMemory({ paths: [shadow] });
  assert.match(e.message, /shadow: not a format Cairn reads: expected an ethereum-etl export/);
  const shape = errorToShape(e);
  assert.equal(shape.kind, 'bad_input');
  assert.ok(!shape.message.includes(secret) && !shape.message.includes('root:'), shape.message);
  // With each format named.
  for (const format of ['ethereum-etl-csv', 'etherscan-csv']) {
    const f = await importInMemory({ paths: [shadow], format });
    assert.ok(!f.message.includes(secret) && !f.message.includes('root:'), `${format}: ${f.message}`);
    assert.match(f.message, /not a format Cairn reads/);
  }
  // Binary junk named .json: the same.
  const junk = join(dir, 'blob.json');
  writeFileSync(junk, Buffer.concat([Buffer.from('\x7fELF'), randomBytes(4096)]));
  const j = await importInMemory({ paths: [junk] });
  assert.match(j.message, /blob\.json: not a format Cairn reads/);
  assert.doesNotMatch(j.message, CONTROL);
});

test('a FIFO given by name is refused by its type at once, instead of waiting for a writer', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  const fifo = join(dir, 'transactions.csv');
  execFileSync('mkfifo', [fifo]);
  for (const format of [undefined, 'ethereum-etl-csv', 'etherscan-csv', 'bitcoin-blocks']) {
    const e = await importInMemory({ paths: [fifo], format });
    assert.match(e.message, new RegExp(`^${fifo}: is a FIFO \\(named pipe\\).*Cairn imports regular files and folders only`), `${format}: ${e.message}`);
  }
  // Inside a folder, a pipe is passed over like any file that is not an export; the folder's exports import.
  writeFile(dir, 'a.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), '5')}\n`);
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [dir] });
  assert.equal(r.dataset!.rowCounts.transactions, 1);
  db.close();
  // A prefix read for detection refuses it too.
  assert.throws(() => readPrefixSync(fifo), /is a FIFO/);
});

test('/dev/zero with --format, and /proc/self/mem, are refused by type, naming the file', { skip: !existsSync('/dev/zero') || !existsSync('/proc/self/mem') }, async () => {
  for (const format of ['bitcoin-blocks', 'ethereum-etl-csv', 'etherscan-csv', undefined]) {
    const e = await importInMemory({ paths: ['/dev/zero'], format });
    assert.match(e.message, /^\/dev\/zero: is a character device \(such as \/dev\/zero or a terminal\): it has no end; Cairn imports regular files and folders only/, `${format}`);
  }
  const mem = await importInMemory({ paths: ['/proc/self/mem'] });
  assert.match(mem.message, /^\/proc\/self\/mem: is under \/proc, the kernel's live view of processes and devices/);
  // A link to it is followed to what it is.
  const dir = tempDir();
  const link = join(dir, 'innocent.csv');
  symlinkSync('/proc/self/mem', link);
  const viaLink = await importInMemory({ paths: [link] });
  assert.match(viaLink.message, /innocent\.csv: is under \/proc/);
});

test('a symlink loop is reported as a loop, not as a missing file', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  symlinkSync(b, a);
  symlinkSync(a, b);
  const e = await importInMemory({ paths: [a] });
  assert.match(e.message, /a\.csv: a loop of symbolic links/);
  assert.doesNotMatch(e.message, /no such file/);
  const missing = await importInMemory({ paths: [join(dir, 'gone.csv')] });
  assert.match(missing.message, /gone\.csv: no such file or folder/);
});

test('a truncated .csv.gz is refused naming the file and saying it is truncated; nothing is committed', async () => {
  const dir = tempDir();
  const rows = Array.from({ length: 3000 }, (_, i) => txRow(addr(i + 1), addr(i + 2), String(i)));
  const whole = gzipSync(Buffer.from(`${TX_HEADER}\n${rows.join('\n')}\n`));
  const path = join(dir, 'transactions.csv.gz');
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.7)));
  const db = openStore(':memory:');
  await expectRefused(db, importDataset(db, { paths: [path] }), /^\/.*transactions\.csv\.gz: the gzip data is truncated: it ends before the end of its compressed stream/);
  // The Etherscan reader says the same.
  const normal = ['"Txhash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","ContractAddress","Value_IN(ETH)","Value_OUT(ETH)","Status"'];
  for (let i = 0; i < 3000; i++) normal.push(`"0x${(i + 1).toString(16).padStart(64, '0')}","${100 + i}","1700000000","2023-11-14 22:13:20","${addr(1)}","${addr(i + 2)}","","0","1",""`);
  const gz = gzipSync(Buffer.from(normal.join('\n') + '\n'));
  const esPath = join(dir, 'export.csv.gz');
  writeFileSync(esPath, gz.subarray(0, Math.floor(gz.length * 0.7)));
  await expectRefused(db, importEtherscan(db, { paths: [esPath] }), /export\.csv\.gz: the gzip data is truncated/);
  db.close();
});

/** Runs detectBitcoinJson on a file in a fresh Node process: what it found and the process's peak rss in bytes. */
function detectInChild(path: string): { kind: string | null; maxRss: number } {
  const module = join(REPO, 'electron/core/ingest/bitcoin/bitcoinJson.ts');
  const script = `const { detectBitcoinJson } = await import(${JSON.stringify(module)});
    const kind = detectBitcoinJson(process.argv[1]);
    console.log(JSON.stringify({ kind, maxRss: process.resourceUsage().maxRSS * 1024 }));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path], { cwd: REPO, encoding: 'utf8' })) as { kind: string | null; maxRss: number };
}

test('format detection reads a bounded prefix: a 50 MB .json is detected without being read whole, and so is one too large to read at all', async () => {
  const dir = tempDir();
  const block = (n: number): string =>
    `{"hash":"${n.toString(16).padStart(64, '0')}","size":285,"stripped_size":285,"weight":1140,"number":${n},"version":1,"merkle_root":"${'ab'.repeat(32)}","timestamp":${1231006505 + n * 600},"nonce":"7c2bac1d","bits":"1d00ffff","coinbase_param":"04ffff001d0104","transaction_count":1}`;
  const path = join(dir, 'blocks.json');
  const lines: string[] = [];
  for (let n = 0, size = 0; size < 50 * MiB; n++) {
    const l = block(n);
    lines.push(l);
    size += l.length + 1;
  }
  writeFileSync(path, lines.join('\n') + '\n');
  lines.length = 0;
  assert.ok(statSync(path).size >= 50 * MiB);

  // Measured in fresh processes (this one has just built the file, and its freed memory would hide a read):
  // detecting the 50 MB file peaks no higher than detecting a one-line file.
  const tiny = writeFile(dir, 'tiny.json', `${block(0)}\n`);
  const small = detectInChild(tiny);
  const big = detectInChild(path);
  assert.equal(small.kind, 'etl-blocks');
  assert.equal(big.kind, 'etl-blocks');
  assert.ok(big.maxRss - small.maxRss < 16 * MiB, `detection peaked ${((big.maxRss - small.maxRss) / MiB).toFixed(1)} MiB higher for the 50 MiB file`);

  // A sparse 3 GiB file cannot be read whole into one string at all (Node refuses files over 2 GiB); a prefix can.
  const huge = join(dir, 'huge.json');
  writeFileSync(huge, block(1) + '\n');
  const fd = openSync(huge, 'r+');
  ftruncateSync(fd, 3 * 1024 ** 3);
  closeSync(fd);
  assert.equal(detectBitcoinJson(huge), 'etl-blocks');
  assert.equal(readPrefixSync(huge).length, 1 << 16);
});

test('EVM amounts above 2^256 − 1 are refused with the file, line and column, in ethereum-etl CSV and JSON and Etherscan CSV', async () => {
  const dir = tempDir();
  const tooBig = (MAX_UINT256 + 1n).toString();
  const db = openStore(':memory:');
  const csv = writeFile(dir, 'transactions.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), '5')}\n${txRow(addr(1), addr(3), tooBig)}\n`);
  await expectRefused(db, importDataset(db, { paths: [csv] }), /transactions\.csv, line 3: column "value": expected an amount of at most 2\^256 − 1 base units/);

  const json = writeFile(dir, 'token_transfers.json', `{"token_address":"${addr(9)}","from_address":"${addr(1)}","to_address":"${addr(2)}","value":${tooBig}0,"transaction_hash":"0x${'1'.repeat(64)}","log_index":0,"block_number":100}\n`);
  await expectRefused(db, importDataset(db, { paths: [json] }), /token_transfers\.json, line 1: column "value": expected an amount of at most 2\^256 − 1/);

  // Etherscan writes whole ETH: 2^256 wei and more is refused on the column the explorer named.
  const wholeEth = (MAX_UINT256 / 10n ** 18n + 1n).toString();
  const es = writeFile(
    dir,
    'export.csv',
    '"Txhash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","ContractAddress","Value_IN(ETH)","Value_OUT(ETH)","Status"\n' +
      `"0x${'2'.repeat(64)}","100","1700000000","2023-11-14 22:13:20","${addr(1)}","${addr(2)}","","0","${wholeEth}",""\n`,
  );
  await expectRefused(db, importEtherscan(db, { paths: [es], address: addr(1) }), /export\.csv, line 2: column "Value_OUT\(ETH\)": expected an amount of at most 2\^256 − 1 base units/);

  // The largest uint256 itself is a value, read exactly.
  const row = new CsvRow('/f.csv', 2, new Map([['value', 0]]), [MAX_UINT256.toString()]);
  assert.equal(row.amount('value'), MAX_UINT256);
  assert.deepEqual(factCounts(db).dataset, 0);
  db.close();
});

test("today's fixtures still import: an ethereum-etl export, plain and gzipped, gives the same rows", async () => {
  const dir = tempDir();
  const gz = join(dir, 'transactions.csv.gz');
  const { readFileSync } = await import('node:fs');
  writeFileSync(gz, gzipSync(readFileSync(ETL_TXS)));
  const plain = openStore(':memory:');
  const zipped = openStore(':memory:');
  const a = await importDataset(plain, { paths: [ETL_TXS] });
  const b = await importDataset(zipped, { paths: [gz] });
  assert.ok(a.dataset!.rowCounts.transactions! > 0);
  assert.deepEqual(a.dataset!.rowCounts, b.dataset!.rowCounts);
  assert.deepEqual(factCounts(plain), factCounts(zipped));
  plain.close();
  zipped.close();
});

test('cairn import --max-record-bytes sets the record limit, refuses a limit of 0, and prints refusals with no control characters', async () => {
  const { cairn } = await import('../../cli/cliRun');
  const dir = tempDir();
  const ws = join(dir, 'ws');
  const path = writeFile(dir, 'transactions.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), '5')}\n${'7'.repeat(2 * MiB)}\n`);
  const low = cairn(ws, 'import', '--max-record-bytes', String(MiB), path);
  assert.equal(low.code, 1, low.err);
  assert.match(low.err, /transactions\.csv, line 3: the record on this line is longer than 1 MiB, the maximum record size/);
  const zero = cairn(ws, 'import', '--max-record-bytes', '0', path);
  assert.equal(zero.code, 2);
  assert.match(zero.err, /--max-record-bytes needs a whole number of at least 1/);
  // With the limit raised above the line, the same file gets past it to the row's own problem.
  const high = cairn(ws, 'import', '--max-record-bytes', String(4 * MiB), path);
  assert.match(high.err, /line 3: not valid CSV: expected 15 fields as in the header, found 1/);

  const evil = writeFile(dir, 'evil.csv', `${TX_HEADER}\n${txRow(addr(1), addr(2), '\x1b[2J\x1b[H\rimported dataset 1 (ethereum-etl-csv)')}\n`);
  const r = cairn(ws, 'import', evil);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.err, CONTROL_EXCEPT_NEWLINE);
  assert.match(r.err, /evil\.csv, line 2: column "value": .*\\x1b\[2J/);
});

/** Controls other than the line feed that ends the CLI's message. */
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
