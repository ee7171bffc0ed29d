/**
 * An address's automatic cluster in the details panel: the wallet it was inferred to be in, its
 * best label, the transactions that put this address in it ("in this wallet because of tx …
 * (multi-input)"), and "why": the chain of merges that joins it to another address of the
 * canvas, each step one transaction and heuristic. An inference, shown as one, with its evidence.
 */
import { useMemo, useState } from 'react';
import type { ClusterOverride, ClusterView, ClusterWhy, Graph } from '../../shared/api/schemas';
import type { ClusterOverrideRequest } from '../state/useGraphActions';
import { categoryLabel } from '../dialogs/fields';
import { formatCount } from '../format/text';
import { SANCTION_PREFIX } from '../graph/labelDetail';
import { useServices } from '../state/services';
import { useQuietQuery, type QueryState } from '../state/useQuietQuery';
import { toShownError } from '../state/useOperations';
import { AddressLink, TxLink } from './LeadLinks';

/** Merges that put the address in its wallet, listed at most. */
const EVIDENCE_SHOWN = 20;
/** Of those, listed open; the rest fold away (a hub's deposit addresses each have a merge). */
const EVIDENCE_OPEN = 3;

/** An address of the canvas to ask "why" with: drawn as a node, or inside an entity node. */
interface WhyCandidate {
  address: string;
  text: string;
  /** In the same automatic cluster as the address asked about, as the canvas draws it. */
  sameWallet: boolean;
}

/** The canvas's other addresses on the chain, those of the same wallet first. */
function candidatesOf(graph: Graph | null, chain: string, address: string, cluster: string | null): WhyCandidate[] {
  const out = new Map<string, WhyCandidate>();
  for (const n of graph?.nodes ?? []) {
    if (n.hidden) continue;
    if (n.kind === 'address' && n.chain === chain && n.address !== address) {
      const sameWallet = cluster !== null && n.wallet?.cluster === cluster;
      const tag = n.tags[0]?.label ?? n.labels?.[0]?.label;
      out.set(n.address, { address: n.address, text: `${n.short}${tag ? ` · ${tag}` : ''}`, sameWallet });
    }
    if (n.kind === 'entity' && n.chain === chain) {
      for (const m of n.members) {
        if (m.address === address) continue;
        out.set(m.address, { address: m.address, text: `${m.short} (in the entity)`, sameWallet: n.cluster === cluster });
      }
    }
  }
  return [...out.values()].sort((a, b) => Number(b.sameWallet) - Number(a.sameWallet) || a.text.localeCompare(b.text));
}

function WalletLabelText({ label, chain }: { label: NonNullable<ClusterView['label']>; chain: string }) {
  return (
    <span className={label.sanctioned ? 'wallet-label sanctioned' : 'wallet-label'} data-testid="wallet-best-label">
      {label.sanctioned ? SANCTION_PREFIX : ''}
      <strong>{label.label}</strong>
      {label.category && <span className="muted"> ({categoryLabel(label.category)})</span>} <span className="muted">on</span>{' '}
      <AddressLink chain={chain} address={label.address} />
    </span>
  );
}

