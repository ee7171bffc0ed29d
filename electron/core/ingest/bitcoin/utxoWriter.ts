import type { Statement } from 'better-sqlite3';
import { decodeOutputScript, type BitcoinNetwork } from '../../../../shared/codec/bitcoinScript';
import { addressFromInput } from '../../../../shared/codec/inputScript';
import type { AddressInterner } from '../../store/addresses';
import { BoundedMap } from '../../store/boundedMap';
import type { FreshChainLoad } from '../../store/bulkIndexes';
import type { Db } from '../../store/openStore';
import { fromDbAmount, toDbAmount } from '../../store/sqlFunctions';
import { txHashKey, utxoHashBytes } from '../../store/txHash';
import { foldTx, TRANSFER_UTXO, type FoldPart } from './utxoFold';

export interface UtxoAdded {
  blocks: number;
  transactions: number;
  outputs: number;
  inputs: number;
  /** Transfers folded as transactions were written (the rest are folded after resolveInputs). */
  transfers: number;
}

/** A bare multisig output is one pseudo-address naming its keys' addresses, so it can be traced like any other. */
export function outputAddress(script: Uint8Array, net: BitcoinNetwork): DecodedOutput {
  const d = decodeOutputScript(script, net);
  if (d.type === 'op_return') return { type: d.type, address: null, data: d.data ?? null };
  if (d.type === 'multisig') return { type: d.type, address: `multisig:${d.required}-of-${d.addresses.length}:${d.addresses.join(',')}`, data: null };
  return { type: d.type, address: d.addresses[0] ?? null, data: null };
}

/** What the writer remembers of a tx it wrote: its row id and its not yet spent outputs. */
interface RecentTx {
  readonly id: number;
  readonly outs: (FoldPart | null)[];
  unspent: number;
}

/** How many recent txs (and script decodings) the writer keeps: memory stays bounded whatever the import's size. */
const RECENT_TXS = 100_000;
const SCRIPT_CACHE = 100_000;

/**
 * Writes parsed blocks of one UTXO chain inside the caller's transaction. A block already in the
 * store is skipped whole, which makes re-imports and resumed imports cheap and exact.
 *
 * Inputs are linked to the outputs they spend when those are known: most spends are of recent
 * outputs, which a bounded in-memory map of this import's recent transactions answers without
 * a query; older ones are looked up in the store; the rest wait for resolveInputs. A
 * transaction whose inputs are all known is folded into transfers here, from what is in hand,
 * instead of being read back later.
 */
export class UtxoWriter {
  readonly added: UtxoAdded = { blocks: 0, transactions: 0, outputs: 0, inputs: 0, transfers: 0 };
  private readonly s: Record<string, Statement>;
  private readonly recent = new Map<string, RecentTx>();
  private readonly scripts = new BoundedMap<string, { type: string; addressId: number | null; data: Uint8Array | null }>(SCRIPT_CACHE);
  /**
   * In a first import of the chain (`fresh` active, store/bulkIndexes.ts): the row id of every
   * tx written, so a txid it lacks is not in the store and no lookup by hash runs (the hash
   * index is rebuilt when the fresh load ends). Emptied when it ends.
   */
  private readonly txIds = new Map<string, number>();
  private insertTxStatement: Statement | null = null;
  /** The bytes of the block hash writeTx was last given: its txs come one block at a time. */
  private block: { hash: string; bin: Buffer } = { hash: '', bin: Buffer.alloc(0) };

