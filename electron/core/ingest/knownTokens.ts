/**
 * Decimals of common tokens, keyed by chain and contract: an Etherscan-family token export gives
 * amounts in whole units, and converting them to base units exactly needs the token's decimals,
 * which the export does not carry; and a token transfer imported without a tokens file still
 * shows the right symbol and decimals for these. The same symbol can have other decimals on another chain
 * (USDT and USDC have 6 on Ethereum but 18 on BNB Smart Chain), so the key is never the symbol.
 * Every entry is the token contract's own `decimals()`.
 */
const KNOWN: Readonly<Record<string, Readonly<Record<string, { symbol: string; decimals: number }>>>> = {
  // Ethereum
  'eip155:1': {
    '0xdac17f958d2ee523a2206206994597c13d831ec7': { symbol: 'USDT', decimals: 6 },
    '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': { symbol: 'USDC', decimals: 6 },
    '0x6b175474e89094c44da98b954eedeac495271d0f': { symbol: 'DAI', decimals: 18 },
    '0x2260fac5e5542a773aa44fbcfedf7c193bc2c599': { symbol: 'WBTC', decimals: 8 },
    '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2': { symbol: 'WETH', decimals: 18 },
  },
  // BNB Smart Chain (Binance-Peg tokens: 18 decimals)
  'eip155:56': {
    '0x55d398326f99059ff775485246999027b3197955': { symbol: 'USDT', decimals: 18 },
    '0x8ac76a51cc950d9822d68b83fe1ad97b32cd580d': { symbol: 'USDC', decimals: 18 },
    '0x1af3f329e8be154074d8769d1ffa4ee058b1dbc3': { symbol: 'DAI', decimals: 18 },
    '0x7130d2a12b9bcbfae4f2634d864a1ee1ce3ead9c': { symbol: 'BTCB', decimals: 18 },
    '0x2170ed0880ac9a755fd29b2688956bd959f933f8': { symbol: 'ETH', decimals: 18 },
    '0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c': { symbol: 'WBNB', decimals: 18 },
  },
  // Polygon PoS
  'eip155:137': {
    '0xc2132d05d31c914a87c6611c10748aeb04b58e8f': { symbol: 'USDT', decimals: 6 },
    '0x3c499c542cef5e3811e1192ce70d8cc03d5c3359': { symbol: 'USDC', decimals: 6 },
    '0x2791bca1f2de4661ed88a30c99a7a9449aa84174': { symbol: 'USDC.e', decimals: 6 },
    '0x8f3cf7ad23cd3cadbd9735aff958023239c6a063': { symbol: 'DAI', decimals: 18 },
    '0x1bfd67037b42cf73acf2047067bd4f2c47d9bfd6': { symbol: 'WBTC', decimals: 8 },
    '0x7ceb23fd6bc0add59e62ac25578270cff1b9f619': { symbol: 'WETH', decimals: 18 },
    '0x0d500b1d8e8ef31e21c99d1db9a6444d3adf1270': { symbol: 'WMATIC', decimals: 18 },
  },
  // Avalanche C-Chain
  'eip155:43114': {
    '0x9702230a8ea53601f5cd2dc00fdbc13d4df4a8c7': { symbol: 'USDt', decimals: 6 },
    '0xb97ef9ef8734c71904d8002f8b6bc66dd9c48a6e': { symbol: 'USDC', decimals: 6 },
    '0xd586e7f844cea2f87f50152665bcbc2c279d8d70': { symbol: 'DAI.e', decimals: 18 },
    '0x50b7545627a5162f82a992c33b87adc75187b52b': { symbol: 'WBTC.e', decimals: 8 },
    '0x49d5c2bdffac6ce2bfdb6640f4f80f226bc10bab': { symbol: 'WETH.e', decimals: 18 },
    '0xb31f66aa3c1e785363f0875a1b74e27b85fd66c7': { symbol: 'WAVAX', decimals: 18 },
  },
  // Arbitrum One
  'eip155:42161': {
    '0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9': { symbol: 'USDT', decimals: 6 },
    '0xaf88d065e77c8cc2239327c5edb3a432268e5831': { symbol: 'USDC', decimals: 6 },
    '0xff970a61a04b1ca14834a43f5de4533ebddb5cc8': { symbol: 'USDC.e', decimals: 6 },
    '0xda10009cbd5d07dd0cecc66161fc93d7c9000da1': { symbol: 'DAI', decimals: 18 },
    '0x2f2a2543b76a4166549f7aab2e75bef0aefc5b0f': { symbol: 'WBTC', decimals: 8 },
    '0x82af49447d8a07e3bd95bd0d56f35241523fbab1': { symbol: 'WETH', decimals: 18 },
  },
  // Tron (contracts in their canonical base58 form)
  'tron:0x2b6653dc': {
    TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t: { symbol: 'USDT', decimals: 6 },
  },
};

/** A well-known token's symbol and decimals on a chain (contract in its canonical form), or null. */
export function knownToken(chain: string, contract: string): { symbol: string; decimals: number } | null {
  return KNOWN[chain]?.[contract] ?? null;
}

/** The decimals of a well-known token on a chain (contract lower-case), or null when it is not listed. */
export function knownTokenDecimals(chain: string, contract: string): number | null {
  return KNOWN[chain]?.[contract]?.decimals ?? null;
}
