/**
 * Issue 17, item 4: file access through the API is limited to the folders the investigator
 * opened or chose in this session, and the workspace. Real SQLite, real files, real symlinks.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openBackend } from '../../../electron/core/backend';
import type { Backend } from '../../../electron/core/backendTypes';
import { accessNotice, allowArgsFrom, allowedFolders, browserShellAccess, limitedFileAccess, OUTSIDE_GRANTED_FOLDERS } from '../../../electron/core/fileAccess';
import { ETL_TXS, tempDir } from '../helpers';
import { fails, importAndWait, ok } from './backendHelpers';

const SECRET = 'root:$6$not-a-real-hash:19000:0:99999:7:::';

/** A workspace, a granted folder with an export in it, and a folder outside both holding a "secret". */
function layout() {
  const base = tempDir('cairn-access-');
  const workspace = join(base, 'workspace');
  const cases = join(base, 'cases');
  const outside = join(base, 'outside');
  mkdirSync(cases);
  mkdirSync(outside);
  const shadow = join(outside, 'shadow');
  writeFileSync(shadow, SECRET + '\n');
  const export1 = join(cases, 'transactions.csv');
  copyFileSync(ETL_TXS, export1);
  return { base, workspace, cases, outside, shadow, export1 };
}

function limitedBackend(workspace: string, folders: string[]): Backend {
  return openBackend({ workspaceDir: workspace, shell: 'browser', fileAccess: limitedFileAccess(folders) });
}

async function refusal(backend: Backend, method: string, args: unknown): Promise<{ message: string; detail: unknown }> {
  const r = await backend.call(method, args);
  assert.equal(r.ok, false, `${method} should be refused`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.kind, 'forbidden', r.error.message);
  return { message: r.error.message, detail: r.error.detail };
}

test('a file outside the granted folders is refused for reading, with a message naming the folders and none of the file', async () => {
  const l = layout();
  const backend = limitedBackend(l.workspace, [l.cases]);
  for (const [method, args] of [
    ['import.start', { paths: [l.shadow] }],
    ['import.start', { paths: [l.export1, l.shadow] }],
    ['labels.preview', { paths: [l.shadow] }],
    ['bundle.inspect', { path: l.shadow }],
    ['fs.list', { path: l.outside }],
  ] as const) {
    const { message, detail } = await refusal(backend, method, args);
    assert.ok(message.includes(l.workspace), `${method}: names the workspace: ${message}`);
    assert.ok(message.includes(l.cases), `${method}: names the granted folder: ${message}`);
    assert.match(message, /outside the folders opened in this session/);
    assert.ok(!message.includes('root:'), `${method}: never quotes the file: ${message}`);
    assert.deepEqual(detail, { code: OUTSIDE_GRANTED_FOLDERS, roots: [l.workspace, l.cases] });
  }
  // Refused before any job starts: nothing to cancel, nothing in the job list carries the file.
  assert.deepEqual(await ok(backend, 'jobs.list', {}), []);
  // /etc/shadow, the path of the report in issue 17, whatever this machine holds there.
  const { message } = await refusal(backend, 'import.start', { paths: ['/etc/shadow'] });
  assert.match(message, /^"\/etc\/shadow" is outside the folders opened in this session \(the workspace, .*\), so Cairn may not read it\. Choose its folder first\.$/);
  await backend.close();
});

test('a path outside the granted folders is refused for writing, and nothing is written there', async () => {
  const l = layout();
  const backend = limitedBackend(l.workspace, [l.cases]);
  const c = await ok(backend, 'case.create', { name: 'Outside writes' });
  for (const [method, args, file] of [
    ['case.exportTagPack', { caseId: c.id, path: join(l.outside, 'tags.yaml') }, join(l.outside, 'tags.yaml')],
    ['case.export', { caseId: c.id, path: join(l.outside, 'new', 'case.cairnbundle') }, join(l.outside, 'new')],
    ['report.create', { caseId: c.id, path: join(l.outside, 'report.html') }, join(l.outside, 'report.html')],
    ['case.exportGraph', { caseId: c.id, format: 'graphml', path: join(l.outside, 'graph.graphml') }, join(l.outside, 'graph.graphml')],
    // Overwriting a file outside (say ~/.bashrc) is the same refusal.
    ['case.exportTagPack', { caseId: c.id, path: l.shadow, overwrite: true }, null],
  ] as const) {
    const { message } = await refusal(backend, method, args);
    assert.match(message, /so Cairn may not write it/);
    assert.ok(message.includes(l.cases), message);
    if (file) assert.equal(existsSync(file), false, `${method} wrote ${file}`);
  }
  assert.equal(readFileSync(l.shadow, 'utf8'), SECRET + '\n');
  await backend.close();
});

