import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { parse as parseCsv } from 'csv-parse/sync';
import cytoscape from 'cytoscape';
import Graphology from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import type { AddressNode, EntityNode, Graph, GraphEdge } from '../../../../shared/api/schemas';
import type { SavedTrace } from '../../../../shared/api/traceSchemas';
import { openBackend } from '../../../../electron/core/backend';
import { WorkspaceKeys } from '../../../../electron/core/casefile/keys';
import { CaseRegistry } from '../../../../electron/core/casefile/registry';
import { CaseFiles, type CaseFile } from '../../../../electron/core/cases/caseFiles';
import { collectExportData, type ExportData } from '../../../../electron/core/report/exportData';
import { describeExport, toCsvTables, toCyjs, toGexf, toGraphML } from '../../../../electron/core/report/graphFormats';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { buildSampleWorkspace } from '../../../../electron/core/synth/sampleWorkspace';
import { ensureWorkspace } from '../../../../electron/core/workspace';
import { tempDir, writeFile } from '../../helpers';
import { ok } from '../backendHelpers';

/** A cluster name and a tag label no export may break on: XML's five specials and a control character XML 1.0 forbids. */
const HOSTILE = `<&"'\u0007> "quoted", and more`;
/** What XML formats can hold of it: the forbidden BEL becomes U+FFFD, the rest is kept exactly. */
const HOSTILE_XML = HOSTILE.replace('\u0007', '\uFFFD');
const FORMULA = '=HYPERLINK("http://example.invalid")';
const META = { version: '9.9.9-test', generatedAt: '2024-05-06T07:08:09.000Z' };

interface Truth {
  chains: { eth: string; btc: string; tron: string };
  victims: { chain: string; address: string }[];
  exits: { chain: string; exchange: string; deposit: string }[];
  hotWallets: { chain: string; exchange: string; address: string }[];
  swap: { out: { to: string } };
}

const workspace = join(tempDir(), 'ws');
let caseId: string;
let truth: Truth;
let graph: Graph;
let traces: SavedTrace[];
let facts: Db;
let caseFile: CaseFile;
let cases: CaseFiles;
let data: ExportData;
let hostileNode: string;
let formulaNode: string;
let sanctionedAddress: string;

/**
 * A real case in a real workspace: the synthetic sample world, labels from the workspace's label
 * sets, victims expanded, an exchange's hot wallet collapsed into an entity node, a Bitcoin address
 * with a "+K more" page, a hidden node, a manual cluster and tags with hostile text, and a trace
 * saved in the case. Everything through the API, as the app does it.
 */
