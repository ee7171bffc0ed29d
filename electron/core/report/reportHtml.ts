import type { Asset, AuditVerdict, Dataset, GraphNode } from '../../../shared/api/schemas';
import type { z } from 'zod';
import type { EndpointReason, SavedTrace, TraceEndpoint, TraceTotal as TraceTotalSchema } from '../../../shared/api/traceSchemas';

type TraceTotal = z.infer<typeof TraceTotalSchema>;
import { formatUnits, groupDigits } from '../../../shared/model/amount';
import { resolveChain } from '../../../shared/model/chains';
import type { ReportModel } from './reportModel';
import { fill, type ReportTemplate, type SectionId, type TemplateSection } from './template';

/**
 * The report as one self-contained HTML document: styles inline, figures as inline SVG, a CSP
 * that allows no request. Every amount is written twice — human-readable with its unit, and
 * exact in base units in a <data value> — and every hash in full, so a reader can check a
 * figure against the chain and a program can read the figures back (the tests do).
 */

export interface ReportFigure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
}

export interface RenderedReport {
  readonly html: string;
  /** Section ids written, in order (a section with nothing to say, such as attribution today, is left out). */
  readonly sections: readonly SectionId[];
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function esc(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text)
    .replace(CONTROL, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

function symbolOf(asset: Asset): string {
  if (asset.symbol) return asset.symbol;
  if (asset.contract === null) {
    try {
      return resolveChain(asset.chain).nativeSymbol;
    } catch {
      return 'native';
    }
  }
  return `token ${asset.contract}`;
}

/** The asset's key in the document's data attributes: chain and contract (or "native"). */
export function assetKey(asset: Asset): string {
  return `${asset.chain}/${asset.contract ?? 'native'}`;
}

/** An amount, human-readable with its unit and exact in base units beside it. */
export function amountHtml(baseUnits: string, asset: Asset): string {
  const exact = `<span class="base"><span class="digits">${esc(baseUnits)}</span> base&nbsp;units</span>`;
  if (asset.decimals === null) return `<data class="amount" value="${esc(baseUnits)}" data-asset="${esc(assetKey(asset))}">${esc(baseUnits)} ${esc(symbolOf(asset))} <span class="base">(base units; the token's decimals are unknown)</span></data>`;
  const human = groupDigits(formatUnits(BigInt(baseUnits), asset.decimals));
  // Zero is zero in any unit: no second line for it.
  if (baseUnits === '0') return `<data class="amount" value="0" data-asset="${esc(assetKey(asset))}">0 ${esc(symbolOf(asset))}</data>`;
  return `<data class="amount" value="${esc(baseUnits)}" data-asset="${esc(assetKey(asset))}">${esc(human)} ${esc(symbolOf(asset))}</data> ${exact}`;
}

export function hashHtml(hash: string): string {
  return `<code class="hash">${esc(hash)}</code>`;
}

function utc(seconds: number | null): string {
  if (seconds === null) return '—';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
}

function isoWords(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

function table(headings: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  if (rows.length === 0) return '';
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${headings.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function facts(pairs: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

const METHOD_WORDS: Record<string, string> = {
  fifo: 'FIFO (first in, first out: each output takes the oldest value first)',
  haircut: 'Haircut (each output carries the traced share of what the address held)',
  poison: 'Poison (anything touched by traced value counts as traced; totals do not conserve)',
};

const REASON_WORDS: Record<EndpointReason, string> = {
  stop: 'stopped',
  rest: 'at rest',
  fee: 'fee',
  sunk: 'burnt or unspendable',
  limit: 'still moving: hop limit',
  window: 'still moving: after the time window',
  chain: 'still moving: on a chain not followed',
  dust: 'still moving: below the dust threshold',
};

function endpointWhy(e: TraceEndpoint): string {
  if (e.reason === 'stop' && e.stopRule) return `stopped: ${e.stopRule.replace(/^category /, '').replace(/_/g, ' ')}`;
  return REASON_WORDS[e.reason];
}

function share(value: number): string {
  if (value <= 0) return '0 %';
  if (value < 0.0001) return '< 0.01 %';
  const pct = value * 100;
  return `${pct >= 99.995 && pct <= 100 ? '100' : pct.toFixed(2)} %`;
}

function nodeName(n: GraphNode | undefined): string {
  if (!n) return '—';
  if (n.kind === 'address') return n.display;
  if (n.kind === 'entity') return `wallet of ${n.anchorDisplay} (${n.size} addresses)`;
  return `${n.remaining} more`;
}

interface Ctx {
  readonly m: ReportModel;
  readonly figures: readonly ReportFigure[];
  readonly vars: Readonly<Record<string, string>>;
}

function summarySection(c: Ctx): string {
  const { m } = c;
  const g = m.graph;
  const visible = g.nodes.filter((n) => !n.hidden && n.kind !== 'more');
  const drawn = new Set(g.nodes.filter((n) => !n.hidden).map((n) => n.id));
  const edges = g.edges.filter((e) => drawn.has(e.source) && drawn.has(e.target)).length;
  const tags = g.nodes.reduce((s, n) => s + (n.kind === 'address' ? n.tags.length : 0), 0) + g.clusters.reduce((s, k) => s + k.tags.length, 0);
  const received = m.case.received;
  const pairs: [string, string][] = [
    ['Case', `${esc(m.case.name)} <span class="muted">(id ${esc(m.case.id)})</span>`],
    ['Created', esc(isoWords(m.case.createdAt))],
    ['Last changed', esc(isoWords(m.case.modifiedAt))],
    ['Investigators', m.investigators.map((i) => `${esc(i.name)} <span class="muted">(${plural(i.entries, 'log entry', 'log entries')}, ${esc(isoWords(i.first))} to ${esc(isoWords(i.last))})</span>`).join('<br>') || '—'],
    ['Contents', esc(`${plural(visible.length, 'node')} and ${plural(edges, 'edge')} on the canvas, ${plural(g.seeds.length, 'seed')}, ${plural(m.traces.length, 'trace')}, ${plural(m.links.filter((l) => l.status === 'confirmed').length, 'confirmed cross-chain link')}, ${plural(g.clusters.length, 'manual cluster')}, ${plural(tags, 'tag')}`)],
    ['Audit log', m.verdict.ok ? `<span class="ok">verified</span>: ${plural(m.verdict.entries, 'entry', 'entries')}, every hash and signature checks` : `<span class="bad">NOT verified</span>: ${esc(m.verdict.firstBroken?.reason ?? m.verdict.problems[0]?.reason ?? 'see the audit section')}`],
  ];
  if (m.verdict.head) pairs.push(['Log head', `entry ${m.verdict.head.seq}, ${hashHtml(m.verdict.head.hash)}`]);
  if (received) {
    pairs.push(['Received', `from ${esc(received.from)} on ${esc(isoWords(received.at))}, key fingerprint <code>${esc(received.fingerprint)}</code>, bundle SHA-256 ${hashHtml(received.bundleSha256)}`]);
  }
  for (const h of m.handOvers) {
    pairs.push(['Exported', `${esc(isoWords(h.time))} by ${esc(h.by)} as ${esc(h.file)}${h.encrypted ? ' (encrypted)' : ''}, signed with key fingerprint <code>${esc(h.key)}</code>`]);
  }
  pairs.push(['This report', `made ${esc(isoWords(m.generatedAt))} by ${esc(m.generatedBy)} with Cairn ${esc(m.version)}`]);
  return facts(pairs);
}

function graphSection(c: Ctx): string {
  if (c.figures.length === 0) return '<p class="muted">The case has no nodes on its canvas.</p>';
  return c.figures
    .map(
      (f, i) =>
        `<figure id="figure-${esc(f.id)}" data-figure="${esc(f.id)}">${f.svg}<figcaption><strong>Figure ${i + 1}.</strong> ${esc(f.title)}. ${esc(f.caption)}</figcaption></figure>`,
    )
    .join('');
}

function seedsSection(c: Ctx): string {
  const seeds = c.m.graph.seeds;
  if (seeds.length === 0) return '<p class="muted">The case has no seeds.</p>';
  return table(
    ['Role', 'Chain', 'Address', 'Note'],
    seeds.map((s) => [esc(s.role), esc(chainName(s.chain)), `<code class="addr">${esc(s.display)}</code>`, esc(s.note)]),
    'seeds',
  );
}

const TOTAL_PARTS: readonly (readonly [keyof TraceTotal & string, string])[] = [
  ['sourced', 'Entered from the sources'],
  ['linkedIn', 'Entered by cross-chain links'],
  ['atRest', 'At rest'],
  ['stopped', 'Stopped (a service, a marked address, a hub)'],
  ['fees', 'Paid in fees'],
  ['sunk', 'Burnt or unspendable'],
  ['unresolved', 'Still moving (limits reached)'],
  ['linkedOut', 'Of which left by a cross-chain link'],
];

/** One table per asset, a row per part of the equation: narrow enough for A4 whatever the amounts. */
function totalsTables(totals: readonly TraceTotal[]): string {
  return totals
    .map((t) => {
      const rows = TOTAL_PARTS.map(([part, words]) => `<tr data-part="${part}"><th scope="row">${esc(words)}</th><td>${amountHtml(t[part] as string, t.asset)}</td></tr>`).join('');
      const verdict = t.reconciles
        ? '<span class="ok">Reconciles</span>: entered = at rest + stopped + fees + burnt + still moving, exactly.'
        : '<span class="bad">Does not reconcile</span>: the method does not conserve value (poison), or the data is incomplete.';
      return `<table class="totals" data-asset="${esc(assetKey(t.asset))}"><caption>${esc(symbolOf(t.asset))} on ${esc(chainName(t.asset.chain))}</caption><tbody>${rows}</tbody><tfoot><tr><td colspan="2">${verdict}</td></tr></tfoot></table>`;
    })
    .join('');
}

function addressCell(chain: string, display: string | null, label: string | null, category: string | null): string {
  const name = [label, category?.replace(/_/g, ' ')].filter(Boolean).join(' · ');
  return `${display ? `<code class="addr">${esc(display)}</code>` : '<span class="muted">no address</span>'}${name ? `<br><strong>${esc(name)}</strong>` : ''}<br><span class="muted">${esc(chainName(chain))}</span>`;
}

/** Endpoints two rows each: the figures, then the path of transactions that carried the value there. */
function endpointsTable(endpoints: readonly TraceEndpoint[], cls: string): string {
  if (endpoints.length === 0) return '';
  const head = ['Address', 'Amount', 'Share', 'Hops', 'Why it ends here', 'Last moved'];
  const body = endpoints
    .map(
      (e) =>
        `<tbody class="endpoint"><tr>${[addressCell(e.chain, e.display, e.label, e.category), amountHtml(e.amount, e.asset), esc(share(e.share)), esc(e.hops), esc(endpointWhy(e)), esc(utc(e.lastTime))].map((c) => `<td>${c}</td>`).join('')}</tr>` +
        (e.path.length ? `<tr class="path-row"><td colspan="6"><span class="muted">Path:</span> ${e.path.map(hashHtml).join(' → ')}</td></tr>` : '') +
        '</tbody>',
    )
    .join('');
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>${body}</table>`;
}

function traceParameters(t: SavedTrace): string {
  const s = t.spec;
  return facts([
    ['Method', esc(METHOD_WORDS[s.method] ?? s.method)],
    ['Run', `${esc(isoWords(t.createdAt))} by ${esc(t.createdBy)}`],
    ['Hop limit', esc(s.maxHops)],
    ['Time window', esc(s.since === null && s.until === null ? 'none' : `${utc(s.since)} to ${utc(s.until)}`)],
    ['Dust threshold', esc(s.minAmount ?? 'none')],
    ['Chains followed', esc(s.chains === null ? 'every chain' : s.chains.map(chainName).join(', '))],
    [
      'Stops at',
      esc(
        [
          s.stopAt.categories.length ? `labels of category ${s.stopAt.categories.map((x) => x.replace(/_/g, ' ')).join(', ')}` : '',
          s.stopAt.addresses.length ? plural(s.stopAt.addresses.length, 'marked address', 'marked addresses') : '',
          s.stopAt.clusters.length ? `clusters ${s.stopAt.clusters.join(', ')}` : '',
          s.stopAt.hubs ? 'unlabelled hubs' : '',
        ]
          .filter(Boolean)
          .join('; ') || 'nothing',
      ),
    ],
    ['Addresses followed', esc(t.result.addressesFollowed.toLocaleString('en-GB'))],
  ]);
}

function traceSection(t: SavedTrace, index: number, c: Ctx): string {
  const r = t.result;
  const fig = c.figures.findIndex((f) => f.id === `trace-${t.id}`);
  const parts = [
    `<h3 id="trace-${t.id}" data-trace="${t.id}">Trace ${index + 1}: ${esc(t.name || `trace ${t.id}`)}</h3>`,
    traceParameters(t),
    fig >= 0 ? `<p>Drawn in figure ${fig + 1}.</p>` : '',
    '<h4>Sources</h4>',
    table(
      ['Transaction (output or transfer)', 'From', 'Amount', 'Time'],
      r.sources.map((s) => [`${hashHtml(s.tx)} <span class="muted">(${esc(s.ref)}, ${esc(chainName(s.chain))})</span>`, s.from ? `<code class="addr">${esc(s.from)}</code>` : '—', amountHtml(s.amount, s.asset), esc(utc(s.time))]),
      'sources',
    ),
    '<h4>Totals</h4>',
    totalsTables(r.totals),
    `<h4>Where it ended (${plural(r.endpoints.length, 'endpoint')})</h4>`,
    r.endpoints.length ? endpointsTable(r.endpoints, 'endpoints') : '<p class="muted">No value reached an endpoint.</p>',
  ];
  if (r.unresolved.length) parts.push(`<h4>Still moving (${plural(r.unresolved.length, 'place')})</h4>`, endpointsTable(r.unresolved, 'unresolved'));
  if (r.links.length) {
    parts.push(
      '<h4>Cross-chain links crossed</h4>',
      table(
        ['Link', 'Kind', 'Leaves', 'Arrives', 'Traced in (base units)', 'Traced out (base units)'],
        r.links.map((l) => [esc(l.linkId), esc(l.kind), `${esc(chainName(l.from.chain))} ${hashHtml(l.from.tx)}`, `${esc(chainName(l.to.chain))} ${hashHtml(l.to.tx)}`, `<data class="amount-raw" value="${esc(l.tracedIn)}">${esc(l.tracedIn)}</data>`, `<data class="amount-raw" value="${esc(l.tracedOut)}">${esc(l.tracedOut)}</data>`]),
      ),
    );
  }
  if (r.unknownInputs.length) {
    parts.push(
      '<h4>Value the data cannot account for</h4>',
      table(
        ['Chain', 'Transaction', 'Address', 'Amount', 'Note'],
        r.unknownInputs.map((u) => [esc(chainName(u.chain)), hashHtml(u.tx), u.address ? `<code class="addr">${esc(u.address)}</code>` : '—', amountHtml(u.amount, u.asset), esc(u.note)]),
      ),
    );
  }
  parts.push(
    `<p class="muted">${plural(r.transfersTotal, 'transfer')} carried traced value. Datasets read: ${r.datasets.map((d) => `${esc(d.id)} (${esc(d.format)})`).join(', ') || 'none'}; their files are listed under “Where the data comes from”.</p>`,
  );
  return `<section class="trace">${parts.join('')}</section>`;
}

function tracesSection(c: Ctx): string {
  if (c.m.traces.length === 0) return '<p class="muted">No trace was saved in this case.</p>';
  return c.m.traces.map((t, i) => traceSection(t, i, c)).join('');
}

function linksSection(c: Ctx): string {
  const links = c.m.links.filter((l) => l.status !== 'proposed');
  if (links.length === 0) return '<p class="muted">The case has no cross-chain links.</p>';
  const ref = (r: { chain: string; tx: string; ref?: string }) => `${esc(chainName(r.chain))} ${hashHtml(r.tx)}${r.ref ? ` <span class="muted">(${esc(r.ref)})</span>` : ''}`;
  return table(
    ['Link', 'Status', 'Kind', 'Leaves', 'Arrives', 'Evidence', 'Note'],
    links.map((l) => [
      esc(l.id),
      l.status === 'confirmed' ? '<span class="ok">confirmed</span>' : esc(l.status),
      esc(l.kind),
      ref(l.from),
      ref(l.to),
      l.evidence.length ? `<ul>${l.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '—',
      esc(l.note),
    ]),
  );
}

function clustersSection(c: Ctx): string {
  const { graph } = c.m;
  const out: string[] = [];
  if (graph.clusters.length) {
    out.push('<h3>Grouped by the investigator</h3>');
    for (const k of graph.clusters) {
      const members = graph.nodes.filter((n) => n.kind === 'address' && n.clusterId === k.id);
      out.push(
        `<div class="cluster" data-cluster="${esc(k.id)}"><h4><span class="swatch" style="background:${esc(k.color)}"></span>${esc(k.name)} <span class="muted">(${esc(k.category.replace(/_/g, ' '))}, ${plural(k.members, 'member')})</span></h4>`,
        k.note ? `<p>${esc(k.note)}</p>` : '',
        `<p>${members.map((n) => `<code class="addr">${esc(nodeName(n))}</code>`).join(', ')}</p>`,
        k.tags.length ? `<p>Tags: ${k.tags.map((t) => `${esc(t.label)} (${esc(t.confidence)} %, source: ${esc(t.source || '—')})`).join('; ')}</p>` : '',
        '</div>',
      );
    }
  }
  if (c.m.wallets.length) {
    out.push(
      '<h3>Wallets inferred from the chain</h3>',
      '<p>Addresses on the canvas that belong to an automatic cluster with other addresses, the merges that joined them, and this case’s overrides.</p>',
    );
    for (const w of c.m.wallets) {
      const v = w.view;
      out.push(
        `<div class="wallet" data-wallet="${esc(v.cluster)}"><h4>Wallet ${esc(v.cluster)} on ${esc(chainName(w.chain))}: ${plural(v.size, 'address', 'addresses')}${v.label ? `, labelled ${esc(v.label.label)}${v.label.sanctioned ? ' <span class="bad">(sanctioned)</span>' : ''}` : ''}</h4>`,
        `<p>On the canvas: ${w.onCanvas.map((a) => `<code class="addr">${esc(a)}</code>`).join(', ')}</p>`,
        v.evidence.length ? table(['Merge transaction', 'Heuristic'], v.evidence.map((e) => [hashHtml(e.tx), esc(e.heuristic)])) : '',
        v.overrides?.length ? `<p>Overrides in this case: ${v.overrides.map((o) => esc(`${o.kind}${o.note ? ` (${o.note})` : ''}`)).join('; ')}</p>` : '',
        '</div>',
      );
    }
    if (c.m.walletsLeft) out.push(`<p class="muted">${plural(c.m.walletsLeft, 'further wallet')} on the canvas not described here.</p>`);
  }
  return out.join('') || '<p class="muted">The case has no clusters.</p>';
}

function tagsSection(c: Ctx): string {
  const rows: string[][] = [];
  for (const n of c.m.graph.nodes) {
    if (n.kind !== 'address') continue;
    for (const t of n.tags) rows.push([`<code class="addr">${esc(n.display)}</code>`, esc(t.label), esc(t.category?.replace(/_/g, ' ') ?? '—'), esc(`${t.confidence} %`), esc(t.source || '—'), esc(t.note), esc(`${t.createdBy}, ${isoWords(t.createdAt)}`)]);
  }
  for (const k of c.m.graph.clusters) {
    for (const t of k.tags) rows.push([`cluster ${esc(k.name)}`, esc(t.label), esc(t.category?.replace(/_/g, ' ') ?? '—'), esc(`${t.confidence} %`), esc(t.source || '—'), esc(t.note), esc(`${t.createdBy}, ${isoWords(t.createdAt)}`)]);
  }
  const labelRows: string[][] = [];
  for (const n of c.m.graph.nodes) {
    if (n.kind !== 'address') continue;
    for (const l of n.labels ?? []) {
      labelRows.push([
        `<code class="addr">${esc(n.display)}</code>`,
        esc(l.label) + (l.abuse === 'sanction' ? ' <span class="bad">(sanctioned)</span>' : ''),
        esc(l.category?.replace(/_/g, ' ') ?? '—'),
        esc(l.confidence ?? (l.confidenceScore === null ? '—' : `${l.confidenceScore} %`)),
        esc(l.source ?? '—'),
        esc(l.set.title),
      ]);
    }
  }
  const out: string[] = [];
  out.push('<h3>The case’s tags</h3>', rows.length ? table(['On', 'Tag', 'Category', 'Confidence', 'Source', 'Note', 'By'], rows) : '<p class="muted">No tags.</p>');
  if (labelRows.length) out.push('<h3>Labels from label sets</h3>', table(['Address', 'Label', 'Category', 'Confidence', 'Source', 'Label set'], labelRows));
  return out.join('');
}

function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]} (${bytes.toLocaleString('en-GB')} bytes)`;
}

function datasetBlock(d: Dataset): string {
  return `<div class="dataset" data-dataset="${d.id}"><h4>Dataset ${d.id}: ${esc(d.format)} on ${esc(chainName(d.chain))}</h4>${facts([
    ['Parser', esc(`${d.format} version ${d.parserVersion}`)],
    ['Imported', esc(`${isoWords(d.startedAt)}${d.finishedAt ? ` to ${isoWords(d.finishedAt)}` : ' (not finished)'}`)],
    ...(d.partialOf ? [['Scope', `one address’s history only: <code class="addr">${esc(d.partialOf)}</code>`] as [string, string]] : []),
  ])}${table(
    ['File', 'Kind', 'Rows', 'Size', 'SHA-256'],
    d.sources.map((s) => [`${esc(s.name)}<br><span class="muted path">${esc(s.path)}</span>`, esc(s.kind), esc(s.rows.toLocaleString('en-GB')), esc(sizeWords(s.size)), hashHtml(s.sha256)]),
    'sources',
  )}</div>`;
}

function provenanceSection(c: Ctx): string {
  if (c.m.datasets.length === 0) return '<p class="muted">No dataset holds facts of this case’s chains.</p>';
  return c.m.datasets.map(datasetBlock).join('');
}

function labelsSection(c: Ctx): string {
  if (c.m.labelSets.length === 0) return '<p class="muted">No label set labels an address of this case.</p>';
  return table(
    ['Set', 'Kind', 'Creator', 'Last changed', 'Imported', 'File', 'SHA-256', 'Labels'],
    c.m.labelSets.map((s) => [
      esc(s.title) + (s.sourceUrl ? `<br><span class="muted">${esc(s.sourceUrl)}</span>` : ''),
      esc(s.kind),
      esc(s.creator ?? '—'),
      esc(s.lastmod ?? '—'),
      esc(isoWords(s.importedAt)),
      esc(`${s.file.name}, ${sizeWords(s.file.size)}`),
      hashHtml(s.file.sha256),
      esc(s.labels.toLocaleString('en-GB')),
    ]),
  );
}

function verdictHtml(v: AuditVerdict): string {
  const lines: string[] = [];
  lines.push(
    v.ok
      ? `<p class="verdict ok" data-verdict="ok">Verified: ${plural(v.entries, 'entry', 'entries')}; every hash links to the one before, every signature checks, and replaying the log gives the case as it is.</p>`
      : `<p class="verdict bad" data-verdict="broken">The log does NOT verify.</p>`,
  );
  if (v.problems.length) lines.push(`<ul class="problems">${v.problems.map((p) => `<li>${p.seq === null ? '' : `entry ${esc(p.seq)}: `}${esc(p.reason)}</li>`).join('')}</ul>`);
  if (v.legacyEntries) lines.push(`<p>${plural(v.legacyEntries, 'entry', 'entries')} predate signing: hash-chained only, bound by the first signed entry.</p>`);
  if (v.signers.length) {
    lines.push(
      table(
        ['Signed by', 'Key fingerprint', 'Entries', 'Trust here'],
        v.signers.map((s) => [esc(s.name ?? 'unknown key'), `<code>${esc(s.fingerprint)}</code>`, esc(s.entries), esc(s.own ? 'this workspace’s own key' : s.trusted ? 'trusted' : 'not trusted')]),
      ),
    );
  }
  return lines.join('');
}

function auditSection(c: Ctx): string {
  const { entries, verdict } = c.m;
  const byAction = new Map<string, number>();
  for (const e of entries) byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1);
  const first = entries[0];
  const last = entries.at(-1);
  return [
    verdictHtml(verdict),
    facts([
      ['Entries', esc(entries.length.toLocaleString('en-GB'))],
      ['First', first ? esc(`${isoWords(first.time)} by ${first.actor}`) : '—'],
      ['Last', last ? esc(`${isoWords(last.time)} by ${last.actor}`) : '—'],
      ['Head', verdict.head ? `entry ${esc(verdict.head.seq)}, ${hashHtml(verdict.head.hash)}` : '—'],
    ]),
    table(
      ['Action', 'Entries'],
      [...byAction.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([a, n]) => [`<code>${esc(a)}</code>`, esc(n)]),
      'actions',
    ),
  ].join('');
}

const GROUND_WORDS: Record<string, string> = {
  steps: 'The same series of laundering steps',
  services: 'The same services',
  commingling: 'Funds mixed with the proceeds of other cases',
  conclusion: 'Conclusion',
};

function sinceWords(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = seconds / 3600;
  return h < 1 ? `${Math.round(seconds / 60)} min` : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

function attributionEvidence(ground: string, c: Ctx): string {
  const a = c.m.attribution!;
  const sig = a.signature;
  const cmp = a.comparison;
  const name = (id: string) => cmp?.matches.find((m) => m.case === id)?.caseName ?? id;
  if (ground === 'steps') {
    const story = sig.steps.length
      ? table(
          ['#', 'Step', 'After the theft', 'Traced value', 'Service', 'Transactions', 'Rule'],
          sig.steps.map((st, i) => [
            esc(i + 1),
            `<strong>${esc(st.kind)}</strong>`,
            esc(sinceWords(st.sinceTheft)),
            st.amounts.map((x) => amountHtml(x.amount, { id: 0, ...x.asset })).join('<br>'),
            esc(st.service ? `${st.service.name} (${st.service.category.replace(/_/g, ' ')})` : '—'),
            `${st.txs.slice(0, 3).map((t) => hashHtml(t.tx)).join('<br>')}${st.txCount > 3 ? `<br><span class="muted">and ${st.txCount - 3} more</span>` : ''}`,
            `<span class="muted">${esc(st.rule)}</span>`,
          ]),
          'storyline',
        )
      : '<p class="muted">The case’s traces show no laundering step.</p>';
    const aligned = (cmp?.matches ?? []).map(
      (m) =>
        `<h4>Compared with “${esc(m.caseName)}”: sequence similarity ${esc(m.sequence.similarity.toFixed(2))} (edit distance ${esc(m.sequence.distance)})</h4>` +
        table(['This case', '', m.caseName], m.sequence.aligned.map((p) => [esc(p.a?.kind ?? '—'), esc(p.op === 'match' ? '=' : p.op === 'substitute' ? '≈' : '·'), esc(p.b?.kind ?? '—')]), 'aligned'),
    );
    return story + aligned.join('');
  }
  if (ground === 'services') {
    const used = sig.services.length
      ? table(
          ['Service', 'Category', 'Chain', 'Traced value reaching it', 'Hops', 'Named by'],
          sig.services.map((v) => [esc(v.name), esc(v.category.replace(/_/g, ' ')), esc(chainName(v.chain)), v.amounts.map((x) => amountHtml(x.amount, { id: 0, ...x.asset })).join('<br>'), esc(v.hops), esc(v.via)]),
        )
      : '<p class="muted">The traced funds reached no labelled service.</p>';
    const shared = (cmp?.matches ?? [])
      .filter((m) => m.sharedServices.length)
      .map((m) => `<p>Shared with “${esc(m.caseName)}”: ${m.sharedServices.map((x) => `${esc(x.name)} (${esc(x.category.replace(/_/g, ' '))}; used by ${esc(x.casesUsing)} of the cases compared, weight ${esc(x.weight.toFixed(2))})`).join('; ')}.</p>`);
    return used + shared.join('');
  }
  if (ground === 'commingling') {
    const rows = (cmp?.matches ?? []).flatMap((m) =>
      m.meetings.map((x) => [
        esc(m.caseName),
        esc(x.kind),
        `${esc(chainName(x.chain))}<br>${x.address ? `<code class="addr">${esc(x.address)}</code>` : esc(x.cluster ?? '—')}`,
        x.txs.slice(0, 3).map(hashHtml).join('<br>') + (x.txs.length > 3 ? `<br><span class="muted">and ${x.txs.length - 3} more</span>` : ''),
        Object.entries(x.amounts)
          .map(([id, list]) => `${esc(id === c.m.case.id ? 'this case' : name(id))}: ${list.map((v) => amountHtml(v.amount, { id: 0, ...v.asset })).join(' + ')}`)
          .join('<br>'),
      ]),
    );
    return rows.length ? table(['Other case', 'Meets by', 'Where', 'Transactions', 'Each case’s traced value there'], rows, 'meetings') : '<p class="muted">No meeting of traced funds with the cases referred to.</p>';
  }
  return cmp && cmp.matches.length
    ? table(
        ['Case compared', 'Score', 'Parts'],
        cmp.matches.map((m) => [esc(m.caseName), esc(m.score.toFixed(2)), m.parts.map((p) => `${esc(p.part)} ${esc(p.value.toFixed(2))} × ${esc(p.weight)}: ${esc(p.why)}`).join('<br>')]),
      )
    : '';
}

function attributionSection(c: Ctx): string {
  const a = c.m.attribution!;
  const parts = ['<p>Cairn lists the evidence for each ground; the assessment under it is the investigator’s own, never the tool’s.</p>'];
  for (const e of a.entries) {
    parts.push(
      `<div class="ground" data-ground="${esc(e.ground)}"><h3>${esc(GROUND_WORDS[e.ground] ?? e.ground)}</h3>`,
      attributionEvidence(e.ground, c),
      `<blockquote class="assessment"><p>${esc(e.text) || '<span class="muted">(no words)</span>'}</p><p class="muted">${e.confidence === null ? 'Confidence not stated' : `Confidence ${esc(e.confidence)} %`} · ${esc(e.updatedBy)}, ${esc(isoWords(e.updatedAt))}${e.cases.length ? ` · compared with ${e.cases.map((id) => esc(id)).join(', ')}` : ''}</p></blockquote></div>`,
    );
  }
  return parts.join('');
}

const SECTIONS: Record<SectionId, ((c: Ctx) => string) | null> = {
  summary: summarySection,
  graph: graphSection,
  seeds: seedsSection,
  traces: tracesSection,
  links: linksSection,
  clusters: clustersSection,
  tags: tagsSection,
  attribution: attributionSection,
  provenance: provenanceSection,
  labels: labelsSection,
  audit: auditSection,
};

const BASE_CSS = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-left { font: 7.5pt "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #555; } }
html { font: 9.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; }
body { margin: 0 auto; max-width: 190mm; padding: 0 4mm; }
header.agency { display: flex; gap: 6mm; align-items: center; border-bottom: 1.5pt solid #222; padding-bottom: 3mm; margin-bottom: 4mm; }
header.agency img { max-height: 18mm; max-width: 45mm; }
header.agency .org { font-size: 12pt; font-weight: bold; }
header.agency .line { font-size: 9pt; }
h1 { font-size: 17pt; margin: 2mm 0 4mm; }
h2 { font-size: 13pt; border-bottom: 0.75pt solid #999; padding-bottom: 1mm; margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
h4 { font-size: 9.5pt; margin: 3mm 0 1.5mm; break-after: avoid; }
p.intro { color: #333; font-style: italic; }
.muted { color: #666; }
.ok { color: #1d6b2f; font-weight: bold; }
.bad { color: #b00020; font-weight: bold; }
dl.facts { display: grid; grid-template-columns: 32mm 1fr; gap: 1mm 4mm; margin: 2mm 0; }
dl.facts dt { font-weight: bold; color: #333; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 7.5pt; }
th, td { border: 0.5pt solid #bbb; padding: 1mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; }
code { font: 7pt "DejaVu Sans Mono", "Liberation Mono", monospace; }
code.hash, code.addr { word-break: break-all; }
table.seeds code.addr { word-break: normal; white-space: nowrap; }
data.amount { font-weight: bold; white-space: nowrap; }
.base { display: block; color: #555; font: 6.5pt "DejaVu Sans Mono", "Liberation Mono", monospace; }
.base .digits { word-break: break-all; }
table.totals { width: auto; min-width: 60%; }
table.totals caption { text-align: left; font-weight: bold; padding: 1mm 0; }
table.totals th { background: #f6f6f6; font-weight: normal; width: 55mm; }
table.totals tfoot td { border: none; padding-top: 1mm; }
tbody.endpoint { break-inside: avoid; }
tr.path-row td { border-top: none; font-size: 6.5pt; padding-top: 0; }
figure { margin: 3mm 0 5mm; break-inside: avoid; }
figure svg { width: 100%; height: auto; max-height: 235mm; border: 0.5pt solid #ccc; }
figcaption { font-size: 8.5pt; margin-top: 1.5mm; }
.swatch { display: inline-block; width: 3mm; height: 3mm; border: 0.5pt solid #333; margin-right: 1.5mm; vertical-align: baseline; }
.path { font-size: 6.5pt; word-break: break-all; }
section.trace { break-before: auto; }
p.verdict { font-size: 10.5pt; }
blockquote.assessment { margin: 2mm 0 4mm; padding: 2mm 4mm; border-left: 2pt solid #1f3b5c; background: #f4f6f9; }
div.ground { break-inside: auto; }
footer.colophon { margin-top: 8mm; border-top: 0.5pt solid #999; padding-top: 2mm; font-size: 7.5pt; color: #555; }
@media screen { body { padding: 8mm; } }
`;

function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\n\r]/g, ' ').replace(/</g, '\\3c ')}"`;
}

