import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { Graph } from '../../shared/api/schemas';
import type { SavedTrace, SavedTraceSummary } from '../../shared/api/traceSchemas';
import type { Services } from './services';
import { toShownError } from './useOperations';

export type TraceSummary = z.infer<typeof SavedTraceSummary>;

type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; message: string };

/**
 * The open case's saved traces and the one open in the trace view. The list is read again when
 * the case changes in a way that can add or drop a trace (a run, a removal, an undo or redo of
 * either: the graph's undo and redo labels change with each), and only while the view is shown.
 */
export function useTraces(services: Services, graph: Graph | null, shown: boolean, refreshGraph: () => Promise<void>) {
  const { client, run } = services;
  const caseId = graph?.caseId ?? null;
  const [list, setList] = useState<Loaded<TraceSummary[]>>({ state: 'loading' });
  const [openId, setOpenId] = useState<number | null>(null);
  const [open, setOpen] = useState<Loaded<SavedTrace> | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const listKey = `${caseId ?? ''}|${graph?.undo ?? ''}|${graph?.redo ?? ''}|${version}`;

  useEffect(() => {
    if (!caseId || !shown) return;
    let current = true;
    client['trace.list']({ caseId })
      .then((value) => current && setList({ state: 'done', value }))
      .catch((e: unknown) => current && setList({ state: 'failed', message: toShownError(e).message }));
    return () => {
      current = false;
    };
    // listKey stands for what can change the list.
  }, [client, caseId, shown, listKey]);

  // Another case: nothing of the last one stays open.
  useEffect(() => {
    setOpenId(null);
    setList({ state: 'loading' });
  }, [caseId]);

  // The open trace is gone (removed, or its run undone): close it. Restored by a redo, it can be
  // opened again. A trace just saved is not gone: the list read before it was saved lacks it.
  const justSaved = useRef<number | null>(null);
  const ids = list.state === 'done' ? list.value.map((t) => t.id) : null;
  const idsKey = ids?.join(' ') ?? null;
  useEffect(() => {
    if (ids === null || openId === null) return;
    if (ids.includes(openId)) {
      if (justSaved.current === openId) justSaved.current = null;
    } else if (justSaved.current !== openId) setOpenId(null);
    // idsKey stands for ids.
  }, [idsKey, openId]);
  // Nothing chosen yet: the newest trace opens.
  useEffect(() => {
    if (!shown || openId !== null || list.state !== 'done' || list.value.length === 0) return;
    setOpenId(Math.max(...list.value.map((t) => t.id)));
  }, [shown, openId, list]);

  useEffect(() => {
    if (!caseId || openId === null) {
      setOpen(null);
      return;
    }
    let current = true;
    setOpen({ state: 'loading' });
    client['trace.get']({ caseId, traceId: openId })
      .then((value) => current && setOpen({ state: 'done', value }))
      .catch((e: unknown) => current && setOpen({ state: 'failed', message: toShownError(e).message }));
    return () => {
      current = false;
    };
  }, [client, caseId, openId]);

  /** Removes a saved trace; Undo (the case's own) brings it back. */
  const remove = useCallback(
    async (traceId: number) => {
      if (!caseId) return false;
      const done = await run(() => client['trace.remove']({ caseId, traceId }));
      if (!done) return false;
      // The graph carries the undo label: read it, so Undo offers the removal (and the list reloads).
      await refreshGraph();
      refresh();
      return done.removed;
    },
    [client, run, caseId, refreshGraph, refresh],
  );

  /** A trace just saved (a run or a re-run finished): list it and open it. */
  const adopt = useCallback(
    (traceId: number | null) => {
      refresh();
      if (traceId !== null) {
        justSaved.current = traceId;
        setOpenId(traceId);
      }
      void refreshGraph();
    },
    [refresh, refreshGraph],
  );

  return { list, openId, open, setOpenId, remove, adopt, refresh };
}

export type Traces = ReturnType<typeof useTraces>;
