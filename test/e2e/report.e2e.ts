/**
 * Report… and Export graph… from the app, on the sample investigation: a PDF report, an SVG of
 * the canvas as shown and a GraphML of the whole case, each checked from the file written (its
 * hash against the one the dialog shows, its text against what the app shows).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { DOMParser } from '@xmldom/xmldom';
import type { AuditVerdict, CaseSummary, Graph } from '../../shared/api/schemas';
import { expect, test } from './app';
import { edgeLabels, openSample, settledView, view } from './canvasProbe';
import { api, clickNode, dialog, expectNodeCount, probe } from './pages';

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** An XML file parsed strictly: any parser warning or error fails the test with the parser's words. */
function parseXml(file: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level: string, message: string) => {
      problems.push(`${level}: ${message}`);
    },
  }).parseFromString(readFileSync(file, 'utf8'), 'text/xml');
  expect(problems, `${file} parses as XML`).toEqual([]);
  return doc as unknown as Document;
}

/** Every text an element holds (text nodes of it and its descendants), joined. */
function textsOf(doc: Document, tag: string): string[] {
  return Array.from(doc.getElementsByTagName(tag)).map((e) => e.textContent ?? '');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

async function openFromCaseMenu(page: Page, item: string, title: string): Promise<Locator> {
  await page.getByRole('button', { name: /^Case file/ }).click();
  await page.getByTestId('case-file-menu').getByRole('menuitem', { name: item }).click();
  const d = dialog(page, title);
  await expect(d).toBeVisible();
  return d;
}

/** The dialog's result screenshot, for the docs and for a look: test-results/<name>.png. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(import.meta.dirname, `../../test-results/${name}.png`) });
}

test('Report… writes a PDF of the case and Export graph… an SVG of the canvas as shown and a GraphML of the whole case, each as the app shows it', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  const out = join(dirname(app.workspace), 'out');
  mkdirSync(out);
  await openSample(page);

  // A victim expanded out: the drain's consolidation wallet joins the canvas.
  const victim = (await probe(page)).find((n) => n.kind === 'address' && n.address?.startsWith('0x'))!;
  await clickNode(page, victim.address!);
  await page.keyboard.press('o');
  await expectNodeCount(page, 13);
  const caseId = await page.getByTestId('case-picker').getByRole('combobox').inputValue();
  const caseName = (await api<CaseSummary[]>(page, 'case.list', {})).find((c) => c.id === caseId)!.name;
  const graph = await api<Graph>(page, 'graph.get', { caseId });
  const drawnNodes = graph.nodes.filter((n) => !n.hidden && n.kind !== 'more');
  const victimNode = graph.nodes.find((n) => n.kind === 'address' && n.address === victim.address);
  if (victimNode?.kind !== 'address') throw new Error(`graph.get has no address node for ${victim.address}`);
  // The canvas's edges and the exact amounts its hover texts show, which the report's figure must carry.
  const canvasEdges = await edgeLabels(page);
  await expect(page.locator('body')).toHaveAttribute('data-graph-edges', String(canvasEdges.length));
  expect(canvasEdges.length).toBeGreaterThan(0);
  // What "Verify log…" finds, which the report's summary states.
  const verdict = await api<AuditVerdict>(page, 'audit.verify', { caseId });
  expect(verdict.ok).toBe(true);

  // --- Report…: PDF by default, under the workspace; HTML changes the extension and back.
  const report = await openFromCaseMenu(page, 'Report…', 'Report');
  const reportPath = report.getByLabel('Save as');
  await expect(reportPath).toHaveValue(join(app.workspace, 'sample', 'exports', `${caseId}-report.pdf`));
  await report.getByRole('radio', { name: /^HTML/ }).check();
  await expect(reportPath).toHaveValue(join(app.workspace, 'sample', 'exports', `${caseId}-report.html`));
  await report.getByRole('radio', { name: /^PDF/ }).check();
  await expect(reportPath).toHaveValue(join(app.workspace, 'sample', 'exports', `${caseId}-report.pdf`));
  const pdf = join(out, 'case report.pdf');
  await reportPath.fill(pdf);
  await expect(report.getByLabel('Template folder (optional)')).toHaveValue('');
  await report.getByRole('button', { name: 'Write report' }).click();
  const reportResult = report.getByTestId('report-result');
  await expect(reportResult).toBeVisible({ timeout: 120_000 });
  await expect(report.getByTestId('report-file')).toHaveText(pdf);
  await expect(report.getByTestId('report-template')).toHaveText('Cairn’s built-in');
  await expect(report.getByTestId('report-sections')).toContainText('audit log');
  // The hash shown is the file's; the page count shown is the PDF's.
  expect(await report.getByTestId('report-sha256').innerText()).toBe(sha256(pdf));
  const pdfPages = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf]).toString('utf8'))?.[1];
  await expect(report.getByTestId('report-pages')).toHaveText(pdfPages!);
  await expect(report.getByTestId('report-figures')).toHaveText(/^[1-9]\d* graph images?$/);
  await shoot(page, 'report-dialog');
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(report).toBeHidden();

  // What a reader of the PDF sees: the case, its figure as the canvas has it, the audit log's verdict.
  expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = execFileSync('pdftotext', [pdf, '-']).toString('utf8');
  const words = text.replace(/\s+/g, ' ');
  expect(words).toContain(caseName);
  expect(words).toContain(plural(graph.seeds.length, 'seed'));
  // The figure of the case: as many nodes and edges as the canvas draws, the victim by its short address,
  // and each edge's amount as the canvas's hover text has it, exact or cut with "…" (never rounded).
  expect(words).toContain(`as laid out on its canvas. ${plural(drawnNodes.length, 'node')} and ${plural(canvasEdges.length, 'edge')}.`);
  expect(words).toContain(victimNode.short);
  for (const edge of canvasEdges) {
    const [digits = '', symbol = ''] = edge.exact!.split(' ');
    const cut = new RegExp(`(?<![\\d.,])([\\d.,]+)… ${symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g');
    const shown = words.includes(`${digits} ${symbol}`) || [...words.matchAll(cut)].some((m) => m[1]!.length >= 8 && digits.startsWith(m[1]!));
    expect(shown, `the report's figure shows ${edge.exact}`).toBe(true);
  }
  expect(words).toContain(`Audit log verified: ${plural(verdict.entries, 'entry', 'entries')}`);
  expect(text.replace(/\s+/g, '')).toContain(verdict.head!.hash);

  // --- Export graph…: the canvas as shown, as SVG, fitted to the victim so that other nodes are out of view.
  await clickNode(page, victim.address!);
  await page.keyboard.press('Shift+F');
  const shown = await settledView(page);
  const onScreen = (await probe(page)).filter((n) => n.kind === 'address');
  const inside = (n: { x: number; y: number }, margin: number) =>
    n.x > shown.left + margin && n.x < shown.left + shown.width - margin && n.y > shown.top + margin && n.y < shown.top + shown.height - margin;
  const inView = onScreen.filter((n) => inside(n, 20));
  const outOfView = onScreen.filter((n) => !inside(n, -20));
  expect(inView.length).toBeGreaterThan(0);
  expect(outOfView.length).toBeGreaterThan(0);

  const exp = await openFromCaseMenu(page, 'Export graph…', 'Export graph');
  const exportPath = exp.getByLabel('Save as');
  await expect(exportPath).toHaveValue(join(app.workspace, 'sample', 'exports', `${caseId}.graphml`));
  await exp.getByRole('radio', { name: /^SVG image/ }).check();
  await expect(exportPath).toHaveValue(join(app.workspace, 'sample', 'exports', `${caseId}.svg`));
  await exp.getByRole('radio', { name: /^Canvas as shown/ }).check();
  const svg = join(out, 'canvas.svg');
  await exportPath.fill(svg);
  await exp.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(exp.getByTestId('graph-export-result')).toBeVisible({ timeout: 60_000 });
  await expect(exp.getByTestId('graph-export-result')).toContainText('canvas as shown');
  await expect(exp.getByTestId('graph-export-file')).toHaveText(svg);
  expect(await exp.getByTestId('graph-export-sha256').innerText()).toBe(sha256(svg));
  await expect(exp.getByTestId('graph-export-contains')).toContainText(caseName);
  await exp.getByRole('button', { name: 'Close' }).click();
  await expect(exp).toBeHidden();
  // The view did not move while exporting: the SVG is of the canvas the probe read.
  expect(await view(page)).toEqual(shown);

  // The SVG holds the nodes in view, by the short address the canvas labels them with, and not those out of view.
  const svgDoc = parseXml(svg);
  expect(svgDoc.documentElement.tagName).toBe('svg');
  const svgText = [...textsOf(svgDoc, 'text'), ...textsOf(svgDoc, 'title')].join('\n');
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const n of inView) {
    const node = byId.get(n.id);
    expect(node?.kind).toBe('address');
    if (node?.kind === 'address') expect(svgText, `${node.display} is in view`).toContain(node.display);
  }
  for (const n of outOfView) {
    const node = byId.get(n.id);
    if (node?.kind === 'address') expect(svgText, `${node.display} is out of view`).not.toContain(node.display);
  }
  // Labels are drawn (not only hover texts): at least one node in view is named in a <text>.
  const drawnTexts = textsOf(svgDoc, 'text').join('\n');
  expect(inView.some((n) => {
    const node = byId.get(n.id);
    return node?.kind === 'address' && drawnTexts.includes(node.short);
  })).toBe(true);

  // --- Export graph…: the whole case as GraphML, its nodes, edges and amounts those of the case.
  const whole = await openFromCaseMenu(page, 'Export graph…', 'Export graph');
  await whole.getByRole('radio', { name: /^GraphML/ }).check();
  await expect(whole.getByRole('radio', { name: /^Whole case/ })).toBeChecked();
  const graphml = join(out, 'case.graphml');
  await whole.getByLabel('Save as').fill(graphml);
  await whole.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(whole.getByTestId('graph-export-result')).toBeVisible({ timeout: 60_000 });
  await expect(whole.getByTestId('graph-export-file')).toHaveText(graphml);
  expect(await whole.getByTestId('graph-export-sha256').innerText()).toBe(sha256(graphml));
  await expect(whole.getByTestId('graph-export-contains')).toContainText('whole case');
  await shoot(page, 'graph-export-dialog');
  await whole.getByRole('button', { name: 'Close' }).click();

  const gml = parseXml(graphml);
  // The nodes and edges the canvas draws (edges to hidden nodes are left out, as on the canvas).
  const ids = (tag: string) => Array.from(gml.getElementsByTagName(tag)).map((e) => e.getAttribute('id')).sort();
  expect(ids('node')).toEqual(drawnNodes.map((n) => n.id).sort());
  expect(ids('edge')).toEqual(canvasEdges.map((e) => e.id).sort());
  // The drained victim's edge carries its exact total in base units, as graph.get sums it.
  const drain = graph.edges.find((e) => e.source === victimNode.id)!;
  const amountKey = Array.from(gml.getElementsByTagName('key')).find((k) => k.getAttribute('for') === 'edge' && k.getAttribute('attr.name') === 'amount')!.getAttribute('id');
  const drainEdge = Array.from(gml.getElementsByTagName('edge')).find((e) => e.getAttribute('id') === drain.id)!;
  expect([drainEdge.getAttribute('source'), drainEdge.getAttribute('target')]).toEqual([drain.source, drain.target]);
  const amounts = Array.from(drainEdge.getElementsByTagName('data')).filter((d) => d.getAttribute('key') === amountKey).map((d) => d.textContent);
  expect(amounts).toEqual([drain.total]);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
