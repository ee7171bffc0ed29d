/**
 * Edges that bend around the nodes in their way. A straight line from an address to a node two
 * grid columns away often runs through a node of the column between, and reads as if it
 * touched it. Each edge whose line passes too close to another node (or that node's label)
 * gets one control point to one side, the smallest bend that clears every node, drawn by
 * cytoscape as an unbundled bezier. Pure: positions in, the same elements out, with `bend` set
 * and class `routed` on the edges that bend.
 */
import { boundsOf } from './clusterShape';
import type { EdgeElement, GraphElement } from './toElements';

export const ROUTING = {
  /** A node is kept this far from any edge that does not end at it. */
  clearance: 18,
  /** Labels hang below address nodes: the kept-clear shape runs this far down from the centre. */
  labelDrop: 22,
  /** Half the width of an address label ("0xd2C7…E2ed" at the normal band). */
  labelHalfWidth: 36,
  /** Edges shorter than this keep their label in the middle. */
  endLabelMinLength: 200,
  /** Steeper edges (rise over run) keep their label in the middle. */
  endLabelMaxSlope: 0.3,

  /** Bends tried, in model pixels, in both directions: step, 2 × step… up to maxBend. */
  step: 24,
  maxBend: 480,
  /** Edges that share their two nodes are spread this far apart. */
  parallelStep: 48,
  /** Straight line segments a candidate curve is checked as. */
  samples: 12,
  /** Above this many edges routing is skipped: the update must stay fast on huge canvases. */
  maxEdges: 2500,
} as const;

interface Point {
  x: number;
  y: number;
}

/** A kept-clear capsule: every point within `r` of the segment a–b. */
interface Obstacle {
  id: string;
  a: Point;
  b: Point;
  r: number;
}

/**
 * What of a node an edge must keep clear of: the node itself (with its label's first line
 * under it) and, for an address, the width of its label.
 */
export function obstaclesOf(id: string, kind: string, p: Point): Obstacle[] {
  const r = ROUTING.clearance;
  if (kind === 'address' || kind === 'entity') {
    return [
      { id, a: p, b: { x: p.x, y: p.y + ROUTING.labelDrop }, r },
      { id, a: { x: p.x - ROUTING.labelHalfWidth, y: p.y + ROUTING.labelDrop + 6 }, b: { x: p.x + ROUTING.labelHalfWidth, y: p.y + ROUTING.labelDrop + 6 }, r: r * 0.6 },
    ];
  }
  if (kind === 'more') return [{ id, a: { x: p.x - 40, y: p.y }, b: { x: p.x + 40, y: p.y }, r: r * 0.8 }];
  return [{ id, a: p, b: p, r }];
}

const CELL = 160;

/** A bucket grid over the obstacles, so a curve looks only at the nodes near it. */
class ObstacleGrid {
  private readonly cells = new Map<number, Obstacle[]>();
  private query = 0;
  private readonly seen = new WeakMap<Obstacle, number>();

  private static key(cx: number, cy: number): number {
    return (cx + 500_000) * 1_000_003 + (cy + 500_000);
  }

  add(o: Obstacle): void {
    const r = o.r;
    this.visit(Math.min(o.a.x, o.b.x) - r, Math.min(o.a.y, o.b.y) - r, Math.max(o.a.x, o.b.x) + r, Math.max(o.a.y, o.b.y) + r, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(o);
      else this.cells.set(key, [o]);
    });
  }

  /** The obstacles whose cells meet the box, each once. */
  near(x1: number, y1: number, x2: number, y2: number): Obstacle[] {
    const stamp = ++this.query;
    const out: Obstacle[] = [];
    this.visit(x1, y1, x2, y2, (key) => {
      for (const o of this.cells.get(key) ?? []) {
        if (this.seen.get(o) === stamp) continue;
        this.seen.set(o, stamp);
        out.push(o);
      }
    });
    return out;
  }

  private visit(x1: number, y1: number, x2: number, y2: number, each: (key: number) => void): void {
    const cx1 = Math.floor(x1 / CELL);
    const cx2 = Math.floor(x2 / CELL);
    const cy1 = Math.floor(y1 / CELL);
    const cy2 = Math.floor(y2 / CELL);
    // A pathological span (a node far from the rest) is capped: it only loses avoidance.
    if ((cx2 - cx1 + 1) * (cy2 - cy1 + 1) > 4096) return;
    for (let cx = cx1; cx <= cx2; cx++) for (let cy = cy1; cy <= cy2; cy++) each(ObstacleGrid.key(cx, cy));
  }
}

function sub(a: Point, b: Point): Point {
  return { x: a.x - b.x, y: a.y - b.y };
}
function dot(a: Point, b: Point): number {
  return a.x * b.x + a.y * b.y;
}

function pointSegmentDistance(p: Point, a: Point, b: Point): number {
  const ab = sub(b, a);
  const len2 = dot(ab, ab);
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, dot(sub(p, a), ab) / len2));
  return Math.hypot(p.x - (a.x + t * ab.x), p.y - (a.y + t * ab.y));
}

