/**
 * Reads and parses the blocks of blk files for the importer, on a second thread when one is
 * available, so that parsing, hashing and script decoding on one core overlap the SQLite writes
 * on the other. Both paths yield the same blocks in the same order, and the worker sends
 * decoded outputs (type, address, data) instead of scripts, so the store ends up identical.
 *
 * The worker is a bundled script (dist/node/blkParseWorker.cjs) that the bundled entry points
 * register with useBlockParseWorker; source runs (tests under tsx) parse in-process unless a
 * test registers the built script.
 */
import { networkForChain } from '../../../../shared/codec/bitcoinScript';
import { BadInputError, ImportCancelledError } from '../errors';
import { threadMessages } from '../parseThread';
import { CHAIN_BY_NETWORK, readBlkRecords, type BitcoinNetwork, type BlkRecord, type RecordVerdict } from './blkFile';
import { BlockIntegrityError, coinbaseHeight, parseBlock, type ParsedBlock } from './blockParser';
import { outputAddress, type UnlockingData, type UtxoBlockLike, type UtxoTxLike } from './utxoWriter';

export interface BlkSource {
  readonly path: string;
  readonly xorKey?: Buffer;
  /** A record boundary to start reading at (resuming a file that has grown). */
  readonly startOffset?: number;
}

export type PipelineItem =
  | {
      readonly type: 'block';
      readonly file: number;
      readonly caip2: string;
      readonly block: UtxoBlockLike;
      readonly txCount: number;
      /** Absolute file offset of the block's first byte, for errors about it (the header checks). */
      readonly offset: number;
      /** The header's version, for the BIP 34/66/65 version floor. */
      readonly version: number;
    }
  | { readonly type: 'file-end'; readonly file: number; readonly warnings: readonly string[]; readonly stoppedAt: number }
  | { readonly type: 'bytes'; readonly n: number };

export interface PipelineOptions {
  /** Overrides the network the magic names (a CAIP-2 id). */
  readonly forcedChain?: string;
  readonly signal?: AbortSignal;
}

let workerScript: string | undefined;

/** Registers the bundled parse worker; undefined parses on the calling thread. */
export function useBlockParseWorker(script: string | undefined): void {
  workerScript = script;
}

const caip2Of = (network: BitcoinNetwork, forced: string | undefined): string => forced ?? CHAIN_BY_NETWORK[network];

/** First height at which each network enforced BIP 34 (coinbase states the height). */
const BIP34_FROM: Readonly<Record<string, number>> = {
  [CHAIN_BY_NETWORK.mainnet]: 227_931,
  [CHAIN_BY_NETWORK.testnet3]: 21_111,
  [CHAIN_BY_NETWORK.testnet4]: 1,
  [CHAIN_BY_NETWORK.signet]: 1,
  [CHAIN_BY_NETWORK.regtest]: 1,
};

/**
 * The height a block states for itself, where the consensus rules made it binding: the BIP 34
 * coinbase height at or above the network's activation height. Null otherwise (and for chains
 * Cairn does not know the activation of), so an unenforced number is never taken as a height.
 */
export function statedHeightOf(block: Pick<ParsedBlock, 'version' | 'txs'>, caip2: string): number | null {
  const from = BIP34_FROM[caip2];
  const h = coinbaseHeight(block);
  return from !== undefined && h !== null && h >= from ? h : null;
}

/**
 * What a record whose block did not parse means: a corrupt record (its size field or its bytes
 * damaged), which the reader resyncs after and reports, unless the block parsed to its exact
 * length and contradicts its own header (merkle root, witness commitment): that is a changed
 * block, refused like any other bad input. Bytes offered after a damaged size field
 * (declaredSize set) are only a guess, so any failure of theirs is a corrupt record.
 */
export function verdictOnParseError(error: unknown, record: Pick<BlkRecord, 'declaredSize'>): RecordVerdict {
  if (!(error instanceof BadInputError)) throw error;
  if (error instanceof BlockIntegrityError && record.declaredSize === undefined) throw error;
  return { bad: error.problem };
}

/** The blocks of these files, in file order and file position order. */
export function readBlkBlocks(files: readonly BlkSource[], options: PipelineOptions = {}): AsyncGenerator<PipelineItem> {
  return workerScript ? viaWorker(workerScript, files, options) : inProcess(files, options);
}

