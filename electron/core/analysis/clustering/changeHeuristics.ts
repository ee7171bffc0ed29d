/**
 * Change detection (methods.md, "Change-address heuristics"): which output of a transaction
 * returns the payer's change, so that its address can join the inputs' cluster. Every rule is off
 * unless the workspace switches it on (settings.ts), as BlockSci ships them: a handful of false
 * change links collapses the graph into a few giant clusters (Meiklejohn et al. 2013).
 *
 * A rule looks only at a transaction that is not a coinbase and not a CoinJoin, whose every input
 * address is known (from the spent output, or derived from the input script), and that pays at
 * least two outputs with an address and a value above zero ("payable" outputs: OP_RETURN and
 * unknown scripts are never change). It names at most one output, or none when it is not sure:
 *
 * - address-reuse (BlockSci AddressReuse; Spagnuolo et al. 2014, BitIodine): the one payable
 *   output that pays back to an input address. Its address is already the inputs', so it never
 *   adds an address to a cluster on its own; with other rules on, it vetoes them when they name
 *   another output of a transaction whose change went back to an input address.
 * - fresh-address (Meiklejohn et al. 2013, "one-time change"; Androulaki et al. 2013, "shadow
 *   addresses"; BlockSci ClientChangeAddressBehavior): the one payable output whose address is
 *   fresh, when no output pays back to an input address (such a wallet does not use one-time
 *   change). Fresh: the store holds no appearance of the address, as an output or an input, in a
 *   transaction before this one in chain order (height, then position in the block), and this
 *   transaction pays it once. Chain order, not import order, so that blocks imported in any order
 *   give one answer; an appearance in a transaction without a height (a block off the main chain
 *   or whose ancestors are not imported) counts as before, and a transaction without a height
 *   names nothing.
 * - script-type (BlockSci AddressType; Möser & Narayanan 2022): when every input spends one
 *   script type (P2PKH, P2SH, P2WPKH, P2WSH, P2TR, P2PK…), the one payable output of that type.
 * - round-payment (BlockSci PowerOfTen with its default of 6 digits; Androulaki et al. 2013): the
 *   one payable output whose value is not a multiple of 10^6 base units (0.01 BTC), the others
 *   being round: people pay round amounts, coin selection leaves change that is not.
 * - optimal-change (Nick 2015; BlockSci OptimalChange): when every input value is known, the one
 *   payable output smaller than the smallest input: a wallet that needed that input would not
 *   have left more than it as change.
 *
 * Rules that are on vote: those that name an output must all name the same one, or the
 * transaction's change stays unknown and nothing is merged (a conflict).
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import type { BitcoinNetwork } from '../../../../shared/codec/bitcoinScript';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/openStore';
import { CHANGE_RULES, type ChangeRule } from './settings';

export interface ChangeInput {
  /** The input's address id; every input of a transaction the rules look at has one. */
  readonly address: number;
  /** Null when the spent output is not in the store (a derived address). */
  readonly value: bigint | null;
  /** The spent output's script type (txout.type names), or null when not known. */
  readonly type: string | null;
}

export interface ChangeOutput {
  readonly n: number;
  readonly value: bigint;
  readonly address: number | null;
  readonly type: string;
}

export interface ChangeTx {
  readonly inputs: readonly ChangeInput[];
  readonly outputs: readonly ChangeOutput[];
}

/**
 * Whether an address appears in the store before the transaction in chain order; null when the
 * transaction has no place in chain order (no height), where fresh-address names nothing.
 */
export type SeenBefore = ((address: number) => boolean) | null;

/** round-payment: a value that is a multiple of this many base units is round (10^6: 0.01 BTC). */
export const ROUND_UNIT = 10n ** 6n;

/** Outputs a rule may name: those that pay an address something. */
export function payable(tx: ChangeTx): ChangeOutput[] {
  return tx.outputs.filter((o) => o.address !== null && o.value > 0n);
}

const only = (candidates: readonly ChangeOutput[]): number | null => (candidates.length === 1 ? candidates[0]!.n : null);
const inputAddresses = (tx: ChangeTx): Set<number> => new Set(tx.inputs.map((i) => i.address));

/** address-reuse: the one payable output paying back to an input address. */
export function addressReuseChange(tx: ChangeTx): number | null {
  const ins = inputAddresses(tx);
  return only(payable(tx).filter((o) => ins.has(o.address!)));
}

