import { createHash } from 'node:crypto';
import type { Dataset } from '../../../../shared/api/schemas';
import { resolveChain, type ChainInfo } from '../../../../shared/model/chains';
import { listDatasets, type SourceRecord } from '../../store/datasets';
import type { Db } from '../../store/openStore';
import { commitDataset, progressReporter, type DatasetOutcome, type ProgressState } from '../datasetRun';
import { BadInputError, ImportCancelledError } from '../errors';
import type { EtlKind } from '../ethereumEtl/kinds';
import { settleEdges, startAccountRun } from '../ethereumEtl/accountRun';
import type { ImportResult } from '../importTypes';
import { rowFromObject } from '../jsonRows';
import { EvmRpc, EvmRpcError, quantity, smallQuantity, toHexQuantity } from './evmRpc';

/**
 * A live pull of a block range from an EVM node on the lab network: blocks with their
 * transactions, receipts (success or failure), ERC-20 Transfer logs, the tokens' symbol, name
 * and decimals, and internal value transfers from the node's tracer when it offers one. The
 * node's answers are turned into ethereum-etl rows and written by the ethereum-etl writer, so
 * a pull and an export of the same blocks give the same facts.
 */

export const EVM_RPC = 'evm-rpc';
export const EVM_RPC_PARSER_VERSION = 'evm-rpc/1';

/** keccak256("Transfer(address,address,uint256)"): ERC-20 and ERC-721 share it. */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

const SELECTOR = { name: '0x06fdde03', symbol: '0x95d89b41', decimals: '0x313ce567' } as const;

export interface EvmRpcPullRequest {
  readonly url: string;
  readonly chain: string;
  readonly from: number;
  readonly to: number;
}

export interface EvmRpcImportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { phase: string; done: number; total: number; rows: number }) => void;
  readonly now?: () => Date;
  /** Wait before the first retry of a failed request (doubled for each further one); 500 ms by default. */
  readonly retryDelayMs?: number;
  /**
   * Consecutive blocks pulled and committed together, in one transaction, as one dataset
   * (DEFAULT_CHUNK_BLOCKS, 500, by default): an interrupted pull loses at most one chunk.
   */
  readonly chunkBlocks?: number;
}

// ---- what the node answers (only the fields used) ----

interface RpcTx {
  hash: string;
  nonce: string;
  blockHash: string;
  transactionIndex: string;
  from: string;
  to: string | null;
  value: string;
}

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  transactions: RpcTx[];
}

interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  logIndex: string;
  transactionHash: string;
  removed?: boolean;
}

interface RpcReceipt {
  transactionHash: string;
  blockHash: string;
  status?: string | null;
  logs: RpcLog[];
}

/** geth's callTracer frame. */
interface CallFrame {
  type: string;
  from: string;
  to?: string | null;
  value?: string | null;
  error?: string;
  calls?: CallFrame[];
}

/** OpenEthereum / erigon / reth `trace_block` entry. */
interface ParityTrace {
  type: string;
  action: {
    callType?: string;
    from?: string;
    to?: string;
    value?: string;
    address?: string;
    refundAddress?: string;
    balance?: string;
  };
  result?: { address?: string } | null;
  error?: string;
  traceAddress: number[];
  transactionHash: string | null;
}

type Row = Record<string, string>;

interface PulledBlock {
  readonly block: Row;
  readonly transactions: Row[];
  readonly receipts: Row[];
  readonly tokenTransfers: Row[];
  /** null: the node gave no traces for this block. */
  readonly traces: Row[] | null;
}

const CALL_TYPES: Record<string, { trace_type: string; call_type: string }> = {
  CALL: { trace_type: 'call', call_type: 'call' },
  DELEGATECALL: { trace_type: 'call', call_type: 'delegatecall' },
  STATICCALL: { trace_type: 'call', call_type: 'staticcall' },
  CALLCODE: { trace_type: 'call', call_type: 'callcode' },
  CREATE: { trace_type: 'create', call_type: '' },
  CREATE2: { trace_type: 'create', call_type: '' },
  SELFDESTRUCT: { trace_type: 'suicide', call_type: '' },
};

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/**
 * geth's callTracer tree as ethereum-etl trace rows: the root call has trace_address '', its
 * calls '0', '1', …, theirs '0,0', …; a frame that failed, or sits below one that did, has
 * status 0 (its value did not move).
 */
export function flattenCallFrames(root: CallFrame, base: { block_number: string; transaction_hash: string }, decimal: (hex: unknown, what: string) => string): Row[] {
  const rows: Row[] = [];
  const visit = (frame: CallFrame, path: number[], parentFailed: boolean): void => {
    const failed = parentFailed || (frame.error !== undefined && frame.error !== null && frame.error !== '');
    const type = CALL_TYPES[String(frame.type).toUpperCase()] ?? { trace_type: lower(frame.type) || 'unknown', call_type: '' };
    rows.push({
      ...base,
      from_address: lower(frame.from),
      to_address: lower(frame.to),
      value: frame.value === undefined || frame.value === null ? '0' : decimal(frame.value, `value of call ${path.join(',') || '(top)'}`),
      trace_type: type.trace_type,
      call_type: type.call_type,
      trace_address: path.join(','),
      status: failed ? '0' : '1',
    });
    (frame.calls ?? []).forEach((child, i) => visit(child, [...path, i], failed));
  };
  visit(root, [], false);
  return rows;
}

