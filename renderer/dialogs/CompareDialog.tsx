/**
 * Compare with other cases…: every other case of the workspace ranked by how alike its
 * laundering is (case.compare), the score drawn as a bar with its five parts, each weighed and
 * explained. A chosen case shows its evidence: the two series of steps aligned side by side,
 * the services both used (with how rare each is), the addresses both hold, and where the two
 * cases' traced funds meet, with each case's exact value there and "Add to canvas".
 */
import { useMemo, useState } from 'react';
import type { CaseMatch, CaseSignature, Comparison, LaunderingStep, Meeting } from '../../shared/api/attributionSchemas';
import type { CaseSummary, Graph } from '../../shared/api/schemas';
import {
  formatAssetAmount,
  formatScore,
  formatSinceTheft,
  meetingKindHint,
  meetingKindName,
  meetingShares,
  orderMeetings,
  pairMark,
  pairMarkWords,
  partContribution,
  partName,
  stepKindName,
  stepTitle,
  type AlignedPair,
} from '../format/attributionWords';
import { chainName } from '../format/datasetWords';
import { formatCount, shortMiddle } from '../format/text';
import { CopyButton } from '../panels/CopyButton';
import { casesCompared, groundsWithEvidence, type Ground } from '../state/attributionEvidence';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { useQuietQuery, type QueryState } from '../state/useQuietQuery';
import { Dialog } from './Dialog';
import { categoryLabel } from './fields';

/** Transactions a meeting lists before "more". */
const MEETING_TXS = 4;

function ScoreBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <span className="score-bar" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={value} aria-label={label} title={`${label}: ${formatScore(value)}`}>
      <span className="score-fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

