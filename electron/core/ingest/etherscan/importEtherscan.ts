import { resolve } from 'node:path';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { canonicalEvmAddress } from '../../../../shared/codec/evm';
import { DEFAULT_EVM_CHAIN, resolveChain } from '../../../../shared/model/chains';
import { partialScope, setDatasetScope } from '../../store/datasetScope';
import type { SourceRecord } from '../../store/datasets';
import type { Db } from '../../store/openStore';
import type { ReadDigest } from '../csvRows';
import { beginImport, progressReporter, type ProgressState } from '../datasetRun';
import { BadInputError, escapeControls, excerpt, ImportCancelledError } from '../errors';
import { settleAndCommit, startAccountRun } from '../ethereumEtl/accountRun';
import type { ImportOptions, ImportResult, SkippedFile } from '../importTypes';
import { rowFromObject } from '../jsonRows';
import { LineLengthGuard, recordTooLong } from '../lines';
import { expandSourcePaths, firstLineOf, openHashed, readError, readFirstLine, readPrefixSync, resolveLimits, type InputLimits, type SourceFile } from '../sources';
import {
  checkTicker,
  detectEtherscanKind,
  etherscanRow,
  internalTransfer,
  normalTransaction,
  parseEtherscanHeader,
  SOURCE_KIND,
  SurrogateKeys,
  tokenOf,
  tokenTransfer,
  type ConvertedRow,
  type EtherscanHeader,
  type EtherscanKind,
} from './etherscanCsv';
import { knownTokenDecimals } from '../knownTokens';
import { txHashKey } from '../../store/txHash';

export const ETHERSCAN_CSV = 'etherscan-csv';
export const ETHERSCAN_PARSER_VERSION = 'etherscan-csv/1';

export interface EtherscanImportRequest {
  readonly paths: readonly string[];
  /** The explorer's chain (CAIP-2 id or alias); Etherscan-family sites are one per chain. Default eip155:1. */
  readonly chain?: string;
  /** The address whose history the export is; needed only when no single address appears in every row. */
  readonly address?: string;
  /** Decimals of tokens neither the known-token table nor the store knows, by contract address. */
  readonly tokenDecimals?: Readonly<Record<string, number>>;
}

const CSV_NAME = /\.csv(\.gz)?$/i;
/** Normal transactions first, so internal and token transfers find their tx's time and outcome in place. */
const KIND_ORDER: readonly EtherscanKind[] = ['normal', 'internal', 'tokens'];
const BATCH_ROWS = 2048;

interface PlannedFile {
  readonly file: SourceFile;
  readonly header: EtherscanHeader;
}

function parseHeaderLine(line: string): string[] | null {
  try {
    const records = parseSync(line, { bom: true, relax_column_count: true }) as string[][];
    return records[0] ?? null;
  } catch {
    return null;
  }
}

