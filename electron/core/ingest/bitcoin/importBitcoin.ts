import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hasBlockParameters, networkForChain } from '../../../../shared/codec/bitcoinScript';
import { resolveChain, type ChainInfo } from '../../../../shared/model/chains';
import { clusterImport } from '../../analysis/clustering/multiInput';
import { AddressInterner } from '../../store/addresses';
import { ensureNativeAsset } from '../../store/assets';
import { ensureChainId, findChainId } from '../../store/chains';
import { insertDataset, type SourceRecord } from '../../store/datasets';
import { deferIndexesForBulkLoad, deferNaturalKeysForFreshChain, type DeferredIndexes, type FreshChainLoad } from '../../store/bulkIndexes';
import { addTransfersToEdges } from '../../store/edges';
import { HUB_MIN_COUNTERPARTIES, refreshHubs } from '../../store/hubs';
import type { Db } from '../../store/openStore';
import { beginImport, nextRowId, progressReporter, reviewAndCommit, sha256FileAndPrefix, sha256Prefix, type ProgressState } from '../datasetRun';
import { BadInputError, ImportCancelledError } from '../errors';
import type { ImportOptions, ImportResult, RpcPullRequest } from '../importTypes';
import { statSource } from '../sources';
import { CHAIN_BY_NETWORK, detectNetwork, HEX_DETECT_BYTES, looksLikeHexBlock, rawBlockFromFile, readXorKey, type BitcoinNetwork } from './blkFile';
import { coinbaseHeight, parseBlock, type ParsedBlock } from './blockParser';
import { blockFromRpcJson, detectBitcoinJson, etlBlockRow, etlTransaction, readJsonLines, type BitcoinJsonKind } from './bitcoinJson';
import { buildMainChain, updateTxHeights } from './chainBuilder';
import { HeaderChecker, type BlockWhere } from './headerCheck';
import { BitcoinRpc } from './rpcPull';
import { foldTransactions, resolveInputs } from './utxoFold';
import { readBlkBlocks, statedHeightOf } from './blockPipeline';
import { UtxoWriter, type UtxoBlockLike } from './utxoWriter';

export const BITCOIN_BLOCKS = 'bitcoin-blocks';
export const BITCOIN_PARSER_VERSION = 'bitcoin-blocks/1';

interface PlannedFile {
  path: string;
  name: string;
  size: number;
  kind: 'blk' | 'raw' | BitcoinJsonKind;
  xorKey?: Buffer;
}

/** Blocks before the transactions that belong to them. */
const KIND_ORDER: PlannedFile['kind'][] = ['blk', 'raw', 'rpc-getblock', 'etl-blocks', 'etl-transactions'];

function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function xorKeyFor(dir: string): Buffer | undefined {
  return existsSync(join(dir, 'xor.dat')) ? readXorKey(dir) : undefined;
}

/** The network of a blk file's first record magic, after de-obfuscation with its folder's xor.dat. */
function blkNetwork(path: string, xorKey: Buffer | undefined): BitcoinNetwork | null {
  const head = Buffer.from(firstBytes(path, 4));
  if (head.length < 4) return null;
  if (xorKey) for (let i = 0; i < 4; i++) head[i] ^= xorKey[i % xorKey.length];
  return detectNetwork(head);
}

/** True when a blk file starts with a network magic, after de-obfuscation with its folder's xor.dat. */
function looksLikeBlk(path: string, xorKey: Buffer | undefined): boolean {
  return blkNetwork(path, xorKey) !== null;
}

/**
 * Where to start reading a blk file: Bitcoin Core only appends to its blk files, so when an
 * earlier import of this chain read a file of the same name up to some offset, and the bytes up
 * to there are still exactly the same (same SHA-256), every block before it is already in the
 * store and reading resumes there. The name, not the path, is matched, so a fresh copy of a
 * node's grown blocks/ folder resumes too; the hash is what makes that safe.
 */
