/**
 * Attribution measured against generated campaigns (issue 16): several heists by one actor that
 * reuse its services, its step sequence and a consolidation wallet where their funds meet, and
 * heists by other actors with other habits. Each heist is a case with a saved FIFO trace, as an
 * investigator would leave it; case.compare must rank the same actor's heists first, find the
 * true meeting point with the exact amounts, and not take a shared common exchange for the same
 * actor. Two seeds, so that nothing is tuned to one world.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Result } from '../../../../shared/api/contract';
import { openBackend } from '../../../../electron/core/backend';
import type { Backend } from '../../../../electron/core/backendTypes';
import type { CampaignTruth } from '../../../../electron/core/synth/campaigns';
import { generateWorld, SYNTH_CHAINS } from '../../../../electron/core/synth/world';
import { REPO, tempDir, writeFile } from '../../helpers';
import { importAndWait, ok } from '../backendHelpers';

const WORKER = join(REPO, 'dist/node/importWorker.cjs');

interface World {
  backend: Backend;
  truth: CampaignTruth;
  /** Heist id → case id. */
  cases: Map<string, string>;
  compared: Map<string, Result<'case.compare'>>;
}

async function waitForTrace(backend: Backend, jobId: string): Promise<void> {
  for (;;) {
    const job = await ok(backend, 'trace.status', { jobId });
    if (job.state !== 'running') {
      assert.equal(job.state, 'done', job.error?.message);
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function buildWorld(seed: string): Promise<World> {
  const dir = tempDir(`cairn-campaigns-${seed}-`);
  const ws = tempDir(`cairn-campaigns-ws-${seed}-`);
  const world = generateWorld({ seed, transfers: 6000, out: dir, campaigns: true });
  const truth = JSON.parse(readFileSync(join(dir, world.campaigns!), 'utf8')) as CampaignTruth;
  const backend = openBackend({ workspaceDir: ws, shell: 'cli', importWorkerScript: WORKER });
  await importAndWait(backend, [join(dir, world.files.ethereum)], 'eth');
  await importAndWait(backend, [join(dir, truth.files.ethereum)], 'eth');
  // The unit's label pack: the campaigns' services, and the world's exchanges and bridge as a
  // label pack would name them.
  const actors = readFileSync(join(dir, world.files.actors), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const labelled = actors.flatMap(([chain, address, actor, role]) =>
    chain !== SYNTH_CHAINS.eth ? [] : /deposit|hot wallet/.test(role!) ? [`${chain},${address},${actor},exchange`] : /lock contract|release wallet/.test(role!) ? [`${chain},${address},${actor},bridge`] : [],
  );
  await ok(backend, 'labels.import', { paths: [join(dir, truth.files.labels), writeFile(dir, 'world-services.csv', ['chain,address,label,category', ...labelled].join('\n'))] });

  const cases = new Map<string, string>();
  for (const heist of truth.heists) {
    const c = await ok(backend, 'case.create', { name: `Heist ${heist.id}` });
    cases.set(heist.id, c.id);
    const { jobId } = await ok(backend, 'trace.start', {
      caseId: c.id,
      name: `Funds of heist ${heist.id}`,
      spec: { method: 'fifo', sources: heist.victims.map((v) => ({ kind: 'address' as const, chain: heist.chain, address: v.address })), maxHops: 12 },
    });
    await waitForTrace(backend, jobId);
  }
  const compared = new Map<string, Result<'case.compare'>>();
  for (const [heist, caseId] of cases) compared.set(heist, await ok(backend, 'case.compare', { caseId }));
  return { backend, truth, cases, compared };
}

const actorOf = (w: World, caseId: string): string => {
  const heist = [...w.cases].find(([, c]) => c === caseId)![0];
  return w.truth.heists.find((h) => h.id === heist)!.actor;
};

for (const seed of ['campaign-one', 'campaign-two']) {
  describe(`generated campaigns (${seed})`, () => {
    let w: World;
    before(async () => {
      w = await buildWorld(seed);
    });
    after(async () => {
      await w?.backend.close();
    });

    test('every heist with a sibling ranks its own actor’s heists above every other actor’s', () => {
      let ranked = 0;
      for (const heist of w.truth.heists) {
        const siblings = w.truth.heists.filter((h) => h.actor === heist.actor && h.id !== heist.id);
        if (siblings.length === 0) continue;
        const matches = w.compared.get(heist.id)!.matches;
        const same = matches.filter((m) => actorOf(w, m.case) === heist.actor);
        const other = matches.filter((m) => actorOf(w, m.case) !== heist.actor);
        assert.equal(same.length, siblings.length, `${heist.id}: every sibling compared`);
        const worstSame = Math.min(...same.map((m) => m.score));
        const bestOther = Math.max(...other.map((m) => m.score));
        assert.ok(worstSame > bestOther, `${heist.id}: lowest same-actor score ${worstSame} above highest other-actor score ${bestOther}\n${matches.map((m) => `${m.caseName} ${m.score} ${m.parts.map((p) => `${p.part}=${p.value.toFixed(2)}`).join(' ')}`).join('\n')}`);
        ranked++;
      }
      assert.ok(ranked >= 5, `heists with a sibling: ${ranked}`);
    });

    test('the true meeting point is found between every pair of heists that meet, with each heist’s exact amount', () => {
      for (const meeting of w.truth.meetings) {
        for (const a of meeting.heists) {
          for (const b of meeting.heists) {
            if (a === b) continue;
            const match = w.compared.get(a)!.matches.find((m) => m.case === w.cases.get(b))!;
            const found = match.meetings.find((m) => m.chain === meeting.chain && m.address === meeting.address);
            assert.ok(found, `${a} meets ${b} at ${meeting.address}: ${JSON.stringify(match.meetings.map((m) => [m.kind, m.address]))}`);
            for (const heist of [a, b]) {
              const got: Record<string, string> = Object.fromEntries(found.amounts[w.cases.get(heist)!]!.map((x) => [x.asset.contract ?? 'native', x.amount]));
              assert.deepEqual(got, meeting.amounts[heist], `${heist}'s value at the meeting point`);
            }
          }
        }
      }
    });

    test('a heist by another actor that shares only a common exchange is not ranked as the same actor on that ground', () => {
      for (const x of w.truth.heists.filter((h) => h.actor === 'X')) {
        const matches = w.compared.get(x.id)!.matches;
        const firstOther = matches.findIndex((m) => actorOf(w, m.case) !== 'X');
        const ys = matches.filter((m) => actorOf(w, m.case) === 'Y');
        for (const y of ys) {
          const services = y.parts.find((p) => p.part === 'services')!;
          assert.ok(y.sharedServices.every((s) => s.category === 'exchange'), `${x.id} and ${y.caseName} share only exchanges: ${JSON.stringify(y.sharedServices)}`);
          const sameActorServices = matches.filter((m) => actorOf(w, m.case) === 'X').map((m) => m.parts.find((p) => p.part === 'services')!.value);
          assert.ok(sameActorServices.every((v) => v > services.value), `${y.caseName}'s services part ${services.value} below every same-actor heist's`);
          assert.ok(matches.indexOf(y) >= firstOther, 'ranked after every same-actor heist');
        }
      }
    });
  });
}
