import { useEffect, useState } from 'react';
import type { AddressNode, AddressSummary, GraphCluster } from '../../shared/api/schemas';
import type { ChainOption } from '../dialogs/fields';
import { formatUnixUtc } from '../format/text';
import { useServices } from '../state/services';
import { AssetTotals } from './AssetTotals';
import { CopyButton } from './CopyButton';
import { TagList } from './TagList';
import { TransferTable } from './TransferTable';

export function AddressDetails(props: {
  node: AddressNode;
  /** The case whose facts to read (a received case's own evidence until it is merged). */
  caseId: string;
  factsFromBundle: boolean;
  cluster: GraphCluster | null;
  chains: readonly ChainOption[];
  onRemoveTag(tagId: number): void;
  onTag(): void;
}) {
  const { node } = props;
  const { client, run } = useServices();
  const [summary, setSummary] = useState<AddressSummary | null>(null);

  useEffect(() => {
    let current = true;
    setSummary(null);
    void run(() => client['address.summary']({ chain: node.chain, address: node.address, caseId: props.caseId })).then((s) => {
      if (current && s) setSummary(s);
    });
    return () => {
      current = false;
    };
  }, [client, run, node.chain, node.address, props.caseId]);

  const chainName = props.chains.find((c) => c.id === node.chain)?.name ?? node.chain;
  const display = summary?.display ?? node.display;
  const known = summary?.known ?? node.known;

  return (
    <div className="address-details">
      <h2>Address</h2>
      <div className="address-field">
        <input
          type="text"
          readOnly
          className="mono"
          aria-label="Display form"
          value={display}
          onFocus={(e) => e.target.select()}
          data-testid="address-display"
        />
        <CopyButton text={display} />
      </div>
      <dl className="facts">
        <dt>Chain</dt>
        <dd title={node.chain}>{chainName}</dd>
        <dt>{props.factsFromBundle ? 'In the bundle' : 'In store'}</dt>
        <dd>{known ? 'known' : props.factsFromBundle ? 'unknown (the bundle carries no transfers of it)' : 'unknown (no transfers imported)'}</dd>
        {node.role && (
          <>
            <dt>Seed role</dt>
            <dd>
              <span className={`role-badge role-${node.role}`}>{node.role}</span>
            </dd>
          </>
        )}
        {props.cluster && (
          <>
            <dt>Cluster</dt>
            <dd>
              <span className="swatch" style={{ backgroundColor: props.cluster.color }} aria-hidden="true" /> {props.cluster.name}
            </dd>
          </>
        )}
        <dt>First seen</dt>
        <dd className="mono">{summary ? formatUnixUtc(summary.firstSeen) : '…'}</dd>
        <dt>Last seen</dt>
        <dd className="mono">{summary ? formatUnixUtc(summary.lastSeen) : '…'}</dd>
      </dl>
      <section className="detail-section" aria-labelledby="totals-title">
        <h3 id="totals-title">Totals</h3>
        {summary ? <AssetTotals totals={summary.totals} /> : <p className="muted">Loading…</p>}
      </section>
      <TagList tags={node.tags} onRemove={props.onRemoveTag} onAdd={props.onTag} />
      <TransferTable chain={node.chain} address={node.address} caseId={props.caseId} />
    </div>
  );
}
