import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { appendAudit, verifyCase } from '../../../../electron/core/cases/audit';
import { CaseWriter } from '../../../../electron/core/cases/caseTables';
import { migrate } from '../../../../electron/core/store/migrate';
import { addAddress, addTag, createCluster, replay } from '../../../../electron/core/cases/caseEdits';
import { CaseFile, CaseFiles, type Actor } from '../../../../electron/core/cases/caseFiles';
import {
  addLink,
  getTrace,
  listLinks,
  listTraces,
  removeLink,
  removeTrace,
  saveTrace,
  setLinkStatus,
  traceContextOf,
  tracedTransfers,
} from '../../../../electron/core/cases/caseTraces';
import { exportBundle } from '../../../../electron/core/casefile/bundle';
import { WorkspaceKeys } from '../../../../electron/core/casefile/keys';
import { CaseRegistry } from '../../../../electron/core/casefile/registry';
import { checkSqliteFile, openReadOnly } from '../../../../electron/core/casefile/safeOpen';
import { caseMigrations } from '../../../../electron/core/cases/caseMigrations';
import { openStore } from '../../../../electron/core/store/openStore';
import { ensureWorkspace } from '../../../../electron/core/workspace';
import { ApiError } from '../../../../shared/api/contract';
import { TraceResult, TraceSpec } from '../../../../shared/api/traceSchemas';
import { BLK_FIXTURE, tempDir } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

const ETH = 'eip155:1';
const TRON = 'tron:0x2b6653dc';
const BTC = 'bip122:000000000019d6689c085ae165831e93';
const LOCK_TX = '0x469a25f7d73308bdfa1d4044d7fe9d56dd1088381eb5c03c14c21f270121cd9d';
const RELEASE_TX = 'ebf1cb65e514c3faade666d4010f135f0e3f2432938439a0c7c71cc115ba9d8a';
const PAYOUT_TX = '76cd7827d80d0e909a96e80724bb3f2f0f0576509eafd1fb4e097043d21487dc';
const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const OTHER = '0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2';

/** A workspace driven by the core functions, with a clock the test sets. */
function workspace(investigator = 'DS Mensah') {
  const dir = tempDir();
  const paths = ensureWorkspace(dir);
  const keys = new WorkspaceKeys(dir);
  const registry = new CaseRegistry(dir);
  let clock = '2026-03-01T09:00:00.000Z';
  const actor: Actor = { name: investigator, now: () => clock, signer: keys.own() };
  const cases = new CaseFiles(paths.cases, registry, () => actor);
  after(() => cases.closeAll());
  const verify = (c: CaseFile) => verifyCase(c.db, { trusted: keys.trustMap(investigator), ownKey: keys.own().publicKey, rememberedHead: registry.get(c.id)?.head ?? null });
  const at = (time: string): void => {
    clock = time;
  };
  return { dir, keys, registry, actor, cases, verify, at };
}

function apiError(kind: string, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  };
}

const spec = TraceSpec.parse({ method: 'haircut', sources: [{ kind: 'tx', chain: ETH, tx: LOCK_TX, amount: '192100836512' }], maxHops: 4 });
const result = TraceResult.parse({
  method: 'haircut',
  sources: [{ chain: ETH, tx: LOCK_TX, ref: '1:0', from: VICTIM, asset: { id: 2, chain: ETH, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 }, amount: '192100836512', time: 1_685_000_000 }],
  endpoints: [
    {
      chain: TRON,
      address: 'TCfX9GCthyRTfeTivoWrhJuRL6JxDbxLt8',
      display: 'TCfX9GCthyRTfeTivoWrhJuRL6JxDbxLt8',
      label: null,
      category: null,
      asset: { id: 4, chain: TRON, contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6 },
      amount: '191908735676',
      share: 0.999,
      hops: 2,
      firstTime: 1_685_000_300,
      lastTime: 1_685_000_300,
      path: [LOCK_TX, RELEASE_TX],
      reason: 'rest',
      stopRule: null,
    },
  ],
  unresolved: [],
  totals: [],
  transfers: [
    { chain: ETH, tx: LOCK_TX, ref: '1:0', from: VICTIM, to: OTHER, asset: { id: 2, chain: ETH, contract: null, symbol: 'USDT', decimals: 6 }, amount: '192100836512', traced: '192100836512', hops: 1, time: 1_685_000_000 },
    { chain: BTC, tx: PAYOUT_TX, ref: '0', from: null, to: null, asset: { id: 5, chain: BTC, contract: null, symbol: 'BTC', decimals: 8 }, amount: '5', traced: '5', hops: 1, time: 1_685_000_000 },
  ],
  transfersTotal: 2,
  links: [],
  unknownInputs: [],
  datasets: [{ id: 1, format: 'ethereum-etl', sha256: ['ab'.repeat(32)] }],
  addressesFollowed: 3,
});

