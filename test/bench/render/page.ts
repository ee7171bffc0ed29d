/**
 * The in-browser half of the render bench, bundled by renderBench.ts with esbuild. It draws a
 * synthetic case graph with the app's own stylesheet, element mapping, element diffing and
 * level-of-detail settings, and exposes `window.cairnRenderBench` for Playwright to drive.
 */
import cytoscape, { type Core } from 'cytoscape';
import { applyElements } from '../../../renderer/graph/applyElements';
import { canvasOptions, FULL_DETAIL, installLevelOfDetail, levelOfDetail } from '../../../renderer/graph/graphStyle';
import { toElements } from '../../../renderer/graph/toElements';
import { syntheticGraph } from './syntheticGraph';

export interface PaintResult {
  /** Elements actually drawn (nodes, edges, clusters). */
  elements: number;
  /** Mapping the Graph model to element definitions (toElements). */
  toElementsMs: number;
  /** cytoscape() with the elements, to the end of the first frame it rendered. */
  firstPaintMs: number;
}

export interface LayoutResult {
  elements: number;
  /** Graph model into the empty, mounted canvas (toElements, applyElements, fit, level of detail) to the end of the first frame. */
  layoutMs: number;
  /** The synchronous part of that: the main thread is blocked this long. */
  blockedMs: number;
  /** Zoom after the fit, which decides whether labels are drawn. */
  zoom: number;
  /** The level of detail the renderer ended up with, read back from it. */
  renderer: { hideEdgesOnViewport: boolean; textureOnViewport: boolean; pixelRatio: number };
}

export interface FrameCount {
  frames: number;
  ms: number;
  /** Longest gap between two rendered frames. */
  worstFrameMs: number;
  /** Furthest the viewport moved from where it was, to prove the gesture panned rather than dragged a node. */
  panned: number;
  /** How the renderer drew the pan, read back from it at the end. */
  mode: 'snapshot' | 'no edges' | 'full';
}

export interface RenderBenchPage {
  firstPaint(elements: number, lod: boolean): Promise<PaintResult>;
  layout(elements: number, lod: boolean): Promise<LayoutResult>;
  /** Sets the zoom around the graph's centre, then lets a frame render. */
  zoomTo(zoom: number): Promise<void>;
  /** Makes every node pannable, so a press anywhere pans, and returns where to press: the canvas centre in page coordinates. */
  beginPan(): { x: number; y: number };
  /**
   * With the pointer already pressed at `from`, moves it once per animation frame, as a mouse
   * at 60 Hz or more would, back and forth for `ms`, counting the frames cytoscape renders.
   */
  dragPan(from: { x: number; y: number }, ms: number): Promise<FrameCount>;
}

declare global {
  interface Window {
    cairnRenderBench?: RenderBenchPage;
  }
}

const MAX_FIT_ZOOM = 1.5;

function container(): HTMLElement {
  const el = document.getElementById('graph');
  if (!el) throw new Error('bench page has no #graph');
  return el;
}

function frame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

/** Resolves at the end of the next frame cytoscape renders: its `render` event, then the browser's next frame. */
function rendered(cy: Core): Promise<void> {
  return new Promise((resolve) => {
    cy.one('render', () => {
      void frame().then(() => resolve());
    });
  });
}

let cy: Core | null = null;

function fresh(): void {
  cy?.destroy();
  cy = null;
}

function current(): Core {
  if (!cy) throw new Error('no graph drawn yet');
  return cy;
}

/** The same fit GraphCanvas does when a case opens. */
function fit(core: Core): void {
  core.fit(core.nodes(':visible'), 40);
  if (core.zoom() > MAX_FIT_ZOOM) {
    core.zoom(MAX_FIT_ZOOM);
    core.center(core.nodes(':visible'));
  }
}

let counting: { last: number; frames: number; worst: number; pan0: { x: number; y: number }; panned: number } | null = null;

function onRender(): void {
  if (!counting || !cy) return;
  const now = performance.now();
  counting.worst = Math.max(counting.worst, now - counting.last);
  counting.last = now;
  counting.frames += 1;
  const pan = cy.pan();
  counting.panned = Math.max(counting.panned, Math.hypot(pan.x - counting.pan0.x, pan.y - counting.pan0.y));
}

function rendererState(core: Core): LayoutResult['renderer'] {
  const r = (core as unknown as { renderer(): Record<string, unknown> }).renderer();
  return {
    hideEdgesOnViewport: r.hideEdgesOnViewport === true,
    textureOnViewport: r.textureOnViewport === true,
    pixelRatio: typeof r.forcedPixelRatio === 'number' ? r.forcedPixelRatio : window.devicePixelRatio,
  };
}

const bench: RenderBenchPage = {
  async firstPaint(n, lod) {
    fresh();
    const { graph } = syntheticGraph(n);
    const t0 = performance.now();
    const elements = toElements(graph);
    const t1 = performance.now();
    const options = lod ? levelOfDetail(elements.length) : FULL_DETAIL;
    const core = cytoscape({ container: container(), elements, ...canvasOptions(options), layout: { name: 'preset', fit: true, padding: 40 } });
    cy = core;
    await rendered(core);
    const t2 = performance.now();
    return { elements: core.elements().length, toElementsMs: t1 - t0, firstPaintMs: t2 - t1 };
  },

  async layout(n, lod) {
    fresh();
    const { graph } = syntheticGraph(n);
    // Mounted and idle, as GraphCanvas is before a case's graph arrives.
    const core = cytoscape({ container: container(), ...canvasOptions() });
    cy = core;
    const lodControl = lod ? installLevelOfDetail(core) : null;
    core.on('render', onRender);
    await frame();
    await frame();
    const t0 = performance.now();
    applyElements(core, toElements(graph));
    fit(core);
    lodControl?.refresh();
    const t1 = performance.now();
    await rendered(core);
    const t2 = performance.now();
    return { elements: core.elements().length, layoutMs: t2 - t0, blockedMs: t1 - t0, zoom: core.zoom(), renderer: rendererState(core) };
  },

  async zoomTo(zoom) {
    const core = current();
    const bb = core.elements().boundingBox();
    core.zoom({ level: zoom, position: { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 } });
    core.center(); // on all elements
    await rendered(core);
  },

  beginPan() {
    // A press on a node would drag it instead of panning; pannable nodes pass the gesture to the viewport.
    current().nodes().panify();
    const rect = container().getBoundingClientRect();
    return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
  },

  async dragPan(from, ms) {
    const core = current();
    const start = performance.now();
    const counted = { last: start, frames: 0, worst: 0, pan0: { ...core.pan() }, panned: 0 };
    counting = counted;
    for (let i = 0; performance.now() - start < ms; i++) {
      await frame();
      // A triangle wave, 6 px a frame, 240 px each way.
      const t = i % 80;
      const dx = ((t < 40 ? t : 80 - t) + 1) * 6;
      window.dispatchEvent(new MouseEvent('mousemove', { clientX: from.x + dx, clientY: from.y + dx / 4, button: 0, buttons: 1, bubbles: true }));
    }
    counting = null;
    const now = performance.now();
    const r = rendererState(core);
    return {
      mode: r.textureOnViewport ? 'snapshot' : r.hideEdgesOnViewport ? 'no edges' : 'full',
      frames: counted.frames,
      ms: now - start,
      worstFrameMs: Math.max(counted.worst, now - counted.last),
      panned: counted.panned,
    };
  },
};

window.cairnRenderBench = bench;
