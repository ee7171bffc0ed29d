import type { GraphCluster } from '../../shared/api/schemas';
import { categoryLabel } from '../dialogs/fields';
import { formatCount } from '../format/text';
import { ExposureSection } from './IntelSections';
import { TagList } from './TagList';
import { useCaseReadOnly } from '../state/readOnly';

export function ClusterDetails(props: {
  cluster: GraphCluster;
  caseId: string;
  /** The members' node ids, whose exposure is the cluster's. */
  memberIds: readonly string[];
  onEdit(): void;
  onUngroup(): void;
  onTag(): void;
  onRemoveTag(tagId: number): void;
}) {
  const c = props.cluster;
  const readOnly = useCaseReadOnly();
  return (
    <div className="cluster-details">
      <h2>Cluster</h2>
      <dl className="facts">
        <dt>Name</dt>
        {/* At most two lines of a long name, then an ellipsis; the whole name on hover. */}
        <dd className="clamp-lines" title={c.name} data-testid="cluster-name">
          {c.name}
        </dd>
        <dt>Category</dt>
        <dd>{categoryLabel(c.category)}</dd>
        <dt>Colour</dt>
        <dd>
          <span className="swatch" style={{ backgroundColor: c.color }} aria-hidden="true" /> <span className="mono">{c.color}</span>
        </dd>
        <dt>Members</dt>
        <dd className="num">{formatCount(c.members)}</dd>
        {c.note && (
          <>
            <dt>Note</dt>
            <dd className="note">{c.note}</dd>
          </>
        )}
      </dl>
      {!readOnly && (
        <div className="button-row">
          <button type="button" onClick={props.onEdit}>
            Edit…
          </button>
          <button type="button" onClick={props.onUngroup}>
            Ungroup
          </button>
        </div>
      )}
      <TagList tags={c.tags} onRemove={props.onRemoveTag} onAdd={props.onTag} />
      {props.memberIds.length > 0 && <ExposureSection subject={{ caseId: props.caseId, nodeIds: props.memberIds }} title="Exposure of its members" />}
    </div>
  );
}
