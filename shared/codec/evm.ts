import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, isLowerHex } from './hex';

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Canonical stored form of an EVM address: 0x + 40 lower-case hex digits. */
export function canonicalEvmAddress(input: string): string {
  if (isLowerHex(input, '0x', 40)) return input;
  const text = input.trim();
  if (!EVM_ADDRESS.test(text)) {
    throw new Error(`not an EVM address: expected 0x and 40 hex digits, found "${text.slice(0, 80)}"`);
  }
  // A mixed-case address carries an EIP-55 checksum; a wrong one means a typo, so refuse it.
  const body = text.slice(2);
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && toChecksumAddress(text) !== text) {
    throw new Error(`EVM address "${text}" fails its EIP-55 checksum (a mistyped character?)`);
  }
  return '0x' + body.toLowerCase();
}

/** EIP-55 mixed-case checksum form, as block explorers and wallets show it. */
export function toChecksumAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, '');
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out;
}

/** 0x-prefixed 32-byte hash, lower-case. */
export function canonicalTxHash(input: string): string {
  if (isLowerHex(input, '0x', 64)) return input;
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new Error(`not a transaction hash: expected 0x and 64 hex digits, found "${text.slice(0, 80)}"`);
  }
  return text.toLowerCase();
}
