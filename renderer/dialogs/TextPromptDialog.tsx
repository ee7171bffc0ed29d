import { useId, useState } from 'react';
import { useServices } from '../state/services';
import { Dialog } from './Dialog';

export interface TextPromptDialogProps {
  title: string;
  label: string;
  initial?: string;
  submitLabel: string;
  /** Explains why we ask, e.g. on first run. */
  hint?: string;
  /** The most characters the value may have (the API's limit); 120 unless given. */
  maxLength?: number;
  onSubmit(value: string): Promise<boolean>;
  onClose(): void;
}

/**
 * One required text field: new case, rename case. The limit is stated and counted as you type;
 * a longer value (typed or pasted) is shown whole and refused with the reason, never cut.
 */
export function TextPromptDialog(props: TextPromptDialogProps) {
  const { dismissError } = useServices();
  const id = useId();
  const countId = useId();
  const [value, setValue] = useState(props.initial ?? '');
  const max = props.maxLength ?? 120;
  const trimmed = value.trim();
  const over = trimmed.length - max;
  return (
    <Dialog
      title={props.title}
      submitLabel={props.submitLabel}
      submitDisabled={trimmed.length === 0 || over > 0}
      onSubmit={async () => {
        const done = await props.onSubmit(trimmed);
        if (done) dismissError?.();
        return done;
      }}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      {props.hint && <p className="hint">{props.hint}</p>}
      <div className="field">
        <label htmlFor={id}>{props.label}</label>
        <input
          id={id}
          type="text"
          value={value}
          required
          autoComplete="off"
          aria-invalid={over > 0 ? 'true' : undefined}
          aria-describedby={countId}
          onChange={(e) => setValue(e.target.value)}
        />
        <span id={countId} className={over > 0 ? 'field-problem' : 'field-hint'} data-testid="text-limit" aria-live="polite">
          {over > 0
            ? `${trimmed.length} characters: ${over} too many. Up to ${max} are allowed; shorten it to go on.`
            : `${trimmed.length} of at most ${max} characters`}
        </span>
      </div>
    </Dialog>
  );
}