before(async () => {
  const sample = await buildSampleWorkspace(workspace, { transfers: 3000 });
  caseId = sample.caseId;
  truth = JSON.parse(readFileSync(join(workspace, 'sample-data/truth.json'), 'utf8')) as Truth;
  const backend = openBackend({ workspaceDir: workspace, shell: 'cli' });
  try {
    const exit = truth.exits.find((e) => e.chain === truth.chains.eth)!;
    const hot = truth.hotWallets.find((h) => h.chain === exit.chain && h.exchange === exit.exchange)!;
    sanctionedAddress = exit.deposit;
    const labels = [
      'chain,address,label,category,abuse,source',
      ...truth.hotWallets.map((h) => `${h.chain},${h.address},${h.exchange} hot wallet,exchange,,synthetic truth`),
      `${exit.chain},${exit.deposit},Sanctioned deposit (synthetic),exchange,sanction,synthetic truth`,
    ];
    await ok(backend, 'labels.import', { paths: [writeFile(join(workspace, 'sample-data'), 'labels.csv', labels.join('\n'))] });

    let g = await ok(backend, 'graph.get', { caseId });
    const victims = g.nodes.filter((n) => n.kind === 'address' && n.role === 'victim' && n.chain === truth.chains.eth);
    for (const v of victims.slice(0, 3)) g = await ok(backend, 'graph.expand', { caseId, nodeId: v.id, direction: 'out', limit: 5 });
    g = await ok(backend, 'graph.addAddress', { caseId, chain: exit.chain, address: exit.deposit });
    const deposit = g.nodes.find((n) => n.kind === 'address' && n.address === exit.deposit)!;
    g = await ok(backend, 'graph.expand', { caseId, nodeId: deposit.id, direction: 'in', limit: 5 });
    g = await ok(backend, 'graph.addAddress', { caseId, chain: hot.chain, address: hot.address });
    const hotNode = g.nodes.find((n) => n.kind === 'address' && n.address === hot.address)!;
    g = await ok(backend, 'entity.collapse', { caseId, nodeId: hotNode.id });
    g = await ok(backend, 'graph.addAddress', { caseId, chain: truth.chains.btc, address: truth.swap.out.to });
    const btc = g.nodes.find((n) => n.kind === 'address' && n.address === truth.swap.out.to)!;
    g = await ok(backend, 'graph.expand', { caseId, nodeId: btc.id, direction: 'both', limit: 3 });
    // One leaf hidden: hidden nodes and their edges are not exported.
    const btcLeaf = g.nodes.find((n) => n.kind === 'address' && n.chain === truth.chains.btc && n.id !== btc.id)!;
    g = await ok(backend, 'graph.setHidden', { caseId, nodeIds: [btcLeaf.id], hidden: true });

    // An edge of several transfers, to page through: a Tron hot wallet and its busiest depositor.
    const tronHot = truth.hotWallets.find((h) => h.chain === truth.chains.tron)!;
    const payers = await ok(backend, 'address.neighbors', { chain: tronHot.chain, address: tronHot.address, direction: 'in', offset: 0, limit: 1000 });
    const busiest = [...payers.items].sort((x, y) => y.count - x.count)[0]!;
    await ok(backend, 'graph.addAddress', { caseId, chain: tronHot.chain, address: tronHot.address });
    g = await ok(backend, 'graph.addAddress', { caseId, chain: tronHot.chain, address: busiest.address });

    const [a, b] = victims;
    g = await ok(backend, 'cluster.create', { caseId, nodeIds: [a!.id, b!.id], name: HOSTILE, category: 'victim', color: '#123456', note: '' });
    const clusterId = g.clusters[0]!.id;
    hostileNode = a!.id;
    formulaNode = deposit.id;
    g = await ok(backend, 'tag.add', { caseId, target: { kind: 'node', nodeId: a!.id }, label: `${HOSTILE} tag`, category: 'victim', confidence: 80, source: 'report <1> & "2"' });
    g = await ok(backend, 'tag.add', { caseId, target: { kind: 'node', nodeId: deposit.id }, label: FORMULA, category: 'exchange', confidence: 60, source: 'exchange reply' });
    g = await ok(backend, 'tag.add', { caseId, target: { kind: 'cluster', clusterId }, label: 'victims of one phishing wave', category: 'victim', confidence: 70, source: 'interviews' });

    const sources = truth.victims.filter((v) => v.chain === truth.chains.eth).map((v) => ({ kind: 'address' as const, chain: v.chain, address: v.address }));
    const { jobId } = await ok(backend, 'trace.start', { caseId, name: 'victims “FIFO” <all>', spec: { method: 'fifo', sources, maxHops: 12 } });
    for (;;) {
      const job = await ok(backend, 'trace.status', { jobId });
      if (job.state === 'running') {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      assert.equal(job.state, 'done', job.error?.message);
      break;
    }
    // Where the trace ends, drawn: its endpoints name that node.
    const end = (await ok(backend, 'trace.get', { caseId, traceId: (await ok(backend, 'trace.list', { caseId }))[0]!.id })).result.endpoints.find((e) => e.address !== null)!;
    await ok(backend, 'graph.addAddress', { caseId, chain: end.chain, address: end.address! });
    graph = await ok(backend, 'graph.get', { caseId });
    traces = [];
    for (const t of await ok(backend, 'trace.list', { caseId })) traces.push(await ok(backend, 'trace.get', { caseId, traceId: t.id }));
  } finally {
    await backend.close();
  }
  // The store and the case file, opened as the lead's handler has them.
  facts = openStore(ensureWorkspace(workspace).store);
  const actor = { name: 'test', now: () => new Date().toISOString(), signer: new WorkspaceKeys(workspace).own() };
  cases = new CaseFiles(ensureWorkspace(workspace).cases, new CaseRegistry(workspace), () => actor);
  caseFile = cases.get(caseId);
  data = collectExportData(facts, caseFile, graph, traces, META);
});

after(() => {
  cases?.closeAll();
  facts?.close();
});

/** What every export must hold: the graph's visible nodes (no "+K more" pages) and the edges between them. */
function expected() {
  const nodes = graph.nodes.filter((n): n is AddressNode | EntityNode => n.kind !== 'more' && !n.hidden);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes, edges };
}

