import { resolve } from 'node:path';
import { DEFAULT_EVM_CHAIN, resolveChain } from '../../../shared/model/chains';
import type { Dataset } from '../../../shared/api/schemas';
import { AddressInterner } from '../store/addresses';
import { ensureNativeAsset } from '../store/assets';
import { ensureChainId } from '../store/chains';
import { insertDataset, type SourceRecord } from '../store/datasets';
import { addTransfersToEdges, fillTimesFromBlocks } from '../store/edges';
import type { Db } from '../store/openStore';
import { BITCOIN_BLOCKS, importBitcoinBlocks, isBitcoinBlockInput, type RpcPullRequest } from './bitcoin/importBitcoin';
import { readCsvBatches, type ReadDigest } from './csvRows';
import { commitDataset, nextRowId, progressReporter, type ProgressState } from './datasetRun';
import { BadInputError, ImportCancelledError } from './errors';
import { detectEtlKind, isImportedKind, KIND_ORDER, REQUIRED_COLUMNS, type EtlKind } from './ethereumEtl/kinds';
import { EtlWriter } from './ethereumEtl/writeEtlRows';
import { expandSourcePaths, readFirstLine, type SourceFile } from './sources';

export const ETHEREUM_ETL_CSV = 'ethereum-etl-csv';
export const ETHEREUM_ETL_PARSER_VERSION = 'ethereum-etl-csv/1';

export interface ImportRequest {
  readonly paths: readonly string[];
  /** Bitcoin Core JSON-RPC: pull a height range from a node the user names. */
  readonly rpc?: RpcPullRequest;
  readonly chain?: string;
  readonly format?: string;
}

export interface ImportProgress {
  readonly phase: string;
  /** Bytes parsed so far, and in all: progress is done / total. */
  readonly done: number;
  readonly total: number;
  readonly rows: number;
}

export interface ImportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ImportProgress) => void;
  readonly now?: () => Date;
}

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface ImportResult {
  /** The new dataset, or null when these exact files were imported before. */
  readonly dataset: Dataset | null;
  readonly alreadyImportedAs: number | null;
  readonly skipped: readonly SkippedFile[];
  readonly warnings: readonly string[];
}

interface PlannedFile {
  readonly file: SourceFile;
  readonly kind: EtlKind;
}

/** Reads each file's header and decides what it is; explicit files that are not importable are errors. */
async function planEthereumEtl(paths: readonly string[]): Promise<{ planned: PlannedFile[]; skipped: SkippedFile[] }> {
  const explicit = new Set(paths.map((p) => resolve(p)));
  const files = expandSourcePaths(paths, (name) => /\.csv$/i.test(name));
  const planned: PlannedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const header = (await readFirstLine(file.path)).split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const kind = detectEtlKind(header);
    const named = explicit.has(file.path);
    if (kind && isImportedKind(kind)) {
      planned.push({ file, kind });
    } else if (kind) {
      skipped.push({ path: file.path, reason: `ethereum-etl ${kind} files are not imported by this version of Cairn` });
    } else if (named) {
      throw new BadInputError(file.path, { line: 1 }, `the header matches no ethereum-etl export (found: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
    } else {
      skipped.push({ path: file.path, reason: 'not an ethereum-etl CSV export (header not recognised)' });
    }
  }
  planned.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.file.path.localeCompare(b.file.path));
  return { planned, skipped };
}

/**
 * Imports a dataset in ONE transaction: either every fact of every file is committed together
 * with its dataset row, or nothing is (bad input, cancel, crash). Re-importing the same files
 * adds no facts and no dataset; it reports the dataset that brought them.
 */
export async function importDataset(db: Db, request: ImportRequest, options: ImportOptions = {}): Promise<ImportResult> {
  const format = request.format ?? (request.rpc || isBitcoinBlockInput(request.paths) ? BITCOIN_BLOCKS : ETHEREUM_ETL_CSV);
  if (format === BITCOIN_BLOCKS) return importBitcoinBlocks(db, { paths: request.paths, chain: request.chain, rpc: request.rpc }, options);
  if (format !== ETHEREUM_ETL_CSV) {
    throw new BadInputError(request.paths[0] ?? '', {}, `unsupported format "${format}"; this version imports ${ETHEREUM_ETL_CSV} and ${BITCOIN_BLOCKS}`);
  }
  const chain = resolveChain(request.chain ?? DEFAULT_EVM_CHAIN);
  if (chain.family !== 'evm') {
    throw new BadInputError(request.paths[0] ?? '', {}, `ethereum-etl CSV import is for EVM chains; ${chain.name} (${chain.id}) is not one`);
  }
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const { planned, skipped } = await planEthereumEtl(request.paths);
  if (planned.length === 0) {
    throw new BadInputError(request.paths.join(', '), {}, 'found no ethereum-etl transactions, token_transfers, tokens or blocks CSV to import');
  }
  const state: ProgressState = { phase: 'starting', done: 0, total: planned.reduce((n, p) => n + p.file.size, 0), rows: 0 };
  const report = progressReporter(state, options.onProgress);

  const startedAt = now().toISOString();
  db.exec('BEGIN IMMEDIATE');
  try {
    const chainId = ensureChainId(db, chain.id);
    const datasetId = insertDataset(db, { format, parserVersion: ETHEREUM_ETL_PARSER_VERSION, chainId, fingerprint: '', startedAt });
    const nativeAssetId = ensureNativeAsset(db, chainId, chain.id, datasetId);
    const firstNewTransferId = nextRowId(db, 'transfer');
    const addresses = new AddressInterner(db, chainId);
    const writer = new EtlWriter(db, chainId, nativeAssetId, datasetId, addresses);
    const sources: SourceRecord[] = [];
    const rowCounts: Record<string, number> = {};

    for (const { file, kind } of planned) {
      state.phase = `${kind} · ${file.name}`;
      report(true);
      const digest: ReadDigest = { sha256: '', bytes: 0 };
      let fileRows = 0;
      for await (const batch of readCsvBatches(file, { requiredColumns: REQUIRED_COLUMNS[kind], onBytes: (d) => (state.done += d) }, digest)) {
        if (signal?.aborted) throw new ImportCancelledError();
        for (const row of batch) writer.write(kind, row);
        fileRows += batch.length;
        state.rows += batch.length;
        report();
      }
      if (signal?.aborted) throw new ImportCancelledError();
      sources.push({ name: file.name, path: file.path, size: digest.bytes, sha256: digest.sha256, kind, rows: fileRows });
      rowCounts[kind] = (rowCounts[kind] ?? 0) + fileRows;
    }

    state.phase = 'aggregating edges';
    report(true);
    fillTimesFromBlocks(db, chainId, firstNewTransferId);
    addTransfersToEdges(db, chainId, firstNewTransferId);
    const added = { ...writer.added, addresses: addresses.added };
    const outcome = commitDataset(db, { id: datasetId, format, chain: chain.id, sources, rowCounts, added, finishedAt: now().toISOString() }, signal);
    state.phase = 'done';
    report(true);
    return { ...outcome, skipped, warnings: writer.warnings };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
