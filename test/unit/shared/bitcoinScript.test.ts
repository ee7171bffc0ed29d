import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  BITCOIN_MAINNET,
  BITCOIN_REGTEST,
  BITCOIN_SIGNET,
  BITCOIN_TESTNET,
  BITCOIN_TESTNET4,
  LITECOIN_MAINNET,
  decodeOutputScript,
  hash160,
  networkForChain,
  type BitcoinNetwork,
} from '../../../shared/codec/bitcoinScript';
import { bytesToHex, hexToBytes } from '../../../shared/codec/hex';

const decode = (scriptHex: string, net: BitcoinNetwork = BITCOIN_MAINNET) =>
  decodeOutputScript(hexToBytes(scriptHex), net);

// Secret key 1: G compressed / uncompressed, and hash160 of the compressed key
// (the program of the BIP-173 P2WPKH example).
const G_COMPRESSED = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const G_UNCOMPRESSED =
  '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
  '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8';
const KEY1_HASH = '751e76e8199196d454941c45d1b3a323f1433bd6';
// hash160 of the P2SH-P2WPKH redeem script 0014<KEY1_HASH>: 3JvL6Ymt… on mainnet.
const KEY1_WRAPPED = 'bcfeb728b584253d5f3f70bcb780e9ef218a68f4';

// Satoshi's key paid by the block 9 coinbase (spent in the first transaction to Hal Finney).
const BLOCK9_KEY =
  '0411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3';

