import { useId, useState } from 'react';
import { Dialog } from './Dialog';

export interface TextPromptDialogProps {
  title: string;
  label: string;
  initial?: string;
  submitLabel: string;
  /** Explains why we ask, e.g. on first run. */
  hint?: string;
  maxLength?: number;
  onSubmit(value: string): Promise<boolean>;
  onClose(): void;
}

/** One required text field: new case, rename case, investigator name. */
export function TextPromptDialog(props: TextPromptDialogProps) {
  const id = useId();
  const [value, setValue] = useState(props.initial ?? '');
  const trimmed = value.trim();
  return (
    <Dialog
      title={props.title}
      submitLabel={props.submitLabel}
      submitDisabled={trimmed.length === 0}
      onSubmit={() => props.onSubmit(trimmed)}
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
          maxLength={props.maxLength ?? 120}
          required
          autoComplete="off"
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
    </Dialog>
  );
}