test('a symlink inside a granted folder that points outside is refused, for reading and for writing', async () => {
  const l = layout();
  symlinkSync(l.shadow, join(l.cases, 'innocent.csv'));
  symlinkSync(l.outside, join(l.cases, 'exports'));
  // A link to a place that does not exist yet: a write through it would create it, outside.
  symlinkSync(join(l.outside, 'planted.yaml'), join(l.cases, 'dangling.yaml'));
  const backend = limitedBackend(l.workspace, [l.cases]);
  const c = await ok(backend, 'case.create', { name: 'Links' });

  await refusal(backend, 'import.start', { paths: [join(l.cases, 'innocent.csv')] });
  await refusal(backend, 'labels.import', { paths: [join(l.cases, 'exports', 'shadow')] });
  await refusal(backend, 'fs.list', { path: join(l.cases, 'exports') });
  await refusal(backend, 'case.exportTagPack', { caseId: c.id, path: join(l.cases, 'exports', 'tags.yaml') });
  const dangling = await refusal(backend, 'case.exportTagPack', { caseId: c.id, path: join(l.cases, 'dangling.yaml') });
  assert.match(dangling.message, /symbolic link that leads nowhere Cairn can check/);
  assert.equal(existsSync(join(l.outside, 'tags.yaml')), false);
  assert.equal(existsSync(join(l.outside, 'planted.yaml')), false);
  await backend.close();
});

test('".." cannot climb out of a granted folder, neither as text nor through a link', async () => {
  const l = layout();
  const inner = join(l.outside, 'inner');
  mkdirSync(inner);
  // cases/up -> outside/inner, so the kernel reads cases/up/../shadow as outside/shadow, while
  // path.resolve would make it cases/shadow: both readings are checked.
  symlinkSync(inner, join(l.cases, 'up'));
  const backend = limitedBackend(l.workspace, [l.cases]);
  await refusal(backend, 'import.start', { paths: [join(l.cases, '..', 'outside', 'shadow')] });
  await refusal(backend, 'import.start', { paths: [`${l.cases}/../outside/shadow`] });
  await refusal(backend, 'import.start', { paths: [`${l.cases}/up/../shadow`] });
  await refusal(backend, 'fs.list', { path: `${l.workspace}/../outside` });
  const c = await ok(backend, 'case.create', { name: 'Dots' });
  await refusal(backend, 'case.exportTagPack', { caseId: c.id, path: `${l.cases}/../outside/tags.yaml` });
  assert.equal(existsSync(join(l.outside, 'tags.yaml')), false);
  await backend.close();
});

test('a granted folder works: import, listing and export inside it', async () => {
  const l = layout();
  const backend = limitedBackend(l.workspace, [l.cases]);
  await importAndWait(backend, [l.export1]);
  assert.equal((await ok(backend, 'store.stats', {})).chains[0]!.transfers > 0, true);
  const listing = await ok(backend, 'fs.list', { path: l.cases });
  assert.deepEqual(listing.entries.map((e) => e.name), ['transactions.csv']);
  const c = await ok(backend, 'case.create', { name: 'Inside' });
  const out = await ok(backend, 'case.exportTagPack', { caseId: c.id, path: join(l.cases, 'out', 'tags.yaml') });
  assert.equal(out.file, join(l.cases, 'out', 'tags.yaml'));
  assert.ok(existsSync(out.file));
  // A "..", or a link, that stays inside is fine.
  await ok(backend, 'fs.list', { path: `${l.cases}/out/..` });
  symlinkSync(join(l.cases, 'out'), join(l.cases, 'link-to-out'));
  await ok(backend, 'fs.list', { path: join(l.cases, 'link-to-out') });
  // A typo inside a granted folder is the handler's "not found", not an access refusal.
  const missing = await backend.call('fs.list', { path: join(l.cases, 'no-such-folder') });
  assert.equal(!missing.ok && missing.error.kind, 'not_found');
  await backend.close();
});

