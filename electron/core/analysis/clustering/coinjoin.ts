/**
 * CoinJoin detection, from a transaction's shape alone. The multi-input heuristic must skip a
 * CoinJoin, or it merges strangers (methods.md, "Address clustering: UTXO chains"). Input values
 * and addresses may be unknown (null) when the spent outputs are not in the store: every rule
 * then works on the outputs and the input count, and a rule that reads input values applies
 * that check only when all of them are known.
 *
 * Rules, tried in this order (the first that matches names the verdict):
 *
 * - whirlpool: exactly 5 inputs and 5 outputs, every output the same value and that value one
 *   of Samourai Whirlpool's pool denominations (0.001, 0.01, 0.05, 0.25 and 0.5 BTC), no other
 *   output. A mix output is exactly the pool size; the fees are paid in the Tx0 before it.
 *   Source: Dumplings (nopara73/Dumplings, Scanning/Scanner.cs: 5 in, 5 out, all equal, a pool
 *   size), and Samourai's pool list (the 0.25 BTC pool added in 2023).
 *
 * - wasabi, Wasabi 1 (ZeroLink): at least 10 outputs share the most common value, at least as
 *   many inputs as those outputs, and that value lies within 0.02 BTC of the 0.1 BTC base
 *   denomination. The other outputs are change, the coordinator fee and the 2x, 4x... mixing
 *   levels. Source: Dumplings' Wasabi rule (at least 10 equal outputs, inputs >= equal outputs,
 *   value "almost" 0.1 BTC with a precision of 0.02 BTC).
 *
 * - wasabi, Wasabi 2 (WabiSabi): at least 50 inputs (the minimum input count of the first
 *   Wasabi 2 rounds), more than 80% of the outputs at Wasabi 2's standard denominations, and at
 *   least 3 distinct standard denominations that each occur more than once. The standard
 *   denominations are the powers of 2 and of 3, 2 x 3^n, and 10^n, 2 x 10^n, 5 x 10^n satoshi,
 *   from 5,000 sat up. Source: WalletWasabi's SmartTransaction.IsWasabi2Cj and its
 *   denomination list (ported to BlockSci's CoinjoinUtils).
 *
 * - joinmarket: n >= 3 outputs of one value, at most n + 1 other outputs (each maker's and the
 *   taker's change), at least n inputs, and the value not a round amount (a multiple of
 *   0.001 BTC), which would rather be one payer paying n parties. When every input value is
 *   known, no single input may exceed one equal output plus the largest other output plus the
 *   fee plus the makers' fees (each at most 0.1% of the equal value plus 10,000 sat): a larger
 *   one paid for several equal outputs itself. Source: JoinMarket's shape (one
 *   taker, n - 1 makers, each with one equal output and at most one change), and Dumplings'
 *   "other CoinJoin" rule, which uses the same funding shortcut in place of a subset sum.
 *
 * - equal-outputs (generic): at least 3 outputs of one value to distinct addresses, and either at
 *   least as many inputs with the same funding check, or (one party taking several equal
 *   outputs) at least 3 input addresses able to pay one that each get change back to
 *   themselves. It keeps a round value or many other outputs, which
 *   JoinMarket's rule refuses: the price is that an exchange batch paying several equal round
 *   amounts from several addresses is skipped by clustering, a lost merge rather than a false one.
 *
 * Every rule also needs what any CoinJoin has: the equal outputs go to distinct addresses, and
 * the inputs can come from at least 3 owners (3 distinct input addresses, counting each input
 * of unknown address as possibly distinct). A single wallet's batch payout from one address is
 * therefore never a CoinJoin, whatever its outputs. Outputs without an address (OP_RETURN, bare
 * scripts) and zero-valued outputs are never equal outputs.
 */
import { formatUnits, groupDigits } from '../../../../shared/model/amount';

export type CoinJoinRule = 'whirlpool' | 'wasabi' | 'joinmarket' | 'equal-outputs';

export interface CoinJoinVerdict {
  rule: CoinJoinRule;
  /** The value of the equal outputs, in base units. */
  denomination: bigint;
  equalOutputs: number;
  inputs: number;
  /** One sentence with the figures, for an investigator. */
  detail: string;
}

export interface CoinJoinInput {
  value: bigint | null;
  address: string | null;
}

export interface CoinJoinOutput {
  value: bigint;
  address: string | null;
  type: string;
}

export interface CoinJoinTx {
  inputs: readonly CoinJoinInput[];
  outputs: readonly CoinJoinOutput[];
}

const SAT_PER_BTC = 100_000_000n;
export const WHIRLPOOL_POOLS: readonly bigint[] = [100_000n, 1_000_000n, 5_000_000n, 25_000_000n, 50_000_000n];
const WASABI1_BASE = SAT_PER_BTC / 10n;
const WASABI1_PRECISION = SAT_PER_BTC / 50n;
const WASABI1_MIN_EQUAL = 10;
const WASABI2_MIN_INPUTS = 50;
const WASABI2_MIN_DENOMINATIONS = 3;
const WASABI2_MIN_SAT = 5_000n;
const WASABI2_MAX_SAT = 134_375_000_000n;
const MIN_EQUAL = 3;
const MIN_OWNERS = 3;
/** A multiple of 0.001 BTC reads as a chosen payment amount rather than a JoinMarket amount. */
const ROUND_UNIT = 100_000n;
/** Per maker, the most a JoinMarket taker is taken to pay: 0.1% of the equal value (in parts per million) plus 10,000 sat (see fundedByParties). */
const MAKER_FEE_REL_PPM = 1_000n;
const MAKER_FEE_ABS = 10_000n;

