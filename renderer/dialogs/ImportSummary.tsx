import type { Dataset } from '../../shared/api/schemas';
import { chainName, describeNew, describeRead, formatName, kindMeaning, kindName } from '../format/datasetWords';
import { formatCount } from '../format/text';

const NOT_COUNTED =
  'Not counted for this kind: transfers, outputs, inputs and addresses are worked out from the rows (transactions, token transfers, traces, blocks), not rows of their own, and rows of some kinds are stored as another kind (token transfers as transfers).';

/**
 * What the files held and what the store gains, per kind (a re-import of the same file adds 0):
 * after an import, and at its review. A dash marks a count that does not exist for that kind,
 * never a zero that looks like lost data.
 */
export function KindCounts(props: { rowCounts: Readonly<Record<string, number>>; added: Readonly<Record<string, number>>; testId?: string }) {
  const kinds = [...new Set([...Object.keys(props.rowCounts), ...Object.keys(props.added)])];
  const cell = (counts: Readonly<Record<string, number>>, k: string) =>
    k in counts ? (
      formatCount(counts[k]!)
    ) : (
      <span className="muted" title={NOT_COUNTED}>
        —
      </span>
    );
  return (
    <table className="data-table kind-counts" data-testid={props.testId}>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col" className="num" title="Rows (CSV or JSON lines) or blocks of this kind in the files">
            In the files
          </th>
          <th scope="col" className="num" title="Facts of this kind the store did not have before (what it already had is not counted again)">
            New in the store
          </th>
        </tr>
      </thead>
      <tbody>
        {kinds.map((k) => (
          <tr key={k}>
            <td title={kindMeaning(k) ?? undefined}>{kindName(k)}</td>
            <td className="num">{cell(props.rowCounts, k)}</td>
            <td className="num">{cell(props.added, k)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One sentence for a dataset's counts: "Read 255 blocks; new: 262 transactions, 298 transfers…". */
export function CountsSentence(props: { rowCounts: Readonly<Record<string, number>>; added: Readonly<Record<string, number>> }) {
  const read = describeRead(props.rowCounts);
  const fresh = describeNew(props.added);
  return (
    <p className="counts-sentence">
      Read {read || 'nothing'} from the files; {fresh ? `new in the store: ${fresh}` : 'nothing new for the store'}.
    </p>
  );
}

export function ImportSummary({ dataset }: { dataset: Dataset }) {
  return (
    <div className="import-summary-part" data-testid="summary-dataset">
      <p>
        Dataset <strong>#{dataset.id}</strong>: {formatName(dataset.format, dataset.chain)} <span className="mono muted">({dataset.format})</span> on{' '}
        <strong>{chainName(dataset.chain)}</strong> <span className="mono muted">({dataset.chain})</span>, from{' '}
        {dataset.sources.map((s) => s.name).join(', ') || 'no files'}.
      </p>
      <CountsSentence rowCounts={dataset.rowCounts} added={dataset.added} />
      {dataset.conflicts > 0 && (
        <p className="warn-note" data-testid="summary-conflicts">
          {formatCount(dataset.conflicts)} {dataset.conflicts === 1 ? 'fact disagrees' : 'facts disagree'} with earlier sources: the store kept the first source's
          values. Each transaction's details show its own; <span className="mono">cairn conflicts --dataset {dataset.id}</span> lists them all.
        </p>
      )}
      <KindCounts rowCounts={dataset.rowCounts} added={dataset.added} />
    </div>
  );
}

/** The outcome of an import: its dataset, or one per part of a mixed import, kept together. */
export function ImportSummaries({ datasets }: { datasets: readonly Dataset[] }) {
  return (
    <div className="import-summary" data-testid="import-summary">
      <p>
        {datasets.length === 1
          ? 'Import finished and committed.'
          : `Import finished: ${datasets.length} datasets, one per format, committed together.`}
      </p>
      {datasets.map((d) => (
        <ImportSummary key={d.id} dataset={d} />
      ))}
    </div>
  );
}