/** Whether any of these paths (files, or CSV files in folders) is an Etherscan-family export, by its header. */
export function isEtherscanInput(paths: readonly string[]): boolean {
  try {
    return expandSourcePaths(paths, (name) => CSV_NAME.test(name)).some((file) => {
      try {
        // The first 64 KB at most (decompressed with a bounded output, for a .gz), whatever the file's size.
        const header = parseHeaderLine(firstLineOf(readPrefixSync(file.path)));
        return header !== null && detectEtherscanKind(header) !== null;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Reads each file's header; a named file that is not an Etherscan-family export is an error, one in a folder is skipped. */
async function planEtherscan(paths: readonly string[]): Promise<{ planned: PlannedFile[]; skipped: SkippedFile[] }> {
  const explicit = new Set(paths.map((p) => resolve(p)));
  const planned: PlannedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of expandSourcePaths(paths, (name) => CSV_NAME.test(name))) {
    const header = parseHeaderLine(await readFirstLine(file.path));
    if (header !== null && detectEtherscanKind(header) !== null) {
      planned.push({ file, header: parseEtherscanHeader(file.path, header) });
    } else if (explicit.has(file.path)) {
      parseEtherscanHeader(file.path, header ?? []); // throws, naming line 1 and what was found
    } else {
      skipped.push({ path: file.path, reason: 'not an Etherscan-family export (header not recognised)' });
    }
  }
  planned.sort((a, b) => KIND_ORDER.indexOf(a.header.kind) - KIND_ORDER.indexOf(b.header.kind) || a.file.path.localeCompare(b.file.path));
  return { planned, skipped };
}

/**
 * Streams a CSV's records in batches with the line each ends on, hashing the file on the way.
 * Unlike readCsvBatches it lets a row carry a different number of fields than the header:
 * Etherscan rows may carry one more (etherscanRow allows exactly that and nothing else).
 * Records are bounded twice, in linear time: a line longer than the record limit is refused by
 * LineLengthGuard before csv-parse buffers it (naming its line, with an excerpt), and a quoted
 * record spanning lines by csv-parse's own max_record_size.
 */
async function* readRecords(file: SourceFile, onBytes: (delta: number) => void, digest: ReadDigest, limits: InputLimits = {}): AsyncGenerator<{ record: string[]; line: number }[]> {
  const checked = resolveLimits(limits);
  const { stream, hasher } = openHashed(file, onBytes, checked);
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, max_record_size: checked.maxRecordBytes });
  pipeline(stream, new LineLengthGuard(file.path, checked.maxRecordBytes), parser, () => {});
  let batch: { record: string[]; line: number }[] = [];
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      batch.push({ record: item.record, line: item.info.lines });
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number };
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw recordTooLong(file.path, e.lines ?? 0, checked.maxRecordBytes, null);
    if (e.code?.startsWith('CSV_')) throw new BadInputError(file.path, { line: e.lines }, `not valid CSV: ${excerpt(e.message.replace(/^Invalid [^:]*: /, ''), 200)}`);
    throw readError(file.path, error);
  } finally {
    parser.destroy();
    stream.destroy();
  }
  if (batch.length) yield batch;
  digest.sha256 = hasher.digest();
  digest.bytes = hasher.bytes;
}

/**
 * Whose history the export is: the one address that appears in every row (From or To, TxTo,
 * a created contract, an internal transfer's parent tx), or the address the user named, which
 * must then appear in every row.
 */
class SubjectAddress {
  private candidates: Set<string> | null = null;
  rows = 0;

  constructor(private readonly given: string | null) {}

  observe(c: ConvertedRow, file: string, line: number): void {
    this.rows++;
    if (this.given !== null) {
      if (!c.addresses.includes(this.given)) {
        throw new BadInputError(file, { line }, `the row does not involve ${this.given} (the address named for this import): is this file the export of another address?`);
      }
      return;
    }
    if (this.candidates === null) {
      this.candidates = new Set(c.addresses);
      return;
    }
    for (const a of this.candidates) if (!c.addresses.includes(a)) this.candidates.delete(a);
    if (this.candidates.size === 0) {
      throw new BadInputError(
        file,
        { line },
        'no address appears in every row: this row shares none with the rows before it. An Etherscan export is the history of one address; import each address\'s files on their own',
      );
    }
  }

  resolve(paths: readonly string[]): { address: string; inferred: boolean } {
    if (this.given !== null) return { address: this.given, inferred: false };
    const where = paths.join(', ');
    if (this.candidates === null) throw new BadInputError(where, {}, 'the export holds no rows, so whose history it is cannot be told; name the address');
    const list = [...this.candidates].sort();
    if (list.length > 1) {
      throw new BadInputError(where, {}, `cannot tell whose history this export is: ${list.join(' and ')} each appear in every row; name the address the export was downloaded for`);
    }
    return { address: list[0], inferred: true };
  }
}

function checkRequest(request: EtherscanImportRequest): { given: string | null; decimals: Map<string, number> } {
  const where = request.paths[0] ?? '';
  let given: string | null = null;
  if (request.address !== undefined) {
    try {
      given = canonicalEvmAddress(request.address);
    } catch (error) {
      throw new BadInputError(where, {}, `the address named for this import: ${(error as Error).message}`);
    }
  }
  const decimals = new Map<string, number>();
  for (const [contract, d] of Object.entries(request.tokenDecimals ?? {})) {
    let c: string;
    try {
      c = canonicalEvmAddress(contract);
    } catch (error) {
      throw new BadInputError(where, {}, `token decimals given for "${contract.slice(0, 60)}": ${(error as Error).message}`);
    }
    if (!Number.isInteger(d) || d < 0 || d > 255) throw new BadInputError(where, {}, `token decimals given for ${c}: expected an integer from 0 to 255, found ${String(d)}`);
    decimals.set(c, d);
  }
  return { given, decimals };
}

