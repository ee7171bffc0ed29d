import { useEffect, useMemo, useRef, useState } from 'react';
import type { Graph } from '../../shared/api/schemas';
import { formatUnits } from '../../shared/model/amount';
import { formatUnixUtc } from '../format/text';
import { assetsOf, describeFilter, DIRECTION_TEXT, isActive, NO_FILTER, parseLeastAmount, timeSpan, type FilterValue } from '../state/flowFilter';

/**
 * Filters the value flows on the canvas and the pages expansions add: a time window (two sliders
 * over the case's time span), one asset, a least amount per transfer ("above 1 ETH after the
 * theft") and a direction (money moving away from the seeds, or into them). The back end sums
 * the edges again from just the transfers kept, so figures stay exact.
 */
export function FilterBar(props: { graph: Graph; filter: FilterValue | null; onChange(filter: FilterValue | null): void }) {
  const { graph, filter } = props;
  const [open, setOpen] = useState(isActive(filter));
  // The span and assets of the case unfiltered: a filtered graph would narrow its own sliders.
  const unfiltered = useRef<Graph | null>(null);
  if (!graph.filter) unfiltered.current = graph;
  const base = unfiltered.current?.caseId === graph.caseId ? unfiltered.current : graph;
  const span = useMemo(() => timeSpan(base), [base]);
  const assets = useMemo(() => assetsOf(base), [base]);

  const [draft, setDraft] = useState<FilterValue>(filter ?? NO_FILTER);
  const [amountText, setAmountText] = useState('');
  useEffect(() => {
    setDraft(filter ?? NO_FILTER);
    if (!filter?.minAmount) setAmountText('');
  }, [filter]);

  const asset = assets.find((a) => a.id === draft.assetId) ?? null;
  const least = parseLeastAmount(amountText, asset);
  // Sliders apply when they settle, not on every step of a drag.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const apply = (next: FilterValue, delay = 0) => {
    setDraft(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => props.onChange(isActive(next) ? next : null), delay);
  };
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const active = isActive(filter);
  const summary = active ? describeFilter(filter, assets, formatUnixUtc) : '';
  return (
    <div className={`filter-bar${active ? ' filter-active' : ''}`} data-testid="filter-bar">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} title="Filter the flows on the canvas and in expansions (time, asset, least amount, direction)">
        Filter{active ? ' (on)' : ''} {open ? '▴' : '▾'}
      </button>
      {active && !open && (
        <span className="filter-summary" data-testid="filter-summary" title={summary}>
          {summary}
        </span>
      )}
      {active && (
        <button type="button" onClick={() => apply(NO_FILTER)} data-testid="filter-clear">
          Clear filter
        </button>
      )}
      {open && (
        <div className="filter-controls">
          {span ? (
            <fieldset className="filter-time">
              <legend>Time (UTC)</legend>
              <TimeSlider
                name="From"
                span={span}
                value={draft.from ?? span.min}
                onChange={(v) => apply({ ...draft, from: v <= span.min ? null : Math.min(v, draft.to ?? span.max) }, 300)}
              />
              <TimeSlider
                name="To"
                span={span}
                value={draft.to ?? span.max}
                onChange={(v) => apply({ ...draft, to: v >= span.max ? null : Math.max(v, draft.from ?? span.min) }, 300)}
              />
            </fieldset>
          ) : (
            <span className="muted">No dated flows on the canvas yet.</span>
          )}
          <label>
            Asset
            <select
              aria-label="Asset"
              value={draft.assetId ?? ''}
              onChange={(e) => {
                const id = e.target.value === '' ? null : Number(e.target.value);
                setAmountText('');
                apply({ ...draft, assetId: id, minAmount: null });
              }}
            >
              <option value="">all assets</option>
              {assets.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.symbol ?? a.contract ?? 'unknown token'} ({a.chain})
                </option>
              ))}
            </select>
          </label>
          <label>
            At least
            <input
              type="text"
              inputMode="decimal"
              aria-label="Least amount per transfer"
              placeholder={asset ? `0 ${asset.symbol ?? ''}` : 'choose an asset'}
              disabled={!asset}
              value={amountText}
              aria-invalid={!least.ok}
              onChange={(e) => setAmountText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && least.ok) apply({ ...draft, minAmount: least.value });
              }}
              onBlur={() => {
                if (least.ok && least.value !== draft.minAmount) apply({ ...draft, minAmount: least.value });
              }}
            />
            {asset?.symbol && <span className="muted">{asset.symbol}</span>}
          </label>
          {!least.ok && (
            <span className="field-error" role="alert">
              {least.error}
            </span>
          )}
          {draft.minAmount !== null && asset?.decimals !== null && asset && (
            <span className="muted" title={`${draft.minAmount} base units`}>
              = {formatUnits(BigInt(draft.minAmount), asset.decimals ?? 0)} {asset.symbol}
            </span>
          )}
          <label>
            Direction
            <select
              aria-label="Direction"
              value={draft.direction ?? ''}
              title="Keep the flows on a path leaving a seed (where the money went) or on a path into one (where it came from); expansions then go that way only"
              onChange={(e) => {
                const { direction: _, ...rest } = draft;
                apply(e.target.value === 'downstream' || e.target.value === 'upstream' ? { ...rest, direction: e.target.value } : rest);
              }}
            >
              <option value="">both ways</option>
              <option value="downstream">{DIRECTION_TEXT.downstream}</option>
              <option value="upstream">{DIRECTION_TEXT.upstream}</option>
            </select>
          </label>
          <span className="muted filter-note">Expansions use this filter too.</span>
        </div>
      )}
    </div>
  );
}

/** One end of the time window: a slider over the case's time span, its value shown in UTC. */
function TimeSlider(props: { name: 'From' | 'To'; span: { min: number; max: number }; value: number; onChange(value: number): void }) {
  const { span } = props;
  return (
    <label>
      {props.name} <span className="mono">{formatUnixUtc(props.value)}</span>
      <input
        type="range"
        aria-label={`${props.name} time`}
        min={span.min}
        max={span.max}
        step={Math.max(1, Math.round((span.max - span.min) / 500))}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </label>
  );
}
