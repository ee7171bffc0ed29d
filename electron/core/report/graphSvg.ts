/**
 * A case's graph drawn as a self-contained SVG, on the back end (no browser canvas), for the
 * report and `cairn case export --format svg|png` (issue 15). Pure: a Graph in, a string out.
 *
 * Made to be read on paper. Output units are CSS pixels (96 dpi) and the default width is the
 * text width of an A4 portrait page (180 mm ≈ 680 px), so a font of 9.5 units prints at about
 * 7 pt. The stored canvas positions are scaled to fit, but text and node marks are not: they
 * keep their size in output units however far the graph shrinks, and labels that would then
 * overlap are shortened or left out (their text stays in each element's <title>, a hover text
 * for a viewer, and the legend says how many). The look copies the app's canvas
 * (renderer/graph/graphStyle.ts, toElements.ts, Legend.tsx, labelCategory.ts): the colours
 * are repeated here rather than imported, since electron/core never loads renderer code.
 *
 * Self-contained means: no ids (several figures inline in one HTML page would clash), no
 * markers, clip paths or references of any kind, no external fonts; every text is XML-escaped
 * and stripped of characters XML 1.0 forbids and of bidi overrides (a label cannot reorder
 * what a printed page shows).
 */
import type { AddressNode, EntityNode, Graph, GraphCluster, GraphEdge, GraphLink, GraphNode } from '../../../shared/api/schemas';
import type { SavedTrace } from '../../../shared/api/traceSchemas';
import { canonicalAddress } from '../../../shared/codec/address';
import { formatUnits, groupDigits, parseBaseUnits } from '../../../shared/model/amount';
import { resolveChain } from '../../../shared/model/chains';
import { colourKeyOf, colourKeyWords, LABEL_COLOUR_KEYS, LABEL_COLOURS, SANCTION_COLOUR, type LabelColourKey } from '../../../shared/model/labelColours';

// ---------------------------------------------------------------------------------------------
// Public surface

export interface GraphSvgOptions {
  /** Drawn above the graph (and the SVG's <title>). */
  title?: string;
  /** The traced path: drawn bold in the accent colour, everything else greyed. */
  emphasis?: { nodeIds: ReadonlySet<string>; edgeIds: ReadonlySet<string> };
  /** Draw only these nodes (a subgraph); hidden nodes are never drawn. */
  nodeIds?: ReadonlySet<string>;
  /** Model coordinates: draw only the nodes inside, framed as the canvas showed them. */
  viewport?: { x1: number; y1: number; x2: number; y2: number };
  /** Width in output units (CSS px); default A4 portrait text width, 180 mm at 96 dpi. */
  widthPx?: number;
  /** Draw the legend below the graph (default true). */
  legend?: boolean;
  /** Height the whole figure should stay within (default: A4 text height, 257 mm). */
  maxHeightPx?: number;
}

export interface GraphSvg {
  svg: string;
  width: number;
  height: number;
  /** Nodes drawn (address, entity and "+N more" nodes). */
  nodes: number;
  /** Edges drawn: transfer edges and same-key links. */
  edges: number;
}

export interface GraphEmphasis {
  nodeIds: Set<string>;
  edgeIds: Set<string>;
}

export interface GraphFigure {
  id: string;
  title: string;
  nodeIds: Set<string>;
  emphasis?: GraphEmphasis;
}

/** The fonts a printed figure uses; all commonly installed, none fetched. */
export const SVG_FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
/** 180 mm at 96 dpi: the text width of an A4 portrait page with 15 mm margins. */
export const A4_TEXT_WIDTH_PX = 680;
/** 257 mm at 96 dpi: the text height of an A4 portrait page with 20 mm margins. */
export const A4_TEXT_HEIGHT_PX = 971;
/** No text is smaller than this when the figure is printed at its own size. */
export const MIN_PRINT_PT = 7;
/** Font sizes in output units (1 unit = 1/96 in = 0.75 pt): 9.5 prints at 7.1 pt. */
export const FONT = { node: 10, edge: 9.5, badge: 9.5, more: 9.5, cluster: 10.5, legend: 10, title: 13 } as const;

// ---------------------------------------------------------------------------------------------
// Palette, as the app's canvas draws it (renderer/graph/graphStyle.ts, labelCategory.ts)

const ROLE_COLOURS = { victim: '#c8312f', suspect: '#22272e', service: '#2f6fd1', other: '#7a6a3a' } as const;
const ROLE_FILLS = { victim: '#f6d5d4', suspect: '#22272e', service: '#d6e4f8', other: '#efe8d2' } as const;
const ROLE_BORDERS = { victim: ROLE_COLOURS.victim, suspect: '#000000', service: ROLE_COLOURS.service, other: ROLE_COLOURS.other } as const;
const ACCENT = '#0b7a75';
const WALLET_COLOUR = '#9a2d7a';
const ENTITY_FILL = '#ecd3e5';
const EDGE_COLOURS = { native: '#8c959f', token: '#a37f2c', sameKey: '#1f6feb' } as const;
const ADDRESS = { fill: '#8b949e', tagged: '#6e7781', unknown: '#d0d7de', border: '#57606a' } as const;
const MORE = { border: '#6e7781', text: '#57606a' } as const;
const TEXT = { node: '#1f2328', edge: '#424a53', dim: '#6e7781', badge: '#57606a', muted: '#57606a' } as const;

/** The colour of the name a node shows: its first case tag's category, else its best label's. */
function addressColourKey(node: AddressNode): LabelColourKey | null {
  const tag = node.tags[0];
  if (tag?.category) return colourKeyOf(tag.category);
  const best = node.labels?.[0];
  return best ? colourKeyOf(best.category, best.abuse) : null;
}

function entityColourKey(node: EntityNode): LabelColourKey | null {
  return node.label ? (node.label.sanctioned ? 'illicit' : colourKeyOf(node.label.category)) : null;
}

/** Cluster colours come from the case file; anything but #rrggbb is not written into an attribute. */
function safeColour(colour: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : '#8c959f';
}

// ---------------------------------------------------------------------------------------------
// Text: escaping, shortening, measuring

/** Characters XML 1.0 forbids, lone surrogates, and bidi controls that could reorder printed text. */
const UNSAFE_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|[\u202A-\u202E\u2066-\u2069\u200E\u200F]/gu;

/** Text as an XML text node or attribute value: escaped, with forbidden characters dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(UNSAFE_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Drops what escapeXml drops, so widths are measured on the text that is written. */
function clean(text: string): string {
  return text.replace(UNSAFE_CHARS, '').replace(/[\t\n\r]+/g, ' ');
}

/** Cuts text to `max` characters (code points), ending in an ellipsis. */
function ellipsize(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

/**
 * Advance of a character in DejaVu Sans, in em, rounded up a little: the widest of the three
 * fonts named, so a box measured with it holds the text in Liberation Sans or Arial too.
 */
function charEm(ch: string): number {
  if (ch === ' ') return 0.33;
  if (ch >= '0' && ch <= '9') return 0.64;
  if ("iljtfrI.,:;'!|()[]{}".includes(ch)) return 0.4;
  if ('mwMW@%'.includes(ch)) return 1.0;
  if (ch >= 'A' && ch <= 'Z') return 0.74;
  if (ch >= 'a' && ch <= 'z') return 0.62;
  if ('-_+=*/\\#$&?~^<>"'.includes(ch)) return 0.7;
  return 1.0;
}

export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * size * (bold ? 1.1 : 1);
}

/** Numbers in attributes: one decimal is finer than print resolution. */
function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

type Attrs = Record<string, string | number | undefined | null | false>;

function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    out += ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
  }
  return out;
}

