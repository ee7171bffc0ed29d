import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useBlockParseWorker } from './bitcoin/blockPipeline';
import { useCsvParseThread } from './csvRows';

/**
 * Registers the parse threads bundled next to the calling entry point (dist/node: the CLI and
 * the import worker): blk files and large CSV files are then parsed on a second core while the
 * importer writes. A thread whose bundle is missing is not registered: its files are parsed on
 * the importing thread, to the same store.
 */
export function useBundledParseThreads(dir: string): void {
  const blk = join(dir, 'blkParseWorker.cjs');
  if (existsSync(blk)) useBlockParseWorker(blk);
  const csv = join(dir, 'csvParseWorker.cjs');
  if (existsSync(csv)) useCsvParseThread(csv);
}
