import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { BLK_FIXTURE, ETL, REPO, tempDir } from '../helpers';

// The package's bin, exactly as `npx cairn` runs it (the built CLI: run under the build lock).
const BIN = join(REPO, 'bin/cairn.cjs');

function cairn(workspace: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--workspace', workspace], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface ImportJson {
  dataset: { id: number; chain: string } | null;
  datasets: { id: number; format: string; chain: string }[];
  alreadyImportedAs: number | null;
  parts?: { format: string; chain: string | null; alreadyImportedAs: number | null }[];
}

test('cairn import with Bitcoin blocks and an ethereum-etl folder commits one dataset per part and prints each', () => {
  const ws = tempDir();
  const human = cairn(ws, 'import', BLK_FIXTURE, ETL);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^mixed import: 2 parts, committed together$/m);
  assert.match(human.out, /^imported dataset 1 \(bitcoin-blocks, Bitcoin, bip122:000000000019d6689c085ae165831e93\)$/m);
  assert.match(human.out, /^imported dataset 2 \(ethereum-etl-csv, Ethereum, eip155:1\)$/m);

  // Again, as JSON: every part already imported, and the list of new datasets empty.
  const again = JSON.parse(cairn(ws, 'import', BLK_FIXTURE, ETL, '--json').out) as ImportJson;
  assert.deepEqual(again.datasets, []);
  assert.deepEqual(again.parts!.map((p) => [p.format, p.alreadyImportedAs]), [['bitcoin-blocks', 1], ['ethereum-etl-csv', 2]]);

  // A single-format import keeps its old shape, and lists its dataset in `datasets` too.
  const other = tempDir();
  const single = JSON.parse(cairn(other, 'import', ETL, '--json').out) as ImportJson;
  assert.equal(single.dataset!.id, 1);
  assert.deepEqual(single.datasets.map((d) => d.id), [1]);
  assert.equal(single.parts, undefined);

  // A Bitcoin network chosen for account-chain files is refused with the reason, and nothing is kept.
  const refused = cairn(tempDir(), 'import', '--chain', 'btc', BLK_FIXTURE, ETL);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /mixes Bitcoin blocks with ethereum-etl export .* need an account chain/);
});
