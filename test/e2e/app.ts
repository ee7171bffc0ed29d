import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { _electron, chromium, test as base, type BrowserContext, type ElectronApplication, type Page } from '@playwright/test';
import { requestLaunchUrl } from '../../scripts/browserLaunch.mjs';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/node/cli.cjs');
export const FIXTURES = resolve(REPO, '../shared/fixtures');

/** Debian's Chromium; Playwright's own browser download is not available on these machines. */
const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'];

function electronRuntimePresent(): boolean {
  const dir = join(REPO, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')));
}

export const SHELL: 'electron' | 'browser' = process.env.CAIRN_E2E_SHELL === 'electron' ? 'electron' : 'browser';

/** A running Cairn over one workspace folder, which survives restart(). */
export interface CairnApp {
  readonly workspace: string;
  page: Page;
  restart(): Promise<void>;
}

export interface Running {
  page: Page;
  stop(): Promise<void>;
}

/**
 * The folders the app may open besides the workspace (issue 17): the shared fixtures and the
 * temporary folder the tests write their files and exports to.
 */
export const ALLOWED = [FIXTURES, tmpdir()];
const ALLOW_ARGS = ALLOWED.flatMap((dir) => ['--allow', dir]);

export async function startBrowserShell(workspace: string, profile: string): Promise<Running> {
  const server: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace, ...ALLOW_ARGS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    server.once('exit', (code) => reject(new Error(`cairn serve exited with ${code} before printing its URL`)));
  });
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // As `npm start` opens it (issue 18): a one-time launch URL that the page exchanges for the token.
  await page.goto(await requestLaunchUrl(url));
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

/** userData: a user-data folder of its own, for a second app beside the first (Electron's single-instance lock lives there). */
export async function startElectronShell(workspace: string, userData?: string): Promise<Running> {
  if (!electronRuntimePresent()) throw new Error('CAIRN_E2E_SHELL=electron but no Electron runtime is installed');
  const { electronSqliteBinding } = await import('../../scripts/electronNative.mjs');
  const env = { ...process.env, CAIRN_SQLITE_BINDING: await electronSqliteBinding(REPO) } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  const args = [join(REPO, 'dist/electron/main.cjs'), ...(userData ? [`--user-data-dir=${userData}`] : []), '--workspace', workspace, ...ALLOW_ARGS];
  const app: ElectronApplication = await _electron.launch({ args, cwd: REPO, env });
  const page = await app.firstWindow();
  return { page, stop: () => app.close() };
}

export const test = base.extend<{ app: CairnApp }>({
  app: async ({}, use) => {
    const root = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
    const workspace = join(root, 'workspace');
    let profileN = 0;
    const start = () => (SHELL === 'electron' ? startElectronShell(workspace) : startBrowserShell(workspace, join(root, `profile-${profileN++}`)));
    // The CSP allows no inline style or script: anything the UI (or a library in it) injects
    // inline is refused, and Chromium says so on the console. No test may cause one.
    const cspViolations: string[] = [];
    const watchCsp = (page: Page) =>
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
    let running = await start();
    watchCsp(running.page);
    const app: CairnApp = {
      workspace,
      page: running.page,
      async restart() {
        await running.stop();
        running = await start();
        watchCsp(running.page);
        app.page = running.page;
      },
    };
    await use(app);
    await running.stop();
    rmSync(root, { recursive: true, force: true });
    if (cspViolations.length > 0) throw new Error(`the page reported Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
  },
});

export { expect } from '@playwright/test';
