/**
 * `cairn trace`, `cairn paths` and `cairn links …`: following stolen value to where it rests or
 * reaches a service, paths between addresses, and a case's cross-chain links. JSON shapes are
 * stable for scripts (README, Command line).
 */
import { ApiError, type ErrorKind, type Result } from '../../shared/api/contract';
import { DecimalAmount, LINK_KINDS, TaintMethod, type LinkCandidate, type TraceEndpoint, type TraceResult, type TraceSpecInput, type TransferRef } from '../../shared/api/traceSchemas';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { amount, call, intOption, print, progressLine, UsageError, type Values } from './cliKit';

/** How often a running trace is asked for its progress. */
const POLL_MS = 100;

type Asset = TraceEndpoint['asset'];

const money = (value: string, asset: Asset): string => amount(value, asset.decimals, asset.symbol);
const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;
const chainName = (id: string): string => resolveChain(id).name;

function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

/** Comma-separated items, from one option or several of it (--rate a --rate b,c). */
function listOption(values: Values, name: string): string[] {
  const v = values[name];
  const all = v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return all.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

function numberOption(values: Values, name: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v)) throw new UsageError(`--${name} needs a number such as 2 or 0.5, found "${v}"`);
  return Number(v);
}

/** T as an ISO date (2024-05-01, 2024-05-01T12:00:00Z) or unix seconds. */
function timeOption(values: Values, name: string): number | null {
  const v = stringOption(values, name);
  if (v === undefined) return null;
  if (/^[0-9]+$/.test(v)) return Number(v);
  const ms = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} needs an ISO date (2024-05-01 or 2024-05-01T12:00:00Z) or unix seconds, found "${v}"`);
  return Math.floor(ms / 1000);
}

/**
 * Splits "CHAIN:REST". The chain is an alias (eth) or a CAIP-2 id, which holds a colon itself
 * (eip155:1:0x…, bip122:000…e93:bc1q…): the longer reading wins when it names a chain.
 */
export function splitChain(text: string, what: string): { chain: string; rest: string } {
  const parts = text.trim().split(':');
  for (const n of [2, 1]) {
    if (parts.length <= n) continue;
    const rest = parts.slice(n).join(':');
    try {
      if (rest) return { chain: resolveChain(parts.slice(0, n).join(':')).id, rest };
    } catch {
      // not a chain read this way; try the shorter reading
    }
  }
  throw new UsageError(`${what} must be CHAIN:${what === 'an address' ? 'ADDRESS' : 'HASH[:REF]'} (CHAIN a CAIP-2 id such as eip155:1 or an alias such as eth), found "${text}"`);
}

function addressList(text: string): { chain: string; address: string }[] {
  return text.split(',').filter((s) => s.trim()).map((s) => {
    const { chain, rest } = splitChain(s, 'an address');
    return { chain, address: rest };
  });
}

/** CHAIN:HASH[:REF]; the ref may hold a colon itself ("1:5", a token transfer's log index). */
function transferRef(text: string): TransferRef {
  const { chain, rest } = splitChain(text, 'a transaction');
  const at = rest.indexOf(':');
  return at < 0 ? { chain, tx: rest } : { chain, tx: rest.slice(0, at), ...(rest.slice(at + 1) ? { ref: rest.slice(at + 1) } : {}) };
}

const refText = (r: TransferRef): string => `${r.chain}:${r.tx}${r.ref === undefined ? '' : `:${r.ref}`}`;

function caseOption(values: Values, command: string): string {
  const c = stringOption(values, 'case');
  if (!c) throw new UsageError(`${command} needs --case CASE`);
  return c;
}

/** Lines of cells in columns as wide as their widest cell; numbers (the first `right` columns) right-aligned. */
function table(rows: string[][], right: number): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]!.length))) ?? [];
  const cell = (text: string, i: number, last: boolean): string => (i < right ? text.padStart(widths[i]!) : last ? text : text.padEnd(widths[i]!));
  return rows.map((r) => '  ' + r.map((text, i) => cell(text, i, i === r.length - 1)).join('  '));
}

function traceSpec(rest: string[], values: Values): TraceSpecInput {
  if (rest.length) throw new UsageError(`trace takes no positional argument, found "${rest[0]}"`);
  const from = stringOption(values, 'from');
  const tx = stringOption(values, 'tx');
  if ((from === undefined) === (tx === undefined)) throw new UsageError('trace needs --from CHAIN:ADDRESS[,...] or --tx CHAIN:HASH[:REF][,...] (one of the two)');
  const method = TaintMethod.safeParse(values.method);
  if (!method.success) throw new UsageError(`trace needs --method fifo, haircut or poison${values.method === undefined ? '' : `, found "${String(values.method)}"`}`);
  const min = stringOption(values, 'min');
  if (min !== undefined && !DecimalAmount.safeParse(min).success) throw new UsageError(`--min needs an amount in the asset's unit such as 0.01, found "${min}"`);
  const sources =
    from !== undefined
      ? addressList(from).map((a) => ({ kind: 'address' as const, ...a }))
      : tx!.split(',').filter((s) => s.trim()).map((s) => ({ kind: 'tx' as const, ...transferRef(s) }));
  return {
    method: method.data,
    sources,
    maxHops: intOption(values, 'max-hops', 6),
    since: timeOption(values, 'since'),
    until: timeOption(values, 'until'),
    minAmount: min ?? null,
    ...(values['stop-at'] === undefined ? {} : { stopAt: { categories: listOption(values, 'stop-at') } }),
  };
}

