/**
 * The one door for IPC from the renderer. Electron-free on purpose (structural types only)
 * so the sender check is unit-tested with fake senders: GitHub Desktop once shipped this
 * kind of guard with its condition inverted, and only tests of the rejected cases catch that.
 *
 * Frames are compared by ids, never by object identity. Electron documents that "distinct
 * WebFrameMain instances that refer to the same underlying frame will have the same
 * routingId" (WebFrameMain, Electron 45), so `===` on two WebFrameMain objects is not a
 * contract; a frame is named by its renderer process id and routing id. The event carries
 * both (`event.processId`, `event.frameId`): Electron derives `senderFrame` from exactly
 * that pair (webFrameMain.fromId(processId, frameId)).
 */
import type { Envelope } from '../../shared/api/contract';
import type { Backend } from '../core/backendTypes';

export const APP_SCHEME = 'cairn';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What names a frame: Electron's internal renderer process id and the frame's routing id there. */
export interface FrameIdsLike {
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of Electron's WebFrameMain the guard reads. */
export interface SenderFrameLike extends FrameIdsLike {
  readonly url: string;
  readonly parent: unknown | null;
  /** True while an old document runs its unload handlers after a navigation (Electron ≥ 33). */
  readonly detached?: boolean;
}

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export interface InvokeEventLike {
  readonly processId: number;
  readonly frameId: number;
  readonly senderFrame: SenderFrameLike | null | undefined;
  readonly sender: { readonly id: number };
}

/** The window whose page may call the back end: its webContents id and current main frame. */
export interface AppWindowLike {
  readonly webContentsId: number;
  readonly mainFrame: FrameIdsLike;
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

function sameFrame(a: FrameIdsLike, b: FrameIdsLike): boolean {
  return (
    Number.isInteger(a.processId) &&
    Number.isInteger(a.routingId) &&
    a.processId === b.processId &&
    a.routingId === b.routingId
  );
}

/**
 * Accepts only the main frame of the app window, showing an app page, and still attached.
 * Subframes are refused even on our origin: CSP forbids frames, so one existing means
 * something got past it. A detached frame is a previous document sending from its unload
 * handler: Electron then resolves senderFrame to the frame's new document, so its URL says
 * nothing about the sender.
 */
export function isTrustedSender(event: InvokeEventLike, window: AppWindowLike | undefined): boolean {
  if (window === undefined) return false;
  if (event.sender.id !== window.webContentsId) return false;
  if (!sameFrame({ processId: event.processId, routingId: event.frameId }, window.mainFrame)) return false;
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false;
  if (frame.detached === true) return false;
  if (frame.parent !== null) return false;
  if (!sameFrame(frame, window.mainFrame)) return false;
  return typeof frame.url === 'string' && isAppUrl(frame.url);
}

export async function handleInvoke(
  backend: Pick<Backend, 'call'>,
  event: InvokeEventLike,
  appWindow: () => AppWindowLike | undefined,
  method: unknown,
  args: unknown,
): Promise<Envelope<unknown>> {
  let trusted = false;
  try {
    trusted = isTrustedSender(event, appWindow());
  } catch {
    // Electron's getters throw once the frame or webContents is gone; that is not a trusted sender.
    trusted = false;
  }
  if (!trusted) {
    return { ok: false, error: { kind: 'forbidden', message: 'IPC sender is not the Cairn app page' } };
  }
  return backend.call(method, args);
}
