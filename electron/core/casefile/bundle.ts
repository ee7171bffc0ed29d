import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { BundleReport, ExportResult } from '../../../shared/api/schemas';
import { verifyCase, canonicalJson } from '../cases/audit';
import type { Actor, CaseFile } from '../cases/caseFiles';
import { caseMigrations } from '../cases/caseMigrations';
import type { Db } from '../store/openStore';
import { storeMigrations } from '../store/storeMigrations';
import { BundleFormatError, DEFAULT_LIMITS, readContainer, writeContainer, type Part } from './container';
import { EVIDENCE_COLUMNS, extractEvidence } from './evidence';
import { displayFingerprint, fingerprintOf, verifySignature } from './keys';
import { checkSqliteFile, openReadOnly, UnsafeFileError } from './safeOpen';

/**
 * A bundle is one file that lets a colleague review a case on a machine that has none of the
 * sender's data: the case with its whole signed log, the chain facts behind it with their
 * provenance (evidence.sqlite, in the store's own schema), a manifest naming every part's SHA-256,
 * and the sender's Ed25519 signature over the manifest. It may be encrypted with a passphrase
 * (container.ts). The receiver checks all of it before anything is kept.
 */
export const BUNDLE_EXTENSION = '.cairnbundle';
const PART_NAMES = ['manifest.json', 'signature.json', 'case.cairn', 'evidence.sqlite'] as const;

const Sha = z.string().regex(/^[0-9a-f]{64}$/);
const Manifest = z
  .object({
    format: z.literal('cairn-case-bundle'),
    version: z.literal(1),
    cairnVersion: z.string().max(100),
    createdAt: z.string().max(100),
    sender: z.object({ name: z.string().max(200), publicKey: Sha, fingerprint: Sha }).strict(),
    case: z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/), name: z.string().max(200), entries: z.number().int().min(1), head: z.object({ seq: z.number().int().min(1), hash: Sha }).strict() }).strict(),
    parts: z.array(z.object({ name: z.string().max(200), size: z.number().int().min(0), sha256: Sha }).strict()).max(16),
    evidence: z.record(z.string().max(64), z.number().int().min(0)),
  })
  .strict();
type Manifest = z.infer<typeof Manifest>;
const Signature = z.object({ publicKey: Sha, signature: z.string().regex(/^[0-9a-f]{128}$/) }).strict();

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * The addresses whose facts a bundle carries: what is drawn, seeded, clustered or tagged, the
 * addresses its cluster overrides name, and what the case's saved traces followed (the
 * transfers kept in each result and its endpoints), so a colleague can check a trace's figures
 * against the evidence.
 */
export function caseAddresses(c: CaseFile): { chain: string; addr: string }[] {
  return c.db
    .prepare(
      `SELECT chain, addr FROM node WHERE kind = 'address' AND chain IS NOT NULL AND addr IS NOT NULL
       UNION SELECT chain, addr FROM seed
       UNION SELECT chain, addr FROM cluster_member
       UNION SELECT chain, addr FROM tag WHERE addr IS NOT NULL AND chain IS NOT NULL
       UNION SELECT chain, a FROM cluster_override WHERE a IS NOT NULL
       UNION SELECT chain, b FROM cluster_override WHERE b IS NOT NULL
       UNION SELECT json_extract(x.value, '$.chain'), json_extract(x.value, '$.from') FROM trace, json_each(trace.result, '$.transfers') x WHERE json_extract(x.value, '$.from') IS NOT NULL
       UNION SELECT json_extract(x.value, '$.chain'), json_extract(x.value, '$.to') FROM trace, json_each(trace.result, '$.transfers') x WHERE json_extract(x.value, '$.to') IS NOT NULL
       UNION SELECT json_extract(x.value, '$.chain'), json_extract(x.value, '$.address') FROM trace, json_each(trace.result, '$.endpoints') x WHERE json_extract(x.value, '$.address') IS NOT NULL`,
    )
    .all() as { chain: string; addr: string }[];
}

