import { useEffect, useState } from 'react';
import type { AddressNode, AddressSummary, EntityNode, Graph, GraphCluster, SEED_ROLES } from '../../shared/api/schemas';
import { displayAddress } from '../../shared/codec/address';
import type { ChainOption } from '../dialogs/fields';
import { formatUnixUtc } from '../format/text';
import { useInspectorContext } from '../state/inspector';
import { useCaseReadOnly } from '../state/readOnly';
import { useServices } from '../state/services';
import type { ClusterOverrideRequest } from '../state/useGraphActions';
import { entityName } from '../graph/toElements';
import { AssetTotals } from './AssetTotals';
import { ClusterEvidence } from './ClusterEvidence';
import { CopyButton } from './CopyButton';
import { AddressLabelsSection, ExposureSection, IndirectExposureSection } from './IntelSections';
import { TagList } from './TagList';
import { TransferTable } from './TransferTable';

/** An address opened from a link that is not drawn on the canvas: what it is, and how to draw it. */
function OffCanvas({ chain, address, node }: { chain: string; address: string; node: AddressNode | null }) {
  const inspector = useInspectorContext();
  const readOnly = useCaseReadOnly();
  const [adding, setAdding] = useState(false);
  const hidden = node?.hidden ?? false;
  const add = () => {
    setAdding(true);
    void inspector.bringToCanvas(chain, address).finally(() => setAdding(false));
  };
  return (
    <div className="off-canvas-note" data-testid="off-canvas">
      <span>{hidden ? 'Hidden on the canvas.' : 'Not on the canvas.'}</span>
      {!readOnly && (
        <button type="button" className="small primary" disabled={adding} onClick={add} data-testid="add-to-canvas">
          {hidden ? 'Show on canvas' : 'Add to canvas'}
        </button>
      )}
    </div>
  );
}

/** An address drawn inside an entity node (its wallet collapsed): where it is, and the way there. */
function InEntity({ entity }: { entity: EntityNode }) {
  const inspector = useInspectorContext();
  return (
    <div className="off-canvas-note" data-testid="in-entity">
      <span>
        Drawn inside the entity <strong>{entityName(entity)}</strong>.
      </span>
      <button type="button" className="small" onClick={() => inspector.focusOnCanvas([entity.id])}>
        Select entity
      </button>
    </div>
  );
}

function displayOf(chain: string, address: string): string {
  try {
    return displayAddress(chain, address);
  } catch {
    return address;
  }
}

/**
 * An address: selected on the canvas (node drawn and selected), or opened from a link (a lead:
 * node null, or hidden), which offers to put it on the canvas. Tagging acts on the canvas
 * selection, so it is offered only for the selected node.
 */
export function AddressDetails(props: {
  chain: string;
  address: string;
  /** Its node on the canvas, drawn or hidden; null when it has none. */
  node: AddressNode | null;
  /** True when it is the canvas selection, false when opened from a link. */
  selected: boolean;
  role: (typeof SEED_ROLES)[number] | null;
  /** The case whose facts to read (a received case's own evidence until it is merged). */
  caseId: string;
  factsFromBundle: boolean;
  cluster: GraphCluster | null;
  chains: readonly ChainOption[];
  onRemoveTag(tagId: number): void;
  onTag(): void;
  /** The case's graph, for the automatic cluster section's "why" (other addresses of the canvas). */
  graph?: Graph | null;
  /** The entity node it is drawn inside, when its wallet is collapsed. */
  entity?: EntityNode | null;
  /** Collapses its wallet into an entity node: offered for the canvas selection of an editable case. */
  onCollapse?(): void;
  /** Overrides its automatic cluster in this case: offered for the canvas selection of an editable case. */
  onOverride?(o: ClusterOverrideRequest): Promise<boolean>;
}) {
  const { chain, address, node } = props;
  const { client, run } = useServices();
  const [summary, setSummary] = useState<AddressSummary | null>(null);

  useEffect(() => {
    let current = true;
    setSummary(null);
    void run(() => client['address.summary']({ chain, address, caseId: props.caseId })).then((s) => {
      if (current && s) setSummary(s);
    });
    return () => {
      current = false;
    };
  }, [client, run, chain, address, props.caseId]);

  const chainName = props.chains.find((c) => c.id === chain)?.name ?? chain;
  const display = summary?.display ?? node?.display ?? displayOf(chain, address);
  const known = summary?.known ?? node?.known ?? false;
  const drawn = node !== null && !node.hidden;

  return (
    <div className="address-details" data-testid="address-details">
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
      {props.entity ? <InEntity entity={props.entity} /> : !drawn && <OffCanvas chain={chain} address={address} node={node} />}
      <dl className="facts">
        <dt>Chain</dt>
        <dd title={chain}>{chainName}</dd>
        <dt>{props.factsFromBundle ? 'In the bundle' : 'In store'}</dt>
        <dd>{known ? 'known' : props.factsFromBundle ? 'unknown (the bundle carries no transfers of it)' : 'unknown (no transfers imported)'}</dd>
        {props.role && (
          <>
            <dt>Seed role</dt>
            <dd>
              <span className={`role-badge role-${props.role}`}>{props.role}</span>
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
        {node?.sanctioned && (
          <>
            <dt>Sanctions</dt>
            <dd>
              <span className="chip chip-sanction" data-testid="sanctioned-badge">
                sanctioned
              </span>
            </dd>
          </>
        )}
        {!props.selected && node && node.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{node.tags.map((t) => t.label).join(', ')}</dd>
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
      <ClusterEvidence
        chain={chain}
        address={address}
        caseId={props.caseId}
        graph={props.graph ?? null}
        stamp={`${node?.wallet?.cluster ?? props.entity?.cluster ?? ""}|${node?.wallet?.size ?? props.entity?.size ?? 1}|${props.graph?.undo ?? ""}`}
        {...(props.onCollapse && drawn && node?.wallet ? { onCollapse: props.onCollapse } : {})}
        {...(props.onOverride && props.selected ? { onOverride: props.onOverride } : {})}
      />
      {props.selected && node && <TagList tags={node.tags} onRemove={props.onRemoveTag} onAdd={props.onTag} />}
      <AddressLabelsSection chain={chain} address={address} knownCount={node?.labelCount ?? null} />
      <ExposureSection subject={{ chain, address }} />
      <IndirectExposureSection chain={chain} address={address} />
      <TransferTable chain={chain} address={address} caseId={props.caseId} />
    </div>
  );
}
