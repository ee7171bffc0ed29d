import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BadInputError } from './errors';

export interface SourceFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

/** Expands the paths a user gave (files or export folders) into files, in a stable order. */
/** Stats a path the user named; a missing one is bad input naming it. */
export function statSource(full: string): Stats {
  try {
    return statSync(full);
  } catch {
    throw new BadInputError(full, {}, 'no such file or folder');
  }
}

export function expandSourcePaths(paths: readonly string[], accept: (name: string) => boolean): SourceFile[] {
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (p: string, explicit: boolean): void => {
    const full = resolve(p);
    const st = statSource(full);
    if (st.isDirectory()) {
      for (const entry of readdirSync(full).sort()) {
        if (entry.startsWith('.')) continue;
        visit(join(full, entry), false);
      }
    } else if (st.isFile() && (explicit || accept(basename(full)))) {
      if (!seen.has(full)) {
        seen.add(full);
        out.push({ path: full, name: basename(full), size: st.size });
      }
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}

/**
 * A pass-through that hashes and counts every byte on its way to the parser, so provenance
 * (SHA-256, size) describes exactly what was parsed, in one read of the file.
 */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly onBytes: (delta: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Exports are often gzipped (`.csv.gz`, `.json.gz`); they are read through gunzip as they stream. */
export const isGzip = (path: string): boolean => /\.gz$/i.test(path);

/**
 * Opens a source for parsing: the hash and byte count cover the file's own bytes (compressed,
 * for a .gz), so provenance names exactly the file that was given; the parser gets plain text.
 */
export function openHashed(file: SourceFile, onBytes: (delta: number) => void): { stream: NodeJS.ReadableStream; hasher: HashingCounter } {
  const hasher = new HashingCounter(onBytes);
  const input = createReadStream(file.path, { highWaterMark: 1 << 20 });
  input.on('error', (error) => hasher.destroy(error));
  const hashed = input.pipe(hasher);
  if (!isGzip(file.path)) return { stream: hashed, hasher };
  const gunzip = createGunzip();
  hasher.on('error', (error) => gunzip.destroy(error));
  return { stream: hashed.pipe(gunzip), hasher };
}

/** Reads a file's first line (the CSV header, or a JSON stream's first object), without reading the whole file. */
export async function readFirstLine(path: string, maxBytes = 1 << 16): Promise<string> {
  const raw = createReadStream(path, isGzip(path) ? {} : { start: 0, end: maxBytes - 1 });
  const stream = isGzip(path) ? raw.pipe(createGunzip()) : raw;
  let text = '';
  const clean = (t: string): string => t.replace(/\r$/, '').replace(/^\uFEFF/, '');
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0 || text.length >= maxBytes) return clean(nl >= 0 ? text.slice(0, nl) : text.slice(0, maxBytes));
    }
    return clean(text);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('Z_')) throw new BadInputError(path, { offset: 0 }, `not valid gzip data (${e.message})`);
    throw error;
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}
