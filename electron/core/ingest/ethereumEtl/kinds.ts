/**
 * ethereum-etl CSV exports are recognised by their header, not their file name: users rename
 * files, and partitioned exports use names like `transactions_00000000_00099999.csv`.
 */
export type EtlKind = 'tokens' | 'blocks' | 'transactions' | 'token_transfers';
export type EtlOtherKind = 'receipts' | 'logs' | 'traces' | 'contracts';

export const REQUIRED_COLUMNS: Record<EtlKind, readonly string[]> = {
  tokens: ['address', 'symbol', 'name', 'decimals'],
  blocks: ['number', 'hash', 'parent_hash', 'timestamp'],
  transactions: ['hash', 'block_number', 'transaction_index', 'from_address', 'to_address', 'value'],
  token_transfers: ['token_address', 'from_address', 'to_address', 'value', 'transaction_hash', 'log_index', 'block_number'],
};

/** Tokens and blocks first, so transfers find decimals and timestamps already in place. */
export const KIND_ORDER: readonly EtlKind[] = ['tokens', 'blocks', 'transactions', 'token_transfers'];

export function detectEtlKind(header: readonly string[]): EtlKind | EtlOtherKind | null {
  const has = (...cols: string[]) => cols.every((c) => header.includes(c));
  if (has('token_address', 'transaction_hash', 'log_index')) return 'token_transfers';
  if (has('trace_type', 'trace_address')) return 'traces';
  if (has('log_index', 'topics', 'data')) return 'logs';
  if (has('transaction_hash', 'cumulative_gas_used')) return 'receipts';
  if (has('bytecode', 'function_sighashes')) return 'contracts';
  if (has('address', 'symbol', 'decimals')) return 'tokens';
  if (has('hash', 'nonce', 'from_address', 'to_address')) return 'transactions';
  if (has('number', 'hash', 'parent_hash', 'timestamp')) return 'blocks';
  return null;
}

export function isImportedKind(kind: string): kind is EtlKind {
  return (KIND_ORDER as readonly string[]).includes(kind);
}
