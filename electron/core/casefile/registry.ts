import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a workspace remembers about each case file in its cases/ folder, outside the file itself:
 * whether it was made here or received, and the latest signed head of its log this workspace has
 * seen, so that a file cut short or rolled back to an older copy is detected.
 */
export interface ReceivedInfo {
  from: string;
  /** Full SHA-256 fingerprint of the sender's key. */
  fingerprint: string;
  publicKey: string;
  at: string;
  bundleSha256: string;
  bundleName: string;
  bundleSize: number;
  evidenceMerged: boolean;
}

export interface CaseRecord {
  origin: 'own' | 'received';
  head: { seq: number; hash: string } | null;
  received: ReceivedInfo | null;
  /** A received case becomes editable once continued here. */
  continued: boolean;
}

interface RegistryFile {
  version: 1;
  cases: Record<string, CaseRecord>;
}

export class CaseRegistry {
  private readonly file: string;
  private data: RegistryFile;
  /** True when this workspace had no registry yet: its existing cases predate it and are adopted. */
  readonly fresh: boolean;

  constructor(workspaceDir: string) {
    this.file = join(workspaceDir, 'case-registry.json');
    this.fresh = !existsSync(this.file);
    this.data = this.fresh ? { version: 1, cases: {} } : this.read();
  }

  private read(): RegistryFile {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (error) {
      throw new Error(`${this.file}: not valid JSON (${(error as Error).message}); it records which cases were made here and the last head of each log`);
    }
    const p = parsed as Partial<RegistryFile>;
    if (p.version !== 1 || typeof p.cases !== 'object' || p.cases === null) throw new Error(`${this.file}: not a case registry this version understands`);
    return p as RegistryFile;
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 1) + '\n');
    renameSync(tmp, this.file);
  }

  get(id: string): CaseRecord | null {
    return Object.prototype.hasOwnProperty.call(this.data.cases, id) ? this.data.cases[id]! : null;
  }

  set(id: string, record: CaseRecord): void {
    this.data.cases[id] = record;
    this.save();
  }

  /** Records a head this workspace has seen; it only moves forward. */
  setHead(id: string, head: { seq: number; hash: string }): void {
    const r = this.get(id);
    if (!r) return;
    if (r.head && r.head.seq > head.seq) return;
    r.head = head;
    this.save();
  }

  forget(id: string): void {
    delete this.data.cases[id];
    this.save();
  }

  update(id: string, change: (r: CaseRecord) => void): void {
    const r = this.get(id);
    if (!r) throw new Error(`no case "${id}" in the registry`);
    change(r);
    this.save();
  }

  /** Writes the file even when nothing is registered, so a later start knows adoption happened. */
  ensureSaved(): void {
    if (!existsSync(this.file)) this.save();
  }
}
