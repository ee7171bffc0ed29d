/**
 * What a graph export holds (issue 15), gathered once for every format (GraphML, GEXF, CSV,
 * Cytoscape.js JSON): the case's visible nodes with their case and workspace labels, the edges
 * between them with every transfer each edge sums, and the endpoints of the case's traces.
 * Addresses are CAIP-10 ids; amounts stay decimal strings in base units beside their asset, with
 * a human-readable decimal next to them, and never pass through a JS number.
 */
import { caip10, shortAddress } from '../../../shared/codec/address';
import type { AddressNode, Asset, EntityNode, FlowFilter, Graph, GraphCluster, GraphEdge, Tag } from '../../../shared/api/schemas';
import type { SavedTrace, TraceEndpoint } from '../../../shared/api/traceSchemas';
import { formatUnits } from '../../../shared/model/amount';
import { resolveChain } from '../../../shared/model/chains';
import type { CaseFile } from '../cases/caseFiles';
import { transfersOfEdge } from '../cases/edgeTransfers';
import type { Db } from '../store/openStore';

/** An asset as exports write it: `ref` is "native" or the token contract, as edge.transfers takes it. */
export interface ExportAsset {
  readonly ref: string;
  /** CAIP-2 chain id. */
  readonly chain: string;
  /** Token contract, or null for the chain's native asset. */
  readonly contract: string | null;
  readonly symbol: string | null;
  readonly decimals: number | null;
}

/** A tag the investigators put in the case; `on` names what it is on (a CAIP-10 id, or a cluster id such as c3). */
export interface ExportTag {
  readonly label: string;
  readonly category: string | null;
  readonly confidence: number;
  readonly source: string;
  readonly on: string;
}

/** The case's manual cluster a node is in. */
export interface ExportCluster {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly color: string;
  readonly tags: readonly ExportTag[];
}

/** The best label from the workspace's label sets (an entity: the best of any member, `on` that member's display form). */
export interface ExportLabel {
  readonly label: string;
  readonly category: string | null;
  readonly source: string | null;
  /** Title of the label set it comes from; null for an entity's wallet label. */
  readonly set: string | null;
  readonly on: string | null;
}

export interface ExportNode {
  /** The case graph's node id (n12: an address, w3: an automatic cluster drawn as one entity). */
  readonly id: string;
  readonly kind: 'address' | 'entity';
  /** CAIP-2 chain id and the chain's name. */
  readonly chain: string;
  readonly chainName: string;
  /** Canonical address (an entity: the member it was collapsed from). */
  readonly address: string;
  readonly caip10: string;
  /** The address as explorers show it (EVM: checksummed). */
  readonly display: string;
  /** What another tool shows as the node's name: the best label and the short address. */
  readonly name: string;
  /** Seed role; an entity: its drawn members' distinct roles, joined with ", ". */
  readonly role: string | null;
  readonly cluster: ExportCluster | null;
  /** Tags on the address (an entity: on its drawn members). */
  readonly tags: readonly ExportTag[];
  readonly label: ExportLabel | null;
  readonly sanctioned: boolean;
  /** Automatic cluster (wallet, inferred) and its size, when it holds other addresses too. */
  readonly wallet: { readonly id: string; readonly size: number } | null;
  /** An entity's drawn members as CAIP-10 ids; empty for an address. */
  readonly members: readonly string[];
  /** An entity: addresses in the whole automatic cluster; null for an address. */
  readonly size: number | null;
  /** Canvas position (x right, y down). */
  readonly x: number;
  readonly y: number;
}

export interface ExportEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** CAIP-10 of each end (an entity: its anchor member's; its transfers name the member). */
  readonly sourceCaip10: string;
  readonly targetCaip10: string;
  readonly chain: string;
  readonly asset: ExportAsset;
  /** Exact total in base units, and the same in whole units (null when the asset's decimals are unknown). */
  readonly amount: string;
  readonly amountDecimal: string | null;
  readonly count: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  /** all: every transfer the edge sums is in ExportData.transfers; some or none: transfersNote says why not. */
  readonly transfersListed: 'all' | 'some' | 'none';
  readonly transfersNote: string | null;
  /** How many of its transfers are listed. */
  readonly listedTransfers: number;
}

