import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Connection } from './api/client';
import { DialogHost } from './dialogs/DialogHost';
import { EMPTY_SCREEN, type ScreenMemo } from './dialogs/ScreenDialog';
import { GraphCanvas, type CanvasMenuRequest, type CanvasNavigation, type CanvasNodeKind, type GraphCanvasHandle } from './graph/GraphCanvas';
import { ContextMenu } from './panels/ContextMenu';
import { DetailsPanel } from './panels/DetailsPanel';
import { ErrorBanner } from './panels/ErrorBanner';
import { FilterBar } from './panels/FilterBar';
import { ReadOnlyBanner } from './panels/ReadOnlyBanner';
import { StorylineView } from './panels/StorylineView';
import { TraceView, type EndpointOnCanvas } from './panels/TraceView';
import { Sidebar } from './panels/Sidebar';
import { TopBar } from './panels/TopBar';
import { WelcomePane } from './panels/WelcomePane';
import { COMMANDS, commandsIn, type Command, type CommandContext, type CommandScope } from './state/commands';
import type { DialogState } from './state/dialogState';
import { CaseReadOnlyContext } from './state/readOnly';
import { InspectorContext, useInspector } from './state/inspector';
import { LabelSetsContext, useLabelSets } from './state/labelSets';
import { describeSelection } from './state/selection';
import { ServicesContext, type Services } from './state/services';
import { useCaseSession } from './state/useCaseSession';
import { useGraphActions } from './state/useGraphActions';
import { useOperations, type ShownError } from './state/useOperations';
import { useShortcuts } from './state/useShortcuts';
import { pathOnCanvas } from './state/tracePath';
import { useTraces } from './state/useTraces';
import { useTxFlows } from './state/useTxFlows';
import { useWorkspace } from './state/useWorkspace';

/** Keys that still work over the trace view: app-wide ones, and Trace itself; the canvas's own keys wait for the canvas. */
const TRACE_VIEW_KEYS = new Set(['undo', 'redo', 'search', 'import', 'open-bundle', 'export-case', 'trace']);
const keyInTraceView = (c: Command) => TRACE_VIEW_KEYS.has(c.id);

interface MenuState {
  clientX: number;
  clientY: number;
  scope: Extract<CommandScope, 'selection' | 'canvas'>;
}

export function App({ connection }: { connection: Connection }) {
  const ops = useOperations();
  const services = useMemo<Services>(
    () => ({ client: connection.client, subscribe: connection.subscribe, run: ops.run, dismissError: ops.dismissError }),
    [connection, ops.run, ops.dismissError],
  );
  return (
    <ServicesContext.Provider value={services}>
      <Workbench services={services} busy={ops.busy} error={ops.error} onDismissError={ops.dismissError} />
    </ServicesContext.Provider>
  );
}

