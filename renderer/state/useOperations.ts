import { useCallback, useState } from 'react';
import { ApiError } from '../../shared/api/contract';

export interface ShownError {
  readonly kind: string;
  readonly message: string;
}

export function toShownError(error: unknown): ShownError {
  if (error instanceof ApiError) return { kind: error.kind, message: error.message };
  if (error instanceof Error) return { kind: 'internal', message: error.message };
  return { kind: 'internal', message: String(error) };
}

/** Busy count and the last error, shared by every call the UI makes. */
export function useOperations() {
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<ShownError | null>(null);

  const run = useCallback(async <T,>(task: () => Promise<T>): Promise<T | undefined> => {
    setPending((n) => n + 1);
    try {
      return await task();
    } catch (e) {
      setError(toShownError(e));
      return undefined;
    } finally {
      setPending((n) => n - 1);
    }
  }, []);

  const dismissError = useCallback(() => setError(null), []);
  const reportError = useCallback((e: unknown) => setError(toShownError(e)), []);

  return { busy: pending > 0, error, run, dismissError, reportError };
}
