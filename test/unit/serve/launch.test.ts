/**
 * Issue 18, item 6: `npm start` hands Chromium the session token without putting it on a
 * command line (a one-time launch URL, exchanged on first load, then refused), uses a fresh
 * private profile folder per start (removed on exit), and passes --no-sandbox only where the
 * sandbox cannot run, saying why. A real loopback server; Chromium is faked except in the probe
 * test, which runs the real one when it is installed.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppEvent, Envelope, Handlers } from '../../../shared/api/contract';
import { LAUNCH_CODE_PATH, LAUNCH_PATH } from '../../../shared/api/transport';
import type { Backend, CallContext } from '../../../electron/core/backendTypes';
import { createLaunchCodes, LAUNCH_CODE_TTL_MS } from '../../../electron/serve/launchCode';
import { startServer, type RunningServer } from '../../../electron/serve/server';
import { exchangeLaunchCode, readFragment } from '../../../renderer/api/sessionToken';
import * as launcher from '../../../scripts/browserLaunch.mjs';
import { tempDir } from '../helpers';

const stubBackend: Backend = {
  workspaceDir: '/nonexistent',
  handlers: {} as Handlers<CallContext>,
  async call(): Promise<Envelope<unknown>> {
    return { ok: true, result: null };
  },
  onEvent: (_l: (e: AppEvent) => void) => () => undefined,
  async close() {},
};

function post(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { ok: boolean; result?: Record<string, unknown>; error?: { kind: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function codeOf(url: string): string {
  return new URLSearchParams(new URL(url).hash.slice(1)).get('launch')!;
}

describe('one-time launch codes', () => {
  it('a code works once, is refused the second time, and is refused after its time is up', () => {
    let now = 1_000;
    const codes = createLaunchCodes({ now: () => now });
    const a = codes.issue();
    const b = codes.issue();
    assert.match(a, /^[0-9a-f]{48}$/);
    assert.notEqual(a, b);
    assert.equal(codes.redeem(a), true);
    assert.equal(codes.redeem(a), false, 'used once already');
    assert.equal(codes.redeem('0'.repeat(48)), false);
    assert.equal(codes.redeem(''), false);
    now += LAUNCH_CODE_TTL_MS - 1;
    assert.equal(codes.redeem(b), true, 'still within its minute');
    const c = codes.issue();
    now += LAUNCH_CODE_TTL_MS;
    assert.equal(codes.redeem(c), false, 'expired');
  });
});

describe('the server exchanges a launch code for the token', () => {
  let server: RunningServer;
  let now = 0;

  before(async () => {
    const renderer = tempDir();
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    server = await startServer({ backend: stubBackend, rendererDir: renderer, launchCodes: createLaunchCodes({ now: () => now }) });
  });
  after(() => server.close());

  it('issues a code only to a caller with the token, and never puts the token in the launch URL', async () => {
    assert.equal((await post(server.port, LAUNCH_CODE_PATH, '')).status, 401);
    assert.equal((await post(server.port, LAUNCH_CODE_PATH, '', { Authorization: 'Bearer nope' })).status, 401);
    const issued = await post(server.port, LAUNCH_CODE_PATH, '', { Authorization: `Bearer ${server.token}` });
    assert.equal(issued.status, 200);
    const url = issued.json.result!.url as string;
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#launch=[0-9a-f]{48}$`));
    assert.ok(!url.includes(server.token));
  });

  it('the code gives the token once; used or expired it is refused, saying so', async () => {
    const code = codeOf(server.issueLaunchUrl());
    const first = await post(server.port, LAUNCH_PATH, JSON.stringify({ code }));
    assert.deepEqual([first.status, first.json], [200, { ok: true, result: { token: server.token } }]);
    const second = await post(server.port, LAUNCH_PATH, JSON.stringify({ code }));
    assert.equal(second.status, 401);
    assert.match(second.json.error!.message, /this launch code was used already or has expired/);
    assert.ok(!JSON.stringify(second.json).includes(server.token));

    const late = codeOf(server.issueLaunchUrl());
    now += LAUNCH_CODE_TTL_MS + 1;
    assert.equal((await post(server.port, LAUNCH_PATH, JSON.stringify({ code: late }))).status, 401);
    for (const body of ['', 'not json', '{"code": 5}', '{}']) assert.equal((await post(server.port, LAUNCH_PATH, body)).status, 401, body);
  });

  it('a page on another site cannot redeem a code (Host and Origin are checked as for the API)', async () => {
    const code = codeOf(server.issueLaunchUrl());
    assert.equal((await post(server.port, LAUNCH_PATH, JSON.stringify({ code }), { Origin: 'https://evil.example' })).status, 403);
    assert.equal((await post(server.port, LAUNCH_PATH, JSON.stringify({ code }), { Host: 'rebound.example:80' })).status, 403);
    // Still unused: the refused attempts did not spend it.
    assert.equal((await post(server.port, LAUNCH_PATH, JSON.stringify({ code }), { Origin: `http://127.0.0.1:${server.port}` })).status, 200);
  });

  it("the renderer's exchange gets the token on first load and a clear problem after", async () => {
    const url = server.issueLaunchUrl();
    const fragment = readFragment(new URL(url).hash);
    assert.equal(fragment.token, null);
    assert.equal(fragment.rest, '');
    const base = `http://127.0.0.1:${server.port}`;
    assert.deepEqual(await exchangeLaunchCode(fragment.launch!, base), { token: server.token });
    const again = await exchangeLaunchCode(fragment.launch!, base);
    assert.equal(again.token, null);
    assert.match(again.problem!, /Cairn could not start the session: this launch code was used already/);
    assert.deepEqual(readFragment('#token=abc&x=1'), { token: 'abc', launch: null, rest: 'x=1' });
  });

  it('npm start launches Chromium with the launch URL only: the token is nowhere in its argv, the profile is fresh and private and removed on exit', async () => {
    const spawned: { command: string; args: readonly string[] }[] = [];
    const children: EventEmitter[] = [];
    const fakeSpawn = (command: string, args: readonly string[]) => {
      spawned.push({ command, args });
      const child = new EventEmitter();
      children.push(child);
      return child;
    };
    const parent = tempDir();
    const logged: string[] = [];
    const start = () =>
      launcher.launchChromium({ browser: '/usr/bin/chromium', serverUrl: server.url, log: (m) => logged.push(m), spawn: fakeSpawn, uid: 1000, platform: 'linux', probe: () => ({ ok: true }), profileParent: parent });
    const one = await start();
    const two = await start();

    const argv = spawned[0]!.args;
    assert.ok(!argv.join(' ').includes(server.token), 'the token is not on the command line');
    assert.ok(!spawned[1]!.args.join(' ').includes(server.token));
    const app = argv.find((a) => a.startsWith('--app='))!.slice('--app='.length);
    const redeemed = await post(server.port, LAUNCH_PATH, JSON.stringify({ code: codeOf(app) }));
    assert.equal(redeemed.json.result!.token, server.token, 'the launch URL leads to the session');
    assert.equal((await post(server.port, LAUNCH_PATH, JSON.stringify({ code: codeOf(app) }))).status, 401, 'and only once');
    assert.ok(!argv.includes('--no-sandbox'));
    assert.deepEqual(logged, []);

    assert.ok(argv.includes(`--user-data-dir=${one.profileDir}`));
    assert.notEqual(one.profileDir, two.profileDir, 'a fresh folder per start');
    assert.ok(!one.profileDir.endsWith('cairn-chromium-profile'));
    assert.equal(statSync(one.profileDir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(one.profileDir), []);

    mkdirSync(join(one.profileDir, 'Default'));
    writeFileSync(join(one.profileDir, 'Default', 'History'), 'visited');
    children[0]!.emit('exit', 0, null);
    await one.exited;
    assert.equal(existsSync(one.profileDir), false, 'removed when Chromium exits');
    assert.equal(existsSync(two.profileDir), true);
    children[1]!.emit('error', new Error('spawn ENOENT'));
    await two.exited;
    assert.equal(existsSync(two.profileDir), false, 'removed when Chromium could not start');
  });

  it('--no-sandbox as root or where the probe says the sandbox cannot run, with the reason printed; never otherwise', async () => {
    const run = async (uid: number, platform: NodeJS.Platform, probe: () => launcher.SandboxProbe) => {
      const args: string[][] = [];
      const logged: string[] = [];
      let probed = 0;
      const l = await launcher.launchChromium({
        browser: 'chromium',
        serverUrl: server.url,
        log: (m) => logged.push(m),
        spawn: (_c, a) => (args.push([...a]), new EventEmitter()),
        uid,
        platform,
        probe: () => (probed++, probe()),
        profileParent: tempDir(),
      });
      return { noSandbox: args[0]!.includes('--no-sandbox'), flagged: l.noSandbox, logged, probed };
    };
    const root = await run(0, 'linux', () => ({ ok: true }));
    assert.deepEqual([root.noSandbox, root.flagged, root.probed], [true, true, 0]);
    assert.match(root.logged[0]!, /without its sandbox: Cairn runs as root/);

    const refused = await run(1000, 'linux', () => ({ ok: false, sandbox: true, detail: 'No usable sandbox!' }));
    assert.equal(refused.noSandbox, true);
    assert.match(refused.logged[0]!, /without its sandbox: Chromium's sandbox cannot run on this system \(No usable sandbox!\)/);

    const fine = await run(1000, 'linux', () => ({ ok: true }));
    assert.deepEqual([fine.noSandbox, fine.logged, fine.probed], [false, [], 1]);
    // A probe that failed for another reason (no display, a crash) is no reason to drop the sandbox.
    const other = await run(1000, 'linux', () => ({ ok: false, sandbox: false, detail: 'exit 1' }));
    assert.deepEqual([other.noSandbox, other.logged], [false, []]);
    const mac = await run(501, 'darwin', () => ({ ok: false, sandbox: true, detail: 'x' }));
    assert.deepEqual([mac.noSandbox, mac.probed], [false, 0]);
  });
});

describe('the sandbox probe', () => {
  it('reads Chromium\'s own answer: started, sandbox refused, or failed otherwise; and leaves no folder behind', () => {
    const parent = tempDir();
    const fake = (status: number | null, stderr: string) => () => ({ status, signal: null, stderr, error: undefined });
    assert.deepEqual(launcher.probeSandbox('chromium', { spawnSync: fake(0, ''), parent }), { ok: true });
    const refused = launcher.probeSandbox('chromium', {
      spawnSync: fake(133, '[1:1:0101/000000.000:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu 23.10+ …\n'),
      parent,
    });
    assert.deepEqual(refused, { ok: false, sandbox: true, detail: 'No usable sandbox! If you are running on Ubuntu 23.10+ …' });
    assert.deepEqual(launcher.probeSandbox('chromium', { spawnSync: fake(1, 'Missing X server or $DISPLAY\n'), parent }), { ok: false, sandbox: false, detail: 'exit 1' });
    assert.deepEqual(readdirSync(parent), []);
  });

  it('runs the real Chromium, when installed: as root it reports that the sandbox cannot start', { skip: !existsSync('/usr/bin/chromium') || process.getuid?.() !== 0 }, () => {
    const result = launcher.probeSandbox('/usr/bin/chromium', { parent: tempDir() });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.sandbox, JSON.stringify(result));
  });

  it('the launcher and the server agree on the launch-code path', () => {
    assert.equal(launcher.LAUNCH_CODE_PATH, LAUNCH_CODE_PATH);
  });
});
