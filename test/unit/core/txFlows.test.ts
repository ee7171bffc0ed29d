import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateWorld } from '../../../electron/core/synth/world';
import type { AddressNode, Graph, TxFlow, TxFlows } from '../../../shared/api/schemas';
import { BLK_FIXTURE, ETL, tempDir } from '../helpers';
import { fails, freshBackend, importAndWait, ok } from './backendHelpers';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
/** The key paid by block 9's coinbase (P2PK, shown as its P2PKH address). */
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
/** Block 181: the next step of the peel chain, 10 BTC to 1DUDsfc… and 30 BTC back to 12cb…. */
const A16F = 'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be';
const EVM_VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';

const nodeOf = (g: Graph, address: string) => g.nodes.find((n): n is AddressNode => n.kind === 'address' && n.address === address)!;
const sum = (values: readonly string[]) => values.reduce((acc, v) => acc + BigInt(v), 0n);

/** Shown parts plus "other" must give the totals exactly, for every transaction returned. */
function assertReconciles(flows: TxFlows): void {
  for (const tx of flows.txs) {
    assert.ok(tx.inputs.length > 0 && tx.outputs.length > 0, `${tx.txid} has an input and an output on the canvas`);
    assert.equal(sum([...tx.outputs.map((p) => p.value), tx.otherOut.value]).toString(), tx.totalOut, `${tx.txid} outputs`);
    assert.equal(tx.outputs.reduce((n, p) => n + p.count, tx.otherOut.count), tx.outputCount, `${tx.txid} output count`);
    if (tx.totalIn !== null) {
      assert.equal(sum([...tx.inputs.map((p) => p.value), tx.otherIn.value]).toString(), tx.totalIn, `${tx.txid} inputs`);
      if (tx.fee !== null) assert.equal((BigInt(tx.totalIn) - BigInt(tx.totalOut)).toString(), tx.fee, `${tx.txid} fee`);
    }
    assert.equal(tx.inputs.reduce((n, p) => n + p.count, tx.otherIn.count + tx.unknownIn), tx.inputCount, `${tx.txid} input count`);
  }
}

const byTxid = (flows: TxFlows, txid: string): TxFlow => {
  const tx = flows.txs.find((t) => t.txid === txid);
  assert.ok(tx, `${txid} is among the flows`);
  return tx;
};

test('graph.txFlows: block 170 between the block 9 key and Hal Finney, exact and reconciled', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Genesis era' });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: SATOSHI });
  const g = await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: HAL });
  const satoshi = nodeOf(g, SATOSHI).id;
  const hal = nodeOf(g, HAL).id;

  const flows = await ok(backend, 'graph.txFlows', { caseId });
  assert.equal(flows.caseId, caseId);
  assert.equal(flows.truncated, 0);
  // Block 170, then the peel chain that spends its change: each has 12cb… as input and output.
  assert.deepEqual(
    flows.txs.map((t) => [t.txid.slice(0, 8), t.height]),
    [['f4184fc5', 170], ['a16f3ce4', 181], ['591e91f8', 182], ['12b5633b', 183], ['828ef3b0', 248]],
  );
  assertReconciles(flows);

  // 50 BTC in from the block 9 coinbase; 10 BTC to Hal Finney and 40 BTC change back to 12cb…,
  // which is on the canvas, so the change is a flow to its node and nothing goes elsewhere.
  assert.deepEqual(byTxid(flows, F4184), {
    chain: MAINNET,
    txid: F4184,
    height: 170,
    time: 1231731025,
    fee: '0',
    totalIn: '5000000000',
    totalOut: '5000000000',
    inputCount: 1,
    outputCount: 2,
    coinjoin: null,
    inputs: [{ nodeId: satoshi, value: '5000000000', count: 1 }],
    outputs: [
      { nodeId: hal, value: '1000000000', count: 1 },
      { nodeId: satoshi, value: '4000000000', count: 1 },
    ],
    otherIn: { value: '0', count: 0 },
    otherOut: { value: '0', count: 0 },
    unknownIn: 0,
  });
  // Block 181 pays 10 BTC to an address that is not on the canvas: it is counted as "other".
  const a16f = byTxid(flows, A16F);
  assert.deepEqual(a16f.outputs, [{ nodeId: satoshi, value: '3000000000', count: 1 }]);
  assert.deepEqual(a16f.otherOut, { value: '1000000000', count: 1 });
  assert.equal(a16f.totalOut, '4000000000');
  await backend.close();
});