/** The report's HTML for a model, its figures and a template. */
export function renderReportHtml(m: ReportModel, template: ReportTemplate, figures: readonly ReportFigure[], printer: string | null): RenderedReport {
  const vars: Record<string, string> = {
    'case.name': m.case.name,
    'case.id': m.case.id,
    date: m.generatedAt.slice(0, 10),
    investigator: m.generatedBy,
    investigators: m.investigators.map((i) => i.name).join(', '),
    version: m.version,
  };
  const ctx: Ctx = { m, figures, vars };
  const written: SectionId[] = [];
  const body: string[] = [];
  for (const s of template.sections as readonly TemplateSection[]) {
    const render = SECTIONS[s.id];
    if (!render) continue;
    if (s.id === 'graph' && figures.length === 0 && m.graph.nodes.length === 0) continue;
    // The investigator writes the attribution; a case without one has no such section.
    if (s.id === 'attribution' && m.attribution === null) continue;
    written.push(s.id);
    body.push(`<section id="section-${s.id}" data-section="${s.id}"><h2>${esc(fill(s.heading, vars))}</h2>${s.intro ? `<p class="intro">${esc(fill(s.intro, vars))}</p>` : ''}${render(ctx)}</section>`);
  }
  const title = fill(template.title, vars);
  const header =
    template.organisation || template.header.length || template.logo
      ? `<header class="agency">${template.logo ? `<img src="${esc(template.logo)}" alt="">` : ''}<div>${template.organisation ? `<div class="org">${esc(fill(template.organisation, vars))}</div>` : ''}${template.header.map((l) => `<div class="line">${esc(fill(l, vars))}</div>`).join('')}</div></header>`
      : '';
  const footerCss = `@page { @bottom-left { content: ${cssString(fill(template.footer, vars))}; } }`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="Cairn ${esc(m.version)}">
<meta name="cairn-case" content="${esc(m.case.id)}">
<title>${esc(title)}</title>
<style>${BASE_CSS}
${footerCss}
${template.css}</style>
</head>
<body>
${header}
<h1>${esc(title)}</h1>
${body.join('\n')}
<footer class="colophon">Made with Cairn ${esc(m.version)} on ${esc(isoWords(m.generatedAt))} from case ${esc(m.case.id)} (log head ${m.verdict.head ? esc(`${m.verdict.head.seq}, ${m.verdict.head.hash}`) : 'none'}); template: ${esc(template.name)}${printer ? `; printed with ${esc(printer)}` : ''}. Amounts are exact: the figure in base units is the chain’s own integer.</footer>
</body>
</html>
`;
  return { html, sections: written };
}
