import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { clusterAccountChain, DEPOSIT_ADDRESS, DEPOSIT_CUSTOMER } from '../../../../electron/core/analysis/clustering/depositClustering';
import { rebuildClusters } from '../../../../electron/core/analysis/clustering/rebuild';
import { readClusteringSettings, writeClusteringSettings, type ClusteringSettings } from '../../../../electron/core/analysis/clustering/settings';
import { UnionFind } from '../../../../electron/core/analysis/clustering/unionFind';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { displayAddress } from '../../../../shared/codec/address';
import { tronToBase58 } from '../../../../shared/codec/tron';
import { ETL, TX_HEADER, clusterPartition, tempDir, writeFile } from '../../helpers';
import { freshBackend, importAndWait, ok } from '../backendHelpers';
import { clusterRows } from './clusterRows';

/**
 * Hand-built ethereum-etl exports of an exchange's deposit flow, with addresses shaped like real
 * ones (20 bytes from a hash of a name). Amounts are wei and USDT base units (6 decimals).
 */
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_700_000_000;
const ETH = 10n ** 18n;
/** What a plain ETH transfer's gas costs at 21 gwei: a native sweep forwards the deposit less this. */
const GAS = 21_000n * 21_000_000_000n;

function a(name: string): string {
  return '0x' + createHash('sha256').update(name).digest('hex').slice(0, 40);
}

let hashes = 0;
/** An ethereum-etl export being written: each transaction in its own block, at the time given. */
class Export {
  readonly txs: string[] = [];
  readonly transfers: string[] = [];

  native(from: string, to: string, value: bigint, time: number): string {
    return this.tx(from, to, value, time, '0x');
  }

  usdt(from: string, to: string, value: bigint, time: number): string {
    const hash = this.tx(from, USDT, 0n, time, '0xa9059cbb');
    this.transfers.push(`${USDT},${from},${to},${value},${hash},0,${this.block(time)}`);
    return hash;
  }

  private block(time: number): number {
    return 18_000_000 + (time - T0);
  }

  private tx(from: string, to: string, value: bigint, time: number, input: string): string {
    const hash = '0x' + createHash('sha256').update(`tx ${++hashes}`).digest('hex');
    this.txs.push(`${hash},7,0x${'b'.repeat(64)},${this.block(time)},0,${from},${to},${value},60000,21000000000,${input},${time},,,2`);
    return hash;
  }

  /** The export's files; only the transactions given by `keep` (all by default). */
  write(dir = tempDir(), keep: (line: string) => boolean = () => true): string[] {
    const txs = this.txs.filter(keep);
    const hashesKept = new Set(txs.map((l) => l.split(',')[0]));
    return [
      writeFile(dir, 'transactions.csv', [TX_HEADER, ...txs].join('\n') + '\n'),
      writeFile(dir, 'token_transfers.csv', ['token_address,from_address,to_address,value,transaction_hash,log_index,block_number', ...this.transfers.filter((l) => hashesKept.has(l.split(',')[4]))].join('\n') + '\n'),
      writeFile(dir, 'tokens.csv', `address,symbol,name,decimals,total_supply,block_number\n${USDT},USDT,Tether USD,6,,4634748\n`),
    ];
  }
}

/** The exchange world below, by role. */
const HOT = a('exchange hot wallet');
const D = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => a(`deposit ${i}`));
const ALICE = [a('alice 1'), a('alice 2')];
const CAROL = a('carol');
const DAVE = [a('dave 1'), a('dave 2')];
const BOB = a('bob');
const GAS_STATION = a('exchange gas station');
const FRIEND = a('friend of carol and dave');
const PAYROLL = a('payroll service');
const EMPLOYEE = [5, 6, 7, 8].map((i) => a(`employee ${i}`));
const PASS = a('one-off pass-through');
const ERIN = a('erin');
const WALLET = a('wallet that also pays a shop');
const SHOP = a('shop');
const SMALL_HUB = a('hub of only two');
const SMALL_D = [a('small deposit 1'), a('small deposit 2')];
const FRANK = a('frank');
const STRANGER = a('stranger who pays carol once');
const PAYER = a('payer of three wallets');
const VICTIMS = [1, 2, 3].map((i) => a(`drained wallet ${i}`));
const DRAINER = a('drainer');

