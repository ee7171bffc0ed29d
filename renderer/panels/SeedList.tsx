import { useEffect, useMemo, useRef, useState } from 'react';
import type { Graph } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useInspectorContext } from '../state/inspector';
import { useCaseReadOnly } from '../state/readOnly';
import { matchesQuery } from '../state/listFilter';
import { ListFilter, SideSection } from './SideSection';

type Seed = Graph['seeds'][number];

function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'));
}

/**
 * The case's seeds: each leads to its node (selected on the canvas) or, when it has none or
 * it is hidden, to its details with "Add to canvas". Filtered by address, role or note ("/"
 * focuses the filter); removed one by one, an undoable step.
 */
export function SeedList({ graph, onRemove }: { graph: Graph | null; onRemove(seed: Seed): void }) {
  const seeds = graph?.seeds ?? [];
  const inspector = useInspectorContext();
  const readOnly = useCaseReadOnly();
  const [query, setQuery] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  const hidden = useMemo(() => new Set(graph?.nodes.filter((n) => n.hidden).map((n) => n.id) ?? []), [graph]);
  const shown = useMemo(() => (query.trim() ? seeds.filter((s) => matchesQuery(`${s.display} ${s.address} ${s.role} ${s.note}`, query)) : seeds), [seeds, query]);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTextEntry(e.target) || !filterRef.current) return;
      if (document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      filterRef.current.focus();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const where = (s: Seed) => (s.nodeId === null ? 'not on the canvas' : hidden.has(s.nodeId) ? 'hidden on the canvas' : null);
  return (
    <SideSection title="Seeds" count={graph ? seeds.length : null} long={shown.length > 4} testId="seed-section">
      {seeds.length > 8 && (
        <div className="side-filter-row">
          <ListFilter label="Filter seeds" placeholder="Filter by address, role or note (/)" value={query} onChange={setQuery} inputRef={filterRef} />
          {query.trim() && (
            <span className="num muted small" data-testid="seed-filter-count">
              {formatCount(shown.length)} of {formatCount(seeds.length)}
            </span>
          )}
        </div>
      )}
      <ul className="side-list side-scroll" data-testid="seed-list">
        {seeds.length === 0 && <li className="muted empty">{graph ? 'No seeds yet. Add address (A).' : 'No case open.'}</li>}
        {seeds.length > 0 && shown.length === 0 && <li className="muted empty">No seed matches “{query.trim()}”.</li>}
        {shown.map((s) => {
          const off = where(s);
          return (
            <li key={`${s.chain}:${s.address}`} className={`seed-row${off ? ' off-canvas' : ''}`}>
              <button
                type="button"
                className="seed-item"
                title={`${s.display}\n${s.chain}${s.note ? `\n${s.note}` : ''}${off ? `\n(${off}: open its details)` : ''}`}
                onClick={() => inspector.openAddress(s.chain, s.address)}
              >
                <span className={`role-badge role-${s.role}`}>{s.role}</span>
                <span className="mono ellipsis">{s.display}</span>
              </button>
              {!readOnly && (
                // No text inside: the list's text stays the seeds themselves, as a colleague's read-only copy shows them.
                <button
                  type="button"
                  className="icon-button remove-seed"
                  aria-label={`Remove seed ${s.display}`}
                  title={`Take ${s.display} off the seed list (its node stays; Ctrl+Z undoes it)`}
                  onClick={() => onRemove(s)}
                />
              )}
            </li>
          );
        })}
      </ul>
    </SideSection>
  );
}
