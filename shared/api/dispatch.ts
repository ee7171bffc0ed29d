import { z } from 'zod';
import { api, ApiError, isMethodName, type ApiErrorShape, type Envelope, type Handlers, type MethodName } from './contract';

/** Formats a zod failure as one readable line: "paths.0: expected string". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ');
}

/**
 * The one door every transport goes through: checks the method name, validates the
 * arguments against the contract, runs the handler and wraps the outcome in an envelope.
 * `classify` sorts other errors into kinds (store, bad input…); by default they are `internal`,
 * with their message only and never a stack.
 */
export async function dispatch<Ctx>(
  handlers: Handlers<Ctx>,
  ctx: Ctx,
  method: unknown,
  rawArgs: unknown,
  classify?: (method: MethodName, error: unknown) => ApiErrorShape,
): Promise<Envelope<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { kind: 'not_found', message: `no such method: ${String(method).slice(0, 100)}` } };
  }
  const parsed = api[method].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return { ok: false, error: { kind: 'invalid_argument', message: `${method}: ${describeZodError(parsed.error)}` } };
  }
  try {
    const handler = handlers[method] as (args: unknown, ctx: Ctx) => unknown;
    const result = await handler(parsed.data, ctx);
    return { ok: true, result };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toShape() };
    if (classify) return { ok: false, error: classify(method, error) };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { kind: 'internal', message: `${method}: ${message}` } };
  }
}

export type { MethodName };
