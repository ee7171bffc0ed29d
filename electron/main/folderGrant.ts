/**
 * "Open folder…" in the Electron shell: the investigator picks a folder in the native dialog,
 * shown by the main process, and that folder is granted to the API for the rest of the session
 * (electron/core/fileAccess.ts). The renderer can ask for the dialog but cannot choose what it
 * returns, so a compromised page cannot grant itself a folder. Electron-free (structural types
 * only) so that it is unit-tested with fake senders and dialogs, as ./ipcGuard.ts is.
 */
import type { FileAccess } from '../core/fileAccess';
import { isTrustedSender, type AppWindowLike, type InvokeEventLike } from './ipcGuard';

/** What Electron's dialog.showOpenDialog resolves to. */
export interface OpenDialogResult {
  readonly canceled: boolean;
  readonly filePaths: readonly string[];
}

/** Shows the native folder dialog (dialog.showOpenDialog with openDirectory). */
export type ShowFolderDialog = () => Promise<OpenDialogResult>;

/** The folder picked, now granted; null when the sender is not the app page or the dialog was cancelled. */
export async function grantChosenFolder(
  event: InvokeEventLike,
  appWindow: () => AppWindowLike | undefined,
  showDialog: ShowFolderDialog,
  access: Pick<FileAccess, 'grant'>,
): Promise<string | null> {
  let trusted = false;
  try {
    // The same check as every API call (./ipcGuard.ts): only the app window's own page.
    trusted = isTrustedSender(event, appWindow());
  } catch {
    // Electron's getters throw once the frame is gone; that is not a trusted sender.
    trusted = false;
  }
  if (!trusted) return null;
  const picked = await showDialog();
  const folder = picked.filePaths[0];
  if (picked.canceled || folder === undefined) return null;
  return access.grant(folder);
}