test('the workspace is always granted, and a folder granted later (a native dialog\'s pick) opens from then on', async () => {
  const l = layout();
  const access = limitedFileAccess([]);
  const backend = openBackend({ workspaceDir: l.workspace, shell: 'electron', fileAccess: access });
  const c = await ok(backend, 'case.create', { name: 'Workspace only' });
  const report = await ok(backend, 'report.create', { caseId: c.id, path: join(l.workspace, 'exports', 'report.html') });
  assert.ok(existsSync(report.file));
  const copy = join(l.workspace, 'incoming.csv');
  copyFileSync(ETL_TXS, copy);
  await importAndWait(backend, [copy]);
  await refusal(backend, 'import.start', { paths: [l.export1] });
  assert.equal(access.grant(l.cases), l.cases);
  await ok(backend, 'fs.list', { path: l.cases });
  await importAndWait(backend, [l.export1]);
  await backend.close();
});

test('fs.list with no path lists the granted folders, and "Up" stops at them', async () => {
  const l = layout();
  mkdirSync(join(l.cases, 'sub'));
  const backend = limitedBackend(l.workspace, [l.cases]);
  const top = await ok(backend, 'fs.list', {});
  assert.equal(top.path, '');
  assert.equal(top.parent, null);
  assert.deepEqual(top.roots, [l.workspace, l.cases]);
  assert.deepEqual(top.entries.map((e) => [e.path, e.kind]), [[l.workspace, 'dir'], [l.cases, 'dir']]);
  const root = await ok(backend, 'fs.list', { path: l.cases });
  assert.equal(root.parent, null, 'no way up out of a granted folder');
  assert.deepEqual(root.roots, [l.workspace, l.cases]);
  const sub = await ok(backend, 'fs.list', { path: join(l.cases, 'sub') });
  assert.equal(sub.parent, l.cases);
  await backend.close();
});

test('the CLI is unlimited, as before: any folder lists and any file imports', async () => {
  const l = layout();
  const backend = openBackend({ workspaceDir: l.workspace, shell: 'cli' });
  const listing = await ok(backend, 'fs.list', { path: l.outside });
  assert.deepEqual(listing.entries.map((e) => e.name), ['shadow']);
  assert.equal(listing.roots, undefined);
  assert.equal(listing.parent, l.base);
  copyFileSync(ETL_TXS, join(l.outside, 'transactions.csv'));
  await importAndWait(backend, [join(l.outside, 'transactions.csv')]);
  // With no path it still starts in the home folder.
  assert.notEqual((await ok(backend, 'fs.list', {})).path, '');
  await fails(backend, 'fs.list', { path: join(l.outside, 'missing') }, 'not_found');
  await backend.close();
});

test('the browser shell grants --allow folders and CAIRN_ALLOW, or the home folder when none is given, and says which', () => {
  const l = layout();
  assert.deepEqual(allowArgsFrom(['serve', '--allow', l.cases, `--allow=${l.outside}`, '--workspace', l.workspace]), [l.cases, l.outside]);
  assert.throws(() => allowArgsFrom(['--allow']), /--allow needs a folder/);
  assert.throws(() => allowArgsFrom(['--allow', '--workspace', 'x']), /--allow needs a folder/);
  assert.deepEqual(allowedFolders([l.cases], { CAIRN_ALLOW: `${l.outside}:${l.base}:` }), [l.cases, l.outside, l.base]);
  assert.throws(() => allowedFolders([join(l.base, 'nope')], {}), /--allow .*nope: no such folder/);
  assert.throws(() => allowedFolders([l.shadow], {}), /is a file; name the folder that holds it/);

  const named = browserShellAccess([l.cases], {}, '/home/someone');
  assert.equal(named.defaulted, false);
  named.access.setWorkspace(l.workspace);
  assert.deepEqual(named.access.roots(), [l.workspace, l.cases]);
  assert.equal(accessNotice(named.access, named.defaulted), `Cairn: the app may open files only in the workspace (${l.workspace}) and ${l.cases}`);
  assert.throws(() => named.access.checkRead(l.shadow), /npm start -- --allow FOLDER/);

  const home = browserShellAccess([], {}, l.outside);
  assert.equal(home.defaulted, true);
  home.access.setWorkspace(l.workspace);
  assert.deepEqual(home.access.roots(), [l.workspace, l.outside]);
  assert.match(accessNotice(home.access, home.defaulted), /no --allow given, so the app may open files in the workspace .* and your home folder \(.*outside\)/);
  home.access.checkRead(l.shadow);
  assert.throws(() => home.access.checkRead(l.export1), (e: Error & { kind?: string }) => e.kind === 'forbidden');
});