/** fresh-address: the one payable output to an address first seen here, when none pays back to an input address. */
export function freshAddressChange(tx: ChangeTx, seenBefore: SeenBefore): number | null {
  if (seenBefore === null) return null;
  const ins = inputAddresses(tx);
  const outs = payable(tx);
  if (outs.some((o) => ins.has(o.address!))) return null;
  // An address paid twice here is not fresh (its first appearance is not one output); all outputs count, not just payable ones.
  const paid = new Map<number, number>();
  for (const o of tx.outputs) if (o.address !== null) paid.set(o.address, (paid.get(o.address) ?? 0) + 1);
  const fresh: ChangeOutput[] = [];
  for (const o of outs) {
    if (paid.get(o.address!) !== 1 || seenBefore(o.address!)) continue;
    fresh.push(o);
    if (fresh.length > 1) return null;
  }
  return only(fresh);
}

/** script-type: when every input spends one script type, the one payable output of that type. */
export function scriptTypeChange(tx: ChangeTx): number | null {
  const type = tx.inputs[0]?.type ?? null;
  if (type === null || tx.inputs.some((i) => i.type !== type)) return null;
  return only(payable(tx).filter((o) => o.type === type));
}

/** round-payment: the one payable output whose value is not a multiple of ROUND_UNIT. */
export function roundPaymentChange(tx: ChangeTx): number | null {
  return only(payable(tx).filter((o) => o.value % ROUND_UNIT !== 0n));
}

/** optimal-change: with every input value known, the one payable output smaller than the smallest input. */
export function optimalChange(tx: ChangeTx): number | null {
  let smallest: bigint | null = null;
  for (const i of tx.inputs) {
    if (i.value === null) return null;
    if (smallest === null || i.value < smallest) smallest = i.value;
  }
  if (smallest === null) return null;
  const below = smallest;
  return only(payable(tx).filter((o) => o.value < below));
}

const RULES: Record<ChangeRule, (tx: ChangeTx, seenBefore: SeenBefore) => number | null> = {
  'address-reuse': addressReuseChange,
  'fresh-address': freshAddressChange,
  'script-type': scriptTypeChange,
  'round-payment': roundPaymentChange,
  'optimal-change': optimalChange,
};

export type ChangeVerdict =
  /** The rules that named an output all named this one. */
  | { readonly output: number; readonly address: number; readonly rules: readonly ChangeRule[] }
  /** They named different outputs: the change is unknown. */
  | { readonly conflict: readonly { rule: ChangeRule; output: number }[] };

/**
 * The change output of a transaction by the rules that are on, or null when none names one (or
 * the transaction is not one the rules look at: see the file comment; the caller has already
 * excluded coinbases and CoinJoins).
 */
export function detectChange(tx: ChangeTx, rules: readonly ChangeRule[], seenBefore: SeenBefore): ChangeVerdict | null {
  if (tx.inputs.length === 0 || payable(tx).length < 2) return null;
  const named: { rule: ChangeRule; output: number }[] = [];
  for (const rule of CHANGE_RULES) {
    if (!rules.includes(rule)) continue;
    const output = RULES[rule](tx, seenBefore);
    if (output !== null) named.push({ rule, output });
  }
  if (named.length === 0) return null;
  if (named.some((x) => x.output !== named[0]!.output)) return { conflict: named };
  const output = named[0]!.output;
  return { output, address: tx.outputs.find((o) => o.n === output)!.address!, rules: named.map((x) => x.rule) };
}

/** The evidence's heuristic for a change merge: "change:" and the rules that named it, joined by "+". */
export function changeHeuristic(rules: readonly ChangeRule[]): string {
  return `change:${rules.join('+')}`;
}

const base58check = createBase58check(sha256);

/**
 * The script type of the output an address stands for, from the address's text: what a derived
 * input (whose spent output is not in the store) is known by. Null for anything else (a bare
 * multisig or nonstandard pseudo-address).
 */
export function addressScriptType(address: string, net: BitcoinNetwork | null): string | null {
  if (net === null) return null;
  const lower = address.toLowerCase();
  if (lower.startsWith(`${net.bech32Hrp}1`)) {
    for (const codec of [bech32, bech32m]) {
      try {
        const { words } = codec.decode(lower as `${string}1${string}`);
        const version = words[0];
        const program = codec.fromWords(words.slice(1)).length;
        if (version === 0) return program === 20 ? 'p2wpkh' : program === 32 ? 'p2wsh' : null;
        if (version === 1 && program === 32) return 'p2tr';
        return 'witness_unknown';
      } catch {
        // the other checksum constant
      }
    }
    return null;
  }
  try {
    const payload = base58check.decode(address);
    if (payload.length !== 21) return null;
    return payload[0] === net.p2pkhVersion ? 'p2pkh' : payload[0] === net.p2shVersion ? 'p2sh' : null;
  } catch {
    return null;
  }
}

