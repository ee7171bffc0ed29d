import { useState } from 'react';
import type { LabelImportResult, LabelPreview, LabelSkip } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { labelSetKindWords } from '../panels/LabelSetList';
import { Dialog } from './Dialog';
import { CheckField, PathsField } from './fields';
import { FileBrowser } from './FileBrowser';

function pathsOf(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Where a skipped entry stands: its line, or its index among the file's entries. */
function whereOf(s: LabelSkip): string {
  if (s.line !== null) return `line ${s.line}`;
  if (s.index !== null) return `entry ${s.index + 1}`;
  return '';
}

function SkipList({ skipped, total, testId }: { skipped: readonly LabelSkip[]; total: number; testId: string }) {
  if (total === 0) return null;
  return (
    <details className="label-skips" open={total <= 20} data-testid={testId}>
      <summary>
        {plural(total, 'entry cannot be imported', 'entries cannot be imported')}
        {total > skipped.length ? ` (the first ${formatCount(skipped.length)} listed)` : ''}
      </summary>
      <ul className="plain-list">
        {skipped.map((s, i) => (
          <li key={i}>
            <span className="mono">{s.file.split(/[\\/]/).pop()}</span>
            {whereOf(s) ? `, ${whereOf(s)}` : ''}: {s.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

function PreviewFiles({ preview }: { preview: LabelPreview }) {
  return (
    <div className="label-preview" data-testid="label-preview">
      {preview.files.map((f) => (
        <section key={f.file} className="review-part" data-testid="label-preview-file" aria-label={`${f.title} (${f.file})`}>
          <h3>
            {f.title} <span className="chip">{labelSetKindWords(f.kind)}</span>
          </h3>
          <p className="mono muted small ellipsis" title={f.file}>
            {f.file}
          </p>
          <p>
            {f.creator ? <>By {f.creator}: </> : null}
            <strong>{plural(f.labels, 'label', 'labels')}</strong> on <strong>{plural(f.addresses, 'address', 'addresses')}</strong>.
          </p>
          {f.sameAs && (
            <p data-testid="label-preview-same">
              Already imported as set #{f.sameAs.setId} “{f.sameAs.title}”: importing it adds nothing.
            </p>
          )}
          {f.updates && (
            <p data-testid="label-preview-updates">
              Updates set #{f.updates.setId} “{f.updates.title}”: <span className="chip chip-ok">+{formatCount(f.updates.adds)} added</span>{' '}
              <span className="chip chip-warn">~{formatCount(f.updates.changes)} changed</span>{' '}
              <span className="chip chip-bad">−{formatCount(f.updates.drops)} dropped</span>. The new version replaces the old one.
            </p>
          )}
          <SkipList skipped={f.skipped} total={f.skippedCount} testId="label-preview-skips" />
        </section>
      ))}
    </div>
  );
}

function ImportOutcome({ result }: { result: LabelImportResult }) {
  return (
    <div className="label-import-result" data-testid="label-import-result" role="status">
      {result.sets.length > 0 && (
        <>
          <p>
            Imported {plural(result.sets.length, 'label set', 'label sets')}:
          </p>
          <ul className="plain-list">
            {result.sets.map((s) => (
              <li key={s.id}>
                #{s.id} <strong>{s.title}</strong>: {plural(s.labels, 'label', 'labels')} on {plural(s.addresses, 'address', 'addresses')}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.unchanged.map((u) => (
        <p key={u.file}>
          <span className="mono">{u.file.split(/[\\/]/).pop()}</span> was already imported as set #{u.setId} “{u.title}”; nothing added.
        </p>
      ))}
      {result.skippedCount > 0 && <p className="muted">{plural(result.skippedCount, 'entry was', 'entries were')} skipped, as listed before.</p>}
    </div>
  );
}

/**
 * Label files (TagPacks, OFAC lists, CSV lists) are read first and what importing them would do
 * is shown: per file its kind, title, creator, how many labels on how many addresses, what it
 * cannot import and why, and whether a set already holds it or it updates one. Import keeps
 * them, one set each; a file with entries it cannot import is refused (the back end says why)
 * unless the investigator ticks to skip them.
 */
export function LabelImportDialog(props: { onImported(): void; onClose(): void }) {
  const { client } = useServices();
  const { call, error, clearError } = useDialogCall();
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<{ paths: string[]; value: LabelPreview } | null>(null);
  const [skip, setSkip] = useState(false);
  const [result, setResult] = useState<LabelImportResult | null>(null);
  const [working, setWorking] = useState<'preview' | 'import' | null>(null);
  const paths = pathsOf(text);
  const skippedCount = preview?.value.files.reduce((n, f) => n + f.skippedCount, 0) ?? 0;

  const edit = (next: string) => {
    setText(next);
    // A preview is of the paths it read: other paths need another.
    if (preview) {
      setPreview(null);
      setSkip(false);
      clearError();
    }
  };

  const addPath = (path: string) => {
    if (!paths.includes(path)) edit(text.trim() ? `${text.replace(/\s+$/, '')}\n${path}` : path);
  };

  const submit = async () => {
    if (!preview) {
      setWorking('preview');
      const read = await call(() => client['labels.preview']({ paths }));
      setWorking(null);
      if (read.ok) setPreview({ paths, value: read.value });
      return false;
    }
    setWorking('import');
    const done = await call(() => client['labels.import']({ paths: preview.paths, skipInvalid: skip }));
    setWorking(null);
    if (done.ok) {
      setResult(done.value);
      props.onImported();
    }
    return false;
  };

  const again = () => {
    setResult(null);
    setPreview(null);
    setSkip(false);
    setText('');
    clearError();
  };

  return (
    <Dialog
      title="Import labels"
      wide
      testId="label-import-dialog"
      submitLabel={preview ? 'Import' : 'Read files'}
      submitDisabled={paths.length === 0 || working !== null}
      hideSubmit={result !== null}
      cancelLabel={result ? 'Close' : 'Cancel'}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
      footer={
        result ? (
          <button type="button" onClick={again}>
            Import more labels…
          </button>
        ) : undefined
      }
    >
      {result ? (
        <ImportOutcome result={result} />
      ) : (
        <>
          <p className="hint">
            GraphSense TagPacks and ActorPacks (YAML), OFAC SDN lists (XML, or the per-asset address lists) and CSV lists with a header
            (chain, address, label, category, confidence, source, note). Cairn reads them and shows what they hold; nothing is kept until
            you import. Labels stay apart from chain facts, one set per file, removable as a unit.
          </p>
          <PathsField rows={3} value={text} placeholder="/data/tagpacks/exchanges.yaml (one path per line)" onChange={edit} />
          {!preview && <FileBrowser onPick={addPath} />}
          {preview && <PreviewFiles preview={preview.value} />}
          {preview && skippedCount > 0 && (
            <CheckField
              label={`Skip the ${formatCount(skippedCount)} ${skippedCount === 1 ? 'entry that cannot' : 'entries that cannot'} be imported`}
              checked={skip}
              onChange={setSkip}
              testId="label-skip-invalid"
            />
          )}
        </>
      )}
      {working && (
        <div className="import-progress" aria-live="polite" data-testid="label-progress">
          <progress aria-label={working === 'preview' ? 'Reading label files' : 'Importing labels'} />
          <div className="muted small">{working === 'preview' ? 'Reading and checking the files…' : 'Importing the labels…'}</div>
        </div>
      )}
      {error && (
        <div className="inline-error" role="alert" data-testid="label-import-error">
          {error.message}
        </div>
      )}
    </Dialog>
  );
}
