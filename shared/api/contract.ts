/**
 * The API contract: every method's name, arguments and result, as runtime schemas.
 * The renderer client, the Electron IPC handler table and the loopback-server handler
 * table are all derived from this one map, so a method missing on either side is a
 * compile error and every call is validated before it runs.
 */
import { z } from 'zod';
import * as S from './schemas';
import * as T from './traceSchemas';
import * as A from './attributionSchemas';
import * as C from './conflictSchemas';

function method<A extends z.ZodType, R extends z.ZodType>(args: A, result: R, mutates = false) {
  return { args, result, mutates } as const;
}

const CaseArg = z.object({ caseId: S.CaseId });
const Page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) };
const ChainAddress = { chain: S.ChainId, address: S.AddressText };
const HexKey = z.string().regex(/^[0-9a-f]{64}$/, 'an Ed25519 public key as 64 lower-case hex digits');
/**
 * caseId: read the facts the case is drawn from (a received case's own evidence until it is
 * merged into the store); without it, the store.
 */
const FactsOf = { caseId: S.CaseId.optional() };
const Passphrase = z.string().min(8, 'a passphrase of at least 8 characters').max(1024);

export const api = {
  'app.info': method(z.object({}), S.AppInfo),
  /**
   * Builds the sample investigation (a small synthetic world and a case with its victims
   * seeded) in its own workspace, the first time, and switches to it.
   */
  'workspace.openSample': method(z.object({}), z.object({ workspace: z.string(), caseId: S.CaseId })),
  /** Switches back from the sample to the workspace the app was started with. */
  'workspace.openOwn': method(z.object({}), z.object({ workspace: z.string() })),
  'settings.set': method(S.Settings.partial(), S.Settings),
  'chains.list': method(z.object({}), z.array(S.ChainSummary)),
  'store.stats': method(z.object({}), S.StoreStats),
  'fs.list': method(z.object({ path: z.string().max(4096).optional() }), S.FsListing),

  'import.start': method(
    z.object({
      paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
      chain: S.ChainId.optional(),
      format: z.enum(['ethereum-etl-csv', 'bitcoin-blocks', 'etherscan-csv']).optional(),
      /** Etherscan-family exports: whose history it is, when no single address is in every row. */
      address: z.string().min(1).max(200).optional(),
      /** Stop before committing, in state "review", until import.commit or job.cancel. */
      review: z.boolean().default(false),
    }),
    z.object({ jobId: z.string() }),
  ),
  'import.commit': method(z.object({ jobId: z.string().max(100) }), z.object({ committed: z.boolean() })),
  'jobs.list': method(z.object({}), z.array(S.JobState)),
  'job.cancel': method(z.object({ jobId: z.string().max(100) }), z.object({ cancelled: z.boolean() })),

  'address.summary': method(z.object({ ...ChainAddress, ...FactsOf }), S.AddressSummary),
  'address.transfers': method(
    z.object({ ...ChainAddress, direction: S.Direction.default('both'), ...Page, ...FactsOf }),
    S.TransferPage,
  ),
  'address.neighbors': method(
    z.object({ ...ChainAddress, direction: S.Direction.default('both'), ...Page, ...FactsOf }),
    S.NeighborPage,
  ),
  'tx.get': method(z.object({ chain: S.ChainId, hash: z.string().min(1).max(200), ...FactsOf }), S.TxDetail),
  /**
   * Facts two sources disagree about (the store kept the first source's value), in the order
   * they were recorded; datasetId: those where that dataset is either side.
   */
  'conflicts.list': method(z.object({ chain: S.ChainId.optional(), datasetId: z.number().int().min(1).optional(), ...Page }), C.ConflictPage),
  /**
   * The transfers behind one edge of a case's graph: from the source node's address to the target
   * node's, in one asset ("native" or the token contract, as the edge's asset names it), read
   * from the facts the case is drawn from. filter: the canvas filter the edge was summed with
   * (graph.get's), so the list adds up to the edge as drawn.
   */
  'edge.transfers': method(
    z.object({
      caseId: S.CaseId,
      sourceNodeId: S.NodeId,
      targetNodeId: S.NodeId,
      asset: z.string().trim().min(1).max(200),
      filter: S.FlowFilter.optional(),
      ...Page,
    }),
    S.EdgeTransferPage,
  ),

  /** Label sets (TagPacks, OFAC lists, CSV lists) imported into the workspace. */
  'labels.list': method(z.object({}), z.array(S.LabelSet)),
  /** Reads label files and says what importing them would do; keeps nothing. */
  'labels.preview': method(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }), S.LabelPreview),
  /**
   * Imports label files, one set each. A file with skipped entries is refused (naming them)
   * unless skipInvalid; a file whose content a set holds adds nothing; a newer version of a set
   * (same title and creator) replaces it.
   */
  'labels.import': method(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000), skipInvalid: z.boolean().default(false) }), S.LabelImportResult, true),
  'labels.remove': method(z.object({ setId: z.number().int() }), z.object({ removed: z.number().int() }), true),
  /** Every label of an address, the most confident first. */
  'labels.show': method(z.object({ ...ChainAddress }), z.object({ chain: S.ChainId, address: z.string(), display: z.string(), labels: z.array(S.Label) })),
  /** One box for anything: an address on any chain in any form, a transaction hash, a label or actor name, a case or cluster. */
  'search.query': method(z.object({ text: z.string().trim().min(1).max(300), limit: z.number().int().min(1).max(200).default(30) }), z.object({ hits: z.array(S.SearchHit) })),
  /** Direct exposure of an address, or of a case's nodes (a selection or a cluster's members), to labelled counterparties. */
  'exposure.get': method(
    z.union([z.object({ ...ChainAddress }), z.object({ caseId: S.CaseId, nodeIds: z.array(S.NodeId).min(1).max(10000) })]),
    S.Exposure,
  ),
  /**
   * An address's automatic cluster: its size, best label, a page of members, and the merges that
   * joined this address. caseId: as that case sees it, its overrides applied (and the store's
   * cluster and the overrides acting on it given beside).
   */
  'clusters.show': method(z.object({ ...ChainAddress, ...Page, caseId: S.CaseId.optional() }), S.ClusterView),
  /** The chain of evidence (transaction and heuristic per merge) that joins two addresses into one cluster; caseId: as that case sees it. */
  'clusters.why': method(z.object({ chain: S.ChainId, a: S.AddressText, b: S.AddressText, caseId: S.CaseId.optional() }), S.ClusterWhy),
  /**
   * An investigator's override of the automatic clusters, in one case (audited, undoable):
   * split an address out of its cluster, reject the merges of a transaction, or confirm a merge
   * the collapse guard held (a and b as `clusters.held` lists them, in either order).
   */
  'clusters.override': method(
    z.discriminatedUnion('kind', [
      z.object({ caseId: S.CaseId, kind: z.literal('split'), chain: S.ChainId, address: S.AddressText, note: z.string().max(2000).default('') }),
      z.object({ caseId: S.CaseId, kind: z.literal('reject'), chain: S.ChainId, tx: z.string().trim().min(1).max(200), note: z.string().max(2000).default('') }),
      z.object({ caseId: S.CaseId, kind: z.literal('confirm'), chain: S.ChainId, a: S.AddressText, b: S.AddressText, tx: z.string().trim().min(1).max(200), note: z.string().max(2000).default('') }),
    ]),
    S.ClusterOverride,
    true,
  ),
  /** The case's cluster overrides, oldest first. */
  'clusters.overrides': method(CaseArg, z.array(S.ClusterOverride)),
  'clusters.removeOverride': method(z.object({ caseId: S.CaseId, overrideId: z.number().int() }), z.object({ removed: z.boolean() }), true),
  /** Merges the collapse guard held for review instead of applying, oldest first. */
  'clusters.held': method(z.object({ ...Page }), z.object({ total: z.number().int(), items: z.array(S.HeldMerge) })),
  /** The workspace's clustering settings: change heuristics (all off by default), deposit-address thresholds, collapse guard. */
  'clusters.settings': method(z.object({}), S.ClusteringSettings),
  /**
   * Changes the clustering settings the argument names (the others stay) and, in the same
   * transaction, rebuilds the clusters of the chains the change affects: change rules the UTXO
   * chains, deposit thresholds the account chains, the collapse guard every chain.
   */
  'clusters.configure': method(S.ClusteringSettingsPatch, z.object({ settings: S.ClusteringSettings, rebuilt: z.array(S.ClusterRebuild) }), true),
  /** Rebuilds a chain's clusters (every chain's without one) from the facts, with the workspace's settings: how an older store gets its clusters. */
  'clusters.rebuild': method(z.object({ chain: S.ChainId.optional() }), z.object({ rebuilt: z.array(S.ClusterRebuild) }), true),
  /** Screens a list of addresses (one per line, optionally "chain,address"): labelled, sanctioned, directly exposed. */
  'screen.run': method(z.object({ text: z.string().min(1).max(5_000_000), chain: S.ChainId.optional() }), S.ScreenResult),

  /** The case's own tags as a GraphSense TagPack (YAML), for GraphSense users and colleagues. */
  'case.exportTagPack': method(
    z.object({ caseId: S.CaseId, path: z.string().min(1).max(4096), overwrite: z.boolean().default(false) }),
    z.object({
      file: z.string(),
      tags: z.number().int(),
      sha256: z.string(),
      left: z.array(z.object({ address: z.string(), chain: S.ChainId, label: z.string(), reason: z.string() })),
    }),
  ),

  /**
   * The case's report (issue 15): a self-contained HTML document, or a PDF printed from it,
   * ordered and worded by a template (templateDir: a folder with report.yaml; absent: the built-in).
   */
  'report.create': method(
    z.object({
      caseId: S.CaseId,
      path: z.string().min(1).max(4096),
      format: z.enum(['html', 'pdf']).optional(),
      templateDir: z.string().min(1).max(4096).optional(),
      overwrite: z.boolean().default(false),
    }),
    S.ReportResult,
  ),
  /** The case's graph in another tool's format: GraphML, GEXF, CSV tables, Cytoscape.js JSON, TagPack, SVG or PNG. */
  'case.exportGraph': method(
    z.object({
      caseId: S.CaseId,
      format: S.GraphExportFormat,
      path: z.string().min(1).max(4096),
      scope: S.ExportScope.default({ kind: 'case' }),
      overwrite: z.boolean().default(false),
    }),
    S.GraphExportResult,
  ),

  /**
   * Attribution (issue 16). case.signature: the case's laundering steps, services and timing, read
   * from its saved traces. case.compare: every other case of the workspace (own and received)
   * ranked by similarity, each part explained, with the meetings of their traced funds.
   */
  'case.signature': method(CaseArg, A.CaseSignature),
  'case.compare': method(z.object({ caseId: S.CaseId, with: z.array(S.CaseId).max(1000).optional() }), A.Comparison),
  /** Draws a meeting point on the case's canvas: the address and, for each case, the addresses that brought its traced value there. */
  'case.addMeeting': method(
    z.object({ caseId: S.CaseId, otherCaseId: S.CaseId, chain: S.ChainId, address: S.AddressText }),
    z.object({ graph: S.Graph, added: z.array(S.NodeId), nodeId: S.NodeId }),
    true,
  ),
  /** The investigator's own attribution: per ground and overall, their words and confidence (never the tool's). */
  'attribution.get': method(CaseArg, z.array(A.AttributionEntry)),
  'attribution.set': method(
    z.object({ caseId: S.CaseId, ground: A.AttributionGround, text: z.string().max(20000).default(''), confidence: S.Confidence.nullable().default(null), cases: z.array(S.CaseId).max(1000).default([]) }),
    z.array(A.AttributionEntry),
    true,
  ),

  /**
   * Traces (issue 13). trace.start runs a trace as a job off the request path (poll trace.status,
   * stop with trace.cancel); with a caseId the result is saved in the case (audited), and the
   * case's confirmed cross-chain links and manual clusters take part.
   */
  'trace.start': method(z.object({ caseId: S.CaseId.optional(), name: z.string().trim().max(120).default(''), spec: T.TraceSpec }), z.object({ jobId: z.string() }), true),
  'trace.status': method(z.object({ jobId: z.string().max(100) }), T.TraceJob),
  'trace.cancel': method(z.object({ jobId: z.string().max(100) }), z.object({ cancelled: z.boolean() })),
  'trace.list': method(CaseArg, z.array(T.SavedTraceSummary)),
  'trace.get': method(z.object({ caseId: S.CaseId, traceId: z.number().int() }), T.SavedTrace),
  /** Runs a saved trace again on the store as it is now, saving the new result beside the old one. */
  'trace.rerun': method(z.object({ caseId: S.CaseId, traceId: z.number().int() }), z.object({ jobId: z.string() }), true),
  'trace.remove': method(z.object({ caseId: S.CaseId, traceId: z.number().int() }), z.object({ removed: z.boolean() }), true),
  /** Cross-chain links of a case: proposed candidates are computed, never stored until confirmed or rejected. */
  'links.list': method(CaseArg, z.array(T.CrossChainLink)),
  'links.propose': method(z.object({ caseId: S.CaseId, search: T.LinkSearch.prefault({}) }), z.object({ candidates: z.array(T.LinkCandidate) })),
  /** Adds a link: a confirmed candidate (its reasons become the evidence) or one made by hand. */
  'links.add': method(
    z.object({ caseId: S.CaseId, from: T.TransferRef, to: T.TransferRef, kind: T.LinkKind, status: T.LinkStatus.exclude(['proposed']).default('confirmed'), evidence: z.array(z.string().max(2000)).max(50).default([]), score: z.number().nullable().default(null), note: z.string().max(2000).default('') }),
    T.CrossChainLink,
    true,
  ),
  'links.setStatus': method(z.object({ caseId: S.CaseId, linkId: z.number().int(), status: T.LinkStatus.exclude(['proposed']) }), T.CrossChainLink, true),
  'links.remove': method(z.object({ caseId: S.CaseId, linkId: z.number().int() }), z.object({ removed: z.boolean() }), true),
  /** Paths between two sets of addresses within N hops, across chains through a case's confirmed links. */
  'paths.find': method(T.PathSearch.extend({ caseId: S.CaseId.optional() }), z.object({ paths: z.array(T.FoundPath) })),
  /** Indirect exposure: traced value from a subject reaching each label category within N hops. */
  'exposure.indirect': method(
    z.object({ chain: S.ChainId, address: S.AddressText, method: T.TaintMethod.default('haircut'), maxHops: z.number().int().min(1).max(10).default(3), direction: z.enum(['out']).default('out') }),
    z.object({ rows: z.array(T.IndirectExposureRow) }),
  ),

  'case.list': method(z.object({}), z.array(S.CaseSummary)),
  'case.create': method(z.object({ name: z.string().trim().min(1).max(120) }), S.CaseSummary, true),
  'case.rename': method(z.object({ caseId: S.CaseId, name: z.string().trim().min(1).max(120) }), S.CaseSummary, true),
  'case.addSeed': method(
    z.object({ caseId: S.CaseId, ...ChainAddress, role: S.SeedRole, note: z.string().max(2000).default('') }),
    S.Graph,
    true,
  ),
  /** Takes an address off the seed list (the node, if any, stays on the canvas); undoable. */
  'case.removeSeed': method(z.object({ caseId: S.CaseId, ...ChainAddress }), S.Graph, true),

  /** The case's graph; with a filter, its edges are summed from just the transfers the filter keeps. */
  'graph.get': method(z.object({ caseId: S.CaseId, filter: S.FlowFilter.optional() }), S.Graph),
  /** UTXO transactions between address nodes on the canvas, for the "Tx nodes" view. Read-only. */
  'graph.txFlows': method(
    z.object({ caseId: S.CaseId, limit: z.number().int().min(1).max(2000).default(500) }),
    S.TxFlows,
  ),
  'graph.addAddress': method(z.object({ caseId: S.CaseId, ...ChainAddress }), S.Graph, true),
  'graph.expand': method(
    /** filter: expand through just the transfers it keeps ("above 1 ETH after the theft"). */
    z.object({ caseId: S.CaseId, nodeId: S.NodeId, direction: S.Direction, limit: z.number().int().min(1).max(500).default(25), filter: S.FlowFilter.optional() }),
    S.Graph,
    true,
  ),
  'graph.setHidden': method(
    z.object({ caseId: S.CaseId, nodeIds: z.array(S.NodeId).min(1).max(10000), hidden: z.boolean() }),
    S.Graph,
    true,
  ),
  'graph.remove': method(z.object({ caseId: S.CaseId, nodeIds: z.array(S.NodeId).min(1).max(10000) }), S.Graph, true),
  'graph.move': method(
    z.object({
      caseId: S.CaseId,
      positions: z.array(z.object({ nodeId: S.NodeId, x: z.number().finite(), y: z.number().finite() })).min(1).max(20000),
    }),
    S.Graph,
    true,
  ),

  /**
   * Re-lays the case's visible nodes, or the given ones, as layers read left to right: by hop, or
   * by the time value first reached each address. One undoable step; positions persist.
   */
  'graph.layout': method(
    z.object({ caseId: S.CaseId, nodeIds: z.array(S.NodeId).max(20000).optional(), by: z.enum(['hop', 'time']).default('hop') }),
    S.Graph,
    true,
  ),

  /**
   * Draws the automatic cluster of an address node (nodeId n…), as the case sees it, as one
   * entity node (w…) in place of its members on the canvas: its edges sum theirs exactly per
   * counterpart and asset, flows between members are internal. Audited and undoable.
   */
  'entity.collapse': method(z.object({ caseId: S.CaseId, nodeId: S.NodeId }), S.Graph, true),
  /**
   * Draws an entity node's members again where they were. (graph.expand on an entity node lists
   * the counterparties of the whole wallet, every member in the store, paged like a hub's.)
   */
  'entity.expand': method(z.object({ caseId: S.CaseId, nodeId: S.NodeId }), S.Graph, true),

  'cluster.create': method(
    z.object({
      caseId: S.CaseId,
      nodeIds: z.array(S.NodeId).min(1).max(10000),
      name: z.string().trim().min(1).max(200),
      category: S.Category,
      color: S.Color,
      note: z.string().max(10000).default(''),
    }),
    S.Graph,
    true,
  ),
  'cluster.update': method(
    z.object({
      caseId: S.CaseId,
      clusterId: S.ClusterId,
      name: z.string().trim().min(1).max(200).optional(),
      category: S.Category.optional(),
      color: S.Color.optional(),
      note: z.string().max(10000).optional(),
    }),
    S.Graph,
    true,
  ),
  'cluster.ungroup': method(z.object({ caseId: S.CaseId, clusterId: S.ClusterId }), S.Graph, true),

  'tag.add': method(
    z.object({
      caseId: S.CaseId,
      target: S.TagTarget,
      label: z.string().trim().min(1).max(200),
      category: S.Category.nullable().default(null),
      confidence: S.Confidence.default(50),
      source: z.string().max(2000).default(''),
      note: z.string().max(10000).default(''),
    }),
    S.Graph,
    true,
  ),
  'tag.remove': method(z.object({ caseId: S.CaseId, tagId: z.number().int() }), S.Graph, true),

  'case.undo': method(CaseArg, S.Graph, true),
  'case.redo': method(CaseArg, S.Graph, true),
  'audit.list': method(z.object({ caseId: S.CaseId, ...Page }), z.object({ total: z.number().int(), items: z.array(S.AuditEntry) })),
  /** Replays the log, checks every hash and signature, compares the replay with the case's tables and with the head this workspace last saw. */
  'audit.verify': method(CaseArg, S.AuditVerdict),

  'keys.info': method(z.object({}), S.KeyInfo),
  /** Trust a colleague's key (its 64-hex public key), after comparing its fingerprint with them out of band. */
  'keys.trust': method(z.object({ publicKey: HexKey, name: z.string().trim().min(1).max(200) }), S.KeyInfo, true),
  /** Writes a signed bundle: the case, its whole log, the chain facts behind it and their provenance. */
  'case.export': method(
    z.object({ caseId: S.CaseId, path: z.string().min(1).max(4096), passphrase: Passphrase.optional(), overwrite: z.boolean().default(false) }),
    S.ExportResult,
  ),
  /** Checks a bundle (decryption, signature, every hash, the log replay) and keeps nothing. */
  'bundle.inspect': method(z.object({ path: z.string().min(1).max(4096), passphrase: Passphrase.optional() }), S.BundleReport),
  /**
   * Checks a bundle again and, if every check passes, adds its case to this workspace, read-only
   * and marked as received. trustFingerprint: the sender's fingerprint, when the investigator has
   * compared it with the sender and wants their key trusted from now on.
   */
  'bundle.import': method(
    z.object({ path: z.string().min(1).max(4096), passphrase: Passphrase.optional(), trustFingerprint: z.string().max(200).optional() }),
    S.CaseSummary,
    true,
  ),
  /** Makes a received case editable here; the hand-over is appended to its log. */
  'case.continue': method(CaseArg, S.CaseSummary, true),
  /**
   * Brings a received case's evidence into this workspace's store as dataset(s) whose provenance
   * names the bundle; facts the store holds with other values are kept and reported as conflicts.
   */
  'case.mergeEvidence': method(
    CaseArg,
    z.object({ datasets: z.array(z.number().int()), added: z.record(z.string(), z.number().int()), conflicts: z.array(z.string()) }),
    true,
  ),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
