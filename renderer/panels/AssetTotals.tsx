import type { AddressSummary } from '../../shared/api/schemas';
import { formatAmount } from '../format/amount';
import { formatCount } from '../format/text';

type Total = AddressSummary['totals'][number];

function TotalRow({ total, side }: { total: Total; side: 'received' | 'sent' }) {
  const value = side === 'received' ? total.received : total.sent;
  const count = side === 'received' ? total.receivedCount : total.sentCount;
  const amount = formatAmount(value, total.asset);
  return (
    <tr>
      <th scope="row">{side === 'received' ? 'Received' : 'Sent'}</th>
      <td className="num amount" title={amount.title}>
        {amount.text}
      </td>
      <td className="num muted" title={`${count} transfers`}>
        {formatCount(count)}×
      </td>
    </tr>
  );
}

/** Exact totals per asset; the raw base units are in each amount's title. */
export function AssetTotals({ totals }: { totals: AddressSummary['totals'] }) {
  if (totals.length === 0) return <p className="muted">No transfers recorded.</p>;
  return (
    <table className="data-table totals" data-testid="asset-totals">
      {totals.map((t) => (
        <tbody key={t.asset.id}>
          <TotalRow total={t} side="received" />
          <TotalRow total={t} side="sent" />
        </tbody>
      ))}
    </table>
  );
}
