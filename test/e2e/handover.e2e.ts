import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES, expect, test } from './app';
import { addSeed, clickNode, createCase, dialog, expectNodeCount, importAndClose } from './pages';
import { startSecondApp } from './secondApp';

const ETL = join(FIXTURES, 'ethereum/ethereum-etl');
const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIVER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';
const PASSPHRASE = 'lantern-quarry-41';

/** Reads the canvas counts the graph probe writes on <body>. */
async function canvasCounts(page: Page): Promise<{ nodes: string | null; edges: string | null; clusters: string | null }> {
  const body = page.locator('body');
  return {
    nodes: await body.getAttribute('data-graph-nodes'),
    edges: await body.getAttribute('data-graph-edges'),
    clusters: await body.getAttribute('data-graph-clusters'),
  };
}

test('a case handed over as a signed, encrypted bundle opens read-only at a colleague’s, the same, and can be continued there', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  const out = mkdtempSync(join(tmpdir(), 'cairn-e2e-bundle-'));

  // Workspace A: the investigator's name and signing key, in Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(page, 'Settings');
  const ownFingerprint = settings.getByTestId('own-fingerprint');
  await expect(ownFingerprint).toHaveText(/^[0-9A-F]{4}( [0-9A-F]{4})+$/i);
  const fingerprint = await ownFingerprint.innerText();
  await expect(settings.getByTestId('signing-key')).toContainText('Your signing key:');
  await settings.getByLabel('Investigator name').fill('Alice Analyst');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();

  // A case with data, a seed, an expansion and a tag.
  await createCase(page, 'Atomic hand-over');
  expect(await importAndClose(page, [ETL])).toContain('ethereum-etl-csv');
  await addSeed(page, VICTIM, 'victim');
  await expectNodeCount(page, 1);
  await clickNode(page, VICTIM);
  await page.keyboard.press('o');
  await expectNodeCount(page, 2);
  await clickNode(page, RECEIVER);
  await page.keyboard.press('t');
  const tag = dialog(page, /^Tag/);
  await tag.getByLabel('Label').fill('Consolidation wallet');
  await tag.getByLabel('Source').fill('own analysis');
  await tag.getByRole('button', { name: 'Add tag' }).click();
  await expect(tag).toBeHidden();
  await expect(page.getByTestId('details-panel')).toContainText('Consolidation wallet');
  const counts = await canvasCounts(page);
  expect(counts.edges).toBe('1');
  const seeds = (await page.getByTestId('seed-list').textContent()) ?? '';

  // Export case… from the keyboard: the path is proposed under the workspace, a passphrase needs confirming.
  await page.keyboard.press('Control+Shift+E');
  const exp = dialog(page, 'Export case');
  const savePath = exp.getByLabel('Save as');
  await expect(savePath).toHaveValue(join(app.workspace, 'exports', 'atomic-hand-over.cairnbundle'));
  const file = join(out, 'atomic-hand-over.cairnbundle');
  await savePath.fill(file);
  await expect(exp).toContainText('readable by anyone who has the file');
  await exp.getByLabel('Passphrase (optional)').fill(PASSPHRASE);
  const exportButton = exp.getByRole('button', { name: 'Export', exact: true });
  await expect(exportButton).toBeDisabled();
  await exp.getByLabel('Passphrase again').fill(`${PASSPHRASE}x`);
  await expect(exp).toContainText('The two passphrases differ.');
  await expect(exportButton).toBeDisabled();
  await exp.getByLabel('Passphrase again').fill(PASSPHRASE);
  await exportButton.click();
  await expect(exp.getByTestId('export-result')).toBeVisible();
  await expect(exp.getByTestId('export-file')).toHaveText(file);
  await expect(exp.getByTestId('export-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(exp.getByTestId('export-fingerprint')).toHaveText(fingerprint);
  await expect(exp.getByTestId('export-evidence')).toBeVisible();
  await expect(exp.getByTestId('export-note')).toContainText(
    'Tell the receiver your key fingerprint by another channel (phone, in person) so they can check it.',
  );
  const sha256 = await exp.getByTestId('export-sha256').innerText();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await exp.getByRole('button', { name: 'Close' }).click();
  await expect(exp).toBeHidden();

  // Workspace B: a colleague's Cairn, empty.
  const colleague = await startSecondApp();
  try {
    const pb = colleague.page;
    const welcome = pb.getByTestId('welcome-pane');
    await expect(welcome).toBeVisible();
    await expect(pb.getByTestId('status-line')).toContainText(colleague.workspace);

    // A damaged file in the colleague's cases folder is listed, greyed, with its reason, and stops nothing.
    writeFileSync(join(colleague.workspace, 'cases', 'damaged.cairn'), 'this is not a case file');
    await pb.reload();
    const broken = welcome.getByTestId('broken-case');
    await expect(broken).toContainText('damaged');
    await expect(broken).toContainText('cannot be opened');
    await expect(broken.getByTestId('case-problem')).not.toBeEmpty();
    await expect(broken.getByRole('button')).toHaveCount(0);
    await expect(pb.getByTestId('case-picker').getByRole('option', { name: 'damaged (cannot be opened)' })).toBeDisabled();

    // Without the passphrase, then with a wrong one: refused, clearly, and the passphrase field is where focus goes.
    await welcome.getByRole('button', { name: 'Open bundle…' }).click();
    const wrong = dialog(pb, 'Open bundle');
    await wrong.getByLabel('Bundle file').fill(file);
    await wrong.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(wrong.getByTestId('bundle-problems')).toContainText('passphrase');
    const wrongPassphrase = wrong.getByLabel(/^Passphrase/);
    await expect(wrongPassphrase).toBeFocused();
    await wrongPassphrase.fill('not-the-passphrase');
    await wrong.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(wrong.getByTestId('bundle-verdict')).toContainText('did not pass its checks');
    await expect(wrong.getByTestId('bundle-problems')).toContainText('wrong passphrase');
    await expect(wrongPassphrase).toBeFocused();
    await expect(wrong.getByRole('button', { name: 'Open case' })).toHaveCount(0);
    await wrong.getByRole('button', { name: 'Cancel' }).click();
    await expect(wrong).toBeHidden();
    // Nothing was opened or kept.
    await expect(welcome).toBeVisible();
    await expect(welcome.getByTestId('received-badge')).toHaveCount(0);
    await expect(welcome.getByTestId('welcome-cases').getByRole('listitem')).toHaveCount(1);
    await expect(pb.getByTestId('case-picker').getByRole('option')).toHaveCount(2);

    // Open bundle… (Ctrl+O) with the right passphrase: the report, the sender not trusted yet.
    await pb.keyboard.press('Control+o');
    const ob = dialog(pb, 'Open bundle');
    await ob.getByLabel('Bundle file').fill(file);
    await ob.getByLabel(/^Passphrase/).fill(PASSPHRASE);
    await ob.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(ob.getByTestId('bundle-verdict')).toContainText('All checks passed');
    await expect(ob.getByTestId('bundle-problems')).toHaveCount(0);
    await expect(ob.getByTestId('bundle-sender')).toHaveText('Alice Analyst');
    await expect(ob.getByTestId('bundle-fingerprint')).toHaveText(fingerprint);
    await expect(ob.getByTestId('bundle-trust')).toHaveText('not trusted yet');
    await expect(ob.getByTestId('bundle-case')).toHaveText('Atomic hand-over');
    await expect(ob.getByTestId('bundle-sha256')).toHaveText(sha256);
    await expect(ob.getByTestId('bundle-evidence')).toBeVisible();
    const openCase = ob.getByRole('button', { name: 'Open case' });
    await expect(openCase).toBeDisabled();
    // The README's hand-over screenshot (written into docs/ with CAIRN_UPDATE_SCREENSHOT=1).
    const shot = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? '../../docs/screenshot-bundle.png' : '../../test-results/screenshot-bundle.png';
    await pb.screenshot({ path: join(import.meta.dirname, shot) });

    await ob.getByLabel('I have compared this fingerprint with Alice Analyst; trust their key').check();
    await expect(openCase).toBeEnabled();
    await openCase.click();
    await expect(ob).toBeHidden();

    // The same case: nodes, edges, seed and tag, read-only, with who sent it.
    await expect(pb.locator('body')).toHaveAttribute('data-graph-nodes', counts.nodes!);
    expect(await canvasCounts(pb)).toEqual(counts);
    await expect(pb.getByTestId('seed-list')).toHaveText(seeds);
    const banner = pb.getByTestId('read-only-banner');
    await expect(banner).toContainText('Received from Alice Analyst');
    await expect(banner).toContainText(fingerprint.split(' ').slice(0, 3).join(' '));
    await expect(banner).toContainText('— read-only.');
    await expect(pb.getByTestId('case-picker').getByRole('option', { name: 'Atomic hand-over (received)' })).toHaveCount(1);
    // Edits are not offered.
    await expect(pb.getByRole('button', { name: /^Add address/ })).toBeDisabled();
    await expect(pb.getByRole('button', { name: 'Rename…' })).toBeDisabled();
    await clickNode(pb, RECEIVER);
    const details = pb.getByTestId('details-panel');
    await expect(details).toContainText('Consolidation wallet');
    await expect(details.getByRole('button', { name: 'Tag…' })).toHaveCount(0);
    // Its facts come from the bundle's evidence: this workspace's store is still empty.
    await expect(details.getByTestId('address-display')).toHaveValue(/0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2/i);
    await expect(details).toContainText('known');
    await expect(pb.getByTestId('dataset-list')).toContainText('Nothing imported yet');
    const received = process.env.CAIRN_UPDATE_SCREENSHOT === '1' ? '../../docs/screenshot-received.png' : '../../test-results/screenshot-received.png';
    await pb.screenshot({ path: join(import.meta.dirname, received) });

    // Continue case: editable here from now on.
    await banner.getByRole('button', { name: 'Continue case' }).click();
    await expect(banner).not.toContainText('read-only');
    await expect(pb.getByRole('button', { name: /^Add address/ })).toBeEnabled();
    await expect(details.getByRole('button', { name: 'Tag…' })).toBeVisible();
    // Merge evidence: the bundle's facts become a dataset of this workspace's store, the graph unchanged.
    await expect(banner).toContainText('not from your store');
    await banner.getByRole('button', { name: 'Merge evidence' }).click();
    await expect(banner).toBeHidden();
    await expect(pb.getByTestId('dataset-list')).toContainText('cairn-bundle');
    expect(await canvasCounts(pb)).toEqual(counts);

    // The log: Alice's entries, signed with the key now trusted, and the hand-over signed here.
    await pb.getByRole('button', { name: /^Case file/ }).click();
    await pb.getByTestId('case-file-menu').getByRole('menuitem', { name: 'Verify log…' }).click();
    const verify = dialog(pb, /^Verify log/);
    await expect(verify.getByTestId('verify-verdict')).toContainText('checks out');
    const signers = verify.getByTestId('verify-signers');
    await expect(signers.getByRole('row', { name: /Alice Analyst/ })).toContainText('trusted');
    await expect(signers.getByRole('row', { name: /your key/ })).toHaveCount(1);
    await verify.getByRole('button', { name: 'Close' }).click();
    await expect(verify).toBeHidden();
    // Nothing along the way was refused or failed.
    await expect(pb.getByTestId('error-banner')).toHaveCount(0);
  } finally {
    await colleague.close();
    rmSync(out, { recursive: true, force: true });
  }
});
