import { join } from 'node:path';
import { expect, test } from './app';
import { clickNode, expectNodeCount, probe } from './pages';

test('"Open sample investigation" builds the synthetic world in its own workspace, opens its case, and goes back', async ({ app }) => {
  const { page } = app;
  await expect(page.getByTestId('welcome-pane')).toBeVisible();
  await page.getByTestId('open-sample').click();

  // Built in a few seconds on first use; the app reloads into the sample's workspace with its case open.
  await expect(page.getByTestId('sample-badge')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('status-line')).toContainText(`${app.workspace}/sample`);
  // Every victim is a seed; the twelve biggest losses start on the canvas.
  await expectNodeCount(page, 12);
  await expect(page.getByTestId('seed-list').getByRole('listitem')).toHaveCount(200);

  // A victim's only outgoing transfers are the drain: expanding out adds the consolidation wallet.
  const victim = (await probe(page)).find((n) => n.kind === 'address' && n.address?.startsWith('0x'))!;
  await clickNode(page, victim.address!);
  await page.keyboard.press('o');
  await expectNodeCount(page, 13);
  // The README's sample screenshot (written into docs/ with CAIRN_UPDATE_SCREENSHOT=1).
  const shot = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? '../../docs/screenshot-sample.png' : '../../test-results/screenshot-sample.png';
  await page.screenshot({ path: join(import.meta.dirname, shot) });

  // Back to the workspace the app started with: untouched, no sample data in it.
  await page.getByTestId('open-own-workspace').click();
  await expect(page.getByTestId('welcome-pane')).toBeVisible();
  await expect(page.getByTestId('sample-badge')).toHaveCount(0);
  await expect(page.getByTestId('status-line')).not.toContainText('/sample');
  await expect(page.getByTestId('dataset-list')).not.toContainText('bitcoin');
});
