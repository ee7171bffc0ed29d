import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalAddress, canonicalTxHashFor, displayAddress, shortAddress } from '../../../shared/codec/address';
import { canonicalEvmAddress, canonicalTxHash, toChecksumAddress } from '../../../shared/codec/evm';
import { tronToBase58, tronToHex } from '../../../shared/codec/tron';
import { resolveChain, UnknownChainError } from '../../../shared/model/chains';

// Test vectors from EIP-55 itself.
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

test('EIP-55 checksums match the specification vectors', () => {
  for (const v of EIP55) {
    assert.equal(toChecksumAddress(v.toLowerCase()), v);
    assert.equal(canonicalEvmAddress(v), v.toLowerCase());
  }
});

test('a mixed-case EVM address with a wrong checksum is refused; all-lower is accepted', () => {
  const wrong = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';
  assert.throws(() => canonicalEvmAddress(wrong), /checksum/);
  assert.equal(canonicalEvmAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  assert.throws(() => canonicalEvmAddress('0x1234'), /40 hex digits/);
});

test('Tron addresses convert between hex 41… and base58 T…', () => {
  // USDT's TRC-20 contract, as Tronscan shows it.
  const base58 = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
  const hex = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
  assert.equal(tronToHex(base58), hex);
  assert.equal(tronToBase58(hex), base58);
  assert.equal(canonicalAddress('tron', '0x' + hex.slice(2)), base58);
  assert.throws(() => tronToHex('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u'), /checksum/);
});

test('Bitcoin addresses are checked with their checksums', () => {
  assert.equal(canonicalAddress('btc', '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3'), '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3');
  // BIP-173 vector, upper case input is stored lower case.
  assert.equal(canonicalAddress('btc', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4'), 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
  assert.throws(() => canonicalAddress('btc', '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm4'));
});

test('chains resolve from CAIP-2 ids and aliases; unknown ones get a helpful error', () => {
  assert.equal(resolveChain('eth').id, 'eip155:1');
  assert.equal(resolveChain('BSC').id, 'eip155:56');
  assert.equal(resolveChain('btc').id, 'bip122:000000000019d6689c085ae165831e93');
  assert.equal(resolveChain('tron').nativeDecimals, 6);
  assert.equal(resolveChain('eip155:324').family, 'evm');
  for (const alias of ['eth', 'bsc', 'polygon', 'avax', 'arb', 'op', 'base', 'tron', 'btc', 'btc-testnet', 'ltc']) resolveChain(alias);
  assert.throws(() => resolveChain('dogecoin'), (e: unknown) => e instanceof UnknownChainError && /eip155:1/.test(e.message));
});

test('display forms: EIP-55 for EVM, short form for labels', () => {
  const d = displayAddress('eip155:1', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
  assert.equal(d, EIP55[0]);
  assert.equal(shortAddress(d), '0x5aAe…eAed');
});

test('hashes and addresses already in canonical form come back as they are; every other spelling is still converted or refused', () => {
  const hex64 = 'ab'.repeat(32);
  const addr = '0x' + 'cd'.repeat(20);
  // Canonical: returned unchanged.
  assert.equal(canonicalTxHash('0x' + hex64), '0x' + hex64);
  assert.equal(canonicalEvmAddress(addr), addr);
  assert.equal(canonicalTxHashFor('tron:0x2b6653dc', hex64), hex64);
  // Other spellings of the same facts: converted to the canonical form.
  assert.equal(canonicalTxHash(' 0x' + hex64.toUpperCase() + ' '), '0x' + hex64);
  assert.equal(canonicalEvmAddress(`\t${addr.toUpperCase().replace('0X', '0x')}`), addr);
  assert.equal(canonicalTxHashFor('tron:0x2b6653dc', '0x' + hex64.toUpperCase()), hex64);
  // Not hashes or addresses: one character short, long, or not hex.
  assert.throws(() => canonicalTxHash('0x' + hex64.slice(1)), /not a transaction hash/);
  assert.throws(() => canonicalTxHash('0x' + hex64 + '0'), /not a transaction hash/);
  assert.throws(() => canonicalTxHash('0x' + hex64.slice(1) + 'g'), /not a transaction hash/);
  assert.throws(() => canonicalTxHash(hex64), /not a transaction hash/, 'an EVM hash needs its 0x');
  assert.throws(() => canonicalTxHash('0X' + hex64), /not a transaction hash/);
  assert.throws(() => canonicalEvmAddress(addr.slice(0, -1) + 'g'), /not an EVM address/);
  assert.throws(() => canonicalTxHashFor('tron:0x2b6653dc', hex64.slice(2)), /not a transaction id/);
});
