/**
 * The Electron shell: lifecycle, the window, and the single IPC door. Security settings are
 * in ./security.ts; the back end is Electron-free and shared with the browser shell and CLI.
 */
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import path from 'node:path';
import type { AppEvent } from '../../shared/api/contract';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/api/transport';
import { openBackend } from '../core/backend';
import type { Backend } from '../core/backendTypes';
import { resolveWorkspaceDir } from '../core/workspace';
import { electronPrinter } from './electronPrinter';
import { handleInvoke } from './ipcGuard';
import {
  APP_ENTRY_URL,
  hardenApp,
  hardenSession,
  registerAppProtocol,
  registerAppScheme,
  secureWebPreferences,
} from './security';

const rendererDir = path.join(__dirname, '../renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');
const importWorkerScript = path.join(__dirname, '../node/importWorker.cjs');

let backend: Backend | undefined;
let mainWindow: BrowserWindow | undefined;
let stopForwardingEvents: (() => void) | undefined;

// Both must precede 'ready'.
registerAppScheme();
hardenApp();

// Two instances would open the same store.sqlite and audit logs from two processes.
if (!app.requestSingleInstanceLock()) {
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
  hardenSession(session.defaultSession);
  registerAppProtocol(rendererDir);

  const workspaceDir = resolveWorkspaceDir(process.argv, process.env);
  const opened = openBackend({ workspaceDir, shell: 'electron', importWorkerScript, printer: electronPrinter(process.versions.electron ?? 'unknown') });
  backend = opened;

  ipcMain.handle(IPC_INVOKE, (event, method: unknown, args: unknown) => handleInvoke(opened, event, method, args));
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
    webPreferences: secureWebPreferences(preloadPath),
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  window.loadURL(APP_ENTRY_URL).catch(fail);
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
