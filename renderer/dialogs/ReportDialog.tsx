import { useId, useState } from 'react';
import type { ReportResult } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { defaultReportPath, pathForFormat, reportFormatOfPath, type ReportFormat } from '../state/exportPaths';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { FileSize, HashValue } from './bundleParts';
import { Dialog } from './Dialog';
import { CheckField, TextField } from './fields';

const FORMATS: readonly { format: ReportFormat; name: string; hint: string }[] = [
  { format: 'pdf', name: 'PDF', hint: 'A4 pages to print, file or send; what a prosecutor or court reads.' },
  { format: 'html', name: 'HTML', hint: 'One self-contained web page (images inside, nothing fetched); opens in any browser.' },
];

/** Section ids whose word alone would not say what the section is (the template may word its headings otherwise). */
const SECTION_WORDS: Readonly<Record<string, string>> = {
  links: 'cross-chain links',
  provenance: 'data provenance',
  labels: 'label sets',
  audit: 'audit log',
};

/** A section id as words: "audit" reads "audit log", an unknown "agency_notes" "agency notes". */
function sectionName(id: string): string {
  return SECTION_WORDS[id] ?? id.replace(/[-_]+/g, ' ');
}

function ReportOutcome({ result, caseName }: { result: ReportResult; caseName: string }) {
  const pdf = result.format === 'pdf';
  return (
    <div className="bundle-report" data-testid="report-result">
      <p className="verdict verdict-ok">
        Wrote the report of “{caseName}” as {pdf ? 'a PDF' : 'an HTML page'}
        {pdf && result.pages !== null ? `, ${formatCount(result.pages)} page${result.pages === 1 ? '' : 's'}` : ''}.
      </p>
      <dl className="facts facts-wide">
        <dt>File</dt>
        <dd className="mono" data-testid="report-file">
          {result.file}
        </dd>
        <dt>Size</dt>
        <dd>
          <FileSize bytes={result.size} />
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <HashValue value={result.sha256} testId="report-sha256" />
        </dd>
        <dt>Sections</dt>
        <dd data-testid="report-sections">
          {formatCount(result.sections.length)}: {result.sections.map(sectionName).join(', ')}
        </dd>
        <dt>Figures</dt>
        <dd data-testid="report-figures">
          {formatCount(result.figures)} graph image{result.figures === 1 ? '' : 's'}
        </dd>
        {pdf && (
          <>
            <dt>Pages</dt>
            <dd data-testid="report-pages">{result.pages === null ? '—' : formatCount(result.pages)}</dd>
          </>
        )}
        <dt>Template</dt>
        {/* "built-in", or the report.yaml the unit's template was read from. */}
        {result.template === 'built-in' ? (
          <dd data-testid="report-template">Cairn’s built-in</dd>
        ) : (
          <dd className="mono" data-testid="report-template">
            {result.template}
          </dd>
        )}
      </dl>
      <p className="note-box">Note the SHA-256 where you hand the report over: a reader can check that their copy is this file.</p>
    </div>
  );
}

/** While the report is written: a PDF is printed by a headless Chromium, which takes seconds. */
function ReportBusy({ format }: { format: ReportFormat }) {
  return (
    <div className="import-progress" data-testid="report-busy" role="status" aria-live="polite">
      <progress aria-label="Writing the report" />
      <div className="progress-line">
        <span>
          {format === 'pdf' ? 'Writing the report and printing it as a PDF…' : 'Writing the report…'} This can take a few seconds.
        </span>
      </div>
    </div>
  );
}

/**
 * Report…: the case as a document (summary, graph images, traces and their totals, clusters,
 * tags, provenance, the audit log's summary), as HTML or PDF, worded by the built-in template
 * or the unit's own.
 */
export function ReportDialog(props: { caseId: string; caseName: string; workspace: string; onClose(): void }) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const formatName = useId();
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [path, setPath] = useState(() => defaultReportPath(props.workspace, props.caseId, 'pdf'));
  const [templateDir, setTemplateDir] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReportResult | null>(null);
  const trimmedPath = path.trim();
  const trimmedTemplate = templateDir.trim();

  const chooseFormat = (next: ReportFormat) => {
    setFormat(next);
    setPath((p) => pathForFormat(p, next));
  };
  // A path typed with .html or .pdf chooses that format: the file is what its name says.
  const editPath = (next: string) => {
    setPath(next);
    const named = reportFormatOfPath(next);
    if (named) setFormat(named);
  };

  const submit = async () => {
    setBusy(true);
    try {
      const outcome = await call(() =>
        client['report.create']({ caseId: props.caseId, path: trimmedPath, format, overwrite, ...(trimmedTemplate ? { templateDir: trimmedTemplate } : {}) }),
      );
      if (outcome.ok) setResult(outcome.value);
    } finally {
      setBusy(false);
    }
    return false;
  };

  return (
    <Dialog
      title="Report"
      wide
      testId="report-dialog"
      submitLabel="Write report"
      hideSubmit={result !== null}
      submitDisabled={!trimmedPath || busy}
      cancelLabel={result ? 'Close' : 'Cancel'}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {result ? (
        <ReportOutcome result={result} caseName={props.caseName} />
      ) : (
        <>
          <p className="hint">
            Writes “{props.caseName}” as a document to read without Cairn: the case summary, the graph, seeds, traces with their
            totals, links, clusters and tags with their evidence, the datasets’ provenance and the audit log’s summary. Amounts are
            exact, with their units.
          </p>
          <fieldset className="export-choices" disabled={busy}>
            <legend>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.format} className="export-choice">
                <input type="radio" name={formatName} value={f.format} checked={format === f.format} onChange={() => chooseFormat(f.format)} />
                <span>
                  <strong>{f.name}</strong> <span className="muted">{f.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <TextField label="Save as" value={path} onChange={editPath} maxLength={4096} required mono disabled={busy} />
          <TextField
            label="Template folder (optional)"
            value={templateDir}
            onChange={setTemplateDir}
            maxLength={4096}
            mono
            disabled={busy}
            placeholder="Empty: Cairn’s built-in template"
          />
          <p className="field-hint export-field-hint">A folder with your unit’s report.yaml: its header, and the sections’ order and wording.</p>
          <CheckField label="Replace the file if it exists" checked={overwrite} onChange={setOverwrite} disabled={busy} />
          {busy && <ReportBusy format={format} />}
          {error && (
            <div className="inline-error" role="alert" data-testid="report-error">
              {error.message}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
