import type { GraphCluster } from '../../shared/api/schemas';
import { categoryLabel } from '../dialogs/fields';
import { formatCount } from '../format/text';
import { useCaseReadOnly } from '../state/readOnly';

export function ClusterList(props: {
  clusters: readonly GraphCluster[];
  onFocus(clusterId: string): void;
  onEdit(clusterId: string): void;
  onUngroup(clusterId: string): void;
}) {
  const readOnly = useCaseReadOnly();
  return (
    <section className="side-section" aria-labelledby="clusters-title">
      <h2 id="clusters-title">Clusters</h2>
      <ul className="side-list" data-testid="cluster-list">
        {props.clusters.length === 0 && <li className="muted empty">No clusters. Select addresses and press G.</li>}
        {props.clusters.map((c) => (
          <li key={c.id} className="cluster-item" data-cluster-id={c.id}>
            <span className="swatch" style={{ backgroundColor: c.color }} aria-hidden="true" />
            {/* A long name is cut with an ellipsis; the whole name (and the note) is its hover text. */}
            <button type="button" className="link cluster-name ellipsis" title={c.note ? `${c.name}\n${c.note}` : c.name} onClick={() => props.onFocus(c.id)}>
              {c.name}
            </button>
            <span className="muted small nowrap">{categoryLabel(c.category)}</span>
            <span className="num small" title={`${c.members} member addresses`}>
              {formatCount(c.members)}
            </span>
            {!readOnly && (
              <span className="row-actions">
                <button type="button" className="small" onClick={() => props.onEdit(c.id)} aria-label={`Edit cluster ${c.name}`} title="Rename or edit">
                  Edit…
                </button>
                <button type="button" className="small" onClick={() => props.onUngroup(c.id)} aria-label={`Ungroup cluster ${c.name}`}>
                  Ungroup
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
