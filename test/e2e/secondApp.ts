/**
 * A second Cairn, over a workspace of its own, running next to the `app` fixture: a colleague's
 * machine, for hand-over tests. Started the way app.ts starts the first one, in the same shell
 * (CAIRN_E2E_SHELL), with its own browser profile or Electron user-data folder so that the two
 * do not share a single-instance lock, storage or a session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { SHELL, startBrowserShell, startElectronShell } from './app';

export interface SecondApp {
  /** The second workspace, empty when started. */
  readonly workspace: string;
  readonly page: Page;
  /** Stops the app and removes its folder. */
  close(): Promise<void>;
}

/** Starts a second Cairn over a fresh, empty workspace. Close it before the test ends. */
export async function startSecondApp(): Promise<SecondApp> {
  const root = mkdtempSync(join(tmpdir(), 'cairn-e2e-second-'));
  const workspace = join(root, 'workspace');
  const running = SHELL === 'electron' ? await startElectronShell(workspace, join(root, 'user-data')) : await startBrowserShell(workspace, join(root, 'profile'));
  return {
    workspace,
    page: running.page,
    async close() {
      await running.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
