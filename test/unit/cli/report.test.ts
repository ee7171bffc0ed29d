import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import Graph from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { openBackend } from '../../../electron/core/backend';
import { BLK_FIXTURE, tempDir } from '../helpers';
import { ok } from '../core/backendHelpers';
import { cairn, json } from './cliRun';

// Real blocks: the first person-to-person payment (block 170) from the coinbase of block 9.
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const PAYMENT = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const BTC = 'bip122:000000000019d6689c085ae165831e93';

const ws = tempDir();
const out = tempDir();
let caseId: string;

before(async () => {
  const r = cairn(ws, 'import', BLK_FIXTURE);
  assert.equal(r.code, 0, r.err);
  const backend = openBackend({ workspaceDir: ws, shell: 'cli' });
  try {
    caseId = (await ok(backend, 'case.create', { name: 'Block 170 payment' })).id;
    const g = await ok(backend, 'case.addSeed', { caseId, chain: 'btc', address: SATOSHI, role: 'suspect', note: 'coinbase of block 9' });
    await ok(backend, 'graph.expand', { caseId, nodeId: g.nodes[0]!.id, direction: 'out', limit: 10 });
    const hal = (await ok(backend, 'graph.get', { caseId })).nodes.find((n) => n.kind === 'address' && n.address === HAL)!;
    await ok(backend, 'tag.add', { caseId, target: { kind: 'node', nodeId: hal.id }, label: 'Hal Finney', category: 'user', confidence: 100, source: 'public record' });
  } finally {
    await backend.close();
  }
  const t = cairn(ws, 'trace', '--from', `btc:${SATOSHI}`, '--method', 'fifo', '--max-hops', '2', '--case', caseId, '--name', 'From block 9');
  assert.equal(t.code, 0, t.err);
});

test('cairn report writes HTML and PDF of a case on real blocks, with the payment exact and its hash in full', () => {
  const html = json(ws, 'report', caseId, '--out', join(out, 'r.html')) as { file: string; sha256: string; sections: string[]; figures: number; format: string };
  assert.equal(html.format, 'html');
  assert.ok(html.figures >= 1);
  const text = readFileSync(html.file, 'utf8');
  assert.ok(text.includes(`<code class="hash">${PAYMENT}</code>`), 'the payment tx in full');
  assert.ok(text.includes(`<data class="amount" value="1000000000" data-asset="${BTC}/native">10 BTC</data>`), '10 BTC, exactly, to Hal');
  assert.ok(text.includes('Hal Finney'));
  const sha = execFileSync('sha256sum', [html.file], { encoding: 'utf8' }).split(' ')[0];
  assert.equal(html.sha256, sha);

  const pdf = cairn(ws, 'report', caseId, '--out', join(out, 'r.pdf'));
  assert.equal(pdf.code, 0, pdf.err);
  assert.match(pdf.out, /wrote the report of case .* \(PDF, \d+ pages?\)/);
  const words = execFileSync('pdftotext', [join(out, 'r.pdf'), '-'], { encoding: 'utf8' });
  assert.ok(words.includes('Block 170 payment'));
  assert.ok(words.replace(/\s+/g, '').includes('1000000000baseunits'), 'base units of the payment');

  const again = cairn(ws, 'report', caseId, '--out', join(out, 'r.pdf'));
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists; choose another name or allow overwriting/);
  const badExt = cairn(ws, 'report', caseId, '--out', join(out, 'r.docx'));
  assert.equal(badExt.code, 2);
  assert.match(badExt.err, /name a \.html or \.pdf file/);
});

test('cairn case export --format writes GraphML, GEXF, CSV, Cytoscape JSON, a TagPack, SVG and PNG that other tools read', async () => {
  const backend = openBackend({ workspaceDir: ws, shell: 'cli' });
  const graph = await ok(backend, 'graph.get', { caseId });
  await backend.close();
  const nodes = graph.nodes.filter((n) => !n.hidden && n.kind !== 'more');

  for (const [format, file] of [['graphml', 'g.graphml'], ['gexf', 'g.gexf']] as const) {
    const r = json(ws, 'case', 'export', caseId, '--format', format, '--out', join(out, file)) as { files: { file: string }[]; counts: Record<string, number>; contains: string };
    const g = (format === 'graphml' ? parseGraphml : parseGexf)(Graph, readFileSync(r.files[0]!.file, 'utf8'));
    assert.equal(g.order, nodes.length, `${format}: nodes`);
    assert.equal(g.size, graph.edges.length, `${format}: edges`);
    assert.match(r.contains, /edges/);
  }

  const csv = json(ws, 'case', 'export', caseId, '--format', 'csv', '--out', join(out, 'tables')) as { files: { file: string }[] };
  assert.deepEqual(csv.files.map((f) => f.file.split('/').pop()), ['nodes.csv', 'edges.csv', 'transfers.csv', 'endpoints.csv', 'about.txt']);
  assert.match(readFileSync(join(out, 'tables', 'transfers.csv'), 'utf8'), new RegExp(PAYMENT));

  const cy = json(ws, 'case', 'export', caseId, '--format', 'cyjs', '--out', join(out, 'g.cyjs')) as { files: { file: string }[] };
  const elements = (JSON.parse(readFileSync(cy.files[0]!.file, 'utf8')) as { elements: { nodes: unknown[]; edges: unknown[] } }).elements;
  assert.equal(elements.nodes.length, nodes.length);
  assert.equal(elements.edges.length, graph.edges.length);

  // The TagPack validates the way Cairn's label import reads TagPacks (the GraphSense schema).
  const tp = json(ws, 'case', 'export', caseId, '--format', 'tagpack', '--out', join(out, 'tags.yaml')) as { counts: { tags: number } };
  assert.equal(tp.counts.tags, 1);
  const other = tempDir();
  const imported = json(other, 'labels', 'import', join(out, 'tags.yaml')) as { tags: number; skipped: unknown[] }[];
  assert.deepEqual([imported[0]!.tags, imported[0]!.skipped.length], [1, 0]);
  const shown = json(other, 'labels', 'show', 'btc', HAL) as { labels: { label: string; category: string | null }[] };
  assert.equal(shown.labels[0]!.label, 'Hal Finney');

  const svg = json(ws, 'case', 'export', caseId, '--format', 'svg', '--out', join(out, 'g.svg')) as { files: { file: string }[]; counts: { nodes: number } };
  const doc = new DOMParser().parseFromString(readFileSync(svg.files[0]!.file, 'utf8'), 'image/svg+xml');
  assert.equal(doc.documentElement?.nodeName, 'svg');
  assert.equal(svg.counts.nodes, nodes.length);

  const png = json(ws, 'case', 'export', caseId, '--format', 'png', '--out', join(out, 'g.png')) as { files: { file: string; size: number }[] };
  const bytes = readFileSync(png.files[0]!.file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(bytes.readUInt32BE(16) > 400, 'wide enough to read');

  const bad = cairn(ws, 'case', 'export', caseId, '--format', 'docx', '--out', join(out, 'x'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format takes graphml, gexf, csv, cyjs, tagpack, svg, png/);
});
