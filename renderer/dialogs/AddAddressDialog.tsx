import { useId, useState } from 'react';
import { SEED_ROLES } from '../../shared/api/schemas';
import { DEFAULT_EVM_CHAIN } from '../../shared/model/chains';
import type { AddressFields } from '../state/useGraphActions';
import { Dialog } from './Dialog';
import { ChainSelect, NoteField, TextField, type ChainOption } from './fields';

type Role = AddressFields['role'];

export function AddAddressDialog(props: {
  chains: readonly ChainOption[];
  onSubmit(fields: AddressFields): Promise<boolean>;
  onClose(): void;
}) {
  const roleId = useId();
  const seedId = useId();
  const [chain, setChain] = useState(DEFAULT_EVM_CHAIN);
  const [address, setAddress] = useState('');
  const [asSeed, setAsSeed] = useState(true);
  const [role, setRole] = useState<Role>('victim');
  const [note, setNote] = useState('');
  const trimmed = address.trim();

  return (
    <Dialog
      title="Add seed or node"
      submitLabel={asSeed ? 'Add as seed' : 'Add to graph'}
      submitDisabled={trimmed.length === 0}
      onSubmit={() => props.onSubmit({ chain, address: trimmed, asSeed, role, note })}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      <TextField label="Address" value={address} onChange={setAddress} maxLength={200} required mono placeholder="0x… / T… / bc1…" />
      <ChainSelect label="Chain" chains={props.chains} value={chain} onChange={setChain} />
      <div className="field field-inline">
        <input id={seedId} type="checkbox" checked={asSeed} onChange={(e) => setAsSeed(e.target.checked)} />
        <label htmlFor={seedId}>Add as seed (a starting point of the case)</label>
      </div>
      <div className="field">
        <label htmlFor={roleId}>Role</label>
        <select
          id={roleId}
          value={role}
          disabled={!asSeed}
          onChange={(e) => setRole(SEED_ROLES.find((r) => r === e.target.value) ?? 'other')}
        >
          {SEED_ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <NoteField value={note} onChange={setNote} maxLength={2000} disabled={!asSeed} />
    </Dialog>
  );
}
