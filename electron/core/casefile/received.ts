import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../../shared/api/contract';
import type { CaseSummary } from '../../../shared/api/schemas';
import type { Actor, CaseFiles } from '../cases/caseFiles';
import { openStore, type Db } from '../store/openStore';
import { registerSqlFunctions } from '../store/sqlFunctions';
import { storeMigrations } from '../store/storeMigrations';
import { stageBundle, type ReceiveContext } from './bundle';
import { mergeEvidence, removeDbFiles, type MergeResult } from './evidence';
import { displayFingerprint, fingerprintOf, type WorkspaceKeys } from './keys';
import type { CaseRegistry } from './registry';
import { checkSqliteFile, openReadOnly, UnsafeFileError } from './safeOpen';

const LATEST_STORE_VERSION = storeMigrations[storeMigrations.length - 1]!.version;

/**
 * Received cases: the bundle's case goes to cases/ (read-only until continued) and its evidence to
 * evidence/<case>.sqlite, from which the case's graph is drawn until the receiver merges it into
 * their own store. Evidence never enters the store on its own.
 */
export class EvidenceFiles {
  private readonly open = new Map<string, Db>();

  constructor(readonly dir: string) {}

  path(caseId: string): string {
    return join(this.dir, `${caseId}.sqlite`);
  }

  /** Checks a received case's evidence file again (safeOpen.ts): its path and schema version. */
  check(caseId: string): { file: string; version: number } {
    const file = this.path(caseId);
    if (!existsSync(file)) throw new ApiError('not_found', `the evidence of received case "${caseId}" is missing (${file})`);
    try {
      return { file, version: checkSqliteFile(file, storeMigrations, 'bundle evidence file').version };
    } catch (error) {
      if (error instanceof UnsafeFileError) throw new ApiError('bad_input', error.message);
      throw error;
    }
  }

  /** The read-only evidence of a received case, checked again before it is opened. */
  get(caseId: string): Db {
    const cached = this.open.get(caseId);
    if (cached) return cached;
    const { file, version } = this.check(caseId);
    const db = openReadOnly(version < LATEST_STORE_VERSION ? this.upgradedCopy(caseId, file) : file);
    // Cairn's own exact-amount functions, which the store queries use (nothing from the file).
    registerSqlFunctions(db);
    this.open.set(caseId, db);
    return db;
  }

