import type { ImportPreview } from '../../shared/api/schemas';
import { formatCount, formatUnixUtc } from '../format/text';
import { KindCounts } from './ImportSummary';

/**
 * What an import found, before anything is committed: chain, files and what each was taken
 * to be, rows read and facts it would add per kind, the time range of its transactions, and
 * whatever it will leave out and why.
 */
export function ImportReview({ preview }: { preview: ImportPreview }) {
  return (
    <div className="import-review" data-testid="import-review">
      <p>
        Found <strong>{preview.format}</strong> data for <strong data-testid="review-chain">{preview.chain}</strong>
        {preview.firstTime !== null && (
          <>
            , transactions from <span data-testid="review-first">{formatUnixUtc(preview.firstTime)}</span> to{' '}
            <span data-testid="review-last">{formatUnixUtc(preview.lastTime)}</span>
          </>
        )}
        . Nothing is kept until you commit.
      </p>
      <KindCounts rowCounts={preview.rowCounts} added={preview.added} testId="review-counts" />
      <details>
        <summary>
          {preview.sources.length} file{preview.sources.length === 1 ? '' : 's'} read
        </summary>
        <ul className="plain-list mono">
          {preview.sources.map((s, i) => (
            <li key={i}>
              {s.name}: {s.kind}, {formatCount(s.rows)} rows
            </li>
          ))}
        </ul>
      </details>
      {(preview.skipped.length > 0 || preview.notes.length > 0) && (
        <div data-testid="review-left-out">
          <h3>Left out</h3>
          <ul className="plain-list">
            {preview.skipped.map((s, i) => (
              <li key={`s${i}`}>
                <span className="mono">{s.path}</span>: {s.reason}
              </li>
            ))}
            {preview.notes.map((n, i) => (
              <li key={`n${i}`}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
