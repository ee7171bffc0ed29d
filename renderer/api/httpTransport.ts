import { ApiErrorShape, type Envelope, type MethodName } from '../../shared/api/contract';
import { API_PREFIX } from '../../shared/api/transport';
import type { Session } from './sessionToken';

function failure(kind: ApiErrorShape['kind'], message: string): Envelope<unknown> {
  return { ok: false, error: { kind, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'result' in value;
  return value.ok === false && 'error' in value && ApiErrorShape.safeParse(value.error).success;
}

/**
 * POSTs one call to the loopback server; every outcome, including a dead server, becomes an
 * envelope. Calls wait for the session (a launch code is exchanged for the token first).
 */
export function createHttpSend(session: Promise<Session>) {
  return async function send(method: MethodName, args: unknown): Promise<Envelope<unknown>> {
    const { token, problem } = await session;
    if (!token) {
      return failure('forbidden', problem ?? 'No session token: open Cairn from the address the browser shell printed (it ends in #token=…).');
    }
    let response: Response;
    try {
      response = await fetch(API_PREFIX + method, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(args ?? {}),
        cache: 'no-store',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failure('internal', `${method}: cannot reach the Cairn back end (${reason}). Is the browser shell still running?`);
    }
    if (response.status === 401) {
      return failure('forbidden', `${method}: the session token was refused; reopen Cairn from the address the browser shell printed.`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return failure('internal', `${method}: the back end answered HTTP ${response.status} without a readable body`);
    }
    if (isEnvelope(body)) return body;
    return failure('internal', `${method}: the back end answered HTTP ${response.status} with an unexpected body`);
  };
}
