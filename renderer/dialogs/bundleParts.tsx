import { formatBytes, formatCount, groupFingerprint } from '../format/text';
import { CopyButton } from '../panels/CopyButton';

/** Pieces shared by the export, open-bundle, settings and log-verification views. */

/** A key fingerprint in groups of four, monospace, with a Copy button (copies it as written). */
export function Fingerprint(props: { value: string; testId?: string; copy?: boolean }) {
  return (
    <span className="fingerprint-line">
      <span className="mono fingerprint" data-testid={props.testId} title={props.value}>
        {groupFingerprint(props.value)}
      </span>
      {props.copy !== false && <CopyButton text={props.value} label="Copy" />}
    </span>
  );
}

/** A SHA-256 (or other long hash), wrapping rather than cut, with a Copy button. */
export function HashValue(props: { value: string; testId?: string }) {
  return (
    <span className="fingerprint-line">
      <span className="mono hash" data-testid={props.testId}>
        {props.value}
      </span>
      <CopyButton text={props.value} label="Copy" />
    </span>
  );
}

export function FileSize({ bytes }: { bytes: number }) {
  return (
    <span className="num" title={`${formatCount(bytes)} bytes`}>
      {formatBytes(bytes)}
    </span>
  );
}

const EVIDENCE_LABELS: Readonly<Record<string, string>> = {
  dataset: 'datasets',
  dataset_source: 'source files',
};

/** Chain facts a bundle carries, by table: what the receiver's copy of the case rests on. */
export function EvidenceCounts(props: { evidence: Readonly<Record<string, number>>; testId?: string }) {
  // Tables the bundle has no rows of (e.g. Bitcoin ones in an Ethereum case) are left out.
  const kinds = Object.keys(props.evidence)
    .filter((k) => (props.evidence[k] ?? 0) > 0)
    .sort();
  return (
    <section className="evidence" aria-label="Evidence included" data-testid={props.testId}>
      <h3 title="Chain facts and their provenance (datasets, source files)">Evidence included</h3>
      {kinds.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="evidence-grid">
          {kinds.map((k) => (
            <li key={k}>
              <span>{EVIDENCE_LABELS[k] ?? k.replace(/_/g, ' ')}</span>
              <span className="num">{formatCount(props.evidence[k] ?? 0)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Problems as a red list, one per line. */
export function ProblemList(props: { problems: readonly string[]; testId?: string }) {
  if (props.problems.length === 0) return null;
  return (
    <ul className="problem-list" role="alert" data-testid={props.testId}>
      {props.problems.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}
