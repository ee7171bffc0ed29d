/**
 * The sample investigation: a small synthetic world imported into its own workspace, with a
 * case whose victims are seeded, so a new user can start expanding at once. Never mixed into
 * a real workspace: its store holds only synthetic data.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseFiles, type Actor } from '../cases/caseFiles';
import { WorkspaceKeys } from '../casefile/keys';
import { CaseRegistry } from '../casefile/registry';
import * as edits from '../cases/caseEdits';
import { importDataset } from '../ingest/importDataset';
import { openStore } from '../store/openStore';
import { ensureWorkspace, writeSettings } from '../workspace';
import { TraceSpec } from '../../../shared/api/traceSchemas';
import { saveTrace } from '../cases/caseTraces';
import { runTrace } from '../trace/runTrace';
import type { CampaignTruth } from './campaigns';
import { generateWorld, SCALES, type WorldTruth } from './world';

export const SAMPLE_SEED = 'cairn-sample';
export const SAMPLE_CASE_NAME = 'Sample investigation: synthetic wallet theft';
const MARKER = 'sample.json';

export interface SampleWorkspace {
  readonly dir: string;
  readonly caseId: string;
  /** False when the folder already held the sample and nothing was built. */
  readonly built: boolean;
  readonly victims: number;
}

export interface SampleOptions {
  readonly seed?: string;
  readonly transfers?: number;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /** Who the sample's settings name as the investigator (the user's own name, so the app does not ask again). */
  readonly investigator?: string;
}

const ACTOR_WORDS: Record<string, string> = { X: 'the same group', Y: 'another group', Z: 'a third group' };

/** The name of a campaign heist's case: which heist, and (since the sample is for learning) whose. */
export function heistCaseName(id: string, actor: string): string {
  return `Heist ${id} (synthetic; ${ACTOR_WORDS[actor] ?? actor})`;
}

/**
 * One case per campaign heist other than the sample's own theft (heist X0): its victims seeded
 * (four on the canvas, the rest hidden) and a FIFO trace from them saved, as an investigator
 * working that heist would have left it.
 */
function heistCases(storePath: string, cases: CaseFiles, actor: Actor, campaigns: CampaignTruth, truth: WorldTruth): void {
  const db = openStore(storePath);
  try {
    for (const heist of campaigns.heists) {
      if (heist.id === 'X0') continue;
      const c = cases.create(heistCaseName(heist.id, heist.actor), actor);
      heist.victims.forEach((v, i) => edits.addSeed(c, actor, heist.chain, v.address, 'victim', `Victim ${i + 1} of ${heist.victims.length} of heist ${heist.id} (synthetic)`));
      const hidden = (c.db.prepare('SELECT id FROM node ORDER BY id').pluck().all() as number[]).slice(4);
      if (hidden.length) edits.setHidden(c, actor, hidden.map((id) => `n${id}`), true);
      const spec = TraceSpec.parse({ method: 'fifo', sources: heist.victims.map((v) => ({ kind: 'address', chain: heist.chain, address: v.address })), maxHops: 12, chains: [truth.chains.eth] });
      saveTrace(c, actor, `Funds of heist ${heist.id}`, spec, runTrace(db, spec));
    }
  } finally {
    db.close();
  }
}

/** Whether `dir` is a sample workspace this function built. */
export function isSampleWorkspace(dir: string): boolean {
  return existsSync(join(dir, MARKER));
}

/**
 * Builds the sample workspace in `dir` (an empty or missing folder), or returns the one already
 * there. Refuses a folder that holds anything else, so a real workspace is never touched.
 */
