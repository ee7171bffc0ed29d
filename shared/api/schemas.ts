/**
 * Runtime schemas for values that cross the API boundary. Types are derived from them,
 * so the wire format and the TypeScript types cannot drift apart.
 * Amounts travel as decimal strings in base units (JSON has no bigint).
 */
import { z } from 'zod';

export const BaseUnits = z.string().regex(/^(0|[1-9][0-9]*)$/, 'an integer in base units, as a decimal string');
export const ChainId = z.string().min(3).max(80);
export const AddressText = z.string().trim().min(1).max(200);
export const CaseId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a case id (lower-case letters, digits and dashes)');
/** n: an address node, m: a "+K more" node, w: an automatic cluster drawn as one entity node. */
export const NodeId = z.string().regex(/^[nmw][0-9]{1,12}$/, 'a node id such as n12');
export const ClusterId = z.string().regex(/^c[0-9]{1,12}$/, 'a cluster id such as c3');
export const Direction = z.enum(['in', 'out', 'both']);
export const Confidence = z.number().int().min(0).max(100);
/** Unix time in seconds, or null where the source did not say. */
export const Time = z.number().int().nullable();

export const SEED_ROLES = ['victim', 'suspect', 'service', 'other'] as const;
export const SeedRole = z.enum(SEED_ROLES);

/** Categories follow the GraphSense concept taxonomy so that tags travel to and from TagPacks. */
export const CATEGORIES = [
  'exchange', 'mixing_service', 'bridge', 'defi', 'wallet_service', 'market', 'gambling', 'miner',
  'user', 'perpetrator', 'victim', 'scam', 'sanction', 'other',
] as const;
export const Category = z.enum(CATEGORIES);
export const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #d94f4f');

export const Asset = z.object({
  id: z.number().int(),
  chain: ChainId,
  /** Token contract in canonical form, or null for the chain's native asset. */
  contract: z.string().nullable(),
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
});
export type Asset = z.infer<typeof Asset>;

export const ChainSummary = z.object({
  id: ChainId,
  name: z.string(),
  family: z.enum(['evm', 'tron', 'utxo']),
  nativeSymbol: z.string(),
  nativeDecimals: z.number().int(),
  aliases: z.array(z.string()),
});

export const DatasetSource = z.object({
  name: z.string(),
  path: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  kind: z.string(),
  rows: z.number().int(),
});

export const Dataset = z.object({
  id: z.number().int(),
  format: z.string(),
  parserVersion: z.string(),
  chain: ChainId,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  sources: z.array(DatasetSource),
  /** Rows read per table kind, and new facts added (a re-import adds 0). */
  rowCounts: z.record(z.string(), z.number().int()),
  added: z.record(z.string(), z.number().int()),
  /**
   * Set when the dataset is one address's history as a block explorer exported it (Etherscan-
   * family CSV): it shows what touched that address, not everything of those blocks.
   */
  partialOf: z.string().nullable(),
  /**
   * Facts (transactions, transfers, blocks) about which this dataset disagrees with an earlier
   * source or an earlier row of its own; the store kept the first value (conflicts.list lists them).
   */
  conflicts: z.number().int(),
});
export type Dataset = z.infer<typeof Dataset>;

export const ChainStats = z.object({
  chain: ChainId,
  blocks: z.number().int(),
  transactions: z.number().int(),
  transfers: z.number().int(),
  addresses: z.number().int(),
});

export const StoreStats = z.object({ chains: z.array(ChainStats), datasets: z.array(Dataset) });

export const AssetTotal = z.object({
  asset: Asset,
  received: BaseUnits,
  sent: BaseUnits,
  receivedCount: z.number().int(),
  sentCount: z.number().int(),
});

export const Tag = z.object({
  id: z.number().int(),
  label: z.string(),
  category: Category.nullable(),
  confidence: Confidence,
  source: z.string(),
  note: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Tag = z.infer<typeof Tag>;

export const AddressSummary = z.object({
  chain: ChainId,
  address: z.string(),
  display: z.string(),
  known: z.boolean(),
  totals: z.array(AssetTotal),
  firstSeen: Time,
  lastSeen: Time,
});
export type AddressSummary = z.infer<typeof AddressSummary>;

export const TransferRow = z.object({
  txHash: z.string(),
  block: z.number().int().nullable(),
  time: Time,
  direction: z.enum(['in', 'out', 'self']),
  counterparty: z.string().nullable(),
  counterpartyDisplay: z.string().nullable(),
  /** The counterparty's best label from the label sets, when it has one. */
  counterpartyLabel: z.lazy(() => CounterpartyLabel).nullable().optional(),
  asset: Asset,
  value: BaseUnits,
  kind: z.enum(['native', 'token', 'internal', 'utxo']),
  status: z.enum(['success', 'failed', 'unknown']),
});

export const TransferPage = z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(TransferRow) });

