import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchHit } from '../../../shared/api/schemas';
import { hitKey, hitTarget, moveActive } from '../../../renderer/state/searchHits';

const hit = (h: Partial<SearchHit> & Pick<SearchHit, 'kind' | 'id'>): SearchHit => ({ chain: null, label: h.id, detail: '', caseId: null, ...h });

describe('hitTarget', () => {
  it('opens an address, and the address a label or an actor names', () => {
    const address = '0x1b6392b4a4d4c3e7a0b5c5a1e1f2c3d4e5f662ca';
    for (const kind of ['address', 'label', 'actor'] as const) {
      assert.deepEqual(hitTarget(hit({ kind, chain: 'eip155:1', id: address, label: 'Huobi' })), { kind: 'address', chain: 'eip155:1', address });
    }
  });

  it('opens a transaction on its chain', () => {
    const hash = '0x' + 'ab'.repeat(32);
    assert.deepEqual(hitTarget(hit({ kind: 'tx', chain: 'eip155:1', id: hash })), { kind: 'tx', chain: 'eip155:1', hash });
  });

  it('opens a case by its id', () => {
    assert.deepEqual(hitTarget(hit({ kind: 'case', id: 'atomic-2023', caseId: 'atomic-2023' })), { kind: 'case', caseId: 'atomic-2023' });
  });

  it('opens a cluster in its case, whether the id carries the case or the hit does', () => {
    assert.deepEqual(hitTarget(hit({ kind: 'cluster', id: 'c3', caseId: 'atomic-2023' })), { kind: 'cluster', caseId: 'atomic-2023', clusterId: 'c3' });
    assert.deepEqual(hitTarget(hit({ kind: 'cluster', id: 'atomic-2023/c12' })), { kind: 'cluster', caseId: 'atomic-2023', clusterId: 'c12' });
  });

  it('answers null for a hit that names nothing to open', () => {
    assert.equal(hitTarget(hit({ kind: 'actor', id: 'lazarusgroup' })), null);
    assert.equal(hitTarget(hit({ kind: 'cluster', id: 'c3' })), null);
    assert.equal(hitTarget(hit({ kind: 'cluster', id: 'atomic-2023/not-a-cluster' })), null);
  });
});

describe('moveActive', () => {
  it('moves down and up through the hits, wrapping at either end', () => {
    assert.equal(moveActive(0, 1, 3), 1);
    assert.equal(moveActive(2, 1, 3), 0);
    assert.equal(moveActive(0, -1, 3), 2);
    assert.equal(moveActive(-1, 1, 3), 0);
    assert.equal(moveActive(-1, -1, 3), 2);
    assert.equal(moveActive(1, 1, 0), -1);
  });
});

it('keys two labels on one address apart', () => {
  const a = hit({ kind: 'label', chain: 'eip155:1', id: '0xabc', label: 'Huobi' });
  assert.notEqual(hitKey(a, 0), hitKey({ ...a, label: 'Huobi 7' }, 1));
});
