import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bentCurve, labelEnd, routeEdges, ROUTING, segmentDistance } from '../../../renderer/graph/edgeRouting';
import type { EdgeElement, GraphElement, NodeElement } from '../../../renderer/graph/toElements';

function address(id: string, x: number, y: number): NodeElement {
  return {
    group: 'nodes',
    data: { id, kind: 'address', label: id, chain: 'eip155:1', address: id, display: id, role: null, brief: id, full: id, title: id },
    position: { x, y },
    classes: 'address',
  };
}

function transfer(id: string, source: string, target: string): EdgeElement {
  return { group: 'edges', data: { id, kind: 'edge', source, target, label: '1 ETH', title: '', count: 1 }, classes: 'transfer' };
}

function routed(elements: GraphElement[], id: string): EdgeElement {
  const e = elements.find((x) => x.data.id === id);
  assert.ok(e && e.group === 'edges', `edge ${id}`);
  return e;
}

/** Closest the drawn curve of an edge comes to a node's kept-clear shape (node and label). */
function clearance(from: { x: number; y: number }, to: { x: number; y: number }, bend: number, node: { x: number; y: number }): number {
  const curve = bentCurve(from, to, bend, 64);
  let best = Infinity;
  for (let i = 1; i < curve.length; i++) {
    best = Math.min(best, segmentDistance(curve[i - 1]!, curve[i]!, node, { x: node.x, y: node.y + ROUTING.labelDrop }));
  }
  return best;
}

describe('routeEdges', () => {
  it('leaves an edge with nothing in its way straight', () => {
    const elements = [address('n1', 0, 0), address('n2', 280, 0), address('n3', 280, 72), transfer('e1', 'n1', 'n2')];
    const e1 = routed(routeEdges(elements), 'e1');
    assert.equal(e1.data.bend, undefined);
    assert.equal(e1.classes, 'transfer');
  });

  it('bends an edge round a node sitting on its straight line, clear of the node and its label', () => {
    const elements = [address('n1', 0, 0), address('n2', 560, 0), address('n3', 280, 0), address('n4', 280, 72), address('n5', 280, -72), transfer('e1', 'n1', 'n2')];
    const e1 = routed(routeEdges(elements), 'e1');
    assert.match(e1.classes, /\brouted\b/);
    const bend = e1.data.bend!;
    assert.ok(bend !== 0);
    for (const n of [{ x: 280, y: 0 }, { x: 280, y: 72 }, { x: 280, y: -72 }]) {
      assert.ok(clearance({ x: 0, y: 0 }, { x: 560, y: 0 }, bend, n) >= ROUTING.clearance - 1, `clear of ${JSON.stringify(n)}`);
    }
  });

  it('bends edges between the same two nodes as one group, spread apart, each from its own source', () => {
    const elements = [
      address('n1', 0, 0),
      address('n2', 560, 0),
      address('n3', 280, 0),
      transfer('eth', 'n1', 'n2'),
      transfer('usdt', 'n1', 'n2'),
      transfer('back', 'n2', 'n1'),
    ];
    const out = routeEdges(elements);
    const bends = ['eth', 'usdt', 'back'].map((id) => routed(out, id).data.bend!);
    // Seen from n1 to n2 (a reversed edge's bend is flipped), all on one side and apart.
    const fromN1 = [bends[0]!, bends[1]!, -bends[2]!];
    assert.ok(fromN1.every((b) => Math.sign(b) === Math.sign(fromN1[0]!)));
    assert.equal(new Set(fromN1).size, 3);
  });

  it('spreads two edges between the same nodes either side of the line and stacks their labels in that order', () => {
    const elements = [address('n1', 0, 0), address('n2', 280, 0), transfer('eth', 'n1', 'n2'), transfer('usdt', 'n1', 'n2')];
    const out = routeEdges(elements);
    const [eth, usdt] = [routed(out, 'eth'), routed(out, 'usdt')];
    assert.equal(eth.data.bend, -ROUTING.parallelStep / 2);
    assert.equal(usdt.data.bend, ROUTING.parallelStep / 2);
    // Rightwards, a positive bend curves down (cytoscape's normal is (-dy, dx)): its label goes below.
    assert.ok(usdt.data.labelShift! > 0 && eth.data.labelShift! < 0);
    // Leftwards the same bends curve the other way, and the labels follow.
    const left = routeEdges([address('n1', 280, 0), address('n2', 0, 0), transfer('eth', 'n1', 'n2'), transfer('usdt', 'n1', 'n2')]);
    assert.ok(routed(left, 'usdt').data.labelShift! < 0);
  });

  it('changes nothing without positions, for self loops, or past its edge budget', () => {
    const loop = [address('n1', 0, 0), transfer('self', 'n1', 'n1')];
    assert.deepEqual(routeEdges(loop), loop);
    const many: GraphElement[] = [address('a', 0, 0), address('b', 560, 0), address('mid', 280, 0)];
    for (let i = 0; i <= ROUTING.maxEdges; i++) many.push(transfer(`e${i}`, 'a', 'b'));
    assert.ok(routeEdges(many).every((el) => el.group !== 'edges' || el.data.bend === undefined));
  });

  it('labels edges converging on a hub near their other end, one label after another for edges sharing both ends', () => {
    const elements: GraphElement[] = [address('hub', 600, 0)];
    for (let i = 0; i < 4; i++) {
      elements.push(address(`v${i}`, 0, i * 40));
      elements.push(transfer(`e${i}`, `v${i}`, 'hub'));
    }
    elements.push(transfer('usdt0', 'v0', 'hub'));
    const out = routeEdges(elements);
    for (const id of ['e0', 'e1', 'e2', 'e3', 'usdt0']) assert.match(routed(out, id).classes, /\blabel-source\b/, id);
    // The ETH and USDT edges from v0 put their labels one after the other, not on top of each other.
    assert.equal(routed(out, 'e0').data.labelSlot, 0);
    assert.equal(routed(out, 'usdt0').data.labelSlot, 1);
    assert.equal(routed(out, 'e1').data.labelSlot, 0);
  });
});

describe('labelEnd', () => {
  it('moves a label away from the busier end of a long level edge, and keeps short, steep or balanced ones in the middle', () => {
    assert.equal(labelEnd(400, 0, 1, 5), 'source');
    assert.equal(labelEnd(-400, 50, 5, 1), 'target');
    assert.equal(labelEnd(400, 0, 2, 2), 'middle');
    assert.equal(labelEnd(400, 0, 1, 2), 'middle');
    assert.equal(labelEnd(ROUTING.endLabelMinLength - 1, 0, 1, 9), 'middle');
    // Steep: the label would land on the labels of the nodes above or below.
    assert.equal(labelEnd(300, 300, 1, 9), 'middle');
  });
});
