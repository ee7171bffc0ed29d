/**
 * The outline drawn around a cluster: a bubble around exactly its members. A compound node's
 * box (what clusters used to be) also covers every node that happens to sit between its
 * members; this shape never does.
 *
 * The shape is the zero set of a distance field sampled on a grid and traced with marching
 * squares: inside are the points near a member (the node and its label) or near a bridge
 * joining members, minus the points near any other node. Bridges follow a minimum spanning
 * tree of the members and detour around other nodes; a bridge that cannot detour is left out,
 * so the cluster is drawn in pieces rather than over a node that is not in it.
 *
 * The guarantee: every other node's centre is outside the traced outline. The field is
 * 1-Lipschitz and is at least `clearance` at such a centre (unless a member sits within `core`
 * of it, i.e. on top of it), so every grid corner within one cell of it is positive while
 * `grid * √2 < clearance`, and marching squares puts no boundary through that cell.
 */

export interface Point {
  x: number;
  y: number;
}

/** The smallest axis-aligned box holding every point (an empty list gives an inverted box). */
export function boundsOf(points: Iterable<Point>): { x1: number; y1: number; x2: number; y2: number } {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  return { x1, y1, x2, y2 };
}

export const CLUSTER_SHAPE = {
  /** Around each member's node and label. */
  radius: 30,
  /** Labels hang below nodes: a node's shape runs this far down from its centre. */
  labelDrop: 22,
  /** Half the width of a bridge between two members. */
  bridge: 10,
  /** Other nodes (and their labels) are kept at least this far outside. */
  clearance: 24,
  /** A member's own node is always inside, even with another node pressed against it. */
  core: 14,
  /** Sampling step in model pixels; must stay below clearance / √2 (see above). */
  grid: 6,
  /** Detours tried for a blocked bridge: this far apart, up to this many each side. */
  detourStep: 26,
  detours: 8,
} as const;

export interface ClusterShape {
  /** Closed polygons (outer outlines and holes): fill with the even-odd rule. */
  readonly rings: readonly Point[][];
  readonly box: { x1: number; y1: number; x2: number; y2: number };
  /** Bridges between members, as polylines (for tests and debugging). */
  readonly bridges: readonly Point[][];
}

interface Capsule {
  a: Point;
  b: Point;
}

function capsuleOf(p: Point): Capsule {
  return { a: p, b: { x: p.x, y: p.y + CLUSTER_SHAPE.labelDrop } };
}

function distToSegment(px: number, py: number, a: Point, b: Point): number {
  const abx = b.x - a.x;
  const aby = b.y - a.y;
  const len2 = abx * abx + aby * aby;
  let t = len2 === 0 ? 0 : ((px - a.x) * abx + (py - a.y) * aby) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (a.x + t * abx), py - (a.y + t * aby));
}

function segmentsDistance(p1: Point, p2: Point, q1: Point, q2: Point): number {
  const cross = (a: Point, b: Point, c: Point) => (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  if (cross(q1, q2, p1) * cross(q1, q2, p2) < 0 && cross(p1, p2, q1) * cross(p1, p2, q2) < 0) return 0;
  return Math.min(
    distToSegment(p1.x, p1.y, q1, q2),
    distToSegment(p2.x, p2.y, q1, q2),
    distToSegment(q1.x, q1.y, p1, p2),
    distToSegment(q2.x, q2.y, p1, p2),
  );
}

/** Prim's minimum spanning tree over the members' centres: pairs of member indexes. */
export function spanningTree(points: readonly Point[]): Array<[number, number]> {
  const n = points.length;
  if (n < 2) return [];
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Infinity);
  const from = new Array<number>(n).fill(-1);
  best[0] = 0;
  const out: Array<[number, number]> = [];
  for (let round = 0; round < n; round++) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (u === -1 || best[i]! < best[u]!)) u = i;
    inTree[u] = true;
    if (from[u]! >= 0) out.push([from[u]!, u]);
    const p = points[u]!;
    for (let v = 0; v < n; v++) {
      if (inTree[v]) continue;
      const q = points[v]!;
      const d = Math.hypot(p.x - q.x, p.y - q.y);
      if (d < best[v]!) {
        best[v] = d;
        from[v] = u;
      }
    }
  }
  return out;
}

