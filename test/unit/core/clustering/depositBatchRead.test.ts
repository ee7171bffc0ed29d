import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { rebuildClusters } from '../../../../electron/core/analysis/clustering/rebuild';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { TX_HEADER, clusterPartition, tempDir, writeFile } from '../../helpers';

/**
 * Deposit clustering reads the histories of many addresses at once (a page of them in one ordered
 * read) rather than one query per address. These exports check what that read must keep: the
 * chain's order within a block, and every address of every page.
 */
const T0 = 1_700_000_000;
const ETH = 10n ** 18n;
/** What a plain ETH transfer's gas costs at 21 gwei: a native sweep forwards the deposit less this. */
const GAS = 21_000n * 21_000_000_000n;

function a(name: string): string {
  return '0x' + createHash('sha256').update(`batch read ${name}`).digest('hex').slice(0, 40);
}

let hashes = 0;
/** An ethereum-etl export of plain ETH transfers, each transaction in the block of its time, at the position given. */
class Export {
  readonly lines: string[] = [];

  native(from: string, to: string, value: bigint, time: number, index = 0): string {
    const hash = '0x' + createHash('sha256').update(`batch read tx ${++hashes}`).digest('hex');
    this.lines.push(`${hash},7,0x${'b'.repeat(64)},${18_000_000 + (time - T0)},${index},${from},${to},${value},21000,21000000000,0x,${time},,,2`);
    return hash;
  }

  /** The export's transactions file; only the lines `keep` takes (all by default). */
  write(keep: (line: string) => boolean = () => true): string[] {
    return [writeFile(tempDir(), 'transactions.csv', [TX_HEADER, ...this.lines.filter(keep)].join('\n') + '\n')];
  }
}

const HOT = a('hot wallet');

const partition = clusterPartition;

const sorted = (xs: string[]): string[] => [...xs].sort();

test('transactions at one time count in block order, not in the order they were stored, on a first import and a later one', async () => {
  // DX receives 1 ETH, then in one block sweeps 3 ETH to the hub and receives 2 ETH (listed first
  // in the export, so stored first), then receives 1 ETH and sweeps it. With the sweep first in
  // its block it passes on neither what was waiting (1 ETH) nor one receipt: DX forwarded once and
  // is no deposit address. With the receipt first, the sweep passes on the balance (3 ETH): two
  // forwards, and DX joins the hub.
  const D = [1, 2, 3].map((i) => a(`deposit ${i}`));
  const DX = a('deposit with a sweep and a receipt in one block');
  const [ALICE, BOB, CAROL] = [a('alice'), a('bob'), a('carol')];
  const world = (sweepFirst: boolean): Export => {
    const x = new Export();
    let t = T0;
    // Three deposit addresses that make HOT a hub.
    for (const d of D) {
      for (let k = 0n; k < 2n; k++) {
        x.native(ALICE!, d, ETH + k, (t += 100));
        x.native(d, HOT, ETH + k - GAS, (t += 600));
      }
    }
    x.native(CAROL!, DX, ETH, (t += 100));
    t += 600;
    x.native(BOB!, DX, 2n * ETH, t, sweepFirst ? 1 : 0);
    x.native(DX, HOT, 3n * ETH - GAS, t, sweepFirst ? 0 : 1);
    x.native(CAROL!, DX, ETH, (t += 100));
    x.native(DX, HOT, ETH - GAS, (t += 600));
    return x;
  };
  const hub = sorted([HOT, ...D]);
  for (const sweepFirst of [true, false]) {
    const expected = [sweepFirst ? hub : sorted([...hub, DX])];
    const x = world(sweepFirst);
    // Whole: the chain's first import reads every history.
    const whole = openStore(':memory:');
    await importDataset(whole, { paths: x.write() });
    assert.deepEqual(partition(whole), expected, `sweep first: ${sweepFirst}`);
    // In two parts: the hub first, then DX's transactions, read as the import's touched addresses.
    const parts = openStore(':memory:');
    await importDataset(parts, { paths: x.write((l) => !l.includes(DX)) });
    assert.deepEqual(partition(parts), [hub]);
    await importDataset(parts, { paths: x.write((l) => l.includes(DX)) });
    assert.deepEqual(partition(parts), expected, `sweep first: ${sweepFirst}, in two parts`);
    rebuildClusters(parts);
    assert.deepEqual(partition(parts), expected);
    whole.close();
    parts.close();
  }
});

test('an exchange with more deposit addresses than one read takes: each joins the hub by its own first sweep, whole or in two parts', async () => {
  // 2,500 deposit addresses (pages of 1,000 are read at once), each funded twice by its own customer and swept after each.
  const n = 2_500;
  const x = new Export();
  const firstSweep = new Map<string, string>();
  let t = T0;
  const deposits: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = a(`deposit ${i}`);
    const customer = a(`customer ${i}`);
    deposits.push(d);
    for (let k = 0n; k < 2n; k++) {
      x.native(customer, d, ETH + BigInt(i) + k, (t += 10));
      const sweep = x.native(d, HOT, ETH + BigInt(i) + k - GAS, (t += 10));
      if (!firstSweep.has(d)) firstSweep.set(d, sweep);
    }
  }
  const evidence = (db: Db): [string, string, string][] =>
    db
      .prepare(
        `SELECT fa.addr, fb.addr, t.hash FROM cluster_evidence e JOIN address fa ON fa.id = e.a JOIN address fb ON fb.id = e.b JOIN tx t ON t.id = e.tx_id
         WHERE e.heuristic = 'deposit-address' ORDER BY fa.addr`,
      )
      .raw()
      .all() as [string, string, string][];
  const expected = deposits.map((d): [string, string, string] => [d, HOT, firstSweep.get(d)!]).sort((p, q) => p[0].localeCompare(q[0]));

  const whole = openStore(':memory:');
  await importDataset(whole, { paths: x.write() });
  assert.deepEqual(partition(whole), [sorted([HOT, ...deposits])]);
  assert.deepEqual(evidence(whole), expected);

  // The first 1,200 deposit addresses make the hub; the other 1,300 come with the second import.
  const cut = new Set(deposits.slice(0, 1_200));
  const first = (l: string): boolean => cut.has(l.split(',')[5]!) || cut.has(l.split(',')[6]!);
  const parts = openStore(':memory:');
  await importDataset(parts, { paths: x.write(first) });
  assert.equal(partition(parts)[0]!.length, 1 + 1_200);
  await importDataset(parts, { paths: x.write((l) => !first(l)) });
  assert.deepEqual(partition(parts), [sorted([HOT, ...deposits])]);
  assert.deepEqual(evidence(parts), expected);
  // A rebuild over the two datasets makes the same cluster, and the same evidence.
  rebuildClusters(parts);
  assert.deepEqual(partition(parts), [sorted([HOT, ...deposits])]);
  assert.deepEqual(evidence(parts), expected);
  whole.close();
  parts.close();
});
