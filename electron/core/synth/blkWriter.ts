/**
 * Writes Bitcoin Core style blk*.dat records of valid blocks: real serialization, txids,
 * merkle roots and BIP-141 witness commitments, so an import does all of its work (parse,
 * verify, link, fold). Each header is mined at regtest difficulty (about two hashes a block),
 * since Cairn checks proof of work. Used by the synthetic world generator and the import
 * benchmark.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const REGTEST_MAGIC = Buffer.from('fabfb5da', 'hex');
/** Regtest genesis, internal byte order (the parent of a first block, so heights start at 1). */
export const REGTEST_GENESIS = Buffer.from('0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206', 'hex').reverse();
const REGTEST_BITS = 0x207fffff;

export const sha256d = (b: Buffer): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

class ByteWriter {
  private parts: Buffer[] = [];
  length = 0;
  put(b: Buffer): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return this.put(b);
  }
  u64(n: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return this.put(b);
  }
  varint(n: number): this {
    if (n < 0xfd) return this.put(Buffer.from([n]));
    if (n <= 0xffff) {
      const b = Buffer.alloc(3);
      b[0] = 0xfd;
      b.writeUInt16LE(n, 1);
      return this.put(b);
    }
    const b = Buffer.alloc(5);
    b[0] = 0xfe;
    b.writeUInt32LE(n, 1);
    return this.put(b);
  }
  bytes(b: Buffer): this {
    return this.varint(b.length).put(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** An unspent output a later transaction can spend. */
export interface Coin {
  /** Internal byte order. */
  readonly txid: Buffer;
  readonly vout: number;
  readonly value: bigint;
  readonly script: Buffer;
}

export interface TxInputSpec {
  readonly coin: Coin;
}

export interface TxOutputSpec {
  readonly value: bigint;
  readonly script: Buffer;
}

export interface WrittenTx {
  /** Internal byte order. */
  readonly txid: Buffer;
  /** As explorers and Cairn show it (reversed hex). */
  readonly txidHex: string;
  readonly outputs: readonly Coin[];
}

const SIG = Buffer.alloc(71, 0x30);
const PUB = Buffer.alloc(33, 0x02);
const LEGACY_SCRIPT_SIG = new ByteWriter().bytes(SIG).bytes(PUB).done();

export const p2wpkh = (keyHash: Buffer): Buffer => Buffer.concat([Buffer.from([0x00, 0x14]), keyHash]);
export const p2pkh = (keyHash: Buffer): Buffer => Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), keyHash, Buffer.from([0x88, 0xac])]);

interface Tx {
  inputs: { coin: Coin | null; scriptSig: Buffer; witness: Buffer[] }[];
  outputs: TxOutputSpec[];
  locktime: number;
}

function serializeTx(t: Tx, withWitness: boolean): Buffer {
  const w = new ByteWriter().u32(2);
  const segwit = withWitness && t.inputs.some((i) => i.witness.length > 0);
  if (segwit) w.put(Buffer.from([0, 1]));
  w.varint(t.inputs.length);
  for (const i of t.inputs) {
    w.put(i.coin ? i.coin.txid : Buffer.alloc(32));
    w.u32(i.coin ? i.coin.vout : 0xffffffff);
    w.bytes(i.scriptSig);
    w.u32(0xfffffffd);
  }
  w.varint(t.outputs.length);
  for (const o of t.outputs) w.u64(o.value).bytes(o.script);
  if (segwit) {
    for (const i of t.inputs) {
      w.varint(i.witness.length);
      for (const item of i.witness) w.bytes(item);
    }
  }
  return w.u32(t.locktime).done();
}

function merkleRoot(hashes: Buffer[]): Buffer {
  let level = hashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  return level[0]!;
}

function outputsOf(txid: Buffer, outputs: readonly TxOutputSpec[]): Coin[] {
  return outputs.map((o, vout) => ({ txid, vout, value: o.value, script: o.script }));
}

export interface BlkWriterOptions {
  /** Split into blk files of about this many bytes (Core uses 128 MiB). */
  readonly fileBytes?: number;
  /** Obfuscate the files with this 8-byte key and write xor.dat, as Bitcoin Core 28+ does. */
  readonly xorKey?: Buffer;
  /** Block time of height 1; each block is 600 s after its parent unless given. */
  readonly firstTime?: number;
}

/**
 * Collects a block's transactions, then writes the block (coinbase first) as one blk record.
 * Segwit outputs (P2WPKH) are spent with a witness, others with a legacy scriptSig.
 */
export class BlkWriter {
  readonly files: string[] = [];
  bytes = 0;
  blocks = 0;
  txs = 0;
  inputs = 0;
  outputs = 0;
  outputTotal = 0n;
  private prev: Buffer = REGTEST_GENESIS;
  private fd = -1;
  private fileOffset = 0;
  private pending: { tx: Tx; body: Buffer; txid: Buffer; wtxid: Buffer }[] = [];
  private readonly fileBytes: number;

