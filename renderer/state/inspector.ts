/**
 * Where the details panel leads: every address and transaction hash in a table or panel opens
 * it. An address drawn on the canvas is selected and centred there; anything else (an address
 * not on the canvas or hidden, a transaction) is shown in the details panel as a "lead", over
 * the canvas selection, until the investigator selects something on the canvas. Back returns
 * to where they were, canvas selection included.
 */
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Graph } from '../../shared/api/schemas';

export type Lead = { kind: 'address'; chain: string; address: string } | { kind: 'tx'; chain: string; hash: string };

/** A place the panel was at: a lead, or a canvas selection. */
type Place = Lead | { kind: 'canvas'; ids: readonly string[] };

export interface Inspector {
  /** What the details panel shows instead of the canvas selection, or null for the selection. */
  readonly lead: Lead | null;
  readonly canGoBack: boolean;
  /** Whether an address has a node on the canvas, drawn or hidden. */
  canvasState(chain: string, address: string): CanvasState;
  openAddress(chain: string, address: string): void;
  openTx(chain: string, hash: string): void;
  /** Selects and centres these canvas elements (nodes, clusters, edges), remembering where the panel was. */
  focusOnCanvas(ids: readonly string[]): void;
  back(): void;
  /** Puts an address on the canvas (a hidden node is shown again, a missing one added), then selects it. */
  bringToCanvas(chain: string, address: string): Promise<boolean>;
  /** Shows hidden nodes again and selects the first, so the investigator sees where it came back. */
  showNodes(nodeIds: readonly string[]): Promise<boolean>;
  /**
   * Selects a canvas element (a cluster, a node) of a case once that case's graph draws it: now
   * when it is the open case, else after the case being opened arrives.
   */
  focusWhenDrawn(caseId: string, id: string): void;
}

export interface InspectorDeps {
  graph: Graph | null;
  /** The canvas selection as the canvas reports it. */
  selectedIds: readonly string[];
  /** Selects exactly these canvas elements and centres on them. */
  focus(ids: readonly string[]): void;
  addAddress(chain: string, address: string): Promise<boolean>;
  setShown(nodeIds: readonly string[]): Promise<boolean>;
}

export type CanvasState = { nodeId: string; hidden: boolean } | null;

const keyOf = (ids: readonly string[]) => [...ids].sort().join(' ');

function visibleNodeOf(graph: Graph | null, chain: string, address: string): string | null {
  const node = graph?.nodes.find((n) => n.kind === 'address' && n.chain === chain && n.address === address);
  return node && !node.hidden ? node.id : null;
}

const NO_INSPECTOR: Inspector = {
  lead: null,
  canGoBack: false,
  canvasState: () => null,
  openAddress: () => undefined,
  openTx: () => undefined,
  focusOnCanvas: () => undefined,
  back: () => undefined,
  bringToCanvas: async () => false,
  showNodes: async () => false,
  focusWhenDrawn: () => undefined,
};

export const InspectorContext = createContext<Inspector>(NO_INSPECTOR);

export function useInspectorContext(): Inspector {
  return useContext(InspectorContext);
}

