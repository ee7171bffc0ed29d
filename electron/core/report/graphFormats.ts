/**
 * The case's graph in other tools' formats (issue 15): GraphML (yEd, Gephi), GEXF 1.3 (Gephi),
 * Cytoscape.js JSON (Cytoscape desktop and Cytoscape.js) and CSV tables (spreadsheets). Pure
 * functions of ExportData (exportData.ts). Every format carries the same attributes, named the
 * same, from one list of columns below, so a figure checked in one tool reads the same in another.
 * Amounts are attributes typed string: decimal base units, exact, with the asset beside them;
 * `amount_decimal` is the same in whole units for reading. A float appears only as an edge's
 * layout weight.
 */
import type { ExportData, ExportEdge, ExportEndpoint, ExportNode, ExportTag, ExportTransfer } from './exportData';

type AttrType = 'string' | 'int' | 'long' | 'double' | 'boolean';
type Cell = string | number | boolean | null;

interface Column<T> {
  readonly name: string;
  readonly type: AttrType;
  readonly value: (row: T) => Cell;
  /** Free text from people or label sets: guarded against spreadsheet formulas in CSV. */
  readonly text?: boolean;
}

/** Colours of seed roles, as the canvas draws them (renderer/graph/graphStyle.ts ROLE_COLOURS, WALLET_COLOUR). */
const ROLE_COLOURS: Readonly<Record<string, string>> = { victim: '#c8312f', suspect: '#22272e', service: '#2f6fd1', other: '#7a6a3a' };
const WALLET_COLOUR = '#9a2d7a';
const SANCTION_COLOUR = '#b00020';
const ADDRESS_COLOUR = '#8c959f';

const utc = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString());
const tagText = (t: ExportTag): string =>
  `${t.label} (${[t.category ?? 'no category', `confidence ${t.confidence}`, t.source ? `source ${t.source}` : null, `on ${t.on}`].filter(Boolean).join(', ')})`;
const tagsText = (tags: readonly ExportTag[]): string | null => (tags.length ? tags.map(tagText).join('; ') : null);
/** The asset as people name it: its symbol, else its contract. */
const assetName = (a: { symbol: string | null; ref: string }): string => a.symbol ?? a.ref;

/** A node's colour: its case cluster's, else a sanction's, else its seed role's, else a wallet's or plain grey. */
export function nodeColour(n: ExportNode): string {
  if (n.cluster) return n.cluster.color;
  if (n.sanctioned) return SANCTION_COLOUR;
  const role = n.role?.split(', ')[0];
  if (role && ROLE_COLOURS[role]) return ROLE_COLOURS[role]!;
  return n.kind === 'entity' ? WALLET_COLOUR : ADDRESS_COLOUR;
}

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Layout weight only (Gephi sizes edges by it): the whole-unit amount as a float. Never the figure to quote. */
function weightOf(e: ExportEdge): number {
  const w = Number(e.amountDecimal ?? e.amount);
  return Number.isFinite(w) ? w : 0;
}