/**
 * One exchange hot wallet and eight deposit addresses that sweep each deposit to it ten minutes
 * later, in two rounds:
 * - D1 (ETH): funded by Alice's two addresses, each once a round: Alice's addresses are one
 *   customer;
 * - D2, D3 (ETH): Carol's and Dave's (Dave's two addresses), and a friend of both pays into each
 *   every round: the friend funds two deposit addresses, within the cap of three, so Carol, Dave
 *   and the friend are one customer; a stranger pays Carol's deposit address once, which makes
 *   no customer;
 * - D4 (USDT, exact sweeps): Bob's, and the exchange's gas station tops it up with ETH for gas
 *   before each sweep; the top-ups are never forwarded, so the gas station is no customer;
 * - D5–D8 (ETH): a payroll service pays into all four and one employee into each: four is over
 *   the cap of three, so the payroll is a service and the employees stay apart.
 * And what is not a deposit address: a one-off pass-through (one forward), a wallet that forwards
 * twice but also pays a shop, three wallets emptied once each into one address, and two
 * deposit-like addresses of a hub with only two of them.
 */
function exchangeWorld(): { x: Export; forward: Map<string, string>; funding: Map<string, string> } {
  const x = new Export();
  const forward = new Map<string, string>();
  const funding = new Map<string, string>();
  let t = T0;
  /** A native deposit and its sweep (less the sweep's gas) ten minutes later. */
  const depositEth = (from: string, d: string, value: bigint, hub = HOT): void => {
    const f = x.native(from, d, value, (t += 100));
    if (!funding.has(`${from}>${d}`)) funding.set(`${from}>${d}`, f);
    const s = x.native(d, hub, value - GAS, t + 600);
    if (!forward.has(d)) forward.set(d, s);
    t += 700;
  };
  for (let round = 0n; round < 2n; round++) {
    for (const alice of ALICE) depositEth(alice, D[0]!, (15n * ETH) / 10n + round);
    depositEth(CAROL, D[1]!, 2n * ETH + round);
    depositEth(FRIEND, D[1]!, ETH + round);
    for (const dave of DAVE) depositEth(dave, D[2]!, 3n * ETH + round);
    depositEth(FRIEND, D[2]!, ETH + 10n + round);
    // D4: Bob's USDT, the gas top-up, the exact USDT sweep.
    x.usdt(BOB, D[3]!, 2_500_000_000n + round, (t += 100));
    x.native(GAS_STATION, D[3]!, 3n * 10n ** 15n, (t += 60));
    const s = x.usdt(D[3]!, HOT, 2_500_000_000n + round, (t += 300));
    if (!forward.has(D[3]!)) forward.set(D[3]!, s);
    for (let k = 4; k < 8; k++) {
      depositEth(PAYROLL, D[k]!, ETH / 2n + BigInt(k) + round);
      depositEth(EMPLOYEE[k - 4]!, D[k]!, ETH / 4n + BigInt(k) + round);
    }
    t += 3_600;
  }
  depositEth(STRANGER, D[1]!, 5n * ETH);
  // Not deposit addresses.
  depositEth(ERIN, PASS, 4n * ETH);
  depositEth(ERIN, WALLET, ETH);
  depositEth(ERIN, WALLET, ETH + 7n);
  x.native(WALLET, SHOP, 10n ** 15n, (t += 100));
  // Three wallets, each emptied once of its ETH and USDT (two transfers at one time) into one
  // address: one occasion each, not two forwards, so the drainer is no hub.
  for (const v of VICTIMS) {
    x.native(PAYER, v, 2n * ETH, (t += 100));
    x.usdt(PAYER, v, 1_000_000_000n, (t += 100));
    x.native(v, DRAINER, 2n * ETH, (t += 1_000));
    x.usdt(v, DRAINER, 1_000_000_000n, t);
  }
  for (const d of SMALL_D) {
    depositEth(FRANK, d, ETH, SMALL_HUB);
    depositEth(FRANK, d, ETH + 1n, SMALL_HUB);
  }
  return { x, forward, funding };
}

