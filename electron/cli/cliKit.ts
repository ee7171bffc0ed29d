/** What every CLI command shares: usage errors, option values, printing, calling the back end. */
import { ApiError, type MethodName } from '../../shared/api/contract';
import { formatUnits, groupDigits } from '../../shared/model/amount';
import type { Backend } from '../core/backendTypes';

export class UsageError extends Error {}

/** Option values as parseArgs gives them; a list for an option that may be repeated (--rate). */
export type Values = Record<string, string | boolean | string[] | undefined>;

export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

export async function call<M extends MethodName>(backend: Backend, method: M, args: unknown): Promise<unknown> {
  const r = await backend.call(method, args);
  if (!r.ok) throw new ApiError(r.error.kind, r.error.message);
  return r.result;
}

export function intOption(values: Values, name: string, fallback: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) throw new UsageError(`--${name} needs a whole number, found "${String(v)}"`);
  return Number(v);
}

/** A progress line on stderr, redrawn in place; only on a terminal and never with --json. */
export function progressLine(json: boolean): (phase: string, done: number, total: number) => void {
  const tty = process.stderr.isTTY && !json;
  return (phase, done, total) => {
    if (tty) process.stderr.write(`\r${String(Math.floor((done / Math.max(total, 1)) * 100)).padStart(3)}%  ${phase.slice(0, 60).padEnd(60)}`);
  };
}

/** An amount in base units with its unit (1,234.5 ETH), or in base units when the asset's decimals are unknown. */
export function amount(value: string, decimals: number | null, symbol: string | null): string {
  return decimals === null ? `${value} base units of ${symbol ?? 'unknown token'}` : `${groupDigits(formatUnits(BigInt(value), decimals))} ${symbol ?? ''}`.trim();
}