async function resumePoint(db: Db, file: PlannedFile, caip2: string): Promise<{ offset: number; datasetId: number } | null> {
  const chainId = findChainId(db, caip2);
  if (chainId === null) return null;
  const candidates = db
    .prepare(
      `SELECT s.read_to AS readTo, s.read_to_sha256 AS sha256, max(s.dataset_id) AS datasetId
       FROM dataset_source s JOIN dataset d ON d.id = s.dataset_id
       WHERE s.name = ? AND s.kind = 'blk' AND s.read_to > 0 AND s.read_to <= ? AND d.chain_id = ? AND coalesce(d.finished_at, '') <> ''
       GROUP BY s.read_to, s.read_to_sha256 ORDER BY s.read_to DESC LIMIT 4`,
    )
    .all(file.name, file.size, chainId) as { readTo: number; sha256: string; datasetId: number }[];
  for (const c of candidates) {
    if ((await sha256Prefix(file.path, c.readTo)) === c.sha256) return { offset: c.readTo, datasetId: c.datasetId };
  }
  return null;
}

/** Whether these paths hold Bitcoin block data (a blocks/ folder, blk files or raw blocks). */
export function isBitcoinBlockInput(paths: readonly string[]): boolean {
  return paths.some((p) => {
    try {
      const full = resolve(p);
      const st = statSync(full);
      if (st.isDirectory()) {
        const names = readdirSync(full);
        return names.some((f) => /^blk\d+\.dat$/.test(f)) || names.some((f) => /\.json$/i.test(f) && detectBitcoinJson(join(full, f)) !== null);
      }
      if (/\.json$/i.test(full)) return detectBitcoinJson(full) !== null;
      // A hex block (getblock … 0 saved to a file) is known by its first bytes, whatever its name.
      return /\.(blk|raw|dat)$/i.test(full) || looksLikeBlk(full, xorKeyFor(dirname(full))) || (st.isFile() && looksLikeHexBlock(firstBytes(full, HEX_DETECT_BYTES)));
    } catch {
      return false;
    }
  });
}

