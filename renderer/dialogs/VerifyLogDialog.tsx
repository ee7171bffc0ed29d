import { useCallback, useEffect, useState } from 'react';
import type { AuditVerdict } from '../../shared/api/schemas';
import { formatCount, groupFingerprint, shortMiddle } from '../format/text';
import { CopyButton } from '../panels/CopyButton';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { ProblemList } from './bundleParts';
import { Dialog } from './Dialog';

type Signer = AuditVerdict['signers'][number];

function signerStatus(s: Signer): { text: string; className: string } {
  if (s.own) return { text: 'your key', className: 'chip chip-ok' };
  if (s.trusted) return { text: 'trusted', className: 'chip chip-ok' };
  return { text: 'not trusted', className: 'chip chip-warn' };
}

function Verdict({ verdict }: { verdict: AuditVerdict }) {
  const problems = verdict.problems.map((p) => (p.seq === null ? p.reason : `Entry #${p.seq}: ${p.reason}`));
  return (
    <div className="bundle-report" data-testid="verify-result">
      {verdict.ok ? (
        <p className="verdict verdict-ok" data-testid="verify-verdict">
          The log checks out: {formatCount(verdict.entries)} entries, every hash and signature verified, and the case matches the replay of its log.
        </p>
      ) : (
        <>
          <p className="verdict verdict-bad" data-testid="verify-verdict">
            The log does not check out ({formatCount(verdict.entries)} entries).
          </p>
          <ProblemList problems={problems.length ? problems : verdict.firstBroken ? [`Entry #${verdict.firstBroken.seq}: ${verdict.firstBroken.reason}`] : []} testId="verify-problems" />
        </>
      )}
      {verdict.head && (
        <p className="small">
          Last entry: #{verdict.head.seq}, hash{' '}
          <span className="mono" title={verdict.head.hash}>
            {shortMiddle(verdict.head.hash, 12, 8)}
          </span>{' '}
          <CopyButton text={verdict.head.hash} />
        </p>
      )}
      {verdict.legacyEntries > 0 && (
        <p className="small muted">
          {formatCount(verdict.legacyEntries)} early entr{verdict.legacyEntries === 1 ? 'y was' : 'ies were'} written before entries were signed: they are
          hash-chained only, and bound by the first signed entry.
        </p>
      )}
      <h3>Signed by</h3>
      {verdict.signers.length === 0 ? (
        <p className="muted">No signed entries.</p>
      ) : (
        <table className="data-table" data-testid="verify-signers">
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Key fingerprint</th>
              <th scope="col" className="num">
                Entries
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {verdict.signers.map((s) => {
              const status = signerStatus(s);
              return (
                <tr key={s.fingerprint}>
                  <td>{s.name ?? <span className="muted">unknown</span>}</td>
                  <td className="mono fingerprint" title={s.publicKey}>
                    {groupFingerprint(s.fingerprint)}
                  </td>
                  <td className="num">{formatCount(s.entries)}</td>
                  <td>
                    <span className={status.className}>{status.text}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Verify log…: replays the open case's audit log and checks every hash and signature (audit.verify). */
export function VerifyLogDialog(props: { caseId: string; caseName: string; onClose(): void }) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const { caseId } = props;

  const verify = useCallback(async () => {
    setVerdict(null);
    const outcome = await call(() => client['audit.verify']({ caseId }));
    if (outcome.ok) setVerdict(outcome.value);
    return false;
  }, [call, client, caseId]);

  useEffect(() => {
    void verify();
  }, [verify]);

  return (
    <Dialog
      title={`Verify log: ${props.caseName}`}
      wide
      testId="verify-log-dialog"
      submitLabel="Verify again"
      cancelLabel="Close"
      onSubmit={verify}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {!verdict && !error && <p className="muted">Checking the log…</p>}
      {error && (
        <div className="inline-error" role="alert" data-testid="verify-error">
          {error.message}
        </div>
      )}
      {verdict && <Verdict verdict={verdict} />}
    </Dialog>
  );
}
