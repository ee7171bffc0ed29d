import { resolve } from 'node:path';
import { DEFAULT_EVM_CHAIN, resolveChain } from '../../../shared/model/chains';
import type { SourceRecord } from '../store/datasets';
import { deferIndexesForBulkLoad } from '../store/bulkIndexes';
import type { Db } from '../store/openStore';
import { BITCOIN_BLOCKS, importBitcoinBlocks, isBitcoinBlockInput, planBitcoinFiles } from './bitcoin/importBitcoin';
import { columnsFound, readCsvBatches, type ReadDigest } from './csvRows';
import { beginImport, progressReporter, type ProgressState } from './datasetRun';
import { BadInputError, escapeControls, excerpt, ImportCancelledError } from './errors';
import { settleAndCommit, startAccountRun } from './ethereumEtl/accountRun';
import { ADDRESS_COLUMNS, detectEtlKind, isImportedKind, KIND_BY_JSON_TYPE, KIND_ORDER, REQUIRED_COLUMNS, type EtlKind, type EtlOtherKind } from './ethereumEtl/kinds';
import { parseJsonLossless, readJsonRowBatches } from './jsonRows';
import { ETHERSCAN_CSV, importEtherscan, isEtherscanInput, planEtherscanImport } from './etherscan/importEtherscan';
import { importEvmRpc } from './evm/importEvmRpc';
import type { ImportOptions, ImportRequest, ImportResult, SkippedFile } from './importTypes';
import { importMixed, type ImportPart } from './mixedImport';
import { expandSourcePaths, readFirstLine, resolveLimits, statSource, type SourceFile } from './sources';

export const ETHEREUM_ETL_CSV = 'ethereum-etl-csv';
export const ETHEREUM_ETL_PARSER_VERSION = 'ethereum-etl-csv/1';

interface PlannedFile {
  readonly file: SourceFile;
  /** 'stream': the ethereum-etl JSON stream form, a `type` field on every line. */
  readonly kind: EtlKind | 'stream';
  readonly form: 'csv' | 'json';
}

const JSON_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const EXPORT_NAME = /\.(csv|json|jsonl|ndjson)(\.gz)?$/i;
const BLK_NAME = /^blk\d+\.dat$/i;

/**
 * What a file holds, from its CSV header or its first JSON line (read from its first 64 KB,
 * whatever its size). `found` says what was seen, as a short escaped excerpt, or is null when
 * the start of the file is neither a CSV header nor a JSON object: nothing of such a file (a
 * password file, a binary) is quoted back.
 */
async function detectFile(file: SourceFile): Promise<{ kind: EtlKind | EtlOtherKind | 'stream' | null; form: 'csv' | 'json'; found: string | null }> {
  const first = await readFirstLine(file.path);
  if (JSON_NAME.test(file.name) || first.trimStart().startsWith('{')) {
    let obj: unknown;
    try {
      obj = parseJsonLossless(first, file.path, { line: 1 });
    } catch {
      // Pretty-printed JSON (a saved RPC response) is not one object per line.
      return { kind: null, form: 'json', found: first.trimStart().startsWith('{') || first.trimStart().startsWith('[') ? 'JSON that is not one object per line' : null };
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { kind: null, form: 'json', found: Array.isArray(obj) ? 'a JSON array, not one object per line' : null };
    const o = obj as Record<string, unknown>;
    if (typeof o.type === 'string') return { kind: o.type in KIND_BY_JSON_TYPE ? 'stream' : null, form: 'json', found: `type "${excerpt(o.type, 30)}"` };
    const keys = Object.keys(o);
    return { kind: detectEtlKind(keys), form: 'json', found: excerpt(keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', …' : ''), 120) };
  }
  const header = first.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  return { kind: detectEtlKind(header), form: 'csv', found: columnsFound(header) };
}

