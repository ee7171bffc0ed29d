import { createHash } from 'node:crypto';
import { canonicalEvmAddress, canonicalTxHash } from '../../../../shared/codec/evm';
import { AmountFormatError, formatUnits, parseUnits } from '../../../../shared/model/amount';
import { CHAINS, type ChainInfo } from '../../../../shared/model/chains';
import { checkUint256, columnsFound, CsvRow } from '../csvRows';
import { BadInputError, excerpt } from '../errors';

/**
 * Etherscan-family CSV exports (Etherscan, BscScan, PolygonScan, Snowtrace, Arbiscan…): an
 * address's "normal transactions", "internal transactions" and "token transfers (ERC-20)" as a
 * user downloads them from the explorer. Their headers changed over the years, so columns are
 * found by alias, never by position:
 *
 *   normal    Transaction Hash|Txhash, Blockno, UnixTimestamp, DateTime (UTC)|DateTime, From, To,
 *             ContractAddress, Value_IN(ETH), Value_OUT(ETH), CurrentValue @ $<price>/Eth,
 *             TxnFee(ETH), TxnFee(USD), Historical $Price/Eth, Status, ErrCode, Method
 *   internal  … ParentTxFrom, ParentTxTo, ParentTxETH_Value, From, TxTo, ContractAddress,
 *             Value_IN(ETH), Value_OUT(ETH), …, Status, ErrCode, Type
 *   tokens    Transaction Hash|Txhash, Blockno, UnixTimestamp, DateTime (UTC), From, To,
 *             TokenValue|Value, USDValueDayOfTx, ContractAddress, TokenName, TokenSymbol
 *
 * The ticker in Value_IN(…) is the chain's native asset (ETH, BNB, MATIC/POL, AVAX). Values are
 * decimal strings in WHOLE units, sometimes with thousands separators ("1,234.5"); each row is
 * converted here to the ethereum-etl shape (base units, lower-case addresses) that EtlWriter
 * writes, so both formats share one writer and one set of natural keys.
 */
export type EtherscanKind = 'normal' | 'internal' | 'tokens';

type Field =
  | 'hash'
  | 'block'
  | 'time'
  | 'from'
  | 'to'
  | 'txTo'
  | 'contract'
  | 'valueIn'
  | 'valueOut'
  | 'tokenValue'
  | 'tokenName'
  | 'tokenSymbol'
  | 'status'
  | 'errCode'
  | 'isError'
  | 'type'
  | 'parentFrom'
  | 'parentTo'
  | 'tokenId';

/** Header spellings per field, lower-case. Value_IN(…) and Value_OUT(…) are matched by pattern. */
const ALIASES: Readonly<Record<Exclude<Field, 'valueIn' | 'valueOut'>, readonly string[]>> = {
  hash: ['transaction hash', 'txhash'],
  block: ['blockno'],
  time: ['unixtimestamp'],
  from: ['from'],
  to: ['to'],
  txTo: ['txto'],
  contract: ['contractaddress'],
  tokenValue: ['tokenvalue', 'value'],
  tokenName: ['tokenname'],
  tokenSymbol: ['tokensymbol'],
  status: ['status'],
  errCode: ['errcode'],
  isError: ['iserror'],
  type: ['type'],
  parentFrom: ['parenttxfrom'],
  parentTo: ['parenttxto'],
  // NFT (ERC-721 / ERC-1155) exports: recognised only so that they are NOT taken for ERC-20 ones.
  tokenId: ['tokenid', 'token id', 'token_id'],
};

const VALUE_IN = /^value_in\(([^)]+)\)$/i;
const VALUE_OUT = /^value_out\(([^)]+)\)$/i;

/** How a missing column is named in an error. */
const SHOWN: Readonly<Record<Field, string>> = {
  hash: '"Transaction Hash" (or "Txhash")',
  block: '"Blockno"',
  time: '"UnixTimestamp"',
  from: '"From"',
  to: '"To"',
  txTo: '"TxTo"',
  contract: '"ContractAddress"',
  valueIn: '"Value_IN(<ticker>)"',
  valueOut: '"Value_OUT(<ticker>)"',
  tokenValue: '"TokenValue" (or "Value")',
  tokenName: '"TokenName"',
  tokenSymbol: '"TokenSymbol"',
  status: '"Status"',
  errCode: '"ErrCode"',
  isError: '"isError"',
  type: '"Type"',
  parentFrom: '"ParentTxFrom"',
  parentTo: '"ParentTxTo"',
  tokenId: '"TokenId"',
};