function Workbench(props: { services: Services; busy: boolean; error: ShownError | null; onDismissError(): void }) {
  const { services } = props;
  const workspace = useWorkspace(services);
  const session = useCaseSession(services);
  const actions = useGraphActions(services.client, session);
  const { graph, readOnly } = session;
  const [selectedIds, setSelectedIds] = useState<string[]>([]);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const canvasRef = useRef<GraphCanvasHandle>(null);
  // A view setting, not part of the case: tx nodes are computed from what is on the canvas.
  const [txNodes, setTxNodes] = useState(false);
  const toggleTxNodes = useCallback(() => setTxNodes((on) => !on), []);
  const txFlows = useTxFlows(services, graph, txNodes);

  const selection = useMemo(() => describeSelection(graph, selectedIds, txFlows), [graph, selectedIds, txFlows]);
  // Where addresses and hashes in the panels lead: the canvas, or the details panel.
  const inspector = useInspector({
    graph,
    selectedIds,
    focus: (ids) => canvasRef.current?.focus(ids),
    addAddress: (chain, address) => actions.addAddress({ chain, address, asSeed: false, role: 'other', note: '' }),
    setShown: (nodeIds) => actions.show(nodeIds),
  });
  const navigate = useCallback((action: CanvasNavigation) => canvasRef.current?.navigate(action), []);
  // Layout: the side panels fold away to give the canvas room (and narrow by themselves, layout.css).
  const [sidebarOpen, setSidebarOpen] = useState(true);
  const [detailsOpen, setDetailsOpen] = useState(true);
  // The trace view lies over the workspace; the canvas stays as it is underneath.
  const [tracesShown, setTracesShownState] = useState(false);
  // The laundering steps (issue 16) lie over the side panel and canvas, the details panel beside them.
  const [stepsShown, setStepsShown] = useState(false);
  // One view over the canvas at a time: showing the trace view leaves the steps, and the other way.
  const setTracesShown = useCallback((next: boolean | ((on: boolean) => boolean)) => {
    setTracesShownState((on) => {
      const value = typeof next === 'function' ? next(on) : next;
      if (value) setStepsShown(false);
      return value;
    });
  }, []);
  const showLaunderingSteps = useCallback(() => {
    setTracesShownState(false);
    setStepsShown(true);
  }, []);
  const traces = useTraces(services, graph, tracesShown && graph !== null, session.refreshGraph);
  // An endpoint to select on the canvas, with its path, once the canvas draws it (after an add or show).
  const [pendingPath, setPendingPath] = useState<EndpointOnCanvas['path'] | null>(null);
  const ctx = useMemo<CommandContext>(
    () => ({ graph, selection, actions, readOnly, openDialog: setDialog, toggleTxNodes, navigate, showLaunderingSteps }),
    [graph, selection, actions, readOnly, toggleTxNodes, navigate, showLaunderingSteps],
  );

  // Commands read the selection at the moment they run, not as of the last render: a key
  // pressed right after a click must act on what was just clicked, never on the previous node.
  const selectedIdsNow = useRef<string[]>([]);
  const latest = useRef({ graph, actions, txFlows, readOnly });
  useLayoutEffect(() => {
    latest.current = { graph, actions, txFlows, readOnly };
  });
  const onSelectionChange = useCallback((ids: string[]) => {
    selectedIdsNow.current = ids;
    setSelectedIds(ids);
  }, []);
  const currentContext = useCallback((): CommandContext => {
    const { graph, actions, txFlows, readOnly } = latest.current;
    return {
      graph,
      actions,
      readOnly,
      selection: describeSelection(graph, selectedIdsNow.current, txFlows),
      openDialog: setDialog,
      toggleTxNodes,
      navigate,
      showLaunderingSteps,
    };
  }, [toggleTxNodes, navigate, showLaunderingSteps]);

  const runCommand = useCallback(
    (id: string) => {
      const now = currentContext();
      const command = COMMANDS.find((c) => c.id === id);
      if (command?.enabled(now)) command.run(now);
    },
    [currentContext],
  );

  // First run: the audit log needs a name to attribute actions to.
  const askedForName = useRef(false);
  useEffect(() => {
    const info = workspace.info;
    if (!info || askedForName.current || info.settings.investigator.trim()) return;
    askedForName.current = true;
    setDialog((d) => d ?? { kind: 'settings', firstRun: true });
  }, [workspace.info]);

  const { refreshStats } = workspace;
  const { refreshGraph } = session;
  // Labels show on the canvas: a new or removed label set redraws the open case.
  const labelSets = useLabelSets(services, refreshGraph);
  const [screenMemo, setScreenMemo] = useState<ScreenMemo>(EMPTY_SCREEN);
  const onImported = useCallback(() => {
    void refreshStats();
    void refreshGraph();
  }, [refreshStats, refreshGraph]);

  useEffect(
    () =>
      services.subscribe((event) => {
        if (event.type === 'store.changed') void refreshStats();
        // Another workspace (the sample, or back): every list, case and graph shown is stale.
        else if (event.type === 'workspace.changed') window.location.reload();
        else if (event.job.state === 'done') onImported();
      }),
    [services, refreshStats, onImported],
  );

  const closeMenu = useCallback(() => setMenu(null), []);
  const openMenu = useCallback((request: CanvasMenuRequest) => {
    setMenu({ clientX: request.clientX, clientY: request.clientY, scope: request.nodeId ? 'selection' : 'canvas' });
  }, []);
  const openMenuFromKeyboard = useCallback(() => {
    const first = selectedIdsNow.current[0];
    const at = first ? canvasRef.current?.clientPositionOf(first) : null;
    if (at) setMenu({ ...at, scope: 'selection' });
    else setMenu({ clientX: window.innerWidth / 2, clientY: window.innerHeight / 2, scope: 'canvas' });
  }, []);

  const menuItems = menu ? commandsIn(menu.scope).filter((c) => c.enabled(ctx)) : [];
  const menuOpen = menu !== null && menuItems.length > 0;
  useEffect(() => {
    if (menu && !menuOpen) setMenu(null);
  }, [menu, menuOpen]);

  useShortcuts(currentContext, dialog === null && !menuOpen, openMenuFromKeyboard, tracesShown || stepsShown ? keyInTraceView : undefined);

  // Escape leaves the trace view for the canvas (a dialog open over it takes its own Escape).
  const dialogOpen = useRef(false);
  dialogOpen.current = dialog !== null;
  useEffect(() => {
    if (!tracesShown && !stepsShown) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || dialogOpen.current) return;
      if (e.target instanceof HTMLElement && e.target.matches('input, textarea, select')) return;
      setTracesShown(false);
      setStepsShown(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tracesShown, stepsShown, setTracesShown]);

  // An endpoint shown on the canvas: once its node is drawn, it and its path are selected and centred.
  useEffect(() => {
    if (!pendingPath || !graph) return;
    const { endpoint, ids } = pathOnCanvas(graph, pendingPath);
    if (!endpoint) return;
    setPendingPath(null);
    inspector.focusOnCanvas(ids);
  }, [pendingPath, graph, inspector]);

  const showOnCanvas = useCallback(
    async ({ endpoint, path }: EndpointOnCanvas) => {
      if (!graph || endpoint.address === null) return;
      const { chain, address } = endpoint;
      setTracesShown(false);
      const node = graph.nodes.find((n) => n.kind === 'address' && n.chain === chain && n.address === address);
      setPendingPath(path);
      const drawn = node?.hidden ? await actions.show([node.id]) : node ? true : await actions.addAddress({ chain, address, asSeed: false, role: 'other', note: '' });
      // Not drawn (the banner says why): nothing is left waiting to be selected later.
      if (!drawn) setPendingPath(null);
    },
    [graph, actions],
  );

  const onNodeDoubleClick = useCallback(
    (nodeId: string, kind: CanvasNodeKind) => {
      // A read-only case is looked at, not traced further: double-click does nothing there.
      if (readOnly) return;
      // An entity node expands to the counterparties of its whole wallet.
      if (kind === 'address' || kind === 'entity') void actions.expand([nodeId], 'both');
      else if (kind === 'cluster') setDialog({ kind: 'editCluster', clusterId: nodeId });
      else if (kind === 'more') {
        const more = graph?.nodes.find((n) => n.id === nodeId);
        if (more?.kind === 'more') void actions.expandMore([more]);
      }
    },
    [actions, graph, readOnly],
  );

  return (
    <CaseReadOnlyContext.Provider value={readOnly}>
      <InspectorContext.Provider value={inspector}>
      <LabelSetsContext.Provider value={labelSets}>
      <div className="app">
        <ErrorBanner error={props.error} onDismiss={props.onDismissError} />
        <TopBar
          info={workspace.info}
          cases={session.cases}
          graph={graph}
          readOnly={readOnly}
          busy={props.busy}
          txNodes={txNodes}
          txFlows={txFlows}
          onToggleTxNodes={toggleTxNodes}
          tracesShown={tracesShown && graph !== null}
          onToggleTraces={() => setTracesShown((on) => !on)}
          onTrace={() => runCommand('trace')}
          onOpenCase={(id) => void session.openCase(id)}
          onNewCase={() => setDialog({ kind: 'newCase' })}
          onRenameCase={() => setDialog({ kind: 'renameCase' })}
          onExportCase={() => setDialog({ kind: 'exportCase' })}
          onExportTagPack={() => setDialog({ kind: 'exportTagPack' })}
          onReport={() => setDialog({ kind: 'report' })}
          onExportGraph={() => setDialog({ kind: 'exportGraph' })}
          onOpenBundle={() => setDialog({ kind: 'openBundle' })}
          onVerifyLog={() => setDialog({ kind: 'verifyLog' })}
          onLaunderingSteps={() => runCommand('laundering-steps')}
          onCompare={() => runCommand('compare-cases')}
          onAttribution={() => runCommand('attribution')}
          onImport={() => setDialog({ kind: 'import' })}
          onSearch={() => setDialog({ kind: 'search' })}
          onScreen={() => setDialog({ kind: 'screen' })}
          onAddAddress={() => setDialog({ kind: 'addAddress' })}
          onUndo={() => void actions.undo()}
          onRedo={() => void actions.redo()}
          onSettings={() => setDialog({ kind: 'settings', firstRun: false })}
        />
        <div className={`workspace${sidebarOpen ? '' : ' sidebar-folded'}${detailsOpen ? '' : ' details-folded'}`}>
          <Sidebar
            graph={graph}
            datasets={workspace.stats?.datasets ?? []}
            onFocus={(id) => canvasRef.current?.focus([id])}
            onEditCluster={(clusterId) => setDialog({ kind: 'editCluster', clusterId })}
            onUngroup={(clusterId) => void actions.ungroup([clusterId])}
            onRemoveSeed={(seed) => void actions.removeSeed(seed.chain, seed.address)}
            onShowAllHidden={() => void actions.showHidden()}
            onImportLabels={() => setDialog({ kind: 'importLabels' })}
          />
          <div className="canvas-column">
            {graph && (
              <ReadOnlyBanner
                summary={session.currentCase}
                onContinue={session.continueCase}
                onMergeEvidence={async () => {
                  const merged = await session.mergeEvidence();
                  if (merged) await workspace.refreshStats();
                  return merged;
                }}
              />
            )}
            {graph && <FilterBar graph={graph} filter={session.filter} onChange={(f) => void session.setFilter(f)} />}
            <main className="canvas-area">
              <button
                type="button"
                className="panel-fold panel-fold-left"
                aria-expanded={sidebarOpen}
                aria-label={sidebarOpen ? 'Hide side panel' : 'Show side panel'}
                title={sidebarOpen ? 'Hide the side panel (seeds, clusters, data)' : 'Show the side panel'}
                onClick={() => setSidebarOpen((open) => !open)}
              >
                {sidebarOpen ? '‹' : '›'}
              </button>
              <button
                type="button"
                className="panel-fold panel-fold-right"
                aria-expanded={detailsOpen}
                aria-label={detailsOpen ? 'Hide details panel' : 'Show details panel'}
                title={detailsOpen ? 'Hide the details panel' : 'Show the details panel'}
                onClick={() => setDetailsOpen((open) => !open)}
              >
                {detailsOpen ? '›' : '‹'}
              </button>
              {graph ? (
                <GraphCanvas
                  ref={canvasRef}
                  graph={graph}
                  txFlows={txFlows}
                  locked={readOnly}
                  onSelectionChange={onSelectionChange}
                  onContextMenu={openMenu}
                  onNodeDoubleClick={onNodeDoubleClick}
                  onNodesMoved={(positions) => void actions.move(positions)}
                />
              ) : (
                <WelcomePane
                  cases={session.cases}
                  sample={workspace.info?.sample ?? false}
                  onNew={() => setDialog({ kind: 'newCase' })}
                  onOpen={(id) => void session.openCase(id)}
                  onOpenBundle={() => setDialog({ kind: 'openBundle' })}
                  onOpenSample={() => void services.run(() => services.client['workspace.openSample']({}))}
                />
              )}
            </main>
          </div>
          {tracesShown && graph && (
            <TraceView
              caseId={graph.caseId}
              traces={traces}
              readOnly={readOnly}
              onNewTrace={() => runCommand('trace')}
              onBack={() => setTracesShown(false)}
              onShowOnCanvas={(e) => void showOnCanvas(e)}
              onCaseChanged={() => void session.refreshGraph()}
              onUndo={() => void actions.undo()}
              onLaunderingSteps={showLaunderingSteps}
            />
          )}
          {stepsShown && graph && (
            <StorylineView
              graph={graph}
              caseName={session.currentCase?.name ?? graph.caseId}
              onBack={() => setStepsShown(false)}
              onSelectOnCanvas={(ids) => {
                setStepsShown(false);
                inspector.focusOnCanvas(ids);
              }}
              onOpenTx={(chain, hash) => {
                setDetailsOpen(true);
                inspector.openTx(chain, hash);
              }}
              onCompare={() => setDialog({ kind: 'compare' })}
              onAttribution={() => setDialog({ kind: 'attribution' })}
            />
          )}
          <DetailsPanel
            graph={graph}
            selection={selection}
            chains={workspace.chains}
            runCommand={runCommand}
            onRemoveTag={(tagId) => void actions.removeTag(tagId)}
            {...(readOnly ? {} : { onOverrideCluster: actions.overrideCluster })}
            factsFromBundle={session.currentCase?.received ? !session.currentCase.received.evidenceMerged : false}
          />
        </div>
        {menu && menuOpen && (
          <ContextMenu
            clientX={menu.clientX}
            clientY={menu.clientY}
            items={menuItems}
            onRun={(id) => {
              closeMenu();
              runCommand(id);
            }}
            onClose={closeMenu}
          />
        )}
        <DialogHost
          dialog={dialog}
          graph={graph}
          session={session}
          actions={actions}
          workspace={workspace}
          onImported={onImported}
          screenMemo={screenMemo}
          onScreenMemo={setScreenMemo}
          onTraced={(traceId) => {
            setTracesShown(true);
            traces.adopt(traceId);
          }}
          canvasView={() => canvasRef.current?.viewport() ?? null}
          onOpen={setDialog}
          onShowCanvas={() => {
            setTracesShown(false);
            setStepsShown(false);
          }}
          onClose={() => setDialog(null)}
        />
      </div>
      </LabelSetsContext.Provider>
      </InspectorContext.Provider>
    </CaseReadOnlyContext.Provider>
  );
}
