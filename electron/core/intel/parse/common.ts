/**
 * What every label format shares: the confidence scale, the tickers and chain names files use,
 * placing an address on its chain in Cairn's canonical form, and reading a file with its
 * SHA-256. The format parsers (tagpack, ofac, csv) build on these so that the same address,
 * ticker or confidence means the same thing whichever file it comes from.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { canonicalAddress } from '../../../../shared/codec/address';
import { chainFitsGuess, guessAddressChains, pickGuessedChain } from '../../../../shared/codec/chainGuess';
import { isCaip2, resolveChain, UnknownChainError } from '../../../../shared/model/chains';
import type { ParsedLabel, SkippedEntry } from '../types';

/**
 * GraphSense's confidence levels (graphsense-tagpack-tool confidence.csv) → score 0–100.
 * `ledger_immanent` and `forensic_investigation` are newer levels than formats.md's table lists;
 * real packs use them, so they are known here with the tool's scores.
 */
export const CONFIDENCE_LEVELS: Readonly<Record<string, number>> = {
  ownership: 100,
  override: 100,
  ledger_immanent: 100,
  manual_transaction: 90,
  service_api: 70,
  forensic_investigation: 70,
  authority_data: 60,
  trusted_provider: 50,
  service_data: 50,
  forensic: 50,
  untrusted_transaction: 40,
  web_crawl: 20,
  heuristic: 10,
  unknown: 5,
};

export type Confidence = { confidence: string | null; confidenceScore: number | null };

/**
 * A confidence as files write it: a level's name (any case), a number 0–100 (older packs, CSV),
 * or nothing. Throws an Error naming what was expected.
 */
export function parseConfidence(value: unknown): Confidence {
  const text = value === null || value === undefined ? '' : String(value).trim();
  if (text === '') return { confidence: null, confidenceScore: null };
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) {
    const n = Number(text);
    if (n > 100) throw new Error(`confidence ${text} is outside 0–100`);
    return { confidence: null, confidenceScore: Math.round(n) };
  }
  const name = text.toLowerCase();
  const score = CONFIDENCE_LEVELS[name];
  if (score === undefined) {
    throw new Error(`confidence "${text.slice(0, 40)}" is neither a number 0–100 nor a level Cairn knows (${Object.keys(CONFIDENCE_LEVELS).join(', ')})`);
  }
  return { confidence: name, confidenceScore: score };
}

const BTC = 'bip122:000000000019d6689c085ae165831e93';
const ETH = 'eip155:1';
const TRON = 'tron:0x2b6653dc';

/**
 * Tickers that name a chain but are not among its aliases: OFAC's XBT, Ethereum Classic (which
 * Cairn knows as a generic EVM chain by its chain id).
 */
const TICKER_CHAINS: Readonly<Record<string, string>> = { XBT: BTC, ETC: 'eip155:61' };

/**
 * Tokens, not chains: a USDT address may be on Ethereum, Tron or (Omni) Bitcoin, so its chain
 * comes from the address's form, in this order of preference.
 */
const TOKENS = new Set(['USDT', 'USDC', 'DAI', 'BUSD', 'TUSD', 'USDP', 'PAX', 'WBTC', 'WETH']);
const TOKEN_CHAINS = [ETH, TRON, BTC];

/** Where a file's chain or ticker points: one chain, or a token whose chain the address's form decides. */
export type ChainTarget = { kind: 'chain'; id: string; name: string; as: string } | { kind: 'token'; as: string };

/**
 * Reads a chain as label files write it: a CAIP-2 id, a chain alias Cairn knows (btc, ethereum,
 * tron, …) or a ticker (BTC, XBT, ETH, TRX, LTC, BCH, ZEC, ETC, USDT, …), in any case and with
 * stray whitespace. Null when Cairn has no such chain (XRP, XMR, DASH, …).
 */
export function chainTarget(input: string): ChainTarget | null {
  const text = input.trim();
  if (text === '') return null;
  const upper = text.toUpperCase();
  if (TOKENS.has(upper)) return { kind: 'token', as: upper };
  const mapped = TICKER_CHAINS[upper];
  try {
    const chain = resolveChain(mapped ?? (isCaip2(text) ? text : text.toLowerCase()));
    return { kind: 'chain', id: chain.id, name: chain.name, as: isCaip2(text) ? text : upper };
  } catch (e) {
    if (e instanceof UnknownChainError) return null;
    throw e;
  }
}

/** An address placed on its chain, with a note when the file listed it elsewhere. */
export interface Placed {
  chain: string;
  address: string;
  note: string | null;
}

function chainName(id: string): string {
  return resolveChain(id).name;
}

/**
 * The chain and canonical form of an address a file lists under `target`. An address whose form
 * belongs to another chain Cairn knows (OFAC's XBT list holds a Tron address) is placed there,
 * with a note saying so, rather than dropped or stored on the wrong chain. Throws an Error with
 * the reason when the address is valid nowhere it could be.
 */
