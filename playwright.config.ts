import { defineConfig } from '@playwright/test';

// The e2e suite drives the real UI. Here it runs in Debian's Chromium through the browser
// shell; with CAIRN_E2E_SHELL=electron (where an Electron runtime exists) the same tests
// launch the Electron shell instead. See test/e2e/app.ts.
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: 'test-results',
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
