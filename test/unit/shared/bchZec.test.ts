import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalAddress } from '../../../shared/codec/address';
import { decodeCashAddr, encodeCashAddr } from '../../../shared/codec/cashaddr';
import { guessAddressChains, pickGuessedChain } from '../../../shared/codec/chainGuess';
import { resolveChain } from '../../../shared/model/chains';
import { FIXTURES } from '../helpers';

const base58check = createBase58check(sha256);
const BCH = 'bip122:000000000000000000651ef99cb9fcbe';
const ZEC = 'bip122:00040fe8ec8471911baa1db1266ea15d';
const ofac = (ticker: string): string[] =>
  readFileSync(join(FIXTURES, `labels/ofac/sanctioned_addresses_${ticker}.txt`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

// The CashAddr specification's examples: the same hash as legacy base58 and as CashAddr.
const CASHADDR_SPEC: [string, string][] = [
  ['1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'],
  ['1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR', 'bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy'],
  ['16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb', 'bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r'],
  ['3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC', 'bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq'],
  ['3LDsS579y7sruadqu11beEJoTjdFiFCdX4', 'bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e'],
  ['31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw', 'bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37'],
];

test('Bitcoin Cash and Zcash are chains Cairn knows, by CAIP-2 id and alias', () => {
  assert.equal(resolveChain('bch').id, BCH);
  assert.equal(resolveChain('Bitcoin-Cash').id, BCH);
  assert.equal(resolveChain(BCH).nativeSymbol, 'BCH');
  assert.equal(resolveChain('zcash').id, ZEC);
  assert.equal(resolveChain('ZEC').nativeDecimals, 8);
  assert.equal(resolveChain(ZEC).family, 'utxo');
});

test('CashAddr: the specification vectors decode to the legacy hash and encode back', () => {
  for (const [legacy, cash] of CASHADDR_SPEC) {
    const payload = base58check.decode(legacy);
    const decoded = decodeCashAddr(cash);
    assert.equal(decoded.type, payload[0] === 0x00 ? 'p2pkh' : 'p2sh', cash);
    assert.deepEqual(decoded.hash, payload.slice(1), cash);
    assert.equal(encodeCashAddr(decoded.type, decoded.hash), cash);
  }
});

test('a Bitcoin Cash address has one stored form: lower-case CashAddr with its prefix, from any form it is written in', () => {
  for (const [legacy, cash] of CASHADDR_SPEC) {
    assert.equal(canonicalAddress('bch', cash), cash);
    assert.equal(canonicalAddress('bch', cash.slice('bitcoincash:'.length)), cash, 'without the prefix');
    assert.equal(canonicalAddress('bch', cash.toUpperCase()), cash, 'upper case');
    assert.equal(canonicalAddress('bch', legacy), cash, 'legacy base58');
  }
  // The real OFAC BCH list: one legacy address and six CashAddrs without their prefix.
  const list = ofac('BCH');
  assert.equal(list.length, 7);
  for (const a of list) assert.match(canonicalAddress('bch', a), /^bitcoincash:[qp][02-9ac-hj-np-z]{41}$/, a);
  assert.equal(canonicalAddress('bch', list[1]!), `bitcoincash:${list[1]}`);
});

test('CashAddr typos and other forms are refused with the reason', () => {
  const good = CASHADDR_SPEC[0]![1];
  assert.throws(() => canonicalAddress('bch', good.slice(0, -1) + 'c'), /not a Bitcoin Cash address: .* fails its CashAddr checksum/);
  assert.throws(() => canonicalAddress('bch', 'bitcoincash:Qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'), /mixes upper and lower case/);
  assert.throws(() => canonicalAddress('bch', 'bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a'), /neither base58check nor CashAddr/);
  // A Tron address is base58check too, but no Bitcoin Cash version.
  assert.throws(() => canonicalAddress('bch', 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq'), /version 0x41, which Bitcoin Cash addresses do not use/);
});

test('Zcash transparent addresses (t1…, t3…) are checked by their two-byte version; shielded ones are refused', () => {
  for (const a of ofac('ZEC')) assert.equal(canonicalAddress('zec', a), a);
  const hash = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
  const t3 = base58check.encode(Uint8Array.of(0x1c, 0xbd, ...hash));
  assert.match(t3, /^t3/);
  assert.equal(canonicalAddress('zec', t3), t3);
  // demo.yaml's Zcash address (GraphSense's demo pack).
  assert.equal(canonicalAddress('zec', 't1ZmpK4QFcvyQZ3ghTgSboBW8b4HgiZHQF9'), 't1ZmpK4QFcvyQZ3ghTgSboBW8b4HgiZHQF9');
  assert.throws(() => canonicalAddress('zec', 't1ZmpK4QFcvyQZ3ghTgSboBW8b4HgiZHQF8'), /fails its base58check checksum/);
  assert.throws(() => canonicalAddress('zec', '1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu'), /version 0x00, which Zcash addresses do not use/);
  assert.throws(() => canonicalAddress('zec', 'zs1z7rejlpsa98s2rrrfkwmaxu53e4ue0ulcrw0h4x5g8jl04tak0d3mm47vdtahatqrlkngh9sly'), /is shielded/);
});

test('a valid address of another chain is not taken for a Bitcoin or Litecoin address', () => {
  // The Tron address in OFAC's XBT list, and Litecoin's form of the hash 0102…14.
  assert.throws(() => canonicalAddress('btc', 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq'), /not a Bitcoin address: .* version 0x41/);
  assert.throws(() => canonicalAddress('btc', 'LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd'), /version 0x30/);
  assert.throws(() => canonicalAddress('ltc', '16L5yRNPTuciSgXGHqYwn9N6NeoKqopAu'), /not a Litecoin address: .* version 0x00/);
  assert.throws(() => canonicalAddress('btc-testnet', '16L5yRNPTuciSgXGHqYwn9N6NeoKqopAu'), /version 0x00/);
  // Litecoin's old P2SH form is Bitcoin's `3…`, still valid there; testnet forms stay valid on testnet.
  assert.equal(canonicalAddress('ltc', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'), '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy');
  assert.equal(canonicalAddress('ltc', 'LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd'), 'LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd');
  assert.equal(canonicalAddress('btc-testnet', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn'), 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn');
  assert.equal(canonicalAddress('btc-regtest', '2NAUYAHhujozruyzpsFRP63mbrdaU5wnEpN'), '2NAUYAHhujozruyzpsFRP63mbrdaU5wnEpN');
  for (const a of ofac('LTC')) assert.doesNotThrow(() => canonicalAddress('ltc', a), a);
});

test('chain guesses: CashAddr names Bitcoin Cash, t1…/t3… name Zcash; legacy 1… stays Bitcoin', () => {
  const cash = guessAddressChains('qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a')!;
  assert.deepEqual(cash.chains, [BCH]);
  assert.match(cash.form, /CashAddr \(P2PKH\)/);
  assert.match(guessAddressChains('bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq')!.form, /P2SH/);
  const zec = guessAddressChains('t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL')!;
  assert.deepEqual(zec.chains, [ZEC]);
  assert.match(zec.form, /Zcash transparent address \(P2PKH\)/);
  assert.equal(pickGuessedChain(guessAddressChains('1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu')!), resolveChain('btc').id);
});
