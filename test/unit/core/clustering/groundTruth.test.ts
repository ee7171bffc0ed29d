/**
 * Multi-input clustering measured against a generated world's ground truth (issue 14, part 7):
 * the world's Bitcoin owners behave like real ones (electron/core/synth/world.ts: HD wallets,
 * exchanges sweeping deposit addresses, Whirlpool, Wasabi 1, JoinMarket and Wasabi 2 rounds of
 * three or more wallets), truth/actors.csv says who owns each address and truth/coinjoins.csv
 * lists the rounds. The clusters are the ones the Bitcoin import makes as it goes.
 *
 * The thresholds, and why (not fitted to a seed):
 *
 * - No merge through a CoinJoin: the target the issue sets. Every round here is three or more
 *   wallets, so any merge through one is false.
 * - Precision above 99%. Multi-input is wrong only where several owners sign one transaction:
 *   CoinJoins, which the guard skips, and PayJoins, which this world does not make. So every false
 *   pair comes from a round the detector missed; one missed round of k wallets whose clusters
 *   hold m addresses each adds about k²m²/2 false pairs, a small share while clusters are small
 *   (a few hours of history) and a growing one as they grow. 99% tolerates a rare miss and fails
 *   when the guard stops working: merged through every round, precision falls under 50% (the
 *   last test).
 * - Recall above 4%. Multi-input joins only addresses whose coins are spent together; Nick (2015)
 *   found it links about 69% of a real wallet's addresses over years of history, but this world
 *   covers a few hours: most of a wallet's addresses received one coin that is spent alone, or
 *   not yet. Measured on eight seeds: 5% to 9% over the wallets' addresses, 11% to 15% with the
 *   exchanges' swept deposits. 4% is under all of them and far above a heuristic that stopped
 *   merging (0).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { generateWorld, SYNTH_CHAINS, type WorldTruth } from '../../../../electron/core/synth/world';
import { coinJoinMerges, heuristicLinks, loadTruth, pairScore, throughCoinJoins } from '../../../bench/clusterBench';
import { tempDir } from '../../helpers';

const dbs: Db[] = [];
after(() => dbs.forEach((db) => db.close()));

const worlds = new Map<string, Promise<{ db: Db; truth: WorldTruth; chainId: number }>>();
/** A 30,000-transfer world's Bitcoin blocks imported (and clustered as they are), with its truth loaded. */
function world(seed: string): Promise<{ db: Db; truth: WorldTruth; chainId: number }> {
  let w = worlds.get(seed);
  if (!w) {
    w = (async () => {
      const dir = tempDir('cairn-cluster-truth-');
      const truth = generateWorld({ seed, transfers: 30_000, out: dir });
      const db = openStore(':memory:');
      dbs.push(db);
      await importDataset(db, { paths: [join(dir, truth.files.bitcoin)] });
      await loadTruth(db, dir, truth);
      const chainId = db.prepare('SELECT id FROM chain WHERE caip2 = ?').pluck().get(SYNTH_CHAINS.btc) as number;
      return { db, truth, chainId };
    })();
    worlds.set(seed, w);
  }
  return w;
}

for (const seed of ['cluster-truth-one', 'cluster-truth-two']) {
  test(`multi-input on a generated world (${seed}): no merge through a CoinJoin, precision above 99%, recall above 4%`, async () => {
    const { db, truth, chainId } = await world(seed);
    const rounds = Object.values(truth.coinjoins).reduce((s, n) => s + n, 0);
    const cj = coinJoinMerges(db, chainId);
    assert.ok(rounds >= 20, `the world has CoinJoin rounds: ${JSON.stringify(truth.coinjoins)}`);
    assert.equal(cj.inStore, rounds, 'every round is in the store');
    assert.deepEqual([cj.mergesThrough, cj.falseMerges, cj.roundsMerged], [0, 0, 0], 'no merge has a CoinJoin as its evidence');

    const links = heuristicLinks(db, chainId);
    assert.deepEqual(links.map((l) => l.heuristic), ['multi-input']);
    assert.ok(links[0]!.links > 500, `links: ${links[0]!.links}`);
    assert.equal(links[0]!.judged, links[0]!.links, 'every merged address has an owner in the truth');

    for (const users of [false, true]) {
      const score = pairScore(db, chainId, users);
      const what = users ? "the wallets' addresses" : 'all addresses';
      assert.ok(score.addresses > 3_000, `${what}: ${score.addresses}`);
      assert.ok(score.precision !== null && score.precision > 0.99, `${what}: precision ${score.precision} (${score.correctPairs} of ${score.predictedPairs} pairs)`);
      assert.ok(score.recall !== null && score.recall > 0.04, `${what}: recall ${score.recall} (${score.correctPairs} of ${score.truePairs} pairs)`);
    }
  });
}

test('the CoinJoin guard matters: each round joins three or more owners, and merging through them all would wreck precision', async () => {
  const { db, chainId } = await world('cluster-truth-one');
  // Each round's input addresses belong to as many owners as it has participants, three or more.
  const spans = db
    .prepare(
      `SELECT c.participants, count(DISTINCT ta.actor) AS owners FROM temp.truth_coinjoin c JOIN txin i ON i.tx_id = c.tx_id
       JOIN temp.truth_actor ta ON ta.address_id = i.address_id GROUP BY c.tx_id`,
    )
    .all() as { participants: number; owners: number }[];
  assert.ok(spans.length >= 20);
  for (const s of spans) assert.ok(s.owners === s.participants && s.participants >= 3, JSON.stringify(s));
  // Merged through, the rounds would join strangers into clusters far larger than any wallet's.
  const now = pairScore(db, chainId, false);
  const through = throughCoinJoins(db, chainId, false);
  assert.equal(through.addresses, now.addresses);
  assert.ok(through.correctPairs >= now.correctPairs);
  assert.ok(through.precision !== null && through.precision < 0.5, `precision merged through the rounds: ${through.precision}`);
  assert.ok(through.largestCluster > 2 * now.largestCluster, `largest cluster ${now.largestCluster}, through the rounds ${through.largestCluster}`);
});
