/**
 * The one component that owns the cytoscape instance. The graph model (props) is the source
 * of truth: each change is mapped by toElements and diffed into `cy`; user gestures go back
 * out as callbacks, never into React state held here. Around the canvas: the cluster outlines
 * under it (clusterLayer), and over it the navigation buttons, the legend, the overview map and
 * hover text.
 */
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
import cytoscape, { type Core, type EventObject, type NodeSingular } from 'cytoscape';
import type { Graph, TxFlows } from '../../shared/api/schemas';
import { applyElements } from './applyElements';
import { installCanvasTooltip } from './canvasTooltip';
import { installClusterLayer, type ClusterLayer } from './clusterLayer';
import { routeEdges } from './edgeRouting';
import { canvasOptions, installLevelOfDetail, type LevelOfDetailControl } from './graphStyle';
import { installGraphProbe, markGraphRevision } from './graphProbe';
import { labelKeysIn } from './labelCategory';
import { installLabelDetail, type LabelDetailControl } from './labelDetail';
import { Legend } from './Legend';
import { installMinimap, type Minimap } from './minimap';
import { NavControls, type CanvasNavigation } from './NavControls';
import { toElements, type NodeElementData } from './toElements';
import { withTxFlows } from './txElements';
import { decideFollow, FIT_PADDING, fitZoom, NAV_STRIP, union, type Box, type DrawnNode } from './viewFollow';

export type CanvasNodeKind = NodeElementData['kind'];
export type { CanvasNavigation } from './NavControls';

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
  /** Fit, zoom, recentre, or switch the legend or overview map (the buttons and their keys). */
  navigate(action: CanvasNavigation): void;
  /** What the canvas shows now, in model coordinates (cytoscape's extent): "Export graph…" of the canvas as shown. */
  viewport(): { x1: number; y1: number; x2: number; y2: number } | null;
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

/** Address, "more" and entity node ids are what graph.move accepts; cluster and tx node ids are not. */
const MOVABLE_ID = /^[nmw][0-9]+$/;
/** One press of Zoom in or Zoom out. */
const ZOOM_STEP = 1.25;
/** The overview map shows by itself from this many nodes on, or when part of the graph is out of view. */
const OVERVIEW_NODES = 40;
/** Room kept round the nodes when fitting, in model pixels: labels hang below nodes. */
const FIT_MARGIN = { side: 24, top: 24, bottom: 56 };

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

/** Nodes the view is about: addresses, entities, "more" pills and tx nodes; cluster name tags follow them. */
function drawnNodes(cy: Core): NodeSingular[] {
  return cy.nodes().filter((n) => kindOf(n) !== 'cluster').toArray() as NodeSingular[];
}

/** A node's box for fitting: its body, with room for its label below. */
function nodeBox(node: NodeSingular): Box {
  // With its label as drawn now (a tag under a node can be wider than the margin).
  const b = node.boundingBox({ includeLabels: true, includeOverlays: false });
  const p = node.position();
  const w = node.width() / 2;
  const h = node.height() / 2;
  return {
    x1: Math.min(b.x1, p.x - w - FIT_MARGIN.side),
    y1: Math.min(b.y1, p.y - h - FIT_MARGIN.top),
    x2: Math.max(b.x2, p.x + w + FIT_MARGIN.side),
    y2: Math.max(b.y2, p.y + h + FIT_MARGIN.bottom),
  };
}

interface Wiring {
  unwire(): void;
  /** Reports the selection if it changed; removing elements does not emit `unselect`. */
  reportSelection(): void;
}

function membersOf(cy: Core, clusterId: string) {
  return cy.nodes().filter((n) => n.data('cluster') === clusterId);
}

