/**
 * The CSV reading thread (bundled as dist/node/csvParseWorker.cjs): reads, hashes, splits and
 * checks one CSV file (csvRows.ts, readRawCsvBatches) and posts its records to the importer in
 * batches, running at most CSV_READ_AHEAD batches ahead of what the importer has taken.
 */
import { CSV_READ_AHEAD, readRawCsvBatches, type CsvThreadReply, type CsvThreadRequest, type ReadDigest } from './csvRows';
import { serveImporter, type Credit } from './parseThread';

serveImporter(CSV_READ_AHEAD, run);

async function run(start: Extract<CsvThreadRequest, { type: 'start' }>, credit: Credit, send: (m: CsvThreadReply) => void): Promise<void> {
  const digest: ReadDigest = { sha256: '', bytes: 0 };
  let bytes = 0;
  let headerSent = false;
  for await (const b of readRawCsvBatches(start.file, { requiredColumns: start.requiredColumns, numbered: start.numbered, limits: start.limits, onBytes: (n) => (bytes += n) }, digest)) {
    await credit.take();
    send({ type: 'batch', header: headerSent ? null : b.header, lines: b.lines, values: b.values, numbers: b.numbers, bytes });
    headerSent = true;
    bytes = 0;
  }
  send({ type: 'end', bytes, sha256: digest.sha256, total: digest.bytes });
}