const REQUIRED: Readonly<Record<EtherscanKind, readonly Field[]>> = {
  normal: ['hash', 'block', 'time', 'from', 'to', 'valueIn', 'valueOut'],
  internal: ['hash', 'block', 'time', 'from', 'txTo', 'valueIn', 'valueOut'],
  tokens: ['hash', 'block', 'time', 'from', 'to', 'tokenValue', 'contract'],
};

/** Which explorer page an export comes from, as provenance names it. */
export const SOURCE_KIND: Readonly<Record<EtherscanKind, string>> = {
  normal: 'normal_transactions',
  internal: 'internal_transactions',
  tokens: 'token_transfers',
};

const cleanName = (raw: string): string => raw.trim().replace(/^"(.*)"$/, '$1').trim();

interface Located {
  col: Partial<Record<Field, string>>;
  tickerIn: string | null;
  tickerOut: string | null;
}

function locate(header: readonly string[]): Located {
  const col: Partial<Record<Field, string>> = {};
  let tickerIn: string | null = null;
  let tickerOut: string | null = null;
  for (const raw of header) {
    const name = cleanName(raw);
    const lower = name.toLowerCase();
    const vin = VALUE_IN.exec(name);
    const vout = VALUE_OUT.exec(name);
    if (vin && col.valueIn === undefined) {
      col.valueIn = name;
      tickerIn = vin[1].trim();
    } else if (vout && col.valueOut === undefined) {
      col.valueOut = name;
      tickerOut = vout[1].trim();
    }
    for (const [field, aliases] of Object.entries(ALIASES) as [Field, readonly string[]][]) {
      if (col[field] === undefined && aliases.includes(lower)) col[field] = name;
    }
  }
  return { col, tickerIn, tickerOut };
}

/** Which Etherscan-family export a CSV header is, or null when it is none (or an NFT export). */
export function detectEtherscanKind(header: readonly string[]): EtherscanKind | null {
  const { col } = locate(header);
  if (!col.hash || col.tokenId) return null;
  if (col.tokenValue && (col.tokenSymbol || col.tokenName) && col.contract) return 'tokens';
  if (col.valueIn && col.valueOut && (col.parentFrom || col.txTo)) return 'internal';
  if (col.valueIn && col.valueOut && col.from && col.to) return 'normal';
  return null;
}

export interface EtherscanHeader {
  readonly kind: EtherscanKind;
  /** The header's column names, trimmed, in file order. */
  readonly names: readonly string[];
  /** The header's own spelling of each field it has. */
  readonly col: Readonly<Partial<Record<Field, string>>>;
  /** The native asset's ticker in Value_IN(…) / Value_OUT(…), as written; null for token exports. */
  readonly ticker: string | null;
}

/** Recognises a header and checks it has every column its kind needs; problems name line 1. */
export function parseEtherscanHeader(file: string, header: readonly string[]): EtherscanHeader {
  const kind = detectEtherscanKind(header);
  const names = header.map(cleanName);
  if (!kind) {
    const empty = names.every((n) => n === '');
    const found = empty ? '' : columnsFound(names);
    // A line that is no CSV header at all is not quoted back: nothing in it was recognised.
    if (found === null) throw new BadInputError(file, {}, 'not a format Cairn reads: expected an Etherscan-family CSV export (normal transactions, internal transactions or ERC-20 token transfers)');
    throw new BadInputError(file, { line: 1 }, `the header matches no Etherscan-family export (normal transactions, internal transactions or ERC-20 token transfers); found: ${found}`);
  }
  const { col, tickerIn, tickerOut } = locate(header);
  const missing = REQUIRED[kind].filter((f) => col[f] === undefined);
  if (missing.length) {
    const noBlock = missing.includes('block') ? ' (this export vintage has no block numbers; download it again from the explorer)' : '';
    throw new BadInputError(file, { line: 1 }, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((f) => SHOWN[f]).join(', ')} in the header${noBlock}`);
  }
  if (kind !== 'tokens' && tickerIn!.toUpperCase() !== tickerOut!.toUpperCase()) {
    throw new BadInputError(file, { line: 1 }, `columns "${col.valueIn}" and "${col.valueOut}" name different assets`);
  }
  return { kind, names, col, ticker: kind === 'tokens' ? null : tickerIn };
}

/** Tickers an explorer writes for a chain's native asset, when it differs from the registry's symbol. */
const EXPLORER_TICKERS: Readonly<Record<string, readonly string[]>> = {
  // PolygonScan wrote MATIC before the token's migration to POL.
  'eip155:137': ['POL', 'MATIC'],
};

/**
 * The ticker in Value_IN(…) must be the chosen chain's native asset: a BscScan export imported
 * as Ethereum would put BNB amounts on ETH. For a chain Cairn knows only by number the ticker
 * cannot be checked; the returned note says so.
 */
export function checkTicker(file: string, header: EtherscanHeader, chain: ChainInfo): string | null {
  if (header.ticker === null) return null;
  const ticker = header.ticker.toUpperCase();
  if (chain.nativeSymbol === 'NATIVE') {
    return `${file}: the export's values are in ${header.ticker}; Cairn does not know the native asset of ${chain.id}, so it could not check that this export is from that chain`;
  }
  const accepted = EXPLORER_TICKERS[chain.id] ?? [chain.nativeSymbol.toUpperCase()];
  if (accepted.includes(ticker)) return null;
  const likely = CHAINS.filter((c) => c.family === 'evm' && (EXPLORER_TICKERS[c.id] ?? [c.nativeSymbol.toUpperCase()]).includes(ticker)).map((c) => c.aliases[0]);
  const hint = likely.length ? `; choose the chain the export came from (${likely.join(' or ')})` : '; choose the chain the export came from';
  throw new BadInputError(
    file,
    { line: 1 },
    `column "${header.col.valueIn}": this export's values are in ${header.ticker}, but the import is for ${chain.name} (${chain.id}), whose native asset is ${chain.nativeSymbol}${hint}`,
  );
}

