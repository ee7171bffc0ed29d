import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bech32, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { forEachBlkRecord } from '../../../electron/core/ingest/bitcoin/blkFile';
import { parseBlock, type ParsedBlock, type ParsedInput, type ParsedTx } from '../../../electron/core/ingest/bitcoin/blockParser';
import { BITCOIN_MAINNET, decodeOutputScript, networkForChain, type BitcoinNetwork, type DecodedScript } from '../../../shared/codec/bitcoinScript';
import { hexToBytes } from '../../../shared/codec/hex';
import { addressFromInput, type InputAddress } from '../../../shared/codec/inputScript';
import { BLK_FIXTURE, FIXTURES } from '../helpers';

const BTC = join(FIXTURES, 'bitcoin');
const TESTNET = networkForChain('bip122:000000000933ea01ad0ee984209779ba');
const HAL_PAYMENT = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const BLOCK9_COINBASE = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9';
const base58check = createBase58check(sha256);

function rawBlock(name: string): ParsedBlock {
  return parseBlock(readFileSync(join(BTC, name)), { file: name, offset: 0 });
}

const mainnetBlock = rawBlock('mainnet-block-702861.raw');
const testnetBlock = rawBlock('testnet-block-924634.raw');

const derive = (i: ParsedInput, net: BitcoinNetwork = BITCOIN_MAINNET) => addressFromInput(i.scriptSig, i.witness, net);

function* spendingInputs(txs: readonly ParsedTx[]): Generator<ParsedInput> {
  for (const tx of txs) if (!tx.isCoinbase) yield* tx.inputs;
}

interface KnownSpend {
  input: ParsedInput;
  spent: DecodedScript;
  derived: InputAddress | null;
}

/** Inputs whose spent output is among `txs` (ground truth from the same data), with what each derives. */
function knownSpends(txs: readonly ParsedTx[], net: BitcoinNetwork): KnownSpend[] {
  const byTxid = new Map(txs.map((t) => [t.txid, t]));
  const spends: KnownSpend[] = [];
  for (const input of spendingInputs(txs)) {
    const output = byTxid.get(input.prevTxid)?.outputs[input.prevVout];
    if (output) spends.push({ input, spent: decodeOutputScript(output.script, net), derived: derive(input, net) });
  }
  return spends;
}

/** Asserts a derived address is the spent output's address, and its type the output's type. */
function assertMatchesSpent({ input, spent, derived }: KnownSpend): void {
  const where = `input spending ${input.prevTxid}:${input.prevVout}`;
  assert.ok(derived, `${where}: a ${spent.type} output, but nothing derived`);
  assert.deepEqual([derived.address], spent.addresses, where);
  assert.equal(derived.type === 'p2sh-p2wpkh' ? 'p2sh' : derived.type, spent.type, where);
}

/** The version byte + hash of a base58check address, or the witness version + program of a bech32 one. */
function payload(address: string): { kind: string; bytes: string } {
  if (/^(bc|tb)1/.test(address)) {
    const { words } = bech32.decode(address as `${string}1${string}`);
    return { kind: `segwit v${words[0]}`, bytes: Buffer.from(bech32.fromWords(words.slice(1))).toString('hex') };
  }
  const raw = base58check.decode(address);
  return { kind: 'base58', bytes: Buffer.from(raw.subarray(1)).toString('hex') };
}

