/**
 * Bitcoin Cash CashAddr (`bitcoincash:q…` / `p…`), the form BCH wallets and explorers show since
 * 2018. It reuses bech32's alphabet with its own 40-bit BCH checksum over the prefix and payload;
 * the payload is a version byte (type and hash size) and the hash. Legacy base58 addresses carry
 * the same hash, so both forms of one address convert to one stored form.
 * Specification: github.com/bitcoincashorg/bitcoincash.org/blob/master/spec/cashaddr.md
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHAR_VALUE: Record<string, number> = Object.fromEntries([...CHARSET].map((c, i) => [c, i]));

export const CASHADDR_PREFIX = 'bitcoincash';

const GENERATORS = [0x98f2bc8e61n, 0x79b76d99e2n, 0xf33e5fb3c4n, 0xae2eabe2a8n, 0x1e4f43e470n];

function polymod(values: readonly number[]): bigint {
  let c = 1n;
  for (const d of values) {
    const c0 = c >> 35n;
    c = ((c & 0x07ffffffffn) << 5n) ^ BigInt(d);
    for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) c ^= GENERATORS[i]!;
  }
  return c ^ 1n;
}

function prefixValues(prefix: string): number[] {
  return [...prefix].map((ch) => ch.charCodeAt(0) & 0x1f).concat(0);
}

/** Regroups bits (5 → 8 or 8 → 5); `pad` as for encoding, strict zero padding when decoding. */
function convertBits(data: readonly number[], from: number, to: number, pad: boolean): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & max);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & max);
  } else if (bits >= from || (acc << (to - bits)) & max) {
    return null;
  }
  return out;
}

export type CashAddrType = 'p2pkh' | 'p2sh';

export interface CashAddr {
  type: CashAddrType;
  hash: Uint8Array;
}

/** Hash sizes in bits, indexed by the version byte's low three bits. */
const HASH_BITS = [160, 192, 224, 256, 320, 384, 448, 512];

/**
 * Decodes a CashAddr with or without its `bitcoincash:` prefix, in one case throughout.
 * Throws an Error saying what is wrong (checksum, case, characters, version).
 */
export function decodeCashAddr(input: string): CashAddr {
  const text = input.trim();
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw new Error('mixes upper and lower case');
  const lower = text.toLowerCase();
  const colon = lower.indexOf(':');
  const prefix = colon < 0 ? CASHADDR_PREFIX : lower.slice(0, colon);
  const body = colon < 0 ? lower : lower.slice(colon + 1);
  if (prefix !== CASHADDR_PREFIX) throw new Error(`has the prefix "${prefix}", not "${CASHADDR_PREFIX}"`);
  const values: number[] = [];
  for (const ch of body) {
    const v = CHAR_VALUE[ch];
    if (v === undefined) throw new Error(`has a character CashAddr does not use ("${ch}")`);
    values.push(v);
  }
  if (values.length < 8 + 34) throw new Error('is too short for a CashAddr');
  if (polymod([...prefixValues(prefix), ...values]) !== 0n) throw new Error('fails its CashAddr checksum (a mistyped character?)');
  const bytes = convertBits(values.slice(0, -8), 5, 8, false);
  if (!bytes || bytes.length < 1) throw new Error('has a malformed CashAddr payload');
  const version = bytes[0]!;
  if (version & 0x80) throw new Error('has a reserved CashAddr version bit set');
  const typeBits = (version >> 3) & 0x0f;
  const hash = Uint8Array.from(bytes.slice(1));
  if (hash.length * 8 !== HASH_BITS[version & 0x07]) throw new Error('has a hash whose size does not match its CashAddr version');
  if (typeBits !== 0 && typeBits !== 1) throw new Error(`has an unknown CashAddr type ${typeBits}`);
  return { type: typeBits === 0 ? 'p2pkh' : 'p2sh', hash };
}

/** Encodes a 20-byte hash as `bitcoincash:q…` (P2PKH) or `bitcoincash:p…` (P2SH), lower case. */
export function encodeCashAddr(type: CashAddrType, hash: Uint8Array): string {
  const sizeBits = HASH_BITS.indexOf(hash.length * 8);
  if (sizeBits < 0) throw new Error(`a CashAddr hash cannot be ${hash.length} bytes`);
  const version = ((type === 'p2pkh' ? 0 : 1) << 3) | sizeBits;
  const payload = convertBits([version, ...hash], 8, 5, true)!;
  const mod = polymod([...prefixValues(CASHADDR_PREFIX), ...payload, 0, 0, 0, 0, 0, 0, 0, 0]);
  const checksum: number[] = [];
  for (let i = 0; i < 8; i++) checksum.push(Number((mod >> BigInt(5 * (7 - i))) & 0x1fn));
  return `${CASHADDR_PREFIX}:${[...payload, ...checksum].map((v) => CHARSET[v]).join('')}`;
}

/** Whether text has CashAddr's shape (prefix optional, q/p type letter, 42 characters for a 20-byte hash); the checksum is not judged. */
export function looksLikeCashAddr(input: string): boolean {
  const text = input.trim();
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return false;
  return /^(bitcoincash:)?[qp][qpzry9x8gf2tvdw0s3jn54khce6mua7l]{41}$/.test(text.toLowerCase());
}
