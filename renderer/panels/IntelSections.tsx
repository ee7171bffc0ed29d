/**
 * What label sets say about an address, a selection or a cluster, in the details panel: every
 * label with its provenance, and the direct exposure to labelled counterparties with the
 * counterparties behind each figure. Read only while some label set is imported.
 */
import { useState, type ReactNode } from 'react';
import type { IndirectExposureRow, TaintMethod } from '../../shared/api/traceSchemas';
import type { CounterpartyLabel, Exposure, ExposureRow, Label } from '../../shared/api/schemas';
import { categoryLabel } from '../dialogs/fields';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { formatCount } from '../format/text';
import { colourOfCategory } from '../graph/labelCategory';
import { SANCTION_PREFIX } from '../graph/labelDetail';
import { useLabelSetsContext } from '../state/labelSets';
import { useServices } from '../state/services';
import { useQuietQuery, type QueryState } from '../state/useQuietQuery';
import { AddressLink } from './LeadLinks';

export function CategorySwatch({ category, abuse = null }: { category: string | null; abuse?: string | null }) {
  const colour = colourOfCategory(category, abuse);
  if (!colour) return null;
  return <span className="swatch category-swatch" style={{ backgroundColor: colour }} aria-hidden="true" />;
}

/** A counterparty's best label beside its address in a table ("Huobi" rather than 0x…). */
export function CounterpartyLabelTag({ label }: { label: CounterpartyLabel }) {
  const more = label.count > 1 ? ` (+${formatCount(label.count - 1)} more label${label.count === 2 ? '' : 's'})` : '';
  return (
    <span
      className={label.sanctioned ? 'party-label sanctioned' : 'party-label'}
      title={`${label.sanctioned ? 'SANCTIONED · ' : ''}${label.label}${label.category ? ` (${categoryLabel(label.category)})` : ''}${more}`}
      data-testid="counterparty-label"
    >
      <CategorySwatch category={label.category} />
      {label.sanctioned ? SANCTION_PREFIX : ''}
      {label.label}
    </span>
  );
}

function NoLabelSets() {
  return <p className="muted small">No label sets imported (Import labels… in the side panel).</p>;
}

function Pending<T>({ query, children }: { query: QueryState<T>; children(value: T): ReactNode }) {
  if (query.state === 'failed')
    return (
      <p className="inline-error small" role="alert">
        {query.message}
      </p>
    );
  if (query.state !== 'done') return <p className="muted">Loading…</p>;
  return <>{children(query.value)}</>;
}

/** A label's source: shown as a link would be, never opened (Cairn works offline). */
function SourceText({ source }: { source: string }) {
  const url = /^https?:\/\//i.test(source);
  return (
    <span className={url ? 'source-text url' : 'source-text'} title={url ? `${source}\n(not opened: Cairn stays offline; copy it to open it elsewhere)` : source}>
      {source}
    </span>
  );
}

function confidenceText(l: Label): string {
  if (l.confidence && l.confidenceScore !== null) return `${l.confidence.replace(/_/g, ' ')} (${l.confidenceScore})`;
  if (l.confidence) return l.confidence.replace(/_/g, ' ');
  if (l.confidenceScore !== null) return String(l.confidenceScore);
  return 'not given';
}

export function LabelItem({ label: l }: { label: Label }) {
  const sanction = l.abuse === 'sanction';
  return (
    <li className={`label-item${sanction ? ' sanctioned' : ''}`} data-testid="label-item">
      <div className="label-head">
        <CategorySwatch category={l.category} abuse={l.abuse} />
        <strong className="label-text">{l.label}</strong>
        {l.category && <span className="chip">{categoryLabel(l.category)}</span>}
        {l.abuse && <span className={sanction ? 'chip chip-sanction' : 'chip chip-bad'}>{sanction ? 'sanctioned' : categoryLabel(l.abuse)}</span>}
      </div>
      <dl className="label-facts small">
        <dt>Confidence</dt>
        <dd>{confidenceText(l)}</dd>
        {l.source && (
          <>
            <dt>Source</dt>
            <dd>
              <SourceText source={l.source} />
            </dd>
          </>
        )}
        {(l.actorName || l.actor) && (
          <>
            <dt>Actor</dt>
            <dd title={l.actor ?? undefined}>{l.actorName ?? l.actor}</dd>
          </>
        )}
        {l.context && (
          <>
            <dt>Context</dt>
            <dd className="note">{l.context}</dd>
          </>
        )}
        {l.lastmod && (
          <>
            <dt>Changed</dt>
            <dd>{l.lastmod}</dd>
          </>
        )}
        <dt>Set</dt>
        <dd title={`label set #${l.set.id} (${l.set.kind})`}>{l.set.title}</dd>
      </dl>
    </li>
  );
}

