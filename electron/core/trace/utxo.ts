/**
 * Taint on UTXO chains, output by output. A transaction's outputs take the taint of its inputs
 * by the method chosen, and the fee takes its share, so nothing is created or lost:
 *
 * - **FIFO**: the inputs' value is laid end to end in input order (each input's own tainted and
 *   clean lots in their order) and poured into the outputs in output order; what is left after
 *   the last output is the fee. Lossless and exact.
 * - **Haircut**: the tainted total is split over the outputs and the fee in proportion to their
 *   values, exactly (largest remainders), so the parts sum to the tainted total.
 * - **Poison**: every output of a transaction with a tainted input is wholly tainted.
 *
 * An input whose spent output is not in the store has an unknown value. It is reported, and
 * counted at the least it can be (the outputs minus the known inputs, a zero fee), which gives
 * the taint its largest share: the figures stay an upper bound, never an understatement.
 *
 * Transactions are taken in chain order (height, then position in the block), so a transaction
 * is worked out once, after every transaction whose outputs it spends.
 */
import { splitProportionally } from '../ingest/bitcoin/utxoFold';
import type { TaintMethod } from './ledger';

export interface UtxoInput {
  value: bigint | null;
  address: string | null;
  /** The output it spends, when that is in the store: "<tx key>:<n>". */
  prev: string | null;
}

export interface UtxoOutput {
  n: number;
  value: bigint;
  address: string | null;
  /** The tx that spends it, when the store knows one. */
  spentBy: string | null;
}

export interface UtxoTx {
  key: string;
  hash: string;
  time: number | null;
  /** Chain order: height (or a stand-in), then position in the block. */
  order: readonly [number, number];
  ins: UtxoInput[];
  outs: UtxoOutput[];
}

interface Lot {
  amount: bigint;
  tainted: boolean;
  hops: number;
}

/** Taint one output carries. lots: FIFO only, in order. */
interface OutTaint {
  tainted: bigint;
  hops: number;
  lots: Lot[];
}

export interface TracedOutput {
  tx: UtxoTx;
  n: number;
  address: string | null;
  value: bigint;
  tainted: bigint;
  hops: number;
  /** The input of tx that brought it the most taint: the output it spent, or null for a source. */
  via: string | null;
}

export interface UtxoEnd {
  reason: string;
  address: string | null;
  tainted: bigint;
  hops: number;
  tx: UtxoTx;
  /** The output (n) or null for the fee. */
  n: number | null;
  via: string | null;
}

export interface UtxoUnknown {
  tx: UtxoTx;
  address: string | null;
  amount: bigint;
}

export interface UtxoTraceInput {
  method: TaintMethod;
  load: (txKey: string) => UtxoTx;
  /** Stolen outputs: "<tx key>:<n>" → amount (capped at the output's value), at hop 1. */
  outputs: ReadonlyMap<string, { amount: bigint; hops: number }>;
  /** Stolen inputs (what an address spent): tx key → input index → amount, taken as hop 0. */
  inputs: ReadonlyMap<string, ReadonlyMap<number, bigint>>;
  /** Why to stop following an output's taint (stop, limit, window, dust), or null to follow it. */
  endAt: (out: { tx: UtxoTx; n: number; address: string | null; tainted: bigint; hops: number }) => string | null;
  isCancelled?: () => boolean;
  onTx?: (count: number) => void;
}

export interface UtxoTraceResult {
  outputs: TracedOutput[];
  ended: UtxoEnd[];
  unknownInputs: UtxoUnknown[];
  sourced: bigint;
}

