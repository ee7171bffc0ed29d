/**
 * ethereum-etl exports are recognised by their header (CSV) or their `type` field (the JSON
 * stream form), not their file name: users rename files, and partitioned exports use names
 * like `transactions_00000000_00099999.csv`.
 */
export type EtlKind = 'tokens' | 'contracts' | 'blocks' | 'transactions' | 'receipts' | 'token_transfers' | 'traces';
export type EtlOtherKind = 'logs';

/**
 * The columns of each kind whose addresses the writer looks up on most rows (writeEtlRows.ts,
 * addressAt): the CSV reader numbers their texts (CsvReadOptions.numbered).
 */
export const ADDRESS_COLUMNS: Readonly<Record<EtlKind, readonly string[]>> = {
  transactions: ['from_address', 'to_address', 'receipt_contract_address'],
  token_transfers: ['from_address', 'to_address'],
  traces: ['from_address', 'to_address'],
  blocks: [],
  tokens: [],
  receipts: [],
  contracts: [],
};

export const REQUIRED_COLUMNS: Record<EtlKind, readonly string[]> = {
  tokens: ['address', 'symbol', 'name', 'decimals'],
  contracts: ['address', 'is_erc20', 'is_erc721'],
  blocks: ['number', 'hash', 'parent_hash', 'timestamp'],
  transactions: ['hash', 'block_number', 'transaction_index', 'from_address', 'to_address', 'value'],
  receipts: ['transaction_hash', 'block_number', 'status'],
  token_transfers: ['token_address', 'from_address', 'to_address', 'value', 'transaction_hash', 'log_index', 'block_number'],
  traces: ['block_number', 'transaction_hash', 'from_address', 'to_address', 'value', 'trace_type', 'call_type', 'trace_address', 'status'],
};

/**
 * Tokens and blocks first, so transfers find decimals and timestamps in place; receipts after
 * the transactions whose status they give; traces last.
 */
export const KIND_ORDER: readonly EtlKind[] = ['tokens', 'contracts', 'blocks', 'transactions', 'receipts', 'token_transfers', 'traces'];

/** The JSON stream form's `type` field, per kind. */
export const KIND_BY_JSON_TYPE: Readonly<Record<string, EtlKind | EtlOtherKind>> = {
  token: 'tokens',
  contract: 'contracts',
  block: 'blocks',
  transaction: 'transactions',
  receipt: 'receipts',
  token_transfer: 'token_transfers',
  trace: 'traces',
  log: 'logs',
};

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