/** What a named file that matches no format is told: no excerpt of it, since nothing in it was recognised. */
export const NOT_A_FORMAT =
  'not a format Cairn reads: expected an ethereum-etl export (CSV or JSON lines), an Etherscan-family CSV export, ' +
  'or Bitcoin block data (blk*.dat files, a raw block, a saved getblock response, bitcoin-etl JSON)';

/** Where a kind goes in the import order; a stream holds blocks and everything after them. */
const orderOf = (kind: EtlKind | 'stream'): number => (kind === 'stream' ? KIND_ORDER.indexOf('blocks') + 0.5 : KIND_ORDER.indexOf(kind));

/** Reads each file's header and decides what it is; explicit files that are not importable are errors. */
async function planEthereumEtl(paths: readonly string[]): Promise<{ planned: PlannedFile[]; skipped: SkippedFile[] }> {
  const explicit = new Set(paths.map((p) => resolve(p)));
  // Bitcoin block files inside an export folder are listed too, so they are never passed over unsaid.
  const files = expandSourcePaths(paths, (name) => EXPORT_NAME.test(name) || BLK_NAME.test(name));
  const planned: PlannedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (BLK_NAME.test(file.name) && !explicit.has(file.path)) {
      skipped.push({ path: file.path, reason: 'a Bitcoin block file inside a folder of account-chain exports; name its folder in the import to import it' });
      continue;
    }
    const { kind, form, found } = await detectFile(file);
    const named = explicit.has(file.path);
    if (kind === 'stream' || (kind && isImportedKind(kind))) {
      planned.push({ file, kind, form });
    } else if (kind) {
      skipped.push({ path: file.path, reason: `ethereum-etl ${kind} files are not imported by this version of Cairn` });
    } else if (named && found === null) {
      throw new BadInputError(file.path, {}, NOT_A_FORMAT);
    } else if (named) {
      throw new BadInputError(file.path, { line: 1 }, `the ${form === 'csv' ? 'header' : 'first line'} matches no ethereum-etl export (found: ${found})`);
    } else {
      skipped.push({ path: file.path, reason: 'not an ethereum-etl export (header not recognised)' });
    }
  }
  planned.sort((a, b) => orderOf(a.kind) - orderOf(b.kind) || a.file.path.localeCompare(b.file.path));
  if (planned.length === 0) {
    const why = skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`);
    throw new BadInputError(
      paths.join(', '),
      {},
      'found no ethereum-etl export to import (blocks, transactions, receipts, token_transfers, traces, tokens or contracts, as CSV or JSON)' +
        (why.length ? `; left out: ${why.join('; ')}${skipped.length > 3 ? ` and ${skipped.length - 3} more` : ''}` : ''),
    );
  }
  return { planned, skipped };
}

const FORMAT_WORDS: Record<string, string> = {
  [BITCOIN_BLOCKS]: 'Bitcoin blocks',
  [ETHEREUM_ETL_CSV]: 'ethereum-etl export',
  [ETHERSCAN_CSV]: 'Etherscan-family export',
};

/** What one path holds, by its content: Bitcoin block data, an Etherscan-family export, or else ethereum-etl. */
function formatOfPath(path: string): string {
  if (isBitcoinBlockInput([path])) return BITCOIN_BLOCKS;
  if (isEtherscanInput([path])) return ETHERSCAN_CSV;
  return ETHEREUM_ETL_CSV;
}

/**
 * Sorts an import's paths by format, one part per format in the order the paths name them, and
 * gives each part its chain: Bitcoin blocks name their own network; account-chain files take
 * the chosen chain (Ethereum by default). When the parts cannot all be imported, it refuses
 * before any file is read, saying why.
 */
async function planParts(request: ImportRequest): Promise<ImportPart[]> {
  const byFormat = new Map<string, string[]>();
  for (const p of request.paths) {
    statSource(resolve(p));
    const format = formatOfPath(p);
    byFormat.set(format, [...(byFormat.get(format) ?? []), p]);
  }
  const chosen = request.chain ? resolveChain(request.chain) : null;
  const parts = [...byFormat].map(([format, paths]): ImportPart => ({
    format,
    paths,
    chain: format === BITCOIN_BLOCKS ? (chosen?.family === 'utxo' ? chosen.id : undefined) : (chosen?.id ?? DEFAULT_EVM_CHAIN),
  }));
  if (parts.length < 2) return parts;
  const list = (ps: readonly ImportPart[]) => ps.map((p) => `${FORMAT_WORDS[p.format] ?? p.format} (${p.paths.join(', ')})`).join(' and ');
  const accounts = parts.filter((p) => p.format !== BITCOIN_BLOCKS);
  if (chosen?.family === 'utxo') {
    throw new BadInputError(
      accounts[0]!.paths[0]!,
      {},
      `this import mixes Bitcoin blocks with ${list(accounts)}, and the chosen chain, ${chosen.name}, is a Bitcoin network: ` +
        'the account-chain files need an account chain (Ethereum, another EVM chain or Tron). Choose that chain (Bitcoin blocks name their own network), or import the parts separately',
    );
  }
  // Every part's files are checked before any is read, so a bad part refuses the whole import at once.
  for (const part of parts) {
    if (part.format === BITCOIN_BLOCKS) planBitcoinFiles(part.paths);
    else if (part.format === ETHERSCAN_CSV) await planEtherscanImport({ paths: part.paths, chain: part.chain, address: request.address });
    else {
      const chain = resolveChain(part.chain!);
      if (chain.family === 'utxo') throw new BadInputError(part.paths[0]!, {}, `ethereum-etl exports are for account chains (EVM, Tron); ${chain.name} (${chain.id}) is not one`);
      await planEthereumEtl(part.paths);
    }
  }
  return parts;
}

/**
 * Imports a dataset in ONE transaction: either every fact of every file is committed together
 * with its dataset row, or nothing is (bad input, cancel, crash). Re-importing the same files
 * adds no facts and no dataset; it reports the dataset that brought them.
 *
 * Paths of several formats (Bitcoin blocks and an ethereum-etl folder, say) make a mixed import:
 * one dataset per format, each with its own chain, all committed together in one transaction
 * or none of them (see importMixed).
 */
export async function importDataset(db: Db, request: ImportRequest, options: ImportOptions = {}): Promise<ImportResult> {
  // Wrong limits are refused before anything is read.
  resolveLimits(options);
  // A live pull from an EVM node: --rpc with an EVM chain (a Bitcoin node names its own chain).
  if (request.rpc && request.chain && resolveChain(request.chain).family === 'evm') {
    if (request.rpc.cookieFile) throw new BadInputError(request.rpc.url, {}, '--cookie is for Bitcoin Core nodes; give an EVM node\'s credentials in the URL');
    return importEvmRpc(db, { url: request.rpc.url, chain: request.chain, from: request.rpc.from, to: request.rpc.to }, options);
  }
  if (request.format || request.rpc) return importOneFormat(db, request, request.format ?? BITCOIN_BLOCKS, options);
  const parts = await planParts(request);
  if (parts.length === 1) return importOneFormat(db, request, parts[0]!.format, options);
  return importMixed(db, parts, options, (part, partOptions) =>
    importOneFormat(db, { paths: part.paths, chain: part.chain, address: request.address }, part.format, partOptions),
  );
}

/** One format's import of every path in the request (the format named, or the one detected). */
async function importOneFormat(db: Db, request: ImportRequest, format: string, options: ImportOptions): Promise<ImportResult> {
  if (format === BITCOIN_BLOCKS) return importBitcoinBlocks(db, { paths: request.paths, chain: request.chain, rpc: request.rpc }, options);
  if (format === ETHERSCAN_CSV) return importEtherscan(db, { paths: request.paths, chain: request.chain, address: request.address }, options);
  if (format !== ETHEREUM_ETL_CSV) {
    throw new BadInputError(request.paths[0] ?? '', {}, `unsupported format "${format}"; this version imports ${ETHEREUM_ETL_CSV}, ${ETHERSCAN_CSV} and ${BITCOIN_BLOCKS}`);
  }
  const chain = resolveChain(request.chain ?? DEFAULT_EVM_CHAIN);
  if (chain.family === 'utxo') {
    throw new BadInputError(request.paths[0] ?? '', {}, `ethereum-etl exports are for account chains (EVM, Tron); ${chain.name} (${chain.id}) is not one`);
  }
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const { planned, skipped } = await planEthereumEtl(request.paths);
  const state: ProgressState = { phase: 'starting', done: 0, total: planned.reduce((n, p) => n + p.file.size, 0), rows: 0 };
  const report = progressReporter(state, options.onProgress);

  const startedAt = now().toISOString();
  beginImport(db, options.group);
  try {
    // About one transfer per 250 bytes of CSV: a big first import rebuilds the random-keyed
    // indexes once, at the end, and a first import of the chain also its natural-key indexes.
    const run = startAccountRun(db, chain.id, format, ETHEREUM_ETL_PARSER_VERSION, startedAt, state.total / 250, options.bulkLoadMinRows);
    const { writer } = run;
    const indexes = deferIndexesForBulkLoad(db, state.total / 250, options.bulkLoadMinRows);
    const sources: SourceRecord[] = [];
    const rowCounts: Record<string, number> = {};
    const notes: string[] = [];

    for (const { file, kind, form } of planned) {
      state.phase = `${kind} · ${escapeControls(file.name)}`;
      report(true);
      const digest: ReadDigest = { sha256: '', bytes: 0 };
      let fileRows = 0;
      const count = (k: string): void => void (rowCounts[k] = (rowCounts[k] ?? 0) + 1);
      if (form === 'csv') {
        const k = kind as EtlKind;
        for await (const batch of readCsvBatches(file, { requiredColumns: REQUIRED_COLUMNS[k], numbered: ADDRESS_COLUMNS[k], signal, onBytes: (d) => (state.done += d), limits: options }, digest)) {
          if (signal?.aborted) throw new ImportCancelledError();
          for (const row of batch) writer.write(k, row);
          fileRows += batch.length;
          state.rows += batch.length;
          report();
        }
        rowCounts[k] = (rowCounts[k] ?? 0) + fileRows;
      } else {
        const otherTypes = new Map<string, number>();
        for await (const batch of readJsonRowBatches(file, (d) => (state.done += d), digest, options)) {
          if (signal?.aborted) throw new ImportCancelledError();
          for (const { row, type } of batch) {
            const k = kind === 'stream' ? (type === null ? undefined : KIND_BY_JSON_TYPE[type]) : kind;
            if (k === undefined && kind === 'stream' && type === null) throw new BadInputError(file.path, { line: row.line }, 'a line of an ethereum-etl JSON stream has no "type" field');
            if (k === undefined || !isImportedKind(k)) {
              otherTypes.set(type ?? '?', (otherTypes.get(type ?? '?') ?? 0) + 1);
              continue;
            }
            // No check that every column is there: BigQuery's JSON leaves out null fields, and an
            // absent field reads as empty, which the writer refuses where a value is required.
            writer.write(k, row);
            count(k);
          }
          fileRows += batch.length;
          state.rows += batch.length;
          report();
        }
        for (const [type, n] of otherTypes) notes.push(`${escapeControls(file.path)}: ${n} "${excerpt(type, 40)}" line(s) are not imported by this version of Cairn`);
      }
      if (signal?.aborted) throw new ImportCancelledError();
      sources.push({ name: file.name, path: file.path, size: digest.bytes, sha256: digest.sha256, kind, rows: fileRows });
    }
    if (writer.tracesLeftOut.size > 0) {
      notes.push(`traces that move no value between addresses were left out: ${[...writer.tracesLeftOut].map(([why, n]) => `${n} ${why}`).join(', ')}`);
    }

    return await settleAndCommit(db, run, { format, chain: chain.id, sources, rowCounts, skipped, notes, indexes }, { state, report }, options, now);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
