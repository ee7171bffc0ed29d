import { resolveChain } from '../../shared/model/chains';
import { formatCount } from './text';

/**
 * Datasets and imports in words: the chain by name, the format, and what each count is
 * ("255 blocks read", "262 new transactions"), so no bare "rows read 0 / new facts 262" is
 * left for the investigator to decode.
 */

/** A chain's name (Ethereum, Tron, Bitcoin), or its id when Cairn has no name for it. */
export function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

/** What a dataset's format is, for people; tronetl writes ethereum-etl's shapes. */
export function formatName(format: string, chain?: string): string {
  switch (format) {
    case 'bitcoin-blocks':
      return 'Bitcoin blocks';
    case 'ethereum-etl-csv':
      return chain && chain.startsWith('tron:') ? 'tronetl export' : 'ethereum-etl export';
    case 'etherscan-csv':
      return 'block-explorer export';
    case 'evm-rpc':
      return 'pulled from a node';
    case 'cairn-bundle':
      return 'evidence from a case bundle';
    default:
      return format;
  }
}

interface KindWords {
  one: string;
  many: string;
  /** What a new one is, for tooltips. */
  meaning?: string;
}

// Kinds as import files name them, and as new facts are counted (a bundle counts store tables).
const KINDS: Record<string, KindWords> = {
  blocks: { one: 'block', many: 'blocks' },
  block: { one: 'block', many: 'blocks' },
  btc_block: { one: 'Bitcoin block', many: 'Bitcoin blocks' },
  btc_block_tx: { one: 'block–transaction link', many: 'block–transaction links' },
  transactions: { one: 'transaction', many: 'transactions' },
  tx: { one: 'transaction', many: 'transactions' },
  normal_transactions: { one: 'normal transaction', many: 'normal transactions' },
  internal_transactions: { one: 'internal transaction', many: 'internal transactions' },
  receipts: { one: 'receipt', many: 'receipts', meaning: 'transaction outcomes (success or failure) newly known; a pre-Byzantium receipt states none' },
  token_transfers: { one: 'token transfer', many: 'token transfers' },
  traces: { one: 'trace', many: 'traces', meaning: 'internal calls' },
  tokens: { one: 'token', many: 'tokens', meaning: 'token names, symbols and decimals' },
  contracts: { one: 'contract', many: 'contracts' },
  asset: { one: 'asset', many: 'assets' },
  transfers: { one: 'transfer', many: 'transfers', meaning: 'value moved from one address to another: what the graph sums' },
  transfer: { one: 'transfer', many: 'transfers', meaning: 'value moved from one address to another: what the graph sums' },
  outputs: { one: 'output', many: 'outputs' },
  txout: { one: 'output', many: 'outputs' },
  inputs: { one: 'input', many: 'inputs' },
  txin: { one: 'input', many: 'inputs' },
  addresses: { one: 'address', many: 'addresses', meaning: 'seen for the first time' },
  address: { one: 'address', many: 'addresses', meaning: 'seen for the first time' },
};

/** "1 block", "262 transactions", "3 token transfers". */
export function countOf(kind: string, n: number): string {
  const w = KINDS[kind];
  const noun = w ? (n === 1 ? w.one : w.many) : kind.replace(/_/g, ' ');
  return `${formatCount(n)} ${noun}`;
}

/** The kind's name in words, plural: "token transfers". */
export function kindName(kind: string): string {
  return KINDS[kind]?.many ?? kind.replace(/_/g, ' ');
}

/** The kind's meaning, where its name does not say it all. */
export function kindMeaning(kind: string): string | null {
  return KINDS[kind]?.meaning ?? null;
}

// Files first hold blocks, then transactions and what belongs to them; new facts lead with
// what an investigator follows: transactions, transfers, addresses.
const READ_ORDER = ['blocks', 'transactions', 'normal_transactions', 'internal_transactions', 'receipts', 'token_transfers', 'traces', 'tokens', 'contracts'];
const NEW_ORDER = ['transactions', 'tx', 'transfers', 'transfer', 'addresses', 'address', 'blocks', 'block', 'btc_block', 'outputs', 'txout', 'inputs', 'txin', 'receipts', 'tokens', 'asset'];

function ordered(counts: Readonly<Record<string, number>>, order: readonly string[]): [string, number][] {
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** What the files held, e.g. "255 blocks" or "4 transactions, 4 receipts, 1 token transfer"; "" for none. */
export function describeRead(rowCounts: Readonly<Record<string, number>>, limit = Infinity): string {
  return listed(ordered(rowCounts, READ_ORDER), limit);
}

/** What the import added that the store did not have, e.g. "262 transactions, 298 transfers"; "" for nothing. */
export function describeNew(added: Readonly<Record<string, number>>, limit = Infinity): string {
  return listed(ordered(added, NEW_ORDER), limit);
}

function listed(entries: [string, number][], limit: number): string {
  const shown = entries.slice(0, limit).map(([k, n]) => countOf(k, n));
  const more = entries.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** The whole story of a dataset's counts, for a tooltip. */
export function explainCounts(rowCounts: Readonly<Record<string, number>>, added: Readonly<Record<string, number>>): string {
  const read = describeRead(rowCounts);
  const fresh = ordered(added, NEW_ORDER)
    .map(([k, n]) => countOf(k, n) + (kindMeaning(k) ? ` (${kindMeaning(k)})` : ''))
    .join(', ');
  return [
    `Read from the files: ${read || 'nothing'}.`,
    `New in the store (facts it did not have before; what was already there is not counted again): ${fresh || 'nothing'}.`,
  ].join('\n');
}
