/**
 * The overview map: the whole graph small, with the part in view outlined. A press or drag on
 * it moves the view there. It stands aside (data-idle) while the whole graph is in view. The graph is drawn once per change into an offscreen canvas; the
 * viewport rectangle is drawn over it on every pan and zoom.
 */
import type { Core } from 'cytoscape';
import { boundsOf } from './clusterShape';
import { ROLE_COLOURS, TX_COLOUR, WALLET_COLOUR } from './graphStyle';

const ACCENT = '#0b7a75';
const PAD = 8;
/** Above this many edges the map draws nodes only: it must stay cheap to redraw. */
const MAX_MAP_EDGES = 5000;

export interface Minimap {
  /** Redraw the graph (after it changed). */
  refresh(): void;
  uninstall(): void;
}

interface Frame {
  /** Model box drawn, and its scale to map pixels. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

function nodeColour(kind: unknown, role: unknown): string {
  if (kind === 'tx') return TX_COLOUR;
  if (kind === 'more') return '#afb8c1';
  if (kind === 'entity') return WALLET_COLOUR;
  if (typeof role === 'string' && role in ROLE_COLOURS) return ROLE_COLOURS[role as keyof typeof ROLE_COLOURS];
  return '#6e7781';
}

export function installMinimap(cy: Core, canvas: HTMLCanvasElement): Minimap {
  const base = document.createElement('canvas');
  let frame: Frame | null = null;
  let pending: number | null = null;

  const size = () => {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    for (const c of [canvas, base]) {
      if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
        c.width = Math.round(w * ratio);
        c.height = Math.round(h * ratio);
      }
    }
    return { w, h, ratio };
  };

  const drawGraph = (): void => {
    pending = null;
    if (cy.destroyed()) return;
    const { w, h, ratio } = size();
    const ctx = base.getContext('2d');
    if (!ctx || w === 0 || h === 0) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, base.width, base.height);
    const nodes = cy.nodes().filter((n) => n.data('kind') !== 'cluster');
    if (nodes.empty()) {
      frame = null;
      drawView();
      return;
    }
    let { x1, y1, x2, y2 } = boundsOf(nodes.nodes().map((n) => n.position()));
    // Some room round the nodes, so the one at the edge is not cut in half.
    x1 -= 40;
    y1 -= 40;
    x2 += 40;
    y2 += 40;
    const scale = Math.min((w - 2 * PAD) / (x2 - x1), (h - 2 * PAD) / (y2 - y1));
    const offsetX = (w - (x2 - x1) * scale) / 2;
    const offsetY = (h - (y2 - y1) * scale) / 2;
    frame = { x1, y1, x2, y2, scale, offsetX, offsetY };
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const at = (x: number, y: number): [number, number] => [offsetX + (x - x1) * scale, offsetY + (y - y1) * scale];
    const edges = cy.edges();
    if (edges.length <= MAX_MAP_EDGES) {
      ctx.strokeStyle = 'rgba(140, 149, 159, 0.55)';
      ctx.lineWidth = 0.75;
      ctx.beginPath();
      edges.forEach((e) => {
        const s = e.source().position();
        const t = e.target().position();
        ctx.moveTo(...at(s.x, s.y));
        ctx.lineTo(...at(t.x, t.y));
      });
      ctx.stroke();
    }
    const r = Math.max(1.5, Math.min(3.5, 14 * scale));
    nodes.forEach((n) => {
      const p = n.position();
      const [x, y] = at(p.x, p.y);
      ctx.fillStyle = nodeColour(n.data('kind'), n.data('role'));
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
    });
    drawView();
  };

  const drawView = (): void => {
    if (cy.destroyed()) return;
    const { w, h, ratio } = size();
    const ctx = canvas.getContext('2d');
    // Hidden (display: none) the map has no size: nothing to draw until it is shown.
    if (!ctx || w === 0 || h === 0) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(base, 0, 0);
    const e = cy.extent();
    // While the whole graph is in view the map shows nothing the canvas does not, and would
    // only cover a corner of it: it stands aside until part of the graph leaves the view.
    const whole = !frame || (e.x1 <= frame.x1 && e.y1 <= frame.y1 && e.x2 >= frame.x2 && e.y2 >= frame.y2);
    canvas.toggleAttribute('data-idle', whole);
    if (!frame) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const vx1 = frame.offsetX + (e.x1 - frame.x1) * frame.scale;
    const vy1 = frame.offsetY + (e.y1 - frame.y1) * frame.scale;
    const vx2 = frame.offsetX + (e.x2 - frame.x1) * frame.scale;
    const vy2 = frame.offsetY + (e.y2 - frame.y1) * frame.scale;
    // Clamped to the map, so a view far off the graph still shows on which side it is.
    const cx1 = Math.max(1, Math.min(w - 1, vx1));
    const cy1 = Math.max(1, Math.min(h - 1, vy1));
    const cx2 = Math.max(1, Math.min(w - 1, vx2));
    const cy2 = Math.max(1, Math.min(h - 1, vy2));
    ctx.fillStyle = 'rgba(11, 122, 117, 0.08)';
    ctx.fillRect(cx1, cy1, cx2 - cx1, cy2 - cy1);
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(cx1, cy1, Math.max(2, cx2 - cx1), Math.max(2, cy2 - cy1));
  };

  const schedule = (): void => {
    if (pending === null) pending = requestAnimationFrame(drawGraph);
  };

  /** Centres the view on the model point under a map position. */
  const moveTo = (clientX: number, clientY: number): void => {
    if (!frame || cy.destroyed()) return;
    // The map is drawn inside the canvas's border (client size); client points include it.
    const rect = canvas.getBoundingClientRect();
    const mx = frame.x1 + (clientX - rect.left - canvas.clientLeft - frame.offsetX) / frame.scale;
    const my = frame.y1 + (clientY - rect.top - canvas.clientTop - frame.offsetY) / frame.scale;
    const zoom = cy.zoom();
    cy.pan({ x: cy.width() / 2 - mx * zoom, y: cy.height() / 2 - my * zoom });
  };
  let pressed = false;
  const onDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    pressed = true;
    canvas.setPointerCapture(e.pointerId);
    moveTo(e.clientX, e.clientY);
    e.preventDefault();
  };
  const onMove = (e: PointerEvent): void => {
    if (pressed) moveTo(e.clientX, e.clientY);
  };
  const onUp = (e: PointerEvent): void => {
    pressed = false;
    if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
  };
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  cy.on('viewport resize', drawView);
  cy.on('add remove position', schedule);
  schedule();

  return {
    refresh: schedule,
    uninstall() {
      if (pending !== null) cancelAnimationFrame(pending);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      cy.off('viewport resize', drawView);
      cy.off('add remove position', schedule);
    },
  };
}
