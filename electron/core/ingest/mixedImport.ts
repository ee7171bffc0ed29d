import type { ImportPreview } from '../../../shared/api/schemas';
import { listDatasets } from '../store/datasets';
import type { Db } from '../store/openStore';
import { beginImport } from './datasetRun';
import { ImportCancelledError } from './errors';
import type { ImportOptions, ImportPartResult, ImportProgress, ImportResult } from './importTypes';
import { expandSourcePaths } from './sources';

/** One format's share of a mixed import: its paths, and its chain (undefined: the files name it). */
export interface ImportPart {
  readonly format: string;
  readonly paths: readonly string[];
  readonly chain?: string;
}

type RunPart = (part: ImportPart, options: ImportOptions) => Promise<ImportResult>;

/** Bytes under a part's paths: its share of the progress bar until the part itself says how much it reads. */
function bytesUnder(paths: readonly string[]): number {
  return expandSourcePaths(paths, () => true).reduce((n, f) => n + f.size, 0);
}

/** The review of a mixed import: every part as it would be committed, and the totals over them. */
function combinedPreview(parts: readonly ImportPreview[]): ImportPreview {
  const sum = (pick: (p: ImportPreview) => Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const p of parts) for (const [k, n] of Object.entries(pick(p))) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  const times = (pick: (p: ImportPreview) => number | null): number[] => parts.map(pick).filter((t): t is number => t !== null);
  const firsts = times((p) => p.firstTime);
  const lasts = times((p) => p.lastTime);
  return {
    format: [...new Set(parts.map((p) => p.format))].join(' + '),
    chain: parts[0]!.chain,
    sources: parts.flatMap((p) => p.sources),
    rowCounts: sum((p) => p.rowCounts),
    added: sum((p) => p.added),
    firstTime: firsts.length ? Math.min(...firsts) : null,
    lastTime: lasts.length ? Math.max(...lasts) : null,
    skipped: parts.flatMap((p) => p.skipped),
    notes: parts.flatMap((p) => p.notes),
    parts: [...parts],
  };
}

/**
 * Imports several formats in one go (Bitcoin blocks with an ethereum-etl folder, say), each part
 * as its own dataset with its own chain, in ONE transaction: each part runs in a savepoint inside
 * it, the investigator reviews every part at once, and one COMMIT keeps them all. Bad input,
 * a cancel or a discard in any part rolls the whole transaction back, so no part is kept.
 */
export async function importMixed(db: Db, parts: readonly ImportPart[], options: ImportOptions, runPart: RunPart): Promise<ImportResult> {
  const signal = options.signal;
  const estimates = parts.map((p) => bytesUnder(p.paths));
  const previews: ImportPreview[] = [];
  const results: ImportPartResult[] = [];
  let doneBefore = 0;
  let rowsBefore = 0;
  beginImport(db);
  try {
    for (const [i, part] of parts.entries()) {
      if (signal?.aborted) throw new ImportCancelledError();
      let last: ImportProgress = { phase: '', done: 0, total: estimates[i]!, rows: 0 };
      const onProgress = (p: ImportProgress): void => {
        last = p;
        const still = estimates.slice(i + 1).reduce((a, b) => a + b, 0);
        options.onProgress?.({
          phase: `part ${i + 1} of ${parts.length} · ${p.phase}`,
          done: doneBefore + p.done,
          total: doneBefore + Math.max(p.total, p.done) + still,
          rows: rowsBefore + p.rows,
        });
      };
      const result = await runPart(part, {
        signal,
        now: options.now,
        collapseGuard: options.collapseGuard,
        unvalidatedHeaders: options.unvalidatedHeaders,
        maxRecordBytes: options.maxRecordBytes,
        maxDecompressedBytes: options.maxDecompressedBytes,
        maxGzipRatio: options.maxGzipRatio,
        onProgress,
        // Each part shows what it found here; the investigator sees all of them at once, below.
        review: (preview) => {
          previews.push(preview);
          return Promise.resolve(true);
        },
        group: { savepoint: `import_part_${i + 1}` },
      });
      doneBefore += Math.max(last.total, last.done);
      rowsBefore += last.rows;
      const heldBy = result.alreadyImportedAs === null ? null : (listDatasets(db, [result.alreadyImportedAs])[0] ?? null);
      results.push({ ...result, format: part.format, paths: part.paths, chain: result.dataset?.chain ?? heldBy?.chain ?? part.chain ?? null });
    }
    const added = results.filter((r) => r.dataset !== null);
    if (added.length > 0 && options.review && !(await options.review(combinedPreview(previews)))) {
      throw new ImportCancelledError('import discarded at review; nothing was committed');
    }
    if (signal?.aborted) throw new ImportCancelledError();
    db.exec('COMMIT');
    return {
      dataset: added[0]?.dataset ?? null,
      alreadyImportedAs: added.length > 0 ? null : results[0]!.alreadyImportedAs,
      skipped: results.flatMap((r) => r.skipped),
      warnings: results.flatMap((r) => r.warnings),
      parts: results,
    };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
