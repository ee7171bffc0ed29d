import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BLK_FIXTURE, REPO, tempDir } from '../helpers';

const BIN = join(REPO, 'bin/cairn.cjs');

/** Every fact in a store, in a stable order: what "the same store" means for evidence. */
function facts(workspace: string): string {
  const db = new Database(join(workspace, 'store.sqlite'), { readonly: true });
  db.defaultSafeIntegers(true);
  const dump = ['address', 'asset', 'block', 'btc_block', 'tx', 'txin', 'txout', 'transfer', 'edge']
    .map((t) => {
      const cols = (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'dataset_id');
      return `${t}:` + JSON.stringify(db.prepare(`SELECT ${cols.join(',')} FROM ${t} ORDER BY ${cols.join(',')}`).raw().all(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    })
    .join('\n');
  db.close();
  return dump;
}

async function bigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp\n');
  for (let i = 1; i <= rows; i++) {
    const line = `0x${i.toString(16).padStart(64, '0')},0,0x${'2'.repeat(64)},${i},0,0x${(i % 7000).toString(16).padStart(40, '0')},0x${((i * 7) % 9000).toString(16).padStart(40, '0')},${BigInt(i) * 10n ** 18n},21000,1,0x,${1600000000 + i}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

test('an import killed midway and run again ends with exactly the store of one uninterrupted run', async () => {
  const dir = tempDir();
  const csv = join(dir, 'transactions.csv');
  await bigCsv(csv, 150_000);
  const paths = [BLK_FIXTURE, csv];

  const killed = join(dir, 'killed');
  // Bitcoin blocks first (a fast, separate dataset), then the large CSV that gets killed.
  assert.equal(spawnSync(process.execPath, [BIN, 'import', BLK_FIXTURE, '--workspace', killed]).status, 0);
  const child = spawn(process.execPath, [BIN, 'import', csv, '--workspace', killed], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(child.exitCode, null, 'the import must still be running when it is killed');
  child.kill('SIGKILL');
  await once(child, 'exit');
  const partial = new Database(join(killed, 'store.sqlite'), { readonly: true });
  assert.equal(partial.prepare("SELECT count(*) FROM dataset WHERE format = 'ethereum-etl-csv'").pluck().get(), 0, 'nothing of the killed import is committed');
  assert.equal(partial.prepare("SELECT count(*) FROM tx WHERE hash LIKE '0x%'").pluck().get(), 0);
  partial.close();
  assert.equal(spawnSync(process.execPath, [BIN, 'import', csv, '--workspace', killed]).status, 0);

  const clean = join(dir, 'clean');
  for (const p of paths) assert.equal(spawnSync(process.execPath, [BIN, 'import', p, '--workspace', clean]).status, 0);
  assert.ok(existsSync(join(clean, 'store.sqlite')));
  assert.equal(facts(killed), facts(clean));
});