test('a saved trace keeps its spec and result exactly; it lists without its result, is removed, and each step undoes and redoes with the log verifying', () => {
  const w = workspace();
  const c = w.cases.create('Atomic follow-up', w.actor);
  w.at('2026-03-01T09:30:00.000Z');
  const id = saveTrace(c, w.actor, '  ', spec, result);
  assert.deepEqual(listTraces(c), [{ id, name: 'HAIRCUT trace from 1 source', spec, createdAt: '2026-03-01T09:30:00.000Z', createdBy: 'DS Mensah', endpoints: 1, method: 'haircut' }]);
  const saved = getTrace(c, id);
  assert.deepEqual(saved.spec, spec);
  assert.deepEqual(saved.result, result, 'the result comes back exactly, amounts as decimal strings');
  assert.deepEqual(tracedTransfers(c), [{ chain: ETH, tx: LOCK_TX, ref: '1:0' }, { chain: BTC, tx: PAYOUT_TX, ref: '0' }]);
  const second = saveTrace(c, w.actor, 'Bridge leg', spec, result);
  assert.deepEqual(listTraces(c).map((t) => t.name), ['HAIRCUT trace from 1 source', 'Bridge leg']);

  assert.equal(replay(c, w.actor, 'undo'), 'Save trace “Bridge leg”');
  assert.deepEqual(listTraces(c).map((t) => t.id), [id]);
  assert.equal(replay(c, w.actor, 'redo'), 'Save trace “Bridge leg”');
  assert.deepEqual(getTrace(c, second).result, result);

  assert.equal(removeTrace(c, w.actor, id), true);
  assert.deepEqual(listTraces(c).map((t) => t.id), [second]);
  assert.throws(() => getTrace(c, id), apiError('not_found', /no trace 1 in case "atomic-follow-up"/));
  assert.throws(() => removeTrace(c, w.actor, id), apiError('not_found', /no trace 1/));
  assert.equal(replay(c, w.actor, 'undo'), 'Remove trace “HAIRCUT trace from 1 source”');
  assert.deepEqual(getTrace(c, id).result, result, 'undo brings the removed trace back whole');
  assert.equal(replay(c, w.actor, 'redo'), 'Remove trace “HAIRCUT trace from 1 source”');
  assert.deepEqual(listTraces(c).map((t) => t.id), [second]);

  const verdict = w.verify(c);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  const actions = (c.db.prepare('SELECT action FROM audit ORDER BY seq').pluck().all() as string[]).slice(1);
  assert.deepEqual(actions, ['trace.save', 'trace.save', 'case.undo', 'case.redo', 'trace.remove', 'case.undo', 'case.redo']);
});

