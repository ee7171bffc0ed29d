import type { Core, CytoscapeOptions, EdgeSingular, NodeSingular, StylesheetJson, StylesheetJsonBlock } from 'cytoscape';
import { LABEL_COLOURS, LABEL_COLOUR_KEYS, SANCTION_COLOUR } from './labelCategory';
import { bandOf, bandSpec, ellipsize, LABEL_BANDS, MIN_LABEL_PX } from './labelDetail';

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';

export const ROLE_COLOURS = {
  victim: '#c8312f',
  suspect: '#22272e',
  service: '#2f6fd1',
  other: '#7a6a3a',
} as const;

/** Seed nodes' fills, under their role-coloured borders (the legend draws the same). */
export const ROLE_FILLS = {
  victim: '#f6d5d4',
  suspect: ROLE_COLOURS.suspect,
  service: '#d6e4f8',
  other: '#efe8d2',
} as const;

const ACCENT = '#0b7a75';
/** The canvas area's background (renderer/styles/layout.css, .canvas-area). */
const CANVAS_BACKGROUND = '#fbfbfc';
/** Transactions and their flows in the "Tx nodes" view. */
export const TX_COLOUR = '#8250df';
/** Automatic clusters (wallets, inferred): the ring round their addresses and the border of an entity node. */
export const WALLET_COLOUR = '#9a2d7a';
/** An entity node's fill when no member has a label. */
export const ENTITY_FILL = '#ecd3e5';
/** Native-asset transfers, token transfers and "same key" links; the legend shows the same. */
export const EDGE_COLOURS = { native: '#8c959f', token: '#a37f2c', sameKey: '#1f6feb' } as const;

/** Full address at the near and close bands wraps at this width, inside a grid column (220). */
const FULL_LABEL_WIDTH = 190;
/** A short address ("0xd2C7…E2ed") is this many characters: the usual width of a node's label. */
const SHORT_ADDRESS_CHARS = 11;
/** Columns of the placement grid are this far apart (GRID.columnStep in electron/core/cases/placement.ts). */
const GRID_COLUMN = 220;
/** The base rules draw labels as at the overview band (labelDetail). */
const OVERVIEW = bandSpec('overview');

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** "+K more" pills are sized to their label, in the band's node font. */
function pillWidth(node: NodeSingular): number {
  return 16 + 0.62 * bandOf(node).node * text(node.data('label')).length;
}

function clusterLabel(node: NodeSingular): string {
  return ellipsize(text(node.data('label')), bandOf(node).clusterChars);
}

/**
 * The rules that change with the zoom band (labelDetail): an element of class band-X takes
 * band X's label text and font sizes. Without a band class an element is drawn as at
 * overview (the base rules), which is also how the render bench draws it.
 */
function bandRules(): StylesheetJsonBlock[] {
  const rules: StylesheetJsonBlock[] = [];
  for (const { band: b } of LABEL_BANDS) {
    if (b === 'overview') continue;
    const s = bandSpec(b);
    const cls = `.band-${b}`;
    if (b === 'distant') {
      // The overview's one line in a bigger font, unwrapped up to a grid column; no edge amounts.
      rules.push({ selector: `node.address${cls}, node.entity${cls}`, style: { 'font-size': s.node, 'text-max-width': `${GRID_COLUMN}px` } });
      rules.push({ selector: `node.more${cls}`, style: { 'font-size': s.node, height: s.node + 10 } });
      rules.push({ selector: `edge${cls}`, style: { label: '', 'source-label': '', 'target-label': '' } });
    } else if (b !== 'far') {
      const full = b === 'near' || b === 'close';
      rules.push({ selector: `node.address${cls}, node.entity${cls}`, style: { label: full ? 'data(full)' : 'data(label)', 'font-size': s.node } });
      rules.push({ selector: `node.more${cls}`, style: { 'font-size': s.node, height: s.node + 10 } });
      rules.push({ selector: `node.tx${cls}`, style: { label: 'data(label)', 'font-size': s.tx } });
      rules.push({ selector: `edge${cls}`, style: { 'font-size': s.edge } });
    }
    rules.push({ selector: `node.cluster${cls}`, style: { 'font-size': s.cluster } });
  }
  return rules;
}

/** Room between a label and the next, in line, in model pixels. */
const END_LABEL_GAP = 10;

/**
 * How far from its end a label near that end sits (to its centre): past the end node's own
 * label (a short address under the node, up to the full label width), and for the k-th of
 * several edges between the same two nodes, past the labels before it. Label width is
 * estimated from the monospace font (0.6 em a character).
 */