/** Wasabi 2's standard denominations in satoshi (see the file comment). */
export const WASABI2_DENOMINATIONS: ReadonlySet<bigint> = (() => {
  const set = new Set<bigint>();
  const series = (start: bigint, ratio: bigint, times: bigint) => {
    for (let d = start; d * times <= WASABI2_MAX_SAT; d *= ratio) if (d * times >= WASABI2_MIN_SAT) set.add(d * times);
  };
  series(1n, 2n, 1n);
  series(1n, 3n, 1n);
  series(1n, 3n, 2n);
  for (const times of [1n, 2n, 5n]) series(1n, 10n, times);
  return set;
})();

interface Group {
  value: bigint;
  outputs: CoinJoinOutput[];
}

interface Shape {
  tx: CoinJoinTx;
  /** Payable outputs grouped by value, the most common value first (ties: the larger value). */
  groups: Group[];
  unit: string;
}

/** The CoinJoin a transaction looks like, or null. `unit` names the coin in the detail sentence. */
export function detectCoinJoin(tx: CoinJoinTx, unit = 'BTC'): CoinJoinVerdict | null {
  if (possibleOwners(tx.inputs) < MIN_OWNERS) return null;
  const shape: Shape = { tx, groups: equalGroups(tx.outputs), unit };
  return whirlpool(shape) ?? wasabi1(shape) ?? wasabi2(shape) ?? joinMarket(shape) ?? equalOutputs(shape);
}

function whirlpool({ tx, groups, unit }: Shape): CoinJoinVerdict | null {
  const top = groups[0];
  if (tx.inputs.length !== 5 || tx.outputs.length !== 5 || !top || top.outputs.length !== 5) return null;
  if (!WHIRLPOOL_POOLS.includes(top.value) || !distinctAddresses(top)) return null;
  const pool = money(top.value, unit);
  return verdict('whirlpool', top, tx, `5 inputs, 5 outputs of ${pool} each: a Whirlpool round at the ${pool} pool`);
}

function wasabi1({ tx, groups, unit }: Shape): CoinJoinVerdict | null {
  const top = groups[0];
  if (!top || top.outputs.length < WASABI1_MIN_EQUAL || tx.inputs.length < top.outputs.length || !distinctAddresses(top)) return null;
  const off = top.value - WASABI1_BASE;
  if (off > WASABI1_PRECISION || -off > WASABI1_PRECISION) return null;
  return verdict(
    'wasabi',
    top,
    tx,
    `${tx.inputs.length} inputs, ${top.outputs.length} of ${tx.outputs.length} outputs of ${money(top.value, unit)} each, near Wasabi 1's 0.1 BTC base denomination: a Wasabi 1 round`,
  );
}

function wasabi2({ tx, groups, unit }: Shape): CoinJoinVerdict | null {
  if (tx.inputs.length < WASABI2_MIN_INPUTS) return null;
  const standard = tx.outputs.filter((o) => WASABI2_DENOMINATIONS.has(o.value)).length;
  if (standard * 5 <= tx.outputs.length * 4) return null;
  const repeated = groups.filter((g) => g.outputs.length >= 2 && WASABI2_DENOMINATIONS.has(g.value));
  const top = repeated[0];
  if (repeated.length < WASABI2_MIN_DENOMINATIONS || !distinctAddresses(top)) return null;
  return verdict(
    'wasabi',
    top,
    tx,
    `${tx.inputs.length} inputs, ${standard} of ${tx.outputs.length} outputs at Wasabi 2 standard denominations (${repeated.length} of them repeated, most often ${money(top.value, unit)} in ${top.outputs.length} outputs): a Wasabi 2 round`,
  );
}

function joinMarket(shape: Shape): CoinJoinVerdict | null {
  const { tx, unit } = shape;
  const top = partiesCandidate(shape);
  if (!top || top.value % ROUND_UNIT === 0n) return null;
  const n = top.outputs.length;
  const others = tx.outputs.length - n;
  if (others > n + 1) return null;
  return verdict(
    'joinmarket',
    top,
    tx,
    `${tx.inputs.length} inputs, ${n} outputs of ${money(top.value, unit)} each and ${others} change output${others === 1 ? '' : 's'}: a JoinMarket-style round of ${n} parties`,
  );
}

function equalOutputs(shape: Shape): CoinJoinVerdict | null {
  const { tx, unit } = shape;
  const top = equalCandidate(shape);
  if (!top) return null;
  return verdict(
    'equal-outputs',
    top,
    tx,
    `${tx.inputs.length} inputs, ${top.outputs.length} of ${tx.outputs.length} outputs of ${money(top.value, unit)} each to distinct addresses: an equal-output CoinJoin`,
  );
}

