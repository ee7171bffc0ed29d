/**
 * A case's saved traces and its cross-chain links (issue 13). Both are judgements of the case
 * and change only through CaseFile.mutate: audited, signed and undoable like tags and clusters.
 * A link joins two transfers by natural key (chain, tx hash, ref), never by store row ids, so it
 * means the same on a colleague's machine.
 */
import { ApiError } from '../../../shared/api/contract';
import { canonicalTxHashFor } from '../../../shared/codec/address';
import { resolveChain, UnknownChainError, type ChainInfo } from '../../../shared/model/chains';
import type { z } from 'zod';
import {
  CrossChainLink,
  TaintMethod,
  TraceResult,
  TraceSpec,
  type LINK_KINDS,
  type SavedTrace,
  type SavedTraceSummary,
  type TransferRef,
} from '../../../shared/api/traceSchemas';
import type { TraceContext } from '../trace/runTrace';
import type { Actor, CaseFile } from './caseFiles';
import { hasTable } from './caseTables';

export type LinkStatusJudged = 'confirmed' | 'rejected';

export interface NewLink {
  readonly from: TransferRef;
  readonly to: TransferRef;
  readonly kind: (typeof LINK_KINDS)[number];
  readonly status: LinkStatusJudged;
  readonly evidence?: readonly string[];
  readonly score?: number | null;
  readonly note?: string;
}

interface TraceRow {
  id: number;
  name: string;
  spec: string;
  result: string;
  created_at: string;
  created_by: string;
}

interface LinkRow {
  id: number;
  from_chain: string;
  from_tx: string;
  from_ref: string | null;
  to_chain: string;
  to_tx: string;
  to_ref: string | null;
  kind: string;
  status: string;
  evidence: string;
  score: number | null;
  note: string;
  created_at: string;
  created_by: string;
}

// ------------------------------------------------------------------------------------------ traces

/** Saves a trace's spec and result in the case; returns its id. */
export function saveTrace(c: CaseFile, actor: Actor, name: string, spec: TraceSpec, result: TraceResult): number {
  const title = name.trim() || `${spec.method.toUpperCase()} trace from ${spec.sources.length} source${spec.sources.length === 1 ? '' : 's'}`;
  return c.mutate<number>(
    actor,
    `Save trace “${title}”`,
    'trace.save',
    (id) => ({ traceId: id, name: title, method: spec.method, sources: spec.sources.length, endpoints: result.endpoints.length, unresolved: result.unresolved.length }),
    (w) =>
      Number(
        w.insert('trace', {
          name: title,
          spec: JSON.stringify(spec),
          result: JSON.stringify(result),
          created_at: actor.now(),
          created_by: actor.name,
        }),
      ),
  );
}

/** The case's saved traces, oldest first, without their results (the endpoint count says how big). */
export function listTraces(c: CaseFile): z.infer<typeof SavedTraceSummary>[] {
  if (!hasTable(c.db, 'trace')) return [];
  const rows = c.db
    .prepare(
      `SELECT id, name, spec, created_at, created_by,
              json_array_length(result, '$.endpoints') AS endpoints, json_extract(result, '$.method') AS method
       FROM trace ORDER BY id`,
    )
    .all() as (Omit<TraceRow, 'result'> & { endpoints: number | null; method: string | null })[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    spec: parseStored(c, `trace ${r.id}`, 'spec', () => TraceSpec.parse(JSON.parse(r.spec))),
    createdAt: r.created_at,
    createdBy: r.created_by,
    endpoints: r.endpoints ?? 0,
    method: parseStored(c, `trace ${r.id}`, 'method', () => TaintMethod.parse(r.method)),
  }));
}