/**
 * One data row as a CsvRow over the header's own column names, so errors name the column as
 * the file spells it. Etherscan rows may carry ONE more field than the header (a trailing
 * separator); it is returned apart and never read as data. Any other count is bad input.
 */
export function etherscanRow(file: string, line: number, header: EtherscanHeader, record: readonly string[]): { row: CsvRow; extra: string | null } {
  const width = header.names.length;
  if (record.length !== width && record.length !== width + 1) {
    throw new BadInputError(file, { line }, `expected ${width} fields as in the header (or one more, as explorers sometimes write), found ${record.length}`);
  }
  const columns = new Map<string, number>();
  header.names.forEach((name, i) => {
    if (!columns.has(name)) columns.set(name, i);
  });
  return { row: new CsvRow(file, line, columns, record.slice(0, width)), extra: record.length > width ? record[width] : null };
}

const WHOLE_UNITS = /^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$/;

/** A field's text as an error may quote it: short, control characters escaped. */
function clip(v: string): string {
  return excerpt(v, 80);
}

/**
 * A whole-unit decimal ("25", "0.5", "1,234.567891") as base units, exactly: no float on the
 * way. Thousands separators must group by three; more fractional digits than the asset's
 * decimals cannot be base units and are refused.
 */
export function wholeUnits(row: CsvRow, column: string, decimals: number): bigint {
  const text = row.required(column).trim();
  if (!WHOLE_UNITS.test(text)) {
    row.fail(column, `expected a non-negative decimal number of whole units (such as 1234.5 or 1,234.5), found "${clip(text)}"`);
  }
  try {
    // Base units are a uint256 on every EVM chain: a larger amount is refused on its row and column.
    return checkUint256(row, column, parseUnits(text.replaceAll(',', ''), decimals), text);
  } catch (error) {
    if (error instanceof AmountFormatError) row.fail(column, `expected at most ${decimals} decimal places (the asset's decimals), found "${clip(text)}"`);
    throw error;
  }
}

const address = (row: CsvRow, column: string): string => row.with(column, canonicalEvmAddress);
const optionalAddress = (row: CsvRow, column: string | undefined): string | null => (column === undefined ? null : row.optionalWith(column, canonicalEvmAddress));

/** The value a native row moves: Value_IN when it reached the address, Value_OUT when it left it. */
function movedValue(row: CsvRow, h: EtherscanHeader, decimals: number): bigint {
  const vin = wholeUnits(row, h.col.valueIn!, decimals);
  const vout = wholeUnits(row, h.col.valueOut!, decimals);
  if (vin !== 0n && vout !== 0n && vin !== vout) {
    row.fail(h.col.valueIn!, `"${h.col.valueIn}" and "${h.col.valueOut}" are both non-zero and differ (${formatUnits(vin, decimals)} and ${formatUnits(vout, decimals)}); a row moves one value`);
  }
  return vin !== 0n ? vin : vout;
}

