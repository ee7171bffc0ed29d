import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseSummary, Graph } from '../../shared/api/schemas';
import type { Services } from './services';
import type { FilterValue } from './flowFilter';

/** The open case, its graph and the case list. Every mutation returns the whole Graph, which replaces ours. */
export function useCaseSession({ client, run }: Services) {
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [graph, setGraph] = useState<Graph | null>(null);
  const openCaseId = useRef<string | null>(null);
  /** The canvas filter (time window, asset, least amount); null shows every flow. */
  const [filter, setFilterState] = useState<FilterValue | null>(null);
  const filterRef = useRef<FilterValue | null>(null);
  /** The open case's graph, summed through the filter when one is on. */
  const fetchGraph = useCallback((caseId: string) => client['graph.get']({ caseId, ...(filterRef.current ? { filter: filterRef.current } : {}) }), [client]);

  const refreshCases = useCallback(async () => {
    const list = await run(() => client['case.list']({}));
    if (list) setCases(list);
    return list;
  }, [client, run]);

  const openCase = useCallback(
    async (caseId: string) => {
      // Another case starts unfiltered: a filter is a view of one case.
      if (caseId !== openCaseId.current) {
        filterRef.current = null;
        setFilterState(null);
      }
      const loaded = await run(() => fetchGraph(caseId));
      if (!loaded) return false;
      openCaseId.current = loaded.caseId;
      setGraph(loaded);
      // Kept in the workspace, not in browser storage: the browser shell's origin (a random
      // port) changes at every start, and the workspace is what the investigator reopens.
      void client['settings.set']({ lastCase: loaded.caseId }).catch(() => undefined);
      return true;
    },
    [client, run, fetchGraph],
  );

  /** Sets or clears the canvas filter and draws the case through it. */
  const setFilter = useCallback(
    async (next: FilterValue | null) => {
      filterRef.current = next;
      setFilterState(next);
      const caseId = openCaseId.current;
      if (!caseId) return false;
      const loaded = await run(() => fetchGraph(caseId));
      if (loaded && loaded.caseId === openCaseId.current) setGraph(loaded);
      return Boolean(loaded);
    },
    [run, fetchGraph],
  );

  const createCase = useCallback(
    async (name: string) => {
      const created = await run(() => client['case.create']({ name }));
      if (!created) return false;
      await refreshCases();
      return openCase(created.id);
    },
    [client, run, refreshCases, openCase],
  );

  const renameCase = useCallback(
    async (name: string) => {
      const caseId = openCaseId.current;
      if (!caseId) return false;
      const renamed = await run(() => client['case.rename']({ caseId, name }));
      if (!renamed) return false;
      await refreshCases();
      return true;
    },
    [client, run, refreshCases],
  );

  /** Runs a graph mutation for the open case and adopts the Graph it returns. */
  const mutate = useCallback(
    async (task: (caseId: string) => Promise<Graph>): Promise<boolean> => {
      const caseId = openCaseId.current;
      if (!caseId) return false;
      // With a filter on, the graph a mutation returns is unfiltered: read it again through the filter.
      const next = await run(async () => {
        const changed = await task(caseId);
        return filterRef.current && !changed.filter ? fetchGraph(caseId) : changed;
      });
      if (!next) return false;
      if (next.caseId === openCaseId.current) setGraph(next);
      return true;
    },
    [run, fetchGraph],
  );

  /** Adopts a case just added from a bundle: lists it, then opens it. */
  const openReceived = useCallback(
    async (received: CaseSummary) => {
      await refreshCases();
      return openCase(received.id);
    },
    [refreshCases, openCase],
  );

  /** Runs a change of the open case's status (continue, merge), then re-reads the list and the graph. */
  const changeStatus = useCallback(
    async (change: (caseId: string) => Promise<unknown>) => {
      const caseId = openCaseId.current;
      if (!caseId) return false;
      const done = await run(() => change(caseId));
      if (!done) return false;
      await refreshCases();
      // The log may have a new entry, undo may now be offered, facts may come from elsewhere: read the graph again.
      const next = await run(() => fetchGraph(caseId));
      if (next && next.caseId === openCaseId.current) setGraph(next);
      return true;
    },
    [client, run, refreshCases],
  );

  /** Makes the open (received) case editable here; the hand-over goes into its log. */
  const continueCase = useCallback(() => changeStatus((caseId) => client['case.continue']({ caseId })), [client, changeStatus]);

  /** Brings a received case's evidence into the store (as a dataset naming the bundle) and redraws from there. */
  const mergeEvidence = useCallback(() => changeStatus((caseId) => client['case.mergeEvidence']({ caseId })), [client, changeStatus]);

  /** Re-reads the graph without the busy indicator, e.g. after an import changed the store. */
  const refreshGraph = useCallback(async () => {
    const caseId = openCaseId.current;
    if (!caseId) return;
    try {
      const next = await fetchGraph(caseId);
      if (next.caseId === openCaseId.current) setGraph(next);
    } catch {
      // A background refresh failing is not worth a banner; the next action will report it.
    }
  }, [client]);

  useEffect(() => {
    void (async () => {
      const list = await refreshCases();
      const last = (await client['app.info']({}).catch(() => null))?.settings.lastCase ?? null;
      // A case file that cannot be opened (origin "broken") is listed with its reason, never reopened.
      if (list && last && list.some((c) => c.id === last && c.origin !== 'broken')) await openCase(last);
    })();
  }, [client, refreshCases, openCase]);

  const currentCase = graph ? (cases.find((c) => c.id === graph.caseId) ?? null) : null;

  /** Read-only here: received and not continued, or a case file this workspace did not create. */
  const readOnly = currentCase?.readOnly ?? false;

  return { cases, graph, currentCase, readOnly, filter, setFilter, refreshCases, openCase, openReceived, continueCase, mergeEvidence, createCase, renameCase, mutate, refreshGraph };
}

export type CaseSession = ReturnType<typeof useCaseSession>;
