import type { Core, NodeSingular, SingularElementArgument } from 'cytoscape';
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

function wantedParent(el: GraphElement): string | null {
  return el.group === 'nodes' && el.data.kind === 'address' ? (el.data.parent ?? null) : null;
}

function currentParent(node: NodeSingular): string | null {
  const parent = node.parent();
  return parent.nonempty() ? parent.first().id() : null;
}

/** An element whose identity changed shape (group, or edge endpoints) is replaced, not updated. */
function needsReplace(ele: SingularElementArgument, el: GraphElement): boolean {
  if (ele.group() !== el.group) return true;
  if (el.group === 'edges') return ele.data('source') !== el.data.source || ele.data('target') !== el.data.target;
  return false;
}

function sameClasses(current: string[], wanted: string): boolean {
  return [...current].sort().join(' ') === wanted.split(' ').filter(Boolean).sort().join(' ');
}

const POSITION_EPSILON = 0.01;

/**
 * Brings `cy` in line with the wanted elements, touching only what changed, so selection,
 * zoom and pan survive every update. Order matters for compounds: new clusters are added
 * before nodes move into them, and nodes leave a cluster before it is removed (removing a
 * compound parent would take its children with it).
 */
export function applyElements(cy: Core, elements: readonly GraphElement[]): void {
  const wanted = new Map(elements.map((el) => [el.data.id, el]));
  cy.batch(() => {
    for (const el of elements) {
      if (el.group === 'nodes' && el.data.kind === 'cluster' && cy.getElementById(el.data.id).empty()) {
        cy.add(el);
      }
    }
    for (const el of elements) {
      if (el.group !== 'nodes' || el.data.kind !== 'address') continue;
      const ele = cy.getElementById(el.data.id);
      if (ele.empty() || !ele.isNode()) continue;
      const parent = wantedParent(el);
      if (currentParent(ele) !== parent) ele.move({ parent });
    }
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
      if (!sameClasses(ele.classes(), el.classes)) ele.classes(el.classes);
      if (el.group === 'nodes' && el.position && ele.isNode() && !ele.isParent() && !ele.grabbed()) {
        const p = ele.position();
        if (Math.abs(p.x - el.position.x) > POSITION_EPSILON || Math.abs(p.y - el.position.y) > POSITION_EPSILON) {
          ele.position({ x: el.position.x, y: el.position.y });
        }
      }
    }
  });
}