/** One transfer behind an edge: from its source to its target, in its asset. */
export const EdgeTransferRow = z.object({
  txHash: z.string(),
  block: z.number().int().nullable(),
  time: Time,
  value: BaseUnits,
  kind: z.enum(['native', 'token', 'internal', 'utxo']),
  status: z.enum(['success', 'failed', 'unknown']),
  /** An ERC-721 transfer's token id, in decimal (its value is then 1); null for fungible transfers. */
  tokenId: z.string().nullable(),
});
export type EdgeTransferRow = z.infer<typeof EdgeTransferRow>;

/**
 * A page of the transfers an edge sums, oldest first. total and sum cover every page: sum is
 * added up from the transfers themselves, so it equals the edge's total exactly.
 */
export const EdgeTransferPage = z.object({
  chain: ChainId,
  from: z.string(),
  to: z.string(),
  asset: Asset,
  total: z.number().int(),
  sum: BaseUnits,
  firstTime: Time,
  lastTime: Time,
  /** Failed transfers between the two in this asset: they moved nothing and the edge leaves them out. */
  failed: z.number().int(),
  offset: z.number().int(),
  items: z.array(EdgeTransferRow),
});
export type EdgeTransferPage = z.infer<typeof EdgeTransferPage>;

export const TxTransfer = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  asset: z.string(),
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
  value: BaseUnits,
  kind: z.enum(['native', 'token', 'internal', 'utxo']),
  /** The transfer's own outcome: an internal transfer in a reverted call failed even when its tx did not. */
  status: z.enum(['success', 'failed', 'unknown']),
  /** An ERC-721 transfer's token id, in decimal (its value is then 1); null for fungible transfers. */
  tokenId: z.string().nullable(),
});

/** UTXO chains: what each input spends (value and address unknown, null, until that output is imported). */
export const TxInput = z.object({
  address: z.string().nullable(),
  value: BaseUnits.nullable(),
  spends: z.object({ txid: z.string(), n: z.number().int() }).nullable(),
  /** true: the address was derived from the input script, the output it spends not being in the store (its value is unknown). Absent otherwise. */
  derived: z.boolean().optional(),
});

export const TxOutput = z.object({
  n: z.number().int(),
  address: z.string().nullable(),
  type: z.string(),
  value: BaseUnits,
  spentBy: z.object({ txid: z.string(), n: z.number().int() }).nullable(),
});

/**
 * A value of a transaction (or of one of its transfers) that two sources give differently: the
 * store kept `stored`, which `storedDataset` brought first; `otherDataset` said `other` (read at
 * `source`, a file and line, when known). Values are text: amounts in base units, addresses and
 * hashes as the store spells them, status "success" or "failed", times in unix seconds.
 */
export const TxConflict = z.object({
  /** null: the transaction itself; else the transfer of the transaction that the sources disagree about. */
  transfer: z.object({ kind: z.enum(['native', 'token', 'internal']), pos: z.string() }).nullable(),
  field: z.string(),
  stored: z.string(),
  storedDataset: z.number().int(),
  other: z.string(),
  otherDataset: z.number().int(),
  source: z.string().nullable(),
  /** The unit of a value (base units of the transfer's asset, or of the native coin), when the store knows it. */
  unit: z.object({ symbol: z.string().nullable(), decimals: z.number().int().nullable() }).nullable(),
});
export type TxConflict = z.infer<typeof TxConflict>;

export const TxDetail = z.object({
  chain: ChainId,
  hash: z.string(),
  block: z.number().int().nullable(),
  time: Time,
  status: z.enum(['success', 'failed', 'unknown']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  transfers: z.array(TxTransfer),
  /** UTXO chains only. */
  fee: BaseUnits.nullable().optional(),
  coinbase: z.boolean().optional(),
  inputs: z.array(TxInput).optional(),
  outputs: z.array(TxOutput).optional(),
  /** A UTXO tx shaped like a CoinJoin: the rule that matched, its equal outputs' value and count, one sentence. */
  coinjoin: z
    .object({ rule: z.enum(['whirlpool', 'wasabi', 'joinmarket', 'equal-outputs']), denomination: BaseUnits, equalOutputs: z.number().int(), detail: z.string() })
    .nullable()
    .optional(),
  /** Where sources disagree about this transaction or its transfers; the stored values above are the first source's. */
  conflicts: z.array(TxConflict),
});

/** The best label of a counterparty, as tables show it beside the address. */
export const CounterpartyLabel = z.object({ label: z.string(), category: z.string().nullable(), sanctioned: z.boolean(), count: z.number().int() });
export type CounterpartyLabel = z.infer<typeof CounterpartyLabel>;

export const Neighbor = z.object({
  address: z.string(),
  display: z.string(),
  /** Its best label from the label sets, when it has one. */
  label: CounterpartyLabel.nullable().optional(),
  direction: z.enum(['in', 'out', 'both']),
  assets: z.array(
    z.object({
      asset: Asset,
      received: BaseUnits,
      sent: BaseUnits,
      count: z.number().int(),
      firstTime: Time,
      lastTime: Time,
    }),
  ),
  count: z.number().int(),
  firstTime: Time,
  lastTime: Time,
});
export type Neighbor = z.infer<typeof Neighbor>;

export const NeighborPage = z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(Neighbor) });

