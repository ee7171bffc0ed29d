/**
 * One-time launch codes for the browser shell (issue 18). `npm start` must tell Chromium which
 * page to open, and a process's command line is visible to every local user (ps, /proc/PID/
 * cmdline), so the session token never goes there. Instead the launcher asks the server for a
 * code (with the token, over loopback), opens `http://127.0.0.1:PORT/#launch=CODE`, and the page
 * exchanges the code for the token on its first load. The code works once and only for a short
 * while: once the page has it, what the process list shows is worthless.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Long enough for Chromium to start on a slow machine; short enough that a leaked code is stale. */
export const LAUNCH_CODE_TTL_MS = 60_000;

export interface LaunchCodes {
  /** A fresh code; every code issued before it stays valid until used or expired. */
  issue(): string;
  /** True once for a valid code; false for an unknown, used or expired one. */
  redeem(code: string): boolean;
}

export function createLaunchCodes(options: { ttlMs?: number; now?: () => number } = {}): LaunchCodes {
  const ttl = options.ttlMs ?? LAUNCH_CODE_TTL_MS;
  const now = options.now ?? Date.now;
  const live = new Map<string, number>();
  const forgetExpired = (): void => {
    for (const [code, expires] of live) if (expires <= now()) live.delete(code);
  };
  return {
    issue() {
      forgetExpired();
      const code = randomBytes(24).toString('hex');
      live.set(code, now() + ttl);
      return code;
    },
    redeem(code) {
      forgetExpired();
      const presented = Buffer.from(code, 'utf8');
      for (const candidate of live.keys()) {
        const expected = Buffer.from(candidate, 'utf8');
        // Lengths are public (always 48 hex digits); the comparison of equal lengths is constant-time.
        if (presented.length === expected.length && timingSafeEqual(presented, expected)) {
          live.delete(candidate);
          return true;
        }
      }
      return false;
    },
  };
}
