import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { generateWorld, parseScale, SYNTH_CHAINS, type TheftHop, type WorldTruth } from '../../../../electron/core/synth/world';
import { canonicalAddress } from '../../../../shared/codec/address';
import { tempDir } from '../../helpers';

const fileHash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** One tiny world, imported through the real import paths, shared by the tests below. */
let world: { dir: string; truth: WorldTruth; db: Db } | null = null;
after(() => {
  world?.db.close();
  if (world) rmSync(world.dir, { recursive: true, force: true });
});
async function tinyWorld(): Promise<{ dir: string; truth: WorldTruth; db: Db }> {
  if (world) return world;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-world-'));
  const truth = generateWorld({ seed: 'test-seed', transfers: 4000, out: dir });
  const db = openStore(':memory:');
  await importDataset(db, { paths: [join(dir, truth.files.bitcoin)] });
  await importDataset(db, { paths: [join(dir, truth.files.ethereum)], chain: 'eth' });
  await importDataset(db, { paths: [join(dir, truth.files.tron)], chain: 'tron' });
  world = { dir, truth, db };
  return world;
}

const chainRow = (db: Db, caip2: string): number => db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(caip2) as number;
const addressId = (db: Db, caip2: string, addr: string): number => {
  const id = findAddressId(db, chainRow(db, caip2), addr);
  assert.ok(id !== null, `${addr} on ${caip2} is in the store`);
  return id;
};
const totalsOf = (db: Db, caip2: string, addr: string, symbol: string) => addressTotals(db, addressId(db, caip2, addr)).totals.find((t) => t.asset.symbol === symbol);

test('the generator is deterministic: the same seed writes the same files, another seed another world', () => {
  const a = tempDir();
  const b = tempDir();
  const c = tempDir();
  generateWorld({ seed: 'same', transfers: 2000, out: a });
  generateWorld({ seed: 'same', transfers: 2000, out: b });
  generateWorld({ seed: 'other', transfers: 2000, out: c });
  for (const f of ['truth.json', 'truth/theft.csv', 'truth/actors.csv', 'truth/coinjoins.csv', 'ethereum/transactions.csv', 'tron/token_transfers.csv', 'bitcoin/blocks/blk00000.dat']) {
    assert.equal(fileHash(join(a, f)), fileHash(join(b, f)), f);
    assert.notEqual(fileHash(join(a, f)), fileHash(join(c, f)), f);
  }
  assert.equal(parseScale('small'), 50_000);
  assert.equal(parseScale('250000'), 250_000);
  assert.throws(() => parseScale('huge'), /--scale must be tiny, small, medium, large or a number/);
});

test('a tiny world imports through the real import paths, every fact it wrote is in the store', async () => {
  const { truth, db } = await tinyWorld();
  const w = truth.written;
  assert.ok(w.transfers >= 3800 && w.transfers < 4400, `about the scale asked for: ${w.transfers}`);
  const transfers = (caip2: string) => db.prepare('SELECT count(*) FROM transfer WHERE chain_id = ?').pluck().get(chainRow(db, caip2));
  assert.equal(transfers(SYNTH_CHAINS.eth), w.ethereum.transfers);
  assert.equal(transfers(SYNTH_CHAINS.tron), w.tron.transfers);
  assert.equal(db.prepare('SELECT count(*) FROM transfer WHERE chain_id = ? AND status = 0').pluck().get(chainRow(db, SYNTH_CHAINS.eth)), w.ethereum.failed);
  assert.equal(db.prepare('SELECT count(*) FROM txout').pluck().get(), w.bitcoin.outputs);
  assert.equal(db.prepare('SELECT count(*) FROM txin').pluck().get(), w.bitcoin.inputs);
  assert.equal(db.prepare('SELECT count(*) FROM btc_block').pluck().get(), w.bitcoin.blocks);
  // Every Bitcoin input found the output it spends: the world only spends what exists.
  assert.equal(db.prepare('SELECT count(*) FROM txin WHERE prev_tx_id IS NULL AND prev_txid <> ?').pluck().get('0'.repeat(64)), 0);
  // USDT got its symbol and decimals on both chains.
  assert.deepEqual(db.prepare("SELECT symbol, decimals FROM asset WHERE contract <> '' ORDER BY chain_id").all(), [{ symbol: 'USDT', decimals: 6 }, { symbol: 'USDT', decimals: 6 }]);
});

