import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributionEntry, CaseMatch, CaseSignature, Comparison, LaunderingStep } from '../../../shared/api/attributionSchemas';
import type { Graph } from '../../../shared/api/schemas';
import { draftChanged, draftClears, draftOf, parseConfidence, referTo, unrefer } from '../../../renderer/state/attributionDraft';
import { groundEvidence, groundsWithEvidence, nodesOfAddresses } from '../../../renderer/state/attributionEvidence';

const ETH = { chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };

function step(kind: LaunderingStep['kind'], extra: Partial<LaunderingStep> = {}): LaunderingStep {
  return { kind, rule: 'r', chain: 'eip155:1', addresses: [], service: null, start: 0, end: 0, sinceTheft: 0, amounts: [], size: 2, txs: [], txCount: 0, traceId: 1, ...extra };
}

function signature(extra: Partial<CaseSignature> = {}): CaseSignature {
  return { caseId: 'mine', caseName: 'Mine', theftTime: 0, steps: [], services: [], stolen: [], traces: [{ id: 1, name: 't', method: 'fifo' }], ...extra };
}

function match(caseId: string, name: string, extra: Partial<CaseMatch> = {}): CaseMatch {
  return {
    case: caseId,
    caseName: name,
    score: 0.5,
    parts: [],
    sharedServices: [],
    sequence: { distance: 0, similarity: 0, aligned: [] },
    timing: { similarity: 0, why: '' },
    sharedAddresses: [],
    meetings: [],
    ...extra,
  };
}

const heist2 = match('heist-2', 'Heist 2', {
  score: 0.8,
  sequence: {
    distance: 1,
    similarity: 0.83,
    aligned: [
      { a: { kind: 'consolidation', index: 0 }, b: { kind: 'consolidation', index: 0 }, op: 'match' },
      { a: { kind: 'mixer', index: 1 }, b: { kind: 'coinjoin', index: 1 }, op: 'substitute' },
    ],
  },
  sharedServices: [{ name: 'Eddy mixer', category: 'mixing_service', weight: 1.1, casesUsing: 2 }],
  meetings: [
    { kind: 'same-cluster', chain: 'eip155:1', address: null, cluster: 'e9', txs: ['t9'], tx: 't9', amounts: { mine: [{ asset: ETH, amount: '1' }] } },
    { kind: 'same-address', chain: 'eip155:1', address: '0xab12cd34ef56ab12cd34ef56ab12cd34ef569f01', cluster: null, txs: ['t1'], tx: 't1', amounts: { mine: [{ asset: ETH, amount: '12500000000000000000' }], 'heist-2': [{ asset: ETH, amount: '3000000000000000000' }] } },
  ],
});
const other = match('other-actor', 'Other actor', { score: 0.2, sequence: { distance: 3, similarity: 0.25, aligned: [{ a: { kind: 'fan-out', index: 0 }, b: { kind: 'fan-out', index: 0 }, op: 'match' }] } });
const lone = match('lone', 'Lone', { score: 0.05 });
const comparison: Comparison = { case: 'mine', matches: [heist2, other, lone], skipped: [{ case: 'empty', reason: 'no saved trace' }] };

describe('groundEvidence', () => {
  it('names the sequence similarity with each similar case, most similar first', () => {
    const lines = groundEvidence('steps', 'mine', signature({ steps: [step('consolidation'), step('mixer')] }), comparison);
    assert.equal(lines[0]!.text, 'This case: consolidation → mixer');
    assert.equal(lines[1]!.text, 'sequence similarity 0.83 with “Heist 2” (1 of 2 aligned steps the same)');
    assert.deepEqual(lines[1]!.cases, ['heist-2']);
    assert.equal(lines[2]!.text, 'sequence similarity 0.25 with “Other actor” (1 of 1 aligned steps the same)');
    assert.equal(lines.length, 3, 'a case with no similarity is not listed');
  });

  it('names shared services with how many of the cases compared used them', () => {
    const sig = signature({ services: [{ name: 'Eddy mixer', category: 'mixing_service', chain: 'eip155:1', addresses: [], amounts: [], hops: 2, via: 'label' }] });
    const lines = groundEvidence('services', 'mine', sig, comparison);
    assert.equal(lines[0]!.text, 'This case’s funds reached Eddy mixer (mixing service)');
    // Four cases compared: this one and the three matches (the skipped one is not).
    assert.equal(lines[1]!.text, 'shared with “Heist 2”: Eddy mixer (used by 2 of 4 cases)');
    assert.equal(lines.length, 2);
  });

  it('names where the funds meet, a drawable meeting before a wallet, with this case’s exact value', () => {
    const lines = groundEvidence('commingling', 'mine', null, comparison);
    assert.deepEqual(
      lines.map((l) => l.text),
      ['meets “Heist 2” at 0xab12cd…9f01 with 12.5 ETH of this case’s funds (and 1 more place)'],
    );
    const none = groundEvidence('commingling', 'mine', null, { ...comparison, matches: [other] });
    assert.match(none[0]!.text, /meet no other case/);
    assert.deepEqual(none[0]!.cases, []);
  });

  it('gives the conclusion the ranking and the cases left out, never a verdict', () => {
    const lines = groundEvidence('conclusion', 'mine', signature({ stolen: [{ asset: ETH, amount: '20000000000000000000' }] }), comparison).map((l) => l.text);
    assert.deepEqual(lines, ['Traced from the theft: 20 ETH', 'closest of 3 cases compared: “Heist 2” 0.80, “Other actor” 0.20, “Lone” 0.05', '1 case was not compared (no saved trace, or unreadable)']);
  });

  it('is empty while nothing is read yet', () => {
    for (const g of ['steps', 'services', 'commingling', 'conclusion'] as const) assert.deepEqual(groundEvidence(g, 'mine', null, null), []);
  });
});

