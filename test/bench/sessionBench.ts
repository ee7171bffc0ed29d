/**
 * An investigator's session replayed in the real UI (browser shell, headless Chromium, 1600×1000)
 * on an imported synthetic world: seed the largest victims, follow the stolen Ether out hop by
 * hop, expand an exchange hot wallet and page it eight times, fit, and filter by time. Per step:
 * the time from the gesture to a settled canvas (the graph applied and two frames drawn) and the
 * number of overlapping node pairs on the canvas (target 0), read from the case file.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Page } from '@playwright/test';
import { overlappingPairs } from '../../electron/core/cases/placement';
import type { WorldTruth } from '../../electron/core/synth/world';
import { api, serve } from './renderBench';

const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'];

export interface SessionStep {
  step: string;
  /** Gesture to settled canvas. */
  seconds: number;
  nodes: number;
  overlaps: number;
}

export interface SessionResult {
  worldTransfers: number;
  steps: SessionStep[];
  skipped: string[];
}

interface Probed {
  id: string;
  kind: string;
  address: string | null;
  x: number;
  y: number;
}

const probe = (page: Page): Promise<Probed[]> =>
  page.evaluate(() => (window as unknown as { cairnGraphProbe?: { nodes(): Probed[] } }).cairnGraphProbe?.nodes() ?? []);

const revision = (page: Page): Promise<string | undefined> => page.evaluate(() => document.body.dataset.graphRevision);

