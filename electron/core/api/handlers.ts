import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ApiError, type Handlers } from '../../../shared/api/contract';
import { canonicalAddress, canonicalTxHashFor, displayAddress } from '../../../shared/codec/address';
import { CHAINS, resolveChain, UnknownChainError } from '../../../shared/model/chains';
import { expandNeighbours } from '../analysis/neighbours';
import { verifyCase, type AuditRecord } from '../cases/audit';
import { BundleError, exportBundle } from '../casefile/bundle';
import { displayFingerprint, type WorkspaceKeys } from '../casefile/keys';
import { continueCase, importBundle, inspectBundle, mergeCaseEvidence, type EvidenceFiles } from '../casefile/received';
import type { CaseRegistry } from '../casefile/registry';
import type { Actor, CaseFiles } from '../cases/caseFiles';
import * as edits from '../cases/caseEdits';
import * as entities from '../cases/caseEntities';
import { buildGraph } from '../cases/caseGraph';
import { transfersOfEdge } from '../cases/edgeTransfers';
import { layeredPositions } from '../cases/relayout';
import { txFlows } from '../cases/txFlows';
import type { ImportJobs } from '../jobs/jobs';
import type { TraceJobs } from '../jobs/traceJobs';
import { findAddressId } from '../store/addresses';
import { findChainId } from '../store/chains';
import { listDatasets } from '../store/datasets';
import { addressTotals, addressTransfers } from '../store/addressQueries';
import type { Db } from '../store/openStore';
import { chainCounts, getTx, getUtxoParts } from '../store/txQueries';
import { txConflicts } from '../store/conflicts';
import { createConflictHandlers } from './conflictHandlers';
import type { CallContext } from '../backendTypes';
import type { Settings } from '../workspace';
import type { CounterpartyLabel, FlowFilter, Graph } from '../../../shared/api/schemas';
import { exposureOf, screen } from '../intel/exposure';
import { importLabelFiles, LabelImportError, labelKeyOf, labelsOf, labelsOfMany, listLabelSets, previewLabelFiles, removeLabelSet } from '../intel/labelStore';
import { search, type SearchableCase } from '../intel/search';
import { exportCaseTagPack } from '../intel/tagpackExport';
import { createClusterHandlers } from './clusterHandlers';
import { createEntityHandlers } from './entityHandlers';
import { createClusterSettingsHandlers } from './clusterSettingsHandlers';
import { createLinkHandlers } from './linkHandlers';
import { createPathHandlers } from './pathHandlers';
import { createTraceHandlers } from './traceHandlers';
import { createReportHandlers } from './reportHandlers';
import { createAttributionHandlers } from './attributionHandlers';
import type { DocumentPrinter } from '../report/printer';
import type { FileAccess } from '../fileAccess';

export interface HandlerDeps {
  readonly version: string;
  readonly workspaceDir: string;
  readonly store: Db;
  readonly cases: CaseFiles;
  readonly keys: WorkspaceKeys;
  readonly registry: CaseRegistry;
  /** Evidence of received cases, read until it is merged into the store. */
  readonly evidence: EvidenceFiles;
  /** Scratch space inside the workspace for bundles being written or checked. */
  readonly scratchDir: string;
  readonly jobs: ImportJobs;
  readonly traces: TraceJobs;
  readonly settings: () => Settings;
  readonly saveSettings: (s: Settings) => void;
  readonly now: () => Date;
  /** The workspace the app was started with (the sample lives inside it). */
  readonly ownWorkspaceDir: string;
  readonly openSample: () => Promise<{ workspace: string; caseId: string }>;
  readonly openOwn: () => Promise<{ workspace: string }>;
  /** Prints reports to PDF and images to PNG; absent: a headless Chromium (report/printer.ts). */
  readonly printer?: DocumentPrinter;
  /** Which files the API may reach: backend.ts checks every path argument with it; fs.list starts at its folders. */
  readonly fileAccess: FileAccess;
}

