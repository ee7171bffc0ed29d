/**
 * Request checks for the loopback server (browser shell). Pure functions: no I/O, no state.
 *
 * Binding 127.0.0.1 is not enough on its own: any web page the user visits can make the
 * browser send requests to loopback, and DNS rebinding lets a hostile name resolve to
 * 127.0.0.1 so those requests look same-origin. Hence an exact Host check (a rebinding
 * name never matches), an Origin check (cross-site pages always send one), and a
 * per-start token that only the page we opened has (it travels in the URL fragment,
 * which browsers never send to servers).
 */
import { timingSafeEqual } from 'node:crypto';
import { resolve, sep } from 'node:path';

export interface RequestHeaders {
  readonly host?: string | undefined;
  readonly origin?: string | undefined;
  readonly authorization?: string | undefined;
}

export interface GuardConfig {
  readonly port: number;
  readonly token: string;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

/** Host/Origin checks only: for the static renderer files, which hold no secrets. */
export function checkStaticRequest(headers: RequestHeaders, config: Pick<GuardConfig, 'port'>): GuardVerdict {
  const allowedHosts = LOOPBACK_NAMES.map((name) => `${name}:${config.port}`);
  if (typeof headers.host !== 'string' || !allowedHosts.includes(headers.host)) {
    return { ok: false, status: 403, reason: 'Host header is not this server' };
  }
  // Origin is absent for same-origin GETs and for non-browser clients (curl, the CLI);
  // a browser always sends it on cross-origin requests, so absence is not a bypass.
  if (headers.origin !== undefined) {
    const allowedOrigins = allowedHosts.map((host) => `http://${host}`);
    if (typeof headers.origin !== 'string' || !allowedOrigins.includes(headers.origin)) {
      return { ok: false, status: 403, reason: 'Origin header is not this server' };
    }
  }
  return { ok: true };
}

/** Host/Origin checks, then the bearer token: for every /api/ request. */
export function checkRequest(headers: RequestHeaders, config: GuardConfig): GuardVerdict {
  const site = checkStaticRequest(headers, config);
  if (!site.ok) return site;
  const presented = bearerToken(headers.authorization);
  if (presented === undefined) {
    return { ok: false, status: 401, reason: 'missing bearer token' };
  }
  if (!tokensEqual(presented, config.token)) {
    return { ok: false, status: 401, reason: 'bad bearer token' };
  }
  return { ok: true };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  // The auth scheme is case-insensitive (RFC 9110 §11.1).
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return match ? match[1] : undefined;
}

function tokensEqual(presented: string, expected: string): boolean {
  // An empty configured token would make "Bearer " style bugs pass; never accept it.
  if (expected.length === 0) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; the length itself is not secret (always 64 hex).
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Maps a request path onto a file under rootDir, or null when it would escape it.
 * Decodes percent-escapes first, so `/..%2f..%2fetc/passwd` is caught by the prefix check
 * rather than slipping past a check on the raw text.
 */
export function resolveStaticPath(rootDir: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const root = resolve(rootDir);
  const file = resolve(root, '.' + decoded);
  return file.startsWith(root + sep) ? file : null;
}
