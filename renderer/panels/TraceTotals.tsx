import type { TaintMethod, TraceResult } from '../../shared/api/traceSchemas';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { chainName } from '../format/datasetWords';
import { totalDifference } from '../format/traceWords';

type Total = TraceResult['totals'][number];

const COLUMNS: readonly { key: keyof Pick<Total, 'sourced' | 'linkedIn' | 'stopped' | 'atRest' | 'fees' | 'sunk' | 'unresolved'>; label: string; title: string }[] = [
  { key: 'sourced', label: 'Sourced', title: 'What the sources sent: the stolen value that entered the trace' },
  { key: 'linkedIn', label: 'Linked in', title: 'What confirmed cross-chain links carried in from another chain' },
  { key: 'stopped', label: 'Stopped', title: 'Reached a stop rule: a service, a marked address, a cluster or a hub' },
  { key: 'atRest', label: 'At rest', title: 'Rests at an address as far as the store knows' },
  { key: 'fees', label: 'Fees', title: 'Paid to miners or validators' },
  { key: 'sunk', label: 'Sunk', title: 'Left to no address (burn, contract creation, unreadable output)' },
  { key: 'unresolved', label: 'Still moving', title: 'Still moving at the limits: past the hop limit, after the window, dust, or on a chain not followed' },
];

function Check({ total, method }: { total: Total; method: TaintMethod }) {
  const diff = totalDifference(total);
  if (total.reconciles && diff === 0n)
    return (
      <span className="chip chip-ok" title="Sourced + linked in = stopped + at rest + fees + sunk + still moving, to the base unit" data-testid="trace-reconciles">
        reconciles ✓
      </span>
    );
  const amount = formatAmountRounded((diff < 0n ? -diff : diff).toString(), total.asset);
  if (method === 'poison')
    return (
      <span className="chip chip-warn" title="Poison taints whole balances: its endpoints are an upper bound and do not add up to the sources" data-testid="trace-reconciles">
        upper bound (poison)
      </span>
    );
  return (
    <span className="chip chip-bad" title={amountTooltip(amount)} data-testid="trace-reconciles">
      {diff < 0n ? 'ends exceed sources by' : 'unaccounted:'} {amount.text}
    </span>
  );
}

/** Per asset: what entered the trace and where all of it went, and whether the two agree exactly. */
export function TraceTotals({ totals, method }: { totals: TraceResult['totals']; method: TaintMethod }) {
  return (
    <table className="data-table trace-totals" data-testid="trace-totals">
      <thead>
        <tr>
          <th scope="col">Asset</th>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" className="num" title={c.title}>
              {c.label}
            </th>
          ))}
          <th scope="col">Check</th>
        </tr>
      </thead>
      <tbody>
        {totals.map((t) => (
          <tr key={t.asset.id} data-testid="trace-total-row" data-asset={t.asset.id}>
            <th scope="row" title={t.asset.contract ?? `${chainName(t.asset.chain)}'s own asset`}>
              {t.asset.symbol ?? 'token'} <span className="muted small">{chainName(t.asset.chain)}</span>
            </th>
            {COLUMNS.map((c) => {
              const amount = formatAmountRounded(t[c.key], t.asset);
              return (
                <td key={c.key} className={t[c.key] === '0' ? 'num amount muted' : 'num amount'} title={amountTooltip(amount)}>
                  {t[c.key] === '0' ? '0' : amount.text}
                </td>
              );
            })}
            <td>
              <Check total={t} method={method} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
