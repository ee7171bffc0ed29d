import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Backend } from '../../../../electron/core/backendTypes';
import { readContainer, writeContainer } from '../../../../electron/core/casefile/container';
import { ephemeralSigner } from '../../../../electron/core/casefile/keys';
import type { Graph } from '../../../../shared/api/schemas';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';
import { openStore } from '../../../../electron/core/store/openStore';
import { BLK_FIXTURE, ETL, storeAtVersion, tempDir } from '../../helpers';

const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const SATOSHI_P2PK = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';

/** What a reviewer compares: addresses on the canvas, edges with exact totals, seeds, clusters and tags. */
function shape(g: Graph) {
  const addr = new Map(g.nodes.filter((n) => n.kind === 'address').map((n) => [n.id, n.kind === 'address' ? `${n.chain}|${n.address}` : '']));
  return {
    nodes: [...addr.values()].sort(),
    edges: g.edges.map((e) => `${addr.get(e.source)}>${addr.get(e.target)} ${e.total} ${e.asset.symbol} x${e.count}`).sort(),
    seeds: g.seeds.map((s) => `${s.role} ${s.chain}|${s.address}`).sort(),
    clusters: g.clusters.map((c) => `${c.name} ${c.members} ${c.tags.map((t) => t.label).join(',')}`),
    tags: g.nodes.flatMap((n) => (n.kind === 'address' ? n.tags.map((t) => `${n.address}:${t.label}`) : [])).sort(),
  };
}

/** A case over real chain data: the Ethereum fixture block and Bitcoin blocks 1–255. */
async function senderWithCase(): Promise<{ backend: Backend; dir: string; id: string; graph: Graph }> {
  const { backend, dir } = freshBackend();
  await ok(backend, 'settings.set', { investigator: 'Sgt. Okafor' });
  await importAndWait(backend, [ETL]);
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id } = await ok(backend, 'case.create', { name: 'Hand-over' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: VICTIM, role: 'victim' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0]!.id, direction: 'both' });
  g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'btc', address: SATOSHI_P2PK, role: 'victim' });
  const sat = g.nodes.find((n) => n.kind === 'address' && n.address === SATOSHI_P2PK)!;
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: sat.id, direction: 'out' });
  const hal = g.nodes.find((n) => n.kind === 'address' && n.address === HAL)!;
  g = await ok(backend, 'tag.add', { caseId: id, target: { kind: 'node', nodeId: hal.id }, label: 'Hal Finney', category: 'other', confidence: 90 });
  const eth = g.nodes.filter((n) => n.kind === 'address' && n.chain === 'eip155:1').slice(0, 2).map((n) => n.id);
  g = await ok(backend, 'cluster.create', { caseId: id, nodeIds: eth, name: 'Suspect wallet', category: 'perpetrator', color: '#aa3355' });
  return { backend, dir, id, graph: g };
}

function listing(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ['cases', 'evidence', '.scratch']) {
    const p = join(dir, sub);
    if (existsSync(p)) for (const f of readdirSync(p)) out.push(`${sub}/${f}`);
  }
  return out.sort();
}

