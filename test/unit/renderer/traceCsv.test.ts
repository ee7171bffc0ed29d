import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { traceCsv, TRACE_CSV_HEADER } from '../../../renderer/format/traceCsv';
import { parseCsv } from './csvReader';
import { sampleResult, TO_B, TO_C, C, E, X } from './traceFixture';


describe('traceCsv', () => {
  const table = parseCsv(traceCsv(sampleResult()));
  const col = (name: (typeof TRACE_CSV_HEADER)[number]) => TRACE_CSV_HEADER.indexOf(name);

  it('has one row per endpoint, then the value still moving, under the header', () => {
    assert.deepEqual(table[0], [...TRACE_CSV_HEADER]);
    assert.equal(table.length, 1 + 2 + 1);
    assert.deepEqual(table.slice(1).map((r) => [r[col('kind')], r[col('address')], r[col('reason')]]), [
      ['endpoint', X, 'stop'],
      ['endpoint', C, 'rest'],
      ['still moving', E, 'limit'],
    ]);
  });

  it('writes amounts exactly, in whole units without grouping and in base units', () => {
    const exchange = table[1]!;
    assert.equal(exchange[col('amount')], '5.999999999999999999');
    assert.equal(exchange[col('amount_base_units')], TO_B);
    assert.equal(table[2]![col('amount')], '4.000000000000000001');
    assert.equal(table[2]![col('amount_base_units')], TO_C);
    assert.equal(table[3]![col('amount')], '5000', 'USDT with 6 decimals');
    assert.equal(exchange[col('asset')], 'ETH');
    assert.equal(table[3]![col('token_contract')], '0xdac17f958d2ee523a2206206994597c13d831ec7');
  });

  it('keeps the label, stop rule, hops, share, UTC times and the path', () => {
    const exchange = table[1]!;
    assert.equal(exchange[col('label')], 'Big Exchange');
    assert.equal(exchange[col('category')], 'exchange');
    assert.equal(exchange[col('stop_rule')], 'category exchange');
    assert.equal(exchange[col('hops')], '3');
    assert.equal(exchange[col('share')], '0.6');
    assert.equal(exchange[col('first_time_utc')], '2023-11-14T22:18:20Z');
    assert.equal(exchange[col('path')], '0xv2 0xab 0xbx');
  });

  it('keeps a label a spreadsheet would run as a formula as text', () => {
    const r = sampleResult();
    r.endpoints[0]!.label = '=HYPERLINK("http://x","Exchange")';
    const row = parseCsv(traceCsv(r))[1]!;
    assert.equal(row[col('label')], '\'=HYPERLINK("http://x","Exchange")');
  });
});
