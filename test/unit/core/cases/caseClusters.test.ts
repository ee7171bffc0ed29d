/**
 * A case's overrides of the automatic clusters (cases/caseClusters.ts), on the real store of
 * mainnet block 702861, imported with the collapse guard at 20 addresses so that the block holds
 * real held merges. Its cluster e4663 is two real transactions:
 * - 9d35e613… spends from six addresses A–F (A first: the store records A–B, A–C, … A–F);
 * - 7ca70551… spends from A, F and G (the store records only A–G: A and F were already one).
 * So the store's evidence is a star on A, and only re-deriving from the facts can say what
 * holds once A is split out or 9d35e613… is rejected.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openBackend } from '../../../../electron/core/backend';
import type { Backend } from '../../../../electron/core/backendTypes';
import { WorkspaceKeys } from '../../../../electron/core/casefile/keys';
import { CaseRegistry } from '../../../../electron/core/casefile/registry';
import { addOverride, caseClusterMembers, caseClusterOf, CaseViewTooLarge } from '../../../../electron/core/cases/caseClusters';
import { CaseFiles, type Actor } from '../../../../electron/core/cases/caseFiles';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { ensureWorkspace } from '../../../../electron/core/workspace';
import { FIXTURES, tempDir } from '../../helpers';
import { fails, ok } from '../backendHelpers';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const BTC = 'bip122:000000000019d6689c085ae165831e93';
const MULTI = 'multi-input';
const [A, B, C, D, E, F, G] = [
  '3J6QnQjaGurburx25Ph2vEbTcVb4EVePvW',
  '32E4Fd8fNSuD542g8xhY977PJSHKR9ad5Y',
  '3GeoEpBq4Ks4h8ZYeodMRnaDxygAof4gAp',
  '3Mm7jjAkvymrkotVoMkNaYcuo3eJLaxRJR',
  '3Gu2LM7Dbzx7sRafzxas9CDWBVCk3AD7tp',
  '3Ei1r2jTzZcDa6v28TcDgBVk9HWS9SCM8j',
  '3C1S6wJ4JHynvJ7GPrksurDda99MxveqaB',
] as const;
/** Spends from A–F. */
const SIX = '9d35e6139bd01f86a4d0974c4808f9da7560e4e6e0e2cac5c3db52b00bcfe1dc';
/** Spends from A, F and G. */
const THREE = '7ca70551d22181fa7bade2450eee09d9e42c48fdb8f2b3928ef6c07ac187ca73';
/** A Whirlpool round of the block: a CoinJoin, which merges nothing. */
const WHIRLPOOL = '118970792f15cdb90645be0d265ba6c04ab3f3d36a16efe2c4b97801a730b3fa';
const GUARD = 20;

/** A workspace whose store holds block 702861 clustered with the collapse guard at GUARD. */
async function workspace(dir: string, investigator: string): Promise<Backend> {
  const db = openStore(join(dir, 'store.sqlite'));
  await importDataset(db, { paths: [BLOCK_702861] }, { collapseGuard: GUARD });
  db.close();
  const backend = openBackend({ workspaceDir: dir, shell: 'cli' });
  await ok(backend, 'settings.set', { investigator });
  return backend;
}

// The investigator's workspace, shared by the tests (each works in its own case). Made here, not
// in a test: a folder made in a test is removed when that test ends.
const SENDER_DIR = tempDir();
let shared: Promise<Backend> | null = null;
const sender = async (): Promise<{ backend: Backend }> => ({ backend: await (shared ??= workspace(SENDER_DIR, 'DS Mensah')) });
after(async () => (await shared)?.close());

async function newCase(backend: Backend, name: string): Promise<string> {
  return (await ok(backend, 'case.create', { name })).id;
}

const show = (backend: Backend, address: string, caseId?: string) => ok(backend, 'clusters.show', { chain: 'btc', address, caseId, limit: 1000 });
const why = (backend: Backend, a: string, b: string, caseId?: string) => ok(backend, 'clusters.why', { chain: 'btc', a, b, caseId });

