import type { Core, SingularElementArgument } from 'cytoscape';
import { bandClassesOf } from './labelDetail';
import type { GraphElement } from './toElements';

/** Data keys cytoscape will not change through `ele.data(...)`; they are handled structurally. */
const STRUCTURAL_KEYS = new Set(['id', 'parent', 'source', 'target']);

function mutableData(el: GraphElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(el.data)) if (!STRUCTURAL_KEYS.has(key)) out[key] = value;
  return out;
}

function sameData(ele: SingularElementArgument, wanted: Record<string, unknown>): boolean {
  const current: Record<string, unknown> = ele.data();
  for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) return false;
  return true;
}

/** Optional keys the element has but no longer should (a node taken out of its cluster, an edge now straight). */
function staleKeys(ele: SingularElementArgument, wanted: Record<string, unknown>): string[] {
  return Object.keys(ele.data() as Record<string, unknown>).filter((key) => !STRUCTURAL_KEYS.has(key) && !(key in wanted));
}

/** An element whose identity changed shape (group, or edge endpoints) is replaced, not updated. */
function needsReplace(ele: SingularElementArgument, el: GraphElement): boolean {
  if (ele.group() !== el.group) return true;
  if (el.group === 'edges') return ele.data('source') !== el.data.source || ele.data('target') !== el.data.target;
  return false;
}

/** Compared without the zoom band's class, which labelDetail owns. */
function sameClasses(current: string[], wanted: string): boolean {
  return [...current].filter((c) => !c.startsWith('band-')).sort().join(' ') === wanted.split(' ').filter(Boolean).sort().join(' ');
}

const POSITION_EPSILON = 0.01;

/**
 * Brings `cy` in line with the wanted elements, touching only what changed, so selection,
 * zoom and pan survive every update. Clusters are not compound nodes (their outlines are
 * drawn by clusterLayer), so elements can be added and removed in any order.
 */
export function applyElements(cy: Core, elements: readonly GraphElement[]): void {
  const wanted = new Map(elements.map((el) => [el.data.id, el]));
  cy.batch(() => {
    cy.elements()
      .filter((ele) => {
        const el = wanted.get(ele.id());
        return el === undefined || needsReplace(ele, el);
      })
      .remove();
    const missing = elements.filter((el) => cy.getElementById(el.data.id).empty());
    if (missing.length) cy.add(missing);
    for (const el of elements) {
      const ele = cy.getElementById(el.data.id);
      if (ele.empty()) continue;
      const data = mutableData(el);
      if (!sameData(ele, data)) ele.data(data);
      const stale = staleKeys(ele, data);
      if (stale.length) ele.removeData(...stale);
      const classes = ele.classes();
      if (!sameClasses(classes, el.classes)) ele.classes([el.classes, ...bandClassesOf(classes)].join(' '));
      if (el.group === 'nodes' && el.position && ele.isNode() && !ele.grabbed()) {
        const p = ele.position();
        if (Math.abs(p.x - el.position.x) > POSITION_EPSILON || Math.abs(p.y - el.position.y) > POSITION_EPSILON) {
          ele.position({ x: el.position.x, y: el.position.y });
        }
      }
    }
  });
}
