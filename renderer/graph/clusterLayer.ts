/**
 * Draws each cluster as an outline around exactly its members (clusterShape) on a canvas of
 * its own, under cytoscape's, and makes that outline behave as the compound box did: a click
 * inside selects the cluster, a double-click or right-click acts on it, and dragging it moves
 * its members. The cluster's node in cytoscape is only its name tag, kept on top of the
 * outline. Outlines are recomputed when nodes move or change, once per frame at most, and
 * redrawn with every frame cytoscape renders.
 */
import type { Core, EventObject, NodeSingular } from 'cytoscape';
import { boundsOf, clusterShape, shapeContains, type ClusterShape, type Point } from './clusterShape';
import { clusterTagPosition } from './toElements';

const ACCENT = '#0b7a75';

export interface DrawnCluster {
  readonly id: string;
  readonly color: string;
  readonly memberIds: readonly string[];
  readonly shape: ClusterShape;
  /** Area of the outline's box, so a click picks the smallest cluster under it. */
  readonly area: number;
}

export interface ClusterLayer {
  /** The cluster whose outline covers this model point (the smallest, if several), or null. */
  clusterAt(p: Point): DrawnCluster | null;
  clusters(): readonly DrawnCluster[];
  /** Recompute now (after a graph update); otherwise outlines follow node moves by themselves. */
  refresh(): void;
  uninstall(): void;
}

export interface ClusterLayerOptions {
  /** Members dragged along with their outline: their ids, once the drag ends. */
  onMembersMoved(ids: string[]): void;
}

