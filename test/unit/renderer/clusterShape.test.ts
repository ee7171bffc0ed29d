import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_SHAPE, clusterShape, shapeContains, spanningTree, type Point } from '../../../renderer/graph/clusterShape';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('clusterShape', () => {
  it('draws around two members and leaves out the node between them (seeds in a column, 72 apart)', () => {
    const members = [
      { x: 0, y: 0 },
      { x: 0, y: 144 },
    ];
    const between = { x: 0, y: 72 };
    const others = [between, { x: 0, y: 216 }, { x: 0, y: -72 }];
    const shape = clusterShape(members, others);
    for (const m of members) assert.ok(shapeContains(shape, m), `member ${JSON.stringify(m)} inside`);
    for (const o of others) assert.ok(!shapeContains(shape, o), `non-member ${JSON.stringify(o)} outside`);
    // The members are joined by one bridge that goes round the node between them.
    assert.equal(shape.bridges.length, 1);
    assert.equal(shape.bridges[0]!.length, 3);
    // One piece: a single outline, no holes.
    assert.equal(shape.rings.length, 1);
  });

  it('keeps a non-member on the straight line between two members outside, left to right too', () => {
    const members = [
      { x: 0, y: 0 },
      { x: 560, y: 0 },
    ];
    const others = [
      { x: 280, y: 0 },
      { x: 280, y: 72 },
      { x: 280, y: -72 },
    ];
    const shape = clusterShape(members, others);
    for (const m of members) assert.ok(shapeContains(shape, m));
    for (const o of others) assert.ok(!shapeContains(shape, o), `non-member ${JSON.stringify(o)} outside`);
  });

  it('draws a lone member as a bubble around its node and label', () => {
    const shape = clusterShape([{ x: 10, y: 20 }], []);
    assert.ok(shapeContains(shape, { x: 10, y: 20 }));
    assert.ok(shapeContains(shape, { x: 10, y: 20 + CLUSTER_SHAPE.labelDrop }));
    assert.ok(!shapeContains(shape, { x: 10 + CLUSTER_SHAPE.radius + 4, y: 20 }));
    assert.equal(shape.rings.length, 1);
  });

  it('never covers a non-member centre, on random grids of members and others', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rnd = random(seed);
      const members: Point[] = [];
      const others: Point[] = [];
      // Grid slots as the server places nodes (columns 220 apart, rows 72), randomly assigned.
      for (let c = 0; c < 5; c++) {
        for (let r = 0; r < 8; r++) {
          const p = { x: c * 220, y: r * 72 };
          const roll = rnd();
          if (roll < 0.3) members.push(p);
          else if (roll < 0.8) others.push(p);
        }
      }
      if (members.length === 0) continue;
      const shape = clusterShape(members, others);
      for (const m of members) assert.ok(shapeContains(shape, m), `seed ${seed}: member ${JSON.stringify(m)} inside`);
      for (const o of others) assert.ok(!shapeContains(shape, o), `seed ${seed}: non-member ${JSON.stringify(o)} outside`);
    }
  });

  it('never covers a non-member centre at arbitrary positions either', () => {
    for (let seed = 100; seed < 120; seed++) {
      const rnd = random(seed);
      const pts = Array.from({ length: 30 }, () => ({ x: Math.round(rnd() * 900), y: Math.round(rnd() * 600) }));
      // Nodes are drawn apart: drop any closer than a node's width to one already kept.
      const kept: Point[] = [];
      for (const p of pts) if (kept.every((q) => Math.hypot(p.x - q.x, p.y - q.y) > 2 * CLUSTER_SHAPE.core + 10)) kept.push(p);
      const members = kept.filter((_, i) => i % 3 === 0);
      const others = kept.filter((_, i) => i % 3 !== 0);
      const shape = clusterShape(members, others);
      for (const m of members) assert.ok(shapeContains(shape, m), `seed ${seed}: member inside`);
      for (const o of others) assert.ok(!shapeContains(shape, o), `seed ${seed}: non-member ${JSON.stringify(o)} outside`);
    }
  });
});

describe('spanningTree', () => {
  it('joins every point with the shortest links', () => {
    const tree = spanningTree([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 0, y: 10 },
      { x: 100, y: 10 },
    ]);
    const pairs = tree.map(([a, b]) => [a, b].sort().join('-'));
    assert.equal(pairs.length, 3);
    assert.ok(pairs.includes('0-2') && pairs.includes('1-3'), pairs.join(' '));
    assert.ok(pairs.includes('0-1') !== pairs.includes('2-3'), 'one long link joins the two short ones');
    assert.deepEqual(spanningTree([{ x: 1, y: 1 }]), []);
  });
});