test('the cluster of the fixture: seven addresses joined by two transactions, the store recording a star on A', async () => {
  const { backend } = await sender();
  const c = await show(backend, B);
  assert.equal(c.cluster, 'e4663');
  assert.deepEqual([...c.addresses].sort(), [A, B, C, D, E, F, G].sort());
  assert.deepEqual(await why(backend, F, G), {
    joined: true,
    steps: [
      { from: F, to: A, tx: SIX, heuristic: MULTI },
      { from: A, to: G, tx: THREE, heuristic: MULTI },
    ],
  });
  // THREE also joins A and F, but the store recorded only its merge of G.
  assert.deepEqual((await show(backend, F)).evidence, [{ tx: SIX, heuristic: MULTI }]);
  // A case with no override sees the store's cluster, and says so.
  const caseId = await newCase(backend, 'No overrides');
  assert.deepEqual(await show(backend, B, caseId), { ...c, automatic: { cluster: 'e4663', size: 7 }, overrides: [] });
  assert.deepEqual(await why(backend, F, G, caseId), await why(backend, F, G));
});

test('split: the address alone in the case, the rest of its cluster still one where another transaction joins it', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Split A');
  const o = await ok(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: A, note: 'a shared custodian address' });
  assert.deepEqual([o.kind, o.chain, o.a, o.b, o.tx, o.note, o.createdBy], ['split', BTC, A, null, null, 'a shared custodian address', 'DS Mensah']);

  const alone = await show(backend, A, caseId);
  assert.deepEqual([alone.cluster, alone.size, alone.addresses, alone.evidence], ['e4663.4663', 1, [A], []]);
  assert.deepEqual(alone.automatic, { cluster: 'e4663', size: 7 });
  assert.deepEqual(alone.overrides, [o]);
  // B–F are still inputs of SIX together, and F and G of THREE: the six stay one and keep the name.
  const rest = await show(backend, G, caseId);
  assert.deepEqual([rest.cluster, rest.size, [...rest.addresses].sort()], ['e4663', 6, [B, C, D, E, F, G].sort()]);
  assert.deepEqual(rest.evidence, [{ tx: THREE, heuristic: MULTI }]);
  assert.deepEqual(await why(backend, B, G, caseId), {
    joined: true,
    steps: [
      { from: B, to: F, tx: SIX, heuristic: MULTI },
      { from: F, to: G, tx: THREE, heuristic: MULTI },
    ],
  });
  assert.deepEqual(await why(backend, A, B, caseId), { joined: false, steps: [] });
  // The store and other cases are untouched.
  assert.equal((await show(backend, A)).size, 7);
  assert.equal((await show(backend, A, await newCase(backend, 'Another'))).size, 7);
});

