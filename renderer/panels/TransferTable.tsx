import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { TransferPage } from '../../shared/api/schemas';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { formatCount, formatUnixUtc } from '../format/text';
import { useServices } from '../state/services';
import { CounterpartyLabelTag } from './IntelSections';
import { AddressLink, TxLink } from './LeadLinks';

type Page = z.infer<typeof TransferPage>;
type Row = Page['items'][number];

const PAGE_SIZE = 25;
/** Arrows alone leave the amount column room enough in the narrow panel. */
const ARROWS: Record<Row['direction'], string> = { in: '←', out: '→', self: '↺' };

/** Prev and Next for a table read a page at a time. */
export function PageButtons(props: { offset: number; total: number; pageSize: number; onOffset(offset: number): void }) {
  const { offset, total, pageSize } = props;
  return (
    <>
      <button type="button" className="small" disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - pageSize))}>
        Prev
      </button>
      <button type="button" className="small" disabled={offset + pageSize >= total} onClick={() => props.onOffset(offset + pageSize)}>
        Next
      </button>
    </>
  );
}

/** Date over time keeps the column narrow enough for the 360px panel. */
/** The one row of a table with nothing to list, saying why. */
export function EmptyRow({ columns, children }: { columns: number; children: string }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        {children}
      </td>
    </tr>
  );
}

export function TimeCell({ seconds }: { seconds: number | null }) {
  const iso = formatUnixUtc(seconds);
  const [date, time] = iso.split('T');
  return (
    <td className="mono time" title={iso}>
      {time === undefined ? iso : (
        <>
          {date}
          <br />
          {time}
        </>
      )}
    </td>
  );
}

function TransferRowView({ row, chain }: { row: Row; chain: string }) {
  // Rounded to fit the column; the exact amount and its base units are in the title.
  const amount = formatAmountRounded(row.value, row.asset);
  return (
    <tr className={row.status === 'failed' ? 'failed' : undefined}>
      <TimeCell seconds={row.time} />
      <td className={`dir dir-${row.direction}`} title={row.direction} aria-label={row.direction}>
        {ARROWS[row.direction]}
      </td>
      {/* Counterparty over its transaction: one column fewer, so the table fits the narrowest panel. */}
      <td className="mono party-tx">
        {row.counterparty ? (
          <>
            <AddressLink chain={chain} address={row.counterparty} display={row.counterpartyDisplay} />
            {row.counterpartyLabel && (
              <>
                <br />
                <CounterpartyLabelTag label={row.counterpartyLabel} />
              </>
            )}
          </>
        ) : (
          <span className="muted" title="no counterparty (a block reward, or a contract creation)">
            —
          </span>
        )}
        <br />
        <TxLink chain={chain} hash={row.txHash} block={row.block} note={row.kind} />
      </td>
      <td className="num amount" title={amountTooltip(amount) + (row.status === 'failed' ? ' (failed: no value moved)' : '')} data-base-units={row.value}>
        {amount.text}
      </td>
    </tr>
  );
}

/** Transfers of one address, 25 to a page, read from the store on demand. */
export function TransferTable({ chain, address, caseId }: { chain: string; address: string; caseId: string }) {
  const { client, run } = useServices();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);

  useEffect(() => {
    let current = true;
    void run(() => client['address.transfers']({ chain, address, offset, limit: PAGE_SIZE, caseId })).then((p) => {
      if (current && p) setPage(p);
    });
    return () => {
      current = false;
    };
  }, [client, run, chain, address, offset, caseId]);

  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + (page?.items.length ?? 0), total);

  return (
    <section className="detail-section" aria-labelledby="transfers-title">
      <div className="section-head">
        <h3 id="transfers-title">Transfers</h3>
        <span className="num muted" data-testid="transfer-range">
          {page ? `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}` : 'loading…'}
        </span>
      </div>
      <div className="table-scroll">
      <table className="data-table transfers" data-testid="transfer-table">
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Dir</th>
            <th scope="col" title="The counterparty, and under it the transaction">
              Counterparty
            </th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((row, i) => <TransferRowView key={`${row.txHash}:${offset + i}`} row={row} chain={chain} />)}
          {page && page.items.length === 0 && <EmptyRow columns={4}>No transfers in the store for this address.</EmptyRow>}
        </tbody>
      </table>
      </div>
      <div className="pager">
        <PageButtons offset={offset} total={total} pageSize={PAGE_SIZE} onOffset={setOffset} />
      </div>
    </section>
  );
}