async function* inProcess(files: readonly BlkSource[], options: PipelineOptions): AsyncGenerator<PipelineItem> {
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    let bytes = 0;
    const records = readBlkRecords(f.path, { xorKey: f.xorKey, startOffset: f.startOffset, onBytes: (n) => (bytes += n) });
    let verdict: RecordVerdict;
    try {
      for (;;) {
        const r = await records.next(verdict);
        verdict = undefined;
        if (bytes > 0) yield { type: 'bytes', n: bytes };
        bytes = 0;
        if (r.done) {
          yield { type: 'file-end', file: i, warnings: r.value.warnings.map((w) => w.message), stoppedAt: r.value.stoppedAt };
          break;
        }
        if (options.signal?.aborted) throw new ImportCancelledError();
        let block: ParsedBlock;
        try {
          block = parseBlock(r.value.block, { file: f.path, offset: r.value.blockOffset });
        } catch (error) {
          verdict = verdictOnParseError(error, r.value);
          continue;
        }
        const caip2 = caip2Of(r.value.network, options.forcedChain);
        yield {
          type: 'block',
          file: i,
          caip2,
          block: { ...block, statedHeight: statedHeightOf(block, caip2) },
          txCount: block.txs.length,
          offset: r.value.blockOffset,
          version: block.version,
        };
      }
    } finally {
      // Closes the file when a block is refused (here or by the importer) or the import is cancelled.
      await records.return(undefined as never);
    }
  }
}

/** A block as the worker sends it: columns of plain values, which clone far faster than objects. */
export interface WireBlock {
  hash: string;
  version: number;
  prevHash: string;
  time: number;
  bits: number;
  size: number;
  statedHeight: number | null;
  txids: string[];
  coinbase: Uint8Array;
  inputCounts: Uint32Array;
  outputCounts: Uint32Array;
  prevTxids: string[];
  prevVouts: Uint32Array;
  /**
   * Every input's unlocking data, packed into one buffer (one clone instead of an object per
   * input): input k's items are unlockEnds[unlockFirst[k] .. unlockFirst[k + 1]), its scriptSig
   * first and then its witness items, each ending at that offset of unlockBytes. The writer
   * derives an address from them only for an input whose spent output is not in the store.
   */
  unlockBytes: Uint8Array;
  unlockFirst: Uint32Array;
  unlockEnds: Uint32Array;
  values: BigUint64Array;
  types: string[];
  addresses: (string | null)[];
  data: (Uint8Array | null)[];
}

export type WorkerRequest =
  | { type: 'start'; files: { path: string; xorKey: Uint8Array | null; startOffset: number }[]; forcedChain: string | null }
  | { type: 'ack' };

export type WorkerReply =
  | { type: 'block'; file: number; caip2: string; block: WireBlock; offset: number }
  | { type: 'file-end'; file: number; warnings: string[]; stoppedAt: number }
  | { type: 'bytes'; n: number }
  | { type: 'end' };