test('blocks 1-255: the first payment to Hal Finney spends a P2PK output, and a bare signature does not determine an address', async () => {
  const txs: ParsedTx[] = [];
  await forEachBlkRecord(BLK_FIXTURE, {}, (r) => {
    txs.push(...parseBlock(r.block, { file: BLK_FIXTURE, offset: r.blockOffset }).txs);
  });
  const hal = txs.find((t) => t.txid === HAL_PAYMENT);
  assert.ok(hal, 'tx f4184fc5… is in the fixture');
  const input = hal.inputs[0]!;
  assert.equal(input.prevTxid, BLOCK9_COINBASE);
  // The scriptSig is one push: a DER signature with its sighash byte, and no key.
  assert.equal(input.scriptSig[0], input.scriptSig.length - 1);
  assert.equal(input.scriptSig[1], 0x30);
  assert.equal(derive(input), null);

  // Every spend in these blocks is of a coinbase's P2PK output: none of them derives.
  const spends = knownSpends(txs, BITCOIN_MAINNET);
  assert.ok(spends.some((s) => s.input === input), 'the Hal Finney payment is checked against its spent output');
  for (const s of spends) {
    assert.equal(s.spent.type, 'p2pk', `spend of ${s.input.prevTxid}:${s.input.prevVout}`);
    assert.equal(s.derived, null, `spend of ${s.input.prevTxid}:${s.input.prevVout}`);
  }
});

test('block 702861: every input derives without error; every non-coinbase input of this pre-taproot block is a standard spend with an address', (t) => {
  const counts = new Map<string, number>();
  let witnessInputs = 0;
  let witnessDerived = 0;
  for (const tx of mainnetBlock.txs) {
    for (const input of tx.inputs) {
      const derived = derive(input); // coinbase included: it must not throw either
      if (tx.isCoinbase) continue;
      const type = derived?.type ?? 'underived';
      counts.set(type, (counts.get(type) ?? 0) + 1);
      assert.ok(derived, `${tx.txid}: input spending ${input.prevTxid}:${input.prevVout} is not derived`);
      if (input.witness.length > 0) {
        witnessInputs++;
        if (derived.type !== 'p2pkh' && (derived.type !== 'p2sh' || derived.how.includes('P2WSH'))) witnessDerived++;
      }
    }
  }
  t.diagnostic(`derived types: ${JSON.stringify(Object.fromEntries(counts))}`);
  // The parser's own count: 6518 inputs, one of them the coinbase's.
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 6517);
  // A witness input is a segwit spend (native or nested), never a legacy one.
  assert.equal(witnessDerived, witnessInputs);
  for (const type of ['p2pkh', 'p2wpkh', 'p2sh-p2wpkh', 'p2sh', 'p2wsh']) assert.ok(counts.get(type), `no ${type} input derived`);
});

test('block 702861: an input spending an output made earlier in the block derives exactly that output address', (t) => {
  const spends = knownSpends(mainnetBlock.txs, BITCOIN_MAINNET);
  for (const s of spends) assertMatchesSpent(s);
  const types = new Set(spends.map((s) => s.derived!.type));
  t.diagnostic(`in-block spends checked: ${spends.length}, derived types ${[...types].join(', ')}`);
  // The ground truth covers each kind of derivation: key in scriptSig, key in witness, redeem script, witness script.
  for (const type of ['p2pkh', 'p2wpkh', 'p2sh', 'p2wsh'] as const) assert.ok(types.has(type), `no in-block ${type} spend`);
});

test('block 702861: in nested segwit, the witness alone derives the program that the redeem script in scriptSig commits to', () => {
  let checked = 0;
  for (const input of spendingInputs(mainnetBlock.txs)) {
    const nested = derive(input);
    if (nested?.type !== 'p2sh-p2wpkh' && !(nested?.type === 'p2sh' && input.witness.length > 0)) continue;
    const redeemScript = input.scriptSig.subarray(1);
    const native = addressFromInput(new Uint8Array(0), input.witness, BITCOIN_MAINNET);
    assert.ok(native, `witness of the input spending ${input.prevTxid}:${input.prevVout}`);
    assert.equal(native.type, nested.type === 'p2sh-p2wpkh' ? 'p2wpkh' : 'p2wsh');
    assert.equal(payload(native.address).bytes, Buffer.from(redeemScript.subarray(2)).toString('hex'));
    checked++;
  }
  assert.ok(checked > 1000, `only ${checked} nested segwit inputs checked`);
});

