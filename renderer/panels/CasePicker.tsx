import { useId } from 'react';
import type { CaseSummary } from '../../shared/api/schemas';

export function CasePicker(props: {
  cases: readonly CaseSummary[];
  currentId: string | null;
  onOpen(caseId: string): void;
  onNew(): void;
  onRename(): void;
}) {
  const id = useId();
  return (
    <div className="case-picker" data-testid="case-picker">
      <label htmlFor={id}>Case</label>
      <select id={id} value={props.currentId ?? ''} onChange={(e) => e.target.value && props.onOpen(e.target.value)}>
        {props.currentId === null && <option value="">(no case open)</option>}
        {props.cases.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {/* With no case open the welcome pane offers "New case"; one such button at a time. */}
      {props.currentId !== null && (
        <button type="button" onClick={props.onNew}>
          New case…
        </button>
      )}
      <button type="button" onClick={props.onRename} disabled={props.currentId === null}>
        Rename…
      </button>
    </div>
  );
}