/**
 * Parses XML strictly (xmldom 0.9): any error fails, so the file is well-formed XML 1.0. Of the
 * warnings only one is expected: xmldom's guess that U+FFFD (what forbidden characters become)
 * means a decoding problem.
 */
function wellFormed(xml: string): void {
  const problems: string[] = [];
  const onError = (level: string, message: string) => {
    if (!(level === 'warning' && /Unicode replacement character/.test(message))) problems.push(`${level}: ${message}`);
  };
  new DOMParser({ onError }).parseFromString(xml, 'application/xml');
  assert.deepEqual(problems, []);
}

const parallel = (edges: readonly GraphEdge[]) => edges.filter((e) => edges.some((o) => o !== e && o.source === e.source && o.target === e.target));

test('the case under test has what an export must handle: entity, paging placeholder, hidden node, parallel edges, labels, a trace', () => {
  assert.ok(graph.nodes.some((n) => n.kind === 'entity'));
  assert.ok(graph.nodes.some((n) => n.kind === 'more'));
  assert.ok(graph.nodes.some((n) => n.kind === 'address' && n.hidden));
  assert.ok(graph.edges.some((e) => e.parts), 'an entity edge with parts');
  assert.ok(parallel(expected().edges).length >= 2, 'two assets between one pair of nodes');
  assert.ok(graph.nodes.some((n) => n.kind === 'address' && n.chain.startsWith('bip122:') && !n.hidden));
  assert.ok(graph.nodes.some((n) => n.kind === 'address' && n.sanctioned));
  assert.equal(traces.length, 1);
  assert.ok(traces[0]!.result.endpoints.length + traces[0]!.result.unresolved.length > 0);
});

test('collectExportData writes the visible nodes and the edges between them, and every transfer each edge sums', () => {
  const { nodes, edges } = expected();
  assert.deepEqual(data.nodes.map((n) => n.id), nodes.map((n) => n.id));
  assert.deepEqual(data.edges.map((e) => e.id), edges.map((e) => e.id));
  assert.equal(data.leftOut.placeholders, graph.nodes.filter((n) => n.kind === 'more').length);
  assert.equal(data.leftOut.hiddenNodes, graph.nodes.filter((n) => n.kind !== 'more' && n.hidden).length);
  assert.equal(data.leftOut.edges, graph.edges.length - edges.length);
  for (const e of edges) {
    const out = data.edges.find((x) => x.id === e.id)!;
    assert.equal(out.amount, e.total);
    assert.equal(out.transfersListed, 'all', `${e.id}: ${out.transfersNote}`);
    const listed = data.transfers.filter((t) => t.edgeId === e.id);
    assert.equal(listed.length, e.count, e.id);
    assert.equal(listed.reduce((s, t) => s + BigInt(t.amount), 0n), BigInt(e.total), e.id);
  }
  // Endpoints name the node drawn at their address (an entity when a member is), else none.
  for (const ep of data.endpoints) {
    const drawn = ep.caip10 === null ? undefined : data.nodes.find((n) => n.caip10 === ep.caip10 || n.members.includes(ep.caip10!));
    assert.equal(ep.nodeId, drawn?.id ?? null);
  }
  assert.ok(data.endpoints.some((ep) => ep.nodeId !== null));
  const entity = data.nodes.find((n) => n.kind === 'entity')!;
  const drawn = graph.nodes.find((n) => n.id === entity.id)!;
  assert.ok(drawn.kind === 'entity');
  assert.deepEqual(entity.members, drawn.members.map((m) => `${drawn.chain}:${m.address}`));
  assert.equal(entity.size, drawn.size);
  assert.equal(entity.caip10, `${drawn.chain}:${drawn.anchor}`);
});

test('transfers are paged through to the end: one per page gives the same list as a thousand per page', () => {
  assert.ok(data.edges.some((e) => e.count > 1), 'an edge of several transfers, to page through');
  const paged = collectExportData(facts, caseFile, graph, traces, META, { pageSize: 1 });
  assert.deepEqual(paged.transfers, data.transfers);
});

