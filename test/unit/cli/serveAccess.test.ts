/**
 * `cairn serve` (the browser shell's server, what `npm start` runs) limits the API to the
 * workspace and the --allow folders, or the home folder when none is given, and says which on
 * the terminal. Runs the built bin, over real HTTP with the session token.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { tempDir } from '../helpers';
import { BIN } from './cliRun';

async function serve(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`cairn serve exited with ${code}: ${stderr}`)));
  });
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token')!;
  const call = async (method: string, body: unknown) => {
    const r = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return (await r.json()) as { ok: boolean; result?: unknown; error?: { kind: string; message: string } };
  };
  const notice = async (): Promise<string> => {
    for (let i = 0; i < 100 && !stderr.includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    return stderr;
  };
  const stop = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { call, notice, stop };
}

test('cairn serve --allow: the API reaches the workspace and those folders only, and says so at start', async () => {
  const base = tempDir();
  const workspace = join(base, 'ws');
  const cases = join(base, 'cases');
  const outside = join(base, 'outside');
  mkdirSync(cases);
  mkdirSync(outside);
  writeFileSync(join(outside, 'shadow'), 'root:secret\n');
  const s = await serve(['--workspace', workspace, '--allow', cases]);
  try {
    assert.match(await s.notice(), new RegExp(`the app may open files only in the workspace \\(${workspace}\\) and ${cases}`));
    const roots = await s.call('fs.list', {});
    assert.equal(roots.ok, true);
    assert.deepEqual((roots.result as { roots: string[] }).roots, [workspace, cases]);
    const refused = await s.call('import.start', { paths: [join(outside, 'shadow')] });
    assert.equal(refused.error?.kind, 'forbidden');
    assert.match(refused.error!.message, /is outside the folders opened in this session/);
    assert.ok(!refused.error!.message.includes('secret'));
    assert.equal((await s.call('fs.list', { path: cases })).ok, true);
  } finally {
    await s.stop();
  }
});

test('cairn serve with no --allow grants the home folder, says so, and still refuses what lies outside it', async () => {
  const base = tempDir();
  const home = join(base, 'home');
  mkdirSync(home);
  const s = await serve(['--workspace', join(base, 'ws')], { ...process.env, HOME: home, CAIRN_ALLOW: '' });
  try {
    assert.match(await s.notice(), /no --allow given, so the app may open files in the workspace .* and your home folder \(.*home\)/);
    assert.equal((await s.call('fs.list', { path: home })).ok, true);
    assert.equal((await s.call('fs.list', { path: base })).error?.kind, 'forbidden');
  } finally {
    await s.stop();
  }
});

test('cairn serve --allow with a folder that does not exist stops at start, naming it', async () => {
  const base = tempDir();
  const child = spawn(process.execPath, [BIN, 'serve', '--workspace', join(base, 'ws'), '--allow', join(base, 'typo')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.equal(code, 1);
  assert.match(stderr, /--allow .*typo: no such folder/);
});