function MatchList(props: { comparison: Comparison; selected: string | null; onSelect(caseId: string): void; names: ReadonlyMap<string, string> }) {
  const { comparison } = props;
  return (
    <div className="compare-list">
      <ol className="plain-list" aria-label="Other cases, most alike first">
        {comparison.matches.map((m, i) => (
          <li key={m.case}>
            <button
              type="button"
              className="compare-match"
              aria-pressed={props.selected === m.case}
              onClick={() => props.onSelect(m.case)}
              data-testid="compare-match"
              data-case={m.case}
              data-score={m.score}
            >
              <span className="compare-rank muted">{i + 1}.</span>
              <span className="compare-name" title={m.caseName}>
                {m.caseName}
              </span>
              <span className="compare-score mono">{formatScore(m.score)}</span>
              <ScoreBar value={m.score} label={`Score of “${m.caseName}”`} />
              <span className="compare-facts muted small">
                {m.meetings.length > 0 ? `funds meet at ${m.meetings.length} place${m.meetings.length === 1 ? '' : 's'}` : 'funds do not meet'}
                {m.sharedServices.length > 0 ? ` · ${m.sharedServices.length} shared service${m.sharedServices.length === 1 ? '' : 's'}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {comparison.matches.length === 0 && <p className="muted small">No other case with a saved trace to compare with.</p>}
      {comparison.skipped.length > 0 && (
        <div className="compare-skipped" data-testid="compare-skipped">
          <h4>Not compared ({formatCount(comparison.skipped.length)})</h4>
          <ul className="plain-list small">
            {comparison.skipped.map((s) => (
              <li key={s.case} data-testid="compare-skipped-case" data-case={s.case}>
                <strong>{props.names.get(s.case) ?? s.case}</strong>: <span className="muted">{s.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ScoreParts({ match }: { match: CaseMatch }) {
  return (
    <table className="data-table score-parts" data-testid="score-parts">
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col" className="num" title="The part's value (0–1) times its weight">
            Value × weight
          </th>
          <th scope="col">Value</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {match.parts.map((p) => (
          <tr key={p.part} data-testid="score-part" data-part={p.part}>
            <th scope="row">{partName(p.part)}</th>
            <td className="num mono nowrap" title={`adds ${formatScore(partContribution(p, match.parts))} to the score`}>
              {formatScore(p.value)} × {formatScore(p.weight)}
            </td>
            <td>
              <ScoreBar value={p.value} label={partName(p.part)} />
            </td>
            <td className="part-why" data-testid="score-part-why">
              {p.why}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StepCell({ step, at }: { step: LaunderingStep | undefined; at: AlignedPair['a'] }) {
  if (!at) return <td className="aligned-gap muted">—</td>;
  return (
    <td className="aligned-step">
      <strong>{step ? stepTitle(step) : stepKindName(at.kind)}</strong>
      {step && (
        <span className="muted small">
          {' '}
          {formatSinceTheft(step.sinceTheft)}
          {step.service ? ` · ${step.service.name}` : ''}
        </span>
      )}
    </td>
  );
}

const MARK_SIGNS = { match: '=', related: '≈', differs: '≠', gap: '·' } as const;

function AlignedSteps(props: { match: CaseMatch; caseName: string; own: CaseSignature | null; other: QueryState<CaseSignature> }) {
  const { match } = props;
  const otherSteps = props.other.state === 'done' ? props.other.value.steps : null;
  if (match.sequence.aligned.length === 0) return <p className="muted small">One of the two cases has no laundering step to align.</p>;
  return (
    <>
      <p className="muted small">
        Similarity {formatScore(match.sequence.similarity)} (edit distance {match.sequence.distance}); runs of one kind are read as one step, shown by its first.
      </p>
      <table className="data-table aligned-steps" data-testid="aligned-steps">
        <thead>
          <tr>
            <th scope="col">This case: “{props.caseName}”</th>
            <th scope="col" className="aligned-mark-col" aria-label="Alignment" title="= same step, ≈ related steps, ≠ different steps, · a step only one case has" />
            <th scope="col">“{match.caseName}”</th>
          </tr>
        </thead>
        <tbody>
          {match.sequence.aligned.map((p, i) => {
            const mark = pairMark(p);
            return (
              <tr key={i} className={`aligned-${mark}`} data-testid="aligned-pair" data-mark={mark}>
                <StepCell step={p.a ? props.own?.steps[p.a.index] : undefined} at={p.a} />
                <td className="aligned-mark" title={pairMarkWords(mark)} aria-label={pairMarkWords(mark)}>
                  {MARK_SIGNS[mark]}
                </td>
                <StepCell step={p.b && otherSteps ? otherSteps[p.b.index] : undefined} at={p.b} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function SharedServices({ match, n }: { match: CaseMatch; n: number }) {
  if (match.sharedServices.length === 0) return <p className="muted small">No service used by both.</p>;
  return (
    <ul className="plain-list shared-services" data-testid="shared-services">
      {match.sharedServices.map((s) => (
        <li key={`${s.name}|${s.category}`} data-testid="shared-service">
          <strong>{s.name}</strong> <span className="muted">({categoryLabel(s.category)})</span> — used by {s.casesUsing} of {n} cases
          <span className="muted small">
            {' '}
            {s.casesUsing >= n ? '(every case: weighs little)' : s.casesUsing <= 2 ? '(rare: weighs much)' : ''} · weight {formatScore(s.weight)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SharedAddresses({ match }: { match: CaseMatch }) {
  if (match.sharedAddresses.length === 0) return <p className="muted small">No address or automatic cluster held by both.</p>;
  return (
    <ul className="plain-list shared-addresses" data-testid="shared-addresses">
      {match.sharedAddresses.map((a) => (
        <li key={`${a.chain}|${a.address}`}>
          <span className="mono" title={a.address}>
            {shortMiddle(a.address, 12, 8)}
          </span>{' '}
          <CopyButton text={a.address} /> <span className="muted small">{chainName(a.chain)}</span>
          {a.cluster && <span className="muted small"> · wallet {a.cluster}</span>}
        </li>
      ))}
    </ul>
  );
}

function MeetingItem(props: {
  meeting: Meeting;
  caseId: string;
  match: CaseMatch;
  names: ReadonlyMap<string, string>;
  readOnly: boolean;
  adding: boolean;
  onAdd(): void;
  onOpenTx(chain: string, hash: string): void;
}) {
  const { meeting: m } = props;
  const [allTxs, setAllTxs] = useState(false);
  const txs = allTxs ? m.txs : m.txs.slice(0, MEETING_TXS);
  const shares = meetingShares(m, props.caseId, props.match.case);
  return (
    <li className="meeting" data-testid="meeting" data-kind={m.kind} data-chain={m.chain} data-address={m.address ?? ''}>
      <div className="meeting-head">
        <span className="chip" title={meetingKindHint(m.kind)} data-testid="meeting-kind">
          {meetingKindName(m.kind)}
        </span>
        <span className="muted small">{chainName(m.chain)}</span>
        {m.address !== null ? (
          <>
            <span className="mono meeting-address" data-testid="meeting-address">
              {m.address}
            </span>
            <CopyButton text={m.address} />
          </>
        ) : (
          <span className="muted">{m.cluster ? `wallet ${m.cluster}` : 'no single address'}</span>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="small primary"
          disabled={m.address === null || props.readOnly || props.adding}
          onClick={props.onAdd}
          title={
            props.readOnly
              ? 'The case is read-only here'
              : m.address === null
                ? 'No single address to draw: the funds meet in a wallet'
                : 'Draw the meeting address and the addresses that brought each case’s traced value there, on this case’s canvas (undoable)'
          }
        >
          Add to canvas
        </button>
      </div>
      <p className="muted small meeting-hint">{meetingKindHint(m.kind)}.</p>
      <dl className="facts meeting-amounts">
        {shares.map((s) => (
          <div key={s.caseId} className="meeting-share" data-testid="meeting-share" data-case={s.caseId}>
            <dt title={props.names.get(s.caseId) ?? s.caseId}>{s.isThis ? 'This case' : `“${props.names.get(s.caseId) ?? s.caseId}”`}</dt>
            <dd>
              {s.amounts.length === 0 && <span className="muted">no traced value</span>}
              {s.amounts.map((a, i) => {
                const f = formatAssetAmount(a);
                return (
                  <span key={i}>
                    {i > 0 && <span className="muted"> + </span>}
                    <span className="amount meeting-amount" title={f.title} data-testid="meeting-amount" data-base-units={a.amount} data-asset={`${a.asset.chain}|${a.asset.contract ?? 'native'}`}>
                      {f.text}
                    </span>
                  </span>
                );
              })}
            </dd>
          </div>
        ))}
      </dl>
      <div className="meeting-txs">
        <span className="muted small">
          {formatCount(m.txs.length)} transaction{m.txs.length === 1 ? '' : 's'} bring the value there:
        </span>
        <ul className="plain-list">
          {txs.map((tx) => (
            <li key={tx} data-testid="meeting-tx">
              <button type="button" className="link mono" title={`${tx}\n(close this dialog and open the transaction)`} onClick={() => props.onOpenTx(m.chain, tx)}>
                {shortMiddle(tx, 12, 8)}
              </button>{' '}
              <CopyButton text={tx} />
            </li>
          ))}
        </ul>
        {m.txs.length > MEETING_TXS && (
          <button type="button" className="link small" onClick={() => setAllTxs((a) => !a)}>
            {allTxs ? 'Fewer' : `${formatCount(m.txs.length - MEETING_TXS)} more`}
          </button>
        )}
      </div>
    </li>
  );
}

function MatchDetail(props: {
  match: CaseMatch;
  comparison: Comparison;
  caseId: string;
  caseName: string;
  own: CaseSignature | null;
  names: ReadonlyMap<string, string>;
  readOnly: boolean;
  adding: boolean;
  onAdd(meeting: Meeting): void;
  onOpenTx(chain: string, hash: string): void;
  onUseInAttribution(): void;
}) {
  const { client } = useServices();
  const { match } = props;
  const other = useQuietQuery(match.case, () => client['case.signature']({ caseId: match.case }));
  const meetings = useMemo(() => orderMeetings(match.meetings), [match.meetings]);
  return (
    <div className="compare-detail" data-testid="compare-detail" data-case={match.case}>
      <div className="compare-detail-head">
        <h3>
          “{match.caseName}” <span className="mono">{formatScore(match.score)}</span>
        </h3>
        <span className="spacer" />
        <button type="button" onClick={props.onUseInAttribution} title="Open the attribution with this case referred to on the grounds where Cairn found evidence">
          Use in attribution…
        </button>
      </div>
      <ScoreParts match={match} />
      <section className="compare-section">
        <h4>Funds meet ({formatCount(meetings.length)})</h4>
        {meetings.length === 0 ? (
          <p className="muted small">The two cases’ traced funds do not meet (within their traces’ hop limits and stops).</p>
        ) : (
          <ul className="plain-list meetings" data-testid="meetings">
            {meetings.map((m, i) => (
              <MeetingItem
                key={`${m.kind}|${m.chain}|${m.address ?? m.cluster ?? m.tx ?? i}`}
                meeting={m}
                caseId={props.caseId}
                match={match}
                names={props.names}
                readOnly={props.readOnly}
                adding={props.adding}
                onAdd={() => props.onAdd(m)}
                onOpenTx={props.onOpenTx}
              />
            ))}
          </ul>
        )}
      </section>
      <section className="compare-section">
        <h4>Steps side by side</h4>
        <AlignedSteps match={match} caseName={props.caseName} own={props.own} other={other} />
      </section>
      <section className="compare-section">
        <h4>Shared services</h4>
        <SharedServices match={match} n={casesCompared(props.comparison)} />
      </section>
      <section className="compare-section">
        <h4>Shared addresses</h4>
        <SharedAddresses match={match} />
      </section>
    </div>
  );
}

export function CompareDialog(props: {
  caseId: string;
  caseName: string;
  cases: readonly CaseSummary[];
  readOnly: boolean;
  /** A meeting was drawn: adopt the graph and select the node (the dialog closes). */
  onMeetingAdded(result: { graph: Graph; nodeId: string }): void;
  onOpenTx(chain: string, hash: string): void;
  /** Opens the attribution editor, this comparison's case referred to on these grounds. */
  onUseInAttribution(refer: { caseId: string; grounds: Ground[] }, comparison: Comparison): void;
  onClose(): void;
}) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const comparison = useQuietQuery(props.caseId, () => client['case.compare']({ caseId: props.caseId }));
  const own = useQuietQuery(props.caseId, () => client['case.signature']({ caseId: props.caseId }));
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const names = useMemo(() => new Map(props.cases.map((c) => [c.id, c.name])), [props.cases]);
  const result = comparison.state === 'done' ? comparison.value : null;
  const match = result ? (result.matches.find((m) => m.case === chosen) ?? result.matches[0] ?? null) : null;

  const add = async (m: Meeting) => {
    if (!match || m.address === null) return;
    setAdding(true);
    try {
      const out = await call(() => client['case.addMeeting']({ caseId: props.caseId, otherCaseId: match.case, chain: m.chain, address: m.address! }));
      if (out.ok) props.onMeetingAdded({ graph: out.value.graph, nodeId: out.value.nodeId });
    } finally {
      setAdding(false);
    }
  };

  return (
    <Dialog title="Compare with other cases" className="compare-dialog" testId="compare-dialog" submitLabel="" hideSubmit cancelLabel="Close" onSubmit={() => false} onCancel={props.onClose} onDone={props.onClose}>
      <p className="hint compare-intro">
        How alike the laundering of “{props.caseName}” is to each other case of the workspace, from their saved traces: the score is the weighted mean of five
        parts, each explained. It is evidence to weigh, never an attribution: that is yours to write (Attribution…).
      </p>
      {(comparison.state === 'loading' || comparison.state === 'idle') && (
        <div className="import-progress" role="status" aria-live="polite">
          <progress aria-label="Comparing" />
          <span>Comparing with every other case…</span>
        </div>
      )}
      {comparison.state === 'failed' && (
        <div className="inline-error" role="alert">
          The comparison failed: {comparison.message}
        </div>
      )}
      {error && (
        <div className="inline-error" role="alert" data-testid="compare-error">
          {error.message}
        </div>
      )}
      {result && (
        <div className="compare-layout">
          <MatchList comparison={result} selected={match?.case ?? null} onSelect={setChosen} names={names} />
          {match ? (
            <MatchDetail
              key={match.case}
              match={match}
              comparison={result}
              caseId={props.caseId}
              caseName={props.caseName}
              own={own.state === 'done' ? own.value : null}
              names={names}
              readOnly={props.readOnly}
              adding={adding}
              onAdd={(m) => void add(m)}
              onOpenTx={props.onOpenTx}
              onUseInAttribution={() => props.onUseInAttribution({ caseId: match.case, grounds: groundsWithEvidence(match) }, result)}
            />
          ) : (
            <p className="muted">Nothing to show: no other case was compared.</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