test('every hop of the stolen funds in the ground truth is a transfer in the store, to the base unit', async () => {
  const { dir, truth, db } = await tinyWorld();
  const hops = parse(readFileSync(join(dir, truth.files.theft)), { columns: true }) as TheftHop[];
  assert.equal(hops.length, truth.hops);
  assert.deepEqual(new Set(hops.map((h) => h.step)), new Set(['drain', 'fan-out', 'fan-in', 'peel chain', 'exchange sweep', 'bridge lock', 'bridge release', 'consolidate', 'cash-out', 'swap to BTC', 'mixer']));
  const account = db.prepare(
    `SELECT tr.amount FROM transfer tr JOIN tx ON tx.id = tr.tx_id JOIN asset a ON a.id = tr.asset_id
       JOIN address f ON f.id = tr.from_id JOIN address t ON t.id = tr.to_id
     WHERE tx.chain_id = ? AND tx.hash = ? AND f.addr = ? AND t.addr = ? AND a.contract = ? AND coalesce(tr.status, 1) = 1`,
  ).safeIntegers(true);
  const utxoOut = db.prepare(`SELECT o.value FROM txout o JOIN tx ON tx.id = o.tx_id JOIN address a ON a.id = o.address_id WHERE tx.hash = ? AND a.addr = ?`).safeIntegers(true);
  const utxoIn = db.prepare(`SELECT count(*) FROM txin i JOIN tx ON tx.id = i.tx_id JOIN address a ON a.id = i.address_id WHERE tx.hash = ? AND a.addr = ?`).pluck();
  for (const h of hops) {
    if (h.chain === SYNTH_CHAINS.btc) {
      assert.deepEqual(utxoOut.all(h.tx, h.to).map((r) => fromDbAmount((r as { value: bigint }).value)), [BigInt(h.amount)], `${h.step} ${h.tx} pays ${h.to}`);
      assert.ok((utxoIn.get(h.tx, h.from) as number) >= 1, `${h.step} ${h.tx} spends a coin of ${h.from}`);
    } else {
      const rows = account.all(chainRow(db, h.chain), h.tx, h.from, h.to, h.asset === 'native' ? '' : h.asset) as { amount: bigint | string }[];
      assert.deepEqual(rows.map((r) => fromDbAmount(r.amount)), [BigInt(h.amount)], `${h.step} ${h.tx}`);
    }
  }
});

