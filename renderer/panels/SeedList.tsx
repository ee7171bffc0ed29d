import type { Graph } from '../../shared/api/schemas';

export function SeedList({ graph, onFocus }: { graph: Graph | null; onFocus(nodeId: string): void }) {
  const seeds = graph?.seeds ?? [];
  return (
    <section className="side-section" aria-labelledby="seeds-title">
      <h2 id="seeds-title">Seeds</h2>
      <ul className="side-list" data-testid="seed-list">
        {seeds.length === 0 && <li className="muted empty">{graph ? 'No seeds yet. Add address (A).' : 'No case open.'}</li>}
        {seeds.map((s) => (
          <li key={`${s.chain}:${s.address}`}>
            <button
              type="button"
              className="seed-item"
              disabled={s.nodeId === null}
              title={`${s.display}\n${s.chain}${s.note ? `\n${s.note}` : ''}${s.nodeId === null ? '\n(not on the canvas)' : ''}`}
              onClick={() => s.nodeId && onFocus(s.nodeId)}
            >
              <span className={`role-badge role-${s.role}`}>{s.role}</span>
              <span className="mono ellipsis">{s.display}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
