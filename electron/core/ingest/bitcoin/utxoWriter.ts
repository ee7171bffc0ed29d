import type { Statement } from 'better-sqlite3';
import { decodeOutputScript, type BitcoinNetwork } from '../../../../shared/codec/bitcoinScript';
import type { AddressInterner } from '../../store/addresses';
import type { Db } from '../../store/openStore';
import { toDbAmount } from '../../store/sqlFunctions';
import type { ParsedBlock, ParsedOutput } from './blockParser';

export interface UtxoAdded {
  blocks: number;
  transactions: number;
  outputs: number;
  inputs: number;
}

/** A bare multisig output is one pseudo-address naming its keys' addresses, so it can be traced like any other. */
export function outputAddress(out: ParsedOutput, net: BitcoinNetwork): { type: string; address: string | null; data: Uint8Array | null } {
  const d = decodeOutputScript(out.script, net);
  if (d.type === 'op_return') return { type: d.type, address: null, data: d.data ?? null };
  if (d.type === 'multisig') return { type: d.type, address: `multisig:${d.required}-of-${d.addresses.length}:${d.addresses.join(',')}`, data: null };
  return { type: d.type, address: d.addresses[0] ?? null, data: null };
}

/**
 * Writes parsed blocks of one UTXO chain inside the caller's transaction. A block already in the
 * store is skipped whole, which makes re-imports and resumed imports cheap and exact. Inputs
 * are linked to the outputs they spend when those are already known; the rest wait for
 * resolveInputs.
 */
export class UtxoWriter {
  readonly added: UtxoAdded = { blocks: 0, transactions: 0, outputs: 0, inputs: 0 };
  private readonly s: Record<string, Statement>;

  constructor(
    db: Db,
    private readonly chainId: number,
    private readonly net: BitcoinNetwork,
    private readonly datasetId: number,
    private readonly addresses: AddressInterner,
  ) {
    this.s = {
      block: db.prepare(
        'INSERT OR IGNORE INTO btc_block (chain_id, hash, prev_hash, height, time, bits, tx_count, size, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      member: db.prepare('INSERT OR IGNORE INTO btc_block_tx (chain_id, block_hash, idx, tx_id) VALUES (?, ?, ?, ?)'),
      findTx: db.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash = ?').pluck(),
      insertTx: db.prepare(
        'INSERT INTO tx (chain_id, hash, block_number, tx_index, time, status, stub, coinbase, dataset_id) VALUES (?, ?, NULL, ?, ?, 1, 0, ?, ?)',
      ),
      out: db.prepare('INSERT INTO txout (tx_id, n, value, type, address_id, data) VALUES (?, ?, ?, ?, ?, ?)'),
      prevOut: db.prepare('SELECT value, address_id AS addressId, spent_by AS spentBy FROM txout WHERE tx_id = ? AND n = ?').safeIntegers(true),
      spend: db.prepare('UPDATE txout SET spent_by = ?, spent_n = ? WHERE tx_id = ? AND n = ?'),
      input: db.prepare('INSERT INTO txin (tx_id, n, prev_txid, prev_n, prev_tx_id, value, address_id) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    };
  }

  /** Returns false when the block was already in the store (nothing written). */
  write(block: ParsedBlock): boolean {
    if (!this.writeBlock({ hash: block.hash, prevHash: block.prevHash, height: null, time: block.time, bits: block.bits, txCount: block.txs.length, size: block.size })) {
      return false;
    }
    block.txs.forEach((tx, idx) => this.writeTx(block.hash, idx, block.time, tx));
    return true;
  }

  /** A block row; `prevHash` '' and a `height` when the source states the height but not the parent (bitcoin-etl). */
  writeBlock(b: BlockRow): boolean {
    const r = this.s.block.run(this.chainId, b.hash, b.prevHash, b.height, b.time, b.bits, b.txCount, b.size, this.datasetId);
    if (r.changes === 0) return false;
    this.added.blocks++;
    return true;
  }

  /**
   * One transaction of a block. `knownInputs` may give what an enriched export says an input
   * spends (value, address), used until the spent output itself is in the store.
   */
  writeTx(blockHash: string, idx: number, time: number, tx: UtxoTxLike, knownInputs?: readonly ({ value: bigint; address: string | null } | null)[]): void {
    const existing = this.s.findTx.get(this.chainId, tx.txid) as number | undefined;
    if (existing !== undefined) {
      // The same tx in another block (a stale block and its replacement): one fact, two memberships.
      this.s.member.run(this.chainId, blockHash, idx, existing);
      return;
    }
    const txId = Number(this.s.insertTx.run(this.chainId, tx.txid, idx, time, tx.isCoinbase ? 1 : 0, this.datasetId).lastInsertRowid);
    this.added.transactions++;
    this.s.member.run(this.chainId, blockHash, idx, txId);
    tx.outputs.forEach((out, n) => {
      const o = outputAddress(out, this.net);
      this.s.out.run(txId, n, toDbAmount(out.value), o.type, o.address === null ? null : this.addresses.id(o.address), o.data);
      this.added.outputs++;
    });
    tx.inputs.forEach((input, n) => {
      this.added.inputs++;
      if (tx.isCoinbase) {
        // prev_tx_id 0 marks "spends nothing", so a coinbase input never waits for resolution.
        this.s.input.run(txId, n, input.prevTxid, input.prevVout, 0, null, null);
        return;
      }
      const prevTxId = this.s.findTx.get(this.chainId, input.prevTxid) as number | undefined;
      const prev = prevTxId === undefined ? undefined : (this.s.prevOut.get(prevTxId, input.prevVout) as { value: bigint | string; addressId: bigint | null } | undefined);
      if (prevTxId !== undefined && prev) {
        this.s.input.run(txId, n, input.prevTxid, input.prevVout, prevTxId, prev.value, prev.addressId);
        this.s.spend.run(txId, n, prevTxId, input.prevVout);
      } else {
        const known = knownInputs?.[n];
        this.s.input.run(txId, n, input.prevTxid, input.prevVout, null, known ? toDbAmount(known.value) : null, known?.address ? this.addresses.id(known.address) : null);
      }
    });
  }
}

export interface BlockRow {
  hash: string;
  prevHash: string;
  height: number | null;
  time: number;
  bits: number;
  txCount: number;
  size: number;
}

/** What writeTx needs of a transaction: the parser's ParsedTx, or one built from an export. */
export interface UtxoTxLike {
  readonly txid: string;
  readonly isCoinbase: boolean;
  readonly inputs: readonly { readonly prevTxid: string; readonly prevVout: number }[];
  readonly outputs: readonly ParsedOutput[];
}
