import { formatCount, formatIsoDate } from '../format/text';
import { methodName } from '../format/traceWords';
import type { TraceSummary } from '../state/useTraces';

/** The case's saved traces, newest first: open one, or remove it (the case's Undo brings it back). */
export function TraceList(props: { traces: readonly TraceSummary[]; openId: number | null; readOnly: boolean; onOpen(traceId: number): void; onRemove(trace: TraceSummary): void }) {
  if (props.traces.length === 0) return <p className="muted small">No saved traces yet: select addresses (or none, for the victims) and run Trace….</p>;
  return (
    <ul className="plain-list trace-list" data-testid="trace-list">
      {[...props.traces]
        .sort((a, b) => b.id - a.id)
        .map((t) => (
          <li key={t.id} className={t.id === props.openId ? 'trace-item open' : 'trace-item'} data-testid="trace-item" data-trace-id={t.id}>
            <button type="button" className="link trace-item-name" aria-current={t.id === props.openId ? 'true' : undefined} title={`${t.name}\nsaved ${t.createdAt} by ${t.createdBy}`} onClick={() => props.onOpen(t.id)}>
              {t.name || `Trace #${t.id}`}
            </button>
            <div className="trace-item-meta muted small">
              <span className="chip">{methodName(t.method)}</span> {formatCount(t.endpoints)} endpoint{t.endpoints === 1 ? '' : 's'} · {formatIsoDate(t.createdAt)} · {t.createdBy}
            </div>
            {!props.readOnly && (
              <button type="button" className="small trace-remove" aria-label={`Remove trace ${t.name || `#${t.id}`}`} title="Remove this saved trace (Undo brings it back)" onClick={() => props.onRemove(t)}>
                Remove
              </button>
            )}
          </li>
        ))}
    </ul>
  );
}
