/**
 * What a labelled address is, as a colour: the canvas fills an address node by the category of
 * the name it shows (a case tag's, else its best label's), the legend lists the categories on
 * the canvas, and the details panel and screening table use the same swatches. GraphSense's
 * taxonomy has dozens of concepts; a handful of colours tell the services an investigator
 * follows money through apart, and everything illicit (scam, ransomware, a perpetrator…) shares
 * one red, so the canvas does not turn into a paint box. Sanctioned addresses are drawn apart
 * (graphStyle: a dark-red double border, a warning sign in the label), whatever their category.
 */
import type { AddressNode, Graph, Label } from '../../shared/api/schemas';

import { colourKeyOf, LABEL_COLOUR_KEYS, LABEL_COLOURS, type LabelColourKey } from '../../shared/model/labelColours';

export { colourKeyOf, colourKeyWords, LABEL_COLOUR_KEYS, LABEL_COLOURS, SANCTION_COLOUR, type LabelColourKey } from '../../shared/model/labelColours';

export function colourOfCategory(category: string | null | undefined, abuse: string | null = null): string | null {
  const key = colourKeyOf(category, abuse);
  return key ? LABEL_COLOURS[key] : null;
}

/** The labels of a node as the graph gives them (absent from older back ends). */
export function nodeLabels(node: Pick<AddressNode, 'labels'>): readonly Label[] {
  return node.labels ?? [];
}

/**
 * The colour key of the name a node shows: its first case tag's category when that tag has one
 * (the investigator's word first), else its best label's category or abuse.
 */
export function nodeColourKey(node: Pick<AddressNode, 'tags' | 'labels'>): LabelColourKey | null {
  const tag = node.tags[0];
  if (tag?.category) return colourKeyOf(tag.category);
  const best = nodeLabels(node)[0];
  return best ? colourKeyOf(best.category, best.abuse) : null;
}

/** The colour keys of the visible address nodes, in the legend's order, and whether any is sanctioned. */
export function labelKeysIn(graph: Graph | null): { keys: LabelColourKey[]; sanctioned: boolean } {
  const present = new Set<LabelColourKey>();
  let sanctioned = false;
  for (const n of graph?.nodes ?? []) {
    if (n.kind !== 'address' || n.hidden) continue;
    const key = nodeColourKey(n);
    if (key) present.add(key);
    if (n.sanctioned) sanctioned = true;
  }
  return { keys: LABEL_COLOUR_KEYS.filter((k) => present.has(k)), sanctioned };
}
