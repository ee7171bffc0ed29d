import { useEffect, useId, useState } from 'react';
import type { KeyInfo } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useServices } from '../state/services';
import { Fingerprint } from './bundleParts';
import { ClusteringSettingsSection } from './ClusteringSettings';
import { Dialog } from './Dialog';

/** This workspace's signing key, read-only: what colleagues compare before they trust a bundle from you. */
export function SigningKey() {
  const { client } = useServices();
  const [key, setKey] = useState<KeyInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    // Not through the banner: the name can be saved even if the key cannot be read.
    client['keys.info']({}).then(
      (k) => current && setKey(k),
      (e: unknown) => current && setProblem(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [client]);

  return (
    <div className="signing-key" data-testid="signing-key">
      <div className="signing-key-line">
        <span className="signing-key-label">Your signing key:</span>{' '}
        {key ? <Fingerprint value={key.fingerprint} testId="own-fingerprint" /> : <span className="muted">{problem ? `not available (${problem})` : 'reading…'}</span>}
      </div>
      <p className="small muted">
        Every entry you add to a case's log is signed with it. Colleagues compare this fingerprint with you (phone, in person) before they trust a
        case you send them.
        {key && key.trusted.length > 0 && ` You trust ${formatCount(key.trusted.length)} colleague key${key.trusted.length === 1 ? '' : 's'}.`}
      </p>
    </div>
  );
}

/** Settings (and the first-run welcome): the investigator name written into the audit log, the signing key, and the workspace's change heuristics. */
export function SettingsDialog(props: {
  firstRun: boolean;
  initialName: string;
  onSave(name: string): Promise<boolean>;
  /** The workspace's clusters were rebuilt: the canvas's wallet sizes and labels may have changed. */
  onClustersRebuilt?(): void;
  onClose(): void;
}) {
  const id = useId();
  const [name, setName] = useState(props.initialName);
  const trimmed = name.trim();
  return (
    <Dialog
      title={props.firstRun ? 'Welcome to Cairn' : 'Settings'}
      submitLabel="Save"
      submitDisabled={trimmed.length === 0}
      onSubmit={() => props.onSave(trimmed)}
      onCancel={props.onClose}
      onDone={props.onClose}
      testId="settings-dialog"
    >
      <p className="hint">
        {props.firstRun
          ? 'Your name is written into the audit log with every action, so that a reviewer can see who did what.'
          : 'Recorded in the audit log with every action.'}
      </p>
      <div className="field">
        <label htmlFor={id}>Investigator name</label>
        <input id={id} type="text" value={name} maxLength={200} required autoComplete="off" onChange={(e) => setName(e.target.value)} />
      </div>
      <SigningKey />
      {!props.firstRun && <ClusteringSettingsSection {...(props.onClustersRebuilt ? { onRebuilt: props.onClustersRebuilt } : {})} />}
    </Dialog>
  );
}
