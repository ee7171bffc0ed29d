/**
 * Issue 17: the app reaches only the folders opened for this session (the harness allows the
 * fixtures and the temporary folder, app.ts) and the workspace. The file browser starts at
 * those folders and "Up" stops there; a path typed outside them is refused, saying so.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, expect, test } from './app';
import { dialog } from './pages';

test('the file browser starts at the folders opened in this session, "Up" stops there, and a path outside them is refused', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: /^Import/ }).click();
  const imp = dialog(page, 'Import data');
  const browser = imp.getByRole('group', { name: 'File browser' });
  const up = browser.getByRole('button', { name: 'Up' });
  const where = browser.locator('.file-browser-bar .path');

  await expect(where).toHaveText('Folders opened in this session');
  await expect(browser.getByRole('button', { name: /^📁/ })).toHaveText([`📁 ${app.workspace}/`, `📁 ${FIXTURES}/`, `📁 ${tmpdir()}/`]);
  await expect(browser).toContainText('start Cairn with --allow FOLDER');
  await expect(up).toBeDisabled();

  await browser.getByRole('button', { name: `📁 ${FIXTURES}/` }).click();
  await expect(where).toHaveText(FIXTURES);
  await browser.getByRole('button', { name: '📁 ethereum/' }).click();
  await expect(where).toHaveText(join(FIXTURES, 'ethereum'));
  await up.click();
  await expect(where).toHaveText(FIXTURES);
  // Up from an opened folder leads back to the list, never above it.
  await up.click();
  await expect(where).toHaveText('Folders opened in this session');
  await expect(up).toBeDisabled();

  // A path typed by hand outside those folders: refused before anything is read.
  await imp.getByLabel('Files or folders').fill('/etc/hostname');
  await imp.getByRole('button', { name: 'Start' }).click();
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText('"/etc/hostname" is outside the folders opened in this session');
  await expect(banner).toContainText(`the workspace, ${app.workspace}`);
  await expect(banner).toContainText('npm start -- --allow FOLDER');
  await expect(imp.getByTestId('import-review')).toHaveCount(0);
});
