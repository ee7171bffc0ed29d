import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ETL, tempDir } from '../helpers';
import { cairn, json } from './cliRun';

test('cairn import, stats, tx and neighbors report exact facts as JSON', () => {
  const ws = tempDir();
  const imported = json(ws, 'import', ETL) as { dataset: { id: number; added: Record<string, number> } };
  assert.equal(imported.dataset.id, 1);
  assert.equal(imported.dataset.added.transfers, 4);

  const stats = json(ws, 'stats') as { chains: unknown[]; datasets: { sources: { sha256: string }[] }[] };
  assert.deepEqual(stats.chains, [{ chain: 'eip155:1', blocks: 1, transactions: 4, transfers: 4, addresses: 9 }]);
  // blocks, transactions, receipts, token_transfers, traces (the logs file and a saved RPC response are left out)
  assert.equal(stats.datasets[0].sources.length, 5);

  const tx = json(ws, 'tx', 'eth', '0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c') as Record<string, unknown>;
  assert.equal(tx.chain, 'eip155:1');
  assert.equal(tx.block, 483920);
  assert.equal(tx.time, 1446561880);
  assert.equal(tx.status, 'unknown');
  assert.deepEqual(
    (tx.transfers as { from: string; to: string; asset: string; value: string }[]).map(({ from, to, asset, value }) => ({ from, to, asset, value })),
    [{ from: '0x9df428a91ff0f3635c8f0ce752933b9788926804', to: '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2', asset: 'native', value: '11000440000000000' }],
  );

  const n = json(ws, 'neighbors', 'eip155:1', '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2', '--direction', 'in') as {
    total: number;
    items: { address: string; count: number; firstTime: number; assets: { received: string; sent: string }[] }[];
  };
  assert.equal(n.total, 1);
  assert.equal(n.items[0].address, '0x9df428a91ff0f3635c8f0ce752933b9788926804');
  assert.deepEqual(n.items[0].assets.map((a) => [a.received, a.sent]), [['11000440000000000', '0']]);
  assert.equal(n.items[0].firstTime, 1446561880);

  const again = json(ws, 'import', ETL) as { dataset: null; alreadyImportedAs: number };
  assert.deepEqual([again.dataset, again.alreadyImportedAs], [null, 1]);
});

test('cairn case create/list/show and audit verify, which fails with the first broken link', () => {
  const ws = tempDir();
  const created = json(ws, 'case', 'create', 'Sinbad', 'follow-up') as { id: string; name: string };
  assert.deepEqual([created.id, created.name], ['sinbad-follow-up', 'Sinbad follow-up']);
  assert.deepEqual((json(ws, 'case', 'list') as { id: string }[]).map((c) => c.id), ['sinbad-follow-up']);
  const show = json(ws, 'case', 'show', 'sinbad-follow-up') as { graph: { nodes: unknown[] } };
  assert.deepEqual(show.graph.nodes, []);

  const good = cairn(ws, 'audit', 'verify', 'sinbad-follow-up');
  assert.equal(good.code, 0);
  assert.match(good.out, /intact: 1 entries, replayed and matching the case/);
  assert.match(good.out, /signed by [0-9A-F ]{39} \(.*this workspace\): 1 entry/);

  const db = new Database(join(ws, 'cases', 'sinbad-follow-up.cairn'));
  db.exec("UPDATE audit SET actor = 'mallory' WHERE seq = 1");
  db.close();
  const bad = cairn(ws, 'audit', 'verify', 'sinbad-follow-up');
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /BROKEN: .*\n  entry 1: its contents do not match its hash/);
});