test('reject: two transactions join A and F, so rejecting one keeps them joined; rejecting both parts them', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Reject SIX');
  const o = await ok(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc', tx: SIX.toUpperCase() });
  assert.deepEqual([o.kind, o.a, o.b, o.tx, o.note], ['reject', null, null, SIX, '']);

  // The store's only record of A–F is SIX's; THREE joins them too, and the case sees that.
  assert.deepEqual(await why(backend, A, F, caseId), { joined: true, steps: [{ from: A, to: F, tx: THREE, heuristic: MULTI }] });
  const kept = await show(backend, F, caseId);
  assert.deepEqual([kept.cluster, kept.size, [...kept.addresses].sort(), kept.evidence], ['e4663', 3, [A, F, G].sort(), [{ tx: THREE, heuristic: MULTI }]]);
  // B, C, D and E were joined by SIX alone: each is a cluster of one, named distinctly.
  const ones = await Promise.all([B, C, D, E].map((x) => show(backend, x, caseId)));
  assert.deepEqual(ones.map((x) => [x.size, x.addresses, x.evidence]), [B, C, D, E].map((x) => [1, [x], []]));
  assert.equal(new Set(ones.map((x) => x.cluster)).size, 4);
  for (const x of ones) assert.match(x.cluster, /^e4663\.[0-9]+$/);
  assert.deepEqual(await why(backend, B, C, caseId), { joined: false, steps: [] });

  await ok(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc', tx: THREE });
  assert.deepEqual(await why(backend, A, F, caseId), { joined: false, steps: [] });
  assert.equal((await show(backend, A, caseId)).size, 1);
  assert.equal((await ok(backend, 'clusters.overrides', { caseId })).length, 2);
});

test('confirm: a merge the collapse guard held is applied in the case, and "why" names the override', async () => {
  const { backend } = await sender();
  const held = await ok(backend, 'clusters.held', {});
  assert.equal(held.total, 2);
  const m = held.items[0]!;
  assert.deepEqual([m.aSize, m.bSize, m.heuristic], [36, 84, MULTI]);
  const [sizeA, sizeB] = [(await show(backend, m.a)).size, (await show(backend, m.b)).size];
  assert.deepEqual(await why(backend, m.a, m.b), { joined: false, steps: [] });

  const caseId = await newCase(backend, 'Confirm held');
  // Either order: the override records the merge as the guard held it.
  const o = await ok(backend, 'clusters.override', { caseId, kind: 'confirm', chain: 'btc', a: m.b, b: m.a, tx: m.tx });
  assert.deepEqual([o.kind, o.a, o.b, o.tx], ['confirm', m.a, m.b, m.tx]);
  const joined = await show(backend, m.a, caseId);
  assert.equal(joined.size, sizeA + sizeB);
  const other = await show(backend, m.b, caseId);
  assert.deepEqual([other.cluster, other.size, other.addresses], [joined.cluster, joined.size, joined.addresses]);
  assert.deepEqual(other.overrides, [o]);
  // The part keeps the name of the larger automatic cluster.
  assert.equal(joined.cluster, (await show(backend, sizeA >= sizeB ? m.a : m.b)).cluster);
  assert.deepEqual(await why(backend, m.a, m.b, caseId), { joined: true, steps: [{ from: m.a, to: m.b, tx: m.tx, heuristic: MULTI, override: o.id }] });
  // The store still holds it apart.
  assert.deepEqual(await why(backend, m.a, m.b), { joined: false, steps: [] });

  // Contradictions and repeats are refused, naming the override in the way.
  await fails(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc', tx: m.tx }, 'conflict', new RegExp(`confirms a held merge of transaction ${m.tx}: override ${o.id}`));
  await fails(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: m.b }, 'conflict', /a confirmed merge of case "confirm-held" names/);
  await fails(backend, 'clusters.override', { caseId, kind: 'confirm', chain: 'btc', a: m.a, b: m.b, tx: m.tx }, 'conflict', /already confirmed/);
  // Only a held merge can be confirmed.
  await fails(backend, 'clusters.override', { caseId, kind: 'confirm', chain: 'btc', a: A, b: B, tx: SIX }, 'not_found', /is held for review/);
});

test('undo and redo an override through case.undo / case.redo; every step audited and the log verifies', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Undo overrides');
  const split = await ok(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: F });
  let g = await ok(backend, 'graph.get', { caseId });
  assert.equal(g.undo, 'Split 3Ei1r…CM8j out of its cluster');
  assert.equal((await show(backend, F, caseId)).size, 1);

  g = await ok(backend, 'case.undo', { caseId });
  assert.equal(g.redo, 'Split 3Ei1r…CM8j out of its cluster');
  assert.deepEqual(await ok(backend, 'clusters.overrides', { caseId }), []);
  assert.equal((await show(backend, F, caseId)).size, 7);

  await ok(backend, 'case.redo', { caseId });
  assert.deepEqual(await ok(backend, 'clusters.overrides', { caseId }), [split]);
  assert.equal((await show(backend, F, caseId)).size, 1);

  assert.deepEqual(await ok(backend, 'clusters.removeOverride', { caseId, overrideId: split.id }), { removed: true });
  assert.equal((await show(backend, F, caseId)).size, 7);
  await ok(backend, 'case.undo', { caseId });
  assert.deepEqual(await ok(backend, 'clusters.overrides', { caseId }), [split]);
  await fails(backend, 'clusters.removeOverride', { caseId, overrideId: 99 }, 'not_found', /no cluster override 99 in case "undo-overrides"/);

  const log = await ok(backend, 'audit.list', { caseId });
  const entries = [...log.items].sort((x, y) => x.seq - y.seq).map((e) => [e.action, e.actor, (e.data as { label?: string }).label ?? null]);
  const label = 'Split 3Ei1r…CM8j out of its cluster';
  assert.deepEqual(entries, [
    ['case.create', 'DS Mensah', null],
    ['override.split', 'DS Mensah', null],
    ['case.undo', 'DS Mensah', label],
    ['case.redo', 'DS Mensah', label],
    ['override.remove', 'DS Mensah', null],
    ['case.undo', 'DS Mensah', 'Remove the split of 3Ei1r…CM8j'],
  ]);
  assert.deepEqual(log.items.find((e) => e.action === 'override.remove')!.data, { overrideId: split.id, kind: 'split', chain: BTC, a: F, b: null, tx: null });
  const made = log.items.find((e) => e.action === 'override.split')!;
  assert.deepEqual(made.data, { overrideId: split.id, kind: 'split', address: `${BTC}:${F}`, note: '' });
  const verdict = await ok(backend, 'audit.verify', { caseId });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
});

