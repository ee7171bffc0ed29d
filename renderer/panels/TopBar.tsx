import type { z } from 'zod';
import type { AppInfo, CaseSummary, Graph, TxFlows } from '../../shared/api/schemas';
import { BusyIndicator } from './BusyIndicator';
import { CasePicker } from './CasePicker';
import { StatusLine } from './StatusLine';

export interface TopBarProps {
  info: z.infer<typeof AppInfo> | null;
  cases: readonly CaseSummary[];
  graph: Graph | null;
  /** The open case is read-only here: edits are not offered. */
  readOnly: boolean;
  busy: boolean;
  /** The "Tx nodes" view: on or off, and what it shows. */
  txNodes: boolean;
  txFlows: TxFlows | null;
  onToggleTxNodes(): void;
  /** The trace view (saved traces, endpoints, links) is shown over the canvas. */
  tracesShown: boolean;
  onToggleTraces(): void;
  /** Opens the trace dialog on the selected addresses, or the victims when none is selected. */
  onTrace(): void;
  onOpenCase(caseId: string): void;
  onNewCase(): void;
  onRenameCase(): void;
  onExportCase(): void;
  onExportTagPack(): void;
  onReport(): void;
  onExportGraph(): void;
  onOpenBundle(): void;
  onVerifyLog(): void;
  onLaunderingSteps(): void;
  onCompare(): void;
  onAttribution(): void;
  onImport(): void;
  onSearch(): void;
  onScreen(): void;
  onAddAddress(): void;
  onUndo(): void;
  onRedo(): void;
  onSettings(): void;
}

export function TopBar(p: TopBarProps) {
  const undo = p.readOnly ? null : (p.graph?.undo ?? null);
  const redo = p.readOnly ? null : (p.graph?.redo ?? null);
  return (
    <header className="top-bar">
      <span className="app-name">Cairn</span>
      <CasePicker
        cases={p.cases}
        currentId={p.graph?.caseId ?? null}
        readOnly={p.readOnly}
        onOpen={p.onOpenCase}
        onNew={p.onNewCase}
        onRename={p.onRenameCase}
        onExport={p.onExportCase}
        onExportTagPack={p.onExportTagPack}
        onReport={p.onReport}
        onExportGraph={p.onExportGraph}
        onOpenBundle={p.onOpenBundle}
        onVerifyLog={p.onVerifyLog}
        onLaunderingSteps={p.onLaunderingSteps}
        onCompare={p.onCompare}
        onAttribution={p.onAttribution}
      />
      <div className="toolbar" role="toolbar" aria-label="Tools">
        <button type="button" onClick={p.onImport} title="Import chain data (Ctrl+I)" aria-keyshortcuts="Control+I">
          Import
        </button>
        <button
          type="button"
          onClick={p.onAddAddress}
          disabled={!p.graph || p.readOnly}
          title={p.readOnly ? 'The case is read-only here' : 'Add an address to the case (A)'}
          aria-keyshortcuts="A"
        >
          Add address
        </button>
        <button type="button" onClick={p.onUndo} disabled={!undo} title={undo ? `Undo: ${undo}` : p.readOnly ? 'The case is read-only here' : 'Nothing to undo'} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button
          type="button"
          onClick={p.onRedo}
          disabled={!redo}
          title={redo ? `Redo: ${redo}` : p.readOnly ? 'The case is read-only here' : 'Nothing to redo'}
          aria-keyshortcuts="Control+Shift+Z Control+Y"
        >
          Redo
        </button>
        <button
          type="button"
          onClick={p.onTrace}
          disabled={!p.graph || p.readOnly}
          title={p.readOnly ? 'The case is read-only here' : 'Trace stolen value from the selected addresses, or from the victims when nothing is selected (Shift+O)'}
          aria-keyshortcuts="Shift+O"
        >
          Trace…
        </button>
        <button type="button" onClick={p.onToggleTraces} disabled={!p.graph} aria-pressed={p.tracesShown} title="Show the case's saved traces, their endpoints and cross-chain links, over the canvas">
          Traces
        </button>
        <button type="button" onClick={p.onSearch} title="Find an address, transaction, label, actor, case or cluster (Ctrl+K)" aria-keyshortcuts="Control+K">
          Search
        </button>
        <button type="button" onClick={p.onScreen} title="Screen a list of addresses against the label sets: sanctioned, exposed, labelled or clear">
          Screen…
        </button>
        <button
          type="button"
          onClick={p.onToggleTxNodes}
          disabled={!p.graph}
          aria-pressed={p.txNodes}
          title="Show each Bitcoin (UTXO) transaction as its own node between its input and output addresses (Shift+T)"
          aria-keyshortcuts="Shift+T"
        >
          Tx nodes
        </button>
        <button type="button" onClick={p.onSettings}>
          Settings
        </button>
      </div>
      <BusyIndicator busy={p.busy} />
      <StatusLine info={p.info} txFlows={p.txNodes ? p.txFlows : null} />
    </header>
  );
}
