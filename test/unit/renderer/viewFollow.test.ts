import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideFollow, fitZoom, MAX_FIT_ZOOM, type DrawnNode, type FollowInput } from '../../../renderer/graph/viewFollow';

/** A node's box around a centre, as GraphCanvas measures it (node plus label room). */
function node(id: string, x: number, y: number): DrawnNode {
  return { id, box: { x1: x - 40, y1: y - 30, x2: x + 40, y2: y + 60 } };
}

/** Twelve seeds in a column 72 apart, as the sample opens. */
const seeds = Array.from({ length: 12 }, (_, i) => node(`n${i + 1}`, 0, i * 72));
const seedIds = new Set(seeds.map((n) => n.id));
/** A view showing the seeds at about their fitted zoom, on a 1000 × 900 canvas. */
const fitted = { view: { x1: -500, y1: -60, x2: 500, y2: 840 }, zoom: 1, width: 1000, height: 900 };

function input(over: Partial<FollowInput>): FollowInput {
  return { nodes: seeds, before: seedIds, auto: false, ...fitted, ...over };
}

describe('decideFollow', () => {
  it('stays put when nothing was added or removed', () => {
    assert.deepEqual(decideFollow(input({ auto: true })), { kind: 'stay' });
    assert.deepEqual(decideFollow(input({})), { kind: 'stay' });
  });

  it('fits the whole graph when nothing drawn is left in view', () => {
    const elsewhere = { x1: 5000, y1: 5000, x2: 6000, y2: 5900 };
    assert.deepEqual(decideFollow(input({ view: elsewhere })), { kind: 'fit-all' });
  });

  it('keeps following the graph while the investigator has not moved the view', () => {
    const more = [...seeds, node('n13', 280, 0)];
    assert.deepEqual(decideFollow(input({ nodes: more, auto: true })), { kind: 'fit-all' });
    assert.deepEqual(decideFollow(input({ nodes: seeds.slice(1), auto: true })), { kind: 'fit-all' });
  });

  it('brings new nodes off-screen into view, with what was in view', () => {
    // Zoomed in on the first three seeds; an expansion adds two nodes far to the right.
    const view = { x1: -200, y1: -60, x2: 200, y2: 200 };
    const added = [node('a', 900, 0), node('b', 900, 72)];
    const decision = decideFollow(input({ nodes: [...seeds, ...added], view, zoom: 2.5 }));
    assert.equal(decision.kind, 'fit');
    assert.deepEqual(new Set(decision.kind === 'fit' ? decision.ids : []), new Set(['n1', 'n2', 'n3', 'n4', 'a', 'b']));
  });

  it('leaves the view alone when the new nodes are already in it', () => {
    const added = [node('a', 280, 72)];
    assert.deepEqual(decideFollow(input({ nodes: [...seeds, ...added] })), { kind: 'stay' });
  });

  it('refits after an undone hub expansion leaves a speck in a zoomed-out view', () => {
    // The view still fits the hub's 400 neighbours; undo leaves the twelve seeds and the hub.
    const hubView = { x1: -3000, y1: -2000, x2: 6000, y2: 6100 };
    const before = new Set([...seedIds, 'hub', ...Array.from({ length: 400 }, (_, i) => `h${i}`)]);
    const after = [...seeds, node('hub', 280, 0)];
    assert.deepEqual(decideFollow(input({ nodes: after, before, view: hubView, zoom: 0.11 })), { kind: 'fit-all' });
  });

  it('does not refit after a removal that leaves the graph filling the view', () => {
    assert.deepEqual(decideFollow(input({ nodes: seeds.slice(0, 11) })), { kind: 'stay' });
  });

  it('stays with nothing drawn', () => {
    assert.deepEqual(decideFollow(input({ nodes: [] })), { kind: 'stay' });
  });
});

describe('fitZoom', () => {
  it('is the zoom at which the box fills the canvas inside the padding, capped for small graphs', () => {
    assert.equal(fitZoom({ x1: 0, y1: 0, x2: 904, y2: 100 }, 1000, 900), 1);
    assert.equal(fitZoom({ x1: 0, y1: 0, x2: 10, y2: 10 }, 1000, 900), MAX_FIT_ZOOM);
    assert.equal(fitZoom({ x1: 0, y1: 0, x2: 100, y2: 1608 }, 1000, 900), 0.5);
  });
});