/** `trace_block` entries as ethereum-etl trace rows; status 0 when the trace or any trace above it in its transaction failed. */
export function parityTraceRows(traces: readonly ParityTrace[], blockNumber: string, decimal: (hex: unknown, what: string) => string): Row[] {
  const failed = new Set<string>();
  for (const t of traces) if (t.error) failed.add(`${t.transactionHash}|${(t.traceAddress ?? []).join(',')}`);
  return traces.map((t) => {
    const address = t.traceAddress ?? [];
    let bad = false;
    for (let n = 0; n <= address.length && !bad; n++) bad = failed.has(`${t.transactionHash}|${address.slice(0, n).join(',')}`);
    const a = t.action ?? {};
    const type = lower(t.type);
    const [from, to, value] =
      type === 'create' ? [a.from, t.result?.address, a.value]
      : type === 'suicide' ? [a.address, a.refundAddress, a.balance]
      : [a.from, a.to, a.value];
    return {
      block_number: blockNumber,
      transaction_hash: lower(t.transactionHash),
      from_address: lower(from),
      to_address: lower(to),
      value: value === undefined || value === null ? '0' : decimal(value, `value of trace ${address.join(',') || '(top)'}`),
      trace_type: type,
      call_type: type === 'call' ? lower(a.callType) : '',
      trace_address: address.join(','),
      status: bad ? '0' : '1',
    };
  });
}

/**
 * The top-level call of a transaction is the transaction's own value, which its transaction row
 * records (the writer would leave it out); block rewards belong to no transaction. Only the
 * calls below it can be internal transfers.
 */
const belowTopLevel = (row: Row): boolean => row.trace_address !== '' && row.transaction_hash !== '';

/** An ABI-encoded `string` return, or a `bytes32` one (older tokens such as MKR); null when neither. */
export function decodeAbiString(hex: string): string | null {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) return null;
  const bytes = Buffer.from(hex.slice(2), 'hex');
  let raw: Buffer | null = null;
  if (bytes.length >= 64) {
    const offset = BigInt('0x' + bytes.subarray(0, 32).toString('hex'));
    if (offset + 32n <= BigInt(bytes.length)) {
      const o = Number(offset);
      const length = BigInt('0x' + bytes.subarray(o, o + 32).toString('hex'));
      if (BigInt(o + 32) + length <= BigInt(bytes.length)) raw = bytes.subarray(o + 32, o + 32 + Number(length));
    }
  }
  if (raw === null && bytes.length === 32) raw = bytes.subarray(0, bytes.indexOf(0) === -1 ? 32 : bytes.indexOf(0));
  if (raw === null) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text === '' ? null : text.slice(0, 200);
}

/** An ABI uint256 return as a decimal string, or null. */
function decodeUint(hex: string): string | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) return null;
  return BigInt(hex).toString();
}

/** A 32-byte log topic holding an address (12 zero bytes, then 20), as lower-case 0x…; null otherwise. */
function topicAddress(topic: string): string | null {
  const m = /^0x0{24}([0-9a-fA-F]{40})$/.exec(topic);
  return m ? '0x' + m[1].toLowerCase() : null;
}

/** Blocks pulled and committed together, as one dataset, unless told otherwise. */
export const DEFAULT_CHUNK_BLOCKS = 500;

interface StoredBlock {
  readonly hash: string;
  readonly parent_hash: string | null;
  readonly dataset_id: number;
}

/** The runs [first, last] of from..to that `present` (ascending, inside the range) lacks. */
export function missingRanges(from: number, to: number, present: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let next = from;
  for (const n of present) {
    if (n > next) out.push([next, n - 1]);
    next = Math.max(next, n + 1);
  }
  if (next <= to) out.push([next, to]);
  return out;
}

/** Each range cut into chunks of at most `size` consecutive blocks. */
export function chunksOf(ranges: readonly (readonly [number, number])[], size: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [first, last] of ranges) for (let f = first; f <= last; f += size) out.push([f, Math.min(last, f + size - 1)]);
  return out;
}

