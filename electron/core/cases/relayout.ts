import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Graph } from '../../../shared/api/schemas';
import type { Point } from './placement';

/**
 * Re-lays a case (or part of it) as layers that read left to right: by hop from the seeds (ELK's
 * layered algorithm, so each transfer points rightwards where the graph allows) or by time (layers
 * follow the time money first reached each address). Only node positions come out of it; what
 * is drawn between them stays the canvas's business.
 */
export type LayoutBy = 'hop' | 'time';

/** A node with its label takes this much room; ELK keeps this apart. */
const NODE_WIDTH = 170;
const NODE_HEIGHT = 48;
/** Room between layers, for the amounts on the edges that cross it. */
const LAYER_GAP = 200;
/**
 * Room between the nodes of a layer: wide where no layer is tall, so the amounts on edges that
 * fan out between two layers stay apart; narrow once some address fans out to more than
 * WIDE_FAN others (a hub's counterparties make one tall layer that must still fit a screen).
 */
const NODE_GAP = { wide: 80, narrow: 24 } as const;
const WIDE_FAN = 12;

const elk = new ELK();

/**
 * Hops count from the seeds: an edge that runs back towards them (the exchange that once paid
 * the victim, a thief returning change) is turned round before ELK sees it, so its cycle
 * breaking cannot put a victim at the far right of the path that starts there. Edges among
 * addresses the seeds' money never reaches are left as they are.
 */
export function orientFromSeeds(edges: { source: string; target: string }[], seeds: ReadonlySet<string>): void {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const hop = new Map<string, number>([...seeds].map((s) => [s, 0]));
  const queue = [...seeds];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const to of out.get(at) ?? []) {
      if (hop.has(to)) continue;
      hop.set(to, hop.get(at)! + 1);
      queue.push(to);
    }
  }
  turnRound(edges, hop);
}

/** Turns round every edge that runs from a higher rank to a lower one; unranked ends stay. */
function turnRound(edges: { source: string; target: string }[], rank: ReadonlyMap<string, number>): void {
  for (const e of edges) {
    const hs = rank.get(e.source);
    const ht = rank.get(e.target);
    if (hs !== undefined && ht !== undefined && ht < hs) [e.source, e.target] = [e.target, e.source];
  }
}

/**
 * New positions for `ids` (address and "+K more" nodes of `graph`), using the value edges and
 * the page links among them. The block keeps the top-left corner the nodes had, so re-laying a
 * selection leaves it where the investigator was looking.
 */
export async function layeredPositions(graph: Graph, ids: ReadonlySet<string>, by: LayoutBy): Promise<Map<string, Point>> {
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return new Map();
  const edges: { source: string; target: string }[] = [];
  for (const e of graph.edges) if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) edges.push({ source: e.source, target: e.target });
  for (const n of nodes) if (n.kind === 'more' && ids.has(n.parentId)) edges.push(n.direction === 'in' ? { source: n.id, target: n.parentId } : { source: n.parentId, target: n.id });

  if (by === 'hop') orientFromSeeds(edges, new Set(graph.seeds.flatMap((s) => (s.nodeId !== null && ids.has(s.nodeId) ? [s.nodeId] : []))));

  // By time: each address's layer hint is the rank of the first time value reached it (addresses
  // nothing on the canvas paid come first); ELK's interactive layering keeps that order.
  const hint = new Map<string, number>();
  if (by === 'time') {
    const firstIn = new Map<string, number>();
    for (const e of graph.edges) {
      if (!ids.has(e.target) || e.firstTime === null) continue;
      firstIn.set(e.target, Math.min(firstIn.get(e.target) ?? Infinity, e.firstTime));
    }
    const times = [...new Set(firstIn.values())].sort((a, b) => a - b);
    const rank = new Map(times.map((t, i) => [t, i + 1]));
    for (const n of nodes) hint.set(n.id, firstIn.has(n.id) ? rank.get(firstIn.get(n.id)!)! : 0);
    // An edge from a later layer to an earlier one (an exchange that paid the victim before the
    // theft) turns round too, or ELK's layering would move the earlier address after it.
    turnRound(edges, hint);
  }

  const fan = new Map<string, number>();
  for (const e of edges) for (const end of [`o${e.source}`, `i${e.target}`]) fan.set(end, (fan.get(end) ?? 0) + 1);
  const nodeGap = Math.max(0, ...fan.values()) > WIDE_FAN ? NODE_GAP.narrow : NODE_GAP.wide;

  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      // Only node positions are used: the cheapest routing, and few crossing-minimisation passes.
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.thoroughness': '3',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
      'elk.spacing.nodeNode': String(nodeGap),
      'elk.spacing.componentComponent': '80',
      'elk.aspectRatio': '1.6',
      ...(by === 'time' ? { 'elk.layered.layering.strategy': 'INTERACTIVE', 'elk.layered.crossingMinimization.semiInteractive': 'true' } : {}),
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      ...(by === 'time' ? { x: (hint.get(n.id) ?? 0) * (NODE_WIDTH + LAYER_GAP), y: n.y } : {}),
    })),
    edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  };
  const out = await elk.layout(root);
  const minX = Math.min(...nodes.map((n) => n.x));
  const minY = Math.min(...nodes.map((n) => n.y));
  const laid = out.children ?? [];
  const lx = Math.min(...laid.map((c) => c.x ?? 0));
  const ly = Math.min(...laid.map((c) => c.y ?? 0));
  // Cytoscape positions are centres; ELK's are top-left corners.
  return new Map(laid.map((c) => [c.id, { x: Math.round(minX + (c.x ?? 0) - lx), y: Math.round(minY + (c.y ?? 0) - ly) }]));
}
