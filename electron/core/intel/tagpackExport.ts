/**
 * A case's own tags as a GraphSense TagPack, so GraphSense users and colleagues can take them
 * (and Cairn can import them back as a label set). A tag on an address becomes one TagPack tag;
 * a tag on a cluster becomes one per member address. TagPacks want a named confidence level:
 * the number a tag was given maps to the highest level not above it, and the number itself is
 * kept in the tag's context. Case categories that are GraphSense abuse types (scam, sanction)
 * go to `abuse`; those GraphSense has no concept for (perpetrator, victim, other) are left out
 * of `category` and said in the context.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import jsyaml from 'js-yaml';
import { displayAddress } from '../../../shared/codec/address';
import { resolveChain } from '../../../shared/model/chains';
import type { CaseFile } from '../cases/caseFiles';
import type { TagRow as CaseTagRow } from '../cases/caseGraph';

/** GraphSense confidence levels by value, highest first (one name per value). */
const LEVELS: readonly [string, number][] = [
  ['ownership', 100],
  ['manual_transaction', 90],
  ['service_api', 70],
  ['authority_data', 60],
  ['forensic', 50],
  ['untrusted_transaction', 40],
  ['web_crawl', 20],
  ['heuristic', 10],
  ['unknown', 5],
];

const ABUSE = new Set(['scam', 'sanction']);
const NO_CONCEPT = new Set(['perpetrator', 'victim', 'other']);

/** TagPack currency of a chain, or null when GraphSense has none for it. */
function currencyOf(chain: string): string | null {
  const info = resolveChain(chain);
  if (info.family === 'tron') return 'TRX';
  if (info.family === 'evm') return chain === 'eip155:1' ? 'ETH' : null;
  const byChain: Record<string, string> = {
    'bip122:000000000019d6689c085ae165831e93': 'BTC',
    'bip122:12a765e31ffd4059bada1e25190f6e98': 'LTC',
    'bip122:000000000000000000651ef99cb9fcbe': 'BCH',
    'bip122:00040fe8ec8471911baa1db1266ea15d': 'ZEC',
  };
  return byChain[chain] ?? null;
}

export function confidenceLevel(score: number): string {
  return (LEVELS.find(([, v]) => v <= score) ?? LEVELS[LEVELS.length - 1]!)[0];
}

/** A case tag on one address (a cluster's tag once per member, `via` naming the cluster). */
type TagRow = Pick<CaseTagRow, 'label' | 'category' | 'confidence' | 'source' | 'note' | 'created_at'> & { chain: string; addr: string; via: string | null };

export interface TagPackExport {
  file: string;
  tags: number;
  /** Tags left out, with why (an address on a chain GraphSense has no currency for). */
  left: { address: string; chain: string; label: string; reason: string }[];
  sha256: string;
}

export function exportCaseTagPack(c: CaseFile, investigator: string, path: string, overwrite: boolean): TagPackExport {
  if (!overwrite && existsSync(path)) throw new Error(`${path} exists; choose another file or allow overwriting`);
  const name = (c.db.prepare("SELECT value FROM meta WHERE key = 'name'").pluck().get() as string | undefined) ?? c.id;
  const rows = c.db
    .prepare(
      `SELECT t.label, t.category, t.confidence, t.source, t.note, t.created_at, t.chain, t.addr, NULL AS via FROM tag t WHERE t.cluster_id IS NULL AND t.chain IS NOT NULL
       UNION ALL
       SELECT t.label, t.category, t.confidence, t.source, t.note, t.created_at, m.chain, m.addr, c.name AS via
         FROM tag t JOIN cluster c ON c.id = t.cluster_id JOIN cluster_member m ON m.cluster_id = t.cluster_id
       ORDER BY 7, 8, 1`,
    )
    .all() as TagRow[];
  const tags: Record<string, unknown>[] = [];
  const left: TagPackExport['left'] = [];
  for (const r of rows) {
    const currency = currencyOf(r.chain);
    if (!currency) {
      left.push({ address: r.addr, chain: r.chain, label: r.label, reason: `GraphSense has no currency for ${resolveChain(r.chain).name}` });
      continue;
    }
    const context = [
      `confidence ${r.confidence} in Cairn`,
      r.category && NO_CONCEPT.has(r.category) ? `case category ${r.category}` : null,
      r.via ? `tag of cluster "${r.via}"` : null,
      r.note ? `note: ${r.note}` : null,
    ].filter(Boolean);
    tags.push({
      address: displayAddress(r.chain, r.addr),
      currency,
      label: r.label,
      source: r.source || `Cairn case "${name}"`,
      confidence: confidenceLevel(r.confidence),
      ...(r.category && !ABUSE.has(r.category) && !NO_CONCEPT.has(r.category) ? { category: r.category } : {}),
      ...(r.category && ABUSE.has(r.category) ? { abuse: r.category } : {}),
      context: context.join('; '),
      lastmod: r.created_at.slice(0, 10),
    });
  }
  const pack = {
    title: `Cairn case ${name}`,
    creator: investigator || 'unknown investigator',
    description: `Tags of the case "${name}" (${c.id}), exported by Cairn`,
    is_public: false,
    tags,
  };
  const text = jsyaml.dump(pack, { lineWidth: -1, noRefs: true, quotingType: "'", forceQuotes: false });
  // Written beside and renamed, so a reader never sees half a file.
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
  return { file: path, tags: tags.length, left, sha256: createHash('sha256').update(text).digest('hex') };
}
