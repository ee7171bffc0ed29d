import type { CaseSummary } from '../../shared/api/schemas';
import { formatCount } from '../format/text';

export function WelcomePane(props: { cases: readonly CaseSummary[]; sample: boolean; onNew(): void; onOpen(caseId: string): void; onOpenSample(): void }) {
  return (
    <section className="welcome" data-testid="welcome-pane" aria-labelledby="welcome-title">
      <h1 id="welcome-title">No case open</h1>
      <p className="muted">Open a case to trace funds, or start a new one. Chain data is imported once per workspace and shared by all cases.</p>
      <button type="button" className="primary" onClick={props.onNew}>
        New case
      </button>
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
          <ul className="welcome-cases">
            {props.cases.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => props.onOpen(c.id)}>
                  {c.name}
                </button>
                <span className="muted">
                  {formatCount(c.seeds)} seeds · {formatCount(c.nodes)} nodes · modified {c.modifiedAt.slice(0, 16).replace('T', ' ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
