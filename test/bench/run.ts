import { parseArgs } from 'node:util';
import { benchImport, saveResults } from './importBench';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, out: { type: 'string', default: 'test/bench/results/latest.json' } } });
const rows = Number(values.rows);
const started = new Date().toISOString();
const imp = await benchImport(rows);
console.log('ethereum-etl transactions.csv import (each row: one tx and one native transfer)');
console.table({
  Cairn: { rows: imp.rows, 'MB': imp.megabytes, seconds: imp.cairnSeconds.toFixed(2), 'rows/s': imp.rowsPerSecond, 'MB/s': imp.megabytesPerSecond, 'peak RSS MB': imp.peakRssMb },
  'raw prepared insert (ceiling)': { rows: imp.rows, seconds: imp.ceilingSeconds.toFixed(2), 'rows/s': imp.ceilingRowsPerSecond },
});
console.log(`Cairn reaches ${Math.round(imp.ratioToCeiling * 100)}% of the same-run ceiling`);
console.log(`peak RSS: ${imp.peakRssMbAtQuarterSize} MB at ${rows / 4} rows, ${imp.peakRssMb} MB at ${rows} rows`);
saveResults(values.out!, { started, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, import: imp });
console.log(`results written to ${values.out}`);