function reportMoved(cy: Core, ids: Iterable<string>, callbacks: { current: Callbacks }): void {
  const positions: NodePosition[] = [];
  for (const id of ids) {
    if (!MOVABLE_ID.test(id)) continue;
    const ele = cy.getElementById(id);
    if (ele.empty()) continue;
    const p = ele.position();
    positions.push({ nodeId: id, x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
  }
  if (positions.length) callbacks.current.onNodesMoved(positions);
}

function wireEvents(cy: Core, container: HTMLElement, callbacks: { current: Callbacks }, layer: () => ClusterLayer | null): Wiring {
  let selectionQueued = false;
  let reported = '';
  const reportSelection = () => {
    selectionQueued = false;
    if (cy.destroyed()) return;
    const ids = cy.elements(':selected').map((n) => n.id());
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
  // Edges too: the details panel lists the transfers of a selected edge.
  cy.on('select unselect', 'edge', emitSelection);

  const openNodeMenu = (node: NodeSingular, at: { clientX: number; clientY: number }) => {
    if (!node.selected()) {
      cy.elements(':selected').unselect();
      node.select();
    }
    // The menu's items depend on the selection, so report it before the menu opens.
    reportSelection();
    callbacks.current.onContextMenu({ nodeId: node.id(), kind: kindOf(node), ...at });
  };
  cy.on('cxttap', (event: EventObject) => {
    const at = clientPoint(cy, container, event);
    if (event.target === cy) {
      // Inside a cluster's outline is the cluster, as inside its box used to be.
      const hit = layer()?.clusterAt(event.position);
      const tag = hit ? cy.getElementById(hit.id) : null;
      if (tag && tag.nonempty() && tag.isNode()) openNodeMenu(tag, at);
      else callbacks.current.onContextMenu({ nodeId: null, kind: null, ...at });
      return;
    }
    if (!event.target.isNode()) {
      callbacks.current.onContextMenu({ nodeId: null, kind: null, ...at });
      return;
    }
    openNodeMenu(event.target as NodeSingular, at);
  });

  // cytoscape fires dbltap for any two taps within its debounce time, even on two different
  // nodes; a quick click on one node then another must not expand the second.
  let lastTap: string | null = null;
  let previousTap: string | null = null;
  const tapKey = (event: EventObject): string | null => {
    if (event.target !== cy) return (event.target as NodeSingular).id();
    const hit = layer()?.clusterAt(event.position);
    return hit ? hit.id : null;
  };
  cy.on('tap', (event: EventObject) => {
    previousTap = lastTap;
    lastTap = tapKey(event);
  });
  cy.on('dbltap', (event: EventObject) => {
    const key = tapKey(event);
    if (key === null || previousTap !== key || lastTap !== key) return;
    const node = cy.getElementById(key);
    if (node.empty() || !node.isNode()) return;
    callbacks.current.onNodeDoubleClick(node.id(), kindOf(node));
  });

  const moved = new Set<string>();
  let moveTimer: ReturnType<typeof setTimeout> | null = null;
  cy.on('dragfree', 'node', (event: EventObject) => {
    const node = event.target as NodeSingular;
    // Dragging a cluster's name tag moves its members; their positions are what the server stores.
    const leaves = kindOf(node) === 'cluster' ? membersOf(cy, node.id()) : node;
    leaves.forEach((leaf) => {
      if (MOVABLE_ID.test(leaf.id())) moved.add(leaf.id());
    });
    if (moveTimer !== null) return;
    moveTimer = setTimeout(() => {
      moveTimer = null;
      if (cy.destroyed() || moved.size === 0) return;
      const ids = [...moved];
      moved.clear();
      reportMoved(cy, ids, callbacks);
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
  const clusterCanvasRef = useRef<HTMLCanvasElement>(null);
  const minimapRef = useRef<HTMLCanvasElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const wiringRef = useRef<Wiring | null>(null);
  const lodRef = useRef<LevelOfDetailControl | null>(null);
  const layerRef = useRef<ClusterLayer | null>(null);
  const labelsRef = useRef<LabelDetailControl | null>(null);
  const minimapCtl = useRef<Minimap | null>(null);
  const [hasSelection, setHasSelection] = useState(false);
  const [legendShown, setLegendShown] = useState(false);
  // The overview map: shown by itself for big or partly off-screen graphs until switched.
  const [overviewChoice, setOverviewChoice] = useState<boolean | null>(null);
  const [overviewWanted, setOverviewWanted] = useState(false);
  const overviewShown = overviewChoice ?? overviewWanted;
  const callbacksRef = useRef<Callbacks>(callbacks);
  const overviewShownRef = useRef(overviewShown);
  useLayoutEffect(() => {
    overviewShownRef.current = overviewShown;
    callbacksRef.current = {
      ...callbacks,
      onSelectionChange: (ids) => {
        setHasSelection(ids.length > 0);
        callbacks.onSelectionChange(ids);
      },
    };
  });
  const fittedCaseRef = useRef<string | null>(null);
  // Where the last automatic fit left the view; while it is still there, the view follows the graph.
  const autoViewRef = useRef<{ zoom: number; x: number; y: number } | null>(null);

  const viewIsAuto = useCallback((cy: Core): boolean => {
    const a = autoViewRef.current;
    if (!a) return false;
    const pan = cy.pan();
    return Math.abs(cy.zoom() - a.zoom) < 1e-6 && Math.abs(pan.x - a.x) < 0.5 && Math.abs(pan.y - a.y) < 0.5;
  }, []);

  /** Zoom and pan that fit these boxes, zoomed in no further than MAX_FIT_ZOOM. */
  const viewFor = useCallback((cy: Core, boxes: Box[]): { zoom: number; pan: { x: number; y: number } } | null => {
    const box = union(boxes);
    if (!box) return null;
    // The canvas may have just changed size (a folded panel, a resized window): measure it now.
    cy.resize();
    // The view controls' strip on the right is left out of the area fitted into.
    const w = cy.width() - NAV_STRIP;
    const h = cy.height();
    const zoom = Math.max(cy.minZoom(), fitZoom(box, w, h, FIT_PADDING));
    return { zoom, pan: { x: w / 2 - ((box.x1 + box.x2) / 2) * zoom, y: h / 2 - ((box.y1 + box.y2) / 2) * zoom } };
  }, []);

  // Moves are instant, not animated: what is on screen is always where the next click lands.
  const moveView = useCallback((cy: Core, view: { zoom: number; pan: { x: number; y: number } }, auto: boolean): void => {
    cy.stop(true, true);
    cy.viewport(view);
    autoViewRef.current = auto ? { zoom: cy.zoom(), x: cy.pan().x, y: cy.pan().y } : null;
  }, []);

  const fitAll = useCallback(
    (cy: Core): void => {
      const view = viewFor(cy, drawnNodes(cy).map(nodeBox));
      if (view) moveView(cy, view, true);
    },
    [viewFor, moveView],
  );

  const navigate = useCallback(
    (action: CanvasNavigation): void => {
      const cy = cyRef.current;
      if (!cy) return;
      const selectedNodes = (): NodeSingular[] => {
        const nodes = cy.nodes(':selected');
        // A selected cluster stands for its members; a selected edge for its two ends.
        const out = nodes.filter((n) => kindOf(n) !== 'cluster').union(cy.edges(':selected').connectedNodes());
        nodes.filter((n) => kindOf(n) === 'cluster').forEach((c) => void out.merge(membersOf(cy, c.id())));
        return out.nodes().toArray() as NodeSingular[];
      };
      switch (action) {
        case 'fit-all':
          fitAll(cy);
          return;
        case 'fit-selection': {
          const view = viewFor(cy, selectedNodes().map(nodeBox));
          if (view) moveView(cy, view, false);
          return;
        }
        case 'zoom-in':
        case 'zoom-out': {
          const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * (action === 'zoom-in' ? ZOOM_STEP : 1 / ZOOM_STEP)));
          cy.stop(true, true);
          autoViewRef.current = null;
          cy.zoom({ level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
          return;
        }
        case 'recentre': {
          const chosen = selectedNodes();
          const box = union((chosen.length > 0 ? chosen : drawnNodes(cy)).map(nodeBox));
          if (!box) return;
          const zoom = cy.zoom();
          moveView(cy, { zoom, pan: { x: cy.width() / 2 - ((box.x1 + box.x2) / 2) * zoom, y: cy.height() / 2 - ((box.y1 + box.y2) / 2) * zoom } }, false);
          return;
        }
        case 'toggle-legend':
          setLegendShown((on) => !on);
          return;
        case 'toggle-overview':
          setOverviewChoice((choice) => !(choice ?? overviewShownRef.current));
          return;
      }
    },
    [fitAll, viewFor, moveView],
  );

  useEffect(() => {
    const container = containerRef.current;
    const clusterCanvas = clusterCanvasRef.current;
    const minimapCanvas = minimapRef.current;
    const tip = tipRef.current;
    if (!container || !clusterCanvas || !minimapCanvas || !tip) return;
    // canvasOptions sets a wheel sensitivity (see there); cytoscape warns about any, once.
    cytoscape.warnings(false);
    // Full detail to start with; installLevelOfDetail lowers it once a big graph arrives.
    const cy = cytoscape({ container, ...canvasOptions() });
    cytoscape.warnings(true);
    cyRef.current = cy;
    const lod = installLevelOfDetail(cy);
    lodRef.current = lod;
    const labels = installLabelDetail(cy);
    labelsRef.current = labels;
    const layer = installClusterLayer(cy, clusterCanvas, {
      onMembersMoved: (ids) => reportMoved(cy, ids, callbacksRef),
    });
    layerRef.current = layer;
    const wiring = wireEvents(cy, container, callbacksRef, () => layerRef.current);
    wiringRef.current = wiring;
    const minimap = installMinimap(cy, minimapCanvas);
    minimapCtl.current = minimap;
    const uninstallTip = installCanvasTooltip(cy, tip, {
      backgroundText: (p) => {
        const hit = layerRef.current?.clusterAt(p);
        return hit ? String(cy.getElementById(hit.id).data('title') ?? '') || null : null;
      },
    });
    const hideTip = () => {
      tip.hidden = true;
    };
    container.addEventListener('mouseleave', hideTip);
    // The overview map offers itself once part of the graph is out of view.
    const checkOverview = () => {
      if (cy.destroyed()) return;
      const nodes = drawnNodes(cy);
      if (nodes.length === 0) return setOverviewWanted(false);
      const e = cy.extent();
      const b = union(nodes.map(nodeBox))!;
      setOverviewWanted(nodes.length >= OVERVIEW_NODES || b.x1 < e.x1 || b.x2 > e.x2 || b.y1 < e.y1 || b.y2 > e.y2);
    };
    let overviewTimer: ReturnType<typeof setTimeout> | null = null;
    const scheduleOverview = () => {
      if (overviewTimer === null) overviewTimer = setTimeout(() => ((overviewTimer = null), checkOverview()), 120);
    };
    cy.on('viewport add remove', scheduleOverview);
    const uninstallProbe = installGraphProbe(cy, container, layer);
    return () => {
      if (overviewTimer !== null) clearTimeout(overviewTimer);
      container.removeEventListener('mouseleave', hideTip);
      uninstallTip();
      minimap.uninstall();
      minimapCtl.current = null;
      wiring.unwire();
      wiringRef.current = null;
      layer.uninstall();
      layerRef.current = null;
      labels.uninstall();
      labelsRef.current = null;
      uninstallProbe();
      lod.uninstall();
      lodRef.current = null;
      cyRef.current = null;
      fittedCaseRef.current = null;
      autoViewRef.current = null;
      cy.destroy();
    };
  }, []);

  useEffect(() => {
    if (overviewShown) minimapCtl.current?.refresh();
  }, [overviewShown]);

  useEffect(() => {
    cyRef.current?.autoungrabify(locked);
  }, [locked]);

  const elements = useMemo(() => (graph ? routeEdges(withTxFlows(toElements(graph), graph, txFlows)) : []), [graph, txFlows]);
  const labelKeys = useMemo(() => labelKeysIn(graph).keys, [graph]);
  const caseId = graph?.caseId ?? null;

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const before = new Set(drawnNodes(cy).map((n) => n.id()));
    const auto = viewIsAuto(cy);
    applyElements(cy, elements);
    wiringRef.current?.reportSelection();
    // Outlines and name tags now, so that a fit below sees the tags where they belong.
    layerRef.current?.refresh();
    const nodes = drawnNodes(cy);
    if (fittedCaseRef.current !== caseId && nodes.length > 0) {
      // A newly opened case is shown whole.
      fittedCaseRef.current = caseId;
      fitAll(cy);
    } else if (fittedCaseRef.current === caseId) {
      const decision = decideFollow({
        nodes: nodes.map((n): DrawnNode => ({ id: n.id(), box: nodeBox(n) })),
        before,
        view: cy.extent(),
        auto,
        zoom: cy.zoom(),
        width: cy.width() - NAV_STRIP,
        height: cy.height(),
      });
      if (decision.kind === 'fit-all') fitAll(cy);
      else if (decision.kind === 'fit') {
        const wanted = new Set(decision.ids);
        const view = viewFor(cy, nodes.filter((n) => wanted.has(n.id())).map(nodeBox));
        if (view) moveView(cy, view, false);
      }
    }
    // New elements take the zoom band's labels (after any fit above, for the view it chose).
    labelsRef.current?.refresh();
    lodRef.current?.refresh();
    markGraphRevision(cy);
  }, [elements, caseId, fitAll, viewFor, moveView, viewIsAuto]);

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
        autoViewRef.current = null;
        // A cluster is centred on its members, not on its name tag beside them.
        const around = targets.union(targets.filter((t) => t.isNode() && kindOf(t) === 'cluster').map((c) => membersOf(cy, c.id())).reduce((a, b) => a.union(b), cy.collection()));
        cy.animate({ center: { eles: around } }, { duration: 200 });
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
      navigate,
      viewport() {
        const cy = cyRef.current;
        if (!cy || cy.destroyed()) return null;
        const { x1, y1, x2, y2 } = cy.extent();
        return x2 > x1 && y2 > y1 ? { x1, y1, x2, y2 } : null;
      },
    }),
    [navigate],
  );

  return (
    <div className="graph-view">
      <canvas className="cluster-layer" ref={clusterCanvasRef} aria-hidden="true" />
      <div
        className="graph-canvas"
        ref={containerRef}
        data-testid="graph-canvas"
        aria-label="Graph"
        role="application"
        onContextMenu={(e) => e.preventDefault()}
      />
      <div className="canvas-tooltip" ref={tipRef} role="tooltip" hidden />
      <NavControls onAction={navigate} hasSelection={hasSelection} legendShown={legendShown} overviewShown={overviewShown} />
      {legendShown && <Legend clusters={graph?.clusters ?? []} labelKeys={labelKeys} onClose={() => setLegendShown(false)} />}
      <canvas
        className="minimap"
        ref={minimapRef}
        hidden={!overviewShown}
        data-testid="overview-map"
        aria-label="Overview map: press or drag to move the view there"
      />
    </div>
  );
}
