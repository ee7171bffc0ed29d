import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { entryHash, GENESIS_HASH, type AuditRecord } from '../../../../electron/core/cases/audit';
import { ephemeralSigner, type Signer } from '../../../../electron/core/casefile/keys';
import { ok, freshBackend } from '../backendHelpers';

const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const OTHER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';

/** A case with seven entries: create, seed, rename, add address, tag, move, and an undone move. */
async function caseWithHistory() {
  const { backend, dir } = freshBackend();
  await ok(backend, 'settings.set', { investigator: 'Det. Insp. Kaur' });
  const { id } = await ok(backend, 'case.create', { name: 'audit' });
  await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: VICTIM, role: 'victim' });
  await ok(backend, 'case.rename', { caseId: id, name: 'Audit renamed' });
  let g = await ok(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: OTHER });
  const node = g.nodes.find((n) => n.kind === 'address' && n.address === OTHER)!;
  g = await ok(backend, 'tag.add', { caseId: id, target: { kind: 'node', nodeId: node.id }, label: 'Exchange deposit', confidence: 80 });
  g = await ok(backend, 'graph.move', { caseId: id, positions: [{ nodeId: node.id, x: 123.25, y: -7.5 }] });
  await ok(backend, 'case.undo', { caseId: id });
  // A second case that tampering with the first must leave alone.
  const { id: other } = await ok(backend, 'case.create', { name: 'bystander' });
  await backend.close();
  return { dir, id, other, file: join(dir, 'cases', `${id}.cairn`) };
}

type Row = AuditRecord;

/** Recomputes the chain from `from` on, as a forger would; re-signs with `signer` if given. */
function rechain(db: Database.Database, from: number, signer: Signer | null): void {
  const rows = db.prepare('SELECT * FROM audit WHERE seq >= ? ORDER BY seq').all(from) as Row[];
  let prev = from === 1 ? GENESIS_HASH : (db.prepare('SELECT hash FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT 1').pluck().get(from) as string);
  for (const r of rows) {
    r.prev_hash = prev;
    if (signer) r.pubkey = signer.publicKey;
    r.hash = entryHash(r);
    if (signer) r.sig = signer.sign(Buffer.from(r.hash, 'hex')).toString('hex');
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ?, pubkey = ?, sig = ? WHERE seq = ?').run(r.prev_hash, r.hash, r.pubkey, r.sig, r.seq);
    prev = r.hash;
  }
}

