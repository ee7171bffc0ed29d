/**
 * An entity node: an automatic cluster drawn collapsed. What it stands for (the whole wallet's
 * size, the members drawn in it), its best label, the value that moved inside it (internal, not
 * drawn), why its addresses are one wallet, and the way back to its members.
 */
import { useState } from 'react';
import type { EntityNode, Graph, GraphEdge } from '../../shared/api/schemas';
import { categoryLabel } from '../dialogs/fields';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { formatCount } from '../format/text';
import { SANCTION_PREFIX } from '../graph/labelDetail';
import { entityCount, entityName } from '../graph/toElements';
import { useCaseReadOnly } from '../state/readOnly';
import { ClusterEvidence } from './ClusterEvidence';
import { EdgeDetails, EdgeEnd, EdgeFigures } from './EdgeDetails';
import { ExposureSection } from './IntelSections';
import { AddressLink } from './LeadLinks';

export function EntityDetails(props: { node: EntityNode; graph: Graph; onExpandBack(): void; onExpandWallet(): void }) {
  const { node, graph } = props;
  const readOnly = useCaseReadOnly();
  return (
    <div className="entity-details" data-testid="entity-details">
      <h2>Entity: a wallet drawn as one node</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="entity-name">{entityName(node)}</dd>
        <dt>Wallet</dt>
        <dd>
          <span className="mono">{node.cluster}</span> · automatic cluster of <span data-testid="entity-size">{formatCount(node.size)}</span> addresses
        </dd>
        <dt>On the canvas</dt>
        <dd data-testid="entity-members-count">{entityCount(node)} drawn in it</dd>
        <dt>Best label</dt>
        <dd>
          {node.label ? (
            <span className={node.label.sanctioned ? 'wallet-label sanctioned' : 'wallet-label'}>
              {node.label.sanctioned ? SANCTION_PREFIX : ''}
              <strong>{node.label.label}</strong>
              {node.label.category && <span className="muted"> ({categoryLabel(node.label.category)})</span>} <span className="muted">on</span>{' '}
              <AddressLink chain={node.chain} address={node.label.address} />
            </span>
          ) : node.labelChecked ? (
            <span className="muted">none of its addresses is labelled</span>
          ) : (
            <span className="muted">too large to look through here: see Automatic cluster below</span>
          )}
        </dd>
        <dt>Collapsed from</dt>
        <dd>
          <AddressLink chain={node.chain} address={node.anchor} display={node.anchorDisplay} head={10} tail={8} />
        </dd>
      </dl>
      {!readOnly && (
        <div className="button-row">
          <button type="button" onClick={props.onExpandBack} title="Draw its addresses again where they were (Shift+W)" data-testid="entity-expand-back">
            Expand back
          </button>
          <button type="button" onClick={props.onExpandWallet} title={`Add the counterparties of all ${formatCount(node.size)} addresses of the wallet, a page at a time (E, or double-click)`} data-testid="entity-expand-wallet">
            Expand wallet
          </button>
        </div>
      )}
      <p className="muted small" data-testid="entity-edges-note">
        {node.wholeWallet
          ? `Its edges sum the transfers of all ${formatCount(node.size)} addresses of the wallet with the addresses on the canvas, per counterpart and asset.`
          : `The wallet is too large to read while drawing: its edges sum the transfers of the ${formatCount(node.members.length)} members drawn in it only.`}
      </p>
      <section className="detail-section" aria-labelledby="entity-members-title">
        <div className="section-head">
          <h3 id="entity-members-title">Members on the canvas</h3>
          <span className="muted small num">{formatCount(node.members.length)}</span>
        </div>
        <ul className="plain-list entity-members" data-testid="entity-members">
          {node.members.map((m) => (
            <li key={m.nodeId}>
              <AddressLink chain={node.chain} address={m.address} display={m.display} head={10} tail={8} />
              {m.role && <span className={`role-badge role-${m.role}`}>{m.role}</span>}
            </li>
          ))}
        </ul>
      </section>
      <section className="detail-section" aria-labelledby="entity-internal-title" data-testid="entity-internal">
        <h3 id="entity-internal-title">Internal flows</h3>
        {node.internal.length === 0 ? (
          <p className="muted">No value moved between two of its {node.wholeWallet ? 'addresses' : 'members on the canvas'}.</p>
        ) : (
          <>
            <p className="muted small">
              Between two of its {node.wholeWallet ? 'addresses' : 'members on the canvas'}: internal to the wallet, so not drawn as edges.
            </p>
            <ul className="plain-list">
              {node.internal.map((f) => {
                const amount = formatAmountRounded(f.total, f.asset);
                return (
                  <li key={f.asset.id}>
                    <span className="mono" title={amountTooltip(amount)} data-base-units={f.total}>
                      {amount.text}
                    </span>{' '}
                    <span className="muted">
                      in {formatCount(f.count)} transfer{f.count === 1 ? '' : 's'}
                    </span>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>
      <ExposureSection subject={{ caseId: graph.caseId, nodeIds: [node.id] }} title="Exposure of its members on the canvas" />
      <ClusterEvidence chain={node.chain} address={node.anchor} caseId={graph.caseId} graph={graph} stamp={`${node.cluster}|${node.size}`} />
    </div>
  );
}

/**
 * An edge to or from an entity: the member edges it sums, exactly (each one's transfers a click
 * away), and their total.
 */
export function EntityEdgeDetails({ edge, graph }: { edge: GraphEdge; graph: Graph }) {
  const parts = edge.parts ?? [];
  const [chosen, setChosen] = useState<number | null>(null);
  const part = chosen === null ? null : parts[chosen];
  return (
    <div className="edge-details entity-edge-details" data-testid="entity-edge-details">
      <h2>Transfers to or from a wallet</h2>
      <dl className="facts">
        <dt>From</dt>
        <dd>
          <EdgeEnd graph={graph} id={edge.source} />
        </dd>
        <dt>To</dt>
        <dd>
          <EdgeEnd graph={graph} id={edge.target} />
        </dd>
        <dt>Asset</dt>
        <dd>{edge.asset.symbol ?? 'unknown token'}</dd>
        <EdgeFigures edge={edge} />
      </dl>
      <section className="detail-section" aria-labelledby="edge-parts-title">
        <div className="section-head">
          <h3 id="edge-parts-title">The member edges it sums</h3>
          <span className="muted small num">{formatCount(parts.length)}</span>
        </div>
        <table className="data-table" data-testid="edge-parts">
          <thead>
            <tr>
              <th scope="col">From → to</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Transfers
              </th>
            </tr>
          </thead>
          <tbody>
            {parts.map((p, i) => {
              const amount = formatAmountRounded(p.total, edge.asset);
              return (
                <tr key={`${p.from}-${p.to}`} className={chosen === i ? 'chosen' : undefined} data-testid="edge-part">
                  <td className="from-to">
                    <AddressLink chain={edge.asset.chain} address={p.from} /> → <AddressLink chain={edge.asset.chain} address={p.to} />
                    {(p.source === null || p.target === null) && <span className="muted small"> (member not on the canvas)</span>}
                  </td>
                  <td className="num amount" title={amountTooltip(amount)} data-base-units={p.total}>
                    {p.source !== null && p.target !== null ? (
                      <button type="button" className="link" onClick={() => setChosen(chosen === i ? null : i)} title="List its transfers below">
                        {amount.text}
                      </button>
                    ) : (
                      amount.text
                    )}
                  </td>
                  <td className="num">{formatCount(p.count)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {part && part.source !== null && part.target !== null && (
        <EdgeDetails
          key={`${part.source}-${part.target}`}
          edge={{ id: `${edge.id}:${part.source}-${part.target}`, source: part.source, target: part.target, asset: edge.asset, total: part.total, count: part.count, firstTime: null, lastTime: null }}
          graph={graph}
        />
      )}
    </div>
  );
}
