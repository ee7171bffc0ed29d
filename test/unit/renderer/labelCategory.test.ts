import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressNode, Label } from '../../../shared/api/schemas';
import { ROLE_COLOURS, ROLE_FILLS } from '../../../renderer/graph/graphStyle';
import { colourKeyOf, colourOfCategory, LABEL_COLOURS, LABEL_COLOUR_KEYS, nodeColourKey, SANCTION_COLOUR } from '../../../renderer/graph/labelCategory';

const label = (category: string | null, abuse: string | null = null): Label => ({
  label: 'x',
  category,
  abuse,
  confidence: null,
  confidenceScore: null,
  source: null,
  context: null,
  actor: null,
  actorName: null,
  lastmod: null,
  set: { id: 1, title: 't', kind: 'tagpack' },
});

describe('colourKeyOf', () => {
  it('maps the GraphSense concepts of the real packs to a few colours', () => {
    assert.equal(colourKeyOf('exchange'), 'exchange');
    assert.equal(colourKeyOf('Exchange '), 'exchange');
    assert.equal(colourKeyOf('mixing_service'), 'mixing_service');
    assert.equal(colourKeyOf('defi_bridge'), 'bridge');
    assert.equal(colourKeyOf('bridge'), 'bridge');
    assert.equal(colourKeyOf('darknet_market'), 'illicit', 'illicit before market');
    assert.equal(colourKeyOf('defi_dex'), 'defi');
    assert.equal(colourKeyOf('wallet_service'), 'wallet_service');
    assert.equal(colourKeyOf('market'), 'market');
    assert.equal(colourKeyOf('gambling'), 'gambling');
    assert.equal(colourKeyOf('miner'), 'miner');
    assert.equal(colourKeyOf('mining_service'), 'miner');
  });

  it('puts everything illicit under one red: perpetrators, scams, sanctions, and any abuse without a category', () => {
    assert.equal(colourKeyOf('perpetrator'), 'illicit');
    assert.equal(colourKeyOf('scam'), 'illicit');
    assert.equal(colourKeyOf('sanction'), 'illicit');
    assert.equal(colourKeyOf(null, 'ransomware'), 'illicit');
    // A category says what the service is even when it is also abused (a sanctioned exchange).
    assert.equal(colourKeyOf('exchange', 'sanction'), 'exchange');
  });

  it('has a colour for other words, none for nothing', () => {
    assert.equal(colourKeyOf('user'), 'other');
    assert.equal(colourKeyOf('payment_processor'), 'other');
    assert.equal(colourKeyOf(null), null);
    assert.equal(colourKeyOf('  '), null);
    assert.equal(colourOfCategory('exchange'), LABEL_COLOURS.exchange);
  });
});

describe('label colours', () => {
  it('are all different, and none is a seed role colour or the sanction ring', () => {
    const colours = LABEL_COLOUR_KEYS.map((k) => LABEL_COLOURS[k].toLowerCase());
    assert.equal(new Set(colours).size, colours.length);
    const reserved = [...Object.values(ROLE_COLOURS), ...Object.values(ROLE_FILLS), SANCTION_COLOUR].map((c) => c.toLowerCase());
    for (const c of colours) assert.ok(!reserved.includes(c), c);
  });
});

describe('nodeColourKey', () => {
  const tag = (category: AddressNode['tags'][number]['category']) => ({ id: 1, label: 'mine', category, confidence: 50, source: '', note: '', createdAt: '', createdBy: '' });

  it("follows the investigator's tag first, then the best label", () => {
    assert.equal(nodeColourKey({ tags: [tag('mixing_service')], labels: [label('exchange')] }), 'mixing_service');
    assert.equal(nodeColourKey({ tags: [tag(null)], labels: [label('exchange')] }), 'exchange');
    assert.equal(nodeColourKey({ tags: [], labels: [label(null, 'scam'), label('exchange')] }), 'illicit');
    assert.equal(nodeColourKey({ tags: [], labels: undefined }), null);
  });
});
