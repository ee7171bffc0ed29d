import type { Dataset } from '../../shared/api/schemas';
import { chainName, describeNew, describeRead, explainCounts, formatName } from '../format/datasetWords';
import { formatCount, shortMiddle } from '../format/text';

/**
 * Every import, newest first: its chain by name, its format, what its files held and what it
 * added (a tooltip names every count), and the files with their SHA-256.
 */
export function DatasetList({ datasets }: { datasets: readonly Dataset[] }) {
  return (
    <section className="side-section" aria-labelledby="datasets-title">
      <h2 id="datasets-title">Datasets</h2>
      <ul className="side-list datasets" data-testid="dataset-list">
        {datasets.length === 0 && <li className="muted empty">Nothing imported yet (Ctrl+I).</li>}
        {/* Newest first: the list scrolls inside a capped height, and the last import is the one to check. */}
        {[...datasets].reverse().map((d) => {
          const read = describeRead(d.rowCounts, 3);
          const fresh = describeNew(d.added, 3);
          const counts = explainCounts(d.rowCounts, d.added);
          return (
            <li key={d.id} className="dataset-item" data-testid="dataset-item">
              <div className="dataset-head">
                <span className="mono muted">#{d.id}</span>{' '}
                <strong data-testid="dataset-chain" title={d.chain}>
                  {chainName(d.chain)}
                </strong>{' '}
                <span className="muted">· {formatName(d.format, d.chain)}</span>
              </div>
              <div className="dataset-counts small" data-testid="dataset-counts" title={counts}>
                <div>
                  <span className="muted">read </span>
                  {read || 'nothing'}
                </div>
                <div>
                  <span className="muted">new </span>
                  {fresh || 'nothing (all of it was already in the store)'}
                </div>
              </div>
              {d.conflicts > 0 && (
                <div
                  className="dataset-source small"
                  data-testid="dataset-conflicts"
                  title={`Values in this dataset that differ from what an earlier source (or an earlier row of this import) gave; the store kept the first. cairn conflicts --dataset ${d.id} lists them.`}
                >
                  {formatCount(d.conflicts)} {d.conflicts === 1 ? 'fact disagrees' : 'facts disagree'} with earlier sources
                </div>
              )}
              {d.partialOf && (
                <div className="dataset-source small muted" title="An explorer export of one address's history: it shows what touched that address, not everything in those blocks.">
                  partial view of <span className="mono">{shortMiddle(d.partialOf, 6, 4)}</span>
                </div>
              )}
              <details className="dataset-files small">
                <summary>
                  <span className="mono muted" title={`parser ${d.parserVersion}`}>
                    {d.format}
                  </span>{' '}
                  · {d.sources.length} file{d.sources.length === 1 ? '' : 's'}
                </summary>
                {d.sources.map((s) => (
                  <div key={s.path} className="dataset-source">
                    <span className="ellipsis" title={s.path}>
                      {s.name}
                    </span>
                    <span className="mono muted" title={`SHA-256 ${s.sha256}`}>
                      {shortMiddle(s.sha256, 8, 4)}
                    </span>
                  </div>
                ))}
              </details>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
