import type { Graph } from '../../shared/api/schemas';
import { formatUnixUtc } from '../format/text';
import type { CanvasViewport } from '../state/exportPaths';
import { assetsOf, describeFilter, isActive } from '../state/flowFilter';
import type { DialogState } from '../state/dialogState';
import { useInspectorContext } from '../state/inspector';
import { useLabelSetsContext } from '../state/labelSets';
import type { HitTarget } from '../state/searchHits';
import type { CaseSession } from '../state/useCaseSession';
import type { GraphActions } from '../state/useGraphActions';
import type { Workspace } from '../state/useWorkspace';
import { AddAddressDialog, chainsInUse } from './AddAddressDialog';
import { AttributionDialog } from './AttributionDialog';
import { CompareDialog } from './CompareDialog';
import { ClusterDialog } from './ClusterDialog';
import { ExportDialog } from './ExportDialog';
import { TagPackExportDialog } from './TagPackExportDialog';
import { GraphExportDialog } from './GraphExportDialog';
import { ReportDialog } from './ReportDialog';
import { ImportDialog } from './ImportDialog';
import { LabelImportDialog } from './LabelImportDialog';
import { OpenBundleDialog } from './OpenBundleDialog';
import { ScreenDialog, type ScreenMemo } from './ScreenDialog';
import { SearchDialog } from './SearchDialog';
import { SettingsDialog } from './SettingsDialog';
import { TagDialog } from './TagDialog';
import { TextPromptDialog } from './TextPromptDialog';
import { TraceDialog } from './TraceDialog';
import { VerifyLogDialog } from './VerifyLogDialog';

export interface DialogHostProps {
  dialog: DialogState | null;
  graph: Graph | null;
  session: CaseSession;
  actions: GraphActions;
  workspace: Workspace;
  onImported(): void;
  /** The screening dialog's last list and table, kept while the app runs. */
  screenMemo: ScreenMemo;
  onScreenMemo(memo: ScreenMemo): void;
  /** A trace run from the trace dialog finished and was saved (its id): the trace view opens it. */
  onTraced(traceId: number | null): void;
  /** What the canvas shows now (model coordinates), for "Export graph…" of the canvas as shown; null without a canvas. */
  canvasView(): CanvasViewport | null;
  /** Opens another dialog in this one's place (the comparison's "Use in attribution…"). */
  onOpen(dialog: DialogState): void;
  /** Leaves any view over the canvas (trace view, laundering steps), so what was just drawn is seen. */
  onShowCanvas(): void;
  onClose(): void;
}