/** A binary heap of tx keys by chain order. */
class TxQueue {
  private readonly heap: UtxoTx[] = [];
  private readonly queued = new Set<string>();
  push(tx: UtxoTx): void {
    if (this.queued.has(tx.key)) return;
    this.queued.add(tx.key);
    const h = this.heap;
    h.push(tx);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): UtxoTx | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: UtxoTx, b: UtxoTx): boolean {
  return a.order[0] !== b.order[0] ? a.order[0] < b.order[0] : a.order[1] !== b.order[1] ? a.order[1] < b.order[1] : a.key < b.key;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function traceUtxo(input: UtxoTraceInput): UtxoTraceResult {
  const { method } = input;
  const taint = new Map<string, OutTaint>();
  const via = new Map<string, string | null>();
  const outputs: TracedOutput[] = [];
  const ended: UtxoEnd[] = [];
  const unknownInputs: UtxoUnknown[] = [];
  const queue = new TxQueue();
  let sourced = 0n;
  let worked = 0;

  /** Decides where an output's taint goes: on to its spender, or an end. */
  const settle = (tx: UtxoTx, o: UtxoOutput, t: OutTaint, from: string | null): void => {
    const key = `${tx.key}:${o.n}`;
    outputs.push({ tx, n: o.n, address: o.address, value: o.value, tainted: t.tainted, hops: t.hops, via: from });
    via.set(key, from);
    const reason = o.address === null ? 'sunk' : input.endAt({ tx, n: o.n, address: o.address, tainted: t.tainted, hops: t.hops }) ?? (o.spentBy === null ? 'rest' : null);
    if (reason !== null) {
      ended.push({ reason, address: o.address, tainted: t.tainted, hops: t.hops, tx, n: o.n, via: from });
      return;
    }
    taint.set(key, t);
    queue.push(input.load(o.spentBy!));
  };

  for (const [key, s] of input.outputs) {
    const cut = key.lastIndexOf(':');
    const tx = input.load(key.slice(0, cut));
    const o = tx.outs.find((x) => x.n === Number(key.slice(cut + 1)));
    if (!o) continue;
    const amount = min(s.amount, o.value);
    if (amount <= 0n) continue;
    sourced += amount;
    const lots: Lot[] = [{ amount, tainted: true, hops: s.hops }];
    if (o.value > amount) lots.push({ amount: o.value - amount, tainted: false, hops: Infinity });
    settle(tx, o, { tainted: amount, hops: s.hops, lots }, null);
  }
  for (const key of input.inputs.keys()) queue.push(input.load(key));

  for (let tx = queue.pop(); tx; tx = queue.pop()) {
    if (input.isCancelled?.()) break;
    input.onTx?.(++worked);
    const stolen = input.inputs.get(tx.key);
    // Each input's value and taint.
    const known = tx.ins.reduce((s, i) => s + (i.value ?? 0n), 0n);
    const outTotal = tx.outs.reduce((s, o) => s + o.value, 0n);
    let missing = outTotal > known ? outTotal - known : 0n;
    const parts = tx.ins.map((i, k) => {
      let value = i.value;
      if (value === null) {
        unknownInputs.push({ tx, address: i.address, amount: missing });
        value = missing;
        missing = 0n;
      }
      let t = i.prev ? taint.get(i.prev) : undefined;
      const s = stolen?.get(k);
      if (s !== undefined && s > 0n && !t) {
        const amount = min(s, value);
        sourced += amount;
        t = { tainted: amount, hops: 0, lots: [{ amount, tainted: true, hops: 0 }, ...(value > amount ? [{ amount: value - amount, tainted: false, hops: Infinity }] : [])] };
      }
      return { value, t, prev: i.prev };
    });
    const tainted = parts.filter((p) => p.t && p.t.tainted > 0n);
    if (tainted.length === 0) continue;
    const totalIn = parts.reduce((s, p) => s + p.value, 0n);
    const fee = totalIn > outTotal ? totalIn - outTotal : 0n;
    const nearest = Math.min(...tainted.map((p) => p.t!.hops)) + 1;
    const biggest = tainted.reduce((a, b) => (b.t!.tainted > a.t!.tainted ? b : a));
    const from = biggest.prev;
    const results: OutTaint[] = [];
    let feeTaint: OutTaint;
    if (method === 'fifo') {
      const stream: Lot[] = parts.flatMap((p) => (p.t ? p.t.lots.map((l) => ({ ...l })) : [{ amount: p.value, tainted: false, hops: Infinity }]));
      const pour = (want: bigint): OutTaint => {
        const lots: Lot[] = [];
        let got = 0n;
        let hops = Infinity;
        while (want > 0n && stream.length > 0) {
          const lot = stream[0]!;
          const take = min(lot.amount, want);
          if (lot.tainted) {
            got += take;
            hops = Math.min(hops, lot.hops + 1);
          }
          lots.push({ amount: take, tainted: lot.tainted, hops: lot.tainted ? lot.hops + 1 : Infinity });
          lot.amount -= take;
          want -= take;
          if (lot.amount === 0n) stream.shift();
        }
        return { tainted: got, hops, lots };
      };
      for (const o of tx.outs) results.push(pour(o.value));
      feeTaint = pour(fee);
    } else if (method === 'haircut') {
      const total = tainted.reduce((s, p) => s + p.t!.tainted, 0n);
      const shares = splitProportionally(total, [...tx.outs.map((o) => o.value), fee]);
      tx.outs.forEach((o, k) => results.push({ tainted: shares[k]!, hops: nearest, lots: [] }));
      feeTaint = { tainted: shares[tx.outs.length]!, hops: nearest, lots: [] };
    } else {
      for (const o of tx.outs) results.push({ tainted: o.value, hops: nearest, lots: [] });
      feeTaint = { tainted: fee, hops: nearest, lots: [] };
    }
    tx.outs.forEach((o, k) => {
      const t = results[k]!;
      if (t.tainted > 0n) settle(tx, o, t, from);
    });
    if (feeTaint.tainted > 0n) ended.push({ reason: 'fee', address: null, tainted: feeTaint.tainted, hops: feeTaint.hops, tx, n: null, via: from });
  }
  return { outputs, ended, unknownInputs, sourced };
}
