/**
 * "Laundering steps": the case's laundering signature (case.signature) read as a storyline, a
 * vertical timeline of the steps its saved traces show, each in words with how long after the
 * theft it came, the traced value it moved (exact, per asset), the service when named, the rule
 * that found it and its transactions. Below, the services the funds reached. It lies over the
 * side panel and the canvas; the details panel stays beside it, where a transaction clicked here
 * opens.
 */
import { useMemo, useState } from 'react';
import type { CaseSignature, LaunderingStep } from '../../shared/api/attributionSchemas';
import type { Graph } from '../../shared/api/schemas';
import { amountsText, formatAssetAmount, formatSinceTheft, stepTitle } from '../format/attributionWords';
import { chainName } from '../format/datasetWords';
import { formatCount, formatUnixUtc, shortMiddle } from '../format/text';
import { categoryLabel } from '../dialogs/fields';
import { useServices } from '../state/services';
import { nodesOfAddresses } from '../state/attributionEvidence';
import { useQuietQuery } from '../state/useQuietQuery';
import { CopyButton } from './CopyButton';

/** Transactions a step shows before "more": enough to recognise it, short enough to scan the timeline. */
const TXS_SHOWN = 3;

export const EMPTY_STORYLINE = 'Run a trace (Trace…) and save it in the case: the steps are read from the case’s saved traces.';

function StepTxs({ step, onOpenTx }: { step: LaunderingStep; onOpenTx(chain: string, hash: string): void }) {
  const [all, setAll] = useState(false);
  const txs = all ? step.txs : step.txs.slice(0, TXS_SHOWN);
  const listedMore = step.txs.length - txs.length;
  const unlisted = step.txCount - step.txs.length;
  return (
    <div className="story-txs">
      <span className="muted small">
        {formatCount(step.txCount)} transaction{step.txCount === 1 ? '' : 's'}:
      </span>
      <ul className="plain-list story-tx-list">
        {txs.map((t, i) => {
          const amount = formatAssetAmount({ asset: t.asset, amount: t.amount });
          return (
            <li key={`${t.tx}:${i}`} data-testid="story-tx" data-tx={t.tx}>
              <button type="button" className="link mono" title={`${t.tx}\n${formatUnixUtc(t.time)}\n(open the transaction)`} onClick={() => onOpenTx(t.chain, t.tx)}>
                {shortMiddle(t.tx, 10, 8)}
              </button>{' '}
              <CopyButton text={t.tx} />{' '}
              <span className="amount small" title={amount.title}>
                {amount.text}
              </span>
            </li>
          );
        })}
      </ul>
      {(listedMore > 0 || (all && step.txs.length > TXS_SHOWN)) && (
        <button type="button" className="link small" onClick={() => setAll((a) => !a)}>
          {all ? 'Fewer' : `${formatCount(listedMore)} more`}
        </button>
      )}
      {unlisted > 0 && all && <span className="muted small"> (and {formatCount(unlisted)} not listed: the step keeps its first {formatCount(step.txs.length)})</span>}
    </div>
  );
}

function StepItem(props: { step: LaunderingStep; index: number; graph: Graph; onSelect(ids: string[]): void; onOpenTx(chain: string, hash: string): void }) {
  const { step } = props;
  const onCanvas = useMemo(() => nodesOfAddresses(props.graph, step.chain, step.addresses), [props.graph, step.chain, step.addresses]);
  const time = step.start === step.end || step.end === null ? formatUnixUtc(step.start) : `${formatUnixUtc(step.start)} to ${formatUnixUtc(step.end)}`;
  return (
    <li className={`story-step story-${step.kind}`} data-testid="story-step" data-kind={step.kind} data-index={props.index}>
      <span className="story-dot" aria-hidden="true" />
      <div className="story-head">
        <span className="muted story-number">{props.index + 1}.</span>
        <strong className="story-title" data-testid="story-title">
          {stepTitle(step)}
        </strong>
        <span className="story-when" title={time} data-testid="story-when">
          {formatSinceTheft(step.sinceTheft)}
        </span>
        {step.service && (
          <span className="chip story-service" data-testid="story-service">
            {step.service.name} <span className="muted">({categoryLabel(step.service.category)})</span>
          </span>
        )}
        <span className="muted small">{chainName(step.chain)}</span>
      </div>
      <div className="story-amounts" data-testid="story-amounts">
        <span className="muted small">Traced value:</span>
        {step.amounts.length === 0 && <span className="muted small">none counted</span>}
        {step.amounts.map((a, i) => {
          const f = formatAssetAmount(a);
          return (
            <span key={i}>
              {i > 0 && <span className="muted"> + </span>}
              <span className="amount" title={f.title} data-base-units={a.amount} data-testid="story-amount">
                {f.text}
              </span>
            </span>
          );
        })}
      </div>
      <p className="story-rule muted small" title="The documented rule that found this step">
        Rule: {step.rule}
      </p>
      <StepTxs step={step} onOpenTx={props.onOpenTx} />
      <div className="story-actions">
        <button
          type="button"
          className="small"
          disabled={onCanvas.length === 0}
          onClick={() => props.onSelect(onCanvas)}
          title={
            onCanvas.length === 0
              ? `None of the step’s ${formatCount(step.addresses.length)} addresses is drawn on the canvas`
              : `Select ${formatCount(onCanvas.length)} of the step’s ${formatCount(step.addresses.length)} addresses on the canvas`
          }
        >
          {onCanvas.length === 0 ? 'Not on the canvas' : `Select on the canvas (${formatCount(onCanvas.length)})`}
        </button>
      </div>
    </li>
  );
}

