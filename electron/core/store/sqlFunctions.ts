import type Database from 'better-sqlite3';
import { txHashKey } from './txHash';

/**
 * Amounts can exceed SQLite's 64-bit integers (ERC-20 values are uint256), so an amount is
 * stored as an INTEGER when it fits and as its decimal TEXT otherwise, in columns declared
 * without a type so SQLite never converts either (a numeric affinity would turn a long
 * decimal into a lossy REAL). These functions add and sum such values exactly.
 */
const INT64_MAX = 2n ** 63n - 1n;

export type DbAmount = bigint | string;

export function toDbAmount(value: bigint): DbAmount {
  if (value < 0n) throw new RangeError(`negative amount ${value}`);
  return value <= INT64_MAX ? value : value.toString();
}

export function fromDbAmount(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`amount read as an unsafe number (${value}); statements reading amounts must use safeIntegers`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return BigInt(value);
  throw new Error(`not an amount: ${String(value)}`);
}

export function registerSqlFunctions(db: Database.Database): void {
  db.aggregate('bigsum', {
    safeIntegers: true,
    deterministic: true,
    start: () => 0n,
    step: (acc: bigint, value: unknown) => (value === null || value === undefined ? acc : acc + fromDbAmount(value)),
    result: (acc: bigint) => toDbAmount(acc),
  });
  db.function('bigadd', { safeIntegers: true, deterministic: true }, (a: unknown, b: unknown) =>
    toDbAmount(fromDbAmount(a ?? 0n) + fromDbAmount(b ?? 0n)),
  );
  // 1 when an amount is at least a bound given as decimal text: filters compare exactly, never as floats.
  // A tx hash's stored bytes and form (store/txHash.ts), for lookups and joins written in SQL.
  db.function('tx_hash_bin', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? txHashKey(text)[0] : null));
  db.function('tx_hash_form', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? txHashKey(text)[1] : null));
  db.function('amount_at_least', { safeIntegers: true, deterministic: true }, (a: unknown, min: unknown) =>
    fromDbAmount(a) >= fromDbAmount(min) ? 1n : 0n,
  );
}
