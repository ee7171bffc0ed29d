/**
 * The decisions behind electron/main/security.ts, kept free of the `electron` import so they
 * are unit-tested in plain Node. security.ts applies them; nothing else should.
 *
 * "Release" means a packaged build (`app.isPackaged`): the AppImage or .deb. Development is
 * `npm start` and the e2e Electron branch, which run dist/electron/main.cjs unpackaged.
 */
import type { WebPreferences } from 'electron';
import { APP_HOST, APP_SCHEME, isAppUrl } from './ipcGuard';

/**
 * Kept identical to the browser shell's policy (electron/serve/server.ts); a unit test
 * compares the two. No 'unsafe-inline' for styles: every style comes from app.css, and
 * React's style props go through the CSSOM, which CSP does not govern. Cytoscape's one
 * injected <style> is pre-empted in renderer/index.html.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface BuildKind {
  /** `app.isPackaged`: true in the AppImage/.deb, false under `npm start`. */
  readonly packaged: boolean;
}

/**
 * DevTools would hand whoever sits at the keyboard (or a page that tricks them into pasting
 * script) a console in the renderer, past the CSP. Release builds have none.
 */
export function devToolsAllowed(kind: BuildKind): boolean {
  return !kind.packaged;
}

/** The window's settings; the type import from 'electron' is erased, so this stays testable in Node. */
export function secureWebPreferences(preloadPath: string, kind: BuildKind): WebPreferences {
  return {
    preload: preloadPath,
    // Off in release builds: no DevTools window, and openDevTools() does nothing.
    devTools: devToolsAllowed(kind),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The spellchecker downloads dictionaries from Google's CDN: a network call we never allow.
    spellcheck: false,
  };
}

/**
 * Requests the session lets through: the app's own pages, in-process data:/blob: URLs (CSP
 * limits them to images), and devtools:// only where DevTools exist at all.
 */
export function isAllowedRequest(url: string, kind: BuildKind): boolean {
  if (isAppUrl(url)) return true;
  if (url.startsWith('devtools://')) return devToolsAllowed(kind);
  return url.startsWith('data:') || url.startsWith(`blob:${APP_SCHEME}://${APP_HOST}/`);
}

/**
 * Chromium switches that open the renderer to a debugger from outside. The fuses stop
 * Node's --inspect family; Chromium's remote debugging is a separate door with the same
 * effect (a DevTools protocol client can run script in the page), so a release build that
 * sees one refuses to start. Matching is on the switch name, with or without a value.
 */
const DEBUG_SWITCHES = ['--remote-debugging-port', '--remote-debugging-pipe', '--remote-debugging-address', '--remote-allow-origins'];

export function refusedDebugSwitches(argv: readonly string[], kind: BuildKind): string[] {
  if (!kind.packaged) return [];
  const refused: string[] = [];
  for (const arg of argv) {
    // Chromium reads no switches after a bare `--`.
    if (arg === '--') break;
    // Chromium also accepts a single dash for its switches.
    const normal = arg.startsWith('--') ? arg : arg.startsWith('-') ? `-${arg}` : null;
    if (normal === null) continue;
    const name = normal.split('=', 1)[0]!.toLowerCase();
    if (DEBUG_SWITCHES.includes(name) || name.startsWith('--inspect')) refused.push(arg);
  }
  return refused;
}
