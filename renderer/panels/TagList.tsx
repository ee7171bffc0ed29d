import type { Tag } from '../../shared/api/schemas';
import { categoryLabel } from '../dialogs/fields';
import { useCaseReadOnly } from '../state/readOnly';

export function TagList({ tags, onRemove, onAdd }: { tags: readonly Tag[]; onRemove(tagId: number): void; onAdd(): void }) {
  const readOnly = useCaseReadOnly();
  return (
    <section className="detail-section" aria-labelledby="tags-title">
      <div className="section-head">
        <h3 id="tags-title">Tags</h3>
        {!readOnly && (
          <button type="button" className="small" onClick={onAdd}>
            Tag…
          </button>
        )}
      </div>
      {tags.length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        <ul className="tag-list" data-testid="tag-list">
          {tags.map((t) => (
            <li key={t.id} className="tag-item">
              <div className="tag-head">
                <strong className="tag-label ellipsis" title={t.label}>
                  {t.label}
                </strong>
                {t.category && <span className="chip">{categoryLabel(t.category)}</span>}
                <span className="num muted" title="Confidence (0–100)">
                  {t.confidence}
                </span>
                {!readOnly && (
                  <button type="button" className="small" aria-label={`Remove tag ${t.label}`} onClick={() => onRemove(t.id)}>
                    Remove
                  </button>
                )}
              </div>
              {t.source && <div className="small">Source: {t.source}</div>}
              {t.note && <div className="small">{t.note}</div>}
              <div className="small muted">
                {t.createdBy || 'unknown investigator'} · {t.createdAt}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
