import { useId, useState } from 'react';
import type { ExportScope, FlowFilter, GraphExportFormat, GraphExportResult } from '../../shared/api/schemas';
import { defaultGraphExportPath, pathForFormat, type CanvasViewport } from '../state/exportPaths';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { FileSize, HashValue } from './bundleParts';
import { Dialog } from './Dialog';
import { CheckField, TextField } from './fields';

/** Each format, the tools that open it, and what it holds: one line each in the dialog. */
const FORMATS: readonly { format: GraphExportFormat; name: string; hint: string }[] = [
  { format: 'graphml', name: 'GraphML', hint: 'Gephi, yEd, Cytoscape: nodes and edges, amounts and labels as attributes.' },
  { format: 'gexf', name: 'GEXF', hint: 'Gephi: nodes and edges, amounts and labels as attributes.' },
  { format: 'csv', name: 'CSV tables', hint: 'Spreadsheets: a folder with nodes.csv, edges.csv, transfers.csv and endpoints.csv.' },
  { format: 'cyjs', name: 'Cytoscape.js JSON', hint: 'Cytoscape and Cytoscape.js pages: the elements with their data and positions.' },
  { format: 'tagpack', name: 'TagPack', hint: 'GraphSense and other units’ tools: the case’s tags as YAML (Cairn imports it back).' },
  { format: 'svg', name: 'SVG image', hint: 'Documents and slides: the graph as a sharp, scalable picture with its legend.' },
  { format: 'png', name: 'PNG image', hint: 'Anywhere a picture goes (mail, word processors): the graph as pixels.' },
];

/** Graph formats are written as a folder (CSV) or one file. */
const writesFolder = (format: GraphExportFormat) => format === 'csv';

function formatName(format: GraphExportFormat): string {
  return FORMATS.find((f) => f.format === format)?.name ?? format;
}

/** The last part of a path: the table names under their folder. */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The folder several files (the CSV tables) were written into. */
function folderOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
}