/** Runs a gesture and waits until the canvas has applied a new graph and drawn two frames. */
async function settled(page: Page, gesture: () => Promise<void>): Promise<number> {
  const before = await revision(page);
  const t0 = performance.now();
  await gesture();
  await page.waitForFunction((r) => document.body.dataset.graphRevision !== r, before, { polling: 'raf', timeout: 120_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return (performance.now() - t0) / 1000;
}

/** Clicks a node where the canvas draws it; fits the view first if it is off-screen. */
async function selectNode(page: Page, find: (n: Probed) => boolean): Promise<boolean> {
  const canvas = await page.getByTestId('graph-canvas').boundingBox();
  let node = (await probe(page)).find(find);
  if (!node || !canvas) return false;
  const inside = (n: Probed) => n.x > canvas.x + 10 && n.x < canvas.x + canvas.width - 10 && n.y > canvas.y + 10 && n.y < canvas.y + canvas.height - 10;
  if (!inside(node)) {
    await page.getByRole('button', { name: 'Fit all' }).click();
    await page.evaluate(() => new Promise((r) => setTimeout(r, 400)));
    node = (await probe(page)).find(find);
    if (!node || !inside(node)) return false;
  }
  await page.mouse.click(node.x, node.y);
  return true;
}

export async function benchSession(work: string, transfers: number, log: (line: string) => void): Promise<SessionResult> {
  const workspace = join(work, `workspace-${transfers}`);
  const truth = JSON.parse(readFileSync(join(work, `world-${transfers}`, 'truth.json'), 'utf8')) as WorldTruth;
  const eth = truth.chains.eth;
  const theft = readFileSync(join(work, `world-${transfers}`, truth.files.theft), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c[1] === eth)
    .map((c) => ({ from: c[3]!, to: c[4]! }));
  const hub = truth.hotWallets.find((h) => h.chain === eth)!;
  const victims = truth.victims
    .filter((v) => v.chain === eth)
    .map((v) => ({ v, amount: BigInt(v.stolen.find((s) => s.symbol === 'ETH')?.amount ?? '0') }))
    .sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1))
    .slice(0, 12)
    .map((x) => x.v.address);

  const steps: SessionStep[] = [];
  const skipped: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'cairn-session-'));
  const s = serve(workspace);
  try {
    const url = await s.url;
    log('session: seeding victims…');
    const t0 = performance.now();
    const kase = (await api(url, 'case.create', { name: 'Session replay' })) as { id: string };
    for (const v of victims) await api(url, 'case.addSeed', { caseId: kase.id, chain: eth, address: v, role: 'victim' });
    await api(url, 'case.addSeed', { caseId: kase.id, chain: eth, address: hub.address, role: 'service', note: `${hub.exchange} hot wallet` });
    await api(url, 'settings.set', { investigator: 'Bench', lastCase: kase.id });
    const seedSeconds = (performance.now() - t0) / 1000;
    const caseFile = join(workspace, 'cases', `${kase.id}.cairn`);
    const overlaps = (): { nodes: number; overlaps: number } => {
      const db = new Database(caseFile, { readonly: true });
      try {
        const pts = db.prepare('SELECT x, y FROM node WHERE hidden = 0').all() as { x: number; y: number }[];
        return { nodes: pts.length, overlaps: overlappingPairs(pts) };
      } finally {
        db.close();
      }
    };
    const record = (step: string, seconds: number): void => {
      steps.push({ step, seconds: Math.round(seconds * 1000) / 1000, ...overlaps() });
      log(`session: ${step}`);
    };
    record(`seed ${victims.length} victims and the hot wallet (API)`, seedSeconds);

    const context = await chromium.launchPersistentContext(join(root, 'profile'), { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1600, height: 1000 } });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      let t = performance.now();
      await page.goto(url);
      await page.waitForFunction(() => document.body.dataset.graphRevision !== undefined && (window as unknown as { cairnGraphProbe?: unknown }).cairnGraphProbe !== undefined, undefined, { timeout: 120_000 });
      record('open the case', (performance.now() - t) / 1000);

      // Follow the stolen Ether: expand out each address of the theft path as it reaches the canvas.
      const done = new Set<string>();
      let expansions = 0;
      for (const hop of theft) {
        if (expansions >= 9) break;
        if (done.has(hop.from)) continue;
        done.add(hop.from);
        if (!(await selectNode(page, (n) => n.address === hop.from))) continue;
        const seconds = await settled(page, () => page.keyboard.press('o'));
        expansions++;
        record(`expand out ${hop.from.slice(0, 10)}… (hop ${expansions})`, seconds);
      }
      if (expansions < 9) skipped.push(`only ${expansions} of 9 theft-path expansions found their address on the canvas`);

      // The exchange hot wallet: its senders, then eight more pages.
      if (await selectNode(page, (n) => n.address === hub.address)) {
        record('expand the hot wallet in', await settled(page, () => page.keyboard.press('i')));
        for (let p = 0; p < 8; p++) {
          const more = (await probe(page)).find((n) => n.kind === 'more');
          if (!more || !(await selectNode(page, (n) => n.id === more.id))) {
            skipped.push(`page ${p + 2} of the hot wallet: its "+K more" node was not on the canvas`);
            break;
          }
          const box = (await probe(page)).find((n) => n.id === more.id)!;
          record(`hot wallet page ${p + 2}`, await settled(page, () => page.mouse.dblclick(box.x, box.y)));
        }
      } else skipped.push('the hot wallet was not on the canvas');

      t = performance.now();
      await page.getByRole('button', { name: 'Fit all' }).click();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      record('fit all', (performance.now() - t) / 1000);

      // Filter by time: from the middle of the case's span.
      await page.getByTestId('filter-bar').getByRole('button', { name: /^Filter/ }).click();
      const from = page.getByLabel('From time');
      const [min, max] = await Promise.all([from.getAttribute('min'), from.getAttribute('max')]);
      const mid = Math.round((Number(min) + Number(max)) / 2);
      record('filter by time (second half of the span)', await settled(page, () => from.fill(String(mid))));
    } finally {
      await context.close();
    }
  } finally {
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return { worldTransfers: truth.written.transfers, steps, skipped };
}

export function printSessionResults(r: SessionResult): void {
  console.log(`\nAn investigator's session in the UI (Chromium, 1600×1000) on the ${r.worldTransfers.toLocaleString('en')}-transfer world`);
  console.table(Object.fromEntries(r.steps.map((s) => [s.step, { 'to settled canvas, s': s.seconds, nodes: s.nodes, 'overlapping pairs': s.overlaps }])));
  for (const s of r.skipped) console.log(`  skipped: ${s}`);
}
