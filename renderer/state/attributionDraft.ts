/**
 * The attribution editor's unsaved words for one ground: text, confidence as typed, and the
 * cases referred to. Kept apart from the saved entry so the editor can say what is unsaved and
 * what Save will do (write, or clear the ground). Pure.
 */
import type { AttributionEntry } from '../../shared/api/attributionSchemas';

export interface GroundDraft {
  readonly text: string;
  /** As typed: "" is "not stated". */
  readonly confidence: string;
  readonly cases: readonly string[];
}

export const EMPTY_DRAFT: GroundDraft = { text: '', confidence: '', cases: [] };

export function draftOf(entry: AttributionEntry | undefined): GroundDraft {
  if (!entry) return EMPTY_DRAFT;
  return { text: entry.text, confidence: entry.confidence === null ? '' : String(entry.confidence), cases: [...entry.cases] };
}

/** A confidence as typed: null when not stated, a whole number 0–100, or 'invalid'. */
export function parseConfidence(text: string): number | null | 'invalid' {
  const t = text.trim();
  if (t === '') return null;
  if (!/^\d{1,3}$/.test(t)) return 'invalid';
  const n = Number(t);
  return n <= 100 ? n : 'invalid';
}

const sameCases = (a: readonly string[], b: readonly string[]) => [...new Set(a)].sort().join(' ') === [...new Set(b)].sort().join(' ');

/** Whether the draft says something the saved entry does not (what Save would write). */
export function draftChanged(draft: GroundDraft, entry: AttributionEntry | undefined): boolean {
  const saved = draftOf(entry);
  return draft.text.trim() !== saved.text.trim() || parseConfidence(draft.confidence) !== parseConfidence(saved.confidence) || !sameCases(draft.cases, saved.cases);
}

/** Saving this draft removes the ground's entry: no words and no confidence (the cases alone are not kept). */
export function draftClears(draft: GroundDraft): boolean {
  return draft.text.trim() === '' && parseConfidence(draft.confidence) === null;
}

/** The draft with a case referred to (once). */
export function referTo(draft: GroundDraft, caseId: string): GroundDraft {
  return draft.cases.includes(caseId) ? draft : { ...draft, cases: [...draft.cases, caseId] };
}

export function unrefer(draft: GroundDraft, caseId: string): GroundDraft {
  return { ...draft, cases: draft.cases.filter((c) => c !== caseId) };
}
