import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { SourceRecord } from '../store/datasets';

/** Identifies a set of source files independent of their order and names. */
export function fingerprintOf(format: string, chain: string, sources: readonly SourceRecord[]): string {
  const parts = sources.map((s) => `${s.kind}:${s.sha256}`).sort();
  return createHash('sha256').update([format, chain, ...parts].join('\n')).digest('hex');
}

export interface ProgressState {
  phase: string;
  done: number;
  total: number;
  rows: number;
}

/** Reports progress at most every 100 ms, or at once when forced. */
export function progressReporter(state: ProgressState, emit?: (p: ProgressState) => void): (force?: boolean) => void {
  let last = 0;
  return (force = false) => {
    const t = Date.now();
    if (!force && t - last < 100) return;
    last = t;
    emit?.({ ...state });
  };
}

/** SHA-256 of a whole file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
