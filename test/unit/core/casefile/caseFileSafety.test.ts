import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { caseMigrations } from '../../../../electron/core/cases/caseMigrations';
import { migrate } from '../../../../electron/core/store/migrate';
import { fails, freshBackend, ok } from '../backendHelpers';
import { tempDir } from '../../helpers';

const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A valid current case file made by Cairn in a scratch workspace, to be altered by hand. */
async function madeCase(name: string): Promise<string> {
  const { backend, dir } = freshBackend();
  const { id } = await ok(backend, 'case.create', { name });
  const g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: VICTIM, role: 'victim' });
  await ok(backend, 'tag.add', { caseId: id, target: { kind: 'node', nodeId: g.nodes[0]!.id }, label: 'victim wallet' });
  await backend.close();
  return join(dir, 'cases', `${id}.cairn`);
}

/** A version-10 case whose stored undo step is hostile SQL aimed at the receiver's store. */
function legacyCaseWithHostileUndo(file: string, storeFile: string): void {
  const db = new Database(file);
  migrate(db, file, caseMigrations, 10);
  db.exec(`INSERT INTO meta (key, value) VALUES ('name', 'hostile'), ('created_at', '2026-01-01T00:00:00Z')`);
  db.exec('DELETE FROM undo_log');
  db.prepare("INSERT INTO undo_log (sql) VALUES (?)").run(`COMMIT; ATTACH DATABASE '${storeFile}' AS s; CREATE TABLE s.pwned (x); BEGIN;`);
  db.exec(`INSERT INTO undo_step (stack, label, first_seq, last_seq) SELECT 'undo', 'Innocent step', max(seq), max(seq) FROM undo_log`);
  db.close();
}

function storeTables(storeFile: string): string[] {
  const db = new Database(storeFile, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  } finally {
    db.close();
  }
}

