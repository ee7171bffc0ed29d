import type { Graph } from '../../shared/api/schemas';
import type { DialogState } from '../state/dialogState';
import type { CaseSession } from '../state/useCaseSession';
import type { GraphActions } from '../state/useGraphActions';
import type { Workspace } from '../state/useWorkspace';
import { AddAddressDialog } from './AddAddressDialog';
import { ClusterDialog } from './ClusterDialog';
import { ImportDialog } from './ImportDialog';
import { TagDialog } from './TagDialog';
import { TextPromptDialog } from './TextPromptDialog';

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
        <TextPromptDialog
          title={dialog.firstRun ? 'Welcome to Cairn' : 'Settings'}
          label="Investigator name"
          hint={
            dialog.firstRun
              ? 'Your name is written into the audit log with every action, so that a reviewer can see who did what.'
              : 'Recorded in the audit log with every action.'
          }
          initial={workspace.info?.settings.investigator ?? ''}
          submitLabel="Save"
          maxLength={200}
          onSubmit={workspace.saveInvestigator}
          onClose={onClose}
        />
      );
    case 'addAddress':
      return <AddAddressDialog chains={workspace.chains} onSubmit={actions.addAddress} onClose={onClose} />;
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
  }
}
