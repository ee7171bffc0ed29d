/**
 * EVERY Electron security setting of Cairn lives in this file.
 *
 * Do not change anything here without first reading Electron's security checklist:
 * https://www.electronjs.org/docs/latest/tutorial/security
 * The renderer is treated as untrusted: it shows data parsed from files an adversary may
 * have crafted (transaction notes, token names, labels). Each setting below closes a way
 * for script in that page to reach Node, the file system or the network.
 *
 * The browser shell's equivalent is electron/serve/server.ts (same CSP) and guard.ts.
 */
import { app, protocol, type Session, type WebContents, type WebPreferences } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentTypeFor } from '../serve/server';
import { resolveStaticPath } from '../serve/guard';
import { APP_HOST, APP_SCHEME, isAppUrl } from './ipcGuard';

export { APP_ENTRY_URL } from './ipcGuard';

/** Kept identical to the browser shell's policy; a unit test compares the two. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
 * Must run before app 'ready'. A standard + secure scheme gives the renderer a real origin
 * (cairn://app) instead of file://, whose pages get extra privileges and share one origin
 * with every other file on disk. No bypassCSP, no corsEnabled, no service workers.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Must run before app 'ready'. Sandboxes every renderer, including any created later, and
 * hardens every webContents as it is created rather than trusting each caller to.
 */
export function hardenApp(): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

function hardenWebContents(contents: WebContents): void {
  const denyUnlessApp = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', denyUnlessApp);
  contents.on('will-frame-navigate', denyUnlessApp);
  contents.on('will-redirect', denyUnlessApp);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Call after 'ready' with the session the window uses. */
export function hardenSession(session: Session): void {
  // Deny-all includes clipboard-read and notifications: the renderer must not need them.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Offline by construction: the only loads allowed are the app's own pages and DevTools.
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
}

function isAllowedRequest(url: string): boolean {
  if (isAppUrl(url)) return true;
  // data: and blob: never leave the process (CSP already limits them to images).
  return url.startsWith('devtools://') || url.startsWith('data:') || url.startsWith(`blob:${APP_SCHEME}://${APP_HOST}/`);
}

/**
 * Call after 'ready'. Serves dist/renderer under cairn://app/. Other hosts of the scheme,
 * paths that resolve outside rendererDir, and anything but GET/HEAD get an error status.
 */
export function registerAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return textResponse(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (file === null) return textResponse(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return textResponse(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...RESPONSE_HEADERS, 'Content-Type': contentTypeFor(file) },
    });
  });
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
