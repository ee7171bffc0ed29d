/**
 * One table for what the context menu offers and what the keyboard does, so the two
 * cannot drift apart. Selection commands act on the current canvas selection.
 */
import type { Graph } from '../../shared/api/schemas';
import type { CanvasNavigation } from '../graph/NavControls';
import type { DialogState, TagTargetValue } from './dialogState';
import type { GraphActions } from './useGraphActions';
import { selectedNodeIds, selectionSize, touchedClusterIds, walletAnchors, type SelectionInfo } from './selection';
import type { TraceSourceAddress } from './traceForm';

export interface CommandContext {
  readonly graph: Graph | null;
  readonly selection: SelectionInfo;
  readonly actions: GraphActions;
  /** The open case is read-only here (received and not continued, or foreign): no edits are offered. */
  readonly readOnly: boolean;
  openDialog(dialog: DialogState): void;
  /** Switches the "Tx nodes" view (UTXO transactions as their own nodes) on or off. */
  toggleTxNodes(): void;
  /** Fits, zooms or recentres the canvas, or shows its legend or overview map; absent without a canvas. */
  navigate?(action: CanvasNavigation): void;
  /** Shows the case's laundering steps (its signature as a storyline) over the canvas; absent where there is no such view. */
  showLaunderingSteps?(): void;
}

export type CommandScope =
  /** Acts on selected nodes; listed in the node menu. */
  | 'selection'
  /** Acts on the canvas as a whole; listed in the background menu. */
  | 'canvas'
  /** Keyboard only (toolbar buttons offer them too). */
  | 'app';

export interface Command {
  readonly id: string;
  readonly label: string;
  /** Shown in menus, e.g. "Shift+H". */
  readonly shortcut: string;
  readonly scope: CommandScope;
  matches(e: KeyboardEvent): boolean;
  enabled(ctx: CommandContext): boolean;
  run(ctx: CommandContext): void;
}

function key(name: string, mods: { shift?: boolean; ctrl?: boolean } = {}) {
  const wanted = name.toLowerCase();
  return (e: KeyboardEvent) =>
    e.key.toLowerCase() === wanted &&
    (e.ctrlKey || e.metaKey) === (mods.ctrl ?? false) &&
    e.shiftKey === (mods.shift ?? false) &&
    !e.altKey;
}

const anyOf =
  (...matchers: Array<(e: KeyboardEvent) => boolean>) =>
  (e: KeyboardEvent) =>
    matchers.some((m) => m(e));

const caseOpen = (ctx: CommandContext) => ctx.graph !== null;
/** A case is open and this workspace may change it. */
const editable = (ctx: CommandContext) => ctx.graph !== null && !ctx.readOnly;
const hasAddresses = (ctx: CommandContext) => editable(ctx) && ctx.selection.addresses.length > 0;
const hasNodes = (ctx: CommandContext) => editable(ctx) && selectedNodeIds(ctx.graph, ctx.selection).length > 0;
const hasEntities = (ctx: CommandContext) => editable(ctx) && ctx.selection.entities.length > 0;


function tagTargets(s: SelectionInfo): TagTargetValue[] {
  return [
    ...s.addresses.map((n): TagTargetValue => ({ kind: 'node', nodeId: n.id })),
    ...s.clusters.map((c): TagTargetValue => ({ kind: 'cluster', clusterId: c.id })),
  ];
}

function tagSubject(s: SelectionInfo): string {
  if (selectionSize(s) === 1) return s.addresses[0]?.display ?? `cluster “${s.clusters[0]?.name ?? ''}”`;
  return `${tagTargets(s).length} selected items`;
}

/** The case's victim seeds, what a trace starts from when nothing is selected. */
function victimSources(ctx: CommandContext): TraceSourceAddress[] {
  return (ctx.graph?.seeds ?? []).filter((s) => s.role === 'victim').map((s) => ({ chain: s.chain, address: s.address, display: s.display }));
}

/** Opens the trace dialog on the selected addresses, or else on the victims. */
function openTrace(ctx: CommandContext, from: 'selection' | 'victims'): void {
  const selected = ctx.selection.addresses.map((n) => ({ chain: n.chain, address: n.address, display: n.display }));
  if (from === 'selection' && selected.length > 0) ctx.openDialog({ kind: 'trace', sources: selected, from: 'selection' });
  else ctx.openDialog({ kind: 'trace', sources: victimSources(ctx), from: 'victims' });
}