export async function buildSampleWorkspace(dir: string, options: SampleOptions = {}): Promise<SampleWorkspace> {
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { caseId: string; victims: number };
    return { dir, caseId: m.caseId, built: false, victims: m.victims };
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty and is not a sample workspace; the sample is built only in an empty or new folder`);
  }
  const seed = options.seed ?? SAMPLE_SEED;
  const transfers = options.transfers ?? SCALES.small!;
  const paths = ensureWorkspace(dir);
  const dataDir = join(dir, 'sample-data');
  const progress = options.onProgress ?? (() => {});
  try {
    progress('generating the synthetic world', 0, 5);
    // With campaigns: earlier heists by the same thief and heists by other groups, each its own
    // case below, so that comparing cases (issue 16) has something to find in the sample.
    const truth: WorldTruth = generateWorld({ seed, transfers, out: dataDir, campaigns: true });
    const campaigns = JSON.parse(readFileSync(join(dataDir, truth.campaigns!), 'utf8')) as CampaignTruth;
    const db = openStore(paths.store);
    try {
      progress('importing Bitcoin blocks', 1, 5);
      await importDataset(db, { paths: [join(dataDir, truth.files.bitcoin)] });
      progress('importing Ethereum', 2, 5);
      await importDataset(db, { paths: [join(dataDir, truth.files.ethereum)], chain: truth.chains.eth });
      progress('importing Tron', 3, 5);
      await importDataset(db, { paths: [join(dataDir, truth.files.tron)], chain: truth.chains.tron });
      progress('importing the other heists', 4, 5);
      await importDataset(db, { paths: [join(dataDir, campaigns.files.ethereum)], chain: truth.chains.eth });
    } finally {
      db.close();
    }
    // Signed with the sample workspace's own key, never the user's.
    const actor: Actor = { name: 'Cairn sample', now: () => new Date().toISOString(), signer: new WorkspaceKeys(dir).own() };
    const cases = new CaseFiles(paths.cases, new CaseRegistry(dir), () => actor);
    let caseId: string;
    try {
      const c = cases.create(SAMPLE_CASE_NAME, actor);
      caseId = c.summary().id;
      // Every victim is a seed; the canvas starts with the biggest losses on each chain (eight on
      // Ethereum, four on Tron) and the rest wait in the seed list, so the first view is readable.
      const largest = (chain: string, symbol: string, n: number) =>
        truth.victims
          .filter((v) => v.chain === chain)
          .map((v) => ({ v, amount: BigInt(v.stolen.find((s) => s.symbol === symbol)?.amount ?? '0') }))
          .sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1))
          .slice(0, n)
          .map((x) => x.v);
      const shown = new Set([...largest(truth.chains.eth, 'ETH', 8), ...largest(truth.chains.tron, 'USDT', 4)]);
      const ordered = [...shown, ...truth.victims.filter((v) => !shown.has(v))];
      ordered.forEach((v) => {
        const n = truth.victims.indexOf(v) + 1;
        const what = v.stolen.map((s) => s.symbol).join(' and ');
        edits.addSeed(c, actor, v.chain, v.address, 'victim', `Victim ${n} of ${truth.victims.length}: reported ${what} stolen (synthetic)`);
      });
      const hidden = c.db.prepare('SELECT id FROM node ORDER BY id').pluck().all().slice(shown.size) as number[];
      if (hidden.length) edits.setHidden(c, actor, hidden.map((id) => `n${id}`), true);
      // The sample case itself has no saved trace: a new user runs the first one (and the trace
      // test starts from none). The other heists are cases with their victims and a saved trace.
      heistCases(paths.store, cases, actor, campaigns, truth);
    } finally {
      cases.closeAll();
    }
    // The app opens the sample case on start.
    writeSettings(paths, { investigator: options.investigator ?? '', lastCase: caseId });
    writeFileSync(marker, JSON.stringify({ format: 'cairn-sample/1', seed, transfers, caseId, victims: truth.victims.length, builtAt: new Date().toISOString() }, null, 2) + '\n');
    progress('done', 5, 5);
    return { dir, caseId, built: true, victims: truth.victims.length };
  } catch (error) {
    // Nothing half-built stays behind: the next attempt starts from an empty folder.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
