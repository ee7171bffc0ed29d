import type { CaseSummary } from '../../shared/api/schemas';
import { formatCount } from '../format/text';

function CaseRow({ c, onOpen }: { c: CaseSummary; onOpen(caseId: string): void }) {
  if (c.origin === 'broken') {
    // Listed so the investigator knows the file is there and why it is refused; never opened.
    return (
      <li className="case-broken" data-testid="broken-case" aria-disabled="true">
        <span className="case-name">
          {c.name} <span className="chip chip-bad">cannot be opened</span>
        </span>
        <span className="case-problem small" data-testid="case-problem">
          {c.problem ?? 'The case file could not be read.'}
        </span>
      </li>
    );
  }
  return (
    <li>
      <span className="case-name">
        <button type="button" className="link" onClick={() => onOpen(c.id)} title={c.name}>
          {c.name}
        </button>
        {c.received && (
          <span className="chip chip-received" data-testid="received-badge" title={`From ${c.received.from} on ${c.received.at.slice(0, 10)}`}>
            received
          </span>
        )}
        {c.readOnly && <span className="chip">read-only</span>}
      </span>
      <span className="muted">
        {formatCount(c.seeds)} seeds · {formatCount(c.nodes)} nodes · modified {c.modifiedAt.slice(0, 16).replace('T', ' ')}
      </span>
    </li>
  );
}

export function WelcomePane(props: {
  cases: readonly CaseSummary[];
  sample: boolean;
  onNew(): void;
  onOpen(caseId: string): void;
  onOpenBundle(): void;
  onOpenSample(): void;
}) {
  return (
    <section className="welcome" data-testid="welcome-pane" aria-labelledby="welcome-title">
      <h1 id="welcome-title">No case open</h1>
      <p className="muted">Open a case to trace funds, or start a new one. Chain data is imported once per workspace and shared by all cases.</p>
      <div className="button-row">
        <button type="button" className="primary" onClick={props.onNew}>
          New case
        </button>
        <button type="button" onClick={props.onOpenBundle} title="Check and open a case bundle from a colleague (Ctrl+O)">
          Open bundle…
        </button>
      </div>
      {!props.sample && (
        <p className="welcome-sample">
          <button type="button" data-testid="open-sample" onClick={props.onOpenSample}>
            Open sample investigation
          </button>{' '}
          <span className="muted">
            A synthetic theft across Bitcoin, Ethereum and Tron (about 50,000 transfers) in its own workspace, with the victims seeded. Built the first
            time, in a few seconds; your workspace is not touched.
          </span>
        </p>
      )}
      {props.cases.length > 0 && (
        <>
          <h2>Cases</h2>
          <ul className="welcome-cases" data-testid="welcome-cases">
            {props.cases.map((c) => (
              <CaseRow key={c.id} c={c} onOpen={props.onOpen} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
