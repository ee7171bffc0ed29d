import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultWorkspaceDir, resolveWorkspaceDir } from '../../../electron/core/workspace';
import { freshBackend, ok } from './backendHelpers';

test('settings keep the investigator name and the last open case in the workspace, across restarts', async () => {
  const { backend, dir } = freshBackend();
  const { id } = await ok(backend, 'case.create', { name: 'Reopen me' });
  await ok(backend, 'settings.set', { investigator: '  A. Analyst ' });
  const s = await ok(backend, 'settings.set', { lastCase: id });
  assert.deepEqual(s, { investigator: 'A. Analyst', lastCase: 'reopen-me' });
  await backend.close();
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), { investigator: 'A. Analyst', lastCase: 'reopen-me' });
  const { backend: again } = freshBackend(dir);
  assert.deepEqual((await ok(again, 'app.info', {})).settings, { investigator: 'A. Analyst', lastCase: 'reopen-me' });
  await again.close();
});

test('the workspace folder comes from --workspace, then CAIRN_WORKSPACE, then the per-user data folder', () => {
  assert.equal(resolveWorkspaceDir(['node', 'cairn', 'stats', '--workspace', '/cases/ws'], { CAIRN_WORKSPACE: '/other' }), '/cases/ws');
  assert.equal(resolveWorkspaceDir(['--workspace=/cases/ws2'], {}), '/cases/ws2');
  assert.equal(resolveWorkspaceDir([], { CAIRN_WORKSPACE: '/env/ws' }), '/env/ws');
  assert.equal(defaultWorkspaceDir({ XDG_DATA_HOME: '/home/u/.data' }, 'linux'), '/home/u/.data/Cairn');
  assert.equal(defaultWorkspaceDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\u\\AppData\\Roaming', 'Cairn'));
  assert.throws(() => resolveWorkspaceDir(['--workspace'], {}), /needs a folder/);
});