/** Every label of an address (labels.show), the most confident first. */
export function AddressLabelsSection(props: {
  chain: string;
  address: string;
  /** The node's own count of labels, when the graph gives one: 0 reads nothing. */
  knownCount: number | null;
}) {
  const { client } = useServices();
  const { any, revision } = useLabelSetsContext();
  const read = any && props.knownCount !== 0;
  const query = useQuietQuery(read ? `${props.chain}|${props.address}|${revision}|${props.knownCount}` : null, () =>
    client['labels.show']({ chain: props.chain, address: props.address }),
  );
  return (
    <section className="detail-section" aria-labelledby="labels-title" data-testid="address-labels">
      <div className="section-head">
        <h3 id="labels-title">Labels</h3>
        {query.state === 'done' && query.value.labels.length > 0 && <span className="muted small num">{formatCount(query.value.labels.length)}</span>}
      </div>
      {!any ? (
        <NoLabelSets />
      ) : !read ? (
        <p className="muted">No label set names this address.</p>
      ) : (
        <Pending query={query}>
          {(v) =>
            v.labels.length === 0 ? (
              <p className="muted">No label set names this address.</p>
            ) : (
              <ul className="tag-list label-list" data-testid="label-list">
                {v.labels.map((l, i) => (
                  <LabelItem key={`${l.set.id}:${i}`} label={l} />
                ))}
              </ul>
            )
          }
        </Pending>
      )}
    </section>
  );
}

function directionWords(row: ExposureRow): string {
  return row.direction === 'received' ? 'received from' : 'sent to';
}

