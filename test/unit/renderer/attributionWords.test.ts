import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STEP_KINDS } from '../../../shared/api/attributionSchemas';
import type { AssetAmount, Meeting } from '../../../shared/api/attributionSchemas';
import { related } from '../../../electron/core/analysis/attribution/compare';
import {
  amountsText,
  formatDuration,
  formatScore,
  formatSinceTheft,
  meetingPlace,
  meetingSentence,
  meetingShares,
  orderMeetings,
  pairMark,
  partContribution,
  relatedKinds,
  stepTitle,
} from '../../../renderer/format/attributionWords';

const ETH = { chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };
const USDT = { chain: 'eip155:1', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const eth = (amount: string): AssetAmount => ({ asset: ETH, amount });
const usdt = (amount: string): AssetAmount => ({ asset: USDT, amount });

function meeting(extra: Partial<Meeting>): Meeting {
  return { kind: 'same-address', chain: 'eip155:1', address: null, cluster: null, txs: [], tx: null, amounts: {}, ...extra };
}

describe('stepTitle', () => {
  it('says each sized step with its count, singular or plural', () => {
    assert.equal(stepTitle({ kind: 'peel-chain', size: 7 }), 'Peel chain of 7 links');
    assert.equal(stepTitle({ kind: 'peel-chain', size: 1 }), 'Peel chain of 1 link');
    assert.equal(stepTitle({ kind: 'fan-out', size: 12 }), 'Fan-out to 12 addresses');
    assert.equal(stepTitle({ kind: 'fan-out', size: 1 }), 'Fan-out to 1 address');
    assert.equal(stepTitle({ kind: 'fan-in', size: 3 }), 'Fan-in from 3 addresses');
    assert.equal(stepTitle({ kind: 'consolidation', size: 1500 }), 'Consolidation from 1,500 addresses');
    assert.equal(stepTitle({ kind: 'coinjoin', size: 5 }), 'CoinJoin to 5 addresses');
  });

  it('reads a dormancy step’s size as seconds', () => {
    assert.equal(stepTitle({ kind: 'dormancy', size: 12 * 86400 }), 'Dormancy of 12 days');
    assert.equal(stepTitle({ kind: 'dormancy', size: 4.5 * 86400 }), 'Dormancy of 4.5 days');
    assert.equal(stepTitle({ kind: 'dormancy', size: 30 * 3600 }), 'Dormancy of 30 h');
  });

  it('has words for every step kind the back end can send', () => {
    for (const kind of STEP_KINDS) {
      const title = stepTitle({ kind, size: 2 });
      assert.equal(typeof title, 'string', kind);
      assert.ok(title.length > 2 && !title.includes('undefined'), `${kind}: ${title}`);
    }
  });
});

describe('formatDuration and formatSinceTheft', () => {
  it('picks the unit a person would say', () => {
    assert.equal(formatDuration(40), '40 s');
    assert.equal(formatDuration(25 * 60), '25 min');
    assert.equal(formatDuration(3.2 * 3600), '3.2 h');
    assert.equal(formatDuration(3 * 3600), '3 h');
    assert.equal(formatDuration(47 * 3600), '47 h');
    assert.equal(formatDuration(2.25 * 86400), '2.3 days');
    assert.equal(formatDuration(123.4 * 86400), '123 days');
  });

  it('says how long after the theft a step began', () => {
    assert.equal(formatSinceTheft(3.2 * 3600), '+3.2 h after the theft');
    assert.equal(formatSinceTheft(0), 'at the theft');
    assert.equal(formatSinceTheft(null), 'time after the theft unknown');
    assert.equal(formatSinceTheft(-90 * 60), '1.5 h before the theft');
  });
});

describe('amountsText', () => {
  it('shows every asset exactly, digits past a float’s precision kept', () => {
    // 2^53 + 1 wei: a JS number would read it as 2^53.
    assert.equal(amountsText([eth('9007199254740993'), usdt('30000000000')]), '0.009007199254740993 ETH + 30,000 USDT');
    assert.equal(amountsText([eth('12500000000000000000')]), '12.5 ETH');
    assert.equal(amountsText([]), 'no traced value');
  });
});

describe('scores', () => {
  it('shows two decimals and a part’s share of the weighted mean', () => {
    assert.equal(formatScore(0.8349), '0.83');
    assert.equal(formatScore(1), '1.00');
    const parts = [
      { part: 'services' as const, value: 1, weight: 0.5, why: '' },
      { part: 'meetings' as const, value: 0.5, weight: 1.5, why: '' },
    ];
    assert.equal(partContribution(parts[0]!, parts), 0.25);
    assert.equal(partContribution(parts[1]!, parts), 0.375);
  });
});

describe('aligned pairs', () => {
  it('marks the same kind, related kinds, different kinds and gaps', () => {
    assert.equal(pairMark({ a: { kind: 'fan-out', index: 0 }, b: { kind: 'fan-out', index: 2 }, op: 'match' }), 'match');
    assert.equal(pairMark({ a: { kind: 'mixer', index: 1 }, b: { kind: 'coinjoin', index: 1 }, op: 'substitute' }), 'related');
    assert.equal(pairMark({ a: { kind: 'mixer', index: 1 }, b: { kind: 'dormancy', index: 1 }, op: 'substitute' }), 'differs');
    assert.equal(pairMark({ a: null, b: { kind: 'bridge', index: 3 }, op: 'insert' }), 'gap');
    assert.equal(pairMark({ a: { kind: 'bridge', index: 3 }, b: null, op: 'delete' }), 'gap');
  });

  it('holds the same related kinds as the comparison that scores them', () => {
    for (const x of STEP_KINDS) for (const y of STEP_KINDS) if (x !== y) assert.equal(relatedKinds(x, y), related(x, y), `${x} / ${y}`);
  });
});

describe('meetings', () => {
  it('lists the meetings that can be drawn first, otherwise in the comparison’s order', () => {
    const list = [
      meeting({ kind: 'same-cluster', cluster: 'e1', tx: 't1' }),
      meeting({ kind: 'same-address', address: '0xa' }),
      meeting({ kind: 'same-tx', tx: 't2' }),
      meeting({ kind: 'same-deposit', address: '0xb' }),
    ];
    assert.deepEqual(orderMeetings(list).map((m) => m.address ?? m.cluster ?? m.tx), ['0xa', '0xb', 'e1', 't2']);
    assert.deepEqual(list.map((m) => m.kind)[0], 'same-cluster', 'the input is left as it was');
  });

  it('puts this case’s share first, then the other case’s', () => {
    const m = meeting({ amounts: { zeta: [eth('1')], other: [eth('2')], alpha: [eth('3')], mine: [eth('4')] } });
    assert.deepEqual(meetingShares(m, 'mine', 'other').map((s) => [s.caseId, s.isThis]), [['mine', true], ['other', false], ['alpha', false], ['zeta', false]]);
  });

  it('says a meeting as an evidence line with this case’s exact value', () => {
    const m = meeting({ address: '0xab12cd34ef56ab12cd34ef56ab12cd34ef569f01', amounts: { mine: [eth('12500000000000000000')], other: [eth('1')] } });
    assert.equal(meetingSentence(m, 'mine', 'Heist 2'), 'meets “Heist 2” at 0xab12cd…9f01 with 12.5 ETH of this case’s funds');
    assert.equal(meetingPlace(meeting({ cluster: 'e42' })), 'in wallet e42');
    assert.equal(meetingPlace(meeting({ tx: 'ffeeddccbbaa99887766' })), 'in tx ffeeddcc…7766');
  });
});