export function placeAddress(target: ChainTarget, input: string): Placed {
  const text = input.trim();
  if (text === '') throw new Error('no address');
  if (target.kind === 'token') {
    const guess = guessAddressChains(text);
    if (!guess) throw new Error(`"${text.slice(0, 80)}" has no address form Cairn knows for ${target.as}`);
    const chain = pickGuessedChain(guess, TOKEN_CHAINS);
    return { chain, address: canonicalAddress(chain, text), note: `listed as ${target.as}; placed on ${chainName(chain)} by its address form` };
  }
  try {
    return { chain: target.id, address: canonicalAddress(target.id, text), note: null };
  } catch (error) {
    const guess = guessAddressChains(text);
    if (!guess || chainFitsGuess(guess, target.id)) throw error;
    const chain = pickGuessedChain(guess);
    let address: string;
    try {
      address = canonicalAddress(chain, text);
    } catch {
      throw error;
    }
    return { chain, address, note: `listed under ${target.as}, but its form is a ${guess.form}: placed on ${chainName(chain)}` };
  }
}

/** Text or null: empty strings, YAML's `~`/`null` and whitespace are "not given". */
export function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value).trim();
  return text === '' || text === '~' || text === 'null' ? null : text;
}

/** YAML 1.1 and 1.2 booleans as strings (the parsers read every scalar as text). */
export function booleanOf(value: unknown): boolean | null {
  const text = textOrNull(value)?.toLowerCase();
  if (text === undefined) return null;
  if (['true', 'yes', 'y', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'n', 'off', '0'].includes(text)) return false;
  return null;
}

/**
 * An ISO date (YYYY-MM-DD) from what files write: `2022-04-15`, `2022-04-15T10:00:00Z`,
 * `2022-04-15 10:00`, OFAC's `09/26/2024`, or Unix seconds. Null when it is none of these.
 */
export function isoDate(value: unknown): string | null {
  const text = textOrNull(value);
  if (!text) return null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  let y: number, m: number, d: number;
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else if (/^\d{9,10}$/.test(text)) return new Date(Number(text) * 1000).toISOString().slice(0, 10);
  else return null;
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Joins a file's own context with a placement note; either may be missing. */
export function withNote(context: string | null, note: string | null): string | null {
  if (!note) return context;
  return context ? `${context}\n${note}` : note;
}

/** Collects a file's labels and skipped entries as the parsers find them. */
export class LabelSink {
  readonly labels: ParsedLabel[] = [];
  readonly skipped: SkippedEntry[] = [];
  /** A pack names a handful of chains over and over. */
  private readonly targets = new Map<string, ChainTarget | null>();
  constructor(readonly file: string) {}

  skip(line: number | null, index: number | null, reason: string): void {
    this.skipped.push({ file: this.file, line, index, reason });
  }

  /**
   * Adds a label for `address` listed under `chain` (a chain name or ticker as the file wrote
   * it), or skips it with the reason: chain not supported, address invalid.
   */
  add(chain: string, address: string, fields: Omit<ParsedLabel, 'chain' | 'address' | 'file' | 'line' | 'index'>, line: number | null, index: number): void {
    let target = this.targets.get(chain);
    if (target === undefined) {
      target = chainTarget(chain);
      this.targets.set(chain, target);
    }
    if (!target) {
      this.skip(line, index, `chain not supported: ${chain.trim().slice(0, 40) || '(none)'}`);
      return;
    }
    let placed: Placed;
    try {
      placed = placeAddress(target, address);
    } catch (error) {
      this.skip(line, index, (error as Error).message);
      return;
    }
    this.labels.push({
      chain: placed.chain,
      address: placed.address,
      ...fields,
      context: withNote(fields.context, placed.note),
      file: this.file,
      line,
      index,
    });
  }
}

export interface FileDigest {
  sha256: string;
  size: number;
}

const CHUNK = 1 << 20;

/**
 * Reads a file in 1 MiB chunks, handing each to `onChunk` as it goes and hashing it on the way,
 * so that a 100 MB OFAC XML never sits in memory whole. The hash is node's native SHA-256, as
 * elsewhere in the core: a JavaScript one took seconds over such a file.
 */
export function readChunks(path: string, onChunk: (chunk: Buffer) => void): FileDigest {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      onChunk(chunk);
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), size };
}

/** A whole (text) file with its digest; a UTF-8 byte-order mark is dropped. */
export function readText(path: string): FileDigest & { text: string } {
  const chunks: Buffer[] = [];
  const digest = readChunks(path, (c) => chunks.push(Buffer.from(c)));
  let text = Buffer.concat(chunks).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ...digest, text };
}

/** 1-based line of each offset, by binary search over the line starts (for JSON and plain lists). */
export function lineStarts(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
