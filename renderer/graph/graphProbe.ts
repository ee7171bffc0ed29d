/**
 * Read-only test hooks. Playwright cannot see inside a canvas, so end-to-end tests read node
 * positions here and wait on body data attributes instead of sleeping.
 */
import type { Core, SingularElementArgument } from 'cytoscape';
import type { ClusterLayer } from './clusterLayer';
import { shapeContains } from './clusterShape';
import { currentBand, MIN_LABEL_PX, type LabelBand } from './labelDetail';
import type { NodeElementData } from './toElements';

export interface ProbedNode {
  readonly id: string;
  readonly kind: 'address' | 'more' | 'cluster' | 'tx' | 'entity';
  /** Canonical address for address nodes (an entity node: the member it was collapsed from), otherwise null. */
  readonly address: string | null;
  /** Transaction id for tx nodes ("Tx nodes" view), otherwise null. */
  readonly txid: string | null;
  readonly label: string;
  /** The cluster the node belongs to, or null. */
  readonly parent: string | null;
  readonly selected: boolean;
  /** Centre of the node in page (client) coordinates. */
  readonly x: number;
  readonly y: number;
}

/** A label as drawn: its text at the current zoom band and its height on screen. */
export interface ProbedLabel {
  readonly id: string;
  readonly kind: string;
  readonly text: string;
  /** Font size on screen in CSS pixels: the model font size times the zoom. */
  readonly screenPx: number;
  /** Drawn at all: some text, at least cytoscape's min-zoomed-font-size on screen. */
  readonly drawn: boolean;
  /** The element's centre (an edge's midpoint) in client coordinates, to point the mouse at. */
  readonly x: number;
  readonly y: number;
  /** For edges: the exact amount in whole units that hovering shows, or null. */
  readonly exact: string | null;
  /** For edges: the node ids at its two ends, source first; null for nodes. */
  readonly ends: readonly [string, string] | null;
}

export interface ProbedView {
  readonly zoom: number;
  readonly band: LabelBand;
  /** The canvas's box in client coordinates. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface ProbedCluster {
  readonly id: string;
  readonly members: readonly string[];
}

export interface GraphProbe {
  nodes(): ProbedNode[];
  view(): ProbedView;
  /** Labels of nodes (not edges). */
  labels(): ProbedLabel[];
  edgeLabels(): ProbedLabel[];
  /** Clusters as drawn by the outline layer. */
  clusters(): ProbedCluster[];
  /** Whether the drawn outline of a cluster covers this client point. */
  outlineCovers(clusterId: string, clientX: number, clientY: number): boolean;
}

declare global {
  interface Window {
    cairnGraphProbe?: GraphProbe;
  }
}

function labelOf(cy: Core, container: HTMLElement, ele: SingularElementArgument): ProbedLabel {
  // An edge's label may sit near one of its ends (edgeRouting's labelEnd).
  const text = [ele.style('label'), ...(ele.isEdge() ? [ele.style('source-label'), ele.style('target-label')] : [])].map((t) => String(t ?? '')).find((t) => t !== '') ?? '';
  const screenPx = parseFloat(String(ele.style('font-size'))) * cy.zoom();
  const rect = container.getBoundingClientRect();
  const at = ele.isEdge() ? ele.renderedMidpoint() : ele.renderedPosition();
  const exact: unknown = ele.data('exact');
  return {
    id: ele.id(),
    kind: String(ele.data('kind')),
    text,
    screenPx,
    drawn: text !== '' && screenPx >= MIN_LABEL_PX,
    x: rect.left + at.x,
    y: rect.top + at.y,
    exact: typeof exact === 'string' ? exact : null,
    ends: ele.isEdge() ? [ele.source().id(), ele.target().id()] : null,
  };
}

export function installGraphProbe(cy: Core, container: HTMLElement, layer?: ClusterLayer): () => void {
  const probe: GraphProbe = Object.freeze({
    nodes(): ProbedNode[] {
      const rect = container.getBoundingClientRect();
      return cy.nodes().map((node) => {
        const data = node.data() as NodeElementData;
        const at = node.renderedPosition();
        return {
          id: node.id(),
          kind: data.kind,
          address: data.kind === 'address' ? data.address : data.kind === 'entity' ? data.anchor : null,
          txid: data.kind === 'tx' ? data.txid : null,
          label: data.label,
          parent: data.kind === 'address' ? (data.cluster ?? null) : null,
          selected: node.selected(),
          x: rect.left + at.x,
          y: rect.top + at.y,
        };
      });
    },
    view(): ProbedView {
      const rect = container.getBoundingClientRect();
      return { zoom: cy.zoom(), band: currentBand(cy).band, left: rect.left, top: rect.top, width: rect.width, height: rect.height };
    },
    labels: () => cy.nodes().map((n) => labelOf(cy, container, n)),
    edgeLabels: () => cy.edges().map((e) => labelOf(cy, container, e)),
    clusters: () => (layer?.clusters() ?? []).map((c) => ({ id: c.id, members: [...c.memberIds] })),
    outlineCovers(clusterId: string, clientX: number, clientY: number): boolean {
      const drawn = layer?.clusters().find((c) => c.id === clusterId);
      if (!drawn) return false;
      const rect = container.getBoundingClientRect();
      const zoom = cy.zoom();
      const pan = cy.pan();
      return shapeContains(drawn.shape, { x: (clientX - rect.left - pan.x) / zoom, y: (clientY - rect.top - pan.y) / zoom });
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