/** "1-1000, 1201-1300": the ranges, adjacent ones joined. */
function describeRanges(ranges: readonly (readonly [number, number])[]): string {
  const joined: [number, number][] = [];
  for (const [f, l] of ranges) {
    const prev = joined.at(-1);
    if (prev && prev[1] + 1 === f) prev[1] = l;
    else joined.push([f, l]);
  }
  return joined.map(([f, l]) => `${f}-${l}`).join(', ');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One reporter for the whole pull, so its 100 ms pacing holds across the steps. */
interface Progress {
  readonly state: ProgressState;
  readonly report: (force?: boolean) => void;
}

/** What every step of one pull reads: the request, its options and its progress. */
interface Pull extends Progress {
  readonly db: Db;
  readonly request: EvmRpcPullRequest;
  readonly options: EvmRpcImportOptions;
  readonly chain: ChainInfo;
  readonly now: () => Date;
}

/**
 * The store's blocks of the chain, looked up as the pull goes: the chain's row may only appear
 * with the first chunk committed, and the chunks after it must link to that chunk's blocks.
 */
interface StoredBlocks {
  chainId: number | undefined;
  at(n: number): StoredBlock | undefined;
}

/** What the store holds of the range from earlier pulls from an EVM node, and what is left to pull. */
interface EarlierPulls {
  readonly stored: StoredBlocks;
  /** Blocks of the range in evm-rpc datasets, and in how many datasets. */
  readonly present: number;
  readonly presentDatasets: number;
  /** The dataset holding the last of them (null when none is stored). */
  readonly lastDatasetId: number | null;
  readonly missing: [number, number][];
  /** The warning that says what was not asked for again ('' when nothing was). */
  readonly note: string;
}

/** What the pull's committed chunks add to its result; a chunk rolled back adds nothing. */
interface PullTally {
  pulledBlocks: number;
  retried: number;
  readonly writerWarnings: Set<string>;
  readonly tracesLeftOut: Map<string, number>;
}

/** The chunks this run committed, and the result's dataset. */
interface Committed {
  readonly ranges: [number, number][];
  readonly datasetIds: number[];
  readonly lastDataset: Dataset | null;
  readonly lastAlready: number | null;
}

/**
 * Pulls blocks `from`..`to` (inclusive) from an EVM node in chunks of consecutive blocks
 * (`chunkBlocks`, 500 by default), each committed in its own store transaction as its own
 * dataset: every fact of a chunk is committed with its dataset, or none is (bad answer,
 * cancel, crash). An interrupted pull so loses at most the chunk in progress, and running it
 * again continues where it stopped: blocks of the range that earlier pulls from an EVM node
 * committed are not asked for again. Before pulling next to blocks already stored, the node
 * must still have those blocks (same hash), and every block pulled must link by its parent
 * hash to the stored block before it and to the one after it: a node that was reorganised,
 * or follows another chain, is refused rather than mixed in. Pulling a range already imported
 * adds nothing and names the dataset holding its last block.
 */
export async function importEvmRpc(db: Db, request: EvmRpcPullRequest, options: EvmRpcImportOptions = {}): Promise<ImportResult> {
  const chain = resolveChain(request.chain);
  // The node's chain and height, and the hashes of the stored blocks next to what is missing,
  // are checks, not facts of a chunk: asked by this client, hashed into no dataset. Each chunk
  // gets its own client, whose answers (numbered from 1) make the chunk's SHA-256.
  const probe = new EvmRpc(request.url, { signal: options.signal, retryDelayMs: options.retryDelayMs });
  const chunkBlocks = checkPullRequest(probe.name, chain, request, options);
  const pull = startPull(db, request, options, chain);
  await checkNodeChain(probe, chain);
  const earlier = findEarlierPulls(pull);
  if (earlier.missing.length === 0) return nothingLeftToPull(pull, earlier);
  const head = await checkNodeHead(probe, earlier.missing, request);
  await checkStoredNeighbours(pull, probe, earlier, head);
  const reader = new BlockReader(probe, pull.state);
  const tally: PullTally = { pulledBlocks: 0, retried: 0, writerWarnings: new Set(), tracesLeftOut: new Map() };
  const committed = await pullChunks(pull, reader, earlier, chunkBlocks, tally);
  tally.retried += probe.retried;
  return finishPull(pull, reader, earlier, committed, tally, chunkBlocks);
}

/** Refuses what no node could answer before a request is sent: another family's chain, a bad range or chunk size. */
function checkPullRequest(node: string, chain: ChainInfo, request: EvmRpcPullRequest, options: EvmRpcImportOptions): number {
  if (chain.family !== 'evm') throw new BadInputError(node, {}, `a pull from an EVM node is for EVM chains; ${chain.name} (${chain.id}) is not one`);
  const { from, to } = request;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new BadInputError(node, {}, `bad block range ${from}..${to}: give --from and --to as block numbers, from ≤ to`);
  }
  const chunkBlocks = options.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS;
  if (!Number.isSafeInteger(chunkBlocks) || chunkBlocks < 1) throw new BadInputError(node, {}, `bad chunk size ${chunkBlocks}: give a whole number of blocks, at least 1`);
  return chunkBlocks;
}

/** The pull's shared parts, and its first progress event: progress counts blocks of the range. */
function startPull(db: Db, request: EvmRpcPullRequest, options: EvmRpcImportOptions, chain: ChainInfo): Pull {
  const now = options.now ?? (() => new Date());
  const state: ProgressState = { phase: 'asking the node which chain it serves', done: 0, total: request.to - request.from + 1, rows: 0 };
  const report = progressReporter(state, options.onProgress);
  report(true);
  return { db, request, options, chain, now, state, report };
}

