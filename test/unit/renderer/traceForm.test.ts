import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STOP_CATEGORIES, TraceSpec } from '../../../shared/api/traceSchemas';
import { defaultLinkSearch, defaultTraceForm, defaultTraceName, linkSearchOf, parseRates, traceSpecOf, utcDaySeconds } from '../../../renderer/state/traceForm';

const victims = [
  { chain: 'eip155:1', address: '0xd2c7605d60f2dfb801ed63cffe1425cef922e2ed', display: '0xd2C7605d60F2dFB801ED63CFFe1425Cef922E2ed' },
  { chain: 'tron:0x2b6653dc', address: 'TGpZ8mWg6ryKro6NqMMgqNPEhhYDfe7qCs', display: 'TGpZ8mWg6ryKro6NqMMgqNPEhhYDfe7qCs' },
];

describe('traceSpecOf', () => {
  it('makes the default FIFO spec from the form as it opens: 6 hops, the default stops, hubs stop', () => {
    const made = traceSpecOf(defaultTraceForm(), victims);
    assert.ok(made.ok);
    const spec = TraceSpec.parse(made.spec);
    assert.equal(spec.method, 'fifo');
    assert.equal(spec.maxHops, 6);
    assert.deepEqual(spec.sources, victims.map((v) => ({ kind: 'address', chain: v.chain, address: v.address })));
    assert.deepEqual(spec.stopAt.categories, [...DEFAULT_STOP_CATEGORIES]);
    assert.ok(spec.stopAt.categories.includes('exchange') && spec.stopAt.categories.includes('mixing_service'));
    assert.equal(spec.stopAt.hubs, true);
    assert.equal(spec.since, null);
    assert.equal(spec.minAmount, null);
  });

  it('turns dates into whole UTC days, and keeps the method, dust and stops chosen', () => {
    const made = traceSpecOf({ ...defaultTraceForm(), method: 'haircut', maxHops: '12', since: '2023-05-25', until: '2023-05-26', minAmount: '0.01', stopCategories: ['exchange'], hubs: false }, victims);
    assert.ok(made.ok);
    assert.equal(made.spec.since, Date.UTC(2023, 4, 25) / 1000);
    assert.equal(made.spec.until, Date.UTC(2023, 4, 27) / 1000 - 1, 'the last second of the 26th');
    assert.equal(made.spec.method, 'haircut');
    assert.equal(made.spec.maxHops, 12);
    assert.equal(made.spec.minAmount, '0.01');
    assert.deepEqual(made.spec.stopAt, { categories: ['exchange'], hubs: false });
  });

  it('names each problem at its field and sends nothing', () => {
    const made = traceSpecOf({ ...defaultTraceForm(), maxHops: '0', since: '2023-05-26', until: '2023-05-25', minAmount: '1,000' }, []);
    assert.ok(!made.ok);
    assert.match(made.problems.maxHops!, /1 to 50/);
    assert.match(made.problems.until!, /before its start/);
    assert.match(made.problems.minAmount!, /decimal amount/);
    assert.match(made.problems.sources!, /Select the addresses/);
    const hops = traceSpecOf({ ...defaultTraceForm(), maxHops: '51' }, victims);
    assert.ok(!hops.ok && hops.problems.maxHops);
    const decimal = traceSpecOf({ ...defaultTraceForm(), maxHops: '2.5' }, victims);
    assert.ok(!decimal.ok && decimal.problems.maxHops);
  });

  it('refuses a day that does not exist', () => {
    assert.equal(utcDaySeconds('2024-02-30', 'start'), null);
    assert.equal(utcDaySeconds('2024-02-29', 'start'), Date.UTC(2024, 1, 29) / 1000);
    assert.equal(utcDaySeconds('29/02/2024', 'start'), null);
  });

  it('names a trace by its method and sources when none is typed', () => {
    assert.equal(defaultTraceName('fifo', victims, 'victims'), 'FIFO from 2 victims');
    assert.equal(defaultTraceName('poison', victims.slice(0, 1), 'victims'), 'Poison from 0xd2C7605d60F2dFB801ED63CFFe1425Cef922E2ed');
  });
});

describe('link search', () => {
  it('reads rates as exact decimal strings, refusing what is not a rate', () => {
    assert.deepEqual(parseRates('ETH/BTC=0.06, ETH/USDT = 3000'), { ok: true, rates: { 'ETH/BTC': '0.06', 'ETH/USDT': '3000' } });
    assert.deepEqual(parseRates(''), { ok: true, rates: {} });
    for (const bad of ['ETH=0.06', 'ETH/BTC=', 'ETH/BTC=-1', 'ETH/BTC=0', 'ETH/BTC=1e3', 'ETH/BTC=1=2']) assert.equal(parseRates(bad).ok, false, bad);
    assert.equal(parseRates('ETH/BTC=0.06, ETH/BTC=0.07').ok, false, 'a pair given twice');
  });

  it('sends the window in seconds with the tolerance, fee and rates', () => {
    const made = linkSearchOf({ ...defaultLinkSearch(), windowHours: '1.5', rates: 'ETH/BTC=0.06' });
    assert.ok(made.ok);
    assert.deepEqual(made.search, { window: 5400, tolerancePct: 2, feePct: 0.5, rates: { 'ETH/BTC': '0.06' } });
    const bad = linkSearchOf({ windowHours: '0', tolerancePct: '60', feePct: 'x', rates: 'nope' });
    assert.ok(!bad.ok);
    assert.deepEqual(Object.keys(bad.problems).sort(), ['feePct', 'rates', 'tolerancePct', 'windowHours']);
  });
});
