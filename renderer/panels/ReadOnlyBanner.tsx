import { useState } from 'react';
import type { CaseSummary } from '../../shared/api/schemas';
import { formatIsoDate, groupFingerprint, shortFingerprint } from '../format/text';

/**
 * Above the canvas while the open case is read-only here (who handed it over, and Continue case,
 * which records the hand-over in its log), and while a received case is still drawn from its
 * bundle's own evidence (Merge evidence brings those facts into this workspace's store).
 */
export function ReadOnlyBanner(props: { summary: CaseSummary | null; onContinue(): Promise<boolean>; onMergeEvidence(): Promise<boolean> }) {
  const [working, setWorking] = useState(false);
  const s = props.summary;
  const received = s?.origin === 'received' ? s.received : null;
  const unmerged = received !== null && !received.evidenceMerged;
  if (!s || (!s.readOnly && !unmerged)) return null;

  const act = (action: () => Promise<boolean>) => {
    setWorking(true);
    void action().finally(() => setWorking(false));
  };
  const mergeButton = unmerged && (
    <button
      type="button"
      disabled={working}
      data-testid="merge-evidence"
      title="Add the chain facts the bundle carries to this workspace's store, as a dataset whose provenance names the bundle"
      onClick={() => act(props.onMergeEvidence)}
    >
      Merge evidence
    </button>
  );
  return (
    <div className="read-only-banner" role="status" data-testid="read-only-banner">
      {received && s.readOnly ? (
        <>
          <span title={`Bundle SHA-256 ${received.bundleSha256}`}>
            Received from <strong>{received.from || 'an unnamed sender'}</strong> (
            <span className="mono" title={groupFingerprint(received.fingerprint)}>
              {shortFingerprint(received.fingerprint)}
            </span>
            ) on <span title={received.at}>{formatIsoDate(received.at)}</span> — read-only.
          </span>
          <span className="spacer" />
          {mergeButton}
          <button
            type="button"
            className="primary"
            disabled={working}
            title="Make the case editable here, to trace further; the hand-over is written into its log"
            onClick={() => act(props.onContinue)}
          >
            Continue case
          </button>
        </>
      ) : received ? (
        <>
          <span>Chain facts of this case come from the bundle {received.from ? `${received.from} sent` : 'it came in'}, not from your store.</span>
          <span className="spacer" />
          {mergeButton}
        </>
      ) : s.origin === 'foreign' ? (
        <span>This case file was not created in this workspace — read-only.</span>
      ) : (
        <span>This case is read-only here.</span>
      )}
    </div>
  );
}