test('cairn case export, verify, import, continue and merge-evidence hand a case over between two workspaces', () => {
  const a = tempDir();
  const b = tempDir();
  const dir = tempDir();
  cairn(a, 'import', ETL);
  json(a, 'case', 'create', 'Hand', 'over');
  const bundle = join(dir, 'hand-over.cairnbundle');
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'a long passphrase\n');
  const exported = cairn(a, 'case', 'export', 'hand-over', '--out', bundle, '--passphrase-file', pass);
  assert.equal(exported.code, 0, exported.err);
  assert.match(exported.out, /exported case hand-over to .*\(encrypted\)\n  \d+ bytes, sha256 [0-9a-f]{64}/);
  const fingerprint = /signed by key ([0-9A-F ]{39})/.exec(exported.out)![1]!;

  const noPass = cairn(b, 'case', 'verify', bundle);
  assert.equal(noPass.code, 3);
  assert.match(noPass.out, /REFUSED\n  problem: the bundle is encrypted: give its passphrase/);
  const checked = cairn(b, 'case', 'verify', bundle, '--passphrase-file', pass);
  assert.equal(checked.code, 3, 'checks pass but the key is not trusted yet');
  assert.match(checked.out, /every check passed[\s\S]*NOT TRUSTED yet/);
  const refused = cairn(b, 'case', 'import', bundle, '--passphrase-file', pass);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /does not trust yet/);
  assert.deepEqual(json(b, 'case', 'list'), []);

  const imported = json(b, 'case', 'import', bundle, '--passphrase-file', pass, '--trust', fingerprint) as { id: string; readOnly: boolean; origin: string };
  assert.deepEqual([imported.id, imported.readOnly, imported.origin], ['hand-over', true, 'received']);
  assert.equal(cairn(b, 'audit', 'verify', 'hand-over').code, 0);
  assert.equal(cairn(b, 'case', 'continue', 'hand-over').code, 0);
  const merged = json(b, 'case', 'merge-evidence', 'hand-over') as { datasets: number[]; conflicts: string[] };
  assert.deepEqual(merged.conflicts, []);
  const verify = cairn(b, 'audit', 'verify', 'hand-over');
  assert.equal(verify.code, 0, verify.out);
  assert.match(verify.out, /intact: 3 entries/);
});

test('errors exit non-zero with one line naming the problem', () => {
  const ws = tempDir();
  for (const [args, pattern] of [
    [['tx', 'doge', '0x00'], /^cairn: unknown chain "doge"/],
    [['tx', 'eth', '0x' + '1'.repeat(64)], /^cairn: transaction 0x1{64} on Ethereum is not in the store/],
    [['import', join(ws, 'missing.csv')], /^cairn: .*missing\.csv: no such file or folder/],
    [['neighbors', 'eth', 'not-an-address'], /^cairn: not an EVM address/],
    [['frobnicate'], /^cairn: unknown command "frobnicate"/],
  ] as const) {
    const r = cairn(ws, ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, pattern);
    assert.equal(r.err.trim().split('\n')[0].length > 0, true);
    assert.ok(!/\n\s+at /.test(r.err), 'no stack trace');
  }
});

test('cairn generate writes a world the same seed writes again, refuses a used folder and a bad scale; cairn demo builds the sample once', () => {
  const ws = tempDir();
  const out = join(tempDir(), 'world');
  const first = json(ws, 'generate', '--out', out, '--scale', 'tiny', '--seed', 's') as { out: string; transfers: number; victims: number; hops: number };
  assert.equal(first.out, out);
  assert.ok(first.transfers >= 2800 && first.transfers <= 3300, String(first.transfers));
  assert.ok(first.victims >= 10 && first.hops > first.victims);
  const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as { seed: string; written: { transfers: number } };
  assert.equal(truth.seed, 's');
  assert.equal(truth.written.transfers, first.transfers);
  const again = cairn(ws, 'generate', '--out', out, '--scale', 'tiny');
  assert.equal(again.code, 2);
  assert.match(again.err, /--out .* is not empty/);
  const bad = cairn(ws, 'generate', '--out', join(out, 'x'), '--scale', 'huge');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--scale must be tiny, small, medium, large or a number/);

  const demo = json(ws, 'demo') as { dir: string; caseId: string; built: boolean; victims: number };
  assert.equal(demo.dir, join(ws, 'sample'));
  assert.equal(demo.built, true);
  assert.equal(demo.victims, 200);
  const cases = json(join(ws, 'sample'), 'case', 'list') as { id: string; name: string }[];
  // The sample case, and one case per other heist of the campaigns (issue 16), each with a saved trace.
  assert.ok(cases.some((c) => c.id === demo.caseId));
  assert.deepEqual(
    cases.filter((c) => c.id !== demo.caseId).map((c) => c.name.replace(/ \(synthetic; .*\)$/, '')),
    ['Heist X1', 'Heist X2', 'Heist X3', 'Heist Y1', 'Heist Y2', 'Heist Z1', 'Heist Z2'],
  );
  assert.equal((json(ws, 'demo') as { built: boolean }).built, false, 'a second run finds the sample already built');
});
