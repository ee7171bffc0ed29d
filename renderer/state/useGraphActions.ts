import { useMemo } from 'react';
import type { Client } from '../../shared/api/contract';
import type { CATEGORIES, Graph, MoreNode } from '../../shared/api/schemas';
import type { NodePosition } from '../graph/GraphCanvas';
import type { CaseSession } from './useCaseSession';
import type { TagTargetValue } from './dialogState';

export type Category = (typeof CATEGORIES)[number];
export type Direction = 'in' | 'out' | 'both';

export interface ClusterFields {
  name: string;
  category: Category;
  color: string;
  note: string;
}

export interface TagFields {
  label: string;
  category: Category | null;
  confidence: number;
  source: string;
  note: string;
}

export interface AddressFields {
  chain: string;
  address: string;
  asSeed: boolean;
  role: 'victim' | 'suspect' | 'service' | 'other';
  note: string;
}

/** Applies calls one after another and keeps the last Graph: each call sees the previous one's result. */
async function inSequence<T>(items: readonly T[], call: (item: T) => Promise<Graph>): Promise<Graph> {
  let last: Graph | undefined;
  for (const item of items) last = await call(item);
  if (!last) throw new Error('nothing to do');
  return last;
}

/** What the details panel asks of clusters.override: take an address out of its wallet, or refuse a transaction's merges. */
export type ClusterOverrideRequest = { kind: 'split'; chain: string; address: string } | { kind: 'reject'; chain: string; tx: string };

/** Every graph mutation the UI offers, bound to the open case. Each resolves to true on success. */
export function useGraphActions(client: Client, session: CaseSession) {
  const { mutate, graph, filter } = session;
  // Expansions go through the canvas filter too ("expand only transfers above 1 ETH after the theft").
  const through = useMemo(() => (filter ? { filter } : {}), [filter]);
  return useMemo(() => {
    const mutateIf = (condition: boolean, task: (caseId: string) => Promise<Graph>) =>
      condition ? mutate(task) : Promise.resolve(false);
    return {
      expand: (nodeIds: readonly string[], direction: Direction) =>
        mutateIf(nodeIds.length > 0, (caseId) => inSequence(nodeIds, (nodeId) => client['graph.expand']({ caseId, nodeId, direction, ...through }))),
      expandMore: (more: readonly MoreNode[]) =>
        mutateIf(more.length > 0, (caseId) =>
          inSequence(more, (m) => client['graph.expand']({ caseId, nodeId: m.id, direction: m.direction, ...through })),
        ),
      hide: (nodeIds: string[]) =>
        mutateIf(nodeIds.length > 0, (caseId) => client['graph.setHidden']({ caseId, nodeIds, hidden: true })),
      showHidden: () => {
        const nodeIds = graph?.nodes.filter((n) => n.hidden).map((n) => n.id) ?? [];
        return mutateIf(nodeIds.length > 0, (caseId) => client['graph.setHidden']({ caseId, nodeIds, hidden: false }));
      },
      /** Shows these hidden nodes again, one or a few, where showHidden shows them all. */
      show: (nodeIds: readonly string[]) =>
        mutateIf(nodeIds.length > 0, (caseId) => client['graph.setHidden']({ caseId, nodeIds: [...nodeIds], hidden: false })),
      removeSeed: (chain: string, address: string) => mutate((caseId) => client['case.removeSeed']({ caseId, chain, address })),
      remove: (nodeIds: string[]) =>
        mutateIf(nodeIds.length > 0, (caseId) => client['graph.remove']({ caseId, nodeIds })),
      relayout: (nodeIds: string[] | null, by: 'hop' | 'time') =>
        mutate((caseId) => client['graph.layout']({ caseId, by, ...(nodeIds ? { nodeIds } : {}) })),
      move: (positions: NodePosition[]) =>
        mutateIf(positions.length > 0, (caseId) => client['graph.move']({ caseId, positions })),
      /** Splits an address out of its automatic cluster, or rejects a transaction's merges, in this case (audited, undoable). */
      overrideCluster: (o: ClusterOverrideRequest) =>
        mutate(async (caseId) => {
          await client['clusters.override']({ caseId, note: '', ...o });
          return client['graph.get']({ caseId, ...through });
        }),
      undo: () => mutate((caseId) => client['case.undo']({ caseId })),
      redo: () => mutate((caseId) => client['case.redo']({ caseId })),
      group: (nodeIds: string[], fields: ClusterFields) =>
        mutate((caseId) => client['cluster.create']({ caseId, nodeIds, ...fields })),
      updateCluster: (clusterId: string, fields: ClusterFields) =>
        mutate((caseId) => client['cluster.update']({ caseId, clusterId, ...fields })),
      ungroup: (clusterIds: readonly string[]) =>
        mutateIf(clusterIds.length > 0, (caseId) => inSequence(clusterIds, (clusterId) => client['cluster.ungroup']({ caseId, clusterId }))),
      addTag: (targets: readonly TagTargetValue[], fields: TagFields) =>
        mutate((caseId) => inSequence(targets, (target) => client['tag.add']({ caseId, target, ...fields }))),
      removeTag: (tagId: number) => mutate((caseId) => client['tag.remove']({ caseId, tagId })),
      /** Draws the automatic cluster of each address node as one entity node (skipping wallets already drawn so). */
      collapse: (nodeIds: readonly string[]) =>
        mutateIf(nodeIds.length > 0, (caseId) => inSequence(nodeIds, (nodeId) => client['entity.collapse']({ caseId, nodeId }))),
      /** Draws each entity node's members again where they were. */
      expandBack: (nodeIds: readonly string[]) =>
        mutateIf(nodeIds.length > 0, (caseId) => inSequence(nodeIds, (nodeId) => client['entity.expand']({ caseId, nodeId }))),
      addAddress: (f: AddressFields) =>
        mutate((caseId) =>
          f.asSeed
            ? client['case.addSeed']({ caseId, chain: f.chain, address: f.address, role: f.role, note: f.note })
            : client['graph.addAddress']({ caseId, chain: f.chain, address: f.address }),
        ),
    };
  }, [client, mutate, graph, through]);
}

export type GraphActions = ReturnType<typeof useGraphActions>;