describe('groundsWithEvidence', () => {
  it('refers to a case on the grounds where Cairn found evidence, and in the conclusion', () => {
    assert.deepEqual(groundsWithEvidence(heist2), ['steps', 'services', 'commingling', 'conclusion']);
    assert.deepEqual(groundsWithEvidence(other), ['steps', 'conclusion']);
    assert.deepEqual(groundsWithEvidence(lone), ['conclusion']);
  });
});

describe('attribution drafts', () => {
  const entry: AttributionEntry = { ground: 'commingling', text: 'Met at the wallet.', confidence: 70, cases: ['heist-2'], updatedAt: '2025-01-02T03:04:05Z', updatedBy: 'Ann' };

  it('reads confidence as typed: empty is not stated, 0–100 whole numbers, anything else invalid', () => {
    assert.equal(parseConfidence(''), null);
    assert.equal(parseConfidence(' 0 '), 0);
    assert.equal(parseConfidence('100'), 100);
    assert.equal(parseConfidence('101'), 'invalid');
    assert.equal(parseConfidence('7.5'), 'invalid');
    assert.equal(parseConfidence('-1'), 'invalid');
  });

  it('tells what Save would change', () => {
    const d = draftOf(entry);
    assert.equal(draftChanged(d, entry), false);
    assert.equal(draftChanged({ ...d, text: ' Met at the wallet. ' }, entry), false, 'surrounding spaces are not a change');
    assert.equal(draftChanged({ ...d, confidence: '70' }, entry), false);
    assert.equal(draftChanged({ ...d, confidence: '' }, entry), true);
    assert.equal(draftChanged(referTo(d, 'other'), entry), true);
    assert.equal(draftChanged(referTo(d, 'heist-2'), entry), false, 'a case referred twice is once');
    assert.equal(draftChanged(unrefer(d, 'heist-2'), entry), true);
    assert.equal(draftChanged(draftOf(undefined), undefined), false);
  });

  it('knows a draft with no words and no confidence clears the ground', () => {
    assert.equal(draftClears({ text: '  ', confidence: '', cases: ['heist-2'] }), true);
    assert.equal(draftClears({ text: '', confidence: '0', cases: [] }), false);
    assert.equal(draftClears({ text: 'x', confidence: '', cases: [] }), false);
  });
});

describe('nodesOfAddresses', () => {
  it('finds drawn address nodes and entity nodes holding one, on the step’s chain only', () => {
    const graph = {
      nodes: [
        { kind: 'address', id: 'n1', chain: 'eip155:1', address: '0xa', hidden: false },
        { kind: 'address', id: 'n2', chain: 'eip155:1', address: '0xb', hidden: true },
        { kind: 'address', id: 'n3', chain: 'eip155:56', address: '0xa', hidden: false },
        { kind: 'entity', id: 'w4', chain: 'eip155:1', members: [{ address: '0xc' }], hidden: false },
        { kind: 'more', id: 'm5', hidden: false },
      ],
    } as unknown as Graph;
    assert.deepEqual(nodesOfAddresses(graph, 'eip155:1', ['0xa', '0xb', '0xc', '0xd']), ['n1', 'w4']);
    assert.deepEqual(nodesOfAddresses(graph, 'eip155:1', ['0xd']), []);
  });
});
