import { useEffect, useRef, useState } from 'react';
import type { BundleReport, CaseSummary } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { asksForPassphrase, MIN_PASSPHRASE } from '../state/handover';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { EvidenceCounts, FileSize, Fingerprint, HashValue, ProblemList } from './bundleParts';
import { Dialog } from './Dialog';
import { FileBrowser } from './FileBrowser';
import { CheckField, PassphraseField, TextField } from './fields';

type Sender = NonNullable<BundleReport['sender']>;

function TrustChip({ sender }: { sender: Sender }) {
  if (sender.own) return <span className="chip chip-ok" data-testid="bundle-trust">your own key</span>;
  if (sender.trusted) return <span className="chip chip-ok" data-testid="bundle-trust">trusted</span>;
  return <span className="chip chip-warn" data-testid="bundle-trust">not trusted yet</span>;
}

function Report({ report }: { report: BundleReport }) {
  return (
    <div className="bundle-report" data-testid="bundle-report">
      {report.ok ? (
        <p className="verdict verdict-ok" data-testid="bundle-verdict">
          All checks passed: the signature, every hash and the replay of the case's log.
        </p>
      ) : (
        <>
          <p className="verdict verdict-bad" data-testid="bundle-verdict">
            This bundle did not pass its checks. Nothing from it is kept.
          </p>
          <ProblemList problems={report.problems} testId="bundle-problems" />
        </>
      )}
      <dl className="facts facts-wide">
        {report.sender && (
          <>
            <dt>Sender</dt>
            <dd>
              <span data-testid="bundle-sender">{report.sender.name || '(no name)'}</span> <TrustChip sender={report.sender} />
            </dd>
            <dt>Fingerprint</dt>
            <dd>
              <Fingerprint value={report.sender.fingerprint} testId="bundle-fingerprint" />
            </dd>
          </>
        )}
        {report.case && (
          <>
            <dt>Case</dt>
            <dd data-testid="bundle-case">{report.case.name}</dd>
            <dt>Log entries</dt>
            <dd className="num">{formatCount(report.case.entries)}</dd>
          </>
        )}
        {report.createdAt && (
          <>
            <dt>Exported</dt>
            <dd>
              {report.createdAt.slice(0, 19).replace('T', ' ')}
              {report.cairnVersion && <span className="muted"> · Cairn {report.cairnVersion}</span>}
            </dd>
          </>
        )}
        <dt>File</dt>
        <dd>
          <FileSize bytes={report.size} /> · {report.encrypted ? 'encrypted' : 'not encrypted'}
        </dd>
        {report.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <HashValue value={report.sha256} testId="bundle-sha256" />
            </dd>
          </>
        )}
      </dl>
      {(report.ok || Object.keys(report.evidence).length > 0) && <EvidenceCounts evidence={report.evidence} testId="bundle-evidence" />}
    </div>
  );
}

/**
 * Open bundle…: checks a colleague's bundle first (bundle.inspect keeps nothing), shows who signed
 * it and what it holds, and only then adds its case, read-only. An untrusted sender's key must be
 * compared out of band before the case can be opened; ticking that trusts the key from then on.
 */
export function OpenBundleDialog(props: { onOpened(received: CaseSummary): Promise<boolean>; onClose(): void }) {
  const { client } = useServices();
  const { call, error, clearError } = useDialogCall();
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [report, setReport] = useState<BundleReport | null>(null);
  const [trust, setTrust] = useState(false);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const trimmedPath = path.trim();

  // Any change to what was checked makes the report stale: check again before opening.
  const edit = (apply: () => void) => {
    apply();
    setReport(null);
    setTrust(false);
    clearError();
  };

  const sender = report?.sender ?? null;
  const needsTrust = report?.ok === true && sender !== null && !sender.trusted && !sender.own;
  const canOpen = report?.ok === true && (!needsTrust || trust);
  const shortPassphrase = passphrase !== '' && passphrase.length < MIN_PASSPHRASE;

  // After a check that asks for a passphrase, the passphrase field is where to go. The dialog
  // puts focus back on its first field after a submit, so wait for that to happen first.
  const wantsPassphrase = asksForPassphrase([...(report?.problems ?? []), ...(error ? [error.message] : [])]);
  useEffect(() => {
    if (!wantsPassphrase) return;
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => {
        passphraseRef.current?.focus();
        passphraseRef.current?.select();
      });
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [wantsPassphrase, report, error]);

  const args = () => ({ path: trimmedPath, ...(passphrase ? { passphrase } : {}) });

  const check = async () => {
    setReport(null);
    setTrust(false);
    const outcome = await call(() => client['bundle.inspect'](args()));
    if (outcome.ok) setReport(outcome.value);
    return false;
  };

  const open = async () => {
    if (!report?.ok) return false;
    // An untrusted colleague's key is trusted only once compared and ticked; one's own key needs no comparing.
    const trustFingerprint = sender && ((needsTrust && trust) || (sender.own && !sender.trusted)) ? sender.fingerprint : undefined;
    const outcome = await call(() => client['bundle.import']({ ...args(), ...(trustFingerprint ? { trustFingerprint } : {}) }));
    if (!outcome.ok) return false;
    return props.onOpened(outcome.value);
  };

  return (
    <Dialog
      title="Open bundle"
      wide
      testId="open-bundle-dialog"
      submitLabel={report?.ok ? 'Open case' : 'Check'}
      submitDisabled={!trimmedPath || shortPassphrase || (report?.ok === true && !canOpen)}
      onSubmit={report?.ok ? open : check}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {!report && (
        <p className="hint">
          A case file from a colleague. It is checked first (signature, hashes, the replay of its log) and nothing is kept
          until you open it; it then opens read-only.
        </p>
      )}
      <TextField label="Bundle file" value={path} onChange={(v) => edit(() => setPath(v))} maxLength={4096} required mono placeholder="/path/to/case.cairnbundle" />
      {!report && <FileBrowser onPick={(p) => edit(() => setPath(p))} pickLabel="Choose" folders={false} />}
      <PassphraseField
        label="Passphrase (if the bundle is encrypted)"
        value={passphrase}
        onChange={(v) => edit(() => setPassphrase(v))}
        inputRef={passphraseRef}
        problem={shortPassphrase ? `A passphrase has at least ${MIN_PASSPHRASE} characters.` : null}
      />
      {error && (
        <div className="inline-error" role="alert" data-testid="bundle-error">
          {error.message}
        </div>
      )}
      {report && <Report report={report} />}
      {needsTrust && sender && (
        <div className="trust-box" data-testid="trust-box">
          <p className="small">
            Ask {sender.name || 'the sender'} to read their key fingerprint to you by phone or in person. Open the case only if
            it matches the one above, group for group.
          </p>
          <CheckField
            label={`I have compared this fingerprint with ${sender.name || 'the sender'}; trust their key`}
            checked={trust}
            onChange={setTrust}
            testId="trust-check"
          />
        </div>
      )}
    </Dialog>
  );
}
