import type { Core, CytoscapeOptions, NodeSingular, StylesheetJson } from 'cytoscape';

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';

export const ROLE_COLOURS = {
  victim: '#c8312f',
  suspect: '#22272e',
  service: '#2f6fd1',
  other: '#7a6a3a',
} as const;

const ACCENT = '#0b7a75';
/** The canvas area's background (renderer/styles/layout.css, .canvas-area). */
const CANVAS_BACKGROUND = '#fbfbfc';
/** Transactions and their flows in the "Tx nodes" view. */
const TX_COLOUR = '#8250df';

/** Pill width from its label ("+99,990 more"); cytoscape no longer sizes shapes to labels. */
function pillWidth(node: NodeSingular): number {
  const label: unknown = node.data('label');
  return 16 + 6 * (typeof label === 'string' ? label.length : 8);
}

/**
 * Readable on the light canvas. Edge labels are 10px with a minimum rendered size of 6px,
 * so cytoscape skips drawing them below zoom 0.6, which keeps large graphs responsive.
 */
export const graphStyle: StylesheetJson = [
  {
    // Only drawn while a big graph's gesture moves a snapshot (levelOfDetail): the area the
    // snapshot does not cover matches the canvas instead of cytoscape's default grey veil.
    // The other core properties are cytoscape's defaults, restated because its types want all.
    selector: 'core',
    style: {
      'outside-texture-bg-color': CANVAS_BACKGROUND,
      'outside-texture-bg-opacity': 1,
      'active-bg-color': 'black',
      'active-bg-opacity': 0.15,
      'active-bg-size': 30,
      'selection-box-color': '#ddd',
      'selection-box-opacity': 0.65,
      'selection-box-border-color': '#aaa',
      'selection-box-border-width': 1,
    },
  },
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': MONO,
      'font-size': 10,
      color: '#1f2328',
      'text-wrap': 'wrap',
      'text-valign': 'bottom',
      'text-halign': 'center',
      'text-margin-y': 4,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 5,
    },
  },
  {
    selector: 'node.address',
    style: {
      shape: 'ellipse',
      width: 22,
      height: 22,
      'background-color': '#8b949e',
      'border-width': 1,
      'border-color': '#57606a',
    },
  },
  { selector: 'node.address.unknown', style: { 'background-color': '#d0d7de', 'border-style': 'dotted' } },
  { selector: 'node.address.tagged', style: { 'background-color': '#6e7781' } },
  { selector: 'node.seed', style: { width: 28, height: 28, 'font-weight': 'bold' } },
  {
    selector: 'node.seed-victim',
    style: { 'border-width': 4, 'border-color': ROLE_COLOURS.victim, 'background-color': '#f6d5d4' },
  },
  {
    selector: 'node.seed-suspect',
    style: { 'border-width': 3, 'border-color': '#000000', 'background-color': ROLE_COLOURS.suspect },
  },
  {
    selector: 'node.seed-service',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.service, 'background-color': '#d6e4f8' },
  },
  {
    selector: 'node.seed-other',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.other, 'background-color': '#efe8d2' },
  },
  {
    selector: 'node.more',
    style: {
      shape: 'round-rectangle',
      width: pillWidth,
      height: 20,
      'background-color': '#ffffff',
      'border-width': 1,
      'border-style': 'dashed',
      'border-color': '#6e7781',
      'font-family': SANS,
      'font-size': 10,
      color: '#57606a',
      'text-valign': 'center',
      'text-margin-y': 0,
      'text-background-opacity': 0,
    },
  },
  {
    // A transaction in the "Tx nodes" view: a small hollow diamond, so it reads as a step
    // between addresses rather than as another address. Round, not plain 'diamond': cytoscape's
    // hit test misses a plain diamond on the vertical line through its top and bottom corners,
    // so a click at its very centre would not select it.
    selector: 'node.tx',
    style: {
      shape: 'round-diamond',
      width: 18,
      height: 18,
      'background-color': '#ffffff',
      'border-width': 2,
      'border-color': TX_COLOUR,
      'font-size': 9,
      color: '#57606a',
      'text-margin-y': 2,
    },
  },
  {
    selector: 'node.cluster',
    style: {
      shape: 'round-rectangle',
      'background-color': 'data(color)',
      'background-opacity': 0.1,
      'border-width': 1.5,
      'border-color': 'data(color)',
      padding: '18px',
      'font-family': SANS,
      'font-size': 11,
      'font-weight': 'bold',
      color: '#24292f',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'text-background-opacity': 0,
    },
  },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      width: 1.5,
      'line-color': '#8c959f',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#8c959f',
      'arrow-scale': 0.9,
      label: 'data(label)',
      'font-family': MONO,
      'font-size': 10,
      color: '#424a53',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 6,
    },
  },
  {
    selector: 'edge.tx-flow',
    style: { width: 1.25, 'line-color': TX_COLOUR, 'target-arrow-color': TX_COLOUR, 'line-opacity': 0.8, color: '#5a3d99' },
  },
  { selector: 'edge.token', style: { 'line-style': 'solid', 'line-color': '#a37f2c', 'target-arrow-color': '#a37f2c' } },
  {
    // One key on two chains: no value moved, so no arrow; dashed so it never reads as a transfer.
    selector: 'edge.same-key',
    style: { 'line-style': 'dashed', 'line-color': '#1f6feb', 'target-arrow-shape': 'none', width: 1.5, color: '#1f6feb', 'font-family': 'system-ui, sans-serif' },
  },
  {
    selector: 'node:selected',
    style: { 'overlay-color': ACCENT, 'overlay-opacity': 0.18, 'overlay-padding': 5, 'underlay-opacity': 0 },
  },
  { selector: 'node.cluster:selected', style: { 'border-width': 3, 'border-color': ACCENT } },
  {
    selector: 'edge:selected',
    style: { 'line-color': ACCENT, 'target-arrow-color': ACCENT, width: 2.5 },
  },
];