/** Facts of one row, ethereum-etl shaped, and the addresses it involves (to infer whose history the export is). */
export interface ConvertedRow {
  readonly obj: Record<string, string>;
  readonly hash: string;
  readonly time: number;
  readonly addresses: readonly string[];
}

/**
 * A normal transaction's outcome. Status is empty for a success and "Error(N)" when a call at
 * depth N failed: "Error(0)" is the transaction itself (it reverted, or ran out of gas: it moves
 * no value); N > 0 is a call inside it that failed while the transaction went on, so the
 * transaction succeeded. Some vintages carry the API's isError (0 ok, 1 failed) instead.
 */
function normalStatus(row: CsvRow, h: EtherscanHeader): { status: '0' | '1'; innerError: boolean } {
  if (h.col.isError) {
    const v = row.text(h.col.isError).trim();
    if (v === '0') return { status: '1', innerError: false };
    if (v === '1') return { status: '0', innerError: false };
    row.fail(h.col.isError, `expected 0 or 1, found "${clip(v)}"`);
  }
  if (!h.col.status) return { status: h.col.errCode && row.text(h.col.errCode).trim() !== '' ? '0' : '1', innerError: false };
  const v = row.text(h.col.status).trim();
  if (v === '' || /^success(ful)?$/i.test(v)) return { status: '1', innerError: false };
  if (/^fail(ed)?$/i.test(v)) return { status: '0', innerError: false };
  const m = /^error\((\d+)\)$/i.exec(v);
  if (m) return Number(m[1]) === 0 ? { status: '0', innerError: false } : { status: '1', innerError: true };
  return row.fail(h.col.status, `expected an empty field (success) or "Error(N)", found "${clip(v)}"`);
}

/**
 * An internal transfer's outcome: its Status (or isError) column is the API's isError, 0 when
 * the call went through and 1 when it failed; an empty one is a success unless ErrCode says why
 * it failed.
 */
function internalStatus(row: CsvRow, h: EtherscanHeader): '0' | '1' {
  const column = h.col.isError ?? h.col.status;
  const errCode = h.col.errCode ? row.text(h.col.errCode).trim() : '';
  if (!column) return errCode === '' ? '1' : '0';
  const v = row.text(column).trim();
  if (v === '0') return '1';
  if (v === '1' || /^error\(\d+\)$/i.test(v)) return '0';
  if (v === '') return errCode === '' ? '1' : '0';
  return row.fail(column, `expected 0 (success) or 1 (failed), found "${clip(v)}"`);
}

/** A normal transaction as an ethereum-etl transactions row (its receipt status included). */
export function normalTransaction(row: CsvRow, h: EtherscanHeader, nativeDecimals: number): ConvertedRow & { innerError: boolean } {
  const hash = row.with(h.col.hash!, canonicalTxHash);
  const block = row.int(h.col.block!);
  const time = row.int(h.col.time!);
  const from = address(row, h.col.from!);
  const to = optionalAddress(row, h.col.to);
  // A contract creation has no To; the value goes to the contract it created.
  const created = optionalAddress(row, h.col.contract);
  const value = movedValue(row, h, nativeDecimals);
  const { status, innerError } = normalStatus(row, h);
  const obj = {
    hash,
    nonce: '',
    block_hash: '',
    block_number: String(block),
    transaction_index: '',
    from_address: from,
    to_address: to ?? created ?? '',
    value: value.toString(),
    block_timestamp: String(time),
    receipt_status: status,
  };
  return { obj, hash, time, addresses: [from, to, created].filter((a): a is string => a !== null), innerError };
}

/**
 * Surrogate positions. An export gives no log index for a token transfer and no trace address for
 * an internal one, yet (tx, kind, position) is the natural key that makes re-imports add nothing.
 * The position is derived from the transfer's own content: a hash of (kind, asset, from, to,
 * amount in base units, call type) and the count of identical transfers before it in the same
 * tx in the same file. So it is the same on every import of the file, and the same in the export
 * of EITHER address of a transfer (A's and B's exports both list A→B once, with the same content),
 * while two different transfers of one tx never share a key (an ordinal among the tx's rows would:
 * A's and B's exports hold different rows of the same tx).
 *
 * Positions are SURROGATE_BASE + 40 bits of SHA-256 × 2^11 + occurrence, a safe integer from
 * 2^52 up: real log indexes and trace addresses are far below, so a surrogate never takes the
 * key of a real log or trace that ethereum-etl brings for the same tx (the two are then kept
 * side by side, recognisable by isSurrogatePosition).
 */