test("the store's totals reconcile with the ground truth: victims, exits, the swap, the bridge and the mixer", async () => {
  const { truth, db } = await tinyWorld();
  // Each victim sent exactly what was stolen from it, and nothing else.
  const stolen: Record<string, Record<string, bigint>> = {};
  for (const v of truth.victims) {
    for (const s of v.stolen) {
      assert.equal(totalsOf(db, v.chain, v.address, s.symbol)?.sent, BigInt(s.amount), `${v.address} ${s.symbol}`);
      (stolen[v.chain] ??= {})[s.symbol] = (stolen[v.chain]![s.symbol] ?? 0n) + BigInt(s.amount);
    }
  }
  for (const [chain, bySymbol] of Object.entries(truth.stolen)) {
    for (const [symbol, amount] of Object.entries(bySymbol)) assert.equal(stolen[chain]?.[symbol] ?? 0n, BigInt(amount), `${chain} ${symbol}`);
  }
  // Each exit deposit received exactly the stolen amount sent to it.
  for (const e of truth.exits) assert.equal(totalsOf(db, e.chain, e.deposit, e.symbol)?.received, BigInt(e.amount), `${e.exchange} ${e.deposit}`);
  // ETH: everything stolen left either through a peel to an exchange or into the swap.
  const ethExits = truth.exits.filter((e) => e.chain === SYNTH_CHAINS.eth).reduce((s, e) => s + BigInt(e.amount), 0n);
  assert.equal(ethExits + BigInt(truth.swap.in.amount), BigInt(truth.stolen[SYNTH_CHAINS.eth]!.ETH!));
  // The swap paid 0.06 BTC per ETH less its fee; the vault received exactly the swap's input from the thief.
  assert.equal(BigInt(truth.swap.out.amount) + BigInt(truth.swap.feeSats), (BigInt(truth.swap.in.amount) * 6n) / 10n ** 12n);
  assert.equal(totalsOf(db, SYNTH_CHAINS.btc, truth.swap.out.to, 'rBTC')?.received, BigInt(truth.swap.out.amount));
  // USDT: locked on Ethereum, released on Tron less the bridge fee, cashed out with the Tron victims' USDT.
  const locked = truth.bridge.locks.reduce((s, l) => s + BigInt(l.amount), 0n);
  assert.equal(locked, BigInt(truth.stolen[SYNTH_CHAINS.eth]!.USDT!));
  assert.equal(BigInt(truth.bridge.release.amount), locked - BigInt(truth.bridge.fee));
  const tronExits = truth.exits.filter((e) => e.chain === SYNTH_CHAINS.tron).reduce((s, e) => s + BigInt(e.amount), 0n);
  assert.equal(tronExits, BigInt(truth.bridge.release.amount) + BigInt(truth.stolen[SYNTH_CHAINS.tron]!.USDT!));
  // The CoinJoin: a WabiSabi round of 50 or more inputs from three or more wallets, ten equal outputs the thief's.
  const mix = db.prepare('SELECT id FROM tx WHERE hash = ?').pluck().get(truth.mixer.txid) as number;
  assert.equal(truth.mixer.shape, 'wasabi2');
  assert.ok(truth.mixer.participants >= 3, `participants: ${truth.mixer.participants}`);
  assert.ok(truth.mixer.inputs >= 50, `inputs: ${truth.mixer.inputs}`);
  assert.equal(db.prepare('SELECT count(*) FROM txin WHERE tx_id = ?').pluck().get(mix), truth.mixer.inputs);
  const paid = db.prepare('SELECT a.addr, o.value FROM txout o JOIN address a ON a.id = o.address_id WHERE o.tx_id = ? AND o.value = ?').safeIntegers(true).all(mix, BigInt(truth.mixer.denomination)) as { addr: string }[];
  assert.ok(paid.length >= 10);
  for (const out of truth.mixer.thiefOutputs) assert.equal(paid.filter((p) => p.addr === out).length, 1, `${out} gets one mixed output`);
  // The hubs: the exchanges' hot wallets receive more transfers than any other address on each account chain.
  for (const chain of [SYNTH_CHAINS.eth, SYNTH_CHAINS.tron]) {
    const top = db
      .prepare('SELECT a.addr FROM edge e JOIN address a ON a.id = e.to_id WHERE a.chain_id = ? GROUP BY e.to_id ORDER BY sum(e.cnt) DESC LIMIT 3')
      .pluck()
      .all(chainRow(db, chain)) as string[];
    assert.deepEqual(new Set(top), new Set(truth.hotWallets.filter((h) => h.chain === chain).map((h) => h.address)), chain);
  }
});

/** actors.csv as a map per chain: canonical address → [actor, role]. */
function owners(dir: string, truth: WorldTruth): Map<string, Map<string, [string, string]>> {
  const out = new Map<string, Map<string, [string, string]>>();
  for (const line of readFileSync(join(dir, truth.files.actors), 'utf8').trim().split('\n').slice(1)) {
    const [chain, address, actor, role] = line.split(',') as [string, string, string, string];
    const m = out.get(chain) ?? new Map<string, [string, string]>();
    out.set(chain, m);
    const key = canonicalAddress(chain, address);
    assert.ok(!m.has(key), `${address} on ${chain} is listed once`);
    m.set(key, [actor, role]);
  }
  return out;
}

