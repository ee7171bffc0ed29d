/**
 * Graph rendering in headless Chromium (Debian's /usr/bin/chromium, software rendering:
 * --disable-gpu), with and without the canvas's level-of-detail settings
 * (renderer/graph/graphStyle.ts: levelOfDetail, installLevelOfDetail). Target: a 5k-element
 * graph laid out in 3 s or less and panning at 20 fps or more, with level of detail.
 *
 * A synthetic case graph (render/syntheticGraph.ts: half address nodes in back-end columns,
 * half transfer edges, plus seeds, tags, "more" pagers, clusters and same-key links) is drawn
 * by a page bundled from render/page.ts, which uses the app's own stylesheet and canvas
 * options (graphStyle.ts), Graph-to-element mapping (toElements.ts) and element diffing
 * (applyElements.ts), in a container the size of the app's canvas at 1440×900. Each figure is
 * the median of `repeats` runs, each in a fresh page; "elements" counts nodes, edges and
 * clusters together. Figures are printed, never asserted: these machines are noisy.
 *
 *   first paint   cytoscape() created with all the elements (preset positions, fitted) until
 *                 the end of the browser frame after cytoscape's first `render` event: how
 *                 long a graph takes to appear when the canvas is built around it. With LOD,
 *                 levelOfDetail(elements) is passed to cytoscape().
 *   layout        the app's path when a case opens: the Graph model into the mounted, empty
 *                 canvas (toElements, applyElements, fit, then installLevelOfDetail's refresh,
 *                 as GraphCanvas does) until the end of the frame after the first render.
 *                 Positions come from the back end, so no layout algorithm runs: "laid out"
 *                 means placed, fitted and drawn. `blocked` is its synchronous part, during
 *                 which the page cannot respond.
 *   pan fps       frames cytoscape rendered per second while the viewport is dragged for
 *                 `panMs` with the whole graph in view (just fitted: every element on screen,
 *                 the worst case). Playwright's mouse presses at the canvas centre, then the
 *                 page moves the pointer once per animation frame, back and forth, as a mouse
 *                 reporting at 60 Hz or more would. Level of detail acts on user gestures, so
 *                 this is a real drag, not cy.panBy. `worst frame` is the longest gap between
 *                 frames, including the first (which takes the snapshot when the pan is
 *                 "drawn as" a snapshot); "drawn as" is the renderer's mode read back after.
 *   pan fps @1    the same drag after zooming to 1 (labels drawn, a screenful of the graph).
 *   cold start    (benchColdStart) `cairn serve` spawned on a fresh workspace holding one
 *                 case that reopens at start, Chromium launched alongside it, until the page
 *                 shows the graph canvas ready for input (cytoscape's canvas mounted,
 *                 window.cairnGraphProbe installed, the case's graph applied). Median of three.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { LARGE_GRAPH_ELEMENTS } from '../../renderer/graph/graphStyle';
import type { FrameCount, LayoutResult, PaintResult } from './render/page';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/node/cli.cjs');
/** Debian's Chromium; Playwright's own browser download is not available on these machines. */
const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'];
const VIEWPORT = { width: 1440, height: 900 };
/** The canvas's size in the app at 1440×900, between the 260 px sidebar and the 360 px details panel. */
const CANVAS = { width: 820, height: 850 };

export interface RenderBenchRow {
  /** Elements asked for, and drawn (nodes, edges and clusters). */
  size: number;
  elements: number;
  /** Level of detail applied (levelOfDetail(elements)) or cytoscape's defaults. */
  lod: boolean;
  toElementsMs: number;
  firstPaintMs: number;
  layoutMs: number;
  /** Synchronous part of layoutMs: the page cannot respond meanwhile. */
  blockedMs: number;
  /** Zoom after the fit. */
  fitZoom: number;
  panFps: number;
  panWorstFrameMs: number;
  /** How the renderer drew the pan: 'snapshot' (textureOnViewport), 'no edges' (hideEdgesOnViewport) or 'full'. */
  panMode: FrameCount['mode'];
  panFpsZoom1: number;
  panWorstFrameMsZoom1: number;
  panModeZoom1: FrameCount['mode'];
}

export interface RenderBenchResult {
  chromium: string;
  viewport: { width: number; height: number };
  canvas: { width: number; height: number };
  deviceScaleFactor: number;
  repeats: number;
  panMs: number;
  rows: RenderBenchRow[];
}

