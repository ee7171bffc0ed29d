import { readFileSync } from 'node:fs';
import { BadInputError } from '../errors';
import { blockFromRpcObject, parseJsonLossless } from './bitcoinJson';
import type { ParsedBlock } from './blockParser';

/**
 * A JSON-RPC client for a Bitcoin Core node on the lab network, configured by the user. Only
 * the URL given is contacted. Credentials come from the URL (user:password@) or from a cookie
 * file (`__cookie__:…`, as bitcoind writes it in its data directory).
 */
export interface RpcSource {
  readonly url: string;
  readonly cookieFile?: string;
}

export function describeRpcUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

function authHeader(source: RpcSource): string | undefined {
  if (source.cookieFile) {
    const cookie = readFileSync(source.cookieFile, 'utf8').trim();
    if (!cookie.includes(':')) throw new BadInputError(source.cookieFile, {}, 'not a bitcoind cookie file (expected user:password)');
    return 'Basic ' + Buffer.from(cookie).toString('base64');
  }
  const u = new URL(source.url);
  if (u.username) return 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  return undefined;
}

export interface RpcClientOptions {
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly signal?: AbortSignal;
  /** Called with each response body, for provenance (hash and size of what was received). */
  readonly onBody?: (body: string) => void;
}

export class BitcoinRpc {
  private id = 0;
  private readonly endpoint: string;
  private readonly auth: string | undefined;
  readonly name: string;

  constructor(
    source: RpcSource,
    private readonly options: RpcClientOptions = {},
  ) {
    const u = new URL(source.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BadInputError(source.url, {}, 'the RPC URL must be http:// or https://');
    this.auth = authHeader(source);
    u.username = '';
    u.password = '';
    this.endpoint = u.toString();
    this.name = describeRpcUrl(source.url);
  }

  /** One call, retried with backoff on network errors and 5xx; RPC errors (bad height…) are not retried. */
  async call(method: string, params: unknown[]): Promise<unknown> {
    const retries = this.options.retries ?? 3;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.options.signal?.aborted) throw new Error('cancelled');
      if (attempt > 0) await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1)));
      let response: Response;
      try {
        response = await fetch(this.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(this.auth ? { Authorization: this.auth } : {}) },
          body: JSON.stringify({ jsonrpc: '1.0', id: ++this.id, method, params }),
          signal: this.options.signal,
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new BadInputError(this.name, {}, `the node refused the credentials (HTTP ${response.status}); give them in the URL or with --cookie`);
      }
      const body = await response.text();
      if (response.status >= 500 && !body.includes('"error"')) {
        lastError = new Error(`HTTP ${response.status}`);
        continue;
      }
      this.options.onBody?.(body);
      const parsed = parseJsonLossless(body, this.name, {}) as { result?: unknown; error?: { message?: string } | null };
      if (parsed.error) throw new BadInputError(this.name, {}, `${method} failed: ${parsed.error.message ?? JSON.stringify(parsed.error)}`);
      return parsed.result;
    }
    throw new BadInputError(this.name, {}, `${method}: no answer after ${retries + 1} tries (${(lastError as Error)?.message ?? lastError})`);
  }

  async blockAtHeight(height: number): Promise<{ block: ParsedBlock; height: number | null }> {
    const hash = await this.call('getblockhash', [height]);
    if (typeof hash !== 'string') throw new BadInputError(this.name, {}, `getblockhash ${height} returned no hash`);
    const doc = await this.call('getblock', [hash, 2]);
    return blockFromRpcObject(doc, `${this.name} getblock ${hash}`);
  }
}
