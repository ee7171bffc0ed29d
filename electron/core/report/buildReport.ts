import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportScope, Graph, GraphExportFormat, GraphExportResult, WrittenFile } from '../../../shared/api/schemas';
import type { SavedTrace } from '../../../shared/api/traceSchemas';
import type { CaseFile } from '../cases/caseFiles';
import { exportCaseTagPack } from '../intel/tagpackExport';
import type { Db } from '../store/openStore';
import { collectExportData } from './exportData';
import { describeExport, toCsvTables, toCyjs, toGexf, toGraphML } from './graphFormats';
import { largeCaseFigures, renderGraphSvg, traceEmphasis } from './graphSvg';
import type { DocumentPrinter } from './printer';
import { renderReportHtml, type ReportFigure } from './reportHtml';
import type { ReportModel } from './reportModel';
import { loadTemplate } from './template';

export class ExportError extends Error {}

/** The union of every trace's path: what the case's main figure draws bold. */
function allTracesEmphasis(graph: Graph, traces: readonly SavedTrace[]): { nodeIds: Set<string>; edgeIds: Set<string> } | undefined {
  if (traces.length === 0) return undefined;
  const nodeIds = new Set<string>();
  const edgeIds = new Set<string>();
  for (const t of traces) {
    const e = traceEmphasis(graph, t);
    for (const id of e.nodeIds) nodeIds.add(id);
    for (const id of e.edgeIds) edgeIds.add(id);
  }
  return nodeIds.size ? { nodeIds, edgeIds } : undefined;
}

function countWords(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** The report's figures: the whole case, then (for a large case) one per trace and per cluster. */
export function reportFigures(m: ReportModel): ReportFigure[] {
  const { graph, traces } = m;
  const visible = graph.nodes.filter((n) => !n.hidden);
  if (visible.length === 0) return [];
  const figures: ReportFigure[] = [];
  const emphasis = allTracesEmphasis(graph, traces);
  const whole = renderGraphSvg(graph, { title: m.case.name, ...(emphasis ? { emphasis } : {}) });
  figures.push({
    id: 'case',
    title: `The case “${m.case.name}” as laid out on its canvas`,
    caption: `${countWords(whole.nodes, 'node')} and ${countWords(whole.edges, 'edge')}.${emphasis ? ` The paths of the ${countWords(traces.length, 'trace')} are drawn bold.` : ''}`,
    svg: whole.svg,
  });
  for (const f of largeCaseFigures(graph, [...traces])) {
    const part = renderGraphSvg(graph, { title: f.title, nodeIds: f.nodeIds, ...(f.emphasis ? { emphasis: f.emphasis } : {}) });
    figures.push({ id: f.id, title: f.title, caption: `${countWords(part.nodes, 'node')} and ${countWords(part.edges, 'edge')}, with their neighbours on the canvas.`, svg: part.svg });
  }
  return figures;
}

export interface BuiltReport {
  readonly html: string;
  readonly sections: readonly string[];
  readonly figures: number;
  readonly template: string;
}

/** The report's HTML for a gathered model, with the template in templateDir (else the built-in one). */
export function buildReport(m: ReportModel, options: { templateDir?: string; printer: string | null }): BuiltReport {
  const template = loadTemplate(options.templateDir);
  const figures = template.sections.some((s) => s.id === 'graph') ? reportFigures(m) : [];
  const { html, sections } = renderReportHtml(m, template, figures, options.printer);
  return { html, sections, figures: sections.includes('graph') ? figures.length : 0, template: template.source === 'built-in' ? 'built-in' : template.source };
}

export interface ExportInput {
  readonly caseId: string;
  readonly format: GraphExportFormat;
  readonly scope: ExportScope;
  /** The case's graph (for a view: summed with the canvas's filter). */
  readonly graph: Graph;
  readonly facts: Db;
  readonly caseFile: CaseFile;
  readonly traces: readonly SavedTrace[];
  readonly caseName: string;
  readonly investigator: string;
  readonly version: string;
  readonly now: () => Date;
  readonly printer: () => DocumentPrinter;
}

export interface ExportIo {
  writeOut(path: string, data: string | Buffer, overwrite: boolean): WrittenFile;
  outFolder(path: string, names: readonly string[], overwrite: boolean): string;
}

/** What the canvas shows: the nodes inside the viewport, with the edges among them. */
function inView(graph: Graph, scope: ExportScope): Graph {
  if (scope.kind !== 'view') return graph;
  const v = scope.viewport;
  const keep = new Set(graph.nodes.filter((n) => !n.hidden && n.x >= v.x1 && n.x <= v.x2 && n.y >= v.y1 && n.y <= v.y2).map((n) => n.id));
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
    links: graph.links.filter((l) => keep.has(l.source) && keep.has(l.target)),
  };
}