test('overrides travel in a bundle: the colleague\'s case verifies, lists them, sees the same clusters and cannot change them', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Hand over overrides');
  const m = (await ok(backend, 'clusters.held', {})).items[0]!;
  await ok(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: A, note: 'custodian' });
  await ok(backend, 'clusters.override', { caseId, kind: 'confirm', chain: 'btc', a: m.a, b: m.b, tx: m.tx });
  const mine = await ok(backend, 'clusters.overrides', { caseId });
  const views = await Promise.all([A, G, m.a].map((x) => show(backend, x, caseId)));
  const bundle = join(tempDir(), 'overrides.cairnbundle');
  await ok(backend, 'case.export', { caseId, path: bundle });

  // The colleague's own store holds the same block, clustered the same way.
  const colleague = await workspace(tempDir(), 'Sgt. Okafor');
  after(() => colleague.close());
  const report = await ok(colleague, 'bundle.inspect', { path: bundle });
  assert.equal(report.ok, true, report.problems.join('\n'));
  const received = await ok(colleague, 'bundle.import', { path: bundle, trustFingerprint: report.sender!.fingerprint });
  assert.equal(received.readOnly, true);
  const verdict = await ok(colleague, 'audit.verify', { caseId: received.id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  assert.deepEqual(await ok(colleague, 'clusters.overrides', { caseId: received.id }), mine);
  assert.deepEqual(await Promise.all([A, G, m.a].map((x) => show(colleague, x, received.id))), views);
  assert.deepEqual(await why(colleague, m.a, m.b, received.id), await why(backend, m.a, m.b, caseId));

  await fails(colleague, 'clusters.override', { caseId: received.id, kind: 'split', chain: 'btc', address: B }, 'forbidden', /read-only/);
  await fails(colleague, 'clusters.removeOverride', { caseId: received.id, overrideId: mine[0]!.id }, 'forbidden', /read-only/);
});

test('manual clusters stay distinct: drawing one joins no automatic cluster, and overrides leave it as drawn', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Manual and automatic');
  const m = (await ok(backend, 'clusters.held', {})).items[0]!;
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: A });
  let g = await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: m.a });
  const nodeOf = (address: string): string => g.nodes.find((n) => n.kind === 'address' && n.address === address)!.id;
  g = await ok(backend, 'cluster.create', { caseId, nodeIds: [nodeOf(A), nodeOf(m.a)], name: 'Suspect wallet', category: 'perpetrator', color: '#d94f4f' });
  const drawn = g.clusters;
  assert.deepEqual(drawn.map((c) => [c.id, c.name, c.members]), [['c1', 'Suspect wallet', 2]]);

  // The drawn cluster is the investigator's; the automatic ones stay as the heuristics made them.
  assert.equal((await show(backend, A, caseId)).size, 7);
  assert.deepEqual(await why(backend, A, m.a, caseId), { joined: false, steps: [] });

  await ok(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: A });
  await ok(backend, 'clusters.override', { caseId, kind: 'confirm', chain: 'btc', a: m.a, b: m.b, tx: m.tx });
  assert.equal((await show(backend, A, caseId)).size, 1);
  assert.deepEqual((await ok(backend, 'graph.get', { caseId })).clusters, drawn);
  await ok(backend, 'case.undo', { caseId });
  await ok(backend, 'case.undo', { caseId });
  assert.deepEqual((await ok(backend, 'graph.get', { caseId })).clusters, drawn);
  assert.equal((await show(backend, A, caseId)).size, 7);
});

