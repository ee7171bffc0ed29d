/**
 * Read-only test hooks. Playwright cannot see inside a canvas, so end-to-end tests read node
 * positions here and wait on body data attributes instead of sleeping.
 */
import type { Core } from 'cytoscape';
import type { NodeElementData } from './toElements';

export interface ProbedNode {
  readonly id: string;
  readonly kind: 'address' | 'more' | 'cluster' | 'tx';
  /** Canonical address for address nodes, otherwise null. */
  readonly address: string | null;
  /** Transaction id for tx nodes ("Tx nodes" view), otherwise null. */
  readonly txid: string | null;
  readonly label: string;
  /** Compound parent (cluster id) or null. */
  readonly parent: string | null;
  readonly selected: boolean;
  /** Centre of the node in page (client) coordinates. */
  readonly x: number;
  readonly y: number;
}

export interface GraphProbe {
  nodes(): ProbedNode[];
}

declare global {
  interface Window {
    cairnGraphProbe?: GraphProbe;
  }
}

export function installGraphProbe(cy: Core, container: HTMLElement): () => void {
  const probe: GraphProbe = Object.freeze({
    nodes(): ProbedNode[] {
      const rect = container.getBoundingClientRect();
      return cy.nodes().map((node) => {
        const data = node.data() as NodeElementData;
        const at = node.renderedPosition();
        const parent = node.parent();
        return {
          id: node.id(),
          kind: data.kind,
          address: data.kind === 'address' ? data.address : null,
          txid: data.kind === 'tx' ? data.txid : null,
          label: data.label,
          parent: parent.nonempty() ? parent.first().id() : null,
          selected: node.selected(),
          x: rect.left + at.x,
          y: rect.top + at.y,
        };
      });
    },
  });
  window.cairnGraphProbe = probe;
  return () => {
    if (window.cairnGraphProbe === probe) delete window.cairnGraphProbe;
  };
}

let revision = 0;

/**
 * Called after every applied update: tests wait for graphRevision to change and read graphNodes.
 * graphNodes and graphEdges count the address and "more" nodes and the aggregated edges drawn;
 * tx nodes and their edges (the "Tx nodes" view) are counted apart, in graphTxnodes and graphTxedges,
 * and "same key" links in graphLinks.
 */
export function markGraphRevision(cy: Core): void {
  revision += 1;
  document.body.dataset.graphRevision = String(revision);
  document.body.dataset.graphNodes = String(cy.nodes().not('.cluster').not('.tx').length);
  document.body.dataset.graphClusters = String(cy.nodes('.cluster').length);
  document.body.dataset.graphEdges = String(cy.edges().not('.tx-flow').not('.same-key').length);
  document.body.dataset.graphLinks = String(cy.edges('.same-key').length);
  document.body.dataset.graphTxnodes = String(cy.nodes('.tx').length);
  document.body.dataset.graphTxedges = String(cy.edges('.tx-flow').length);
}
