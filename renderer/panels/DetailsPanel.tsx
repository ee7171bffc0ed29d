import type { Graph } from '../../shared/api/schemas';
import type { ChainOption } from '../dialogs/fields';
import { selectionSize, type SelectionInfo } from '../state/selection';
import { AddressDetails } from './AddressDetails';
import { ClusterDetails } from './ClusterDetails';
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
  /** The case's facts come from a received bundle's evidence, not from this workspace's store. */
  factsFromBundle: boolean;
}

function DetailsBody({ graph, selection, chains, runCommand, onRemoveTag, factsFromBundle }: DetailsPanelProps) {
  if (!graph) return <p className="muted">No case open.</p>;
  const count = selectionSize(selection);
  if (count === 0) {
    return (
      <p className="muted">
        Select a node to see its details. Double-click an address to expand it; right-click for more actions.
      </p>
    );
  }
  if (count > 1) {
    return (
      <MultiSelectionDetails
        selection={selection}
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
        node={address}
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
        onEdit={() => runCommand('edit-cluster')}
        onUngroup={() => runCommand('ungroup')}
        onTag={() => runCommand('tag')}
        onRemoveTag={onRemoveTag}
      />
    );
  }
  const [more] = selection.more;
  if (more) return <MoreNodeDetails node={more} graph={graph} onExpand={() => runCommand('expand-both')} />;
  const [tx] = selection.txs;
  if (tx) return <TxDetails key={`${tx.chain}:${tx.txid}`} flow={tx} graph={graph} chains={chains} />;
  return null;
}

export function DetailsPanel(props: DetailsPanelProps) {
  return (
    <aside className="details-panel" data-testid="details-panel" aria-label="Details">
      <DetailsBody {...props} />
    </aside>
  );
}