const NODE_COLUMNS: readonly Column<ExportNode>[] = [
  { name: 'kind', type: 'string', value: (n) => n.kind },
  { name: 'chain', type: 'string', value: (n) => n.chain },
  { name: 'chain_name', type: 'string', value: (n) => n.chainName },
  { name: 'address', type: 'string', value: (n) => n.address },
  { name: 'caip10', type: 'string', value: (n) => n.caip10 },
  { name: 'display', type: 'string', value: (n) => n.display },
  { name: 'role', type: 'string', value: (n) => n.role },
  { name: 'cluster_id', type: 'string', value: (n) => n.cluster?.id ?? null },
  { name: 'cluster_name', type: 'string', value: (n) => n.cluster?.name ?? null, text: true },
  { name: 'cluster_category', type: 'string', value: (n) => n.cluster?.category ?? null },
  { name: 'cluster_color', type: 'string', value: (n) => n.cluster?.color ?? null },
  { name: 'cluster_tags', type: 'string', value: (n) => tagsText(n.cluster?.tags ?? []), text: true },
  { name: 'tags', type: 'string', value: (n) => tagsText(n.tags), text: true },
  { name: 'tag_count', type: 'int', value: (n) => n.tags.length },
  { name: 'workspace_label', type: 'string', value: (n) => n.label?.label ?? null, text: true },
  { name: 'workspace_label_category', type: 'string', value: (n) => n.label?.category ?? null, text: true },
  { name: 'workspace_label_source', type: 'string', value: (n) => n.label?.source ?? null, text: true },
  { name: 'workspace_label_set', type: 'string', value: (n) => n.label?.set ?? null, text: true },
  { name: 'workspace_label_on', type: 'string', value: (n) => n.label?.on ?? null },
  { name: 'sanctioned', type: 'boolean', value: (n) => n.sanctioned },
  { name: 'wallet', type: 'string', value: (n) => n.wallet?.id ?? null },
  { name: 'wallet_size', type: 'int', value: (n) => n.wallet?.size ?? null },
  { name: 'members', type: 'string', value: (n) => (n.members.length ? n.members.join(' ') : null) },
  { name: 'entity_size', type: 'int', value: (n) => n.size },
];

const ASSET_COLUMNS = <T extends { asset: ExportEdge['asset']; amount: string; amountDecimal: string | null }>(): Column<T>[] => [
  { name: 'asset', type: 'string', value: (r) => assetName(r.asset) },
  { name: 'asset_ref', type: 'string', value: (r) => r.asset.ref },
  { name: 'asset_contract', type: 'string', value: (r) => r.asset.contract },
  { name: 'asset_symbol', type: 'string', value: (r) => r.asset.symbol },
  { name: 'asset_decimals', type: 'int', value: (r) => r.asset.decimals },
  { name: 'amount', type: 'string', value: (r) => r.amount },
  { name: 'amount_decimal', type: 'string', value: (r) => r.amountDecimal },
];

const EDGE_COLUMNS: readonly Column<ExportEdge>[] = [
  { name: 'source_caip10', type: 'string', value: (e) => e.sourceCaip10 },
  { name: 'target_caip10', type: 'string', value: (e) => e.targetCaip10 },
  { name: 'chain', type: 'string', value: (e) => e.chain },
  ...ASSET_COLUMNS<ExportEdge>(),
  { name: 'transfer_count', type: 'int', value: (e) => e.count },
  { name: 'first_time', type: 'long', value: (e) => e.firstTime },
  { name: 'last_time', type: 'long', value: (e) => e.lastTime },
  { name: 'first_time_utc', type: 'string', value: (e) => utc(e.firstTime) },
  { name: 'last_time_utc', type: 'string', value: (e) => utc(e.lastTime) },
  { name: 'transfers_listed', type: 'string', value: (e) => e.transfersListed },
  { name: 'transfers_note', type: 'string', value: (e) => e.transfersNote },
];

const TRANSFER_COLUMNS: readonly Column<ExportTransfer>[] = [
  { name: 'edge_id', type: 'string', value: (t) => t.edgeId },
  { name: 'chain', type: 'string', value: (t) => t.chain },
  { name: 'from_caip10', type: 'string', value: (t) => t.from },
  { name: 'to_caip10', type: 'string', value: (t) => t.to },
  { name: 'tx_hash', type: 'string', value: (t) => t.txHash },
  { name: 'block', type: 'long', value: (t) => t.block },
  { name: 'time', type: 'long', value: (t) => t.time },
  { name: 'time_utc', type: 'string', value: (t) => utc(t.time) },
  ...ASSET_COLUMNS<ExportTransfer>(),
  { name: 'kind', type: 'string', value: (t) => t.kind },
  { name: 'status', type: 'string', value: (t) => t.status },
  { name: 'token_id', type: 'string', value: (t) => t.tokenId },
];