export interface RenderBenchOptions {
  /** Runs per figure; the median is reported. */
  repeats?: number;
  /** How long each pan lasts. */
  panMs?: number;
  /** Device pixel ratio of the page: 1 (headless Chromium's) unless asked, 2 for a HiDPI screen. */
  deviceScaleFactor?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Bundles render/page.ts and serves it with a page holding one canvas-sized container. */
async function servePage(): Promise<{ url: string; server: Server }> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, 'render/page.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const script = out.outputFiles[0]!.contents;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>render bench</title>
<style>html,body{margin:0;height:100%;background:#fbfbfc}#graph{position:absolute;left:260px;top:50px;width:${CANVAS.width}px;height:${CANVAS.height}px}</style>
</head><body><div id="graph"></div><script src="/page.js"></script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(script);
    } else if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.cairnRenderBench !== undefined);
  return page;
}

/**
 * Presses at the canvas centre with Playwright's mouse, then lets the page move the pointer
 * once per frame for `ms` (awaiting each Playwright move would pace the drag by the DevTools
 * round trip rather than by the renderer), and releases. Counting starts before the pointer
 * first moves, so the first frame of the pan (which takes the snapshot, if any) is included.
 */
async function dragPan(page: Page, ms: number): Promise<FrameCount> {
  const c = await page.evaluate(() => window.cairnRenderBench!.beginPan());
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  try {
    const count = await page.evaluate(([from, t]) => window.cairnRenderBench!.dragPan(from, t), [c, ms] as const);
    if (count.panned < 1) throw new Error('the drag did not pan the viewport');
    return count;
  } finally {
    await page.mouse.up();
  }
}

async function measure(context: BrowserContext, url: string, size: number, lod: boolean, panMs: number) {
  const paintPage = await openPage(context, url);
  const paint: PaintResult = await paintPage.evaluate(([n, l]) => window.cairnRenderBench!.firstPaint(n, l), [size, lod] as const);
  await paintPage.close();

  const page = await openPage(context, url);
  try {
    const layout: LayoutResult = await page.evaluate(([n, l]) => window.cairnRenderBench!.layout(n, l), [size, lod] as const);
    if (lod && layout.elements >= LARGE_GRAPH_ELEMENTS && !layout.renderer.hideEdgesOnViewport && !layout.renderer.textureOnViewport) {
      throw new Error('level of detail was not applied to the renderer (cytoscape internals changed?)');
    }
    const pan = await dragPan(page, panMs);
    await page.evaluate(() => window.cairnRenderBench!.zoomTo(1));
    const pan1 = await dragPan(page, panMs);
    return { paint, layout, pan, pan1 };
  } finally {
    await page.close();
  }
}

/**
 * First paint, layout and pan frame rate for each size, with and without level of detail.
 * Needs no build: the page is bundled from the sources here.
 */
export async function benchRender(sizes: number[] = [1000, 5000, 10000], options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const repeats = options.repeats ?? 3;
  const panMs = options.panMs ?? 2000;
  const deviceScaleFactor = options.deviceScaleFactor ?? 1;
  let served: { url: string; server: Server } | null = null;
  let browser: Browser | null = null;
  try {
    served = await servePage();
    browser = await launch();
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor });
    // Warm-up: the first page of a browser pays for compiling the bundle and fonts.
    await measure(context, served.url, 200, false, 200);
    const rows: RenderBenchRow[] = [];
    for (const size of sizes) {
      for (const lod of [false, true]) {
        const runs = [];
        for (let i = 0; i < repeats; i++) runs.push(await measure(context, served.url, size, lod, panMs));
        const fps = (c: FrameCount) => (c.frames * 1000) / c.ms;
        rows.push({
          size,
          elements: runs[0]!.layout.elements,
          lod,
          toElementsMs: round(median(runs.map((r) => r.paint.toElementsMs))),
          firstPaintMs: round(median(runs.map((r) => r.paint.firstPaintMs))),
          layoutMs: round(median(runs.map((r) => r.layout.layoutMs))),
          blockedMs: round(median(runs.map((r) => r.layout.blockedMs))),
          fitZoom: round(runs[0]!.layout.zoom, 3),
          panFps: round(median(runs.map((r) => fps(r.pan))), 1),
          panWorstFrameMs: round(median(runs.map((r) => r.pan.worstFrameMs))),
          panMode: runs[0]!.pan.mode,
          panFpsZoom1: round(median(runs.map((r) => fps(r.pan1))), 1),
          panWorstFrameMsZoom1: round(median(runs.map((r) => r.pan1.worstFrameMs))),
          panModeZoom1: runs[0]!.pan1.mode,
        });
      }
    }
    return { chromium: browser.version(), viewport: VIEWPORT, canvas: CANVAS, deviceScaleFactor, repeats, panMs, rows };
  } finally {
    await browser?.close();
    if (served) await new Promise((r) => served!.server.close(r));
  }
}