/**
 * Level of detail: renderer settings the canvas trades for speed once a graph is large.
 *
 * Graphs under LARGE_GRAPH_ELEMENTS elements (nodes, edges and clusters together) keep
 * cytoscape's defaults, so they look and behave exactly as they always have; the stylesheet is
 * the same at every size (labels already vanish below their min-zoomed-font-size).
 *  - From LARGE_GRAPH_ELEMENTS on, edges are left out while the view is panned or zoomed or a
 *    node is dragged, and drawn again when the gesture ends.
 *  - From HUGE_GRAPH_ELEMENTS on, the canvas also renders one pixel per CSS pixel, a quarter of
 *    the work on a HiDPI screen, at the price of softer edges there.
 *  - When TEXTURE_IN_VIEW elements or more are on screen (a big graph zoomed out), a pan or
 *    zoom instead moves a snapshot of the canvas, edges included: smooth, but taking it costs
 *    a pause of one full redraw when the gesture starts, so a view with fewer elements redraws.
 * Thresholds come from test/bench/renderBench.ts (`npm run bench`) in headless, software-
 * rendered Chromium, where a pan frame without edges costs some 4–7 ms per 1,000 elements on
 * screen. 1,000 fitted elements pan at about 50 fps with every edge drawn but 25 at a device
 * pixel ratio of 2 (37 without edges); 5,000 at 10 fps with edges, 25–28 without; from about
 * 6,000 on screen a snapshot (50+ fps after a 0.2–0.7 s start) beats hiding edges (under 20).
 */
export interface LevelOfDetail {
  /** Leave edges out while the viewport is panned or zoomed, or nodes are dragged. */
  hideEdgesOnViewport: boolean;
  /** Pan and zoom a snapshot of the canvas instead of redrawing every element each frame. */
  textureOnViewport: boolean;
  /** cytoscape's motion blur, which smears frames together: never used. */
  motionBlur: boolean;
  /** Canvas pixels per CSS pixel: 'auto' follows the screen (2 on a HiDPI display). */
  pixelRatio: number | 'auto';
}

/** From this many elements on, edges are hidden during gestures. */
export const LARGE_GRAPH_ELEMENTS = 1000;
/** From this many elements on screen, gestures move a snapshot rather than redraw. */
export const TEXTURE_IN_VIEW = 6000;
/** From this many elements on, the canvas renders at one pixel per CSS pixel. */
export const HUGE_GRAPH_ELEMENTS = 3000;

/** cytoscape's defaults: what every graph below LARGE_GRAPH_ELEMENTS gets. */
export const FULL_DETAIL: Readonly<LevelOfDetail> = Object.freeze({
  hideEdgesOnViewport: false,
  textureOnViewport: false,
  motionBlur: false,
  pixelRatio: 'auto',
});

/**
 * The renderer settings for a graph of `elementCount` elements of which about `elementsInView`
 * are on screen (all of them when it has just been fitted). Pure; the result spreads into
 * cytoscape's options.
 */
export function levelOfDetail(elementCount: number, elementsInView: number = elementCount): LevelOfDetail {
  if (elementCount < LARGE_GRAPH_ELEMENTS) return { ...FULL_DETAIL };
  // A snapshot taken while edges are hidden would have no edges: one or the other.
  const texture = Math.min(elementsInView, elementCount) >= TEXTURE_IN_VIEW;
  return {
    hideEdgesOnViewport: !texture,
    textureOnViewport: texture,
    motionBlur: false,
    pixelRatio: elementCount >= HUGE_GRAPH_ELEMENTS ? 1 : 'auto',
  };
}

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * About how many of `elementCount` elements spread over `graph` (model coordinates) fall inside
 * `view`: the share of the graph's area in view. O(1), so cheap enough for every gesture.
 */
