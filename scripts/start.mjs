// `npm start`: builds when needed, then runs the Electron shell where its runtime exists and
// the browser shell (loopback server + Chromium in --app mode) otherwise, and says which.
// CAIRN_SHELL=electron|browser forces one. Arguments after `npm start --` pass through
// (e.g. --workspace DIR, --allow DIR).
//
// Never require('electron') here: its index.js downloads the runtime as a side effect.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchChromium, removeProfileDir } from './browserLaunch.mjs';
import { electronSqliteBinding } from './electronNative.mjs';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const passthrough = process.argv.slice(2);
const forced = process.env.CAIRN_SHELL ?? '';
if (forced !== '' && forced !== 'electron' && forced !== 'browser') {
  fail(`CAIRN_SHELL must be "electron" or "browser", not "${forced}"`);
}

buildIfStale();

let shell = forced === 'browser' ? 'browser' : electronRuntime() ? 'electron' : undefined;
if (shell === undefined) {
  // Electron 45 fetches its runtime on first use, not at npm install: a connected machine
  // gets it here; an offline one fails fast and falls back to the browser shell.
  tryInstallElectron();
  shell = electronRuntime() ? 'electron' : undefined;
}
if (shell === undefined && forced === 'electron') {
  fail('CAIRN_SHELL=electron, but there is no Electron runtime in node_modules/electron/dist');
}

if (shell === 'electron') await startElectron();
else startBrowserShell();

function buildIfStale() {
  const outputs = ['dist/node/cli.cjs', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html'];
  const oldestOutput = Math.min(
    ...outputs.map((file) => (existsSync(join(root, file)) ? statSync(join(root, file)).mtimeMs : -Infinity)),
  );
  const newestSource = Math.max(
    ...['shared', 'electron', 'renderer'].map((dir) => newestMtime(join(root, dir))),
    statSync(join(root, 'package.json')).mtimeMs,
    statSync(join(root, 'scripts/build.mjs')).mtimeMs,
  );
  if (oldestOutput >= newestSource) return;
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail('the build failed (see above)');
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The same test electron/index.js makes, without its download side effect. */
function electronRuntime() {
  const pathFile = join(root, 'node_modules/electron/path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    return existsSync(join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron'));
  }
  return executable !== '' && existsSync(join(root, 'node_modules/electron/dist', executable));
}

function tryInstallElectron() {
  const installer = join(root, 'node_modules/electron/install.js');
  if (!existsSync(installer)) return;
  console.log('Cairn: no Electron runtime yet; trying to fetch it (node node_modules/electron/install.js)');
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  });
  if (result.status !== 0) {
    const firstLine = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '') ?? String(result.error ?? 'failed');
    console.log(`Cairn: fetching Electron failed: ${firstLine.trim()}`);
  }
}

async function startElectron() {
  console.log('Cairn: starting the Electron shell');
  const env = { ...process.env };
  try {
    env.CAIRN_SQLITE_BINDING = await electronSqliteBinding(root, (m) => console.log(`Cairn: ${m}`));
  } catch (error) {
    fail(`could not build better-sqlite3 for Electron (${error.message}); CAIRN_SHELL=browser npm start uses the browser shell`);
  }
  // Inherited from a parent tool, this would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(
    process.execPath,
    [join(root, 'node_modules/electron/cli.js'), join(root, 'dist/electron/main.cjs'), ...passthrough],
    { cwd: root, stdio: 'inherit', env },
  );
  forwardSignals([child]);
  exitWith(child);
}

function startBrowserShell() {
  console.log(
    forced === 'browser'
      ? 'Cairn: CAIRN_SHELL=browser; starting the browser shell'
      : 'Cairn: no Electron runtime here; starting the browser shell',
  );
  const server = spawn(process.execPath, [join(root, 'dist/node/cli.cjs'), 'serve', ...passthrough], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  const children = [server];
  forwardSignals(children);
  // Each start's private Chromium profile, removed when Chromium exits; this is the last resort.
  const launches = [];
  process.on('exit', () => {
    for (const launch of launches) removeProfileDir(launch.profileDir);
  });

  const lines = createInterface({ input: server.stdout });
  let sawUrl = false;
  lines.on('line', async (line) => {
    if (sawUrl) {
      console.log(line);
      return;
    }
    sawUrl = true;
    const url = line.trim();
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) {
      console.log(line);
      console.log('Cairn: the server did not print its URL first; see its output above');
      return;
    }
    const browser = findChromium();
    if (browser === undefined) {
      console.log(`Open this URL in a browser: ${url}`);
      return;
    }
    // The token stays off Chromium's command line: it gets a one-time launch URL instead.
    let launch;
    try {
      launch = await launchChromium({ browser, serverUrl: url, log: (message) => console.log(`Cairn: ${message}`) });
    } catch (error) {
      console.log(`Cairn: could not open ${browser} (${error.message}); open this URL in a browser: ${url}`);
      return;
    }
    launches.push(launch);
    console.log(`Cairn: opening ${browser} in app mode (server at ${url}; Ctrl+C stops it)`);
    const chromium = launch.child;
    chromium.on('error', (error) => console.log(`Cairn: could not start ${browser} (${error.message}); open ${url}`));
    const launchedAt = Date.now();
    chromium.on('exit', (code) => {
      // Closing the app window ends the session; a browser that could not start at all (no
      // display, say) leaves the server running for the printed URL.
      if (Date.now() - launchedAt < 3000 && code !== 0) {
        console.log(`Cairn: ${browser} exited at start (code ${code}); open this URL in a browser: ${url}`);
      } else if (server.exitCode === null) {
        console.log('Cairn: the app window was closed; stopping');
        server.kill('SIGTERM');
      }
    });
    children.push(chromium);
  });

  server.on('error', (error) => fail(error.message));
  server.on('exit', (code, signal) => {
    for (const child of children) if (child !== server && child.exitCode === null) child.kill('SIGTERM');
    // Wait (a little) for Chromium to close before removing its profile folder.
    const closed = Promise.all(launches.map((launch) => launch.exited));
    const patience = new Promise((resolve) => setTimeout(resolve, 5000));
    void Promise.race([closed, patience]).then(() => process.exit(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1)));
  });
}

function findChromium() {
  const fromEnv = process.env.CAIRN_BROWSER;
  if (fromEnv) return fromEnv.includes('/') ? (existsSync(fromEnv) ? fromEnv : undefined) : onPath(fromEnv);
  for (const fixed of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(fixed)) return fixed;
  }
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function forwardSignals(children) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
}

function exitWith(child) {
  child.on('error', (error) => fail(error.message));
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1));
  });
}

function signalNumber(signal) {
  return { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[signal];
}

function fail(message) {
  console.error(`Cairn: ${message}`);
  process.exit(1);
}
