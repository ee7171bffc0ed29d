import type { Graph } from '../../shared/api/schemas';

/**
 * What of a trace path the case's canvas shows: the visible address nodes along it and the
 * edges between consecutive ones (pure). The endpoint, last in `path`, comes first in the result
 * so that it is the one a caller centres on.
 */
export function pathOnCanvas(graph: Graph, path: readonly { chain: string; address: string }[]): { endpoint: string | null; ids: string[] } {
  const visible = new Map<string, string>();
  for (const n of graph.nodes) if (n.kind === 'address' && !n.hidden) visible.set(`${n.chain}|${n.address}`, n.id);
  const nodeIds = path.map((p) => visible.get(`${p.chain}|${p.address}`) ?? null);
  const endpoint = nodeIds.at(-1) ?? null;
  const ids = new Set<string>(endpoint ? [endpoint] : []);
  for (const id of nodeIds) if (id) ids.add(id);
  for (let i = 0; i + 1 < nodeIds.length; i++) {
    const [a, b] = [nodeIds[i], nodeIds[i + 1]];
    if (!a || !b) continue;
    for (const e of graph.edges) if (e.source === a && e.target === b) ids.add(e.id);
  }
  return { endpoint, ids: [...ids] };
}