export const CaseSummary = z.object({
  id: CaseId,
  name: z.string(),
  createdAt: z.string(),
  modifiedAt: z.string(),
  nodes: z.number().int(),
  seeds: z.number().int(),
  /**
   * own: created or continued in this workspace. received: opened from a bundle, read-only until
   * continued. foreign: a file put in cases/ by hand, read-only. broken: refused (see problem).
   */
  origin: z.enum(['own', 'received', 'foreign', 'broken']),
  readOnly: z.boolean(),
  /** Who handed the case over, for a received case (also after it is continued). */
  received: z
    .object({ from: z.string(), fingerprint: z.string(), at: z.string(), bundleSha256: z.string(), evidenceMerged: z.boolean() })
    .nullable(),
  /** Why the file cannot be opened (origin "broken"), naming the file. */
  problem: z.string().nullable(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const Seed = z.object({
  chain: ChainId,
  address: z.string(),
  display: z.string(),
  role: SeedRole,
  note: z.string(),
  nodeId: NodeId.nullable(),
});

export const AddressNode = z.object({
  kind: z.literal('address'),
  id: NodeId,
  chain: ChainId,
  address: z.string(),
  display: z.string(),
  short: z.string(),
  x: z.number(),
  y: z.number(),
  hidden: z.boolean(),
  clusterId: ClusterId.nullable(),
  role: SeedRole.nullable(),
  /** False when the store holds no transfer for the address (yet). */
  known: z.boolean(),
  tags: z.array(Tag),
  /** Labels from the workspace's label sets, the most confident first (at most 5; label.show lists all). */
  labels: z.array(z.lazy(() => Label)).optional(),
  /** How many labels the address has in all. */
  labelCount: z.number().int().optional(),
  /** Some label set lists it as sanctioned (abuse "sanction"). */
  sanctioned: z.boolean().optional(),
  /** Its automatic cluster as the case sees it, when that holds other addresses too. */
  wallet: z.lazy(() => NodeWallet).optional(),
});

/** The most confident label of any member of an automatic cluster, and the member it is on (display form). */
export const WalletLabel = z.object({ label: z.string(), category: z.string().nullable(), sanctioned: z.boolean(), address: z.string() });
export type WalletLabel = z.infer<typeof WalletLabel>;

/** An address's automatic cluster (a wallet, as inferred) on the canvas. */
export const NodeWallet = z.object({
  /** "e" + the root address's store id, as clusters.show names it: nodes with one id are in one wallet. */
  cluster: z.string(),
  size: z.number().int(),
  /** The best label of any member; null when no member has one, or when labelChecked is false. */
  label: WalletLabel.nullable(),
  /** False when the cluster is too large to look through while drawing the graph; clusters.show looks through all of it. */
  labelChecked: z.boolean(),
});
export type NodeWallet = z.infer<typeof NodeWallet>;

/**
 * An automatic cluster drawn collapsed (entity.collapse): one node in place of its members on the
 * canvas. Its edges sum, exactly per counterpart and asset, the edges of every member of the
 * wallet (on the canvas or not) with the addresses on the canvas; flows between two members are
 * internal: not drawn, summed in `internal`. entity.expand draws the members again where they were.
 */
export const EntityNode = z.object({
  kind: z.literal('entity'),
  id: NodeId,
  chain: ChainId,
  /** The member it was collapsed from, canonical and display form: it names the wallet in the case file. */
  anchor: z.string(),
  anchorDisplay: z.string(),
  cluster: z.string(),
  /** Addresses in the whole cluster, on the canvas or not. */
  size: z.number().int(),
  label: WalletLabel.nullable(),
  labelChecked: z.boolean(),
  /** The address nodes it stands for, in node order. */
  members: z.array(z.object({ nodeId: NodeId, address: z.string(), display: z.string(), short: z.string(), role: SeedRole.nullable() })),
  /** Value that moved between two members, per asset: not drawn as edges. */
  internal: z.array(z.object({ asset: Asset, total: BaseUnits, count: z.number().int() })),
  /**
   * True: edges and internal flows count every member of the wallet. False: the wallet is too
   * large to read while drawing (entityView.ts ENTITY_EDGE_MEMBERS), so they count the members
   * drawn in it only.
   */
  wholeWallet: z.boolean(),
  x: z.number(),
  y: z.number(),
  hidden: z.boolean(),
});
export type EntityNode = z.infer<typeof EntityNode>;

export const MoreNode = z.object({
  kind: z.literal('more'),
  id: NodeId,
  /** The address node (or entity node: the whole wallet's) whose counterparties this pages through. */
  parentId: NodeId,
  direction: Direction,
  offset: z.number().int(),
  remaining: z.number().int(),
  x: z.number(),
  y: z.number(),
  hidden: z.boolean(),
});

export const GraphNode = z.discriminatedUnion('kind', [AddressNode, MoreNode, EntityNode]);
export type GraphNode = z.infer<typeof GraphNode>;
export type AddressNode = z.infer<typeof AddressNode>;
export type MoreNode = z.infer<typeof MoreNode>;

export const GraphEdge = z.object({
  id: z.string(),
  source: NodeId,
  target: NodeId,
  asset: Asset,
  total: BaseUnits,
  count: z.number().int(),
  firstTime: Time,
  lastTime: Time,
  /**
   * An edge to or from an entity node: the address-to-address edges it sums, whose totals and
   * counts add up to this edge's exactly. source and target: the ends' address nodes (which
   * edge.transfers takes) where the case has them; null for a member of the wallet that is not on
   * the canvas.
   */
  parts: z
    .array(z.object({ from: z.string(), to: z.string(), source: NodeId.nullable(), target: NodeId.nullable(), total: BaseUnits, count: z.number().int() }))
    .optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphCluster = z.object({
  id: ClusterId,
  name: z.string(),
  category: Category,
  color: Color,
  note: z.string(),
  tags: z.array(Tag),
  members: z.number().int(),
});
export type GraphCluster = z.infer<typeof GraphCluster>;

/**
 * A link between two address nodes that no transfer makes: "same-key" joins one address on
 * two account chains (the same 20-byte key hash on Ethereum, BSC, Polygon… or Tron), which one
 * private key controls: a strong cross-chain hint, drawn dashed.
 */
export const GraphLink = z.object({
  id: z.string(),
  source: NodeId,
  target: NodeId,
  kind: z.literal('same-key'),
  /** Why, in words the investigator can quote. */
  why: z.string(),
});
export type GraphLink = z.infer<typeof GraphLink>;

/**
 * Which way money moves relative to the case's seeds: `downstream` keeps the flows on a path
 * leaving a seed (where the money went), `upstream` those on a path into a seed (where it came
 * from). Absent: both ways.
 */
export const FlowDirection = z.enum(['downstream', 'upstream']);
export type FlowDirection = z.infer<typeof FlowDirection>;

/**
 * Which value flows to count: a time window (unix seconds, inclusive), one asset (its id in the
 * facts the case is drawn from, as edges name it), a least amount per transfer of that asset,
 * and a direction relative to the seeds.
 */
export const FlowFilter = z
  .object({
    from: z.number().int().nullable().default(null),
    to: z.number().int().nullable().default(null),
    assetId: z.number().int().nullable().default(null),
    minAmount: BaseUnits.nullable().default(null),
    direction: FlowDirection.optional(),
  })
  .refine((f) => f.minAmount === null || f.assetId !== null, { message: 'a least amount needs its asset', path: ['minAmount'] })
  .refine((f) => f.from === null || f.to === null || f.from <= f.to, { message: 'the window ends before it starts', path: ['to'] });
export type FlowFilter = z.infer<typeof FlowFilter>;

export const Graph = z.object({
  caseId: CaseId,
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  links: z.array(GraphLink),
  clusters: z.array(GraphCluster),
  seeds: z.array(Seed),
  undo: z.string().nullable(),
  redo: z.string().nullable(),
  /** The filter the edges were summed with; absent: every transfer counts. */
  filter: FlowFilter.optional(),
});
export type Graph = z.infer<typeof Graph>;

/** Value of a UTXO transaction attributed to one address node on the canvas. */
export const TxFlowPart = z.object({
  nodeId: NodeId,
  /** Exact sum, in base units, of this node's inputs (or outputs) in the transaction. */
  value: BaseUnits,
  /** How many inputs (or outputs) that sum covers. */
  count: z.number().int(),
});
export type TxFlowPart = z.infer<typeof TxFlowPart>;

/** Inputs or outputs of a transaction whose address is not on the canvas (or that have none, e.g. OP_RETURN). */
export const TxFlowOther = z.object({ value: BaseUnits, count: z.number().int() });

/**
 * One UTXO transaction between addresses on the canvas, for drawing it as its own node.
 * Values reconcile exactly: sum(inputs) + otherIn = totalIn and sum(outputs) + otherOut = totalOut.
 */
export const TxFlow = z.object({
  chain: ChainId,
  /** Display hex, as block explorers show it. */
  txid: z.string(),
  height: z.number().int().nullable(),
  time: Time,
  /** Null when an input's spent output is not in the store yet. */
  fee: BaseUnits.nullable(),
  /** Null when an input's spent output is not in the store yet (see unknownIn). */
  totalIn: BaseUnits.nullable(),
  totalOut: BaseUnits,
  inputCount: z.number().int(),
  outputCount: z.number().int(),
  /** Set when the transaction has a CoinJoin's shape: the rule that matched and its figures. */
  coinjoin: z.object({ rule: z.string(), detail: z.string() }).nullable().optional(),
  inputs: z.array(TxFlowPart),
  outputs: z.array(TxFlowPart),
  otherIn: TxFlowOther,
  otherOut: TxFlowOther,
  /** Inputs whose value and address are unknown until the output they spend is imported. */
  unknownIn: z.number().int(),
});
export type TxFlow = z.infer<typeof TxFlow>;

export const TxFlows = z.object({
  caseId: CaseId,
  /** Ordered by time, then txid. */
  txs: z.array(TxFlow),
  /** Matching transactions left out by the limit. */
  truncated: z.number().int(),
});
export type TxFlows = z.infer<typeof TxFlows>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  data: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
  /** Fingerprint of the key that signed the entry; null for entries written before signing. */
  signedBy: z.string().nullable(),
});

/** A public key that signed entries of a case, and whether this workspace trusts it. */
export const Signer = z.object({
  fingerprint: z.string(),
  publicKey: z.string(),
  /** The name this workspace knows the key by (own key: the investigator), else null. */
  name: z.string().nullable(),
  own: z.boolean(),
  trusted: z.boolean(),
  entries: z.number().int(),
});

export const AuditVerdict = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The first problem found in the log itself, for a one-line answer. */
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
  /** Every problem: in the log, its signatures, the case tables against the log's replay, or the head this workspace saw. */
  problems: z.array(z.object({ seq: z.number().int().nullable(), reason: z.string() })),
  signers: z.array(Signer),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  /** Entries written before signing existed (hash-chained only, bound by the first signed entry). */
  legacyEntries: z.number().int(),
});
export type AuditVerdict = z.infer<typeof AuditVerdict>;

export const TrustedKey = z.object({ fingerprint: z.string(), publicKey: z.string(), name: z.string(), addedAt: z.string() });
export const KeyInfo = z.object({
  /** This workspace's investigator key (Ed25519), created on first use. */
  fingerprint: z.string(),
  publicKey: z.string(),
  trusted: z.array(TrustedKey),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const BundlePart = z.object({ name: z.string(), size: z.number().int(), sha256: z.string() });

/** What checking a bundle found; nothing from it is kept unless it is imported and every check passed. */
export const BundleReport = z.object({
  ok: z.boolean(),
  file: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  encrypted: z.boolean(),
  problems: z.array(z.string()),
  sender: z.object({ name: z.string(), fingerprint: z.string(), publicKey: z.string(), trusted: z.boolean(), own: z.boolean() }).nullable(),
  case: z.object({ id: z.string(), name: z.string(), entries: z.number().int(), headHash: z.string() }).nullable(),
  createdAt: z.string().nullable(),
  cairnVersion: z.string().nullable(),
  parts: z.array(BundlePart),
  /** Chain facts the bundle carries (its evidence), by table. */
  evidence: z.record(z.string(), z.number().int()),
});
export type BundleReport = z.infer<typeof BundleReport>;

export const ExportResult = z.object({
  file: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  encrypted: z.boolean(),
  fingerprint: z.string(),
  parts: z.array(BundlePart),
  evidence: z.record(z.string(), z.number().int()),
});
export type ExportResult = z.infer<typeof ExportResult>;

/**
 * What an import found, shown before it is committed (an import started with review): the
 * investigator commits it or discards it, and nothing is kept until they commit.
 */
const ImportPartPreview = z.object({
  format: z.string(),
  chain: ChainId,
  /** Files read, with what each was taken to be and how many rows or blocks it held. */
  sources: z.array(z.object({ name: z.string(), kind: z.string(), rows: z.number().int() })),
  rowCounts: z.record(z.string(), z.number().int()),
  /** New facts the commit would add. */
  added: z.record(z.string(), z.number().int()),
  /** Time of the earliest and latest new transaction (unix seconds), when known. */
  firstTime: Time,
  lastTime: Time,
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** Rows or lines left out and why, and other notes. */
  notes: z.array(z.string()),
  /** A part of a mixed import whose files were imported before and add nothing: the dataset that has them. */
  alreadyImportedAs: z.number().int().nullable().optional(),
});
export type ImportPartPreview = z.infer<typeof ImportPartPreview>;

export const ImportPreview = ImportPartPreview.extend({
  /**
   * A mixed import (Bitcoin blocks with an ethereum-etl folder, say): each part, its own dataset
   * with its own chain, committed together or not at all. The fields above are then the totals
   * over the parts (format "a + b", the first part's chain).
   */
  parts: z.array(ImportPartPreview).optional(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const JobState = z.object({
  id: z.string(),
  kind: z.literal('import'),
  /** review: read and checked, waiting for the investigator to commit or discard it. */
  state: z.enum(['running', 'review', 'done', 'failed', 'cancelled']),
  phase: z.string(),
  /** Bytes read so far and in all; progress = done / total. */
  done: z.number(),
  total: z.number(),
  rows: z.number().int(),
  message: z.string(),
  dataset: Dataset.nullable(),
  /** Every dataset the import committed: one, or one per part of a mixed import (dataset is the first). */
  datasets: z.array(Dataset).optional(),
  preview: ImportPreview.nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
});
export type JobState = z.infer<typeof JobState>;

export const FsEntry = z.object({ name: z.string(), path: z.string(), kind: z.enum(['file', 'dir']), size: z.number() });
export const FsListing = z.object({
  /** The folder listed; '' for the list of folders opened in this session. */
  path: z.string(),
  /** The folder above, or null where "Up" stops: at the top of the disk, or at a folder opened in this session. */
  parent: z.string().nullable(),
  entries: z.array(FsEntry),
  /**
   * Present when the API's file access is limited (electron/core/fileAccess.ts): the folders
   * opened in this session, the workspace first. "Up" from one of them leads back to this list.
   */
  roots: z.array(z.string()).optional(),
});

export const Settings = z.object({
  investigator: z.string().max(200),
  /** The case open when the app was last used, reopened at start in either shell. */
  lastCase: CaseId.nullable(),
});

export const AppInfo = z.object({
  version: z.string(),
  workspace: z.string(),
  /** True while the app shows the sample investigation's workspace (synthetic data). */
  sample: z.boolean(),
  shell: z.enum(['electron', 'browser', 'cli']),
  settings: Settings,
});

export const TagTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('node'), nodeId: NodeId }),
  z.object({ kind: z.literal('cluster'), clusterId: ClusterId }),
]);

/* ---- Intelligence: label sets, labels, search, exposure, screening (issue 12) ---- */

export const LabelSetKind = z.enum(['tagpack', 'actorpack', 'ofac', 'csv', 'case-tags']);

/** A label set: one imported file of labels with its provenance, removable as a unit. */
export const LabelSet = z.object({
  id: z.number().int(),
  kind: LabelSetKind,
  title: z.string(),
  creator: z.string().nullable(),
  description: z.string().nullable(),
  /** Where the set comes from, when the file says (a URL). */
  sourceUrl: z.string().nullable(),
  license: z.string().nullable(),
  /** The date the file says it was last changed (YYYY-MM-DD), or null. */
  lastmod: z.string().nullable(),
  /** When it was imported here (ISO 8601 UTC). */
  importedAt: z.string(),
  file: z.object({ name: z.string(), sha256: z.string(), size: z.number().int() }),
  labels: z.number().int(),
  addresses: z.number().int(),
});
export type LabelSet = z.infer<typeof LabelSet>;

/** One label on an address, from a label set. */
export const Label = z.object({
  label: z.string(),
  category: z.string().nullable(),
  abuse: z.string().nullable(),
  /** The named confidence level (authority_data, forensic, …), or null when the file gave a number. */
  confidence: z.string().nullable(),
  confidenceScore: z.number().int().nullable(),
  source: z.string().nullable(),
  context: z.string().nullable(),
  actor: z.string().nullable(),
  /** The actor's name from an ActorPack, when one is imported. */
  actorName: z.string().nullable(),
  lastmod: z.string().nullable(),
  set: z.object({ id: z.number().int(), title: z.string(), kind: LabelSetKind }),
});
export type Label = z.infer<typeof Label>;

/** An entry a label file could not give, and why, where it stands. */
export const LabelSkip = z.object({ file: z.string(), line: z.number().int().nullable(), index: z.number().int().nullable(), reason: z.string() });
export type LabelSkip = z.infer<typeof LabelSkip>;

/** What importing some label files would do, before anything is kept. */
export const LabelPreview = z.object({
  files: z.array(
    z.object({
      file: z.string(),
      kind: LabelSetKind,
      title: z.string(),
      creator: z.string().nullable(),
      labels: z.number().int(),
      addresses: z.number().int(),
      /** The first skipped entries (at most 200) and how many in all. */
      skipped: z.array(LabelSkip),
      skippedCount: z.number().int(),
      /** The same content is already here, in this set: importing it adds nothing. */
      sameAs: z.object({ setId: z.number().int(), title: z.string() }).nullable(),
      /** A set of the same title and creator with other content: importing it replaces that set. */
      updates: z.object({ setId: z.number().int(), title: z.string(), adds: z.number().int(), changes: z.number().int(), drops: z.number().int() }).nullable(),
    }),
  ),
});
export type LabelPreview = z.infer<typeof LabelPreview>;

export const LabelImportResult = z.object({
  /** Sets added or replaced (an update keeps no old labels). */
  sets: z.array(LabelSet),
  /** Files whose content a set already holds: nothing added. */
  unchanged: z.array(z.object({ file: z.string(), setId: z.number().int(), title: z.string() })),
  skipped: z.array(LabelSkip),
  skippedCount: z.number().int(),
});
export type LabelImportResult = z.infer<typeof LabelImportResult>;

export const SearchHit = z.object({
  kind: z.enum(['address', 'tx', 'label', 'actor', 'case', 'cluster']),
  /** CAIP-2 chain of an address or transaction hit; null otherwise. */
  chain: z.string().nullable(),
  /** The address or hash (canonical), the case id, the cluster id ("caseId/c3"), or the label's address. */
  id: z.string(),
  /** What to show: a display address, a label, a case name. */
  label: z.string(),
  /** What it is and where it lives, in words. */
  detail: z.string(),
  caseId: CaseId.nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** Value an address (or a group) received from or sent to labelled counterparties, per category and asset. */
export const ExposureRow = z.object({
  /** The counterparties' category (exchange, mixing_service, …), or their abuse (sanction, …) when that is what marks them. */
  category: z.string(),
  direction: z.enum(['received', 'sent']),
  asset: Asset,
  /** Exact, in base units. */
  total: BaseUnits,
  count: z.number().int(),
  counterparties: z.array(z.object({ chain: ChainId, address: z.string(), display: z.string(), label: z.string(), amount: BaseUnits })),
});
export type ExposureRow = z.infer<typeof ExposureRow>;

export const Exposure = z.object({
  /** The addresses screened (one, a selection, or a cluster's members). */
  subjects: z.array(z.object({ chain: ChainId, address: z.string(), display: z.string() })),
  rows: z.array(ExposureRow),
});
export type Exposure = z.infer<typeof Exposure>;

export const ScreenRow = z.object({
  /** The line as given. */
  input: z.string(),
  line: z.number().int(),
  chain: ChainId.nullable(),
  address: z.string().nullable(),
  display: z.string().nullable(),
  /** sanctioned: labelled with abuse "sanction"; exposed: directly paid by or paying a sanctioned or illicit counterparty. */
  verdict: z.enum(['sanctioned', 'labelled', 'exposed', 'clear', 'invalid']),
  labels: z.array(Label),
  exposure: z.array(ExposureRow),
  reason: z.string().nullable(),
});
export type ScreenRow = z.infer<typeof ScreenRow>;
export const ScreenResult = z.object({ rows: z.array(ScreenRow) });
export type ScreenResult = z.infer<typeof ScreenResult>;

export const OVERRIDE_KINDS = ['split', 'reject', 'confirm'] as const;
/**
 * An investigator's correction to the automatic clusters, in one case (docs/clustering.md,
 * "Evidence, the collapse guard and overrides"). split: address a alone; reject: the merges of
 * transaction tx not applied; confirm: the held merge of a and b by tx applied.
 */
export const ClusterOverride = z.object({
  id: z.number().int(),
  kind: z.enum(OVERRIDE_KINDS),
  chain: ChainId,
  /** split: the address taken out; confirm: the held merge's first address; else null. */
  a: z.string().nullable(),
  /** confirm: the held merge's other address; else null. */
  b: z.string().nullable(),
  /** reject and confirm: the transaction; else null. */
  tx: z.string().nullable(),
  note: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type ClusterOverride = z.infer<typeof ClusterOverride>;

/** An address's automatic cluster (analysis/clustering): an inference, each merge with its evidence. */
export const ClusterView = z.object({
  /**
   * "e" + the root address's store id; a merge into a larger cluster renames it. Asked with a
   * caseId whose overrides split the cluster, the part holding most of it keeps that name and
   * each other part is "e<root>.<its lowest address id>".
   */
  cluster: z.string(),
  size: z.number().int(),
  /** The best label of any member (the most confident), and the member it is on. */
  label: z.object({ label: z.string(), category: z.string().nullable(), sanctioned: z.boolean(), address: z.string() }).nullable(),
  /** A page of its members (display form), in the order they entered the store. */
  addresses: z.array(z.string()),
  /** The merges that joined this address to others: the transaction and the heuristic. */
  evidence: z.array(z.object({ tx: z.string(), heuristic: z.string() })),
  /** Asked with a caseId: the automatic cluster as the store has it, before the case's overrides. */
  automatic: z.object({ cluster: z.string(), size: z.number().int() }).optional(),
  /** Asked with a caseId: the case's overrides that act on this cluster (see ClusterOverride). */
  overrides: z.array(ClusterOverride).optional(),
});
export type ClusterView = z.infer<typeof ClusterView>;

/** The chain of merges that joins two addresses, each step one transaction and heuristic. */
export const ClusterWhy = z.object({
  joined: z.boolean(),
  steps: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      tx: z.string(),
      heuristic: z.string(),
      /** Asked with a caseId: the case's confirm override that applied this held merge. */
      override: z.number().int().optional(),
    }),
  ),
});
export type ClusterWhy = z.infer<typeof ClusterWhy>;

/** A merge of two large clusters the collapse guard held for review instead of applying. */
export const HeldMerge = z.object({
  chain: ChainId,
  a: z.string(),
  b: z.string(),
  /** The sizes of a's and b's clusters when the merge was held. */
  aSize: z.number().int(),
  bSize: z.number().int(),
  tx: z.string(),
  heuristic: z.string(),
});
export type HeldMerge = z.infer<typeof HeldMerge>;

/**
 * The change heuristics (docs/clustering.md, "Change heuristics (off by default)"), each off
 * unless the workspace switches it on.
 */
export const CHANGE_RULES = ['address-reuse', 'fresh-address', 'script-type', 'round-payment', 'optimal-change'] as const;
export const ChangeRule = z.enum(CHANGE_RULES);
export type ChangeRule = z.infer<typeof ChangeRule>;

/** Exchange deposit-address clustering on account chains (Victor 2020): its switch and thresholds. */
export const DepositSettings = z.object({
  /** Deposit-address clustering on account chains. */
  enabled: z.boolean().default(true),
  /** The longest a deposit address may hold what it received before forwarding it, in seconds. */
  maxDelaySeconds: z.number().int().min(1).max(30 * 86_400).default(86_400),
  /** How many forwards to the one hub make an address a deposit address. */
  minForwards: z.number().int().min(1).max(1_000).default(2),
  /** How many distinct deposit addresses a hub must receive forwards from to be a hub. */
  minDepositsPerHub: z.number().int().min(1).max(1_000_000).default(3),
  /** How far a forward may fall short of what was received (the forwarding fee), in percent. */
  tolerancePercent: z.number().min(0).max(50).default(1),
  /** How many deposit addresses one funder may pay into and still count as one customer; more makes it a service. */
  maxDepositsPerFunder: z.number().int().min(1).max(1_000).default(3),
  /** How many of a funder's payments into one deposit address, each forwarded, make it that account's customer (1: Victor's rule). */
  minFundingsPerCustomer: z.number().int().min(1).max(1_000).default(2),
});
export type DepositSettings = z.infer<typeof DepositSettings>;

/**
 * The workspace's clustering settings (kept in the store: analysis/clustering/settings.ts). Every
 * field has its default, so {} reads as the defaults.
 */
export const ClusteringSettings = z.object({
  /** Change heuristics switched on; none by default (as BlockSci ships them). */
  change: z.array(ChangeRule).default([]),
  deposit: DepositSettings.prefault({}),
  /** Two clusters both at least this large are not merged but held for review. */
  collapseGuard: z.number().int().min(2).max(1_000_000_000).default(1_000),
});
export type ClusteringSettings = z.infer<typeof ClusteringSettings>;

type Undefaulted<T extends z.ZodRawShape> = { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I> ? I : T[K]> };
/** The fields of a shape, each optional and without its default: a patch holds only what it changes. */
function patchOf<T extends z.ZodRawShape>(shape: T): Undefaulted<T> {
  return Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, ((f instanceof z.ZodDefault ? f.unwrap() : f) as z.ZodType).optional()])) as unknown as Undefaulted<T>;
}