const coinjoinRows = (dir: string, truth: WorldTruth) =>
  (parse(readFileSync(join(dir, truth.files.coinjoins)), { columns: true }) as { chain: string; txid: string; shape: string; participants: string }[]).map((r) => ({ ...r, participants: Number(r.participants) }));

test('actors.csv names one owner for every address in the store; outside the CoinJoins every Bitcoin transaction spends one owner’s coins', async () => {
  const { dir, truth, db } = await tinyWorld();
  const who = owners(dir, truth);
  for (const chain of Object.values(SYNTH_CHAINS)) {
    const addrs = db.prepare('SELECT addr FROM address WHERE chain_id = ?').pluck().all(chainRow(db, chain)) as string[];
    assert.ok(addrs.length > 50);
    assert.deepEqual(addrs.filter((a) => !who.get(chain)!.has(a)), [], `every ${chain} address has an owner`);
  }
  const btc = who.get(SYNTH_CHAINS.btc)!;
  const rounds = new Map(coinjoinRows(dir, truth).map((r) => [r.txid, r]));
  assert.ok(rounds.has(truth.mixer.txid), 'the thief’s round is listed');
  const inputs = db.prepare('SELECT tx.hash, a.addr FROM txin i JOIN tx ON tx.id = i.tx_id JOIN address a ON a.id = i.address_id ORDER BY tx.id').all() as { hash: string; addr: string }[];
  const byTx = new Map<string, Set<string>>();
  for (const i of inputs) byTx.set(i.hash, (byTx.get(i.hash) ?? new Set()).add(btc.get(i.addr)![0]));
  for (const [hash, actors] of byTx) {
    const round = rounds.get(hash);
    if (round) assert.equal(actors.size, round.participants, `CoinJoin ${hash}: its participants are distinct owners`);
    else assert.equal(actors.size, 1, `${hash} spends coins of ${[...actors].join(', ')}`);
  }
  for (const r of rounds.values()) assert.ok(r.participants >= 3, `${r.shape} ${r.txid}: ${r.participants} participants`);
  // Wallets hold many addresses; the exchanges' are their hot wallets and the deposit addresses they sweep.
  const perWallet = new Map<string, number>();
  for (const [actor] of btc.values()) if (actor.startsWith('btc wallet ')) perWallet.set(actor, (perWallet.get(actor) ?? 0) + 1);
  assert.ok([...perWallet.values()].filter((n) => n >= 5).length >= perWallet.size / 3, 'a third of the wallets use five addresses or more');
  // Account-chain users own 1 to 3 addresses each.
  for (const chain of [SYNTH_CHAINS.eth, SYNTH_CHAINS.tron]) {
    const perUser = new Map<string, number>();
    for (const [actor, role] of who.get(chain)!.values()) if (role === 'user') perUser.set(actor, (perUser.get(actor) ?? 0) + 1);
    const counts = [...perUser.values()];
    assert.ok(counts.every((n) => n >= 1 && n <= 3) && counts.some((n) => n === 1) && counts.some((n) => n > 1), chain);
  }
});

test('the thief’s CoinJoin has three or more participants at every scale', () => {
  for (const transfers of [2_000, 100_000]) {
    const truth = generateWorld({ seed: `mixer-${transfers}`, transfers, out: tempDir() });
    assert.ok(truth.mixer.participants >= 3 && truth.mixer.inputs >= 50, `${transfers} transfers: ${truth.mixer.participants} participants, ${truth.mixer.inputs} inputs`);
  }
});

