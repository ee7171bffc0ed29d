import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExposureRow, Label, ScreenRow } from '../../../shared/api/schemas';
import { csvField, exposureWords, screenCsv, SCREEN_CSV_HEADER, toCsv } from '../../../renderer/format/screenCsv';
import { parseCsv } from './csvReader';


const ETH = { id: 1, chain: 'eip155:1', contract: null, symbol: 'ETH', decimals: 18 };

const ofac: Label = {
  label: 'Garantex Europe OU, "Garantex"',
  category: 'exchange',
  abuse: 'sanction',
  confidence: 'authority_data',
  confidenceScore: 60,
  source: 'https://sanctionssearch.ofac.treas.gov/',
  context: null,
  actor: null,
  actorName: null,
  lastmod: '2022-04-05',
  set: { id: 2, title: 'OFAC SDN (ETH)', kind: 'ofac' },
};

const sanctionRow: ExposureRow = {
  category: 'sanction',
  direction: 'received',
  asset: ETH,
  // Above 2^64 base units: must come out exact.
  total: '18446744073709551617000',
  count: 2,
  counterparties: [{ chain: 'eip155:1', address: '0x6f1ca141a28907f78ebaa64fb83a9088b02a8352', display: '0x6F1cA141A28907F78Ebaa64fb83A9088b02A8352', label: 'Garantex', amount: '18446744073709551617000' }],
};

const rows: ScreenRow[] = [
  {
    input: '0x6f1ca141a28907f78ebaa64fb83a9088b02a8352',
    line: 1,
    chain: 'eip155:1',
    address: '0x6f1ca141a28907f78ebaa64fb83a9088b02a8352',
    display: '0x6F1cA141A28907F78Ebaa64fb83A9088b02A8352',
    verdict: 'sanctioned',
    labels: [ofac],
    exposure: [],
    reason: null,
  },
  {
    input: 'eth,0x00000000219ab540356cbb839cbe05303d7705fa',
    line: 3,
    chain: 'eip155:1',
    address: '0x00000000219ab540356cbb839cbe05303d7705fa',
    display: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
    verdict: 'exposed',
    labels: [],
    exposure: [sanctionRow],
    reason: 'directly paid by sanction',
  },
  { input: '=HYPERLINK("http://x")', line: 4, chain: null, address: null, display: null, verdict: 'invalid', labels: [], exposure: [], reason: 'not an address of a chain Cairn knows' },
];

describe('CSV fields', () => {
  it('quotes only what needs it and doubles quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(' padded'), '" padded"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(12), '12');
  });

  it('keeps a cell a spreadsheet would run as a formula as text', () => {
    assert.equal(csvField('=1+2'), "'=1+2");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('+31 20 555'), "'+31 20 555");
    assert.equal(csvField('=A1,B1'), '"\'=A1,B1"');
  });

  it('ends every row with CRLF, as RFC 4180 has it', () => {
    assert.equal(toCsv([['a', 'b'], ['c', 'd,e']]), 'a,b\r\nc,"d,e"\r\n');
  });
});

describe('screenCsv', () => {
  it('writes one row per screened line under the header, reading back field for field, amounts exact', () => {
    const table = parseCsv(screenCsv(rows));
    assert.deepEqual(table[0], [...SCREEN_CSV_HEADER]);
    assert.equal(table.length, 1 + rows.length);
    assert.deepEqual(table[1], [
      '1',
      '0x6f1ca141a28907f78ebaa64fb83a9088b02a8352',
      'eip155:1',
      '0x6F1cA141A28907F78Ebaa64fb83A9088b02A8352',
      'sanctioned',
      'Garantex Europe OU, "Garantex" (exchange, sanction; OFAC SDN (ETH))',
      '',
      '',
    ]);
    assert.deepEqual(table[2], [
      '3',
      'eth,0x00000000219ab540356cbb839cbe05303d7705fa',
      'eip155:1',
      '0x00000000219ab540356cBB839Cbe05303d7705Fa',
      'exposed',
      '',
      'sanction received 18,446.744073709551617 ETH (2 transfers)',
      'directly paid by sanction',
    ]);
    assert.deepEqual(table[3], ['4', '\'=HYPERLINK("http://x")', '', '', 'invalid', '', '', 'not an address of a chain Cairn knows']);
  });

  it('says each exposure figure with its category, direction and count', () => {
    assert.deepEqual(exposureWords([{ ...sanctionRow, direction: 'sent', count: 1, total: '1500000000000000000' }]), ['sanction sent 1.5 ETH (1 transfer)']);
  });
});