function isOutlined(node: NodeSingular): boolean {
  const kind: unknown = node.data('kind');
  return kind === 'address' || kind === 'entity' || kind === 'more' || kind === 'tx';
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return `rgba(110, 119, 129, ${alpha})`;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

export function installClusterLayer(cy: Core, canvas: HTMLCanvasElement, options: ClusterLayerOptions): ClusterLayer {
  let drawn: DrawnCluster[] = [];
  // Outline per cluster, reused while neither its members nor the nodes near them move.
  const cache = new Map<string, { key: string; shape: ClusterShape }>();
  let frame: number | null = null;

  const compute = (): void => {
    frame = null;
    if (cy.destroyed()) return;
    const tags = cy.nodes('.cluster');
    if (tags.empty()) {
      drawn = [];
      cache.clear();
      draw();
      return;
    }
    const members = new Map<string, NodeSingular[]>();
    const all: Array<{ id: string; cluster: string | null; p: Point }> = [];
    cy.nodes().forEach((n) => {
      if (!isOutlined(n)) return;
      const cluster: unknown = n.data('cluster');
      const p = n.position();
      all.push({ id: n.id(), cluster: typeof cluster === 'string' ? cluster : null, p: { x: p.x, y: p.y } });
      if (typeof cluster === 'string') {
        const list = members.get(cluster);
        if (list) list.push(n);
        else members.set(cluster, [n]);
      }
    });
    const next: DrawnCluster[] = [];
    tags.forEach((tag) => {
      const id = tag.id();
      const own = members.get(id) ?? [];
      if (own.length === 0) return;
      const points = own.map((n) => ({ x: n.position().x, y: n.position().y }));
      const { x1, y1, x2, y2 } = boundsOf(points);
      const reach = 300;
      const others = all
        .filter((o) => o.cluster !== id && o.p.x > x1 - reach && o.p.x < x2 + reach && o.p.y > y1 - reach && o.p.y < y2 + reach)
        .map((o) => o.p);
      const key = JSON.stringify([points, others]);
      let shape = cache.get(id)?.key === key ? cache.get(id)!.shape : null;
      if (!shape) {
        shape = clusterShape(points, others);
        cache.set(id, { key, shape });
      }
      const box = shape.box;
      next.push({ id, color: String(tag.data('color') ?? '#6e7781'), memberIds: own.map((n) => n.id()), shape, area: (box.x2 - box.x1) * (box.y2 - box.y1) });
      // The name tag rides on top of the outline, unless the investigator is dragging it.
      if (!tag.grabbed()) {
        const at = clusterTagPosition(points);
        const now = tag.position();
        if (Math.abs(now.x - at.x) > 0.5 || Math.abs(now.y - at.y) > 0.5) tag.position(at);
      }
    });
    for (const id of cache.keys()) if (!next.some((c) => c.id === id)) cache.delete(id);
    drawn = next;
    draw();
  };

  const schedule = (): void => {
    if (frame === null) frame = requestAnimationFrame(compute);
  };

  const draw = (): void => {
    if (cy.destroyed()) return;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (drawn.length === 0) return;
    const zoom = cy.zoom();
    const pan = cy.pan();
    ctx.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * pan.x, ratio * pan.y);
    // Bigger clusters first, so a small one inside a big one stays visible on top.
    for (const c of [...drawn].sort((a, b) => b.area - a.area)) {
      const path = new Path2D();
      for (const ring of c.shape.rings) {
        ring.forEach((p, i) => (i === 0 ? path.moveTo(p.x, p.y) : path.lineTo(p.x, p.y)));
        path.closePath();
      }
      const selected = cy.getElementById(c.id).selected();
      ctx.fillStyle = withAlpha(c.color, selected ? 0.16 : 0.1);
      ctx.fill(path, 'evenodd');
      ctx.lineJoin = 'round';
      ctx.strokeStyle = selected ? ACCENT : withAlpha(c.color, 0.85);
      // Line widths in screen pixels, whatever the zoom.
      ctx.lineWidth = (selected ? 3 : 1.5) / zoom;
      ctx.stroke(path);
    }
  };

  const clusterAt = (p: Point): DrawnCluster | null => {
    let best: DrawnCluster | null = null;
    for (const c of drawn) if (shapeContains(c.shape, p) && (!best || c.area < best.area)) best = c;
    return best;
  };

  // Clicks and drags on an outline (the background, to cytoscape).
  let dragging: { cluster: DrawnCluster; last: Point; moved: boolean; panning: boolean; boxing: boolean } | null = null;
  const onTapStart = (e: EventObject): void => {
    if (e.target !== cy) return;
    const original = e.originalEvent as MouseEvent | undefined;
    if (original && (original.shiftKey || original.ctrlKey || original.metaKey || original.button !== 0)) return;
    const hit = clusterAt(e.position);
    if (!hit || cy.autoungrabify()) return;
    // The press is on an outline: it moves the cluster, so the view must not pan meanwhile.
    dragging = { cluster: hit, last: { ...e.position }, moved: false, panning: cy.userPanningEnabled(), boxing: cy.boxSelectionEnabled() };
    cy.userPanningEnabled(false);
    cy.boxSelectionEnabled(false);
  };
  const onTapDrag = (e: EventObject): void => {
    if (!dragging) return;
    const dx = e.position.x - dragging.last.x;
    const dy = e.position.y - dragging.last.y;
    if (dx === 0 && dy === 0) return;
    dragging.last = { ...e.position };
    dragging.moved = true;
    cy.batch(() => {
      for (const id of dragging!.cluster.memberIds) {
        const n = cy.getElementById(id);
        if (n.nonempty()) n.position({ x: n.position().x + dx, y: n.position().y + dy });
      }
    });
  };
  const onTapEnd = (): void => {
    if (!dragging) return;
    const { cluster, moved, panning, boxing } = dragging;
    dragging = null;
    cy.userPanningEnabled(panning);
    cy.boxSelectionEnabled(boxing);
    if (moved) options.onMembersMoved([...cluster.memberIds]);
  };
  // A click on an outline selects the cluster, as a click inside a compound box did.
  const onTap = (e: EventObject): void => {
    if (e.target !== cy) return;
    const hit = clusterAt(e.position);
    if (!hit) return;
    const tag = cy.getElementById(hit.id);
    if (tag.empty()) return;
    const original = e.originalEvent as MouseEvent | undefined;
    const adding = Boolean(original && (original.shiftKey || original.ctrlKey || original.metaKey));
    // cytoscape clears the selection after emitting a background tap: select once it has.
    queueMicrotask(() => {
      if (cy.destroyed() || tag.removed()) return;
      if (!adding) cy.elements(':selected').unmerge(tag).unselect();
      tag.select();
    });
  };
  // The tag is dragged on its own by cytoscape; its members follow it.
  const onTagDrag = (e: EventObject): void => {
    const tag = e.target as NodeSingular;
    const before: unknown = tag.scratch('_cairnTagAt');
    const now = tag.position();
    if (before && typeof before === 'object') {
      const b = before as Point;
      const dx = now.x - b.x;
      const dy = now.y - b.y;
      cy.batch(() => {
        cy.nodes().forEach((n) => {
          if (n.data('cluster') === tag.id() && !n.grabbed()) n.position({ x: n.position().x + dx, y: n.position().y + dy });
        });
      });
    }
    tag.scratch('_cairnTagAt', { x: now.x, y: now.y });
  };
  const onTagGrab = (e: EventObject): void => {
    const tag = e.target as NodeSingular;
    tag.scratch('_cairnTagAt', { ...tag.position() });
  };

  cy.on('position add remove data', 'node', schedule);
  cy.on('select unselect', 'node.cluster', draw);
  cy.on('render', draw);
  cy.on('tapstart', onTapStart);
  cy.on('tapdrag', onTapDrag);
  cy.on('tapend', onTapEnd);
  cy.on('tap', onTap);
  cy.on('grab', 'node.cluster', onTagGrab);
  cy.on('drag', 'node.cluster', onTagDrag);

  return {
    clusterAt,
    clusters: () => drawn,
    refresh: compute,
    uninstall() {
      if (frame !== null) cancelAnimationFrame(frame);
      cy.off('position add remove data', 'node', schedule);
      cy.off('select unselect', 'node.cluster', draw);
      cy.off('render', draw);
      cy.off('tapstart', onTapStart);
      cy.off('tapdrag', onTapDrag);
      cy.off('tapend', onTapEnd);
      cy.off('tap', onTap);
      cy.off('grab', 'node.cluster', onTagGrab);
      cy.off('drag', 'node.cluster', onTagDrag);
    },
  };
}
