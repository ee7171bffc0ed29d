import { useState } from 'react';
import type { GraphCluster } from '../../shared/api/schemas';
import type { Category, ClusterFields } from '../state/useGraphActions';
import { Dialog } from './Dialog';
import { CategorySelect, ColourField, NoteField, PRESET_COLOURS, TextField } from './fields';

/** Creates a cluster from the selection, or edits an existing one when `cluster` is given. */
export function ClusterDialog(props: {
  cluster?: GraphCluster;
  memberCount: number;
  onSubmit(fields: ClusterFields): Promise<boolean>;
  onClose(): void;
}) {
  const c = props.cluster;
  const [name, setName] = useState(c?.name ?? '');
  const [category, setCategory] = useState<Category>(c?.category ?? 'other');
  const [color, setColor] = useState<string>(c?.color ?? PRESET_COLOURS[4]);
  const [note, setNote] = useState(c?.note ?? '');
  const trimmed = name.trim();

  return (
    <Dialog
      title={c ? `Edit cluster “${c.name}”` : `Group ${props.memberCount} address${props.memberCount === 1 ? '' : 'es'} as cluster`}
      submitLabel={c ? 'Save' : 'Group'}
      submitDisabled={trimmed.length === 0}
      onSubmit={() => props.onSubmit({ name: trimmed, category, color: color.toLowerCase(), note })}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      <TextField label="Name" value={name} onChange={setName} maxLength={200} required />
      <CategorySelect value={category} onChange={(v) => setCategory(v ?? 'other')} />
      <ColourField value={color} onChange={setColor} />
      <NoteField value={note} onChange={setNote} />
    </Dialog>
  );
}