export function useInspector(deps: InspectorDeps): Inspector {
  const [lead, setLeadState] = useState<Lead | null>(null);
  const [depth, setDepth] = useState(0);
  // Read by callbacks at the moment they run, never as of an older render.
  const latest = useRef(deps);
  useLayoutEffect(() => {
    latest.current = deps;
  });
  const leadNow = useRef<Lead | null>(null);
  const history = useRef<Place[]>([]);
  const setLead = useCallback((next: Lead | null) => {
    leadNow.current = next;
    setLeadState(next);
  }, []);
  const setHistory = useCallback((next: Place[]) => {
    history.current = next;
    setDepth(next.length);
  }, []);
  /** The selection our own focus call will produce: it must not count as the investigator's click. */
  const expected = useRef<string | null>(null);
  /** A node to select once the graph has it (after an add or show). */
  const pending = useRef<((g: Graph) => string | null) | null>(null);

  const focusIds = useCallback((ids: readonly string[]) => {
    expected.current = keyOf(ids);
    latest.current.focus(ids);
  }, []);
  const here = useCallback((): Place => leadNow.current ?? { kind: 'canvas', ids: latest.current.selectedIds }, []);
  const push = useCallback(() => setHistory([...history.current.slice(-49), here()]), [here, setHistory]);

  const openAddress = useCallback(
    (chain: string, address: string) => {
      push();
      const nodeId = visibleNodeOf(latest.current.graph, chain, address);
      if (nodeId) {
        setLead(null);
        focusIds([nodeId]);
      } else setLead({ kind: 'address', chain, address });
    },
    [push, focusIds, setLead],
  );
  const openTx = useCallback(
    (chain: string, hash: string) => {
      push();
      setLead({ kind: 'tx', chain, hash });
    },
    [push, setLead],
  );
  const focusOnCanvas = useCallback(
    (ids: readonly string[]) => {
      push();
      setLead(null);
      focusIds(ids);
    },
    [push, focusIds, setLead],
  );
  const back = useCallback(() => {
    const place = history.current.at(-1);
    if (!place) return;
    setHistory(history.current.slice(0, -1));
    if (place.kind !== 'canvas') setLead(place);
    else {
      setLead(null);
      if (place.ids.length && keyOf(place.ids) !== keyOf(latest.current.selectedIds)) focusIds(place.ids);
    }
  }, [focusIds, setLead, setHistory]);

  const bringToCanvas = useCallback(async (chain: string, address: string) => {
    const { graph } = latest.current;
    const node = graph?.nodes.find((n) => n.kind === 'address' && n.chain === chain && n.address === address);
    pending.current = (g) => visibleNodeOf(g, chain, address);
    const done = node ? await latest.current.setShown([node.id]) : await latest.current.addAddress(chain, address);
    if (!done) pending.current = null;
    return done;
  }, []);
  const showNodes = useCallback(async (nodeIds: readonly string[]) => {
    const first = nodeIds[0];
    pending.current = first ? (g) => (g.nodes.some((n) => n.id === first && !n.hidden) ? first : null) : null;
    const done = await latest.current.setShown(nodeIds);
    if (!done) pending.current = null;
    return done;
  }, []);

  const focusWhenDrawn = useCallback(
    (caseId: string, id: string) => {
      const drawn = (g: Graph) =>
        g.caseId === caseId && (g.nodes.some((n) => n.id === id && !n.hidden) || g.clusters.some((c) => c.id === id)) ? id : null;
      const { graph } = latest.current;
      if (graph && drawn(graph)) {
        pending.current = null;
        focusOnCanvas([id]);
      } else pending.current = drawn;
    },
    [focusOnCanvas],
  );

  // Runs after the canvas (a child) has drawn the new graph, so the node to select exists there.
  const { graph, selectedIds } = deps;
  useEffect(() => {
    const find = pending.current;
    if (!graph || !find) return;
    const nodeId = find(graph);
    if (!nodeId) return;
    pending.current = null;
    setLead(null);
    focusIds([nodeId]);
  }, [graph, focusIds, setLead]);

  // A click on the canvas is a new start: the lead and the way back are dropped.
  const selectionKey = keyOf(selectedIds);
  const seenKey = useRef(selectionKey);
  useEffect(() => {
    if (selectionKey === seenKey.current) return;
    seenKey.current = selectionKey;
    if (expected.current === selectionKey) {
      expected.current = null;
      return;
    }
    expected.current = null;
    setLead(null);
    setHistory([]);
  }, [selectionKey, setLead, setHistory]);

  const caseId = graph?.caseId ?? null;
  useEffect(() => {
    setLead(null);
    setHistory([]);
    pending.current = null;
  }, [caseId, setLead, setHistory]);

  // Looked up by every link in every table: one map per graph, not a scan per link.
  const canvasState = useMemo(() => {
    const byAddress = new Map<string, CanvasState>();
    for (const n of graph?.nodes ?? []) if (n.kind === 'address') byAddress.set(`${n.chain}|${n.address}`, { nodeId: n.id, hidden: n.hidden });
    return (chain: string, address: string): CanvasState => byAddress.get(`${chain}|${address}`) ?? null;
  }, [graph]);

  return useMemo(
    () => ({ lead, canGoBack: depth > 0, canvasState, openAddress, openTx, focusOnCanvas, back, bringToCanvas, showNodes, focusWhenDrawn }),
    [lead, depth, canvasState, openAddress, openTx, focusOnCanvas, back, bringToCanvas, showNodes, focusWhenDrawn],
  );
}
