import { createReadStream, readFileSync } from 'node:fs';
import { boundedLines, readPrefixSync } from '../sources';
import { hexToBytes } from '../../../../shared/codec/hex';
import { BadInputError } from '../errors';
import { parseJsonLossless } from '../jsonRows';

export { parseJsonLossless };
import { parseBlock, type ParsedBlock, type ParsedOutput } from './blockParser';
import type { BlockRow, UtxoTxLike } from './utxoWriter';

/**
 * JSON numbers are kept as their text (lossless-json), so a satoshi value or a height is never
 * read through a JS number before it is checked; each field is converted exactly where used.
 */
type Obj = Record<string, unknown>;

function field(o: Obj, key: string, file: string, where: { line?: number }): unknown {
  if (!(key in o)) throw new BadInputError(file, where, `missing field "${key}"`);
  return o[key];
}

function int(o: Obj, key: string, file: string, where: { line?: number }): number {
  const v = field(o, key, file, where);
  if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new BadInputError(file, where, `field "${key}": expected an integer, found ${JSON.stringify(v)?.slice(0, 40)}`);
  }
  return Number(v);
}

function sats(o: Obj, key: string, file: string, where: { line?: number }): bigint | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]*)$/.test(v)) {
    throw new BadInputError(file, where, `field "${key}": expected a whole number of satoshis, found ${JSON.stringify(v)?.slice(0, 40)}`);
  }
  return BigInt(v);
}

function hex(o: Obj, key: string, file: string, where: { line?: number }): string {
  const v = field(o, key, file, where);
  if (typeof v !== 'string' || !/^[0-9a-f]*$/i.test(v) || v.length % 2) throw new BadInputError(file, where, `field "${key}": expected hex, found ${JSON.stringify(v)?.slice(0, 40)}`);
  return v.toLowerCase();
}

export type BitcoinJsonKind = 'rpc-getblock' | 'etl-blocks' | 'etl-transactions';

/** Tells a saved `getblock` response from bitcoin-etl blocks or transactions by their fields. */
export function detectBitcoinJson(path: string): BitcoinJsonKind | null {
  const head = readPrefixSync(path).toString('utf8');
  if (/"merkleroot"\s*:/.test(head) && /"tx"\s*:/.test(head)) return 'rpc-getblock';
  const firstLine = head.split('\n', 1)[0];
  if (/"transaction_count"\s*:/.test(firstLine) && /"merkle_root"\s*:/.test(firstLine)) return 'etl-blocks';
  if (/"inputs"\s*:/.test(firstLine) && /"outputs"\s*:/.test(firstLine) && /"block_hash"\s*:/.test(firstLine)) return 'etl-transactions';
  return null;
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  if (n <= 0xffff) return Buffer.from([0xfd, n & 0xff, n >> 8]);
  const b = Buffer.alloc(5);
  b[0] = 0xfe;
  b.writeUInt32LE(n, 1);
  return b;
}

const reversed = (h: string): Buffer => Buffer.from(h, 'hex').reverse();

/**
 * A saved `getblock <hash> 2` (or 3) response. Its transactions carry their raw `hex`, so the
 * block is reassembled byte for byte and goes through the same parser as blk files: merkle
 * root and hash are checked, and values come from the serialized satoshis, never from the
 * response's decimal BTC numbers.
 */
export function blockFromRpcJson(path: string): { block: ParsedBlock; height: number | null } {
  return blockFromRpcObject(parseJsonLossless(readFileSync(path, 'utf8'), path, {}), path);
}

/** The same, for a response already parsed losslessly (a live pull). `source` names it in errors. */
export function blockFromRpcObject(parsed: unknown, source: string): { block: ParsedBlock; height: number | null } {
  const path = source;
  let doc = parsed as Obj;
  if (doc && typeof doc === 'object' && 'result' in doc && doc.result && typeof doc.result === 'object') doc = doc.result as Obj;
  const where = {};
  const txs = field(doc, 'tx', path, where);
  if (!Array.isArray(txs) || txs.some((t) => typeof t !== 'object' || t === null || typeof (t as Obj).hex !== 'string')) {
    throw new BadInputError(path, where, 'expected getblock verbosity 2 or 3 (transactions with their "hex"); verbosity 1 lists only txids');
  }
  const prev = 'previousblockhash' in doc ? hex(doc, 'previousblockhash', path, where) : '0'.repeat(64);
  const header = Buffer.concat([
    le32(int(doc, 'version', path, where)),
    reversed(prev),
    reversed(hex(doc, 'merkleroot', path, where)),
    le32(int(doc, 'time', path, where)),
    le32(parseInt(hex(doc, 'bits', path, where), 16)),
    le32(int(doc, 'nonce', path, where)),
  ]);
  const raw = Buffer.concat([header, compactSize(txs.length), ...txs.map((t) => Buffer.from((t as Obj).hex as string, 'hex'))]);
  const block = parseBlock(raw, { file: path, offset: 0 });
  const stated = hex(doc, 'hash', path, where);
  if (block.hash !== stated) throw new BadInputError(path, where, `the reassembled block hashes to ${block.hash}, but the response says ${stated}`);
  return { block, height: 'height' in doc ? int(doc, 'height', path, where) : null };
}

