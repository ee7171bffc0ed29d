import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressLabels,
  bandClassFor,
  bandFor,
  bandSpec,
  ellipsize,
  LABEL_BANDS,
  MIN_LABEL_PX,
  SANCTION_PREFIX,
  TAG_CHARS,
} from '../../../renderer/graph/labelDetail';

/** Width of a monospace label in model pixels (0.6 em a character). */
const monoWidth = (chars: number, font: number) => 0.6 * chars * font;

describe('label bands', () => {
  it('draws every label 10–22 px high on screen, at either end of its band', () => {
    for (let i = 1; i < LABEL_BANDS.length; i++) {
      const b = LABEL_BANDS[i]!;
      const upTo = LABEL_BANDS[i + 1]?.from ?? 4; // the canvas's maxZoom
      for (const [what, font] of [
        ['node', b.node],
        ['edge', b.edge],
        ['cluster', b.cluster],
        ['tx', b.tx],
      ] as const) {
        if (font === 0) continue;
        assert.ok(font * b.from >= MIN_LABEL_PX, `${b.band} ${what}: ${font * b.from} px at zoom ${b.from}`);
        assert.ok(font * upTo <= 22, `${b.band} ${what}: ${font * upTo} px at zoom ${upTo}`);
      }
    }
  });

  it('gives way when zoomed out: below the distant band address and edge labels would be under the minimum, so they are not drawn', () => {
    const far = bandSpec('far');
    const distant = bandSpec('distant');
    assert.ok(far.node * distant.from <= MIN_LABEL_PX);
    assert.ok(far.edge * distant.from <= MIN_LABEL_PX);
    // Cluster names stay as landmarks a little further out.
    assert.ok(far.cluster * distant.from > MIN_LABEL_PX);
    // Edge amounts only from the overview band on.
    assert.equal(distant.edge, 0);
  });

  it('picks the band by zoom', () => {
    assert.equal(bandFor(0.1).band, 'far');
    assert.equal(bandFor(0.36).band, 'distant');
    assert.equal(bandFor(0.4).band, 'overview');
    assert.equal(bandFor(0.9).band, 'normal');
    assert.equal(bandFor(1.5).band, 'near');
    assert.equal(bandFor(4).band, 'close');
  });

  it('styles by class only what differs from the overview look, and cluster names at far too', () => {
    assert.equal(bandClassFor('address', 'far'), null);
    assert.equal(bandClassFor('edge', 'overview'), null);
    assert.equal(bandClassFor('cluster', 'far'), 'band-far');
    assert.equal(bandClassFor('address', 'normal'), 'band-normal');
    assert.equal(bandClassFor('tx', 'close'), 'band-close');
  });

  it('keeps a label line inside a grid column (220 model pixels, labels wrap at 190)', () => {
    assert.ok(monoWidth(TAG_CHARS.overview, bandSpec('overview').node) <= 190);
    assert.ok(monoWidth(TAG_CHARS.normal, bandSpec('normal').node) <= 190);
    assert.ok(monoWidth(TAG_CHARS.full, bandSpec('near').node) <= 190);
    // A short address ("0xd2C7…E2ed") at overview size.
    assert.ok(monoWidth(11, bandSpec('overview').node) <= 190);
    // The distant band's one line, short address or tag, unwrapped, with a gap to the next column's.
    assert.ok(monoWidth(TAG_CHARS.overview, bandSpec('distant').node) <= 200);
    assert.ok(monoWidth(11, bandSpec('distant').node) <= 200);
  });
});

describe('addressLabels', () => {
  it('shows the first tag when zoomed out, short address and tag at normal zoom, everything close up', () => {
    const l = addressLabels('0x8E1b…4567', '0x8E1b2C3D4e5F60718293A4b5C6d7E8F901234567', ['Garantex', 'exchange deposit', 'OFAC', 'seen 2023']);
    assert.equal(l.brief, 'Garantex');
    assert.equal(l.label, '0x8E1b…4567\nGarantex');
    assert.equal(l.full, '0x8E1b2C3D4e5F60718293A4b5C6d7E8F901234567\nGarantex\nexchange deposit\nOFAC\n+1 more tags');
    assert.deepEqual(addressLabels('bc1q…x0wl', 'bc1qfull', []), { brief: 'bc1q…x0wl', label: 'bc1q…x0wl', full: 'bc1qfull' });
  });

  it('cuts a 200-character tag with an ellipsis at every band', () => {
    const long = 'Lazarus Group '.repeat(15);
    const l = addressLabels('0x8E1b…4567', '0x8E1b', [long]);
    assert.equal(Array.from(l.brief).length, TAG_CHARS.overview);
    assert.equal(Array.from(l.label.split('\n')[1]!).length, TAG_CHARS.normal);
    assert.ok(l.full.split('\n')[1]!.endsWith('…'));
  });

  it('names a node by its case tag first, then by its labels, each name once, counting the labels not listed', () => {
    const l = addressLabels('0x8E1b…4567', '0x8E1bfull', ['Thief deposit'], { labels: ['Huobi', 'Thief deposit', 'Huobi 7'], labelCount: 9 });
    assert.equal(l.brief, 'Thief depo…');
    assert.equal(l.label, '0x8E1b…4567\nThief deposit');
    // Tag, then the labels not already said; 6 labels the graph did not send, 1 name beyond FULL_TAGS.
    assert.equal(l.full, '0x8E1bfull\nThief deposit\nHuobi\nHuobi 7\n+6 more');
    const labelled = addressLabels('0x8E1b…4567', '0x8E1bfull', [], { labels: ['Northwind Exchange'], labelCount: 1 });
    assert.deepEqual(labelled, { brief: 'Northwind…', label: '0x8E1b…4567\nNorthwind Exchange', full: '0x8E1bfull\nNorthwind Exchange' });
    assert.equal(addressLabels('s', 'd', [], { labels: ['a', 'b', 'c', 'd'], labelCount: 4 }).full, 'd\na\nb\nc\n+1 more labels');
  });

  it('marks a sanctioned address at every band, inside the same lengths', () => {
    const l = addressLabels('0x8E1b…4567', '0x8E1bfull', [], { labels: ['Garantex Europe OU'], labelCount: 1, sanctioned: true });
    assert.ok(l.brief.startsWith(SANCTION_PREFIX));
    assert.equal(Array.from(l.brief).length, TAG_CHARS.overview);
    assert.equal(l.label, `0x8E1b…4567\n${SANCTION_PREFIX}Garantex Europe OU`);
    assert.equal(l.full.split('\n')[1], `${SANCTION_PREFIX}Garantex Europe OU`);
  });
});

describe('ellipsize', () => {
  it('leaves short text alone and cuts long text to the length with an ellipsis', () => {
    assert.equal(ellipsize('Sinbad', 10), 'Sinbad');
    assert.equal(ellipsize('Sinbad mixer deposit', 10), 'Sinbad mi…');
    assert.equal(ellipsize('Sinbad mixer deposit', 8), 'Sinbad…');
  });
});
