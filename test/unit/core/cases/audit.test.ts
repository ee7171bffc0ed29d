import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ok, freshBackend } from '../backendHelpers';

async function caseWithHistory() {
  const { backend, dir } = freshBackend();
  const { id } = await ok(backend, 'settings.set', { investigator: 'Det. Insp. Kaur' }).then(() => ok(backend, 'case.create', { name: 'audit' }));
  await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: '0x9df428a91ff0f3635c8f0ce752933b9788926804', role: 'victim' });
  await ok(backend, 'case.rename', { caseId: id, name: 'Audit renamed' });
  await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2' });
  await backend.close();
  return { dir, id, file: join(dir, 'cases', `${id}.cairn`) };
}

test('every change is appended to a hash-chained audit log with the investigator name', async () => {
  const { dir, id } = await caseWithHistory();
  const { backend } = freshBackend(dir);
  const log = await ok(backend, 'audit.list', { caseId: id });
  assert.equal(log.total, 4);
  assert.ok(log.items.every((e) => e.actor === 'Det. Insp. Kaur'));
  const ordered = [...log.items].reverse();
  assert.equal(ordered[0].prevHash, '0'.repeat(64));
  for (let i = 1; i < ordered.length; i++) assert.equal(ordered[i].prevHash, ordered[i - 1].hash);
  assert.deepEqual(ordered[2].data, { from: 'audit', to: 'Audit renamed' });
  assert.deepEqual(await ok(backend, 'audit.verify', { caseId: id }), { ok: true, entries: 4, firstBroken: null });
  await backend.close();
});

for (const [what, tamper, seq] of [
  ['an edited entry', "UPDATE audit SET data = replace(data, 'victim', 'suspect') WHERE seq = 2", 2],
  ['a deleted entry', 'DELETE FROM audit WHERE seq = 2', 3],
  ['a re-hashed edit (the next link breaks)', "UPDATE audit SET actor = 'someone else' WHERE seq = 3", 3],
] as const) {
  test(`audit verify reports the first broken link after ${what}`, async () => {
    const { dir, id, file } = await caseWithHistory();
    const raw = new Database(file);
    raw.exec(tamper);
    if (what.startsWith('a re-hashed')) {
      // A forger who recomputes the edited entry's own hash still breaks the link from the next one.
      const { entryHash } = await import('../../../../electron/core/cases/audit');
      const row = raw.prepare('SELECT * FROM audit WHERE seq = 3').get() as Parameters<typeof entryHash>[0];
      raw.prepare('UPDATE audit SET hash = ? WHERE seq = 3').run(entryHash(row));
    }
    raw.close();
    const { backend } = freshBackend(dir);
    const verdict = await ok(backend, 'audit.verify', { caseId: id });
    assert.equal(verdict.ok, false);
    assert.equal(verdict.firstBroken!.seq, what.startsWith('a re-hashed') ? 4 : seq);
    await backend.close();
  });
}
