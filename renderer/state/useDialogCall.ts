import { useCallback, useState } from 'react';
import { useServices } from './services';
import { toShownError, type ShownError } from './useOperations';

export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: ShownError };

/**
 * Runs a call with the busy indicator on, like Services.run, but keeps its error for the dialog
 * that made it: a refused bundle or a wrong passphrase belongs next to the field it concerns,
 * not in the banner behind the dialog.
 */
export function useDialogCall() {
  const { run } = useServices();
  const [error, setError] = useState<ShownError | null>(null);

  const call = useCallback(
    async <T,>(task: () => Promise<T>): Promise<CallOutcome<T>> => {
      setError(null);
      const outcome = await run(async (): Promise<CallOutcome<T>> => {
        try {
          return { ok: true, value: await task() };
        } catch (e) {
          return { ok: false, error: toShownError(e) };
        }
      });
      const settled: CallOutcome<T> = outcome ?? { ok: false, error: { kind: 'internal', message: 'the call did not finish' } };
      if (!settled.ok) setError(settled.error);
      return settled;
    },
    [run],
  );

  const clearError = useCallback(() => setError(null), []);
  return { call, error, clearError };
}
