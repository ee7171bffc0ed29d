import { ApiError, type Handlers } from '../../../shared/api/contract';
import { resolveChain } from '../../../shared/model/chains';
import type { SavedTrace } from '../../../shared/api/traceSchemas';
import { clusterOf } from '../analysis/clustering/clusterQueries';
import { compareCases, type CaseForComparison } from '../analysis/attribution/compare';
import { caseSignature, type SignatureLookups } from '../analysis/attribution/signature';
import type { CaseSignature } from '../analysis/attribution/types';
import type { CallContext } from '../backendTypes';
import { getAttribution, setAttribution } from '../cases/caseAttribution';
import type { CaseFile } from '../cases/caseFiles';
import { addMeeting } from '../cases/caseMeetings';
import { getTrace, listLinks, listTraces } from '../cases/caseTraces';
import { labelKeyOf, labelsOfMany } from '../intel/labelStore';
import { findAddressId } from '../store/addresses';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import { getUtxoParts } from '../store/txQueries';
import type { Graph } from '../../../shared/api/schemas';
import { canonicalOrInvalid, chainOf, type HandlerDeps, type HandlerKit } from './handlers';

type Methods = 'case.signature' | 'case.compare' | 'case.addMeeting' | 'attribution.get' | 'attribution.set';

/** Every address a case's traces name, for looking their labels up in one query. */
function tracedAddresses(traces: readonly SavedTrace[]): { chain: string; addr: string }[] {
  const seen = new Map<string, { chain: string; addr: string }>();
  const add = (chain: string, addr: string | null) => {
    if (addr !== null) seen.set(`${chain}|${addr}`, { chain, addr });
  };
  for (const t of traces) {
    for (const x of t.result.transfers) {
      add(x.chain, x.from);
      add(x.chain, x.to);
    }
    for (const e of [...t.result.endpoints, ...t.result.unresolved]) add(e.chain, e.address);
  }
  return [...seen.values()];
}

/** The automatic cluster ("e" + root) an address belongs to in the facts, when it holds others too. */
function walletLookup(facts: Db): (chain: string, address: string) => string | null {
  const cache = new Map<string, string | null>();
  return (chain, address) => {
    const key = `${chain}|${address}`;
    if (cache.has(key)) return cache.get(key)!;
    const chainId = findChainId(facts, chain);
    const id = chainId === null ? null : findAddressId(facts, chainId, address);
    let out: string | null = null;
    if (id !== null) {
      const c = clusterOf(facts, id);
      if (c.size > 1) out = `e${c.root}`;
    }
    cache.set(key, out);
    return out;
  };
}

/**
 * Unlabelled service addresses: an account-chain address that deposit addresses forward to (the
 * hub the deposit-address heuristic joined them to: an exchange's or a service's wallet). Every
 * customer's funds meet there, so it is no evidence of one actor.
 */
function serviceLookup(facts: Db): (chain: string, address: string) => boolean {
  const hub = facts.prepare("SELECT 1 FROM cluster_evidence WHERE b = ? AND heuristic = 'deposit-address' LIMIT 1").pluck();
  const cache = new Map<string, boolean>();
  return (chain, address) => {
    const key = `${chain}|${address}`;
    let v = cache.get(key);
    if (v === undefined) {
      const chainId = findChainId(facts, chain);
      const id = chainId === null ? null : findAddressId(facts, chainId, address);
      v = id !== null && hub.get(id) !== undefined;
      cache.set(key, v);
    }
    return v;
  };
}

/** The lookups the step detectors read: labels (the case's own tag first), and Cairn's CoinJoin detector on UTXO transactions. */
function lookupsFor(store: Db, facts: Db, c: CaseFile, traces: readonly SavedTrace[]): SignatureLookups {
  const tags = new Map<string, { name: string; category: string }>();
  for (const r of c.db.prepare('SELECT chain, addr, label, category FROM tag WHERE chain IS NOT NULL AND category IS NOT NULL ORDER BY confidence DESC, id').all() as { chain: string; addr: string; label: string; category: string }[]) {
    const key = `${r.chain}|${r.addr}`;
    if (!tags.has(key)) tags.set(key, { name: r.label, category: r.category });
  }
  const labels = labelsOfMany(store, tracedAddresses(traces), 1);
  const coinjoins = new Map<string, boolean>();
  return {
    labelOf: (chain, address) => {
      const tag = tags.get(`${chain}|${address}`);
      if (tag) return { ...tag, via: 'tag' };
      const l = labels.get(labelKeyOf(chain, address))?.labels[0];
      return l && l.category ? { name: l.label, category: l.category, via: 'label' } : null;
    },
    isCoinJoin: (chain, tx) => {
      const key = `${chain}|${tx}`;
      let v = coinjoins.get(key);
      if (v === undefined) {
        const info = resolveChain(chain);
        const chainId = info.family === 'utxo' ? findChainId(facts, chain) : null;
        v = chainId !== null && (getUtxoParts(facts, chainId, tx, info.nativeSymbol)?.coinjoin ?? null) !== null;
        coinjoins.set(key, v);
      }
      return v;
    },
  };
}

