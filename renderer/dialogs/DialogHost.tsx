import type { Graph } from '../../shared/api/schemas';
import type { DialogState } from '../state/dialogState';
import type { CaseSession } from '../state/useCaseSession';
import type { GraphActions } from '../state/useGraphActions';
import type { Workspace } from '../state/useWorkspace';
import { AddAddressDialog, chainsInUse } from './AddAddressDialog';
import { ClusterDialog } from './ClusterDialog';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import { OpenBundleDialog } from './OpenBundleDialog';
import { SettingsDialog } from './SettingsDialog';
import { TagDialog } from './TagDialog';
import { TextPromptDialog } from './TextPromptDialog';
import { VerifyLogDialog } from './VerifyLogDialog';

export interface DialogHostProps {
  dialog: DialogState | null;
  graph: Graph | null;
  session: CaseSession;
  actions: GraphActions;
  workspace: Workspace;
  onImported(): void;
  onClose(): void;
}

/** Renders the one open dialog and wires it to the action it performs. */
export function DialogHost({ dialog, graph, session, actions, workspace, onImported, onClose }: DialogHostProps) {
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
    case 'openBundle':
      return <OpenBundleDialog onOpened={session.openReceived} onClose={onClose} />;
    case 'verifyLog':
      if (!graph) return null;
      return <VerifyLogDialog caseId={graph.caseId} caseName={session.currentCase?.name ?? graph.caseId} onClose={onClose} />;
  }
}
