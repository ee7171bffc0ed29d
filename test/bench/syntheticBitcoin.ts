/**
 * Writes a Bitcoin Core style blocks/ folder of valid, distinct regtest blocks for the import
 * benchmark: real serialization, real txids, merkle roots and BIP-141 witness commitments, so
 * the importer does all of its work (parse, verify, link, fold). The shape follows mainnet in
 * 2021–2024: mostly segwit (P2WPKH) spends, some legacy P2PKH, about 2 inputs and 2 outputs per
 * transaction, spending outputs of earlier blocks, with addresses reused from a pool.
 * Deterministic for a given seed. Not proof-of-work valid (Cairn does not check work).
 */
import { hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const REGTEST_MAGIC = Buffer.from('fabfb5da', 'hex');
/** Regtest genesis, internal byte order (the parent of our first block, so heights start at 1). */
const REGTEST_GENESIS = Buffer.from('0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206', 'hex').reverse();
const REGTEST_BITS = 0x207fffff;

const sha256d = (b: Buffer): Buffer => hash('sha256', hash('sha256', b, 'buffer'), 'buffer');

/** xorshift32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

class Writer {
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

interface Coin {
  txid: Buffer; // internal byte order
  vout: number;
  value: bigint;
  segwit: boolean;
}

interface TxSpec {
  inputs: { coin: Coin | null; scriptSig: Buffer; witness: Buffer[] }[];
  outputs: { value: bigint; script: Buffer }[];
  locktime: number;
}

function serializeTx(t: TxSpec, withWitness: boolean): Buffer {
  const w = new Writer().u32(2);
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

export interface SyntheticOptions {
  blocks: number;
  txsPerBlock: number;
  /** Distinct key hashes that outputs pay to (address reuse). */
  addressPool?: number;
  /** Split into blk files of about this many bytes (Core uses 128 MiB). */
  fileBytes?: number;
  seed?: number;
  /** Write an xor.dat and obfuscate the files, as Bitcoin Core 28+ does. */
  xorKey?: Buffer;
}

export interface SyntheticResult {
  files: string[];
  bytes: number;
  blocks: number;
  txs: number;
  inputs: number;
  outputs: number;
  /** Sum of every output value, satoshis. */
  outputTotal: bigint;
}

