/**
 * The one component that owns the cytoscape instance. The graph model (props) is the source
 * of truth: each change is mapped by toElements and diffed into `cy`; user gestures go back
 * out as callbacks, never into React state held here.
 */
import { useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, type Ref } from 'react';
import cytoscape, { type Core, type EventObject, type NodeSingular } from 'cytoscape';
import type { Graph, TxFlows } from '../../shared/api/schemas';
import { applyElements } from './applyElements';
import { canvasOptions, installLevelOfDetail, type LevelOfDetailControl } from './graphStyle';
import { installGraphProbe, markGraphRevision } from './graphProbe';
import { toElements, type NodeElementData } from './toElements';
import { withTxFlows } from './txElements';

export type CanvasNodeKind = NodeElementData['kind'];

export interface NodePosition {
  nodeId: string;
  x: number;
  y: number;
}

export interface CanvasMenuRequest {
  /** Node under the pointer, or null for the background. */
  nodeId: string | null;
  kind: CanvasNodeKind | null;
  /** Client (page) coordinates for placing an HTML menu. */
  clientX: number;
  clientY: number;
}

export interface GraphCanvasHandle {
  /** Selects exactly these elements (node or cluster ids) and centres on them. */
  focus(ids: readonly string[]): void;
  /** Client coordinates of a node's centre, for keyboard-opened menus. */
  clientPositionOf(id: string): { clientX: number; clientY: number } | null;
}

export interface GraphCanvasProps {
  graph: Graph | null;
  /** UTXO transactions to draw as their own nodes ("Tx nodes" view), or null for the normal view. */
  txFlows: TxFlows | null;
  onSelectionChange(ids: string[]): void;
  onContextMenu(request: CanvasMenuRequest): void;
  onNodeDoubleClick(nodeId: string, kind: CanvasNodeKind): void;
  onNodesMoved(positions: NodePosition[]): void;
  /** Nodes cannot be dragged (a read-only case): its layout is the sender's. */
  locked?: boolean;
  ref?: Ref<GraphCanvasHandle>;
}

type Callbacks = Omit<GraphCanvasProps, 'graph' | 'txFlows' | 'ref' | 'locked'>;

/** Address and "more" node ids are what graph.move accepts; cluster and tx node ids are not. */
const MOVABLE_ID = /^[nm][0-9]+$/;
const MAX_FIT_ZOOM = 1.5;

function kindOf(node: NodeSingular): CanvasNodeKind {
  return (node.data() as NodeElementData).kind;
}

function clientPoint(cy: Core, container: HTMLElement, event: EventObject): { clientX: number; clientY: number } {
  const original = event.originalEvent;
  if (original && typeof original.clientX === 'number') return { clientX: original.clientX, clientY: original.clientY };
  const rect = container.getBoundingClientRect();
  const at = event.renderedPosition ?? cy.pan();
  return { clientX: rect.left + at.x, clientY: rect.top + at.y };
}

interface Wiring {
  unwire(): void;
  /** Reports the selection if it changed; removing elements does not emit `unselect`. */
  reportSelection(): void;
}

