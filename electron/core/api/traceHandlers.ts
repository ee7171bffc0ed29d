import { ApiError, type Handlers } from '../../../shared/api/contract';
import { canonicalTxHashFor, displayAddress } from '../../../shared/codec/address';
import { TraceSpec, type IndirectExposureRow, type TraceEndpoint, type TraceResult, type TraceSource } from '../../../shared/api/traceSchemas';
import type { CallContext } from '../backendTypes';
import { getTrace, listTraces, removeTrace, saveTrace, traceContextOf } from '../cases/caseTraces';
import { KEEP_FINISHED, type TraceFacts } from '../jobs/traceJobs';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import { runTrace } from '../trace/runTrace';
import { canonicalOrInvalid, chainOf, lookupAddress, type HandlerDeps, type HandlerKit } from './handlers';
import { txHashKey } from '../store/txHash';

type Methods = 'trace.start' | 'trace.status' | 'trace.cancel' | 'trace.list' | 'trace.get' | 'trace.rerun' | 'trace.remove' | 'exposure.indirect';

/** Counterparties listed per row of indirect exposure, the largest first. */
const EXPOSURE_COUNTERPARTIES = 20;

/** A source in canonical form, refused (before any job starts) when the facts do not hold it. */
function checkedSource(db: Db, where: string, s: TraceSource): TraceSource {
  if (s.kind === 'address') {
    const a = lookupAddress(db, s.chain, s.address);
    if (a.id === null) throw new ApiError('invalid_argument', `the source address ${s.address} on ${chainOf(a.chain).name} is not in ${where}`);
    return { ...s, chain: a.chain, address: a.addr };
  }
  const chain = chainOf(s.chain);
  let tx: string;
  try {
    tx = canonicalTxHashFor(chain.id, s.tx);
  } catch (error) {
    throw new ApiError('invalid_argument', `source transaction: ${(error as Error).message}`);
  }
  const chainId = findChainId(db, chain.id);
  const known = chainId !== null && db.prepare('SELECT 1 FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?').get(chainId, ...txHashKey(tx)) !== undefined;
  if (!known) throw new ApiError('invalid_argument', `the source transaction ${tx} on ${chain.name} is not in ${where}`);
  return { ...s, chain: chain.id, tx };
}

/** The spec with every chain, address and hash in canonical form, as runTrace and the saved trace expect. */
function checkedSpec(db: Db, where: string, spec: TraceSpec): TraceSpec {
  return {
    ...spec,
    sources: spec.sources.map((s) => checkedSource(db, where, s)),
    chains: spec.chains && spec.chains.map((c) => chainOf(c).id),
    stopAt: {
      ...spec.stopAt,
      addresses: spec.stopAt.addresses.map((a) => {
        const chain = chainOf(a.chain).id;
        return { chain, address: canonicalOrInvalid(chain, a.address) };
      }),
    },
  };
}

/** part ÷ whole for display, to 12 decimals, divided as bigints so no amount passes through a number. */
function shareOf(part: bigint, whole: bigint): number {
  const scale = 10n ** 12n;
  return whole === 0n ? 0 : Number((part * scale) / whole) / Number(scale);
}

/** Every label category the store holds, and sanction: indirect exposure stops at the first labelled service. */
function labelCategories(db: Db): string[] {
  const found = db.prepare('SELECT DISTINCT category FROM label WHERE category IS NOT NULL').pluck().all() as string[];
  return [...new Set([...found, 'sanction'])].sort();
}

/**
 * Rows per (category, asset) of the value that stopped at a labelled address within `maxHops`,
 * summed exactly. (A trace also lists where the transfer one hop past its limit delivered value;
 * that is beyond what the exposure asks.)
 */