test('overrides name what the store holds: unknown addresses and transactions, CoinJoins and repeats are refused', async () => {
  const { backend } = await sender();
  const caseId = await newCase(backend, 'Refusals');
  await fails(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' }, 'not_found', /address 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 on Bitcoin is not in the store/);
  await fails(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: 'not-an-address' }, 'invalid_argument', /the address on Bitcoin/);
  await fails(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc', tx: '11'.repeat(32) }, 'not_found', /is not in the store/);
  await fails(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc', tx: WHIRLPOOL }, 'invalid_argument', /merges no addresses/);
  await fails(backend, 'clusters.override', { caseId, kind: 'merge', chain: 'btc', address: A }, 'invalid_argument');
  await fails(backend, 'clusters.override', { caseId, kind: 'reject', chain: 'btc' }, 'invalid_argument');
  await ok(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: A });
  await fails(backend, 'clusters.override', { caseId, kind: 'split', chain: 'btc', address: A }, 'conflict', /already split out in case "refusals": override 1/);
  await fails(backend, 'clusters.overrides', { caseId: 'no-such-case' }, 'not_found', /no case "no-such-case"/);
});

test('a cluster too large to re-derive is refused with its size and the limit, and untouched clusters are read as the store has them', async () => {
  const dir = tempDir();
  const paths = ensureWorkspace(dir);
  const store: Db = openStore(paths.store);
  after(() => store.close());
  await importDataset(store, { paths: [BLOCK_702861] }, { collapseGuard: GUARD });
  const keys = new WorkspaceKeys(dir);
  const actor: Actor = { name: 'DS Mensah', now: () => '2026-03-01T09:00:00.000Z', signer: keys.own() };
  const cases = new CaseFiles(paths.cases, new CaseRegistry(dir), () => actor);
  after(() => cases.closeAll());
  const c = cases.create('Limits', actor);
  const chainId = store.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(BTC) as number;
  const id = (address: string): number => findAddressId(store, chainId, address)!;
  const biggest = store.prepare('SELECT root, size FROM entity_root ORDER BY size DESC LIMIT 1').get() as { root: number; size: number };
  const member = store.prepare('SELECT addr FROM address WHERE id = ?').pluck().get(biggest.root) as string;

  const small = { addresses: 500, inputs: 2_000_000 };
  assert.throws(
    () => addOverride(store, c, actor, { kind: 'split', chain: 'btc', address: member, note: '' }, small),
    (error: unknown) => error instanceof CaseViewTooLarge && error.message.includes(`cluster e${biggest.root} holds ${biggest.size.toLocaleString('en-US')} addresses`) && error.message.includes('up to 500 addresses'),
  );
  // Made within the default limits, then read under smaller ones: the same clear error.
  addOverride(store, c, actor, { kind: 'split', chain: 'btc', address: member, note: '' });
  assert.equal(caseClusterOf(store, c, biggest.root).size, 1);
  assert.throws(() => caseClusterOf(store, c, biggest.root, small), /up to 500 addresses/);
  // The inputs bound: e4663's two transactions have 11 inputs.
  addOverride(store, c, actor, { kind: 'split', chain: 'btc', address: B, note: '' });
  const few = { addresses: 100_000, inputs: 10 };
  const fresh = cases.create('Few inputs', actor);
  addOverride(store, fresh, actor, { kind: 'split', chain: 'btc', address: B, note: '' });
  assert.throws(() => caseClusterOf(store, fresh, id(A), few), (error: unknown) => error instanceof CaseViewTooLarge && /more than 10 transaction inputs/.test(error.message));

  // A cluster no override acts on is the store's, named and paged as the store has it.
  const other = store.prepare('SELECT root, size FROM entity_root WHERE root NOT IN (?, ?) ORDER BY size DESC LIMIT 1').get(biggest.root, 4663) as { root: number; size: number };
  const seen = caseClusterOf(store, c, other.root);
  assert.deepEqual(seen, { root: other.root, size: other.size, id: `e${other.root}`, overridden: false });
  const viaCase = caseClusterMembers(store, c, seen, 0, 1_000);
  assert.deepEqual(viaCase, store.prepare('SELECT address_id FROM entity_member WHERE root = ? ORDER BY address_id').pluck().all(other.root));
  // A split part pages its own members.
  const part = caseClusterOf(store, c, id(G));
  assert.deepEqual([part.id, part.size, part.overridden], ['e4663', 6, true]);
  assert.deepEqual(caseClusterMembers(store, c, part, 0, 100), [A, C, D, E, F, G].map(id).sort((x, y) => x - y));
  assert.deepEqual(caseClusterMembers(store, c, part, 2, 2), [A, C, D, E, F, G].map(id).sort((x, y) => x - y).slice(2, 4));

  // A split address never keeps the name, even against one other: a cluster of two split at its root.
  const pair = store.prepare('SELECT root FROM entity_root WHERE size = 2 ORDER BY root LIMIT 1').pluck().get() as number;
  const partner = store.prepare('SELECT address_id FROM entity_member WHERE root = ? AND address_id <> root').pluck().get(pair) as number;
  addOverride(store, c, actor, { kind: 'split', chain: 'btc', address: store.prepare('SELECT addr FROM address WHERE id = ?').pluck().get(pair) as string, note: '' });
  assert.deepEqual(caseClusterOf(store, c, pair), { root: pair, size: 1, id: `e${pair}.${pair}`, overridden: true });
  assert.deepEqual(caseClusterOf(store, c, partner), { root: partner, size: 1, id: `e${pair}`, overridden: true });
});
