/**
 * "Open folder…" (Electron shell): the folder picked in the main process's native dialog is
 * granted; a page that is not the app's cannot open the dialog, and a cancelled dialog grants
 * nothing. Fake senders and dialogs shaped like Electron's (main.ts passes the real ones, so the
 * compiler checks the shapes agree); this never ran on an Electron runtime here.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { limitedFileAccess } from '../../../electron/core/fileAccess';
import { grantChosenFolder, type OpenDialogResult } from '../../../electron/main/folderGrant';
import type { AppWindowLike, InvokeEventLike } from '../../../electron/main/ipcGuard';
import { tempDir } from '../helpers';

const WINDOW: AppWindowLike = { webContentsId: 7, mainFrame: { processId: 4, routingId: 1 } };

function event(url = 'cairn://app/index.html', routingId = 1): InvokeEventLike {
  return { processId: 4, frameId: routingId, sender: { id: 7 }, senderFrame: { url, parent: null, processId: 4, routingId, detached: false } };
}

function dialog(result: OpenDialogResult) {
  const shown: number[] = [];
  return { shown, show: async () => (shown.push(1), result) };
}

test('the folder picked in the native dialog is granted, and files in it pass the check from then on', async () => {
  const base = tempDir();
  const workspace = join(base, 'ws');
  const picked = join(base, 'cases');
  mkdirSync(workspace);
  mkdirSync(picked);
  const access = limitedFileAccess([]);
  access.setWorkspace(workspace);
  assert.throws(() => access.checkRead(join(picked, 'x.csv')), /outside the folders opened in this session/);
  const d = dialog({ canceled: false, filePaths: [picked] });
  assert.equal(await grantChosenFolder(event(), () => WINDOW, d.show, access), picked);
  assert.deepEqual(access.roots(), [workspace, picked]);
  access.checkRead(join(picked, 'x.csv'));
});

test('a cancelled dialog grants nothing', async () => {
  const access = limitedFileAccess([]);
  const d = dialog({ canceled: true, filePaths: [] });
  assert.equal(await grantChosenFolder(event(), () => WINDOW, d.show, access), null);
  assert.equal(d.shown.length, 1);
  assert.deepEqual(access.roots(), []);
});

test('a sender that is not the app page gets no dialog and no grant', async () => {
  const access = limitedFileAccess([]);
  for (const [name, e, window] of [
    ['another origin', event('https://evil.example/'), WINDOW],
    ['a subframe', event('cairn://app/index.html', 2), WINDOW],
    ['no window', event(), undefined],
  ] as const) {
    const d = dialog({ canceled: false, filePaths: ['/'] });
    assert.equal(await grantChosenFolder(e, () => window, d.show, access), null, name);
    assert.equal(d.shown.length, 0, `${name}: the dialog must not open`);
  }
  assert.deepEqual(access.roots(), []);
});
