import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Result } from '../../../../shared/api/contract';
import type { Asset } from '../../../../shared/api/schemas';
import { formatUnits, groupDigits } from '../../../../shared/model/amount';
import { openBackend } from '../../../../electron/core/backend';
import type { Backend } from '../../../../electron/core/backendTypes';
import { buildSampleWorkspace } from '../../../../electron/core/synth/sampleWorkspace';
import { chromiumPrinter, pdfPageCount } from '../../../../electron/core/report/printer';
import { REPO, tempDir, writeFile } from '../../helpers';
import { fails, ok } from '../backendHelpers';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const WORKER = join(REPO, 'dist/node/importWorker.cjs');
const dir = tempDir('cairn-report-');
const out = tempDir('cairn-report-out-');
let backend: Backend;
let caseId: string;
let traceId: number;

async function waitForTrace(jobId: string): Promise<Result<'trace.status'>> {
  for (;;) {
    const job = await ok(backend, 'trace.status', { jobId });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  const sample = await buildSampleWorkspace(dir, { transfers: 4000, investigator: 'Det. Ada Report' });
  caseId = sample.caseId;
  backend = openBackend({ workspaceDir: dir, shell: 'cli', importWorkerScript: WORKER });
  // Labels from the world's truth: exchanges and bridges, as a unit's label pack would name them.
  const actors = readFileSync(join(dir, 'sample-data', 'truth', 'actors.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const labelled = actors.flatMap(([chain, address, actor, role]) => (/deposit|hot wallet/.test(role!) ? [`${chain},${address},${actor},exchange`] : []));
  await ok(backend, 'labels.import', { paths: [writeFile(out, 'services.csv', ['chain,address,label,category', ...labelled].join('\n'))] });

  const g = await ok(backend, 'graph.get', { caseId });
  const victim = g.nodes.find((n) => n.kind === 'address' && !n.hidden && n.chain === 'eip155:1')!;
  assert.ok(victim && victim.kind === 'address');
  const expanded = await ok(backend, 'graph.expand', { caseId, nodeId: victim.id, direction: 'out', limit: 10 });
  const next = expanded.nodes.find((n) => n.kind === 'address' && n.role === null && !n.hidden);
  assert.ok(next && next.kind === 'address');
  await ok(backend, 'graph.expand', { caseId, nodeId: next.id, direction: 'out', limit: 10 });
  await ok(backend, 'tag.add', { caseId, target: { kind: 'node', nodeId: next.id }, label: 'Consolidation <wallet> & "co"', category: 'perpetrator', confidence: 80, source: 'analyst review 2026-11-30' });
  const withTag = await ok(backend, 'graph.get', { caseId });
  const pair = withTag.nodes.filter((n) => n.kind === 'address' && !n.hidden && n.role === null).slice(0, 2).map((n) => n.id);
  await ok(backend, 'cluster.create', { caseId, nodeIds: pair, name: 'Thief wallets', category: 'perpetrator', color: '#d94f4f', note: 'same operator' });
  const { jobId } = await ok(backend, 'trace.start', { caseId, name: 'Victim funds', spec: { method: 'fifo', sources: [{ kind: 'address', chain: victim.chain, address: victim.address }], maxHops: 4 } });
  const job = await waitForTrace(jobId);
  assert.equal(job.state, 'done', job.error?.message);
  traceId = (await ok(backend, 'trace.list', { caseId }))[0]!.id;
});

after(async () => {
  await backend?.close();
});

function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node);
  if ('childNodes' in node) for (const c of node.childNodes) elements(c as Node, out);
  if ('content' in node && node.content) elements(node.content as unknown as Node, out);
  return out;
}

function attr(e: Element, name: string): string | undefined {
  return e.attrs.find((a) => a.name === name)?.value;
}

function text(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if ('childNodes' in node) return node.childNodes.map((c) => text(c as Node)).join('');
  return '';
}

function assetKey(a: Asset): string {
  return `${a.chain}/${a.contract ?? 'native'}`;
}

