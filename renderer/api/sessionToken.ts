import { ApiErrorShape } from '../../shared/api/contract';
import { LAUNCH_FRAGMENT, LAUNCH_PATH, TOKEN_FRAGMENT } from '../../shared/api/transport';

const STORAGE_KEY = 'cairn.token';

/** The page's session token, or why there is none (said on every call that then fails). */
export interface Session {
  readonly token: string | null;
  readonly problem?: string;
}

/** What a URL fragment carries: a token (`#token=…`), a one-time launch code (`#launch=…`), and the rest. */
export function readFragment(hash: string): { token: string | null; launch: string | null; rest: string } {
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const token = fragment.get(TOKEN_FRAGMENT);
  const launch = fragment.get(LAUNCH_FRAGMENT);
  fragment.delete(TOKEN_FRAGMENT);
  fragment.delete(LAUNCH_FRAGMENT);
  return { token: token || null, launch: launch || null, rest: fragment.toString() };
}

/** Exchanges a one-time launch code for the token at the server (`base`: '' in the page, the server's origin elsewhere). */
export async function exchangeLaunchCode(code: string, base = ''): Promise<Session> {
  let body: unknown;
  try {
    const response = await fetch(base + LAUNCH_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      cache: 'no-store',
    });
    body = await response.json();
  } catch (error) {
    return { token: null, problem: `Cannot reach the Cairn back end to start the session (${error instanceof Error ? error.message : String(error)}).` };
  }
  const envelope = body as { ok?: unknown; result?: { token?: unknown }; error?: unknown };
  if (envelope.ok === true && typeof envelope.result?.token === 'string') return { token: envelope.result.token };
  const error = ApiErrorShape.safeParse(envelope.error);
  return { token: null, problem: error.success ? `Cairn could not start the session: ${error.data.message}.` : 'Cairn could not start the session: the back end refused the launch code.' };
}

/**
 * The browser shell hands the page its token in the URL fragment (never sent to the server), or,
 * when `npm start` opened it, a one-time launch code to exchange for the token, so that the token
 * is never on Chromium's command line. Keep the token in sessionStorage so a reload still works,
 * and take both out of the visible URL so they do not end up in screenshots, copied links or a
 * reload (a used launch code is refused).
 */
export async function takeSessionToken(): Promise<Session> {
  const { token, launch, rest } = readFragment(location.hash);
  if (token || launch) history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  if (token) {
    sessionStorage.setItem(STORAGE_KEY, token);
    return { token };
  }
  if (launch) {
    const session = await exchangeLaunchCode(launch);
    if (session.token) {
      sessionStorage.setItem(STORAGE_KEY, session.token);
      return session;
    }
    // A refused code does not end a session this tab already holds.
    const kept = sessionStorage.getItem(STORAGE_KEY);
    return kept ? { token: kept } : session;
  }
  return { token: sessionStorage.getItem(STORAGE_KEY) };
}
