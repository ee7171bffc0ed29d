import type { z } from 'zod';
import type { Comparison } from '../../shared/api/attributionSchemas';
import type { TagTarget } from '../../shared/api/schemas';
import type { Ground } from './attributionEvidence';
import type { TraceSourceAddress } from './traceForm';

export type TagTargetValue = z.infer<typeof TagTarget>;

/** Which dialog is open; at most one at a time. */
export type DialogState =
  | { kind: 'newCase' }
  | { kind: 'renameCase' }
  | { kind: 'settings'; firstRun: boolean }
  | { kind: 'addAddress' }
  | { kind: 'group'; nodeIds: string[] }
  | { kind: 'editCluster'; clusterId: string }
  | { kind: 'tag'; targets: TagTargetValue[]; subject: string }
  | { kind: 'import' }
  /** Writes the open case as a signed bundle for a colleague. */
  | { kind: 'exportCase' }
  | { kind: 'exportTagPack' }
  /** Writes the open case as a report (HTML or PDF) for readers without Cairn. */
  | { kind: 'report' }
  /** Writes the case's graph as GraphML, GEXF, CSV, Cytoscape.js JSON, TagPack, SVG or PNG. */
  | { kind: 'exportGraph' }
  /** Checks a bundle from a colleague and, if it passes, opens its case read-only. */
  | { kind: 'openBundle' }
  /** Replays and checks the open case's audit log: hashes, signatures, signers. */
  | { kind: 'verifyLog' }
  /** Reads label files (TagPacks, OFAC, CSV), shows what they hold, imports them as label sets. */
  | { kind: 'importLabels' }
  /** One box for addresses, transactions, labels, actors, cases and clusters (Ctrl+K). */
  | { kind: 'search' }
  /** Screens a list of addresses: sanctioned, exposed, labelled, clear or invalid. */
  | { kind: 'screen' }
  /** Traces stolen value from the selected addresses, or from the case's victims when none is selected. */
  | { kind: 'trace'; sources: TraceSourceAddress[]; from: 'selection' | 'victims' }
  /** Ranks the workspace's other cases by how alike their laundering is; where their funds meet this case's. */
  | { kind: 'compare' }
  /** The investigator's attribution: three grounds and the conclusion, beside the evidence Cairn found. */
  | { kind: 'attribution'; refer?: { caseId: string; grounds: Ground[] }; comparison?: Comparison };
