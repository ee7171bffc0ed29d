import { useEffect, useState } from 'react';
import { CHANGE_RULES, type ChangeRule, type ClusteringSettings, type ClusterRebuild } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useServices } from '../state/services';
import { toShownError } from '../state/useOperations';
import { CheckField } from './fields';

/** What each change rule assumes, in the words the README uses. */
const RULE_WORDS: Record<ChangeRule, string> = {
  'address-reuse': 'Address reuse: an output paying back to an input address is the change (vetoes the other rules)',
  'fresh-address': 'Fresh address: the one output to an address never seen before is the change',
  'script-type': 'Script type: the one output of the inputs’ script type is the change',
  'round-payment': 'Round payment: beside one round payment, the other output is the change',
  'optimal-change': 'Optimal change: the one output smaller than every input is the change',
};

function rebuiltWords(rebuilt: readonly ClusterRebuild[]): string {
  if (rebuilt.length === 0) return 'Saved; no cluster needed rebuilding.';
  const merges = rebuilt.reduce((n, r) => n + r.merges, 0);
  const change = rebuilt.reduce((n, r) => n + (r.change?.merges ?? 0), 0);
  return `Clusters rebuilt on ${formatCount(rebuilt.length)} chain${rebuilt.length === 1 ? '' : 's'}: ${formatCount(merges)} merges, ${formatCount(change)} of them by change rules.`;
}

/**
 * The workspace's change heuristics: off by default, because each one guesses which output is the
 * change and a wrong guess joins a payee to the payer. Applying rebuilds the Bitcoin-family
 * clusters at once; switching a rule off removes exactly the merges it made.
 */
export function ClusteringSettingsSection(props: { onRebuilt?(): void }) {
  const { client, run } = useServices();
  const [saved, setSaved] = useState<ClusteringSettings | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<ChangeRule>>(new Set());
  const [outcome, setOutcome] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    client['clusters.settings']({}).then(
      (s) => {
        if (!current) return;
        setSaved(s);
        setChosen(new Set(s.change));
      },
      (e: unknown) => current && setOutcome(toShownError(e).message),
    );
    return () => {
      current = false;
    };
  }, [client]);

  const changed = saved !== null && (chosen.size !== saved.change.length || saved.change.some((r) => !chosen.has(r)));
  const apply = async (): Promise<void> => {
    const change = CHANGE_RULES.filter((r) => chosen.has(r));
    await run(async () => {
      try {
        const r = await client['clusters.configure']({ change });
        setSaved(r.settings);
        setOutcome(rebuiltWords(r.rebuilt));
        if (r.rebuilt.length > 0) props.onRebuilt?.();
      } catch (e) {
        setOutcome(toShownError(e).message);
      }
    });
  };

  return (
    <fieldset className="clustering-settings" data-testid="clustering-settings">
      <legend>Automatic clusters: change heuristics (this workspace)</legend>
      <p className="small muted">
        Off by default. Multi-input clustering and exchange deposit addresses are always on; each change rule adds merges that name it as their
        evidence.
      </p>
      {CHANGE_RULES.map((rule) => (
        <CheckField
          key={rule}
          label={RULE_WORDS[rule]}
          checked={chosen.has(rule)}
          disabled={saved === null}
          testId={`change-rule-${rule}`}
          onChange={(on) => setChosen((s) => (on ? new Set([...s, rule]) : new Set([...s].filter((r) => r !== rule))))}
        />
      ))}
      <div className="clustering-settings-actions">
        <button type="button" disabled={!changed} onClick={() => void apply()} data-testid="apply-clustering">
          Apply and rebuild clusters
        </button>
        {outcome && <span className="small" role="status">{outcome}</span>}
      </div>
    </fieldset>
  );
}
