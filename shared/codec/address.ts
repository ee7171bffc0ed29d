import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { resolveChain, type ChainInfo } from '../model/chains';
import { canonicalEvmAddress, canonicalTxHash, toChecksumAddress } from './evm';
import { canonicalTronAddress } from './tron';

const base58check = createBase58check(sha256);

const UTXO_HRP: Record<string, string> = {
  'bip122:000000000019d6689c085ae165831e93': 'bc',
  'bip122:000000000933ea01ad0ee984209779ba': 'tb',
  'bip122:00000000da84f2bafbbc53dee25a72ae': 'tb',
  'bip122:00000008819873e925422c1ff0f99f7c': 'tb',
  'bip122:0f9188f13cb7b2c71f2a335e3a4fc328': 'bcrt',
  'bip122:12a765e31ffd4059bada1e25190f6e98': 'ltc',
};

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
  try {
    base58check.decode(text);
    return text;
  } catch {
    // Base58 characters with a checksum that fails are a typo, not another kind of address.
    const why = /^[1-9A-HJ-NP-Za-km-z]{25,36}$/.test(text) ? 'fails its base58check checksum (a mistyped character?)' : 'is neither base58check nor bech32';
    throw new Error(`not a ${chain.name} address: "${text.slice(0, 80)}" ${why}`);
  }
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
  const text = input.trim().toLowerCase();
  const bare = chain.family === 'tron' ? text.replace(/^0x/, '') : text;
  if (!/^[0-9a-f]{64}$/.test(bare)) throw new Error(`not a transaction id: expected 64 hex digits, found "${input.slice(0, 80)}"`);
  return bare;
}
