/**
 * A second Cairn, over a workspace of its own, running next to the `app` fixture: a colleague's
 * machine, for hand-over tests. Started the way app.ts starts the first one, in the same shell
 * (CAIRN_E2E_SHELL), with its own browser profile or Electron user-data folder so that the two
 * do not share a single-instance lock, storage or a session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { _electron, chromium, type Page } from '@playwright/test';
import { SHELL } from './app';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/node/cli.cjs');
const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'];

export interface SecondApp {
  /** The second workspace, empty when started. */
  readonly workspace: string;
  readonly page: Page;
  /** Stops the app and removes its folder. */
  close(): Promise<void>;
}

async function startBrowser(workspace: string, profile: string): Promise<{ page: Page; stop(): Promise<void> }> {
  const server: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    server.once('exit', (code) => reject(new Error(`cairn serve exited with ${code} before printing its URL`)));
  });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  return {
    page,
    async stop() {
      await context.close();
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    },
  };
}

async function startElectron(workspace: string, userData: string): Promise<{ page: Page; stop(): Promise<void> }> {
  const dir = join(REPO, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile) || !existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')))) {
    throw new Error('CAIRN_E2E_SHELL=electron but no Electron runtime is installed');
  }
  const { electronSqliteBinding } = await import('../../scripts/electronNative.mjs');
  const env = { ...process.env, CAIRN_SQLITE_BINDING: await electronSqliteBinding(REPO) } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  // Its own user-data folder: Electron's single-instance lock lives there, and the first app holds the default one.
  const app = await _electron.launch({
    args: [join(REPO, 'dist/electron/main.cjs'), `--user-data-dir=${userData}`, '--workspace', workspace],
    cwd: REPO,
    env,
  });
  const page = await app.firstWindow();
  return { page, stop: () => app.close() };
}

/** Starts a second Cairn over a fresh, empty workspace. Close it before the test ends. */
export async function startSecondApp(): Promise<SecondApp> {
  const root = mkdtempSync(join(tmpdir(), 'cairn-e2e-second-'));
  const workspace = join(root, 'workspace');
  const running = SHELL === 'electron' ? await startElectron(workspace, join(root, 'user-data')) : await startBrowser(workspace, join(root, 'profile'));
  return {
    workspace,
    page: running.page,
    async close() {
      await running.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