test('graph.txFlows: hidden nodes are not on the canvas, clustered ones are', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Hidden' });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: SATOSHI });
  let g = await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: HAL });
  const satoshi = nodeOf(g, SATOSHI).id;
  const hal = nodeOf(g, HAL).id;

  g = await ok(backend, 'cluster.create', { caseId, nodeIds: [satoshi, hal], name: 'Early keys', category: 'user', color: '#336699' });
  const clustered = await ok(backend, 'graph.txFlows', { caseId });
  assert.deepEqual(byTxid(clustered, F4184).outputs.map((p) => p.nodeId), [hal, satoshi]);

  await ok(backend, 'graph.setHidden', { caseId, nodeIds: [hal], hidden: true });
  const flows = await ok(backend, 'graph.txFlows', { caseId });
  const f4184 = byTxid(flows, F4184);
  assert.deepEqual(f4184.outputs, [{ nodeId: satoshi, value: '4000000000', count: 1 }]);
  assert.deepEqual(f4184.otherOut, { value: '1000000000', count: 1 });
  assertReconciles(flows);

  // With only Hal Finney's address visible, nothing has both an input and an output on the canvas.
  await ok(backend, 'graph.setHidden', { caseId, nodeIds: [hal], hidden: false });
  await ok(backend, 'graph.setHidden', { caseId, nodeIds: [satoshi], hidden: true });
  assert.deepEqual(await ok(backend, 'graph.txFlows', { caseId }), { caseId, txs: [], truncated: 0 });
  await backend.close();
});

test('graph.txFlows: the limit keeps the earliest transactions and counts the rest', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Limit' });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: SATOSHI });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: HAL });
  const flows = await ok(backend, 'graph.txFlows', { caseId, limit: 2 });
  assert.deepEqual(flows.txs.map((t) => t.txid), [F4184, A16F]);
  assert.equal(flows.truncated, 3);
  await fails(backend, 'graph.txFlows', { caseId, limit: 0 }, 'invalid_argument');
  await fails(backend, 'graph.txFlows', { caseId, limit: 2001 }, 'invalid_argument');
  await fails(backend, 'graph.txFlows', { caseId: 'no-such-case' }, 'not_found');
  await backend.close();
});

test('graph.txFlows: an EVM-only canvas has no UTXO transactions', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [ETL]);
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'EVM only' });
  const g = await ok(backend, 'case.addSeed', { caseId, chain: 'eth', address: EVM_VICTIM, role: 'victim' });
  await ok(backend, 'graph.expand', { caseId, nodeId: nodeOf(g, EVM_VICTIM).id, direction: 'both' });
  assert.deepEqual(await ok(backend, 'graph.txFlows', { caseId }), { caseId, txs: [], truncated: 0 });
  await backend.close();
});

test("graph.txFlows: the synthetic world's CoinJoin mixer is marked with the rule that matched; its neighbours are not", async () => {
  const dir = tempDir('cairn-txflows-cj-');
  const truth = generateWorld({ seed: 'txflows-coinjoin', transfers: 3000, out: dir });
  const { backend } = freshBackend();
  await importAndWait(backend, [join(dir, truth.files.bitcoin)]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Mixer' });
  const mixer = await ok(backend, 'tx.get', { chain: truth.chains.btc, hash: truth.mixer.txid });
  // The thief's input address and its first mixed output: the mixer is between them on the canvas.
  const thiefIn = mixer.inputs!.find((i) => i.value === truth.mixer.thiefInput)!.address!;
  await ok(backend, 'graph.addAddress', { caseId, chain: truth.chains.btc, address: thiefIn });
  await ok(backend, 'graph.addAddress', { caseId, chain: truth.chains.btc, address: truth.mixer.thiefOutputs[0]! });
  const flows = await ok(backend, 'graph.txFlows', { caseId });
  const tx = byTxid(flows, truth.mixer.txid);
  // The world's mixer runs WabiSabi rounds (truth.mixer.shape), which the Wasabi rule names.
  assert.equal(truth.mixer.shape, 'wasabi2');
  assert.equal(tx.coinjoin?.rule, 'wasabi');
  assert.match(tx.coinjoin!.detail, new RegExp(`^${truth.mixer.inputs} inputs, \\d+ of ${tx.outputCount} outputs at Wasabi 2 standard denominations`));
  // The same verdict on the transaction itself (tx.get, cairn tx).
  assert.equal(mixer.coinjoin?.rule, 'wasabi');
  assert.equal(mixer.coinjoin?.denomination, truth.mixer.denomination);
  // The thief's other transactions on the canvas are ordinary.
  for (const other of flows.txs.filter((t) => t.txid !== truth.mixer.txid)) assert.equal(other.coinjoin ?? null, null, other.txid);
  assertReconciles(flows);
  await backend.close();
});
