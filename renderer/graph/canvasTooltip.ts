/**
 * Hover text on the canvas, as a title attribute gives it elsewhere: the exact amount of an
 * edge, the full address and tags of a node, the full name of a cluster. Everything drawn on
 * the canvas is rounded or shortened; this is where the full text is. Set directly on one
 * element, not through React state, so moving the mouse re-renders nothing.
 */
import type { Core, EventObject, SingularElementArgument } from 'cytoscape';
import { formatCount } from '../format/text';
import type { Point } from './clusterShape';

const SHOW_AFTER_MS = 250;

/** The hover text of a canvas element, or null for none. */
export function hoverText(ele: SingularElementArgument): string | null {
  const d = ele.data() as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (d.kind) {
    case 'edge': {
      const count = typeof d.count === 'number' ? d.count : 1;
      const exact = str('exact');
      const lines = [exact || str('label'), str('title')];
      if (count > 1) lines.push(`${formatCount(count)} transfers`);
      return lines.filter(Boolean).join('\n');
    }
    case 'link':
      return `same key\n${str('title')}`;
    case 'address':
    case 'entity':
    case 'cluster':
      return str('title') || str('label');
    case 'more':
      return `${str('label')}: double-click (or E) to show the next page`;
    case 'tx':
      return `transaction ${str('txid')}\n${str('label').split('\n').slice(1).join(' ')} out`;
    default:
      return null;
  }
}

export interface TooltipOptions {
  /** Hover text for a background point (a cluster's outline), or null. */
  backgroundText(p: Point): string | null;
}

export function installCanvasTooltip(cy: Core, tip: HTMLElement, options: TooltipOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let shownFor: string | null = null;

  const hide = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    shownFor = null;
    tip.hidden = true;
  };

  const place = (rendered: Point): void => {
    const box = tip.parentElement?.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    let x = rendered.x + 14;
    let y = rendered.y + 16;
    if (box) {
      if (x + width > box.width - 4) x = Math.max(4, rendered.x - width - 10);
      if (y + height > box.height - 4) y = Math.max(4, rendered.y - height - 10);
    }
    tip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  };

  const show = (key: string, text: string, rendered: Point): void => {
    if (shownFor === key) {
      place(rendered);
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      shownFor = key;
      tip.textContent = text;
      tip.hidden = false;
      place(rendered);
    }, SHOW_AFTER_MS);
  };

  const onMove = (e: EventObject): void => {
    const rendered = e.renderedPosition ?? { x: 0, y: 0 };
    if (e.target === cy) {
      const text = options.backgroundText(e.position);
      if (text) show(`bg:${text}`, text, rendered);
      else hide();
      return;
    }
    const ele = e.target as SingularElementArgument;
    const text = hoverText(ele);
    if (text) show(ele.id(), text, rendered);
    else hide();
  };

  cy.on('mousemove', onMove);
  cy.on('mouseout', hide);
  cy.on('tapstart viewport remove', hide);
  return () => {
    hide();
    cy.off('mousemove', onMove);
    cy.off('mouseout', hide);
    cy.off('tapstart viewport remove', hide);
  };
}