/** The counterparties behind one exposure figure, folded: each with its label and its part. */
function Parties(props: { parties: readonly { chain: string; address: string; display: string; label: string; amount: string }[]; asset: ExposureRow['asset']; one: string; many: string }) {
  const n = props.parties.length;
  return (
    <details>
      <summary>{n === 1 ? `1 ${props.one}` : `${formatCount(n)} ${props.many}`}</summary>
      <ul className="plain-list">
        {props.parties.map((c) => {
          const part = formatAmountRounded(c.amount, props.asset);
          return (
            <li key={`${c.chain}:${c.address}`} className="exposure-party">
              <AddressLink chain={c.chain} address={c.address} display={c.display} />
              <span className="ellipsis" title={c.label}>
                {c.label}
              </span>
              <span className="num amount" title={amountTooltip(part)}>
                {part.text}
              </span>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function ExposureRows({ exposure }: { exposure: Exposure }) {
  if (exposure.rows.length === 0) return <p className="muted">No transfer with a labelled counterparty.</p>;
  return (
    <table className="data-table exposure" data-testid="exposure-table">
      <thead>
        <tr>
          <th scope="col">Counterparties</th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col" className="num" title="Transfers">
            #
          </th>
        </tr>
      </thead>
      {exposure.rows.map((row, i) => {
        const amount = formatAmountRounded(row.total, row.asset);
        return (
          <tbody key={i} data-testid="exposure-row" data-category={row.category} data-direction={row.direction}>
            <tr>
              <td>
                <CategorySwatch category={row.category} /> <strong>{categoryLabel(row.category)}</strong>{' '}
                <span className="muted">{directionWords(row)}</span>
              </td>
              <td className="num amount" title={amountTooltip(amount)} data-testid="exposure-amount">
                {amount.text}
              </td>
              <td className="num muted" title={`${formatCount(row.count)} transfers`}>
                {formatCount(row.count)}×
              </td>
            </tr>
            <tr className="exposure-parties">
              <td colSpan={3}>
                <Parties parties={row.counterparties} asset={row.asset} one="counterparty" many="counterparties" />
              </td>
            </tr>
          </tbody>
        );
      })}
    </table>
  );
}

/**
 * Direct exposure: what the subject received from and sent to labelled counterparties, per
 * category, direction and asset, exact on hover, each figure's counterparties one click away.
 * The subject is an address, or a case's nodes (a selection, a cluster's members).
 */
export function ExposureSection(props: { subject: { chain: string; address: string } | { caseId: string; nodeIds: readonly string[] }; title?: string }) {
  const { client } = useServices();
  const { any, revision } = useLabelSetsContext();
  const s = props.subject;
  const key = 'address' in s ? `a|${s.chain}|${s.address}` : `n|${s.caseId}|${s.nodeIds.join(',')}`;
  const query = useQuietQuery(any && ('address' in s || s.nodeIds.length > 0) ? `${key}|${revision}` : null, () =>
    client['exposure.get']('address' in s ? { chain: s.chain, address: s.address } : { caseId: s.caseId, nodeIds: [...s.nodeIds].slice(0, 10000) }),
  );
  return (
    <section className="detail-section" aria-labelledby="exposure-title" data-testid="exposure">
      <div className="section-head">
        <h3 id="exposure-title">{props.title ?? 'Exposure'}</h3>
        <span className="muted small" title="Value moved directly between the subject and labelled counterparties; indirect exposure over several hops is traced below.">
          direct
        </span>
      </div>
      {!any ? <NoLabelSets /> : <Pending query={query}>{(v) => <ExposureRows exposure={v} />}</Pending>}
    </section>
  );
}

function IndirectRows({ rows }: { rows: readonly IndirectExposureRow[] }) {
  if (rows.length === 0) return <p className="muted">No traced value reaches a labelled service within these hops.</p>;
  return (
    <table className="data-table exposure" data-testid="indirect-exposure-table">
      <thead>
        <tr>
          <th scope="col">Reaches</th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col" className="num" title="Share of what the address sent">
            Share
          </th>
          <th scope="col" className="num" title="Nearest hop">
            Hops
          </th>
        </tr>
      </thead>
      {rows.map((row, i) => {
        const amount = formatAmountRounded(row.amount, row.asset);
        return (
          <tbody key={i} data-testid="indirect-exposure-row" data-category={row.category}>
            <tr>
              <td>
                <CategorySwatch category={row.category} /> <strong>{categoryLabel(row.category)}</strong>
              </td>
              <td className="num amount" title={amountTooltip(amount)}>
                {amount.text}
              </td>
              <td className="num">{(row.share * 100).toFixed(row.share < 0.01 ? 2 : 1)}%</td>
              <td className="num muted">{row.nearestHops}</td>
            </tr>
            <tr className="exposure-parties">
              <td colSpan={4}>
                <Parties
                  parties={row.counterparties.map((c) => ({ ...c, label: `${c.label ?? ''} · ${c.hops} hops` }))}
                  asset={row.asset}
                  one="service"
                  many="services"
                />
              </td>
            </tr>
          </tbody>
        );
      })}
    </table>
  );
}

/**
 * Indirect exposure: the value the address sent, traced by the chosen method, that reaches each
 * label category within N hops (the trace stops at the first labelled service it meets).
 */
export function IndirectExposureSection(props: { chain: string; address: string }) {
  const { client } = useServices();
  const { any, revision } = useLabelSetsContext();
  const [method, setMethod] = useState<TaintMethod>('haircut');
  const [hops, setHops] = useState(3);
  const query = useQuietQuery(any ? `${props.chain}|${props.address}|${method}|${hops}|${revision}` : null, () =>
    client['exposure.indirect']({ chain: props.chain, address: props.address, method, maxHops: hops }),
  );
  return (
    <section className="detail-section" aria-labelledby="indirect-exposure-title" data-testid="indirect-exposure">
      <div className="section-head">
        <h3 id="indirect-exposure-title">Indirect exposure</h3>
        <span className="muted small">
          <select aria-label="Method" value={method} onChange={(e) => setMethod(e.target.value as TaintMethod)}>
            <option value="haircut">haircut</option>
            <option value="fifo">FIFO</option>
            <option value="poison">poison</option>
          </select>{' '}
          within{' '}
          <select aria-label="Hops" value={hops} onChange={(e) => setHops(Number(e.target.value))}>
            {[1, 2, 3, 4, 5, 6].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>{' '}
          hops
        </span>
      </div>
      {!any ? <NoLabelSets /> : <Pending query={query}>{(v) => <IndirectRows rows={v.rows} />}</Pending>}
    </section>
  );
}
