import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { FIXTURES, tempDir } from '../helpers';
import { cairn, json } from './cliRun';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
/** An ordinary payment of that block, from three P2SH addresses derived from its inputs' redeem scripts. */
const PAYMENT = '2b22b06220e31781c94ccaa68f654d54749eb37a1ab0de9c3aadd27f075e434b';
const [FIRST, SECOND, THIRD] = ['3KgoiRm64m1uNqsm3xEMp7wap9d9NotB4y', '34Wzq5C3eG73btDPyCQZbU7hNj97juRG9g', '33wy1gZhnxXYR81aoiiHFF9EncmWZFXDpg'];

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const ws = tempDir();
before(() => {
  const r = cairn(ws, 'import', BLOCK_702861);
  assert.equal(r.code, 0, r.err);
});

test('cairn clusters show and why print the cluster and its evidence in the stable JSON shapes', () => {
  const shown = json(ws, 'clusters', 'show', 'btc', THIRD) as Record<string, unknown>;
  assert.deepEqual(Object.keys(shown), ['cluster', 'size', 'label', 'addresses', 'evidence']);
  assert.equal(shown.size, 3);
  assert.deepEqual((shown.addresses as string[]).sort(), [FIRST, SECOND, THIRD].sort());
  assert.deepEqual(shown.evidence, [{ tx: PAYMENT, heuristic: 'multi-input' }]);

  assert.deepEqual(json(ws, 'clusters', 'why', 'btc', FIRST, SECOND), { joined: true, steps: [{ from: FIRST, to: SECOND, tx: PAYMENT, heuristic: 'multi-input' }] });
  assert.deepEqual(json(ws, 'clusters', 'held'), { total: 0, items: [] });

  const human = cairn(ws, 'clusters', 'why', 'btc', SECOND, THIRD);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, new RegExp(`^  ${SECOND} → ${FIRST}  tx ${PAYMENT} \\(multi-input\\)$`, 'm'));
  // A Whirlpool round's inputs are not joined.
  const whirlpool = json(ws, 'tx', 'btc', '118970792f15cdb90645be0d265ba6c04ab3f3d36a16efe2c4b97801a730b3fa') as { inputs: { address: string }[] };
  const apart = cairn(ws, 'clusters', 'why', 'btc', whirlpool.inputs[0]!.address, whirlpool.inputs[1]!.address);
  assert.match(apart.out, /are not in one cluster/);
});

test('cairn tx marks an input address derived from the input script', () => {
  const r = cairn(ws, 'tx', 'btc', PAYMENT);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^  in 0: ${FIRST} \\(derived from the input script\\)  value unknown$`, 'm'));
  const tx = json(ws, 'tx', 'btc', PAYMENT) as { inputs: { address: string; derived: boolean }[] };
  assert.deepEqual(tx.inputs.map((i) => [i.address, i.derived]), [[FIRST, true], [SECOND, true], [THIRD, true]]);
});

test('cairn clusters refuses a wrong use and an unknown address with one line', () => {
  for (const [args, pattern] of [
    [['clusters', 'show', 'btc'], /^cairn: clusters show needs CHAIN and ADDRESS/],
    [['clusters', 'merge'], /^cairn: clusters takes show CHAIN ADDRESS, why CHAIN A B or held/],
    [['clusters', 'show', 'btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'], /^cairn: address 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 on Bitcoin is not in the store/],
  ] as const) {
    const r = cairn(ws, ...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, pattern);
  }
});
