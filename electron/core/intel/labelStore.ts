/**
 * Label sets in the workspace store: each imported label file is one set, kept with its
 * provenance (file name, SHA-256, size, title, creator, source, licence, last-modified date,
 * when it was imported). Labels never mix with chain facts: they live in their own tables,
 * point at (chain, address) as text, and removing a set removes exactly its labels.
 *
 * Importing the same content again adds nothing and names the set that holds it. A file with
 * the title and creator of a set already here, but other content, is a newer version of that
 * pack: it replaces the set, and the preview says what it adds, changes and drops.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { displayAddress } from '../../../shared/codec/address';
import type { Label, LabelImportResult, LabelPreview, LabelSet, LabelSkip } from '../../../shared/api/schemas';
import type { Db } from '../store/openStore';
import { parseLabelFile } from './parse/index';
import { LabelFileError, type ParsedLabel, type ParsedLabelFile } from './types';

/** Preview lists at most this many skipped entries per file (the count says how many in all). */
const SKIPS_SHOWN = 200;

interface SetRow {
  id: number;
  kind: LabelSet['kind'];
  title: string;
  creator: string | null;
  description: string | null;
  source_url: string | null;
  license: string | null;
  lastmod: string | null;
  imported_at: string;
  file_name: string;
  file_sha256: string;
  file_size: number;
}

interface LabelRow {
  id: number;
  set_id: number;
  chain: string;
  addr: string;
  label: string;
  category: string | null;
  abuse: string | null;
  confidence: string | null;
  confidence_score: number | null;
  source: string | null;
  context: string | null;
  actor: string | null;
  lastmod: string | null;
}

/** A label file the import cannot take: its name, and the line when there is one. */
export class LabelImportError extends Error {
  constructor(
    message: string,
    readonly skipped: LabelSkip[] = [],
  ) {
    super(message);
    this.name = 'LabelImportError';
  }
}

function readFile(path: string): ParsedLabelFile {
  try {
    return parseLabelFile(path);
  } catch (error) {
    if (error instanceof LabelFileError) throw new LabelImportError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LabelImportError(`${path}: no such file`);
    throw error;
  }
}

function toSet(db: Db, r: SetRow): LabelSet {
  const counts = db.prepare('SELECT count(*) AS labels, count(DISTINCT chain || char(0) || addr) AS addresses FROM label WHERE set_id = ?').get(r.id) as { labels: number; addresses: number };
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    creator: r.creator,
    description: r.description,
    sourceUrl: r.source_url,
    license: r.license,
    lastmod: r.lastmod,
    importedAt: r.imported_at,
    file: { name: r.file_name, sha256: r.file_sha256, size: r.file_size },
    labels: counts.labels,
    addresses: counts.addresses,
  };
}

export function listLabelSets(db: Db): LabelSet[] {
  return (db.prepare('SELECT * FROM label_set ORDER BY id').all() as SetRow[]).map((r) => toSet(db, r));
}

/** What identifies one label within a set, to compare two versions of a pack. */
function labelKey(l: { chain: string; addr?: string; address?: string; label: string; source: string | null }): string {
  return [l.chain, l.addr ?? l.address, l.label, l.source ?? ''].join('\u0000');
}

/** Everything else a label says: two labels with one key and other content are a change. */
function labelBody(l: { category: string | null; abuse: string | null; confidence: string | null; context: string | null; actor: string | null; lastmod: string | null } & ({ confidence_score: number | null } | { confidenceScore: number | null })): string {
  const score = 'confidence_score' in l ? l.confidence_score : l.confidenceScore;
  return JSON.stringify([l.category, l.abuse, l.confidence, score, l.context, l.actor, l.lastmod]);
}

function diffAgainst(db: Db, setId: number, labels: readonly ParsedLabel[]): { adds: number; changes: number; drops: number } {
  const old = new Map<string, string>();
  for (const r of db.prepare('SELECT * FROM label WHERE set_id = ?').iterate(setId) as IterableIterator<LabelRow>) old.set(labelKey(r), labelBody(r));
  let adds = 0;
  let changes = 0;
  const seen = new Set<string>();
  for (const l of labels) {
    const key = labelKey(l);
    seen.add(key);
    const body = old.get(key);
    if (body === undefined) adds++;
    else if (body !== labelBody(l)) changes++;
  }
  let drops = 0;
  for (const key of old.keys()) if (!seen.has(key)) drops++;
  return { adds, changes, drops };
}

function sameContent(db: Db, file: ParsedLabelFile): SetRow | undefined {
  return db.prepare('SELECT * FROM label_set WHERE file_sha256 = ? ORDER BY id LIMIT 1').get(file.sha256) as SetRow | undefined;
}

