import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandNeighbours } from '../../../../electron/core/analysis/neighbours';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { hubPage, refreshHubs } from '../../../../electron/core/store/hubs';
import { openStore } from '../../../../electron/core/store/openStore';
import { generateWorld } from '../../../../electron/core/synth/world';
import { ETL_BLOCKS, ETL_TOKEN_TRANSFERS, ETL_TXS } from '../../helpers';

test("a hub's stored ranking pages exactly like the live ranking, in every direction, and is recomputed by each import", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-hubs-'));
  try {
    const truth = generateWorld({ seed: 'hubs', transfers: 3000, out: dir });
    const db = openStore(':memory:');
    await importDataset(db, { paths: [join(dir, truth.files.ethereum)], chain: 'eth' });
    // At this size nothing reaches the real threshold; a low one makes the hot wallets hubs.
    assert.equal(db.prepare('SELECT count(*) FROM hub').pluck().get(), 0);
    const hubs = refreshHubs(db, 40);
    assert.ok(hubs >= 3, `hubs: ${hubs}`);
    const ids = db.prepare("SELECT address_id FROM hub WHERE direction = 'both' ORDER BY total DESC LIMIT 3").pluck().all() as number[];
    const stored = ids.flatMap((id) => (['in', 'out', 'both'] as const).flatMap((d) => [0, 25, 1000].map((offset) => expandNeighbours(db, id, d, offset, 25))));
    assert.ok(hubPage(db, ids[0]!, 'both', 0, 25), 'read from the stored ranking');
    db.exec('DELETE FROM hub; DELETE FROM hub_rank;');
    const live = ids.flatMap((id) => (['in', 'out', 'both'] as const).flatMap((d) => [0, 25, 1000].map((offset) => expandNeighbours(db, id, d, offset, 25))));
    assert.equal(hubPage(db, ids[0]!, 'both', 0, 25), null);
    assert.deepEqual(stored, live);
    assert.ok(stored.some((p) => p.total > 25 && p.items.length === 25), "some page is full and more remain");

    // An import re-ranks the hubs of its own chain only: Tron's leaves Ethereum's as they were…
    refreshHubs(db, 40);
    const rows = () => ({ hub: db.prepare('SELECT * FROM hub ORDER BY 1, 2').all(), rank: db.prepare('SELECT * FROM hub_rank ORDER BY 1, 2, 3').all() });
    const ethHubs = rows();
    await importDataset(db, { paths: [join(dir, truth.files.tron)], chain: 'tron' });
    assert.deepEqual(rows(), ethHubs);
    // …and ranking each chain by itself gives what ranking every chain at once gives.
    const tron = db.prepare("SELECT id FROM chain WHERE caip2 LIKE 'tron:%'").pluck().get() as number;
    assert.ok(refreshHubs(db, 10, tron) > 0, 'Tron has hubs at this threshold');
    assert.ok(rows().hub.length > ethHubs.hub.length);
    const eth = db.prepare("SELECT id FROM chain WHERE caip2 = 'eip155:1'").pluck().get() as number;
    const chainByChainIsAllAtOnce = (order: number[]): void => {
      refreshHubs(db, 10);
      const all = rows();
      db.exec('DELETE FROM hub_rank; DELETE FROM hub;');
      for (const chain of order) refreshHubs(db, 10, chain);
      assert.deepEqual(rows(), all);
    };
    chainByChainIsAllAtOnce([eth, tron]);
    // An Ethereum import re-ranks Ethereum's (with the real threshold: none at this size), not Tron's.
    const tronHubs = db.prepare('SELECT count(*) FROM hub h JOIN address a ON a.id = h.address_id WHERE a.chain_id = ?').pluck();
    const tronCount = tronHubs.get(tron) as number;
    await importDataset(db, { paths: [ETL_BLOCKS, ETL_TXS, ETL_TOKEN_TRANSFERS], chain: 'eth' });
    assert.equal(db.prepare('SELECT count(*) FROM hub').pluck().get(), tronCount);
    assert.equal(tronHubs.get(tron), tronCount);
    // Ethereum's address ids now lie on both sides of Tron's: scoped by chain, still the same rankings.
    chainByChainIsAllAtOnce([tron, eth]);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
