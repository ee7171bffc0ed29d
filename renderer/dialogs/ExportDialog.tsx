import { useState } from 'react';
import type { CaseSummary, ExportResult } from '../../shared/api/schemas';
import { defaultExportPath, passphraseCheck } from '../state/handover';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { EvidenceCounts, FileSize, Fingerprint, HashValue } from './bundleParts';
import { Dialog } from './Dialog';
import { CheckField, PassphraseField, TextField } from './fields';

function ExportReport({ result, caseName }: { result: ExportResult; caseName: string }) {
  return (
    <div className="bundle-report" data-testid="export-result">
      <p className="verdict verdict-ok">
        Exported “{caseName}” as a signed bundle{result.encrypted ? ', encrypted with your passphrase' : ', not encrypted'}.
      </p>
      <dl className="facts facts-wide">
        <dt>File</dt>
        <dd className="mono" data-testid="export-file">
          {result.file}
        </dd>
        <dt>Size</dt>
        <dd>
          <FileSize bytes={result.size} />
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <HashValue value={result.sha256} testId="export-sha256" />
        </dd>
        <dt>Your key</dt>
        <dd>
          <Fingerprint value={result.fingerprint} testId="export-fingerprint" />
        </dd>
      </dl>
      <EvidenceCounts evidence={result.evidence} testId="export-evidence" />
      <p className="note-box" data-testid="export-note">
        Tell the receiver your key fingerprint by another channel (phone, in person) so they can check it.
        {result.encrypted && ' Give them the passphrase that way too, never with the file.'}
      </p>
    </div>
  );
}

/** Export case…: writes the open case, its whole log and the chain facts behind it as a signed bundle. */
export function ExportDialog(props: { caseSummary: CaseSummary | null; caseId: string; workspace: string; onClose(): void }) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [path, setPath] = useState(() => (props.workspace ? defaultExportPath(props.workspace, props.caseId) : ''));
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const problems = passphraseCheck(passphrase, confirmation);
  const caseName = props.caseSummary?.name ?? props.caseId;
  const trimmedPath = path.trim();

  const submit = async () => {
    const outcome = await call(() =>
      client['case.export']({ caseId: props.caseId, path: trimmedPath, overwrite, ...(passphrase ? { passphrase } : {}) }),
    );
    if (outcome.ok) setResult(outcome.value);
    return false;
  };

  return (
    <Dialog
      title="Export case"
      wide
      testId="export-dialog"
      submitLabel="Export"
      hideSubmit={result !== null}
      submitDisabled={!trimmedPath || !problems.ready}
      cancelLabel={result ? 'Close' : 'Cancel'}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {result ? (
        <ExportReport result={result} caseName={caseName} />
      ) : (
        <>
          <p className="hint">
            Writes “{caseName}” as one signed file for a colleague: the case, its whole audit log, and the chain facts and
            provenance it rests on. The receiver can check that nothing was changed and that it came from your key.
          </p>
          <TextField label="Save as" value={path} onChange={setPath} maxLength={4096} required mono />
          <CheckField label="Replace the file if it exists" checked={overwrite} onChange={setOverwrite} />
          <PassphraseField
            label="Passphrase (optional)"
            value={passphrase}
            onChange={setPassphrase}
            problem={problems.passphrase}
            hint="Without a passphrase the bundle is readable by anyone who has the file. With one (at least 8 characters), the receiver needs it to open the bundle."
          />
          <PassphraseField label="Passphrase again" value={confirmation} onChange={setConfirmation} problem={problems.confirmation} />
          {error && (
            <div className="inline-error" role="alert" data-testid="export-error">
              {error.message}
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