/** A node that serves another chain is refused before anything is read from it. */
async function checkNodeChain(probe: EvmRpc, chain: ChainInfo): Promise<void> {
  const nodeChain = `eip155:${quantity(await probe.call('eth_chainId', []), 'eth_chainId', probe.name)}`;
  if (nodeChain !== chain.id) {
    throw new BadInputError(probe.name, {}, `the node serves chain ${nodeChain}, not ${chain.id} (${chain.name}); check the URL, or give --chain ${nodeChain}`);
  }
}

/**
 * What earlier pulls committed: a block from an evm-rpc dataset came with all its facts (a
 * chunk is atomic), so it is not asked for again. Blocks that other imports brought (an
 * ethereum-etl export may hold the blocks file alone) are pulled.
 */
function findEarlierPulls({ db, chain, request: { from, to }, state, report }: Pull): EarlierPulls {
  state.phase = 'checking which blocks earlier pulls imported';
  report(true);
  const stored = storedBlocks(db, chain.id);
  const presentRows =
    stored.chainId === undefined
      ? []
      : (db
          .prepare(
            `SELECT block.number AS number, block.dataset_id AS datasetId FROM block JOIN dataset ON dataset.id = block.dataset_id
             WHERE block.chain_id = ? AND block.number BETWEEN ? AND ? AND dataset.format = ? ORDER BY block.number`,
          )
          .all(stored.chainId, from, to, EVM_RPC) as { number: number; datasetId: number }[]);
  const present = presentRows.length;
  state.done = present;
  const presentDatasets = new Set(presentRows.map((r) => r.datasetId)).size;
  return {
    stored,
    present,
    presentDatasets,
    lastDatasetId: presentRows.at(-1)?.datasetId ?? null,
    missing: missingRanges(from, to, presentRows.map((r) => r.number)),
    note: present === 0 ? '' : `${present} of blocks ${from}-${to} were already imported by earlier pulls (${plural(presentDatasets, 'dataset')}) and were not asked for again`,
  };
}

function storedBlocks(db: Db, caip2: string): StoredBlocks {
  const chainId = db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(caip2) as number | undefined;
  const blockAt = db.prepare('SELECT hash, parent_hash, dataset_id FROM block WHERE chain_id = ? AND number = ?');
  const stored: StoredBlocks = {
    chainId,
    at: (n) => (stored.chainId === undefined || n < 0 ? undefined : (blockAt.get(stored.chainId, n) as StoredBlock | undefined)),
  };
  return stored;
}

/** Every block of the range came with earlier pulls: the node is asked for nothing more. */
function nothingLeftToPull({ request: { from, to }, state, report }: Pull, earlier: EarlierPulls): ImportResult {
  state.done = state.total;
  state.phase = 'done';
  report(true);
  const note = `all ${state.total} blocks ${from}-${to} were already imported by earlier pulls (${plural(earlier.presentDatasets, 'dataset')}); nothing was asked for again`;
  return { dataset: null, alreadyImportedAs: earlier.lastDatasetId, skipped: [], warnings: [note] };
}

/** The node must have every block still missing; its height is not a fact of the pull and changes as it runs. */
async function checkNodeHead(probe: EvmRpc, missing: readonly [number, number][], { from, to }: EvmRpcPullRequest): Promise<number> {
  const head = smallQuantity(await probe.call('eth_blockNumber', []), 'eth_blockNumber', probe.name);
  if (missing[missing.length - 1][1] > head) throw new BadInputError(probe.name, {}, `the node's latest block is ${head}; it cannot give blocks ${from}-${to}`);
  return head;
}

/** Refuses a pull whose node disagrees with the store about a block: the two chains are not mixed. */
function forked(node: string, n: number, said: string, store: string, datasetId: number): BadInputError {
  return new BadInputError(
    node,
    {},
    `block ${n}: ${said}, but ${store} (dataset #${datasetId}): the chain was reorganised since that import, or this node follows another chain; refused, so as not to mix two chains`,
  );
}

/** The stored blocks just before and after each missing run: the node must still have them. */
async function checkStoredNeighbours({ state, report }: Pull, probe: EvmRpc, { stored, missing }: EarlierPulls, head: number): Promise<void> {
  state.phase = 'checking the node still has the blocks stored next to the missing ones';
  report(true);
  const boundaries = new Set<number>();
  for (const [first, last] of missing) for (const n of [first - 1, last + 1]) if (n >= 0 && n <= head) boundaries.add(n);
  for (const n of boundaries) {
    const s = stored.at(n);
    if (!s) continue;
    const block = await probe.call<{ hash?: unknown } | null>('eth_getBlockByNumber', [toHexQuantity(n), false]);
    // A block the node lacks is checked through the parent hash of its neighbour when that is pulled.
    if (!block || typeof block !== 'object') continue;
    if (lower(block.hash) !== s.hash) throw forked(probe.name, n, `the node's block ${n} is ${lower(block.hash)}`, `the store's is ${s.hash}`, s.dataset_id);
  }
}

/**
 * Reads blocks from the node as ethereum-etl rows. It is kept for the whole pull because it
 * learns how the node answers (a block's receipts at once or one by one; which tracer, if any),
 * which tokens it has read, and what it had to skip, for the warnings at the end.
 */