/** Renders the one open dialog and wires it to the action it performs. */
export function DialogHost({ dialog, graph, session, actions, workspace, onImported, screenMemo, onScreenMemo, onTraced, canvasView, onOpen, onShowCanvas, onClose }: DialogHostProps) {
  const inspector = useInspectorContext();
  const labelSets = useLabelSetsContext();

  /** Goes where a search hit leads; answers why not when it cannot. */
  const goTo = async (target: HitTarget): Promise<string | null> => {
    switch (target.kind) {
      case 'address':
      case 'tx':
        // The details panel shows leads of the open case (its facts, its canvas).
        if (!graph) return 'Open a case first: the address or transaction opens in its details panel.';
        if (target.kind === 'address') inspector.openAddress(target.chain, target.address);
        else inspector.openTx(target.chain, target.hash);
        return null;
      case 'case':
        if (graph?.caseId === target.caseId) return null;
        return (await session.openCase(target.caseId)) ? null : 'The case could not be opened (see the message above).';
      case 'cluster':
        inspector.focusWhenDrawn(target.caseId, target.clusterId);
        if (graph?.caseId === target.caseId) return null;
        return (await session.openCase(target.caseId)) ? null : 'The case could not be opened (see the message above).';
    }
  };

  if (!dialog) return null;
  switch (dialog.kind) {
    case 'newCase':
      return <TextPromptDialog title="New case" label="Case name" submitLabel="Create" onSubmit={session.createCase} onClose={onClose} />;
    case 'renameCase':
      return (
        <TextPromptDialog
          title="Rename case"
          label="Case name"
          initial={session.currentCase?.name ?? ''}
          submitLabel="Rename"
          onSubmit={session.renameCase}
          onClose={onClose}
        />
      );
    case 'settings':
      return (
        <SettingsDialog
          firstRun={dialog.firstRun}
          initialName={workspace.info?.settings.investigator ?? ''}
          onSave={workspace.saveInvestigator}
          onClustersRebuilt={() => void session.refreshGraph()}
          onClose={onClose}
        />
      );
    case 'addAddress':
      return (
        <AddAddressDialog
          chains={workspace.chains}
          preferChains={chainsInUse(graph, workspace.stats)}
          onSubmit={actions.addAddress}
          onClose={onClose}
        />
      );
    case 'group':
      return <ClusterDialog memberCount={dialog.nodeIds.length} onSubmit={(f) => actions.group(dialog.nodeIds, f)} onClose={onClose} />;
    case 'editCluster': {
      const cluster = graph?.clusters.find((c) => c.id === dialog.clusterId);
      if (!cluster) return null;
      return (
        <ClusterDialog
          cluster={cluster}
          memberCount={cluster.members}
          onSubmit={(f) => actions.updateCluster(cluster.id, f)}
          onClose={onClose}
        />
      );
    }
    case 'tag':
      return <TagDialog subject={dialog.subject} onSubmit={(f) => actions.addTag(dialog.targets, f)} onClose={onClose} />;
    case 'import':
      return <ImportDialog chains={workspace.chains} onFinished={onImported} onClose={onClose} />;
    case 'exportCase':
      if (!graph) return null;
      return <ExportDialog caseId={graph.caseId} caseSummary={session.currentCase} workspace={workspace.info?.workspace ?? ''} onClose={onClose} />;
    case 'exportTagPack':
      if (!graph) return null;
      return <TagPackExportDialog caseId={graph.caseId} caseName={session.currentCase?.name ?? graph.caseId} workspace={workspace.info?.workspace ?? ''} onClose={onClose} />;
    case 'report':
      if (!graph) return null;
      return <ReportDialog caseId={graph.caseId} caseName={session.currentCase?.name ?? graph.caseId} workspace={workspace.info?.workspace ?? ''} onClose={onClose} />;
    case 'exportGraph': {
      if (!graph) return null;
      const filter = isActive(session.filter) ? session.filter : null;
      return (
        <GraphExportDialog
          caseId={graph.caseId}
          caseName={session.currentCase?.name ?? graph.caseId}
          workspace={workspace.info?.workspace ?? ''}
          filter={filter}
          filterText={filter ? describeFilter(filter, assetsOf(graph), formatUnixUtc) : null}
          canvasView={canvasView}
          onClose={onClose}
        />
      );
    }
    case 'openBundle':
      return <OpenBundleDialog onOpened={session.openReceived} onClose={onClose} />;
    case 'importLabels':
      return <LabelImportDialog onImported={() => void labelSets.refresh()} onClose={onClose} />;
    case 'search':
      return <SearchDialog onChoose={goTo} onClose={onClose} />;
    case 'screen':
      return (
        <ScreenDialog
          memo={screenMemo}
          onMemo={onScreenMemo}
          chains={workspace.chains}
          onOpenAddress={
            graph
              ? (chain, address) => {
                  onClose();
                  inspector.openAddress(chain, address);
                }
              : undefined
          }
          onClose={onClose}
        />
      );
    case 'trace':
      if (!graph) return null;
      return (
        <TraceDialog
          caseId={graph.caseId}
          sources={dialog.sources}
          sourcesFrom={dialog.from}
          onFinished={(traceId) => {
            onClose();
            onTraced(traceId);
          }}
          onClose={onClose}
        />
      );
    case 'verifyLog':
      if (!graph) return null;
      return <VerifyLogDialog caseId={graph.caseId} caseName={session.currentCase?.name ?? graph.caseId} onClose={onClose} />;
    case 'compare': {
      if (!graph) return null;
      const caseId = graph.caseId;
      return (
        <CompareDialog
          caseId={caseId}
          caseName={session.currentCase?.name ?? caseId}
          cases={session.cases}
          readOnly={session.readOnly}
          onMeetingAdded={({ graph: drawn, nodeId }) => {
            // Selected once the canvas draws it (now, if it was on the canvas already), so the details panel shows it.
            inspector.focusWhenDrawn(caseId, nodeId);
            onClose();
            onShowCanvas();
            void session.mutate(async () => drawn);
          }}
          onOpenTx={(chain, hash) => {
            onClose();
            inspector.openTx(chain, hash);
          }}
          onUseInAttribution={(refer, comparison) => onOpen({ kind: 'attribution', refer, comparison })}
          onClose={onClose}
        />
      );
    }
    case 'attribution':
      if (!graph) return null;
      return (
        <AttributionDialog
          caseId={graph.caseId}
          caseName={session.currentCase?.name ?? graph.caseId}
          cases={session.cases}
          readOnly={session.readOnly}
          {...(dialog.refer ? { refer: dialog.refer } : {})}
          {...(dialog.comparison ? { comparison: dialog.comparison } : {})}
          onSaved={() => void session.refreshGraph()}
          onUndo={() => actions.undo()}
          onCompare={() => onOpen({ kind: 'compare' })}
          onClose={onClose}
        />
      );
  }
}
