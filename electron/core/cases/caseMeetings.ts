import { caip10, canonicalAddress } from '../../../shared/codec/address';
import type { Actor, CaseFile } from './caseFiles';
import { insertAddressNode, positions } from './caseEdits';
import { nodeKey } from './caseGraph';
import { Occupancy, placeInGrid, placeLoose } from './placement';

/**
 * Draws where two cases' traced funds meet (issue 16): the meeting address, and to its left the
 * addresses that brought each case's traced value there, so the canvas shows both flows into it.
 * One audited, undoable entry. Nodes already on the canvas stay where they are.
 */
export function addMeeting(
  c: CaseFile,
  actor: Actor,
  meeting: { chain: string; addr: string },
  otherCase: string,
  senders: readonly { chain: string; addr: string }[],
): { nodeId: string; added: string[] } {
  const chain = meeting.chain;
  const addr = canonicalAddress(chain, meeting.addr);
  const before = new Set((c.db.prepare('SELECT id FROM node WHERE hidden = 0').pluck().all() as number[]).map(nodeKey));
  const ids = c.mutate(
    actor,
    `Add where case “${otherCase}” meets this one`,
    'case.addMeeting',
    () => ({ address: caip10(chain, addr), with: otherCase, senders: senders.length }),
    (w) => {
      const taken = positions(c);
      const occupancy = new Occupancy(taken);
      const existing = c.db.prepare('SELECT x, y FROM node WHERE chain = ? AND addr = ? AND hidden = 0').get(chain, addr) as { x: number; y: number } | undefined;
      const at = existing ?? placeLoose(occupancy, taken);
      occupancy.take(at);
      const meetingId = insertAddressNode(c, w, chain, addr, at.x, at.y);
      const fresh = senders.filter((s) => !(s.chain === chain && s.addr === addr));
      const slots = placeInGrid(occupancy, at, -1, Math.min(10, Math.max(1, fresh.length)), fresh.length);
      const out = [meetingId];
      fresh.forEach((s, i) => out.push(insertAddressNode(c, w, s.chain, s.addr, slots[i]!.x, slots[i]!.y)));
      return out;
    },
  );
  const keys = ids.map(nodeKey);
  return { nodeId: keys[0]!, added: keys.filter((k) => !before.has(k)) };
}