/** A polyline from a to b, clear of every other node; straight if possible, else one detour, else null. */
function bridgeRoute(a: Point, b: Point, others: readonly Capsule[]): Point[] | null {
  const keep = CLUSTER_SHAPE.clearance + CLUSTER_SHAPE.bridge + CLUSTER_SHAPE.grid;
  // Only nodes within reach of the straight bridge or its widest detour can be in the way.
  const reach = keep + CLUSTER_SHAPE.detours * CLUSTER_SHAPE.detourStep;
  const [x1, x2] = [Math.min(a.x, b.x) - reach, Math.max(a.x, b.x) + reach];
  const [y1, y2] = [Math.min(a.y, b.y) - reach, Math.max(a.y, b.y) + reach];
  const inReach = others.filter((o) => o.b.x >= x1 && o.a.x <= x2 && o.b.y >= y1 && o.a.y <= y2);
  const clear = (path: Point[]) => {
    for (let i = 1; i < path.length; i++) {
      for (const o of inReach) if (segmentsDistance(path[i - 1]!, path[i]!, o.a, o.b) < keep) return false;
    }
    return true;
  };
  if (clear([a, b])) return [a, b];
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const n = { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  for (let k = 1; k <= CLUSTER_SHAPE.detours; k++) {
    for (const side of [1, -1]) {
      const d = side * k * CLUSTER_SHAPE.detourStep;
      const p = { x: mid.x + n.x * d, y: mid.y + n.y * d };
      if (clear([a, p, b])) return [a, p, b];
    }
  }
  return null;
}

/** Marching squares: the zero contour of `values` (row-major, w × h) as closed rings. */
function traceRings(values: Float64Array, w: number, h: number, x0: number, y0: number, g: number): Point[][] {
  const H = (i: number, j: number) => (j * w + i) * 2; // edge from (i,j) to (i+1,j)
  const V = (i: number, j: number) => (j * w + i) * 2 + 1; // edge from (i,j) to (i,j+1)
  const pointOn = (edge: number): Point => {
    const cell = edge >> 1;
    const i = cell % w;
    const j = (cell - i) / w;
    const a = values[cell]!;
    const b = edge & 1 ? values[cell + w]! : values[cell + 1]!;
    const t = a / (a - b);
    return edge & 1 ? { x: x0 + i * g, y: y0 + (j + t) * g } : { x: x0 + (i + t) * g, y: y0 + j * g };
  };
  // Every crossing point on a grid edge joins exactly two segments, one from each cell beside it.
  const linkA = new Int32Array(w * h * 2).fill(-1);
  const linkB = new Int32Array(w * h * 2).fill(-1);
  const linked: number[] = [];
  const attach = (from: number, to: number) => {
    if (linkA[from]! < 0) {
      linkA[from] = to;
      linked.push(from);
    } else linkB[from] = to;
  };
  const link = (e1: number, e2: number) => {
    attach(e1, e2);
    attach(e2, e1);
  };
  for (let j = 0; j < h - 1; j++) {
    for (let i = 0; i < w - 1; i++) {
      const k = j * w + i;
      const c = (values[k]! < 0 ? 8 : 0) | (values[k + 1]! < 0 ? 4 : 0) | (values[k + w + 1]! < 0 ? 2 : 0) | (values[k + w]! < 0 ? 1 : 0);
      if (c === 0 || c === 15) continue;
      const top = H(i, j);
      const bottom = H(i, j + 1);
      const left = V(i, j);
      const right = V(i + 1, j);
      // Saddles: the centre's sign says whether the two inside corners are joined.
      const centreInside = values[k]! + values[k + 1]! + values[k + w + 1]! + values[k + w]! < 0;
      switch (c) {
        case 1: case 14: link(left, bottom); break;
        case 2: case 13: link(bottom, right); break;
        case 3: case 12: link(left, right); break;
        case 4: case 11: link(top, right); break;
        case 6: case 9: link(top, bottom); break;
        case 7: case 8: link(left, top); break;
        case 5:
          if (centreInside) { link(left, top); link(bottom, right); } else { link(left, bottom); link(top, right); }
          break;
        case 10:
          if (centreInside) { link(top, right); link(left, bottom); } else { link(left, top); link(bottom, right); }
          break;
      }
    }
  }
  const rings: Point[][] = [];
  const seen = new Uint8Array(w * h * 2);
  for (const start of linked) {
    if (seen[start]) continue;
    const ring: Point[] = [];
    let prev = -1;
    let at = start;
    for (;;) {
      seen[at] = 1;
      ring.push(pointOn(at));
      const next = linkA[at] !== prev ? linkA[at]! : linkB[at]!;
      if (next < 0 || seen[next]) break;
      prev = at;
      at = next;
    }
    if (ring.length >= 3) rings.push(ring);
  }
  return rings;
}

/**
 * The outline around `members`, kept clear of `others` (every other node drawn: addresses,
 * "more" pills, tx nodes), in model coordinates.
 */
export function clusterShape(members: readonly Point[], others: readonly Point[]): ClusterShape {
  const S = CLUSTER_SHAPE;
  const empty: ClusterShape = { rings: [], box: { x1: 0, y1: 0, x2: 0, y2: 0 }, bridges: [] };
  if (members.length === 0) return empty;
  const memberCaps = members.map(capsuleOf);
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  const grow = (p: Point, r: number) => {
    x1 = Math.min(x1, p.x - r);
    y1 = Math.min(y1, p.y - r);
    x2 = Math.max(x2, p.x + r);
    y2 = Math.max(y2, p.y + r);
  };
  for (const c of memberCaps) {
    grow(c.a, S.radius);
    grow(c.b, S.radius);
  }
  // Only nodes near the members matter; the rest are never within reach of the field.
  const reach = S.radius + S.clearance + S.detours * S.detourStep + S.grid * 4;
  const nearOthers = others
    .filter((p) => p.x > x1 - reach && p.x < x2 + reach && p.y > y1 - reach && p.y < y2 + reach)
    .map(capsuleOf);

  const bridges: Point[][] = [];
  for (const [i, j] of spanningTree(members)) {
    const route = bridgeRoute(members[i]!, members[j]!, nearOthers);
    if (route) {
      bridges.push(route);
      for (const p of route) grow(p, S.bridge);
    }
  }
  const pad = S.grid * 2;
  x1 -= pad;
  y1 -= pad;
  x2 += pad;
  y2 += pad;

  // Each item only matters within this range of it; farther away the field is plainly outside.
  // Distances are splatted item by item into the samples near it, so the cost follows the
  // members and bridges, not the empty area between far-apart members.
  const range = Math.max(S.radius, S.clearance) + S.grid * 2;
  const g = S.grid;
  const w = Math.ceil((x2 - x1) / g) + 1;
  const h = Math.ceil((y2 - y1) / g) + 1;
  const member = new Float64Array(w * h).fill(range);
  const core = new Float64Array(w * h).fill(range);
  const bridge = new Float64Array(w * h).fill(range);
  const other = new Float64Array(w * h).fill(range);
  const splat = (c: Capsule, into: Float64Array, centre: Float64Array | null) => {
    const i1 = Math.max(0, Math.floor((Math.min(c.a.x, c.b.x) - range - x1) / g));
    const i2 = Math.min(w - 1, Math.ceil((Math.max(c.a.x, c.b.x) + range - x1) / g));
    const j1 = Math.max(0, Math.floor((Math.min(c.a.y, c.b.y) - range - y1) / g));
    const j2 = Math.min(h - 1, Math.ceil((Math.max(c.a.y, c.b.y) + range - y1) / g));
    for (let j = j1; j <= j2; j++) {
      const y = y1 + j * g;
      for (let i = i1; i <= i2; i++) {
        const x = x1 + i * g;
        const k = j * w + i;
        const d = distToSegment(x, y, c.a, c.b);
        if (d < into[k]!) into[k] = d;
        if (centre) {
          const dc = Math.hypot(x - c.a.x, y - c.a.y);
          if (dc < centre[k]!) centre[k] = dc;
        }
      }
    }
  };
  for (const c of memberCaps) splat(c, member, core);
  for (const route of bridges) {
    for (let k = 1; k < route.length; k++) {
      // A long diagonal bridge in one piece would splat its whole bounding box: cut it up.
      const a = route[k - 1]!;
      const b = route[k]!;
      const pieces = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / range));
      for (let q = 0; q < pieces; q++) {
        const from = { x: a.x + ((b.x - a.x) * q) / pieces, y: a.y + ((b.y - a.y) * q) / pieces };
        const to = { x: a.x + ((b.x - a.x) * (q + 1)) / pieces, y: a.y + ((b.y - a.y) * (q + 1)) / pieces };
        splat({ a: from, b: to }, bridge, null);
      }
    }
  }
  for (const c of nearOthers) splat(c, other, null);

  const values = new Float64Array(w * h);
  for (let k = 0; k < w * h; k++) {
    const near = Math.min(member[k]! - S.radius, bridge[k]! - S.bridge);
    const f = Math.min(Math.max(near, S.clearance - other[k]!), core[k]! - S.core);
    // Exactly zero would sit on the contour; nudge it outside so every corner has a side.
    values[k] = f === 0 ? 1e-9 : f;
  }
  return { rings: traceRings(values, w, h, x1, y1, g), box: { x1, y1, x2, y2 }, bridges };
}

/** Whether a point is inside the outline (even-odd over all its rings, as it is filled). */
export function shapeContains(shape: ClusterShape, p: Point): boolean {
  const { box } = shape;
  if (p.x < box.x1 || p.x > box.x2 || p.y < box.y1 || p.y > box.y2) return false;
  let inside = false;
  for (const ring of shape.rings) {
    for (let i = 0, k = ring.length - 1; i < ring.length; k = i++) {
      const a = ring[i]!;
      const b = ring[k]!;
      if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    }
  }
  return inside;
}
