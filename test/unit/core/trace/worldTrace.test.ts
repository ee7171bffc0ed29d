/**
 * A generated theft traced end to end against its ground truth (issue 13, "Done when"): from the
 * victims on Ethereum and Tron, across the bridge to Tron and the swap to Bitcoin, through the
 * CoinJoin, to the exchanges — FIFO and haircut find every hop of truth/theft.csv up to the first
 * stop and bring the truth's amounts to the exits; poison bounds haircut from above.
 *
 * Where the truth fixes the amounts exactly: every exit under FIFO (the stolen value is never
 * mixed with other value on its way, and FIFO pours the thief's CoinJoin input into the outputs
 * in order, so the thief's mixed outputs are wholly stolen), and the Ethereum and Tron exits
 * under haircut. Haircut spreads the thief's CoinJoin input over every output of the CoinJoin in
 * proportion to value, so each Bitcoin exit carries the thief's share of the CoinJoin's inputs
 * of its amount: checked against that share, to the base unit's rounding, not against the truth.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { generateWorld, SYNTH_CHAINS } from '../../../../electron/core/synth/world';
import { runTrace } from '../../../../electron/core/trace/runTrace';
import type { CrossChainLink, TraceResult } from '../../../../shared/api/traceSchemas';
import { canonicalTxHashFor } from '../../../../shared/codec/address';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { canon, groundTruthSpec, importServiceLabels, importWorld, mixerAddress, readGroundTruth, scoreTrace, stopPlaces, truthLinks, type GroundTruth } from '../../../bench/traceTruth';
import { tempDir } from '../../helpers';

interface World {
  g: GroundTruth;
  db: Db;
  links: CrossChainLink[];
}

const dbs: Db[] = [];
after(() => dbs.forEach((db) => db.close()));

const worlds = new Map<string, Promise<World>>();
/** A 3000-transfer world with its three chains and the services' labels in one store. */
function world(seed: string): Promise<World> {
  let w = worlds.get(seed);
  if (!w) {
    w = (async () => {
      const dir = tempDir('cairn-world-trace-');
      generateWorld({ seed, transfers: 3000, out: dir });
      const g = readGroundTruth(dir);
      const db = openStore(':memory:');
      dbs.push(db);
      await importWorld(db, g);
      assert.ok(importServiceLabels(db, g) > 0, 'the services are labelled');
      return { g, db, links: truthLinks(db, g) };
    })();
    worlds.set(seed, w);
  }
  return w;
}

const totalsOf = (r: TraceResult, chain: string, symbol: string) => {
  const t = r.totals.find((x) => x.asset.chain === chain && x.asset.symbol === symbol);
  assert.ok(t, `the result has totals for ${symbol} on ${chain}`);
  return t;
};

/** Value traced into each address, per chain and asset, from the result's transfers. */
function tracedInto(r: TraceResult): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const t of r.transfers) if (t.to !== null) m.set(`${t.chain}|${t.to}|${t.asset.id}`, (m.get(`${t.chain}|${t.to}|${t.asset.id}`) ?? 0n) + BigInt(t.traced));
  return m;
}

/** The CoinJoin's inputs in all, from the store: the haircut's denominator for the thief's share. */
function coinJoinInputs(db: Db, txid: string): bigint {
  const values = db
    .prepare('SELECT i.value FROM txin i JOIN tx ON tx.id = i.tx_id JOIN chain c ON c.id = tx.chain_id WHERE c.caip2 = ? AND tx.hash = ?')
    .pluck()
    .safeIntegers(true)
    .all(SYNTH_CHAINS.btc, canonicalTxHashFor(SYNTH_CHAINS.btc, txid)) as unknown[];
  assert.ok(values.length >= 2 && values.every((v) => v !== null), 'the CoinJoin and the outputs it spends are in the store');
  return values.reduce<bigint>((s, v) => s + fromDbAmount(v), 0n);
}

function assertConserves(w: World, r: TraceResult, method: string): void {
  assert.equal(r.transfersTotal, r.transfers.length, `${method}: every transfer that carried traced value is listed (under the cap)`);
  for (const t of r.transfers) assert.ok(BigInt(t.traced) > 0n && BigInt(t.traced) <= BigInt(t.amount), `${method}: ${t.tx} ${t.ref} carries ${t.traced} of ${t.amount}`);
  for (const t of r.totals) {
    const sum = BigInt(t.stopped) + BigInt(t.atRest) + BigInt(t.fees) + BigInt(t.sunk) + BigInt(t.unresolved);
    assert.equal(BigInt(t.sourced) + BigInt(t.linkedIn), sum, `${method}, ${t.asset.symbol} on ${t.asset.chain}: sourced + linked in = stopped + at rest + fees + sunk + unresolved`);
    assert.equal(t.reconciles, true);
  }
  // What stops is exactly what the transfers into the stops carried.
  const into = tracedInto(r);
  const stops = stopPlaces(w.g);
  const stopped = new Map<number, bigint>();
  for (const e of r.endpoints.filter((x) => x.reason === 'stop')) {
    assert.ok(e.address !== null && stops.has(`${e.chain}|${e.address}`), `${method}: ${e.address} is a labelled exchange or the mixer`);
    stopped.set(e.asset.id, (stopped.get(e.asset.id) ?? 0n) + (into.get(`${e.chain}|${e.address}|${e.asset.id}`) ?? 0n));
  }
  for (const t of r.totals) assert.equal(stopped.get(t.asset.id) ?? 0n, BigInt(t.stopped), `${method}, ${t.asset.symbol}: traced into the stops = stopped`);
}

