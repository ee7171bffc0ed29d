import { useId, useState } from 'react';
import type { Category, TagFields } from '../state/useGraphActions';
import { Dialog } from './Dialog';
import { CategorySelect, NoteField, TextField } from './fields';

/** Confidence presets after the GraphSense TagPack convention. */
const CONFIDENCE_PRESETS = [
  { name: 'ownership', value: 100 },
  { name: 'authority_data', value: 60 },
  { name: 'forensic', value: 50 },
  { name: 'heuristic', value: 10 },
] as const;

export function TagDialog(props: { subject: string; onSubmit(fields: TagFields): Promise<boolean>; onClose(): void }) {
  const confidenceId = useId();
  const [label, setLabel] = useState('');
  const [category, setCategory] = useState<Category | null>(null);
  const [confidence, setConfidence] = useState('50');
  const [source, setSource] = useState('');
  const [note, setNote] = useState('');
  const parsedConfidence = /^\d{1,3}$/.test(confidence) ? Number(confidence) : NaN;
  const confidenceOk = Number.isInteger(parsedConfidence) && parsedConfidence >= 0 && parsedConfidence <= 100;
  const trimmed = label.trim();

  return (
    <Dialog
      title={`Tag ${props.subject}`}
      submitLabel="Add tag"
      submitDisabled={trimmed.length === 0 || !confidenceOk}
      onSubmit={() => props.onSubmit({ label: trimmed, category, confidence: parsedConfidence, source, note })}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      <TextField label="Label" value={label} onChange={setLabel} maxLength={200} required placeholder="e.g. Lazarus Group" />
      <CategorySelect value={category} onChange={setCategory} optional />
      <div className="field">
        <label htmlFor={confidenceId}>Confidence (0–100)</label>
        <div className="confidence-row">
          <input
            id={confidenceId}
            type="number"
            min={0}
            max={100}
            step={1}
            value={confidence}
            aria-invalid={!confidenceOk}
            onChange={(e) => setConfidence(e.target.value)}
          />
          {CONFIDENCE_PRESETS.map((p) => (
            <button key={p.name} type="button" className="small" onClick={() => setConfidence(String(p.value))}>
              {p.name} {p.value}
            </button>
          ))}
        </div>
      </div>
      <TextField label="Source" value={source} onChange={setSource} maxLength={2000} placeholder="report, URL or file the judgement rests on" />
      <NoteField value={note} onChange={setNote} />
    </Dialog>
  );
}