function id(db: Db, address: string): number {
  const found = findAddressId(db, 1, address);
  assert.ok(found !== null, `${address} should be in the store`);
  return found;
}

const partition = clusterPartition;


const sorted = (xs: string[]): string[] => [...xs].sort();
/** The clusters the exchange world should make with the default settings. */
const EXPECTED = [sorted([HOT, ...D]), sorted(ALICE), sorted([CAROL, ...DAVE, FRIEND])].sort((x, y) => x[0]!.localeCompare(y[0]!));

function withDeposit(db: Db, deposit: Partial<ClusteringSettings['deposit']>, rest: Partial<Omit<ClusteringSettings, 'deposit'>> = {}): void {
  const s = readClusteringSettings(db);
  writeClusteringSettings(db, { ...s, ...rest, deposit: { ...s.deposit, ...deposit } });
}

test('deposit addresses join their hot wallet with a forward as evidence; the funders of one are one customer; gas top-ups, services and pass-throughs merge nothing', async () => {
  const { x, forward, funding } = exchangeWorld();
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: x.write() });
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(partition(db), EXPECTED);

  // One evidence row per merge: each deposit address to the hub by its first sweep; the
  // customers by the later funder's funding transaction.
  const evidence = db
    .prepare(
      `SELECT fa.addr AS a, fb.addr AS b, t.hash AS tx, e.heuristic, e.dataset_id AS dataset FROM cluster_evidence e
       JOIN address fa ON fa.id = e.a JOIN address fb ON fb.id = e.b JOIN tx t ON t.id = e.tx_id ORDER BY e.id`,
    )
    .all() as { a: string; b: string; tx: string; heuristic: string; dataset: number }[];
  const byD = evidence.filter((e) => e.heuristic === DEPOSIT_ADDRESS);
  assert.deepEqual(sorted(byD.map((e) => e.a)), sorted(D));
  for (const e of byD) {
    assert.equal(e.b, HOT);
    assert.equal(e.tx, forward.get(e.a), `${e.a}: its first sweep is the evidence`);
    assert.equal(e.dataset, r.dataset!.id);
  }
  const customers = evidence.filter((e) => e.heuristic === DEPOSIT_CUSTOMER);
  assert.deepEqual(
    customers.map((e) => [e.a, e.b, e.tx]),
    [
      [ALICE[0], ALICE[1], funding.get(`${ALICE[1]}>${D[0]}`)],
      [CAROL, FRIEND, funding.get(`${FRIEND}>${D[1]}`)],
      [DAVE[0], DAVE[1], funding.get(`${DAVE[1]}>${D[2]}`)],
      [DAVE[0], FRIEND, funding.get(`${FRIEND}>${D[2]}`)],
    ],
  );
  assert.equal(evidence.length, D.length + 4);
  assert.deepEqual(clusterRows(db).cluster_held, []);

  // Neither the gas station nor the payroll is anyone's customer, and the hub is no one's.
  const uf = new UnionFind(db);
  for (const lone of [GAS_STATION, PAYROLL, ...EMPLOYEE, BOB, STRANGER, PASS, ERIN, WALLET, SHOP, PAYER, ...VICTIMS, DRAINER, SMALL_HUB, ...SMALL_D, FRANK]) {
    assert.equal(uf.find(id(db, lone)).size, 1, `${lone} stays alone`);
  }
  db.close();
});