export interface ExportTransfer {
  readonly edgeId: string;
  readonly chain: string;
  readonly from: string;
  readonly to: string;
  readonly txHash: string;
  readonly block: number | null;
  readonly time: number | null;
  readonly asset: ExportAsset;
  readonly amount: string;
  readonly amountDecimal: string | null;
  readonly kind: string;
  readonly status: string;
  /** An ERC-721 transfer's token id, in decimal. */
  readonly tokenId: string | null;
}

export interface ExportEndpoint {
  readonly traceId: number;
  readonly traceName: string;
  readonly method: string;
  /** True: where the value ends (endpoints); false: still moving when the trace stopped (unresolved). */
  readonly resolved: boolean;
  readonly reason: string;
  readonly stopRule: string | null;
  readonly chain: string;
  readonly address: string | null;
  readonly caip10: string | null;
  readonly display: string | null;
  /** The exported node at this address (an entity when a member is), or null when it is not on the canvas. */
  readonly nodeId: string | null;
  readonly label: string | null;
  readonly category: string | null;
  readonly asset: ExportAsset;
  readonly amount: string;
  readonly amountDecimal: string | null;
  /** A ratio, not money: amount ÷ the value of this asset that entered the trace. */
  readonly share: number;
  readonly hops: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly linkedOut: string;
  readonly path: readonly string[];
}

export interface ExportTraceInfo {
  readonly id: number;
  readonly name: string;
  readonly method: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ExportData {
  readonly format: 'cairn-graph-export/1';
  readonly case: { readonly id: string; readonly name: string };
  readonly generator: { readonly name: 'Cairn'; readonly version: string; readonly generatedAt: string };
  /** The flow filter the edges were summed with; null: every transfer counts. */
  readonly filter: FlowFilter | null;
  readonly nodes: readonly ExportNode[];
  readonly edges: readonly ExportEdge[];
  readonly transfers: readonly ExportTransfer[];
  readonly endpoints: readonly ExportEndpoint[];
  readonly traces: readonly ExportTraceInfo[];
  /** What the graph holds that the export leaves out: "+K more" paging placeholders, hidden nodes, edges touching a hidden node. */
  readonly leftOut: { readonly placeholders: number; readonly hiddenNodes: number; readonly edges: number };
}

export interface CollectOptions {
  /** Transfers fetched per page (edge.transfers takes at most 1000). */
  readonly pageSize?: number;
}

/** Most transfers edge.transfers gives in one page. */
const MAX_PAGE = 1000;

export function exportAsset(a: Asset): ExportAsset {
  return { ref: a.contract ?? 'native', chain: a.chain, contract: a.contract, symbol: a.symbol, decimals: a.decimals };
}

/** Whole units, exactly; null when the asset's decimals are unknown (the base units stand alone). */
export function decimalOf(amount: string, decimals: number | null): string | null {
  return decimals === null ? null : formatUnits(BigInt(amount), decimals);
}

function toTag(t: Tag, on: string): ExportTag {
  return { label: t.label, category: t.category, confidence: t.confidence, source: t.source, on };
}

function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

/** The node name tools show: "Label (0x1B63…62ca)", or the short address alone. */
function nameOf(label: string | null, short: string): string {
  return label ? `${label} (${short})` : short;
}

function addressNode(n: AddressNode, clusters: ReadonlyMap<string, GraphCluster>): ExportNode {
  const id = caip10(n.chain, n.address);
  const cl = n.clusterId === null ? undefined : clusters.get(n.clusterId);
  const best = n.labels?.[0];
  const tags = n.tags.map((t) => toTag(t, id));
  return {
    id: n.id,
    kind: 'address',
    chain: n.chain,
    chainName: chainName(n.chain),
    address: n.address,
    caip10: id,
    display: n.display,
    name: nameOf(best?.label ?? tags[0]?.label ?? cl?.name ?? null, n.short),
    role: n.role,
    cluster: cl ? { id: cl.id, name: cl.name, category: cl.category, color: cl.color, tags: cl.tags.map((t) => toTag(t, cl.id)) } : null,
    tags,
    label: best ? { label: best.label, category: best.category, source: best.source, set: best.set.title, on: null } : null,
    sanctioned: n.sanctioned ?? false,
    wallet: n.wallet ? { id: n.wallet.cluster, size: n.wallet.size } : null,
    members: [],
    size: null,
    x: n.x,
    y: n.y,
  };
}

/** Tags the case holds on an entity's drawn members (the graph draws the entity, not them). */
function memberTags(c: CaseFile, n: EntityNode): ExportTag[] {
  const q = c.db.prepare('SELECT label, category, confidence, source FROM tag WHERE cluster_id IS NULL AND chain = ? AND addr = ? ORDER BY id');
  return n.members.flatMap((m) =>
    (q.all(n.chain, m.address) as { label: string; category: string | null; confidence: number; source: string }[]).map((t) => ({ ...t, on: caip10(n.chain, m.address) })),
  );
}

function entityNode(c: CaseFile, n: EntityNode): ExportNode {
  const roles = [...new Set(n.members.flatMap((m) => (m.role ? [m.role] : [])))];
  const tags = memberTags(c, n);
  return {
    id: n.id,
    kind: 'entity',
    chain: n.chain,
    chainName: chainName(n.chain),
    address: n.anchor,
    caip10: caip10(n.chain, n.anchor),
    display: n.anchorDisplay,
    name: nameOf(n.label?.label ?? tags[0]?.label ?? null, `wallet of ${n.size} addresses, ${shortAddress(n.anchorDisplay)}`),
    role: roles.length ? roles.join(', ') : null,
    cluster: null,
    tags,
    label: n.label ? { label: n.label.label, category: n.label.category, source: null, set: null, on: n.label.address } : null,
    sanctioned: n.label?.sanctioned ?? false,
    wallet: { id: n.cluster, size: n.size },
    members: n.members.map((m) => caip10(n.chain, m.address)),
    size: n.size,
    x: n.x,
    y: n.y,
  };
}

/** Every transfer behind source → target in one asset, page by page (the page size is bounded). */
function allTransfers(facts: Db, c: CaseFile, source: string, target: string, ref: string, filter: FlowFilter | undefined, pageSize: number) {
  const items = [];
  let total = 0;
  let sum = 0n;
  for (let offset = 0; ; ) {
    const page = transfersOfEdge(facts, c, source, target, ref, offset, pageSize, filter);
    items.push(...page.items);
    total = page.total;
    sum = BigInt(page.sum);
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) break;
  }
  return { items, total, sum };
}

