/**
 * Pure rules of the report and graph-export dialogs: the path each proposes and how a path
 * follows the chosen format, apart so they can be unit-tested.
 */
import type { ExportScope, GraphExportFormat } from '../../shared/api/schemas';

export type ReportFormat = 'html' | 'pdf';
export type ExportFormat = ReportFormat | GraphExportFormat;
/** What the canvas shows, in cytoscape model coordinates: the "canvas as shown" export scope. */
export type CanvasViewport = Extract<ExportScope, { kind: 'view' }>['viewport'];

/**
 * What each format's path ends with. CSV writes four tables into a folder, so its "extension"
 * is a folder-name suffix; the TagPack keeps the TagPack dialog's `-tags.yaml`; the report's
 * `-report` stays in the stem, so switching HTML ⇄ PDF only swaps `.html` and `.pdf`.
 */
const SUFFIX: Readonly<Record<ExportFormat, string>> = {
  html: '.html',
  pdf: '.pdf',
  graphml: '.graphml',
  gexf: '.gexf',
  csv: '-csv',
  cyjs: '.cyjs',
  tagpack: '-tags.yaml',
  svg: '.svg',
  png: '.png',
};

/**
 * Endings taken off before another format's is put on: every format's own, and the usual
 * extensions a person types for them (longest first, so `-tags.yaml` goes before `.yaml`).
 */
const STRIPPED = [...new Set([...Object.values(SUFFIX), '.json', '.yaml', '.yml', '.htm', '.xml', '.csv'])].sort((a, b) => b.length - a.length);

/** The suffix a format's path ends with (csv: the folder's `-csv`). */
export function formatSuffix(format: ExportFormat): string {
  return SUFFIX[format];
}

/** A file in the workspace's exports/ folder (beside the bundles; the export makes the folder), with the workspace path's own separator. */
function inExports(workspace: string, name: string): string {
  if (!workspace) return '';
  const sep = workspace.includes('\\') && !workspace.includes('/') ? '\\' : '/';
  return `${workspace.replace(/[\\/]+$/, '')}${sep}exports${sep}${name}`;
}

/** `<workspace>/exports/<case-id>-report.pdf` (or .html). */
export function defaultReportPath(workspace: string, caseId: string, format: ReportFormat): string {
  return inExports(workspace, `${caseId}-report${SUFFIX[format]}`);
}

/** `<workspace>/exports/<case-id>.graphml` and so on; for CSV the folder `<case-id>-csv` (made by the export). */
export function defaultGraphExportPath(workspace: string, caseId: string, format: GraphExportFormat): string {
  return inExports(workspace, `${caseId}${SUFFIX[format]}`);
}

/**
 * The path with its ending changed to the format's, so that choosing PDF after HTML (or SVG
 * after GraphML) does not leave a PDF named .html. A known ending is replaced, case-insensitively;
 * a path without one gets the format's added; trailing separators (a folder typed for CSV) go.
 * An empty path stays empty: there is nothing to name yet.
 */
export function pathForFormat(path: string, format: ExportFormat): string {
  const trimmed = path.trim().replace(/[\\/]+$/, '');
  if (!trimmed) return '';
  const lower = trimmed.toLowerCase();
  const slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  const base = lower.slice(slash + 1);
  // Only an ending after some name is taken off: a file called ".pdf" keeps its name.
  const ending = STRIPPED.find((s) => base.endsWith(s) && base.length > s.length);
  const stem = ending ? trimmed.slice(0, trimmed.length - ending.length) : trimmed;
  return `${stem}${SUFFIX[format]}`;
}

/** The report format a path's extension names (.html, .htm, .pdf), or null: a typed path can choose the format. */
export function reportFormatOfPath(path: string): ReportFormat | null {
  const lower = path.trim().toLowerCase();
  if (lower.endsWith('.pdf')) return 'pdf';
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return 'html';
  return null;
}
