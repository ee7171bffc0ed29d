/**
 * The block parse thread (bundled as dist/node/blkParseWorker.cjs): reads blk files, parses and
 * verifies each block, decodes its output scripts, and posts it to the importer as columns,
 * running at most PARSE_AHEAD blocks ahead of what the importer has taken.
 */
import { serveImporter, type Credit } from '../parseThread';
import { CHAIN_BY_NETWORK, forEachBlkRecord } from './blkFile';
import { PARSE_AHEAD, toWire, verdictOnParseError, type WireBlock, type WorkerReply, type WorkerRequest } from './blockPipeline';

serveImporter(PARSE_AHEAD, run);

async function run(start: Extract<WorkerRequest, { type: 'start' }>, credit: Credit, send: (m: WorkerReply) => void): Promise<void> {
  for (let i = 0; i < start.files.length; i++) {
    const f = start.files[i]!;
    let bytes = 0;
    const summary = await forEachBlkRecord(f.path, { xorKey: f.xorKey ? Buffer.from(f.xorKey) : undefined, startOffset: f.startOffset, onBytes: (n) => (bytes += n) }, async (record) => {
      const caip2 = start.forcedChain ?? CHAIN_BY_NETWORK[record.network];
      let block: WireBlock;
      try {
        block = toWire(record.block, f.path, record.blockOffset, caip2);
      } catch (error) {
        // A corrupt record: the reader resyncs after it and reports the bytes it skipped.
        return verdictOnParseError(error, record);
      }
      await credit.take();
      if (bytes > 0) send({ type: 'bytes', n: bytes });
      bytes = 0;
      send({ type: 'block', file: i, caip2, block, offset: record.blockOffset });
      return undefined;
    });
    if (bytes > 0) send({ type: 'bytes', n: bytes });
    send({ type: 'file-end', file: i, warnings: summary.warnings.map((w) => w.message), stoppedAt: summary.stoppedAt });
  }
  send({ type: 'end' });
}