test('a re-import, an import of the same transactions and two more, and a re-run over the same store add nothing; a rebuild gives the same clusters', async () => {
  const { x } = exchangeWorld();
  const paths = x.write();
  const db = openStore(':memory:');
  await importDataset(db, { paths });
  const before = clusterRows(db);
  assert.ok(before.cluster_evidence!.length > 0);
  const again = await importDataset(db, { paths });
  assert.equal(again.dataset, null);
  assert.deepEqual(clusterRows(db), before);
  // The same transactions again with one more (the hot wallet pays a withdrawal, and D1 gets a
  // deposit it has not swept yet): a new dataset, whose import judges the hub and D1 again.
  x.native(HOT, ERIN, ETH, T0 + 900_000);
  x.native(ALICE[0]!, D[0]!, ETH, T0 + 900_100);
  const more = await importDataset(db, { paths: x.write() });
  assert.equal(more.dataset!.added.transfers, 2);
  assert.deepEqual(clusterRows(db), before);
  const rerun = clusterAccountChain(db, 1, null, readClusteringSettings(db));
  assert.deepEqual([rerun.merges, rerun.held, rerun.candidates, rerun.hubs], [0, 0, D.length, 1]);
  assert.deepEqual(clusterRows(db), before);
  rebuildClusters(db);
  assert.deepEqual(partition(db), EXPECTED);
  db.close();
});

test('imported in two parts: the second part makes the hub a hub, and its earlier deposit addresses join it too', async () => {
  const { x } = exchangeWorld();
  const db = openStore(':memory:');
  // The first part is D1's and D2's transactions: two deposit candidates, one short of a hub.
  // The second part is the rest, earlier transactions among them.
  const early = (l: string): boolean => {
    const [from, to] = l.split(',').slice(5, 7);
    return [D[0], D[1]].includes(from) || [D[0], D[1]].includes(to);
  };
  const first = await importDataset(db, { paths: x.write(tempDir(), early) });
  const partial = partition(db);
  const second = await importDataset(db, { paths: x.write(tempDir(), (l) => !early(l)) });
  assert.ok(first.dataset && second.dataset);
  assert.deepEqual(partial, []);
  // D1 and D2 have no transfer in the second part: they join because their hub became one.
  for (const d of [D[0]!, D[1]!]) {
    assert.equal(db.prepare('SELECT count(*) FROM transfer WHERE dataset_id = ? AND (from_id = ? OR to_id = ?)').pluck().get(second.dataset.id, id(db, d), id(db, d)), 0);
  }
  assert.deepEqual(partition(db), EXPECTED);
  const incremental = clusterRows(db);
  // The merges were made by the second import; a rebuild attributes each to its evidence transaction's dataset.
  assert.deepEqual(new Set(incremental.cluster_evidence!.map((row) => (row as number[])[5])), new Set([second.dataset.id]));
  rebuildClusters(db);
  assert.deepEqual(partition(db), EXPECTED);
  db.close();
});

