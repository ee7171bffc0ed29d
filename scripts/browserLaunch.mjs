// How `npm start` opens the browser shell in Chromium (issue 18), apart from scripts/start.mjs
// so that it is unit-tested (test/unit/serve/browserLaunch.test.ts):
// - the session token never goes on Chromium's command line, which every local user can read
//   (ps, /proc/PID/cmdline): Chromium gets a one-time launch URL that the page exchanges for
//   the token on its first load, and that the server refuses after that or after a minute;
// - each start gets a fresh private profile folder (mkdtemp, mode 0700), removed on exit, not a
//   fixed /tmp folder another user could create first or read;
// - --no-sandbox only where Chromium's sandbox cannot run (as root, or where a probe shows the
//   kernel refuses it), and the terminal says why.
import { spawn as nodeSpawn, spawnSync as nodeSpawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The same path as LAUNCH_CODE_PATH in shared/api/transport.ts; a unit test keeps them equal. */
export const LAUNCH_CODE_PATH = '/session/launch-code';

/** A fresh private profile folder for one start: made by mkdtemp, owner-only. */
export function makeProfileDir(parent = tmpdir()) {
  const dir = mkdtempSync(join(parent, 'cairn-chromium-'));
  // mkdtemp already makes it 0700; say so rather than rely on it.
  chmodSync(dir, 0o700);
  return dir;
}

export function removeProfileDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}

/** Asks the server for a one-time launch URL, with the token from the URL it printed (over loopback, never a command line). */
export async function requestLaunchUrl(serverUrl, fetchFn = fetch) {
  const { origin, hash } = new URL(serverUrl);
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  if (!token) throw new Error('the server printed no session token');
  const response = await fetchFn(origin + LAUNCH_CODE_PATH, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (body?.ok !== true || typeof body.result?.url !== 'string') throw new Error(`the server gave no launch code (HTTP ${response.status})`);
  return body.result.url;
}

/**
 * Starts Chromium headless with its sandbox on, once, to see whether the sandbox can run here.
 * Returns { ok: true }, or { ok: false, sandbox: true, detail } when Chromium says its sandbox
 * cannot start, or { ok: false, sandbox: false, detail } when it failed for another reason (that
 * is not a reason to turn the sandbox off: the real start will say what is wrong).
 */
export function probeSandbox(browser, { spawnSync = nodeSpawnSync, parent = tmpdir() } = {}) {
  const profile = mkdtempSync(join(parent, 'cairn-sandbox-probe-'));
  try {
    const r = spawnSync(
      browser,
      ['--headless', '--no-first-run', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', 'about:blank'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (r.status === 0) return { ok: true };
    const lines = String(r.stderr ?? '').split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim());
    const sandboxLine = lines.find((l) => /sandbox/i.test(l));
    if (sandboxLine) return { ok: false, sandbox: true, detail: sandboxLine.slice(0, 300) };
    return { ok: false, sandbox: false, detail: r.error ? r.error.message : `exit ${r.status ?? r.signal}` };
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
  }
}

/**
 * Whether to pass --no-sandbox, and why. Chromium will not start as root with its sandbox on; on
 * Linux the sandbox also needs user namespaces or a setuid helper, which some kernels and
 * containers withhold: the probe tells. On macOS and Windows the sandbox always runs.
 */
export function sandboxDecision({ uid, platform, probe }) {
  if (platform !== 'linux') return { noSandbox: false, reason: null };
  if (uid === 0) return { noSandbox: true, reason: 'Cairn runs as root, and Chromium does not start as root with its sandbox on' };
  const result = probe();
  if (result.ok || !result.sandbox) return { noSandbox: false, reason: null };
  return { noSandbox: true, reason: `Chromium's sandbox cannot run on this system (${result.detail})` };
}

export function chromiumArgs({ launchUrl, profileDir, noSandbox }) {
  return [
    `--app=${launchUrl}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1400,900',
    ...(noSandbox ? ['--no-sandbox'] : []),
  ];
}

/**
 * Opens the app in Chromium. Resolves to { child, profileDir, noSandbox, exited }: `exited`
 * settles once Chromium has exited (or failed to start) and its profile folder is removed.
 */
export async function launchChromium({
  browser,
  serverUrl,
  log,
  spawn = nodeSpawn,
  fetchFn = fetch,
  probe = () => probeSandbox(browser),
  uid = process.getuid?.(),
  platform = process.platform,
  profileParent = tmpdir(),
}) {
  const launchUrl = await requestLaunchUrl(serverUrl, fetchFn);
  const { noSandbox, reason } = sandboxDecision({ uid, platform, probe });
  if (noSandbox) log(`starting Chromium without its sandbox: ${reason}. It shows only Cairn's own page.`);
  const profileDir = makeProfileDir(profileParent);
  const child = spawn(browser, chromiumArgs({ launchUrl, profileDir, noSandbox }), { stdio: 'ignore' });
  const exited = new Promise((resolve) => {
    const done = () => {
      removeProfileDir(profileDir);
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
  return { child, profileDir, noSandbox, exited };
}