class BlockReader {
  /** The client asked: each chunk brings its own, whose answers make that chunk's SHA-256. */
  rpc: EvmRpc;
  private receiptsMode: 'block' | 'tx' | null = null;
  tracesMode: 'debug' | 'parity' | 'none' | null = null;
  readonly tracesRefused: string[] = [];
  readonly blocksWithoutTraces: number[] = [];
  readonly skippedLogs = { erc721: 0, malformed: 0, removed: 0 };
  readonly tokenRows = new Map<string, Row>();

  constructor(
    rpc: EvmRpc,
    private readonly state: ProgressState,
  ) {
    this.rpc = rpc;
  }

  private decimal(where: string): (hex: unknown, what: string) => string {
    return (hex, what) => quantity(hex, `${where}: ${what}`, this.rpc.name).toString();
  }

  /** A receipt per transaction, in block order: the whole block at once when the node can, else one by one. */
  private async receiptsOf(number: number, block: RpcBlock): Promise<RpcReceipt[]> {
    const rpc = this.rpc;
    if (block.transactions.length === 0) return [];
    if (this.receiptsMode !== 'tx') {
      try {
        const all = await rpc.call<RpcReceipt[] | null>('eth_getBlockReceipts', [toHexQuantity(number)]);
        if (Array.isArray(all)) {
          this.receiptsMode = 'block';
          const byHash = new Map(all.map((r) => [lower(r?.transactionHash), r]));
          return block.transactions.map((tx) => {
            const r = byHash.get(lower(tx.hash));
            if (!r) throw new BadInputError(rpc.name, {}, `eth_getBlockReceipts for block ${number} has no receipt for ${tx.hash}`);
            return r;
          });
        }
      } catch (error) {
        if (!(error instanceof EvmRpcError) || this.receiptsMode === 'block') throw error;
      }
      this.receiptsMode = 'tx';
    }
    const out: RpcReceipt[] = [];
    for (const tx of block.transactions) {
      const r = await rpc.call<RpcReceipt | null>('eth_getTransactionReceipt', [tx.hash]);
      if (!r) throw new BadInputError(rpc.name, {}, `the node has no receipt for ${tx.hash} (block ${number})`);
      out.push(r);
    }
    return out;
  }

  /** Internal transfers: geth's callTracer, else parity-style trace_block, else none (said in the warnings). */
  private async tracesOf(number: number, block: RpcBlock): Promise<Row[] | null> {
    const rpc = this.rpc;
    if (block.transactions.length === 0) return [];
    const blockNumber = String(number);
    const dec = this.decimal(`block ${number} traces`);
    if (this.tracesMode === null || this.tracesMode === 'debug') {
      try {
        const results = await rpc.call<{ txHash?: string; result?: CallFrame; error?: string }[] | null>('debug_traceBlockByNumber', [toHexQuantity(number), { tracer: 'callTracer' }]);
        if (!Array.isArray(results) || results.length !== block.transactions.length) {
          throw new BadInputError(rpc.name, {}, `debug_traceBlockByNumber ${number}: expected ${block.transactions.length} traces, found ${Array.isArray(results) ? results.length : 'none'}`);
        }
        const rows: Row[] = [];
        results.forEach((r, i) => {
          const tx = block.transactions[i];
          if (r.txHash && lower(r.txHash) !== lower(tx.hash)) {
            throw new BadInputError(rpc.name, {}, `debug_traceBlockByNumber ${number}: trace ${i} is of ${r.txHash}, not ${tx.hash}`);
          }
          if (!r.result) throw new EvmRpcError(rpc.name, 'debug_traceBlockByNumber', null, `no trace of ${tx.hash}: ${r.error ?? 'empty result'}`);
          rows.push(...flattenCallFrames(r.result, { block_number: blockNumber, transaction_hash: lower(tx.hash) }, dec));
        });
        this.tracesMode = 'debug';
        return rows.filter(belowTopLevel);
      } catch (error) {
        if (!(error instanceof EvmRpcError)) throw error;
        if (this.tracesMode === 'debug') {
          this.blocksWithoutTraces.push(number);
          return null;
        }
        this.tracesRefused.push(error.problem);
      }
    }
    if (this.tracesMode === null || this.tracesMode === 'parity') {
      try {
        const traces = await rpc.call<ParityTrace[] | null>('trace_block', [toHexQuantity(number)]);
        if (!Array.isArray(traces)) throw new EvmRpcError(rpc.name, 'trace_block', null, 'no traces (null)');
        this.tracesMode = 'parity';
        return parityTraceRows(traces, blockNumber, dec).filter(belowTopLevel);
      } catch (error) {
        if (!(error instanceof EvmRpcError)) throw error;
        if (this.tracesMode === 'parity') {
          this.blocksWithoutTraces.push(number);
          return null;
        }
        this.tracesRefused.push(error.problem);
      }
    }
    this.tracesMode = 'none';
    return null;
  }