test('links: canonical ends, same-chain and duplicates refused, confirm, reject and remove each undoable with words that say what happened, and the log verifies', () => {
  const w = workspace();
  const c = w.cases.create('Links', w.actor);
  w.at('2026-03-01T10:15:00.000Z');
  const bridge = addLink(c, w.actor, {
    from: { chain: 'eth', tx: LOCK_TX.toUpperCase().replace('0X', '0x'), ref: '1:0' },
    to: { chain: 'tron', tx: `0x${RELEASE_TX.toUpperCase()}`, ref: '1:0' },
    kind: 'bridge',
    status: 'rejected',
    evidence: ['out 236,837.597246 USDT is 0.4% over the expected', '5 min after'],
    score: 0.835,
    note: 'amounts close but the receiver is unrelated',
  });
  assert.deepEqual(bridge, {
    id: 1,
    from: { chain: ETH, tx: LOCK_TX, ref: '1:0' },
    to: { chain: TRON, tx: RELEASE_TX, ref: '1:0' },
    kind: 'bridge',
    status: 'rejected',
    evidence: ['out 236,837.597246 USDT is 0.4% over the expected', '5 min after'],
    score: 0.835,
    note: 'amounts close but the receiver is unrelated',
    createdAt: '2026-03-01T10:15:00.000Z',
    createdBy: 'DS Mensah',
  });
  const swap = addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: 'btc', tx: PAYOUT_TX, ref: '0' }, kind: 'manual', status: 'confirmed' });
  assert.deepEqual([swap.from, swap.to, swap.evidence, swap.score, swap.note], [{ chain: ETH, tx: LOCK_TX }, { chain: BTC, tx: PAYOUT_TX, ref: '0' }, [], null, '']);

  assert.throws(
    () => addLink(c, w.actor, { from: { chain: 'eth', tx: LOCK_TX }, to: { chain: 'eip155:1', tx: `0x${'1'.repeat(64)}` }, kind: 'manual', status: 'confirmed' }),
    apiError('invalid_argument', /same-chain: both ends of the link are on Ethereum/),
  );
  assert.throws(
    () => addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX, ref: '1:0' }, to: { chain: TRON, tx: RELEASE_TX, ref: '1:0' }, kind: 'bridge', status: 'confirmed' }),
    apiError('conflict', /already linked: link 1 \(bridge, rejected by DS Mensah/),
  );
  assert.throws(
    () => addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: 'btc', tx: PAYOUT_TX, ref: '0' }, kind: 'swap', status: 'rejected' }),
    apiError('conflict', /already linked: link 2/),
    'a whole-tx end is one value too',
  );
  assert.throws(() => addLink(c, w.actor, { from: { chain: ETH, tx: 'nope' }, to: { chain: TRON, tx: RELEASE_TX }, kind: 'manual', status: 'confirmed' }), apiError('invalid_argument', /from end on Ethereum: .*nope/));
  assert.throws(() => addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: 'btc', tx: PAYOUT_TX, ref: '1:0' }, kind: 'manual', status: 'confirmed' }), apiError('invalid_argument', /to end on Bitcoin: ref "1:0" is not an output index/));
  assert.throws(() => addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX, ref: '7' }, to: { chain: TRON, tx: RELEASE_TX }, kind: 'manual', status: 'confirmed' }), apiError('invalid_argument', /from end on Ethereum: ref "7" is not "<kind>:<position>"/));
  assert.throws(() => addLink(c, w.actor, { from: { chain: 'dogecoin', tx: LOCK_TX }, to: { chain: TRON, tx: RELEASE_TX }, kind: 'manual', status: 'confirmed' }), apiError('invalid_argument', /from end: unknown chain "dogecoin"/));
  assert.equal(listLinks(c).length, 2, 'nothing refused was written');

  const confirmed = setLinkStatus(c, w.actor, bridge.id, 'confirmed');
  assert.equal(confirmed.status, 'confirmed');
  assert.equal(c.undoStacks().undo.at(-1)?.label, 'Confirm link bridge eth→tron');
  const seqBefore = c.db.prepare('SELECT max(seq) FROM audit').pluck().get();
  assert.equal(setLinkStatus(c, w.actor, bridge.id, 'confirmed').status, 'confirmed');
  assert.equal(c.db.prepare('SELECT max(seq) FROM audit').pluck().get(), seqBefore, 'setting the status a link has writes nothing');
  assert.equal(replay(c, w.actor, 'undo'), 'Confirm link bridge eth→tron');
  assert.equal(listLinks(c)[0]!.status, 'rejected');
  assert.equal(replay(c, w.actor, 'redo'), 'Confirm link bridge eth→tron');
  assert.equal(listLinks(c)[0]!.status, 'confirmed');
  assert.equal(setLinkStatus(c, w.actor, swap.id, 'rejected').status, 'rejected');
  assert.equal(c.undoStacks().undo.at(-1)?.label, 'Reject link manual eth→btc');

  assert.equal(removeLink(c, w.actor, bridge.id), true);
  assert.deepEqual(listLinks(c).map((l) => l.id), [swap.id]);
  assert.throws(() => removeLink(c, w.actor, bridge.id), apiError('not_found', /no cross-chain link 1 in case "links"/));
  assert.throws(() => setLinkStatus(c, w.actor, 99, 'confirmed'), apiError('not_found', /no cross-chain link 99/));
  assert.equal(replay(c, w.actor, 'undo'), 'Remove link bridge eth→tron');
  assert.deepEqual(listLinks(c)[0], confirmed, 'undo brings the link back with its evidence, who and when');
  assert.equal(replay(c, w.actor, 'redo'), 'Remove link bridge eth→tron');
  // Undo back to before the first link: the first add is undoable too.
  for (const label of ['Remove link bridge eth→tron', 'Reject link manual eth→btc', 'Confirm link bridge eth→tron', 'Confirm link manual eth→btc', 'Reject link bridge eth→tron']) assert.equal(replay(c, w.actor, 'undo'), label);
  assert.deepEqual(listLinks(c), []);
  const verdict = w.verify(c);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));

  // A link changed outside the log is caught by verification.
  c.db.prepare("INSERT INTO xlink (from_chain, from_tx, to_chain, to_tx, kind, status, created_at, created_by) VALUES (?, ?, ?, ?, 'manual', 'confirmed', 'x', 'forger')").run(ETH, LOCK_TX, TRON, RELEASE_TX);
  const tampered = w.verify(c);
  assert.equal(tampered.ok, false);
  assert.match(tampered.problems.map((p) => p.reason).join('\n'), /table xlink: row 1 is in the file but no log entry made it/);
});

