import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { refreshHubs } from '../../../../electron/core/store/hubs';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { generateWorld, type TheftHop, type WorldTruth } from '../../../../electron/core/synth/world';
import { findPaths } from '../../../../electron/core/trace/paths';
import { PathSearch, type CrossChainLink, type FoundPath } from '../../../../shared/api/traceSchemas';
import { canonicalAddress } from '../../../../shared/codec/address';
import { BLK_FIXTURE, tempDir } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

const BTC = 'bip122:000000000019d6689c085ae165831e93';
/** MANIFEST.md: block 9's coinbase key, and block 170's payment of 10 BTC to Hal Finney. */
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const TEN_BTC = 10n * 100_000_000n;

const dbs: Db[] = [];
after(() => dbs.forEach((db) => db.close()));
/** An in-memory store, closed when the file's tests are done. */
function store(): Db {
  const db = openStore(':memory:');
  dbs.push(db);
  return db;
}

const search = (from: { chain: string; address: string }[], to: { chain: string; address: string }[], more: Partial<PathSearch> = {}): PathSearch =>
  PathSearch.parse({ from, to, ...more });

test("the real Bitcoin fixture: a path from Satoshi's block-9 coinbase address to Hal Finney carries block 170's 10 BTC", async () => {
  const db = store();
  await importDataset(db, { paths: [BLK_FIXTURE] });
  const paths = findPaths(db, search([{ chain: 'btc', address: SATOSHI }], [{ chain: 'bitcoin', address: HAL }]), []);
  assert.ok(paths.length >= 1, 'a path is found');
  const first = paths[0]!;
  assert.equal(first.hops, 1, 'Satoshi paid Hal directly');
  assert.deepEqual(
    first.steps.map((s) => [s.chain, s.from, s.to, s.asset.symbol, s.amount, s.transfers, s.linkId]),
    [[BTC, SATOSHI, HAL, 'BTC', TEN_BTC.toString(), 1, null]],
  );
  assert.equal(first.bottleneck, TEN_BTC.toString());
  // The reverse direction: Hal never paid Satoshi in these blocks.
  assert.deepEqual(findPaths(db, search([{ chain: BTC, address: HAL }], [{ chain: BTC, address: SATOSHI }]), []), []);
  assert.throws(
    () => findPaths(db, search([{ chain: BTC, address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' }], [{ chain: BTC, address: HAL }]), []),
    (e: Error & { kind?: string }) => e.kind === 'not_found' && e.message.includes('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'),
  );
});

test('paths.find through the API: exact amounts as decimal strings, and an address the store lacks named in a not_found error', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [BLK_FIXTURE]);
  const r = await ok(backend, 'paths.find', { from: [{ chain: 'btc', address: SATOSHI }], to: [{ chain: 'btc', address: HAL }] });
  assert.deepEqual(r.paths[0]?.steps.map((s) => [s.from, s.to, s.amount]), [[SATOSHI, HAL, TEN_BTC.toString()]]);
  await fails(backend, 'paths.find', { from: [{ chain: 'btc', address: SATOSHI }], to: [{ chain: 'btc', address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' }] }, 'not_found', /1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 on Bitcoin is not in the store/);
  await fails(backend, 'paths.find', { from: [{ chain: 'btc', address: 'not-an-address' }], to: [{ chain: 'btc', address: HAL }] }, 'invalid_argument', /not-an-address/);
  await fails(backend, 'paths.find', { caseId: 'no-such-case', from: [{ chain: 'btc', address: SATOSHI }], to: [{ chain: 'btc', address: HAL }] }, 'not_found', /no-such-case/);
  await backend.close();
});

interface World {
  truth: WorldTruth;
  hops: TheftHop[];
  db: Db;
}

const worlds = new Map<string, Promise<World>>();
/** A generated 3000-transfer world, Ethereum and Tron imported; the truth read from the files the generator wrote. */
function world(seed: string): Promise<World> {
  let w = worlds.get(seed);
  if (!w) {
    w = (async () => {
      const dir = tempDir('cairn-paths-');
      const truth = generateWorld({ seed, transfers: 3000, out: dir });
      const db = store();
      await importDataset(db, { paths: [join(dir, truth.files.ethereum)], chain: 'eth' });
      await importDataset(db, { paths: [join(dir, truth.files.tron)], chain: 'tron' });
      const hops = parse(readFileSync(join(dir, truth.files.theft), 'utf8'), { columns: true }) as TheftHop[];
      return { truth, hops, db };
    })();
    worlds.set(seed, w);
  }
  return w;
}

const canon = (chain: string, address: string) => canonicalAddress(chain, address);
const assetKey = (chain: string, a: { contract: string | null }) => (a.contract === null ? 'native' : canon(chain, a.contract));

/** The truth's hops that a path step stands for: same chain, sender, recipient and asset. */
function truthHopsOf(w: World, step: FoundPath['steps'][number]): TheftHop[] {
  return w.hops.filter(
    (h) => h.chain === step.chain && canon(h.chain, h.from) === step.from && canon(h.chain, h.to) === step.to && (h.asset === 'native' ? 'native' : canon(h.chain, h.asset)) === assetKey(step.chain, step.asset),
  );
}

/** Fewest truth hops from one address to another (breadth first over theft.csv, one chain). */
function truthDistance(w: World, chain: string, from: string, to: string): number {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) return dist.get(at)!;
    for (const h of w.hops) {
      if (h.chain !== chain || h.from !== at || dist.has(h.to)) continue;
      dist.set(h.to, dist.get(at)! + 1);
      queue.push(h.to);
    }
  }
  throw new Error(`the truth has no path from ${from} to ${to}`);
}

/** Asserts the path follows the truth's hops, with their exact amounts where an edge is one truth hop; returns how many amounts it compared. */
function assertFollowsTruth(w: World, path: FoundPath, from: string, to: string, chain: string): number {
  assert.equal(path.steps[0]!.from, canon(chain, from), 'starts at the source');
  assert.equal(path.steps.at(-1)!.to, canon(chain, to), 'ends at the target');
  let exact = 0;
  path.steps.forEach((step, i) => {
    if (i > 0) assert.equal(step.from, path.steps[i - 1]!.to, 'steps are connected');
    const truth = truthHopsOf(w, step);
    assert.ok(truth.length >= 1, `step ${i + 1} (${step.from} → ${step.to}, ${step.asset.symbol}) is a hop of the theft`);
    if (truth.length === 1 && step.transfers === 1) {
      assert.equal(step.amount, truth[0]!.amount, `step ${i + 1}: the truth's exact amount`);
      exact++;
    }
  });
  return exact;
}

for (const seed of ['paths-one', 'paths-two']) {
  test(`a generated world (${seed}): from a victim to each Ethereum exit, the path follows the truth's hops with their exact amounts`, async () => {
    const w = await world(seed);
    const eth = w.truth.chains.eth;
    const victim = w.truth.victims.find((v) => v.chain === eth)!;
    const exits = w.truth.exits.filter((e) => e.chain === eth);
    assert.ok(exits.length >= 2, 'the world has Ethereum exits');
    for (const exit of exits) {
      const length = truthDistance(w, eth, victim.address, exit.deposit);
      const paths = findPaths(w.db, search([{ chain: eth, address: victim.address }], [{ chain: eth, address: exit.deposit }], { maxHops: 12 }), []);
      assert.ok(paths.length >= 1, `a path to ${exit.deposit}`);
      for (const p of paths) {
        assert.equal(p.hops, length, 'every path is as long as the truth says');
        assert.ok(assertFollowsTruth(w, p, victim.address, exit.deposit, eth) >= 1, 'amounts were compared');
        const amounts = p.steps.map((s) => BigInt(s.amount));
        assert.equal(p.bottleneck, amounts.reduce((m, a) => (a < m ? a : m)).toString(), 'the bottleneck is the smallest step');
      }
      // Ranked by value: bottlenecks never grow down the list.
      for (let i = 1; i < paths.length; i++) assert.ok(BigInt(paths[i]!.bottleneck!) <= BigInt(paths[i - 1]!.bottleneck!), 'largest bottleneck first');
      const shorter = findPaths(w.db, search([{ chain: eth, address: victim.address }], [{ chain: eth, address: exit.deposit }], { maxHops: length - 1 }), []);
      assert.deepEqual(shorter, [], `no path within ${length - 1} hops`);
    }
  });

  test(`a generated world (${seed}): ranked by hops, the shortest path comes first and each exit is reached at its true distance`, async () => {
    const w = await world(seed);
    const eth = w.truth.chains.eth;
    const victim = w.truth.victims.find((v) => v.chain === eth)!;
    const exits = w.truth.exits.filter((e) => e.chain === eth);
    const distance = new Map(exits.map((e) => [canon(eth, e.deposit), truthDistance(w, eth, victim.address, e.deposit)]));
    const paths = findPaths(w.db, search([{ chain: eth, address: victim.address }], exits.map((e) => ({ chain: eth, address: e.deposit })), { maxHops: 12, rank: 'hops', limit: 200 }), []);
    assert.equal(paths[0]!.hops, Math.min(...distance.values()), 'the shortest first');
    for (let i = 1; i < paths.length; i++) assert.ok(paths[i]!.hops >= paths[i - 1]!.hops, 'never shorter down the list');
    for (const [deposit, d] of distance) {
      const to = paths.filter((p) => p.steps.at(-1)!.to === deposit);
      assert.ok(to.length >= 1, `${deposit} is reached`);
      assert.equal(Math.min(...to.map((p) => p.hops)), d, `${deposit} at its true distance`);
    }
    // The same question ranked by value puts a longer path first when it carries more.
    const byValue = findPaths(w.db, search([{ chain: eth, address: victim.address }], exits.map((e) => ({ chain: eth, address: e.deposit })), { maxHops: 12, limit: 200 }), []);
    assert.equal(byValue.length, paths.length, 'the same paths');
    for (let i = 1; i < byValue.length; i++) assert.ok(BigInt(byValue[i]!.bottleneck!) <= BigInt(byValue[i - 1]!.bottleneck!));
  });
}

/** A bridge link as an investigator would confirm it: the lock on Ethereum, the release on Tron (whole txs, no ref). */
function bridgeLink(lock: TheftHop, release: TheftHop, status: CrossChainLink['status']): CrossChainLink {
  return {
    id: 7,
    from: { chain: lock.chain, tx: lock.tx },
    to: { chain: release.chain, tx: release.tx },
    kind: 'bridge',
    status,
    evidence: ['Arc Bridge lock and release'],
    score: null,
    note: '',
    createdAt: '2024-01-01T00:00:00.000Z',
    createdBy: 'test',
  };
}

test('across chains: a confirmed bridge link carries a path from an Ethereum victim to each Tron exit; rejected, none', async () => {
  const w = await world('paths-one');
  const { eth, tron } = w.truth.chains;
  const lock = w.truth.bridge.locks[0]!;
  const release = w.truth.bridge.release;
  // A victim whose USDT was drained into the consolidation wallet that locked it in the bridge.
  const drain = w.hops.find((h) => h.step === 'drain' && h.chain === eth && h.asset !== 'native' && h.to === lock.from)!;
  assert.ok(drain, 'a USDT victim of that consolidation wallet');
  const exits = w.truth.exits.filter((e) => e.chain === tron);
  assert.ok(exits.length >= 1, 'the world has Tron exits');
  const from = [{ chain: eth, address: drain.from }];
  const to = exits.map((e) => ({ chain: tron, address: e.deposit }));

  const paths = findPaths(w.db, search(from, to, { rank: 'hops' }), [bridgeLink(lock, release, 'confirmed')]);
  for (const exit of exits) {
    const p = paths.find((x) => x.steps.at(-1)!.to === canon(tron, exit.deposit));
    assert.ok(p, `a path reaches ${exit.deposit}`);
    const links = p.steps.filter((s) => s.linkId !== null);
    assert.equal(links.length, 1, 'through the one link');
    const link = links[0]!;
    assert.deepEqual([link.linkId, link.from, link.to, link.chain, link.amount], [7, canon(eth, lock.to), canon(tron, release.to), tron, release.amount], 'from the bridge to the thief on Tron, the released amount');
    assert.equal(p.bottleneck, null, 'the path crosses assets');
    const at = p.steps.indexOf(link);
    assert.ok(p.steps.slice(0, at).every((s) => s.chain === eth) && p.steps.slice(at + 1).every((s) => s.chain === tron), 'Ethereum before the link, Tron after');
    // Every step but the link is a hop of the theft (the drain and the lock in USDT).
    for (const s of p.steps) if (s.linkId === null) assert.ok(truthHopsOf(w, s).length >= 1, `${s.from} → ${s.to} is a truth hop`);
    assert.equal(p.steps[0]!.amount, drain.amount, 'the USDT drained from the victim');
    assert.equal(p.steps.at(-1)!.amount, exit.amount, 'the cash-out to the exit');
    assert.equal(p.hops, 4);
  }
  // Named exactly (the store's kind:position of each token transfer), the link is the same step.
  const refOf = (chain: string, tx: string) =>
    w.db.prepare("SELECT t.kind || ':' || t.pos FROM transfer t JOIN tx ON tx.id = t.tx_id JOIN chain c ON c.id = tx.chain_id WHERE c.caip2 = ? AND tx.hash = ? AND t.kind = 1").pluck().get(chain, tx.replace(/^0x/, chain === tron ? '' : '0x')) as string;
  const exact = bridgeLink(lock, release, 'confirmed');
  const refs = { from: { ...exact.from, ref: refOf(eth, lock.tx) }, to: { ...exact.to, ref: refOf(tron, release.tx) } };
  assert.ok(refs.from.ref && refs.to.ref, 'the store holds both token transfers');
  assert.deepEqual(findPaths(w.db, search(from, to, { rank: 'hops' }), [{ ...exact, ...refs }]), paths);
  assert.deepEqual(findPaths(w.db, search(from, to), [bridgeLink(lock, release, 'rejected')]), [], 'a rejected link is no step');
  assert.deepEqual(findPaths(w.db, search(from, to), [bridgeLink(lock, release, 'proposed')]), [], 'nor a proposed one');
  assert.deepEqual(findPaths(w.db, search(from, to), []), [], 'no link, no way across');
});


test("paths.find in a case goes across chains through the case's confirmed links only", async () => {
  const { backend } = freshBackend();
  const dir = tempDir('cairn-paths-case-');
  const truth = generateWorld({ seed: 'paths-case', transfers: 3000, out: dir });
  await importAndWait(backend, [join(dir, truth.files.ethereum)], 'eth');
  await importAndWait(backend, [join(dir, truth.files.tron)], 'tron');
  const { eth, tron } = truth.chains;
  const lock = truth.bridge.locks[0]!;
  const release = truth.bridge.release;
  const victims = truth.victims.filter((v) => v.chain === eth).map((v) => ({ chain: eth, address: v.address }));
  const exits = truth.exits.filter((e) => e.chain === tron).map((e) => ({ chain: tron, address: e.deposit }));
  const { id: caseId } = await ok(backend, 'case.create', { name: 'bridge' });
  const find = async (inCase: boolean) => (await ok(backend, 'paths.find', { ...(inCase ? { caseId } : {}), from: victims, to: exits, rank: 'hops' })).paths;
  assert.deepEqual(await find(true), [], 'no link yet');
  const link = await ok(backend, 'links.add', { caseId, from: { chain: eth, tx: lock.tx }, to: { chain: tron, tx: release.tx }, kind: 'bridge', status: 'confirmed' });
  const found = await find(true);
  assert.ok(found.length >= 1, 'through the confirmed link');
  for (const p of found) assert.equal(p.steps.filter((s) => s.linkId === link.id && s.amount === release.amount).length, 1, 'one step is the link, with the released amount');
  assert.deepEqual(new Set(found.map((p) => p.steps.at(-1)!.to)), new Set(exits.map((e) => canon(tron, e.address))), 'every Tron exit is reached');
  assert.deepEqual(await find(false), [], "outside the case, the case's links do not count");
  await ok(backend, 'links.setStatus', { caseId, linkId: link.id, status: 'rejected' });
  assert.deepEqual(await find(true), [], 'rejected, the link carries nothing');
  await backend.close();
});

test('hubs: a path never passes through one, but may start or end at one', async () => {
  const dir = tempDir('cairn-paths-hubs-');
  const truth = generateWorld({ seed: 'paths-hubs', transfers: 3000, out: dir });
  const db = store();
  await importDataset(db, { paths: [join(dir, truth.files.ethereum)], chain: 'eth' });
  const hops = parse(readFileSync(join(dir, truth.files.theft), 'utf8'), { columns: true }) as TheftHop[];
  const eth = truth.chains.eth;
  // The thief's first exit deposit is swept into an exchange's hot wallet, which pays other users after it.
  const sweep = hops.find((h) => h.step === 'exchange sweep' && h.chain === eth)!;
  const hot = sweep.to;
  const funded = db
    .prepare(
      `SELECT a.addr FROM edge e JOIN address h ON h.id = e.from_id JOIN address a ON a.id = e.to_id
       WHERE h.addr = :hot AND e.last_time >= (SELECT s.first_time FROM edge s JOIN address d ON d.id = s.from_id WHERE d.addr = :dep AND s.to_id = h.id)
         AND a.addr <> :dep ORDER BY a.addr LIMIT 1`,
    )
    .pluck()
    .get({ hot: canon(eth, hot), dep: canon(eth, sweep.from) }) as string;
  assert.ok(funded, 'a user the hot wallet paid after the sweep');
  const q = (a: string, b: string) => search([{ chain: eth, address: a }], [{ chain: eth, address: b }], { maxHops: 2, rank: 'hops' });
  const through = () => findPaths(db, q(sweep.from, funded), []).filter((p) => p.steps.some((s) => s.to === canon(eth, hot)));
  assert.ok(through().length >= 1, 'before it is a hub, the hot wallet links the deposit to that user');
  // Money cannot run backwards in time: the hot wallet funded the victims before the theft, so
  // no path leads from the thief's deposit through it to a victim.
  const victimsFunded = db
    .prepare(`SELECT a.addr FROM edge e JOIN address h ON h.id = e.from_id JOIN address a ON a.id = e.to_id WHERE h.addr = ? AND a.addr IN (SELECT value FROM json_each(?))`)
    .pluck()
    .all(canon(eth, hot), JSON.stringify(truth.victims.filter((v) => v.chain === eth).map((v) => canon(eth, v.address)))) as string[];
  assert.ok(victimsFunded.length > 0, 'the hot wallet funded some victim');
  for (const v of victimsFunded) assert.deepEqual(findPaths(db, q(sweep.from, v), []), [], `no path back in time to ${v}`);
  refreshHubs(db, 40);
  assert.ok(db.prepare('SELECT 1 FROM hub h JOIN address a ON a.id = h.address_id WHERE a.addr = ?').get(canon(eth, hot)), 'the hot wallet is a hub');
  assert.deepEqual(through(), [], 'no path passes through the hub');
  // Asked from every exit deposit, the search starts on the victim's side (the smaller one): the same.
  const deposits = truth.exits.filter((e) => e.chain === eth).map((e) => ({ chain: eth, address: e.deposit }));
  const fromAll = findPaths(db, search(deposits, [{ chain: eth, address: funded }], { maxHops: 2 }), []);
  assert.deepEqual(fromAll.filter((p) => p.steps.some((s) => s.to === canon(eth, hot))), [], 'nor from the other side');
  const toHub = findPaths(db, q(sweep.from, hot), []);
  assert.deepEqual(toHub[0]?.steps.map((s) => [s.from, s.to, s.amount]), [[canon(eth, sweep.from), canon(eth, hot), sweep.amount]], 'a hub can be the target');
  assert.ok(findPaths(db, q(hot, funded), []).length >= 1, 'and the source');
});