/** The steps of a "why" answer: from → to, by which transaction and heuristic. */
export function WhySteps({ chain, why }: { chain: string; why: ClusterWhy }) {
  if (!why.joined) return <p className="muted" data-testid="why-result">Not in one automatic cluster: no chain of merges joins them.</p>;
  if (why.steps.length === 0) return <p className="muted" data-testid="why-result">The same address.</p>;
  return (
    <ol className="why-steps" data-testid="why-result">
      {why.steps.map((s, i) => (
        <li key={i} data-testid="why-step" data-tx={s.tx}>
          <span className="why-pair">
            <AddressLink chain={chain} address={s.from} /> → <AddressLink chain={chain} address={s.to} />
          </span>
          <span className="why-by">
            tx <TxLink chain={chain} hash={s.tx} /> <span className="heuristic">({s.heuristic})</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

/** Why two addresses of the canvas are one wallet: pick the other one, ask, read the merges. */
function WhyPicker(props: { chain: string; address: string; caseId: string; graph: Graph | null; cluster: string | null }) {
  const { client } = useServices();
  const candidates = useMemo(() => candidatesOf(props.graph, props.chain, props.address, props.cluster), [props.graph, props.chain, props.address, props.cluster]);
  const [other, setOther] = useState<string>('');
  const [answer, setAnswer] = useState<{ with: string; why: ClusterWhy } | { with: string; error: string } | null>(null);
  const [asking, setAsking] = useState(false);
  const chosen = candidates.some((c) => c.address === other) ? other : (candidates[0]?.address ?? '');
  if (candidates.length === 0) return <p className="muted small">No other address of this chain on the canvas to ask “why” with.</p>;
  const ask = () => {
    setAsking(true);
    client['clusters.why']({ chain: props.chain, a: props.address, b: chosen, caseId: props.caseId })
      .then((why) => setAnswer({ with: chosen, why }))
      .catch((e: unknown) => setAnswer({ with: chosen, error: toShownError(e).message }))
      .finally(() => setAsking(false));
  };
  return (
    <div className="why-picker" data-testid="why-picker">
      <div className="why-ask">
        <label htmlFor="why-other">Why in one wallet with</label>
        <select id="why-other" value={chosen} onChange={(e) => setOther(e.target.value)} data-testid="why-other">
          {[true, false].map((same) => {
            const group = candidates.filter((c) => c.sameWallet === same);
            return (
              group.length > 0 && (
                <optgroup key={String(same)} label={same ? 'In the same wallet' : 'Other addresses on the canvas'}>
                  {group.map((c) => (
                    <option key={c.address} value={c.address}>
                      {c.text}
                    </option>
                  ))}
                </optgroup>
              )
            );
          })}
        </select>
        <button type="button" className="small" onClick={ask} disabled={asking} data-testid="why-ask">
          Why?
        </button>
      </div>
      {answer && answer.with === chosen && ('error' in answer ? <p className="inline-error small">{answer.error}</p> : <WhySteps chain={props.chain} why={answer.why} />)}
    </div>
  );
}

/** The case's overrides acting on this wallet, in words. */
function OverrideList({ overrides, chain }: { overrides: readonly ClusterOverride[]; chain: string }) {
  if (overrides.length === 0) return null;
  return (
    <ul className="plain-list wallet-overrides" data-testid="wallet-overrides">
      {overrides.map((o) => (
        <li key={o.id}>
          <span className="chip">this case</span>{' '}
          {o.kind === 'split' && o.a && (
            <>
              <AddressLink chain={chain} address={o.a} /> split out by {o.createdBy}
            </>
          )}
          {o.kind === 'reject' && o.tx && (
            <>
              merges of tx <TxLink chain={chain} hash={o.tx} /> rejected by {o.createdBy}
            </>
          )}
          {o.kind === 'confirm' && o.tx && (
            <>
              held merge of tx <TxLink chain={chain} hash={o.tx} /> confirmed by {o.createdBy}
            </>
          )}
          {o.note && <span className="muted"> — {o.note}</span>}
        </li>
      ))}
    </ul>
  );
}

function Body(props: {
  query: QueryState<ClusterView>;
  chain: string;
  address: string;
  caseId: string;
  graph: Graph | null;
  onCollapse?: () => void;
  onOverride?: (o: ClusterOverrideRequest) => Promise<boolean>;
}) {
  const { query } = props;
  if (query.state === 'failed')
    return (
      <p className="inline-error small" role="alert">
        {query.message}
      </p>
    );
  if (query.state !== 'done') return <p className="muted">Loading…</p>;
  const v = query.value;
  const overrides = <OverrideList overrides={v.overrides ?? []} chain={props.chain} />;
  if (v.size <= 1) {
    return (
      <>
        <p className="muted" data-testid="wallet-alone">
          {v.automatic && v.automatic.size > 1
            ? `Alone in this case: the overrides below take it out of an automatic cluster of ${formatCount(v.automatic.size)} addresses.`
            : 'Alone: no transaction in the store joins it to another address.'}
        </p>
        {overrides}
      </>
    );
  }
  const { onOverride } = props;
  const shown = v.evidence.slice(0, EVIDENCE_SHOWN);
  const evidenceItem = (e: ClusterView['evidence'][number]) => (
    <li key={`${e.tx}:${e.heuristic}`}>
      In this wallet because of tx <TxLink chain={props.chain} hash={e.tx} /> <span className="heuristic">({e.heuristic})</span>
      {onOverride && (
        <button
          type="button"
          className="link-button small"
          title="Do not apply this transaction's merges in this case (audited; Undo takes it back)"
          data-testid="reject-merge"
          onClick={() => void onOverride({ kind: 'reject', chain: props.chain, tx: e.tx })}
        >
          reject
        </button>
      )}
    </li>
  );
  return (
    <>
      <dl className="facts">
        <dt>Wallet</dt>
        <dd data-testid="wallet-size">
          <span className="mono">{v.cluster}</span> · {formatCount(v.size)} addresses
          {v.automatic && v.automatic.size !== v.size && <span className="muted small"> (automatic: {formatCount(v.automatic.size)}, before this case’s overrides)</span>}
        </dd>
        <dt>Best label</dt>
        <dd>{v.label ? <WalletLabelText label={v.label} chain={props.chain} /> : <span className="muted">none of its addresses is labelled</span>}</dd>
      </dl>
      {shown.length > 0 && (
        <div className="wallet-evidence" data-testid="wallet-evidence">
          <ul className="plain-list">{shown.slice(0, EVIDENCE_OPEN).map(evidenceItem)}</ul>
          {shown.length > EVIDENCE_OPEN && (
            <details>
              <summary className="small">
                {shown.length === EVIDENCE_SHOWN ? 'at least ' : ''}
                {formatCount(shown.length - EVIDENCE_OPEN)} more merge{shown.length - EVIDENCE_OPEN === 1 ? '' : 's'} of this address
              </summary>
              <ul className="plain-list">{shown.slice(EVIDENCE_OPEN).map(evidenceItem)}</ul>
            </details>
          )}
        </div>
      )}
      {v.evidence.length > shown.length && <p className="muted small">and more merges; “why” below follows them.</p>}
      <WhyPicker chain={props.chain} address={props.address} caseId={props.caseId} graph={props.graph} cluster={v.cluster} />
      {overrides}
      {(props.onCollapse || onOverride) && (
        <div className="button-row">
          {onOverride && (
            <button
              type="button"
              title="Take this address out of its automatic wallet in this case (audited; Undo takes it back)"
              data-testid="split-address"
              onClick={() => void onOverride({ kind: 'split', chain: props.chain, address: props.address })}
            >
              Split out
            </button>
          )}
          {props.onCollapse && (
            <button type="button" onClick={props.onCollapse} title="Draw the addresses of this wallet on the canvas as one entity node (W)" data-testid="collapse-entity">
              Collapse to entity
            </button>
          )}
        </div>
      )}
    </>
  );
}

export function ClusterEvidence(props: {
  chain: string;
  address: string;
  caseId: string;
  graph: Graph | null;
  /** Changes when the case's view of the cluster may have (its name and size on the canvas). */
  stamp: string;
  /** Offered when the address is the canvas selection and the case can be edited. */
  onCollapse?: () => void;
  /** Split this address out, or reject a merge, in this case: offered for the selection of an editable case. */
  onOverride?: (o: ClusterOverrideRequest) => Promise<boolean>;
}) {
  const { client } = useServices();
  const query = useQuietQuery(`${props.caseId}|${props.chain}|${props.address}|${props.stamp}`, () =>
    client['clusters.show']({ chain: props.chain, address: props.address, caseId: props.caseId, limit: EVIDENCE_SHOWN }),
  );
  return (
    <section className="detail-section wallet-section" aria-labelledby="wallet-title" data-testid="wallet-section">
      <div className="section-head">
        <h3 id="wallet-title">Automatic cluster</h3>
        <span className="muted small" title="Inferred from the chain (multi-input: the inputs of one transaction are spent by one wallet), never a fact">
          inferred
        </span>
      </div>
      <Body query={query} {...props} />
    </section>
  );
}
