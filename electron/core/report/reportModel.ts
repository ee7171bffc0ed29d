import type { ArgsIn, MethodName, Result } from '../../../shared/api/contract';
import type { z } from 'zod';
import type { AuditEntry as AuditEntrySchema, AuditVerdict, CaseSummary, ClusterView, Dataset, Graph, LabelSet } from '../../../shared/api/schemas';
import type { CrossChainLink, SavedTrace } from '../../../shared/api/traceSchemas';
import type { AttributionEntry, CaseSignature, Comparison } from '../../../shared/api/attributionSchemas';

/**
 * Everything a report says, read through the same API calls the app's panels make: the figures
 * in the document are the figures the investigator saw, and a test can compare the two.
 */
type AuditEntry = z.infer<typeof AuditEntrySchema>;

export type Caller = <M extends MethodName>(method: M, args: ArgsIn<M>) => Promise<Result<M>>;

/** An automatic cluster (wallet) that holds addresses on the case's canvas, as the case sees it. */
export interface ReportWallet {
  readonly chain: string;
  readonly view: ClusterView;
  /** Canvas nodes in it (display forms). */
  readonly onCanvas: readonly string[];
}

export interface Investigator {
  readonly name: string;
  readonly entries: number;
  readonly first: string;
  readonly last: string;
}

export interface HandOver {
  readonly time: string;
  readonly file: string;
  readonly by: string;
  readonly key: string;
  readonly encrypted: boolean;
}

export interface ReportModel {
  readonly generatedAt: string;
  readonly generatedBy: string;
  readonly version: string;
  readonly case: CaseSummary;
  readonly graph: Graph;
  readonly traces: readonly SavedTrace[];
  readonly links: readonly CrossChainLink[];
  readonly wallets: readonly ReportWallet[];
  /** Wallets on the canvas not described because there were more than MAX_WALLETS. */
  readonly walletsLeft: number;
  readonly datasets: readonly Dataset[];
  /** Label sets with a label on an address of the case. */
  readonly labelSets: readonly LabelSet[];
  readonly verdict: AuditVerdict;
  readonly entries: readonly AuditEntry[];
  readonly investigators: readonly Investigator[];
  /** Bundles written of this case (the log's case.export entries). */
  readonly handOvers: readonly HandOver[];
  /** The investigator's attribution, with the evidence it rests on: null when the case records none. */
  readonly attribution: {
    readonly entries: readonly AttributionEntry[];
    readonly signature: CaseSignature;
    /** This case compared with the cases the investigator referred to. */
    readonly comparison: Comparison | null;
  } | null;
}

export interface GatherDeps {
  readonly call: Caller;
  /** The import datasets behind the facts the case is drawn from (the store's, or a received case's evidence). */
  readonly datasets: (caseId: string) => Dataset[];
  readonly now: () => Date;
}

const MAX_WALLETS = 200;
const WALLET_MEMBERS = 20;

async function allEntries(call: Caller, caseId: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (;;) {
    const page = await call('audit.list', { caseId, offset: out.length, limit: 1000 });
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) break;
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function investigatorsOf(entries: readonly AuditEntry[]): Investigator[] {
  const by = new Map<string, { entries: number; first: string; last: string }>();
  for (const e of entries) {
    const s = by.get(e.actor);
    if (!s) by.set(e.actor, { entries: 1, first: e.time, last: e.time });
    else {
      s.entries++;
      if (e.time < s.first) s.first = e.time;
      if (e.time > s.last) s.last = e.time;
    }
  }
  return [...by.entries()].map(([name, s]) => ({ name, ...s })).sort((a, b) => a.first.localeCompare(b.first));
}

function handOversOf(entries: readonly AuditEntry[]): HandOver[] {
  return entries.flatMap((e) => {
    if (e.action !== 'case.export' || typeof e.data !== 'object' || e.data === null) return [];
    const d = e.data as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return [{ time: e.time, file: text(d.file), by: text(d.by) || e.actor, key: text(d.key), encrypted: d.encrypted === true }];
  });
}

/** Reads what the report needs about one case. */
export async function gatherReport(deps: GatherDeps, caseId: string): Promise<ReportModel> {
  const { call } = deps;
  const info = await call('app.info', {});
  const summary = (await call('case.list', {})).find((c) => c.id === caseId);
  if (!summary) throw new Error(`no case ${caseId}`);
  const graph = await call('graph.get', { caseId });
  const traces: SavedTrace[] = [];
  for (const t of await call('trace.list', { caseId })) traces.push(await call('trace.get', { caseId, traceId: t.id }));
  const links = await call('links.list', { caseId });

  const walletNodes = new Map<string, { chain: string; address: string; onCanvas: string[] }>();
  for (const n of graph.nodes) {
    if (n.kind === 'address' && !n.hidden && n.wallet && n.wallet.size > 1) {
      const key = `${n.chain}|${n.wallet.cluster}`;
      const w = walletNodes.get(key);
      if (w) w.onCanvas.push(n.display);
      else walletNodes.set(key, { chain: n.chain, address: n.address, onCanvas: [n.display] });
    } else if (n.kind === 'entity' && !n.hidden) {
      const key = `${n.chain}|${n.cluster}`;
      if (!walletNodes.has(key)) walletNodes.set(key, { chain: n.chain, address: n.anchor, onCanvas: n.members.map((m) => m.display) });
    }
  }
  const wallets: ReportWallet[] = [];
  for (const w of [...walletNodes.values()].slice(0, MAX_WALLETS)) {
    const view = await call('clusters.show', { chain: w.chain, address: w.address, caseId, limit: WALLET_MEMBERS });
    wallets.push({ chain: w.chain, view, onCanvas: w.onCanvas });
  }

  // Label sets used: those labelling an address on the canvas, or one where a trace ended (its stop rules read them).
  const usedSets = new Set<number>();
  for (const n of graph.nodes) if (n.kind === 'address') for (const l of n.labels ?? []) usedSets.add(l.set.id);
  const endpointAddresses = new Map<string, { chain: string; address: string }>();
  for (const t of traces) {
    for (const e of [...t.result.endpoints, ...t.result.unresolved]) if (e.label !== null && e.address !== null) endpointAddresses.set(`${e.chain}|${e.address}`, { chain: e.chain, address: e.address });
  }
  for (const a of endpointAddresses.values()) for (const l of (await call('labels.show', a)).labels) usedSets.add(l.set.id);
  const labelSets = (await call('labels.list', {})).filter((s) => usedSets.has(s.id));

  const entries0 = await call('attribution.get', { caseId });
  let attribution: ReportModel['attribution'] = null;
  if (entries0.length) {
    const referred = [...new Set(entries0.flatMap((e) => e.cases))].filter((id) => id !== caseId);
    attribution = {
      entries: entries0,
      signature: await call('case.signature', { caseId }),
      comparison: referred.length ? await call('case.compare', { caseId, with: referred }) : null,
    };
  }
  const verdict = await call('audit.verify', { caseId });
  const entries = await allEntries(call, caseId);
  return {
    generatedAt: deps.now().toISOString(),
    generatedBy: info.settings.investigator || 'unknown investigator',
    version: info.version,
    case: summary,
    graph,
    traces,
    links,
    wallets,
    walletsLeft: Math.max(0, walletNodes.size - MAX_WALLETS),
    datasets: deps.datasets(caseId),
    labelSets,
    verdict,
    entries,
    investigators: investigatorsOf(entries),
    handOvers: handOversOf(entries),
    attribution,
  };
}
