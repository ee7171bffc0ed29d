import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
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

export function openHashed(file: SourceFile, onBytes: (delta: number) => void): { stream: NodeJS.ReadableStream; hasher: HashingCounter } {
  const hasher = new HashingCounter(onBytes);
  const input = createReadStream(file.path, { highWaterMark: 1 << 20 });
  input.on('error', (error) => hasher.destroy(error));
  return { stream: input.pipe(hasher), hasher };
}

/** Reads a file's first line (the CSV header), without reading the whole file. */
export async function readFirstLine(path: string, maxBytes = 1 << 16): Promise<string> {
  const stream = createReadStream(path, { start: 0, end: maxBytes - 1 });
  let text = '';
  for await (const chunk of stream) {
    text += (chunk as Buffer).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      stream.destroy();
      return text.slice(0, nl).replace(/\r$/, '').replace(/^\uFEFF/, '');
    }
  }
  return text.replace(/\r$/, '').replace(/^\uFEFF/, '');
}