/** Signatures, comparisons, meetings on the canvas, and the investigator's attribution. */
export function createAttributionHandlers(deps: HandlerDeps, kit: HandlerKit, graph: (caseId: string) => Graph): Pick<Handlers<CallContext>, Methods> {
  const { cases, store } = deps;
  const tracesOf = (c: CaseFile): SavedTrace[] => listTraces(c).map((t) => getTrace(c, t.id));
  const signatureOf = (c: CaseFile, traces: readonly SavedTrace[]): CaseSignature =>
    caseSignature({ caseId: c.id, caseName: c.name(), traces, links: listLinks(c).filter((l) => l.status === 'confirmed'), lookups: lookupsFor(store, kit.facts(c.id), c, traces) });

  /** What the comparison reads of one case: its signature, its traced flows and its addresses (traced, and its seeds) with their wallets. */
  const comparable = (c: CaseFile): CaseForComparison => {
    const traces = tracesOf(c);
    const facts = kit.facts(c.id);
    const walletOf = walletLookup(facts);
    const addresses = new Map<string, { chain: string; address: string; cluster: string | null }>();
    for (const a of tracedAddresses(traces)) addresses.set(`${a.chain}|${a.addr}`, { chain: a.chain, address: a.addr, cluster: walletOf(a.chain, a.addr) });
    // Its seeds too, but not every canvas node: drawing a meeting on the canvas must not raise the score it came from.
    for (const n of c.db.prepare('SELECT chain, addr FROM seed').all() as { chain: string; addr: string }[]) {
      addresses.set(`${n.chain}|${n.addr}`, { chain: n.chain, address: n.addr, cluster: walletOf(n.chain, n.addr) });
    }
    return { signature: signatureOf(c, traces), flows: { caseId: c.id, traces }, addresses: [...addresses.values()] };
  };

  return {
    'case.signature': (args) => signatureOf(cases.get(args.caseId), tracesOf(cases.get(args.caseId))) as never,
    'case.compare': (args) => {
      const target = comparable(cases.get(args.caseId));
      const skipped: { case: string; reason: string }[] = [];
      const others: CaseForComparison[] = [];
      const ids = args.with ?? cases.summaries().filter((s) => s.origin !== 'broken').map((s) => s.id);
      for (const id of ids) {
        if (id === args.caseId) continue;
        try {
          const other = comparable(cases.get(id));
          if (other.flows.traces.length === 0) skipped.push({ case: id, reason: 'no saved trace: nothing to compare its laundering with' });
          else others.push(other);
        } catch (error) {
          skipped.push({ case: id, reason: error instanceof ApiError ? error.message : `cannot be read: ${(error as Error).message}` });
        }
      }
      const result = compareCases(target, others, { walletOf: walletLookup(store), isService: serviceLookup(store) });
      return { case: result.case, matches: [...result.matches] as never, skipped };
    },
    'case.addMeeting': (args) => {
      const c = cases.get(args.caseId);
      const other = cases.get(args.otherCaseId);
      const chain = chainOf(args.chain).id;
      const addr = canonicalOrInvalid(chain, args.address);
      // The addresses that brought each case's traced value to the meeting address.
      const senders = new Map<string, { chain: string; addr: string }>();
      for (const cf of [c, other]) {
        const into = tracesOf(cf)
          .flatMap((t) => t.result.transfers)
          .filter((x) => x.chain === chain && x.to === addr && x.from !== null)
          .sort((a, b) => (BigInt(b.traced) > BigInt(a.traced) ? 1 : BigInt(b.traced) < BigInt(a.traced) ? -1 : 0));
        for (const x of into.slice(0, 10)) senders.set(`${x.chain}|${x.from}`, { chain: x.chain, addr: x.from! });
      }
      const out = addMeeting(c, kit.actor(), { chain, addr }, other.name(), [...senders.values()]);
      return { graph: graph(args.caseId), ...out };
    },
    'attribution.get': (args) => getAttribution(cases.get(args.caseId)) as never,
    'attribution.set': (args) => {
      const c = cases.get(args.caseId);
      for (const id of args.cases) if (!cases.summaries().some((s) => s.id === id)) throw new ApiError('not_found', `no case ${id} to refer to`);
      setAttribution(c, kit.actor(), args.ground, { text: args.text, confidence: args.confidence, cases: args.cases });
      return getAttribution(c) as never;
    },
  };
}
