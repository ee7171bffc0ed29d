/**
 * The trace view's drawing: a cytoscape instance of its own (the case's canvas is never touched),
 * showing traceElements' nodes at their positions. Fitted whenever the drawing changes; Fit,
 * Zoom in and Zoom out in the bar above it (not over it, where they would hide labels); the
 * exact values on hover; a path to highlight.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import cytoscape, { type Core, type EventObject, type NodeSingular, type StylesheetJson, type StylesheetJsonBlock } from 'cytoscape';
import { installCanvasTooltip } from './canvasTooltip';
import { EDGE_COLOURS, ROLE_COLOURS, ROLE_FILLS, WHEEL_SENSITIVITY } from './graphStyle';
import { LABEL_COLOURS, LABEL_COLOUR_KEYS } from './labelCategory';
import type { TraceElement, TraceNodeData } from './traceElements';

const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';
const ACCENT = '#0b7a75';
/** Fitting never zooms in further than this: a small trace is not blown up to fill the view. */
const MAX_FIT_ZOOM = 1.25;
const FIT_PADDING = 20;
const ZOOM_STEP = 1.25;

/** Node and edge label sizes in model pixels. */
const NODE_FONT = 15;
const EDGE_FONT = 14;

function labelShift(edge: cytoscape.EdgeSingular): number {
  const shift: unknown = edge.data('labelShift');
  return typeof shift === 'number' ? shift * (EDGE_FONT + 4) : 0;
}

function edgeWidth(edge: cytoscape.EdgeSingular): number {
  const w: unknown = edge.data('width');
  return typeof w === 'number' && w > 0 ? w * 1.6 : 2;
}

/** Model-pixel sizes chosen so labels read at 10 px or more once six addresses a hop over six hops are fitted into the view at 1440×900. */
const traceStyle: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': MONO,
      'font-size': NODE_FONT,
      color: '#1f2328',
      'text-wrap': 'wrap',
      'text-max-width': '200px',
      'text-valign': 'bottom',
      'text-halign': 'center',
      'text-margin-y': 4,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 7,
      shape: 'ellipse',
      width: 22,
      height: 22,
      'background-color': '#d0d7de',
      'border-width': 1,
      'border-color': '#57606a',
    },
  },
  { selector: 'node.source', style: { width: 26, height: 26, 'border-width': 4, 'border-color': ROLE_COLOURS.victim, 'background-color': ROLE_FILLS.victim, 'font-weight': 'bold' } },
  { selector: 'node.endpoint', style: { width: 30, height: 30, shape: 'round-rectangle', 'background-color': '#57606a', 'border-width': 2, 'border-color': '#24292f', 'font-weight': 'bold' } },
  { selector: 'node.unresolved', style: { 'background-color': '#ffffff', 'border-width': 2, 'border-style': 'dashed', 'border-color': '#8c959f' } },
  // An endpoint's label category, in the case canvas's colours.
  ...LABEL_COLOUR_KEYS.map((key): StylesheetJsonBlock => ({ selector: `node.label-${key}`, style: { 'background-color': LABEL_COLOURS[key] } })),
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      width: edgeWidth,
      'line-color': EDGE_COLOURS.native,
      'target-arrow-shape': 'triangle',
      'target-arrow-color': EDGE_COLOURS.native,
      'arrow-scale': 1,
      label: 'data(label)',
      'font-family': MONO,
      'font-size': EDGE_FONT,
      color: '#424a53',
      'text-rotation': 'none',
      'text-margin-y': labelShift,
      'control-point-step-size': 36,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': '2px',
      'min-zoomed-font-size': 7,
    },
  },
  { selector: 'edge.token', style: { 'line-color': EDGE_COLOURS.token, 'target-arrow-color': EDGE_COLOURS.token } },
  { selector: 'edge.trace-link', style: { 'line-style': 'dashed', 'line-color': EDGE_COLOURS.sameKey, 'target-arrow-color': EDGE_COLOURS.sameKey, color: EDGE_COLOURS.sameKey, 'font-family': SANS } },
  { selector: '.faded', style: { opacity: 0.25 } },
  { selector: 'node.on-path', style: { 'underlay-color': ACCENT, 'underlay-opacity': 0.25, 'underlay-padding': 7 } },
  { selector: 'edge.on-path', style: { 'line-color': ACCENT, 'target-arrow-color': ACCENT, 'z-index': 10 } },
  { selector: 'node:selected', style: { 'overlay-color': ACCENT, 'overlay-opacity': 0.18, 'overlay-padding': 5 } },
];

