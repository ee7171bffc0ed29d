import { useEffect, useRef } from 'react';
import type { EntityNode, Graph, GraphEdge } from '../../shared/api/schemas';
import type { ChainOption } from '../dialogs/fields';
import { formatAmount } from '../format/amount';
import { formatCount } from '../format/text';
import { useInspectorContext, type Lead } from '../state/inspector';
import type { ClusterOverrideRequest } from '../state/useGraphActions';
import { selectedNodeIds, selectionSize, type SelectionInfo } from '../state/selection';
import { AddressDetails } from './AddressDetails';
import { ClusterDetails } from './ClusterDetails';
import { EdgeDetails } from './EdgeDetails';
import { EntityDetails, EntityEdgeDetails } from './EntityDetails';
import { entityName } from '../graph/toElements';
import { MoreNodeDetails } from './MoreNodeDetails';
import { MultiSelectionDetails } from './MultiSelectionDetails';
import { TxDetails } from './TxDetails';

export interface DetailsPanelProps {
  graph: Graph | null;
  selection: SelectionInfo;
  chains: readonly ChainOption[];
  /** Runs a command from the command table on the current selection. */
  runCommand(id: string): void;
  onRemoveTag(tagId: number): void;
  /** Overrides the automatic clusters in this case (split an address out, reject a transaction's merges). */
  onOverrideCluster?(o: ClusterOverrideRequest): Promise<boolean>;
  /** The case's facts come from a received bundle's evidence, not from this workspace's store. */
  factsFromBundle: boolean;
}

function shortOf(graph: Graph, nodeId: string): string {
  const node = graph.nodes.find((n) => n.id === nodeId);
  return node?.kind === 'address' ? node.short : node?.kind === 'entity' ? entityName(node) : nodeId;
}

/** The entity node an address is drawn inside, if its wallet is collapsed. */
function entityOf(graph: Graph, chain: string, address: string): EntityNode | null {
  for (const n of graph.nodes) if (n.kind === 'entity' && n.chain === chain && n.members.some((m) => m.address === address)) return n;
  return null;
}

/** Those of these node ids that are address nodes (not "more" pills). */
function addressIdsOf(graph: Graph, ids: readonly string[]): string[] {
  const addresses = new Set(graph.nodes.filter((n) => n.kind === 'address').map((n) => n.id));
  return ids.filter((id) => addresses.has(id));
}

