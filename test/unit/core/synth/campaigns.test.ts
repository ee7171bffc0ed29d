import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { TraceSpec } from '../../../../shared/api/traceSchemas';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { importLabelFiles } from '../../../../electron/core/intel/labelStore';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { CAMPAIGN_STEP_KINDS, generateCampaigns, type CampaignHeist, type CampaignTruth } from '../../../../electron/core/synth/campaigns';
import { EXCHANGES, generateWorld, SYNTH_CHAINS, type WorldTruth } from '../../../../electron/core/synth/world';
import { runTrace } from '../../../../electron/core/trace/runTrace';
import { tempDir } from '../../helpers';

const SEED = 'campaigns-test';
const ETH = SYNTH_CHAINS.eth;
const fileHash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
/** Every file under dir, as paths relative to it. */
const filesUnder = (dir: string): string[] => (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((d) => d.isFile()).map((d) => relative(dir, join(d.parentPath ?? d.path, d.name))).sort();

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const plainDir = tempDir('cairn-campaigns-plain-');
const campaignDir = tempDir('cairn-campaigns-');
let plain: WorldTruth;
let world: WorldTruth;
let campaigns: CampaignTruth;
let db: Db;

before(async () => {
  plain = generateWorld({ seed: SEED, transfers: 3000, out: plainDir });
  world = generateWorld({ seed: SEED, transfers: 3000, out: campaignDir, campaigns: true });
  campaigns = JSON.parse(readFileSync(join(campaignDir, world.campaigns!), 'utf8')) as CampaignTruth;
  db = openStore(':memory:');
  await importDataset(db, { paths: [join(campaignDir, world.files.bitcoin)] });
  await importDataset(db, { paths: [join(campaignDir, world.files.ethereum)], chain: 'eth' });
  await importDataset(db, { paths: [join(campaignDir, world.files.tron)], chain: 'tron' });
});
after(() => db?.close());

const chainId = (caip2: string): number => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(caip2) as number;
const addressId = (addr: string): number => {
  const id = findAddressId(db, chainId(ETH), addr);
  assert.ok(id !== null, `${addr} is in the store`);
  return id;
};
const heistsOf = (actor: string): CampaignHeist[] => campaigns.heists.filter((h) => h.actor === actor);
const servicesOf = (heists: readonly CampaignHeist[]): Map<string, string> => new Map(heists.flatMap((h) => h.services.map((s) => [s.name, s.address] as const)));

test('campaigns leave the world untouched: every world file is byte-identical to the world made without them, truth.json only gains `campaigns`', () => {
  const plainFiles = filesUnder(plainDir);
  const withFiles = filesUnder(campaignDir);
  assert.deepEqual(
    withFiles.filter((f) => !plainFiles.includes(f)),
    ['campaigns/ethereum/blocks.csv', 'campaigns/ethereum/receipts.csv', 'campaigns/ethereum/token_transfers.csv', 'campaigns/ethereum/tokens.csv', 'campaigns/ethereum/transactions.csv', 'campaigns/labels.csv', 'truth/campaigns.json'],
  );
  assert.ok(plainFiles.length >= 8 && plainFiles.every((f) => withFiles.includes(f)));
  for (const f of plainFiles) if (f !== 'truth.json') assert.equal(fileHash(join(campaignDir, f)), fileHash(join(plainDir, f)), f);
  assert.equal('campaigns' in plain, false);
  assert.equal(world.campaigns, 'truth/campaigns.json');
  const { campaigns: written, ...rest } = JSON.parse(readFileSync(join(campaignDir, 'truth.json'), 'utf8')) as WorldTruth;
  assert.equal(written, 'truth/campaigns.json');
  assert.deepEqual(rest, JSON.parse(readFileSync(join(plainDir, 'truth.json'), 'utf8')));
});

test('the campaigns import into the world’s store: later blocks, no shared hash, every step’s transaction there and successful, the labels all read', async () => {
  const before = { tx: db.prepare('SELECT count(*) FROM tx WHERE chain_id = ?').pluck().get(chainId(ETH)) as number, last: db.prepare('SELECT max(number) FROM block WHERE chain_id = ?').pluck().get(chainId(ETH)) as number };
  const lastWorldTime = Math.max(
    db.prepare('SELECT max(time) FROM block').pluck().get() as number,
    db.prepare('SELECT max(time) FROM tx').pluck().get() as number,
  );
  const r = await importDataset(db, { paths: [join(campaignDir, campaigns.files.ethereum)], chain: ETH });
  assert.ok(r.dataset, 'a new dataset');
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(campaigns.format, 'cairn-campaigns/1');
  // Nothing merged with the world's rows: every campaign transaction is new, in blocks after the world's, days later.
  assert.equal(db.prepare('SELECT count(*) FROM tx WHERE chain_id = ?').pluck().get(chainId(ETH)), before.tx + campaigns.written.transactions);
  assert.equal(db.prepare('SELECT count(*) FROM tx WHERE dataset_id = ?').pluck().get(r.dataset.id), campaigns.written.transactions);
  assert.equal(db.prepare('SELECT count(*) FROM transfer WHERE dataset_id = ?').pluck().get(r.dataset.id), campaigns.written.transfers);
  assert.ok((db.prepare('SELECT min(number) FROM block WHERE dataset_id = ?').pluck().get(r.dataset.id) as number) > before.last);
  assert.ok((db.prepare('SELECT min(time) FROM tx WHERE dataset_id = ?').pluck().get(r.dataset.id) as number) > lastWorldTime + 86_400);
  // Every transaction a step names is in the store, successful, at a time within the step.
  const tx = db.prepare('SELECT status, time FROM tx WHERE chain_id = ? AND hash = ?');
  const kinds: readonly string[] = CAMPAIGN_STEP_KINDS;
  for (const h of campaigns.heists) {
    assert.ok(h.steps.length >= 3, h.id);
    for (const s of h.steps) {
      assert.ok(kinds.includes(s.kind), `${h.id}: ${s.kind}`);
      assert.ok(s.txs.length > 0 && s.addresses.length > 0, `${h.id} ${s.kind}`);
      for (const hash of s.txs) {
        const row = tx.get(chainId(ETH), hash) as { status: number; time: number } | undefined;
        assert.equal(row?.status, 1, `${h.id} ${s.kind} ${hash}`);
        assert.ok(row.time >= s.start && row.time <= s.end, `${h.id} ${s.kind} ${hash} at ${row.time}, within ${s.start}..${s.end}`);
      }
    }
    assert.deepEqual(h.steps.map((s) => s.start), [...h.steps.map((s) => s.start)].sort((a, b) => a - b), `${h.id}: steps in time order`);
    assert.equal(h.steps[0]!.kind, 'consolidation', h.id);
    assert.equal(h.start, h.steps[0]!.start, h.id);
  }
  // The services' labels import as a label set, every row read.
  const rows = readFileSync(join(campaignDir, campaigns.files.labels), 'utf8').trim().split('\n').length - 1;
  const labels = importLabelFiles(db, [join(campaignDir, campaigns.files.labels)], { skipInvalid: false, now: () => new Date() });
  assert.equal(labels.skippedCount, 0);
  assert.equal(db.prepare('SELECT count(*) FROM label').pluck().get(), rows);
  for (const h of campaigns.heists) for (const s of h.services) assert.deepEqual(db.prepare('SELECT label, category FROM label WHERE chain = ? AND addr = ?').all(ETH, s.address), [{ label: s.name, category: s.category }], `${h.id} ${s.name}`);
});

test('the truth reconciles with the store: each victim sent exactly what was stolen from it; each meeting’s amounts are its heists’ victims’ transfers into it', () => {
  for (const h of campaigns.heists) {
    assert.ok(h.victims.length >= (h.id === 'X0' ? 1 : 8) && h.victims.length <= 25, `${h.id}: ${h.victims.length} victims`);
    for (const v of h.victims) {
      const sent = addressTotals(db, addressId(v.address)).totals.filter((t) => t.sent > 0n);
      assert.deepEqual(
        sent.map((t) => [t.asset.contract ?? 'native', t.sent]).sort(),
        v.stolen.map((s) => [s.asset, BigInt(s.amount)]).sort(),
        `${h.id} ${v.address}`,
      );
    }
  }
  // A victim of one heist is no victim of another, and none is an address of the world's.
  const all = campaigns.heists.flatMap((h) => h.victims.map((v) => v.address));
  assert.equal(new Set(all).size, all.length);
  const into = db
    .prepare(
      `SELECT coalesce(a.contract, '') AS asset, tr.amount FROM transfer tr JOIN address f ON f.id = tr.from_id JOIN address t ON t.id = tr.to_id JOIN asset a ON a.id = tr.asset_id
       WHERE tr.chain_id = ? AND t.addr = ? AND f.addr IN (SELECT value FROM json_each(?)) AND coalesce(tr.status, 1) = 1`,
    )
    .safeIntegers(true);
  assert.equal(campaigns.meetings.length, 1);
  for (const m of campaigns.meetings) {
    assert.ok(m.heists.length >= 4, 'the main theft and three more heists meet');
    for (const id of m.heists) {
      const h = campaigns.heists.find((x) => x.id === id)!;
      const sums = new Map<string, bigint>();
      for (const r of into.all(chainId(m.chain), m.address, JSON.stringify(h.victims.map((v) => v.address))) as { asset: string; amount: bigint | string }[]) {
        const key = r.asset === '' ? 'native' : r.asset;
        sums.set(key, (sums.get(key) ?? 0n) + fromDbAmount(r.amount));
      }
      assert.deepEqual(Object.fromEntries([...sums].map(([a, v]) => [a, v.toString()])), m.amounts[id], `${id} at ${m.address}`);
    }
  }
});

test('X’s heists pay into one consolidation wallet of the main theft; Y shares exactly one common exchange with X, Z nothing; no two heists alike', () => {
  const xs = heistsOf('X');
  assert.equal(xs.length, 4);
  assert.equal(heistsOf('Y').length, 2);
  assert.ok(heistsOf('Z').length >= 1 && heistsOf('Z').length <= 2);
  const meeting = campaigns.meetings[0]!;
  assert.deepEqual(meeting.heists, xs.map((h) => h.id));
  // The shared wallet is one the main theft drained its victims into (truth/theft.csv).
  const drainedInto = new Set(readFileSync(join(campaignDir, world.files.theft), 'utf8').trim().split('\n').map((l) => l.split(',')).filter((c) => c[0] === 'drain' && c[1] === ETH).map((c) => c[4]));
  assert.ok(drainedInto.has(meeting.address));
  for (const h of xs) {
    assert.equal(h.consolidation, meeting.address, h.id);
    // Every victim of X's later heists pays only the shared wallet.
    if (h.id !== 'X0') {
      for (const v of h.victims) {
        const to = db.prepare('SELECT DISTINCT t.addr FROM transfer tr JOIN address t ON t.id = tr.to_id WHERE tr.from_id = ?').pluck().all(addressId(v.address));
        assert.deepEqual(to, [meeting.address], `${h.id} ${v.address}`);
      }
      assert.deepEqual(h.steps.slice(0, 3).map((s) => s.kind), ['consolidation', 'dormancy', 'fan-out'], h.id);
      assert.ok(h.steps.some((s) => s.kind === 'peel-chain') && h.steps.some((s) => s.kind === 'mixer') && h.steps.some((s) => s.kind === 'exchange-deposit'), h.id);
    }
  }
  const others = campaigns.heists.filter((h) => h.actor !== 'X');
  assert.ok(others.every((h) => h.consolidation !== meeting.address && others.filter((o) => o.consolidation === h.consolidation).length === 1));
  // Services: X's mixer is X's alone; Y meets X only at the common exchange (the same hot wallet), Z nowhere.
  const x = servicesOf(xs);
  const common = EXCHANGES[0];
  assert.ok([...x.keys()].some((n) => /mixer/i.test(n)));
  for (const h of heistsOf('Y')) {
    const shared = [...servicesOf([h]).entries()].filter(([n]) => x.has(n));
    assert.deepEqual(shared, [[common, x.get(common)!]], h.id);
    assert.ok(h.steps.every((s) => s.kind !== 'mixer' && s.kind !== 'dormancy'), h.id);
    assert.ok(h.steps[1]!.kind === 'fan-out' && h.steps[1]!.start - h.steps[0]!.end <= 600, `${h.id}: fans out within minutes`);
  }
  for (const h of heistsOf('Z')) {
    assert.deepEqual([...servicesOf([h]).keys()].filter((n) => x.has(n)), [], h.id);
    assert.deepEqual(h.steps.map((s) => s.kind), ['consolidation', 'swap', 'bridge'], h.id);
  }
  // Randomised within each habit: no two heists took the same amounts from the same number of victims.
  const shapes = campaigns.heists.map((h) => `${h.victims.length}:${h.victims.map((v) => v.stolen.map((s) => s.amount).join('+')).join(',')}`);
  assert.equal(new Set(shapes).size, shapes.length);
  assert.ok(new Set(xs.slice(1).map((h) => h.steps.map((s) => `${s.kind}${s.txs.length}`).join(' '))).size > 1, 'X’s later heists are not copies of each other');
});

test('a FIFO trace from each of X’s heists’ victims measures at the shared wallet exactly the truth’s meeting amount', () => {
  const meeting = campaigns.meetings[0]!;
  for (const h of heistsOf('X')) {
    const result = runTrace(db, TraceSpec.parse({ method: 'fifo', sources: h.victims.map((v) => ({ kind: 'address', chain: ETH, address: v.address })), maxHops: 12 }));
    assert.ok(result.totals.every((t) => t.reconciles), h.id);
    assert.ok(result.transfersTotal <= result.transfers.length, `${h.id}: every traced transfer is listed`);
    const traced = new Map<string, bigint>();
    for (const t of result.transfers) if (t.to === meeting.address) traced.set(t.asset.contract ?? 'native', (traced.get(t.asset.contract ?? 'native') ?? 0n) + BigInt(t.traced));
    assert.deepEqual(Object.fromEntries([...traced].map(([a, v]) => [a, v.toString()])), meeting.amounts[h.id], h.id);
    if (h.id !== 'X0') {
      // Past the shared wallet, X's value reaches X's services: the common exchange and the mixer.
      const stops = new Set(result.endpoints.filter((e) => e.reason === 'stop').map((e) => e.label));
      for (const s of h.services.filter((x) => x.category === 'mixing_service' || x.category === 'exchange')) assert.ok(stops.has(s.name), `${h.id} reaches ${s.name}: ${[...stops].join(', ')}`);
    }
  }
});

test('the same seed writes the same campaigns, another seed other campaigns', () => {
  const again = tempDir('cairn-campaigns-again-');
  const other = tempDir('cairn-campaigns-other-');
  cpSync(plainDir, again, { recursive: true });
  cpSync(plainDir, other, { recursive: true });
  const same = generateCampaigns({ seed: SEED, out: again, world: plain });
  const diff = generateCampaigns({ seed: 'another seed', out: other, world: plain, heists: 2 });
  assert.deepEqual(same, campaigns);
  for (const f of filesUnder(join(campaignDir, 'campaigns'))) {
    assert.equal(fileHash(join(again, 'campaigns', f)), fileHash(join(campaignDir, 'campaigns', f)), f);
    if (f.endsWith('transactions.csv') || f.endsWith('blocks.csv') || f.endsWith('labels.csv')) assert.notEqual(fileHash(join(other, 'campaigns', f)), fileHash(join(campaignDir, 'campaigns', f)), f);
  }
  assert.equal(diff.heists.filter((h) => h.actor === 'X').length, 3);
  const victims = new Set(campaigns.heists.filter((h) => h.id !== 'X0').flatMap((h) => h.victims.map((v) => v.address)));
  assert.ok(diff.heists.filter((h) => h.id !== 'X0').every((h) => h.victims.every((v) => !victims.has(v.address))));
  // The main theft is the same world's: heist 0 is the same, whatever the campaigns' seed.
  assert.deepEqual(diff.heists[0]!.victims, campaigns.heists[0]!.victims);
  assert.throws(() => generateCampaigns({ seed: 'x', out: other, world: plain, heists: 0 }), /heists must be a whole number from 1 to 50/);
});