function olderVersion(db: Db, file: ParsedLabelFile): SetRow | undefined {
  return db.prepare('SELECT * FROM label_set WHERE kind = ? AND title = ? AND creator IS ? AND file_sha256 <> ? ORDER BY id DESC LIMIT 1').get(file.kind, file.title, file.creator, file.sha256) as SetRow | undefined;
}

function distinctAddresses(labels: readonly ParsedLabel[]): number {
  return new Set(labels.map((l) => `${l.chain}\u0000${l.address}`)).size;
}

function skipsOf(file: ParsedLabelFile): LabelSkip[] {
  return file.skipped.map((s) => ({ file: s.file, line: s.line, index: s.index, reason: s.reason }));
}

/** Extensions of the files a folder of label files is read for (a LICENSE or README is passed over). */
const LABEL_EXTENSIONS = new Set(['.yaml', '.yml', '.xml', '.csv', '.txt', '.json']);

/** The label files named: a file as it is, a folder as the label files in it (and below), sorted. */
export function expandLabelPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && LABEL_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(full);
    }
  };
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // A missing path is reported when it is read, with its name.
    }
    if (!isDir) out.push(path);
    else {
      const before = out.length;
      walk(path);
      if (out.length === before) throw new LabelImportError(`${path}: the folder holds no label files (.yaml, .yml, .xml, .csv, .txt, .json)`);
    }
  }
  return out;
}

/** Reads the files (a folder: the label files in it) and says what importing them would do. Keeps nothing. */
export function previewLabelFiles(db: Db, paths: readonly string[]): LabelPreview {
  return {
    files: expandLabelPaths(paths).map((path) => {
      const file = readFile(path);
      const same = sameContent(db, file);
      const older = same ? undefined : olderVersion(db, file);
      const skipped = skipsOf(file);
      return {
        file: path,
        kind: file.kind,
        title: file.title,
        creator: file.creator,
        labels: file.labels.length,
        addresses: distinctAddresses(file.labels),
        skipped: skipped.slice(0, SKIPS_SHOWN),
        skippedCount: skipped.length,
        sameAs: same ? { setId: same.id, title: same.title } : null,
        updates: older ? { setId: older.id, title: older.title, ...diffAgainst(db, older.id, file.labels) } : null,
      };
    }),
  };
}

function deleteSet(db: Db, setId: number): number {
  db.prepare('DELETE FROM label_fts WHERE rowid IN (SELECT id FROM label WHERE set_id = ?)').run(setId);
  const removed = db.prepare('DELETE FROM label WHERE set_id = ?').run(setId).changes;
  db.prepare('DELETE FROM label_actor WHERE set_id = ?').run(setId);
  db.prepare('DELETE FROM label_set WHERE id = ?').run(setId);
  return removed;
}