function ServicesTable({ signature }: { signature: CaseSignature }) {
  if (signature.services.length === 0) return <p className="muted small">No named service (labelled, tagged or clustered) was reached by the traced funds.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table story-services" data-testid="story-services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Category</th>
            <th scope="col">Chain</th>
            <th scope="col">Traced value reaching it</th>
            <th scope="col" className="num" title="Fewest hops from a source at which traced value reached it">
              Hops
            </th>
            <th scope="col" title="Where the name comes from">
              Named by
            </th>
          </tr>
        </thead>
        <tbody>
          {signature.services.map((s, i) => (
            <tr key={`${s.chain}|${s.name}|${i}`} data-testid="story-service-row">
              <td>
                <strong>{s.name}</strong>
              </td>
              <td>{categoryLabel(s.category)}</td>
              <td>{chainName(s.chain)}</td>
              <td className="amount" title={s.amounts.map((a) => formatAssetAmount(a).title).join('\n')}>
                {amountsText(s.amounts)}
              </td>
              <td className="num">{s.hops}</td>
              <td className="muted">{s.via === 'tag' ? 'this case’s tag' : s.via === 'label' ? 'a label set' : 'a cluster’s label'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Storyline(props: { signature: CaseSignature; graph: Graph; onSelect(ids: string[]): void; onOpenTx(chain: string, hash: string): void }) {
  const { signature } = props;
  if (signature.traces.length === 0) return <p className="muted story-empty" data-testid="story-empty">{EMPTY_STORYLINE}</p>;
  return (
    <>
      <p className="muted small story-source">
        Read from {signature.traces.length === 1 ? 'the saved trace' : `${formatCount(signature.traces.length)} saved traces`}{' '}
        {signature.traces.map((t) => `“${t.name || `Trace #${t.id}`}”`).join(', ')}. Theft (the first transfer out of a source): {formatUnixUtc(signature.theftTime)}.
        {signature.stolen.length > 0 && <> Traced from the theft: <span className="amount">{amountsText(signature.stolen)}</span>.</>}
      </p>
      {signature.steps.length === 0 ? (
        <p className="muted story-empty" data-testid="story-empty">
          The saved traces show no step the detectors recognise (consolidation, fan-out, fan-in, peel chain, swap, bridge, mixer, CoinJoin, exchange deposit or hop, dormancy).
        </p>
      ) : (
        <ol className="storyline" data-testid="storyline" aria-label="Laundering steps in time order">
          {signature.steps.map((s, i) => (
            <StepItem key={i} step={s} index={i} graph={props.graph} onSelect={props.onSelect} onOpenTx={props.onOpenTx} />
          ))}
        </ol>
      )}
      <section className="story-services-section" aria-labelledby="story-services-title">
        <h3 id="story-services-title">Services used</h3>
        <ServicesTable signature={signature} />
      </section>
    </>
  );
}

export function StorylineView(props: {
  graph: Graph;
  caseName: string;
  onBack(): void;
  /** Selects these canvas nodes (the view closes to show them). */
  onSelectOnCanvas(ids: string[]): void;
  /** Opens a transaction in the details panel beside the view. */
  onOpenTx(chain: string, hash: string): void;
  onCompare(): void;
  onAttribution(): void;
}) {
  const { client } = useServices();
  const { graph } = props;
  // A trace saved, removed or undone changes the undo labels: the signature is read again.
  const key = `${graph.caseId}|${graph.undo ?? ''}|${graph.redo ?? ''}`;
  const signature = useQuietQuery(key, () => client['case.signature']({ caseId: graph.caseId }));
  return (
    <div className="storyline-view" data-testid="storyline-view" role="region" aria-label="Laundering steps">
      <header className="storyline-head">
        <button type="button" onClick={props.onBack} title="Back to the case’s canvas (Escape)">
          ← Canvas
        </button>
        <h2>Laundering steps of “{props.caseName}”</h2>
        <span className="spacer" />
        <button type="button" onClick={props.onCompare} title="Rank the workspace’s other cases by how alike their laundering is, and find where their funds meet this case’s">
          Compare with other cases…
        </button>
        <button type="button" onClick={props.onAttribution} title="The investigator’s attribution: the three grounds and the conclusion, in your words">
          Attribution…
        </button>
      </header>
      <div className="storyline-body">
        {(signature.state === 'loading' || signature.state === 'idle') && <p className="muted">Reading the case’s saved traces…</p>}
        {signature.state === 'failed' && (
          <p className="inline-error" role="alert">
            The laundering steps could not be read: {signature.message}
          </p>
        )}
        {signature.state === 'done' && <Storyline signature={signature.value} graph={graph} onSelect={props.onSelectOnCanvas} onOpenTx={props.onOpenTx} />}
      </div>
    </div>
  );
}