/** Starts a trace and waits for it, with a progress line; Ctrl-C cancels it. */
async function traceAndWait(backend: Backend, args: { caseId?: string; name: string; spec: TraceSpecInput }, json: boolean): Promise<Result<'trace.status'>> {
  const { jobId } = (await call(backend, 'trace.start', args)) as Result<'trace.start'>;
  const show = progressLine(json);
  const onSignal = (): void => void backend.call('trace.cancel', { jobId });
  process.once('SIGINT', onSignal);
  try {
    for (;;) {
      const job = (await call(backend, 'trace.status', { jobId })) as Result<'trace.status'>;
      if (job.state !== 'running') {
        if (process.stderr.isTTY && !json) process.stderr.write('\n');
        if (job.state === 'cancelled') throw new ApiError('cancelled', 'the trace was cancelled');
        if (job.state === 'failed') throw new ApiError((job.error?.kind ?? 'internal') as ErrorKind, job.error?.message ?? 'the trace failed');
        return job;
      }
      show(`tracing: ${job.phase}`, job.done, job.total);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** The stable JSON of an endpoint: the fields scripts rely on first, then the rest. */
function endpointJson(e: TraceEndpoint) {
  return {
    chain: e.chain,
    address: e.address,
    label: e.label,
    category: e.category,
    asset: e.asset,
    amount: e.amount,
    share: e.share,
    hops: e.hops,
    path: e.path,
    display: e.display,
    reason: e.reason,
    stopRule: e.stopRule,
    firstTime: e.firstTime,
    lastTime: e.lastTime,
    linkedOut: e.linkedOut,
  };
}

/** Totals keyed by the asset's symbol (its contract when it has none); a key two assets share gets "@CHAIN". */
function totalsJson(totals: TraceResult['totals']): Record<string, TraceResult['totals'][number]> {
  const keyOf = (a: Asset): string => a.symbol ?? a.contract ?? `asset ${a.id}`;
  const counts = new Map<string, number>();
  for (const t of totals) counts.set(keyOf(t.asset), (counts.get(keyOf(t.asset)) ?? 0) + 1);
  return Object.fromEntries(totals.map((t) => [counts.get(keyOf(t.asset))! > 1 ? `${keyOf(t.asset)}@${t.asset.chain}` : keyOf(t.asset), t]));
}

function endpointRows(list: TraceEndpoint[]): string[] {
  if (list.length === 0) return ['  none'];
  return table([
    ['AMOUNT', 'SHARE', 'HOPS', 'WHY', 'LABEL', 'ADDRESS'],
    ...list.map((e) => [
      money(e.amount, e.asset),
      percent(e.share),
      String(e.hops),
      e.reason === 'stop' && e.stopRule ? `stop: ${e.stopRule}` : e.reason,
      e.label ? `${e.label}${e.category ? ` [${e.category}]` : ''}` : e.category ? `[${e.category}]` : '—',
      `${e.display ?? e.address ?? '—'} (${chainName(e.chain)})`,
    ]),
  ], 3);
}

function totalLine(t: TraceResult['totals'][number], method: string): string {
  const m = (v: string): string => money(v, t.asset);
  const sourced = t.linkedIn === '0' ? m(t.sourced) : `${m(t.sourced)} + linked in ${m(t.linkedIn)}`;
  const verdict = t.reconciles ? 'reconciles' : method === 'poison' ? 'does not reconcile (poison marks whole amounts: an upper bound)' : 'DOES NOT RECONCILE';
  return `  ${t.asset.symbol ?? t.asset.contract ?? 'asset'} on ${chainName(t.asset.chain)}: sourced ${sourced} = stopped ${m(t.stopped)} + at rest ${m(t.atRest)} + fees ${m(t.fees)} + sunk ${m(t.sunk)} + still moving ${m(t.unresolved)}: ${verdict}`;
}

export async function runTraceCommand(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  const spec = traceSpec(rest, values);
  const caseId = stringOption(values, 'case');
  const job = await traceAndWait(backend, { ...(caseId ? { caseId } : {}), name: stringOption(values, 'name') ?? '', spec }, json);
  const r = job.result!;
  const out = { method: r.method, sources: r.sources, endpoints: r.endpoints.map(endpointJson), unresolved: r.unresolved.map(endpointJson), totals: totalsJson(r.totals) };
  print(json, out, () =>
    [
      `${r.method} trace from ${r.sources.length} source transfer${r.sources.length === 1 ? '' : 's'}: ${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'}, ${r.addressesFollowed} addresses followed` +
        (job.traceId === null ? '' : `; saved in case ${caseId} as trace ${job.traceId}`),
      'endpoints',
      ...endpointRows(r.endpoints),
      'still moving at the limits',
      ...endpointRows(r.unresolved),
      ...(r.unknownInputs.length ? [`unknown inputs: ${r.unknownInputs.length} (value the store cannot account for; see --json)`] : []),
      'totals',
      ...r.totals.map((t) => totalLine(t, r.method)),
    ].join('\n'),
  );
}

export async function runPaths(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  if (rest.length !== 2) throw new UsageError('paths needs two sides: CHAIN:ADDRESS[,...] CHAIN:ADDRESS[,...]');
  const rank = stringOption(values, 'rank') ?? 'value';
  if (rank !== 'value' && rank !== 'hops') throw new UsageError(`--rank must be value or hops, found "${rank}"`);
  const caseId = stringOption(values, 'case');
  const r = (await call(backend, 'paths.find', {
    from: addressList(rest[0]!),
    to: addressList(rest[1]!),
    maxHops: intOption(values, 'max-hops', 6),
    rank,
    limit: intOption(values, 'limit', 20),
    ...(caseId ? { caseId } : {}),
  })) as Result<'paths.find'>;
  print(json, r, () =>
    r.paths.length
      ? r.paths
          .flatMap((p, i) => [
            `path ${i + 1}: ${p.hops} hop${p.hops === 1 ? '' : 's'}${p.bottleneck === null ? '' : `, at most ${money(p.bottleneck, p.steps[0]!.asset)} all the way`}`,
            ...p.steps.map(
              (s) =>
                `  ${s.from} → ${s.to}  ${money(s.amount, s.asset)}  ` +
                (s.linkId === null ? `${s.transfers} transfer${s.transfers === 1 ? '' : 's'} on ${chainName(s.chain)}` : `cross-chain link ${s.linkId} to ${chainName(s.chain)}`),
            ),
          ])
          .join('\n')
      : `no path within ${intOption(values, 'max-hops', 6)} hops`,
  );
}

function linkSearch(values: Values) {
  const rates: Record<string, string> = {};
  for (const item of listOption(values, 'rate')) {
    const m = /^([A-Za-z0-9.]{1,20}\/[A-Za-z0-9.]{1,20})=(.+)$/.exec(item);
    if (!m || !DecimalAmount.safeParse(m[2]).success) throw new UsageError(`--rate needs PAIR=RATE such as ETH/BTC=0.06, found "${item}"`);
    rates[m[1]!] = m[2]!;
  }
  const window = values.window === undefined ? undefined : intOption(values, 'window', 0);
  const tolerancePct = numberOption(values, 'tolerance');
  const feePct = numberOption(values, 'fee');
  return {
    ...(window === undefined ? {} : { window }),
    ...(tolerancePct === undefined ? {} : { tolerancePct }),
    ...(feePct === undefined ? {} : { feePct }),
    rates,
    limit: intOption(values, 'limit', 100),
  };
}

function candidateLines(c: LinkCandidate, n: number): string[] {
  const minutes = Math.round(c.delay / 60);
  return [
    `${n}. ${c.kind} score ${c.score.toFixed(2)}  ${refText(c.from)} ${money(c.fromAmount, c.fromAsset)} → ${refText(c.to)} ${money(c.toAmount, c.toAsset)}  ${minutes} min later`,
    ...c.reasons.map((r) => `     ${r}`),
  ];
}

function linkKind(values: Values): (typeof LINK_KINDS)[number] {
  const kind = stringOption(values, 'kind');
  if (!kind || !(LINK_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be ${LINK_KINDS.join(', ')}${kind ? `, found "${kind}"` : ''}`);
  return kind as (typeof LINK_KINDS)[number];
}

/** The link confirm or reject decides: the N-th candidate of a fresh proposal, or one given by --from, --to and --kind. */
async function decidedLink(backend: Backend, caseId: string, sub: string, args: string[], values: Values) {
  if (args.length === 1) {
    if (!/^[1-9][0-9]*$/.test(args[0]!)) throw new UsageError(`links ${sub} needs a candidate number N (from links propose), found "${args[0]}"`);
    const n = Number(args[0]);
    const { candidates } = (await call(backend, 'links.propose', { caseId, search: linkSearch(values) })) as Result<'links.propose'>;
    const c = candidates[n - 1];
    if (!c) throw new ApiError('not_found', `there is no candidate ${n}: links propose with these options finds ${candidates.length}`);
    return { from: c.from, to: c.to, kind: c.kind, evidence: c.reasons, score: c.score };
  }
  if (args.length) throw new UsageError(`links ${sub} takes a candidate number N, or --from, --to and --kind`);
  const from = stringOption(values, 'from');
  const to = stringOption(values, 'to');
  if (!from || !to) throw new UsageError(`links ${sub} needs a candidate number N, or --from CHAIN:TX[:REF] --to CHAIN:TX[:REF] --kind KIND`);
  return { from: transferRef(from), to: transferRef(to), kind: linkKind(values), evidence: [], score: null };
}

function linkLine(l: Result<'links.list'>[number]): string {
  return `${String(l.id).padStart(4)}  ${l.status.padEnd(9)} ${l.kind.padEnd(8)} ${refText(l.from)} → ${refText(l.to)}${l.score === null ? '' : `  score ${l.score.toFixed(2)}`}${l.note ? `  "${l.note}"` : ''}  (${l.createdBy}, ${l.createdAt})`;
}

export async function runLinks(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  const [sub, ...args] = rest;
  if (sub === 'list') {
    if (args.length) throw new UsageError('links list takes no argument');
    const links = (await call(backend, 'links.list', { caseId: caseOption(values, 'links list') })) as Result<'links.list'>;
    return print(json, links, () => (links.length ? links.map(linkLine).join('\n') : 'no cross-chain links in this case yet: cairn links propose --case CASE'));
  }
  if (sub === 'propose') {
    if (args.length) throw new UsageError('links propose takes no argument');
    const r = (await call(backend, 'links.propose', { caseId: caseOption(values, 'links propose'), search: linkSearch(values) })) as Result<'links.propose'>;
    return print(json, r, () =>
      r.candidates.length ? [...r.candidates.flatMap((c, i) => candidateLines(c, i + 1)), 'confirm one with: cairn links confirm N --case CASE (with the same options)'].join('\n') : 'no candidates with these options',
    );
  }
  if (sub === 'confirm' || sub === 'reject') {
    const caseId = caseOption(values, `links ${sub}`);
    const link = await decidedLink(backend, caseId, sub, args, values);
    const note = stringOption(values, 'note') ?? '';
    const r = (await call(backend, 'links.add', { caseId, ...link, note, status: sub === 'confirm' ? 'confirmed' : 'rejected' })) as Result<'links.add'>;
    return print(json, r, () => `${sub === 'confirm' ? 'confirmed' : 'rejected'} link ${r.id}: ${r.kind} ${refText(r.from)} → ${refText(r.to)}`);
  }
  if (sub === 'add') {
    if (args.length) throw new UsageError('links add takes --from, --to and --kind, no argument');
    const caseId = caseOption(values, 'links add');
    const from = stringOption(values, 'from');
    const to = stringOption(values, 'to');
    if (!from || !to) throw new UsageError('links add needs --from CHAIN:TX[:REF] --to CHAIN:TX[:REF] --kind KIND');
    const r = (await call(backend, 'links.add', {
      caseId,
      from: transferRef(from),
      to: transferRef(to),
      kind: linkKind(values),
      status: 'confirmed',
      note: stringOption(values, 'note') ?? '',
    })) as Result<'links.add'>;
    return print(json, r, () => `added link ${r.id}: ${r.kind} ${refText(r.from)} → ${refText(r.to)}`);
  }
  throw new UsageError('links takes list, propose, confirm N, reject N or add, each with --case CASE');
}