/** Streams the objects of a newline-delimited JSON file with their line numbers. */
export async function* readJsonLines(path: string, onBytes?: (n: number) => void): AsyncGenerator<{ obj: Obj; line: number }> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onBytes) stream.on('data', (chunk) => onBytes((chunk as Buffer).length));
  const lines = boundedLines(stream, path);
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const obj = parseJsonLossless(text, path, { line });
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BadInputError(path, { line }, 'expected one JSON object per line');
    yield { obj: obj as Obj, line };
  }
}

/** A bitcoin-etl block row. bitcoin-etl does not export the parent hash, so the stated height stands. */
export function etlBlockRow(o: Obj, file: string, line: number): BlockRow {
  const w = { line };
  return {
    hash: hex(o, 'hash', file, w),
    prevHash: '',
    height: int(o, 'number', file, w),
    time: int(o, 'timestamp', file, w),
    bits: parseInt(hex(o, 'bits', file, w) || '0', 16),
    txCount: int(o, 'transaction_count', file, w),
    size: int(o, 'size', file, w),
  };
}

export interface EtlTx {
  blockHash: string;
  blockNumber: number;
  blockTime: number;
  index: number;
  tx: UtxoTxLike;
  /** What an enriched export says each input spends; null where it does not say (not enriched). */
  knownInputs: ({ value: bigint; address: string | null } | null)[];
}

/**
 * A bitcoin-etl (or BigQuery crypto_bitcoin) transaction. Unenriched inputs have null value and
 * addresses: unknown, not zero. A negative or null fee is ignored; Cairn computes the fee itself.
 */
export function etlTransaction(o: Obj, file: string, line: number): EtlTx {
  const w = { line };
  const inputs = field(o, 'inputs', file, w);
  const outputs = field(o, 'outputs', file, w);
  if (!Array.isArray(inputs) || !Array.isArray(outputs)) throw new BadInputError(file, w, 'fields "inputs" and "outputs" must be arrays');
  const isCoinbase = o.is_coinbase === true || o.is_coinbase === 'true';
  const outs: ParsedOutput[] = outputs.map((out, i) => {
    const value = sats(out as Obj, 'value', file, w);
    if (value === null) throw new BadInputError(file, w, `output ${i}: missing "value"`);
    return { value, script: Buffer.from(hexToBytes(hex(out as Obj, 'script_hex', file, w))) };
  });
  const ins = isCoinbase
    ? [{ prevTxid: '0'.repeat(64), prevVout: 0xffffffff }]
    : inputs.map((inp) => ({
        prevTxid: hex(inp as Obj, 'spent_transaction_hash', file, w),
        prevVout: int(inp as Obj, 'spent_output_index', file, w),
        // bitcoin-etl gives the scriptSig but no witness: enough to derive a legacy or P2SH
        // (also nested segwit) input's address when the spent output is not in the store.
        ...(typeof (inp as Obj).script_hex === 'string' ? { scriptSig: hexToBytes(hex(inp as Obj, 'script_hex', file, w)), witness: [] } : {}),
      }));
  const knownInputs = isCoinbase
    ? [null]
    : inputs.map((inp) => {
        const v = sats(inp as Obj, 'value', file, w);
        const addrs = (inp as Obj).addresses;
        return v === null ? null : { value: v, address: Array.isArray(addrs) && addrs.length === 1 && typeof addrs[0] === 'string' ? addrs[0] : null };
      });
  return {
    blockHash: hex(o, 'block_hash', file, w),
    blockNumber: int(o, 'block_number', file, w),
    blockTime: int(o, 'block_timestamp', file, w),
    index: int(o, 'index', file, w),
    tx: { txid: hex(o, 'hash', file, w), isCoinbase, inputs: ins, outputs: outs },
    knownInputs,
  };
}
