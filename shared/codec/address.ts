import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { resolveChain, type ChainInfo } from '../model/chains';
import { CASHADDR_PREFIX, decodeCashAddr, encodeCashAddr, looksLikeCashAddr } from './cashaddr';
import { canonicalEvmAddress, canonicalTxHash, toChecksumAddress } from './evm';
import { isLowerHex } from './hex';
import { canonicalTronAddress } from './tron';

const base58check = createBase58check(sha256);

const BTC = 'bip122:000000000019d6689c085ae165831e93';
const LTC = 'bip122:12a765e31ffd4059bada1e25190f6e98';
const BCH = 'bip122:000000000000000000651ef99cb9fcbe';
const ZEC = 'bip122:00040fe8ec8471911baa1db1266ea15d';
const TEST_NETS = ['bip122:000000000933ea01ad0ee984209779ba', 'bip122:00000000da84f2bafbbc53dee25a72ae', 'bip122:00000008819873e925422c1ff0f99f7c', 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328'];

const UTXO_HRP: Record<string, string> = {
  [BTC]: 'bc',
  'bip122:000000000933ea01ad0ee984209779ba': 'tb',
  'bip122:00000000da84f2bafbbc53dee25a72ae': 'tb',
  'bip122:00000008819873e925422c1ff0f99f7c': 'tb',
  'bip122:0f9188f13cb7b2c71f2a335e3a4fc328': 'bcrt',
  [LTC]: 'ltc',
};

/**
 * Base58check version prefixes (P2PKH, P2SH) each chain's addresses use, so that a valid address
 * of another chain (a Tron `T…` in a Bitcoin list, a Litecoin `L…`) is not taken for this one.
 * Litecoin still accepts its old P2SH `3…`; Zcash's prefixes are two bytes (t1…, t3…).
 */
const BASE58_VERSIONS: Record<string, readonly (readonly number[])[]> = {
  [BTC]: [[0x00], [0x05]],
  ...Object.fromEntries(TEST_NETS.map((id) => [id, [[0x6f], [0xc4]]])),
  [LTC]: [[0x30], [0x32], [0x05]],
  [BCH]: [[0x00], [0x05]],
  [ZEC]: [[0x1c, 0xb8], [0x1c, 0xbd]],
};

const hex = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** The base58check version prefix of `payload` among the chain's, or null when it uses none of them. */
function base58Version(chainId: string, payload: Uint8Array): readonly number[] | null {
  for (const v of BASE58_VERSIONS[chainId] ?? []) {
    if (payload.length === v.length + 20 && v.every((b, i) => payload[i] === b)) return v;
  }
  return null;
}

function canonicalUtxoAddress(chain: ChainInfo, text: string): string {
  const hrp = UTXO_HRP[chain.id];
  const lower = text.toLowerCase();
  if (hrp && lower.startsWith(hrp + '1')) {
    for (const codec of [bech32, bech32m]) {
      try {
        const decoded = codec.decode(lower as `${string}1${string}`);
        if (decoded.prefix === hrp) return lower;
      } catch {
        // try the other checksum constant
      }
    }
    throw new Error(`not a ${chain.name} address: "${text}" fails its bech32 checksum`);
  }
  if (chain.id === BCH && (lower.startsWith(CASHADDR_PREFIX + ':') || looksLikeCashAddr(text))) {
    try {
      const decoded = decodeCashAddr(text);
      return encodeCashAddr(decoded.type, decoded.hash);
    } catch (e) {
      throw new Error(`not a ${chain.name} address: "${text.slice(0, 80)}" ${(e as Error).message}`);
    }
  }
  if (chain.id === ZEC && /^(zs1|u1|zc)/.test(lower)) {
    throw new Error(`not a transparent ${chain.name} address: "${text.slice(0, 80)}" is shielded; only t1…/t3… addresses can be traced`);
  }
  let payload: Uint8Array;
  try {
    payload = base58check.decode(text);
  } catch {
    // Base58 characters with a checksum that fails are a typo, not another kind of address.
    const why = /^[1-9A-HJ-NP-Za-km-z]{25,36}$/.test(text)
      ? 'fails its base58check checksum (a mistyped character?)'
      : `is neither base58check nor ${chain.id === BCH ? 'CashAddr' : 'bech32'}`;
    throw new Error(`not a ${chain.name} address: "${text.slice(0, 80)}" ${why}`);
  }
  const version = base58Version(chain.id, payload);
  if (!version && BASE58_VERSIONS[chain.id]) {
    const why =
      payload.length === 21 || payload.length === 22
        ? `is base58check with version 0x${hex([...payload.slice(0, payload.length - 20)])}, which ${chain.name} addresses do not use`
        : `is base58check of ${payload.length} bytes, not a version and a 20-byte hash`;
    throw new Error(`not a ${chain.name} address: "${text.slice(0, 80)}" ${why}`);
  }
  // One Bitcoin Cash address, one stored form: legacy base58 becomes its CashAddr.
  if (chain.id === BCH && version) return encodeCashAddr(version[0] === 0x00 ? 'p2pkh' : 'p2sh', payload.slice(1));
  return text;
}

/** Canonical stored form of an address on a chain. Throws an Error saying what was wrong. */
export function canonicalAddress(chainId: string, input: string): string {
  const chain = resolveChain(chainId);
  const text = input.trim();
  switch (chain.family) {
    case 'evm':
      return canonicalEvmAddress(text);
    case 'tron':
      return canonicalTronAddress(text);
    case 'utxo':
      return canonicalUtxoAddress(chain, text);
  }
}

/** The chain's usual display form: EIP-55 for EVM, base58 for Tron, as stored for UTXO chains. */
export function displayAddress(chainId: string, canonical: string): string {
  const chain = resolveChain(chainId);
  if (chain.family === 'evm' && /^0x[0-9a-f]{40}$/.test(canonical)) return toChecksumAddress(canonical);
  return canonical;
}

/** A short form for graph labels: 0x1B63…62ca */
export function shortAddress(display: string): string {
  if (display.length <= 14) return display;
  const head = display.startsWith('0x') ? 6 : 5;
  return `${display.slice(0, head)}…${display.slice(-4)}`;
}

/** CAIP-10 account id, used in exports: eip155:1:0xabc… */
export function caip10(chainId: string, canonical: string): string {
  return `${chainId}:${canonical}`;
}

/**
 * Canonical stored form of a transaction hash on a chain: EVM `0x` + 64 lower-case hex; Tron
 * and UTXO chains 64 lower-case hex, as their explorers show them (a `0x` prefix is accepted on
 * Tron, where JSON-RPC and some exports add it).
 */
export function canonicalTxHashFor(chainId: string, input: string): string {
  const chain = resolveChain(chainId);
  if (chain.family === 'evm') return canonicalTxHash(input);
  if (isLowerHex(input, '', 64)) return input;
  const text = input.trim().toLowerCase();
  const bare = chain.family === 'tron' ? text.replace(/^0x/, '') : text;
  if (!/^[0-9a-f]{64}$/.test(bare)) throw new Error(`not a transaction id: expected 64 hex digits, found "${input.slice(0, 80)}"`);
  return bare;
}
