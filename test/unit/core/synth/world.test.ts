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
  for (const f of ['truth.json', 'truth/theft.csv', 'truth/actors.csv', 'ethereum/transactions.csv', 'tron/token_transfers.csv', 'bitcoin/blocks/blk00000.dat']) {
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
  // The CoinJoin: several participants, equal outputs, ten of them the thief's.
  const mix = db.prepare('SELECT id FROM tx WHERE hash = ?').pluck().get(truth.mixer.txid) as number;
  assert.ok(truth.mixer.participants >= 5, `participants: ${truth.mixer.participants}`);
  assert.equal(db.prepare('SELECT count(*) FROM txin WHERE tx_id = ?').pluck().get(mix), truth.mixer.participants);
  const equal = db.prepare('SELECT count(*) FROM txout WHERE tx_id = ? AND value = ?').pluck().get(mix, BigInt(truth.mixer.denomination));
  assert.equal(equal, 10 + truth.mixer.participants - 1);
  // The hubs: the exchanges' hot wallets receive more transfers than any other address on each account chain.
  for (const chain of [SYNTH_CHAINS.eth, SYNTH_CHAINS.tron]) {
    const top = db
      .prepare('SELECT a.addr FROM edge e JOIN address a ON a.id = e.to_id WHERE a.chain_id = ? GROUP BY e.to_id ORDER BY sum(e.cnt) DESC LIMIT 3')
      .pluck()
      .all(chainRow(db, chain)) as string[];
    assert.deepEqual(new Set(top), new Set(truth.hotWallets.filter((h) => h.chain === chain).map((h) => h.address)), chain);
  }
});