  /** symbol(), name() and decimals() of a token, at the block it was seen in (the latest state when the node has no history). */
  private async tokenRow(address: string, number: number): Promise<Row> {
    const rpc = this.rpc;
    const read = async (data: string): Promise<string> => {
      for (const tag of [toHexQuantity(number), 'latest']) {
        try {
          const result = await rpc.call<unknown>('eth_call', [{ to: address, data }, tag]);
          return typeof result === 'string' ? result : '0x';
        } catch (error) {
          if (!(error instanceof EvmRpcError)) throw error;
        }
      }
      return '0x';
    };
    const symbol = decodeAbiString(await read(SELECTOR.symbol)) ?? '';
    const name = decodeAbiString(await read(SELECTOR.name)) ?? '';
    const decimals = decodeUint(await read(SELECTOR.decimals)) ?? '';
    return { address, symbol, name, decimals };
  }

  /** One block with its transactions, receipts, ERC-20 transfers (reading each new token) and traces. */
  async pullBlock(number: number): Promise<PulledBlock> {
    const rpc = this.rpc;
    const where = `block ${number}`;
    const dec = this.decimal(where);
    const block = await rpc.call<RpcBlock | null>('eth_getBlockByNumber', [toHexQuantity(number), true]);
    if (!block || typeof block !== 'object') throw new BadInputError(rpc.name, {}, `the node has no block ${number}`);
    if (smallQuantity(block.number, `${where}: number`, rpc.name) !== number) throw new BadInputError(rpc.name, {}, `asked for block ${number}, the node answered block ${block.number}`);
    if (!Array.isArray(block.transactions) || block.transactions.some((t) => typeof t !== 'object' || t === null)) {
      throw new BadInputError(rpc.name, {}, `${where}: the node did not give the transactions' contents`);
    }
    const timestamp = dec(block.timestamp, 'timestamp');
    const blockNumber = String(number);
    const receipts = await this.receiptsOf(number, block);
    for (const r of receipts) {
      if (lower(r.blockHash) !== lower(block.hash)) {
        throw new BadInputError(rpc.name, {}, `${where} changed while it was read (a reorganisation?): receipt of ${r.transactionHash} is in block ${r.blockHash}, not ${block.hash}; pull the range again`);
      }
    }
    const traces = await this.tracesOf(number, block);

    const tokenTransfers: Row[] = [];
    for (const receipt of receipts) {
      for (const log of receipt.logs ?? []) {
        const topics = Array.isArray(log.topics) ? log.topics.map(lower) : [];
        if (topics[0] !== TRANSFER_TOPIC) continue;
        if (log.removed) {
          this.skippedLogs.removed++;
          continue;
        }
        if (topics.length === 4) {
          this.skippedLogs.erc721++;
          continue;
        }
        const fromAddr = topics.length === 3 ? topicAddress(topics[1]) : null;
        const toAddr = topics.length === 3 ? topicAddress(topics[2]) : null;
        if (fromAddr === null || toAddr === null || typeof log.data !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(log.data)) {
          this.skippedLogs.malformed++;
          continue;
        }
        const token = lower(log.address);
        if (!this.tokenRows.has(token)) {
          this.state.phase = `rpc · block ${number} · token ${token}`;
          this.tokenRows.set(token, await this.tokenRow(token, number));
        }
        tokenTransfers.push({
          token_address: token,
          from_address: fromAddr,
          to_address: toAddr,
          value: BigInt(log.data).toString(),
          transaction_hash: lower(log.transactionHash ?? receipt.transactionHash),
          log_index: dec(log.logIndex, 'log index'),
          block_number: blockNumber,
        });
      }
    }

    return {
      block: {
        number: blockNumber,
        hash: lower(block.hash),
        parent_hash: lower(block.parentHash),
        timestamp,
        transaction_count: String(block.transactions.length),
      },
      transactions: block.transactions.map((tx) => ({
        hash: lower(tx.hash),
        nonce: dec(tx.nonce, `nonce of ${tx.hash}`),
        block_hash: lower(tx.blockHash ?? block.hash),
        block_number: blockNumber,
        transaction_index: dec(tx.transactionIndex, `index of ${tx.hash}`),
        from_address: lower(tx.from),
        to_address: lower(tx.to),
        value: dec(tx.value, `value of ${tx.hash}`),
        block_timestamp: timestamp,
      })),
      receipts: receipts.map((r) => ({
        transaction_hash: lower(r.transactionHash),
        block_number: blockNumber,
        // Before Byzantium a receipt has a state root instead of a status: unknown.
        status: r.status === undefined || r.status === null ? '' : dec(r.status, `status of ${r.transactionHash}`),
      })),
      tokenTransfers,
      traces,
    };
  }
}

/**
 * Cuts what is missing into chunks and commits each in turn. When the pull stops (cancelled,
 * the node gone, a bad answer, a fork), what was committed stays, and the error says which
 * blocks those are and where a re-run continues.
 */