test('an entity edge whose member is not on the canvas says its transfers are not listed, and lists the rest', () => {
  const g = structuredClone(graph);
  const edge = g.edges.find((e) => e.parts && e.parts.length >= 1)!;
  edge.parts!.push({ from: '0x' + '11'.repeat(20), to: edge.parts![0]!.to, source: null, target: edge.parts![0]!.target, total: '5', count: 1 });
  const d = collectExportData(facts, caseFile, g, traces, META);
  const out = d.edges.find((e) => e.id === edge.id)!;
  assert.equal(out.transfersListed, 'some');
  assert.match(out.transfersNote!, /not listed for 1 of \d+ member edges/);
  assert.match(out.transfersNote!, /0x1111111111111111111111111111111111111111/);
  assert.equal(d.transfers.filter((t) => t.edgeId === edge.id).length, data.transfers.filter((t) => t.edgeId === edge.id).length);
  assert.match(describeExport(d).contains, /the transfers of 1 entity edge not all listed/);
  const csv = toCsvTables(d).find((t) => t.name === 'edges.csv')!;
  const row = (parseCsv(csv.text, { columns: true }) as Record<string, string>[]).find((r) => r.edge_id === edge.id)!;
  assert.equal(row.transfers_listed, 'some');
});

test('describeExport says what the export holds, in words and counts that match the data', () => {
  const { contains, counts } = describeExport(data);
  const addressNodes = data.nodes.filter((n) => n.kind === 'address').length;
  assert.equal(counts.addressNodes, addressNodes);
  assert.equal(counts.entityNodes, 1);
  assert.equal(counts.edges, data.edges.length);
  assert.equal(counts.transfers, data.transfers.length);
  assert.equal(counts.endpoints, traces[0]!.result.endpoints.length + traces[0]!.result.unresolved.length);
  assert.ok(contains.startsWith(`${addressNodes} address nodes and 1 entity node, ${data.edges.length} edges with ${data.transfers.length} transfers`), contains);
  assert.match(contains, new RegExp(`${data.leftOut.placeholders} paging placeholders? and 1 hidden node left out`));
  assert.ok(contains.includes(`from case “${caseFile.name()}” (${caseId})`));
});

test('GraphML parses with graphology-graphml: node and edge counts, exact amounts and assets, labels, positions', () => {
  const xml = toGraphML(data);
  wellFormed(xml);
  const g = parseGraphml(Graphology, xml);
  const { nodes, edges } = expected();
  assert.equal(g.order, nodes.length);
  assert.equal(g.size, edges.length);
  assert.equal(g.type, 'directed');
  assert.ok(g.multi, 'parallel edges (two assets) kept apart');
  for (const e of edges) {
    const a = g.getEdgeAttributes(e.id);
    assert.equal(g.source(e.id), e.source);
    assert.equal(g.target(e.id), e.target);
    assert.equal(a.amount, e.total, `${e.id} amount`);
    assert.equal(typeof a.amount, 'string');
    assert.equal(a.asset_ref, e.asset.contract ?? 'native');
    assert.equal(a.asset_symbol, e.asset.symbol);
    assert.equal(a.asset_decimals, e.asset.decimals);
    assert.equal(a.transfer_count, e.count);
  }
  for (const n of nodes) {
    const a = g.getNodeAttributes(n.id);
    assert.equal(a.x, n.x);
    assert.equal(a.y, n.y);
    assert.equal(a.kind, n.kind);
    if (n.kind === 'address') {
      assert.equal(a.caip10, `${n.chain}:${n.address}`);
      assert.equal(a.workspace_label, n.labels?.[0]?.label);
      assert.equal(a.sanctioned, n.sanctioned === true);
    }
  }
  const hostile = g.getNodeAttributes(hostileNode);
  assert.equal(hostile.cluster_name, HOSTILE_XML);
  assert.ok((hostile.tags as string).startsWith(`${HOSTILE_XML} tag (victim, confidence 80, source report <1> & "2"`), hostile.tags as string);
  assert.equal(hostile.cluster_tags, `victims of one phishing wave (victim, confidence 70, source interviews, on ${graph.clusters[0]!.id})`);
  assert.ok((g.getNodeAttributes(formulaNode).tags as string).startsWith(FORMULA), 'XML keeps formula text exactly');
  const attrs = g.getAttributes();
  assert.equal(attrs.case_id, caseId);
  assert.equal(attrs.generator, 'Cairn 9.9.9-test');
  assert.equal(attrs.generated_at, META.generatedAt);
  assert.equal(attrs.contains, describeExport(data).contains);
  assert.match(xml, /<desc>\d+ address nodes and 1 entity node, .*Written by Cairn 9\.9\.9-test at 2024-05-06T07:08:09\.000Z\.<\/desc>/);
  assert.match(xml, /<key id="e_amount" for="edge" attr.name="amount" attr.type="string"\/>/);
});

