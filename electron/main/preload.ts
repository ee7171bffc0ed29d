/**
 * Runs sandboxed: it may require only 'electron', so everything else it uses must be
 * bundled in (esbuild writes dist/electron/preload.cjs) and imports from shared/ must stay
 * type-only or plain constants.
 *
 * Exposes exactly CairnBridge. Never ipcRenderer itself, nor the IpcRendererEvent (its
 * `sender` is ipcRenderer), or page script could send on any channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppEvent, Envelope, MethodName } from '../../shared/api/contract';
import { IPC_CHOOSE_FOLDER, IPC_EVENT, IPC_INVOKE, type CairnBridge } from '../../shared/api/transport';

const bridge: CairnBridge = {
  invoke(method: MethodName, args: unknown): Promise<Envelope<unknown>> {
    return ipcRenderer.invoke(IPC_INVOKE, method, args) as Promise<Envelope<unknown>>;
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('cairn.onEvent: listener must be a function');
    const forward = (_event: IpcRendererEvent, payload: AppEvent): void => listener(payload);
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
  chooseFolder(): Promise<string | null> {
    return ipcRenderer.invoke(IPC_CHOOSE_FOLDER) as Promise<string | null>;
  },
};

contextBridge.exposeInMainWorld('cairn', bridge);
