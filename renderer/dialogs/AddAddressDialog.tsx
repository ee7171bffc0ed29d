import { useId, useMemo, useState } from 'react';
import { SEED_ROLES, type Graph } from '../../shared/api/schemas';
import { canonicalAddress } from '../../shared/codec/address';
import { chainFitsGuess, guessAddressChains, pickGuessedChain } from '../../shared/codec/chainGuess';
import { DEFAULT_EVM_CHAIN } from '../../shared/model/chains';
import { chainName } from '../format/datasetWords';
import { useServices } from '../state/services';
import type { AddressFields } from '../state/useGraphActions';
import { Dialog } from './Dialog';
import { ChainSelect, NoteField, type ChainOption } from './fields';

type Role = AddressFields['role'];

/**
 * The chains a case works on, most nodes first, then the store's chains by transfers: where an
 * address's form fits several chains (any EVM chain), the one already in use is the likely one.
 */
export function chainsInUse(graph: Graph | null, stats: { chains: readonly { chain: string; transfers: number }[] } | null): string[] {
  const nodes = new Map<string, number>();
  for (const n of graph?.nodes ?? []) if (n.kind === 'address') nodes.set(n.chain, (nodes.get(n.chain) ?? 0) + 1);
  const byNodes = [...nodes].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const byTransfers = [...(stats?.chains ?? [])].sort((a, b) => b.transfers - a.transfers).map((c) => c.chain);
  return [...new Set([...byNodes, ...byTransfers])];
}

/**
 * Adds an address as a seed or a plain node. The chain follows the address's form (bc1…,
 * 1…, L…, T…, 0x…) and is asked for only when the form fits several chains: an EVM address
 * takes the EVM chain the case already uses, else Ethereum. An address that does not fit the
 * chain is refused here, next to the field, before anything is sent.
 */
export function AddAddressDialog(props: {
  chains: readonly ChainOption[];
  /** Chains the case (then the store) already uses, most used first: the default where a form fits several. */
  preferChains?: readonly string[];
  onSubmit(fields: AddressFields): Promise<boolean>;
  onClose(): void;
}) {
  const { dismissError } = useServices();
  const addressId = useId();
  const hintId = useId();
  const problemId = useId();
  const roleId = useId();
  const seedId = useId();
  // The investigator's own choice of chain; it stands while it fits the address.
  const [chosen, setChosen] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [asSeed, setAsSeed] = useState(true);
  const [role, setRole] = useState<Role>('victim');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const trimmed = address.trim();
  const preferred = useMemo(() => props.preferChains ?? [], [props.preferChains]);
  const guess = useMemo(() => guessAddressChains(trimmed), [trimmed]);

  const chain = guess
    ? chosen !== null && chainFitsGuess(guess, chosen)
      ? chosen
      : pickGuessedChain(guess, preferred)
    : (chosen ?? preferred[0] ?? DEFAULT_EVM_CHAIN);
  const options = useMemo(() => {
    if (!guess) return props.chains;
    const fitting = props.chains.filter((c) => chainFitsGuess(guess, c.id));
    // An EVM chain the case uses but the registry has no name for is still offered.
    const extra = preferred.filter((id) => chainFitsGuess(guess, id) && !fitting.some((c) => c.id === id)).map((id) => ({ id, name: chainName(id) }));
    return [...fitting, ...extra];
  }, [guess, props.chains, preferred]);

  const hint = (() => {
    if (!trimmed) return null;
    if (!guess) return 'Cairn does not recognise this form of address: choose its chain.';
    if (options.length < 2) return `${guess.form}: the chain is ${chainName(chain)}.`;
    const why = preferred.includes(chain) ? 'the case already uses it' : 'the most common';
    return `${guess.form}: it fits ${options.length} chains. ${chainName(chain)} is taken (${why}); choose another if it is on another chain.`;
  })();

  const submit = async () => {
    try {
      canonicalAddress(chain, trimmed);
    } catch (error) {
      setProblem((error as Error).message);
      return false;
    }
    const done = await props.onSubmit({ chain, address: trimmed, asSeed, role, note });
    // A failed earlier try left its error in the banner; this one went through.
    if (done) dismissError?.();
    return done;
  };

  return (
    <Dialog
      title="Add seed or node"
      submitLabel={asSeed ? 'Add as seed' : 'Add to graph'}
      submitDisabled={trimmed.length === 0}
      onSubmit={submit}
      onCancel={props.onClose}
      onDone={props.onClose}
      testId="add-address-dialog"
    >
      <div className="field">
        <label htmlFor={addressId}>Address</label>
        <input
          id={addressId}
          type="text"
          className="mono"
          value={address}
          maxLength={200}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="bc1… / 1… / 3… / L… / T… / 0x…"
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={[hint ? hintId : null, problem ? problemId : null].filter(Boolean).join(' ') || undefined}
          onChange={(e) => {
            setAddress(e.target.value);
            setProblem(null);
          }}
        />
        {hint && (
          <span id={hintId} className="field-hint" data-testid="address-form">
            {hint}
          </span>
        )}
        {problem && (
          <span id={problemId} className="field-problem" role="alert" data-testid="address-problem">
            {problem}
          </span>
        )}
      </div>
      <ChainSelect
        label="Chain"
        chains={options}
        value={chain}
        onChange={(c) => {
          setChosen(c);
          setProblem(null);
        }}
      />
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
