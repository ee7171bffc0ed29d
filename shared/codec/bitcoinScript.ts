/**
 * Bitcoin-family output scripts (scriptPubKey) → addresses.
 *
 * This runs for every output of every imported block, so it works on `Uint8Array`
 * scripts directly: no hex round trips, no regular expressions, and templates are
 * matched by length and fixed bytes before anything is hashed or encoded.
 *
 * Classification follows Bitcoin Core's `Solver` (script/solver.cpp), with two
 * Cairn-specific choices:
 *
 *  - P2PK and bare multisig are shown as the P2PKH address of each key
 *    (hash160 of the key bytes exactly as they appear in the script), so that
 *    coins paid to a key and to that key's address meet at one node. The `type`
 *    field keeps the distinction.
 *  - A script with no address form ('nonstandard') gets the identity
 *    `s-<hex sha256(script)>` (lowercase hex, 64 chars). It is stable across
 *    imports and cannot collide with a base58 or bech32 address (neither
 *    alphabet allows `-`). The hash is a single SHA-256 of the raw script,
 *    i.e. the Electrum "script hash" before its byte reversal.
 *
 * OP_RETURN outputs carry no address; their payload is returned in `data`.
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface BitcoinNetwork {
  name: string;
  /** Base58check version byte of P2PKH addresses. */
  p2pkhVersion: number;
  /** Base58check version byte of P2SH addresses. */
  p2shVersion: number;
  /** Human-readable part of segwit (bech32/bech32m) addresses. */
  bech32Hrp: string;
}

export const BITCOIN_MAINNET: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'bitcoin',
  p2pkhVersion: 0x00,
  p2shVersion: 0x05,
  bech32Hrp: 'bc',
});

/** testnet3; testnet4 and signet share its address prefixes. */
export const BITCOIN_TESTNET: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'testnet',
  p2pkhVersion: 0x6f,
  p2shVersion: 0xc4,
  bech32Hrp: 'tb',
});

export const BITCOIN_TESTNET4: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'testnet4',
  p2pkhVersion: 0x6f,
  p2shVersion: 0xc4,
  bech32Hrp: 'tb',
});

export const BITCOIN_SIGNET: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'signet',
  p2pkhVersion: 0x6f,
  p2shVersion: 0xc4,
  bech32Hrp: 'tb',
});

export const BITCOIN_REGTEST: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'regtest',
  p2pkhVersion: 0x6f,
  p2shVersion: 0xc4,
  bech32Hrp: 'bcrt',
});

/** Litecoin mainnet: P2SH uses the `M` prefix (0x32), not the legacy `3` (0x05). */
export const LITECOIN_MAINNET: Readonly<BitcoinNetwork> = Object.freeze({
  name: 'litecoin',
  p2pkhVersion: 0x30,
  p2shVersion: 0x32,
  bech32Hrp: 'ltc',
});

/** BIP-122 CAIP-2 ids (first 32 hex chars of the genesis block hash) → network. */
const NETWORK_BY_CHAIN: ReadonlyMap<string, Readonly<BitcoinNetwork>> = new Map([
  ['bip122:000000000019d6689c085ae165831e93', BITCOIN_MAINNET],
  ['bip122:000000000933ea01ad0ee984209779ba', BITCOIN_TESTNET],
  ['bip122:00000000da84f2bafbbc53dee25a72ae', BITCOIN_TESTNET4],
  ['bip122:00000008819873e925422c1ff0f99f7c', BITCOIN_SIGNET],
  ['bip122:0f9188f13cb7b2c71f2a335e3a4fc328', BITCOIN_REGTEST],
  ['bip122:12a765e31ffd4059bada1e25190f6e98', LITECOIN_MAINNET],
]);

/** Whether Cairn can read this UTXO chain's blocks (it has the chain's address parameters). */
export function hasBlockParameters(caip2: string): boolean {
  return NETWORK_BY_CHAIN.has(caip2.trim());
}

/**
 * The address parameters of a Cairn UTXO chain id (CAIP-2, e.g.
 * `bip122:000000000019d6689c085ae165831e93`). Throws for any chain without them.
 */
export function networkForChain(caip2: string): Readonly<BitcoinNetwork> {
  const net = NETWORK_BY_CHAIN.get(caip2.trim());
  if (!net) throw new Error(`no Bitcoin-family address parameters for chain "${caip2.slice(0, 80)}"`);
  return net;
}

export type ScriptType =
  | 'p2pk'
  | 'p2pkh'
  | 'p2sh'
  | 'p2wpkh'
  | 'p2wsh'
  | 'p2tr'
  | 'witness_unknown'
  | 'multisig'
  | 'op_return'
  | 'nonstandard';

