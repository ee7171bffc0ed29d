/** What every CLI command shares: usage errors, option values, printing, calling the back end. */
import { ApiError, type MethodName } from '../../shared/api/contract';
import type { Backend } from '../core/backendTypes';

export class UsageError extends Error {}

export type Values = Record<string, string | boolean | undefined>;

export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

export async function call<M extends MethodName>(backend: Backend, method: M, args: unknown): Promise<unknown> {
  const r = await backend.call(method, args);
  if (!r.ok) throw new ApiError(r.error.kind, r.error.message);
  return r.result;
}
