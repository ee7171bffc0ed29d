/**
 * Bitcoin-family unlocking data (scriptSig + witness) → the address of the output it spends.
 *
 * An input names its spent output only by txid:vout; when that output is not in the store (a lone
 * raw block, a partial range of blocks) its address is unknown. For the common standard spends the
 * unlocking data reveals it anyway, because the spender must show what the locking script commits
 * to: the public key of P2PKH/P2WPKH, the redeem script of P2SH, the witness script of P2WSH.
 *
 * The derivation rebuilds the locking script that the input must have spent and decodes it with
 * `decodeOutputScript`, so a derived address is byte-for-byte what importing the spent output would
 * have given.
 *
 * Only spends whose shape pins down the output type are derived; everything else gives null:
 *
 *  - P2PK and bare multisig: the scriptSig holds only signatures, and a signature does not name
 *    its key (recovering it from an ECDSA signature needs the sighash, i.e. the spent output).
 *  - Taproot (P2TR): a key-path spend is one 64/65-byte Schnorr signature, and the output key is
 *    never revealed; a script-path spend reveals the internal key and a leaf, but the output key
 *    is a tweak over the whole script tree, which needs elliptic-curve arithmetic we do not do
 *    here. Either way the witness does not give us the address.
 *  - Anything whose shape is ambiguous or non-standard (a scriptSig with non-push opcodes, a
 *    witness key that is not 33-byte compressed, arguments that are not signatures before a
 *    redeem script) is left underived rather than guessed.
 *
 * Never throws for any bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeOutputScript, hash160, pubkeyLength, readPush, type BitcoinNetwork } from './bitcoinScript';

export type InputAddressType = 'p2pkh' | 'p2wpkh' | 'p2sh-p2wpkh' | 'p2sh' | 'p2wsh';

export interface InputAddress {
  address: string;
  /** The type of the output this input spends. P2SH-wrapped P2WSH is reported as 'p2sh'. */
  type: InputAddressType;
  /** How the address was derived, for showing next to it (e.g. "hash160 of the public key in scriptSig"). */
  how: string;
}

const OP_0 = 0x00;
const OP_PUSHDATA4 = 0x4e;
const OP_1 = 0x51;
const OP_RESERVED = 0x50;
const OP_HASH160 = 0xa9;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_DUP = 0x76;
const OP_CHECKSIG = 0xac;
const OP_CHECKMULTISIGVERIFY = 0xaf;
/** BIP-342 tapscript leaf version, in the low-bit-cleared first byte of a control block. */
const TAPSCRIPT_LEAF = 0xc0;

const pushStart = new Int32Array(1);

/**
 * The data pushed by a push-only script, in order (OP_0 as an empty item, OP_1..OP_16 and
 * OP_1NEGATE as their one-byte number); null when the script has any other opcode or a push runs
 * past the end.
 */
function pushes(script: Uint8Array): Uint8Array[] | null {
  const items: Uint8Array[] = [];
  let pos = 0;
  while (pos < script.length) {
    const op = script[pos]!;
    const end = readPush(script, pos, pushStart);
    if (end < 0) return null;
    const start = pushStart[0]!;
    items.push(start === -2 ? Uint8Array.of(op >= OP_1 ? op - OP_1 + 1 : 0x81) : script.subarray(start, end));
    pos = end;
  }
  return items;
}

/**
 * Whether `script` reads as a script to completion (every push stays within it), and whether it
 * has a signature-checking opcode (OP_CHECKSIG … OP_CHECKMULTISIGVERIFY) outside pushed data.
 */
function scriptShape(script: Uint8Array): { parses: boolean; checksSignature: boolean } {
  let checksSignature = false;
  let pos = 0;
  while (pos < script.length) {
    const op = script[pos]!;
    if (op <= OP_PUSHDATA4) {
      const end = readPush(script, pos, pushStart);
      if (end < 0) return { parses: false, checksSignature };
      pos = end;
    } else {
      if (op >= OP_CHECKSIG && op <= OP_CHECKMULTISIGVERIFY) checksSignature = true;
      pos++;
    }
  }
  return { parses: true, checksSignature };
}

/** A DER-encoded ECDSA signature plus sighash byte: 0x30, 9..73 bytes (Core's IsValidSignatureEncoding bounds). */
function isEcdsaSignature(item: Uint8Array): boolean {
  return item.length >= 9 && item.length <= 73 && item[0] === 0x30;
}

/** 02/03 + 32 bytes, or 04 (06/07 hybrid) + 64 bytes, as `decodeOutputScript` accepts in P2PK. */
function isPublicKey(item: Uint8Array): boolean {
  return item.length > 0 && pubkeyLength(item[0]!) === item.length;
}

function isCompressedKey(item: Uint8Array): boolean {
  return item.length === 33 && (item[0] === 0x02 || item[0] === 0x03);
}

/** A v0 witness program script (OP_0 <20 or 32 bytes>): the redeem script of nested segwit. */
function isV0Program(script: Uint8Array, programLength: 20 | 32): boolean {
  return script.length === programLength + 2 && script[0] === OP_0 && script[1] === programLength;
}

/** The address of a locking script we build ourselves (always a standard template). */
function addressOf(lockingScript: Uint8Array, net: BitcoinNetwork): string {
  return decodeOutputScript(lockingScript, net).addresses[0]!;
}

function p2pkhScript(keyHash: Uint8Array): Uint8Array {
  return Uint8Array.from([OP_DUP, OP_HASH160, 20, ...keyHash, OP_EQUALVERIFY, OP_CHECKSIG]);
}