function labelOffset(edge: EdgeSingular): number {
  const slot: unknown = edge.data('labelSlot');
  const k = typeof slot === 'number' ? slot : 0;
  const band = bandOf(edge);
  const width = 0.6 * band.edge * text(edge.data('label')).length;
  const nodeLabelHalf = Math.min(0.3 * band.node * SHORT_ADDRESS_CHARS, FULL_LABEL_WIDTH / 2);
  return nodeLabelHalf + END_LABEL_GAP + width / 2 + k * (width + END_LABEL_GAP);
}

/** Labels of edges between the same two nodes, stacked a line apart (edgeRouting's labelShift). */
function labelShift(edge: EdgeSingular): number {
  const shift: unknown = edge.data('labelShift');
  return typeof shift === 'number' ? shift * (bandOf(edge).edge + 5) : 0;
}

function edgeWidth(edge: EdgeSingular): number {
  const w: unknown = edge.data('width');
  return typeof w === 'number' && w > 0 ? w : 1.5;
}

/**
 * Readable on the light canvas at every zoom: font sizes and label texts come from the zoom
 * band (labelDetail), so a label is either 10–21 px on screen or not drawn. Edges are as wide
 * as their value (edgeWidth.ts) and curve around the nodes in their way (edgeRouting.ts).
 * Clusters are drawn by clusterLayer under the graph; their node here is the name tag.
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
      'font-size': OVERVIEW.node,
      color: '#1f2328',
      'text-wrap': 'wrap',
      'text-max-width': '400px',
      'text-valign': 'bottom',
      'text-halign': 'center',
      'text-margin-y': 4,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': MIN_LABEL_PX,
    },
  },
  {
    selector: 'node.address',
    style: {
      label: 'data(brief)',
      'text-max-width': `${FULL_LABEL_WIDTH}px`,
      'text-overflow-wrap': 'anywhere',
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
  // Filled by the category of the name shown (labelCategory); a seed keeps its role's look below.
  ...LABEL_COLOUR_KEYS.map((key): StylesheetJsonBlock => ({ selector: `node.address.label-${key}`, style: { 'background-color': LABEL_COLOURS[key] } })),
  { selector: 'node.seed', style: { width: 28, height: 28, 'font-weight': 'bold' } },
  {
    selector: 'node.seed-victim',
    style: { 'border-width': 4, 'border-color': ROLE_COLOURS.victim, 'background-color': ROLE_FILLS.victim },
  },
  {
    selector: 'node.seed-suspect',
    style: { 'border-width': 3, 'border-color': '#000000', 'background-color': ROLE_FILLS.suspect },
  },
  {
    selector: 'node.seed-service',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.service, 'background-color': ROLE_FILLS.service },
  },
  {
    selector: 'node.seed-other',
    style: { 'border-width': 3, 'border-color': ROLE_COLOURS.other, 'background-color': ROLE_FILLS.other },
  },
  {
    // Sanctioned: unmistakable at any zoom and over any role: bigger, a thick dark-red double
    // ring, its label bold in the same red and marked (labelDetail's SANCTION_PREFIX).
    selector: 'node.address.sanctioned',
    style: {
      width: 32,
      height: 32,
      'border-width': 8,
      'border-style': 'double',
      'border-color': SANCTION_COLOUR,
      color: SANCTION_COLOUR,
      'font-weight': 'bold',
    },
  },
  {
    // In an automatic cluster with other addresses (a wallet, inferred): a dashed ring outside
    // its border, whatever its fill or role; its label gives the size ("[4]", labelDetail).
    selector: 'node.address.in-wallet',
    style: { 'outline-width': 2, 'outline-style': 'dashed', 'outline-color': WALLET_COLOUR, 'outline-offset': 2, 'outline-opacity': 0.9 },
  },
  {
    // An automatic cluster drawn collapsed (entity node): bigger than any address, an octagon
    // with a double border in the wallet colour, filled by its best label's category.
    selector: 'node.entity',
    style: {
      label: 'data(brief)',
      'text-max-width': `${FULL_LABEL_WIDTH}px`,
      'text-overflow-wrap': 'anywhere',
      shape: 'round-octagon',
      width: 42,
      height: 42,
      'background-color': ENTITY_FILL,
      'border-width': 6,
      'border-style': 'double',
      'border-color': WALLET_COLOUR,
      'font-weight': 'bold',
      'text-margin-y': 5,
    },
  },
  ...LABEL_COLOUR_KEYS.map((key): StylesheetJsonBlock => ({ selector: `node.entity.label-${key}`, style: { 'background-color': LABEL_COLOURS[key] } })),
  { selector: 'node.entity.sanctioned', style: { 'border-color': SANCTION_COLOUR, color: SANCTION_COLOUR } },
  {
    selector: 'node.more',
    style: {
      shape: 'round-rectangle',
      width: pillWidth,
      height: OVERVIEW.node + 10,
      'background-color': '#ffffff',
      'border-width': 1,
      'border-style': 'dashed',
      'border-color': '#6e7781',
      'font-family': SANS,
      'font-size': OVERVIEW.node,
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
      // No tx labels zoomed out (overview and far); bandRules give them at normal and closer.
      label: '',
      'font-size': bandSpec('normal').tx,
      color: '#57606a',
      'text-margin-y': 2,
    },
  },
  {
    // A transaction with a CoinJoin's shape (Tx nodes view): drawn as a mixer, in the mixing
    // service colour of the label legend, and larger than an ordinary transaction.
    selector: 'node.tx.coinjoin',
    style: { width: 26, height: 26, 'border-color': LABEL_COLOURS.mixing_service, 'background-color': '#f3ecfb' },
  },
  {
    // A cluster's name tag, beside its outline (drawn by clusterLayer). Its label is what the
    // investigator grabs, clicks and double-clicks, so label events are on.
    selector: 'node.cluster',
    style: {
      shape: 'round-rectangle',
      width: 8,
      height: 8,
      'background-opacity': 0,
      'border-width': 0,
      label: clusterLabel,
      'font-family': SANS,
      'font-size': OVERVIEW.cluster,
      'font-weight': 'bold',
      color: '#24292f',
      // The label starts at the tag's position and runs right (toElements' clusterTagPosition).
      'text-valign': 'center',
      'text-halign': 'right',
      'text-margin-x': -4,
      'text-margin-y': 0,
      'text-background-color': '#ffffff',
      'text-background-opacity': 1,
      'text-background-padding': '3px',
      'text-background-shape': 'roundrectangle',
      'text-border-width': 1.5,
      'text-border-color': 'data(color)',
      'text-border-opacity': 1,
      'text-events': 'yes',
      'overlay-opacity': 0,
    },
  },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      'control-point-step-size': 48,
      width: edgeWidth,
      'line-color': EDGE_COLOURS.native,
      'target-arrow-shape': 'triangle',
      'target-arrow-color': EDGE_COLOURS.native,
      'arrow-scale': 1.1,
      label: 'data(label)',
      'font-family': MONO,
      'font-size': OVERVIEW.edge,
      color: '#424a53',
      // Level, not along the line: steep edges between grid rows are common, and slanted text is hard to read.
      'text-rotation': 'none',
      'text-margin-y': labelShift,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': MIN_LABEL_PX,
    },
  },
  {
    // Labels of edges converging on a hub sit near their other end (edgeRouting.ts, labelEnd).
    selector: 'edge.label-source',
    style: { label: '', 'source-label': 'data(label)', 'source-text-offset': labelOffset, 'source-text-rotation': 'none' },
  },
  {
    selector: 'edge.label-target',
    style: { label: '', 'target-label': 'data(label)', 'target-text-offset': labelOffset, 'target-text-rotation': 'none' },
  },
  {
    // Bent around the nodes its straight line would cross (edgeRouting.ts).
    selector: 'edge.routed',
    style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bend)', 'control-point-weights': 0.5 },
  },
  {
    selector: 'edge.tx-flow',
    style: { 'line-color': TX_COLOUR, 'target-arrow-color': TX_COLOUR, 'line-opacity': 0.8, color: '#5a3d99' },
  },
  { selector: 'edge.token', style: { 'line-style': 'solid', 'line-color': EDGE_COLOURS.token, 'target-arrow-color': EDGE_COLOURS.token } },
  {
    // One key on two chains: no value moved, so no arrow; dashed so it never reads as a transfer.
    selector: 'edge.same-key',
    style: {
      'line-style': 'dashed',
      'line-color': EDGE_COLOURS.sameKey,
      'target-arrow-shape': 'none',
      width: 1.5,
      color: EDGE_COLOURS.sameKey,
      'font-family': SANS,
    },
  },
  ...bandRules(),
  {
    selector: 'node:selected',
    style: { 'overlay-color': ACCENT, 'overlay-opacity': 0.18, 'overlay-padding': 5, 'underlay-opacity': 0 },
  },
  {
    selector: 'node.cluster:selected',
    style: { 'overlay-opacity': 0, 'text-border-width': 3, 'text-border-color': ACCENT, color: ACCENT },
  },
  {
    selector: 'edge:selected',
    style: { 'line-color': ACCENT, 'target-arrow-color': ACCENT, 'underlay-color': ACCENT, 'underlay-opacity': 0.2, 'underlay-padding': 3 },
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
    // cytoscape takes a mouse wheel's fixed steps as an "inaccurate" device and zooms each
    // notch by only about 3 % (25 notches to double). At 5 a notch zooms some 15 % (the first
    // four 26 %, while cytoscape tells the device apart), measured with Chromium's 100 px
    // notches. A touchpad's small steps zoom five times faster than before too: the price of
    // one setting for both.
    wheelSensitivity: WHEEL_SENSITIVITY,
    ...lod,
  };
}

export const WHEEL_SENSITIVITY = 5;

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