const CSV_TABLES = ['nodes.csv', 'edges.csv', 'transfers.csv', 'endpoints.csv', 'about.txt'];

/** Writes the case's graph in one export format; csv writes its four tables into the folder `out.path` names. */
export async function exportGraphFiles(input: ExportInput, out: { path: string; overwrite: boolean }, io: ExportIo): Promise<GraphExportResult> {
  const { format } = input;
  const scoped = inView(input.graph, input.scope);
  const scopeWords = input.scope.kind === 'view' ? 'the canvas as shown' : 'the whole case';
  if (format === 'tagpack') {
    const r = exportCaseTagPack(input.caseFile, input.investigator, resolve(out.path), out.overwrite);
    const left = r.left.length ? `; ${countWords(r.left.length, 'tag')} left out (${r.left.map((l) => l.reason)[0]})` : '';
    return { format, files: [{ file: r.file, size: statSync(r.file).size, sha256: r.sha256 }], contains: `${countWords(r.tags, 'tag')} of case “${input.caseName}” as a GraphSense TagPack${left}`, counts: { tags: r.tags, left: r.left.length } };
  }
  if (format === 'svg' || format === 'png') {
    const drawn = renderGraphSvg(scoped, {
      title: input.caseName,
      ...(input.scope.kind === 'view' ? { viewport: input.scope.viewport } : {}),
      ...(() => {
        const e = allTracesEmphasis(scoped, input.traces);
        return e ? { emphasis: e } : {};
      })(),
    });
    if (drawn.nodes === 0) throw new ExportError(`nothing to draw: ${scopeWords} shows no node`);
    const data = format === 'svg' ? `<?xml version="1.0" encoding="UTF-8"?>\n${drawn.svg}` : await input.printer().png(drawn.svg, drawn.width, drawn.height, 2);
    const file = io.writeOut(out.path, data, out.overwrite);
    return {
      format,
      files: [file],
      contains: `${scopeWords} of case “${input.caseName}”: ${countWords(drawn.nodes, 'node')} and ${countWords(drawn.edges, 'edge')}${format === 'png' ? `, ${Math.ceil(drawn.width) * 2} × ${Math.ceil(drawn.height) * 2} pixels` : ''}`,
      counts: { nodes: drawn.nodes, edges: drawn.edges },
    };
  }
  const data = collectExportData(input.facts, input.caseFile, scoped, [...input.traces], { version: input.version, generatedAt: input.now().toISOString() });
  const { contains, counts } = describeExport(data);
  const words = `${contains} (${scopeWords})`;
  if (format === 'csv') {
    const dir = io.outFolder(out.path, CSV_TABLES, out.overwrite);
    const files = toCsvTables(data).map((t) => io.writeOut(join(dir, t.name), t.text, true));
    return { format, files, contains: words, counts };
  }
  const text = format === 'graphml' ? toGraphML(data) : format === 'gexf' ? toGexf(data) : toCyjs(data);
  return { format, files: [io.writeOut(out.path, text, out.overwrite)], contains: words, counts };
}