for (const seed of ['rounds-one', 'rounds-two']) {
  test(`a 20,000-transfer world (${seed}): CoinJoin rounds of every shape, shaped like the real ones; deposits forwarded to the hot wallets within minutes`, async () => {
    const dir = tempDir('cairn-world-rounds-');
    const truth = generateWorld({ seed, transfers: 20_000, out: dir });
    const db = openStore(':memory:');
    try {
      await importDataset(db, { paths: [join(dir, truth.files.bitcoin)] });
      await importDataset(db, { paths: [join(dir, truth.files.ethereum)], chain: 'eth' });
      await importDataset(db, { paths: [join(dir, truth.files.tron)], chain: 'tron' });
      const rows = coinjoinRows(dir, truth);
      for (const shape of ['whirlpool', 'wasabi1', 'joinmarket', 'wasabi2']) assert.ok(rows.some((r) => r.shape === shape), `a ${shape} round`);
      assert.deepEqual(Object.fromEntries(Object.entries(truth.coinjoins).filter(([, n]) => n > 0)), Object.fromEntries([...new Set(rows.map((r) => r.shape))].map((s) => [s, rows.filter((r) => r.shape === s).length])));
      const tx = db.prepare('SELECT id FROM tx WHERE hash = ?').pluck();
      const outs = db.prepare('SELECT value, address_id AS a FROM txout WHERE tx_id = ? ORDER BY n').safeIntegers(true);
      const ins = db.prepare('SELECT count(*) FROM txin WHERE tx_id = ?').pluck();
      const equalOutputs = (values: bigint[]) => {
        const counts = new Map<bigint, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        return [...counts].sort((a, b) => b[1] - a[1])[0]!;
      };
      for (const r of rows) {
        const id = tx.get(r.txid) as number;
        const o = (outs.all(id) as { value: bigint; a: bigint | null }[]).map((x) => ({ value: fromDbAmount(x.value), a: x.a }));
        const [value, n] = equalOutputs(o.map((x) => x.value));
        const where = `${r.shape} ${r.txid}`;
        if (r.shape === 'whirlpool') {
          assert.equal(ins.get(id), 5, where);
          assert.equal(o.length, 5, where);
          assert.equal(n, 5, where);
          assert.ok([100_000n, 1_000_000n, 5_000_000n, 25_000_000n, 50_000_000n].includes(value), `${where}: a pool denomination`);
        } else if (r.shape === 'wasabi1') {
          assert.ok(n >= 10 && n === r.participants, where);
          assert.ok(value >= 9_800_000n && value <= 10_200_000n, `${where}: near 0.1 BTC`);
        } else if (r.shape === 'joinmarket') {
          assert.equal(n, r.participants, `${where}: one equal output per party`);
          assert.ok(o.length - n <= n, `${where}: at most one change per party`);
        }
        assert.equal(new Set(o.filter((x) => x.value === value).map((x) => x.a)).size, n, `${where}: the equal outputs go to distinct addresses`);
      }
      // Each deposit on an account chain reaches the exchange's hot wallet within six minutes, the ETH less the forward's gas.
      const who = owners(dir, truth);
      for (const chain of [SYNTH_CHAINS.eth, SYNTH_CHAINS.tron]) {
        const deposits = [...who.get(chain)!].filter(([, [, role]]) => role === 'deposit').map(([a]) => a);
        const hot = truth.hotWallets.filter((w) => w.chain === chain).map((w) => canonicalAddress(chain, w.address));
        const unforwarded = db
          .prepare(
            `SELECT count(*) FROM transfer i JOIN address d ON d.id = i.to_id
             WHERE d.chain_id = :chain AND d.addr IN (SELECT value FROM json_each(:deposits)) AND coalesce(i.status, 1) = 1
               AND NOT EXISTS (SELECT 1 FROM transfer f JOIN address h ON h.id = f.to_id
                               WHERE f.from_id = d.id AND h.addr IN (SELECT value FROM json_each(:hot)) AND f.asset_id = i.asset_id
                                 AND f.time BETWEEN i.time AND i.time + 360 AND (f.amount = i.amount OR f.kind = 0))`,
          )
          .pluck()
          .get({ chain: chainRow(db, chain), deposits: JSON.stringify(deposits), hot: JSON.stringify(hot) });
        const received = db.prepare('SELECT count(*) FROM transfer i JOIN address d ON d.id = i.to_id WHERE d.chain_id = ? AND d.addr IN (SELECT value FROM json_each(?))').pluck().get(chainRow(db, chain), JSON.stringify(deposits)) as number;
        assert.ok(received > 100, `${chain}: ${received} deposits`);
        assert.equal(unforwarded, 0, `${chain}: every deposit is forwarded`);
      }
    } finally {
      db.close();
    }
  });
}