/** Indexes the per-address lookups need; a bulk import drops them until it commits (store/bulkIndexes.ts). */
const ADDRESS_INDEXES = ['txout_address', 'txin_address'];
/** Positions in chain order as one integer: height × 2^20 + position in the block (blocks hold far fewer than 2^20 transactions). */
const POSITION = 'CASE WHEN t.block_number IS NULL OR t.tx_index IS NULL THEN -1 ELSE t.block_number * 1048576 + t.tx_index END';

/**
 * Answers "did this address appear before this transaction in chain order?" from the store, one
 * of two ways with the same answers:
 * - by address, through the txout and txin address indexes (a few index probes per output): for
 *   an import adding a small part of the chain;
 * - from a table of each address's first position in chain order, built in one pass over the
 *   chain the first time it is needed: for a rebuild, and for a bulk import, which runs without
 *   those indexes.
 */
export class FirstSeen {
  private readonly byTable: boolean;
  private readonly s: Record<'outBefore' | 'inBefore', Statement>;
  private first: Statement | null = null;

  constructor(
    private readonly db: Db,
    private readonly chainId: number,
    /** Use the one-pass table even when the indexes are there. */
    wholeChain: boolean,
  ) {
    const present = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (${ADDRESS_INDEXES.map(() => '?').join(', ')})`).pluck().get(...ADDRESS_INDEXES) as number;
    this.byTable = wholeChain || present < ADDRESS_INDEXES.length;
    const before = (table: 'txout' | 'txin', alias: string): string =>
      `SELECT 1 FROM ${table} ${alias} CROSS JOIN tx t ON t.id = ${alias}.tx_id WHERE ${alias}.address_id = ? AND ${alias}.tx_id <> ?
         AND (t.block_number IS NULL OR t.tx_index IS NULL OR t.block_number < ? OR (t.block_number = ? AND t.tx_index < ?)) LIMIT 1`;
    this.s = {
      outBefore: db.prepare(before('txout', 'o')).pluck(),
      inBefore: db.prepare(before('txin', 'i')).pluck(),
    };
  }

  /** The question for one transaction, or null when it has no height. */
  before(txId: number, height: number | null, index: number | null): SeenBefore {
    if (height === null || index === null) return null;
    if (this.byTable) {
      const first = this.build();
      const pos = height * 1048576 + index;
      return (address) => {
        const at = first.get(address) as number | undefined;
        return at !== undefined && at < pos;
      };
    }
    return (address) =>
      this.s.outBefore.get(address, txId, height, height, index) !== undefined || this.s.inBefore.get(address, txId, height, height, index) !== undefined;
  }

  /** Drops the table of first positions, if one was built: it is as large as the chain's address count. */
  close(): void {
    if (this.first === null) return;
    this.first = null;
    this.db.exec('DROP TABLE IF EXISTS temp.cairn_first_seen');
  }

  private build(): Statement {
    if (this.first !== null) return this.first;
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS cairn_first_seen (address_id INTEGER PRIMARY KEY, pos INTEGER NOT NULL)');
    this.db.exec('DELETE FROM temp.cairn_first_seen');
    this.db
      .prepare(
        `INSERT INTO temp.cairn_first_seen (address_id, pos)
         SELECT address_id, min(pos) FROM (
           SELECT o.address_id, ${POSITION} AS pos FROM tx t CROSS JOIN txout o ON o.tx_id = t.id WHERE +t.chain_id = ? AND o.address_id IS NOT NULL
           UNION ALL
           SELECT i.address_id, ${POSITION} AS pos FROM tx t CROSS JOIN txin i ON i.tx_id = t.id WHERE +t.chain_id = ? AND i.address_id IS NOT NULL
         ) GROUP BY address_id`,
      )
      .run(this.chainId, this.chainId);
    this.first = this.db.prepare('SELECT pos FROM temp.cairn_first_seen WHERE address_id = ?').pluck();
    return this.first;
  }
}
