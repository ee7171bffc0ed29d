import { join } from 'node:path';
import { expect, test } from './app';
import { expectNodeCount } from './pages';

declare global {
  interface Window {
    cairnCspViolations?: string[];
  }
}

/*
 * Issue 18: the page's CSP allows no inline style. Styles come from app.css; cytoscape's one
 * injected <style> is pre-empted (renderer/index.html). Every e2e test already fails on a CSP
 * message on the console (app.ts); this one also listens for the DOM's own
 * securitypolicyviolation events from the first byte of the page, checks the policy the shell
 * serves, and that the styles still apply with the canvas open.
 */
test('the served CSP allows no inline style, and the app with its canvas raises no violation', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  await page.addInitScript(() => {
    window.cairnCspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cairnCspViolations!.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  await page.reload();
  // Asked from the page itself, so it works the same for http://127.0.0.1 and cairn://app.
  const csp = await page.evaluate(async () => (await fetch(location.href.split('#')[0]!)).headers.get('content-security-policy'));
  expect(csp).toBeTruthy();
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toMatch(/(^|;)\s*style-src 'self'\s*(;|$)/);
  expect(csp).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);

  await expect(page.getByTestId('welcome-pane')).toBeVisible();
  // The stylesheet cytoscape looks for is app.css's <link>, so it injects no <style> of its own.
  expect(await page.evaluate(() => document.getElementById('__________cytoscape_stylesheet')?.tagName)).toBe('LINK');

  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('sample-badge')).toBeVisible({ timeout: 120_000 });
  await expectNodeCount(page, 12);

  const look = await page.evaluate(() => {
    const container = document.querySelector('.__________cytoscape_container');
    return {
      styleElements: document.querySelectorAll('style').length,
      containerPosition: container ? getComputedStyle(container).position : null,
      bodyFont: getComputedStyle(document.body).fontFamily,
      violations: window.cairnCspViolations ?? null,
    };
  });
  expect(look.styleElements).toBe(0);
  // Cytoscape needs a positioned container (it warns on static); the app's layout makes it absolute.
  expect(look.containerPosition).not.toBe('static');
  expect(look.containerPosition).not.toBeNull();
  // base.css's font stack: app.css loaded and applied.
  expect(look.bodyFont).toContain('system-ui');
  expect(look.violations).toEqual([]);

  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.screenshot({ path: join(import.meta.dirname, '../../test-results/csp-1600x1000.png') });
  expect(await page.evaluate(() => window.cairnCspViolations)).toEqual([]);
});
