/**
 * The Electron shell: lifecycle, the window, and the single IPC door. Security settings are
 * in ./security.ts; the back end is Electron-free and shared with the browser shell and CLI.
 */
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import path from 'node:path';
import type { AppEvent } from '../../shared/api/contract';
import { IPC_CHOOSE_FOLDER, IPC_EVENT, IPC_INVOKE } from '../../shared/api/transport';
import { openBackend } from '../core/backend';
import type { Backend } from '../core/backendTypes';
import { allowArgsFrom, allowedFolders, limitedFileAccess } from '../core/fileAccess';
import { resolveWorkspaceDir } from '../core/workspace';
import { electronPrinter } from './electronPrinter';
import { grantChosenFolder } from './folderGrant';
import { handleInvoke, type AppWindowLike } from './ipcGuard';
import { NATIVE_MANIFEST_FILE, prepareSqliteBinding, SQLITE_BINDING_ENV } from './nativeBinding';
import {
  APP_ENTRY_URL,
  hardenApp,
  hardenSession,
  registerAppProtocol,
  registerAppScheme,
  secureWebPreferences,
} from './security';
import { refusedDebugSwitches, type BuildKind } from './securityPolicy';

const rendererDir = path.join(__dirname, '../renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');
const importWorkerScript = path.join(__dirname, '../node/importWorker.cjs');
/** Written at packaging time into dist/, so inside app.asar (scripts/packageHooks.mjs). */
const nativeManifest = path.join(__dirname, '..', NATIVE_MANIFEST_FILE);

/** Release (AppImage/.deb) or development (`npm start`): DevTools and the addon override depend on it. */
const buildKind: BuildKind = { packaged: app.isPackaged };

let backend: Backend | undefined;
let mainWindow: BrowserWindow | undefined;
let stopForwardingEvents: (() => void) | undefined;

// Both must precede 'ready'.
registerAppScheme();
hardenApp(buildKind);

const debugSwitches = refusedDebugSwitches(process.argv, buildKind);
if (debugSwitches.length > 0) {
  // No dialog: nothing of the app has loaded, and whoever passed the switch reads stderr.
  console.error(`cairn: a release build does not start with debugging switches: ${debugSwitches.join(' ')}`);
  app.exit(1);
} else if (!app.requestSingleInstanceLock()) {
  // Two instances would open the same store.sqlite and audit logs from two processes.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', closeBackendBeforeQuit);
  app.whenReady().then(start).catch(fail);
}

function start(): void {
  hardenSession(session.defaultSession, buildKind);
  registerAppProtocol(rendererDir);

  // Before anything opens the store. Worker threads copy process.env when they start, so
  // setting the variable here hands them the same, verified, addon.
  const binding = prepareSqliteBinding({ packaged: buildKind.packaged, env: process.env, resourcesPath: process.resourcesPath }, nativeManifest);
  if (binding === undefined) delete process.env[SQLITE_BINDING_ENV];
  else process.env[SQLITE_BINDING_ENV] = binding;

  const workspaceDir = resolveWorkspaceDir(process.argv, process.env);
  // The API reaches the workspace, folders named with --allow or CAIRN_ALLOW, and those the
  // investigator picks with "Open folder…" (a native dialog the page cannot answer for itself).
  const fileAccess = limitedFileAccess(allowedFolders(allowArgsFrom(process.argv), process.env), {
    hint: 'Open its folder first with "Open folder…" in the file browser.',
  });
  const opened = openBackend({ workspaceDir, shell: 'electron', importWorkerScript, printer: electronPrinter(process.versions.electron ?? 'unknown'), fileAccess });
  backend = opened;

  ipcMain.handle(IPC_INVOKE, (event, method: unknown, args: unknown) => handleInvoke(opened, event, appWindow, method, args));
  ipcMain.handle(IPC_CHOOSE_FOLDER, (event) => grantChosenFolder(event, appWindow, showFolderDialog, fileAccess));
  stopForwardingEvents = opened.onEvent((event: AppEvent) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, event);
  });

  createWindow();
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Cairn',
    show: false,
    webPreferences: secureWebPreferences(preloadPath, buildKind),
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  window.loadURL(APP_ENTRY_URL).catch(fail);
}

/** The only window whose main frame may call the back end; read at each call, as the window can be replaced. */
function appWindow(): AppWindowLike | undefined {
  if (!mainWindow || mainWindow.isDestroyed()) return undefined;
  const contents = mainWindow.webContents;
  return { webContentsId: contents.id, mainFrame: contents.mainFrame };
}

function showFolderDialog(): Promise<{ canceled: boolean; filePaths: string[] }> {
  if (!mainWindow || mainWindow.isDestroyed()) return Promise.resolve({ canceled: true, filePaths: [] });
  return dialog.showOpenDialog(mainWindow, { title: 'Open a folder in Cairn', properties: ['openDirectory'] });
}

let closingBackend = false;

function closeBackendBeforeQuit(event: { preventDefault(): void }): void {
  if (!backend || closingBackend) return;
  // Electron does not await async quit handlers: hold the quit until the store is closed
  // cleanly (WAL checkpoint, audit log flushed), then quit again.
  event.preventDefault();
  closingBackend = true;
  stopForwardingEvents?.();
  ipcMain.removeHandler(IPC_INVOKE);
  ipcMain.removeHandler(IPC_CHOOSE_FOLDER);
  const closing = backend;
  backend = undefined;
  closing
    .close()
    .catch((error: unknown) => console.error('cairn: closing the back end failed:', error))
    .finally(() => app.quit());
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('cairn: start-up failed:', error);
  dialog.showErrorBox('Cairn could not start', message);
  app.exit(1);
}