async function pullChunks(pull: Pull, reader: BlockReader, earlier: EarlierPulls, chunkBlocks: number, tally: PullTally): Promise<Committed> {
  const { from, to } = pull.request;
  const chunks = chunksOf(earlier.missing, chunkBlocks);
  const ranges: [number, number][] = [];
  const datasetIds: number[] = [];
  let lastDataset: Dataset | null = null;
  let lastAlready: number | null = null;
  let resumeAt = chunks[0][0];
  /** What this run committed, and where a re-run starts. */
  const kept = (): string =>
    `blocks ${describeRanges(ranges)} were committed in ${plural(datasetIds.length, 'dataset')} and a re-run continues from block ${resumeAt}`;
  try {
    for (const [first, last] of chunks) {
      resumeAt = first;
      const outcome = await pullChunk(pull, reader, earlier, first, last, tally);
      if (outcome.dataset) {
        ranges.push([first, last]);
        datasetIds.push(outcome.dataset.id);
        lastDataset = outcome.dataset;
      } else lastAlready = outcome.alreadyImportedAs;
    }
  } catch (error) {
    if (error instanceof ImportCancelledError) {
      if (ranges.length > 0) throw new ImportCancelledError(`import cancelled; ${kept()}`);
      if (earlier.present > 0) throw new ImportCancelledError(`import cancelled; nothing more was committed (${earlier.present} of blocks ${from}-${to} are in the store from earlier pulls) and a re-run continues from block ${resumeAt}`);
      throw error;
    }
    // Lost for good (the node gone, a bad answer, a fork): what was committed stays; say so.
    if (ranges.length > 0 && error instanceof Error) error.message += ` (${kept()})`;
    throw error;
  }
  return { ranges, datasetIds, lastDataset, lastAlready };
}

/** Pulls blocks first..last and commits them as one dataset, in one transaction: a chunk is all there, or not at all. */
async function pullChunk(pull: Pull, reader: BlockReader, earlier: EarlierPulls, first: number, last: number, tally: PullTally): Promise<DatasetOutcome> {
  const { db, request, options, chain, now, state, report } = pull;
  const { from, to } = request;
  const signal = options.signal;
  const hash = createHash('sha256');
  const client = new EvmRpc(request.url, { signal, retryDelayMs: options.retryDelayMs, onBody: (body) => hash.update(body) });
  reader.rpc = client;
  const resuming = earlier.present === 0 ? '' : ` (resuming after ${earlier.present} already imported)`;
  const startedAt = now().toISOString();
  let rows = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    const run = startAccountRun(db, chain.id, EVM_RPC, EVM_RPC_PARSER_VERSION, startedAt);
    earlier.stored.chainId = run.chainId;
    const { datasetId, addresses, writer } = run;
    const rowCounts: Record<string, number> = {};
    const write = (kind: EtlKind, file: string, list: readonly Row[]): void => {
      list.forEach((obj, i) => writer.write(kind, rowFromObject(file, i + 1, obj)));
      rowCounts[kind] = (rowCounts[kind] ?? 0) + list.length;
      rows += list.length;
      state.rows += list.length;
    };

    for (let number = first; number <= last; number++) {
      if (signal?.aborted) throw new ImportCancelledError();
      state.phase = `rpc · block ${number} of ${from}–${to}${resuming}`;
      report(number === first);
      const tokensBefore = new Set(reader.tokenRows.keys());
      const pulled = await reader.pullBlock(number);
      if (signal?.aborted) throw new ImportCancelledError();
      checkLinks(earlier.stored, client.name, number, pulled.block);
      writePulledBlock(write, `${client.name} block ${number}`, pulled, [...reader.tokenRows].filter(([a]) => !tokensBefore.has(a)).map(([, row]) => row));
      state.done = earlier.present + tally.pulledBlocks + (number - first + 1);
      report(number === last);
    }

    settleEdges(db, run, undefined, (phase) => {
      state.phase = `rpc · blocks ${first}-${last} · ${phase}`;
      report(true);
    });
    const source: SourceRecord = {
      name: `${new URL(request.url).host} blocks ${first}-${last}`,
      path: client.name,
      size: client.bytes,
      sha256: hash.digest('hex'),
      kind: 'rpc-pull',
      rows: last - first + 1,
    };
    const added = { ...writer.added, addresses: addresses.added };
    const outcome = commitDataset(db, { id: datasetId, format: EVM_RPC, chain: chain.id, sources: [source], rowCounts, added, finishedAt: now().toISOString() }, signal);
    // Kept only once committed: a chunk rolled back leaves no trace in the result either.
    writer.warnings.forEach((w) => tally.writerWarnings.add(w));
    for (const [why, n] of writer.tracesLeftOut) tally.tracesLeftOut.set(why, (tally.tracesLeftOut.get(why) ?? 0) + n);
    tally.pulledBlocks += last - first + 1;
    state.phase = outcome.dataset ? `rpc · blocks ${first}-${last} committed as dataset #${outcome.dataset.id}` : `rpc · blocks ${first}-${last} were already imported as dataset #${outcome.alreadyImportedAs}`;
    report(true);
    return outcome;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    state.rows -= rows;
    throw error;
  } finally {
    tally.retried += client.retried;
  }
}

