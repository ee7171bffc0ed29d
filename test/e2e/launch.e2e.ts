/**
 * Issue 18: the browser shell opens from a one-time launch URL (app.ts asks the server for one,
 * as `npm start` does for Chromium's command line). The page exchanges it for the token, takes it
 * out of the address bar, and keeps working across a reload, when the code is spent.
 */
import { expect, SHELL, test } from './app';

test('the page trades its one-time launch code for the session, drops it from the address, and survives a reload', async ({ app }) => {
  test.skip(SHELL !== 'browser', 'the Electron shell has no launch URL');
  const { page } = app;
  await expect(page.getByTestId('welcome-pane')).toBeVisible();
  expect(page.url()).not.toContain('launch=');
  expect(page.url()).not.toContain('token=');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('welcome-pane')).toBeVisible();
  // A call that needs the token still goes through after the reload.
  await page.getByRole('button', { name: /^Import/ }).click();
  await expect(page.getByRole('dialog', { name: 'Import data' }).getByRole('group', { name: 'File browser' })).toContainText('Folders opened in this session');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
