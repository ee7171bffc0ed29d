import type { JobState } from '../../shared/api/schemas';
import { formatBytes, formatCount } from '../format/text';

export function ImportProgress({ job }: { job: JobState | null }) {
  const total = job && job.total > 0 ? job.total : null;
  const percent = job && total ? Math.min(100, Math.floor((job.done / total) * 100)) : null;
  return (
    <div className="import-progress" data-testid="import-progress" aria-live="polite">
      <progress max={total ?? undefined} value={total ? Math.min(job?.done ?? 0, total) : undefined} aria-label="Import progress" />
      <div className="progress-line">
        <span>{job ? job.phase || 'working' : 'starting'}</span>
        {percent !== null && <span className="num">{percent}%</span>}
        {job && (
          <span className="num">
            {formatBytes(job.done)}
            {total ? ` of ${formatBytes(total)}` : ''}
          </span>
        )}
        {job && (
          <span className="num" title="Rows of CSV or JSON files, or transactions of Bitcoin blocks, read so far">
            {formatCount(job.rows)} rows read
          </span>
        )}
      </div>
      {job?.state === 'running' && job.message && <div className="muted">{job.message}</div>}
      {(!job || (job.state === 'running' && !/^(committing|discarding)/.test(job.phase))) && (
        <div className="muted small">Reading and checking the files; nothing is kept until you commit what they hold.</div>
      )}
    </div>
  );
}
