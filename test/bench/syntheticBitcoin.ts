/**
 * Writes a Bitcoin Core style blocks/ folder of valid, distinct regtest blocks for the import
 * benchmark (through the generator's BlkWriter). The shape follows mainnet in 2021–2024: mostly
 * segwit (P2WPKH) spends, some legacy P2PKH, about 2 inputs and 2 outputs per transaction,
 * spending outputs of earlier blocks, with addresses reused from a pool. Deterministic for a
 * given seed.
 */
import { createHash } from 'node:crypto';
import { BlkWriter, p2pkh, p2wpkh, type Coin } from '../../electron/core/synth/blkWriter';
import { Rng } from '../../electron/core/synth/rng';

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
  const random = new Rng(String(opts.seed ?? 0x5eed));
  const pool = opts.addressPool ?? 50_000;
  const keyHash = (i: number): Buffer => createHash('sha256').update(`key ${i}`).digest().subarray(0, 20);
  const w = new BlkWriter(dir, { fileBytes: opts.fileBytes, xorKey: opts.xorKey });
  const coins: Coin[] = [];
  for (let height = 1; height <= opts.blocks; height++) {
    let fees = 0n;
    for (let t = 1; t < opts.txsPerBlock && coins.length >= 2; t++) {
      // Block 702861 averages 2.6 inputs and 2.4 outputs per transaction.
      const r = random.next();
      const nIn = r < 0.55 ? 1 : r < 0.8 ? 2 : r < 0.92 ? 3 + random.int(3) : 6 + random.int(8);
      const inputs: Coin[] = [];
      let total = 0n;
      for (let k = 0; k < nIn && coins.length > 0; k++) {
        const at = random.int(coins.length);
        const coin = coins[at]!;
        coins[at] = coins[coins.length - 1]!;
        coins.pop();
        total += coin.value;
        inputs.push(coin);
      }
      const fee = 1000n + BigInt(random.int(5000));
      if (total <= fee * 4n) {
        coins.push(...inputs); // too small to spend: put it back
        continue;
      }
      const spend = total - fee;
      const first = (spend * BigInt(1 + random.int(98))) / 100n;
      const nOut = random.chance(0.85) ? 2 : 3 + random.int(4);
      const values = [first];
      for (let k = 1; k < nOut; k++) values.push(k === nOut - 1 ? spend - values.reduce((a, b) => a + b, 0n) : (spend - first) / BigInt(nOut - 1));
      const outputs = values.map((value) => {
        const who = random.int(pool);
        return { value, script: random.chance(0.8) ? p2wpkh(keyHash(who)) : p2pkh(keyHash(who)) };
      });
      const tx = w.addTx(inputs.map((coin) => ({ coin })), outputs);
      for (const c of tx.outputs) if (c.value > 0n) coins.push(c);
      fees += fee;
    }
    // The coinbase: subsidy plus fees, split over many outputs early on so there is plenty to spend.
    const subsidy = 50_0000_0000n;
    const n = coins.length < opts.txsPerBlock * 2 ? opts.txsPerBlock * 2 : 1;
    const each = (subsidy + fees) / BigInt(n);
    const cb = w.endBlock(Array.from({ length: n }, (_, i) => ({ value: i === 0 ? subsidy + fees - each * BigInt(n - 1) : each, script: p2wpkh(keyHash(random.int(pool))) })));
    for (const c of cb.outputs) coins.push(c);
  }
  w.close();
  return { files: w.files, bytes: w.bytes, blocks: w.blocks, txs: w.txs, inputs: w.inputs, outputs: w.outputs, outputTotal: w.outputTotal };
}