/** Several edges selected (a box catches them): each leads to its own transfers. */
function EdgeList({ edges, graph }: { edges: readonly GraphEdge[]; graph: Graph }) {
  const inspector = useInspectorContext();
  return (
    <div className="edge-list">
      <h2>{formatCount(edges.length)} edges selected</h2>
      <p className="muted">Choose one to see its transfers.</p>
      <ul className="plain-list">
        {edges.map((e) => (
          <li key={e.id}>
            <button type="button" className="link mono" onClick={() => inspector.focusOnCanvas([e.id])} title={formatAmount(e.total, e.asset).title}>
              {shortOf(graph, e.source)} → {shortOf(graph, e.target)}: {formatAmount(e.total, e.asset).text}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function LeadBody({ lead, ...props }: DetailsPanelProps & { graph: Graph; lead: Lead }) {
  const { graph } = props;
  if (lead.kind === 'tx') return <TxDetails key={`${lead.chain}:${lead.hash}`} chain={lead.chain} txid={lead.hash} graph={graph} chains={props.chains} />;
  const node = graph.nodes.find((n) => n.kind === 'address' && n.chain === lead.chain && n.address === lead.address);
  const address = node?.kind === 'address' ? node : null;
  const seed = graph.seeds.find((s) => s.chain === lead.chain && s.address === lead.address);
  return (
    <AddressDetails
      key={`${lead.chain}:${lead.address}`}
      chain={lead.chain}
      address={lead.address}
      node={address}
      graph={graph}
      entity={entityOf(graph, lead.chain, lead.address)}
      selected={false}
      role={seed?.role ?? null}
      caseId={graph.caseId}
      factsFromBundle={props.factsFromBundle}
      cluster={graph.clusters.find((c) => c.id === address?.clusterId) ?? null}
      chains={props.chains}
      onRemoveTag={props.onRemoveTag}
      onTag={() => undefined}
    />
  );
}

function DetailsBody(props: DetailsPanelProps) {
  const { graph, selection, chains, runCommand, onRemoveTag, factsFromBundle } = props;
  const inspector = useInspectorContext();
  if (!graph) return <p className="muted">No case open.</p>;
  if (inspector.lead) return <LeadBody {...props} graph={graph} lead={inspector.lead} />;
  const count = selectionSize(selection);
  if (count === 0) {
    const [edge] = selection.edges;
    if (selection.edges.length > 1) return <EdgeList edges={selection.edges} graph={graph} />;
    if (edge?.parts) return <EntityEdgeDetails key={edge.id} edge={edge} graph={graph} />;
    if (edge) return <EdgeDetails key={edge.id} edge={edge} graph={graph} />;
    return (
      <p className="muted">
        Select a node to see its details, or an edge to see its transfers. Double-click an address to expand it; right-click for more actions.
      </p>
    );
  }
  if (count > 1) {
    return (
      <MultiSelectionDetails
        selection={selection}
        caseId={graph.caseId}
        addressIds={addressIdsOf(graph, selectedNodeIds(graph, selection))}
        onGroup={() => runCommand('group')}
        onTag={() => runCommand('tag')}
        onHide={() => runCommand('hide')}
        onRemove={() => runCommand('remove')}
      />
    );
  }
  const [address] = selection.addresses;
  if (address) {
    const cluster = graph.clusters.find((c) => c.id === address.clusterId) ?? null;
    return (
      <AddressDetails
        key={address.id}
        chain={address.chain}
        address={address.address}
        node={address}
        graph={graph}
        onCollapse={() => runCommand('collapse-entity')}
        {...(props.onOverrideCluster ? { onOverride: props.onOverrideCluster } : {})}
        selected
        role={address.role}
        caseId={graph.caseId}
        factsFromBundle={factsFromBundle}
        cluster={cluster}
        chains={chains}
        onRemoveTag={onRemoveTag}
        onTag={() => runCommand('tag')}
      />
    );
  }
  const [cluster] = selection.clusters;
  if (cluster) {
    return (
      <ClusterDetails
        cluster={cluster}
        caseId={graph.caseId}
        memberIds={graph.nodes.filter((n) => n.kind === 'address' && n.clusterId === cluster.id).map((n) => n.id)}
        onEdit={() => runCommand('edit-cluster')}
        onUngroup={() => runCommand('ungroup')}
        onTag={() => runCommand('tag')}
        onRemoveTag={onRemoveTag}
      />
    );
  }
  const [entity] = selection.entities;
  if (entity) {
    return (
      <EntityDetails key={entity.id} node={entity} graph={graph} onExpandBack={() => runCommand('expand-entity')} onExpandWallet={() => runCommand('expand-both')} />
    );
  }
  const [more] = selection.more;
  if (more) return <MoreNodeDetails node={more} graph={graph} onExpand={() => runCommand('expand-both')} />;
  const [tx] = selection.txs;
  if (tx) return <TxDetails key={`${tx.chain}:${tx.txid}`} chain={tx.chain} txid={tx.txid} flow={tx} graph={graph} chains={chains} />;
  return null;
}

function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'));
}

export function DetailsPanel(props: DetailsPanelProps) {
  const inspector = useInspectorContext();
  const { canGoBack, back } = inspector;
  // Alt+Left goes back, as in a browser; taken before the browser shell's own history sees it.
  useEffect(() => {
    if (!canGoBack) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'ArrowLeft' || !e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTextEntry(e.target)) return;
      e.preventDefault();
      back();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [canGoBack, back]);
  // Each place the panel leads to starts at its top, not where the last one was scrolled to.
  const panel = useRef<HTMLElement>(null);
  const place = inspector.lead ? JSON.stringify(inspector.lead) : props.selection.ids.join(' ');
  useEffect(() => {
    panel.current?.scrollTo({ top: 0 });
  }, [place]);
  return (
    <aside className="details-panel" data-testid="details-panel" aria-label="Details" ref={panel}>
      {canGoBack && (
        <button type="button" className="small back-button" onClick={back} title="Back to what the panel showed before (Alt+←)" data-testid="details-back">
          ← Back
        </button>
      )}
      <DetailsBody {...props} />
    </aside>
  );
}
