import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { useBlockParseWorker } from '../../../../electron/core/ingest/bitcoin/blockPipeline';
import { BadInputError } from '../../../../electron/core/ingest/errors';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { FIXTURES, REPO, tempDir } from '../../helpers';

// The bundled parse thread; npm test builds it before the unit tests run.
const WORKER = join(REPO, 'dist/node/blkParseWorker.cjs');
const XOR_DIR = join(FIXTURES, 'bitcoin/xor-blocksdir');
const BLK = join(FIXTURES, 'bitcoin/mainnet-blocks-1-255.blk');

after(() => useBlockParseWorker(undefined));

/** Every fact table, in a stable order, for comparing two stores. */
function dump(db: Db): Record<string, unknown[]> {
  const tables: Record<string, string> = {
    btc_block: 'SELECT hash, prev_hash, height, time, bits, tx_count, size FROM btc_block ORDER BY hash',
    tx: 'SELECT id, hash, block_number, tx_index, time, fee, coinbase, folded FROM tx ORDER BY id',
    txout: 'SELECT tx_id, n, value, type, address_id, hex(data), spent_by, spent_n FROM txout ORDER BY tx_id, n',
    txin: 'SELECT tx_id, n, prev_txid, prev_n, prev_tx_id, value, address_id FROM txin ORDER BY tx_id, n',
    transfer: 'SELECT tx_id, kind, pos, from_id, to_id, amount, time FROM transfer ORDER BY tx_id, kind, pos',
    edge: 'SELECT from_id, to_id, asset_id, total, cnt, first_time, last_time FROM edge ORDER BY from_id, to_id, asset_id',
    address: 'SELECT id, addr FROM address ORDER BY id',
  };
  return Object.fromEntries(Object.entries(tables).map(([name, sql]) => [name, db.prepare(sql).raw().safeIntegers(true).all()]));
}

async function importWith(worker: string | undefined, paths: string[]): Promise<Record<string, unknown[]>> {
  useBlockParseWorker(worker);
  const db = openStore(':memory:');
  try {
    const r = await importDataset(db, { paths });
    assert.ok(r.dataset);
    return dump(db);
  } finally {
    db.close();
  }
}

test('the parse thread and the in-process parser build exactly the same store', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  // Two folders' worth: the XOR-obfuscated one and the plain 255-block file, as two files of one folder.
  const dir = tempDir();
  copyFileSync(BLK, join(dir, 'blk00000.dat'));
  for (const paths of [[XOR_DIR], [dir]]) {
    const inProcess = await importWith(undefined, paths);
    const threaded = await importWith(WORKER, paths);
    assert.ok((inProcess.tx ?? []).length > 250);
    assert.ok((inProcess.transfer ?? []).length > 250);
    assert.deepEqual(threaded, inProcess);
  }
});

test('a bad block found on the parse thread is refused with its file and byte offset, and nothing is committed', { skip: !existsSync(WORKER) && 'run npm run build first' }, async () => {
  useBlockParseWorker(WORKER);
  const dir = tempDir();
  const bytes = Buffer.from(readFileSync(BLK));
  // A byte of the last block (well past the first records): its merkle root no longer matches.
  const at = bytes.length - 2000;
  bytes[at] ^= 0x01;
  writeFileSync(join(dir, 'blk00000.dat'), bytes);
  const db = openStore(':memory:');
  try {
    await assert.rejects(importDataset(db, { paths: [dir] }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      const m = /blk00000\.dat, byte (\d+): merkle root mismatch in block [0-9a-f]{64}/.exec(e.message);
      assert.ok(m, e.message);
      // The offset is that of the damaged block's first byte, in the file.
      const offset = Number(m[1]);
      assert.ok(offset <= at && at - offset < 1000, `offset ${offset} for a change at ${at}`);
      assert.equal(e.file, join(dir, 'blk00000.dat'));
      return true;
    });
    assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 0);
  } finally {
    db.close();
  }
});