test('every change is a signed entry of a hash-chained log with the investigator name, and it verifies', async () => {
  const { dir, id } = await caseWithHistory();
  const { backend } = freshBackend(dir);
  const log = await ok(backend, 'audit.list', { caseId: id });
  assert.deepEqual(
    log.items.map((e) => e.action).reverse(),
    ['case.create', 'case.addSeed', 'case.rename', 'graph.addAddress', 'tag.add', 'graph.move', 'case.undo'],
  );
  assert.ok(log.items.every((e) => e.actor === 'Det. Insp. Kaur'));
  const key = await ok(backend, 'keys.info', {});
  assert.ok(log.items.every((e) => e.signedBy === key.fingerprint), 'signed with this workspace key');
  const ordered = [...log.items].reverse();
  assert.equal(ordered[0].prevHash, GENESIS_HASH);
  for (let i = 1; i < ordered.length; i++) assert.equal(ordered[i].prevHash, ordered[i - 1].hash);
  assert.deepEqual(ordered[2].data, { from: 'audit', to: 'Audit renamed' });
  const verdict = await ok(backend, 'audit.verify', { caseId: id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  assert.equal(verdict.entries, 7);
  assert.deepEqual(verdict.signers.map((s) => ({ own: s.own, trusted: s.trusted, entries: s.entries, name: s.name })), [{ own: true, trusted: true, entries: 7, name: 'Det. Insp. Kaur' }]);
  await backend.close();
});

/**
 * Tamperings a hostile or careless holder of the file could make, each with what verification
 * must say. A forger has the file but not this workspace's private key.
 */
const TAMPERINGS: { what: string; tamper: (db: Database.Database, ctx: { file: string; older: string }) => void; expect: RegExp }[] = [
  { what: 'the last entry deleted', tamper: (db) => db.exec('DELETE FROM audit WHERE seq = 7'), expect: /removed from the end/ },
  { what: 'every entry deleted', tamper: (db) => db.exec('DELETE FROM audit'), expect: /log is empty/ },
  { what: 'a middle entry deleted', tamper: (db) => db.exec('DELETE FROM audit WHERE seq = 3'), expect: /expected entry 3 next, found 4/ },
  {
    what: 'two entries swapped',
    tamper: (db) => db.exec('UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -1'),
    expect: /link to the previous entry does not match/,
  },
  { what: 'an entry edited', tamper: (db) => db.exec("UPDATE audit SET actor = 'someone else' WHERE seq = 2"), expect: /do not match its hash/ },
  {
    what: 'an entry edited and the chain re-hashed',
    tamper: (db) => {
      db.exec("UPDATE audit SET data = replace(data, 'victim', 'suspect') WHERE seq = 2");
      rechain(db, 2, null);
    },
    expect: /signature does not verify/,
  },
  {
    what: 'an entry edited, re-hashed and re-signed with another key',
    tamper: (db) => {
      db.exec("UPDATE audit SET actor = 'Insp. Forger' WHERE seq = 3");
      rechain(db, 3, ephemeralSigner());
    },
    expect: /does not trust/,
  },
  {
    what: 'a forged entry inserted in the middle',
    tamper: (db) => {
      db.exec('UPDATE audit SET seq = -(seq + 1) WHERE seq >= 4; UPDATE audit SET seq = -seq WHERE seq < 0');
      db.exec("INSERT INTO audit (seq, time, actor, action, label, data, changes, undo_of, prev_hash, hash, pubkey, sig) SELECT 4, time, actor, 'case.note', 'Note', '{}', '[]', NULL, '', '', pubkey, sig FROM audit WHERE seq = 3");
      rechain(db, 4, ephemeralSigner());
    },
    expect: /does not trust/,
  },
  {
    what: 'a forged entry appended, signed with another key',
    tamper: (db) => {
      const forger = ephemeralSigner();
      const last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const r = { seq: last.seq + 1, time: new Date().toISOString(), actor: 'Det. Insp. Kaur', action: 'case.rename', label: 'Rename', data: '{}', changes: '[]', undo_of: null, prev_hash: last.hash, pubkey: forger.publicKey };
      const hash = entryHash(r);
      db.prepare('INSERT INTO audit (seq, time, actor, action, label, data, changes, undo_of, prev_hash, hash, pubkey, sig) VALUES (@seq, @time, @actor, @action, @label, @data, @changes, @undo_of, @prev_hash, @hash, @pubkey, @sig)').run({
        ...r,
        hash,
        sig: forger.sign(Buffer.from(hash, 'hex')).toString('hex'),
      });
    },
    expect: /does not trust/,
  },
  {
    what: 'the whole log rewritten and re-signed with another key',
    tamper: (db) => {
      db.exec("UPDATE audit SET actor = 'Insp. Forger'");
      rechain(db, 1, ephemeralSigner());
    },
    expect: /7 entries are signed by key .* does not trust/,
  },
  {
    what: 'two signatures swapped',
    tamper: (db) => db.exec('UPDATE audit SET sig = (SELECT sig FROM audit WHERE seq = 5) WHERE seq = 4; UPDATE audit SET sig = (SELECT sig FROM audit WHERE seq = 3) WHERE seq = 5'),
    expect: /entry 4|signature does not verify/,
  },
  {
    what: 'the signatures stripped to pass as entries older than signing',
    tamper: (db) => {
      db.exec('UPDATE audit SET pubkey = NULL, sig = NULL');
      rechain(db, 1, null);
    },
    expect: /unsigned but records changes|no entry of the log is signed/,
  },
  { what: 'a tag edited in its table', tamper: (db) => db.exec("UPDATE tag SET label = 'Lazarus Group'"), expect: /table tag: row 1 has label = "Lazarus Group" in the file but "Exchange deposit" in the log/ },
  { what: 'a seed deleted from its table', tamper: (db) => db.exec('DELETE FROM seed'), expect: /table seed: row 1 made by the log is missing from the file/ },
  { what: 'a node inserted into its table', tamper: (db) => db.exec("INSERT INTO node (kind, chain, addr) VALUES ('address', 'eip155:1', '0x0000000000000000000000000000000000000001')"), expect: /table node: row 3 is in the file but no log entry made it/ },
  { what: 'a seed’s role changed in its table', tamper: (db) => db.exec("UPDATE seed SET role = 'suspect'"), expect: /table seed: row 1 has role = "suspect"/ },
  { what: 'the case renamed in its meta table', tamper: (db) => db.exec("UPDATE meta SET value = 'Other' WHERE key = 'name'"), expect: /table meta: row name has value = "Other"/ },
  {
    what: 'the file replaced by an older copy of itself',
    tamper: (_db, { file, older }) => {
      copyFileSync(older, file);
    },
    expect: /removed from the end/,
  },
];

for (const t of TAMPERINGS) {
  test(`audit verify names the tampering: ${t.what}`, async () => {
    const { dir, id, other, file } = await caseWithHistory();
    // An older copy, for the rollback: the same case as it stood before its last two entries.
    const older = join(dir, 'older.cairn');
    {
      const db = new Database(file);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      copyFileSync(file, older);
      const o = new Database(older);
      // Entries 6 and 7 (a move and its undo) left the tables as entry 5 did: a consistent older copy.
      o.exec('DELETE FROM audit WHERE seq >= 6');
      o.close();
    }
    const db = new Database(file);
    t.tamper(db, { file, older });
    db.close();
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const { backend } = freshBackend(dir);
    const verdict = await ok(backend, 'audit.verify', { caseId: id });
    assert.equal(verdict.ok, false, `not detected: ${t.what}`);
    assert.ok(
      verdict.problems.some((p) => t.expect.test(`entry ${p.seq}: ${p.reason}`)),
      `expected a problem matching ${t.expect}, got:\n${verdict.problems.map((p) => `  ${p.seq}: ${p.reason}`).join('\n')}`,
    );
    // The other case of the workspace is untouched and still verifies.
    assert.equal((await ok(backend, 'audit.verify', { caseId: other })).ok, true);
    await backend.close();
  });
}

test('undo applies the recorded inverse, is itself a signed entry, and redo reapplies it', async () => {
  const { dir, id } = await caseWithHistory();
  const { backend } = freshBackend(dir);
  let g = await ok(backend, 'graph.get', { caseId: id });
  assert.equal(g.undo, 'Tag “Exchange deposit”');
  assert.equal(g.redo, 'Move 1 node');
  g = await ok(backend, 'case.redo', { caseId: id });
  const moved = g.nodes.find((n) => n.kind === 'address' && n.address === OTHER)!;
  assert.deepEqual([moved.x, moved.y], [123.25, -7.5]);
  g = await ok(backend, 'case.undo', { caseId: id });
  g = await ok(backend, 'case.undo', { caseId: id });
  assert.equal(g.nodes.find((n) => n.kind === 'address' && n.address === OTHER)!.kind === 'address' && (g.nodes.find((n) => n.kind === 'address' && n.address === OTHER) as { tags: unknown[] }).tags.length, 0);
  const verdict = await ok(backend, 'audit.verify', { caseId: id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  assert.equal(verdict.entries, 10);
  await backend.close();
});