test('the thresholds decide: a shorter delay, a larger hub, more forwards, no tolerance, a funder cap, payments per customer, or switched off', async () => {
  const { x } = exchangeWorld();
  const paths = x.write();
  const db = openStore(':memory:');
  await importDataset(db, { paths });
  const rebuilt = (deposit: Partial<ClusteringSettings['deposit']>): string[][] => {
    withDeposit(db, { maxDelaySeconds: 86_400, minForwards: 2, minDepositsPerHub: 3, tolerancePercent: 1, maxDepositsPerFunder: 3, minFundingsPerCustomer: 2, enabled: true, ...deposit });
    rebuildClusters(db);
    return partition(db);
  };
  // Sweeps come 300 s (USDT) and 600 s (ETH) after the deposit.
  assert.deepEqual(rebuilt({ maxDelaySeconds: 599 }), []);
  assert.deepEqual(rebuilt({ maxDelaySeconds: 600 }), EXPECTED);
  // Eight deposit addresses make the hub; nine are asked for.
  assert.deepEqual(rebuilt({ minDepositsPerHub: 9 }), []);
  assert.deepEqual(rebuilt({ minDepositsPerHub: 8 }), EXPECTED);
  // Sweeps: D2 five, D3 six, the others four or two. Five asked for and a hub of two: D2, D3 and their customers.
  assert.deepEqual(
    rebuilt({ minForwards: 5, minDepositsPerHub: 2 }),
    [sorted([HOT, D[1]!, D[2]!]), sorted([CAROL, ...DAVE, FRIEND])].sort((p, q) => p[0]!.localeCompare(q[0]!)),
  );
  assert.deepEqual(rebuilt({ minForwards: 7, minDepositsPerHub: 1 }), []);
  // The one-off pass-through counts once one forward is enough, and joins the hub.
  assert.ok(rebuilt({ minForwards: 1 }).some((c) => c.includes(PASS) && c.includes(HOT)));
  // Native sweeps fall short by the gas (0.029% of 1.5 ETH, 0.088% of 0.5 ETH): with no tolerance only the USDT address is left, too few for a hub.
  assert.deepEqual(rebuilt({ tolerancePercent: 0 }), []);
  assert.deepEqual(rebuilt({ tolerancePercent: 0, minDepositsPerHub: 1 }), [sorted([HOT, D[3]!])]);
  // The friend funds two deposit addresses: with a cap of one it is a service, and Carol and Dave stay apart.
  assert.deepEqual(
    rebuilt({ maxDepositsPerFunder: 1 }),
    [sorted([HOT, ...D]), sorted(ALICE), sorted(DAVE)].sort((p, q) => p[0]!.localeCompare(q[0]!)),
  );
  // The payroll funds four: with a cap of four it is a customer, and its employees with it.
  assert.ok(rebuilt({ maxDepositsPerFunder: 4 }).some((c) => c.includes(PAYROLL) && EMPLOYEE.every((e) => c.includes(e))));
  // Each customer paid twice; the stranger once. One payment enough (Victor's rule): the stranger joins Carol.
  assert.ok(rebuilt({ minFundingsPerCustomer: 1 }).some((c) => c.includes(STRANGER) && c.includes(CAROL)));
  assert.deepEqual(rebuilt({ minFundingsPerCustomer: 3 }), [sorted([HOT, ...D])]);
  assert.deepEqual(rebuilt({ enabled: false }), []);
  db.close();

  // Switched off before the import: nothing merges.
  const off = openStore(':memory:');
  withDeposit(off, { enabled: false });
  await importDataset(off, { paths });
  assert.deepEqual(clusterRows(off), { entity_member: [], entity_root: [], cluster_evidence: [], cluster_held: [] });
  off.close();
});

test('the collapse guard holds a customer merge of two large clusters, and the import says so', async () => {
  const { x, funding } = exchangeWorld();
  const db = openStore(':memory:');
  // With a guard of 2: Dave's two addresses, then the friend (already with Carol) joining them, is a union of two clusters of two.
  withDeposit(db, {}, { collapseGuard: 2 });
  const r = await importDataset(db, { paths: x.write() });
  const held = db
    .prepare('SELECT fa.addr AS a, fb.addr AS b, h.a_size, h.b_size, t.hash, h.heuristic FROM cluster_held h JOIN address fa ON fa.id = h.a JOIN address fb ON fb.id = h.b JOIN tx t ON t.id = h.tx_id')
    .raw()
    .all();
  assert.deepEqual(held, [[DAVE[0], FRIEND, 2, 2, funding.get(`${FRIEND}>${D[2]}`), DEPOSIT_CUSTOMER]]);
  assert.ok(r.warnings.includes('1 merge of two large clusters held for review by the collapse guard (cairn clusters held)'), r.warnings.join('\n'));
  assert.deepEqual(partition(db), [sorted([HOT, ...D]), sorted(ALICE), sorted([CAROL, FRIEND]), sorted(DAVE)].sort((p, q) => p[0]!.localeCompare(q[0]!)));
  // Imported again (a new dataset, as the same files are refused): the held merge is not held twice.
  rebuildClusters(db);
  assert.equal((db.prepare('SELECT count(*) FROM cluster_held').pluck().get() as number), 1);
  db.close();
});