/** Every (asset, amount) the case's own API gives for what the report prints. */
async function expectedAmounts(): Promise<Map<string, Asset>> {
  const want = new Map<string, Asset>();
  const add = (value: string, asset: Asset) => want.set(`${assetKey(asset)}=${value}`, asset);
  for (const s of await ok(backend, 'trace.list', { caseId })) {
    const t = await ok(backend, 'trace.get', { caseId, traceId: s.id });
    for (const x of t.result.totals) for (const v of [x.sourced, x.linkedIn, x.atRest, x.stopped, x.fees, x.sunk, x.unresolved, x.linkedOut]) add(v, x.asset);
    for (const e of [...t.result.endpoints, ...t.result.unresolved]) add(e.amount, e.asset);
    for (const s2 of t.result.sources) add(s2.amount, s2.asset);
    for (const u of t.result.unknownInputs) add(u.amount, u.asset);
  }
  return want;
}

test('the HTML report states every amount and hash of the case exactly, readable and in base units, and loads nothing', async () => {
  const file = join(out, 'report.html');
  const r = await ok(backend, 'report.create', { caseId, path: file });
  assert.equal(r.format, 'html');
  assert.equal(r.pages, null);
  const html = readFileSync(file, 'utf8');
  assert.equal(r.size, Buffer.byteLength(html));
  assert.match(r.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(r.sections, ['summary', 'graph', 'seeds', 'traces', 'links', 'clusters', 'tags', 'provenance', 'labels', 'audit']);

  const doc = parse(html);
  const all = elements(doc as unknown as Node);
  // Self-contained: no script, nothing fetched, a CSP that allows no request.
  assert.equal(all.filter((e) => e.tagName === 'script').length, 0);
  for (const e of all) {
    for (const a of e.attrs) if (['src', 'href', 'xlink:href'].includes(a.name)) assert.match(a.value, /^(data:|#)/, `${e.tagName} ${a.name}=${a.value.slice(0, 60)}`);
  }
  assert.match(attr(all.find((e) => e.tagName === 'meta' && attr(e, 'http-equiv') === 'Content-Security-Policy')!, 'content')!, /default-src 'none'/);

  // Every amount the report prints is one the case's API gives, with its unit, exact.
  const want = await expectedAmounts();
  const printed = all.filter((e) => e.tagName === 'data' && attr(e, 'class') === 'amount');
  assert.ok(printed.length > 10, `amounts printed: ${printed.length}`);
  const seen = new Set<string>();
  for (const e of printed) {
    const key = `${attr(e, 'data-asset')}=${attr(e, 'value')}`;
    const asset = want.get(key);
    assert.ok(asset, `the report prints ${key}, which no trace of the case gives`);
    seen.add(key);
    const human = groupDigits(formatUnits(BigInt(attr(e, 'value')!), asset.decimals!));
    assert.equal(text(e).trim(), `${human} ${asset.symbol}`, `human-readable form of ${key}`);
  }
  assert.deepEqual([...want.keys()].filter((k) => !seen.has(k)), [], 'every amount of every trace is in the report');

  // The trace's totals reconcile in the document as they do in the case.
  const t = await ok(backend, 'trace.get', { caseId, traceId });
  const tables = all.filter((e) => e.tagName === 'table' && attr(e, 'class') === 'totals');
  assert.equal(tables.length, t.result.totals.length, 'one totals table per asset');
  for (const [i, table] of tables.entries()) {
    const total = t.result.totals[i]!;
    assert.equal(attr(table, 'data-asset'), assetKey(total.asset));
    const part = (name: string) => {
      const row = elements(table as unknown as Node).find((e) => e.tagName === 'tr' && attr(e, 'data-part') === name)!;
      return BigInt(attr(elements(row as unknown as Node).find((e) => e.tagName === 'data')!, 'value')!);
    };
    assert.equal(part('sourced') + part('linkedIn'), part('atRest') + part('stopped') + part('fees') + part('sunk') + part('unresolved'), `${total.asset.symbol} totals reconcile in the document`);
    for (const k of ['sourced', 'linkedIn', 'atRest', 'stopped', 'fees', 'sunk', 'unresolved', 'linkedOut'] as const) assert.equal(String(part(k)), total[k], `${total.asset.symbol} ${k}`);
    assert.match(text(table as unknown as Node), total.reconciles ? /Reconciles/ : /Does not reconcile/);
  }

  // Every hash: the datasets' files, the trace's paths and sources, the log's head.
  const hashes = new Set(all.filter((e) => e.tagName === 'code' && attr(e, 'class') === 'hash').map((e) => text(e)));
  // The datasets behind the case: those on its chains and those its trace read; the Bitcoin blocks, on
  // a chain the case does not touch, are not its provenance.
  const stats = await ok(backend, 'store.stats', {});
  const g0 = await ok(backend, 'graph.get', { caseId });
  const chains = new Set(g0.nodes.flatMap((n) => (n.kind === 'more' ? [] : [n.chain])));
  const behind = stats.datasets.filter((d) => chains.has(d.chain) || t.result.datasets.some((x) => x.id === d.id));
  assert.ok(behind.length >= 2 && behind.length < stats.datasets.length, `${behind.length} of ${stats.datasets.length} datasets`);
  for (const d of behind) for (const s of d.sources) assert.ok(hashes.has(s.sha256), `dataset ${d.id} file ${s.name} sha256`);
  for (const d of stats.datasets.filter((x) => !behind.includes(x))) for (const s of d.sources) assert.ok(!hashes.has(s.sha256), `dataset ${d.id} is not the case's`);
  for (const e of t.result.endpoints) for (const h of e.path) assert.ok(hashes.has(h), `path tx ${h}`);
  for (const s of t.result.sources) assert.ok(hashes.has(s.tx), `source tx ${s.tx}`);
  const verdict = await ok(backend, 'audit.verify', { caseId });
  assert.ok(verdict.ok && verdict.head);
  assert.ok(hashes.has(verdict.head.hash), 'audit head hash');
  const sets = await ok(backend, 'labels.list', {});
  for (const s of sets) assert.ok(hashes.has(s.file.sha256), `label set ${s.title} file sha256`);
  // And no hash that the case does not have.
  const known = new Set<string>([verdict.head.hash, ...behind.flatMap((d) => d.sources.map((s) => s.sha256)), ...sets.map((s) => s.file.sha256)]);
  for (const x of [...t.result.endpoints, ...t.result.unresolved]) for (const h of x.path) known.add(h);
  for (const s of t.result.sources) known.add(s.tx);
  for (const l of t.result.links) known.add(l.from.tx).add(l.to.tx);
  const g = await ok(backend, 'graph.get', { caseId });
  for (const n of g.nodes) {
    if (n.kind === 'address' && n.wallet && n.wallet.size > 1) for (const e of (await ok(backend, 'clusters.show', { chain: n.chain, address: n.address, caseId, limit: 20 })).evidence) known.add(e.tx);
  }
  for (const h of hashes) assert.ok(known.has(h), `the report prints a hash ${h} the case does not have`);

  // The graph figure draws the case's visible nodes; tags keep their source and confidence, escaped.
  const figure = all.find((e) => e.tagName === 'figure' && attr(e, 'data-figure') === 'case');
  assert.ok(figure, 'figure of the case');
  const svgText = text(figure as unknown as Node);
  for (const n of g.nodes) if (n.kind === 'address' && !n.hidden) assert.ok(svgText.includes(n.short) || svgText.includes(n.display), `node ${n.display} drawn`);
  assert.ok(html.includes('Consolidation &lt;wallet&gt; &amp; &quot;co&quot;'));
  assert.ok(html.includes('analyst review 2026-11-30'));
  assert.ok(html.includes('80 %'));
  assert.match(html, /Thief wallets/);
  assert.match(html, /Det\. Ada Report/, 'the investigator is named');
  assert.match(html, /data-verdict="ok"/);
});

/** A PPM (P6) image's share of pixels that are not white. */
function inkShare(ppm: Buffer): number {
  const header = ppm.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  assert.ok(header, 'a P6 image');
  const [, w, h] = header;
  const start = header[0].length;
  let ink = 0;
  const pixels = Number(w) * Number(h);
  for (let i = 0; i < pixels; i++) {
    const o = start + i * 3;
    if (ppm[o]! < 200 || ppm[o + 1]! < 200 || ppm[o + 2]! < 200) ink++;
  }
  return ink / pixels;
}

test('the PDF report prints on A4 pages a reader can see: rendered to images, each page carries text, the first the case and the graph', async () => {
  const file = join(out, 'report.pdf');
  const r = await ok(backend, 'report.create', { caseId, path: file });
  assert.equal(r.format, 'pdf');
  const pdf = readFileSync(file);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(r.pages !== null && r.pages >= 2, `pages: ${r.pages}`);
  assert.equal(pdfPageCount(pdf), r.pages);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.match(info, new RegExp(`Pages:\\s+${r.pages}\\b`));
  assert.match(info, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);

  const images = join(out, 'pages');
  mkdirSync(images);
  execFileSync('pdftoppm', ['-r', '40', file, join(images, 'page')]);
  const pages = readdirSync(images).filter((n) => n.endsWith('.ppm')).sort();
  assert.equal(pages.length, r.pages);
  for (const p of pages) assert.ok(inkShare(readFileSync(join(images, p))) > 0.005, `${p} is not blank`);

  // What a reader sees, read back: the case, an amount of the trace, the verdict, page numbers.
  const words = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const name = (await ok(backend, 'case.list', {})).find((c) => c.id === caseId)!.name;
  assert.ok(words.includes(name), 'case name');
  const t = await ok(backend, 'trace.get', { caseId, traceId });
  const total = t.result.totals[0]!;
  assert.ok(words.includes(`${groupDigits(formatUnits(BigInt(total.sourced), total.asset.decimals!))} ${total.asset.symbol}`), 'the trace’s first total');
  assert.ok(words.replace(/\s+/g, '').includes(`${total.sourced}baseunits`), 'and in base units');
  assert.match(words, /Verified: \d+ entries/);
  assert.match(words, new RegExp(`Page 1 of ${r.pages}`));

  // The README's picture of a report: the page with the graph beside the page with the trace's totals.
  if (process.env.CAIRN_UPDATE_SCREENSHOT) {
    const pageWith = (needle: string) => {
      for (let p = 1; p <= r.pages!; p++) if (execFileSync('pdftotext', ['-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' }).includes(needle)) return p;
      throw new Error(`no page has ${needle}`);
    };
    const shots = [pageWith('Figure 1.'), pageWith('Where it ended')].map((p) => {
      execFileSync('pdftoppm', ['-r', '80', '-png', '-f', String(p), '-l', String(p), '-singlefile', file, join(out, `shot-${p}`)]);
      return readFileSync(join(out, `shot-${p}.png`)).toString('base64');
    });
    const w = 661;
    const h = 935;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w + 30}" height="${h + 20}"><rect width="100%" height="100%" fill="#d8dadd"/>${shots.map((b, i) => `<image x="${10 + i * (w + 10)}" y="10" width="${w}" height="${h}" href="data:image/png;base64,${b}"/>`).join('')}</svg>`;
    writeFileSync(join(REPO, 'docs/screenshot-report.png'), await chromiumPrinter().png(svg, 2 * w + 30, h + 20, 1));
  }
});

test('a unit’s template orders, words and heads the report; a bad template is refused naming the file and what is wrong', async () => {
  const t = join(out, 'template');
  mkdirSync(t);
  copyFileSync(join(REPO, 'docs/report-template/logo.png'), join(t, 'crest.png'));
  writeFileSync(
    join(t, 'report.yaml'),
    [
      'name: Unit 7 standard',
      'title: "Financial investigation report — {case.name}"',
      'organisation: "Regional Cyber Crime Unit 7"',
      'header: ["OFFICIAL-SENSITIVE", "Prepared by {investigator} on {date}"]',
      'logo: crest.png',
      'footer: "OFFICIAL-SENSITIVE · {case.id}"',
      'style: unit.css',
      'sections:',
      '  - summary',
      '  - id: traces',
      '    heading: "Movement of the stolen funds"',
      '    intro: "Traced for case {case.id}."',
      '  - audit',
      '  - graph',
    ].join('\n'),
  );
  writeFileSync(join(t, 'unit.css'), 'h2 { color: #003366; }\n');
  const file = join(out, 'unit.html');
  const r = await ok(backend, 'report.create', { caseId, path: file, templateDir: t });
  assert.deepEqual(r.sections, ['summary', 'traces', 'audit', 'graph']);
  assert.equal(r.template, join(t, 'report.yaml'));
  const html = readFileSync(file, 'utf8');
  const all = elements(parse(html) as unknown as Node);
  assert.deepEqual(all.filter((e) => e.tagName === 'section' && attr(e, 'data-section')).map((e) => attr(e, 'data-section')), ['summary', 'traces', 'audit', 'graph']);
  assert.ok(html.includes('<h2>Movement of the stolen funds</h2>'));
  assert.ok(html.includes(`Traced for case ${caseId}.`));
  assert.ok(html.includes('Regional Cyber Crime Unit 7'));
  assert.ok(html.includes('Prepared by Det. Ada Report on '));
  assert.ok(html.includes('h2 { color: #003366; }'));
  assert.match(attr(all.find((e) => e.tagName === 'img')!, 'src')!, /^data:image\/png;base64,iVBOR/);
  assert.ok(!html.includes('data-section="seeds"'));

  writeFileSync(join(t, 'report.yaml'), 'sections:\n  - summary\n  - appendix\n');
  await fails(backend, 'report.create', { caseId, path: join(out, 'bad.html'), templateDir: t }, 'invalid_argument', /report\.yaml: sections\.1/);
  writeFileSync(join(t, 'report.yaml'), 'style: unit.css\n');
  writeFileSync(join(t, 'unit.css'), 'h1 { color: red; }\nbody { background: url(https://example.org/x.png); }\n');
  await fails(backend, 'report.create', { caseId, path: join(out, 'bad.html'), templateDir: t }, 'invalid_argument', /unit\.css, line 2: url\(https:\/\/example\.org\/x\.png\) loads an external resource/);
  writeFileSync(join(t, 'report.yaml'), 'title: [unclosed\n');
  await fails(backend, 'report.create', { caseId, path: join(out, 'bad.html'), templateDir: t }, 'invalid_argument', /report\.yaml, line \d+: not valid YAML/);
  assert.equal(existsSync(join(out, 'bad.html')), false, 'nothing written from a bad template');
  await fails(backend, 'report.create', { caseId, path: join(out, 'report.html') }, 'conflict', /already exists/);
  // A missing folder is made, as the bundle export does; a path through a file is refused.
  const made = await ok(backend, 'report.create', { caseId, path: join(out, 'new-folder', 'r.html') });
  assert.ok(existsSync(made.file));
  await fails(backend, 'report.create', { caseId, path: join(out, 'report.html', 'r.html') }, 'invalid_argument', /cannot make the folder .*report\.html/);
});

test('an empty case still gives a complete report that says what it lacks', async () => {
  const empty = await ok(backend, 'case.create', { name: 'Nothing yet' });
  const r = await ok(backend, 'report.create', { caseId: empty.id, path: join(out, 'empty.html') });
  const html = readFileSync(r.file, 'utf8');
  assert.match(html, /The case has no seeds\./);
  assert.match(html, /No trace was saved in this case\./);
  assert.equal(r.figures, 0);
});
