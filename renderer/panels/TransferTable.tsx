import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { TransferPage } from '../../shared/api/schemas';
import { formatAmount } from '../format/amount';
import { formatCount, formatUnixUtc, shortMiddle } from '../format/text';
import { useServices } from '../state/services';

type Page = z.infer<typeof TransferPage>;
type Row = Page['items'][number];

const PAGE_SIZE = 25;
const ARROWS: Record<Row['direction'], string> = { in: '←in', out: '→out', self: '↺self' };

/** Date over time keeps the column narrow enough for the 360px panel. */
function TimeCell({ seconds }: { seconds: number | null }) {
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

function TransferRowView({ row }: { row: Row }) {
  const amount = formatAmount(row.value, row.asset);
  const counterparty = row.counterpartyDisplay ?? row.counterparty;
  return (
    <tr className={row.status === 'failed' ? 'failed' : undefined}>
      <TimeCell seconds={row.time} />
      <td className={`dir dir-${row.direction}`}>{ARROWS[row.direction]}</td>
      <td className="mono" title={counterparty ?? 'no counterparty (e.g. contract creation)'}>
        {counterparty ? shortMiddle(counterparty, 6, 4) : '—'}
      </td>
      <td className="num amount" title={amount.title + (row.status === 'failed' ? ' (failed: no value moved)' : '')}>
        {amount.text}
      </td>
      <td className="mono" title={`${row.txHash}${row.block !== null ? ` (block ${row.block})` : ''} · ${row.kind}`}>
        {shortMiddle(row.txHash, 6, 4)}
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
            <th scope="col">Counterparty</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Tx</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((row, i) => <TransferRowView key={`${row.txHash}:${offset + i}`} row={row} />)}
          {page && page.items.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No transfers in the store for this address.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      </div>
      <div className="pager">
        <button type="button" className="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
          Prev
        </button>
        <button type="button" className="small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
          Next
        </button>
      </div>
    </section>
  );
}
