/**
 * The one door for IPC from the renderer. Electron-free on purpose (structural types only)
 * so the sender check is unit-tested with fake senders: GitHub Desktop once shipped this
 * kind of guard with its condition inverted, and only tests of the rejected cases catch that.
 */
import type { Envelope } from '../../shared/api/contract';
import type { Backend } from '../core/backendTypes';

export const APP_SCHEME = 'cairn';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The parts of Electron's WebFrameMain the guard reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown | null;
}

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null | undefined;
  readonly sender: { readonly mainFrame: unknown };
}

/** True when url is a page of this app: cairn://app/… and nothing else. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Credentials or a port would make "host app" mean something other than our handler.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Accepts only the top-level frame of the window's own webContents showing an app page.
 * Subframes are refused even on our origin: CSP forbids frames, so one existing means
 * something got past it.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, mainFrame: unknown): boolean {
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null) return false;
  if (frame !== mainFrame) return false;
  return typeof frame.url === 'string' && isAppUrl(frame.url);
}

export async function handleInvoke(
  backend: Pick<Backend, 'call'>,
  event: InvokeEventLike,
  method: unknown,
  args: unknown,
): Promise<Envelope<unknown>> {
  let trusted = false;
  try {
    trusted = isTrustedSender(event.senderFrame, event.sender.mainFrame);
  } catch {
    // Electron's getters throw once the frame or webContents is gone; that is not a trusted sender.
    trusted = false;
  }
  if (!trusted) {
    return { ok: false, error: { kind: 'forbidden', message: 'IPC sender is not the Cairn app page' } };
  }
  return backend.call(method, args);
}
