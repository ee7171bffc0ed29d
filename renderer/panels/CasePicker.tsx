import { useCallback, useId, useRef, useState } from 'react';
import type { CaseSummary } from '../../shared/api/schemas';
import { caseOptionText } from '../state/handover';
import { ContextMenu, type MenuItem } from './ContextMenu';

export function CasePicker(props: {
  cases: readonly CaseSummary[];
  currentId: string | null;
  /** The open case is read-only here: it cannot be renamed. */
  readOnly: boolean;
  onOpen(caseId: string): void;
  onNew(): void;
  onRename(): void;
  onExport(): void;
  onExportTagPack(): void;
  onReport(): void;
  onExportGraph(): void;
  onOpenBundle(): void;
  onVerifyLog(): void;
  /** Attribution (issue 16): the case's laundering steps, its comparison with other cases, the investigator's attribution. */
  onLaunderingSteps(): void;
  onCompare(): void;
  onAttribution(): void;
}) {
  const id = useId();
  const open = props.currentId !== null;
  const menuButton = useRef<HTMLButtonElement>(null);
  const [menuAt, setMenuAt] = useState<{ clientX: number; clientY: number } | null>(null);
  const closeMenu = useCallback(() => setMenuAt(null), []);
  // Hand-over and trust: what a case file is, where it came from, whether its log holds up.
  const items: MenuItem[] = [
    ...(open ? [{ id: 'export', label: 'Export case…', shortcut: 'Ctrl+Shift+E' }] : []),
    ...(open ? [{ id: 'export-tagpack', label: 'Export tags as TagPack…', shortcut: '' }] : []),
    ...(open ? [{ id: 'export-graph', label: 'Export graph…', shortcut: '' }] : []),
    ...(open ? [{ id: 'report', label: 'Report…', shortcut: '' }] : []),
    ...(open ? [{ id: 'laundering-steps', label: 'Laundering steps', shortcut: '' }] : []),
    ...(open ? [{ id: 'compare', label: 'Compare with other cases…', shortcut: '' }] : []),
    ...(open ? [{ id: 'attribution', label: 'Attribution…', shortcut: '' }] : []),
    { id: 'open-bundle', label: 'Open bundle…', shortcut: 'Ctrl+O' },
    ...(open ? [{ id: 'verify-log', label: 'Verify log…', shortcut: '' }] : []),
  ];
  const run = (itemId: string) => {
    setMenuAt(null);
    menuButton.current?.focus();
    if (itemId === 'export') props.onExport();
    else if (itemId === 'export-tagpack') props.onExportTagPack();
    else if (itemId === 'export-graph') props.onExportGraph();
    else if (itemId === 'report') props.onReport();
    else if (itemId === 'open-bundle') props.onOpenBundle();
    else if (itemId === 'verify-log') props.onVerifyLog();
    else if (itemId === 'laundering-steps') props.onLaunderingSteps();
    else if (itemId === 'compare') props.onCompare();
    else if (itemId === 'attribution') props.onAttribution();
  };
  const toggleMenu = () => {
    if (menuAt) return setMenuAt(null);
    const rect = menuButton.current?.getBoundingClientRect();
    if (rect) setMenuAt({ clientX: rect.left, clientY: rect.bottom + 2 });
  };
  return (
    <div className="case-picker" data-testid="case-picker">
      <label htmlFor={id}>Case</label>
      <select
        id={id}
        value={props.currentId ?? ''}
        title={props.cases.find((c) => c.id === props.currentId)?.name}
        onChange={(e) => {
          const chosen = props.cases.find((c) => c.id === e.target.value);
          if (chosen && chosen.origin !== 'broken') props.onOpen(chosen.id);
        }}
      >
        {props.currentId === null && <option value="">(no case open)</option>}
        {props.cases.map((c) => (
          // A broken file is listed, with its reason, so that it is not a mystery; it cannot be chosen.
          <option key={c.id} value={c.id} disabled={c.origin === 'broken'} title={c.problem ?? undefined}>
            {caseOptionText(c)}
          </option>
        ))}
      </select>
      {/* With no case open the welcome pane offers "New case"; one such button at a time. */}
      {open && (
        <button type="button" onClick={props.onNew}>
          New case…
        </button>
      )}
      <button type="button" onClick={props.onRename} disabled={!open || props.readOnly} title={props.readOnly ? 'A read-only case cannot be renamed' : undefined}>
        Rename…
      </button>
      <button
        type="button"
        ref={menuButton}
        aria-haspopup="menu"
        aria-expanded={menuAt !== null}
        onClick={toggleMenu}
        title="Export case (Ctrl+Shift+E), its tags, its graph or a report; its laundering steps, comparison with other cases and attribution; open a bundle from a colleague (Ctrl+O); verify the case's log"
      >
        Case file ▾
      </button>
      {menuAt && (
        <ContextMenu
          clientX={menuAt.clientX}
          clientY={menuAt.clientY}
          items={items}
          label="Case file"
          testId="case-file-menu"
          owner={menuButton.current}
          onRun={run}
          onClose={closeMenu}
        />
      )}
    </div>
  );
}
