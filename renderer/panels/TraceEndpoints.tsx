import { useMemo, useState } from 'react';
import type { TraceEndpoint } from '../../shared/api/traceSchemas';
import { categoryLabel } from '../dialogs/fields';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { chainName } from '../format/datasetWords';
import { formatCount, formatUnixUtc, shortMiddle } from '../format/text';
import { endpointWhy, formatShare, reasonHint } from '../format/traceWords';
import { DEFAULT_ENDPOINT_SORT, endpointKey, nextSort, sortEndpoints, type EndpointSort, type EndpointSortKey } from '../state/traceTable';
import { CategorySwatch } from './IntelSections';

/** Rows drawn per table; Save CSV has every row. */
const SHOWN_ROWS = 1000;

function SortHeader(props: { label: string; sortKey: EndpointSortKey; sort: EndpointSort; onSort(key: EndpointSortKey): void; className?: string; title: string }) {
  const active = props.sort.key === props.sortKey;
  return (
    <th scope="col" className={props.className} aria-sort={active ? (props.sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link sort-button" title={props.title} onClick={() => props.onSort(props.sortKey)}>
        {props.label}
        <span aria-hidden="true">{active ? (props.sort.desc ? ' ▾' : ' ▴') : ''}</span>
      </button>
    </th>
  );
}

function When({ e }: { e: TraceEndpoint }) {
  if (e.firstTime === null) return <span className="muted">—</span>;
  const first = formatUnixUtc(e.firstTime).replace('T', ' ').replace('Z', '');
  const last = e.lastTime === null || e.lastTime === e.firstTime ? null : formatUnixUtc(e.lastTime).replace('T', ' ').replace('Z', '');
  return (
    <span title={`${formatUnixUtc(e.firstTime)}${last ? ` to ${formatUnixUtc(e.lastTime)}` : ''} (UTC)`}>
      {first}
      {last && <span className="muted"> → {last}</span>}
    </span>
  );
}

function AddressCell({ e, onShow }: { e: TraceEndpoint; onShow?: (e: TraceEndpoint) => void }) {
  const display = e.display ?? e.address;
  return (
    <td className="trace-address">
      {e.label && (
        <div className="trace-label" title={`${e.label}${e.category ? ` (${categoryLabel(e.category)})` : ''}`}>
          <CategorySwatch category={e.category} />
          <span className="ellipsis">{e.label}</span>
          {e.category && <span className="chip">{categoryLabel(e.category)}</span>}
        </div>
      )}
      {display && onShow ? (
        <button type="button" className="link mono" title={`${display}\n(show it on the case's canvas, with its path)`} data-address={e.address} onClick={(ev) => (ev.stopPropagation(), onShow(e))}>
          {shortMiddle(display, 10, 6)}
        </button>
      ) : (
        <span className="mono muted">{display ? shortMiddle(display, 10, 6) : e.reason === 'fee' ? '(miners)' : '(no address)'}</span>
      )}
    </td>
  );
}

/**
 * Where traced value ended (or is still moving): one row per address, asset and reason, with
 * the exact amount on hover. A row click highlights its path in the drawing; the address
 * shows it on the case's canvas.
 */
export function TraceEndpointTable(props: {
  rows: readonly TraceEndpoint[];
  assetOrder: readonly number[];
  caption: string;
  testId: string;
  selectedKey: string | null;
  onSelect(e: TraceEndpoint): void;
  onShowOnCanvas?: (e: TraceEndpoint) => void;
}) {
  const [sort, setSort] = useState<EndpointSort>(DEFAULT_ENDPOINT_SORT);
  const sorted = useMemo(() => sortEndpoints(props.rows, sort, props.assetOrder), [props.rows, sort, props.assetOrder]);
  const onSort = (key: EndpointSortKey) => setSort((s) => nextSort(s, key));
  return (
    <table className="data-table trace-table" data-testid={props.testId}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Chain</th>
          <SortHeader label="Amount" sortKey="amount" sort={sort} onSort={onSort} className="num" title="Sort by amount (each asset kept together)" />
          <SortHeader label="Share" sortKey="share" sort={sort} onSort={onSort} className="num" title="Sort by share of the asset's traced total" />
          <SortHeader label="Hops" sortKey="hops" sort={sort} onSort={onSort} className="num" title="Sort by hops from a source" />
          <th scope="col">Why it ends here</th>
          <SortHeader label="First → last (UTC)" sortKey="time" sort={sort} onSort={onSort} title="Sort by when traced value first arrived" />
        </tr>
      </thead>
      <tbody>
        {sorted.slice(0, SHOWN_ROWS).map((e, i) => {
          const key = endpointKey(e);
          const amount = formatAmountRounded(e.amount, e.asset);
          return (
            <tr
              key={`${key}|${i}`}
              className={key === props.selectedKey ? 'selected' : undefined}
              aria-selected={key === props.selectedKey}
              data-testid="trace-row"
              data-address={e.address ?? ''}
              data-asset={e.asset.id}
              data-amount={e.amount}
              data-reason={e.reason}
              onClick={() => props.onSelect(e)}
            >
              <AddressCell e={e} onShow={props.onShowOnCanvas} />
              <td className="small">{chainName(e.chain)}</td>
              <td className="num amount" title={amountTooltip(amount)}>
                {amount.text}
              </td>
              <td className="num">{formatShare(e.share)}</td>
              <td className="num">{e.hops}</td>
              <td className={`trace-why reason-${e.reason}`} title={reasonHint(e.reason)}>
                {endpointWhy(e)}
                {e.linkedOut !== '0' && <div className="muted small">part crossed a link</div>}
              </td>
              <td className="small nowrap">
                <When e={e} />
              </td>
            </tr>
          );
        })}
      </tbody>
      {sorted.length > SHOWN_ROWS && (
        <tfoot>
          <tr>
            <td colSpan={7} className="muted small">
              The first {formatCount(SHOWN_ROWS)} rows of {formatCount(sorted.length)}; Save CSV has every row.
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