/** A pulled block must be the one the store holds at its number, and link to the stored blocks either side. */
function checkLinks(stored: StoredBlocks, node: string, number: number, block: Row): void {
  const same = stored.at(number);
  if (same && same.hash !== block.hash) throw forked(node, number, `the node's block ${number} is ${block.hash}`, `the store's is ${same.hash}`, same.dataset_id);
  const before = stored.at(number - 1);
  if (before && before.hash !== block.parent_hash) {
    throw forked(node, number - 1, `the node's block ${number} names ${block.parent_hash} as its parent`, `the store's block ${number - 1} is ${before.hash}`, before.dataset_id);
  }
  const after = stored.at(number + 1);
  if (after && after.parent_hash && after.parent_hash !== block.hash) {
    throw forked(node, number, `the node's block ${number} is ${block.hash}`, `the store's block ${number + 1} names ${after.parent_hash} as its parent`, after.dataset_id);
  }
}

/**
 * Writes one pulled block's rows, each kind under the name of the request that brought it (what
 * a bad row's error names). Blocks first (timestamps), receipts after the transactions they
 * settle, tokens before their transfers (decimals), traces last: the ethereum-etl import order.
 */
function writePulledBlock(write: (kind: EtlKind, file: string, list: readonly Row[]) => void, file: string, pulled: PulledBlock, newTokens: readonly Row[]): void {
  write('tokens', `${file} eth_call`, newTokens);
  write('blocks', `${file} eth_getBlockByNumber`, [pulled.block]);
  write('transactions', `${file} eth_getBlockByNumber`, pulled.transactions);
  write('receipts', `${file} receipts`, pulled.receipts);
  write('token_transfers', `${file} logs`, pulled.tokenTransfers);
  if (pulled.traces) write('traces', `${file} traces`, pulled.traces);
}

/** The result: the last dataset committed, and warnings for all that the datasets do not say each on their own. */
function finishPull({ db, state, report }: Pull, reader: BlockReader, earlier: EarlierPulls, committed: Committed, tally: PullTally, chunkBlocks: number): ImportResult {
  const { ranges, datasetIds, lastDataset, lastAlready } = committed;
  const warnings: string[] = [...tally.writerWarnings];
  if (earlier.present > 0 || datasetIds.length > 1) {
    const ids = datasetIds.length === 0 ? '' : datasetIds.length === 1 ? ` (#${datasetIds[0]})` : ` (#${datasetIds[0]} to #${datasetIds[datasetIds.length - 1]})`;
    const pulledNote = `blocks ${describeRanges(ranges)} were pulled and committed in ${plural(datasetIds.length, 'chunk')} of at most ${chunkBlocks} blocks, each its own dataset${ids}`;
    warnings.push(earlier.present > 0 ? `${earlier.note}; ${ranges.length > 0 ? pulledNote : 'nothing new was committed'}` : pulledNote);
  }
  // One chunk's dataset says its own conflicts; over several, only the last dataset is shown.
  const conflicted = datasetIds.length > 1 ? listDatasets(db, datasetIds).filter((d) => d.conflicts > 0) : [];
  if (conflicted.length > 0) {
    const n = conflicted.reduce((sum, d) => sum + d.conflicts, 0);
    warnings.push(
      `${plural(n, 'fact')} disagree${n === 1 ? 's' : ''} with earlier sources (dataset${conflicted.length === 1 ? '' : 's'} ${conflicted.map((d) => `#${d.id}`).join(', ')}); the first source's values were kept: see cairn conflicts`,
    );
  }
  if (reader.tracesMode === 'none') {
    warnings.push(`the node offers no traces (${reader.tracesRefused.join('; ')}): internal transfers (value moved by contracts) are missing from this import`);
  }
  const { blocksWithoutTraces, skippedLogs } = reader;
  if (blocksWithoutTraces.length > 0) {
    warnings.push(`the node gave no traces for ${blocksWithoutTraces.length} block(s) (${blocksWithoutTraces.slice(0, 10).join(', ')}${blocksWithoutTraces.length > 10 ? ', …' : ''}): their internal transfers are missing`);
  }
  if (skippedLogs.erc721 > 0) warnings.push(`${skippedLogs.erc721} ERC-721 Transfer log(s) (4 topics, an NFT's id) were skipped: this version imports ERC-20 transfers only`);
  if (skippedLogs.malformed > 0) warnings.push(`${skippedLogs.malformed} Transfer log(s) that are neither ERC-20 nor ERC-721 in shape were skipped`);
  if (skippedLogs.removed > 0) warnings.push(`${skippedLogs.removed} Transfer log(s) the node marked as removed (reorganised away) were skipped`);
  if (tally.tracesLeftOut.size > 0) {
    warnings.push(`traces that move no value between addresses were left out: ${[...tally.tracesLeftOut].map(([why, n]) => `${n} ${why}`).join(', ')}`);
  }
  if (tally.retried > 0) warnings.push(`${tally.retried} request(s) to the node failed and were tried again`);
  state.phase = 'done';
  report(true);
  return { dataset: lastDataset, alreadyImportedAs: lastDataset ? null : lastAlready, skipped: [], warnings };
}
