import { parseArgs } from 'node:util';
import { benchBitcoinImport } from './bitcoinImportBench';
import { benchImport, saveResults } from './importBench';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    blocks: { type: 'string', default: '60' },
    out: { type: 'string', default: 'test/bench/results/latest.json' },
  },
});
const rows = Number(values.rows);
const blocks = Number(values.blocks);
const started = new Date().toISOString();

const imp = await benchImport(rows);
console.log('ethereum-etl transactions.csv import (each row: one tx and one native transfer)');
console.table({
  Cairn: { rows: imp.rows, 'MB': imp.megabytes, seconds: imp.cairnSeconds.toFixed(2), 'rows/s': imp.rowsPerSecond, 'MB/s': imp.megabytesPerSecond, 'peak RSS MB': imp.peakRssMb },
  'raw prepared insert (ceiling)': { rows: imp.rows, seconds: imp.ceilingSeconds.toFixed(2), 'rows/s': imp.ceilingRowsPerSecond },
});
console.log(`Cairn reaches ${Math.round(imp.ratioToCeiling * 100)}% of the same-run ceiling`);
console.log(`peak RSS: ${imp.peakRssMbAtQuarterSize} MB at ${rows / 4} rows, ${imp.peakRssMb} MB at ${rows} rows`);

const btc = await benchBitcoinImport(blocks);
console.log(`\nBitcoin blocks/ folder import (synthetic regtest chain shaped like mainnet block 702861: ${btc.blocks} blocks, ${btc.txs} txs, ${btc.inputs} inputs, ${btc.outputs} outputs)`);
console.table({
  'Cairn import (parse thread + store)': { MB: btc.megabytes, seconds: btc.seconds.toFixed(2), 'MB/s': btc.megabytesPerSecond, 'tx/s': btc.txPerSecond, 'peak RSS MB': btc.peakRssMb },
  'parse only, same files (ceiling)': { MB: btc.megabytes, 'MB/s': btc.parseOnlyMegabytesPerSecond },
  'parse thread + one bare row per tx, output and input (no links, no indexes)': { MB: btc.megabytes, 'MB/s': btc.bareInsertMegabytesPerSecond },
});
console.log(`peak RSS: ${btc.peakRssMbAtHalfSize} MB at ${Math.floor(blocks / 2)} blocks, ${btc.peakRssMb} MB at ${blocks} blocks`);

saveResults(values.out!, { started, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, import: imp, bitcoin: btc });
console.log(`results written to ${values.out}`);
