/**
 * What choosing a search hit does, decided apart from the dialog so it can be tested: an
 * address (or a label or actor naming one) opens like an address link does (selected on the
 * canvas, else in the details panel with "Add to canvas"), a transaction opens in the details
 * panel, a case is opened, and a cluster's case is opened with the cluster selected.
 */
import type { SearchHit } from '../../shared/api/schemas';

export type HitTarget =
  | { kind: 'address'; chain: string; address: string }
  | { kind: 'tx'; chain: string; hash: string }
  | { kind: 'case'; caseId: string }
  | { kind: 'cluster'; caseId: string; clusterId: string };

const CLUSTER_ID = /^c[0-9]{1,12}$/;

/** Where a hit leads, or null when it names nothing Cairn can open (an actor without an address). */
export function hitTarget(hit: SearchHit): HitTarget | null {
  switch (hit.kind) {
    case 'address':
    case 'label':
    case 'actor':
      return hit.chain && hit.id ? { kind: 'address', chain: hit.chain, address: hit.id } : null;
    case 'tx':
      return hit.chain && hit.id ? { kind: 'tx', chain: hit.chain, hash: hit.id } : null;
    case 'case': {
      const caseId = hit.caseId ?? hit.id;
      return caseId ? { kind: 'case', caseId } : null;
    }
    case 'cluster': {
      // "caseId/c3"; the case may also come on its own.
      const slash = hit.id.lastIndexOf('/');
      const clusterId = slash >= 0 ? hit.id.slice(slash + 1) : hit.id;
      const caseId = hit.caseId ?? (slash > 0 ? hit.id.slice(0, slash) : null);
      return caseId && CLUSTER_ID.test(clusterId) ? { kind: 'cluster', caseId, clusterId } : null;
    }
    default:
      return null;
  }
}

const KIND_WORDS: Record<SearchHit['kind'], string> = {
  address: 'address',
  tx: 'transaction',
  label: 'label',
  actor: 'actor',
  case: 'case',
  cluster: 'cluster',
};

export function hitKindWords(kind: SearchHit['kind']): string {
  return KIND_WORDS[kind] ?? kind;
}

/** The hit an arrow key moves to from `current`, wrapping round at either end; -1 when there are none. */
export function moveActive(current: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta >= 0 ? 0 : count - 1;
  return (((current + delta) % count) + count) % count;
}

/** A stable key for a hit in a list (two labels on one address are two hits). */
export function hitKey(hit: SearchHit, index: number): string {
  return `${hit.kind}|${hit.chain ?? ''}|${hit.id}|${index}`;
}