function wireEvents(cy: Core, container: HTMLElement, callbacks: { current: Callbacks }): Wiring {
  let selectionQueued = false;
  let reported = '';
  const reportSelection = () => {
    selectionQueued = false;
    if (cy.destroyed()) return;
    const ids = cy.nodes(':selected').map((n) => n.id());
    const key = ids.join(' ');
    if (key === reported) return;
    reported = key;
    callbacks.current.onSelectionChange(ids);
  };
  // Box selection fires one event per element; report the settled selection once. A microtask
  // (not a timer) so the selection is known before the next key press is handled.
  const emitSelection = () => {
    if (selectionQueued) return;
    selectionQueued = true;
    queueMicrotask(reportSelection);
  };
  cy.on('select unselect', 'node', emitSelection);

  cy.on('cxttap', (event: EventObject) => {
    const at = clientPoint(cy, container, event);
    if (event.target === cy || !event.target.isNode()) {
      callbacks.current.onContextMenu({ nodeId: null, kind: null, ...at });
      return;
    }
    const node = event.target as NodeSingular;
    if (!node.selected()) {
      cy.elements(':selected').unselect();
      node.select();
    }
    // The menu's items depend on the selection, so report it before the menu opens.
    reportSelection();
    callbacks.current.onContextMenu({ nodeId: node.id(), kind: kindOf(node), ...at });
  });

  // cytoscape fires dbltap for any two taps within its debounce time, even on two different
  // nodes; a quick click on one node then another must not expand the second.
  let lastTap: string | null = null;
  let previousTap: string | null = null;
  cy.on('tap', (event: EventObject) => {
    previousTap = lastTap;
    lastTap = event.target === cy ? null : (event.target as NodeSingular).id();
  });
  cy.on('dbltap', 'node', (event: EventObject) => {
    const node = event.target as NodeSingular;
    if (previousTap !== node.id() || lastTap !== node.id()) return;
    callbacks.current.onNodeDoubleClick(node.id(), kindOf(node));
  });

  const moved = new Set<string>();
  let moveTimer: ReturnType<typeof setTimeout> | null = null;
  cy.on('dragfree', 'node', (event: EventObject) => {
    const node = event.target as NodeSingular;
    // Dragging a cluster moves its members; their positions are what the server stores.
    const leaves = node.isParent() ? node.descendants().filter((d) => !d.isParent()) : node;
    leaves.forEach((leaf) => {
      if (MOVABLE_ID.test(leaf.id())) moved.add(leaf.id());
    });
    if (moveTimer !== null) return;
    moveTimer = setTimeout(() => {
      moveTimer = null;
      if (cy.destroyed() || moved.size === 0) return;
      const positions: NodePosition[] = [];
      for (const id of moved) {
        const ele = cy.getElementById(id);
        if (ele.empty()) continue;
        const p = ele.position();
        positions.push({ nodeId: id, x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
      }
      moved.clear();
      if (positions.length) callbacks.current.onNodesMoved(positions);
    }, 0);
  });

  return {
    unwire: () => {
      if (moveTimer !== null) clearTimeout(moveTimer);
    },
    reportSelection,
  };
}

export function GraphCanvas({ graph, txFlows, ref, locked = false, ...callbacks }: GraphCanvasProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const wiringRef = useRef<Wiring | null>(null);
  const lodRef = useRef<LevelOfDetailControl | null>(null);
  const callbacksRef = useRef<Callbacks>(callbacks);
  useLayoutEffect(() => {
    callbacksRef.current = callbacks;
  });
  const fittedCaseRef = useRef<string | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    // Full detail to start with; installLevelOfDetail lowers it once a big graph arrives.
    const cy = cytoscape({ container, ...canvasOptions() });
    cyRef.current = cy;
    const lod = installLevelOfDetail(cy);
    lodRef.current = lod;
    const wiring = wireEvents(cy, container, callbacksRef);
    wiringRef.current = wiring;
    const uninstallProbe = installGraphProbe(cy, container);
    return () => {
      wiring.unwire();
      wiringRef.current = null;
      uninstallProbe();
      lod.uninstall();
      lodRef.current = null;
      cyRef.current = null;
      fittedCaseRef.current = null;
      cy.destroy();
    };
  }, []);

  useEffect(() => {
    cyRef.current?.autoungrabify(locked);
  }, [locked]);

  const elements = useMemo(() => (graph ? withTxFlows(toElements(graph), graph, txFlows) : []), [graph, txFlows]);
  const caseId = graph?.caseId ?? null;

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const before = new Set(cy.nodes().map((n) => n.id()));
    applyElements(cy, elements);
    wiringRef.current?.reportSelection();
    const fit = (): void => {
      cy.fit(cy.nodes(':visible'), 40);
      if (cy.zoom() > MAX_FIT_ZOOM) {
        cy.zoom(MAX_FIT_ZOOM);
        cy.center(cy.nodes(':visible'));
      }
    };
    if (fittedCaseRef.current !== caseId && cy.nodes().nonempty()) {
      // Fit once per opened case; afterwards the investigator's zoom and pan are theirs...
      fittedCaseRef.current = caseId;
      fit();
    } else if (fittedCaseRef.current === caseId) {
      // ...except that nodes an expand just added are brought into view, never left off-screen.
      const extent = cy.extent();
      const offscreen = cy
        .nodes(':visible')
        .map((n) => {
          if (before.has(n.id()) || n.isParent()) return false;
          const p = n.position();
          return p.x < extent.x1 || p.x > extent.x2 || p.y < extent.y1 || p.y > extent.y2;
        })
        .some(Boolean);
      if (offscreen) fit();
    }
    lodRef.current?.refresh();
    markGraphRevision(cy);
  }, [elements, caseId]);

  useImperativeHandle(
    ref,
    () => ({
      focus(ids) {
        const cy = cyRef.current;
        if (!cy) return;
        const targets = cy.collection();
        for (const id of ids) targets.merge(cy.getElementById(id));
        if (targets.empty()) return;
        cy.elements(':selected').unselect();
        targets.select();
        cy.animate({ center: { eles: targets } }, { duration: 200 });
      },
      clientPositionOf(id) {
        const cy = cyRef.current;
        const container = containerRef.current;
        const ele = cy?.getElementById(id);
        if (!cy || !container || !ele || ele.empty() || !ele.isNode()) return null;
        const rect = container.getBoundingClientRect();
        const at = ele.renderedPosition();
        return { clientX: rect.left + at.x, clientY: rect.top + at.y };
      },
    }),
    [],
  );

  return (
    <div
      className="graph-canvas"
      ref={containerRef}
      data-testid="graph-canvas"
      aria-label="Graph"
      role="application"
      onContextMenu={(e) => e.preventDefault()}
    />
  );
}