function p2shScript(scriptHash: Uint8Array): Uint8Array {
  return Uint8Array.from([OP_HASH160, 20, ...scriptHash, OP_EQUAL]);
}

function v0Script(program: Uint8Array): Uint8Array {
  return Uint8Array.from([OP_0, program.length, ...program]);
}

/** A short name for a redeem or witness script, for `how`. */
function scriptKind(script: Uint8Array, net: BitcoinNetwork): string {
  const decoded = decodeOutputScript(script, net);
  if (decoded.type === 'multisig') return `${decoded.required}-of-${decoded.addresses.length} multisig`;
  if (decoded.type === 'p2wsh') return 'P2WSH';
  if (decoded.type === 'p2pk') return 'pay-to-pubkey';
  return 'custom';
}

/**
 * Whether a witness is a taproot spend: one 64/65-byte Schnorr signature (key path), or a last
 * item that is an annex (0x50…) or a control block (33 + 32·m bytes, tapscript leaf version).
 * No P2WSH witness looks like this: a witness script starting with OP_RESERVED or 0xc0/0xc1
 * fails as soon as it runs.
 */
function isTaprootWitness(witness: readonly Uint8Array[]): boolean {
  if (witness.length === 1) return witness[0]!.length === 64 || witness[0]!.length === 65;
  const last = witness[witness.length - 1]!;
  if (last[0] === OP_RESERVED) return true;
  const m = (last.length - 33) / 32;
  return Number.isInteger(m) && m >= 0 && m <= 128 && (last[0]! & 0xfe) === TAPSCRIPT_LEAF;
}

/** Native segwit: empty scriptSig. P2WPKH when the witness is [signature, compressed key], else P2WSH. */
function fromWitness(witness: readonly Uint8Array[], net: BitcoinNetwork): InputAddress | null {
  if (witness.length === 0 || isTaprootWitness(witness)) return null;
  if (witness.length === 2 && isEcdsaSignature(witness[0]!) && isCompressedKey(witness[1]!)) {
    return { address: addressOf(v0Script(hash160(witness[1]!)), net), type: 'p2wpkh', how: 'hash160 of the public key in the witness' };
  }
  const witnessScript = witness[witness.length - 1]!;
  // [signature, uncompressed key] is a P2WPKH spend that policy forbids (BIP 143), not a witness script.
  if (witnessScript.length === 0 || isPublicKey(witnessScript) || isEcdsaSignature(witnessScript)) return null;
  if (!scriptShape(witnessScript).parses) return null;
  return {
    address: addressOf(v0Script(sha256(witnessScript)), net),
    type: 'p2wsh',
    how: `sha256 of the ${scriptKind(witnessScript, net)} witness script`,
  };
}

/**
 * Legacy and nested-segwit spends, from the scriptSig's pushes: [signature, key] is P2PKH; a last
 * push that is a redeem script is P2SH. A redeem script is a v0 witness program pushed alone
 * (nested segwit), or a script that checks signatures after pushes that are all signatures, keys
 * (a redeem script may check a key the spender supplies, `<data> OP_DROP OP_DUP OP_HASH160 …`) or
 * OP_0 (multisig's dummy). A P2PKH, P2PK or bare multisig scriptSig ends in a key or signature
 * instead, which is never taken for a redeem script.
 */
function fromScriptSig(items: Uint8Array[], hasWitness: boolean, net: BitcoinNetwork): InputAddress | null {
  const last = items[items.length - 1];
  if (!last) return null;
  if (items.length === 1 && isV0Program(last, 20)) {
    return { address: addressOf(p2shScript(hash160(last)), net), type: 'p2sh-p2wpkh', how: 'hash160 of the P2WPKH redeem script in scriptSig' };
  }
  if (items.length === 1 && isV0Program(last, 32)) {
    return { address: addressOf(p2shScript(hash160(last)), net), type: 'p2sh', how: 'hash160 of the P2WSH redeem script in scriptSig' };
  }
  // A legacy spend carries no witness (consensus rejects one it does not use).
  if (hasWitness) return null;
  if (items.length === 2 && isEcdsaSignature(items[0]!) && isPublicKey(last)) {
    return { address: addressOf(p2pkhScript(hash160(last)), net), type: 'p2pkh', how: 'hash160 of the public key in scriptSig' };
  }
  if (isPublicKey(last) || isEcdsaSignature(last)) return null;
  for (let i = 0; i < items.length - 1; i++) {
    const item = items[i]!;
    if (item.length !== 0 && !isEcdsaSignature(item) && !isPublicKey(item)) return null;
  }
  const shape = scriptShape(last);
  if (!shape.parses || !shape.checksSignature) return null;
  return {
    address: addressOf(p2shScript(hash160(last)), net),
    type: 'p2sh',
    how: `hash160 of the ${scriptKind(last, net)} redeem script in scriptSig`,
  };
}

/**
 * The address of the output an input spends, derived from its unlocking data alone, or null when
 * that data does not determine it (see the module comment). `network` gives the address prefixes
 * (see `networkForChain`). Not for a coinbase input: its scriptSig is free-form data, not an
 * unlocking script.
 */
export function addressFromInput(
  scriptSig: Uint8Array,
  witness: readonly Uint8Array[],
  network: BitcoinNetwork,
): InputAddress | null {
  if (scriptSig.length === 0) return fromWitness(witness, network);
  const items = pushes(scriptSig);
  if (!items) return null;
  return fromScriptSig(items, witness.length > 0, network);
}