test('a case exported from one workspace opens in an empty one with the same graph and amounts, verified, and the hand-over in its log', async () => {
  const sender = await senderWithCase();
  const out = join(tempDir(), 'handover.cairnbundle');
  const exported = await ok(sender.backend, 'case.export', { caseId: sender.id, path: out });
  const senderKey = await ok(sender.backend, 'keys.info', {});
  assert.equal(exported.fingerprint, senderKey.fingerprint);
  assert.ok(exported.evidence.transfer! > 0 && exported.evidence.txout! > 0, JSON.stringify(exported.evidence));
  await assert.rejects(ok(sender.backend, 'case.export', { caseId: sender.id, path: out }), /already exists/);
  const senderGraph = await ok(sender.backend, 'graph.get', { caseId: sender.id });
  await sender.backend.close();

  const { backend: receiver, dir } = freshBackend();
  await ok(receiver, 'settings.set', { investigator: 'Insp. Lindqvist' });
  const report = await ok(receiver, 'bundle.inspect', { path: out });
  assert.equal(report.ok, true, report.problems.join('\n'));
  assert.deepEqual([report.sender?.name, report.sender?.fingerprint, report.sender?.trusted], ['Sgt. Okafor', senderKey.fingerprint, false]);
  assert.equal(report.case?.name, 'Hand-over');

  // Not trusted yet: refused, nothing kept.
  await fails(receiver, 'bundle.import', { path: out }, 'forbidden', /does not trust yet/);
  assert.deepEqual(listing(dir).filter((f) => !f.startsWith('.scratch')), []);
  const summary = await ok(receiver, 'bundle.import', { path: out, trustFingerprint: report.sender!.fingerprint });
  assert.deepEqual([summary.origin, summary.readOnly, summary.received?.from, summary.received?.fingerprint], ['received', true, 'Sgt. Okafor', senderKey.fingerprint]);

  // The receiver's store is empty: the graph is drawn from the bundle's evidence, exactly.
  assert.deepEqual((await ok(receiver, 'store.stats', {})).chains, []);
  const received = await ok(receiver, 'graph.get', { caseId: summary.id });
  assert.ok(shape(senderGraph).edges.filter((e) => e.startsWith('bip122')).length >= 1 && shape(senderGraph).edges.length >= 3, JSON.stringify(shape(senderGraph).edges));
  assert.deepEqual(shape(received), shape(senderGraph));
  assert.ok(received.nodes.every((n) => n.kind !== 'address' || n.known), 'every address is known from the evidence');
  // Details read the same evidence: exact totals and transfers of a received address.
  const victim = await ok(receiver, 'address.summary', { chain: 'eth', address: VICTIM, caseId: summary.id });
  assert.equal(victim.known, true);
  assert.deepEqual(victim.totals.map((t) => t.sent), ['11000440000000000']);
  assert.equal((await ok(receiver, 'address.transfers', { chain: 'eth', address: VICTIM, caseId: summary.id })).total, 1);
  assert.equal((await ok(receiver, 'address.summary', { chain: 'eth', address: VICTIM })).known, false, 'the store itself holds nothing');
  assert.deepEqual((await ok(receiver, 'tx.get', { chain: 'btc', hash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16', caseId: summary.id })).outputs?.map((o) => o.value), ['1000000000', '4000000000']);
  const flows = await ok(receiver, 'graph.txFlows', { caseId: summary.id });
  const payment = flows.txs.find((t) => t.txid.startsWith('f4184fc5'));
  assert.ok(payment, 'the block 170 payment is in the evidence');

  const verdict = await ok(receiver, 'audit.verify', { caseId: summary.id });
  assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
  assert.deepEqual(verdict.signers.map((s) => [s.name, s.trusted, s.own]), [['Sgt. Okafor', true, false]]);

  // Read-only until continued; continuing appends the hand-over, signed by the receiver.
  await fails(receiver, 'case.addSeed', { caseId: summary.id, chain: 'eth', address: VICTIM, role: 'suspect' }, 'forbidden', /received from Sgt. Okafor and is read-only/);
  const continued = await ok(receiver, 'case.continue', { caseId: summary.id });
  assert.equal(continued.readOnly, false);
  await ok(receiver, 'case.rename', { caseId: summary.id, name: 'Hand-over (reviewed)' });
  const log = await ok(receiver, 'audit.list', { caseId: summary.id, limit: 3 });
  assert.deepEqual(log.items.map((e) => [e.action, e.actor]), [['case.rename', 'Insp. Lindqvist'], ['case.receive', 'Insp. Lindqvist'], ['case.export', 'Sgt. Okafor']]);
  const after = await ok(receiver, 'audit.verify', { caseId: summary.id });
  assert.equal(after.ok, true, JSON.stringify(after.problems));
  assert.deepEqual(after.signers.map((s) => [s.name, s.own]).sort(), [['Insp. Lindqvist', true], ['Sgt. Okafor', false]]);

  // Merging the evidence brings it into the store as datasets that name the bundle; the graph is then drawn from the store, unchanged.
  const merged = await ok(receiver, 'case.mergeEvidence', { caseId: summary.id });
  assert.deepEqual(merged.conflicts, []);
  assert.equal(merged.datasets.length, 2, 'one dataset per chain');
  const stats = await ok(receiver, 'store.stats', {});
  assert.deepEqual(stats.datasets.map((d) => d.format), ['cairn-bundle', 'cairn-bundle']);
  assert.ok(stats.datasets.every((d) => d.sources.some((s) => s.name === 'handover.cairnbundle' && s.sha256 === report.sha256)), 'provenance names the bundle by hash');
  assert.deepEqual(shape(await ok(receiver, 'graph.get', { caseId: summary.id })), shape(senderGraph));
  await fails(receiver, 'case.mergeEvidence', { caseId: summary.id }, 'conflict', /already merged/);
  await receiver.close();
});

test('flipped bytes, a swapped signature, a re-hashed part and a wrong passphrase are refused and nothing is written', async () => {
  const sender = await senderWithCase();
  const scratch = tempDir();
  const plain = join(scratch, 'plain.cairnbundle');
  const locked = join(scratch, 'locked.cairnbundle');
  await ok(sender.backend, 'case.export', { caseId: sender.id, path: plain });
  await ok(sender.backend, 'case.export', { caseId: sender.id, path: locked, passphrase: 'correct horse battery' });
  await sender.backend.close();

  const bytes = readFileSync(plain);
  const forged: Record<string, { bytes: Buffer; passphrase?: string; problem: RegExp }> = {};
  for (const at of [100, Math.floor(bytes.length / 2), bytes.length - 10]) {
    const b = Buffer.from(bytes);
    b[at]! ^= 0x01;
    forged[`byte ${at} flipped`] = { bytes: b, problem: /./ };
  }
  const { parts } = readContainer(bytes);
  const withPart = (name: string, data: Buffer) => writeContainer(parts.map((p) => (p.name === name ? { name, data } : p)));
  const manifest = JSON.parse(parts.find((p) => p.name === 'manifest.json')!.data.toString('utf8'));
  const other = ephemeralSigner();
  const { createHash } = await import('node:crypto');
  const sha = (d: Buffer) => createHash('sha256').update(d).digest('hex');
  forged['signature swapped for another key’s'] = {
    bytes: withPart('signature.json', Buffer.from(JSON.stringify({ publicKey: manifest.sender.publicKey, signature: other.sign(Buffer.from(sha(parts[0]!.data), 'hex')).toString('hex') }))),
    problem: /signature does not verify/,
  };
  // A changed evidence part whose new hash is written into the manifest: the signature no longer covers it.
  const evidence = Buffer.from(parts.find((p) => p.name === 'evidence.sqlite')!.data);
  evidence[evidence.length - 1]! ^= 0xff;
  const m2 = { ...manifest, parts: manifest.parts.map((p: { name: string }) => (p.name === 'evidence.sqlite' ? { ...p, sha256: sha(evidence) } : p)) };
  forged['evidence changed and re-hashed in the manifest'] = {
    bytes: writeContainer(parts.map((p) => (p.name === 'manifest.json' ? { name: p.name, data: Buffer.from(JSON.stringify(m2)) } : p.name === 'evidence.sqlite' ? { name: p.name, data: evidence } : p))),
    problem: /signature does not verify/,
  };
  forged['case part changed'] = {
    bytes: withPart('case.cairn', Buffer.concat([parts.find((p) => p.name === 'case.cairn')!.data, Buffer.alloc(1)])),
    problem: /case\.cairn does not match the SHA-256/,
  };
  forged['wrong passphrase'] = { bytes: readFileSync(locked), passphrase: 'wrong horse battery', problem: /wrong passphrase/ };
  forged['no passphrase'] = { bytes: readFileSync(locked), problem: /encrypted: give its passphrase/ };

  const { backend: receiver, dir } = freshBackend();
  const fingerprint = (await ok(receiver, 'bundle.inspect', { path: plain })).sender!.fingerprint;
  for (const [what, f] of Object.entries(forged)) {
    const file = join(scratch, `${what.replace(/\W+/g, '-')}.cairnbundle`);
    writeFileSync(file, f.bytes);
    const report = await ok(receiver, 'bundle.inspect', { path: file, passphrase: f.passphrase });
    assert.equal(report.ok, false, `${what} passed inspection`);
    assert.match(report.problems.join('\n'), f.problem, what);
    await fails(receiver, 'bundle.import', { path: file, passphrase: f.passphrase, trustFingerprint: fingerprint }, 'bad_input', /refused and nothing was kept/);
    assert.deepEqual(listing(dir).filter((x) => !x.startsWith('.scratch')), [], `${what}: nothing written`);
    assert.deepEqual(existsSync(join(dir, '.scratch')) ? readdirSync(join(dir, '.scratch')) : [], [], `${what}: no scratch left`);
  }
  assert.deepEqual((await ok(receiver, 'keys.info', {})).trusted, [], 'no key was trusted by a refused import');
  // The right passphrase opens it.
  const s = await ok(receiver, 'bundle.import', { path: locked, passphrase: 'correct horse battery', trustFingerprint: fingerprint });
  assert.equal(s.origin, 'received');
  await receiver.close();
});

test('evidence written by an older version of Cairn (store schema 100) is read through an upgraded copy, and the received file is left as it came', async () => {
  const sender = await senderWithCase();
  const out = join(tempDir(), 'older.cairnbundle');
  await ok(sender.backend, 'case.export', { caseId: sender.id, path: out });
  const senderGraph = await ok(sender.backend, 'graph.get', { caseId: sender.id });
  await sender.backend.close();
  const { backend: receiver, dir } = freshBackend();
  const report = await ok(receiver, 'bundle.inspect', { path: out });
  const summary = await ok(receiver, 'bundle.import', { path: out, trustFingerprint: report.sender!.fingerprint });

  // The same rows at schema 100, as a colleague's older Cairn would have written them.
  const file = join(dir, 'evidence', `${summary.id}.sqlite`);
  const work = tempDir();
  copyFileSync(file, join(work, 'today.sqlite'));
  const today = openStore(join(work, 'today.sqlite'));
  storeAtVersion(today, 100, join(work, 'v100.sqlite'));
  today.close();
  const old = openStore(join(work, 'v100.sqlite'), { migrateTo: 100 });
  old.pragma('journal_mode = DELETE');
  old.close();
  copyFileSync(join(work, 'v100.sqlite'), file);
  const bytes = createHash('sha256').update(readFileSync(file)).digest('hex');

  assert.deepEqual(shape(await ok(receiver, 'graph.get', { caseId: summary.id })), shape(senderGraph));
  const payment = await ok(receiver, 'tx.get', { chain: 'btc', hash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16', caseId: summary.id });
  assert.deepEqual(payment.outputs?.map((o) => o.value), ['1000000000', '4000000000']);
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), bytes, 'the received file is unchanged');
  // Merging reads the older file as it is.
  await ok(receiver, 'case.continue', { caseId: summary.id });
  const merged = await ok(receiver, 'case.mergeEvidence', { caseId: summary.id });
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(shape(await ok(receiver, 'graph.get', { caseId: summary.id })), shape(senderGraph));
  assert.ok((await ok(receiver, 'tx.get', { chain: 'btc', hash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16' })).outputs);
  await receiver.close();
});
