import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectCoinJoin, type CoinJoinInput, type CoinJoinOutput, type CoinJoinTx } from '../../../../electron/core/analysis/clustering/coinjoin';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { fromDbAmount } from '../../../../electron/core/store/sqlFunctions';
import { cairn, json } from '../../cli/cliRun';
import { FIXTURES, tempDir } from '../../helpers';
import { freshBackend, importAndWait, ok } from '../backendHelpers';

const BLOCK_702861 = join(FIXTURES, 'bitcoin/mainnet-block-702861.raw');
const BTC = 100_000_000n;

// ---- hand-built shapes ----

let serial = 0;
/** n inputs of unknown value and address (their spent outputs not in the store), unless given. */
function inputs(n: number, over: Partial<CoinJoinInput> | ((i: number) => Partial<CoinJoinInput>) = {}): CoinJoinInput[] {
  return Array.from({ length: n }, (_, i) => ({ value: null, address: null, ...(typeof over === 'function' ? over(i) : over) }));
}
/** One output per value, each to a fresh address. */
function outputs(values: readonly bigint[]): CoinJoinOutput[] {
  return values.map((value) => ({ value, address: `bc1qtest${++serial}`, type: 'p2wpkh' }));
}
const times = (n: number, value: bigint): bigint[] => Array.from({ length: n }, () => value);
/** n distinct values near `around`, as change outputs are. */
const changes = (n: number, around: bigint): bigint[] => Array.from({ length: n }, (_, i) => around + BigInt(i * 7919 + 13));
const distinctAddress = (i: number) => ({ address: `bc1qin${i}` });

test('Whirlpool: 5 inputs and 5 outputs at each pool size, inputs unknown or known', () => {
  for (const [pool, name] of [[100_000n, '0.001'], [1_000_000n, '0.01'], [5_000_000n, '0.05'], [25_000_000n, '0.25'], [50_000_000n, '0.5']] as const) {
    const v = detectCoinJoin({ inputs: inputs(5), outputs: outputs(times(5, pool)) });
    assert.deepEqual(v, {
      rule: 'whirlpool',
      denomination: pool,
      equalOutputs: 5,
      inputs: 5,
      detail: `5 inputs, 5 outputs of ${name} BTC each: a Whirlpool round at the ${name} BTC pool`,
    });
  }
  // Premix inputs carry the pool size plus a share of the miner fee; postmix inputs are exactly the pool size.
  const known = inputs(5, (i) => ({ value: i < 2 ? 5_000_000n : 5_000_170n, address: `bc1qin${i}` }));
  assert.equal(detectCoinJoin({ inputs: known, outputs: outputs(times(5, 5_000_000n)) })?.rule, 'whirlpool');
});

test('Whirlpool needs exactly its shape: a pool size, 5 and 5, no other output', () => {
  // Not a pool size: an equal-output shape, but not Whirlpool.
  assert.equal(detectCoinJoin({ inputs: inputs(5), outputs: outputs(times(5, 2_000_000n)) })?.rule, 'equal-outputs');
  assert.equal(detectCoinJoin({ inputs: inputs(5), outputs: outputs(times(5, 1_234_567n)) })?.rule, 'joinmarket');
  // A sixth output (change) or a sixth input.
  assert.notEqual(detectCoinJoin({ inputs: inputs(5), outputs: outputs([...times(5, 1_000_000n), 345_678n]) })?.rule, 'whirlpool');
  assert.notEqual(detectCoinJoin({ inputs: inputs(6), outputs: outputs(times(5, 1_000_000n)) })?.rule, 'whirlpool');
});

