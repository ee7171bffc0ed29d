import { useId, type Ref } from 'react';
import { CATEGORIES } from '../../shared/api/schemas';
import type { Category } from '../state/useGraphActions';

export interface ChainOption {
  id: string;
  name: string;
}

export function categoryLabel(category: string): string {
  return category.replace(/_/g, ' ');
}

export function ChainSelect(props: {
  label: string;
  chains: readonly ChainOption[];
  value: string;
  onChange(value: string): void;
  /** Offer an empty choice with this text, e.g. "Detect from files". */
  emptyChoice?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.emptyChoice !== undefined && <option value="">{props.emptyChoice}</option>}
        {props.chains.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.id})
          </option>
        ))}
      </select>
    </div>
  );
}

export function CategorySelect(props: {
  value: Category | null;
  onChange(value: Category | null): void;
  /** Allow "none" (tags may have no category; clusters must have one). */
  optional?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Category</label>
      <select
        id={id}
        value={props.value ?? ''}
        onChange={(e) => {
          const v = CATEGORIES.find((c) => c === e.target.value);
          props.onChange(v ?? null);
        }}
      >
        {props.optional && <option value="">(none)</option>}
        {CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {categoryLabel(c)}
          </option>
        ))}
      </select>
    </div>
  );
}

export const PRESET_COLOURS = ['#d94f4f', '#e08a2c', '#c9a227', '#3f9d5a', '#2f6fd1', '#7b4fd9'] as const;

export function ColourField(props: { value: string; onChange(value: string): void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Colour</label>
      <div className="colour-row">
        <input id={id} type="color" value={props.value} onChange={(e) => props.onChange(e.target.value)} />
        {PRESET_COLOURS.map((c) => (
          <button
            key={c}
            type="button"
            className={c === props.value.toLowerCase() ? 'swatch-button chosen' : 'swatch-button'}
            style={{ backgroundColor: c }}
            aria-label={`Colour ${c}`}
            aria-pressed={c === props.value.toLowerCase()}
            title={c}
            onClick={() => props.onChange(c)}
          />
        ))}
      </div>
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  maxLength?: number;
  required?: boolean;
  mono?: boolean;
  placeholder?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        className={props.mono ? 'mono' : undefined}
        value={props.value}
        maxLength={props.maxLength}
        required={props.required}
        placeholder={props.placeholder}
        disabled={props.disabled}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** Paths of files or folders to read, one a line (the import dialogs). */
export function PathsField(props: { value: string; onChange(value: string): void; rows: number; placeholder: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Files or folders</label>
      <textarea id={id} className="mono" rows={props.rows} value={props.value} spellCheck={false} placeholder={props.placeholder} onChange={(e) => props.onChange(e.target.value)} />
    </div>
  );
}

export function NoteField(props: { label?: string; value: string; onChange(value: string): void; maxLength?: number; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label ?? 'Note'}</label>
      <textarea
        id={id}
        rows={3}
        value={props.value}
        maxLength={props.maxLength ?? 10000}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** A passphrase: never shown, never offered to autofill; `problem` marks it invalid and says why. */
export function PassphraseField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  problem?: string | null;
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
  testId?: string;
}) {
  const id = useId();
  const problemId = useId();
  const hintId = useId();
  const describedBy = [props.hint ? hintId : null, props.problem ? problemId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        ref={props.inputRef}
        type="password"
        value={props.value}
        maxLength={1024}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={describedBy}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      )}
      {props.problem && (
        <span id={problemId} className="field-problem">
          {props.problem}
        </span>
      )}
    </div>
  );
}

/** A checkbox with its label to the right. */
export function CheckField(props: { label: string; checked: boolean; onChange(checked: boolean): void; disabled?: boolean; testId?: string }) {
  const id = useId();
  return (
    <div className="field field-inline">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}
