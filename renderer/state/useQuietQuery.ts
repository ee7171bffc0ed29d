import { useEffect, useRef, useState } from 'react';
import { toShownError } from './useOperations';

export type QueryState<T> =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly message: string };

/**
 * A read a panel shows inline (an address's labels, its exposure): run again whenever `key`
 * changes, its failure shown where the answer would be rather than in the banner, and an answer
 * to an older key (the investigator clicked on) dropped. A null key reads nothing.
 */
export function useQuietQuery<T>(key: string | null, task: () => Promise<T>): QueryState<T> {
  const [result, setResult] = useState<QueryState<T>>({ state: 'idle' });
  const latestTask = useRef(task);
  latestTask.current = task;

  useEffect(() => {
    if (key === null) {
      setResult({ state: 'idle' });
      return;
    }
    let current = true;
    setResult({ state: 'loading' });
    latestTask
      .current()
      .then((value) => current && setResult({ state: 'done', value }))
      .catch((e: unknown) => current && setResult({ state: 'failed', message: toShownError(e).message }));
    return () => {
      current = false;
    };
  }, [key]);

  return result;
}