test('testnet block 924634: derived addresses use testnet prefixes (m/n, 2) and match the outputs they spend in the block', () => {
  let derived = 0;
  for (const input of spendingInputs(testnetBlock.txs)) {
    const d = derive(input, TESTNET);
    if (!d) continue;
    derived++;
    assert.match(d.address, d.type === 'p2pkh' ? /^[mn]/ : d.type.startsWith('p2sh') ? /^2/ : /^tb1q/, d.address);
    const mainnet = derive(input)!;
    assert.deepEqual(payload(d.address), payload(mainnet.address), 'same hash under either prefix');
  }
  assert.ok(derived > 0);
  for (const s of knownSpends(testnetBlock.txs, TESTNET)) assertMatchesSpent(s);
});

test('testnet: segwit spends (from block 702861) derive tb1… addresses with the mainnet program', () => {
  let segwit = 0;
  for (const input of spendingInputs(mainnetBlock.txs)) {
    const d = derive(input, TESTNET);
    if (d?.type !== 'p2wpkh' && d?.type !== 'p2wsh') continue;
    segwit++;
    assert.match(d.address, /^tb1q/);
    assert.deepEqual(payload(d.address), payload(derive(input)!.address));
  }
  assert.ok(segwit > 0);
});

test('unlocking data that does not determine the spent output gives null', () => {
  const halSig = hexToBytes(
    '304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901',
  );
  const push = (b: Uint8Array) => Uint8Array.from([b.length, ...b]);
  const key = hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  const sigAndKey = Uint8Array.from([...push(halSig), ...push(key)]);
  assert.equal(addressFromInput(sigAndKey, [], BITCOIN_MAINNET)?.type, 'p2pkh', 'the positive case the others vary');

  // A 34-byte push that is no key (02 then 33 zero bytes: a key's header, a key's wrong length).
  const notKey = Uint8Array.from([0x02, ...new Uint8Array(33)]);
  assert.equal(addressFromInput(Uint8Array.from([...push(halSig), ...push(notKey)]), [], BITCOIN_MAINNET), null);
  // Taproot spends. Their bytes are OP_NOPs (0x61) so that, read as a witness script, they would
  // parse: only the taproot shapes keep them from being taken for P2WSH.
  const nops = (n: number) => new Uint8Array(n).fill(0x61);
  // Key path: one Schnorr signature, 64 bytes (65 with a sighash byte).
  assert.equal(addressFromInput(new Uint8Array(0), [nops(64)], BITCOIN_MAINNET), null);
  assert.equal(addressFromInput(new Uint8Array(0), [nops(65)], BITCOIN_MAINNET), null);
  // Script path: [signature, tapscript, control block 0xc0 + internal key], with or without an annex (0x50…).
  const scriptPath = [nops(64), nops(34), Uint8Array.from([0xc0, ...nops(32)])];
  assert.equal(addressFromInput(new Uint8Array(0), scriptPath, BITCOIN_MAINNET), null);
  assert.equal(addressFromInput(new Uint8Array(0), [...scriptPath, Uint8Array.from([0x50, ...nops(8)])], BITCOIN_MAINNET), null);
  // A scriptSig ending in a key is not a P2SH spend, even when the key's bytes read as a script (push 4, then OP_CHECKSIGs).
  const checksigKey = Uint8Array.from([0x04, ...new Uint8Array(64).fill(0xac)]);
  assert.equal(addressFromInput(Uint8Array.from([0x00, ...push(halSig), ...push(checksigKey)]), [], BITCOIN_MAINNET), null);
  // [signature, uncompressed key] in a witness: non-standard P2WPKH, not a witness script.
  assert.equal(addressFromInput(new Uint8Array(0), [halSig, checksigKey], BITCOIN_MAINNET), null);
  // A legacy scriptSig with a witness, a non-push opcode, or a push running past the end.
  assert.equal(addressFromInput(sigAndKey, [halSig, key], BITCOIN_MAINNET), null);
  assert.equal(addressFromInput(Uint8Array.from([...sigAndKey, 0xac]), [], BITCOIN_MAINNET), null);
  assert.equal(addressFromInput(sigAndKey.subarray(0, sigAndKey.length - 1), [], BITCOIN_MAINNET), null);
});