function GraphExportOutcome({ result, caseName, scopeText }: { result: GraphExportResult; caseName: string; scopeText: string }) {
  const single = result.files.length === 1 ? result.files[0] : undefined;
  return (
    <div className="bundle-report" data-testid="graph-export-result">
      <p className="verdict verdict-ok">
        Exported “{caseName}” as {formatName(result.format)}: {scopeText}.
      </p>
      <dl className="facts facts-wide">
        <dt>Contains</dt>
        <dd data-testid="graph-export-contains">{result.contains}</dd>
        {single ? (
          <>
            <dt>File</dt>
            <dd className="mono" data-testid="graph-export-file">
              {single.file}
            </dd>
            <dt>Size</dt>
            <dd>
              <FileSize bytes={single.size} />
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <HashValue value={single.sha256} testId="graph-export-sha256" />
            </dd>
          </>
        ) : (
          <>
            <dt>Folder</dt>
            <dd className="mono" data-testid="graph-export-folder">
              {folderOf(result.files[0]?.file ?? '')}
            </dd>
          </>
        )}
      </dl>
      {!single && (
        <table className="export-files" data-testid="graph-export-files">
          <thead>
            <tr>
              <th>File</th>
              <th className="num">Size</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {result.files.map((f) => (
              <tr key={f.file}>
                <td className="mono" title={f.file}>
                  {baseName(f.file)}
                </td>
                <td className="num">
                  <FileSize bytes={f.size} />
                </td>
                <td>
                  <HashValue value={f.sha256} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * Export graph…: the case's graph for the colleagues' other tools (Gephi, yEd, spreadsheets,
 * GraphSense) or as an image, of the whole case or of the canvas as shown (its view and filter).
 */
export function GraphExportDialog(props: {
  caseId: string;
  caseName: string;
  workspace: string;
  /** The canvas filter on now, and its one-line summary; null when every flow is drawn. */
  filter: FlowFilter | null;
  filterText: string | null;
  /** What the canvas shows now; null without a canvas. */
  canvasView(): CanvasViewport | null;
  onClose(): void;
}) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const formatGroup = useId();
  const scopeGroup = useId();
  const [format, setFormat] = useState<GraphExportFormat>('graphml');
  const [path, setPath] = useState(() => defaultGraphExportPath(props.workspace, props.caseId, 'graphml'));
  const [scopeKind, setScopeKind] = useState<ExportScope['kind']>('case');
  const [viewShown] = useState(() => props.canvasView() !== null);
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<GraphExportResult | null>(null);
  const [resultScope, setResultScope] = useState('');
  const trimmed = path.trim();
  const folder = writesFolder(format);

  const chooseFormat = (next: GraphExportFormat) => {
    setFormat(next);
    setPath((p) => pathForFormat(p, next));
  };

  /** The scope as the API takes it; the view is read when the export starts, as the canvas is then. */
  const scope = (): ExportScope | null => {
    if (scopeKind === 'case') return { kind: 'case' };
    const viewport = props.canvasView();
    if (!viewport) return null;
    return { kind: 'view', viewport, ...(props.filter ? { filter: props.filter } : {}) };
  };

  const submit = async () => {
    const chosen = scope();
    setBusy(true);
    try {
      const outcome = await call(async () => {
        if (!chosen) throw new Error('The canvas is not shown, so there is no view to export: choose “Whole case”.');
        return client['case.exportGraph']({ caseId: props.caseId, format, path: trimmed, scope: chosen, overwrite });
      });
      if (outcome.ok) {
        setResultScope(chosen?.kind === 'view' ? `the canvas as shown${props.filterText ? ' (filtered)' : ''}` : 'the whole case');
        setResult(outcome.value);
      }
    } finally {
      setBusy(false);
    }
    return false;
  };

  return (
    <Dialog
      title="Export graph"
      wide
      testId="graph-export-dialog"
      submitLabel="Export"
      hideSubmit={result !== null}
      submitDisabled={!trimmed || busy}
      cancelLabel={result ? 'Close' : 'Cancel'}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {result ? (
        <GraphExportOutcome result={result} caseName={props.caseName} scopeText={resultScope} />
      ) : (
        <>
          <p className="hint">
            Writes the graph of “{props.caseName}” for another tool or as an image. Addresses are CAIP-10 ids; amounts are exact,
            in base units with their asset.
          </p>
          <fieldset className="export-choices" disabled={busy}>
            <legend>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.format} className="export-choice">
                <input type="radio" name={formatGroup} value={f.format} checked={format === f.format} onChange={() => chooseFormat(f.format)} />
                <span>
                  <strong>{f.name}</strong> <span className="muted">{f.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="export-choices" disabled={busy}>
            <legend>What to export</legend>
            <label className="export-choice">
              <input type="radio" name={scopeGroup} value="case" checked={scopeKind === 'case'} onChange={() => setScopeKind('case')} />
              <span>
                <strong>Whole case</strong>{' '}
                <span className="muted">
                  Every node of the case but hidden ones, in view or not{props.filterText ? '; every flow, without the canvas filter' : ''}.
                </span>
              </span>
            </label>
            <label className="export-choice">
              <input
                type="radio"
                name={scopeGroup}
                value="view"
                checked={scopeKind === 'view'}
                disabled={!viewShown}
                onChange={() => setScopeKind('view')}
              />
              <span>
                <strong>Canvas as shown</strong>{' '}
                <span className="muted" data-testid="graph-export-view-hint">
                  {viewShown
                    ? `Only what is in view now${props.filterText ? `, with the filter on: ${props.filterText}` : ''}.`
                    : 'No canvas is shown.'}
                </span>
              </span>
            </label>
          </fieldset>
          <TextField label={folder ? 'Save into folder' : 'Save as'} value={path} onChange={setPath} maxLength={4096} required mono disabled={busy} />
          {folder && <p className="field-hint export-field-hint">The four tables are written into this folder.</p>}
          <CheckField label={folder ? 'Replace the tables if they exist' : 'Replace the file if it exists'} checked={overwrite} onChange={setOverwrite} disabled={busy} />
          {busy && (
            <div className="import-progress" data-testid="graph-export-busy" role="status" aria-live="polite">
              <progress aria-label="Exporting the graph" />
              <div className="progress-line">
                <span>Exporting as {formatName(format)}…</span>
              </div>
            </div>
          )}
          {error && (
            <div className="inline-error" role="alert" data-testid="graph-export-error">
              {error.message}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
