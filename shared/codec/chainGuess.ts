import { base58, bech32, bech32m } from '@scure/base';
import { CHAINS, resolveChain, type ChainFamily } from '../model/chains';
import { looksLikeCashAddr } from './cashaddr';

/**
 * Which chain an address belongs to, from its form alone: the bech32 prefix or base58 version
 * byte of Bitcoin and Litecoin, Bitcoin Cash's CashAddr, Zcash's `t1…`/`t3…`, Tron's `T…` and
 * `41…`, EVM's `0x` and 40 hex digits. A form can fit several chains (any EVM chain; testnet3,
 * testnet4 and signet share `tb1`), so the guess lists them, most likely first, and the caller
 * asks only then. The form is judged, not the checksum: canonicalAddress says whether the
 * address itself is valid. Bitcoin Cash's legacy `1…`/`3…` form is Bitcoin's and is guessed as
 * Bitcoin; only its CashAddr names Bitcoin Cash.
 */
export interface ChainGuess {
  /** CAIP-2 ids of the chains the form fits, the most likely first. */
  readonly chains: readonly string[];
  readonly family: ChainFamily;
  /** The form in words, e.g. "Bitcoin bech32 address (P2WPKH)". */
  readonly form: string;
}

const BTC = 'bip122:000000000019d6689c085ae165831e93';
const TESTNET3 = 'bip122:000000000933ea01ad0ee984209779ba';
const TESTNET4 = 'bip122:00000000da84f2bafbbc53dee25a72ae';
const SIGNET = 'bip122:00000008819873e925422c1ff0f99f7c';
const REGTEST = 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328';
const LTC = 'bip122:12a765e31ffd4059bada1e25190f6e98';
const BCH = 'bip122:000000000000000000651ef99cb9fcbe';
const ZEC = 'bip122:00040fe8ec8471911baa1db1266ea15d';
const TRON = 'tron:0x2b6653dc';
const EVM_CHAINS = CHAINS.filter((c) => c.family === 'evm').map((c) => c.id);

/** Segwit prefixes (BIP 173, SLIP 173). The test networks share theirs, so the form cannot tell them apart. */
const BECH32_HRP: Record<string, { chains: string[]; name: string }> = {
  bc: { chains: [BTC], name: 'Bitcoin' },
  tb: { chains: [TESTNET3, TESTNET4, SIGNET], name: 'Bitcoin test network' },
  bcrt: { chains: [REGTEST], name: 'Bitcoin regtest' },
  ltc: { chains: [LTC], name: 'Litecoin' },
};

/**
 * Base58check version bytes. Bitcoin's test networks and regtest share theirs; Litecoin's old
 * P2SH addresses (`3…`) share Bitcoin's, which is far more common, so Bitcoin comes first.
 */
const BASE58_VERSION: Record<number, { chains: string[]; name: string; type: string }> = {
  0x00: { chains: [BTC], name: 'Bitcoin', type: 'P2PKH' },
  0x05: { chains: [BTC, LTC], name: 'Bitcoin', type: 'P2SH' },
  0x6f: { chains: [TESTNET3, TESTNET4, SIGNET, REGTEST], name: 'Bitcoin test network', type: 'P2PKH' },
  0xc4: { chains: [TESTNET3, TESTNET4, SIGNET, REGTEST], name: 'Bitcoin test network', type: 'P2SH' },
  0x30: { chains: [LTC], name: 'Litecoin', type: 'P2PKH' },
  0x32: { chains: [LTC], name: 'Litecoin', type: 'P2SH' },
};

const BECH32_CHARS = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+$/;
const BASE58_CHARS = /^[1-9A-HJ-NP-Za-km-z]+$/;

function segwitType(lower: string): string {
  for (const codec of [bech32, bech32m]) {
    const decoded = codec.decodeUnsafe(lower, 90);
    if (!decoded || decoded.words.length === 0) continue;
    const version = decoded.words[0]!;
    const program = codec.fromWordsUnsafe(decoded.words.slice(1));
    const size = program?.length ?? 0;
    if (version === 0 && size === 20) return 'P2WPKH';
    if (version === 0 && size === 32) return 'P2WSH';
    if (version === 1 && size === 32) return 'P2TR';
    return `segwit v${version}`;
  }
  return 'checksum not valid';
}

function guessBech32(text: string): ChainGuess | null {
  // Bech32 is all lower or all upper case, never mixed.
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return null;
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || lower.length - sep < 7) return null;
  const known = BECH32_HRP[lower.slice(0, sep)];
  if (!known || !BECH32_CHARS.test(lower.slice(sep + 1))) return null;
  return { chains: known.chains, family: 'utxo', form: `${known.name} bech32 address (${segwitType(lower)})` };
}

function guessBase58(text: string): ChainGuess | null {
  if (!BASE58_CHARS.test(text) || text.length < 25 || text.length > 36) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(text);
  } catch {
    return null;
  }
  // Zcash transparent addresses have a two-byte version (t1… P2PKH, t3… P2SH).
  if (bytes.length === 26 && bytes[0] === 0x1c && (bytes[1] === 0xb8 || bytes[1] === 0xbd)) {
    return { chains: [ZEC], family: 'utxo', form: `Zcash transparent address (${bytes[1] === 0xb8 ? 'P2PKH' : 'P2SH'})` };
  }
  // A version byte, a 20-byte hash and a 4-byte checksum.
  if (bytes.length !== 25) return null;
  if (bytes[0] === 0x41) return { chains: [TRON], family: 'tron', form: 'Tron base58 address' };
  const known = BASE58_VERSION[bytes[0]!];
  if (!known) return null;
  return { chains: known.chains, family: 'utxo', form: `${known.name} base58 address (${known.type})` };
}

/** The chains an address's form fits, or null when Cairn knows no chain with that form. */
export function guessAddressChains(input: string): ChainGuess | null {
  const text = input.trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return { chains: EVM_CHAINS, family: 'evm', form: 'EVM address (0x and 40 hex digits)' };
  if (/^(0x)?41[0-9a-fA-F]{40}$/.test(text)) return { chains: [TRON], family: 'tron', form: 'Tron hex address (41…)' };
  if (looksLikeCashAddr(text)) {
    const type = text.toLowerCase().replace(/^bitcoincash:/, '')[0] === 'q' ? 'P2PKH' : 'P2SH';
    return { chains: [BCH], family: 'utxo', form: `Bitcoin Cash CashAddr (${type})` };
  }
  return guessBech32(text) ?? guessBase58(text);
}

/** Whether a chain fits a guess; any EVM chain fits an EVM address, also one Cairn has no name for. */
export function chainFitsGuess(guess: ChainGuess, chainId: string): boolean {
  if (guess.chains.includes(chainId)) return true;
  if (guess.family !== 'evm') return false;
  try {
    return resolveChain(chainId).family === 'evm';
  } catch {
    return false;
  }
}

/**
 * The chain to take for an address: the first preferred chain that fits (the chains the case
 * already uses, say), otherwise the form's most likely chain (Ethereum for an EVM address).
 */
export function pickGuessedChain(guess: ChainGuess, preferred: readonly string[] = []): string {
  return preferred.find((c) => chainFitsGuess(guess, c)) ?? guess.chains[0]!;
}