function expandCommand(id: string, label: string, k: string, direction: 'in' | 'out' | 'both'): Command {
  return {
    id,
    label,
    shortcut: k.toUpperCase(),
    scope: 'selection',
    matches: key(k),
    // An entity node expands to the counterparties of its whole wallet.
    enabled: (ctx) => hasAddresses(ctx) || hasEntities(ctx) || (direction === 'both' && editable(ctx) && ctx.selection.more.length > 0),
    run: (ctx) => {
      const { addresses, entities, more } = ctx.selection;
      if (addresses.length || entities.length) void ctx.actions.expand([...addresses, ...entities].map((n) => n.id), direction);
      // A "more" node has one direction of its own; expanding it loads its next page.
      else void ctx.actions.expandMore(more);
    },
  };
}

/**
 * Re-lays the selection (two or more nodes) or else the whole case as layers read left to right;
 * one undoable step.
 */
function relayoutCommand(id: string, label: string, shortcut: string, matches: (e: KeyboardEvent) => boolean, by: 'hop' | 'time'): Command {
  return {
    id,
    label,
    shortcut,
    scope: 'canvas',
    matches,
    enabled: (ctx) => editable(ctx) && (ctx.graph?.nodes.some((n) => !n.hidden) ?? false),
    run: (ctx) => {
      const ids = selectedNodeIds(ctx.graph, ctx.selection);
      void ctx.actions.relayout(ids.length > 1 ? ids : null, by);
    },
  };
}

/** The canvas is there to move around in: any open case, read-only ones too. */
const canNavigate = (ctx: CommandContext) => ctx.graph !== null && ctx.navigate !== undefined;

