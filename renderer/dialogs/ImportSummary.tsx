import type { Dataset } from '../../shared/api/schemas';
import { formatCount } from '../format/text';

/** Rows read and new facts added per kind: a re-import of the same file adds 0. */
export function ImportSummary({ dataset }: { dataset: Dataset }) {
  const kinds = [...new Set([...Object.keys(dataset.rowCounts), ...Object.keys(dataset.added)])].sort();
  return (
    <div className="import-summary" data-testid="import-summary">
      <p>
        Import finished: dataset #{dataset.id} ({dataset.format}, {dataset.chain}) from{' '}
        {dataset.sources.map((s) => s.name).join(', ') || 'no files'}.
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Rows read
            </th>
            <th scope="col" className="num">
              New facts
            </th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k}>
              <td>{k}</td>
              <td className="num">{formatCount(dataset.rowCounts[k] ?? 0)}</td>
              <td className="num">{formatCount(dataset.added[k] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
