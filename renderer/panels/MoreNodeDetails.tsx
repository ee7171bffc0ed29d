import type { Graph, MoreNode } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { entityName } from '../graph/toElements';
import { useCaseReadOnly } from '../state/readOnly';

const DIRECTION_TEXT = { in: 'senders to', out: 'recipients from', both: 'counterparties of' } as const;

export function MoreNodeDetails({ node, graph, onExpand }: { node: MoreNode; graph: Graph; onExpand(): void }) {
  const owner = graph.nodes.find((n) => n.id === node.parentId);
  const ownerText = owner?.kind === 'address' ? owner.display : owner?.kind === 'entity' ? `the wallet ${entityName(owner)} (all ${formatCount(owner.size)} addresses)` : node.parentId;
  const readOnly = useCaseReadOnly();
  return (
    <div className="more-details">
      <h2>More counterparties</h2>
      <p>
        <strong className="num">{formatCount(node.remaining)}</strong> more {DIRECTION_TEXT[node.direction]}{' '}
        <span className="mono" title={ownerText}>
          {ownerText}
        </span>{' '}
        are not on the canvas.
      </p>
      {!readOnly && (
        <button type="button" onClick={onExpand}>
          Load next page
        </button>
      )}
    </div>
  );
}
