/**
 * EVERY Electron security setting of Cairn lives in this file and its Electron-free half,
 * ./securityPolicy.ts (the CSP, the window's webPreferences, what a release build refuses).
 *
 * Do not change anything here without first reading Electron's security checklist:
 * https://www.electronjs.org/docs/latest/tutorial/security
 * The renderer is treated as untrusted: it shows data parsed from files an adversary may
 * have crafted (transaction notes, token names, labels). Each setting below closes a way
 * for script in that page to reach Node, the file system or the network.
 *
 * securityPolicy.ts is unit-tested in plain Node; this file applies it and can only be
 * type-checked here (no Electron runtime on the development machines).
 * The browser shell's equivalent is electron/serve/server.ts (same CSP) and guard.ts.
 */
import { app, protocol, type Session, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentTypeFor } from '../serve/server';
import { resolveStaticPath } from '../serve/guard';
import { APP_HOST, APP_SCHEME, isAppUrl } from './ipcGuard';
import { CONTENT_SECURITY_POLICY, devToolsAllowed, isAllowedRequest, type BuildKind } from './securityPolicy';

export { APP_ENTRY_URL } from './ipcGuard';
export { CONTENT_SECURITY_POLICY, secureWebPreferences } from './securityPolicy';

const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

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
export function hardenApp(kind: BuildKind): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, kind));
}

function hardenWebContents(contents: WebContents, kind: BuildKind): void {
  const denyUnlessApp = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', denyUnlessApp);
  contents.on('will-frame-navigate', denyUnlessApp);
  contents.on('will-redirect', denyUnlessApp);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // webPreferences.devTools is false in release; should DevTools open anyway (a webContents
  // created by some other path), close them at once.
  if (!devToolsAllowed(kind)) contents.on('devtools-opened', () => contents.closeDevTools());
}

/** Call after 'ready' with the session the window uses. */
export function hardenSession(session: Session, kind: BuildKind): void {
  // Deny-all includes clipboard-read and notifications: the renderer must not need them.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Offline by construction: the only loads allowed are the app's own pages, and DevTools'
  // own devtools:// pages in development builds only.
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, kind) });
  });
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