test("traceContextOf gives the case's links, its manual clusters by id and its tags, a cluster's tag on each member", () => {
  const w = workspace();
  const c = w.cases.create('Context', w.actor);
  addAddress(c, w.actor, 'eth', VICTIM);
  addAddress(c, w.actor, 'eth', OTHER);
  addAddress(c, w.actor, 'tron', 'TCfX9GCthyRTfeTivoWrhJuRL6JxDbxLt8');
  const nodes = c.db.prepare('SELECT id, addr FROM node ORDER BY id').all() as { id: number; addr: string }[];
  const clusterId = createCluster(c, w.actor, [`n${nodes[0]!.id}`, `n${nodes[1]!.id}`], { name: 'Thief wallets', category: 'perpetrator', color: '#aa3355', note: '' });
  addTag(c, w.actor, { kind: 'cluster', clusterId: `c${clusterId}` }, { label: 'Lazarus (suspected)', category: 'perpetrator', confidence: 60, source: '', note: '' });
  addTag(c, w.actor, { kind: 'node', nodeId: `n${nodes[2]!.id}` }, { label: 'OTC desk', category: 'exchange', confidence: 80, source: '', note: '' });
  const link = addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: TRON, tx: RELEASE_TX }, kind: 'bridge', status: 'confirmed' });

  const ctx = traceContextOf(c);
  assert.deepEqual(ctx.links, [link]);
  assert.deepEqual([...ctx.clusters!], [[`c${clusterId}`, [{ chain: ETH, addr: VICTIM }, { chain: ETH, addr: OTHER }]]]);
  assert.deepEqual(ctx.caseTags, [
    { chain: ETH, addr: VICTIM, label: 'Lazarus (suspected)', category: 'perpetrator' },
    { chain: ETH, addr: OTHER, label: 'Lazarus (suspected)', category: 'perpetrator' },
    { chain: TRON, addr: 'TCfX9GCthyRTfeTivoWrhJuRL6JxDbxLt8', label: 'OTC desk', category: 'exchange' },
  ]);
});

