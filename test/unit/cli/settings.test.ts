import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { FIXTURES, tempDir } from '../helpers';
import { cairn, json } from './cliRun';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const BTC = 'bip122:000000000019d6689c085ae165831e93';
const DEFAULTS = { change: [], collapseGuard: 1000 };

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const ws = tempDir();
before(() => {
  const r = cairn(ws, 'import', BLOCK_702861);
  assert.equal(r.code, 0, r.err);
});

type Rebuilt = { chain: string; merges: number; held: number; coinjoins: number; change: { named: number; conflicts: number; merges: number } | null }[];

test('cairn settings set changes clustering, prints what it rebuilt, and switching the rules off restores the clusters', () => {
  const start = json(ws, 'settings') as { investigator: string; clustering: { change: string[]; collapseGuard: number; deposit: Record<string, unknown> } };
  assert.deepEqual(Object.keys(start), ['workspace', 'investigator', 'clustering']);
  assert.deepEqual({ change: start.clustering.change, collapseGuard: start.clustering.collapseGuard }, DEFAULTS);
  assert.equal(start.clustering.deposit.maxDelaySeconds, 86_400);
  const before = json(ws, 'clusters', 'show', 'btc', '3KgoiRm64m1uNqsm3xEMp7wap9d9NotB4y');

  const on = json(ws, 'settings', 'set', 'clustering.change', 'fresh-address,optimal-change') as { settings: { change: string[] }; rebuilt: Rebuilt };
  assert.deepEqual(on.settings.change, ['fresh-address', 'optimal-change']);
  assert.equal(on.rebuilt.length, 1);
  assert.equal(on.rebuilt[0]!.chain, BTC);
  assert.ok(on.rebuilt[0]!.change!.merges > 0, JSON.stringify(on.rebuilt));
  assert.equal(on.rebuilt[0]!.coinjoins, 8);
  assert.deepEqual((json(ws, 'settings') as typeof start).clustering.change, ['fresh-address', 'optimal-change']);

  const human = cairn(ws, 'settings', 'set', 'clustering.change', 'none');
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^clustering\.change: none \(was fresh-address,optimal-change\)$/m);
  assert.match(human.out, /^rebuilt the clusters of Bitcoin: 3,130 merges, 0 held for review, 8 CoinJoins merged nothing$/m);
  assert.deepEqual(json(ws, 'clusters', 'show', 'btc', '3KgoiRm64m1uNqsm3xEMp7wap9d9NotB4y'), before);

  // Deposit thresholds are account chains' business: this store has none, so nothing is rebuilt.
  const deposit = cairn(ws, 'settings', 'set', 'clustering.deposit.maxDelaySeconds', '3600');
  assert.equal(deposit.code, 0, deposit.err);
  assert.match(deposit.out, /^clustering\.deposit\.maxDelaySeconds: 3600 \(was 86400\)\nno clusters to rebuild/);
  const guard = json(ws, 'settings', 'set', 'clustering.collapseGuard', '5000') as { settings: { collapseGuard: number }; rebuilt: Rebuilt };
  assert.equal(guard.settings.collapseGuard, 5000);
  assert.deepEqual(guard.rebuilt.map((r) => [r.chain, r.merges, r.change]), [[BTC, 3130, null]]);

  const shown = cairn(ws, 'settings');
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /^clustering\.change +none$/m);
  assert.match(shown.out, /^clustering\.collapseGuard +5000$/m);
  assert.match(shown.out, /^clustering\.deposit\.maxDelaySeconds +3600$/m);
});

test('cairn settings set refuses unknown keys and values with one line naming them', () => {
  for (const [args, pattern] of [
    [['clustering.colour', 'red'], /^cairn: unknown setting "clustering\.colour": the settings are investigator, clustering\.change, clustering\.collapseGuard, clustering\.deposit\.enabled/],
    [['clustering.deposit.maxDelay', '5'], /^cairn: unknown setting "clustering\.deposit\.maxDelay"/],
    [['clustering.change', 'fresh-address,peel-chain'], /^cairn: unknown change rule "peel-chain": the rules are address-reuse, fresh-address, script-type, round-payment, optimal-change \(or none, or all\)/],
    [['clustering.collapseGuard', '1'], /^cairn: clustering\.collapseGuard: Too small: expected number to be >=2/],
    [['clustering.collapseGuard', 'many'], /^cairn: clustering\.collapseGuard needs a whole number, found "many"/],
    [['clustering.deposit.enabled', 'maybe'], /^cairn: clustering\.deposit\.enabled is true or false, found "maybe"/],
    [['clustering.deposit.maxDelaySeconds', '1.5'], /^cairn: clustering\.deposit\.maxDelaySeconds: Invalid input: expected int, received number/],
    [['clustering.change'], /^cairn: settings set needs KEY and VALUE/],
  ] as const) {
    const r = cairn(ws, 'settings', 'set', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, pattern);
  }
});

test('cairn clusters rebuild rebuilds one chain or all, and names a chain the store does not hold', () => {
  const one = json(ws, 'clusters', 'rebuild', 'btc') as { rebuilt: Rebuilt };
  assert.deepEqual(one.rebuilt.map((r) => r.chain), [BTC]);
  const human = cairn(ws, 'clusters', 'rebuild');
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^rebuilt the clusters of Bitcoin: [0-9,]+ merges/m);
  const missing = cairn(ws, 'clusters', 'rebuild', 'ltc');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^cairn: the store holds nothing of Litecoin/);
});