  /**
   * Evidence from an older version of Cairn is read through a copy brought to today's schema
   * (the store's queries name today's columns, such as tx.hash_bin since migration 110); the
   * received file itself is never changed, so its hash still matches the bundle's. The file was
   * checked first: its schema is exactly what Cairn's migrations built for its version, so the
   * migrations run on nothing but Cairn's own tables.
   */
  private upgradedCopy(caseId: string, file: string): string {
    const copy = this.upgradedPath(caseId);
    mkdirSync(dirname(copy), { recursive: true });
    removeDbFiles(copy);
    copyFileSync(file, copy);
    const db = openStore(copy);
    try {
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
    return copy;
  }

  private upgradedPath(caseId: string): string {
    return join(this.dir, 'upgraded', `${caseId}.sqlite`);
  }

  release(caseId: string): void {
    this.open.get(caseId)?.close();
    this.open.delete(caseId);
    removeDbFiles(this.upgradedPath(caseId));
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}

export interface ReceiveDeps {
  readonly cases: CaseFiles;
  readonly registry: CaseRegistry;
  readonly keys: WorkspaceKeys;
  readonly evidence: EvidenceFiles;
  readonly actor: () => Actor;
  readonly scratchDir: string;
  readonly investigator: () => string;
}

function receiveContext(deps: ReceiveDeps): ReceiveContext {
  const own = deps.keys.own();
  return { trusted: deps.keys.trustMap(deps.investigator()), ownKey: own.publicKey, scratchDir: deps.scratchDir };
}

export function inspectBundle(deps: ReceiveDeps, path: string, passphrase: string | undefined) {
  const staged = stageBundle(path, passphrase, receiveContext(deps));
  staged.dispose();
  return staged.report;
}

/**
 * Checks a bundle again and keeps it only if every check passed and its sender's key is trusted
 * (or the investigator has just confirmed the fingerprint). Refused: nothing is written.
 */
export function importBundle(deps: ReceiveDeps, path: string, passphrase: string | undefined, trustFingerprint: string | undefined): CaseSummary {
  const staged = stageBundle(path, passphrase, receiveContext(deps));
  try {
    const { report, manifest } = staged;
    if (!report.ok || !manifest || !report.sender || !staged.caseFile || !staged.evidenceFile) {
      throw new ApiError('bad_input', `${report.file} was refused and nothing was kept: ${report.problems.join('; ')}`, { problems: report.problems });
    }
    const sender = report.sender;
    if (!sender.trusted) {
      const given = (trustFingerprint ?? '').replace(/\s+/g, '').toLowerCase();
      const full = fingerprintOf(sender.publicKey);
      if (!given || !(full === given || (given.length >= 32 && full.startsWith(given)))) {
        throw new ApiError(
          'forbidden',
          `${report.file} is signed by ${sender.name} with key ${sender.fingerprint}, which this workspace does not trust yet. Compare that fingerprint with ${sender.name} by another channel, then open it again trusting the key. Nothing was kept`,
          { fingerprint: sender.fingerprint },
        );
      }
      deps.keys.trust(sender.publicKey, sender.name, deps.actor().now());
    }
    let id = manifest.case.id;
    for (let n = 2; existsSync(deps.cases.path(id)) || deps.registry.get(id); n++) id = `${manifest.case.id}-${n === 2 ? 'received' : `received-${n - 1}`}`.slice(0, 80);
    mkdirSync(deps.evidence.dir, { recursive: true });
    renameSync(staged.evidenceFile, deps.evidence.path(id));
    renameSync(staged.caseFile, deps.cases.path(id));
    deps.registry.set(id, {
      origin: 'received',
      head: manifest.case.head,
      received: {
        from: sender.name,
        fingerprint: sender.fingerprint,
        publicKey: sender.publicKey,
        at: deps.actor().now(),
        bundleSha256: report.sha256,
        bundleName: basename(report.file),
        bundleSize: report.size,
        evidenceMerged: false,
      },
      continued: false,
    });
    try {
      return deps.cases.get(id).summary();
    } catch (error) {
      // It passed every check as a scratch file; should opening it here still fail, keep nothing.
      deps.cases.release(id);
      rmSync(deps.cases.path(id), { force: true });
      rmSync(deps.evidence.path(id), { force: true });
      deps.registry.forget(id);
      throw error;
    }
  } finally {
    staged.dispose();
  }
}

/**
 * Merges a received case's evidence into the store as a dataset naming the bundle. From then on
 * the case's graph is drawn from the store, like any other case.
 */
export function mergeCaseEvidence(deps: ReceiveDeps, store: Db, caseId: string): MergeResult {
  const record = deps.registry.get(caseId);
  if (!record?.received) throw new ApiError('conflict', `case "${caseId}" was not received from a bundle; it has no evidence of its own to merge`);
  if (record.received.evidenceMerged) throw new ApiError('conflict', `the evidence of case "${caseId}" is already merged into this workspace's store`);
  // Checked again before it is read; merging reads the file itself (any schema version), so no upgraded copy is made.
  deps.evidence.check(caseId);
  deps.evidence.release(caseId);
  const r = record.received;
  const result = mergeEvidence(store, deps.evidence.path(caseId), { bundleName: r.bundleName, bundleSha256: r.bundleSha256, bundleSize: r.bundleSize ?? 0, sender: `${r.from} (key ${r.fingerprint})` });
  deps.registry.update(caseId, (x) => {
    x.received!.evidenceMerged = true;
  });
  return result;
}

/** Makes a received case editable here and records the hand-over in its log. */
export function continueCase(deps: ReceiveDeps, caseId: string): CaseSummary {
  const record = deps.registry.get(caseId);
  if (!record || record.origin !== 'received' || !record.received) throw new ApiError('conflict', `case "${caseId}" was not received from a bundle; there is nothing to continue`);
  if (record.continued) return deps.cases.get(caseId).summary();
  const r = record.received;
  deps.cases.release(caseId);
  deps.registry.update(caseId, (x) => {
    x.continued = true;
  });
  const c = deps.cases.get(caseId);
  const actor = deps.actor();
  c.appendApplied(
    actor,
    {
      action: 'case.receive',
      label: 'Receive case',
      data: { from: r.from, senderKey: r.fingerprint, bundle: r.bundleName, bundleSha256: r.bundleSha256, receivedAt: r.at, by: actor.name, key: displayFingerprint(actor.signer.publicKey) },
      changes: [],
    },
    () => undefined,
  );
  return c.summary();
}
