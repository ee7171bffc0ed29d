import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canvasOptions,
  elementsInView,
  FULL_DETAIL,
  HUGE_GRAPH_ELEMENTS,
  LARGE_GRAPH_ELEMENTS,
  levelOfDetail,
  TEXTURE_IN_VIEW,
} from '../../../renderer/graph/graphStyle';

describe('levelOfDetail', () => {
  it("leaves small graphs at cytoscape's defaults", () => {
    for (const n of [0, 1, 50, LARGE_GRAPH_ELEMENTS - 1]) {
      assert.deepEqual(levelOfDetail(n), FULL_DETAIL, `${n} elements`);
      assert.deepEqual(levelOfDetail(n, 0), FULL_DETAIL, `${n} elements, none in view`);
    }
    assert.deepEqual(FULL_DETAIL, { hideEdgesOnViewport: false, textureOnViewport: false, motionBlur: false, pixelRatio: 'auto' });
  });

  it('hides edges during gestures from LARGE_GRAPH_ELEMENTS on, at full pixel density below HUGE_GRAPH_ELEMENTS', () => {
    assert.deepEqual(levelOfDetail(LARGE_GRAPH_ELEMENTS), { hideEdgesOnViewport: true, textureOnViewport: false, motionBlur: false, pixelRatio: 'auto' });
    assert.equal(levelOfDetail(HUGE_GRAPH_ELEMENTS - 1).pixelRatio, 'auto');
    assert.equal(levelOfDetail(HUGE_GRAPH_ELEMENTS).pixelRatio, 1);
  });

  it('moves a snapshot, edges included, only when TEXTURE_IN_VIEW elements are on screen', () => {
    const n = TEXTURE_IN_VIEW * 2;
    // Just fitted: everything is in view.
    assert.deepEqual(levelOfDetail(n), { hideEdgesOnViewport: false, textureOnViewport: true, motionBlur: false, pixelRatio: 1 });
    assert.equal(levelOfDetail(n, TEXTURE_IN_VIEW).textureOnViewport, true);
    // Zoomed in on part of it: redraw, without edges; the pixel ratio follows the whole graph, not the view.
    assert.deepEqual(levelOfDetail(n, TEXTURE_IN_VIEW - 1), { hideEdgesOnViewport: true, textureOnViewport: false, motionBlur: false, pixelRatio: 1 });
    // More in view than exist is a bad estimate, not a bigger graph.
    assert.equal(levelOfDetail(TEXTURE_IN_VIEW - 1, TEXTURE_IN_VIEW * 10).textureOnViewport, false);
  });

  it('never turns motion blur on and never both hides edges and snapshots', () => {
    for (const n of [0, 999, 1000, 2999, 3000, 5000, 6000, 10_000, 100_000]) {
      for (const inView of [0, n / 2, n]) {
        const lod = levelOfDetail(n, inView);
        assert.equal(lod.motionBlur, false);
        assert.ok(!(lod.hideEdgesOnViewport && lod.textureOnViewport), `${n}/${inView}`);
      }
    }
  });

  it('returns a fresh object the caller may change', () => {
    const a = levelOfDetail(10);
    a.hideEdgesOnViewport = true;
    assert.equal(levelOfDetail(10).hideEdgesOnViewport, false);
    assert.equal(FULL_DETAIL.hideEdgesOnViewport, false);
  });
});

describe('elementsInView', () => {
  const graph = { x1: 0, y1: 0, x2: 1000, y2: 500 };
  it('scales the count by the share of the graph in view', () => {
    assert.equal(elementsInView(8000, graph, { x1: -100, y1: -100, x2: 1100, y2: 600 }), 8000);
    assert.equal(elementsInView(8000, graph, { x1: 0, y1: 0, x2: 500, y2: 250 }), 2000);
    assert.equal(elementsInView(8000, graph, { x1: 750, y1: -50, x2: 2000, y2: 50 }), 200);
    assert.equal(elementsInView(8000, graph, { x1: 2000, y1: 0, x2: 3000, y2: 500 }), 0);
  });
  it('counts a graph with no area as wholly in view when the view touches it', () => {
    assert.equal(elementsInView(1500, { x1: 5, y1: 5, x2: 5, y2: 5 }, { x1: 0, y1: 0, x2: 10, y2: 10 }), 1500);
  });
});

describe('canvasOptions', () => {
  it('builds the canvas as before at full detail, and carries a level of detail into cytoscape', () => {
    const base = canvasOptions();
    assert.equal(base.minZoom, 0.05);
    assert.equal(base.maxZoom, 4);
    assert.equal(base.boxSelectionEnabled, true);
    assert.equal(base.selectionType, 'single');
    assert.deepEqual(base.layout, { name: 'preset' });
    assert.equal(base.hideEdgesOnViewport, false);
    const big = canvasOptions(levelOfDetail(TEXTURE_IN_VIEW));
    assert.equal(big.textureOnViewport, true);
    assert.equal(big.pixelRatio, 1);
  });
});
