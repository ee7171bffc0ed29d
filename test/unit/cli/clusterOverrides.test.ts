import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { importDataset } from '../../../electron/core/ingest/importDataset';
import { openStore } from '../../../electron/core/store/openStore';
import { FIXTURES, tempDir } from '../helpers';
import { cairn, json } from './cliRun';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
/** Cluster e4663 of that block (test/unit/core/cases/caseClusters.test.ts): SIX spends from A–F, THREE from A, F and G. */
const [A, B, F, G] = ['3J6QnQjaGurburx25Ph2vEbTcVb4EVePvW', '32E4Fd8fNSuD542g8xhY977PJSHKR9ad5Y', '3Ei1r2jTzZcDa6v28TcDgBVk9HWS9SCM8j', '3C1S6wJ4JHynvJ7GPrksurDda99MxveqaB'];
const SIX = '9d35e6139bd01f86a4d0974c4808f9da7560e4e6e0e2cac5c3db52b00bcfe1dc';
const THREE = '7ca70551d22181fa7bade2450eee09d9e42c48fdb8f2b3928ef6c07ac187ca73';
const OVERRIDE_KEYS = ['id', 'kind', 'chain', 'a', 'b', 'tx', 'note', 'createdAt', 'createdBy'];

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const ws = tempDir();
let caseId = '';
before(async () => {
  // The collapse guard at 20 addresses (not settable from the command line) gives the block two held merges.
  const db = openStore(join(ws, 'store.sqlite'));
  await importDataset(db, { paths: [BLOCK_702861] }, { collapseGuard: 20 });
  db.close();
  caseId = (json(ws, 'case', 'create', 'CLI overrides') as { id: string }).id;
});

test('cairn clusters split / reject / confirm N / overrides / remove-override --case, in stable JSON shapes', () => {
  const split = json(ws, 'clusters', 'split', 'btc', A, '--case', caseId, '--note', 'custodian') as Record<string, unknown>;
  assert.deepEqual(Object.keys(split), OVERRIDE_KEYS);
  assert.deepEqual([split.kind, split.a, split.b, split.tx, split.note], ['split', A, null, null, 'custodian']);

  const shown = json(ws, 'clusters', 'show', 'btc', A, '--case', caseId) as Record<string, unknown>;
  assert.deepEqual(Object.keys(shown), ['cluster', 'size', 'label', 'addresses', 'evidence', 'automatic', 'overrides']);
  assert.deepEqual([shown.cluster, shown.size, shown.addresses, shown.automatic], ['e4663.4663', 1, [A], { cluster: 'e4663', size: 7 }]);
  // Without --case, the store's cluster in the shape of before.
  const store = json(ws, 'clusters', 'show', 'btc', A) as Record<string, unknown>;
  assert.deepEqual([Object.keys(store), store.size], [['cluster', 'size', 'label', 'addresses', 'evidence'], 7]);
  assert.deepEqual(json(ws, 'clusters', 'why', 'btc', B, G, '--case', caseId), {
    joined: true,
    steps: [
      { from: B, to: F, tx: SIX, heuristic: 'multi-input' },
      { from: F, to: G, tx: THREE, heuristic: 'multi-input' },
    ],
  });

  // confirm N takes the N-th merge as `clusters held` numbers it.
  const held = cairn(ws, 'clusters', 'held');
  assert.equal(held.code, 0, held.err);
  const line = /^ {2}1\. Bitcoin: (\S+) \(cluster of 36\) \+ (\S+) \(cluster of 84\) {2}tx ([0-9a-f]{64}) \(multi-input\)$/m.exec(held.out);
  assert.ok(line, held.out);
  const first = { a: line[1]!, b: line[2]!, tx: line[3]! };
  const confirm = json(ws, 'clusters', 'confirm', '1', '--case', caseId) as Record<string, unknown>;
  assert.deepEqual([confirm.kind, confirm.a, confirm.b, confirm.tx], ['confirm', first.a, first.b, first.tx]);
  const why = cairn(ws, 'clusters', 'why', 'btc', first.a, first.b, '--case', caseId);
  assert.equal(why.code, 0, why.err);
  assert.match(why.out, new RegExp(`^  ${first.a} → ${first.b}  tx ${first.tx} \\(multi-input, held and confirmed by override ${String(confirm.id)}\\)$`, 'm'));

  const reject = json(ws, 'clusters', 'reject', 'btc', THREE, '--case', caseId) as Record<string, unknown>;
  assert.deepEqual([reject.kind, reject.tx], ['reject', THREE]);
  const list = json(ws, 'clusters', 'overrides', '--case', caseId) as Record<string, unknown>[];
  assert.deepEqual(list.map((o) => [o.id, o.kind]), [[split.id, 'split'], [confirm.id, 'confirm'], [reject.id, 'reject']]);
  const human = cairn(ws, 'clusters', 'overrides', '--case', caseId);
  assert.match(human.out, new RegExp(`^override ${String(split.id)}: Bitcoin: split ${A} out of its cluster \\(.+\\) — custodian$`, 'm'));
  assert.deepEqual(json(ws, 'clusters', 'remove-override', String(reject.id), '--case', caseId), { removed: true });
  assert.equal((json(ws, 'clusters', 'overrides', '--case', caseId) as unknown[]).length, 2);
});

test('cairn clusters overrides refuse a wrong use with one line', () => {
  for (const [args, pattern] of [
    [['clusters', 'split', 'btc', A], /^cairn: clusters split needs --case CASE/],
    [['clusters', 'confirm', '9', '--case', caseId], /^cairn: there is no held merge 9: cairn clusters held lists 2 merges/],
    [['clusters', 'confirm', 'btc', A, '--case', caseId], /^cairn: clusters confirm needs N/],
    [['clusters', 'reject', 'btc', '118970792f15cdb90645be0d265ba6c04ab3f3d36a16efe2c4b97801a730b3fa', '--case', caseId], /^cairn: transaction 118970792f15cdb9.* merges no addresses/],
  ] as const) {
    const r = cairn(ws, ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, pattern);
  }
});