test('Wasabi 1: at least 10 equal outputs near 0.1 BTC among many inputs, with change and mixing levels', () => {
  const base = 10_012_345n;
  const outs = outputs([...times(50, base), ...times(6, base * 2n - 2_000n), ...changes(40, 3_000_000n)]);
  const v = detectCoinJoin({ inputs: inputs(70), outputs: outs });
  assert.deepEqual(v && [v.rule, v.denomination, v.equalOutputs, v.inputs], ['wasabi', base, 50, 70]);
  assert.equal(v!.detail, "70 inputs, 50 of 96 outputs of 0.10012345 BTC each, near Wasabi 1's 0.1 BTC base denomination: a Wasabi 1 round");
  // Exactly 10 equal outputs is enough; 9 is not Wasabi (many change outputs: only the generic rule is left).
  assert.equal(detectCoinJoin({ inputs: inputs(12), outputs: outputs([...times(10, base), ...changes(11, 2_000_000n)]) })?.rule, 'wasabi');
  assert.equal(detectCoinJoin({ inputs: inputs(12), outputs: outputs([...times(9, base), ...changes(11, 2_000_000n)]) })?.rule, 'equal-outputs');
  // Far from the base denomination (0.13 BTC, beyond 0.02 BTC of it): not Wasabi 1.
  assert.equal(detectCoinJoin({ inputs: inputs(30), outputs: outputs([...times(20, 13_000_123n), ...changes(10, 2_000_000n)]) })?.rule, 'joinmarket');
  // Fewer inputs than equal outputs: one wallet paying 20 people, not 20 participants.
  assert.equal(detectCoinJoin({ inputs: inputs(4), outputs: outputs([...times(20, base), ...changes(2, 2_000_000n)]) }), null);
});

test('Wasabi 2: many inputs, most outputs at standard denominations, at least 3 of them repeated', () => {
  const standard = [...times(10, 1_048_576n), ...times(8, 531_441n), ...times(6, 200_000n), ...times(4, 65_536n), 50_000n, 13_122n];
  const outs = outputs([...standard, 1_234_567n, 345_678n, 98_765n]); // 30 of 33 outputs standard
  const v = detectCoinJoin({ inputs: inputs(120), outputs: outs });
  assert.deepEqual(v && [v.rule, v.denomination, v.equalOutputs, v.inputs], ['wasabi', 1_048_576n, 10, 120]);
  assert.equal(
    v!.detail,
    '120 inputs, 30 of 33 outputs at Wasabi 2 standard denominations (4 of them repeated, most often 0.01048576 BTC in 10 outputs): a Wasabi 2 round',
  );
  // Fewer than 50 inputs: not Wasabi 2 (its 10 equal outputs among 33 are still an equal-output shape).
  assert.equal(detectCoinJoin({ inputs: inputs(40), outputs: outs })?.rule, 'equal-outputs');
  // Only 2 repeated denominations among the standard ones.
  const two = outputs([...times(2, 1_048_576n), ...times(2, 531_441n), 200_000n, 65_536n, 50_000n, 13_122n]);
  assert.equal(detectCoinJoin({ inputs: inputs(80), outputs: two }), null);
  // Too many outputs off the standard list (more than 20%).
  const offList = outputs([...standard, ...changes(10, 700_000n)]);
  assert.notEqual(detectCoinJoin({ inputs: inputs(120), outputs: offList })?.rule, 'wasabi');
});

test('JoinMarket: n equal outputs of a non-round value, at most n + 1 change outputs, at least n inputs', () => {
  const cj = 4_718_293n;
  const v = detectCoinJoin({ inputs: inputs(7), outputs: outputs([...times(5, cj), ...changes(4, 800_000n)]) });
  assert.deepEqual(v, {
    rule: 'joinmarket',
    denomination: cj,
    equalOutputs: 5,
    inputs: 7,
    detail: '7 inputs, 5 outputs of 0.04718293 BTC each and 4 change outputs: a JoinMarket-style round of 5 parties',
  });
  // n + 1 others is the limit; n + 2 leaves only the generic rule.
  assert.equal(detectCoinJoin({ inputs: inputs(5), outputs: outputs([...times(3, cj), ...changes(4, 800_000n)]) })?.rule, 'joinmarket');
  assert.equal(detectCoinJoin({ inputs: inputs(5), outputs: outputs([...times(3, cj), ...changes(5, 800_000n)]) })?.rule, 'equal-outputs');
  // A round amount (0.05 BTC) reads as a payment, not a JoinMarket amount.
  assert.equal(detectCoinJoin({ inputs: inputs(6), outputs: outputs([...times(4, 5_000_000n), ...changes(3, 800_000n)]) })?.rule, 'equal-outputs');
  // Known input values that fit: the taker pays the mining fee and two maker fees of 500 sat;
  // one maker takes change, the other's input was just under the amount.
  const ins: CoinJoinInput[] = [
    { value: cj + 802_000n, address: 'bc1qtaker' },
    { value: cj + 899_500n, address: 'bc1qmaker1' },
    { value: cj - 500n, address: 'bc1qmaker2' },
  ];
  assert.equal(detectCoinJoin({ inputs: ins, outputs: outputs([...times(3, cj), 800_000n, 900_000n]) })?.rule, 'joinmarket');
});

