import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppEvent, Envelope, Handlers } from '../../../shared/api/contract';
import type { Backend, CallContext } from '../../../electron/core/backendTypes';
import { CONTENT_SECURITY_POLICY, startServer, type RunningServer } from '../../../electron/serve/server';
import { CONTENT_SECURITY_POLICY as ELECTRON_CSP } from '../../../electron/main/securityPolicy';

const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class FakeBackend implements Backend {
  readonly workspaceDir = '/nonexistent/workspace';
  readonly handlers = {} as Handlers<CallContext>;
  readonly calls: Array<{ method: unknown; args: unknown }> = [];
  readonly listeners = new Set<(event: AppEvent) => void>();

  async call(method: unknown, args: unknown): Promise<Envelope<unknown>> {
    this.calls.push({ method, args });
    return { ok: true, result: { echo: { method, args } } };
  }
  onEvent(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: AppEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  async close(): Promise<void> {}
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** http.request rather than fetch: fetch normalises paths and will not let us set Host. */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('loopback server', () => {
  let dir: string;
  let rendererDir: string;
  let backend: FakeBackend;
  let server: RunningServer;
  let auth: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cairn-serve-'));
    rendererDir = path.join(dir, 'renderer');
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Cairn test</title>');
    writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)');
    writeFileSync(path.join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
    backend = new FakeBackend();
    server = await startServer({ backend, port: 0, rendererDir, host: '127.0.0.1' });
    auth = { Authorization: `Bearer ${server.token}` };
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a loopback URL carrying a fresh 32-byte token in the fragment', async () => {
    assert.match(server.token, /^[0-9a-f]{64}$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/#token=${server.token}`);
    const other = await startServer({ backend, rendererDir });
    try {
      assert.notEqual(other.token, server.token);
      assert.notEqual(other.port, server.port);
    } finally {
      await other.close();
    }
  });

  it('serves index.html for / with the security headers', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await res.text(), '<!doctype html><title>Cairn test</title>');
    assert.equal(res.headers.get('content-security-policy'), EXPECTED_CSP);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('serves other files with their content types and 404s unknown ones', async () => {
    const js = await fetch(`http://127.0.0.1:${server.port}/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    const svg = await fetch(`http://127.0.0.1:${server.port}/assets/logo.svg`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    const missing = await fetch(`http://127.0.0.1:${server.port}/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), EXPECTED_CSP);
    const folder = await fetch(`http://127.0.0.1:${server.port}/assets`);
    assert.equal(folder.status, 404);
  });

  it('does not let a raw path escape the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/assets/../../secret.txt', '/..\\secret.txt']) {
      const res = await raw(server.port, { path: p });
      assert.notEqual(res.status, 200, p);
      assert.ok(!res.body.includes('TOP-SECRET'), p);
    }
  });

  it('refuses static files to a foreign Host with 403', async () => {
    const res = await raw(server.port, { path: '/', headers: { Host: `evil.example:${server.port}` } });
    assert.equal(res.status, 403);
    assert.equal(res.headers['content-security-policy'], EXPECTED_CSP);
  });

  it('runs POST /api/<method> through backend.call and returns its envelope', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/app.info`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('content-security-policy'), EXPECTED_CSP);
    assert.deepEqual(await res.json(), { ok: true, result: { echo: { method: 'app.info', args: { hello: 'world' } } } });
  });

  it('treats an empty body as no arguments', async () => {
    const res = await raw(server.port, { method: 'POST', path: '/api/app.info', headers: auth });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ok: true, result: { echo: { method: 'app.info', args: {} } } });
  });

  it('answers 401 without a token or with a wrong one, without calling the back end', async () => {
    const before = backend.calls.length;
    const none = await raw(server.port, { method: 'POST', path: '/api/app.info', body: '{}' });
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).ok, false);
    const wrong = await raw(server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Authorization: `Bearer ${'0'.repeat(64)}` },
      body: '{}',
    });
    assert.equal(wrong.status, 401);
    assert.equal(backend.calls.length, before);
  });

  it('answers 403 for a foreign Host even with the token (DNS rebinding)', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { ...auth, Host: 'evil.example' },
      body: '{}',
    });
    assert.equal(res.status, 403);
  });

  it('answers 403 for a foreign Origin even with the token', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { ...auth, Origin: 'http://evil.example' },
      body: '{}',
    });
    assert.equal(res.status, 403);
  });

  it('accepts the matching Origin', async () => {
    const res = await raw(server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { ...auth, Origin: `http://127.0.0.1:${server.port}` },
      body: '{}',
    });
    assert.equal(res.status, 200);
  });

  it('answers 400 with an invalid_argument envelope for bad JSON', async () => {
    const res = await raw(server.port, { method: 'POST', path: '/api/app.info', headers: auth, body: '{not json' });
    assert.equal(res.status, 400);
    const envelope = JSON.parse(res.body);
    assert.equal(envelope.ok, false);
    assert.equal(envelope.error.kind, 'invalid_argument');
    assert.equal(typeof envelope.error.message, 'string');
  });

  it('answers 405 for a non-POST API call', async () => {
    const res = await raw(server.port, { method: 'GET', path: '/api/app.info', headers: auth });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'POST');
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    const res = await raw(server.port, { method: 'POST', path: '/api/app.info', headers: auth, body: big });
    assert.equal(res.status, 413);
  });

  it('answers 413 for a chunked body that grows past 1 MiB', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/app.info', headers: auth, agent: false },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    assert.equal(res, 413);
    assert.ok(backend.calls.every((c) => (c.args as { pad?: unknown }).pad === undefined));
  });

  it('streams back-end events to an authorised client and unsubscribes on close', async () => {
    const listenersBefore = backend.listeners.size;
    const event: AppEvent = { type: 'store.changed' };
    const received = await new Promise<{ contentType: string | undefined; data: unknown }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: auth, agent: false },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            if (buffer.includes(': connected\n\n') && !buffer.includes('data: ')) {
              assert.equal(backend.listeners.size, listenersBefore + 1);
              backend.emit(event);
            }
            const match = /^data: (.*)\n\n/m.exec(buffer);
            if (match) {
              resolve({ contentType: res.headers['content-type'], data: JSON.parse(match[1]!) });
              req.destroy();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.match(received.contentType ?? '', /^text\/event-stream/);
    assert.deepEqual(received.data, event);
    for (let i = 0; i < 50 && backend.listeners.size !== listenersBefore; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(backend.listeners.size, listenersBefore);
  });

  it('refuses the event stream without a token', async () => {
    const res = await raw(server.port, { path: '/api/events' });
    assert.equal(res.status, 401);
  });

  it('closes cleanly while an event stream is open', async () => {
    const local = new FakeBackend();
    const temp = await startServer({ backend: local, rendererDir });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: temp.port, path: '/api/events', headers: { Authorization: `Bearer ${temp.token}` }, agent: false },
        (res) => {
          res.once('data', () => resolve());
          res.on('error', () => {});
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(local.listeners.size, 1);
    await temp.close();
    assert.equal(local.listeners.size, 0);
  });

  it('uses the same CSP as the Electron shell', () => {
    assert.equal(CONTENT_SECURITY_POLICY, EXPECTED_CSP);
    // securityPolicy.ts is the Electron-free half of security.ts, which serves its CSP.
    assert.equal(ELECTRON_CSP, EXPECTED_CSP);
  });
});
