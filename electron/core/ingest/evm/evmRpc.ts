import { describeRpcUrl } from '../bitcoin/rpcPull';
import { BadInputError, ImportCancelledError } from '../errors';

/**
 * A JSON-RPC client for an EVM node on the lab network (geth, erigon, nethermind, besu, reth,
 * anvil…), configured by the user. Only the URL given is contacted. Credentials come from the
 * URL (user:password@) and are sent as HTTP Basic auth; they are never part of `name` or of
 * anything recorded.
 */

/** The node answered, with a JSON-RPC error: not retried (the same question gets the same answer). */
export class EvmRpcError extends BadInputError {
  constructor(
    node: string,
    readonly method: string,
    readonly code: number | null,
    readonly rpcMessage: string,
  ) {
    super(node, {}, `${method} failed: ${rpcMessage}${code === null ? '' : ` (code ${code})`}`);
    this.name = 'EvmRpcError';
  }
}

export interface EvmRpcOptions {
  /** Tries after the first, on network errors, timeouts, HTTP 429 and 5xx. */
  readonly retries?: number;
  /** Wait before the first retry; doubled for each further one. */
  readonly retryDelayMs?: number;
  /** Per request, from sending to the end of the response body. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Called with each response body that is used, in call order, for provenance (hash and
   * size). Calls made with `record: false` (the node's current height) are left out, so
   * pulling the same blocks again gives the same hash.
   */
  readonly onBody?: (body: string) => void;
}

/** A user-facing form of the URL: scheme, host and path, without credentials or query. */
export function nodeName(url: string): string {
  return describeRpcUrl(url);
}

interface JsonRpcAnswer {
  result?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
}

function isAbort(error: unknown): boolean {
  return (error as Error)?.name === 'AbortError';
}

export class EvmRpc {
  private id = 0;
  private readonly endpoint: string;
  private readonly auth: string | undefined;
  /** The node's URL without credentials: what errors name and what provenance records. */
  readonly name: string;
  /** Response bytes received and used (retried failures are not counted). */
  bytes = 0;
  /** Requests that failed and were tried again. */
  retried = 0;

  constructor(
    url: string,
    private readonly options: EvmRpcOptions = {},
  ) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new BadInputError(url.replace(/\/\/[^/@]*@/, '//'), {}, 'not a URL; give the node as http://host:port/');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BadInputError(nodeName(url), {}, 'the RPC URL must be http:// or https://');
    this.auth = u.username ? 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64') : undefined;
    u.username = '';
    u.password = '';
    this.endpoint = u.toString();
    this.name = nodeName(url);
  }

  /**
   * One call, retried with exponential backoff on network errors, timeouts, HTTP 429 and 5xx.
   * A JSON-RPC error is the node's answer and is thrown as EvmRpcError at once. Cancelling
   * (the signal) throws ImportCancelledError.
   */
  async call<T = unknown>(method: string, params: readonly unknown[], how: { record?: boolean } = {}): Promise<T> {
    const retries = this.options.retries ?? 4;
    const signal = this.options.signal;
    // One id per call, kept across retries: the bodies received, and so their hash, do not
    // depend on how many tries a request needed.
    const id = ++this.id;
    const record = how.record ?? true;
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (signal?.aborted) throw new ImportCancelledError();
      if (attempt > 0) {
        this.retried++;
        await sleep((this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1), signal);
      }
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
      const requestSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let status: number;
      let body: string;
      try {
        const response = await fetch(this.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(this.auth ? { Authorization: this.auth } : {}) },
          body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
          signal: requestSignal,
        });
        status = response.status;
        body = await response.text();
      } catch (error) {
        if (signal?.aborted) throw new ImportCancelledError();
        lastError = timeout.aborted ? `no answer within ${this.options.timeoutMs ?? 60_000} ms` : describeNetworkError(error);
        continue;
      }
      if (status === 401 || status === 403) {
        throw new BadInputError(this.name, {}, `the node refused the request (HTTP ${status}); give the credentials in the URL (http://user:password@host:port/)`);
      }
      let parsed: JsonRpcAnswer | null = null;
      try {
        parsed = JSON.parse(body) as JsonRpcAnswer | null;
      } catch {
        parsed = null;
      }
      if (parsed && typeof parsed === 'object' && parsed.error && typeof parsed.error === 'object') {
        if (record) this.used(body);
        const code = typeof parsed.error.code === 'number' ? parsed.error.code : null;
        const message = typeof parsed.error.message === 'string' ? parsed.error.message : JSON.stringify(parsed.error);
        throw new EvmRpcError(this.name, method, code, message);
      }
      if (status === 429 || status >= 500) {
        lastError = `HTTP ${status}${body ? ` (${body.slice(0, 80).trim()})` : ''}`;
        continue;
      }
      if (status !== 200 || !parsed || typeof parsed !== 'object' || !('result' in parsed)) {
        throw new BadInputError(this.name, {}, `${method}: not a JSON-RPC answer (HTTP ${status}: ${body.slice(0, 120).trim() || 'empty body'})`);
      }
      if (record) this.used(body);
      return parsed.result as T;
    }
    throw new BadInputError(this.name, {}, `${method}: no answer after ${retries + 1} tries (${lastError})`);
  }

  private used(body: string): void {
    this.bytes += Buffer.byteLength(body);
    this.options.onBody?.(body);
  }
}

function describeNetworkError(error: unknown): string {
  if (isAbort(error)) return 'aborted';
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ImportCancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ImportCancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A JSON-RPC quantity ("0x1a") as a bigint; never through a JS number. */
export function quantity(value: unknown, what: string, node: string): bigint {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) return BigInt(value);
  throw new BadInputError(node, {}, `${what}: expected a hex quantity, found ${JSON.stringify(value)?.slice(0, 80)}`);
}

/** A hex quantity that must fit a JS number (block numbers, indexes, timestamps). */
export function smallQuantity(value: unknown, what: string, node: string): number {
  const n = quantity(value, what, node);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadInputError(node, {}, `${what}: ${n} is too large`);
  return Number(n);
}

export function toHexQuantity(n: number | bigint): string {
  return '0x' + n.toString(16);
}