test('equal-outputs: 3 equal outputs to distinct addresses, enough inputs from distinct owners', () => {
  const v = detectCoinJoin({ inputs: inputs(4, distinctAddress), outputs: outputs([...times(3, 2_000_000n), ...changes(10, 500_000n)]) });
  assert.deepEqual(v, {
    rule: 'equal-outputs',
    denomination: 2_000_000n,
    equalOutputs: 3,
    inputs: 4,
    detail: '4 inputs, 3 of 13 outputs of 0.02 BTC each to distinct addresses: an equal-output CoinJoin',
  });
  // Inputs of unknown address may each be another owner.
  assert.equal(detectCoinJoin({ inputs: inputs(3), outputs: outputs(times(3, 2_000_000n)) })?.rule, 'equal-outputs');
  // The units follow the chain.
  assert.match(detectCoinJoin({ inputs: inputs(3), outputs: outputs(times(3, 2_000_000n)) }, 'LTC')!.detail, /0\.02 LTC each/);
});

test('ordinary shapes are not CoinJoins: payments, batch payouts, consolidations', () => {
  const cases: [string, CoinJoinTx][] = [
    ['a payment with change', { inputs: inputs(1, { value: 3_000_000n, address: 'bc1qa' }), outputs: outputs([1_000_000n, 1_990_000n]) }],
    ['a multi-input payment with change', { inputs: inputs(3, distinctAddress), outputs: outputs([5_000_000n, 123_456n]) }],
    ['a batch payout of different values', { inputs: inputs(4, distinctAddress), outputs: outputs(changes(30, 1_000_000n)) }],
    ['a batch of equal payouts from one address, Whirlpool-shaped', { inputs: inputs(5, { address: 'bc1qhot' }), outputs: outputs(times(5, 1_000_000n)) }],
    ['a batch of equal payouts from one address, Wasabi-shaped', { inputs: inputs(12, { address: 'bc1qhot' }), outputs: outputs([...times(10, BTC / 10n), 7_654_321n]) }],
    ['equal payouts from four inputs of two addresses', { inputs: inputs(4, (i) => ({ address: `bc1qw${i % 2}` })), outputs: outputs(times(3, 1_234_567n)) }],
    ['equal payouts from one address plus one of unknown address', { inputs: [...inputs(3, { address: 'bc1qhot' }), ...inputs(1)], outputs: outputs(times(3, 1_234_567n)) }],
    ['a batch of equal payouts funded by fewer inputs', { inputs: inputs(4), outputs: outputs([...times(5, 1_234_567n), 8_000_000n]) }],
    ['a consolidation', { inputs: inputs(40, distinctAddress), outputs: outputs([40n * BTC]) }],
    ['equal outputs all to one address', { inputs: inputs(5), outputs: times(5, 1_234_567n).map((value) => ({ value, address: 'bc1qsame', type: 'p2wpkh' })) }],
    ['zero-valued data outputs', { inputs: inputs(4), outputs: [...times(3, 0n).map((value) => ({ value, address: null, type: 'nulldata' })), ...outputs([5_000_000n])] }],
    ['a coinbase', { inputs: inputs(1), outputs: outputs([625_000_000n, 0n]) }],
  ];
  for (const [name, tx] of cases) assert.equal(detectCoinJoin(tx), null, name);
});

test('with input values known, one input that pays for several equal outputs makes it a payment', () => {
  // 1 BTC pays three 0.25 BTC outputs; two dust inputs ride along.
  const ins: CoinJoinInput[] = [
    { value: BTC, address: 'bc1qbig' },
    { value: 1_000n, address: 'bc1qdust1' },
    { value: 1_000n, address: 'bc1qdust2' },
  ];
  const outs = outputs([...times(3, 25_012_345n), 24_900_000n]);
  assert.equal(detectCoinJoin({ inputs: ins, outputs: outs }), null);
  // The same outputs with the input values unknown: the shape alone is a JoinMarket round.
  assert.equal(detectCoinJoin({ inputs: inputs(3), outputs: outs })?.rule, 'joinmarket');
});

// ---- real data: mainnet block 702861 (September 2021) ----

