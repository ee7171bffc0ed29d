import { useEffect, useId, useRef, useState } from 'react';
import type { SearchHit } from '../../shared/api/schemas';
import { chainName } from '../format/datasetWords';
import { hitKey, hitKindWords, hitTarget, moveActive, type HitTarget } from '../state/searchHits';
import { useServices } from '../state/services';
import { toShownError } from '../state/useOperations';
import { Dialog } from './Dialog';

/** Typing pauses this long before the search runs: each key press does not need its own answer. */
const DEBOUNCE_MS = 150;

type Found = { text: string; hits: SearchHit[] } | null;

/**
 * One box for anything (Ctrl+K): an address on any chain in any form, a transaction hash, a
 * label or actor name, a case or a cluster. Hits come as the investigator types, each saying
 * what it is and where it lives; arrow keys move through them, Enter or a click opens one.
 * `onChoose` answers null when it went there, or why it could not (no case open, say).
 */
export function SearchDialog(props: { onChoose(target: HitTarget): Promise<string | null> | string | null; onClose(): void }) {
  const { client } = useServices();
  const inputId = useId();
  const listId = useId();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found>(null);
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const seq = useRef(0);
  /** Enter pressed before the answer came: open its first hit when it comes. */
  const enterPending = useRef(false);
  const hits = found?.hits ?? [];
  const latest = useRef({ choose: (_hit: SearchHit | undefined): Promise<boolean> => Promise.resolve(false), onClose: props.onClose });

  useEffect(() => {
    const query = text.trim();
    const mine = ++seq.current;
    enterPending.current = false;
    if (!query) {
      setFound(null);
      setSearching(false);
      return;
    }
    setSearching(true);
    const timer = setTimeout(() => {
      client['search.query']({ text: query, limit: 30 })
        .then((r) => {
          if (mine !== seq.current) return;
          setFound({ text: query, hits: r.hits });
          setActive(r.hits.length > 0 ? 0 : -1);
          setProblem(null);
          if (enterPending.current) {
            enterPending.current = false;
            void latest.current.choose(r.hits[0]).then((done) => done && latest.current.onClose());
          }
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          enterPending.current = false;
          setFound({ text: query, hits: [] });
          setProblem(toShownError(e).message);
        })
        .finally(() => mine === seq.current && setSearching(false));
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, client]);

  // The active hit stays in view as the arrow keys move through a long list.
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = async (hit: SearchHit | undefined): Promise<boolean> => {
    if (!hit) return false;
    const target = hitTarget(hit);
    if (!target) {
      setProblem(`“${hit.label}” names no address, transaction, case or cluster to open.`);
      return false;
    }
    const why = await props.onChoose(target);
    setProblem(why);
    return why === null;
  };

  latest.current = { choose, onClose: props.onClose };
  const optionId = (i: number) => `${listId}-hit-${i}`;

  return (
    <Dialog
      title="Search"
      wide
      testId="search-dialog"
      submitLabel="Open"
      submitDisabled={!searching && (hits.length === 0 || active < 0)}
      onSubmit={() => {
        // Typed and Enter at once: the hits shown are of what was typed before.
        if (searching) {
          enterPending.current = true;
          return false;
        }
        return choose(hits[active]);
      }}
      onCancel={props.onClose}
      onDone={props.onClose}
    >
      <div className="field">
        <label htmlFor={inputId}>Address, transaction, label, actor, case or cluster</label>
        <input
          id={inputId}
          type="search"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active >= 0 && hits[active] ? optionId(active) : undefined}
          className="search-input"
          value={text}
          maxLength={300}
          autoComplete="off"
          spellCheck={false}
          placeholder="0x…, bc1…, T…, a tx hash, “Huobi”, a case name"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => moveActive(a, e.key === 'ArrowDown' ? 1 : -1, hits.length));
            }
          }}
          data-testid="search-input"
        />
      </div>
      <div className="search-status muted small" aria-live="polite" data-testid="search-status">
        {searching
          ? 'Searching…'
          : found
            ? found.hits.length === 0
              ? `Nothing found for “${found.text}”.`
              : `${found.hits.length} hit${found.hits.length === 1 ? '' : 's'} for “${found.text}” (↑ ↓ to move, Enter to open)`
            : 'Type to search the store, the label sets and the cases.'}
      </div>
      <ul className="search-hits" role="listbox" id={listId} ref={listRef} aria-label="Search results" data-testid="search-hits">
        {hits.map((hit, i) => (
          <li
            key={hitKey(hit, i)}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'search-hit active' : 'search-hit'}
            data-kind={hit.kind}
            data-id={hit.id}
            onMouseMove={() => setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => void choose(hit).then((done) => done && props.onClose())}
          >
            <span className={`chip hit-kind hit-kind-${hit.kind}`}>{hitKindWords(hit.kind)}</span>
            <span className="hit-text">
              <span className={hit.kind === 'address' || hit.kind === 'tx' ? 'hit-label mono' : 'hit-label'}>{hit.label}</span>
              <span className="hit-detail muted small">
                {hit.detail}
                {hit.chain && !hit.detail.includes(chainName(hit.chain)) ? ` · ${chainName(hit.chain)}` : ''}
              </span>
            </span>
          </li>
        ))}
      </ul>
      {problem && (
        <div className="inline-error" role="alert" data-testid="search-problem">
          {problem}
        </div>
      )}
    </Dialog>
  );
}
