import type { TraceJob } from '../../shared/api/traceSchemas';
import { formatCount } from '../format/text';

/**
 * A running trace: its phase and a bar (moving without a total while the total is unknown), and
 * a Cancel button unless the surrounding dialog has its own.
 */
export function TraceProgress({ job, cancelling, onCancel }: { job: TraceJob | null; cancelling: boolean; onCancel?: () => void }) {
  const total = job && job.total > 0 ? job.total : null;
  const done = job ? Math.min(job.done, total ?? job.done) : 0;
  return (
    <div className="import-progress trace-progress" data-testid="trace-progress" aria-live="polite">
      <progress max={total ?? undefined} value={total ? done : undefined} aria-label="Trace progress" />
      <div className="progress-line">
        <span data-testid="trace-phase">{cancelling ? 'cancelling…' : job ? job.phase || 'tracing' : 'starting'}</span>
        {job && job.done > 0 && (
          <span className="num muted" title="Addresses and transactions followed so far">
            {formatCount(job.done)}
            {total ? ` of about ${formatCount(total)}` : ''} followed
          </span>
        )}
        <span className="spacer" />
        {onCancel && (
          <button type="button" className="small" onClick={onCancel} disabled={cancelling} data-testid="trace-cancel">
            Cancel trace
          </button>
        )}
      </div>
    </div>
  );
}
