import type { Dataset } from '../../../shared/api/schemas';
import type { ImportGroup, ReviewHook } from './datasetRun';
import type { InputLimits } from './sources';

/**
 * What an import is asked, how it runs and what it answers: shared by the dispatcher
 * (importDataset.ts) and every format importer. They live here, apart from the dispatcher,
 * so that a format importer never imports the module that imports it (the import-cycle check
 * in test/unit/core/ingest/noCycles.test.ts keeps it so).
 */

/** Bitcoin Core JSON-RPC: a height range pulled from a node the user names. */
export interface RpcPullRequest {
  readonly url: string;
  readonly cookieFile?: string;
  readonly from: number;
  readonly to: number;
}

export interface ImportRequest {
  readonly paths: readonly string[];
  /** Bitcoin Core JSON-RPC: pull a height range from a node the user names. */
  readonly rpc?: RpcPullRequest;
  readonly chain?: string;
  readonly format?: string;
  /** The app's dialog: stop before committing and show what was found (see ImportOptions.review). */
  readonly review?: boolean;
  /** Etherscan-family exports: whose history it is, when no single address is in every row. */
  readonly address?: string;
}

export interface ImportProgress {
  readonly phase: string;
  /** Bytes parsed so far, and in all: progress is done / total. */
  readonly done: number;
  readonly total: number;
  readonly rows: number;
}

/**
 * How an import runs. The input limits (InputLimits: maxRecordBytes, maxDecompressedBytes,
 * maxGzipRatio) bound what one file may cost; their defaults are in sources.ts.
 */
export interface ImportOptions extends InputLimits {
  readonly signal?: AbortSignal;
  /** Show what was found and wait for the investigator before committing (the app's import dialog). */
  readonly review?: ReviewHook;
  readonly onProgress?: (p: ImportProgress) => void;
  readonly now?: () => Date;
  /** Set by importMixed: this import is one part of a mixed import, inside its transaction. */
  readonly group?: ImportGroup;
  /** Bitcoin-family imports: the clustering collapse guard's size (analysis/clustering/multiInput.ts, COLLAPSE_GUARD). */
  readonly collapseGuard?: number;
  /**
   * Bitcoin-family imports: import blocks whose headers fail the proof-of-work, difficulty or
   * time rules instead of refusing them (bitcoin/headerRules.ts). The failures become notes, and
   * the dataset's rowCounts.unvalidated_headers counts the blocks imported without the checks.
   */
  readonly unvalidatedHeaders?: boolean;
  /**
   * The fewest rows an import must be expected to bring (estimated from its files' size) before
   * it defers indexes and, for a first import of a chain, dedupes in memory (store/bulkIndexes.ts).
   * Default 100,000; tests set it low to run small files through the bulk path.
   */
  readonly bulkLoadMinRows?: number;
}

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface ImportResult {
  /** The new dataset, or null when these exact files were imported before. */
  readonly dataset: Dataset | null;
  readonly alreadyImportedAs: number | null;
  readonly skipped: readonly SkippedFile[];
  readonly warnings: readonly string[];
  /**
   * A mixed import: each part (one format, its own dataset and chain), all committed together.
   * `dataset` is then the first new dataset, and `skipped` and `warnings` gather every part's.
   */
  readonly parts?: readonly ImportPartResult[];
}

export interface ImportPartResult extends ImportResult {
  readonly format: string;
  readonly paths: readonly string[];
  /** The part's chain: its new dataset's, or that of the dataset that already holds its files. */
  readonly chain: string | null;
}
