import { useCallback, useEffect, useId, useState } from 'react';
import type { CrossChainLink, LinkCandidate, TransferRef } from '../../shared/api/traceSchemas';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { chainName } from '../format/datasetWords';
import { formatCount, shortMiddle } from '../format/text';
import { useServices } from '../state/services';
import { defaultLinkSearch, linkSearchOf, type LinkSearchField, type LinkSearchValues } from '../state/traceForm';
import { useDialogCall } from '../state/useDialogCall';
import { toShownError } from '../state/useOperations';

function RefText({ r }: { r: TransferRef }) {
  return (
    <span title={`${r.tx}${r.ref ? ` (${r.ref})` : ''}\n${chainName(r.chain)} (${r.chain})`}>
      <span className="muted small">{chainName(r.chain)}</span> <span className="mono">{shortMiddle(r.tx, 8, 6)}</span>
    </span>
  );
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function SmallField(props: { label: string; field: LinkSearchField; values: LinkSearchValues; problems: Partial<Record<LinkSearchField, string>>; onChange(v: string): void; placeholder?: string; wide?: boolean; title: string }) {
  const id = useId();
  const problem = props.problems[props.field];
  return (
    <div className={props.wide ? 'field links-field-wide' : 'field'}>
      <label htmlFor={id} title={props.title}>
        {props.label}
      </label>
      <input id={id} type="text" value={props.values[props.field]} placeholder={props.placeholder} title={props.title} aria-invalid={problem ? 'true' : undefined} spellCheck={false} autoComplete="off" onChange={(e) => props.onChange(e.target.value)} />
      {problem && <span className="field-problem">{problem}</span>}
    </div>
  );
}

function Candidate({ c, busy, onJudge }: { c: LinkCandidate; busy: boolean; onJudge(status: 'confirmed' | 'rejected'): void }) {
  const fromAmount = formatAmountRounded(c.fromAmount, c.fromAsset);
  const toAmount = formatAmountRounded(c.toAmount, c.toAsset);
  return (
    <li className="link-candidate" data-testid="link-candidate">
      <div className="link-head">
        <span className="chip">{c.kind}</span>
        <strong title="0 to 1: how closely amounts and times match, names on both sides, no rival matches">score {c.score.toFixed(2)}</strong>
        <span className="muted small">{duration(c.delay)} later</span>
      </div>
      <div className="link-ends">
        <div>
          in: <RefText r={c.from} /> <span className="amount" title={amountTooltip(fromAmount)}>{fromAmount.text}</span>
        </div>
        <div>
          out: <RefText r={c.to} /> <span className="amount" title={amountTooltip(toAmount)}>{toAmount.text}</span>
        </div>
      </div>
      <ul className="plain-list link-reasons small">
        {c.reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" className="small primary" disabled={busy} onClick={() => onJudge('confirmed')}>
          Confirm
        </button>
        <button type="button" className="small" disabled={busy} onClick={() => onJudge('rejected')}>
          Reject
        </button>
      </div>
    </li>
  );
}

/**
 * Cross-chain links of the case: candidates where value went into a swap or bridge and comparable
 * value came out on another chain (within the window, tolerance and fee the investigator sets),
 * each confirmed or rejected with its reasons kept as evidence, and the links the case holds.
 * Only confirmed links carry a trace from one chain to the next.
 */
export function LinksPanel(props: { caseId: string; readOnly: boolean; onChanged(): void }) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [values, setValues] = useState<LinkSearchValues>(defaultLinkSearch);
  const [problems, setProblems] = useState<Partial<Record<LinkSearchField, string>>>({});
  const [candidates, setCandidates] = useState<LinkCandidate[] | null>(null);
  const [links, setLinks] = useState<CrossChainLink[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<LinkSearchValues>) => setValues((v) => ({ ...v, ...patch }));

  const reload = useCallback(() => {
    client['links.list']({ caseId: props.caseId })
      .then((l) => {
        setLinks(l);
        setListError(null);
      })
      .catch((e: unknown) => setListError(toShownError(e).message));
  }, [client, props.caseId]);
  useEffect(reload, [reload]);

  const propose = async () => {
    const checked = linkSearchOf(values);
    setProblems(checked.ok ? {} : checked.problems);
    if (!checked.ok) return;
    setBusy(true);
    const found = await call(() => client['links.propose']({ caseId: props.caseId, search: checked.search }));
    setBusy(false);
    if (found.ok) setCandidates(found.value.candidates);
  };

  const judge = async (c: LinkCandidate, status: 'confirmed' | 'rejected') => {
    setBusy(true);
    const done = await call(() => client['links.add']({ caseId: props.caseId, from: c.from, to: c.to, kind: c.kind, status, evidence: c.reasons, score: c.score }));
    setBusy(false);
    if (!done.ok) return;
    setCandidates((list) => list?.filter((x) => x !== c) ?? null);
    reload();
    props.onChanged();
  };

  const remove = async (link: CrossChainLink) => {
    setBusy(true);
    const done = await call(() => client['links.remove']({ caseId: props.caseId, linkId: link.id }));
    setBusy(false);
    if (!done.ok) return;
    reload();
    props.onChanged();
  };

  return (
    <section className="links-panel" aria-label="Cross-chain links" data-testid="links-panel">
      <h3>Cross-chain links</h3>
      <p className="hint small">A confirmed link carries the next trace across chains: run the trace again after confirming.</p>
      <form
        className="links-form"
        onSubmit={(e) => {
          e.preventDefault();
          void propose();
        }}
      >
        <SmallField label="Window (h)" field="windowHours" values={values} problems={problems} onChange={(v) => set({ windowHours: v })} title="Hours after the value went in within which the value out must appear" />
        <SmallField label="Tolerance %" field="tolerancePct" values={values} problems={problems} onChange={(v) => set({ tolerancePct: v })} title="How far the value out may be from the value in after fees, in percent" />
        <SmallField label="Fee %" field="feePct" values={values} problems={problems} onChange={(v) => set({ feePct: v })} title="The share the swap or bridge keeps, in percent" />
        <SmallField label="Rates" field="rates" wide values={values} problems={problems} onChange={(v) => set({ rates: v })} placeholder="ETH/BTC=0.06, ETH/USDT=3000" title="Exchange rates between assets (one unit of the first buys this many of the second); same-symbol pairs need none" />
        <button type="submit" disabled={busy || props.readOnly} title={props.readOnly ? 'The case is read-only here' : undefined}>
          Propose links
        </button>
      </form>
      {error && (
        <div className="inline-error small" role="alert" data-testid="links-error">
          {error.message}
        </div>
      )}
      {candidates && (
        <>
          <h3>Candidates ({formatCount(candidates.length)})</h3>
          {candidates.length === 0 ? (
            <p className="muted small">No value into a labelled or marked swap or bridge has a match out on another chain with these settings.</p>
          ) : (
            <ul className="plain-list link-list">
              {candidates.map((c, i) => (
                <Candidate key={`${c.from.chain}|${c.from.tx}|${c.from.ref ?? ''}|${c.to.chain}|${c.to.tx}|${c.to.ref ?? ''}|${i}`} c={c} busy={busy || props.readOnly} onJudge={(s) => void judge(c, s)} />
              ))}
            </ul>
          )}
        </>
      )}
      <h3>Links of this case{links ? ` (${formatCount(links.length)})` : ''}</h3>
      {listError && <p className="inline-error small">{listError}</p>}
      {links && links.length === 0 && <p className="muted small">None yet.</p>}
      {links && links.length > 0 && (
        <ul className="plain-list link-list" data-testid="case-links">
          {links.map((l) => (
            <li key={l.id} className="case-link" data-testid="case-link" title={l.evidence.join('\n')}>
              <div className="link-head">
                <span className={l.status === 'confirmed' ? 'chip chip-ok' : l.status === 'rejected' ? 'chip chip-bad' : 'chip'}>{l.status}</span>
                <span className="chip">{l.kind}</span>
                {l.score !== null && <span className="muted small">score {l.score.toFixed(2)}</span>}
                <span className="spacer" />
                <button type="button" className="small" disabled={busy || props.readOnly} onClick={() => void remove(l)} aria-label={`Remove link #${l.id}`}>
                  Remove
                </button>
              </div>
              <div className="link-ends small">
                <RefText r={l.from} /> → <RefText r={l.to} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