test('GEXF 1.3 parses with graphology-gexf: counts, exact amounts, asset as the edge kind, labels, positions, meta', () => {
  const xml = toGexf(data);
  wellFormed(xml);
  assert.match(xml, /<gexf xmlns="http:\/\/gexf\.net\/1\.3" xmlns:viz="http:\/\/gexf\.net\/1\.3\/viz"[^>]* version="1\.3">/);
  assert.match(xml, /<graph defaultedgetype="directed" mode="static">/);
  const g = parseGexf(Graphology, xml);
  const { nodes, edges } = expected();
  assert.equal(g.order, nodes.length);
  assert.equal(g.size, edges.length);
  for (const e of edges) {
    const a = g.getEdgeAttributes(e.id);
    assert.equal(a.amount, e.total, `${e.id} amount`);
    assert.equal(a.kind, e.asset.contract ?? 'native', 'the asset is the edge kind that keeps parallel edges apart');
    assert.equal(a.asset_symbol, e.asset.symbol);
    assert.equal(typeof a.weight, 'number');
  }
  for (const n of nodes) {
    const a = g.getNodeAttributes(n.id);
    assert.equal(a.x, n.x);
    assert.equal(a.y, 0 - n.y, 'y up, as Gephi draws');
    assert.match(a.color as string, /^rgb\(\d+,\d+,\d+\)$/);
    if (n.kind === 'address') {
      assert.equal(a.caip10, `${n.chain}:${n.address}`);
      if (n.labels?.[0]) {
        assert.equal(a.workspace_label, n.labels[0].label);
        assert.ok((a.label as string).startsWith(n.labels[0].label), a.label as string);
      }
    }
  }
  const cluster = graph.clusters[0]!;
  assert.equal(g.getNodeAttribute(hostileNode, 'color'), 'rgb(18,52,86)', 'the case cluster colour #123456');
  assert.equal(g.getNodeAttribute(hostileNode, 'cluster_name'), HOSTILE_XML);
  assert.equal(g.getNodeAttribute(hostileNode, 'cluster_id'), cluster.id);
  const sanctioned = data.nodes.find((n) => n.address === sanctionedAddress)!;
  assert.equal(g.getNodeAttribute(sanctioned.id, 'sanctioned'), true);
  assert.equal(g.getAttribute('creator'), 'Cairn 9.9.9-test');
  assert.equal(g.getAttribute('lastModifiedDate'), '2024-05-06');
  assert.ok((g.getAttribute('description') as string).startsWith(describeExport(data).contains));
});

test('Cytoscape.js JSON: element counts, exact amounts, and cytoscape (headless) loads it', () => {
  const doc = JSON.parse(toCyjs(data)) as {
    format_version: string;
    generated_by: string;
    data: Record<string, unknown>;
    elements: { nodes: { data: Record<string, unknown>; position: { x: number; y: number } }[]; edges: { data: Record<string, unknown> }[] };
  };
  const { nodes, edges } = expected();
  assert.equal(doc.format_version, '1.0');
  assert.equal(doc.generated_by, 'Cairn 9.9.9-test');
  assert.equal(doc.data.case_id, caseId);
  assert.equal(doc.data.contains, describeExport(data).contains);
  assert.equal(doc.elements.nodes.length, nodes.length);
  assert.equal(doc.elements.edges.length, edges.length);
  const cy = cytoscape({ headless: true, elements: doc.elements as cytoscape.ElementsDefinition, layout: { name: 'preset' } });
  try {
    assert.equal(cy.nodes().length, nodes.length);
    assert.equal(cy.edges().length, edges.length);
    for (const e of edges) {
      const el = cy.getElementById(e.id);
      assert.equal(el.data('amount'), e.total);
      assert.equal(el.source().id(), e.source);
      assert.equal(el.target().id(), e.target);
    }
    for (const n of nodes) assert.deepEqual(cy.getElementById(n.id).position(), { x: n.x, y: n.y });
    assert.equal(cy.getElementById(hostileNode).data('cluster_name'), HOSTILE, 'JSON keeps every character');
  } finally {
    cy.destroy();
  }
});