/** Writes blk00000.dat… into `dir` and returns what it wrote. */
export function writeSyntheticBlocksDir(dir: string, opts: SyntheticOptions): SyntheticResult {
  mkdirSync(dir, { recursive: true });
  const random = rng(opts.seed ?? 0x5eed);
  const pool = opts.addressPool ?? 50_000;
  const fileBytes = opts.fileBytes ?? 128 << 20;
  const key = opts.xorKey;
  if (key) writeFileSync(join(dir, 'xor.dat'), key);
  const keyHash = (i: number): Buffer => hash('sha256', `key ${i}`, 'buffer').subarray(0, 20);
  const p2wpkh = (i: number): Buffer => Buffer.concat([Buffer.from([0x00, 0x14]), keyHash(i)]);
  const p2pkh = (i: number): Buffer => Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), keyHash(i), Buffer.from([0x88, 0xac])]);
  const sig = Buffer.alloc(71, 0x30);
  const pub = Buffer.alloc(33, 0x02);
  const legacyScriptSig = new Writer().bytes(sig).bytes(pub).done();

  const coins: Coin[] = [];
  const result: SyntheticResult = { files: [], bytes: 0, blocks: 0, txs: 0, inputs: 0, outputs: 0, outputTotal: 0n };
  let prev: Buffer = REGTEST_GENESIS;
  let fileIndex = -1;
  let fd = -1;
  let fileOffset = 0;
  const openNext = (): void => {
    if (fd >= 0) closeSync(fd);
    fileIndex++;
    const path = join(dir, `blk${String(fileIndex).padStart(5, '0')}.dat`);
    result.files.push(path);
    fd = openSync(path, 'w');
    fileOffset = 0;
  };
  const write = (plain: Buffer): void => {
    if (key) for (let i = 0; i < plain.length; i++) plain[i] = plain[i]! ^ key[(fileOffset + i) % 8]!;
    writeSync(fd, plain);
    fileOffset += plain.length;
  };
  openNext();

  for (let height = 1; height <= opts.blocks; height++) {
    const txs: TxSpec[] = [];
    let fees = 0n;
    for (let t = 1; t < opts.txsPerBlock && coins.length >= 2; t++) {
      // Block 702861 averages 2.6 inputs and 2.4 outputs per transaction.
      const r = random();
      const nIn = r < 0.55 ? 1 : r < 0.8 ? 2 : r < 0.92 ? 3 + Math.floor(random() * 3) : 6 + Math.floor(random() * 8);
      const inputs: TxSpec['inputs'] = [];
      let total = 0n;
      for (let k = 0; k < nIn && coins.length > 0; k++) {
        const at = Math.floor(random() * coins.length);
        const coin = coins[at]!;
        coins[at] = coins[coins.length - 1]!;
        coins.pop();
        total += coin.value;
        inputs.push(coin.segwit ? { coin, scriptSig: Buffer.alloc(0), witness: [sig, pub] } : { coin, scriptSig: legacyScriptSig, witness: [] });
      }
      const fee = 1000n + BigInt(Math.floor(random() * 5000));
      if (total <= fee * 4n) {
        coins.push(...inputs.map((i) => i.coin!)); // too small to spend: put it back
        continue;
      }
      const spend = total - fee;
      const first = (spend * BigInt(1 + Math.floor(random() * 98))) / 100n;
      const nOut = random() < 0.85 ? 2 : 3 + Math.floor(random() * 4);
      const values = [first];
      for (let k = 1; k < nOut; k++) values.push(k === nOut - 1 ? spend - values.reduce((a, b) => a + b, 0n) : (spend - first) / BigInt(nOut - 1));
      const outputs = values.map((value) => {
        const who = Math.floor(random() * pool);
        return { value, script: random() < 0.8 ? p2wpkh(who) : p2pkh(who) };
      });
      txs.push({ inputs, outputs, locktime: height });
      fees += fee;
    }
    // The coinbase: subsidy plus fees, split over many outputs early on so there is plenty to spend.
    const subsidy = 50_0000_0000n;
    const coinbaseOuts = coins.length < opts.txsPerBlock * 2 ? opts.txsPerBlock * 2 : 1;
    const each = (subsidy + fees) / BigInt(coinbaseOuts);
    const cbOutputs = Array.from({ length: coinbaseOuts }, (_, i) => ({
      value: i === 0 ? subsidy + fees - each * BigInt(coinbaseOuts - 1) : each,
      script: p2wpkh(Math.floor(random() * pool)),
    }));
    const heightPush = Buffer.alloc(4);
    heightPush.writeUInt32LE(height);
    const cbScriptSig = Buffer.concat([Buffer.from([3]), heightPush.subarray(0, 3), Buffer.from('cairn bench')]);
    const coinbase: TxSpec = { inputs: [{ coin: null, scriptSig: cbScriptSig, witness: [Buffer.alloc(32)] }], outputs: cbOutputs, locktime: 0 };

    const bodies = txs.map((t) => serializeTx(t, true));
    const txids = txs.map((t) => sha256d(serializeTx(t, false)));
    const wtxids = bodies.map((b) => sha256d(b));
    const witnessRoot = merkleRoot([Buffer.alloc(32), ...wtxids]);
    const commitment = sha256d(Buffer.concat([witnessRoot, Buffer.alloc(32)]));
    coinbase.outputs.push({ value: 0n, script: Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), commitment]) });
    const cbBody = serializeTx(coinbase, true);
    const cbTxid = sha256d(serializeTx(coinbase, false));

    const header = new Writer()
      .u32(0x20000000)
      .put(prev)
      .put(merkleRoot([cbTxid, ...txids]))
      .u32(1_700_000_000 + height * 600)
      .u32(REGTEST_BITS)
      .u32(height)
      .done();
    const block = new Writer().put(header).varint(txs.length + 1).put(cbBody);
    for (const b of bodies) block.put(b);
    const blockBytes = block.done();
    if (fileOffset > 0 && fileOffset + blockBytes.length + 8 > fileBytes) openNext();
    const recordHeader = Buffer.alloc(8);
    REGTEST_MAGIC.copy(recordHeader);
    recordHeader.writeUInt32LE(blockBytes.length, 4);
    write(recordHeader);
    write(blockBytes);
    prev = sha256d(header);

    result.blocks++;
    result.bytes += blockBytes.length + 8;
    result.txs += txs.length + 1;
    const allTxs = [coinbase, ...txs];
    const allIds = [cbTxid, ...txids];
    allTxs.forEach((t, k) => {
      result.inputs += t.inputs.length;
      t.outputs.forEach((o, vout) => {
        result.outputs++;
        result.outputTotal += o.value;
        if (o.value > 0n) coins.push({ txid: allIds[k]!, vout, value: o.value, segwit: o.script[0] === 0x00 });
      });
    });
  }
  closeSync(fd);
  return result;
}