export function elementsInView(elementCount: number, graph: Box, view: Box): number {
  const w = Math.min(graph.x2, view.x2) - Math.max(graph.x1, view.x1);
  const h = Math.min(graph.y2, view.y2) - Math.max(graph.y1, view.y1);
  if (w < 0 || h < 0) return 0;
  const area = (graph.x2 - graph.x1) * (graph.y2 - graph.y1);
  if (!(area > 0)) return elementCount;
  return Math.round(elementCount * Math.min(1, (w * h) / area));
}

/**
 * Everything the canvas passes to cytoscape() except its container and elements, shared with
 * the render bench so that it measures the canvas as the app builds it.
 */
export function canvasOptions(lod: LevelOfDetail = FULL_DETAIL): CytoscapeOptions {
  return {
    style: graphStyle,
    layout: { name: 'preset' },
    boxSelectionEnabled: true,
    selectionType: 'single',
    minZoom: 0.05,
    maxZoom: 4,
    ...lod,
  };
}

/** The fields of cytoscape's canvas renderer (3.34) that its constructor copies the options above into. */
interface RendererLevelOfDetail {
  hideEdgesOnViewport: boolean;
  textureOnViewport: boolean;
  motionBlurEnabled: boolean;
  motionBlur: boolean;
  forcedPixelRatio: number | null;
}

function isCanvasRenderer(r: unknown): r is RendererLevelOfDetail {
  return (
    typeof r === 'object' &&
    r !== null &&
    'hideEdgesOnViewport' in r &&
    'textureOnViewport' in r &&
    'motionBlurEnabled' in r &&
    'forcedPixelRatio' in r
  );
}

/**
 * Switches a live canvas to another level of detail. cytoscape reads these options only when
 * it is created, and the canvas outlives every graph it shows, so they are set on its renderer,
 * whose render loop reads them on every frame. Returns false, changing nothing, when the
 * renderer is not cytoscape's canvas renderer as of 3.34 (headless, or fields renamed by an
 * upgrade: the bench then fails loudly).
 */
export function applyLevelOfDetail(cy: Core, lod: LevelOfDetail): boolean {
  const r: unknown = (cy as unknown as { renderer(): unknown }).renderer();
  if (!isCanvasRenderer(r)) return false;
  const pixelRatio = typeof lod.pixelRatio === 'number' ? lod.pixelRatio : null;
  r.hideEdgesOnViewport = lod.hideEdgesOnViewport;
  r.textureOnViewport = lod.textureOnViewport;
  r.motionBlurEnabled = lod.motionBlur;
  if (!lod.motionBlur) r.motionBlur = false;
  if (r.forcedPixelRatio !== pixelRatio) {
    r.forcedPixelRatio = pixelRatio;
    // The canvas is resized to the new ratio on the next frame; make sure there is one.
    cy.forceRender();
  }
  return true;
}

function sameDetail(a: LevelOfDetail, b: LevelOfDetail): boolean {
  return (
    a.hideEdgesOnViewport === b.hideEdgesOnViewport &&
    a.textureOnViewport === b.textureOnViewport &&
    a.motionBlur === b.motionBlur &&
    a.pixelRatio === b.pixelRatio
  );
}

export interface LevelOfDetailControl {
  /** Re-reads the graph's size and extent; call after every change to the elements. */
  refresh(): void;
  uninstall(): void;
  /** What the renderer was last set to. */
  current(): LevelOfDetail;
}

/**
 * Keeps a canvas at the level of detail for its graph and view: after each graph change
 * (refresh) and at the start of every gesture (a press, a wheel or pinch zoom), so a pan of a
 * zoomed-out view of a big graph moves a snapshot while a pan of a zoomed-in view redraws.
 */
export function installLevelOfDetail(cy: Core): LevelOfDetailControl {
  let count = 0;
  let graphBox: Box | null = null;
  let applied: LevelOfDetail = FULL_DETAIL;
  const update = (): void => {
    if (cy.destroyed()) return;
    const inView = graphBox ? elementsInView(count, graphBox, cy.extent()) : count;
    const lod = levelOfDetail(count, inView);
    if (!sameDetail(lod, applied) && applyLevelOfDetail(cy, lod)) applied = lod;
  };
  cy.on('tapstart scrollzoom pinchzoom', update);
  return {
    refresh() {
      if (cy.destroyed()) return;
      count = cy.elements().length;
      graphBox = count >= LARGE_GRAPH_ELEMENTS ? cy.nodes().boundingBox() : null;
      update();
    },
    uninstall() {
      cy.off('tapstart scrollzoom pinchzoom', update);
    },
    current: () => applied,
  };
}
