/**
 * Chains are named by CAIP-2 ids. The registry holds the chains Cairn knows by name;
 * any well-formed `eip155:<n>` id is accepted as a generic EVM chain so that an
 * investigator is never blocked by a chain we have not listed.
 */
export type ChainFamily = 'evm' | 'tron' | 'utxo';

export interface ChainInfo {
  /** CAIP-2 id, e.g. `eip155:1`. */
  readonly id: string;
  readonly name: string;
  readonly family: ChainFamily;
  readonly nativeSymbol: string;
  readonly nativeDecimals: number;
  readonly aliases: readonly string[];
}

export const CHAINS: readonly ChainInfo[] = [
  { id: 'eip155:1', name: 'Ethereum', family: 'evm', nativeSymbol: 'ETH', nativeDecimals: 18, aliases: ['eth', 'ethereum'] },
  { id: 'eip155:56', name: 'BNB Smart Chain', family: 'evm', nativeSymbol: 'BNB', nativeDecimals: 18, aliases: ['bsc', 'bnb'] },
  { id: 'eip155:137', name: 'Polygon PoS', family: 'evm', nativeSymbol: 'POL', nativeDecimals: 18, aliases: ['polygon', 'matic'] },
  { id: 'eip155:43114', name: 'Avalanche C-Chain', family: 'evm', nativeSymbol: 'AVAX', nativeDecimals: 18, aliases: ['avax', 'avalanche'] },
  { id: 'eip155:42161', name: 'Arbitrum One', family: 'evm', nativeSymbol: 'ETH', nativeDecimals: 18, aliases: ['arb', 'arbitrum'] },
  { id: 'eip155:10', name: 'OP Mainnet', family: 'evm', nativeSymbol: 'ETH', nativeDecimals: 18, aliases: ['op', 'optimism'] },
  { id: 'eip155:8453', name: 'Base', family: 'evm', nativeSymbol: 'ETH', nativeDecimals: 18, aliases: ['base'] },
  // Tron's CAIP-2 reference is the tail of its genesis block hash, as used by WalletConnect.
  { id: 'tron:0x2b6653dc', name: 'Tron', family: 'tron', nativeSymbol: 'TRX', nativeDecimals: 6, aliases: ['tron', 'trx'] },
  // BIP-122 references are the first 32 hex chars of the genesis block hash.
  { id: 'bip122:000000000019d6689c085ae165831e93', name: 'Bitcoin', family: 'utxo', nativeSymbol: 'BTC', nativeDecimals: 8, aliases: ['btc', 'bitcoin'] },
  { id: 'bip122:000000000933ea01ad0ee984209779ba', name: 'Bitcoin testnet3', family: 'utxo', nativeSymbol: 'tBTC', nativeDecimals: 8, aliases: ['btc-testnet', 'testnet'] },
  { id: 'bip122:00000000da84f2bafbbc53dee25a72ae', name: 'Bitcoin testnet4', family: 'utxo', nativeSymbol: 'tBTC', nativeDecimals: 8, aliases: ['btc-testnet4', 'testnet4'] },
  { id: 'bip122:00000008819873e925422c1ff0f99f7c', name: 'Bitcoin signet', family: 'utxo', nativeSymbol: 'sBTC', nativeDecimals: 8, aliases: ['btc-signet', 'signet'] },
  { id: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328', name: 'Bitcoin regtest', family: 'utxo', nativeSymbol: 'rBTC', nativeDecimals: 8, aliases: ['btc-regtest', 'regtest'] },
  { id: 'bip122:12a765e31ffd4059bada1e25190f6e98', name: 'Litecoin', family: 'utxo', nativeSymbol: 'LTC', nativeDecimals: 8, aliases: ['ltc', 'litecoin'] },
  // Bitcoin Cash's reference is its first block after the 2017 fork (height 478559), as the CAIP bip122 namespace lists it.
  { id: 'bip122:000000000000000000651ef99cb9fcbe', name: 'Bitcoin Cash', family: 'utxo', nativeSymbol: 'BCH', nativeDecimals: 8, aliases: ['bch', 'bitcoin-cash'] },
  // Zcash: transparent (t1…/t3…) addresses only; shielded ones hide the flows Cairn traces.
  { id: 'bip122:00040fe8ec8471911baa1db1266ea15d', name: 'Zcash', family: 'utxo', nativeSymbol: 'ZEC', nativeDecimals: 8, aliases: ['zec', 'zcash'] },
];

export const DEFAULT_EVM_CHAIN = 'eip155:1';

const CAIP2 = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/;

export class UnknownChainError extends Error {
  constructor(readonly input: string) {
    super(
      `unknown chain "${input}": use a CAIP-2 id such as eip155:1, or one of ` +
        CHAINS.map((c) => c.aliases[0]).join(', '),
    );
    this.name = 'UnknownChainError';
  }
}

/** Resolves a CAIP-2 id or an alias (case-insensitive) to a chain. Throws UnknownChainError. */
export function resolveChain(input: string): ChainInfo {
  const key = input.trim();
  const lower = key.toLowerCase();
  const known = CHAINS.find((c) => c.id === key || c.aliases.includes(lower));
  if (known) return known;
  const evm = /^eip155:([1-9][0-9]{0,18})$/.exec(key);
  if (evm) {
    return { id: key, name: `EVM chain ${evm[1]}`, family: 'evm', nativeSymbol: 'NATIVE', nativeDecimals: 18, aliases: [] };
  }
  throw new UnknownChainError(input);
}

export function isCaip2(input: string): boolean {
  return CAIP2.test(input);
}
