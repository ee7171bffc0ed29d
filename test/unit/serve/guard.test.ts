import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkRequest, checkStaticRequest, resolveStaticPath, type GuardVerdict } from '../../../electron/serve/guard';

const PORT = 48123;
const TOKEN = 'a'.repeat(32) + 'b'.repeat(32);
const config = { port: PORT, token: TOKEN };
const bearer = `Bearer ${TOKEN}`;

function rejected(verdict: GuardVerdict, status: 401 | 403): void {
  assert.equal(verdict.ok, false, 'expected a rejection');
  if (!verdict.ok) {
    assert.equal(verdict.status, status);
    assert.ok(verdict.reason.length > 0);
  }
}

describe('checkRequest (API)', () => {
  it('accepts 127.0.0.1 and localhost with the right token and no Origin', () => {
    assert.deepEqual(checkRequest({ host: `127.0.0.1:${PORT}`, authorization: bearer }, config), { ok: true });
    assert.deepEqual(checkRequest({ host: `localhost:${PORT}`, authorization: bearer }, config), { ok: true });
  });

  it('accepts a matching Origin', () => {
    assert.deepEqual(
      checkRequest({ host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}`, authorization: bearer }, config),
      { ok: true },
    );
    assert.deepEqual(
      checkRequest({ host: `localhost:${PORT}`, origin: `http://localhost:${PORT}`, authorization: bearer }, config),
      { ok: true },
    );
  });

  it('accepts the auth scheme in any case', () => {
    assert.deepEqual(checkRequest({ host: `127.0.0.1:${PORT}`, authorization: `bearer ${TOKEN}` }, config), { ok: true });
  });

  it('rejects a foreign Host with 403 even with the right token', () => {
    for (const host of [
      `evil.com:${PORT}`,
      `127.0.0.1:${PORT + 1}`,
      `localhost:${PORT + 1}`,
      // DNS rebinding: a name the attacker controls, re-pointed at 127.0.0.1.
      `rebind.attacker.example:${PORT}`,
      `127.0.0.1`,
      `localhost`,
      `127.0.0.1:${PORT}.evil.com`,
      `0.0.0.0:${PORT}`,
      `[::1]:${PORT}`,
      '',
    ]) {
      rejected(checkRequest({ host, authorization: bearer }, config), 403);
    }
    rejected(checkRequest({ authorization: bearer }, config), 403);
  });

  it('rejects a foreign or malformed Origin with 403', () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${PORT}`,
      `http://127.0.0.1:${PORT + 1}`,
      `https://127.0.0.1:${PORT}`,
      `http://127.0.0.1:${PORT}/`,
      'null',
      '',
    ]) {
      rejected(checkRequest({ host: `127.0.0.1:${PORT}`, origin, authorization: bearer }, config), 403);
    }
  });

  it('rejects a missing, wrong or short token with 401', () => {
    const host = `127.0.0.1:${PORT}`;
    rejected(checkRequest({ host }, config), 401);
    rejected(checkRequest({ host, authorization: '' }, config), 401);
    rejected(checkRequest({ host, authorization: 'Bearer' }, config), 401);
    rejected(checkRequest({ host, authorization: 'Bearer ' }, config), 401);
    rejected(checkRequest({ host, authorization: TOKEN }, config), 401);
    rejected(checkRequest({ host, authorization: `Basic ${TOKEN}` }, config), 401);
    rejected(checkRequest({ host, authorization: `Bearer ${'c'.repeat(64)}` }, config), 401);
    rejected(checkRequest({ host, authorization: `Bearer ${TOKEN.slice(0, 63)}` }, config), 401);
    rejected(checkRequest({ host, authorization: `Bearer ${TOKEN}0` }, config), 401);
    rejected(checkRequest({ host, authorization: `Bearer ${TOKEN} extra` }, config), 401);
  });

  it('never accepts anything when the configured token is empty', () => {
    rejected(checkRequest({ host: `127.0.0.1:${PORT}`, authorization: 'Bearer x' }, { port: PORT, token: '' }), 401);
  });

  it('checks Host before the token, so a rebinding page learns nothing from 401 vs 403', () => {
    rejected(checkRequest({ host: `evil.com:${PORT}` }, config), 403);
  });
});

describe('checkStaticRequest (renderer files)', () => {
  it('accepts the right Host without a token', () => {
    assert.deepEqual(checkStaticRequest({ host: `127.0.0.1:${PORT}` }, { port: PORT }), { ok: true });
    assert.deepEqual(
      checkStaticRequest({ host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` }, { port: PORT }),
      { ok: true },
    );
  });

  it('rejects a wrong Host or Origin with 403', () => {
    rejected(checkStaticRequest({ host: `evil.com:${PORT}` }, { port: PORT }), 403);
    rejected(checkStaticRequest({ host: `127.0.0.1:${PORT + 1}` }, { port: PORT }), 403);
    rejected(checkStaticRequest({ host: `127.0.0.1:${PORT}`, origin: 'http://evil.example' }, { port: PORT }), 403);
  });
});

describe('resolveStaticPath', () => {
  const root = path.resolve('/srv/renderer');

  it('maps paths inside the root, with / meaning index.html', () => {
    assert.equal(resolveStaticPath(root, '/'), path.join(root, 'index.html'));
    assert.equal(resolveStaticPath(root, '/app.js'), path.join(root, 'app.js'));
    assert.equal(resolveStaticPath(root, '/assets/a%20b.png'), path.join(root, 'assets', 'a b.png'));
    assert.equal(resolveStaticPath(root + '/', '/app.js'), path.join(root, 'app.js'));
  });

  it('refuses anything that escapes the root or is malformed', () => {
    for (const p of [
      '/../etc/passwd',
      '/../../../../etc/passwd',
      '/%2e%2e/etc/passwd',
      '/..%2fetc%2fpasswd',
      '/assets/../../renderer-secrets/x',
      '/..',
      '/%E0%A4%A',
      '/index.html%00.png',
      '/..\\etc\\passwd',
      'etc/passwd',
    ]) {
      assert.equal(resolveStaticPath(root, p), null, p);
    }
  });

  it('does not treat a sibling folder sharing the prefix as inside', () => {
    assert.equal(resolveStaticPath(root, '/../renderer-evil/x.js'), null);
  });
});
