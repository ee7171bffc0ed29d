/**
 * How the two transports carry the contract. Both carry (method, args) and return an Envelope.
 *
 * Electron IPC: the preload exposes `window.cairn` (CairnBridge) and nothing else.
 *   invoke -> ipcRenderer.invoke(IPC_INVOKE, method, args); events arrive on IPC_EVENT.
 *
 * Loopback HTTP (browser shell): POST `${API_PREFIX}<method>` with a JSON body of args and
 *   `Authorization: Bearer <token>`; the reply body is the Envelope (status 200 for ok and for
 *   handler errors; 400 for unparsable JSON; 401 bad token; 403 bad Host/Origin).
 *   Events: GET EVENTS_PATH with the same header; text/event-stream, one `data: <AppEvent JSON>` each.
 *   The page receives its token in the URL fragment `#token=…`, which is never sent to the server,
 *   or, when `npm start` opens it, a one-time code `#launch=…` that it exchanges for the token:
 *   POST LAUNCH_PATH with `{"code": "…"}` answers an Envelope of `{ token }`, once, within a minute
 *   of the code being issued (POST LAUNCH_CODE_PATH with the bearer token issues one). A command
 *   line is visible to other local users; a code already used is worthless there.
 */
import type { AppEvent, Envelope, MethodName } from './contract';

export const IPC_INVOKE = 'cairn:invoke';
export const IPC_EVENT = 'cairn:event';
/** Electron only: shows the native folder dialog in the main process and grants the folder picked. */
export const IPC_CHOOSE_FOLDER = 'cairn:choose-folder';
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_FRAGMENT = 'token';
export const LAUNCH_FRAGMENT = 'launch';
export const LAUNCH_CODE_PATH = '/session/launch-code';
export const LAUNCH_PATH = '/session/launch';

export interface CairnBridge {
  invoke(method: MethodName, args: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /**
   * Electron only: the investigator picks a folder in a native dialog, which the main process
   * grants for the rest of the session (the renderer cannot grant itself anything: it only gets
   * the path back). Null when the dialog was cancelled.
   */
  chooseFolder?(): Promise<string | null>;
}