for (const seed of ['world-trace-one', 'world-trace-two']) {
  for (const method of ['fifo', 'haircut'] as const) {
    test(`a generated theft (${seed}), ${method}: every hop of theft.csv up to the first stop is found, the exits get the truth's amounts, and the totals reconcile`, async () => {
      const w = await world(seed);
      const { truth } = w.g;
      const r = runTrace(w.db, groundTruthSpec(truth, method), { links: w.links });
      const score = scoreTrace(w.g, r);

      assert.ok(score.required.length >= 30, `the theft has its hops (${score.required.length})`);
      assert.deepEqual(score.missing.map((h) => `${h.step} ${h.chain} ${h.tx} → ${h.to}`), [], 'every hop of the theft is among the traced transfers');

      // The stolen value enters from the victims and crosses by the links, exactly.
      const { eth, tron, btc } = SYNTH_CHAINS;
      assert.equal(totalsOf(r, eth, 'ETH').sourced, truth.stolen[eth]!.ETH);
      assert.equal(totalsOf(r, eth, 'USDT').sourced, truth.stolen[eth]!.USDT);
      assert.equal(totalsOf(r, tron, 'USDT').sourced, truth.stolen[tron]!.USDT);
      assert.equal(totalsOf(r, tron, 'USDT').linkedIn, truth.bridge.release.amount, 'the bridge releases every stolen USDT it locked, less its fee');
      assert.equal(totalsOf(r, btc, 'rBTC').linkedIn, truth.swap.out.amount, 'the swap pays out for all the stolen ETH');

      // The exits.
      const share = { payout: BigInt(truth.swap.out.amount), inputs: coinJoinInputs(w.db, truth.mixer.txid) };
      assert.ok(share.inputs > share.payout, 'the CoinJoin mixes other participants’ coins with the thief’s');
      assert.ok(score.exits.length >= 10);
      for (const e of score.exits) {
        const where = `${e.symbol} exit ${e.deposit} on ${e.chain}`;
        if (method === 'haircut' && e.chain === btc) {
          // The thief's share of the CoinJoin, carried through the cash-out (whose fee takes its share too).
          const expected = (share.payout * e.truth) / share.inputs;
          const off = e.traced > expected ? e.traced - expected : expected - e.traced;
          assert.ok(off <= 2n, `${where}: ${e.traced}, the thief's CoinJoin share of ${e.truth} is ${expected}`);
          assert.ok(e.traced < e.truth);
        } else assert.equal(e.traced, e.truth, `${where}: the truth's amount`);
      }

      // The mixer is reached on Bitcoin, and the trace stops there.
      const mixer = mixerAddress(w.g);
      assert.equal(mixer.chain, btc);
      assert.ok(score.mixerStopped > 0n, 'traced value stops at the mixer');
      // The thief's exits are found although unlabelled: the trace reaches the exchanges through them.
      assert.ok(r.endpoints.some((e) => e.reason === 'stop' && e.category === 'exchange' && e.chain === eth));
      assert.ok(r.endpoints.some((e) => e.reason === 'stop' && e.category === 'exchange' && e.chain === tron));
      assert.ok(r.endpoints.some((e) => e.reason === 'stop' && e.category === 'exchange' && e.chain === btc));
      assertConserves(w, r, method);
    });
  }

  test(`a generated theft (${seed}): poison is an upper bound, at least haircut's amount at every endpoint both list`, async () => {
    const w = await world(seed);
    const haircut = runTrace(w.db, groundTruthSpec(w.g.truth, 'haircut'), { links: w.links });
    const poison = runTrace(w.db, groundTruthSpec(w.g.truth, 'poison'), { links: w.links });
    const at = (r: TraceResult) => {
      const m = new Map<string, bigint>();
      for (const e of [...r.endpoints, ...r.unresolved]) {
        if (e.address === null) continue;
        const k = `${e.chain}|${e.address}|${e.asset.id}`;
        m.set(k, (m.get(k) ?? 0n) + BigInt(e.amount));
      }
      return m;
    };
    const h = at(haircut);
    const p = at(poison);
    const both = [...h.keys()].filter((k) => p.has(k));
    assert.ok(both.length >= 10, `endpoints in common (${both.length})`);
    for (const k of both) assert.ok(p.get(k)! >= h.get(k)!, `${k}: poison ${p.get(k)} ≥ haircut ${h.get(k)}`);
    // Poison reaches every exchange exit haircut reaches.
    for (const e of w.g.truth.exits) {
      const into = (r: TraceResult) => r.transfers.filter((t) => t.chain === e.chain && t.to === canon(e.chain, e.deposit)).reduce((s, t) => s + BigInt(t.traced), 0n);
      assert.ok(into(poison) >= into(haircut), `${e.deposit}: poison ≥ haircut`);
    }
  });
}
