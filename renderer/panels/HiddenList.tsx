import { useMemo, useState } from 'react';
import type { Graph, GraphNode } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useInspectorContext } from '../state/inspector';
import { useCaseReadOnly } from '../state/readOnly';
import { matchesQuery } from '../state/listFilter';
import { ListFilter, SideSection } from './SideSection';

function describe(node: GraphNode, graph: Graph): { text: string; search: string; title: string } {
  if (node.kind === 'address') {
    const tag = node.tags[0]?.label;
    return {
      text: tag ? `${node.display} · ${tag}` : node.display,
      search: `${node.display} ${node.address} ${node.role ?? ''} ${node.tags.map((t) => t.label).join(' ')}`,
      title: `${node.display}\n${node.chain}${node.role ? `\n${node.role} seed` : ''}`,
    };
  }
  if (node.kind === 'entity') return { text: node.anchorDisplay, search: `${node.anchorDisplay} ${node.cluster}`, title: node.anchorDisplay };
  const parent = graph.nodes.find((n) => n.id === node.parentId);
  const of = parent?.kind === 'address' ? parent.short : parent?.kind === 'entity' ? `wallet ${parent.cluster}` : node.parentId;
  return { text: `+${formatCount(node.remaining)} more of ${of}`, search: `more ${of}`, title: `${formatCount(node.remaining)} more counterparties of ${of}` };
}

/**
 * Hidden nodes, listed so each can be brought back on its own (Shift+H shows them all). Listed
 * only while there are some: an empty section would only take room from the others.
 */
export function HiddenList({ graph, onShowAll }: { graph: Graph | null; onShowAll(): void }) {
  const inspector = useInspectorContext();
  const readOnly = useCaseReadOnly();
  const [query, setQuery] = useState('');
  const hidden = useMemo(() => (graph ? graph.nodes.filter((n) => n.hidden).map((n) => ({ node: n, ...describe(n, graph) })) : []), [graph]);
  const shown = useMemo(() => (query.trim() ? hidden.filter((h) => matchesQuery(h.search, query)) : hidden), [hidden, query]);
  if (hidden.length === 0) return null;
  return (
    <SideSection
      title="Hidden"
      count={hidden.length}
      long={shown.length > 4}
      testId="hidden-section"
      actions={
        !readOnly && (
          <button type="button" className="small" onClick={onShowAll} title="Show every hidden node (Shift+H)">
            Show all
          </button>
        )
      }
    >
      {hidden.length > 8 && (
        <div className="side-filter-row">
          <ListFilter label="Filter hidden nodes" placeholder="Filter by address, role or tag" value={query} onChange={setQuery} />
          {query.trim() && (
            <span className="num muted small">
              {formatCount(shown.length)} of {formatCount(hidden.length)}
            </span>
          )}
        </div>
      )}
      <ul className="side-list side-scroll" data-testid="hidden-list">
        {shown.length === 0 && <li className="muted empty">No hidden node matches “{query.trim()}”.</li>}
        {shown.map(({ node, text, title }) => (
          <li key={node.id} className="hidden-row" data-node-id={node.id}>
            {node.kind === 'address' ? (
              <button type="button" className="link mono ellipsis hidden-name" title={`${title}\n(open its details)`} onClick={() => inspector.openAddress(node.chain, node.address)}>
                {text}
              </button>
            ) : (
              <span className="muted ellipsis hidden-name" title={title}>
                {text}
              </span>
            )}
            {!readOnly && (
              <button type="button" className="small" aria-label={`Show ${text} on the canvas`} onClick={() => void inspector.showNodes([node.id])}>
                Show
              </button>
            )}
          </li>
        ))}
      </ul>
    </SideSection>
  );
}