test('a bundle carries the traces and links to a colleague: the received case passes the schema check, lists them and verifies', async () => {
  const w = workspace('Sgt. Okafor');
  const c = w.cases.create('Hand-over', w.actor);
  const traceId = saveTrace(c, w.actor, 'Bridge leg', spec, result);
  const link = addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX, ref: '1:0' }, to: { chain: TRON, tx: RELEASE_TX, ref: '1:0' }, kind: 'bridge', status: 'confirmed', evidence: ['both sides labelled Arc Bridge'], score: 0.8 });
  addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: 'btc', tx: PAYOUT_TX }, kind: 'swap', status: 'rejected' });
  const bundle = join(tempDir(), 'handover.cairnbundle');
  const store = openStore(join(w.dir, 'store.sqlite'));
  exportBundle(c, { facts: store, actor: w.actor, version: 'test', scratchDir: join(w.dir, '.scratch') }, bundle, {});
  store.close();

  const { backend: receiver, dir } = freshBackend();
  const report = await ok(receiver, 'bundle.inspect', { path: bundle });
  assert.equal(report.ok, true, report.problems.join('\n'));
  const summary = await ok(receiver, 'bundle.import', { path: bundle, trustFingerprint: report.sender!.fingerprint });
  assert.equal(summary.readOnly, true);
  const links = await ok(receiver, 'links.list', { caseId: summary.id });
  assert.deepEqual(links, listLinks(c));
  assert.deepEqual(links[0], link);
  const verdict = await ok(receiver, 'audit.verify', { caseId: summary.id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  await receiver.close();

  // The received file itself: checked as any file from someone else, read-only, with the trace whole.
  const file = join(dir, 'cases', `${summary.id}.cairn`);
  assert.equal(checkSqliteFile(file, caseMigrations, 'case file').version, caseMigrations.at(-1)!.version);
  const db = openReadOnly(file);
  try {
    const received = new CaseFile(summary.id, db, 'received', true, () => null, () => undefined);
    assert.deepEqual(getTrace(received, traceId), getTrace(c, traceId));
    assert.deepEqual(listTraces(received), listTraces(c));
  } finally {
    db.close();
  }
});

test('links through the API: added, listed, confirmed, removed and undone, with clear errors', async () => {
  const { backend } = freshBackend();
  await ok(backend, 'settings.set', { investigator: 'DC Abara' });
  const { id: caseId } = await ok(backend, 'case.create', { name: 'API links' });
  const link = await ok(backend, 'links.add', { caseId, from: { chain: 'eth', tx: LOCK_TX, ref: '1:0' }, to: { chain: 'tron', tx: RELEASE_TX, ref: '1:0' }, kind: 'bridge', status: 'rejected', evidence: ['5 min after'] });
  assert.deepEqual([link.from.chain, link.to.chain, link.status, link.createdBy], [ETH, TRON, 'rejected', 'DC Abara']);
  assert.deepEqual(await ok(backend, 'links.list', { caseId }), [link]);
  const confirmed = await ok(backend, 'links.setStatus', { caseId, linkId: link.id, status: 'confirmed' });
  assert.equal(confirmed.status, 'confirmed');
  let g = await ok(backend, 'graph.get', { caseId });
  assert.equal(g.undo, 'Confirm link bridge eth→tron');
  g = await ok(backend, 'case.undo', { caseId });
  assert.equal((await ok(backend, 'links.list', { caseId }))[0]!.status, 'rejected');
  assert.equal(g.redo, 'Confirm link bridge eth→tron');
  assert.deepEqual(await ok(backend, 'links.remove', { caseId, linkId: link.id }), { removed: true });
  assert.deepEqual(await ok(backend, 'links.list', { caseId }), []);

  await fails(backend, 'links.add', { caseId, from: { chain: 'eth', tx: LOCK_TX }, to: { chain: 'eth', tx: `0x${'2'.repeat(64)}` }, kind: 'manual' }, 'invalid_argument', /same-chain/);
  await fails(backend, 'links.remove', { caseId, linkId: link.id }, 'not_found', /no cross-chain link 1 in case "api-links"/);
  await fails(backend, 'links.setStatus', { caseId, linkId: 5, status: 'proposed' }, 'invalid_argument');
  await fails(backend, 'links.list', { caseId: 'no-such-case' }, 'not_found', /no case "no-such-case"/);
  const verdict = await ok(backend, 'audit.verify', { caseId });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  await backend.close();
});