/**
 * The transfers an edge sums. An address-to-address edge lists them all; an entity's edge lists
 * those of each part (member edge) whose two ends are address nodes in the case, and says which
 * parts it cannot list: a member that is not on the canvas has no node to ask edge.transfers with.
 */
function edgeTransfers(facts: Db, c: CaseFile, e: GraphEdge, filter: FlowFilter | undefined, pageSize: number, written: ReadonlyMap<string, ExportNode>) {
  const asset = exportAsset(e.asset);
  const parts = e.parts ?? [{ from: written.get(e.source)!.address, to: written.get(e.target)!.address, source: e.source, target: e.target, total: e.total, count: e.count }];
  const out: ExportTransfer[] = [];
  const unlisted: string[] = [];
  const mismatched: string[] = [];
  for (const p of parts) {
    const from = caip10(e.asset.chain, p.from);
    const to = caip10(e.asset.chain, p.to);
    if (p.source === null || p.target === null) {
      unlisted.push(`${p.from} → ${p.to}`);
      continue;
    }
    const got = allTransfers(facts, c, p.source, p.target, asset.ref, filter, pageSize);
    if (got.items.length !== got.total || got.sum !== BigInt(p.total)) mismatched.push(`${p.from} → ${p.to}: ${got.items.length} of ${got.total} transfers summing to ${got.sum}, the edge says ${p.total}`);
    for (const t of got.items) {
      out.push({
        edgeId: e.id,
        chain: e.asset.chain,
        from,
        to,
        txHash: t.txHash,
        block: t.block,
        time: t.time,
        asset,
        amount: t.value,
        amountDecimal: decimalOf(t.value, asset.decimals),
        kind: t.kind,
        status: t.status,
        tokenId: t.tokenId,
      });
    }
  }
  const notes: string[] = [];
  if (unlisted.length) notes.push(`not listed for ${unlisted.length} of ${parts.length} member edges whose member is not on the canvas (${unlisted.join('; ')})`);
  if (mismatched.length) notes.push(`the store no longer matches the graph (${mismatched.join('; ')})`);
  const listed: ExportEdge['transfersListed'] = unlisted.length === 0 && mismatched.length === 0 ? 'all' : unlisted.length === parts.length ? 'none' : 'some';
  return { transfers: out, listed, note: notes.length ? notes.join('; ') : null };
}