test('CSV tables: transfers sum exactly to each edge, endpoints equal the trace, CAIP-10 ids, RFC 4180 quoting', () => {
  const tables = Object.fromEntries(toCsvTables(data).map((t) => [t.name, t.text]));
  assert.deepEqual(Object.keys(tables), ['nodes.csv', 'edges.csv', 'transfers.csv', 'endpoints.csv', 'about.txt']);
  const read = (name: string) => parseCsv(tables[name]!, { columns: true, strict: true } as never) as Record<string, string>[];
  for (const name of ['nodes.csv', 'edges.csv', 'transfers.csv', 'endpoints.csv']) assert.ok(tables[name]!.endsWith('\r\n'), `${name} ends its last record with CRLF`);
  const nodes = read('nodes.csv');
  const edges = read('edges.csv');
  const transfers = read('transfers.csv');
  const endpoints = read('endpoints.csv');
  const exp = expected();
  assert.equal(nodes.length, exp.nodes.length);
  assert.equal(edges.length, exp.edges.length);

  for (const e of exp.edges) {
    const row = edges.find((r) => r.edge_id === e.id)!;
    assert.equal(row.amount, e.total);
    assert.equal(row.asset_ref, e.asset.contract ?? 'native');
    const sum = transfers.filter((t) => t.edge_id === e.id).reduce((s, t) => s + BigInt(t.amount!), 0n);
    assert.equal(sum, BigInt(e.total), `${e.id}: its transfers sum to the edge's total`);
    assert.ok(row.amount_decimal, 'a human-readable amount beside the base units');
  }
  // Transfers name their ends by CAIP-10; an entity's name the member, never the entity.
  for (const t of transfers) {
    assert.match(t.from_caip10!, /^(eip155:\d+|tron:0x[0-9a-f]+|bip122:[0-9a-f]{32}):\S+$/);
    assert.equal(t.from_caip10!.startsWith(`${t.chain}:`), true);
  }
  for (const n of exp.nodes) {
    const row = nodes.find((r) => r.node_id === n.id)!;
    const address = n.kind === 'address' ? n.address : n.anchor;
    assert.equal(row.caip10, `${n.chain}:${address}`);
    assert.equal(row.chain, n.chain);
  }
  assert.ok(nodes.some((r) => r.caip10!.startsWith('bip122:0f9188f13cb7b2c71f2a335e3a4fc328:bcrt1')));
  assert.ok(nodes.some((r) => /^eip155:1:0x[0-9a-f]{40}$/.test(r.caip10!)));

  const t = traces[0]!;
  const want = [...t.result.endpoints.map((e) => ({ ...e, state: 'endpoint' })), ...t.result.unresolved.map((e) => ({ ...e, state: 'unresolved' }))];
  assert.deepEqual(
    endpoints.map((r) => [r.trace_id, r.trace_name, r.state, r.reason, r.caip10, r.asset_ref, r.amount, r.path]),
    want.map((e) => [String(t.id), t.name, e.state, e.reason, e.address === null ? '' : `${e.chain}:${e.address}`, e.asset.contract ?? 'native', e.amount, e.path.join(' ')]),
  );

  const hostile = nodes.find((r) => r.node_id === hostileNode)!;
  assert.equal(hostile.cluster_name, HOSTILE, 'CSV keeps every character, quoted');
  assert.ok(tables['nodes.csv']!.includes(`"<&""'\u0007> ""quoted"", and more"`));
  assert.ok(nodes.find((r) => r.node_id === formulaNode)!.tags!.startsWith(`'${FORMULA}`), 'a formula is not run by a spreadsheet');
  assert.ok(tables['about.txt']!.startsWith(describeExport(data).contains));
});

test('XML escaping: every special character and forbidden control character in a name still gives well-formed XML', () => {
  const nasty = `a&b<c>d"e'f\u0000g\u001Fh\uFFFEi\uD800j\t\n\rk`;
  const d: ExportData = { ...data, case: { id: data.case.id, name: nasty }, nodes: data.nodes.map((n, i) => (i === 0 ? { ...n, name: nasty } : n)) };
  for (const xml of [toGraphML(d), toGexf(d)]) wellFormed(xml);
  const g = parseGraphml(Graphology, toGraphML(d));
  assert.equal(g.getAttribute('case_name'), 'a&b<c>d"e\'f\uFFFDg\uFFFDh\uFFFDi\uFFFDj\t\n\rk');
  assert.equal(g.getNodeAttribute(d.nodes[0]!.id, 'label'), 'a&b<c>d"e\'f\uFFFDg\uFFFDh\uFFFDi\uFFFDj\t\n\rk');
  assert.equal(parseGexf(Graphology, toGexf(d)).getNodeAttribute(d.nodes[0]!.id, 'label'), 'a&b<c>d"e\'f\uFFFDg\uFFFDh\uFFFDi\uFFFDj\t\n\rk');
});