const ENDPOINT_COLUMNS: readonly Column<ExportEndpoint>[] = [
  { name: 'trace_id', type: 'int', value: (e) => e.traceId },
  { name: 'trace_name', type: 'string', value: (e) => e.traceName, text: true },
  { name: 'method', type: 'string', value: (e) => e.method },
  { name: 'state', type: 'string', value: (e) => (e.resolved ? 'endpoint' : 'unresolved') },
  { name: 'reason', type: 'string', value: (e) => e.reason },
  { name: 'stop_rule', type: 'string', value: (e) => e.stopRule, text: true },
  { name: 'chain', type: 'string', value: (e) => e.chain },
  { name: 'address', type: 'string', value: (e) => e.address },
  { name: 'caip10', type: 'string', value: (e) => e.caip10 },
  { name: 'display', type: 'string', value: (e) => e.display },
  { name: 'node_id', type: 'string', value: (e) => e.nodeId },
  { name: 'label', type: 'string', value: (e) => e.label, text: true },
  { name: 'category', type: 'string', value: (e) => e.category, text: true },
  ...ASSET_COLUMNS<ExportEndpoint>(),
  { name: 'share', type: 'double', value: (e) => e.share },
  { name: 'hops', type: 'int', value: (e) => e.hops },
  { name: 'first_time', type: 'long', value: (e) => e.firstTime },
  { name: 'last_time', type: 'long', value: (e) => e.lastTime },
  { name: 'linked_out', type: 'string', value: (e) => e.linkedOut },
  { name: 'path', type: 'string', value: (e) => e.path.join(' ') },
];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What the export holds, in one sentence, and the counts behind it (for checking and for the API's result). */
export function describeExport(d: ExportData): { contains: string; counts: Record<string, number> } {
  const addressNodes = d.nodes.filter((n) => n.kind === 'address').length;
  const entityNodes = d.nodes.length - addressNodes;
  const unlisted = d.edges.filter((e) => e.transfersListed !== 'all').length;
  const counts: Record<string, number> = {
    nodes: d.nodes.length,
    addressNodes,
    entityNodes,
    edges: d.edges.length,
    transfers: d.transfers.length,
    edgesWithUnlistedTransfers: unlisted,
    endpoints: d.endpoints.length,
    traces: d.traces.length,
    placeholdersLeftOut: d.leftOut.placeholders,
    hiddenNodesLeftOut: d.leftOut.hiddenNodes,
    edgesLeftOut: d.leftOut.edges,
  };
  // Zero counts are left unsaid: "13 address nodes and 6 edges with 6 transfers", not "…, 0 entity nodes, …".
  const nodes = [plural(addressNodes, 'address node'), entityNodes ? plural(entityNodes, 'entity node') : null].filter(Boolean).join(' and ');
  const ends = d.endpoints.length ? ` and ${plural(d.endpoints.length, 'trace endpoint')} of ${plural(d.traces.length, 'trace')}` : '';
  const parts = [
    `${nodes}, ${plural(d.edges.length, 'edge')} with ${plural(d.transfers.length, 'transfer')}${ends} from case “${d.case.name}” (${d.case.id})` +
      (d.filter ? ', edges summed through the canvas filter' : ''),
    'addresses as CAIP-10 ids, amounts exact in base units beside their asset',
  ];
  const left = [
    d.leftOut.placeholders ? plural(d.leftOut.placeholders, 'paging placeholder') : null,
    d.leftOut.hiddenNodes ? plural(d.leftOut.hiddenNodes, 'hidden node') : null,
  ].filter((x): x is string => x !== null);
  if (left.length) parts.push(`${left.join(' and ')} left out${d.leftOut.edges ? ` (with ${plural(d.leftOut.edges, 'edge')} to them)` : ''}`);
  if (unlisted) parts.push(`the transfers of ${plural(unlisted, 'entity edge')} not all listed (members off the canvas)`);
  return { contains: parts.join('; '), counts };
}

// ---------------------------------------------------------------------------------------------
// XML

/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return; U+FFFE
 * and U+FFFF; lone surrogates) cannot be written even as references: they become U+FFFD.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content or a double- or single-quoted attribute; tab, newline and CR as references so parsers keep them. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function xmlValue(v: Cell): string {
  return xmlEscape(typeof v === 'string' ? v : String(v));
}