test('BIP-173 valid segwit v0 vectors (bech32)', () => {
  assert.deepEqual(decode('0014751e76e8199196d454941c45d1b3a323f1433bd6'), {
    type: 'p2wpkh',
    addresses: ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
  });
  assert.deepEqual(
    decode('00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262', BITCOIN_TESTNET),
    { type: 'p2wsh', addresses: ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7'] },
  );
  // BIP-350 (which supersedes BIP-173's v0 list) also lists this testnet P2WSH.
  assert.deepEqual(
    decode('0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433', BITCOIN_TESTNET),
    { type: 'p2wsh', addresses: ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy'] },
  );
});

test('BIP-350 valid segwit v1+ vectors (bech32m)', () => {
  assert.deepEqual(decode('512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'), {
    type: 'p2tr',
    addresses: ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'],
  });
  assert.deepEqual(decode('6002751e'), { type: 'witness_unknown', addresses: ['bc1sw50qgdz25j'] });
  assert.deepEqual(
    decode('5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'),
    {
      type: 'witness_unknown',
      addresses: ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y'],
    },
  );
  assert.deepEqual(decode('5210751e76e8199196d454941c45d1b3a323'), {
    type: 'witness_unknown',
    addresses: ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs'],
  });
  assert.deepEqual(
    decode('5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433', BITCOIN_TESTNET),
    { type: 'p2tr', addresses: ['tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c'] },
  );
});

test('segwit addresses use the network HRP (regtest, litecoin)', () => {
  assert.deepEqual(decode('0014' + KEY1_HASH, LITECOIN_MAINNET).addresses, [
    'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9',
  ]);
  assert.deepEqual(decode('0014' + KEY1_HASH, BITCOIN_REGTEST).addresses, [
    'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
  ]);
  // A 40-byte v1 program under the longest HRP still fits the 90-character limit.
  const long = decode('5128' + KEY1_HASH + KEY1_HASH, BITCOIN_REGTEST);
  assert.equal(long.type, 'witness_unknown');
  assert.ok(long.addresses[0]!.startsWith('bcrt1p'));
});

test('witness-like scripts that are not valid programs are nonstandard', () => {
  // v0 with a program that is neither 20 nor 32 bytes has no address.
  assert.equal(decode('0010751e76e8199196d454941c45d1b3a323').type, 'nonstandard');
  // Program too short (1 byte) or too long (41 bytes).
  assert.equal(decode('5101aa').type, 'nonstandard');
  assert.equal(decode('5129' + '00'.repeat(41)).type, 'nonstandard');
  // Push length disagrees with the script length.
  assert.equal(decode('0014' + KEY1_HASH + '00').type, 'nonstandard');
  assert.equal(decode('0014' + KEY1_HASH.slice(2)).type, 'nonstandard');
});

test('P2PK: the block 9 coinbase key decodes to 12cbQLTF…, marked p2pk', () => {
  assert.deepEqual(decode('41' + BLOCK9_KEY + 'ac'), {
    type: 'p2pk',
    addresses: ['12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S'],
  });
  // Compressed key: the same address as the P2PKH of its hash.
  assert.deepEqual(decode('21' + G_COMPRESSED + 'ac'), {
    type: 'p2pk',
    addresses: ['1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH'],
  });
  assert.deepEqual(decode('41' + G_UNCOMPRESSED + 'ac', BITCOIN_MAINNET).addresses, [
    '1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm',
  ]);
  // Wrong key prefix for its length → nonstandard.
  assert.equal(decode('21' + '04' + G_COMPRESSED.slice(2) + 'ac').type, 'nonstandard');
  assert.equal(decode('41' + '02' + G_UNCOMPRESSED.slice(2) + 'ac').type, 'nonstandard');
  // Missing OP_CHECKSIG.
  assert.equal(decode('21' + G_COMPRESSED + 'ad').type, 'nonstandard');
});

test('hash160 = RIPEMD-160(SHA-256(x))', () => {
  assert.equal(bytesToHex(hash160(hexToBytes(G_COMPRESSED))), KEY1_HASH);
  assert.equal(bytesToHex(hash160(hexToBytes('0014' + KEY1_HASH))), KEY1_WRAPPED);
});

test('P2PKH and P2SH on mainnet, testnet and litecoin', () => {
  const p2pkh = '76a914' + KEY1_HASH + '88ac';
  const p2sh = 'a914' + KEY1_WRAPPED + '87';
  const cases: Array<[BitcoinNetwork, string, string]> = [
    [BITCOIN_MAINNET, '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', '3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN'],
    [BITCOIN_TESTNET, 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '2NAUYAHhujozruyzpsFRP63mbrdaU5wnEpN'],
    [LITECOIN_MAINNET, 'LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ', 'MR8UQSBr5ULwWheBHznrHk2jxyxkHQu8vB'],
  ];
  for (const [net, pkh, sh] of cases) {
    assert.deepEqual(decode(p2pkh, net), { type: 'p2pkh', addresses: [pkh] }, net.name);
    assert.deepEqual(decode(p2sh, net), { type: 'p2sh', addresses: [sh] }, net.name);
  }
  // Testnet P2PKH also comes out as `n…` depending on the hash.
  assert.match(decode('76a914' + 'ff'.repeat(20) + '88ac', BITCOIN_TESTNET).addresses[0]!, /^n/);
  // Hash 0102…14 on Bitcoin and Litecoin, as published elsewhere in pairs.
  const h = '0102030405060708090a0b0c0d0e0f1011121314';
  assert.deepEqual(decode('76a914' + h + '88ac').addresses, ['16L5yRNPTuciSgXGHqYwn9N6NeoKqopAu']);
  assert.deepEqual(decode('a914' + h + '87').addresses, ['31nM1WuowNDzocNxPPW9NQWJEtwWpjfcLj']);
  assert.deepEqual(decode('76a914' + h + '88ac', LITECOIN_MAINNET).addresses, ['LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd']);
  assert.deepEqual(decode('a914' + h + '87', LITECOIN_MAINNET).addresses, ['M7zVKQKmtV5Rc7erVGVVC3khZbXxsS5HEX']);
  // A hash of zeros keeps its leading 1s.
  assert.deepEqual(decode('76a914' + '00'.repeat(20) + '88ac').addresses, ['1111111111111111111114oLvT2']);
  // Near misses are nonstandard.
  assert.equal(decode('76a914' + KEY1_HASH + '88ad').type, 'nonstandard');
  assert.equal(decode('a914' + KEY1_WRAPPED + '88').type, 'nonstandard');
  assert.equal(decode('76a914' + KEY1_HASH + '88ac00').type, 'nonstandard');
});

test('bare multisig: one P2PKH address per key, required = m', () => {
  const oneOfTwo = decode('51' + '21' + G_COMPRESSED + '41' + BLOCK9_KEY + '52' + 'ae');
  assert.deepEqual(oneOfTwo, {
    type: 'multisig',
    addresses: ['1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S'],
    required: 1,
  });
  const twoOfTwoTestnet = decode('52' + '21' + G_COMPRESSED + '41' + G_UNCOMPRESSED + '52' + 'ae', BITCOIN_TESTNET);
  assert.equal(twoOfTwoTestnet.type, 'multisig');
  assert.equal(twoOfTwoTestnet.required, 2);
  assert.equal(twoOfTwoTestnet.addresses[0], 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r');
  // m > n, wrong n, a bad key, or no OP_CHECKMULTISIG → nonstandard.
  assert.equal(decode('53' + '21' + G_COMPRESSED + '41' + BLOCK9_KEY + '52' + 'ae').type, 'nonstandard');
  assert.equal(decode('51' + '21' + G_COMPRESSED + '41' + BLOCK9_KEY + '53' + 'ae').type, 'nonstandard');
  assert.equal(decode('51' + '21' + '05' + G_COMPRESSED.slice(2) + '51' + 'ae').type, 'nonstandard');
  assert.equal(decode('51' + '21' + G_COMPRESSED + '51' + 'af').type, 'nonstandard');
  assert.equal(decode('51' + '21' + G_COMPRESSED + '41' + BLOCK9_KEY.slice(0, -2) + '52' + 'ae').type, 'nonstandard');
});

test('OP_RETURN: no address, data = the pushed bytes', () => {
  const one = decode('6a0b68656c6c6f20776f726c64');
  assert.equal(one.type, 'op_return');
  assert.deepEqual(one.addresses, []);
  assert.equal(bytesToHex(one.data!), '68656c6c6f20776f726c64');
  // Several pushes, including PUSHDATA1 and PUSHDATA2, are concatenated.
  const many = decode('6a' + '02cafe' + '4c03010203' + '4d0200beef' + '00');
  assert.equal(bytesToHex(many.data!), 'cafe010203beef');
  // Bare OP_RETURN: empty data.
  assert.equal(decode('6a').data!.length, 0);
  // Malformed pushes (runs past the end; a non-push opcode) keep the raw remainder.
  assert.equal(bytesToHex(decode('6a05aabb').data!), '05aabb');
  assert.equal(bytesToHex(decode('6a01aaac').data!), '01aaac');
  // The data is a copy, not a view of the caller's buffer.
  const script = hexToBytes('6a02cafe');
  const copy = decodeOutputScript(script, BITCOIN_MAINNET).data!;
  script[2] = 0;
  assert.equal(bytesToHex(copy), 'cafe');
});

test('nonstandard scripts get a stable s-<sha256> identity', () => {
  const script = '5187'; // OP_1 OP_EQUAL
  const first = decode(script);
  assert.equal(first.type, 'nonstandard');
  assert.deepEqual(first.addresses, ['s-' + bytesToHex(sha256(hexToBytes(script)))]);
  assert.deepEqual(decode(script, LITECOIN_MAINNET), first);
  assert.match(first.addresses[0]!, /^s-[0-9a-f]{64}$/);
  assert.notEqual(decode('5287').addresses[0], first.addresses[0]);
  // The empty script is nonstandard too: SHA-256 of nothing.
  assert.deepEqual(decode(''), {
    type: 'nonstandard',
    addresses: ['s-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  });
});

test('never throws on arbitrary bytes', () => {
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >>> 16;
  };
  const interesting = [0x00, 0x14, 0x20, 0x21, 0x41, 0x4c, 0x4d, 0x4e, 0x51, 0x52, 0x60, 0x6a, 0x76, 0x87, 0x88, 0xa9, 0xac, 0xae];
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(rand() % 80);
    for (let j = 0; j < bytes.length; j++) bytes[j] = rand() % 3 === 0 ? interesting[rand() % interesting.length]! : rand() & 0xff;
    const decoded = decodeOutputScript(bytes, BITCOIN_MAINNET);
    assert.ok(decoded.type === 'op_return' ? decoded.addresses.length === 0 : decoded.addresses.length > 0);
  }
});

test('networkForChain maps Cairn chain ids', () => {
  assert.equal(networkForChain('bip122:000000000019d6689c085ae165831e93'), BITCOIN_MAINNET);
  assert.equal(networkForChain('bip122:000000000933ea01ad0ee984209779ba'), BITCOIN_TESTNET);
  assert.equal(networkForChain('bip122:12a765e31ffd4059bada1e25190f6e98'), LITECOIN_MAINNET);
  assert.equal(networkForChain('bip122:00000000da84f2bafbbc53dee25a72ae'), BITCOIN_TESTNET4);
  assert.equal(networkForChain('bip122:00000008819873e925422c1ff0f99f7c'), BITCOIN_SIGNET);
  assert.equal(networkForChain('bip122:0f9188f13cb7b2c71f2a335e3a4fc328'), BITCOIN_REGTEST);
  assert.throws(() => networkForChain('eip155:1'), /no Bitcoin-family address parameters/);
  for (const net of [BITCOIN_TESTNET4, BITCOIN_SIGNET]) {
    assert.deepEqual([net.p2pkhVersion, net.p2shVersion, net.bech32Hrp], [0x6f, 0xc4, 'tb']);
  }
});