function endpointOf(t: SavedTrace, e: TraceEndpoint, resolved: boolean, nodeAt: ReadonlyMap<string, string>): ExportEndpoint {
  const asset = exportAsset(e.asset);
  const id = e.address === null ? null : caip10(e.chain, e.address);
  return {
    traceId: t.id,
    traceName: t.name,
    method: t.result.method,
    resolved,
    reason: e.reason,
    stopRule: e.stopRule,
    chain: e.chain,
    address: e.address,
    caip10: id,
    display: e.display,
    nodeId: id === null ? null : (nodeAt.get(id) ?? null),
    label: e.label,
    category: e.category,
    asset,
    amount: e.amount,
    amountDecimal: decimalOf(e.amount, asset.decimals),
    share: e.share,
    hops: e.hops,
    firstTime: e.firstTime,
    lastTime: e.lastTime,
    linkedOut: e.linkedOut,
    path: e.path,
  };
}

/**
 * Gathers what every graph export writes. `graph` is the case graph as graph.get gives it (with
 * workspace labels; its filter, if any, is the one the edges were summed with and the transfers
 * are listed through); `facts` the store the case is drawn from; `traces` the case's saved traces.
 * Hidden nodes and "+K more" paging placeholders are left out, and edges touching them with them.
 */
export function collectExportData(
  facts: Db,
  c: CaseFile,
  graph: Graph,
  traces: readonly SavedTrace[],
  meta: { version: string; generatedAt: string },
  options: CollectOptions = {},
): ExportData {
  const pageSize = Math.min(MAX_PAGE, Math.max(1, Math.floor(options.pageSize ?? MAX_PAGE)));
  const clusters = new Map(graph.clusters.map((cl) => [cl.id, cl]));
  const nodes: ExportNode[] = [];
  let placeholders = 0;
  let hiddenNodes = 0;
  for (const n of graph.nodes) {
    if (n.kind === 'more') placeholders++;
    else if (n.hidden) hiddenNodes++;
    else nodes.push(n.kind === 'address' ? addressNode(n, clusters) : entityNode(c, n));
  }
  const written = new Map(nodes.map((n) => [n.id, n]));
  const edges: ExportEdge[] = [];
  const transfers: ExportTransfer[] = [];
  let edgesLeftOut = 0;
  for (const e of graph.edges) {
    const source = written.get(e.source);
    const target = written.get(e.target);
    if (!source || !target) {
      edgesLeftOut++;
      continue;
    }
    const listed = edgeTransfers(facts, c, e, graph.filter, pageSize, written);
    transfers.push(...listed.transfers);
    const asset = exportAsset(e.asset);
    edges.push({
      id: e.id,
      source: e.source,
      target: e.target,
      sourceCaip10: source.caip10,
      targetCaip10: target.caip10,
      chain: e.asset.chain,
      asset,
      amount: e.total,
      amountDecimal: decimalOf(e.total, asset.decimals),
      count: e.count,
      firstTime: e.firstTime,
      lastTime: e.lastTime,
      transfersListed: listed.listed,
      transfersNote: listed.note,
      listedTransfers: listed.transfers.length,
    });
  }
  // Endpoints point at the node drawn for their address: the address node, or the entity it is in.
  const nodeAt = new Map<string, string>();
  for (const n of nodes) {
    nodeAt.set(n.caip10, n.id);
    for (const m of n.members) nodeAt.set(m, n.id);
  }
  const endpoints = traces.flatMap((t) => [
    ...t.result.endpoints.map((e) => endpointOf(t, e, true, nodeAt)),
    ...t.result.unresolved.map((e) => endpointOf(t, e, false, nodeAt)),
  ]);
  return {
    format: 'cairn-graph-export/1',
    case: { id: c.id, name: c.name() },
    generator: { name: 'Cairn', version: meta.version, generatedAt: meta.generatedAt },
    filter: graph.filter ?? null,
    nodes,
    edges,
    transfers,
    endpoints,
    traces: traces.map((t) => ({ id: t.id, name: t.name, method: t.result.method, createdAt: t.createdAt, createdBy: t.createdBy })),
    leftOut: { placeholders, hiddenNodes, edges: edgesLeftOut },
  };
}
