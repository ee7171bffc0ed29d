import { useEffect, useState } from 'react';
import type { JobState } from '../../shared/api/schemas';
import { useServices } from './services';

const POLL_MS = 1500;

/**
 * Follows one job through `job` events. It also polls `jobs.list`: events sent before the
 * job id was known, or lost while the event stream reconnected, must not stall the bar.
 * Once the job is finished, later (older) reports are ignored.
 */
export function useJob(jobId: string | null): JobState | null {
  const { client, subscribe } = useServices();
  const [job, setJob] = useState<JobState | null>(null);

  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let finished = false;
    const accept = (next: JobState) => {
      if (next.id !== jobId || finished) return;
      // A job in review is not finished: it goes on to done or cancelled when answered.
      if (next.state === 'done' || next.state === 'failed' || next.state === 'cancelled') finished = true;
      setJob(next);
    };
    const unsubscribe = subscribe((event) => {
      if (event.type === 'job') accept(event.job);
    });
    const poll = async () => {
      if (finished) return;
      try {
        const found = (await client['jobs.list']({})).find((j) => j.id === jobId);
        if (found) accept(found);
      } catch {
        // Polling is the fallback; its failure is not news.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [jobId, client, subscribe]);

  return job;
}
