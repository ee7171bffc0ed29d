import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AddressNode, Graph } from '../../../../shared/api/schemas';
import { tempDir } from '../../helpers';
import { fails, freshBackend, ok } from '../backendHelpers';

const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const OTHER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';

const seeds = (g: Graph) => g.seeds.map((s) => [s.address, s.role, s.note, s.nodeId === null ? 'off canvas' : 'on canvas']);
const nodeOf = (g: Graph, address: string) => g.nodes.find((n): n is AddressNode => n.kind === 'address' && n.address === address);

test('case.removeSeed takes a seed off the list (its node stays, no longer a seed), and undo, redo and the log agree', async () => {
  const { backend } = freshBackend();
  await ok(backend, 'settings.set', { investigator: 'DC Abara' });
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Seeds' });
  await ok(backend, 'case.addSeed', { caseId, chain: 'eth', address: VICTIM, role: 'victim', note: 'reported 2023-06-03' });
  let g = await ok(backend, 'case.addSeed', { caseId, chain: 'eth', address: OTHER, role: 'suspect' });
  const before = seeds(g);

  // The display form (EIP-55) names the same seed.
  g = await ok(backend, 'case.removeSeed', { caseId, chain: 'eth', address: '0x9Df428A91Ff0F3635C8f0ce752933b9788926804' });
  assert.deepEqual(seeds(g), [[OTHER, 'suspect', '', 'on canvas']]);
  assert.equal(nodeOf(g, VICTIM)?.role, null, 'the node stays on the canvas as a plain address');
  assert.equal(g.undo, 'Remove victim seed');

  g = await ok(backend, 'case.undo', { caseId });
  assert.deepEqual(seeds(g), before, 'undo brings the seed back with its role and note');
  assert.equal(nodeOf(g, VICTIM)?.role, 'victim');
  assert.equal(g.redo, 'Remove victim seed');
  g = await ok(backend, 'case.redo', { caseId });
  assert.deepEqual(seeds(g), [[OTHER, 'suspect', '', 'on canvas']]);

  const log = await ok(backend, 'audit.list', { caseId });
  const entry = log.items.find((e) => e.action === 'case.removeSeed')!;
  assert.deepEqual(entry.data, { address: `eip155:1:${VICTIM}`, role: 'victim', note: 'reported 2023-06-03' });
  assert.equal(entry.actor, 'DC Abara');
  assert.deepEqual(log.items.slice(0, 3).map((e) => e.action), ['case.redo', 'case.undo', 'case.removeSeed']);
  const verdict = await ok(backend, 'audit.verify', { caseId });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));

  await fails(backend, 'case.removeSeed', { caseId, chain: 'eth', address: VICTIM }, 'not_found', /0x9df4.* on Ethereum is not a seed of case "seeds"/);
  await fails(backend, 'case.removeSeed', { caseId, chain: 'eth', address: 'not-an-address' }, 'invalid_argument');
  await backend.close();
});

test('a seed whose node was removed from the canvas can still be taken off the list', async () => {
  const { backend } = freshBackend();
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Off canvas' });
  let g = await ok(backend, 'case.addSeed', { caseId, chain: 'eth', address: VICTIM, role: 'victim' });
  g = await ok(backend, 'graph.remove', { caseId, nodeIds: [nodeOf(g, VICTIM)!.id] });
  assert.deepEqual(seeds(g), [[VICTIM, 'victim', '', 'off canvas']]);
  g = await ok(backend, 'case.removeSeed', { caseId, chain: 'eth', address: VICTIM });
  assert.deepEqual(g.seeds, []);
  assert.equal(g.nodes.length, 0);
  g = await ok(backend, 'case.undo', { caseId });
  assert.deepEqual(seeds(g), [[VICTIM, 'victim', '', 'off canvas']]);
  await backend.close();
});

test('case.removeSeed is refused on a received (read-only) case and changes nothing', async () => {
  const sender = freshBackend();
  const { id: caseId } = await ok(sender.backend, 'case.create', { name: 'Handed over' });
  await ok(sender.backend, 'case.addSeed', { caseId, chain: 'eth', address: VICTIM, role: 'victim' });
  const bundle = join(tempDir(), 'seeds.cairnbundle');
  await ok(sender.backend, 'case.export', { caseId, path: bundle });
  const { fingerprint } = await ok(sender.backend, 'keys.info', {});
  await sender.backend.close();

  const { backend } = freshBackend();
  await ok(backend, 'bundle.import', { path: bundle, trustFingerprint: fingerprint });
  const entries = (await ok(backend, 'audit.list', { caseId })).total;
  await fails(backend, 'case.removeSeed', { caseId, chain: 'eth', address: VICTIM }, 'forbidden', /read-only; continue the case/);
  assert.equal((await ok(backend, 'graph.get', { caseId })).seeds.length, 1);
  assert.equal((await ok(backend, 'audit.list', { caseId })).total, entries);
  await backend.close();
});
