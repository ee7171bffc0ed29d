import type { Dataset, Graph } from '../../shared/api/schemas';
import { ClusterList } from './ClusterList';
import { DatasetList } from './DatasetList';
import { SeedList } from './SeedList';

export function Sidebar(props: {
  graph: Graph | null;
  datasets: readonly Dataset[];
  onFocus(id: string): void;
  onEditCluster(clusterId: string): void;
  onUngroup(clusterId: string): void;
}) {
  return (
    <aside className="sidebar" aria-label="Overview">
      <SeedList graph={props.graph} onFocus={props.onFocus} />
      <ClusterList clusters={props.graph?.clusters ?? []} onFocus={props.onFocus} onEdit={props.onEditCluster} onUngroup={props.onUngroup} />
      <DatasetList datasets={props.datasets} />
    </aside>
  );
}
