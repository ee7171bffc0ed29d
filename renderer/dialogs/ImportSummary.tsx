import type { Dataset } from '../../shared/api/schemas';
import { formatCount } from '../format/text';

/** Rows read and new facts added per kind (a re-import of the same file adds 0): after an import, and at its review. */
export function KindCounts(props: { rowCounts: Readonly<Record<string, number>>; added: Readonly<Record<string, number>>; testId?: string }) {
  const kinds = [...new Set([...Object.keys(props.rowCounts), ...Object.keys(props.added)])].sort();
  return (
    <table className="data-table" data-testid={props.testId}>
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
            <td className="num">{formatCount(props.rowCounts[k] ?? 0)}</td>
            <td className="num">{formatCount(props.added[k] ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ImportSummary({ dataset }: { dataset: Dataset }) {
  return (
    <div className="import-summary" data-testid="import-summary">
      <p>
        Import finished: dataset #{dataset.id} ({dataset.format}, {dataset.chain}) from{' '}
        {dataset.sources.map((s) => s.name).join(', ') || 'no files'}.
      </p>
      <KindCounts rowCounts={dataset.rowCounts} added={dataset.added} />
    </div>
  );
}
