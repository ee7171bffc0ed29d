import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from './hex';

const base58check = createBase58check(sha256);

/** Tron addresses are base58check of 0x41 followed by the 20-byte account id. */
export function tronToBase58(hex41: string): string {
  const h = hex41.toLowerCase().replace(/^0x/, '');
  const body = h.length === 40 ? '41' + h : h;
  if (!/^41[0-9a-f]{40}$/.test(body)) throw new Error(`not a Tron hex address: "${hex41.slice(0, 80)}"`);
  return base58check.encode(hexToBytes(body));
}

export function tronToHex(base58: string): string {
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(base58);
  } catch {
    throw new Error(`not a Tron address: "${base58.slice(0, 80)}" fails its base58 checksum`);
  }
  if (bytes.length !== 21 || bytes[0] !== 0x41) throw new Error(`not a Tron address: "${base58.slice(0, 80)}"`);
  return bytesToHex(bytes);
}

/** Canonical stored form of a Tron address is its base58 `T…` form; hex `41…` and `0x…` input is converted. */
export function canonicalTronAddress(input: string): string {
  const text = input.trim();
  if (/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(text)) {
    tronToHex(text);
    return text;
  }
  if (/^(0x)?(41)?[0-9a-fA-F]{40}$/.test(text)) return tronToBase58(text);
  throw new Error(`not a Tron address: expected T… base58 or 41… hex, found "${text.slice(0, 80)}"`);
}