export const SURROGATE_BASE = 2 ** 52;
const OCCURRENCE_BITS = 11;

export function isSurrogatePosition(pos: string | number): boolean {
  const first = typeof pos === 'number' ? pos : Number(String(pos).split(',')[0]);
  return Number.isFinite(first) && first >= SURROGATE_BASE;
}

export class SurrogateKeys {
  private readonly seen = new Map<string, number>();

  next(row: CsvRow, column: string, txHash: string, content: readonly string[]): number {
    const key = [txHash, ...content].join('|');
    const n = this.seen.get(key) ?? 0;
    if (n >= 2 ** OCCURRENCE_BITS) row.fail(column, `more than ${2 ** OCCURRENCE_BITS} identical transfers in transaction ${txHash}`);
    this.seen.set(key, n + 1);
    const digest = createHash('sha256').update(key).digest();
    return SURROGATE_BASE + digest.readUIntBE(0, 5) * 2 ** OCCURRENCE_BITS + n;
  }
}

/** Etherscan's Type column as ethereum-etl's trace_type and call_type. */
function traceTypes(row: CsvRow, h: EtherscanHeader): { traceType: string; callType: string } {
  const v = h.col.type ? row.text(h.col.type).trim().toLowerCase() : '';
  if (v === '' || v === 'call') return { traceType: 'call', callType: 'call' };
  if (v === 'create' || v === 'create2') return { traceType: 'create', callType: '' };
  if (v === 'suicide' || v === 'selfdestruct') return { traceType: 'suicide', callType: '' };
  if (v === 'delegatecall' || v === 'staticcall' || v === 'callcode') return { traceType: 'call', callType: v };
  return row.fail(h.col.type!, `expected call, create, create2, suicide, delegatecall, staticcall or callcode, found "${clip(v)}"`);
}

/** An internal transfer as an ethereum-etl traces row, with a surrogate trace address. */
export function internalTransfer(row: CsvRow, h: EtherscanHeader, nativeDecimals: number, keys: SurrogateKeys): ConvertedRow {
  const hash = row.with(h.col.hash!, canonicalTxHash);
  const block = row.int(h.col.block!);
  const time = row.int(h.col.time!);
  const from = address(row, h.col.from!);
  const txTo = optionalAddress(row, h.col.txTo);
  const created = optionalAddress(row, h.col.contract);
  const to = txTo ?? created;
  const value = movedValue(row, h, nativeDecimals);
  const { traceType, callType } = traceTypes(row, h);
  const status = internalStatus(row, h);
  const pos = keys.next(row, h.col.hash!, hash, ['internal', traceType, callType, from, to ?? '', value.toString()]);
  const obj = {
    block_number: String(block),
    transaction_hash: hash,
    from_address: from,
    to_address: to ?? '',
    value: value.toString(),
    trace_type: traceType,
    call_type: callType,
    trace_address: String(pos),
    status,
  };
  const parents = [optionalAddress(row, h.col.parentFrom), optionalAddress(row, h.col.parentTo)];
  return { obj, hash, time, addresses: [from, txTo, created, ...parents].filter((a): a is string => a !== null) };
}

/** The token contract of a token-transfer row, and its name and symbol as the explorer shows them. */
export function tokenOf(row: CsvRow, h: EtherscanHeader): { contract: string; symbol: string; name: string } {
  return {
    contract: address(row, h.col.contract!),
    symbol: h.col.tokenSymbol ? row.text(h.col.tokenSymbol).trim() : '',
    name: h.col.tokenName ? row.text(h.col.tokenName).trim() : '',
  };
}

/** A token transfer as an ethereum-etl token_transfers row, with a surrogate log index. */
export function tokenTransfer(row: CsvRow, h: EtherscanHeader, contract: string, decimals: number, keys: SurrogateKeys): ConvertedRow {
  const hash = row.with(h.col.hash!, canonicalTxHash);
  const block = row.int(h.col.block!);
  const time = row.int(h.col.time!);
  const from = address(row, h.col.from!);
  const to = address(row, h.col.to!);
  const value = wholeUnits(row, h.col.tokenValue!, decimals);
  const pos = keys.next(row, h.col.hash!, hash, ['token', contract, from, to, value.toString()]);
  const obj = {
    token_address: contract,
    from_address: from,
    to_address: to,
    value: value.toString(),
    transaction_hash: hash,
    log_index: String(pos),
    block_number: String(block),
  };
  return { obj, hash, time, addresses: [from, to] };
}
