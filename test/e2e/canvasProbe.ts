/**
 * Reading the canvas back in end-to-end tests: Playwright cannot see inside a canvas, so the
 * renderer's graph probe (renderer/graph/graphProbe.ts) reports the view, labels and clusters.
 */
import type { Page } from '@playwright/test';
import { expect } from './app';
import { expectNodeCount, probe, type ProbedNode } from './pages';

export interface ProbedLabel {
  id: string;
  kind: string;
  text: string;
  screenPx: number;
  drawn: boolean;
  x: number;
  y: number;
  exact: string | null;
  ends: [string, string] | null;
}

export interface ProbedView {
  zoom: number;
  band: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

export type CanvasProbe = {
  view(): ProbedView;
  labels(): ProbedLabel[];
  edgeLabels(): ProbedLabel[];
  clusters(): { id: string; members: string[] }[];
  outlineCovers(clusterId: string, clientX: number, clientY: number): boolean;
};

export function view(page: Page): Promise<ProbedView> {
  return page.evaluate(() => (window as unknown as { cairnGraphProbe: CanvasProbe }).cairnGraphProbe.view());
}

export function labels(page: Page): Promise<ProbedLabel[]> {
  return page.evaluate(() => (window as unknown as { cairnGraphProbe: CanvasProbe }).cairnGraphProbe.labels());
}

export function edgeLabels(page: Page): Promise<ProbedLabel[]> {
  return page.evaluate(() => (window as unknown as { cairnGraphProbe: CanvasProbe }).cairnGraphProbe.edgeLabels());
}

export function clusters(page: Page): Promise<{ id: string; members: string[] }[]> {
  return page.evaluate(() => (window as unknown as { cairnGraphProbe: CanvasProbe }).cairnGraphProbe.clusters());
}

export function covers(page: Page, clusterId: string, at: { x: number; y: number }): Promise<boolean> {
  return page.evaluate(
    ([id, x, y]) => (window as unknown as { cairnGraphProbe: CanvasProbe }).cairnGraphProbe.outlineCovers(id, x, y),
    [clusterId, at.x, at.y] as const,
  );
}

/** The view once an animated move (fit, zoom, recentre) has come to rest. */
export async function settledView(page: Page): Promise<ProbedView> {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await view(page));
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
  return JSON.parse(last) as ProbedView;
}

export async function openSample(page: Page): Promise<void> {
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('sample-badge')).toBeVisible({ timeout: 90_000 });
  await expectNodeCount(page, 12);
}

/** The drawn nodes (addresses, "more" pills, tx nodes) whose centres are outside the canvas. */
export async function offCanvas(page: Page): Promise<ProbedNode[]> {
  const v = await view(page);
  return (await probe(page)).filter((n) => n.kind !== 'cluster' && (n.x < v.left || n.x > v.left + v.width || n.y < v.top || n.y > v.top + v.height));
}