function insertSet(db: Db, file: ParsedLabelFile, importedAt: string): number {
  const setId = Number(
    db
      .prepare(
        `INSERT INTO label_set (kind, title, creator, description, source_url, license, lastmod, imported_at, file_name, file_sha256, file_size)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(file.kind, file.title, file.creator, file.description, file.sourceUrl, file.license, file.lastmod, importedAt, basename(file.file), file.sha256, file.size).lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO label (set_id, chain, addr, label, category, abuse, confidence, confidence_score, source, context, is_cluster_definer, actor, lastmod, line, idx)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const l of file.labels) {
    insert.run(setId, l.chain, l.address, l.label, l.category, l.abuse, l.confidence, l.confidenceScore, l.source, l.context, l.isClusterDefiner ? 1 : 0, l.actor, l.lastmod, l.line, l.index);
  }
  const actor = db.prepare('INSERT OR REPLACE INTO label_actor (set_id, actor_id, label, jurisdictions, uri, categories, context) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const a of file.actors) actor.run(setId, a.id, a.label, JSON.stringify(a.jurisdictions), a.uri, JSON.stringify(a.categories), a.context);
  // Searchable text of each label: its name, its actor id and the actor's name where a pack gives one.
  db.prepare(
    `INSERT INTO label_fts (rowid, text)
     SELECT l.id, concat_ws(' · ', l.label, l.actor, (SELECT a.label FROM label_actor a WHERE a.actor_id = l.actor ORDER BY a.set_id DESC LIMIT 1))
     FROM label l WHERE l.set_id = ?`,
  ).run(setId);
  return setId;
}

/**
 * Imports label files, one set each, in one transaction: all of them or none. A file with
 * skipped entries is refused, naming them, unless skipInvalid.
 */
export function importLabelFiles(db: Db, paths: readonly string[], options: { skipInvalid: boolean; now: () => Date }): LabelImportResult {
  const files = expandLabelPaths(paths).map(readFile);
  const skipped = files.flatMap(skipsOf);
  if (skipped.length > 0 && !options.skipInvalid) {
    const first = skipped.slice(0, 5).map((s) => `${s.file}${s.line !== null ? `, line ${s.line}` : ''}: ${s.reason}`);
    throw new LabelImportError(
      `${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} cannot be imported (${first.join('; ')}${skipped.length > 5 ? '; …' : ''}); nothing was imported. Import again skipping them to keep the rest.`,
      skipped.slice(0, SKIPS_SHOWN),
    );
  }
  const importedAt = options.now().toISOString();
  return db.transaction(() => {
    const sets: number[] = [];
    const unchanged: LabelImportResult['unchanged'] = [];
    const seen = new Map<string, number>();
    for (const file of files) {
      const same = sameContent(db, file);
      const inThisImport = seen.get(file.sha256);
      if (same || inThisImport !== undefined) {
        const id = same?.id ?? inThisImport!;
        unchanged.push({ file: file.file, setId: id, title: same?.title ?? file.title });
        continue;
      }
      const older = olderVersion(db, file);
      if (older) deleteSet(db, older.id);
      const id = insertSet(db, file, importedAt);
      seen.set(file.sha256, id);
      sets.push(id);
    }
    const rows = sets.map((id) => db.prepare('SELECT * FROM label_set WHERE id = ?').get(id) as SetRow);
    return { sets: rows.map((r) => toSet(db, r)), unchanged, skipped: skipped.slice(0, SKIPS_SHOWN), skippedCount: skipped.length };
  })();
}

export function removeLabelSet(db: Db, setId: number): number | null {
  if (!db.prepare('SELECT 1 FROM label_set WHERE id = ?').get(setId)) return null;
  return db.transaction(() => deleteSet(db, setId))();
}

type LabelJoinRow = LabelRow & { set_title: string; set_kind: LabelSet['kind']; actor_name: string | null };

const LABEL_SELECT = `
  SELECT l.*, s.title AS set_title, s.kind AS set_kind,
         (SELECT a.label FROM label_actor a WHERE a.actor_id = l.actor ORDER BY a.set_id DESC LIMIT 1) AS actor_name
  FROM label l JOIN label_set s ON s.id = l.set_id`;

/** Most confident first; among equals, a sanction first, then the newest set. */
const LABEL_ORDER = `ORDER BY coalesce(l.confidence_score, -1) DESC, (l.abuse = 'sanction') DESC, l.set_id DESC, l.id`;

function toLabel(r: LabelJoinRow): Label {
  return {
    label: r.label,
    category: r.category,
    abuse: r.abuse,
    confidence: r.confidence,
    confidenceScore: r.confidence_score,
    source: r.source,
    context: r.context,
    actor: r.actor,
    actorName: r.actor_name,
    lastmod: r.lastmod,
    set: { id: r.set_id, title: r.set_title, kind: r.set_kind },
  };
}

/** Every label of one address, the most confident first. */
export function labelsOf(db: Db, chain: string, addr: string): Label[] {
  return (db.prepare(`${LABEL_SELECT} WHERE l.chain = ? AND l.addr = ? ${LABEL_ORDER}`).all(chain, addr) as LabelJoinRow[]).map(toLabel);
}

export interface AddressLabels {
  labels: Label[];
  count: number;
  sanctioned: boolean;
}

/** Labels of many addresses at once (at most `keep` each, with the count and whether any is a sanction). */
export function labelsOfMany(db: Db, addresses: readonly { chain: string; addr: string }[], keep = 5): Map<string, AddressLabels> {
  const out = new Map<string, AddressLabels>();
  if (addresses.length === 0) return out;
  const rows = db
    .prepare(
      // The addresses drive the join (CROSS JOIN keeps that order), each found by label_address.
      `SELECT l.*, s.title AS set_title, s.kind AS set_kind,
              (SELECT a.label FROM label_actor a WHERE a.actor_id = l.actor ORDER BY a.set_id DESC LIMIT 1) AS actor_name
       FROM json_each(?) j CROSS JOIN label l ON l.chain = json_extract(j.value, '$[0]') AND l.addr = json_extract(j.value, '$[1]')
       JOIN label_set s ON s.id = l.set_id
       ${LABEL_ORDER}`,
    )
    .all(JSON.stringify([...new Map(addresses.map((a) => [labelKeyOf(a.chain, a.addr), [a.chain, a.addr]])).values()])) as LabelJoinRow[];
  for (const r of rows) {
    const key = `${r.chain}\u0000${r.addr}`;
    const entry = out.get(key) ?? { labels: [], count: 0, sanctioned: false };
    out.set(key, entry);
    entry.count++;
    if (r.abuse === 'sanction') entry.sanctioned = true;
    if (entry.labels.length < keep) entry.labels.push(toLabel(r));
  }
  return out;
}

export function labelKeyOf(chain: string, addr: string): string {
  return `${chain}\u0000${addr}`;
}

/** The display form of a labelled address. */
export function labelledDisplay(chain: string, addr: string): string {
  try {
    return displayAddress(chain, addr);
  } catch {
    return addr;
  }
}