export function getTrace(c: CaseFile, traceId: number): SavedTrace {
  const r = traceRow(c, traceId);
  return {
    id: r.id,
    name: r.name,
    spec: parseStored(c, `trace ${r.id}`, 'spec', () => TraceSpec.parse(JSON.parse(r.spec))),
    result: parseStored(c, `trace ${r.id}`, 'result', () => TraceResult.parse(JSON.parse(r.result))),
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/** The transfers the case's saved traces carried value along (each trace's largest 5,000), once each. */
export function tracedTransfers(c: CaseFile): TransferRef[] {
  if (!hasTable(c.db, 'trace')) return [];
  const rows = c.db
    .prepare(
      `SELECT DISTINCT json_extract(t.value, '$.chain') AS chain, json_extract(t.value, '$.tx') AS tx, json_extract(t.value, '$.ref') AS ref
       FROM trace, json_each(trace.result, '$.transfers') t`,
    )
    .all() as { chain: unknown; tx: unknown; ref: unknown }[];
  return rows.flatMap((r) =>
    typeof r.chain === 'string' && typeof r.tx === 'string' ? [typeof r.ref === 'string' && r.ref !== '' ? { chain: r.chain, tx: r.tx, ref: r.ref } : { chain: r.chain, tx: r.tx }] : [],
  );
}

/** Removes a saved trace (undoable); not_found when the case has no such trace. */
export function removeTrace(c: CaseFile, actor: Actor, traceId: number): boolean {
  const r = traceRow(c, traceId);
  c.mutate(actor, `Remove trace “${r.name}”`, 'trace.remove', () => ({ traceId, name: r.name }), (w) => {
    w.delete('trace', traceId);
  });
  return true;
}

function traceRow(c: CaseFile, traceId: number): TraceRow {
  const r = hasTable(c.db, 'trace') ? (c.db.prepare('SELECT * FROM trace WHERE id = ?').get(traceId) as TraceRow | undefined) : undefined;
  if (!r) throw new ApiError('not_found', `no trace ${traceId} in case "${c.id}"`);
  return r;
}

/** What the case file holds was written by Cairn and signed; if it still does not parse, say where. */
function parseStored<T>(c: CaseFile, what: string, field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ApiError('bad_input', `${what} of case "${c.id}" has a ${field} this version of Cairn cannot read (${(error as Error).message.slice(0, 200)})`);
  }
}

// ------------------------------------------------------------------------------------------- links

interface CanonicalRef {
  chain: ChainInfo;
  tx: string;
  ref: string | null;
}

/**
 * A transfer reference in canonical form: the chain's CAIP-2 id, the tx hash as the chain's
 * explorers write it, and a ref of the form its chain uses (see TransferRef).
 */
function canonicalRef(end: 'from' | 'to', r: TransferRef): CanonicalRef {
  let chain: ChainInfo;
  try {
    chain = resolveChain(r.chain);
  } catch (error) {
    if (error instanceof UnknownChainError) throw new ApiError('invalid_argument', `the link's ${end} end: ${error.message}`);
    throw error;
  }
  let tx: string;
  try {
    tx = canonicalTxHashFor(chain.id, r.tx);
  } catch (error) {
    throw new ApiError('invalid_argument', `the link's ${end} end on ${chain.name}: ${(error as Error).message}`);
  }
  const ref = r.ref?.trim() || null;
  if (ref !== null) {
    const fits = chain.family === 'utxo' ? /^(0|[1-9][0-9]{0,5})$/.test(ref) : /^[012]:[0-9,]*$/.test(ref);
    if (!fits) {
      const expected = chain.family === 'utxo' ? 'an output index such as 0' : '"<kind>:<position>" such as 0: (the tx\'s own value), 1:12 (the token transfer of log 12) or 2:0,1 (an internal call)';
      throw new ApiError('invalid_argument', `the link's ${end} end on ${chain.name}: ref "${ref.slice(0, 40)}" is not ${expected}`);
    }
  }
  return { chain, tx, ref };
}

function shortChain(chain: string): string {
  try {
    return resolveChain(chain).aliases[0] ?? chain;
  } catch {
    return chain;
  }
}

/** The undo menu's words for a link: "bridge eth→tron". */
function linkWords(kind: string, fromChain: string, toChain: string): string {
  return `${kind} ${shortChain(fromChain)}→${shortChain(toChain)}`;
}

function refText(chain: string, tx: string, ref: string | null): string {
  return `${chain}:${tx}${ref === null ? '' : `#${ref}`}`;
}

function toLink(c: CaseFile, r: LinkRow): CrossChainLink {
  const evidence = parseStored(c, `link ${r.id}`, 'evidence', () => CrossChainLink.shape.evidence.parse(JSON.parse(r.evidence)));
  const end = (chain: string, tx: string, ref: string | null): TransferRef => (ref === null ? { chain, tx } : { chain, tx, ref });
  return {
    id: r.id,
    from: end(r.from_chain, r.from_tx, r.from_ref),
    to: end(r.to_chain, r.to_tx, r.to_ref),
    kind: parseStored(c, `link ${r.id}`, 'kind', () => CrossChainLink.shape.kind.parse(r.kind)),
    status: parseStored(c, `link ${r.id}`, 'status', () => CrossChainLink.shape.status.parse(r.status)),
    evidence,
    score: r.score,
    note: r.note,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function linkRow(c: CaseFile, linkId: number): LinkRow {
  const r = hasTable(c.db, 'xlink') ? (c.db.prepare('SELECT * FROM xlink WHERE id = ?').get(linkId) as LinkRow | undefined) : undefined;
  if (!r) throw new ApiError('not_found', `no cross-chain link ${linkId} in case "${c.id}"`);
  return r;
}

/**
 * Adds a judged link: a confirmed or rejected candidate, or one made by hand. Both ends must be
 * on different chains (a transfer within one chain is followed as a transfer, not linked), and a
 * pair already judged is refused: change that link's status instead.
 */
export function addLink(c: CaseFile, actor: Actor, link: NewLink): CrossChainLink {
  const from = canonicalRef('from', link.from);
  const to = canonicalRef('to', link.to);
  if (from.chain.id === to.chain.id) {
    throw new ApiError('invalid_argument', `same-chain: both ends of the link are on ${from.chain.name}; a cross-chain link joins transfers on two different chains`, { reason: 'same-chain' });
  }
  c.assertWritable();
  const existing = c.db
    .prepare(
      `SELECT * FROM xlink WHERE from_chain = ? AND from_tx = ? AND ifnull(from_ref, '') = ? AND to_chain = ? AND to_tx = ? AND ifnull(to_ref, '') = ?`,
    )
    .get(from.chain.id, from.tx, from.ref ?? '', to.chain.id, to.tx, to.ref ?? '') as LinkRow | undefined;
  if (existing) {
    throw new ApiError(
      'conflict',
      `these transfers are already linked: link ${existing.id} (${existing.kind}, ${existing.status} by ${existing.created_by} at ${existing.created_at}); change its status instead of adding it again`,
      { linkId: existing.id },
    );
  }
  const evidence = [...(link.evidence ?? [])];
  const words = linkWords(link.kind, from.chain.id, to.chain.id);
  const id = c.mutate<number>(
    actor,
    `${link.status === 'confirmed' ? 'Confirm' : 'Reject'} link ${words}`,
    'link.add',
    (linkId) => ({ linkId, from: refText(from.chain.id, from.tx, from.ref), to: refText(to.chain.id, to.tx, to.ref), kind: link.kind, status: link.status }),
    (w) =>
      Number(
        w.insert('xlink', {
          from_chain: from.chain.id,
          from_tx: from.tx,
          from_ref: from.ref,
          to_chain: to.chain.id,
          to_tx: to.tx,
          to_ref: to.ref,
          kind: link.kind,
          status: link.status,
          evidence: JSON.stringify(evidence),
          score: link.score ?? null,
          note: link.note ?? '',
          created_at: actor.now(),
          created_by: actor.name,
        }),
      ),
  );
  return toLink(c, linkRow(c, id));
}

/** Confirms or rejects a link (undoable); setting the status it has already changes nothing. */
export function setLinkStatus(c: CaseFile, actor: Actor, linkId: number, status: LinkStatusJudged): CrossChainLink {
  const r = linkRow(c, linkId);
  if (r.status === status) return toLink(c, r);
  c.mutate(
    actor,
    `${status === 'confirmed' ? 'Confirm' : 'Reject'} link ${linkWords(r.kind, r.from_chain, r.to_chain)}`,
    'link.setStatus',
    () => ({ linkId, from: r.status, to: status }),
    (w) => {
      w.update('xlink', linkId, { status });
    },
  );
  return toLink(c, linkRow(c, linkId));
}

/** Removes a link (undoable); not_found when the case has no such link. */
export function removeLink(c: CaseFile, actor: Actor, linkId: number): boolean {
  const r = linkRow(c, linkId);
  c.mutate(
    actor,
    `Remove link ${linkWords(r.kind, r.from_chain, r.to_chain)}`,
    'link.remove',
    () => ({ linkId, from: refText(r.from_chain, r.from_tx, r.from_ref), to: refText(r.to_chain, r.to_tx, r.to_ref), kind: r.kind, status: r.status }),
    (w) => {
      w.delete('xlink', linkId);
    },
  );
  return true;
}

/** Every link of the case, confirmed and rejected, in the order they were made. */
export function listLinks(c: CaseFile): CrossChainLink[] {
  if (!hasTable(c.db, 'xlink')) return [];
  return (c.db.prepare('SELECT * FROM xlink ORDER BY id').all() as LinkRow[]).map((r) => toLink(c, r));
}

// ------------------------------------------------------------------------------------ trace context

/**
 * What the case brings to a trace: its links (the trace follows only confirmed ones), its manual
 * clusters by id ("c3"), and its own tags per address (a cluster's tag applies to each member).
 */
export function traceContextOf(c: CaseFile): TraceContext {
  const clusters = new Map<string, { chain: string; addr: string }[]>();
  const members = c.db.prepare('SELECT cluster_id, chain, addr FROM cluster_member ORDER BY cluster_id, id').all() as { cluster_id: number; chain: string; addr: string }[];
  for (const m of members) {
    const key = `c${m.cluster_id}`;
    let list = clusters.get(key);
    if (!list) clusters.set(key, (list = []));
    list.push({ chain: m.chain, addr: m.addr });
  }
  const tags = c.db.prepare('SELECT chain, addr, cluster_id, label, category FROM tag ORDER BY id').all() as {
    chain: string | null;
    addr: string | null;
    cluster_id: number | null;
    label: string;
    category: string | null;
  }[];
  const caseTags = tags.flatMap((t) =>
    t.cluster_id !== null
      ? (clusters.get(`c${t.cluster_id}`) ?? []).map((m) => ({ chain: m.chain, addr: m.addr, label: t.label, category: t.category }))
      : t.chain !== null && t.addr !== null
        ? [{ chain: t.chain, addr: t.addr, label: t.label, category: t.category }]
        : [],
  );
  return { links: listLinks(c), clusters, caseTags };
}