/** clusters.configure's argument: the settings to change, each with the same bounds; an unknown key is refused. */
export const ClusteringSettingsPatch = z.strictObject({
  change: z.array(ChangeRule).max(CHANGE_RULES.length * 2).optional(),
  deposit: z.strictObject(patchOf(DepositSettings.shape)).optional(),
  collapseGuard: ClusteringSettings.shape.collapseGuard.unwrap().optional(),
});
export type ClusteringSettingsPatch = z.infer<typeof ClusteringSettingsPatch>;

/** What rebuilding one chain's clusters did. */
export const ClusterRebuild = z.object({
  chain: ChainId,
  /** Transactions with two or more input addresses looked at (UTXO chains); account chains: as their heuristic counts. */
  candidates: z.number().int(),
  coinjoins: z.number().int(),
  /** Merges applied (one evidence row each), change merges included. */
  merges: z.number().int(),
  /** Merges held for review by the collapse guard. */
  held: z.number().int(),
  /** UTXO chains with change heuristics on: transactions whose change the rules named, named differently (nothing merged), and the change merges applied. */
  change: z.object({ named: z.number().int(), conflicts: z.number().int(), merges: z.number().int() }).nullable(),
});
export type ClusterRebuild = z.infer<typeof ClusterRebuild>;

/** Formats a case's graph exports to (issue 15); the bundle stays case.export's. */
export const GRAPH_EXPORT_FORMATS = ['graphml', 'gexf', 'csv', 'cyjs', 'tagpack', 'svg', 'png'] as const;
export const GraphExportFormat = z.enum(GRAPH_EXPORT_FORMATS);
export type GraphExportFormat = z.infer<typeof GraphExportFormat>;

