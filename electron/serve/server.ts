/**
 * The browser shell: a loopback HTTP server that serves the built renderer and carries the
 * API contract over HTTP for machines without an Electron runtime. Wire format is described
 * in shared/api/transport.ts; request checks live in ./guard.ts.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import type { Envelope } from '../../shared/api/contract';
import { API_PREFIX, EVENTS_PATH, LAUNCH_CODE_PATH, LAUNCH_FRAGMENT, LAUNCH_PATH, TOKEN_FRAGMENT } from '../../shared/api/transport';
import type { Backend } from '../core/backendTypes';
import { checkRequest, checkStaticRequest, resolveStaticPath, type GuardVerdict } from './guard';
import { createLaunchCodes, type LaunchCodes } from './launchCode';

export interface ServerOptions {
  readonly backend: Pick<Backend, 'call' | 'onEvent'>;
  /** 0 or absent picks a random free port. */
  readonly port?: number;
  /** Folder with the built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** Only loopback is supported: the token and Host checks assume nobody else can connect. */
  readonly host?: '127.0.0.1';
  /** One-time launch codes (./launchCode.ts); tests pass their own clock. */
  readonly launchCodes?: LaunchCodes;
}

export interface RunningServer {
  /** Opens the app: http://127.0.0.1:PORT/#token=… */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** A one-time URL for a browser's command line: http://127.0.0.1:PORT/#launch=CODE, exchanged for the token on first load. */
  issueLaunchUrl(): string;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const HEARTBEAT_MS = 15_000;

/** Same policy as the Electron shell (electron/main/securityPolicy.ts); a unit test keeps them equal. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content type by extension; unknown files are served as opaque bytes (nosniff keeps them inert). */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { backend, rendererDir } = options;
  const token = randomBytes(32).toString('hex');
  const launchCodes = options.launchCodes ?? createLaunchCodes();
  const streams = new Set<() => void>();
  let port = 0;

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      // Handlers never throw by design; this is the last line so a bug cannot hang a request.
      if (!res.headersSent) sendEnvelope(res, 500, internalError(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '';
    // Only origin-form targets ("/path"); absolute-form or "*" have no business here.
    if (!target.startsWith('/')) return sendText(res, 400, 'bad request target');
    const path = target.split('?', 1)[0]!;

    if (path === EVENTS_PATH || path.startsWith(API_PREFIX)) {
      const verdict = checkRequest(req.headers, { port, token });
      if (!verdict.ok) return sendRejection(res, verdict);
      if (path === EVENTS_PATH) {
        if (req.method !== 'GET') return sendApiMethodNotAllowed(res, 'GET');
        return openEventStream(req, res);
      }
      if (req.method !== 'POST') return sendApiMethodNotAllowed(res, 'POST');
      return callApi(req, res, path.slice(API_PREFIX.length));
    }

    if (path === LAUNCH_CODE_PATH || path === LAUNCH_PATH) return launch(req, res, path);

    const verdict = checkStaticRequest(req.headers, { port });
    if (!verdict.ok) return sendText(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'method not allowed');
    }
    return serveFile(req, res, path);
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, encodedMethod: string): Promise<void> {
    let method: string;
    try {
      method = decodeURIComponent(encodedMethod);
    } catch {
      return sendEnvelope(res, 400, invalid('method name is not valid percent-encoding'));
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too_large') {
      res.setHeader('Connection', 'close');
      sendEnvelope(res, 413, invalid(`request body exceeds ${MAX_BODY_BYTES} bytes`));
      // Stop reading a body we refused; the client gets the 413 before the socket goes.
      res.on('finish', () => req.socket.destroy());
      return;
    }
    let args: unknown = {};
    if (body.trim().length > 0) {
      try {
        args = JSON.parse(body);
      } catch (error) {
        return sendEnvelope(res, 400, invalid(`request body is not JSON: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    const envelope = await backend.call(method, args);
    sendEnvelope(res, 200, envelope);
  }

  /**
   * Issues a one-time launch code (with the token), or exchanges one for the token (with the
   * code only: the page opened from a command line has nothing else). Both check Host and Origin.
   */
  async function launch(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const verdict = path === LAUNCH_CODE_PATH ? checkRequest(req.headers, { port, token }) : checkStaticRequest(req.headers, { port });
    if (!verdict.ok) return sendRejection(res, verdict);
    if (req.method !== 'POST') return sendApiMethodNotAllowed(res, 'POST');
    if (path === LAUNCH_CODE_PATH) return sendEnvelope(res, 200, { ok: true, result: { url: launchUrl() } });
    const body = await readBody(req, 4096);
    let code: unknown;
    try {
      code = body === 'too_large' ? undefined : (JSON.parse(body) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string' || !launchCodes.redeem(code)) {
      return sendEnvelope(res, 401, {
        ok: false,
        error: { kind: 'forbidden', message: 'this launch code was used already or has expired; start Cairn again (npm start), or open the address cairn serve printed' },
      });
    }
    sendEnvelope(res, 200, { ok: true, result: { token } });
  }

  function launchUrl(): string {
    return `http://127.0.0.1:${port}/#${LAUNCH_FRAGMENT}=${launchCodes.issue()}`;
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    // A first comment flushes the headers so clients see the stream open at once.
    res.write(': connected\n\n');
    const unsubscribe = backend.onEvent((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    // Keeps idle proxies and the client's read timeout from dropping a quiet stream.
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const stop = (): void => {
      if (!streams.delete(stop)) return;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    streams.add(stop);
    req.on('close', stop);
    res.on('error', stop);
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const file = resolveStaticPath(rendererDir, path);
    if (file === null) return sendText(res, 404, 'not found');
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return sendText(res, 404, 'not found');
      size = info.size;
    } catch {
      return sendText(res, 404, 'not found');
    }
    res.writeHead(200, { 'Content-Type': contentTypeFor(file), 'Content-Length': size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    // Never a wildcard address: the Host/token checks assume only local processes can connect.
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/#${TOKEN_FRAGMENT}=${token}`,
    port,
    token,
    issueLaunchUrl: launchUrl,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const stop of [...streams]) stop();
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        resolveBody('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', rejectBody);
  });
}

function invalid(message: string): Envelope<never> {
  return { ok: false, error: { kind: 'invalid_argument', message } };
}

function internalError(error: unknown): Envelope<never> {
  return { ok: false, error: { kind: 'internal', message: error instanceof Error ? error.message : String(error) } };
}

function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  let body: string;
  try {
    body = JSON.stringify(envelope);
  } catch (error) {
    status = 500;
    body = JSON.stringify(internalError(error));
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendRejection(res: ServerResponse, verdict: Extract<GuardVerdict, { ok: false }>): void {
  if (verdict.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendEnvelope(res, verdict.status, { ok: false, error: { kind: 'forbidden', message: verdict.reason } });
}

function sendApiMethodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendEnvelope(res, 405, invalid(`method not allowed; use ${allow}`));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