/** Everything an Etherscan import checks before it reads a row: the chain, the named address, each file's header. */
export async function planEtherscanImport(request: EtherscanImportRequest) {
  const chain = resolveChain(request.chain ?? DEFAULT_EVM_CHAIN);
  if (chain.family !== 'evm') {
    throw new BadInputError(request.paths[0] ?? '', {}, `Etherscan-family exports are of EVM chains; ${chain.name} (${chain.id}) is not one`);
  }
  const { given, decimals } = checkRequest(request);
  const { planned, skipped } = await planEtherscan(request.paths);
  if (planned.length === 0) {
    throw new BadInputError(request.paths.join(', '), {}, 'found no Etherscan-family export to import (normal transactions, internal transactions or ERC-20 token transfers, as CSV)');
  }
  return { chain, given, givenDecimals: decimals, planned, skipped };
}

/**
 * Imports Etherscan-family CSV exports of ONE address's history (normal, internal and ERC-20
 * token transfers; any of them, in any number of files) in ONE transaction, like importDataset:
 * bad input, a cancel or a crash keeps nothing, and importing the same files again adds nothing.
 * Rows become ethereum-etl rows in base units and go through EtlWriter, so facts are shared and
 * deduplicated with every other EVM import. The dataset is marked as a partial view of that
 * address (dataset.scope 'partial:<address>').
 */
