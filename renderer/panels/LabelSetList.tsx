import { useState } from 'react';
import type { LabelSet } from '../../shared/api/schemas';
import { formatCount, formatIsoDate, shortMiddle } from '../format/text';
import { useLabelSetsContext } from '../state/labelSets';
import { SideSection } from './SideSection';

const KIND_WORDS: Record<LabelSet['kind'], string> = {
  tagpack: 'TagPack',
  actorpack: 'ActorPack',
  ofac: 'OFAC list',
  csv: 'CSV list',
  'case-tags': 'case tags',
};

export function labelSetKindWords(kind: LabelSet['kind']): string {
  return KIND_WORDS[kind] ?? kind;
}

/** Hover text of a set: what the file says about itself, and its fingerprint. */
function describeSet(s: LabelSet): string {
  return [
    s.title,
    s.description,
    s.creator && `by ${s.creator}`,
    s.sourceUrl && `source: ${s.sourceUrl}`,
    s.license && `licence: ${s.license}`,
    `file: ${s.file.name}`,
    `SHA-256 ${s.file.sha256}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The label sets imported into the workspace, newest first: title and kind, how many labels on
 * how many addresses, who made it and when, the file with its SHA-256, and Remove, which asks
 * first (a removed set comes back only by importing its file again).
 */
export function LabelSetList(props: { onImport(): void }) {
  const { sets, remove } = useLabelSetsContext();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  const list = sets ?? [];
  return (
    <SideSection
      title="Label sets"
      count={sets ? list.length : null}
      long={list.length > 3}
      testId="label-set-section"
      actions={
        <button type="button" className="small" onClick={props.onImport} aria-label="Label sets: import labels…" title="Import TagPacks, OFAC lists or CSV label lists">
          Import labels…
        </button>
      }
    >
      <ul className="side-list side-scroll label-sets" data-testid="label-set-list">
        {list.length === 0 && <li className="muted empty">No labels yet. Import TagPacks, OFAC lists or CSV lists.</li>}
        {[...list].reverse().map((s) => (
          <li key={s.id} className="label-set-item" data-testid="label-set-item">
            <div className="label-set-head">
              <strong className="ellipsis" title={describeSet(s)}>
                {s.title}
              </strong>
              <span className="chip">{labelSetKindWords(s.kind)}</span>
            </div>
            <div className="small" data-testid="label-set-counts">
              {formatCount(s.labels)} label{s.labels === 1 ? '' : 's'} · {formatCount(s.addresses)} address{s.addresses === 1 ? '' : 'es'}
            </div>
            <div className="small muted">
              {s.creator ? `${s.creator} · ` : ''}
              {s.lastmod ? `changed ${s.lastmod} · ` : ''}imported {formatIsoDate(s.importedAt)}
            </div>
            <div className="label-set-file small">
              <span className="ellipsis" title={`${s.file.name}\nSHA-256 ${s.file.sha256}`}>
                {s.file.name}
              </span>
              <span className="mono muted" title={`SHA-256 ${s.file.sha256}`}>
                {shortMiddle(s.file.sha256, 8, 4)}
              </span>
            </div>
            {confirming === s.id ? (
              <div className="label-set-confirm small" role="group" aria-label={`Remove ${s.title}?`}>
                <span>
                  Remove its {formatCount(s.labels)} label{s.labels === 1 ? '' : 's'}? Importing the file again brings them back.
                </span>
                <span className="row-actions">
                  <button
                    type="button"
                    className="small danger"
                    disabled={removing === s.id}
                    onClick={() => {
                      setRemoving(s.id);
                      void remove(s.id).finally(() => {
                        setRemoving(null);
                        setConfirming(null);
                      });
                    }}
                  >
                    Remove set
                  </button>
                  <button type="button" className="small" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </span>
              </div>
            ) : (
              <span className="row-actions">
                <button type="button" className="small" aria-label={`Remove label set ${s.title}`} onClick={() => setConfirming(s.id)}>
                  Remove…
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </SideSection>
  );
}