/** Every transaction of the store as the detector sees it, read from txin and txout. */
function storedTxs(db: Db): Map<string, CoinJoinTx> {
  const txs = new Map<string, CoinJoinTx>();
  const byId = new Map<number, CoinJoinTx>();
  for (const t of db.prepare('SELECT id, hash FROM tx ORDER BY id').all() as { id: number; hash: string }[]) {
    const tx: CoinJoinTx = { inputs: [], outputs: [] };
    txs.set(t.hash, tx);
    byId.set(t.id, tx);
  }
  const ins = db.prepare('SELECT i.tx_id, i.value, a.addr FROM txin i LEFT JOIN address a ON a.id = i.address_id ORDER BY i.tx_id, i.n').safeIntegers(true).all() as {
    tx_id: bigint;
    value: bigint | string | null;
    addr: string | null;
  }[];
  for (const r of ins) (byId.get(Number(r.tx_id))!.inputs as CoinJoinInput[]).push({ value: r.value === null ? null : fromDbAmount(r.value), address: r.addr });
  const outs = db.prepare('SELECT o.tx_id, o.value, o.type, a.addr FROM txout o LEFT JOIN address a ON a.id = o.address_id ORDER BY o.tx_id, o.n').safeIntegers(true).all() as {
    tx_id: bigint;
    value: bigint | string;
    type: string;
    addr: string | null;
  }[];
  for (const r of outs) (byId.get(Number(r.tx_id))!.outputs as CoinJoinOutput[]).push({ value: fromDbAmount(r.value), address: r.addr, type: r.type });
  return txs;
}

const WHIRLPOOL_001 = ['118970792f15cdb90645be0d265ba6c04ab3f3d36a16efe2c4b97801a730b3fa', 'd6b212a663c85b03fb391fe69c59520e61b8a5970678ef7f376889a145e215a6', 'e2e92bcdca6104f82deaa31f221d71c47cfdcebe64db924484be98dd9662d29b'];
const WHIRLPOOL_0001 = ['c31d23f5e8b881bc3339a918e71cadc4622f73c5a1f68aadd4741e0da7e66756', 'c57e3e496a6bb496498b54632b2637472c59feb7a3b0485121140425f115cb51', 'cba457a11d9674afa95ba12187306d70978baf6396c5ee476272ea41670e8ae2', 'f35a8cdd9b490213af78692c2bb88dcf17dae0649447c94786f59e3a884cb2ce'];
const WASABI = '5c2f55fc17854a18f447d74e32356c9ff6faf43bf937ed13611857b2bb3fef3a';

test("a JoinMarket round whose taker pays its makers' fees out of one coin is still a round, and a single payer still is not", () => {
  // Taker: one 0.5 BTC coin for a 0.12345678 BTC mix; its change is the largest other output.
  // Its coin covers its equal output, its change, the miner fee and the four makers' fees
  // (0.02% each), so it exceeds "equal + largest other + fee" by exactly those fees.
  const cj = 12_345_678n;
  const minerFee = 3_000n;
  const makerFee = (cj * 2n) / 10_000n;
  const makerCoins = [20_000_000n, 15_000_000n, 30_000_000n, 13_000_000n];
  const takerCoin = 50_000_000n;
  const takerChange = takerCoin - cj - minerFee - makerFee * 4n;
  const ins: CoinJoinInput[] = [takerCoin, ...makerCoins].map((value, i) => ({ value, address: `bc1qjm${i}` }));
  const outs = outputs([...times(5, cj), takerChange, ...makerCoins.map((c) => c - cj + makerFee)]);
  assert.ok(takerCoin > cj + takerChange + minerFee, 'the taker coin is over the fee-less bound');
  assert.equal(detectCoinJoin({ inputs: ins, outputs: outs })?.rule, 'joinmarket');

  // One payer's coin paying the five equal outputs itself, with four small coins riding along.
  const payer: CoinJoinInput[] = [{ value: cj * 5n + 40_000_000n, address: 'bc1qpayer' }, ...times(4, 2_000n).map((value, i) => ({ value, address: `bc1qride${i}` }))];
  const paid = outputs([...times(5, cj), 40_000_000n - minerFee + 8_000n]);
  assert.equal(detectCoinJoin({ inputs: payer, outputs: paid }), null);
});