export async function importEtherscan(db: Db, request: EtherscanImportRequest, options: ImportOptions = {}): Promise<ImportResult> {
  const { chain, given, givenDecimals, planned, skipped } = await planEtherscanImport(request);
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const notes: string[] = [];
  for (const { file, header } of planned) {
    const note = checkTicker(file.path, header, chain);
    if (note) notes.push(note);
  }
  const state: ProgressState = { phase: 'starting', done: 0, total: planned.reduce((n, p) => n + p.file.size, 0), rows: 0 };
  const report = progressReporter(state, options.onProgress);

  const startedAt = now().toISOString();
  beginImport(db, options.group);
  try {
    const run = startAccountRun(db, chain.id, ETHERSCAN_CSV, ETHERSCAN_PARSER_VERSION, startedAt);
    const { chainId, datasetId, writer } = run;
    // Token and internal transfers name only a block number, and the export has no blocks file:
    // a tx first known from them takes the row's UnixTimestamp (its block's time).
    const setTxTime = db.prepare('UPDATE tx SET time = ? WHERE chain_id = ? AND hash_bin = ? AND hash_form = ? AND time IS NULL');
    const storedDecimals = db.prepare('SELECT decimals FROM asset WHERE chain_id = ? AND contract = ?').pluck();
    const tokenDecimals = new Map<string, number>();
    const subject = new SubjectAddress(given);
    const sources: SourceRecord[] = [];
    const rowCounts: Record<string, number> = {};
    let innerErrors = 0;

    /** Decimals of a token, from the known-token table, the user, or the store; never guessed. */
    const decimalsOf = (file: string, line: number, h: EtherscanHeader, token: { contract: string; symbol: string; name: string }): number => {
      const cached = tokenDecimals.get(token.contract);
      if (cached !== undefined) return cached;
      const label = `${excerpt(token.symbol, 20) || 'token'}${token.name ? ` (${excerpt(token.name, 40)})` : ''} at ${token.contract}`;
      const fail = (problem: string): never => {
        throw new BadInputError(file, { line }, `column "${h.col.contract}": ${problem}`);
      };
      const known = knownTokenDecimals(chain.id, token.contract);
      const stored = (storedDecimals.get(chainId, token.contract) as number | null | undefined) ?? null;
      const user = givenDecimals.get(token.contract) ?? null;
      if (known !== null && user !== null && user !== known) fail(`${label} has ${known} decimals, but ${user} were given for it`);
      if (known !== null && stored !== null && stored !== known) fail(`${label} has ${known} decimals, but the store records ${stored} for it; check the tokens file that brought it`);
      if (user !== null && stored !== null && stored !== user) fail(`${user} decimals were given for ${label}, but the store records ${stored} for it`);
      const d = known ?? user ?? stored;
      if (d === null) {
        fail(
          `${label} has unknown decimals, so its "${h.col.tokenValue}" amounts cannot be converted to base units exactly; ` +
            `import a tokens file that lists it (ethereum-etl tokens.csv) first, or give its decimals for this import`,
        );
      }
      tokenDecimals.set(token.contract, d!);
      return d!;
    };

    for (const { file, header: planHeader } of planned) {
      const sourceKind = SOURCE_KIND[planHeader.kind];
      state.phase = `${sourceKind} · ${escapeControls(file.name)}`;
      report(true);
      const digest: ReadDigest = { sha256: '', bytes: 0 };
      const keys = new SurrogateKeys();
      let header: EtherscanHeader | null = null;
      let fileRows = 0;
      let extraFields = 0;
      let extraSample = '';
      const tokensWritten = new Set<string>();
      for await (const batch of readRecords(file, (d) => (state.done += d), digest, options)) {
        if (signal?.aborted) throw new ImportCancelledError();
        for (const { record, line } of batch) {
          if (header === null) {
            header = parseEtherscanHeader(file.path, record);
            continue;
          }
          const { row, extra } = etherscanRow(file.path, line, header, record);
          if (extra !== null && extra.trim() !== '') {
            extraFields++;
            extraSample ||= excerpt(extra, 40);
          }
          let converted: ConvertedRow;
          if (header.kind === 'normal') {
            const c = normalTransaction(row, header, chain.nativeDecimals);
            if (c.innerError) innerErrors++;
            writer.write('transactions', rowFromObject(file.path, line, c.obj));
            // The Status column is the receipt's outcome: it also settles a tx an earlier import
            // left unknown (and re-sums the edges it counted, when it failed).
            writer.write('receipts', rowFromObject(file.path, line, { transaction_hash: c.hash, block_number: c.obj.block_number, status: c.obj.receipt_status }));
            converted = c;
          } else if (header.kind === 'internal') {
            converted = internalTransfer(row, header, chain.nativeDecimals, keys);
            writer.write('traces', rowFromObject(file.path, line, converted.obj));
            setTxTime.run(converted.time, chainId, ...txHashKey(converted.hash));
          } else {
            const token = tokenOf(row, header);
            const d = decimalsOf(file.path, line, header, token);
            if (!tokensWritten.has(token.contract)) {
              tokensWritten.add(token.contract);
              writer.write('tokens', rowFromObject(file.path, line, { address: token.contract, symbol: token.symbol, name: token.name, decimals: String(d) }));
            }
            converted = tokenTransfer(row, header, token.contract, d, keys);
            writer.write('token_transfers', rowFromObject(file.path, line, converted.obj));
            setTxTime.run(converted.time, chainId, ...txHashKey(converted.hash));
          }
          subject.observe(converted, file.path, line);
          fileRows++;
        }
        state.rows += batch.length;
        report();
      }
      if (header === null) throw new BadInputError(file.path, { line: 1 }, 'the file is empty: expected a header row');
      if (signal?.aborted) throw new ImportCancelledError();
      if (extraFields > 0) {
        notes.push(`${escapeControls(file.path)}: ${extraFields} row(s) carry a field after the last column ("${extraSample}"); it names no column and was not imported`);
      }
      rowCounts[sourceKind] = (rowCounts[sourceKind] ?? 0) + fileRows;
      sources.push({ name: file.name, path: file.path, size: digest.bytes, sha256: digest.sha256, kind: sourceKind, rows: fileRows });
    }

    const { address, inferred } = subject.resolve(planned.map((p) => p.file.path));
    setDatasetScope(db, datasetId, partialScope(address));
    notes.push(
      `a partial view: the export records what touched ${address}${inferred ? ' (the address in every row)' : ''}, not every transaction or transfer of those blocks`,
    );
    if (innerErrors > 0) {
      notes.push(`${innerErrors} transaction(s) have Status "Error(N)" with N > 0: a call inside them failed while the transaction itself went through; kept as successful`);
    }
    if (writer.tracesLeftOut.size > 0) {
      notes.push(`internal transactions that move no value between addresses were left out: ${[...writer.tracesLeftOut].map(([why, n]) => `${n} ${why}`).join(', ')}`);
    }

    return await settleAndCommit(db, run, { format: ETHERSCAN_CSV, chain: chain.id, sources, rowCounts, skipped, notes }, { state, report }, options, now);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
