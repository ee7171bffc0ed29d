/**
 * Labels readable at every zoom. A label's font is set in model pixels, so on screen it grows
 * and shrinks with the zoom; here the zoom range is cut into bands, each with its own font
 * size and its own amount of text, so that every label drawn is 10–21 px high on screen:
 *  - far: no address or edge labels (only cluster names, as landmarks);
 *  - distant: one line per address, its first tag or its short form, in a big model font so a
 *    hub paged many times still reads when fitted; no edge amounts (a hub's fan of amounts
 *    would only cover each other);
 *  - overview: the same line per address, and amounts on edges;
 *  - normal: short address and first tag, amounts on edges;
 *  - near and close: the full address and every tag, in a smaller model font.
 * Going down a band, a label holds less text in a bigger model font, so labels of
 * neighbouring grid slots (GRID in electron/core/cases/placement.ts: columns 220 apart, rows 72)
 * never run into each other.
 *
 * An element shows its band by a class (band-normal…, graphStyle styles each); without one it
 * is drawn as at overview, which is also how far is drawn (its labels fall below MIN_LABEL_PX
 * and cytoscape leaves them out), so a big graph opened zoomed out takes no class at all.
 * Restyling is slow (some 0.5 ms an element in software-rendered Chromium, its label measured
 * and drawn again), so only elements in or near the view change class when the zoom crosses
 * into another band; others catch up as panning brings them into view. Cluster name tags are
 * few: always current.
 */
import type { Collection, Core, SingularElementArgument } from 'cytoscape';

export type LabelBand = 'far' | 'distant' | 'overview' | 'normal' | 'near' | 'close';

export interface BandSpec {
  readonly band: LabelBand;
  /** Lowest zoom of the band; it runs up to the next band's. */
  readonly from: number;
  /** Font sizes in model pixels; 0 draws no label. */
  readonly node: number;
  readonly edge: number;
  readonly cluster: number;
  readonly tx: number;
  /**
   * Longest cluster name shown on the canvas at this band, in characters: about 160–190 model
   * pixels of bold sans, so a name tag ends before the next grid column's nodes.
   */
  readonly clusterChars: number;
}

export const LABEL_BANDS: readonly BandSpec[] = [
  { band: 'far', from: 0, node: 25, edge: 25, cluster: 40, tx: 0, clusterChars: 14 },
  { band: 'distant', from: 0.34, node: 30, edge: 0, cluster: 30, tx: 0, clusterChars: 11 },
  { band: 'overview', from: 0.4, node: 25, edge: 25, cluster: 25, tx: 0, clusterChars: 12 },
  { band: 'normal', from: 0.75, node: 14, edge: 13.5, cluster: 14, tx: 13.5, clusterChars: 20 },
  { band: 'near', from: 1.5, node: 7.5, edge: 8, cluster: 8, tx: 7, clusterChars: 36 },
  { band: 'close', from: 2.5, node: 5, edge: 5, cluster: 5.5, tx: 4.5, clusterChars: 56 },
];

/** Labels smaller than this on screen are not drawn at all (cytoscape's min-zoomed-font-size). */
export const MIN_LABEL_PX = 10;

/**
 * Characters of a tag shown under a node: at the band's font, no wider than the label's wrap
 * width (graphStyle's FULL_LABEL_WIDTH, 190 model pixels at 0.6 em a character). The one-line
 * tag of the distant and overview bands is as long as a short address (11 characters), which
 * at the distant font leaves a gap of some 20 model pixels to the next grid column's label.
 */
export const TAG_CHARS = { overview: 11, normal: 22, full: 40 } as const;
/** Tags listed under a node when zoomed in; more are counted. */
export const FULL_TAGS = 3;

const BAND_KEY = 'cairnLabelBand';
const BAND_CLASSES = LABEL_BANDS.map((b) => `band-${b.band}`).join(' ');

export function bandFor(zoom: number): BandSpec {
  let spec = LABEL_BANDS[0]!;
  for (const b of LABEL_BANDS) if (zoom >= b.from) spec = b;
  return spec;
}