test('block 702861: its seven Whirlpool rounds and one Wasabi 1 round are found, and nothing else', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLOCK_702861] });
  const txs = storedTxs(db);
  assert.equal(txs.size, 2500);
  const flagged = new Map([...txs].flatMap(([hash, tx]) => {
    const v = detectCoinJoin(tx);
    return v ? [[hash, v] as const] : [];
  }));
  assert.ok(flagged.size <= 25, `${flagged.size} of 2500 transactions flagged: far more CoinJoins than a block holds`);
  assert.deepEqual(
    [...flagged].map(([hash, v]) => [hash, v.rule, v.denomination, v.equalOutputs, v.inputs]).sort(),
    [
      ...WHIRLPOOL_001.map((h) => [h, 'whirlpool', 1_000_000n, 5, 5]),
      ...WHIRLPOOL_0001.map((h) => [h, 'whirlpool', 100_000n, 5, 5]),
      // 100 inputs; 60 outputs of 0.10944832 BTC, mixing levels near 2x, 4x, 8x and 16x it, and change.
      [WASABI, 'wasabi', 10_944_832n, 60, 100],
    ].sort(),
  );
  // The ordinary payments: every 1- and 2-output transaction, multi-input ones included.
  const small = [...txs].filter(([, tx]) => tx.outputs.length <= 2);
  assert.equal(small.length, 2386);
  assert.ok(small.some(([, tx]) => tx.inputs.length >= 3));
  assert.deepEqual(small.filter(([hash]) => flagged.has(hash)), []);
  // The closest real shapes that are not CoinJoins: single-input batch payouts with 3 and 11 equal outputs.
  for (const hash of ['c1a06d5667977f06dff931996897d7da450e28140c020126aab8c58931b9b87b', 'c3e847c4e7163ac2bdcd82b36ea6eef2306e1d0e76a432646f631e085e4a75c6']) {
    assert.equal(txs.get(hash)!.inputs.length, 1);
    assert.equal(flagged.has(hash), false, hash);
  }
  db.close();
});

test('tx.get marks a real CoinJoin with its rule, and an ordinary transaction with null', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [BLOCK_702861]);
  const whirlpool = await ok(backend, 'tx.get', { chain: 'btc', hash: WHIRLPOOL_001[0] });
  assert.deepEqual(whirlpool.coinjoin, {
    rule: 'whirlpool',
    denomination: '1000000',
    equalOutputs: 5,
    detail: '5 inputs, 5 outputs of 0.01 BTC each: a Whirlpool round at the 0.01 BTC pool',
  });
  const wasabi = await ok(backend, 'tx.get', { chain: 'btc', hash: WASABI });
  assert.deepEqual([wasabi.coinjoin?.rule, wasabi.coinjoin?.denomination, wasabi.coinjoin?.equalOutputs], ['wasabi', '10944832', 60]);
  const batch = await ok(backend, 'tx.get', { chain: 'btc', hash: 'c3e847c4e7163ac2bdcd82b36ea6eef2306e1d0e76a432646f631e085e4a75c6' });
  assert.equal(batch.outputs!.length, 272);
  assert.equal(batch.coinjoin, null);
  await backend.close();
});

test('cairn tx prints the CoinJoin line for a real Wasabi round, and none for a payment', () => {
  const ws = tempDir();
  const imported = cairn(ws, 'import', BLOCK_702861);
  assert.equal(imported.code, 0, imported.err);
  const out = cairn(ws, 'tx', 'btc', WASABI);
  assert.equal(out.code, 0, out.err);
  assert.match(out.out, /^CoinJoin \(wasabi\): 100 inputs, 60 of 122 outputs of 0\.10944832 BTC each, near Wasabi 1's 0\.1 BTC base denomination: a Wasabi 1 round$/m);
  const asJson = json(ws, 'tx', 'btc', WHIRLPOOL_0001[0]) as { coinjoin: unknown };
  assert.deepEqual(asJson.coinjoin, { rule: 'whirlpool', denomination: '100000', equalOutputs: 5, detail: '5 inputs, 5 outputs of 0.001 BTC each: a Whirlpool round at the 0.001 BTC pool' });
  const payment = cairn(ws, 'tx', 'btc', 'c3e847c4e7163ac2bdcd82b36ea6eef2306e1d0e76a432646f631e085e4a75c6');
  assert.equal(payment.code, 0, payment.err);
  assert.doesNotMatch(payment.out, /CoinJoin/);
});