/**
 * What part of the case an export or image shows. case: every visible node of the case.
 * view: the canvas as shown (its viewport, in model coordinates, and the flow filter it draws
 * edges with).
 */
export const ExportScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case') }),
  z.object({
    kind: z.literal('view'),
    viewport: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }).refine((v) => v.x2 > v.x1 && v.y2 > v.y1, 'an empty viewport'),
    filter: FlowFilter.optional(),
  }),
]);
export type ExportScope = z.infer<typeof ExportScope>;

export const WrittenFile = z.object({ file: z.string(), size: z.number().int(), sha256: z.string() });
export type WrittenFile = z.infer<typeof WrittenFile>;

export const GraphExportResult = z.object({
  format: GraphExportFormat,
  /** Every file written (csv: one per table, in the folder --out names). */
  files: z.array(WrittenFile),
  /** What the export holds, in words: "12 nodes, 15 edges, …". */
  contains: z.string(),
  /** Nodes and edges written (tagpack: tags), for checking. */
  counts: z.record(z.string(), z.number().int()),
});
export type GraphExportResult = z.infer<typeof GraphExportResult>;

export const ReportResult = WrittenFile.extend({
  format: z.enum(['html', 'pdf']),
  /** Section ids in the order the template put them. */
  sections: z.array(z.string()),
  /** Graph images in the report. */
  figures: z.number().int(),
  /** Pages of the PDF; null for HTML. */
  pages: z.number().int().nullable(),
  template: z.string(),
});
export type ReportResult = z.infer<typeof ReportResult>;