function tag(name: string, a: Attrs, children?: string): string {
  return children === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`;
}

function titleEl(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

/** A class token from an id: node ids are n12, w3, m7; edge ids may hold anything. */
function idClass(id: string): string {
  return `id-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

// ---------------------------------------------------------------------------------------------
// Amounts

interface EdgeAmount {
  /** On the drawing: exact, grouped, cut with "…" only when very long. */
  label: string;
  /** In full, for the hover text. */
  exact: string;
  abbreviated: boolean;
}

/** Longest amount (digits, separators and point) written in full on an edge; a longer one keeps AMOUNT_KEEP. */
const AMOUNT_CHARS = 16;
const AMOUNT_KEEP = 14;

/**
 * "1.23456789 BTC": exact whole units with the symbol. A long fraction is cut (never rounded)
 * and marked "…", so every digit shown is a digit of the exact amount.
 */
export function formatEdgeAmount(total: string, asset: Pick<GraphEdge['asset'], 'symbol' | 'decimals'>): EdgeAmount {
  let value: bigint;
  try {
    value = parseBaseUnits(total);
  } catch {
    const raw = `${clean(total)} units`;
    return { label: ellipsize(raw, AMOUNT_CHARS + 6), exact: raw, abbreviated: raw.length > AMOUNT_CHARS + 6 };
  }
  const symbol = asset.decimals === null ? 'units' : clean(asset.symbol ?? 'token');
  const digits = asset.decimals === null ? groupDigits(value.toString()) : groupDigits(formatUnits(value, asset.decimals));
  const exact = `${digits} ${symbol}`;
  if (digits.length <= AMOUNT_CHARS) return { label: exact, exact, abbreviated: false };
  const point = digits.indexOf('.');
  // Only fractional digits are cut: a whole part is always shown whole, so no figure shrinks.
  if (point < 0) return { label: exact, exact, abbreviated: false };
  // A tiny amount keeps its first significant digits: 0.000000000000000001 ETH stays whole.
  const significant = digits.slice(point + 1).search(/[1-9]/);
  const keep = Math.max(point + 2, AMOUNT_KEEP, significant < 0 ? 0 : point + 1 + significant + 4);
  if (keep >= digits.length) return { label: exact, exact, abbreviated: false };
  return { label: `${digits.slice(0, keep)}… ${symbol}`, exact, abbreviated: true };
}

function countText(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------------
// Geometry

interface Pt {
  x: number;
  y: number;
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Boxes taken on the drawing (node marks, labels), bucketed so a check looks at a few. */
class BoxIndex {
  private readonly cells = new Map<string, Box[]>();
  private static readonly CELL = 48;

  private keys(b: Box): string[] {
    const c = BoxIndex.CELL;
    const out: string[] = [];
    for (let i = Math.floor(b.x1 / c); i <= Math.floor(b.x2 / c); i++) {
      for (let j = Math.floor(b.y1 / c); j <= Math.floor(b.y2 / c); j++) out.push(`${i},${j}`);
    }
    return out;
  }

  add(b: Box): void {
    for (const k of this.keys(b)) {
      const list = this.cells.get(k);
      if (list) list.push(b);
      else this.cells.set(k, [b]);
    }
  }

  hits(b: Box): boolean {
    for (const k of this.keys(b)) {
      for (const o of this.cells.get(k) ?? []) if (b.x1 < o.x2 && o.x1 < b.x2 && b.y1 < o.y2 && o.y1 < b.y2) return true;
    }
    return false;
  }
}

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Convex hull (monotone chain); collinear points are dropped, so a line gives its two ends. */
function convexHull(points: readonly Pt[]): Pt[] {
  const ps = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const unique = ps.filter((p, i) => i === 0 || p.x !== ps[i - 1]!.x || p.y !== ps[i - 1]!.y);
  if (unique.length <= 2) return unique;
  const lower: Pt[] = [];
  for (const p of unique) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Pt[] = [];
  for (let i = unique.length - 1; i >= 0; i--) {
    const p = unique[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The hull grown by `pad` all round, with round corners: exactly the area within `pad` of the
 * members' convex hull. One member gives a circle, two a stadium.
 */
function roundedHullPath(points: readonly Pt[], pad: number): { d: string; box: Box } {
  const hull = convexHull(points);
  const xs = hull.map((p) => p.x);
  const ys = hull.map((p) => p.y);
  const box = { x1: Math.min(...xs) - pad, y1: Math.min(...ys) - pad, x2: Math.max(...xs) + pad, y2: Math.max(...ys) + pad };
  if (hull.length === 1) {
    const p = hull[0]!;
    return { d: `M${num(p.x - pad)},${num(p.y)}a${num(pad)},${num(pad)} 0 1,0 ${num(2 * pad)},0a${num(pad)},${num(pad)} 0 1,0 ${num(-2 * pad)},0Z`, box };
  }
  let area = 0;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    area += a.x * b.y - b.x * a.y;
  }
  // Positive area in SVG's y-down frame is clockwise on screen: outward normals and arcs follow.
  const sign = area >= 0 ? 1 : -1;
  const sweep = area >= 0 ? 1 : 0;
  const n = hull.length;
  const normals = hull.map((a, i) => {
    const b = hull[(i + 1) % n]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    return { x: (sign * (b.y - a.y)) / len, y: (sign * -(b.x - a.x)) / len };
  });
  let d = '';
  for (let i = 0; i < n; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    const nm = normals[i]!;
    const next = normals[(i + 1) % n]!;
    if (i === 0) d += `M${num(a.x + pad * nm.x)},${num(a.y + pad * nm.y)}`;
    d += `L${num(b.x + pad * nm.x)},${num(b.y + pad * nm.y)}`;
    d += `A${num(pad)},${num(pad)} 0 0,${sweep} ${num(b.x + pad * next.x)},${num(b.y + pad * next.y)}`;
  }
  return { d: d + 'Z', box };
}

function octagonPath(c: Pt, r: number): string {
  const k = r * 0.414;
  const p = [
    [c.x - k, c.y - r], [c.x + k, c.y - r], [c.x + r, c.y - k], [c.x + r, c.y + k],
    [c.x + k, c.y + r], [c.x - k, c.y + r], [c.x - r, c.y + k], [c.x - r, c.y - k],
  ];
  return 'M' + p.map(([x, y]) => `${num(x!)},${num(y!)}`).join('L') + 'Z';
}

// ---------------------------------------------------------------------------------------------
// What is drawn

/** One run of a label line: a chain badge, the address, a name. */
interface Run {
  text: string;
  bold?: boolean;
  fill?: string;
}

type Line = Run[];

interface DrawnNode {
  node: GraphNode;
  /** Position on the drawing, output units. */
  p: Pt;
  /** Half the mark's size: circles' radius, a pill's half width. */
  r: number;
  /** Half height (differs from r for pills). */
  ry: number;
  emph: boolean;
  dim: boolean;
  /** Label variants, most informative first. */
  labels: Line[][];
  labelFill: string;
  labelBold: boolean;
  hover: string;
  priority: number;
}

interface DrawnEdge {
  id: string;
  source: DrawnNode;
  target: DrawnNode;
  kind: 'transfer' | 'same-key';
  edge?: GraphEdge;
  link?: GraphLink;
  width: number;
  colour: string;
  emph: boolean;
  dim: boolean;
  label: string;
  hover: string;
  abbreviated: boolean;
  /** Offset of the curve's middle from the straight line, along the pair's normal. */
  bend: number;
  loop: number;
}

interface PlacedLabel {
  lines: Line[];
  /** Anchor: start (x is the left edge) or middle. */
  anchor: 'start' | 'middle';
  x: number;
  /** Top of the first line. */
  y: number;
  size: number;
  fill: string;
  bold: boolean;
  box: Box;
  dim: boolean;
  background: boolean;
  border?: string;
  cls: string;
}

const LINE = 1.22;
const LABEL_PAD = 1.5;

function lineWidth(line: Line, size: number, bold: boolean): number {
  return line.reduce((w, r) => w + textWidth(r.text, size, bold || r.bold === true), 0);
}

/** The box of a label of `lines` at an anchor; y is the top of the first line. */
function labelBox(lines: Line[], size: number, bold: boolean, anchor: 'start' | 'middle', x: number, y: number): Box {
  const w = Math.max(...lines.map((l) => lineWidth(l, size, bold)));
  const h = lines.length * size * LINE;
  const x1 = anchor === 'middle' ? x - w / 2 : x;
  return { x1: x1 - LABEL_PAD, y1: y - LABEL_PAD, x2: x1 + w + LABEL_PAD, y2: y + h + LABEL_PAD };
}

/** Moves a label sideways so it stays on the page. */
function keepInside(x: number, box: Box, width: number): { x: number; box: Box } {
  const margin = 3;
  let dx = 0;
  if (box.x1 < margin) dx = margin - box.x1;
  else if (box.x2 > width - margin) dx = width - margin - box.x2;
  return dx === 0 ? { x, box } : { x: x + dx, box: { ...box, x1: box.x1 + dx, x2: box.x2 + dx } };
}

// ---------------------------------------------------------------------------------------------
// Nodes: look, labels and hover text

const SANCTION_MARK = '⚠ ';
const VIA_MARK = '≈ ';
/** Characters of a name under a node, and of the short form tried when room is tight. */
const NAME_CHARS = 24;
const NAME_CHARS_TIGHT = 14;

interface Context {
  clusters: ReadonlyMap<string, GraphCluster>;
  /** Chain badges are drawn when the figure holds more than one chain. */
  badges: boolean;
  emphasis: GraphSvgOptions['emphasis'] | null;
  scale: number;
}

function chainSymbol(chain: string): string {
  try {
    return resolveChain(chain).nativeSymbol;
  } catch {
    return chain.split(':')[0]!.toUpperCase().slice(0, 5);
  }
}

function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

function badge(chain: string, ctx: Context): Run[] {
  return ctx.badges ? [{ text: chainSymbol(chain), bold: true, fill: TEXT.badge }, { text: ' ' }] : [];
}

/** The name shown under an address: a case tag first, then its best label, else its wallet's (marked ≈). */
function addressName(node: AddressNode): { name: string | null; via: boolean } {
  const own = node.tags[0]?.label ?? node.labels?.[0]?.label ?? null;
  if (own !== null) return { name: clean(own), via: false };
  const w = node.wallet?.label;
  return w ? { name: clean(w.label), via: true } : { name: null, via: false };
}

function addressLabels(node: AddressNode, ctx: Context): Line[][] {
  const walletSize = node.wallet && node.wallet.size > 1 ? ` [${countText(node.wallet.size)}]` : '';
  const short = clean(node.short) + walletSize;
  const { name, via } = addressName(node);
  const mark = node.sanctioned ? SANCTION_MARK : via ? VIA_MARK : '';
  const first: Line = [...badge(node.chain, ctx), { text: short }];
  const plain: Line = [{ text: short }];
  if (name === null) return ctx.badges ? [[first], [plain]] : [[first]];
  const full = ellipsize(mark + name, NAME_CHARS);
  const tight = ellipsize(mark + name, NAME_CHARS_TIGHT);
  return [[first, [{ text: full }]], [plain, [{ text: tight }]], [[{ text: tight }]], [plain]];
}

function entityName(node: EntityNode): string {
  if (node.label) return `${node.label.sanctioned ? SANCTION_MARK : ''}${clean(node.label.label)}`;
  const d = clean(node.anchorDisplay);
  return `wallet ${d.length > 11 ? `${d.slice(0, 5)}…${d.slice(-4)}` : d}`;
}

function entityCount(node: EntityNode): string {
  return `${countText(node.members.length)} of ${countText(node.size)} address${node.size === 1 ? '' : 'es'}`;
}

function entityLabels(node: EntityNode, ctx: Context): Line[][] {
  const name = entityName(node);
  const count = entityCount(node);
  return [
    [[...badge(node.chain, ctx), { text: ellipsize(name, NAME_CHARS) }], [{ text: count }]],
    [[{ text: ellipsize(name, NAME_CHARS_TIGHT) }], [{ text: `${countText(node.size)} addr.` }]],
    [[{ text: ellipsize(name, NAME_CHARS_TIGHT) }]],
  ];
}

function addressHover(node: AddressNode, ctx: Context): string {
  const lines = [`${chainName(node.chain)} ${node.display}`];
  if (node.role) lines.push(`seed: ${node.role}`);
  if (node.sanctioned) lines.push('SANCTIONED: a label set lists this address as sanctioned');
  for (const t of node.tags) lines.push(`tag: ${t.label}`);
  for (const l of node.labels ?? []) lines.push(`label: ${l.label}${l.category ? ` (${l.category.replace(/_/g, ' ')})` : ''} · ${l.set.title}`);
  const cluster = node.clusterId !== null ? ctx.clusters.get(node.clusterId) : undefined;
  if (cluster) lines.push(`cluster: ${cluster.name}`);
  if (node.wallet) {
    lines.push(`automatic cluster ${node.wallet.cluster}: ${countText(node.wallet.size)} addresses (a wallet, inferred)`);
    if (node.wallet.label) lines.push(`best label in it: ${node.wallet.label.label} (on ${node.wallet.label.address})`);
  }
  if (!node.known) lines.push('not in the store');
  return lines.join('\n');
}

function entityHover(node: EntityNode): string {
  return [
    `${chainName(node.chain)} ${entityName(node)}`,
    `automatic cluster ${node.cluster}, drawn as one node: ${entityCount(node)}`,
    `collapsed from ${node.anchorDisplay}`,
  ].join('\n');
}

/** Mark sizes in output units: shrunk with the graph down to a floor that still reads in print. */
function markRadius(base: number, ctx: Context): number {
  return Math.max(base * 0.5, Math.min(base, base * 1.6 * ctx.scale));
}

function drawnNode(node: GraphNode, p: Pt, ctx: Context): DrawnNode {
  const emphActive = ctx.emphasis !== null;
  const emph = emphActive && ctx.emphasis!.nodeIds.has(node.id);
  const dim = emphActive && !emph;
  const base = { node, p, emph, dim, labelFill: dim ? TEXT.dim : TEXT.node, labelBold: emph };
  if (node.kind === 'more') {
    const text = `+${countText(node.remaining)} more`;
    const w = textWidth(text, FONT.more) + 10;
    return { ...base, r: w / 2, ry: FONT.more * 0.75 + 1, labels: [], hover: `${text} counterparties not drawn (${node.direction})`, priority: 9 };
  }
  if (node.kind === 'entity') {
    const r = markRadius(11, ctx);
    return {
      ...base,
      r,
      ry: r,
      labels: entityLabels(node, ctx),
      labelFill: node.label?.sanctioned ? SANCTION_COLOUR : base.labelFill,
      labelBold: true,
      hover: entityHover(node),
      priority: emph ? 0 : node.label ? 2 : 4,
    };
  }
  const r = markRadius(node.sanctioned ? 9.5 : node.role ? 8.5 : 7, ctx);
  return {
    ...base,
    r,
    ry: r,
    labels: addressLabels(node, ctx),
    labelFill: node.sanctioned ? SANCTION_COLOUR : base.labelFill,
    labelBold: emph || node.sanctioned === true || node.role !== null,
    hover: addressHover(node, ctx),
    priority: emph ? 0 : node.role || node.sanctioned ? 1 : addressName(node).name !== null ? 2 : node.clusterId ? 3 : 5,
  };
}

/** The marks of a node, centred on its position. */
function nodeMarks(d: DrawnNode, ctx: Context): string {
  const { node, p, r } = d;
  const out: string[] = [];
  if (d.emph) out.push(tag('circle', { cx: p.x, cy: p.y, r: r + emphRing(d), fill: 'none', stroke: ACCENT, 'stroke-width': 2.5 }));
  if (node.kind === 'more') {
    out.push(tag('rect', { x: p.x - r, y: p.y - d.ry, width: 2 * r, height: 2 * d.ry, rx: d.ry, fill: '#ffffff', stroke: MORE.border, 'stroke-width': 1, 'stroke-dasharray': '3 2' }));
    out.push(tag('text', { x: p.x, y: p.y + FONT.more * 0.35, 'font-size': FONT.more, 'text-anchor': 'middle', fill: MORE.text }, escapeXml(`+${countText(node.remaining)} more`)));
    return out.join('');
  }
  if (node.kind === 'entity') {
    const key = entityColourKey(node);
    const border = node.label?.sanctioned ? SANCTION_COLOUR : WALLET_COLOUR;
    out.push(tag('path', { d: octagonPath(p, r), fill: key ? LABEL_COLOURS[key] : ENTITY_FILL, stroke: border, 'stroke-width': 1.5 }));
    out.push(tag('path', { d: octagonPath(p, r - 3), fill: 'none', stroke: border, 'stroke-width': 1 }));
    return out.join('');
  }
  const key = addressColourKey(node);
  let fill: string = key ? LABEL_COLOURS[key] : !node.known ? ADDRESS.unknown : node.tags.length > 0 ? ADDRESS.tagged : ADDRESS.fill;
  let stroke: string = ADDRESS.border;
  let width = 1;
  const cluster = node.clusterId !== null ? ctx.clusters.get(node.clusterId) : undefined;
  if (cluster) {
    stroke = safeColour(cluster.color);
    width = 2;
  }
  if (node.role) {
    fill = ROLE_FILLS[node.role];
    stroke = ROLE_BORDERS[node.role];
    width = node.role === 'victim' ? 3 : 2.5;
  }
  if (node.sanctioned) {
    stroke = SANCTION_COLOUR;
    width = 2;
    out.push(tag('circle', { cx: p.x, cy: p.y, r: r + 2.5, fill: 'none', stroke: SANCTION_COLOUR, 'stroke-width': 1.6 }));
  }
  if (node.wallet && node.wallet.size > 1) {
    out.push(tag('circle', { cx: p.x, cy: p.y, r: r + (node.sanctioned ? 5 : 3), fill: 'none', stroke: WALLET_COLOUR, 'stroke-width': 1.2, 'stroke-dasharray': '2.5 1.5' }));
  }
  out.push(tag('circle', { cx: p.x, cy: p.y, r, fill, stroke, 'stroke-width': width, 'stroke-dasharray': !node.known && !node.role ? '1.5 1.5' : undefined }));
  return out.join('');
}

function nodeClasses(d: DrawnNode): string {
  const n = d.node;
  const c = ['node', n.kind, idClass(n.id)];
  if (n.kind === 'address') {
    if (n.role) c.push('seed', `seed-${n.role}`);
    if (n.sanctioned) c.push('sanctioned');
    if (n.clusterId) c.push('in-cluster');
  }
  if (d.emph) c.push('emph');
  if (d.dim) c.push('dim');
  return c.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Edges

const EDGE_WIDTH = { min: 0.9, max: 3.6, single: 1.6 } as const;

/** log10 of a non-negative bigint, for a line width only; the amount itself stays a bigint. */
function log10Of(value: bigint): number {
  if (value <= 0n) return 0;
  const digits = value.toString();
  const head = digits.slice(0, 15);
  return Math.log10(Number(head)) + (digits.length - head.length);
}

function assetKey(asset: { chain: string; contract: string | null }): string {
  return `${asset.chain}|${(asset.contract ?? 'native').toLowerCase()}`;
}

/** Widths by value on a log scale per asset, as the canvas (edgeWidth.ts): 3 to 6 decades. */
function edgeWidths(edges: readonly GraphEdge[], factor: number): Map<string, number> {
  const logs = new Map<string, number>();
  const top = new Map<string, number>();
  const bottom = new Map<string, number>();
  for (const e of edges) {
    let v = 0n;
    try {
      v = parseBaseUnits(e.total);
    } catch {
      // A malformed total is drawn thinnest; its label says what it is.
    }
    const l = log10Of(v);
    const k = assetKey(e.asset);
    logs.set(e.id, l);
    top.set(k, Math.max(top.get(k) ?? -Infinity, l));
    bottom.set(k, Math.min(bottom.get(k) ?? Infinity, l));
  }
  const out = new Map<string, number>();
  for (const e of edges) {
    const k = assetKey(e.asset);
    const hi = top.get(k)!;
    const lo = bottom.get(k)!;
    if (hi - lo < 1e-9) {
      out.set(e.id, EDGE_WIDTH.single * factor);
      continue;
    }
    const span = Math.min(6, Math.max(3, hi - lo));
    const share = Math.max(0, Math.min(1, (logs.get(e.id)! - (hi - span)) / span));
    out.set(e.id, (EDGE_WIDTH.min + share * (EDGE_WIDTH.max - EDGE_WIDTH.min)) * factor);
  }
  return out;
}

/** Between the curves of edges that share their two nodes, at the middle. */
const PARALLEL_STEP = 16;

/**
 * Spreads edges and links that join the same two nodes (several assets, both directions)
 * symmetrically about the straight line, in one frame per pair so opposite directions never
 * take the same curve.
 */
function assignBends(edges: DrawnEdge[]): void {
  const groups = new Map<string, DrawnEdge[]>();
  for (const e of edges) {
    const a = e.source.node.id;
    const b = e.target.node.id;
    const key = a === b ? `loop|${a}` : a < b ? `${a}|${b}` : `${b}|${a}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  for (const [key, group] of groups) {
    if (key.startsWith('loop|')) {
      group.forEach((e, i) => (e.loop = i + 1));
      continue;
    }
    group.sort((x, y) => (x.source.node.id === y.source.node.id ? 0 : x.source.node.id < y.source.node.id ? -1 : 1) || (x.kind === y.kind ? 0 : x.kind === 'same-key' ? 1 : -1) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    const k = group.length;
    group.forEach((e, i) => {
      const offset = (i - (k - 1) / 2) * PARALLEL_STEP;
      // Offsets are in the frame of the pair's lower id to its higher; an edge the other way flips.
      e.bend = e.source.node.id < e.target.node.id ? offset : -offset;
    });
  }
}

function distToSegment(p: Pt, a: Pt, b: Pt): number {
  const abx = b.x - a.x;
  const aby = b.y - a.y;
  const len2 = abx * abx + aby * aby;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * abx + (p.y - a.y) * aby) / len2));
  return Math.hypot(p.x - (a.x + t * abx), p.y - (a.y + t * aby));
}

/** Bends tried for an edge that runs over a node, in output units, each way. */
const ROUTE = { step: 10, samples: 12, clearance: 4, maxShare: 0.25 } as const;

/**
 * A straight edge that runs over another node reads as if it touched it: such an edge (alone
 * between its two nodes) gets the smallest gentle bend, either way, that clears every node;
 * if none does within ROUTE.maxShare of its length, it stays straight.
 */
function routeAroundNodes(edges: DrawnEdge[], drawn: readonly DrawnNode[]): void {
  const cell = 40;
  const grid = new Map<string, DrawnNode[]>();
  for (const d of drawn) {
    const k = `${Math.floor(d.p.x / cell)},${Math.floor(d.p.y / cell)}`;
    const list = grid.get(k);
    if (list) list.push(d);
    else grid.set(k, [d]);
  }
  const nodesNear = (a: Pt, b: Pt, reach: number): DrawnNode[] => {
    const out: DrawnNode[] = [];
    for (let i = Math.floor((Math.min(a.x, b.x) - reach) / cell); i <= Math.floor((Math.max(a.x, b.x) + reach) / cell); i++) {
      for (let j = Math.floor((Math.min(a.y, b.y) - reach) / cell); j <= Math.floor((Math.max(a.y, b.y) + reach) / cell); j++) out.push(...(grid.get(`${i},${j}`) ?? []));
    }
    return out;
  };
  const pairs = new Map<string, number>();
  for (const e of edges) {
    const key = e.source.node.id < e.target.node.id ? `${e.source.node.id}|${e.target.node.id}` : `${e.target.node.id}|${e.source.node.id}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  for (const e of edges) {
    const s = e.source;
    const t = e.target;
    if (e.loop > 0 || s === t) continue;
    const key = s.node.id < t.node.id ? `${s.node.id}|${t.node.id}` : `${t.node.id}|${s.node.id}`;
    if (pairs.get(key)! > 1) continue;
    const length = Math.hypot(t.p.x - s.p.x, t.p.y - s.p.y);
    const maxBend = length * ROUTE.maxShare;
    const dir = unit(t.p.x - s.p.x, t.p.y - s.p.y);
    const normal = { x: -dir.y, y: dir.x };
    const mid = { x: (s.p.x + t.p.x) / 2, y: (s.p.y + t.p.y) / 2 };
    const candidates = nodesNear(s.p, t.p, maxBend + 20).filter((d) => d !== s && d !== t);
    if (candidates.length === 0) continue;
    const clears = (bend: number): boolean => {
      const c = { x: mid.x + normal.x * bend * 2, y: mid.y + normal.y * bend * 2 };
      let prev = s.p;
      for (let i = 1; i <= ROUTE.samples; i++) {
        const q = quad(s.p, c, t.p, i / ROUTE.samples);
        for (const d of candidates) if (distToSegment(d.p, prev, q) < d.r + ROUTE.clearance + e.width / 2) return false;
        prev = q;
      }
      return true;
    };
    if (clears(0)) continue;
    for (let b = ROUTE.step; b <= maxBend; b += ROUTE.step) {
      if (clears(b)) {
        e.bend = b;
        break;
      }
      if (clears(-b)) {
        e.bend = -b;
        break;
      }
    }
  }
}

interface EdgeShape {
  d: string;
  arrow: string | null;
  /** Points along the curve for label candidates, middle first. */
  anchors: Pt[];
}

function unit(dx: number, dy: number): Pt {
  const len = Math.hypot(dx, dy) || 1;
  return { x: dx / len, y: dy / len };
}

function quad(p0: Pt, c: Pt, p2: Pt, t: number): Pt {
  const u = 1 - t;
  return { x: u * u * p0.x + 2 * u * t * c.x + t * t * p2.x, y: u * u * p0.y + 2 * u * t * c.y + t * t * p2.y };
}

function arrowHead(tip: Pt, from: Pt, width: number): { base: Pt; d: string } {
  const dir = unit(tip.x - from.x, tip.y - from.y);
  const len = 6 + width * 1.3;
  const half = 2.8 + width * 0.7;
  const base = { x: tip.x - dir.x * len, y: tip.y - dir.y * len };
  const l = { x: base.x - dir.y * half, y: base.y + dir.x * half };
  const r = { x: base.x + dir.y * half, y: base.y - dir.x * half };
  return { base, d: `M${num(tip.x)},${num(tip.y)}L${num(l.x)},${num(l.y)}L${num(r.x)},${num(r.y)}Z` };
}

const LABEL_TS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];

function edgeShape(e: DrawnEdge): EdgeShape {
  const s = e.source;
  const t = e.target;
  const arrowed = e.kind === 'transfer';
  if (e.loop > 0) {
    const h = 18 + 10 * e.loop;
    const a = { x: s.p.x - s.r * 0.7, y: s.p.y - s.r * 0.7 };
    const b = { x: s.p.x + s.r * 0.7, y: s.p.y - s.r * 0.7 };
    const c1 = { x: s.p.x - h * 0.8, y: s.p.y - h * 1.6 };
    const c2 = { x: s.p.x + h * 0.8, y: s.p.y - h * 1.6 };
    const head = arrowed ? arrowHead(b, c2, e.width) : null;
    const end = head ? head.base : b;
    return { d: `M${num(a.x)},${num(a.y)}C${num(c1.x)},${num(c1.y)} ${num(c2.x)},${num(c2.y)} ${num(end.x)},${num(end.y)}`, arrow: head?.d ?? null, anchors: [{ x: s.p.x, y: s.p.y - h * 1.2 }] };
  }
  const dir = unit(t.p.x - s.p.x, t.p.y - s.p.y);
  const normal = { x: -dir.y, y: dir.x };
  const mid = { x: (s.p.x + t.p.x) / 2, y: (s.p.y + t.p.y) / 2 };
  // A quadratic curve passes at half its control point's distance: twice the bend gives the bend.
  const c = { x: mid.x + normal.x * e.bend * 2, y: mid.y + normal.y * e.bend * 2 };
  const out0 = unit(c.x - s.p.x, c.y - s.p.y);
  const in2 = unit(c.x - t.p.x, c.y - t.p.y);
  const start = { x: s.p.x + out0.x * (s.ry + 1.5), y: s.p.y + out0.y * (s.ry + 1.5) };
  const tip = { x: t.p.x + in2.x * (t.ry + 2), y: t.p.y + in2.y * (t.ry + 2) };
  const head = arrowed ? arrowHead(tip, c, e.width) : null;
  const end = head ? head.base : tip;
  const d = e.bend === 0 ? `M${num(start.x)},${num(start.y)}L${num(end.x)},${num(end.y)}` : `M${num(start.x)},${num(start.y)}Q${num(c.x)},${num(c.y)} ${num(end.x)},${num(end.y)}`;
  return { d, arrow: head?.d ?? null, anchors: LABEL_TS.map((u) => quad(s.p, c, t.p, u)) };
}

// ---------------------------------------------------------------------------------------------
// Layout

interface Frame {
  scale: number;
  /** Output position of a model point. */
  at(x: number, y: number): Pt;
  width: number;
  height: number;
}

/** Room left and right of the outermost nodes for their labels, and above and below. */
const PAD = { x: 52, top: 18, bottom: 34 } as const;

function modelBox(nodes: readonly GraphNode[], viewport: GraphSvgOptions['viewport']): Box {
  if (viewport) return { ...viewport };
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    x1 = Math.min(x1, n.x);
    y1 = Math.min(y1, n.y);
    x2 = Math.max(x2, n.x);
    y2 = Math.max(y2, n.y);
  }
  return nodes.length ? { x1, y1, x2, y2 } : { x1: 0, y1: 0, x2: 0, y2: 0 };
}

/**
 * Uniform scale from model to output, fitting the width and the height left for the drawing,
 * never enlarging more than the canvas at 100 % (a viewport: 200 %, the canvas zoomed in).
 */
function frameFor(box: Box, width: number, maxHeight: number, viewport: boolean): Frame {
  const innerW = Math.max(40, width - 2 * PAD.x);
  const innerH = Math.max(60, maxHeight - PAD.top - PAD.bottom);
  const bw = box.x2 - box.x1;
  const bh = box.y2 - box.y1;
  const maxScale = viewport ? 2 : 1;
  const scale = Math.min(maxScale, bw > 0 ? innerW / bw : maxScale, bh > 0 ? innerH / bh : maxScale);
  const offX = PAD.x + (innerW - bw * scale) / 2;
  const offY = PAD.top;
  return { scale, at: (x, y) => ({ x: offX + (x - box.x1) * scale, y: offY + (y - box.y1) * scale }), width, height: PAD.top + bh * scale + PAD.bottom };
}

/**
 * Nodes stacked on (or nearly on) one point are moved apart along a spiral until each is clear
 * of the others, so every one of them shows. Nodes merely close keep their places.
 */
function unstack(drawn: DrawnNode[], width: number): void {
  const cell = 12;
  const grid = new Map<string, DrawnNode[]>();
  const keyOf = (p: Pt) => `${Math.floor(p.x / cell)},${Math.floor(p.y / cell)}`;
  const near = (p: Pt, radius: number): DrawnNode | undefined => {
    const cx = Math.floor(p.x / cell);
    const cy = Math.floor(p.y / cell);
    const reach = Math.ceil(radius / cell);
    for (let i = cx - reach; i <= cx + reach; i++) {
      for (let j = cy - reach; j <= cy + reach; j++) {
        for (const o of grid.get(`${i},${j}`) ?? []) if (Math.hypot(o.p.x - p.x, o.p.y - p.y) < radius) return o;
      }
    }
    return undefined;
  };
  for (const d of drawn) {
    // A pill is wide but low: what matters for "stacked" is its smaller half-size.
    const clash = near(d.p, Math.max(Math.min(d.r, d.ry) * 0.9, 4));
    if (clash) {
      const sep = Math.min(d.r, d.ry) + Math.min(clash.r, clash.ry) + 3;
      const origin = { ...d.p };
      for (let k = 1; k < 400; k++) {
        const angle = k * 2.39996;
        const rad = sep * Math.sqrt(k) * 0.75;
        const q = { x: origin.x + Math.cos(angle) * rad, y: origin.y + Math.sin(angle) * rad };
        if (!near(q, sep)) {
          d.p = q;
          break;
        }
      }
    }
    // Nudged or not, a mark stays on the page.
    d.p = { x: Math.max(d.r + 3, Math.min(width - d.r - 3, d.p.x)), y: d.p.y };
    const k = keyOf(d.p);
    const list = grid.get(k);
    if (list) list.push(d);
    else grid.set(k, [d]);
  }
}

/** How far rings round a node (the traced-path halo, sanction and wallet rings) reach past its mark. */
function ringsOf(d: DrawnNode): number {
  const n = d.node;
  if (n.kind === 'entity') return 1;
  if (n.kind !== 'address') return 0;
  const wallet = n.wallet !== undefined && n.wallet.size > 1;
  return wallet ? (n.sanctioned ? 5 : 3) : n.sanctioned ? 2.5 : 0;
}

/** The traced-path halo's radius past the mark: outside every ring. */
function emphRing(d: DrawnNode): number {
  return ringsOf(d) + 3.5;
}

function haloOf(d: DrawnNode): number {
  return d.emph ? emphRing(d) + 1.5 : ringsOf(d) + 1;
}

function markBox(d: DrawnNode): Box {
  const halo = haloOf(d);
  return { x1: d.p.x - d.r - halo, y1: d.p.y - d.ry - halo, x2: d.p.x + d.r + halo, y2: d.p.y + d.ry + halo };
}

/** Tries a node's label variants at each side (below first, as on the canvas); null if none fits. */
function placeNodeLabel(d: DrawnNode, index: BoxIndex, width: number): PlacedLabel | null {
  const size = FONT.node;
  // Clear of the node's rings, and of the label's own padding.
  const gap = haloOf(d) + LABEL_PAD + 0.5;
  for (const lines of d.labels) {
    const h = lines.length * size * LINE;
    const w = Math.max(...lines.map((l) => lineWidth(l, size, d.labelBold)));
    const below = d.p.y + d.ry + gap;
    const above = d.p.y - d.ry - gap - h;
    // Centred under the node first; then ending or starting at its edge, still under it.
    const spots: Array<{ anchor: 'start' | 'middle'; x: number; y: number }> = [
      { anchor: 'middle', x: d.p.x, y: below },
      { anchor: 'middle', x: d.p.x, y: above },
      { anchor: 'start', x: d.p.x + d.r + gap, y: d.p.y - h / 2 },
      { anchor: 'start', x: d.p.x - d.r - gap - w, y: d.p.y - h / 2 },
      { anchor: 'start', x: d.p.x + d.r - w, y: below },
      { anchor: 'start', x: d.p.x - d.r, y: below },
      { anchor: 'start', x: d.p.x + d.r - w, y: above },
      { anchor: 'start', x: d.p.x - d.r, y: above },
    ];
    for (const s of spots) {
      const fitted = keepInside(s.x, labelBox(lines, size, d.labelBold, s.anchor, s.x, s.y), width);
      if (index.hits(fitted.box)) continue;
      return { lines, anchor: s.anchor, x: fitted.x, y: s.y, size, fill: d.labelFill, bold: d.labelBold, box: fitted.box, dim: d.dim, background: true, cls: `label node-label ${idClass(d.node.id)}` };
    }
  }
  return null;
}

function placeEdgeLabel(e: DrawnEdge, anchors: readonly Pt[], index: BoxIndex, width: number): PlacedLabel | null {
  const size = FONT.edge;
  const lines: Line[] = [[{ text: e.label }]];
  const h = size * LINE;
  const fill = e.emph ? ACCENT : e.kind === 'same-key' ? EDGE_COLOURS.sameKey : e.dim ? TEXT.dim : TEXT.edge;
  const w = lineWidth(lines[0]!, size, e.emph);
  // On the line first, along it from the middle out; then beside it (reads well on a steep edge).
  const spots: Array<{ anchor: 'start' | 'middle'; x: number; y: number }> = [
    ...anchors.map((a) => ({ anchor: 'middle' as const, x: a.x, y: a.y - h / 2 })),
    ...anchors.slice(0, 5).flatMap((a) => [
      { anchor: 'start' as const, x: a.x + 4, y: a.y - h / 2 },
      { anchor: 'start' as const, x: a.x - 4 - w, y: a.y - h / 2 },
    ]),
  ];
  for (const s of spots) {
    const fitted = keepInside(s.x, labelBox(lines, size, e.emph, s.anchor, s.x, s.y), width);
    if (index.hits(fitted.box)) continue;
    return { lines, anchor: s.anchor, x: fitted.x, y: s.y, size, fill, bold: e.emph, box: fitted.box, dim: e.dim, background: true, cls: `label edge-label ${idClass(e.id)}` };
  }
  return null;
}

function labelSvg(l: PlacedLabel): string {
  const parts: string[] = [];
  if (l.background) {
    parts.push(tag('rect', { x: l.box.x1, y: l.box.y1, width: l.box.x2 - l.box.x1, height: l.box.y2 - l.box.y1, rx: 2, fill: '#ffffff', 'fill-opacity': l.border ? 1 : 0.85, stroke: l.border, 'stroke-width': l.border ? 1.5 : undefined }));
  }
  const tspans = l.lines
    .map((line, i) => {
      const runs = line.map((r) => (r.bold || r.fill ? tag('tspan', { 'font-weight': r.bold && !l.bold ? 'bold' : undefined, fill: r.fill }, escapeXml(r.text)) : escapeXml(r.text))).join('');
      return tag('tspan', { x: l.x, dy: i === 0 ? l.size * 0.95 : l.size * LINE }, runs);
    })
    .join('');
  parts.push(tag('text', { x: l.x, y: l.y, 'font-size': l.size, 'text-anchor': l.anchor === 'middle' ? 'middle' : undefined, fill: l.fill, 'font-weight': l.bold ? 'bold' : undefined }, tspans));
  return tag('g', { class: l.cls }, parts.join(''));
}

// ---------------------------------------------------------------------------------------------
// Legend

interface LegendItem {
  kind: string;
  text: string;
  swatch: string;
}

interface LegendGroup {
  head: string;
  items: LegendItem[];
}

function circleSwatch(fill: string, stroke: string, width = 1, extra = ''): string {
  return extra + tag('circle', { cx: 14, cy: 8, r: 5, fill, stroke, 'stroke-width': width });
}

function lineSwatch(colour: string, opts: { dashed?: boolean; width?: number; arrow?: boolean } = {}): string {
  const arrow = opts.arrow !== false;
  return (
    tag('line', { x1: 2, y1: 8, x2: arrow ? 21 : 26, y2: 8, stroke: colour, 'stroke-width': opts.width ?? 2, 'stroke-dasharray': opts.dashed ? '4 3' : undefined }) +
    (arrow ? tag('path', { d: 'M20 4.5L26 8L20 11.5Z', fill: colour }) : '')
  );
}

interface Present {
  roles: Set<string>;
  address: boolean;
  unknown: boolean;
  labelKeys: Set<LabelColourKey>;
  sanctioned: boolean;
  wallet: boolean;
  entity: boolean;
  more: boolean;
  clusters: GraphCluster[];
  native: boolean;
  token: boolean;
  sameKey: boolean;
  widths: boolean;
  traced: boolean;
  chains: string[];
  edges: boolean;
  abbreviated: boolean;
  droppedLabels: number;
  filtered: boolean;
}

function legendGroups(p: Present): LegendGroup[] {
  const nodes: LegendItem[] = [];
  for (const role of ['victim', 'suspect', 'service', 'other'] as const) {
    if (p.roles.has(role)) nodes.push({ kind: `role-${role}`, text: `${role} seed`, swatch: circleSwatch(ROLE_FILLS[role], ROLE_BORDERS[role], 2.5) });
  }
  if (p.address) nodes.push({ kind: 'address', text: 'address (short form)', swatch: circleSwatch(ADDRESS.fill, ADDRESS.border) });
  if (p.unknown) nodes.push({ kind: 'unknown', text: 'not in the store', swatch: tag('circle', { cx: 14, cy: 8, r: 5, fill: ADDRESS.unknown, stroke: ADDRESS.border, 'stroke-dasharray': '1.5 1.5' }) });
  if (p.wallet) {
    nodes.push({
      kind: 'wallet',
      text: 'in a wallet of [N] (inferred)',
      swatch: tag('circle', { cx: 14, cy: 8, r: 7, fill: 'none', stroke: WALLET_COLOUR, 'stroke-dasharray': '2 1.5' }) + circleSwatch(ADDRESS.fill, ADDRESS.border, 1),
    });
  }
  if (p.entity) {
    nodes.push({ kind: 'entity', text: 'wallet drawn as one node (name, size)', swatch: tag('path', { d: 'M11 1.5H17L21.5 6V10L17 14.5H11L6.5 10V6Z', fill: ENTITY_FILL, stroke: WALLET_COLOUR, 'stroke-width': 2 }) });
  }
  if (p.more) nodes.push({ kind: 'more', text: 'more counterparties, not drawn', swatch: tag('rect', { x: 3, y: 3, width: 22, height: 10, rx: 5, fill: '#ffffff', stroke: MORE.border, 'stroke-dasharray': '2 1.5' }) });
  if (p.chains.length > 1) {
    nodes.push({ kind: 'chain', text: `chain before the address: ${p.chains.map(chainSymbol).filter((s, i, a) => a.indexOf(s) === i).join(', ')}`, swatch: tag('text', { x: 14, y: 11.5, 'font-size': FONT.badge, 'font-weight': 'bold', 'text-anchor': 'middle', fill: TEXT.badge }, 'ETH') });
  }
  const labels: LegendItem[] = [];
  if (p.sanctioned) {
    labels.push({
      kind: 'sanctioned',
      text: `sanctioned ${SANCTION_MARK.trim()} (a label set lists it)`,
      swatch: tag('circle', { cx: 14, cy: 8, r: 6.5, fill: 'none', stroke: SANCTION_COLOUR, 'stroke-width': 1.4 }) + tag('circle', { cx: 14, cy: 8, r: 4, fill: ADDRESS.fill, stroke: SANCTION_COLOUR, 'stroke-width': 1.6 }),
    });
  }
  for (const key of LABEL_COLOUR_KEYS) {
    if (p.labelKeys.has(key)) labels.push({ kind: `label-${key}`, text: colourKeyWords(key), swatch: circleSwatch(LABEL_COLOURS[key], ADDRESS.border) });
  }
  const clusters: LegendItem[] = p.clusters.map((c) => ({
    kind: 'cluster',
    text: `${ellipsize(clean(c.name), 32)} (${c.category.replace(/_/g, ' ')})`,
    swatch: tag('rect', { x: 3, y: 2.5, width: 22, height: 11, rx: 5.5, fill: safeColour(c.color), 'fill-opacity': 0.15, stroke: safeColour(c.color), 'stroke-width': 1.5 }),
  }));
  const edges: LegendItem[] = [];
  if (p.traced) {
    edges.push({ kind: 'traced', text: 'traced path (bold, teal); the rest greyed', swatch: lineSwatch(ACCENT, { width: 3.5 }) });
  }
  if (p.native) edges.push({ kind: 'native', text: 'native transfer (BTC, ETH…)', swatch: lineSwatch(EDGE_COLOURS.native) });
  if (p.token) edges.push({ kind: 'token', text: 'token transfer', swatch: lineSwatch(EDGE_COLOURS.token) });
  if (p.sameKey) edges.push({ kind: 'same-key', text: 'same key on two chains (not a transfer)', swatch: lineSwatch(EDGE_COLOURS.sameKey, { dashed: true, arrow: false }) });
  if (p.widths) {
    edges.push({
      kind: 'width',
      text: 'width: value, per asset (log)',
      swatch: tag('line', { x1: 2, y1: 4, x2: 26, y2: 4, stroke: EDGE_COLOURS.native, 'stroke-width': 1 }) + tag('line', { x1: 2, y1: 11, x2: 26, y2: 11, stroke: EDGE_COLOURS.native, 'stroke-width': 3.6 }),
    });
  }
  if (p.edges) {
    edges.push({
      kind: 'edge-label',
      text: 'edge label: total moved, exact (×N: N transfers)',
      swatch: tag('text', { x: 14, y: 11.5, 'font-size': FONT.edge, 'text-anchor': 'middle', fill: TEXT.edge }, '1.5'),
    });
  }
  return [
    { head: 'Nodes', items: nodes },
    { head: 'Labels', items: labels },
    { head: 'Clusters', items: clusters },
    { head: 'Edges', items: edges },
  ].filter((g) => g.items.length > 0);
}

function legendNotes(p: Present): string[] {
  const notes: string[] = [];
  if (p.labelKeys.size > 0 || p.sanctioned) notes.push('A name under an address is its case tag, else its best label (≈: its wallet’s best label).');
  if (p.chains.length === 1) notes.push(`All addresses are on ${chainName(p.chains[0]!)}.`);
  if (p.abbreviated) notes.push('An amount cut with “…” is shown in full in its hover text.');
  if (p.filtered) notes.push('Edges sum only the transfers the case’s flow filter keeps.');
  if (p.droppedLabels > 0) notes.push(`${countText(p.droppedLabels)} label${p.droppedLabels === 1 ? '' : 's'} left out where they would overlap (in the hover text).`);
  return notes;
}

/** Words wrapped into lines no wider than `width` at the legend font. */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const LEGEND = { margin: 12, head: 64, row: 18, swatch: 28, gap: 14 } as const;

/** The legend's SVG from its top-left, and its height. Entries flow in rows, a group to a block. */
function legendSvg(groups: LegendGroup[], notes: string[], width: number): { svg: string; height: number } {
  const size = FONT.legend;
  const parts: string[] = [];
  let y = 0;
  parts.push(tag('text', { x: LEGEND.margin, y: y + size, 'font-size': size + 0.5, 'font-weight': 'bold', fill: TEXT.node }, 'Legend'));
  y += LEGEND.row;
  const right = width - LEGEND.margin;
  for (const g of groups) {
    parts.push(tag('text', { x: LEGEND.margin, y: y + 12, 'font-size': size, 'font-weight': 'bold', fill: TEXT.muted }, escapeXml(g.head)));
    let x = LEGEND.margin + LEGEND.head;
    for (const item of g.items) {
      const w = LEGEND.swatch + 4 + textWidth(item.text, size);
      if (x > LEGEND.margin + LEGEND.head && x + w > right) {
        x = LEGEND.margin + LEGEND.head;
        y += LEGEND.row;
      }
      parts.push(
        tag(
          'g',
          { class: `legend-entry legend-${item.kind}`, transform: `translate(${num(x)},${num(y)})` },
          item.swatch + tag('text', { x: LEGEND.swatch + 4, y: 12, 'font-size': size, fill: TEXT.node }, escapeXml(item.text)),
        ),
      );
      x += w + LEGEND.gap;
    }
    y += LEGEND.row;
  }
  for (const note of notes) {
    for (const line of wrap(note, right - LEGEND.margin, size)) {
      parts.push(tag('text', { class: 'legend-note', x: LEGEND.margin, y: y + 12, 'font-size': size, fill: TEXT.muted }, escapeXml(line)));
      y += size * 1.45;
    }
  }
  return { svg: parts.join(''), height: y + 4 };
}

// ---------------------------------------------------------------------------------------------
// The renderer

function inViewport(n: GraphNode, v: NonNullable<GraphSvgOptions['viewport']>): boolean {
  return n.x >= v.x1 && n.x <= v.x2 && n.y >= v.y1 && n.y <= v.y2;
}

/** The nodes a figure draws: visible, in the subgraph and the viewport; a "+N more" pill only with its node. */
function selectNodes(graph: Graph, options: GraphSvgOptions): GraphNode[] {
  const v = options.viewport;
  const chosen = graph.nodes.filter((n) => !n.hidden && (!options.nodeIds || options.nodeIds.has(n.id)) && (!v || inViewport(n, v)));
  const ids = new Set(chosen.map((n) => n.id));
  return chosen.filter((n) => n.kind !== 'more' || ids.has(n.parentId));
}

function presentKinds(nodes: readonly GraphNode[], edges: readonly DrawnEdge[], clusters: GraphCluster[], traced: boolean, graph: Graph): Present {
  const p: Present = {
    roles: new Set(),
    address: false,
    unknown: false,
    labelKeys: new Set(),
    sanctioned: false,
    wallet: false,
    entity: false,
    more: false,
    clusters,
    native: false,
    token: false,
    sameKey: false,
    widths: false,
    traced,
    chains: [],
    edges: false,
    abbreviated: false,
    droppedLabels: 0,
    filtered: graph.filter !== undefined,
  };
  const chains = new Set<string>();
  for (const n of nodes) {
    if (n.kind === 'more') {
      p.more = true;
      continue;
    }
    chains.add(n.chain);
    if (n.kind === 'entity') {
      p.entity = true;
      const key = entityColourKey(n);
      if (key) p.labelKeys.add(key);
      if (n.label?.sanctioned) p.sanctioned = true;
      continue;
    }
    const key = addressColourKey(n);
    if (n.role) p.roles.add(n.role);
    else if (key) p.labelKeys.add(key);
    else if (!n.known) p.unknown = true;
    else p.address = true;
    if (n.role && key) p.labelKeys.add(key);
    if (n.sanctioned) p.sanctioned = true;
    if (n.wallet && n.wallet.size > 1) p.wallet = true;
  }
  p.chains = [...chains].sort();
  const perAsset = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.kind === 'same-key') {
      p.sameKey = true;
      continue;
    }
    p.edges = true;
    if (e.edge!.asset.contract === null) p.native = true;
    else p.token = true;
    if (e.abbreviated) p.abbreviated = true;
    const k = assetKey(e.edge!.asset);
    const set = perAsset.get(k) ?? new Set<string>();
    set.add(e.edge!.total);
    perAsset.set(k, set);
  }
  p.widths = [...perAsset.values()].some((s) => s.size > 1);
  return p;
}

/**
 * Draws a case's graph (or part of it) as a standalone SVG 1.1 document that also inlines in
 * HTML. Hidden nodes are never drawn, edges only between drawn nodes. Text keeps its printed
 * size whatever the graph's size; see the file's header.
 */
export function renderGraphSvg(graph: Graph, options: GraphSvgOptions = {}): GraphSvg {
  const maxHeight = Math.max(300, options.maxHeightPx ?? A4_TEXT_HEIGHT_PX);
  const first = drawFigure(graph, options, 0);
  const over = first.height - maxHeight;
  // The legend's height is known only once drawn: a figure that came out too tall is drawn once
  // more with that much less room for the graph (which only helps where the height set the scale).
  return over > 0 ? drawFigure(graph, options, over) : first;
}

function drawFigure(graph: Graph, options: GraphSvgOptions, shrinkBy: number): GraphSvg {
  const width = Math.max(200, Math.round(options.widthPx ?? A4_TEXT_WIDTH_PX));
  const maxHeight = Math.max(300, options.maxHeightPx ?? A4_TEXT_HEIGHT_PX);
  const showLegend = options.legend !== false;
  const nodes = selectNodes(graph, options);
  const ids = new Set(nodes.map((n) => n.id));
  const edgesIn = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const linksIn = graph.links.filter((l) => ids.has(l.source) && ids.has(l.target));
  const em = options.emphasis;
  // Greying everything for a path that is not in the figure would only hide the figure.
  const emphasis = em && (nodes.some((n) => em.nodeIds.has(n.id)) || edgesIn.some((e) => em.edgeIds.has(e.id))) ? em : null;
  const clusterById = new Map(graph.clusters.map((c) => [c.id, c]));
  const usedClusters = graph.clusters.filter((c) => nodes.some((n) => n.kind === 'address' && n.clusterId === c.id));
  const chains = new Set(nodes.flatMap((n) => (n.kind === 'more' ? [] : [n.chain])));

  const titleText = options.title ? clean(options.title) : '';
  const titleH = titleText ? FONT.title * 1.9 : 0;
  // A first guess of the legend's height bounds the drawing; the real legend is laid out after.
  const legendGuess = showLegend ? 60 + 18 * (usedClusters.length > 2 ? 5 : 4) : 0;
  const box = modelBox(nodes, options.viewport);
  const frame = frameFor(box, width, maxHeight - titleH - legendGuess - shrinkBy, options.viewport !== undefined);
  const ctx: Context = { clusters: clusterById, badges: chains.size > 1, emphasis, scale: frame.scale };

  const drawn = nodes.map((n) => drawnNode(n, frame.at(n.x, n.y), ctx));
  unstack(drawn, width);
  const byId = new Map(drawn.map((d) => [d.node.id, d]));

  // Lines thin out with the graph (a dense fan would be one grey mass), never below a hairline.
  const thin = Math.max(0.45, Math.min(1, frame.scale * 2.5));
  const widths = edgeWidths(edgesIn, thin);
  const drawnEdges: DrawnEdge[] = [];
  for (const e of edgesIn) {
    const amount = formatEdgeAmount(e.total, e.asset);
    const emph = emphasis !== null && emphasis.edgeIds.has(e.id);
    const w = widths.get(e.id) ?? EDGE_WIDTH.single;
    const count = e.count > 1 ? ` ×${countText(e.count)}` : '';
    drawnEdges.push({
      id: e.id,
      source: byId.get(e.source)!,
      target: byId.get(e.target)!,
      kind: 'transfer',
      edge: e,
      width: emph ? Math.max(w + 1.2, 2.6) : Math.max(0.5, w),
      colour: emph ? ACCENT : e.asset.contract === null ? EDGE_COLOURS.native : EDGE_COLOURS.token,
      emph,
      dim: emphasis !== null && !emph,
      label: amount.label + count,
      hover: `${amount.exact} in ${countText(e.count)} transfer${e.count === 1 ? '' : 's'}${e.asset.contract ? ` (token ${e.asset.contract})` : ''}\n${e.total} base units`,
      abbreviated: amount.abbreviated,
      bend: 0,
      loop: 0,
    });
  }
  for (const l of linksIn) {
    drawnEdges.push({
      id: l.id,
      source: byId.get(l.source)!,
      target: byId.get(l.target)!,
      kind: 'same-key',
      link: l,
      width: 1.5,
      colour: EDGE_COLOURS.sameKey,
      emph: false,
      dim: emphasis !== null,
      label: 'same key',
      hover: `same key: ${l.why}`,
      abbreviated: false,
      bend: 0,
      loop: 0,
    });
  }
  assignBends(drawnEdges);
  if (drawnEdges.length <= 3000) routeAroundNodes(drawnEdges, drawn);

  // Node marks first, so no label covers a node; then cluster names, node labels, amounts.
  const index = new BoxIndex();
  for (const d of drawn) index.add(markBox(d));

  const hulls: string[] = [];
  const hullBoxes: Box[] = [];
  const labels: PlacedLabel[] = [];
  let dropped = 0;
  for (const c of usedClusters) {
    const members = drawn.filter((d) => d.node.kind === 'address' && d.node.clusterId === c.id);
    const pts = members.flatMap((d) => [d.p, { x: d.p.x, y: d.p.y + d.r + 10 }]);
    const pad = Math.max(...members.map((d) => d.r)) + 8;
    const hull = roundedHullPath(pts, pad);
    hullBoxes.push(hull.box);
    const colour = safeColour(c.color);
    hulls.push(tag('path', { class: `cluster ${idClass(c.id)}`, d: hull.d, fill: colour, 'fill-opacity': 0.1, stroke: colour, 'stroke-opacity': 0.85, 'stroke-width': 1.5, opacity: emphasis ? 0.6 : undefined }, titleEl(`${c.name} (${c.category.replace(/_/g, ' ')}, ${countText(c.members)} member${c.members === 1 ? '' : 's'})`)));
    const name: Line[] = [[{ text: ellipsize(clean(c.name), 30) }]];
    const h = FONT.cluster * LINE;
    // On the hull's edge by its topmost member first (where the canvas puts it), then the others.
    const w = lineWidth(name[0]!, FONT.cluster, true);
    const byY = [...pts].sort((a, b) => a.y - b.y);
    const byX = [...pts].sort((a, b) => a.x - b.x);
    const topmost = byY[0]!;
    const bottommost = byY[byY.length - 1]!;
    const leftmost = byX[0]!;
    const rightmost = byX[byX.length - 1]!;
    const spots: Array<{ anchor: 'start' | 'middle'; x: number; y: number }> = [
      { anchor: 'middle', x: topmost.x, y: topmost.y - pad - h - 4 },
      { anchor: 'middle', x: bottommost.x, y: bottommost.y + pad + 4 },
      { anchor: 'start', x: rightmost.x + pad + 3, y: rightmost.y - h / 2 },
      { anchor: 'start', x: leftmost.x - pad - 3 - w, y: leftmost.y - h / 2 },
      { anchor: 'start', x: hull.box.x1, y: hull.box.y1 - h - 2 },
      { anchor: 'start', x: hull.box.x1, y: hull.box.y2 + 2 },
    ];
    let placed = false;
    for (const s of spots) {
      const fitted = keepInside(s.x, labelBox(name, FONT.cluster, true, s.anchor, s.x, s.y), width);
      if (index.hits(fitted.box)) continue;
      const l: PlacedLabel = { lines: name, anchor: s.anchor, x: fitted.x, y: s.y, size: FONT.cluster, fill: TEXT.node, bold: true, box: fitted.box, dim: false, background: true, border: colour, cls: `label cluster-label ${idClass(c.id)}` };
      index.add(l.box);
      labels.push(l);
      placed = true;
      break;
    }
    if (!placed) dropped++;
  }

  // One queue: the traced path's names and amounts first, then seeds and named addresses, then
  // the rest; amounts off the path last, wider (more value) first.
  const shapes = new Map(drawnEdges.map((e) => [e.id, edgeShape(e)]));
  type Task = { priority: number; weight: number; place: () => PlacedLabel | null };
  const tasks: Task[] = [
    ...drawn.filter((d) => d.labels.length > 0).map((d): Task => ({ priority: d.priority, weight: 0, place: () => placeNodeLabel(d, index, width) })),
    ...drawnEdges.map((e): Task => ({ priority: e.emph ? 0.5 : e.kind === 'same-key' ? 7 : 6, weight: e.width, place: () => placeEdgeLabel(e, shapes.get(e.id)!.anchors, index, width) })),
  ];
  tasks.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  for (const task of tasks) {
    const l = task.place();
    if (l) {
      index.add(l.box);
      labels.push(l);
    } else dropped++;
  }

  // Vertical extent of everything drawn, so nothing is cut and nothing floats.
  let top = Infinity;
  let bottom = -Infinity;
  for (const d of drawn) {
    const b = markBox(d);
    top = Math.min(top, b.y1);
    bottom = Math.max(bottom, b.y2);
  }
  for (const l of labels) {
    top = Math.min(top, l.box.y1);
    bottom = Math.max(bottom, l.box.y2);
  }
  for (const e of drawnEdges) {
    if (e.loop > 0) top = Math.min(top, e.source.p.y - 30 - 12 * e.loop);
  }
  if (!Number.isFinite(top)) {
    top = 0;
    bottom = 40;
  }
  for (const b of hullBoxes) {
    top = Math.min(top, b.y1);
    bottom = Math.max(bottom, b.y2);
  }
  const drawingTop = titleH + 6;
  const dy = drawingTop - top;
  const drawingBottom = bottom + dy;

  const present = presentKinds(nodes, drawnEdges, usedClusters, emphasis !== null, graph);
  present.droppedLabels = dropped;
  const legend = showLegend ? legendSvg(legendGroups(present), legendNotes(present), width) : { svg: '', height: 0 };
  const legendTop = drawingBottom + 14;
  const height = Math.ceil(showLegend ? legendTop + legend.height + 8 : drawingBottom + 8);

  const edgeSvg = (e: DrawnEdge): string => {
    const s = shapes.get(e.id)!;
    const cls = ['edge', e.kind === 'same-key' ? 'same-key' : 'transfer', idClass(e.id), e.emph ? 'emph' : '', e.dim ? 'dim' : ''].filter(Boolean).join(' ');
    return tag(
      'g',
      { class: cls, opacity: e.dim ? 0.3 : undefined },
      titleEl(e.hover) +
        tag('path', { d: s.d, fill: 'none', stroke: e.colour, 'stroke-width': e.width, 'stroke-dasharray': e.kind === 'same-key' ? '5 3' : undefined, 'stroke-linecap': 'round' }) +
        (s.arrow ? tag('path', { d: s.arrow, fill: e.colour }) : ''),
    );
  };
  const nodeSvg = (d: DrawnNode): string => tag('g', { class: nodeClasses(d), opacity: d.dim ? 0.35 : undefined }, titleEl(d.hover) + nodeMarks(d, ctx));

  const edgeCount = drawnEdges.length;
  const summary = `${countText(nodes.length)} node${nodes.length === 1 ? '' : 's'}, ${countText(edgeCount)} edge${edgeCount === 1 ? '' : 's'}`;
  const body = [
    tag('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    titleText ? tag('text', { class: 'figure-title', x: LEGEND.margin, y: FONT.title * 1.3, 'font-size': FONT.title, 'font-weight': 'bold', fill: TEXT.node }, escapeXml(titleText)) : '',
    nodes.length === 0 ? tag('text', { x: width / 2, y: drawingTop + 20, 'font-size': FONT.legend, 'text-anchor': 'middle', fill: TEXT.muted }, 'Nothing to draw: no visible node in this part of the case.') : '',
    tag(
      'g',
      { class: 'drawing', transform: `translate(0,${num(dy)})` },
      tag('g', { class: 'clusters' }, hulls.join('')) +
        // Greyed edges under the traced ones.
        tag('g', { class: 'edges' }, [...drawnEdges.filter((e) => !e.emph), ...drawnEdges.filter((e) => e.emph)].map(edgeSvg).join('')) +
        tag('g', { class: 'nodes' }, [...drawn.filter((d) => !d.emph), ...drawn.filter((d) => d.emph)].map(nodeSvg).join('')) +
        tag('g', { class: 'labels' }, labels.map(labelSvg).join('')),
    ),
    showLegend ? tag('g', { class: 'legend', transform: `translate(0,${num(legendTop)})` }, tag('line', { x1: LEGEND.margin, y1: -7, x2: width - LEGEND.margin, y2: -7, stroke: '#d0d7de', 'stroke-width': 1 }) + legend.svg) : '',
  ].join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1"${attrs({ width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': SVG_FONT_FAMILY })}>` +
    titleEl(titleText || 'Case graph') +
    `<desc>${escapeXml(`Cairn case ${graph.caseId}: ${summary}.`)}</desc>` +
    body +
    '</svg>';
  return { svg, width, height, nodes: nodes.length, edges: edgeCount };
}

// ---------------------------------------------------------------------------------------------
// Emphasis and figures

function addressKey(chain: string, address: string): string {
  try {
    return `${chain}|${canonicalAddress(chain, address)}`;
  } catch {
    // Not an address the codec reads (a hand-made or foreign value): compared as written.
    return `${chain}|${address}`;
  }
}

/** The addresses a node stands for: its own, or an entity's drawn members. */
function nodeAddresses(n: GraphNode): string[] {
  if (n.kind === 'address') return [addressKey(n.chain, n.address)];
  if (n.kind === 'entity') return [addressKey(n.chain, n.anchor), ...n.members.map((m) => addressKey(n.chain, m.address))];
  return [];
}

/**
 * The nodes and edges of a saved trace on the canvas: nodes whose address is one of the
 * trace's sources, endpoints or traced transfers' ends (an entity node when one of its members
 * is); edges between two such nodes whose asset a traced transfer between them, in the edge's
 * direction, moved.
 */
export function traceEmphasis(graph: Graph, trace: SavedTrace): GraphEmphasis {
  const onPath = new Set<string>();
  for (const s of trace.spec.sources) if (s.kind === 'address') onPath.add(addressKey(s.chain, s.address));
  const r = trace.result;
  for (const s of r.sources) if (s.from) onPath.add(addressKey(s.chain, s.from));
  for (const e of [...r.endpoints, ...r.unresolved]) if (e.address) onPath.add(addressKey(e.chain, e.address));
  const moved = new Set<string>();
  for (const t of r.transfers) {
    const from = t.from === null ? null : addressKey(t.chain, t.from);
    const to = t.to === null ? null : addressKey(t.chain, t.to);
    if (from) onPath.add(from);
    if (to) onPath.add(to);
    if (from && to) moved.add(`${from}>${to}>${assetKey(t.asset)}`);
  }
  const nodeIds = new Set<string>();
  const addresses = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const a = nodeAddresses(n);
    addresses.set(n.id, a);
    if (a.some((x) => onPath.has(x))) nodeIds.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (!nodeIds.has(e.source) || !nodeIds.has(e.target)) continue;
    const asset = assetKey(e.asset);
    const from = addresses.get(e.source) ?? [];
    const to = addresses.get(e.target) ?? [];
    if (from.some((f) => to.some((t) => moved.has(`${f}>${t}>${asset}`)))) edgeIds.add(e.id);
  }
  return { nodeIds, edgeIds };
}

/** The visible address nodes of a case cluster. */
export function clusterNodeIds(graph: Graph, clusterId: string): Set<string> {
  return new Set(graph.nodes.filter((n) => n.kind === 'address' && !n.hidden && n.clusterId === clusterId).map((n) => n.id));
}

/**
 * `core` and its direct neighbours on the canvas (by drawn edges and links), at most `limit`
 * nodes unless the core alone is more: neighbours touching more of the core, then by more
 * transfers, go first, so a hub on the path does not flood the figure.
 */
function withNeighbours(graph: Graph, core: ReadonlySet<string>, visible: ReadonlySet<string>, limit: number): Set<string> {
  const score = new Map<string, { touches: Set<string>; transfers: number }>();
  const touch = (a: string, b: string, transfers: number) => {
    if (!core.has(a) || core.has(b) || !visible.has(b)) return;
    const s = score.get(b) ?? { touches: new Set<string>(), transfers: 0 };
    s.touches.add(a);
    s.transfers += transfers;
    score.set(b, s);
  };
  for (const e of graph.edges) {
    touch(e.source, e.target, e.count);
    touch(e.target, e.source, e.count);
  }
  for (const l of graph.links) {
    touch(l.source, l.target, 0);
    touch(l.target, l.source, 0);
  }
  const out = new Set(core);
  const ranked = [...score.entries()].sort((a, b) => b[1].touches.size - a[1].touches.size || b[1].transfers - a[1].transfers);
  for (const [id] of ranked) {
    if (out.size >= Math.max(limit, core.size)) break;
    out.add(id);
  }
  return out;
}

/**
 * The further figures a report needs for a case with more than `limit` visible nodes (one
 * overview image would be too dense to read): one per trace, its path emphasised with its
 * direct neighbours, and one per case cluster, its members with their direct neighbours.
 * Empty for a small case; a trace with nothing on the canvas gets no figure.
 */
export function largeCaseFigures(graph: Graph, traces: readonly SavedTrace[], limit = 60): GraphFigure[] {
  const visible = new Set(graph.nodes.filter((n) => !n.hidden).map((n) => n.id));
  if (visible.size <= limit) return [];
  const figures: GraphFigure[] = [];
  for (const t of traces) {
    const emphasis = traceEmphasis(graph, t);
    const core = new Set([...emphasis.nodeIds].filter((id) => visible.has(id)));
    if (core.size === 0) continue;
    figures.push({
      id: `trace-${t.id}`,
      title: `Trace ${t.name ? `“${t.name}”` : `#${t.id}`} (${t.result.method}): traced path and its direct neighbours`,
      nodeIds: withNeighbours(graph, core, visible, limit),
      emphasis,
    });
  }
  for (const c of graph.clusters) {
    const core = clusterNodeIds(graph, c.id);
    if (core.size === 0) continue;
    figures.push({ id: `cluster-${c.id}`, title: `Cluster “${c.name}”: members and their direct neighbours`, nodeIds: withNeighbours(graph, core, visible, limit) });
  }
  return figures;
}