/** What a caller passes: defaults may be omitted. */
export type ArgsIn<M extends MethodName> = z.input<Api[M]['args']>;
/** What a handler receives: validated, defaults filled in. */
export type Args<M extends MethodName> = z.output<Api[M]['args']>;
export type Result<M extends MethodName> = z.output<Api[M]['result']>;

export const METHOD_NAMES = Object.keys(api) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}

/** The renderer's view: every method as an async function. */
export type Client = { [M in MethodName]: (args: ArgsIn<M>) => Promise<Result<M>> };

/** The back end's view: every method implemented; a missing one is a compile error. */
export type Handlers<Ctx> = { [M in MethodName]: (args: Args<M>, ctx: Ctx) => Result<M> | Promise<Result<M>> };

/** Events pushed from the back end to the renderer. */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: S.JobState }),
  z.object({ type: z.literal('store.changed') }),
  /** The back end now serves another workspace (the sample, or back): everything shown is stale. */
  z.object({ type: z.literal('workspace.changed'), workspace: z.string() }),
]);
export type AppEvent = z.infer<typeof AppEvent>;

/** Errors cross the boundary as data, never as stack traces. */
export const ERROR_KINDS = ['invalid_argument', 'not_found', 'conflict', 'bad_input', 'store', 'forbidden', 'cancelled', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export const ApiErrorShape = z.object({ kind: z.enum(ERROR_KINDS), message: z.string(), detail: z.unknown().optional() });
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toShape(): ApiErrorShape {
    return this.detail === undefined ? { kind: this.kind, message: this.message } : { kind: this.kind, message: this.message, detail: this.detail };
  }
}

/** Builds a typed client over any transport that carries (method, args) and returns an envelope. */
export function createClient(send: (method: MethodName, args: unknown) => Promise<Envelope<unknown>>): Client {
  const client = {} as Record<MethodName, (args: unknown) => Promise<unknown>>;
  for (const name of METHOD_NAMES) {
    client[name] = async (args: unknown) => {
      const envelope = await send(name, args ?? {});
      if (envelope.ok) return envelope.result;
      throw new ApiError(envelope.error.kind, envelope.error.message, envelope.error.detail);
    };
  }
  return client as unknown as Client;
}