export interface DecodedScript {
  type: ScriptType;
  /**
   * Addresses the output pays. One for single-key types; one P2PKH address per key,
   * in script order, for bare multisig (a key listed twice appears twice); none for
   * OP_RETURN; `s-<sha256 hex>` for nonstandard scripts.
   */
  addresses: string[];
  /** OP_RETURN payload: a fresh copy (never a view into the caller's buffer). */
  data?: Uint8Array;
  /** Bare multisig: signatures required (m of m-of-n). */
  required?: number;
}

/** RIPEMD-160 of SHA-256: the hash inside P2PKH and P2WPKH. */
export function hash160(bytes: Uint8Array): Uint8Array {
  return ripemd160(sha256(bytes));
}

// Opcodes used below.
const OP_0 = 0x00;
const OP_PUSHDATA1 = 0x4c;
const OP_PUSHDATA2 = 0x4d;
const OP_PUSHDATA4 = 0x4e;
const OP_1NEGATE = 0x4f;
const OP_1 = 0x51;
const OP_16 = 0x60;
const OP_RETURN = 0x6a;
const OP_DUP = 0x76;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_HASH160 = 0xa9;
const OP_CHECKSIG = 0xac;
const OP_CHECKMULTISIG = 0xae;

const base58check = createBase58check(sha256);

/** base58check(version ‖ 20-byte hash) of `src[start .. start+20)`. */
function base58Address(version: number, src: Uint8Array, start: number): string {
  const payload = new Uint8Array(21);
  payload[0] = version;
  payload.set(src.subarray(start, start + 20), 1);
  return base58check.encode(payload);
}

function p2pkhOfKey(key: Uint8Array, net: BitcoinNetwork): string {
  return base58Address(net.p2pkhVersion, hash160(key), 0);
}

/** Segwit address of version `v` with the program `script[2..]`. v0 → bech32, v1+ → bech32m (BIP-350). */
function segwitAddress(v: number, program: Uint8Array, hrp: string): string {
  const words = bech32.toWords(program);
  const all = new Array<number>(words.length + 1);
  all[0] = v;
  for (let i = 0; i < words.length; i++) all[i + 1] = words[i]!;
  // Limit 90 is the BIP-173 maximum; a 40-byte program under "bcrt" is 76 chars.
  return v === 0 ? bech32.encode(hrp, all, 90) : bech32m.encode(hrp, all, 90);
}

/** A compressed (02/03, 33 bytes) or uncompressed/hybrid (04/06/07, 65 bytes) key's expected length, else 0. */
export function pubkeyLength(header: number): number {
  if (header === 0x02 || header === 0x03) return 33;
  if (header === 0x04 || header === 0x06 || header === 0x07) return 65;
  return 0;
}

function nonstandard(script: Uint8Array): DecodedScript {
  return { type: 'nonstandard', addresses: ['s-' + bytesToHex(sha256(script))] };
}

/**
 * Reads one push at `pos`. Returns the end offset of the pushed data and writes its
 * start into `out[0]`, or returns -1 when the opcode is not a data push (or runs past the end).
 * OP_0 pushes nothing; OP_1NEGATE and OP_1..OP_16 are reported with start = -2
 * (their value is the opcode, not bytes in the script).
 */
export function readPush(script: Uint8Array, pos: number, out: Int32Array): number {
  const n = script.length;
  const op = script[pos]!;
  let start = pos + 1;
  let len: number;
  if (op <= 0x4b) {
    len = op;
  } else if (op === OP_PUSHDATA1) {
    if (start + 1 > n) return -1;
    len = script[start]!;
    start += 1;
  } else if (op === OP_PUSHDATA2) {
    if (start + 2 > n) return -1;
    len = script[start]! | (script[start + 1]! << 8);
    start += 2;
  } else if (op === OP_PUSHDATA4) {
    if (start + 4 > n) return -1;
    len =
      script[start]! + script[start + 1]! * 0x100 + script[start + 2]! * 0x10000 + script[start + 3]! * 0x1000000;
    start += 4;
  } else if (op === OP_1NEGATE || (op >= OP_1 && op <= OP_16)) {
    out[0] = -2;
    return pos + 1;
  } else {
    return -1;
  }
  if (len > n - start) return -1;
  out[0] = start;
  return start + len;
}

const pushStart = new Int32Array(1);