export function bandSpec(band: LabelBand): BandSpec {
  return LABEL_BANDS.find((b) => b.band === band)!;
}

/** The band a core is drawn at; 'normal' until installLabelDetail sets one (the render bench). */
export function currentBand(cy: Core): BandSpec {
  const band: unknown = cy.scratch(BAND_KEY);
  return typeof band === 'string' ? bandSpec(band as LabelBand) : bandSpec('normal');
}

/** The band an element is styled for, from its class; overview without one. */
export function bandOf(ele: SingularElementArgument): BandSpec {
  for (const b of LABEL_BANDS) if (ele.hasClass(`band-${b.band}`)) return b;
  return bandSpec('overview');
}

/** The class an element wants at a band: none at overview, nor at far except for cluster names. */
export function bandClassFor(kind: unknown, band: LabelBand): string | null {
  if (band === 'overview' || (band === 'far' && kind !== 'cluster')) return null;
  return `band-${band}`;
}

function hasBandClass(ele: SingularElementArgument, wanted: string | null): boolean {
  if (wanted !== null) return ele.hasClass(wanted);
  return !ele.classes().some((c) => c.startsWith('band-'));
}

/** Cuts text to `max` characters, ending in an ellipsis; the full text goes in a tooltip. */
export function ellipsize(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

/** The label texts of an address node, one per kind of band. */
export interface AddressLabels {
  /** overview: the first name (a case tag, else the best label), or the short address. */
  brief: string;
  /** normal: short address, first name on a second line. */
  label: string;
  /** near and close: the full address, then up to FULL_TAGS names. */
  full: string;
}

/** What label sets say about an address, besides the case's own tags. */
export interface LabelNames {
  /** Label texts, the most confident first (the graph gives at most five). */
  labels?: readonly string[];
  /** How many labels the address has in all, listed or not. */
  labelCount?: number;
  /** Listed as sanctioned: its first name is marked with SANCTION_PREFIX at every band. */
  sanctioned?: boolean;
  /**
   * Its automatic cluster, when that holds other addresses: how many in all, and the best label
   * of any member, shown (marked VIA_PREFIX) where the address has no name of its own.
   */
  wallet?: { size: number; via: string | null };
}

/** Put before a name an address takes from its automatic cluster ("via cluster"), not its own. */
export const VIA_PREFIX = '≈ ';

/** After a short address in an automatic cluster of `size` addresses: " [4]". */
export function walletMark(size: number): string {
  return ` [${size.toLocaleString('en-US')}]`;
}

/**
 * Put before a sanctioned address's first name (graphStyle also gives it a dark-red double
 * border). A warning sign rather than an emoji: the fonts on a bare Linux box draw it too.
 */
export const SANCTION_PREFIX = '⚠ ';

/**
 * Names under a node: the case's tags first (the investigator's word), then labels from label
 * sets, each name once. Lengths follow the band: TAG_CHARS.overview at distant and overview
 * (the sanction mark included), TAG_CHARS.normal at normal, TAG_CHARS.full close up.
 */
export function addressLabels(short: string, display: string, tags: readonly string[], names: LabelNames = {}): AddressLabels {
  const given = names.labels ?? [];
  const all = [...new Set([...tags, ...given])];
  const unlisted = Math.max(0, (names.labelCount ?? given.length) - given.length);
  const mark = names.sanctioned ? SANCTION_PREFIX : '';
  const listed = all.slice(0, FULL_TAGS).map((t, i) => ellipsize(i === 0 ? mark + t : t, TAG_CHARS.full));
  const more = all.length - listed.length + unlisted;
  if (more > 0) listed.push(`+${more} more${given.length === 0 ? ' tags' : tags.length === 0 ? ' labels' : ''}`);
  // No name of its own: its wallet's best label, marked as coming from the cluster.
  const via = all.length === 0 && names.wallet?.via ? names.wallet.via : null;
  const first = all[0] ?? (via === null ? undefined : VIA_PREFIX + via);
  const sized = names.wallet && names.wallet.size > 1 ? short + walletMark(names.wallet.size) : short;
  const walletLines = names.wallet && names.wallet.size > 1 ? [`wallet of ${names.wallet.size.toLocaleString('en-US')} addresses (automatic cluster)`] : [];
  if (via !== null) walletLines.push(ellipsize(`${via} (via cluster)`, TAG_CHARS.full));
  return {
    brief: first ? ellipsize(mark + first, TAG_CHARS.overview) : short,
    label: first ? `${sized}\n${ellipsize(mark + first, TAG_CHARS.normal)}` : sized,
    full: [display, ...listed, ...walletLines].join('\n'),
  };
}

export interface LabelDetailControl {
  /** The band now drawn. */
  band(): BandSpec;
  /** Gives elements in view the current band's class; call after every change to the elements. */
  refresh(): void;
  uninstall(): void;
}

/** Band classes kept by applyElements when it sets an element's classes. */
export function bandClassesOf(classes: readonly string[]): string[] {
  return classes.filter((c) => c.startsWith('band-'));
}

// A frame in the browser; a timer in plain Node, where the unit tests run a headless core.
const nextFrame = (f: () => void): number => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(f) : (setTimeout(f, 16) as unknown as number));
const cancelFrame = (id: number): void => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(id) : clearTimeout(id));

