import { useState } from 'react';
import type { Result } from '../../shared/api/contract';
import { defaultExportPath } from '../state/handover';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { HashValue } from './bundleParts';
import { Dialog } from './Dialog';
import { CheckField, TextField } from './fields';

/**
 * Export tags as TagPack…: the case's own tags (a cluster's tag on each member) as a GraphSense
 * TagPack, for GraphSense users and colleagues; Cairn imports it back as a label set.
 */
export function TagPackExportDialog(props: { caseId: string; caseName: string; workspace: string; onClose(): void }) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [path, setPath] = useState(() => (props.workspace ? defaultExportPath(props.workspace, props.caseId).replace(/\.cairnbundle$/, '-tags.yaml') : ''));
  const [overwrite, setOverwrite] = useState(false);
  const [result, setResult] = useState<Result<'case.exportTagPack'> | null>(null);
  const trimmed = path.trim();
  const submit = async () => {
    const outcome = await call(() => client['case.exportTagPack']({ caseId: props.caseId, path: trimmed, overwrite }));
    if (outcome.ok) setResult(outcome.value);
    return false;
  };
  return (
    <Dialog
      title="Export tags as TagPack"
      testId="tagpack-export-dialog"
      submitLabel="Export"
      hideSubmit={result !== null}
      submitDisabled={!trimmed}
      cancelLabel={result ? 'Close' : 'Cancel'}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {result ? (
        <div data-testid="tagpack-export-result">
          <p className="verdict verdict-ok">
            Wrote {result.tags} tag{result.tags === 1 ? '' : 's'} of “{props.caseName}” as a TagPack.
          </p>
          <dl className="facts facts-wide">
            <dt>File</dt>
            <dd className="mono">{result.file}</dd>
            <dt>SHA-256</dt>
            <dd>
              <HashValue value={result.sha256} testId="tagpack-sha256" />
            </dd>
          </dl>
          {result.left.length > 0 && (
            <ul className="muted">
              {result.left.map((l) => (
                <li key={`${l.chain}:${l.address}:${l.label}`}>
                  Left out: {l.label} on <span className="mono">{l.address}</span>: {l.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <>
          <p className="hint">
            Writes the tags of “{props.caseName}” (a cluster’s tags on each of its members) as a GraphSense TagPack (YAML). Its
            confidence numbers become the nearest GraphSense level not above them; the numbers are kept in each tag’s context.
          </p>
          <TextField label="Save as" value={path} onChange={setPath} maxLength={4096} required mono />
          <CheckField label="Replace the file if it exists" checked={overwrite} onChange={setOverwrite} />
          {error && (
            <div className="inline-error" role="alert">
              {error.message}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
