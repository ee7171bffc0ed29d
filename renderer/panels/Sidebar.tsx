import type { Dataset, Graph } from '../../shared/api/schemas';
import { ClusterList } from './ClusterList';
import { DatasetList } from './DatasetList';
import { HiddenList } from './HiddenList';
import { LabelSetList } from './LabelSetList';
import { SeedList } from './SeedList';

type Seed = Graph['seeds'][number];

/**
 * Seeds, hidden nodes, clusters, label sets and datasets, top to bottom. Each section scrolls inside a
 * bounded height (sidebar.css), so a case with hundreds of seeds still shows its clusters and
 * datasets without scrolling the sidebar.
 */
export function Sidebar(props: {
  graph: Graph | null;
  datasets: readonly Dataset[];
  onFocus(id: string): void;
  onEditCluster(clusterId: string): void;
  onUngroup(clusterId: string): void;
  onRemoveSeed(seed: Seed): void;
  onShowAllHidden(): void;
  onImportLabels(): void;
}) {
  return (
    <aside className="sidebar" aria-label="Overview">
      <SeedList graph={props.graph} onRemove={props.onRemoveSeed} />
      <HiddenList graph={props.graph} onShowAll={props.onShowAllHidden} />
      <div className="side-slot side-slot-clusters">
        <ClusterList clusters={props.graph?.clusters ?? []} onFocus={props.onFocus} onEdit={props.onEditCluster} onUngroup={props.onUngroup} />
      </div>
      <LabelSetList onImport={props.onImportLabels} />
      <div className="side-slot side-slot-datasets">
        <DatasetList datasets={props.datasets} />
      </div>
    </aside>
  );
}
