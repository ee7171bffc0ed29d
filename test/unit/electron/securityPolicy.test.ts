import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  devToolsAllowed,
  isAllowedRequest,
  refusedDebugSwitches,
  secureWebPreferences,
} from '../../../electron/main/securityPolicy';
import { CONTENT_SECURITY_POLICY as BROWSER_SHELL_CSP } from '../../../electron/serve/server';
import { REPO } from '../helpers';

const RELEASE = { packaged: true };
const DEVELOPMENT = { packaged: false };

/** directive name → its sources, from a CSP string. */
function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

function metaCsp(html: string): string {
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(m, 'renderer/index.html has no CSP <meta>');
  return m[1]!;
}

describe('DevTools', () => {
  it('exist in development builds and not in release builds', () => {
    assert.equal(devToolsAllowed(DEVELOPMENT), true);
    assert.equal(devToolsAllowed(RELEASE), false);
    assert.equal(secureWebPreferences('/p/preload.cjs', RELEASE).devTools, false);
    assert.equal(secureWebPreferences('/p/preload.cjs', DEVELOPMENT).devTools, true);
  });

  it('leave the rest of the window settings locked in both kinds of build', () => {
    for (const kind of [RELEASE, DEVELOPMENT]) {
      const prefs = secureWebPreferences('/p/preload.cjs', kind);
      assert.equal(prefs.preload, '/p/preload.cjs');
      assert.equal(prefs.contextIsolation, true);
      assert.equal(prefs.sandbox, true);
      assert.equal(prefs.nodeIntegration, false);
      assert.equal(prefs.nodeIntegrationInSubFrames, false);
      assert.equal(prefs.webSecurity, true);
      assert.equal(prefs.webviewTag, false);
    }
  });
});

describe('isAllowedRequest', () => {
  it('refuses devtools:// in release builds and allows it in development', () => {
    const url = 'devtools://devtools/bundled/devtools_app.html';
    assert.equal(isAllowedRequest(url, RELEASE), false);
    assert.equal(isAllowedRequest(url, DEVELOPMENT), true);
  });

  it("allows the app's own pages and in-process URLs in both", () => {
    for (const kind of [RELEASE, DEVELOPMENT]) {
      assert.equal(isAllowedRequest('cairn://app/index.html', kind), true);
      assert.equal(isAllowedRequest('cairn://app/app.css', kind), true);
      assert.equal(isAllowedRequest('data:image/png;base64,iVBORw0KGgo=', kind), true);
      assert.equal(isAllowedRequest('blob:cairn://app/6f1c2a1e-0000-4000-8000-000000000000', kind), true);
    }
  });

  it('refuses the network, files and other origins in both', () => {
    for (const kind of [RELEASE, DEVELOPMENT]) {
      for (const url of [
        'https://example.com/',
        'http://127.0.0.1:8080/',
        'file:///etc/passwd',
        'ws://127.0.0.1:9222/devtools/page/1',
        'cairn://other/index.html',
        'blob:https://evil.example/6f1c2a1e',
        'chrome://gpu',
        'devtools-x://devtools/',
      ]) {
        assert.equal(isAllowedRequest(url, kind), false, `${url} (packaged: ${kind.packaged})`);
      }
    }
  });
});

describe('refusedDebugSwitches', () => {
  it("names the switches that open a release build's renderer to a debugger", () => {
    const argv = ['/opt/Cairn/cairn', '--workspace', '/home/u/cases', '--remote-debugging-port=9222', '-remote-debugging-pipe', '--inspect-brk=0', '--enable-logging'];
    assert.deepEqual(refusedDebugSwitches(argv, RELEASE), ['--remote-debugging-port=9222', '-remote-debugging-pipe', '--inspect-brk=0']);
  });

  it('accepts an ordinary release start, and arguments after a bare --', () => {
    assert.deepEqual(refusedDebugSwitches(['/opt/Cairn/cairn', '--workspace', '/data/ws'], RELEASE), []);
    assert.deepEqual(refusedDebugSwitches(['/opt/Cairn/cairn', '--', '--remote-debugging-port=1'], RELEASE), []);
  });

  it('refuses nothing in development builds (npm start, Playwright attaching to Electron)', () => {
    assert.deepEqual(refusedDebugSwitches(['electron', 'dist/electron/main.cjs', '--remote-debugging-port=0', '--inspect=0'], DEVELOPMENT), []);
  });
});

describe('Content-Security-Policy', () => {
  it('allows no inline style or script in the Electron shell, the browser shell or index.html', () => {
    const html = readFileSync(join(REPO, 'renderer/index.html'), 'utf8');
    for (const [where, csp] of [
      ['electron/main/securityPolicy.ts', CONTENT_SECURITY_POLICY],
      ['electron/serve/server.ts', BROWSER_SHELL_CSP],
      ['renderer/index.html', metaCsp(html)],
    ] as const) {
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes|\*/, where);
      const d = directives(csp);
      assert.deepEqual(d.get('style-src'), ["'self'"], `${where}: style-src`);
      assert.deepEqual(d.get('script-src'), ["'self'"], `${where}: script-src`);
      assert.deepEqual(d.get('default-src'), ["'none'"], `${where}: default-src`);
    }
    assert.equal(BROWSER_SHELL_CSP, CONTENT_SECURITY_POLICY);
  });

  it('index.html has no inline <style> or style= attribute of its own', () => {
    const html = readFileSync(join(REPO, 'renderer/index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    assert.doesNotMatch(html, /<style[\s>]/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
  });

  it("pre-empts cytoscape's injected <style>: its id is on app.css's <link>, and its rule is in app.css", () => {
    // The id cytoscape looks for before injecting, read from the installed version so an upgrade
    // that renames it fails here rather than as a CSP violation in the field.
    const cytoscape = readFileSync(join(REPO, 'node_modules/cytoscape/dist/cytoscape.cjs.js'), 'utf8');
    const id = /var stylesheetId = '([^']+)';/.exec(cytoscape)?.[1];
    const cls = /var className = '([^']+)';/.exec(cytoscape)?.[1];
    assert.ok(id && cls, 'cytoscape no longer injects its stylesheet the way index.html expects');
    const html = readFileSync(join(REPO, 'renderer/index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const link = /<link\b[^>]*\bid="([^"]+)"[^>]*>/.exec(html);
    assert.ok(link, 'no <link> with an id in index.html');
    assert.equal(link[1], id);
    assert.match(link[0], /rel="stylesheet"/);
    assert.match(link[0], /href="app\.css"/);
    const css = readFileSync(join(REPO, 'renderer/styles/base.css'), 'utf8');
    assert.match(css, new RegExp(`\\.${cls}\\s*\\{\\s*position:\\s*relative;\\s*\\}`));
  });
});