function attrs(a: Record<string, Cell | undefined>): string {
  return Object.entries(a)
    .filter((e): e is [string, string | number | boolean] => e[1] !== null && e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlValue(v)}"`)
    .join('');
}

const creator = (d: ExportData): string => `Cairn ${d.generator.version}`;
const headline = (d: ExportData): string =>
  `${describeExport(d).contains}. Written by ${creator(d)} at ${d.generator.generatedAt}.`;

/** GraphML keys are declared once per attribute; ids are prefixed by domain so node and edge names may repeat. */
function graphmlKeys<T>(domain: 'node' | 'edge', cols: readonly Column<T>[]): string[] {
  return cols.map((c) => `  <key id="${domain[0]}_${c.name}" for="${domain}" attr.name="${c.name}" attr.type="${c.type}"/>`);
}

function graphmlData<T>(domain: 'node' | 'edge', cols: readonly Column<T>[], row: T, indent: string): string[] {
  return cols.flatMap((c) => {
    const v = c.value(row);
    return v === null ? [] : [`${indent}<data key="${domain[0]}_${c.name}">${xmlValue(v)}</data>`];
  });
}

/** Node attributes only GraphML needs under Gephi's names: label, position, colour. */
const GRAPHML_NODE_EXTRA: readonly Column<ExportNode>[] = [
  { name: 'label', type: 'string', value: (n) => n.name },
  { name: 'x', type: 'double', value: (n) => n.x },
  { name: 'y', type: 'double', value: (n) => n.y },
  { name: 'r', type: 'int', value: (n) => rgb(nodeColour(n))[0] },
  { name: 'g', type: 'int', value: (n) => rgb(nodeColour(n))[1] },
  { name: 'b', type: 'int', value: (n) => rgb(nodeColour(n))[2] },
];
const GRAPHML_EDGE_EXTRA: readonly Column<ExportEdge>[] = [
  { name: 'label', type: 'string', value: (e) => `${e.amountDecimal ?? e.amount} ${assetName(e.asset)}` },
  { name: 'weight', type: 'double', value: weightOf },
];

/**
 * GraphML with typed keys for every attribute (amounts typed string), a directed graph, node
 * positions as x/y (canvas coordinates: y grows downward), and a description of the contents
 * with the Cairn version and time, both as <desc> and as graph data (which yEd and Gephi list).
 */
