import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tronToBase58 } from '../../../../shared/codec/tron';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { addressTotals } from '../../../../electron/core/store/addressQueries';
import { findAddressId } from '../../../../electron/core/store/addresses';
import { openStore } from '../../../../electron/core/store/openStore';
import { getTx } from '../../../../electron/core/store/txQueries';
import { freshBackend, importAndWait, ok } from '../backendHelpers';
import { tempDir, writeFile } from '../../helpers';

// USDT on Tron: base58 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t is hex 41a614f803b6fd780986a42c78ec9c7f77e6ded13c.
const USDT_HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const ALICE_HEX = '0x' + '11'.repeat(20);
const BOB_HEX = '41' + '22'.repeat(20);
const TX1 = 'ab'.repeat(32);
const TX2 = 'cd'.repeat(32);

function tronetlExport(): string[] {
  const dir = tempDir();
  const txs = writeFile(
    dir,
    'transactions.csv',
    'hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp\n' +
      // 25,000 TRX (6 decimals) from Alice to Bob; hashes without 0x, addresses as 0x hex and 41 hex.
      `${TX1},0,0x${'01'.repeat(32)},60000000,0,${ALICE_HEX},${BOB_HEX},25000000000,0,0,0x,1711929600\n` +
      // The USDT call: no TRX moves.
      `0x${TX2},0,0x${'01'.repeat(32)},60000000,1,${BOB_HEX},${USDT_HEX},0,0,0,0xa9059cbb,1711929600\n`,
  );
  const transfers = writeFile(
    dir,
    'token_transfers.csv',
    'token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n' + `${USDT},${BOB_HEX},${ALICE_HEX},123456789012345678901,${TX2},0,60000000\n`,
  );
  const tokens = writeFile(dir, 'tokens.csv', `address,symbol,name,decimals,total_supply,block_number\n${USDT_HEX},USDT,Tether USD,6,,60000000\n`);
  return [txs, transfers, tokens];
}

test('tronetl exports: addresses stored and shown as base58 T…, hex accepted, TRC-20 decimals applied, values exact', async () => {
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: tronetlExport(), chain: 'tron' });
  assert.equal(r.dataset!.chain, 'tron:0x2b6653dc');
  const alice = tronToBase58(ALICE_HEX);
  const bob = tronToBase58(BOB_HEX);
  assert.match(alice, /^T[1-9A-HJ-NP-Za-km-z]{33}$/);
  assert.deepEqual(
    (db.prepare('SELECT addr FROM address ORDER BY addr').pluck().all() as string[]).sort(),
    [alice, bob, USDT].sort(),
    'every address is stored in its base58 form',
  );
  const native = getTx(db, 1, TX1)!;
  assert.deepEqual(native.transfers.map((t) => [t.from, t.to, t.asset, t.symbol, t.decimals, t.value]), [[alice, bob, 'native', 'TRX', 6, 25000000000n]]);
  const token = getTx(db, 1, TX2)!;
  assert.deepEqual(token.transfers.map((t) => [t.from, t.to, t.asset, t.symbol, t.decimals, t.value]), [[bob, alice, USDT, 'USDT', 6, 123456789012345678901n]]);
  const received = addressTotals(db, findAddressId(db, 1, alice)!).totals.find((t) => t.asset.symbol === 'USDT')!;
  assert.equal(received.received, 123456789012345678901n);
  db.close();
});

test('Tron through the API: a tx by its hash with or without 0x, an address by base58 or hex', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, tronetlExport(), 'tron');
  const a = await ok(backend, 'tx.get', { chain: 'tron', hash: TX2 });
  const b = await ok(backend, 'tx.get', { chain: 'tron', hash: '0x' + TX2.toUpperCase() });
  assert.deepEqual(a, b);
  assert.equal(a.transfers[0]!.to, tronToBase58(ALICE_HEX));
  const byHex = await ok(backend, 'address.summary', { chain: 'tron', address: ALICE_HEX });
  const byBase58 = await ok(backend, 'address.summary', { chain: 'tron', address: tronToBase58(ALICE_HEX) });
  assert.deepEqual(byHex, byBase58);
});

test('USDT on Tron shows its symbol and 6 decimals even without a tokens file', async () => {
  const [txs, transfers] = tronetlExport();
  const db = openStore(':memory:');
  await importDataset(db, { paths: [txs!, transfers!], chain: 'tron' });
  const token = getTx(db, 1, TX2)!;
  assert.deepEqual(token.transfers.map((t) => [t.asset, t.symbol, t.decimals, t.value]), [[USDT, 'USDT', 6, 123456789012345678901n]]);
  db.close();
});