  constructor(
    private readonly db: Db,
    private readonly chainId: number,
    private readonly net: BitcoinNetwork,
    private readonly datasetId: number,
    private readonly nativeAssetId: number,
    private readonly addresses: AddressInterner,
    private readonly fresh: FreshChainLoad | null = null,
    private readonly freshCap = 8_000_000,
  ) {
    this.s = {
      block: db.prepare(
        'INSERT OR IGNORE INTO btc_block (chain_id, hash, prev_hash, height, stated_height, time, bits, tx_count, size, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      member: db.prepare('INSERT OR IGNORE INTO btc_block_tx (chain_id, block_bin, idx, tx_id) VALUES (?, ?, ?, ?)'),
      findTx: db.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?').pluck(),
      newTx: db.prepare(
        'INSERT INTO tx (chain_id, hash_bin, hash_form, block_number, tx_index, time, status, stub, coinbase, folded, fee, dataset_id) VALUES (?, ?, ?, NULL, ?, ?, 1, 0, ?, ?, ?, ?)',
      ),
      out: db.prepare('INSERT INTO txout (tx_id, n, value, type, address_id, data) VALUES (?, ?, ?, ?, ?, ?)'),
      prevOut: db.prepare('SELECT value, address_id AS addressId FROM txout WHERE tx_id = ? AND n = ?').safeIntegers(true),
      spend: db.prepare('UPDATE txout SET spent_by = ?, spent_n = ? WHERE tx_id = ? AND n = ?'),
      input: db.prepare('INSERT INTO txin (tx_id, n, prev_txid_bin, prev_n, prev_tx_id, value, address_id, derived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      transfer: db.prepare(
        'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)',
      ),
    };
  }

  /** Returns false when the block was already in the store (nothing written). */
  write(block: UtxoBlockLike): boolean {
    const row = { hash: block.hash, prevHash: block.prevHash, height: null, statedHeight: block.statedHeight ?? null, time: block.time, bits: block.bits, txCount: block.txs.length, size: block.size };
    if (!this.writeBlock(row)) {
      return false;
    }
    block.txs.forEach((tx, idx) => this.writeTx(block.hash, idx, block.time, tx));
    return true;
  }

  /** A block row; `prevHash` '' and a `height` when the source states the height but not the parent (bitcoin-etl). */
  writeBlock(b: BlockRow): boolean {
    const r = this.s.block.run(this.chainId, b.hash, b.prevHash, b.height, b.statedHeight ?? b.height, b.time, b.bits, b.txCount, b.size, this.datasetId);
    if (r.changes === 0) return false;
    this.added.blocks++;
    return true;
  }

  /** An output's type and address id, decoded once per distinct script. */
  private decode(out: UtxoOutputLike): { type: string; addressId: number | null; data: Uint8Array | null } {
    if (out.decoded) {
      // Decoded on the parse thread: only the interning is left.
      const d = out.decoded;
      return { type: d.type, addressId: d.address === null ? null : this.addresses.id(d.address), data: d.data };
    }
    if (!out.script) throw new Error('an output needs its script or its decoding');
    const key = out.script.toString('latin1');
    const hit = this.scripts.get(key);
    if (hit) return hit;
    const o = outputAddress(out.script, this.net);
    const decoded = { type: o.type, addressId: o.address === null ? null : this.addresses.id(o.address), data: o.data };
    // OP_RETURN payloads are rarely repeated; keeping them would only crowd out addresses.
    if (o.type !== 'op_return') this.scripts.set(key, decoded);
    return decoded;
  }

  /** The output an input spends, if the store (or this import) has it. */
  private findSpent(prevTxid: string, prevVout: number): { txId: number; out: FoldPart; recent: RecentTx | null } | null {
    const r = this.recent.get(prevTxid);
    if (r) {
      const out = r.outs[prevVout];
      if (out) return { txId: r.id, out, recent: r };
      if (prevVout < r.outs.length && out === null) {
        // Spent already within this import (a double spend across a stale block): ask the store.
        const row = this.s.prevOut.get(r.id, prevVout) as { value: bigint | string; addressId: bigint | null } | undefined;
        if (row) return { txId: r.id, out: { value: fromDbAmount(row.value), addressId: row.addressId === null ? null : Number(row.addressId) }, recent: null };
      }
      return null;
    }
    const txId = this.txId(prevTxid);
    if (txId === undefined) return null;
    const row = this.s.prevOut.get(txId, prevVout) as { value: bigint | string; addressId: bigint | null } | undefined;
    if (!row) return null;
    return { txId, out: { value: fromDbAmount(row.value), addressId: row.addressId === null ? null : Number(row.addressId) }, recent: null };
  }

  /**
   * The address id of the output input `n` spends, derived from its unlocking data, for an input
   * whose spent output is not in the store; null when the data does not determine it.
   */
  private derivedAddress(tx: UtxoTxLike, n: number): number | null {
    const input = tx.inputs[n]!;
    const unlocking = input.scriptSig ? { scriptSig: input.scriptSig, witness: input.witness ?? [] } : tx.unlocking?.(n);
    if (!unlocking) return null;
    const derived = addressFromInput(unlocking.scriptSig, unlocking.witness, this.net);
    return derived === null ? null : this.addresses.id(derived.address);
  }

  /** A stored tx's row id by txid: from memory while the fresh load lasts, else from the store. */
  private txId(txid: string): number | undefined {
    if (this.fresh?.active) return this.txIds.get(txid);
    // The fresh load ended (the address interner may end it too): the store answers from now on.
    if (this.txIds.size > 0) this.txIds.clear();
    return this.s.findTx.get(this.chainId, ...txHashKey(txid)) as number | undefined;
  }

  /**
   * Inserts a tx row; undefined when the store has the tx already. Prepared on first use: while a
   * fresh load has dropped the hash index, an ON CONFLICT on it would not compile.
   */
  private insertTx(txid: string, rest: readonly unknown[]): number | undefined {
    const args = [this.chainId, ...txHashKey(txid), ...rest];
    if (this.fresh?.active) {
      if (this.txIds.has(txid)) return undefined;
      const id = Number(this.s.newTx.run(...args).lastInsertRowid);
      if (this.txIds.size >= this.freshCap) {
        this.fresh.end();
        this.txIds.clear();
      } else this.txIds.set(txid, id);
      return id;
    }
    this.insertTxStatement ??= this.db.prepare(
      `INSERT INTO tx (chain_id, hash_bin, hash_form, block_number, tx_index, time, status, stub, coinbase, folded, fee, dataset_id) VALUES (?, ?, ?, NULL, ?, ?, 1, 0, ?, ?, ?, ?)
       ON CONFLICT (chain_id, hash_bin, hash_form) DO NOTHING`,
    );
    const r = this.insertTxStatement.run(...args);
    return r.changes === 0 ? undefined : Number(r.lastInsertRowid);
  }

  private remember(txid: string, entry: RecentTx): void {
    if (this.recent.size >= RECENT_TXS) {
      // Forget the oldest tenth: Map iteration follows insertion order.
      let drop = RECENT_TXS / 10;
      for (const k of this.recent.keys()) {
        this.recent.delete(k);
        if (--drop === 0) break;
      }
    }
    this.recent.set(txid, entry);
  }

  /**
   * One transaction of a block. `knownInputs` may give what an enriched export says an input
   * spends (value, address), used until the spent output itself is in the store.
   */
  writeTx(blockHash: string, idx: number, time: number, tx: UtxoTxLike, knownInputs?: readonly ({ value: bigint; address: string | null } | null)[]): void {
    // What each input spends, when known; a fold needs every input's value.
    const spends = tx.isCoinbase ? [] : tx.inputs.map((input) => this.findSpent(input.prevTxid, input.prevVout));
    let ins: FoldPart[] | null = [];
    for (let n = 0; n < spends.length && ins; n++) {
      const known = knownInputs?.[n];
      if (spends[n]) ins.push(spends[n]!.out);
      else if (known) ins.push({ value: known.value, addressId: known.address ? this.addresses.id(known.address) : null });
      else ins = null; // an input of unknown value: the fold waits for resolveInputs
    }
    const outs = tx.outputs.map((out, n) => ({ n, value: out.value, ...this.decode(out) }));
    const transfers: [string, number | null, number | null, bigint][] = [];
    const fee = ins ? foldTx(tx.isCoinbase, ins, outs, (pos, from, to, amount) => transfers.push([pos, from, to, amount])) : null;
    if (this.block.hash !== blockHash) this.block = { hash: blockHash, bin: utxoHashBytes(blockHash, 'block hash') };
    const blockBin = this.block.bin;

    const txId = this.insertTx(tx.txid, [idx, time, tx.isCoinbase ? 1 : 0, ins ? 1 : 0, fee === null ? null : toDbAmount(fee), this.datasetId]);
    if (txId === undefined) {
      // The same tx in another block (a stale block and its replacement): one fact, two memberships.
      this.s.member.run(this.chainId, blockBin, idx, this.txId(tx.txid));
      return;
    }
    this.added.transactions++;
    this.s.member.run(this.chainId, blockBin, idx, txId);
    for (const o of outs) this.s.out.run(txId, o.n, toDbAmount(o.value), o.type, o.addressId, o.data);
    this.added.outputs += outs.length;
    this.added.inputs += tx.inputs.length;

    tx.inputs.forEach((input, n) => {
      const prevTxid = utxoHashBytes(input.prevTxid, `input ${n} of ${tx.txid} spends txid`);
      if (tx.isCoinbase) {
        // prev_tx_id 0 marks "spends nothing", so a coinbase input never waits for resolution.
        this.s.input.run(txId, n, prevTxid, input.prevVout, 0, null, null, 0);
        return;
      }
      const spent = spends[n];
      if (spent) {
        this.s.input.run(txId, n, prevTxid, input.prevVout, spent.txId, toDbAmount(spent.out.value), spent.out.addressId, 0);
        this.s.spend.run(txId, n, spent.txId, input.prevVout);
        if (spent.recent && spent.recent.outs[input.prevVout]) {
          spent.recent.outs[input.prevVout] = null;
          if (--spent.recent.unspent === 0) this.recent.delete(input.prevTxid);
        }
        return;
      }
      const known = knownInputs?.[n];
      if (known) {
        this.s.input.run(txId, n, prevTxid, input.prevVout, null, toDbAmount(known.value), known.address ? this.addresses.id(known.address) : null, 0);
        return;
      }
      // Value unknown until the spent output arrives (resolveInputs), so never folded; the
      // address the unlocking data shows stands in meanwhile, for clustering and display.
      const derived = this.derivedAddress(tx, n);
      this.s.input.run(txId, n, prevTxid, input.prevVout, null, null, derived, derived === null ? 0 : 1);
    });

    // Outputs with a value can be spent later; zero-value and OP_RETURN outputs rarely are.
    const spendable = outs.filter((o) => o.value > 0n).length;
    if (spendable > 0) this.remember(tx.txid, { id: txId, outs: outs.map((o) => (o.value > 0n ? { value: o.value, addressId: o.addressId } : null)), unspent: spendable });

    for (const [pos, from, to, amount] of transfers) {
      this.s.transfer.run(this.chainId, txId, TRANSFER_UTXO, pos, from, to, this.nativeAssetId, toDbAmount(amount), time, this.datasetId);
    }
    this.added.transfers += transfers.length;
  }
}

export interface BlockRow {
  hash: string;
  prevHash: string;
  height: number | null;
  /** The height the source states (BIP 34, a getblock height); defaults to `height`. */
  statedHeight?: number | null;
  time: number;
  bits: number;
  txCount: number;
  size: number;
}

/** An output's type, address (null for OP_RETURN and unknown scripts without one) and OP_RETURN data. */
export interface DecodedOutput {
  readonly type: string;
  readonly address: string | null;
  readonly data: Uint8Array | null;
}

/** An output with its script (decoded by the writer) or already decoded (by the parse thread). */
export interface UtxoOutputLike {
  readonly value: bigint;
  readonly script?: Buffer;
  readonly decoded?: DecodedOutput;
}

/** The unlocking data of an input: its scriptSig and witness stack. */
export interface UnlockingData {
  readonly scriptSig: Uint8Array;
  readonly witness: readonly Uint8Array[];
}

/**
 * What writeTx needs of a transaction: the parser's ParsedTx, or one built from an export. The
 * unlocking data, when the source has it, gives the address of an input whose spent output is not
 * in the store: on each input (the parser's), or through `unlocking` (the parse thread's).
 */
export interface UtxoTxLike {
  readonly txid: string;
  readonly isCoinbase: boolean;
  readonly inputs: readonly { readonly prevTxid: string; readonly prevVout: number; readonly scriptSig?: Uint8Array; readonly witness?: readonly Uint8Array[] }[];
  readonly outputs: readonly UtxoOutputLike[];
  readonly unlocking?: (n: number) => UnlockingData;
}

/** What write needs of a block. */
export interface UtxoBlockLike {
  readonly hash: string;
  readonly prevHash: string;
  readonly time: number;
  readonly bits: number;
  readonly size: number;
  /** The height the block states for itself, when binding (see statedHeightOf). */
  readonly statedHeight?: number | null;
  readonly txs: readonly UtxoTxLike[];
}
