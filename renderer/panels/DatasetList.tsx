import type { Dataset } from '../../shared/api/schemas';
import { formatCount, shortMiddle } from '../format/text';

function rowsRead(d: Dataset): number {
  return d.sources.reduce((sum, s) => sum + s.rows, 0);
}

export function DatasetList({ datasets }: { datasets: readonly Dataset[] }) {
  return (
    <section className="side-section" aria-labelledby="datasets-title">
      <h2 id="datasets-title">Datasets</h2>
      <ul className="side-list datasets" data-testid="dataset-list">
        {datasets.length === 0 && <li className="muted empty">Nothing imported yet (Ctrl+I).</li>}
        {datasets.map((d) => (
          <li key={d.id} className="dataset-item">
            <div className="dataset-head">
              <span className="mono">#{d.id}</span>
              <span>{d.format}</span>
              <span className="num muted">{formatCount(rowsRead(d))} rows</span>
            </div>
            {d.partialOf && (
              <div className="dataset-source small muted" title="An explorer export of one address's history: it shows what touched that address, not everything in those blocks.">
                partial view of <span className="mono">{shortMiddle(d.partialOf, 6, 4)}</span>
              </div>
            )}
            {d.sources.map((s) => (
              <div key={s.path} className="dataset-source small">
                <span className="ellipsis" title={s.path}>
                  {s.name}
                </span>
                <span className="mono muted" title={`SHA-256 ${s.sha256}`}>
                  {shortMiddle(s.sha256, 8, 4)}
                </span>
              </div>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