export class BundleError extends Error {
  constructor(
    readonly kind: 'invalid_argument' | 'bad_input' | 'forbidden' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface ExportDeps {
  readonly facts: Db;
  readonly actor: Actor;
  readonly version: string;
  /** Where temporary files go (inside the workspace, so renames stay on one file system). */
  readonly scratchDir: string;
}

/**
 * Writes a bundle of a case. The hand-over is recorded first, as a signed `case.export` entry,
 * so the log the colleague receives says who exported it and when. The case is serialised from
 * the open connection, so it is complete and consistent while the app is open (nothing is left
 * behind in a WAL file).
 */
export function exportBundle(c: CaseFile, deps: ExportDeps, out: string, options: { passphrase?: string; overwrite?: boolean }): ExportResult {
  const file = resolve(out);
  if (existsSync(file) && !options.overwrite) throw new BundleError('conflict', `${file} already exists; choose another name or allow overwriting`);
  c.assertWritable();
  mkdirSync(deps.scratchDir, { recursive: true });
  const scratch = mkdtempSync(join(deps.scratchDir, 'export-'));
  try {
    const evidenceFile = join(scratch, 'evidence.sqlite');
    const counts = extractEvidence(deps.facts, caseAddresses(c), evidenceFile);
    c.appendApplied(
      deps.actor,
      { action: 'case.export', label: 'Export case', data: { file: basename(file), encrypted: Boolean(options.passphrase), evidence: counts, by: deps.actor.name, key: displayFingerprint(deps.actor.signer.publicKey) }, changes: [] },
      () => undefined,
    );
    const caseBytes = c.db.serialize();
    // Rollback-journal mode in the header (bytes 18-19): the copy is one self-contained file.
    caseBytes[18] = 1;
    caseBytes[19] = 1;
    const evidenceBytes = readFileSync(evidenceFile);
    const head = c.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    const entries = c.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
    const parts: Part[] = [
      { name: 'case.cairn', data: caseBytes },
      { name: 'evidence.sqlite', data: evidenceBytes },
    ];
    const publicKey = deps.actor.signer.publicKey;
    const manifest: Manifest = {
      format: 'cairn-case-bundle',
      version: 1,
      cairnVersion: deps.version,
      createdAt: deps.actor.now(),
      sender: { name: deps.actor.name, publicKey, fingerprint: fingerprintOf(publicKey) },
      case: { id: c.id, name: c.name(), entries, head },
      parts: parts.map((p) => ({ name: p.name, size: p.data.length, sha256: sha256(p.data) })),
      evidence: counts,
    };
    const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
    const signature = { publicKey, signature: deps.actor.signer.sign(Buffer.from(sha256(manifestBytes), 'hex')).toString('hex') };
    const bytes = writeContainer(
      [{ name: 'manifest.json', data: manifestBytes }, { name: 'signature.json', data: Buffer.from(JSON.stringify(signature), 'utf8') }, ...parts],
      { passphrase: options.passphrase },
    );
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.partial`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return {
      file,
      size: bytes.length,
      sha256: sha256(bytes),
      encrypted: Boolean(options.passphrase),
      fingerprint: displayFingerprint(publicKey),
      parts: manifest.parts,
      evidence: counts,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface ReceiveContext {
  /** Public key → name, for the keys this workspace trusts (its own included). */
  readonly trusted: ReadonlyMap<string, string>;
  readonly ownKey: string;
  readonly scratchDir: string;
}

/** A checked bundle, its parts written to scratch files until they are kept or thrown away. */
export interface StagedBundle {
  readonly report: BundleReport;
  readonly manifest: Manifest | null;
  readonly caseFile: string | null;
  readonly evidenceFile: string | null;
  dispose(): void;
}

function readBounded(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new BundleError('invalid_argument', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BundleError('invalid_argument', `${file} is not a file`);
    if (st.size > DEFAULT_LIMITS.maxFileBytes) throw new BundleError('bad_input', `${file} is ${st.size} bytes; a bundle may be at most ${DEFAULT_LIMITS.maxFileBytes}`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

function evidenceCounts(db: Db): Record<string, number> {
  // The tables evidence carries; the others (label sets and their index) stay empty but for
  // SQLite's own bookkeeping rows.
  const carried = new Set(Object.keys(EVIDENCE_COLUMNS));
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter((t) => carried.has(t));
  const out: Record<string, number> = {};
  for (const t of tables) {
    if (!/^[a-z_]+$/.test(t)) continue;
    const n = db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
    if (n > 0) out[t] = n;
  }
  return out;
}

/**
 * Checks everything in a bundle before any of it is used: the container (decryption, limits), the
 * manifest and the sender's signature over it, every part's hash and size, the case file's schema,
 * its log (hashes, signatures, replay against its tables, the head the manifest names), and the
 * evidence file's schema. Problems are collected; nothing is kept.
 */
export function stageBundle(path: string, passphrase: string | undefined, ctx: ReceiveContext): StagedBundle {
  const file = resolve(path);
  const bytes = readBounded(file);
  const problems: string[] = [];
  const report: BundleReport = {
    ok: false,
    file,
    size: bytes.length,
    sha256: sha256(bytes),
    encrypted: false,
    problems,
    sender: null,
    case: null,
    createdAt: null,
    cairnVersion: null,
    parts: [],
    evidence: {},
  };
  let scratch: string | null = null;
  const dispose = (): void => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = null;
  };
  const done = (manifest: Manifest | null, caseFile: string | null, evidenceFile: string | null): StagedBundle => {
    report.ok = problems.length === 0;
    return { report, manifest, caseFile, evidenceFile, dispose };
  };

  let parts: Part[];
  try {
    const container = readContainer(bytes, { passphrase });
    report.encrypted = container.header.encrypted;
    parts = container.parts;
  } catch (error) {
    if (error instanceof BundleFormatError) {
      report.encrypted = error.code === 'needs_passphrase' || error.code === 'wrong_passphrase';
      problems.push(error.code === 'needs_passphrase' ? 'the bundle is encrypted: give its passphrase' : error.message);
      return done(null, null, null);
    }
    throw error;
  }
  const byName = new Map(parts.map((p) => [p.name, p.data]));
  const names = parts.map((p) => p.name);
  if (names.length !== PART_NAMES.length || !PART_NAMES.every((n) => byName.has(n))) {
    problems.push(`the bundle holds the parts ${names.join(', ') || '(none)'}, not ${PART_NAMES.join(', ')}`);
    return done(null, null, null);
  }

  let manifest: Manifest;
  try {
    manifest = Manifest.parse(JSON.parse(byName.get('manifest.json')!.toString('utf8')));
  } catch (error) {
    problems.push(`its manifest is not valid (${error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message})`);
    return done(null, null, null);
  }
  report.createdAt = manifest.createdAt;
  report.cairnVersion = manifest.cairnVersion;
  report.parts = manifest.parts;
  const senderKey = manifest.sender.publicKey;
  report.sender = {
    name: manifest.sender.name,
    fingerprint: displayFingerprint(senderKey),
    publicKey: senderKey,
    trusted: ctx.trusted.has(senderKey),
    own: senderKey === ctx.ownKey,
  };
  if (manifest.sender.fingerprint !== fingerprintOf(senderKey)) problems.push('the manifest names a fingerprint that is not its key’s');

  let signature: z.infer<typeof Signature> | null = null;
  try {
    signature = Signature.parse(JSON.parse(byName.get('signature.json')!.toString('utf8')));
  } catch {
    problems.push('its signature part is not valid');
  }
  if (signature) {
    if (signature.publicKey !== senderKey) problems.push('it is signed with a key other than the sender’s in its manifest');
    else if (!verifySignature(senderKey, Buffer.from(sha256(byName.get('manifest.json')!), 'hex'), signature.signature)) {
      problems.push(`its signature does not verify: the manifest was changed after ${manifest.sender.name} signed it, or the signature was swapped`);
    }
  }
  for (const p of PART_NAMES.slice(2)) {
    const m = manifest.parts.find((x) => x.name === p);
    const data = byName.get(p)!;
    if (!m) problems.push(`the manifest does not list ${p}`);
    else if (m.size !== data.length || m.sha256 !== sha256(data)) problems.push(`${p} does not match the SHA-256 the manifest gives for it (it was changed)`);
  }
  if (manifest.parts.length !== 2) problems.push('the manifest lists parts the bundle does not hold');
  if (problems.length) return done(manifest, null, null);

  // Only now, with every hash matching the signed manifest, do the parts touch the disk.
  mkdirSync(ctx.scratchDir, { recursive: true });
  scratch = mkdtempSync(join(ctx.scratchDir, 'bundle-'));
  const caseFile = join(scratch, 'case.cairn');
  const evidenceFile = join(scratch, 'evidence.sqlite');
  writeFileSync(caseFile, byName.get('case.cairn')!);
  writeFileSync(evidenceFile, byName.get('evidence.sqlite')!);

  const latestCase = caseMigrations[caseMigrations.length - 1]!.version;
  try {
    const checked = checkSqliteFile(caseFile, caseMigrations, 'case file');
    if (checked.version !== latestCase) throw new UnsafeFileError(caseFile, `has case schema ${checked.version}; this version of Cairn receives cases of schema ${latestCase} only`);
    const db = openReadOnly(caseFile);
    try {
      if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new UnsafeFileError(caseFile, 'is damaged (SQLite quick_check failed)');
      // The sender's key is checked as the key the manifest names; whether the receiver trusts it is reported apart.
      const trusted = new Map(ctx.trusted);
      if (!trusted.has(senderKey)) trusted.set(senderKey, manifest.sender.name);
      const verdict = verifyCase(db, { trusted, ownKey: ctx.ownKey, rememberedHead: null, expectedHead: manifest.case.head });
      for (const p of verdict.problems) problems.push(`case log${p.seq === null ? '' : `, entry ${p.seq}`}: ${p.reason}`);
      const lastEntry = db.prepare('SELECT action, pubkey FROM audit ORDER BY seq DESC LIMIT 1').get() as { action: string; pubkey: string | null } | undefined;
      if (!lastEntry || lastEntry.action !== 'case.export' || lastEntry.pubkey !== senderKey) problems.push('the case log does not end with the sender’s signed export entry');
      const name = (db.prepare("SELECT value FROM meta WHERE key = 'name'").pluck().get() as string | undefined) ?? manifest.case.name;
      report.case = { id: manifest.case.id, name, entries: verdict.entries, headHash: verdict.head?.hash ?? '' };
    } finally {
      db.close();
    }
  } catch (error) {
    if (!(error instanceof UnsafeFileError)) throw error;
    problems.push(`case.cairn ${error.reason}`);
  }
  try {
    const checked = checkSqliteFile(evidenceFile, storeMigrations, 'bundle evidence file');
    const latestStore = storeMigrations[storeMigrations.length - 1]!.version;
    if (checked.version !== latestStore) throw new UnsafeFileError(evidenceFile, `has store schema ${checked.version}; this version of Cairn reads evidence of schema ${latestStore} only`);
    const db = openReadOnly(evidenceFile);
    try {
      if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new UnsafeFileError(evidenceFile, 'is damaged (SQLite quick_check failed)');
      report.evidence = evidenceCounts(db);
    } finally {
      db.close();
    }
    const stated = Object.entries(manifest.evidence).filter(([, n]) => n > 0);
    if (stated.length !== Object.keys(report.evidence).length || stated.some(([t, n]) => report.evidence[t] !== n)) {
      problems.push('evidence.sqlite does not hold the facts its manifest counts');
    }
  } catch (error) {
    if (!(error instanceof UnsafeFileError)) throw error;
    problems.push(`evidence.sqlite ${error.reason}`);
  }
  return done(manifest, caseFile, evidenceFile);
}

export { BundleFormatError };