export function chainOf(input: string) {
  try {
    return resolveChain(input);
  } catch (error) {
    if (error instanceof UnknownChainError) throw new ApiError('invalid_argument', error.message);
    throw error;
  }
}

export function canonicalOrInvalid(chain: string, address: string): string {
  try {
    return canonicalAddress(chain, address);
  } catch (error) {
    throw new ApiError('invalid_argument', (error as Error).message);
  }
}

/** The store id of an address, or null when the store has never seen it. */
export function lookupAddress(store: Db, chain: string, address: string): { chain: string; addr: string; id: number | null } {
  const c = chainOf(chain);
  const addr = canonicalOrInvalid(c.id, address);
  const chainId = findChainId(store, c.id);
  return { chain: c.id, addr, id: chainId === null ? null : findAddressId(store, chainId, addr) };
}

/** Audit data is canonical JSON written by Cairn; a damaged entry is shown as text rather than failing the list. */
function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** What the handlers of other files share with these: who acts, and where a case's facts come from. */
export interface HandlerKit {
  readonly actor: () => Actor;
  readonly facts: (caseId: string) => Db;
}

/** Implements every method of the contract over the store and the case files. */
export function createHandlers(deps: HandlerDeps): Handlers<CallContext> {
  const { store, cases, jobs } = deps;
  const actor = (): Actor => ({ name: deps.settings().investigator || 'unknown investigator', now: () => deps.now().toISOString(), signer: deps.keys.own() });
  /** Where a case's chain facts come from: the store, or a received case's own evidence until it is merged. */
  const facts = (caseId: string): Db => {
    const r = deps.registry.get(caseId);
    return r?.origin === 'received' && r.received && !r.received.evidenceMerged ? deps.evidence.get(caseId) : store;
  };
  /** Labels come from the workspace's label sets, whatever store the case's facts come from. */
  const withLabels = (g: Graph): Graph => {
    const addresses = g.nodes.flatMap((n) => (n.kind === 'address' ? [{ chain: n.chain, addr: n.address }] : []));
    const found = labelsOfMany(store, addresses);
    for (const n of g.nodes) {
      if (n.kind !== 'address') continue;
      const own = found.get(labelKeyOf(n.chain, n.address));
      n.labels = own?.labels ?? [];
      n.labelCount = own?.count ?? 0;
      n.sanctioned = own?.sanctioned ?? false;
    }
    return g;
  };
  /** The best label of each counterparty on one chain, for tables. */
  const counterpartyLabels = (chain: string, addrs: readonly string[]): Map<string, CounterpartyLabel> => {
    const found = labelsOfMany(store, addrs.map((addr) => ({ chain, addr })), 1);
    const out = new Map<string, CounterpartyLabel>();
    for (const addr of addrs) {
      const own = found.get(labelKeyOf(chain, addr));
      if (own) out.set(addr, { label: own.labels[0]!.label, category: own.labels[0]!.category, sanctioned: own.sanctioned, count: own.count });
    }
    return out;
  };
  const kit: HandlerKit = { actor, facts };
  const graph = (caseId: string, filter?: FlowFilter) => withLabels(buildGraph(facts(caseId), cases.get(caseId), filter));
  const labelErrors = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof LabelImportError) throw new ApiError('bad_input', error.message, error.skipped.length > 0 ? { skipped: error.skipped } : undefined);
      throw error;
    }
  };
  const searchableCases = (): SearchableCase[] =>
    cases.summaries().flatMap((c) => {
      if (c.origin === 'broken') return [];
      const clusters = cases.get(c.id).db.prepare('SELECT id, name, category FROM cluster ORDER BY id').all() as { id: number; name: string; category: string }[];
      return [{ id: c.id, name: c.name, clusters: clusters.map((cl) => ({ id: `c${cl.id}`, name: cl.name, category: cl.category })) }];
    });
  const receiveDeps = {
    cases,
    registry: deps.registry,
    keys: deps.keys,
    evidence: deps.evidence,
    actor,
    scratchDir: deps.scratchDir,
    investigator: () => deps.settings().investigator,
  };
  const keyInfo = () => {
    const own = deps.keys.own();
    return {
      fingerprint: displayFingerprint(own.publicKey),
      publicKey: own.publicKey,
      trusted: deps.keys.trusted().map((k) => ({ ...k, fingerprint: displayFingerprint(k.publicKey) })),
    };
  };
  const bundleErrors = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof BundleError) throw new ApiError(error.kind, error.message);
      throw error;
    }
  };

  let self: Handlers<CallContext> | null = null;
  const all: Handlers<CallContext> = {
    'app.info': (_args, ctx) => ({ version: deps.version, workspace: deps.workspaceDir, sample: deps.workspaceDir !== deps.ownWorkspaceDir, shell: ctx.shell, settings: deps.settings() }),
    'workspace.openSample': () => deps.openSample(),
    'workspace.openOwn': () => deps.openOwn(),
    'settings.set': (args) => {
      const current = deps.settings();
      deps.saveSettings({
        investigator: args.investigator === undefined ? current.investigator : args.investigator.trim(),
        lastCase: args.lastCase === undefined ? current.lastCase : args.lastCase,
      });
      return deps.settings();
    },
    'chains.list': () => CHAINS.map((c) => ({ ...c, aliases: [...c.aliases] })),
    'store.stats': () => ({ chains: chainCounts(store), datasets: listDatasets(store) }),
    'fs.list': (args) => {
      const access = deps.fileAccess;
      // Limited to the folders opened in this session: with no path, those folders themselves.
      if (access.limited && !args.path) {
        const roots = access.roots();
        return { path: '', parent: null, roots, entries: roots.map((r) => ({ name: r, path: r, kind: 'dir' as const, size: 0 })) };
      }
      const path = resolve(args.path || homedir());
      let entries;
      try {
        entries = readdirSync(path, { withFileTypes: true });
      } catch (error) {
        throw new ApiError('not_found', `cannot list ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const list = entries
        .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
        .map((e) => {
          const full = join(path, e.name);
          let size = 0;
          try {
            size = e.isFile() ? statSync(full).size : 0;
          } catch {
            // unreadable entries are still listed; the import will say why it cannot read them
          }
          return { name: e.name, path: full, kind: e.isDirectory() ? ('dir' as const) : ('file' as const), size };
        })
        .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      const parent = dirname(path);
      if (access.limited) {
        // "Up" stops at a granted folder (the file browser goes back to the list of them) and
        // never leads outside one.
        const top = access.isRoot(path) || parent === path;
        return { path, parent: top ? null : parent, roots: access.roots(), entries: list };
      }
      return { path, parent: parent === path ? null : parent, entries: list };
    },

    'import.start': (args) => {
      if (args.chain) chainOf(args.chain);
      return { jobId: jobs.start({ paths: args.paths, chain: args.chain, format: args.format, review: args.review, address: args.address }) };
    },
    'import.commit': (args) => ({ committed: jobs.commit(args.jobId) }),
    'jobs.list': () => jobs.list(),
    'job.cancel': (args) => ({ cancelled: jobs.cancel(args.jobId) }),

    'address.summary': (args) => {
      const db = args.caseId ? facts(args.caseId) : store;
      const a = lookupAddress(db, args.chain, args.address);
      const t = a.id === null ? { totals: [], firstSeen: null, lastSeen: null } : addressTotals(db, a.id);
      return {
        chain: a.chain,
        address: a.addr,
        display: displayAddress(a.chain, a.addr),
        known: a.id !== null,
        totals: t.totals.map((x) => ({ ...x, received: x.received.toString(), sent: x.sent.toString() })),
        firstSeen: t.firstSeen,
        lastSeen: t.lastSeen,
      };
    },
    'address.transfers': (args) => {
      const db = args.caseId ? facts(args.caseId) : store;
      const a = lookupAddress(db, args.chain, args.address);
      if (a.id === null) return { total: 0, offset: args.offset, items: [] };
      const page = addressTransfers(db, a.id, args.direction, args.offset, args.limit);
      const labels = counterpartyLabels(a.chain, page.items.flatMap((t) => (t.counterparty === null ? [] : [t.counterparty])));
      return {
        total: page.total,
        offset: args.offset,
        items: page.items.map((t) => ({
          txHash: t.txHash,
          block: t.block,
          time: t.time,
          direction: t.direction,
          counterparty: t.counterparty,
          counterpartyDisplay: t.counterparty === null ? null : displayAddress(a.chain, t.counterparty),
          counterpartyLabel: t.counterparty === null ? null : (labels.get(t.counterparty) ?? null),
          asset: t.asset,
          value: t.value.toString(),
          kind: t.kind,
          status: t.status,
        })),
      };
    },
    'address.neighbors': (args) => {
      const db = args.caseId ? facts(args.caseId) : store;
      const a = lookupAddress(db, args.chain, args.address);
      if (a.id === null) return { total: 0, offset: args.offset, items: [] };
      const page = expandNeighbours(db, a.id, args.direction, args.offset, args.limit);
      const labels = counterpartyLabels(a.chain, page.items.map((n) => n.address));
      return {
        total: page.total,
        offset: page.offset,
        items: page.items.map((n) => ({
          address: n.address,
          display: n.display,
          label: labels.get(n.address) ?? null,
          direction: n.direction,
          assets: n.assets.map((x) => ({ ...x, received: x.received.toString(), sent: x.sent.toString() })),
          count: n.count,
          firstTime: n.firstTime,
          lastTime: n.lastTime,
        })),
      };
    },
    'tx.get': (args) => {
      const chain = chainOf(args.chain);
      let hash: string;
      try {
        hash = canonicalTxHashFor(chain.id, args.hash);
      } catch (error) {
        throw new ApiError('invalid_argument', (error as Error).message);
      }
      const db = args.caseId ? facts(args.caseId) : store;
      const chainId = findChainId(db, chain.id);
      const tx = chainId === null ? null : getTx(db, chainId, hash);
      if (!tx) throw new ApiError('not_found', `transaction ${hash} on ${chain.name} is not in ${db === store ? 'the store' : "the case's evidence"}`);
      const base = { chain: chain.id, ...tx, transfers: tx.transfers.map((t) => ({ ...t, value: t.value.toString() })), conflicts: txConflicts(db, chainId!, hash) };
      if (chain.family !== 'utxo') return base;
      const parts = getUtxoParts(db, chainId!, hash, chain.nativeSymbol)!;
      const cj = parts.coinjoin;
      return {
        ...base,
        fee: parts.fee === null ? null : parts.fee.toString(),
        coinbase: parts.coinbase,
        // derived is shown only where true: an input address taken from its unlocking script.
        inputs: parts.inputs.map(({ derived, ...i }) => ({ ...i, value: i.value === null ? null : i.value.toString(), ...(derived ? { derived } : {}) })),
        outputs: parts.outputs.map((o) => ({ ...o, value: o.value.toString() })),
        coinjoin: cj && { rule: cj.rule, denomination: cj.denomination.toString(), equalOutputs: cj.equalOutputs, detail: cj.detail },
      };
    },
    'edge.transfers': (args) =>
      transfersOfEdge(facts(args.caseId), cases.get(args.caseId), args.sourceNodeId, args.targetNodeId, args.asset, args.offset, args.limit, args.filter),

    'labels.list': () => listLabelSets(store),
    'labels.preview': (args) => labelErrors(() => previewLabelFiles(store, args.paths.map((p) => resolve(p)))),
    'labels.import': (args) => labelErrors(() => importLabelFiles(store, args.paths.map((p) => resolve(p)), { skipInvalid: args.skipInvalid, now: deps.now })),
    'labels.remove': (args) => {
      const removed = removeLabelSet(store, args.setId);
      if (removed === null) throw new ApiError('not_found', `no label set ${args.setId}`);
      return { removed };
    },
    'labels.show': (args) => {
      const { chain, addr } = lookupAddress(store, args.chain, args.address);
      return { chain, address: addr, display: displayAddress(chain, addr), labels: labelsOf(store, chain, addr) };
    },
    'search.query': (args) => ({ hits: search(store, searchableCases(), args.text, args.limit) }),
    'exposure.get': (args) => {
      let subjects: { chain: string; addr: string }[];
      if ('caseId' in args) {
        const g = graph(args.caseId);
        const wanted = new Set(args.nodeIds);
        // An entity node stands for its members on the canvas.
        subjects = g.nodes.flatMap((n) =>
          !wanted.has(n.id) ? [] : n.kind === 'address' ? [{ chain: n.chain, addr: n.address }] : n.kind === 'entity' ? n.members.map((m) => ({ chain: n.chain, addr: m.address })) : [],
        );
        if (subjects.length === 0) throw new ApiError('not_found', `none of the nodes ${args.nodeIds.join(', ')} is an address of case ${args.caseId}`);
      } else {
        const { chain, addr } = lookupAddress(store, args.chain, args.address);
        subjects = [{ chain, addr }];
      }
      return { subjects: subjects.map((s) => ({ chain: s.chain, address: s.addr, display: displayAddress(s.chain, s.addr) })), rows: exposureOf(store, subjects) };
    },
    'screen.run': (args) => ({ rows: screen(store, args.text, args.chain === undefined ? undefined : chainOf(args.chain).id) }),

    'case.exportTagPack': (args) => {
      try {
        return exportCaseTagPack(cases.get(args.caseId), deps.settings().investigator, resolve(args.path), args.overwrite);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new ApiError(code === 'ENOENT' || code === 'EACCES' || /exists; choose/.test((error as Error).message) ? 'invalid_argument' : 'internal', (error as Error).message);
      }
    },
    'case.list': () => cases.summaries(),
    'case.create': (args) => cases.create(args.name, actor()).summary(),
    'case.rename': (args) => cases.rename(args.caseId, args.name, actor()).summary(),
    'case.addSeed': (args) => {
      edits.addSeed(cases.get(args.caseId), actor(), args.chain, args.address, args.role, args.note);
      return graph(args.caseId);
    },
    'case.removeSeed': (args) => {
      edits.removeSeed(cases.get(args.caseId), actor(), args.chain, args.address);
      return graph(args.caseId);
    },

    'graph.get': (args) => graph(args.caseId, args.filter),
    'graph.txFlows': (args) => txFlows(facts(args.caseId), cases.get(args.caseId), args.limit),
    'graph.addAddress': (args) => {
      edits.addAddress(cases.get(args.caseId), actor(), args.chain, args.address);
      return graph(args.caseId);
    },
    'graph.expand': (args) => {
      const c = cases.get(args.caseId);
      // An entity node (or a page of one) lists the counterparties of its whole wallet.
      if (entities.isWalletExpansion(c, args.nodeId)) entities.expandWallet(facts(args.caseId), c, actor(), args.nodeId, args.direction, args.limit, args.filter);
      else edits.expand(store, c, actor(), args.nodeId, args.direction, args.limit, args.filter);
      return graph(args.caseId, args.filter);
    },
    'graph.setHidden': (args) => {
      const c = cases.get(args.caseId);
      // An entity node hides (or shows) as its members drawn in it.
      const keys = entities.throughEntities(facts(args.caseId), c, args.nodeIds).keys;
      if (keys.length > 0) edits.setHidden(c, actor(), keys, args.hidden);
      return graph(args.caseId);
    },
    'graph.remove': (args) => {
      const c = cases.get(args.caseId);
      // An entity node goes with its members drawn in it, and the wallet is no longer collapsed.
      const through = entities.throughEntities(facts(args.caseId), c, args.nodeIds);
      if (through.keys.length > 0 || through.collapses.length > 0) edits.removeNodes(c, actor(), through.keys, (w) => entities.dropCollapses(c, w, through.collapses));
      return graph(args.caseId);
    },
    'graph.move': (args) => {
      edits.moveNodes(cases.get(args.caseId), actor(), args.positions);
      return graph(args.caseId);
    },

    'graph.layout': async (args) => {
      const c = cases.get(args.caseId);
      c.assertWritable();
      const before = graph(args.caseId);
      const ids = new Set(args.nodeIds?.length ? args.nodeIds : before.nodes.filter((n) => !n.hidden).map((n) => n.id));
      const positions = await layeredPositions(before, ids, args.by);
      if (positions.size) edits.layoutNodes(c, actor(), [...positions].map(([nodeId, p]) => ({ nodeId, x: p.x, y: p.y })), args.by);
      return graph(args.caseId);
    },

    'cluster.create': (args) => {
      edits.createCluster(cases.get(args.caseId), actor(), args.nodeIds, { name: args.name, category: args.category, color: args.color, note: args.note });
      return graph(args.caseId);
    },
    'cluster.update': (args) => {
      edits.updateCluster(cases.get(args.caseId), actor(), args.clusterId, { name: args.name, category: args.category, color: args.color, note: args.note });
      return graph(args.caseId);
    },
    'cluster.ungroup': (args) => {
      edits.ungroupCluster(cases.get(args.caseId), actor(), args.clusterId);
      return graph(args.caseId);
    },
    'tag.add': (args) => {
      edits.addTag(cases.get(args.caseId), actor(), args.target, { label: args.label, category: args.category, confidence: args.confidence, source: args.source, note: args.note });
      return graph(args.caseId);
    },
    'tag.remove': (args) => {
      edits.removeTag(cases.get(args.caseId), actor(), args.tagId);
      return graph(args.caseId);
    },

    'case.undo': (args) => {
      edits.replay(cases.get(args.caseId), actor(), 'undo');
      return graph(args.caseId);
    },
    'case.redo': (args) => {
      edits.replay(cases.get(args.caseId), actor(), 'redo');
      return graph(args.caseId);
    },
    'audit.list': (args) => {
      const c = cases.get(args.caseId);
      const total = c.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
      const rows = c.db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ? OFFSET ?').all(args.limit, args.offset) as AuditRecord[];
      return {
        total,
        items: rows.map((r) => ({
          seq: r.seq,
          time: r.time,
          actor: r.actor,
          action: r.action,
          data: parseData(r.data),
          prevHash: r.prev_hash,
          hash: r.hash,
          signedBy: r.pubkey === null ? null : displayFingerprint(r.pubkey),
        })),
      };
    },
    'audit.verify': (args) => {
      const c = cases.get(args.caseId);
      const record = deps.registry.get(args.caseId);
      return verifyCase(c.db, { trusted: deps.keys.trustMap(deps.settings().investigator), ownKey: deps.keys.own().publicKey, rememberedHead: record?.head ?? null });
    },

    'keys.info': () => keyInfo(),
    'keys.trust': (args) => {
      deps.keys.trust(args.publicKey, args.name, deps.now().toISOString());
      return keyInfo();
    },
    'case.export': (args) =>
      bundleErrors(() =>
        exportBundle(cases.get(args.caseId), { facts: facts(args.caseId), actor: actor(), version: deps.version, scratchDir: deps.scratchDir }, args.path, {
          passphrase: args.passphrase,
          overwrite: args.overwrite,
        }),
      ),
    'bundle.inspect': (args) => bundleErrors(() => inspectBundle(receiveDeps, args.path, args.passphrase)),
    'bundle.import': (args) => bundleErrors(() => importBundle(receiveDeps, args.path, args.passphrase, args.trustFingerprint)),
    'case.continue': (args) => continueCase(receiveDeps, args.caseId),
    'case.mergeEvidence': (args) => mergeCaseEvidence(receiveDeps, store, args.caseId),
    ...createTraceHandlers(deps, kit),
    ...createLinkHandlers(deps, kit),
    ...createPathHandlers(deps, kit),
    ...createClusterHandlers(deps, kit),
    ...createClusterSettingsHandlers(deps),
    ...createEntityHandlers(deps, kit, graph),
    ...createReportHandlers(deps, kit, () => self!),
    ...createAttributionHandlers(deps, kit, graph),
    ...createConflictHandlers(deps),
  };
  self = all;
  return all;
}