/**
 * Follows the zoom: when it crosses into another band, the elements in view (and a margin
 * round it) take the band's class at once; the rest as pans and zooms bring them into view.
 */
export function installLabelDetail(cy: Core): LabelDetailControl {
  let current = bandFor(cy.zoom());
  cy.scratch(BAND_KEY, current.band);
  let frame: number | null = null;

  const sync = (): void => {
    frame = null;
    if (cy.destroyed()) return;
    const e = cy.extent();
    // A small margin, so a short pan shows labels already right (restyling is not cheap).
    const mx = (e.x2 - e.x1) / 10;
    const my = (e.y2 - e.y1) / 10;
    const x1 = e.x1 - mx;
    const x2 = e.x2 + mx;
    const y1 = e.y1 - my;
    const y2 = e.y2 + my;
    const stale: Array<[SingularElementArgument, string | null]> = [];
    cy.nodes().forEach((n) => {
      const wanted = bandClassFor(n.data('kind'), current.band);
      if (hasBandClass(n, wanted)) return;
      const p = n.position();
      // Cluster name tags are few and landmarks: always current.
      if (n.data('kind') !== 'cluster' && (p.x < x1 || p.x > x2 || p.y < y1 || p.y > y2)) return;
      stale.push([n, wanted]);
    });
    cy.edges().forEach((edge) => {
      const wanted = bandClassFor('edge', current.band);
      if (hasBandClass(edge, wanted)) return;
      const s = edge.source().position();
      const t = edge.target().position();
      if (Math.max(s.x, t.x) < x1 || Math.min(s.x, t.x) > x2 || Math.max(s.y, t.y) < y1 || Math.min(s.y, t.y) > y2) return;
      stale.push([edge, wanted]);
    });
    if (stale.length === 0) return;
    cy.batch(() => {
      for (const [ele, wanted] of stale) {
        (ele as unknown as Collection).removeClass(BAND_CLASSES);
        if (wanted) ele.addClass(wanted);
      }
    });
  };
  const schedule = (): void => {
    if (frame === null) frame = nextFrame(sync);
  };
  const onZoom = (): void => {
    if (cy.destroyed()) return;
    const next = bandFor(cy.zoom());
    if (next.band === current.band) return;
    current = next;
    cy.scratch(BAND_KEY, next.band);
    sync();
  };
  cy.on('zoom', onZoom);
  cy.on('viewport', schedule);
  return {
    band: () => current,
    refresh: sync,
    uninstall() {
      if (frame !== null) cancelFrame(frame);
      cy.off('zoom', onZoom);
      cy.off('viewport', schedule);
    },
  };
}
