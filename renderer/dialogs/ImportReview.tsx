import type { ImportPartPreview, ImportPreview } from '../../shared/api/schemas';
import { chainName, formatName } from '../format/datasetWords';
import { formatCount, formatUnixUtc } from '../format/text';
import { CountsSentence, KindCounts } from './ImportSummary';

/**
 * What an import found, before anything is committed: chain, files and what each was taken
 * to be, what the files held and what the store would gain per kind, the time range of its
 * transactions, and whatever it will leave out and why. A mixed import (Bitcoin blocks with
 * an ethereum-etl folder, say) shows each part, its own dataset with its own chain.
 */
export function ImportReview({ preview }: { preview: ImportPreview }) {
  const parts = preview.parts;
  if (!parts || parts.length < 2) {
    return (
      <div className="import-review" data-testid="import-review">
        <PartReview part={preview} />
        <p className="hint">Nothing is kept until you commit; Discard keeps nothing.</p>
      </div>
    );
  }
  return (
    <div className="import-review" data-testid="import-review">
      <p data-testid="review-parts-intro">
        This import holds <strong>{parts.length} formats</strong>. Each becomes its own dataset with its own chain; <strong>Commit</strong> keeps
        all {parts.length} together, <strong>Discard</strong> keeps none.
      </p>
      {parts.map((part, i) => (
        <section key={i} className="review-part" data-testid="review-part" aria-label={`Part ${i + 1}: ${formatName(part.format, part.chain)} on ${chainName(part.chain)}`}>
          <h3>
            Part {i + 1} of {parts.length}: {formatName(part.format, part.chain)} on {chainName(part.chain)}
          </h3>
          <PartReview part={part} />
        </section>
      ))}
    </div>
  );
}

function PartReview({ part }: { part: ImportPartPreview }) {
  return (
    <>
      <p>
        Found <strong>{formatName(part.format, part.chain)}</strong> <span className="mono muted">({part.format})</span> for{' '}
        <strong>{chainName(part.chain)}</strong> <span className="mono muted">(<span data-testid="review-chain">{part.chain}</span>)</span>
        {part.firstTime !== null && (
          <>
            , transactions from <span data-testid="review-first">{formatUnixUtc(part.firstTime)}</span> to{' '}
            <span data-testid="review-last">{formatUnixUtc(part.lastTime)}</span>
          </>
        )}
        .
      </p>
      {part.alreadyImportedAs != null ? (
        <p data-testid="review-already">
          These files were already imported as dataset #{part.alreadyImportedAs}; this part adds nothing.
        </p>
      ) : (
        <>
          <CountsSentence rowCounts={part.rowCounts} added={part.added} />
          <KindCounts rowCounts={part.rowCounts} added={part.added} testId="review-counts" />
        </>
      )}
      <details>
        <summary>
          {part.sources.length} file{part.sources.length === 1 ? '' : 's'} read
        </summary>
        <ul className="plain-list mono">
          {part.sources.map((s, i) => (
            <li key={i}>
              {s.name}: {s.kind}, {formatCount(s.rows)} {s.kind === 'blk' || s.kind === 'raw' ? 'blocks' : 'rows'}
            </li>
          ))}
        </ul>
      </details>
      {(part.skipped.length > 0 || part.notes.length > 0) && (
        <div data-testid="review-left-out">
          <h3>Left out</h3>
          <ul className="plain-list">
            {part.skipped.map((s, i) => (
              <li key={`s${i}`}>
                <span className="mono">{s.path}</span>: {s.reason}
              </li>
            ))}
            {part.notes.map((n, i) => (
              <li key={`n${i}`}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