/** Prints a benchRender result as one table, a row per size and level of detail. */
export function printRenderResults(render: RenderBenchResult): void {
  console.log(
    `\nGraph rendering, headless Chromium ${render.chromium} (software, --disable-gpu), canvas ${render.canvas.width}×${render.canvas.height} CSS px at ` +
      `device pixel ratio ${render.deviceScaleFactor}, median of ${render.repeats}; target at 5k with LOD: layout ≤ 3000 ms, pan ≥ 20 fps`,
  );
  console.table(
    Object.fromEntries(
      render.rows.map((r) => [
        `${r.size / 1000}k ${r.lod ? 'LOD' : 'no LOD'}`,
        {
          elements: r.elements,
          'first paint ms': r.firstPaintMs,
          'layout ms': r.layoutMs,
          'blocked ms': r.blockedMs,
          'fit zoom': r.fitZoom,
          'pan fps': r.panFps,
          'worst frame ms': r.panWorstFrameMs,
          'pan drawn as': r.panMode,
          'pan fps @1': r.panFpsZoom1,
          'worst @1 ms': r.panWorstFrameMsZoom1,
          '@1 drawn as': r.panModeZoom1,
        },
      ]),
    ),
  );
}

export interface Serve {
  child: ChildProcess;
  url: Promise<string>;
  stop(): Promise<void>;
}

export function serve(workspace: string): Serve {
  const child = spawn(process.execPath, [CLI, 'serve', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`cairn serve exited with ${code} before printing its URL`)));
  });
  url.catch(() => undefined);
  return {
    child,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function api(url: string, method: string, args: unknown): Promise<unknown> {
  const base = new URL(url);
  const token = new URLSearchParams(base.hash.slice(1)).get('token');
  const res = await fetch(new URL(`/api/${method}`, base.origin), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const envelope = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error?.message ?? res.status}`);
  return envelope.result;
}

/** A workspace as an investigator leaves it: named, with one case that reopens at start. */
async function prepareWorkspace(workspace: string): Promise<void> {
  const s = serve(workspace);
  try {
    const url = await s.url;
    const created = (await api(url, 'case.create', { name: 'Cold start' })) as { id: string };
    await api(url, 'settings.set', { investigator: 'Bench', lastCase: created.id });
  } finally {
    await s.stop();
  }
}

export interface ColdStartResult {
  /** Spawn of `cairn serve` to an interactive canvas, Chromium launched meanwhile; median. */
  seconds: number;
  /** Spawn to the server printing its URL; median. */
  serverSeconds: number;
  /** page.goto to an interactive canvas; median. */
  pageSeconds: number;
  runs: number[];
}

/** Needs dist/ (node scripts/build.mjs node renderer): it starts the built CLI and renderer. */
export async function benchColdStart(runs = 3): Promise<ColdStartResult> {
  for (const built of [CLI, join(REPO, 'dist/renderer/index.html')]) {
    if (!existsSync(built)) throw new Error(`cold start needs ${built}: run node scripts/build.mjs node renderer first`);
  }
  const totals: number[] = [];
  const servers: number[] = [];
  const pages: number[] = [];
  for (let i = 0; i < runs; i++) {
    const root = mkdtempSync(join(tmpdir(), 'cairn-coldstart-'));
    const workspace = join(root, 'workspace');
    let s: Serve | null = null;
    let launched: Promise<BrowserContext> | null = null;
    try {
      await prepareWorkspace(workspace);
      const t0 = performance.now();
      s = serve(workspace);
      launched = chromium.launchPersistentContext(join(root, 'profile'), {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: VIEWPORT,
      });
      const url = await s.url;
      const tServer = performance.now();
      const context = await launched;
      const page = context.pages()[0] ?? (await context.newPage());
      const tGoto = performance.now();
      await page.goto(url);
      await page.waitForFunction(
        () =>
          (window as unknown as { cairnGraphProbe?: unknown }).cairnGraphProbe !== undefined &&
          document.body.dataset.graphRevision !== undefined &&
          document.querySelector('[data-testid="graph-canvas"] canvas') !== null,
        undefined,
        { polling: 'raf', timeout: 60_000 },
      );
      const t1 = performance.now();
      totals.push((t1 - t0) / 1000);
      servers.push((tServer - t0) / 1000);
      pages.push((t1 - tGoto) / 1000);
    } finally {
      if (launched) await launched.then((c) => c.close()).catch(() => undefined);
      await s?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
  return { seconds: round(median(totals), 2), serverSeconds: round(median(servers), 2), pageSeconds: round(median(pages), 2), runs: totals.map((t) => round(t, 2)) };
}
