/**
 * Case files: what the signed log and hand-over cost on the sample investigation (a 50,000-transfer
 * synthetic world, 200 victims seeded): an audited edit (p50, p95), `audit.verify` (replaying and
 * checking every signature) as the log grows, and export, check and import of a bundle, plain and
 * encrypted, into an empty second workspace.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openBackend } from '../../electron/core/backend';
import { buildSampleWorkspace } from '../../electron/core/synth/sampleWorkspace';

export interface CaseFileBenchResult {
  entries: number;
  nodes: number;
  editMs: { p50: number; p95: number };
  verify: { entries: number; ms: number; msPerEntry: number }[];
  bundle: { bytes: number; encryptedBytes: number; evidence: Record<string, number>; exportMs: number; exportEncryptedMs: number; inspectMs: number; importMs: number; importEncryptedMs: number };
}

const round = (x: number): number => Math.round(x * 100) / 100;

export async function benchCaseFiles(work: string, log: (line: string) => void): Promise<CaseFileBenchResult> {
  const dir = join(work, 'casefile-sample');
  log('case files: building the sample investigation…');
  const sample = await buildSampleWorkspace(dir);
  const backend = openBackend({ workspaceDir: dir, shell: 'cli' });
  const call = async (method: string, args: unknown): Promise<any> => {
    const r = await backend.call(method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  const caseId = sample.caseId;
  try {
    // Grow the canvas: expand the twelve victims shown.
    let g = await call('graph.get', { caseId });
    for (const n of g.nodes.filter((x: { kind: string; hidden: boolean }) => x.kind === 'address' && !x.hidden)) {
      g = await call('graph.expand', { caseId, nodeId: n.id, direction: 'both', limit: 25 });
    }
    const node = g.nodes.find((x: { kind: string }) => x.kind === 'address');
    const verify: CaseFileBenchResult['verify'] = [];
    const timeVerify = async (): Promise<void> => {
      const t0 = performance.now();
      const v = await call('audit.verify', { caseId });
      const ms = performance.now() - t0;
      if (!v.ok) throw new Error(`verify failed: ${JSON.stringify(v.problems)}`);
      verify.push({ entries: v.entries, ms: round(ms), msPerEntry: round(ms / v.entries) });
    };
    await timeVerify();
    log('case files: timing audited edits…');
    const edits: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const t0 = performance.now();
      await call('graph.move', { caseId, positions: [{ nodeId: node.id, x: i, y: -i }] });
      edits.push(performance.now() - t0);
    }
    edits.sort((a, b) => a - b);
    await timeVerify();

    log('case files: export, check and import…');
    const out = join(work, 'casefile-bundles');
    mkdirSync(out, { recursive: true });
    let t0 = performance.now();
    const plain = await call('case.export', { caseId, path: join(out, 'plain.cairnbundle') });
    const exportMs = performance.now() - t0;
    t0 = performance.now();
    await call('case.export', { caseId, path: join(out, 'locked.cairnbundle'), passphrase: 'bench passphrase' });
    const exportEncryptedMs = performance.now() - t0;
    const receiver = openBackend({ workspaceDir: join(work, 'casefile-receiver'), shell: 'cli' });
    try {
      const rcall = async (method: string, args: unknown): Promise<any> => {
        const r = await receiver.call(method, args);
        if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
        return r.result;
      };
      t0 = performance.now();
      const report = await rcall('bundle.inspect', { path: plain.file });
      const inspectMs = performance.now() - t0;
      t0 = performance.now();
      await rcall('bundle.import', { path: plain.file, trustFingerprint: report.sender.fingerprint });
      const importMs = performance.now() - t0;
      t0 = performance.now();
      await rcall('bundle.import', { path: join(out, 'locked.cairnbundle'), passphrase: 'bench passphrase' });
      const importEncryptedMs = performance.now() - t0;
      const final = await call('graph.get', { caseId });
      return {
        entries: verify[verify.length - 1]!.entries,
        nodes: final.nodes.length,
        editMs: { p50: round(edits[Math.floor(edits.length / 2)]!), p95: round(edits[Math.floor(edits.length * 0.95)]!) },
        verify,
        bundle: {
          bytes: plain.size,
          encryptedBytes: statSync(join(out, 'locked.cairnbundle')).size,
          evidence: plain.evidence,
          exportMs: round(exportMs),
          exportEncryptedMs: round(exportEncryptedMs),
          inspectMs: round(inspectMs),
          importMs: round(importMs),
          importEncryptedMs: round(importEncryptedMs),
        },
      };
    } finally {
      await receiver.close();
    }
  } finally {
    await backend.close();
  }
}

export function printCaseFileResults(r: CaseFileBenchResult): void {
  console.log(`\nCase files: the sample investigation, ${r.nodes} nodes on the canvas, ${r.entries} signed log entries`);
  console.log(`audited edit (graph.move of one node, signed entry and registry head included): p50 ${r.editMs.p50} ms, p95 ${r.editMs.p95} ms`);
  console.table(Object.fromEntries(r.verify.map((v) => [`audit.verify, ${v.entries} entries`, { ms: v.ms, 'ms per entry': v.msPerEntry }])));
  const b = r.bundle;
  console.table({
    'export (plain)': { ms: b.exportMs, bytes: b.bytes },
    'export (encrypted)': { ms: b.exportEncryptedMs, bytes: b.encryptedBytes },
    'bundle.inspect (plain)': { ms: b.inspectMs },
    'bundle.import (plain)': { ms: b.importMs },
    'bundle.import (encrypted)': { ms: b.importEncryptedMs },
  });
  console.log(`evidence carried: ${Object.entries(b.evidence).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}`);
}