export function toGraphML(d: ExportData): string {
  const nodeCols = [...GRAPHML_NODE_EXTRA, ...NODE_COLUMNS];
  const edgeCols = [...GRAPHML_EDGE_EXTRA, ...EDGE_COLUMNS];
  const graphData: Record<string, string> = {
    case_id: d.case.id,
    case_name: d.case.name,
    generator: creator(d),
    generated_at: d.generator.generatedAt,
    contains: describeExport(d).contains,
    ...(d.filter ? { filter: JSON.stringify(d.filter) } : {}),
  };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    // In <graphml>, not <graph>: readers (graphology) take a graph's data only before any other child.
    `  <desc>${xmlEscape(headline(d))}</desc>`,
    ...Object.keys(graphData).map((k) => `  <key id="g_${k}" for="graph" attr.name="${k}" attr.type="string"/>`),
    ...graphmlKeys('node', nodeCols),
    ...graphmlKeys('edge', edgeCols),
    `  <graph id="${xmlEscape(d.case.id)}" edgedefault="directed">`,
    ...Object.entries(graphData).map(([k, v]) => `    <data key="g_${k}">${xmlEscape(v)}</data>`),
  ];
  for (const n of d.nodes) out.push(`    <node id="${xmlEscape(n.id)}">`, ...graphmlData('node', nodeCols, n, '      '), '    </node>');
  for (const e of d.edges) {
    out.push(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">`, ...graphmlData('edge', edgeCols, e, '      '), '    </edge>');
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}

/** GEXF's attribute types for ours (GEXF says integer, not int). */
const GEXF_TYPE: Readonly<Record<AttrType, string>> = { string: 'string', int: 'integer', long: 'long', double: 'double', boolean: 'boolean' };

function gexfAttributes<T>(cls: 'node' | 'edge', cols: readonly Column<T>[]): string[] {
  // id and title are the same name: readers (graphology) key the values by id when it is not a number.
  return [`    <attributes class="${cls}">`, ...cols.map((c) => `      <attribute id="${c.name}" title="${c.name}" type="${GEXF_TYPE[c.type]}"/>`), '    </attributes>'];
}

function gexfValues<T>(cols: readonly Column<T>[], row: T, indent: string): string[] {
  const values = cols.flatMap((c) => {
    const v = c.value(row);
    return v === null ? [] : [`${indent}  <attvalue for="${c.name}" value="${xmlValue(v)}"/>`];
  });
  return values.length ? [`${indent}<attvalues>`, ...values, `${indent}</attvalues>`] : [];
}

/**
 * GEXF 1.3 for Gephi: meta with the creator (Cairn and its version), the date and a description
 * of the contents; typed node and edge attributes (amounts typed string); viz colour and position.
 * Gephi's y axis points up, so y is the canvas's negated: the layout reads the same way up.
 * One edge per (source, target, asset), each with its own id and the asset ref as its `kind`:
 * GEXF 1.3 added `kind` so that parallel edges (two assets between the same two nodes) stay apart.
 */
export function toGexf(d: ExportData): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
    `  <meta lastmodifieddate="${xmlEscape(d.generator.generatedAt.slice(0, 10))}">`,
    `    <creator>${xmlEscape(creator(d))}</creator>`,
    `    <keywords>${xmlEscape(`cairn, case ${d.case.id}, generated ${d.generator.generatedAt}`)}</keywords>`,
    `    <description>${xmlEscape(headline(d))}</description>`,
    '  </meta>',
    '  <graph defaultedgetype="directed" mode="static">',
    ...gexfAttributes('node', NODE_COLUMNS),
    ...gexfAttributes('edge', EDGE_COLUMNS),
    `    <nodes count="${d.nodes.length}">`,
  ];
  for (const n of d.nodes) {
    const [r, g, b] = rgb(nodeColour(n));
    out.push(
      `      <node${attrs({ id: n.id, label: n.name })}>`,
      ...gexfValues(NODE_COLUMNS, n, '        '),
      `        <viz:color r="${r}" g="${g}" b="${b}"/>`,
      `        <viz:position x="${n.x}" y="${-n.y}" z="0"/>`,
      `        <viz:size value="${n.kind === 'entity' ? 16 : 10}"/>`,
      '      </node>',
    );
  }
  out.push('    </nodes>', `    <edges count="${d.edges.length}">`);
  for (const e of d.edges) {
    const head = attrs({ id: e.id, source: e.source, target: e.target, kind: e.asset.ref, weight: weightOf(e), label: `${e.amountDecimal ?? e.amount} ${assetName(e.asset)}` });
    out.push(`      <edge${head}>`, ...gexfValues(EDGE_COLUMNS, e, '        '), '      </edge>');
  }
  out.push('    </edges>', '  </graph>', '</gexf>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Cytoscape.js JSON

function dataOf<T>(cols: readonly Column<T>[], row: T): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const c of cols) {
    const v = c.value(row);
    if (v !== null) out[c.name] = v;
  }
  return out;
}

/**
 * Cytoscape.js JSON as Cytoscape desktop writes and reads it (.cyjs): flat data (no nested
 * objects, which its tables cannot hold), `name` for the node's label, `interaction` for the
 * edge's asset, positions in canvas coordinates (y down, as both Cytoscapes draw).
 */