/** Parses one blk record's block and flattens it for postMessage, with every output decoded. */
export function toWire(buf: Buffer, file: string, offset: number, caip2: string): WireBlock {
  const b = parseBlock(buf, { file, offset });
  const net = networkForChain(caip2);
  let nIn = 0;
  let nOut = 0;
  let nItems = 0;
  let nBytes = 0;
  for (const tx of b.txs) {
    nIn += tx.inputs.length;
    nOut += tx.outputs.length;
    for (const input of tx.inputs) {
      nItems += 1 + input.witness.length;
      nBytes += input.scriptSig.length;
      for (const item of input.witness) nBytes += item.length;
    }
  }
  const w: WireBlock = {
    hash: b.hash,
    version: b.version,
    prevHash: b.prevHash,
    time: b.time,
    bits: b.bits,
    size: b.size,
    statedHeight: statedHeightOf(b, caip2),
    txids: new Array(b.txs.length),
    coinbase: new Uint8Array(b.txs.length),
    inputCounts: new Uint32Array(b.txs.length),
    outputCounts: new Uint32Array(b.txs.length),
    prevTxids: new Array(nIn),
    prevVouts: new Uint32Array(nIn),
    unlockBytes: new Uint8Array(nBytes),
    unlockFirst: new Uint32Array(nIn + 1),
    unlockEnds: new Uint32Array(nItems),
    values: new BigUint64Array(nOut),
    types: new Array(nOut),
    addresses: new Array(nOut),
    data: new Array(nOut),
  };
  let i = 0;
  let o = 0;
  let item = 0;
  let at = 0;
  const pack = (bytes: Uint8Array): void => {
    w.unlockBytes.set(bytes, at);
    at += bytes.length;
    w.unlockEnds[item++] = at;
  };
  b.txs.forEach((tx, t) => {
    w.txids[t] = tx.txid;
    w.coinbase[t] = tx.isCoinbase ? 1 : 0;
    w.inputCounts[t] = tx.inputs.length;
    w.outputCounts[t] = tx.outputs.length;
    for (const input of tx.inputs) {
      w.unlockFirst[i] = item;
      pack(input.scriptSig);
      for (const witnessItem of input.witness) pack(witnessItem);
      w.prevTxids[i] = input.prevTxid;
      w.prevVouts[i++] = input.prevVout;
    }
    for (const out of tx.outputs) {
      const d = outputAddress(out.script, net);
      w.values[o] = out.value;
      w.types[o] = d.type;
      w.addresses[o] = d.address;
      w.data[o++] = d.data;
    }
  });
  w.unlockFirst[nIn] = item;
  return w;
}

/** Input k's unlocking data, as views of the wire block's packed buffer. */
function unlockingAt(w: WireBlock, k: number): UnlockingData {
  const first = w.unlockFirst[k]!;
  const end = w.unlockFirst[k + 1]!;
  const item = (j: number): Uint8Array => w.unlockBytes.subarray(j === 0 ? 0 : w.unlockEnds[j - 1]!, w.unlockEnds[j]!);
  const witness: Uint8Array[] = [];
  for (let j = first + 1; j < end; j++) witness.push(item(j));
  return { scriptSig: item(first), witness };
}

/** Rebuilds the writer's view of a block from the worker's columns. */
export function fromWire(w: WireBlock): UtxoBlockLike {
  const txs: UtxoTxLike[] = new Array(w.txids.length);
  let i = 0;
  let o = 0;
  for (let t = 0; t < w.txids.length; t++) {
    const firstInput = i;
    const inputs = new Array(w.inputCounts[t]!);
    for (let k = 0; k < inputs.length; k++, i++) inputs[k] = { prevTxid: w.prevTxids[i]!, prevVout: w.prevVouts[i]! };
    const outputs = new Array(w.outputCounts[t]!);
    for (let k = 0; k < outputs.length; k++, o++) {
      outputs[k] = { value: w.values[o]!, decoded: { type: w.types[o]!, address: w.addresses[o]!, data: w.data[o] ?? null } };
    }
    txs[t] = { txid: w.txids[t]!, isCoinbase: w.coinbase[t] === 1, inputs, outputs, unlocking: (n) => unlockingAt(w, firstInput + n) };
  }
  return { hash: w.hash, prevHash: w.prevHash, time: w.time, bits: w.bits, size: w.size, statedHeight: w.statedHeight, txs };
}

/** Parsed blocks the worker may run ahead by: bounds memory to a few blocks (at most 4 MB each). */
export const PARSE_AHEAD = 8;

async function* viaWorker(script: string, files: readonly BlkSource[], options: PipelineOptions): AsyncGenerator<PipelineItem> {
  const start: WorkerRequest = { type: 'start', files: files.map((f) => ({ path: f.path, xorKey: f.xorKey ? new Uint8Array(f.xorKey) : null, startOffset: f.startOffset ?? 0 })), forcedChain: options.forcedChain ?? null };
  for await (const m of threadMessages<WorkerReply>(script, 'block parse', start, (r) => r.type === 'block', options.signal)) {
    if (m.type === 'end') return;
    if (m.type === 'block') yield { type: 'block', file: m.file, caip2: m.caip2, block: fromWire(m.block), txCount: m.block.txids.length, offset: m.offset, version: m.block.version };
    else yield m;
  }
}