test('a read-only case from before traces and links (schema 20) lists none and still verifies', () => {
  const w = workspace('Insp. Lindqvist');
  const file = join(w.dir, 'cases', 'older.cairn');
  const db = new Database(file);
  migrate(db, file, caseMigrations, 20);
  db.transaction(() => {
    const writer = new CaseWriter(db);
    writer.insert('meta', { key: 'name', value: 'Older' });
    appendAudit(db, { actor: w.actor.name, action: 'case.create', label: 'Create case', data: { id: 'older' }, changes: writer.changes }, w.actor.signer, w.actor.now());
  })();
  db.close();
  assert.equal(checkSqliteFile(file, caseMigrations, 'case file').version, 20);
  const ro = openReadOnly(file);
  try {
    const c = new CaseFile('older', ro, 'foreign', true, () => null, () => undefined);
    assert.deepEqual([listLinks(c), listTraces(c), tracedTransfers(c)], [[], [], []]);
    assert.deepEqual(traceContextOf(c).links, []);
    assert.throws(() => getTrace(c, 1), apiError('not_found', /no trace 1/));
    assert.throws(() => addLink(c, w.actor, { from: { chain: ETH, tx: LOCK_TX }, to: { chain: TRON, tx: RELEASE_TX }, kind: 'manual', status: 'confirmed' }), apiError('forbidden', /read-only/));
    const verdict = w.verify(c);
    assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  } finally {
    ro.close();
  }
});

test("a bundle carries the evidence a saved trace rests on: every endpoint and traced transfer's addresses, with the same figures", async () => {
  const { backend: sender } = freshBackend();
  await importAndWait(sender, [BLK_FIXTURE]);
  const c = await ok(sender, 'case.create', { name: 'Peel chain' });
  const { jobId } = await ok(sender, 'trace.start', { caseId: c.id, name: 'From the 40 BTC change', spec: { method: 'fifo', sources: [{ kind: 'tx', chain: 'btc', tx: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16', ref: '1' }] } });
  let job = await ok(sender, 'trace.status', { jobId });
  while (job.state === 'running') {
    await new Promise((r) => setTimeout(r, 10));
    job = await ok(sender, 'trace.status', { jobId });
  }
  assert.equal(job.state, 'done', job.error?.message);
  const bundle = join(tempDir(), 'peel.cairnbundle');
  await ok(sender, 'case.export', { caseId: c.id, path: bundle });
  await sender.close();

  const { backend: receiver } = freshBackend();
  const report = await ok(receiver, 'bundle.inspect', { path: bundle });
  const received = await ok(receiver, 'bundle.import', { path: bundle, trustFingerprint: report.sender!.fingerprint });
  const saved = await ok(receiver, 'trace.get', { caseId: received.id, traceId: job.traceId! });
  assert.deepEqual(saved.result, job.result);
  // Nothing of it is in the receiver's own (empty) store: the evidence travelled in the bundle.
  const addresses = new Set([...saved.result.endpoints.map((e) => e.address!), ...saved.result.transfers.flatMap((t) => [t.from, t.to]).filter((a): a is string => a !== null)]);
  assert.ok(addresses.size >= 5);
  for (const address of addresses) {
    const summary = await ok(receiver, 'address.summary', { chain: BTC, address, caseId: received.id });
    assert.equal(summary.known, true, `${address} is in the bundle's evidence`);
  }
  // Each endpoint's amount is what the evidence shows the address received in the traced tx.
  for (const e of saved.result.endpoints) {
    const tx = await ok(receiver, 'tx.get', { chain: BTC, hash: e.path[e.path.length - 1]!, caseId: received.id });
    assert.ok((tx.outputs ?? []).some((o) => o.address === e.address && o.value === e.amount), `${e.address} received ${e.amount} in ${tx.hash}`);
  }
  await receiver.close();
});