/** The most common value when it can be n parties' equal outputs, one each: n >= 3, n inputs, distinct addresses, no input paying for two. */
function partiesCandidate({ tx, groups }: Shape): Group | null {
  const top = groups[0];
  if (!top || top.outputs.length < MIN_EQUAL || tx.inputs.length < top.outputs.length || !distinctAddresses(top)) return null;
  return fundedByParties(tx, top) ? top : null;
}

/**
 * The most common value when it can be several parties' equal outputs: one each (as
 * partiesCandidate), or several for one party (a coordinator that lets a large input register
 * several equal outputs) when the round shows several parties otherwise: the equal outputs to
 * mostly distinct addresses (4 in 5), at least 3 inputs from
 * distinct addresses that could each pay an equal output, at least 3 of which get change back
 * to their own address. A wallet's batch of equal payouts, with its change to one address, is
 * still refused.
 */
function equalCandidate(shape: Shape): Group | null {
  const one = partiesCandidate(shape);
  if (one) return one;
  const { tx, groups } = shape;
  const top = groups[0];
  // Mostly distinct: a participant may reuse an address, a batch to a few payees repeats them.
  const distinct = top ? new Set(top.outputs.map((o) => o.address)).size : 0;
  if (!top || distinct < MIN_EQUAL || distinct * 5 < top.outputs.length * 4) return null;
  const payers = new Set(tx.inputs.filter((i) => i.address !== null && (i.value === null || i.value >= top.value)).map((i) => i.address));
  if (payers.size < MIN_OWNERS) return null;
  const changeBack = new Set(tx.outputs.filter((o) => o.value !== top.value && o.address !== null && payers.has(o.address)).map((o) => o.address));
  return changeBack.size >= MIN_OWNERS ? top : null;
}

/**
 * With every input value known: no input exceeds one equal output plus the largest other output
 * plus the fee plus what a JoinMarket taker pays its makers. A larger input paid for more than
 * one party's share on its own.
 *
 * The makers' fees: a JoinMarket taker's coin pays its equal output, its change, the miner fee
 * and each of the n - 1 makers' fees, so without them the check refuses every round whose taker
 * registered one coin and took the largest change (Dumplings' shortcut has that flaw). A taker
 * accepts a maker's offer up to its max_cj_fee_rel or max_cj_fee_abs (JoinMarket's taker
 * settings; offers in practice ask 0.001–0.03% or a few hundred to a few thousand sat), so each
 * maker is allowed MAKER_FEE_REL of the equal value plus MAKER_FEE_ABS, well above what takers
 * accept. The check still refuses a single payer: its input paid n equal outputs, which exceeds
 * the bound by (n - 1) equal values less the slack, positive whenever the equal value is above
 * about 10,000 sat.
 */
function fundedByParties(tx: CoinJoinTx, group: Group): boolean {
  const values = tx.inputs.map((i) => i.value);
  if (values.some((v) => v === null)) return true;
  const known = values as bigint[];
  const fee = sum(known) - sum(tx.outputs.map((o) => o.value));
  const largestOther = tx.outputs.reduce((m, o) => (o.value !== group.value && o.value > m ? o.value : m), 0n);
  const largestInput = known.reduce((m, v) => (v > m ? v : m), 0n);
  const makers = BigInt(group.outputs.length - 1);
  const makerFees = makers * ((group.value * MAKER_FEE_REL_PPM) / 1_000_000n + MAKER_FEE_ABS);
  return largestInput <= group.value + largestOther + fee + makerFees;
}

function equalGroups(outputs: readonly CoinJoinOutput[]): Group[] {
  const byValue = new Map<bigint, CoinJoinOutput[]>();
  for (const o of outputs) {
    if (o.address === null || o.value <= 0n) continue;
    const list = byValue.get(o.value);
    if (list) list.push(o);
    else byValue.set(o.value, [o]);
  }
  return [...byValue]
    .map(([value, list]) => ({ value, outputs: list }))
    .sort((a, b) => b.outputs.length - a.outputs.length || (b.value > a.value ? 1 : b.value < a.value ? -1 : 0));
}

/** How many owners the inputs can have at most: distinct known addresses, plus every input of unknown address. */
function possibleOwners(inputs: readonly CoinJoinInput[]): number {
  const known = new Set<string>();
  let unknown = 0;
  for (const i of inputs) {
    if (i.address === null) unknown++;
    else known.add(i.address);
  }
  return known.size + unknown;
}

function distinctAddresses(group: Group): boolean {
  return new Set(group.outputs.map((o) => o.address)).size === group.outputs.length;
}

function verdict(rule: CoinJoinRule, group: Group, tx: CoinJoinTx, detail: string): CoinJoinVerdict {
  return { rule, denomination: group.value, equalOutputs: group.outputs.length, inputs: tx.inputs.length, detail };
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}

function money(value: bigint, unit: string): string {
  return `${groupDigits(formatUnits(value, 8))} ${unit}`;
}