  constructor(
    private readonly dir: string,
    private readonly options: BlkWriterOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.fileBytes = options.fileBytes ?? 128 << 20;
    if (options.xorKey) writeFileSync(join(dir, 'xor.dat'), options.xorKey);
    this.openNext();
  }

  get height(): number {
    return this.blocks + 1;
  }

  /** Adds a transaction to the block being built; returns its txid and new coins. */
  addTx(inputs: readonly TxInputSpec[], outputs: readonly TxOutputSpec[]): WrittenTx {
    const tx: Tx = {
      inputs: inputs.map(({ coin }) => (coin.script[0] === 0x00 ? { coin, scriptSig: Buffer.alloc(0), witness: [SIG, PUB] } : { coin, scriptSig: LEGACY_SCRIPT_SIG, witness: [] })),
      outputs: [...outputs],
      locktime: this.height,
    };
    const body = serializeTx(tx, true);
    const txid = sha256d(serializeTx(tx, false));
    this.pending.push({ tx, body, txid, wtxid: sha256d(body) });
    return { txid, txidHex: Buffer.from(txid).reverse().toString('hex'), outputs: outputsOf(txid, outputs) };
  }

  /**
   * Ends the block: a coinbase paying `coinbase` (subsidy plus fees, the caller's business)
   * and the witness commitment, then the header and the record.
   */
  endBlock(coinbase: readonly TxOutputSpec[], time?: number): WrittenTx {
    const height = this.height;
    const heightPush = Buffer.alloc(4);
    heightPush.writeUInt32LE(height);
    const cbScriptSig = Buffer.concat([Buffer.from([3]), heightPush.subarray(0, 3), Buffer.from('cairn synthetic')]);
    const witnessRoot = merkleRoot([Buffer.alloc(32), ...this.pending.map((p) => p.wtxid)]);
    const commitment = sha256d(Buffer.concat([witnessRoot, Buffer.alloc(32)]));
    const cbOutputs = [...coinbase, { value: 0n, script: Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), commitment]) }];
    const cb: Tx = { inputs: [{ coin: null, scriptSig: cbScriptSig, witness: [Buffer.alloc(32)] }], outputs: cbOutputs, locktime: 0 };
    const cbBody = serializeTx(cb, true);
    const cbTxid = sha256d(serializeTx(cb, false));
    const header = new ByteWriter()
      .u32(0x20000000)
      .put(this.prev)
      .put(merkleRoot([cbTxid, ...this.pending.map((p) => p.txid)]))
      .u32(time ?? (this.options.firstTime ?? 1_700_000_000) + (height - 1) * 600)
      .u32(REGTEST_BITS)
      .u32(height)
      .done();
    // Mined: regtest's target is 7fffff00…; a hash whose top byte is below 0x7f always meets it.
    let nonce = height;
    while (sha256d(header)[31]! >= 0x7f) header.writeUInt32LE(++nonce >>> 0, 76);
    const block = new ByteWriter().put(header).varint(this.pending.length + 1).put(cbBody);
    for (const p of this.pending) block.put(p.body);
    const blockBytes = block.done();
    if (this.fileOffset > 0 && this.fileOffset + blockBytes.length + 8 > this.fileBytes) this.openNext();
    const recordHeader = Buffer.alloc(8);
    REGTEST_MAGIC.copy(recordHeader);
    recordHeader.writeUInt32LE(blockBytes.length, 4);
    this.write(recordHeader);
    this.write(blockBytes);
    this.prev = sha256d(header);

    this.blocks++;
    this.bytes += blockBytes.length + 8;
    this.txs += this.pending.length + 1;
    for (const t of [cb, ...this.pending.map((p) => p.tx)]) {
      this.inputs += t.inputs.length;
      for (const o of t.outputs) {
        this.outputs++;
        this.outputTotal += o.value;
      }
    }
    this.pending = [];
    return { txid: cbTxid, txidHex: Buffer.from(cbTxid).reverse().toString('hex'), outputs: outputsOf(cbTxid, coinbase) };
  }

  close(): void {
    if (this.pending.length) throw new Error('BlkWriter.close: a block was started but not ended');
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private openNext(): void {
    if (this.fd >= 0) closeSync(this.fd);
    const path = join(this.dir, `blk${String(this.files.length).padStart(5, '0')}.dat`);
    this.files.push(path);
    this.fd = openSync(path, 'w');
    this.fileOffset = 0;
  }

  private write(plain: Buffer): void {
    const key = this.options.xorKey;
    if (key) for (let i = 0; i < plain.length; i++) plain[i] = plain[i]! ^ key[(this.fileOffset + i) % 8]!;
    writeSync(this.fd, plain);
    this.fileOffset += plain.length;
  }
}