test('clusters.why gives the forwarding evidence, through the API', async () => {
  const { x, forward, funding } = exchangeWorld();
  const { backend } = freshBackend();
  await importAndWait(backend, x.write());
  const shown = (address: string): string => displayAddress('eip155:1', address);
  const why = (p: string, q: string) => ok(backend, 'clusters.why', { chain: 'eth', a: p, b: q });
  assert.deepEqual(await why(D[0]!, HOT), {
    joined: true,
    steps: [{ from: shown(D[0]!), to: shown(HOT), tx: forward.get(D[0]!), heuristic: DEPOSIT_ADDRESS }],
  });
  // Two deposit addresses: the path runs through the hub.
  assert.deepEqual(await why(D[3]!, D[0]!), {
    joined: true,
    steps: [
      { from: shown(D[3]!), to: shown(HOT), tx: forward.get(D[3]!), heuristic: DEPOSIT_ADDRESS },
      { from: shown(HOT), to: shown(D[0]!), tx: forward.get(D[0]!), heuristic: DEPOSIT_ADDRESS },
    ],
  });
  assert.deepEqual(await why(ALICE[1]!, ALICE[0]!), {
    joined: true,
    steps: [{ from: shown(ALICE[1]!), to: shown(ALICE[0]!), tx: funding.get(`${ALICE[1]}>${D[0]}`), heuristic: DEPOSIT_CUSTOMER }],
  });
  // A customer is not the exchange, and the gas station is not Bob.
  assert.deepEqual(await why(ALICE[0]!, HOT), { joined: false, steps: [] });
  assert.deepEqual(await why(GAS_STATION, BOB), { joined: false, steps: [] });
  const hub = await ok(backend, 'clusters.show', { chain: 'eth', address: HOT });
  assert.equal(hub.size, 1 + D.length);
  assert.deepEqual(new Set(hub.evidence.map((e) => e.heuristic)), new Set([DEPOSIT_ADDRESS]));
  await backend.close();
});

test('Tron: TRC-20 deposit addresses in base58 join their hot wallet', async () => {
  const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
  const hex = (name: string): string => '41' + createHash('sha256').update(`tron ${name}`).digest('hex').slice(0, 40);
  const hot = hex('hot');
  const deposits = [1, 2, 3].map((i) => hex(`deposit ${i}`));
  const users = [1, 2, 3].map((i) => hex(`user ${i}`));
  const txs: string[] = [];
  const transfers: string[] = [];
  let t = 1_711_929_600;
  let n = 0;
  const usdt = (from: string, to: string, value: bigint): string => {
    const hash = createHash('sha256').update(`tron tx ${++n}`).digest('hex');
    t += 3;
    txs.push(`${hash},0,0x${'01'.repeat(32)},${60_000_000 + n},0,${from},41a614f803b6fd780986a42c78ec9c7f77e6ded13c,0,0,0,0xa9059cbb,${t}`);
    transfers.push(`${USDT_TRON},${from},${to},${value},${hash},0,${60_000_000 + n}`);
    return hash;
  };
  for (let round = 0; round < 2; round++) {
    deposits.forEach((d, i) => {
      const v = 100_000_000n * BigInt(i + 1) + BigInt(round);
      usdt(users[i]!, d, v);
      usdt(d, hot, v);
    });
  }
  const dir = tempDir();
  const paths = [
    writeFile(dir, 'transactions.csv', 'hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp\n' + txs.join('\n') + '\n'),
    writeFile(dir, 'token_transfers.csv', 'token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n' + transfers.join('\n') + '\n'),
  ];
  const db = openStore(':memory:');
  await importDataset(db, { paths, chain: 'tron' });
  assert.deepEqual(partition(db), [sorted([hot, ...deposits].map(tronToBase58))]);
  db.close();
});

test('the ethereum-etl fixture (block 483920) has no deposit forwarding and merges nothing', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [ETL] });
  assert.deepEqual(clusterRows(db), { entity_member: [], entity_root: [], cluster_evidence: [], cluster_held: [] });
  assert.deepEqual(clusterAccountChain(db, 1, null, readClusteringSettings(db)), { candidates: 0, coinjoins: 0, merges: 0, held: 0, hubs: 0 });
  db.close();
});