/** A key with no modifier but Shift, which some layouts need to type it ("+" is Shift+= on many). */
function typed(...keys: string[]) {
  return (e: KeyboardEvent) => keys.includes(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey;
}

function navigationCommand(
  id: string,
  label: string,
  shortcut: string,
  scope: CommandScope,
  matches: (e: KeyboardEvent) => boolean,
  action: CanvasNavigation,
  enabled: (ctx: CommandContext) => boolean = canNavigate,
): Command {
  return { id, label, shortcut, scope, matches, enabled, run: (ctx) => ctx.navigate?.(action) };
}

/** Moving around the canvas; the same actions as its navigation buttons (graph/NavControls). */
const NAVIGATION: readonly Command[] = [
  navigationCommand('fit-all', 'Fit all', 'F', 'canvas', key('f'), 'fit-all'),
  navigationCommand('fit-selection', 'Fit selection', 'Shift+F', 'selection', key('f', { shift: true }), 'fit-selection', (ctx) => canNavigate(ctx) && ctx.selection.ids.length > 0),
  navigationCommand('zoom-in', 'Zoom in', '+', 'app', typed('+', '='), 'zoom-in'),
  navigationCommand('zoom-out', 'Zoom out', '-', 'app', typed('-', '_'), 'zoom-out'),
  navigationCommand('recentre', 'Recentre', 'C', 'canvas', key('c'), 'recentre'),
  navigationCommand('toggle-legend', 'Legend on/off', 'L', 'canvas', key('l'), 'toggle-legend'),
  navigationCommand('toggle-overview', 'Overview map on/off', 'M', 'app', key('m'), 'toggle-overview'),
];

export const COMMANDS: readonly Command[] = [
  expandCommand('expand-out', 'Expand out', 'o', 'out'),
  expandCommand('expand-in', 'Expand in', 'i', 'in'),
  expandCommand('expand-both', 'Expand both', 'e', 'both'),
  {
    id: 'hide',
    label: 'Hide',
    shortcut: 'H',
    scope: 'selection',
    matches: key('h'),
    enabled: hasNodes,
    run: (ctx) => void ctx.actions.hide(selectedNodeIds(ctx.graph, ctx.selection)),
  },
  {
    id: 'remove',
    label: 'Remove',
    shortcut: 'Delete',
    scope: 'selection',
    matches: anyOf(key('delete'), key('backspace')),
    enabled: hasNodes,
    run: (ctx) => void ctx.actions.remove(selectedNodeIds(ctx.graph, ctx.selection)),
  },
  {
    id: 'tag',
    label: 'Tag…',
    shortcut: 'T',
    scope: 'selection',
    matches: key('t'),
    enabled: (ctx) => editable(ctx) && tagTargets(ctx.selection).length > 0,
    run: (ctx) =>
      ctx.openDialog({ kind: 'tag', targets: tagTargets(ctx.selection), subject: tagSubject(ctx.selection) }),
  },
  {
    // Shift+O, "out, all the way": O expands out one hop. T already tags the selection.
    id: 'trace',
    label: 'Trace…',
    shortcut: 'Shift+O',
    scope: 'selection',
    matches: key('o', { shift: true }),
    // With nothing selected, from the victims (the dialog says what to do when there are none);
    // a selection of only clusters or pills has no address to start at.
    enabled: (ctx) => editable(ctx) && (ctx.selection.addresses.length > 0 || selectionSize(ctx.selection) === 0),
    run: (ctx) => openTrace(ctx, 'selection'),
  },
  {
    id: 'trace-victims',
    label: 'Trace from the victims…',
    shortcut: '',
    scope: 'canvas',
    matches: () => false,
    enabled: (ctx) => editable(ctx) && victimSources(ctx).length > 0,
    run: (ctx) => openTrace(ctx, 'victims'),
  },
  {
    id: 'group',
    label: 'Group as cluster…',
    shortcut: 'G',
    scope: 'selection',
    matches: key('g'),
    enabled: hasAddresses,
    run: (ctx) => ctx.openDialog({ kind: 'group', nodeIds: ctx.selection.addresses.map((n) => n.id) }),
  },
  {
    id: 'edit-cluster',
    label: 'Edit cluster…',
    shortcut: '',
    scope: 'selection',
    matches: () => false,
    enabled: (ctx) => editable(ctx) && ctx.selection.clusters.length === 1,
    run: (ctx) => {
      const cluster = ctx.selection.clusters[0];
      if (cluster) ctx.openDialog({ kind: 'editCluster', clusterId: cluster.id });
    },
  },
  {
    id: 'ungroup',
    label: 'Ungroup',
    shortcut: 'U',
    scope: 'selection',
    matches: key('u'),
    enabled: (ctx) => editable(ctx) && touchedClusterIds(ctx.selection).length > 0,
    run: (ctx) => void ctx.actions.ungroup(touchedClusterIds(ctx.selection)),
  },
  {
    // W for wallet; G groups by hand, which stays apart from the automatic clusters.
    id: 'collapse-entity',
    label: 'Collapse to entity',
    shortcut: 'W',
    scope: 'selection',
    matches: key('w'),
    enabled: (ctx) => editable(ctx) && walletAnchors(ctx.selection).length > 0,
    run: (ctx) => void ctx.actions.collapse(walletAnchors(ctx.selection)),
  },
  {
    id: 'expand-entity',
    label: 'Expand entity back',
    shortcut: 'Shift+W',
    scope: 'selection',
    matches: key('w', { shift: true }),
    enabled: hasEntities,
    run: (ctx) => void ctx.actions.expandBack(ctx.selection.entities.map((n) => n.id)),
  },
  {
    id: 'add-address',
    label: 'Add address…',
    shortcut: 'A',
    scope: 'canvas',
    matches: key('a'),
    enabled: editable,
    run: (ctx) => ctx.openDialog({ kind: 'addAddress' }),
  },
  {
    id: 'show-hidden',
    label: 'Show hidden nodes',
    shortcut: 'Shift+H',
    scope: 'canvas',
    matches: key('h', { shift: true }),
    enabled: (ctx) => editable(ctx) && (ctx.graph?.nodes.some((n) => n.hidden) ?? false),
    run: (ctx) => void ctx.actions.showHidden(),
  },
  relayoutCommand('relayout-hop', 'Re-lay out by hop', 'R', key('r'), 'hop'),
  relayoutCommand('relayout-time', 'Re-lay out by time', 'Shift+R', key('r', { shift: true }), 'time'),
  {
    // Shift+T, not T: T tags the selection.
    id: 'toggle-tx-nodes',
    label: 'Tx nodes on/off',
    shortcut: 'Shift+T',
    scope: 'canvas',
    matches: key('t', { shift: true }),
    enabled: caseOpen,
    run: (ctx) => ctx.toggleTxNodes(),
  },
  {
    id: 'import',
    label: 'Import…',
    shortcut: 'Ctrl+I',
    scope: 'app',
    matches: key('i', { ctrl: true }),
    enabled: () => true,
    run: (ctx) => ctx.openDialog({ kind: 'import' }),
  },
  {
    id: 'search',
    label: 'Search…',
    shortcut: 'Ctrl+K',
    scope: 'app',
    matches: key('k', { ctrl: true }),
    enabled: () => true,
    run: (ctx) => ctx.openDialog({ kind: 'search' }),
  },
  {
    // No key of its own: Ctrl+Shift+I opens the developer tools in Chromium and Electron.
    id: 'import-labels',
    label: 'Import labels…',
    shortcut: '',
    scope: 'canvas',
    matches: () => false,
    enabled: () => true,
    run: (ctx) => ctx.openDialog({ kind: 'importLabels' }),
  },
  {
    id: 'screen',
    label: 'Screen addresses…',
    shortcut: '',
    scope: 'canvas',
    matches: () => false,
    enabled: () => true,
    run: (ctx) => ctx.openDialog({ kind: 'screen' }),
  },
  {
    id: 'undo',
    label: 'Undo',
    shortcut: 'Ctrl+Z',
    scope: 'app',
    matches: key('z', { ctrl: true }),
    enabled: (ctx) => editable(ctx) && Boolean(ctx.graph?.undo),
    run: (ctx) => void ctx.actions.undo(),
  },
  {
    id: 'redo',
    label: 'Redo',
    shortcut: 'Ctrl+Shift+Z',
    scope: 'app',
    matches: anyOf(key('z', { ctrl: true, shift: true }), key('y', { ctrl: true })),
    enabled: (ctx) => editable(ctx) && Boolean(ctx.graph?.redo),
    run: (ctx) => void ctx.actions.redo(),
  },
  {
    // Read-only cases may be exported too: a received case can be handed on as it came.
    id: 'export-case',
    label: 'Export case…',
    shortcut: 'Ctrl+Shift+E',
    scope: 'app',
    matches: key('e', { ctrl: true, shift: true }),
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'exportCase' }),
  },
  {
    // No key of its own: Ctrl+P is the browser's print, and the report is more than a printout.
    id: 'report',
    label: 'Report…',
    shortcut: '',
    scope: 'app',
    matches: () => false,
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'report' }),
  },
  {
    id: 'export-graph',
    label: 'Export graph…',
    shortcut: '',
    scope: 'app',
    matches: () => false,
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'exportGraph' }),
  },
  {
    id: 'open-bundle',
    label: 'Open bundle…',
    shortcut: 'Ctrl+O',
    scope: 'app',
    matches: key('o', { ctrl: true }),
    enabled: () => true,
    run: (ctx) => ctx.openDialog({ kind: 'openBundle' }),
  },
  {
    // Attribution (issue 16). Read-only cases too: their steps, comparison and attribution can be read.
    id: 'laundering-steps',
    label: 'Laundering steps',
    shortcut: '',
    scope: 'canvas',
    matches: () => false,
    enabled: (ctx) => caseOpen(ctx) && ctx.showLaunderingSteps !== undefined,
    run: (ctx) => ctx.showLaunderingSteps?.(),
  },
  {
    id: 'compare-cases',
    label: 'Compare with other cases…',
    shortcut: '',
    scope: 'canvas',
    matches: () => false,
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'compare' }),
  },
  {
    id: 'attribution',
    label: 'Attribution…',
    shortcut: '',
    scope: 'app',
    matches: () => false,
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'attribution' }),
  },
  {
    id: 'verify-log',
    label: 'Verify log…',
    shortcut: '',
    scope: 'app',
    matches: () => false,
    enabled: caseOpen,
    run: (ctx) => ctx.openDialog({ kind: 'verifyLog' }),
  },
  ...NAVIGATION,
];

export function commandsIn(scope: CommandScope): Command[] {
  return COMMANDS.filter((c) => c.scope === scope);
}