/** The files of a Bitcoin import, blocks first; a folder or named file with no block data in it is an error. */
export function planBitcoinFiles(paths: readonly string[]): PlannedFile[] {
  const out: PlannedFile[] = [];
  for (const p of paths) {
    const full = resolve(p);
    const st = statSource(full);
    const before = out.length;
    if (st.isDirectory()) {
      const xorKey = xorKeyFor(full);
      const names = readdirSync(full).sort();
      const blks = names.filter((f) => /^blk\d+\.dat$/.test(f));
      for (const f of blks) out.push({ path: join(full, f), name: f, size: statSync(join(full, f)).size, kind: 'blk', xorKey });
      for (const f of names.filter((n) => /\.json$/i.test(n))) {
        const kind = detectBitcoinJson(join(full, f));
        if (kind) out.push({ path: join(full, f), name: f, size: statSync(join(full, f)).size, kind });
      }
      // Counted per folder: a folder with nothing in it is never passed over because another path held blocks.
      if (out.length === before) throw new BadInputError(full, {}, 'no blk*.dat files, getblock responses or bitcoin-etl JSON in this folder');
    } else if (/\.json$/i.test(full)) {
      const kind = detectBitcoinJson(full);
      if (!kind) throw new BadInputError(full, { line: 1 }, 'neither a getblock response nor a bitcoin-etl blocks or transactions export');
      out.push({ path: full, name: basename(full), size: st.size, kind });
    } else {
      const xorKey = xorKeyFor(dirname(full));
      out.push({ path: full, name: basename(full), size: st.size, kind: looksLikeBlk(full, xorKey) ? 'blk' : 'raw', xorKey });
    }
  }
  return out.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/**
 * A raw block carries no network magic. Its BIP-34 coinbase height tells mainnet apart from
 * testnet3: mainnet has never averaged faster than one block per 9 minutes since genesis, so a
 * height above that bound at the block's timestamp cannot be mainnet.
 */
export function inferRawNetwork(block: ParsedBlock): { network: BitcoinNetwork; why: string } {
  const height = coinbaseHeight(block);
  if (height !== null && height > 16) {
    const mainnetBound = Math.floor((block.time - 1231006505) / 540);
    if (height > mainnetBound) {
      return { network: 'testnet3', why: `its coinbase height ${height} is more than mainnet could have reached by ${new Date(block.time * 1000).toISOString()}` };
    }
    return { network: 'mainnet', why: `its coinbase height ${height} fits mainnet at ${new Date(block.time * 1000).toISOString()}` };
  }
  return { network: 'mainnet', why: 'its coinbase has no BIP-34 height (before 2012), so mainnet is assumed' };
}

interface ChainState {
  caip2: string;
  chainId: number;
  writer: UtxoWriter;
  /** Proof of work, difficulty and time rules of every block with a header (not bitcoin-etl rows). */
  headers: HeaderChecker;
  addresses: AddressInterner;
  nativeAssetId: number;
  datasetId: number;
  /** A first import of this chain big enough to assign tx and address ids in memory (store/bulkIndexes.ts). */
  fresh: FreshChainLoad;
}

const RPC_CHAINS: Record<string, BitcoinNetwork> = { main: 'mainnet', test: 'testnet3', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest' };

export interface BitcoinImportRequest {
  readonly paths: readonly string[];
  /** A live pull of a height range from a node on the lab network, instead of files. */
  readonly rpc?: RpcPullRequest;
  /** Overrides the detected network (required to pick testnet4/signet/regtest for raw blocks). */
  readonly chain?: string;
}

/** What every step of one import reads and adds to: the request's options, its progress, and what it has read so far. */
interface BitcoinRun {
  readonly db: Db;
  readonly options: ImportOptions;
  /** The chain the import names, over what the files say (--chain). */
  readonly forced: ChainInfo | null;
  readonly now: () => Date;
  readonly startedAt: string;
  /** The time of the import bounds block timestamps (no more than 2 hours ahead of it). */
  readonly nowMs: number;
  readonly enforceHeaders: boolean;
  readonly state: ProgressState;
  readonly report: (force?: boolean) => void;
  readonly warnings: string[];
  readonly sources: SourceRecord[];
  readonly blocksOf: Map<PlannedFile, number>;
  /** Transactions the files are expected to hold (about one per 450 bytes); 0 for a node pull. */
  expectedTxs: number;
  blocksRead: number;
  /** Opened by the first block read (useChain): until then the network is not known. */
  chain: ChainState | null;
}

/**
 * Imports Bitcoin Core blk files (with xor.dat), blocks/ folders and raw blocks in one
 * transaction: blocks and transactions with their outputs and inputs, the main chain rebuilt by
 * most work, inputs linked to the outputs they spend (also across imports), fees, and every
 * fully known transaction folded into exact address-to-address transfers for the graph.
 */
export async function importBitcoinBlocks(db: Db, request: BitcoinImportRequest, options: ImportOptions = {}): Promise<ImportResult> {
  const files = request.rpc ? [] : planBitcoinFiles(request.paths);
  const forced = checkChosenChain(request.chain, request.rpc ? request.rpc.url : (files[0]?.path ?? ''), request.rpc !== undefined);
  const total = request.rpc ? request.rpc.to - request.rpc.from + 1 : files.reduce((n, f) => n + f.size, 0);
  const run = startRun(db, options, forced, total);

  beginImport(db, options.group);
  try {
    const firstNewTransferId = nextRowId(db, 'transfer');
    const firstNewTxId = nextRowId(db, 'tx');
    const blkFiles = files.filter((f) => f.kind === 'blk');
    const startAt = await findResumePoints(run, blkFiles);
    // About one folded transfer per 70 bytes of block data still to read (6 per transaction of
    // ~450 bytes): a big first import rebuilds the random-keyed indexes once at the end.
    const indexes = deferIndexesForBulkLoad(db, (run.state.total - run.state.done) / 70, options.bulkLoadMinRows);
    run.expectedTxs = request.rpc ? 0 : (run.state.total - run.state.done) / 450;
    await readBlkFiles(run, blkFiles, startAt);
    for (const file of files.filter((f) => f.kind !== 'blk')) await readBlockFile(run, file);
    if (request.rpc) await pullFromNode(run, request.rpc);
    const c = run.chain;
    // Every block is written: the tx and address keys are built once, before inputs are linked by txid.
    if (c?.fresh.active) {
      run.state.phase = 'indexing transactions and addresses';
      run.report(true);
    }
    c?.fresh.end();
    if (!c) throw new BadInputError(files.map((f) => f.path).join(', ') || request.rpc?.url || '', {}, 'found no blocks');
    // Blocks whose parent came later in the files, or never, are checked now; notes say what could not be.
    run.warnings.push(...c.headers.finish());
    buildChain(run, c);
    const { linked, transfers } = linkInputsAndFold(run, c, firstNewTxId, firstNewTransferId);
    clusterAddresses(run, c, firstNewTxId, linked);
    rebuildIndexes(run, indexes);
    return await finishDataset(run, c, firstNewTxId, transfers);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** A chain named for the import must be one whose blocks Cairn reads; refused before anything is read. */
function checkChosenChain(chosen: string | undefined, source: string, fromNode: boolean): ChainInfo | null {
  const forced = chosen ? resolveChain(chosen) : null;
  // EVM chains are pulled by importEvmRpc; any other chain (Tron) has no node import.
  if (forced && forced.family !== 'utxo') {
    throw new BadInputError(source, {}, fromNode ? `Cairn pulls from Bitcoin Core and EVM nodes; ${forced.name} is neither, so import its files instead` : `Bitcoin block files are for UTXO chains; ${forced.name} is not one`);
  }
  // Bitcoin Cash and Zcash addresses can be labelled, but their blocks are not read (yet).
  if (forced && !hasBlockParameters(forced.id)) throw new BadInputError(source, {}, `Cairn reads the blocks of Bitcoin, its test networks and Litecoin; ${forced.name} blocks are not supported`);
  return forced;
}

/** The import's shared parts; progress counts bytes of the files, or heights of a node's range. */
function startRun(db: Db, options: ImportOptions, forced: ChainInfo | null, total: number): BitcoinRun {
  const now = options.now ?? (() => new Date());
  const state: ProgressState = { phase: 'starting', done: 0, total, rows: 0 };
  const startedAt = now().toISOString();
  return {
    db,
    options,
    forced,
    now,
    startedAt,
    nowMs: Date.parse(startedAt),
    enforceHeaders: !options.unvalidatedHeaders,
    state,
    report: progressReporter(state, options.onProgress),
    warnings: [],
    sources: [],
    blocksOf: new Map(),
    expectedTxs: 0,
    blocksRead: 0,
    chain: null,
  };
}

/**
 * The chain, dataset, address interner, writer and header checker of the import, made on the
 * first block read; one import holds one network's blocks, so a second network is refused.
 */
function useChain(run: BitcoinRun, caip2: string, file: string): ChainState {
  const { db } = run;
  if (run.chain) {
    if (run.chain.caip2 !== caip2) throw new BadInputError(file, {}, `holds ${resolveChain(caip2).name} blocks, but this import already holds ${resolveChain(run.chain.caip2).name} blocks; import each network separately`);
    return run.chain;
  }
  const chainId = ensureChainId(db, caip2);
  const datasetId = insertDataset(db, { format: BITCOIN_BLOCKS, parserVersion: BITCOIN_PARSER_VERSION, chainId, fingerprint: '', startedAt: run.startedAt });
  const fresh = deferNaturalKeysForFreshChain(db, chainId, run.expectedTxs, run.options.bulkLoadMinRows);
  const addresses = new AddressInterner(db, chainId, undefined, fresh);
  const nativeAssetId = ensureNativeAsset(db, chainId, caip2, datasetId);
  run.chain = {
    caip2,
    chainId,
    addresses,
    datasetId,
    nativeAssetId,
    fresh,
    writer: new UtxoWriter(db, chainId, networkForChain(caip2), datasetId, nativeAssetId, addresses, fresh),
    headers: new HeaderChecker(db, chainId, caip2, { nowMs: run.nowMs, enforce: run.enforceHeaders }),
  };
  return run.chain;
}

/** Checks a block's header (before it is written, so a refused block leaves nothing), then writes it. */
function takeBlock(run: BitcoinRun, file: PlannedFile, block: UtxoBlockLike, caip2: string, where: BlockWhere, version: number | null): void {
  const c = useChain(run, caip2, file.path);
  c.headers.add({ hash: block.hash, prevHash: block.prevHash, time: block.time, bits: block.bits, version, statedHeight: block.statedHeight ?? null }, where);
  c.writer.write(block);
  run.blocksOf.set(file, (run.blocksOf.get(file) ?? 0) + 1);
  run.blocksRead++;
  run.state.rows += block.txs.length;
  run.report();
}

/** Hashes a source for the dataset record; for a blk file also how far it was read, for the next import to resume. */
async function recordSource(run: BitcoinRun, file: PlannedFile, readTo?: number): Promise<void> {
  if (run.options.signal?.aborted) throw new ImportCancelledError();
  const h = await sha256FileAndPrefix(file.path, readTo ?? null);
  run.sources.push({
    name: file.name,
    path: file.path,
    size: file.size,
    sha256: h.sha256,
    kind: file.kind,
    rows: run.blocksOf.get(file) ?? 0,
    ...(readTo !== undefined && h.prefixSha256 !== null ? { readTo, readToSha256: h.prefixSha256 } : {}),
  });
}

/** Where each blk file is read from: past the bytes an earlier import of the same bytes already read (see resumePoint). */
async function findResumePoints(run: BitcoinRun, blkFiles: readonly PlannedFile[]): Promise<Map<PlannedFile, number>> {
  const startAt = new Map<PlannedFile, number>();
  if (blkFiles.length === 0) return startAt;
  run.state.phase = 'checking what earlier imports read';
  run.report(true);
  for (const f of blkFiles) {
    const network = blkNetwork(f.path, f.xorKey);
    const caip2 = run.forced?.id ?? (network ? CHAIN_BY_NETWORK[network] : null);
    const resume = caip2 ? await resumePoint(run.db, f, caip2) : null;
    if (!resume || !caip2) continue;
    // The chain is known even if nothing new follows (then the import ends as "already imported").
    useChain(run, caip2, f.path);
    startAt.set(f, resume.offset);
    run.state.done += resume.offset;
    run.warnings.push(`${f.path}: its first ${resume.offset} bytes are unchanged since dataset #${resume.datasetId}, which imported them; read from byte ${resume.offset}`);
  }
  return startAt;
}

/** blk files: read and parsed on the parse thread while this one writes, each from where an earlier import of the same bytes stopped. */
async function readBlkFiles(run: BitcoinRun, blkFiles: readonly PlannedFile[], startAt: ReadonlyMap<PlannedFile, number>): Promise<void> {
  if (blkFiles.length === 0) return;
  const { state, report, options } = run;
  state.phase = `blocks · ${blkFiles[0]!.name}`;
  report(true);
  const blkSources = blkFiles.map((f) => ({ path: f.path, xorKey: f.xorKey, startOffset: startAt.get(f) }));
  for await (const item of readBlkBlocks(blkSources, { forcedChain: run.forced?.id, signal: options.signal })) {
    if (item.type === 'bytes') {
      state.done += item.n;
      report();
    } else if (item.type === 'file-end') {
      run.warnings.push(...item.warnings);
      await recordSource(run, blkFiles[item.file]!, item.stoppedAt);
      if (item.file + 1 < blkFiles.length) state.phase = `blocks · ${blkFiles[item.file + 1]!.name}`;
    } else {
      if (options.signal?.aborted) throw new ImportCancelledError();
      takeBlock(run, blkFiles[item.file]!, item.block, item.caip2, { file: blkFiles[item.file]!.path, offset: item.offset }, item.version);
    }
  }
}

/** One file that is not a blk file: a lone block (raw, or a getblock response), or bitcoin-etl rows; then its source record. */
async function readBlockFile(run: BitcoinRun, file: PlannedFile): Promise<void> {
  run.state.phase = `blocks · ${file.name}`;
  run.report(true);
  let fileBlocks = 0;
  if (file.kind === 'raw' || file.kind === 'rpc-getblock') readLoneBlock(run, file);
  else fileBlocks = await readEtlRows(run, file);
  run.blocksOf.set(file, (run.blocksOf.get(file) ?? 0) + fileBlocks);
  await recordSource(run, file);
}

/** A raw block or a saved getblock response: no network magic, so the network is the chosen one or inferred. */
function readLoneBlock(run: BitcoinRun, file: PlannedFile): void {
  const { block, height: rpcHeight, offset } =
    file.kind === 'raw'
      ? (() => {
          const raw = rawBlockFromFile(file.path);
          return { block: parseBlock(raw.block, { file: file.path, offset: raw.blockOffset }), height: null, offset: raw.blockOffset };
        })()
      : { ...blockFromRpcJson(file.path), offset: undefined };
  let caip2 = run.forced?.id;
  if (!caip2) {
    const inferred = inferRawNetwork(block);
    caip2 = CHAIN_BY_NETWORK[inferred.network];
    run.warnings.push(`${file.path}: the file does not name its network; ${inferred.network} inferred because ${inferred.why} (use --chain to override)`);
  }
  run.state.done += file.size;
  // A lone block still gets a height: the node's own (getblock) or its binding BIP-34 height.
  takeBlock(run, file, { ...block, statedHeight: rpcHeight ?? statedHeightOf(block, caip2) }, caip2, { file: file.path, offset }, block.version);
}

/** bitcoin-etl blocks or transactions, one JSON object a line; they carry no headers to check. Returns the lines written. */
async function readEtlRows(run: BitcoinRun, file: PlannedFile): Promise<number> {
  const { state, report, options } = run;
  let fileBlocks = 0;
  // bitcoin-etl names no network; mainnet unless the import says otherwise.
  const c = useChain(run, run.forced?.id ?? CHAIN_BY_NETWORK.mainnet, file.path);
  if (file.kind === 'etl-blocks') run.warnings.push(`${file.path}: bitcoin-etl rows carry no block headers, so the proof of work, difficulty and timestamps of their blocks were not checked`);
  for await (const { obj, line } of readJsonLines(file.path, (n) => (state.done += n))) {
    if (file.kind === 'etl-blocks') {
      c.writer.writeBlock(etlBlockRow(obj, file.path, line));
      fileBlocks++;
      run.blocksRead++;
    } else {
      const t = etlTransaction(obj, file.path, line);
      // A transactions file without its blocks file still records which block and height.
      c.writer.writeBlock({ hash: t.blockHash, prevHash: '', height: t.blockNumber, time: t.blockTime, bits: 0, txCount: 0, size: 0 });
      c.writer.writeTx(t.blockHash, t.index, t.blockTime, t.tx, t.knownInputs);
      fileBlocks++;
      state.rows++;
    }
    if ((fileBlocks & 255) === 0) {
      if (options.signal?.aborted) throw new ImportCancelledError();
      report();
    }
  }
  return fileBlocks;
}

/** A live pull of a height range from Bitcoin Core: every answer is hashed into the pull's one source record. */
async function pullFromNode(run: BitcoinRun, pull: RpcPullRequest): Promise<void> {
  const { state, report, options, forced } = run;
  if (!(pull.from >= 0 && pull.to >= pull.from)) throw new BadInputError(pull.url, {}, `bad height range ${pull.from}..${pull.to}`);
  const hash = createHash('sha256');
  let bytes = 0;
  const onBody = (body: string): void => {
    hash.update(body);
    bytes += Buffer.byteLength(body);
  };
  const rpc = new BitcoinRpc({ url: pull.url, cookieFile: pull.cookieFile }, { signal: options.signal, onBody });
  const info = (await rpc.call('getblockchaininfo', [])) as { chain?: string } | null;
  const network = RPC_CHAINS[info?.chain ?? ''];
  if (!network && !forced) throw new BadInputError(rpc.name, {}, `the node reports chain "${info?.chain}", which Cairn does not know; give --chain`);
  const caip2 = forced?.id ?? CHAIN_BY_NETWORK[network];
  for (let h = pull.from; h <= pull.to; h++) {
    if (options.signal?.aborted) throw new ImportCancelledError();
    state.phase = `rpc · block ${h} of ${pull.from}–${pull.to}`;
    const { block } = await rpc.blockAtHeight(h);
    const c = useChain(run, caip2, rpc.name);
    c.headers.add({ hash: block.hash, prevHash: block.prevHash, time: block.time, bits: block.bits, version: block.version, statedHeight: h }, { file: `${rpc.name} block ${h}` });
    c.writer.write({ ...block, statedHeight: h });
    run.blocksRead++;
    state.rows += block.txs.length;
    state.done = h - pull.from + 1;
    report();
  }
  run.sources.push({ name: `${rpc.name} heights ${pull.from}-${pull.to}`, path: rpc.name, size: bytes, sha256: hash.digest('hex'), kind: 'rpc-pull', rows: run.blocksRead });
}

/** The main chain by most work, with heights for the transactions on it; blocks off it are said in the warnings. */
function buildChain({ db, state, report, warnings }: BitcoinRun, c: ChainState): void {
  state.phase = 'building the main chain';
  report(true);
  const built = buildMainChain(db, c.chainId, c.caip2.slice('bip122:'.length));
  // Blocks that state their height (bitcoin-etl) give it to their transactions as they are written.
  const stated = db.prepare("SELECT hash FROM btc_block WHERE chain_id = ? AND prev_hash = '' AND dataset_id = ?").pluck().all(c.chainId, c.datasetId) as string[];
  updateTxHeights(db, c.chainId, [...built.changed, ...stated]);
  if (built.offChain > 0) warnings.push(`${built.offChain} block(s) are not on the main chain (stale, or their ancestors are not imported); they have no height`);
}

/**
 * Inputs linked to the outputs they spend (also in earlier imports), the transactions that
 * waited for them folded into transfers, and the new transfers summed into the graph's edges.
 */
function linkInputsAndFold({ db, state, report }: BitcoinRun, c: ChainState, firstNewTxId: number, firstNewTransferId: number): { linked: Set<number>; transfers: number } {
  state.phase = 'linking inputs and folding transfers';
  report(true);
  const linked = resolveInputs(db, c.chainId);
  // Most new transactions were folded as they were written; these still wait for an input.
  const newTxIds = db.prepare('SELECT id FROM tx WHERE id >= ? AND chain_id = ? AND folded = 0').pluck().all(firstNewTxId, c.chainId) as number[];
  foldTransactions(db, c.nativeAssetId, c.datasetId, new Set([...newTxIds, ...linked]));
  const transfers = db.prepare('SELECT count(*) FROM transfer WHERE id >= ?').pluck().get(firstNewTransferId) as number;
  state.phase = 'aggregating edges';
  report(true);
  addTransfersToEdges(db, c.chainId, firstNewTransferId);
  state.phase = 'ranking hubs';
  report(true);
  refreshHubs(db, HUB_MIN_COUNTERPARTIES, c.chainId);
  return { linked, transfers };
}

/** Clusters follow the facts in the same transaction: a discarded import leaves none behind. */
function clusterAddresses({ db, options, state, report, warnings }: BitcoinRun, c: ChainState, firstNewTxId: number, linked: Set<number>): void {
  state.phase = 'clustering addresses';
  report(true);
  const clustered = clusterImport(db, c.chainId, c.datasetId, firstNewTxId, linked, { collapseGuard: options.collapseGuard });
  if (clustered.held > 0) {
    warnings.push(`${clustered.held} merge${clustered.held === 1 ? '' : 's'} of two large clusters held for review by the collapse guard (cairn clusters held)`);
  }
}

/** The indexes set aside for the bulk load are built again, once, before the commit. */
function rebuildIndexes({ state, report }: BitcoinRun, indexes: DeferredIndexes): void {
  if (!indexes.deferred) return;
  state.phase = 'indexing transfers';
  report(true);
  indexes.restore();
}

/** The dataset row completed and committed, after the investigator's review when the app asks for one. */
async function finishDataset(run: BitcoinRun, c: ChainState, firstNewTxId: number, transfers: number): Promise<ImportResult> {
  const { db, options, state, report, warnings } = run;
  const added = { ...c.writer.added, transfers, addresses: c.addresses.added };
  state.phase = options.review ? 'waiting for review' : 'committing';
  report(true);
  const outcome = await reviewAndCommit(
    db,
    {
      id: c.datasetId,
      format: BITCOIN_BLOCKS,
      chain: c.caip2,
      sources: run.sources,
      // Imported with --unvalidated-headers: how many blocks' headers were not enforced, for the dataset list to show.
      rowCounts: { blocks: run.blocksRead, ...(run.enforceHeaders ? {} : { unvalidated_headers: c.headers.count }) },
      added,
      finishedAt: run.now().toISOString(),
    },
    { review: options.review, skipped: [], notes: warnings, firstNewTxId, chainId: c.chainId, group: options.group },
    options.signal,
  );
  state.phase = 'done';
  report(true);
  return { ...outcome, skipped: [], warnings };
}