export function indirectExposureRows(result: TraceResult, maxHops: number): IndirectExposureRow[] {
  const sourced = new Map(result.totals.map((t) => [t.asset.id, BigInt(t.sourced)]));
  const rows = new Map<string, { category: string; asset: TraceEndpoint['asset']; amount: bigint; nearestHops: number; parties: Map<string, { e: TraceEndpoint; amount: bigint; hops: number }> }>();
  for (const e of result.endpoints) {
    if (e.reason !== 'stop' || e.category === null || e.address === null || e.hops > maxHops) continue;
    const key = `${e.category}\u0000${e.asset.id}`;
    const row = rows.get(key) ?? { category: e.category, asset: e.asset, amount: 0n, nearestHops: e.hops, parties: new Map() };
    rows.set(key, row);
    row.amount += BigInt(e.amount);
    row.nearestHops = Math.min(row.nearestHops, e.hops);
    const partyKey = `${e.chain}\u0000${e.address}`;
    const party = row.parties.get(partyKey) ?? { e, amount: 0n, hops: e.hops };
    row.parties.set(partyKey, party);
    party.amount += BigInt(e.amount);
    party.hops = Math.min(party.hops, e.hops);
  }
  const byAmount = (a: { amount: bigint }, b: { amount: bigint }): number => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : 0);
  return [...rows.values()].sort(byAmount).map((r) => ({
    category: r.category,
    asset: r.asset,
    amount: r.amount.toString(),
    share: shareOf(r.amount, sourced.get(r.asset.id) ?? 0n),
    nearestHops: r.nearestHops,
    counterparties: [...r.parties.values()]
      .sort(byAmount)
      .slice(0, EXPOSURE_COUNTERPARTIES)
      .map((p) => ({ chain: p.e.chain, address: p.e.address!, display: p.e.display ?? displayAddress(p.e.chain, p.e.address!), label: p.e.label, amount: p.amount.toString(), hops: p.hops })),
  }));
}

/** Traces: runs as jobs, saved in cases, indirect exposure. */
export function createTraceHandlers(deps: HandlerDeps, kit: HandlerKit): Pick<Handlers<CallContext>, Methods> {
  const { cases, store, traces } = deps;

  /** Starts a trace job; in a case, with the case's links, clusters and tags, saving the result there. */
  const start = (caseId: string | undefined, name: string, spec: TraceSpec): string => {
    const db = caseId ? kit.facts(caseId) : store;
    const checked = checkedSpec(db, db === store ? 'the store' : "the case's evidence", spec);
    if (!caseId) return traces.start({ db, spec: checked, context: {} });
    const c = cases.get(caseId);
    c.assertWritable();
    const { links, clusters, caseTags }: TraceFacts = traceContextOf(c);
    return traces.start({
      db,
      spec: checked,
      context: { links, clusters, caseTags },
      keep: (result) => saveTrace(cases.get(caseId), kit.actor(), name, checked, result),
    });
  };
  return {
    'trace.start': (args) => ({ jobId: start(args.caseId, args.name, args.spec) }),
    'trace.status': (args) => {
      const job = traces.status(args.jobId);
      if (!job) throw new ApiError('not_found', `no trace job ${args.jobId} (a finished job is kept only until ${KEEP_FINISHED} more have finished)`);
      return job;
    },
    'trace.cancel': (args) => ({ cancelled: traces.cancel(args.jobId) }),
    'trace.list': (args) => listTraces(cases.get(args.caseId)),
    'trace.get': (args) => getTrace(cases.get(args.caseId), args.traceId),
    'trace.rerun': (args) => {
      const t = getTrace(cases.get(args.caseId), args.traceId);
      return { jobId: start(args.caseId, `${t.name} (re-run)`, t.spec) };
    },
    'trace.remove': (args) => ({ removed: removeTrace(cases.get(args.caseId), kit.actor(), args.traceId) }),
    'exposure.indirect': (args) => {
      const a = lookupAddress(store, args.chain, args.address);
      if (a.id === null) return { rows: [] };
      const spec = TraceSpec.parse({ method: args.method, maxHops: args.maxHops, sources: [{ kind: 'address', chain: a.chain, address: a.addr }] });
      // Set after parsing: the cap on categories a caller may name does not bound what the label sets hold.
      spec.stopAt.categories = labelCategories(store);
      // Small by design (at most 10 hops), so it runs within the request.
      return { rows: indirectExposureRows(runTrace(store, spec), spec.maxHops) };
    },
  };
}