function segmentsCross(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d = (a: Point, b: Point, c: Point) => (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  const d1 = d(q1, q2, p1);
  const d2 = d(q1, q2, p2);
  const d3 = d(p1, p2, q1);
  const d4 = d(p1, p2, q2);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Shortest distance between segments p1p2 and q1q2. */
export function segmentDistance(p1: Point, p2: Point, q1: Point, q2: Point): number {
  if (segmentsCross(p1, p2, q1, q2)) return 0;
  return Math.min(pointSegmentDistance(p1, q1, q2), pointSegmentDistance(p2, q1, q2), pointSegmentDistance(q1, p1, p2), pointSegmentDistance(q2, p1, p2));
}

/**
 * The curve cytoscape draws for an unbundled bezier with one control point at weight 0.5 and
 * distance `bend`: the control point sits `bend` to the left of the midpoint (the normal
 * (-dy, dx) of source → target, as in cytoscape's findBezierPoints), so the curve passes
 * `bend / 2` beside it.
 */
export function bentCurve(s: Point, t: Point, bend: number, samples: number = ROUTING.samples): Point[] {
  const len = Math.hypot(t.x - s.x, t.y - s.y) || 1;
  const n = { x: -(t.y - s.y) / len, y: (t.x - s.x) / len };
  const c = { x: (s.x + t.x) / 2 + n.x * bend, y: (s.y + t.y) / 2 + n.y * bend };
  const out: Point[] = [];
  for (let i = 0; i <= samples; i++) {
    const u = i / samples;
    const a = (1 - u) * (1 - u);
    const b = 2 * u * (1 - u);
    const d = u * u;
    out.push({ x: a * s.x + b * c.x + d * t.x, y: a * s.y + b * c.y + d * t.y });
  }
  return out;
}

/**
 * How many of `near` a curve from s to t with this bend passes too close to, counting no
 * further than `enough` (the best found so far: more cannot win).
 */
function hits(near: readonly Obstacle[], s: Point, t: Point, bend: number, enough: number): number {
  const curve = bentCurve(s, t, bend);
  const { x1, y1, x2, y2 } = boundsOf(curve);
  let counted: string | null = null;
  let n = 0;
  for (const o of near) {
    // Quick reject: the obstacle's box is clear of the curve's.
    if (Math.max(o.a.x, o.b.x) + o.r < x1 || Math.min(o.a.x, o.b.x) - o.r > x2) continue;
    if (Math.max(o.a.y, o.b.y) + o.r < y1 || Math.min(o.a.y, o.b.y) - o.r > y2) continue;
    // A node's capsules come one after another: count the node once.
    if (o.id === counted) continue;
    const ox1 = Math.min(o.a.x, o.b.x) - o.r;
    const ox2 = Math.max(o.a.x, o.b.x) + o.r;
    const oy1 = Math.min(o.a.y, o.b.y) - o.r;
    const oy2 = Math.max(o.a.y, o.b.y) + o.r;
    for (let i = 1; i < curve.length; i++) {
      const p = curve[i - 1]!;
      const q = curve[i]!;
      if (Math.max(p.x, q.x) < ox1 || Math.min(p.x, q.x) > ox2 || Math.max(p.y, q.y) < oy1 || Math.min(p.y, q.y) > oy2) continue;
      if (segmentDistance(p, q, o.a, o.b) < o.r) {
        counted = o.id;
        n++;
        break;
      }
    }
    if (n >= enough) return n;
  }
  return n;
}

/** Bends tried, in ROUTING.step units. */
const BEND_STEPS = [1, 2, 3, 4, 6, 8, 11, 15, 20];

/** The smallest bend (0 for straight) with the fewest nodes in the way. */
function chooseBend(grid: ObstacleGrid, s: Point, t: Point, skip: ReadonlySet<string>): number {
  const len = Math.hypot(t.x - s.x, t.y - s.y);
  // A bend much larger than the edge is long would loop out of all proportion.
  const limit = Math.min(ROUTING.maxBend, Math.max(ROUTING.step * 2, len * 0.9));
  // Every candidate curve lies within half its bend of the straight line: one lookup for all.
  const reach = limit / 2 + ROUTING.clearance * 2;
  const near = grid
    .near(Math.min(s.x, t.x) - reach, Math.min(s.y, t.y) - reach, Math.max(s.x, t.x) + reach, Math.max(s.y, t.y) + reach)
    .filter((o) => !skip.has(o.id));
  const straight = hits(near, s, t, 0, Infinity);
  if (straight === 0) return 0;
  let best = 0;
  let bestHits = straight;
  // Small bends first, in steps that widen as the bend grows: a node just off the line needs a
  // fine choice, one far off a coarse one.
  for (const k of BEND_STEPS) {
    if (k * ROUTING.step > limit) break;
    for (const bend of [k * ROUTING.step, -k * ROUTING.step]) {
      const h = hits(near, s, t, bend, bestHits);
      if (h < bestHits) {
        best = bend;
        bestHits = h;
        if (h === 0) return best;
      }
    }
  }
  return best;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * Where an edge's label goes: near the end away from a hub, so the labels of many edges
 * converging on one node do not pile up at their shared middle; in the middle otherwise. Only
 * for long, nearly level edges (the left-to-right layout's): near the end of a steep one the
 * label would sit on the labels of the nodes above or below that end.
 */
export function labelEnd(dx: number, dy: number, sourceDegree: number, targetDegree: number): 'source' | 'target' | 'middle' {
  if (Math.hypot(dx, dy) < ROUTING.endLabelMinLength || Math.abs(dy) > Math.abs(dx) * ROUTING.endLabelMaxSlope) return 'middle';
  if (targetDegree >= 3 && targetDegree > sourceDegree) return 'source';
  if (sourceDegree >= 3 && sourceDegree > targetDegree) return 'target';
  return 'middle';
}

/**
 * The elements with edges bent around the nodes in their way and their labels placed. Edges
 * between the same two nodes (several assets, or both directions) bend as one group, spread
 * apart by ROUTING.parallelStep, with their labels stacked so they do not cover each other.
 */
export function routeEdges(elements: readonly GraphElement[]): GraphElement[] {
  const at = new Map<string, Point>();
  const grid = new ObstacleGrid();
  const degree = new Map<string, number>();
  let edgeCount = 0;
  for (const el of elements) {
    if (el.group === 'edges') {
      edgeCount++;
      degree.set(el.data.source, (degree.get(el.data.source) ?? 0) + 1);
      degree.set(el.data.target, (degree.get(el.data.target) ?? 0) + 1);
      continue;
    }
    if (!el.position || el.data.kind === 'cluster') continue;
    at.set(el.data.id, el.position);
    for (const o of obstaclesOf(el.data.id, el.data.kind, el.position)) grid.add(o);
  }
  if (edgeCount === 0) return [...elements];

  const groups = new Map<string, EdgeElement[]>();
  for (const el of elements) {
    if (el.group !== 'edges' || el.data.source === el.data.target) continue;
    if (!at.has(el.data.source) || !at.has(el.data.target)) continue;
    const key = pairKey(el.data.source, el.data.target);
    const list = groups.get(key);
    if (list) list.push(el);
    else groups.set(key, [el]);
  }

  // Edges between the same two nodes label near the same end: each in the next slot along (graphStyle).
  const nth = new Map<string, number>();
  for (const edges of groups.values()) edges.forEach((e, k) => nth.set(e.data.id, k));
  const bends = new Map<string, number>();
  const shifts = new Map<string, number>();
  // Past the budget edges stay straight: routing every one would stall the update.
  if (edgeCount <= ROUTING.maxEdges) {
    for (const edges of groups.values()) {
      const first = edges[0]!;
      // Worked out in one direction for the whole group: lower id to higher.
      const [from, to] = first.data.source < first.data.target ? [first.data.source, first.data.target] : [first.data.target, first.data.source];
      const a = at.get(from)!;
      const b = at.get(to)!;
      const bend = chooseBend(grid, a, b, new Set([from, to]));
      if (bend === 0 && edges.length === 1) continue;
      // Several edges between two nodes: spread apart, round the bend if there is one, else
      // either side of the straight line.
      const spread = edges.map((_, k) => (bend === 0 ? (k - (edges.length - 1) / 2) * ROUTING.parallelStep : bend + Math.sign(bend) * k * ROUTING.parallelStep));
      edges.forEach((e, k) => {
        // cytoscape measures the bend from each edge's own source, so a reversed edge flips it.
        bends.set(e.data.id, e.data.source === from ? spread[k]! : -spread[k]!);
      });
      if (edges.length > 1) {
        // Their middle labels are stacked in the order of the curves on screen: a positive
        // spread moves a curve down when the group runs rightwards (the normal is (-dy, dx)).
        const down = b.x - a.x >= 0 ? 1 : -1;
        const order = spread.map((v, k) => ({ v, k })).sort((p, q) => p.v - q.v);
        order.forEach(({ k }, rank) => shifts.set(edges[k]!.data.id, (rank - (edges.length - 1) / 2) * down));
      }
    }
  }
  return elements.map((el) => {
    if (el.group !== 'edges') return el;
    const s = at.get(el.data.source);
    const t = at.get(el.data.target);
    const end = s && t && el.data.source !== el.data.target ? labelEnd(t.x - s.x, t.y - s.y, degree.get(el.data.source) ?? 0, degree.get(el.data.target) ?? 0) : 'middle';
    const bend = bends.get(el.data.id);
    const shift = shifts.get(el.data.id);
    if (bend === undefined && end === 'middle' && shift === undefined) return el;
    const classes = [el.classes, bend !== undefined && 'routed', end !== 'middle' && `label-${end}`].filter(Boolean).join(' ');
    const data = { ...el.data };
    if (bend !== undefined) data.bend = bend;
    if (end !== 'middle') data.labelSlot = nth.get(el.data.id) ?? 0;
    else if (shift !== undefined && shift !== 0) data.labelShift = shift;
    return { ...el, data, classes };
  });
}
