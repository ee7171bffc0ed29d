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
 *   The page receives its token in the URL fragment `#token=…`, which is never sent to the server.
 */
import type { AppEvent, Envelope, MethodName } from './contract';

export const IPC_INVOKE = 'cairn:invoke';
export const IPC_EVENT = 'cairn:event';
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_FRAGMENT = 'token';

export interface CairnBridge {
  invoke(method: MethodName, args: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}
