/**
 * Where new nodes go on the canvas. Money reads left to right: an expansion puts receivers in a
 * grid to the right of the address expanded and senders in a grid to its left, filling the grid
 * column by column; later pages of a hub continue the same grid, so a hub paged many times stays
 * a compact block rather than a tall stack, and its "+K more" node takes the next slot after the
 * last page. A slot that another node already covers is skipped, so nothing lands on anything.
 */
export interface Point {
  x: number;
  y: number;
}

export const GRID = {
  /** From the anchor to its first column. */
  firstColumn: 280,
  /** Between columns: room for a node and its label. */
  columnStep: 220,
  rowGap: 72,
  /** Rows per column for an ordinary expansion; one that will page (a hub) takes hubRows(total). */
  rows: 10,
  /** A hub's block is shaped for this many counterparties at most (twelve pages of 25). */
  hubShapedFor: 300,
  /** Two nodes closer than this on both axes overlap (node plus label). */
  clearX: 180,
  clearY: 60,
} as const;

/**
 * Rows per column of a hub's grid, from how many counterparties it has. A block of n nodes in r
 * rows is about as wide as it is tall when r × rowGap ≈ (n / r) × columnStep, that is
 * r ≈ √(n × columnStep / rowGap) ≈ √(3n); a block shaped so fits a screen at the largest zoom,
 * so its labels stay readable when fitted. Beyond hubShapedFor the block keeps growing sideways,
 * page after page, at that height. Every page of one hub gets the same rows (its total does not
 * change between pages), so later pages continue the grid.
 */
export function hubRows(total: number): number {
  const n = Math.min(total, GRID.hubShapedFor);
  return Math.max(GRID.rows, Math.round(Math.sqrt((n * GRID.columnStep) / GRID.rowGap)));
}

/** The positions taken so far; grows as nodes are placed. */
export class Occupancy {
  // Bucketed by column band so a check looks at a few neighbours, not every node of a big case.
  private readonly buckets = new Map<number, Point[]>();

  constructor(points: Iterable<Point>) {
    for (const p of points) this.take(p);
  }

  private band(x: number): number {
    return Math.floor(x / GRID.clearX);
  }

  free(p: Point): boolean {
    const b = this.band(p.x);
    for (let k = b - 1; k <= b + 1; k++) {
      for (const q of this.buckets.get(k) ?? []) {
        if (Math.abs(q.x - p.x) < GRID.clearX && Math.abs(q.y - p.y) < GRID.clearY) return false;
      }
    }
    return true;
  }

  take(p: Point): Point {
    const b = this.band(p.x);
    const list = this.buckets.get(b);
    if (list) list.push(p);
    else this.buckets.set(b, [p]);
    return p;
  }
}

/** Slot `i` of the grid on one side of an anchor: column by column, rows centred on the anchor. */
export function gridSlot(anchor: Point, side: 1 | -1, rows: number, i: number): Point {
  const col = Math.floor(i / rows);
  const row = i % rows;
  return { x: anchor.x + side * (GRID.firstColumn + col * GRID.columnStep), y: anchor.y + (row - (rows - 1) / 2) * GRID.rowGap };
}

/** The next `n` free slots of an anchor's grid on one side, taken as they are found. */
export function placeInGrid(occupancy: Occupancy, anchor: Point, side: 1 | -1, rows: number, n: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; out.length < n; i++) {
    const p = gridSlot(anchor, side, rows, i);
    if (occupancy.free(p)) out.push(occupancy.take(p));
  }
  return out;
}

/**
 * Where a node added on its own (a seed, an address typed in) goes: the next free slot of a grid
 * that grows leftwards from the top-left of the case, beside what is there rather than far below.
 */
export function placeLoose(occupancy: Occupancy, existing: readonly Point[]): Point {
  if (existing.length === 0) return occupancy.take({ x: 0, y: 0 });
  const minX = Math.min(...existing.map((p) => p.x));
  const minY = Math.min(...existing.map((p) => p.y));
  for (let i = 0; ; i++) {
    const col = Math.floor(i / GRID.rows);
    const p = { x: minX - col * GRID.columnStep, y: minY + (i % GRID.rows) * GRID.rowGap };
    if (occupancy.free(p)) return occupancy.take(p);
  }
}

/** Pairs of nodes that overlap (closer than a node and its label on both axes): what placement avoids. */
export function overlappingPairs(points: readonly Point[]): number {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.x - sorted[i]!.x < GRID.clearX; j++) {
      if (Math.abs(sorted[j]!.y - sorted[i]!.y) < GRID.clearY) n++;
    }
  }
  return n;
}