test('crafted case files are refused or harmless, name the file and reason, and leave other cases and the file bytes alone', async () => {
  const { backend, dir } = freshBackend();
  const { id: good } = await ok(backend, 'case.create', { name: 'good case' });
  await backend.close();
  const casesDir = join(dir, 'cases');
  const storeFile = join(dir, 'store.sqlite');

  const crafted: Record<string, { make: (file: string) => Promise<void> | void; reason: RegExp }> = {
    'stored-undo-sql': { make: (f) => legacyCaseWithHostileUndo(f, storeFile), reason: /older version of Cairn, before case logs were signed/ },
    trigger: {
      make: async (f) => {
        copyFileSync(await madeCase('trigger'), f);
        const db = new Database(f);
        db.exec("CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN DELETE FROM tag; UPDATE seed SET role = 'suspect'; END;");
        db.close();
      },
      reason: /holds a trigger "wipe" that Cairn does not make/,
    },
    'recursive-view': {
      make: async (f) => {
        copyFileSync(await madeCase('view'), f);
        const db = new Database(f);
        db.exec(`DROP TABLE node; CREATE VIEW node AS WITH RECURSIVE r(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM r) SELECT id, 'address' AS kind, NULL AS chain, NULL AS addr, NULL AS parent_node, NULL AS direction, NULL AS page_offset, NULL AS remaining, 0 AS x, 0 AS y, 0 AS hidden FROM r`);
        db.close();
      },
      reason: /has a view where Cairn makes the table "node"/,
    },
    'future-version': {
      make: async (f) => {
        copyFileSync(await madeCase('future'), f);
        const db = new Database(f);
        db.pragma('journal_mode = DELETE');
        db.pragma('user_version = 999');
        db.close();
      },
      reason: /newer version of Cairn \(schema 999/,
    },
    'negative-version': {
      make: async (f) => {
        copyFileSync(await madeCase('negative'), f);
        const db = new Database(f);
        db.pragma('journal_mode = DELETE');
        db.pragma('user_version = -5');
        db.close();
      },
      reason: /schema version -5, which no version of Cairn writes/,
    },
    'random-bytes': { make: (f) => writeFileSync(f, createHash('sha512').update('noise').digest()), reason: /does not start with the SQLite header/ },
    symlink: { make: (f) => symlinkSync('/etc/passwd', f), reason: /symbolic link/ },
  };
  const before: Record<string, string> = {};
  for (const [name, c] of Object.entries(crafted)) {
    await c.make(join(casesDir, `${name}.cairn`));
    if (name !== 'symlink') before[name] = sha(join(casesDir, `${name}.cairn`));
  }

  const { backend: b2 } = freshBackend(dir);
  const list = await ok(b2, 'case.list', {});
  assert.equal(list.length, 1 + Object.keys(crafted).length, 'every file is listed, none stops the list');
  for (const [name, c] of Object.entries(crafted)) {
    const s = list.find((x) => x.id === name)!;
    assert.equal(s.origin, 'broken', name);
    assert.ok(s.problem?.includes(`${name}.cairn`), `${name}: the reason names the file: ${s.problem}`);
    assert.match(s.problem!, c.reason, name);
    await fails(b2, 'graph.get', { caseId: name }, 'bad_input', c.reason);
    await fails(b2, 'case.undo', { caseId: name }, 'bad_input');
  }
  // The good case keeps working beside them.
  const g = await ok(b2, 'case.addSeed', { caseId: good, chain: 'eth', address: VICTIM, role: 'victim' });
  assert.equal(g.seeds.length, 1);
  assert.equal((await ok(b2, 'audit.verify', { caseId: good })).ok, true);
  await b2.close();

  for (const [name, hash] of Object.entries(before)) assert.equal(sha(join(casesDir, `${name}.cairn`)), hash, `${name}.cairn was not changed`);
  assert.ok(!storeTables(storeFile).includes('pwned'), 'no SQL from a case file ran on the store');
});

test('a case of this workspace from before signed logs is upgraded without running its stored undo SQL', async () => {
  // A workspace as an earlier Cairn left it: no registry yet, so its cases are adopted as its own.
  const dir = tempDir();
  const { backend } = freshBackend(dir);
  await backend.close();
  const storeFile = join(dir, 'store.sqlite');
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, 'case-registry.json'));
  legacyCaseWithHostileUndo(join(dir, 'cases', 'old-case.cairn'), storeFile);

  const { backend: b2 } = freshBackend(dir);
  const g = await ok(b2, 'graph.get', { caseId: 'old-case' });
  assert.equal(g.undo, null, 'the stored undo step is gone, not offered');
  await fails(b2, 'case.undo', { caseId: 'old-case' }, 'conflict', /nothing to undo/);
  const verdict = await ok(b2, 'audit.verify', { caseId: 'old-case' });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  const log = await ok(b2, 'audit.list', { caseId: 'old-case' });
  assert.equal(log.items[0]!.action, 'case.upgrade');
  await b2.close();
  assert.ok(!storeTables(storeFile).includes('pwned'), 'the stored SQL never ran');
});

test('a valid case file copied in by hand opens read-only, and reading it changes no byte', async () => {
  const source = await madeCase('copied in');
  const { backend, dir } = freshBackend();
  await backend.close();
  const file = join(dir, 'cases', 'copied-in.cairn');
  copyFileSync(source, file);
  const hash = sha(file);
  const { backend: b2 } = freshBackend(dir);
  const [s] = await ok(b2, 'case.list', {});
  assert.equal(s!.origin, 'foreign');
  assert.equal(s!.readOnly, true);
  const g = await ok(b2, 'graph.get', { caseId: 'copied-in' });
  assert.equal(g.seeds.length, 1);
  assert.equal(g.undo, null);
  await fails(b2, 'case.addSeed', { caseId: 'copied-in', chain: 'eth', address: VICTIM, role: 'suspect' }, 'forbidden', /not created in this workspace and is read-only/);
  const verdict = await ok(b2, 'audit.verify', { caseId: 'copied-in' });
  assert.equal(verdict.ok, false, 'signed by a key this workspace does not trust');
  assert.match(verdict.problems.map((p) => p.reason).join('\n'), /does not trust/);
  await b2.close();
  assert.equal(sha(file), hash);
});
