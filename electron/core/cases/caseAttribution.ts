import { ApiError } from '../../../shared/api/contract';
import type { Actor, CaseFile } from './caseFiles';
import { hasTable } from './caseTables';

/**
 * The investigator's attribution in a case: for each of the three grounds Elliptic used (the
 * same laundering steps, the same services, funds mixed with earlier heists) and for the overall
 * conclusion, their own words, confidence and the cases they compared with. Written only by the
 * investigator (audited, undoable); Cairn supplies the evidence beside it, never the conclusion.
 */
export const ATTRIBUTION_GROUNDS = ['steps', 'services', 'commingling', 'conclusion'] as const;
export type AttributionGround = (typeof ATTRIBUTION_GROUNDS)[number];

export interface AttributionEntry {
  readonly ground: AttributionGround;
  readonly text: string;
  readonly confidence: number | null;
  readonly cases: readonly string[];
  readonly updatedAt: string;
  readonly updatedBy: string;
}

interface Row {
  id: number;
  ground: AttributionGround;
  text: string;
  confidence: number | null;
  cases: string;
  updated_at: string;
  updated_by: string;
}

function parseCases(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The case's attribution entries in ground order; none in a file from before the table existed. */
export function getAttribution(c: CaseFile): AttributionEntry[] {
  if (!hasTable(c.db, 'attribution')) return [];
  const rows = c.db.prepare('SELECT * FROM attribution').all() as Row[];
  return ATTRIBUTION_GROUNDS.flatMap((g) => {
    const r = rows.find((x) => x.ground === g);
    return r ? [{ ground: g, text: r.text, confidence: r.confidence, cases: parseCases(r.cases), updatedAt: r.updated_at, updatedBy: r.updated_by }] : [];
  });
}

/** Writes (or with empty text and no confidence, removes) the investigator's words on one ground. */
export function setAttribution(c: CaseFile, actor: Actor, ground: AttributionGround, fields: { text: string; confidence: number | null; cases: readonly string[] }): void {
  if (!hasTable(c.db, 'attribution')) throw new ApiError('conflict', `case "${c.id}" is from an older version and read-only here`);
  const existing = c.db.prepare('SELECT id FROM attribution WHERE ground = ?').get(ground) as { id: number } | undefined;
  const text = fields.text.trim();
  const empty = text === '' && fields.confidence === null;
  const cases = JSON.stringify([...new Set(fields.cases)].sort());
  const label = empty ? `Clear the attribution (${ground})` : `Attribution: ${ground}`;
  c.mutate(actor, label, 'attribution.set', () => ({ ground, text, confidence: fields.confidence, cases: JSON.parse(cases) as string[] }), (w) => {
    if (empty) {
      if (existing) w.delete('attribution', existing.id);
      return;
    }
    const values = { text, confidence: fields.confidence, cases, updated_at: actor.now(), updated_by: actor.name };
    if (existing) w.update('attribution', existing.id, values);
    else w.insert('attribution', { ground, ...values });
  });
}