function fit(cy: Core): void {
  cy.resize();
  cy.fit(undefined, FIT_PADDING);
  if (cy.zoom() > MAX_FIT_ZOOM) cy.zoom({ level: MAX_FIT_ZOOM, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  cy.center();
}

export function TraceCanvas(props: {
  elements: readonly TraceElement[];
  /** Node ids of a path to highlight (an endpoint's, from a source); empty for none. */
  highlight: readonly string[];
  onPick(node: TraceNodeData): void;
  /** The drawing's own controls (layout, how much to draw), in the bar above it beside Fit and Zoom. */
  children?: ReactNode;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;

  useEffect(() => {
    const container = containerRef.current;
    const tip = tipRef.current;
    if (!container || !tip) return;
    cytoscape.warnings(false);
    const cy = cytoscape({ container, style: traceStyle, layout: { name: 'preset' }, minZoom: 0.05, maxZoom: 4, wheelSensitivity: WHEEL_SENSITIVITY, autoungrabify: false, boxSelectionEnabled: false });
    cytoscape.warnings(true);
    cyRef.current = cy;
    cy.on('tap', 'node', (e: EventObject) => onPick.current((e.target as NodeSingular).data() as TraceNodeData));
    // The smallest label's size on screen, for tests and the curious: readable from 10 px up.
    cy.on('viewport', () => container.setAttribute('data-label-px', (Math.min(NODE_FONT, EDGE_FONT) * cy.zoom()).toFixed(1)));
    const uninstallTip = installCanvasTooltip(cy, tip, { backgroundText: () => null });
    // The view's size changes with the window and the table beside it: keep the drawing in it.
    const observer = new ResizeObserver(() => {
      if (!cy.destroyed()) cy.resize();
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      uninstallTip();
      cyRef.current = null;
      cy.destroy();
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(props.elements.map((el) => ({ ...el, data: { ...el.data } })));
    });
    fit(cy);
    containerRef.current?.setAttribute('data-label-px', (Math.min(NODE_FONT, EDGE_FONT) * cy.zoom()).toFixed(1));
  }, [props.elements]);

  const highlightKey = props.highlight.join(' ');
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const on = new Set(highlightKey ? highlightKey.split(' ') : []);
    cy.batch(() => {
      cy.elements().removeClass('on-path faded');
      if (on.size === 0) return;
      cy.nodes().forEach((n) => void n.addClass(on.has(n.id()) ? 'on-path' : 'faded'));
      cy.edges().forEach((e) => void e.addClass(on.has(e.source().id()) && on.has(e.target().id()) ? 'on-path' : 'faded'));
    });
  }, [highlightKey, props.elements]);

  const zoomBy = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({ level: Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor)), renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };

  return (
    <>
      <div className="trace-drawing-bar">
        {props.children}
        <div className="segmented" role="group" aria-label="Trace drawing view">
          <button type="button" aria-label="Fit trace" title="Fit: show the whole drawing" onClick={() => cyRef.current && fit(cyRef.current)}>
            Fit
          </button>
          <button type="button" aria-label="Zoom in on the trace" title="Zoom in" onClick={() => zoomBy(ZOOM_STEP)}>
            +
          </button>
          <button type="button" aria-label="Zoom out of the trace" title="Zoom out" onClick={() => zoomBy(1 / ZOOM_STEP)}>
            −
          </button>
        </div>
      </div>
      <div className="trace-canvas-wrap">
        <div className="trace-canvas" ref={containerRef} data-testid="trace-canvas" role="img" aria-label="Drawing of the trace, left to right" />
        <div className="canvas-tooltip" ref={tipRef} role="tooltip" hidden />
      </div>
    </>
  );
}
