/**
 * Attribution…: the investigator's attribution of the case, on the three grounds analysts cite
 * (the same series of laundering steps, the same services, funds mixed with the proceeds of other
 * cases) and the conclusion. Beside each, the evidence Cairn found (case.signature and
 * case.compare) in short lines; the words, the confidence and the cases referred to are the
 * investigator's, saved one ground at a time (attribution.set: audited, undoable with the case's
 * Undo). Cairn never writes any of it.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { AttributionEntry, Comparison } from '../../shared/api/attributionSchemas';
import type { CaseSummary } from '../../shared/api/schemas';
import { formatIsoDate } from '../format/text';
import { draftChanged, draftClears, draftOf, parseConfidence, referTo, unrefer, type GroundDraft } from '../state/attributionDraft';
import { GROUNDS, groundEvidence, type EvidenceLine, type Ground, type GroundInfo } from '../state/attributionEvidence';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { useQuietQuery, type QueryState } from '../state/useQuietQuery';
import { toShownError } from '../state/useOperations';
import { Dialog } from './Dialog';

type Drafts = Record<Ground, GroundDraft>;

function draftsOf(entries: readonly AttributionEntry[]): Drafts {
  const of = (g: Ground) => draftOf(entries.find((e) => e.ground === g));
  return { steps: of('steps'), services: of('services'), commingling: of('commingling'), conclusion: of('conclusion') };
}

function Evidence(props: { lines: readonly EvidenceLine[]; loading: boolean; failed: string | null; names: ReadonlyMap<string, string>; canRefer: boolean; referred: readonly string[]; onRefer(caseIds: readonly string[]): void }) {
  return (
    <div className="attr-evidence" data-testid="attribution-evidence">
      <span className="attr-evidence-head">What Cairn found</span>
      {props.lines.length > 0 && (
        <ul className="plain-list">
          {props.lines.map((l, i) => {
            const unreferred = l.cases.filter((c) => !props.referred.includes(c));
            return (
              <li key={i} data-testid="attribution-evidence-line">
                {l.text}
                {props.canRefer && unreferred.length > 0 && (
                  <>
                    {' '}
                    <button type="button" className="link small" onClick={() => props.onRefer(unreferred)} title="Add the case(s) this line is about to the cases referred to">
                      refer to {unreferred.map((c) => `“${props.names.get(c) ?? c}”`).join(', ')}
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {props.loading && <p className="muted small">Reading the evidence (the case’s steps and its comparison with the other cases)…</p>}
      {props.failed && <p className="muted small">Some evidence could not be read: {props.failed}</p>}
    </div>
  );
}

function CaseChips(props: { cases: readonly string[]; names: ReadonlyMap<string, string>; choices: readonly CaseSummary[]; disabled: boolean; label: string; onAdd(caseId: string): void; onRemove(caseId: string): void }) {
  const id = useId();
  const offered = props.choices.filter((c) => !props.cases.includes(c.id));
  return (
    <div className="attr-cases">
      <span className="attr-field-label" id={id}>
        Cases referred to
      </span>
      <span className="attr-chips" aria-labelledby={id} data-testid="attribution-cases">
        {props.cases.length === 0 && <span className="muted small">none</span>}
        {props.cases.map((c) => (
          <span key={c} className="chip attr-chip" data-testid="attribution-case" data-case={c}>
            {props.names.get(c) ?? c}
            {!props.disabled && (
              <button type="button" className="chip-remove" aria-label={`Stop referring to ${props.names.get(c) ?? c}`} onClick={() => props.onRemove(c)}>
                ×
              </button>
            )}
          </span>
        ))}
      </span>
      {!props.disabled && offered.length > 0 && (
        <select
          aria-label={`Refer to a case (${props.label})`}
          value=""
          onChange={(e) => {
            if (e.target.value) props.onAdd(e.target.value);
          }}
        >
          <option value="">Refer to a case…</option>
          {offered.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

function GroundEditor(props: {
  info: GroundInfo;
  draft: GroundDraft;
  entry: AttributionEntry | undefined;
  evidence: readonly EvidenceLine[];
  evidenceLoading: boolean;
  evidenceFailed: string | null;
  names: ReadonlyMap<string, string>;
  choices: readonly CaseSummary[];
  readOnly: boolean;
  saving: boolean;
  onChange(draft: GroundDraft): void;
  onSave(): void;
}) {
  const { info, draft, entry } = props;
  const textId = useId();
  const confidenceId = useId();
  const confidence = parseConfidence(draft.confidence);
  const changed = draftChanged(draft, entry);
  const clears = draftClears(draft);
  const conclusion = info.ground === 'conclusion';
  return (
    <fieldset className={`attr-ground${conclusion ? ' attr-conclusion' : ''}`} data-testid="attribution-ground" data-ground={info.ground}>
      <legend>{info.title}</legend>
      <p className="muted small attr-claim">{info.claim}</p>
      <Evidence
        lines={props.evidence}
        loading={props.evidenceLoading}
        failed={props.evidenceFailed}
        names={props.names}
        canRefer={!props.readOnly}
        referred={draft.cases}
        onRefer={(ids) => props.onChange(ids.reduce(referTo, draft))}
      />
      <div className="field">
        <label htmlFor={textId}>{conclusion ? 'Your conclusion' : 'Your words'}</label>
        <textarea
          id={textId}
          rows={conclusion ? 4 : 3}
          value={draft.text}
          maxLength={20000}
          readOnly={props.readOnly}
          placeholder={props.readOnly ? '' : conclusion ? 'Who, in your judgement, is behind this case, and why (the tool never fills this in)' : 'What you make of this evidence, in your own words'}
          onChange={(e) => props.onChange({ ...draft, text: e.target.value })}
        />
      </div>
      <div className="attr-row">
        <div className="field attr-confidence">
          <label htmlFor={confidenceId}>Confidence (0–100)</label>
          <input
            id={confidenceId}
            type="number"
            min={0}
            max={100}
            step={1}
            value={draft.confidence}
            placeholder="not stated"
            disabled={props.readOnly}
            aria-invalid={confidence === 'invalid'}
            onChange={(e) => props.onChange({ ...draft, confidence: e.target.value })}
          />
        </div>
        <CaseChips
          cases={draft.cases}
          names={props.names}
          choices={props.choices}
          disabled={props.readOnly}
          label={info.title}
          onAdd={(c) => props.onChange(referTo(draft, c))}
          onRemove={(c) => props.onChange(unrefer(draft, c))}
        />
      </div>
      <div className="attr-foot">
        <span className="muted small" data-testid="attribution-status">
          {confidence === 'invalid'
            ? 'Confidence: a whole number from 0 to 100, or empty for not stated.'
            : changed
              ? clears && entry
                ? 'Unsaved: saving with no words and no confidence clears this ground.'
                : 'Unsaved changes.'
              : entry
                ? `Saved ${formatIsoDate(entry.updatedAt)} by ${entry.updatedBy}${entry.confidence === null ? ', confidence not stated' : `, confidence ${entry.confidence}`}.`
                : 'Not written yet.'}
        </span>
        <span className="spacer" />
        {!props.readOnly && (
          <button type="button" className="primary" disabled={!changed || confidence === 'invalid' || props.saving || (clears && !entry)} onClick={props.onSave}>
            {clears && entry ? 'Clear' : 'Save'}
          </button>
        )}
      </div>
    </fieldset>
  );
}

export function AttributionDialog(props: {
  caseId: string;
  caseName: string;
  cases: readonly CaseSummary[];
  readOnly: boolean;
  /** A case to refer to (from "Use in attribution…"), on the grounds where Cairn found evidence; not saved until Save. */
  refer?: { caseId: string; grounds: readonly Ground[] };
  /** The comparison already read (from the comparison dialog); read again otherwise. */
  comparison?: Comparison;
  /** A ground was saved: the case changed (Undo now offers it). */
  onSaved(): void;
  onUndo(): Promise<boolean>;
  onCompare(): void;
  onClose(): void;
}) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const names = useMemo(() => new Map(props.cases.map((c) => [c.id, c.name])), [props.cases]);
  const choices = useMemo(() => props.cases.filter((c) => c.id !== props.caseId && c.origin !== 'broken'), [props.cases, props.caseId]);
  const [entries, setEntries] = useState<QueryState<AttributionEntry[]>>({ state: 'loading' });
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [saving, setSaving] = useState<Ground | null>(null);
  const [lastSaved, setLastSaved] = useState<{ ground: Ground; cleared: boolean } | null>(null);
  const signature = useQuietQuery(props.caseId, () => client['case.signature']({ caseId: props.caseId }));
  const compared = useQuietQuery(props.comparison ? null : props.caseId, () => client['case.compare']({ caseId: props.caseId }));
  const comparison = props.comparison ?? (compared.state === 'done' ? compared.value : null);

  const load = useCallback(async (): Promise<AttributionEntry[] | null> => {
    try {
      const value = await client['attribution.get']({ caseId: props.caseId });
      setEntries({ state: 'done', value });
      return value;
    } catch (e) {
      setEntries({ state: 'failed', message: toShownError(e).message });
      return null;
    }
  }, [client, props.caseId]);

  // First read: the drafts start from what is saved, with the referred case added where it has evidence.
  const { refer } = props;
  useEffect(() => {
    void load().then((value) => {
      if (!value) return;
      const start = draftsOf(value);
      if (refer && !props.readOnly) for (const g of refer.grounds) start[g] = referTo(start[g], refer.caseId);
      setDrafts(start);
    });
    // Once per dialog: later reads (after a save or an undo) reset only the ground concerned.
  }, []);

  const saved = entries.state === 'done' ? entries.value : [];
  const entryOf = (g: Ground) => saved.find((e) => e.ground === g);

  const save = async (g: Ground) => {
    if (!drafts) return;
    const d = drafts[g];
    const confidence = parseConfidence(d.confidence);
    if (confidence === 'invalid') return;
    setSaving(g);
    try {
      const out = await call(() => client['attribution.set']({ caseId: props.caseId, ground: g, text: d.text.trim(), confidence, cases: [...d.cases] }));
      if (!out.ok) return;
      setEntries({ state: 'done', value: out.value });
      setDrafts((all) => (all ? { ...all, [g]: draftOf(out.value.find((e) => e.ground === g)) } : all));
      setLastSaved({ ground: g, cleared: !out.value.some((e) => e.ground === g) });
      props.onSaved();
    } finally {
      setSaving(null);
    }
  };

  const undo = async () => {
    const last = lastSaved;
    if (!last) return;
    setLastSaved(null);
    if (!(await props.onUndo())) return;
    const value = await load();
    if (value) setDrafts((all) => (all ? { ...all, [last.ground]: draftOf(value.find((e) => e.ground === last.ground)) } : all));
  };

  const evidenceLoading = signature.state === 'loading' || (!props.comparison && compared.state === 'loading');
  const evidenceFailed = [signature.state === 'failed' ? signature.message : null, compared.state === 'failed' ? compared.message : null].filter(Boolean).join('; ') || null;
  const sig = signature.state === 'done' ? signature.value : null;
  const unsaved = drafts ? GROUNDS.filter((g) => draftChanged(drafts[g.ground], entryOf(g.ground))).length : 0;

  return (
    <Dialog
      title="Attribution"
      className="attribution-dialog"
      testId="attribution-dialog"
      submitLabel=""
      hideSubmit
      cancelLabel={unsaved > 0 ? `Close without saving ${unsaved} ground${unsaved === 1 ? '' : 's'}` : 'Close'}
      onSubmit={() => false}
      onCancel={props.onClose}
      onDone={props.onClose}
      footer={
        <button type="button" onClick={props.onCompare}>
          Compare with other cases…
        </button>
      }
    >
      <p className="note-box attr-never" data-testid="attribution-never">
        <strong>Cairn never writes an attribution.</strong> Under each ground it lists the evidence it found in “{props.caseName}” and the other cases; the words, the
        confidence and the conclusion are yours, saved under your name in the case’s log (Undo takes a save back).
      </p>
      {props.readOnly && <p className="warn-note">This case is read-only here (received, not continued): its attribution can be read, not changed.</p>}
      {entries.state === 'failed' && (
        <div className="inline-error" role="alert">
          The attribution could not be read: {entries.message}
        </div>
      )}
      {error && (
        <div className="inline-error" role="alert" data-testid="attribution-error">
          {error.message}
        </div>
      )}
      {lastSaved && (
        <p className="note-box small" role="status" data-testid="attribution-saved">
          {lastSaved.cleared ? 'Cleared' : 'Saved'} “{GROUNDS.find((g) => g.ground === lastSaved.ground)?.title}”.{' '}
          <button type="button" className="link" onClick={() => void undo()}>
            Undo
          </button>
        </p>
      )}
      {entries.state === 'loading' && <p className="muted">Reading the attribution…</p>}
      {drafts &&
        GROUNDS.map((info) => (
          <GroundEditor
            key={info.ground}
            info={info}
            draft={drafts[info.ground]}
            entry={entryOf(info.ground)}
            evidence={groundEvidence(info.ground, props.caseId, sig, comparison)}
            evidenceLoading={evidenceLoading}
            evidenceFailed={evidenceFailed}
            names={names}
            choices={choices}
            readOnly={props.readOnly}
            saving={saving === info.ground}
            onChange={(d) => setDrafts((all) => (all ? { ...all, [info.ground]: d } : all))}
            onSave={() => void save(info.ground)}
          />
        ))}
    </Dialog>
  );
}
