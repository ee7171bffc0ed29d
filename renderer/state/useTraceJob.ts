import { useEffect, useState } from 'react';
import type { TraceJob } from '../../shared/api/traceSchemas';
import { useServices } from './services';
import { toShownError, type ShownError } from './useOperations';

/** A trace is asked for its progress this often: a bar that moves, without flooding the back end. */
export const TRACE_POLL_MS = 250;

export type TraceJobState = { job: TraceJob | null; error: ShownError | null };

/**
 * Follows a trace job by polling trace.status until it is done, failed or cancelled. A failed
 * poll (the back end restarted and forgot the job) ends the polling with its error.
 */
export function useTraceJob(jobId: string | null): TraceJobState {
  const { client } = useServices();
  const [state, setState] = useState<TraceJobState>({ job: null, error: null });

  useEffect(() => {
    setState({ job: null, error: null });
    if (!jobId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async () => {
      try {
        const job = await client['trace.status']({ jobId });
        if (stopped) return;
        setState({ job, error: null });
        if (job.state === 'running') timer = setTimeout(() => void poll(), TRACE_POLL_MS);
      } catch (e) {
        if (!stopped) setState((s) => ({ job: s.job, error: toShownError(e) }));
      }
    };
    void poll();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [jobId, client]);

  return state;
}
