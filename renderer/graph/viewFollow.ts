/**
 * What the view does after the graph changes, so the investigator is never left looking at a
 * blank canvas (after undoing a hub expansion the view used to stay zoomed out on nothing).
 * Pure: boxes in, a decision out; GraphCanvas carries it out.
 */

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DrawnNode {
  id: string;
  /** Model coordinates. */
  box: Box;
}

export interface FollowInput {
  /** Nodes drawn after the update. */
  nodes: readonly DrawnNode[];
  /** Ids of the nodes drawn before it. */
  before: ReadonlySet<string>;
  /** What the view shows, in model coordinates (cytoscape's extent). */
  view: Box;
  /** The view is where the last automatic fit put it: the investigator has not moved it since. */
  auto: boolean;
  zoom: number;
  /** Size of the canvas on screen, for the zoom a fit would choose. */
  width: number;
  height: number;
}

export type FollowDecision =
  | { kind: 'stay' }
  /** Fit the whole graph. */
  | { kind: 'fit-all' }
  /** Fit these nodes: what was added and what was in view. */
  | { kind: 'fit'; ids: string[] };

export const FIT_PADDING = 48;
/**
 * The view controls stand over the canvas's right edge (NavControls: 24 px in, 38 px wide), so a
 * fit keeps this much more room on that side than on the others, and nothing fitted lies under them.
 */
export const NAV_STRIP = 22;
/** Fitting never zooms in further than this: one node alone is not drawn huge (and keeps the normal labels). */
export const MAX_FIT_ZOOM = 1.4;
/** After nodes are removed, a graph this small a share of the view (both ways) is refitted. */
const SHRUNK = 1 / 3;

export function union(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const out = { ...boxes[0]! };
  for (const b of boxes) {
    out.x1 = Math.min(out.x1, b.x1);
    out.y1 = Math.min(out.y1, b.y1);
    out.x2 = Math.max(out.x2, b.x2);
    out.y2 = Math.max(out.y2, b.y2);
  }
  return out;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x1 < b.x2 && a.x2 > b.x1 && a.y1 < b.y2 && a.y2 > b.y1;
}

function inside(a: Box, outer: Box): boolean {
  return a.x1 >= outer.x1 && a.x2 <= outer.x2 && a.y1 >= outer.y1 && a.y2 <= outer.y2;
}

/** The zoom cytoscape's fit would choose for `box` on a canvas of this size, capped at MAX_FIT_ZOOM. */
export function fitZoom(box: Box, width: number, height: number, padding: number = FIT_PADDING): number {
  const w = Math.max(1, box.x2 - box.x1);
  const h = Math.max(1, box.y2 - box.y1);
  return Math.min(MAX_FIT_ZOOM, Math.max(1e-3, (width - 2 * padding) / w), Math.max(1e-3, (height - 2 * padding) / h));
}

export function decideFollow(input: FollowInput): FollowDecision {
  const { nodes, before, view } = input;
  if (nodes.length === 0) return { kind: 'stay' };
  const added = nodes.filter((n) => !before.has(n.id));
  const now = new Set(nodes.map((n) => n.id));
  const removed = [...before].some((id) => !now.has(id));
  // Nothing left in view: show everything.
  if (!nodes.some((n) => overlaps(n.box, view))) return { kind: 'fit-all' };
  // The investigator has not moved the view: it keeps showing the whole graph.
  if (input.auto && (added.length > 0 || removed)) return { kind: 'fit-all' };
  // New nodes off-screen are brought into view, with what was in view around them.
  if (added.some((n) => !inside(n.box, view))) {
    const shown = nodes.filter((n) => before.has(n.id) && overlaps(n.box, view));
    return { kind: 'fit', ids: [...shown, ...added].map((n) => n.id) };
  }
  // What is left after a removal (an undone expansion) is a speck in a zoomed-out view.
  if (removed) {
    const box = union(nodes.map((n) => n.box))!;
    const small = (box.x2 - box.x1) * input.zoom < input.width * SHRUNK && (box.y2 - box.y1) * input.zoom < input.height * SHRUNK;
    if (small && input.zoom < fitZoom(box, input.width, input.height) * 0.75) return { kind: 'fit-all' };
  }
  return { kind: 'stay' };
}