export function toCyjs(d: ExportData): string {
  const { contains, counts } = describeExport(d);
  const doc = {
    format_version: '1.0',
    generated_by: creator(d),
    target_cytoscapejs_version: '~2.1',
    data: {
      name: d.case.name,
      shared_name: d.case.name,
      case_id: d.case.id,
      case_name: d.case.name,
      generated_at: d.generator.generatedAt,
      contains,
      ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [`count_${k}`, v])),
      ...(d.filter ? { filter: JSON.stringify(d.filter) } : {}),
    },
    elements: {
      nodes: d.nodes.map((n) => ({
        data: { id: n.id, name: n.name, shared_name: n.name, color: nodeColour(n), ...dataOf(NODE_COLUMNS, n) },
        position: { x: n.x, y: n.y },
      })),
      edges: d.edges.map((e) => ({
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          name: `${e.source} (${assetName(e.asset)}) ${e.target}`,
          interaction: assetName(e.asset),
          weight: weightOf(e),
          ...dataOf(EDGE_COLUMNS, e),
        },
      })),
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * One RFC 4180 field: quoted when it holds a quote, comma, CR or LF (or edge spaces), quotes
 * doubled. Free text that a spreadsheet would run as a formula (=, +, -, @, tab or CR first)
 * gets a leading apostrophe, as OWASP advises for CSV injection; ids and amounts never start so.
 */
export function csvField(v: Cell, text = false): string {
  if (v === null) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvTable<T>(cols: readonly Column<T>[], rows: readonly T[]): string {
  const lines = [cols.map((c) => csvField(c.name)).join(','), ...rows.map((r) => cols.map((c) => csvField(c.value(r), c.text)).join(','))];
  return lines.join('\r\n') + '\r\n';
}

const CSV_NODE_COLUMNS: readonly Column<ExportNode>[] = [
  { name: 'node_id', type: 'string', value: (n) => n.id },
  { name: 'name', type: 'string', value: (n) => n.name, text: true },
  ...NODE_COLUMNS,
  { name: 'x', type: 'double', value: (n) => n.x },
  { name: 'y', type: 'double', value: (n) => n.y },
];
const CSV_EDGE_COLUMNS: readonly Column<ExportEdge>[] = [
  { name: 'edge_id', type: 'string', value: (e) => e.id },
  { name: 'source', type: 'string', value: (e) => e.source },
  { name: 'target', type: 'string', value: (e) => e.target },
  ...EDGE_COLUMNS,
];

/**
 * The graph as four CSV tables (RFC 4180: a header row, CRLF line ends, UTF-8) that join on
 * node_id and edge_id, and about.txt saying what they hold. Amounts: `amount` in base units
 * (exact), the asset's columns, and `amount_decimal` in whole units.
 */
export function toCsvTables(d: ExportData): { name: string; text: string }[] {
  return [
    { name: 'nodes.csv', text: csvTable(CSV_NODE_COLUMNS, d.nodes) },
    { name: 'edges.csv', text: csvTable(CSV_EDGE_COLUMNS, d.edges) },
    { name: 'transfers.csv', text: csvTable(TRANSFER_COLUMNS, d.transfers) },
    { name: 'endpoints.csv', text: csvTable(ENDPOINT_COLUMNS, d.endpoints) },
    {
      name: 'about.txt',
      text:
        [
          `${headline(d)}`,
          '',
          'nodes.csv: one row per node (node_id); edges.csv: one row per edge (edge_id, source and target are node_id);',
          'transfers.csv: every transfer an edge sums (edge_id); endpoints.csv: where each trace of the case ends (node_id where the address is drawn).',
          'amount: exact, in the asset\'s base units; amount_decimal: the same in whole units. Times: unix seconds and UTC.',
          'Free text starting with = + - @ has a leading apostrophe so that spreadsheets do not run it as a formula.',
        ].join('\r\n') + '\r\n',
    },
  ];
}