/** Concatenated pushes after OP_RETURN; the raw remainder when they do not parse as pushes. */
function opReturnData(script: Uint8Array): Uint8Array {
  const n = script.length;
  // Pass 1: validate and size.
  let total = 0;
  let pos = 1;
  while (pos < n) {
    const end = readPush(script, pos, pushStart);
    if (end < 0) return script.slice(1);
    total += pushStart[0] === -2 ? 1 : end - pushStart[0]!;
    pos = end;
  }
  // Pass 2: copy.
  const data = new Uint8Array(total);
  let at = 0;
  pos = 1;
  while (pos < n) {
    const op = script[pos]!;
    const end = readPush(script, pos, pushStart);
    if (pushStart[0] === -2) {
      // Small integers push their minimal script-number encoding.
      data[at++] = op === OP_1NEGATE ? 0x81 : op - OP_1 + 1;
    } else {
      data.set(script.subarray(pushStart[0]!, end), at);
      at += end - pushStart[0]!;
    }
    pos = end;
  }
  return data;
}

/** Bare multisig `OP_m <key>… OP_n OP_CHECKMULTISIG`, else undefined. */
function decodeMultisig(script: Uint8Array, net: BitcoinNetwork): DecodedScript | undefined {
  const n = script.length;
  // Smallest: OP_1 <33-byte key> OP_1 OP_CHECKMULTISIG = 1 + 34 + 1 + 1.
  if (n < 37 || script[n - 1] !== OP_CHECKMULTISIG) return undefined;
  const mOp = script[0]!;
  const nOp = script[n - 2]!;
  if (mOp < OP_1 || mOp > OP_16 || nOp < OP_1 || nOp > OP_16) return undefined;
  const required = mOp - OP_1 + 1;
  const keyCount = nOp - OP_1 + 1;
  if (required > keyCount) return undefined;
  // Walk the keys between OP_m and OP_n; each must be a push of a well-formed key.
  const keys: Uint8Array[] = [];
  let pos = 1;
  const last = n - 2;
  while (pos < last) {
    const end = readPush(script, pos, pushStart);
    if (end < 0 || end > last || pushStart[0] === -2) return undefined;
    const start = pushStart[0]!;
    const len = end - start;
    if (len === 0 || pubkeyLength(script[start]!) !== len) return undefined;
    keys.push(script.subarray(start, end));
    pos = end;
  }
  if (keys.length !== keyCount) return undefined;
  const addresses = new Array<string>(keyCount);
  for (let i = 0; i < keyCount; i++) addresses[i] = p2pkhOfKey(keys[i]!, net);
  return { type: 'multisig', addresses, required };
}

/**
 * Classifies an output script and derives its address(es) on `net`.
 * Never throws for any byte sequence.
 */
export function decodeOutputScript(script: Uint8Array, net: BitcoinNetwork): DecodedScript {
  const n = script.length;
  if (n === 0) return nonstandard(script);
  const b0 = script[0]!;

  // P2PKH: OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
  if (
    n === 25 &&
    b0 === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 0x14 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  ) {
    return { type: 'p2pkh', addresses: [base58Address(net.p2pkhVersion, script, 3)] };
  }

  // P2SH: OP_HASH160 <20> OP_EQUAL
  if (n === 23 && b0 === OP_HASH160 && script[1] === 0x14 && script[22] === OP_EQUAL) {
    return { type: 'p2sh', addresses: [base58Address(net.p2shVersion, script, 2)] };
  }

  // Witness program: OP_0 / OP_1..OP_16 followed by one direct push of 2..40 bytes.
  if ((b0 === OP_0 || (b0 >= OP_1 && b0 <= OP_16)) && n >= 4 && n <= 42 && script[1] === n - 2) {
    const program = script.subarray(2);
    if (b0 === OP_0) {
      if (n === 22) return { type: 'p2wpkh', addresses: [segwitAddress(0, program, net.bech32Hrp)] };
      if (n === 34) return { type: 'p2wsh', addresses: [segwitAddress(0, program, net.bech32Hrp)] };
      // A v0 program of any other length is unspendable and has no address.
      return nonstandard(script);
    }
    const version = b0 - OP_1 + 1;
    const type: ScriptType = version === 1 && n === 34 ? 'p2tr' : 'witness_unknown';
    return { type, addresses: [segwitAddress(version, program, net.bech32Hrp)] };
  }

  // P2PK: <33- or 65-byte key> OP_CHECKSIG (direct push only, as in Core).
  if (
    ((n === 35 && b0 === 33) || (n === 67 && b0 === 65)) &&
    script[n - 1] === OP_CHECKSIG &&
    pubkeyLength(script[1]!) === b0
  ) {
    return { type: 'p2pk', addresses: [p2pkhOfKey(script.subarray(1, n - 1), net)] };
  }

  if (b0 === OP_RETURN) return { type: 'op_return', addresses: [], data: opReturnData(script) };

  if (b0 >= OP_1 && b0 <= OP_16) {
    const multisig = decodeMultisig(script, net);
    if (multisig) return multisig;
  }

  return nonstandard(script);
}
