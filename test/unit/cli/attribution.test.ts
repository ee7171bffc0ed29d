import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { CampaignTruth } from '../../../electron/core/synth/campaigns';
import type { WorldTruth } from '../../../electron/core/synth/world';
import { tempDir } from '../helpers';
import { cairn, json } from './cliRun';

// A generated world with campaigns, imported and traced through the CLI: one case per heist.
const dir = tempDir();
const ws = tempDir();
let truth: CampaignTruth;
const caseOf = new Map<string, string>();

before(() => {
  const gen = cairn(ws, 'generate', '--out', dir, '--seed', 'cli-attribution', '--scale', '6000', '--campaigns');
  assert.equal(gen.code, 0, gen.err);
  const world = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as WorldTruth;
  truth = JSON.parse(readFileSync(join(dir, world.campaigns!), 'utf8')) as CampaignTruth;
  for (const args of [['--chain', 'eth', join(dir, world.files.ethereum)], ['--chain', 'eth', join(dir, truth.files.ethereum)]]) {
    const r = cairn(ws, 'import', ...args);
    assert.equal(r.code, 0, r.err);
  }
  const labels = cairn(ws, 'labels', 'import', join(dir, truth.files.labels));
  assert.equal(labels.code, 0, labels.err);
  for (const heist of truth.heists) {
    const c = json(ws, 'case', 'create', `Heist ${heist.id}`) as { id: string };
    caseOf.set(heist.id, c.id);
    const from = heist.victims.map((v) => `eth:${v.address}`).join(',');
    const t = cairn(ws, 'trace', '--from', from, '--method', 'fifo', '--max-hops', '12', '--case', c.id, '--name', `Funds of ${heist.id}`);
    assert.equal(t.code, 0, t.err);
  }
});

test('cairn case signature lists the steps with their rule, amounts and transactions', () => {
  const x1 = caseOf.get('X1')!;
  const sig = json(ws, 'case', 'signature', x1) as { caseId: string; steps: { kind: string; rule: string; amounts: { amount: string }[]; txs: { tx: string }[]; txCount: number }[]; services: { name: string; category: string }[] };
  assert.equal(sig.caseId, x1);
  const kinds = sig.steps.map((s) => s.kind);
  assert.ok(kinds.includes('consolidation'), kinds.join(' '));
  assert.ok(kinds.includes('mixer'), 'X uses its mixer');
  for (const s of sig.steps) {
    assert.ok(s.rule.length > 10 && s.txCount >= s.txs.length && s.txs.length > 0, `${s.kind}: rule and transactions`);
    for (const a of s.amounts) assert.match(a.amount, /^(0|[1-9][0-9]*)$/);
  }
  assert.ok(sig.services.some((v) => v.category === 'mixing_service'));
  const human = cairn(ws, 'case', 'signature', x1);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /laundering steps? from 1 trace/);
});

test('cairn case compare prints the stable JSON: same-actor heists first, the meeting with each heist’s exact amount', () => {
  const x1 = caseOf.get('X1')!;
  const r = json(ws, 'case', 'compare', x1) as {
    case: string;
    matches: { case: string; score: number; sharedServices: unknown[]; sequence: { distance: number; similarity: number; aligned: unknown[] }; sharedAddresses: unknown[]; meetings: { chain: string; address: string | null; tx: string | null; amounts: Record<string, { asset: { contract: string | null }; amount: string }[]> }[] }[];
  };
  assert.equal(r.case, x1);
  for (const m of r.matches) for (const k of ['case', 'score', 'sharedServices', 'sequence', 'sharedAddresses', 'meetings']) assert.ok(k in m, `match has ${k}`);
  const actorOf = (caseId: string) => truth.heists.find((h) => caseOf.get(h.id) === caseId)!.actor;
  const xs = truth.heists.filter((h) => h.actor === 'X' && h.id !== 'X1').length;
  assert.deepEqual(r.matches.slice(0, xs).map((m) => actorOf(m.case)), Array(xs).fill('X'));
  const meeting = truth.meetings[0]!;
  const x2 = r.matches.find((m) => m.case === caseOf.get('X2'))!;
  const found = x2.meetings.find((m) => m.address === meeting.address)!;
  assert.ok(found && found.tx, 'the meeting and a transaction that brings value there');
  for (const heist of ['X1', 'X2']) {
    assert.deepEqual(Object.fromEntries(found.amounts[caseOf.get(heist)!]!.map((a) => [a.asset.contract ?? 'native', a.amount])), meeting.amounts[heist]);
  }
});

test('cairn case attribution records the investigator’s words, and the report prints them beside the evidence', () => {
  const x1 = caseOf.get('X1')!;
  const x2 = caseOf.get('X2')!;
  const set = json(ws, 'case', 'attribution', x1, '--ground', 'commingling', '--text', 'Funds of X1 and X2 meet in one consolidation wallet.', '--confidence', '80', '--with', x2) as { ground: string; confidence: number; cases: string[] }[];
  assert.deepEqual(set.map((e) => [e.ground, e.confidence, e.cases]), [['commingling', 80, [x2]]]);
  const bad = cairn(ws, 'case', 'attribution', x1, '--ground', 'vibes', '--text', 'x');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--ground takes steps, services, commingling, conclusion/);
  const r = json(ws, 'report', x1, '--out', join(dir, 'x1.html')) as { file: string; sections: string[] };
  assert.ok(r.sections.includes('attribution'));
  const html = readFileSync(r.file, 'utf8');
  assert.ok(html.includes('Funds of X1 and X2 meet in one consolidation wallet.'));
  assert.ok(html.includes('Confidence 80 %'));
  assert.ok(html.includes(truth.meetings[0]!.address), 'the meeting address as evidence');
  const none = json(ws, 'report', x2, '--out', join(dir, 'x2.html')) as { sections: string[] };
  assert.ok(!none.sections.includes('attribution'), 'a case without an attribution has no such section');
});
