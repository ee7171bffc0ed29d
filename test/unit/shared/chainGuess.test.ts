import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalAddress } from '../../../shared/codec/address';
import { chainFitsGuess, guessAddressChains, pickGuessedChain } from '../../../shared/codec/chainGuess';
import { resolveChain } from '../../../shared/model/chains';
import { importDataset } from '../../../electron/core/ingest/importDataset';
import { openStore } from '../../../electron/core/store/openStore';
import { BLK_FIXTURE, ETL, FIXTURES } from '../helpers';

const id = (alias: string): string => resolveChain(alias).id;
const OFAC = join(FIXTURES, 'labels/ofac');
const ofac = (ticker: string): string[] =>
  readFileSync(join(OFAC, `sanctioned_addresses_${ticker}.txt`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The first chain the guess takes with nothing preferred, and whether it would ask. */
function guess(address: string): { chain: string; asks: boolean; form: string } | null {
  const g = guessAddressChains(address);
  return g && { chain: pickGuessedChain(g), asks: g.chains.length > 1, form: g.form };
}

test('well-known mainnet addresses: each form names its chain without asking', () => {
  const cases: [string, string, RegExp][] = [
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'btc', /Bitcoin base58 address \(P2PKH\)/], // the genesis block's coinbase
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'btc', /Bitcoin bech32 address \(P2WPKH\)/], // BIP 173
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'btc', /P2WPKH/], // upper case is valid bech32
    ['bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'btc', /P2WSH/],
    ['bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', 'btc', /P2TR/], // BIP 86
    ['ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9', 'ltc', /Litecoin bech32 address \(P2WPKH\)/],
    // A mistyped character keeps the form (the chain is still clear) and says the checksum fails.
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'btc', /Bitcoin bech32 address \(checksum not valid\)/],
    ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'tron', /Tron base58/], // USDT on Tron
    ['41a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'tron', /Tron hex/],
    ['bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', 'btc-regtest', /regtest bech32/],
  ];
  for (const [address, chain, form] of cases) {
    const g = guess(address);
    assert.ok(g, `${address} is recognised`);
    assert.equal(g.chain, id(chain), address);
    assert.equal(g.asks, false, `${address} fits one chain`);
    assert.match(g.form, form);
  }
});

test('forms several chains share are ambiguous, most likely first: EVM, the test networks, P2SH', () => {
  const evm = guessAddressChains('0xdAC17F958D2ee523a2206206994597C13D831ec7')!;
  assert.equal(evm.family, 'evm');
  assert.equal(pickGuessedChain(evm), id('eth'));
  assert.ok(evm.chains.includes(id('bsc')) && evm.chains.includes(id('base')));
  // The chain the case already uses wins, also an EVM chain Cairn has no name for; one that does not fit is passed over.
  assert.equal(pickGuessedChain(evm, [id('btc'), id('polygon'), id('eth')]), id('polygon'));
  assert.equal(pickGuessedChain(evm, ['eip155:324']), 'eip155:324');
  assert.ok(chainFitsGuess(evm, 'eip155:324'));
  assert.ok(!chainFitsGuess(evm, id('tron')));

  const tb = guessAddressChains('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')!;
  assert.deepEqual(tb.chains, [id('btc-testnet'), id('btc-testnet4'), id('btc-signet')]);
  assert.equal(pickGuessedChain(tb, [id('btc-signet')]), id('btc-signet'));
  const m = guessAddressChains('mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn')!;
  assert.ok(m.chains.includes(id('btc-regtest')) && m.chains[0] === id('btc-testnet'));

  // Litecoin's old P2SH form is Bitcoin's: Bitcoin first, Litecoin offered.
  const p2sh = guessAddressChains('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')!;
  assert.deepEqual(p2sh.chains, [id('btc'), id('ltc')]);
  assert.ok(!chainFitsGuess(p2sh, id('eth')));
});

test('real sanctioned addresses (OFAC lists in the fixtures) are guessed by their form', () => {
  for (const a of ofac('XBT')) {
    const g = guess(a)!;
    // The Bitcoin list holds one Tron address; the form says so.
    assert.equal(g.chain, a.startsWith('T') ? id('tron') : id('btc'), a);
    assert.doesNotThrow(() => canonicalAddress(g.chain, a), a);
  }
  for (const a of ofac('LTC')) assert.equal(guess(a)!.chain, id('ltc'), a);
  for (const a of ofac('TRX')) {
    assert.equal(guess(a)!.chain, id('tron'), a);
    assert.doesNotThrow(() => canonicalAddress(id('tron'), a), a);
  }
  for (const a of [...ofac('ETH'), ...ofac('USDT'), ...ofac('ARB'), ...ofac('BSC')]) {
    if (!a.startsWith('0x')) continue;
    assert.equal(guessAddressChains(a)!.family, 'evm', a);
  }
  // Monero, Ripple and a bare 64-hex string are no form Cairn knows: nothing is guessed.
  for (const a of [...ofac('XMR'), ...ofac('XRP')]) assert.equal(guessAddressChains(a), null, a);
});

test('a mistyped address keeps its guessed chain, and the codec names the failed checksum', () => {
  const typo = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm4'; // Hal Finney's address (block 170), last character changed
  assert.equal(guess(typo)!.chain, id('btc'));
  assert.throws(() => canonicalAddress(id('btc'), typo), /not a Bitcoin address: .* fails its base58check checksum/);
  assert.throws(() => canonicalAddress(id('btc'), 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'), /fails its bech32 checksum/);
});

test('not addresses: nothing is guessed', () => {
  for (const text of ['', 'hello', '0x1234', 'bc1', 'bc1qqqqq', 'xyz1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaX0', '0x' + 'a'.repeat(64)]) {
    assert.equal(guessAddressChains(text), null, JSON.stringify(text));
  }
});

test('every address the fixtures import (Bitcoin blocks 1-255, ethereum-etl) is guessed as its dataset\'s chain', async () => {
  const db = openStore(':memory:');
  await importDataset(db, { paths: [BLK_FIXTURE] });
  await importDataset(db, { paths: [ETL] });
  const rows = db.prepare('SELECT c.caip2 AS chain, a.addr AS address FROM address a JOIN chain c ON c.id = a.chain_id').all() as { chain: string; address: string }[];
  assert.ok(rows.filter((r) => r.chain === id('btc')).length > 200 && rows.some((r) => r.chain === id('eth')));
  for (const r of rows) {
    const g = guessAddressChains(r.address);
    assert.ok(g, `${r.address} is recognised`);
    assert.equal(pickGuessedChain(g), r.chain, r.address);
  }
  db.close();
});
