// `npm run bench [-- --scale S --labels N --out FILE]`: prints tables and writes JSON. Not part of npm test.
// --world-only: just the synthetic world at --scale, each format's import beside its same-run floor.
// Sections: the ethereum-etl and Bitcoin import micro-benchmarks (--rows, --blocks); the
// synthetic world at --scale (import per format next to a same-run floor, store size, expand
// latency), then an investigator's session replayed in the UI on that world (sessionBench.ts),
// and the world again at 10M transfers (--large-scale, 0 to skip); graph rendering and cold start
// in headless Chromium (--no-render skips them and the session); the signed log and bundles
// (--case-files-only runs just that); tracing against the worlds' ground truth (traceBench.ts;
// --trace-only generates and imports a world at --scale and runs just that); clustering against
// the worlds' ground truth (clusterBench.ts, every configuration at --scale, the default's time
// and memory at --large-scale; --clusters-only generates and imports a world at --scale and runs
// just that, --cluster-configs A,B picks configurations).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseScale } from '../../electron/core/synth/world';
import { benchBitcoinImport } from './bitcoinImportBench';
import { benchImport, saveResults } from './importBench';
import { benchColdStart, benchRender, printRenderResults } from './renderBench';
import { benchWorld, worldPaths, type WorldBenchResult } from './worldBench';
import { benchCaseFiles, printCaseFileResults } from './caseFileBench';
import { benchSession, printSessionResults } from './sessionBench';
import { benchLabels, printLabelsResults } from './labelsBench';
import { benchTrace, printTraceResults, type TraceBenchResult } from './traceBench';
import { benchClusters, printClusterResults, type ClusterBenchResult } from './clusterBench';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'medium' },
    'large-scale': { type: 'string', default: 'large' },
    rows: { type: 'string', default: '200000' },
    blocks: { type: 'string', default: '60' },
    'no-render': { type: 'boolean', default: false },
    out: { type: 'string', default: 'test/bench/results/latest.json' },
    /** Only the world at --scale: each format's import beside its same-run floor, store size, expand latency. */
    'world-only': { type: 'boolean', default: false },
    /** Only the case-file section (signed log, bundles): about a minute. */
    'case-files-only': { type: 'boolean', default: false },
    /** Only the world at --scale (imported, no floor) and the investigator's session on it. */
    'session-only': { type: 'boolean', default: false },
    /** How many labels the label-pack section imports and searches (0 skips it). */
    labels: { type: 'string', default: '1000000' },
    /** Only the label-pack section. */
    'labels-only': { type: 'boolean', default: false },
    /** Only the trace section, on a world at --scale generated and imported for it. */
    'trace-only': { type: 'boolean', default: false },
    /** Only the clustering section, on a world at --scale generated and imported for it. */
    'clusters-only': { type: 'boolean', default: false },
    /** The clustering configurations to measure, comma-separated (clusterBench.ts names them); all unless given. */
    'cluster-configs': { type: 'string' },
  },
});
const started = new Date().toISOString();
const scale = parseScale(values.scale!);
const largeScale = values['large-scale'] === '0' ? 0 : parseScale(values['large-scale']!);
const log = (line: string): void => void process.stderr.write(`  ${line}\n`);

function printWorld(w: WorldBenchResult): void {
  console.log(`\nSynthetic world, ${w.worldTransfers.toLocaleString('en')} transfers (generated in ${w.generateSeconds} s), imported format by format into one store`);
  console.table(
    Object.fromEntries(
      w.formats.map((f) => [
        f.format,
        {
          MB: f.megabytes,
          transfers: f.transfers,
          seconds: f.seconds,
          'MB/s': f.megabytesPerSecond,
          'transfers/s': f.transfersPerSecond,
          'floor transfers/s': f.floorTransfersPerSecond ?? '',
          'of floor': f.ratioToFloor === undefined ? '' : `${Math.round(f.ratioToFloor * 100)}%`,
        },
      ]),
    ),
  );
  console.log(`store: ${w.storeMegabytes} MB, ${w.storeMegabytesPerMillionTransfers} MB per million transfers (${w.storeTransferRows.toLocaleString('en')} transfer rows)`);
  console.log(`biggest hub: ${w.hub.address} (${w.hub.chain}), ${w.hub.counterparties.toLocaleString('en')} counterparties, ${w.hub.transfers.toLocaleString('en')} transfers`);
  const e = w.expand;
  console.table({
    'ordinary, store query': e.ordinaryQuery,
    'hub, store query': e.hubQuery,
    'ordinary, graph.expand API call': e.ordinaryApi,
    'hub, graph.expand API call': e.hubApi,
  });
}

const work = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
const results: Record<string, unknown> = { started, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version } };
/** One section alone (an `--X-only` flag): runs it, removes the work folder, saves the results and exits. */
async function runOnly(section: () => Promise<void>): Promise<never> {
  try {
    await section();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  saveResults(values.out!, results);
  console.log(`results written to ${values.out}`);
  process.exit(0);
}
if (values['case-files-only']) await runOnly(async () => {
  const cf = await benchCaseFiles(work, log);
  printCaseFileResults(cf);
  results.caseFiles = cf;
});
const labelTotal = Number(values.labels);
if (values['labels-only']) await runOnly(async () => {
  const labels = await benchLabels(work, labelTotal, log);
  printLabelsResults(labels);
  results.labels = labels;
});
if (values['trace-only']) await runOnly(async () => {
  const trace = await benchTrace(work, scale, log);
  printTraceResults(trace);
  results.trace = [trace];
});
if (values['clusters-only']) await runOnly(async () => {
  const clusters = await benchClusters(work, scale, log, { configs: values['cluster-configs']?.split(',').map((c) => c.trim()) });
  printClusterResults(clusters);
  results.clusters = [clusters];
});
if (values['world-only']) await runOnly(async () => {
  const world = await benchWorld(scale, work, { floor: true, log });
  printWorld(world);
  results.worlds = [world];
});
if (values['session-only']) await runOnly(async () => {
  const world = await benchWorld(scale, work, { floor: false, log });
  printWorld(world);
  const session = await benchSession(work, scale, log);
  printSessionResults(session);
  results.session = session;
});
try {
  // The micro-benchmarks first: their peak-memory readings are of a fresh process.
  const rows = Number(values.rows);
  const imp = await benchImport(rows);
  console.log('\nethereum-etl transactions.csv import (each row: one tx and one native transfer)');
  console.table({
    Cairn: { rows: imp.rows, MB: imp.megabytes, seconds: imp.cairnSeconds.toFixed(2), 'rows/s': imp.rowsPerSecond, 'MB/s': imp.megabytesPerSecond, 'peak RSS MB': imp.peakRssMb },
    'raw prepared insert (ceiling)': { rows: imp.rows, seconds: imp.ceilingSeconds.toFixed(2), 'rows/s': imp.ceilingRowsPerSecond },
  });
  console.log(`Cairn reaches ${Math.round(imp.ratioToCeiling * 100)}% of the same-run ceiling; peak RSS ${imp.peakRssMbAtQuarterSize} MB at ${rows / 4} rows, ${imp.peakRssMb} MB at ${rows} rows`);
  results.import = imp;

  const blocks = Number(values.blocks);
  const btc = await benchBitcoinImport(blocks);
  console.log(`\nBitcoin blocks/ folder import (synthetic regtest chain shaped like mainnet block 702861: ${btc.blocks} blocks, ${btc.txs} txs, ${btc.inputs} inputs, ${btc.outputs} outputs)`);
  console.table({
    'Cairn import (parse thread + store)': { MB: btc.megabytes, seconds: btc.seconds.toFixed(2), 'MB/s': btc.megabytesPerSecond, 'tx/s': btc.txPerSecond, 'peak RSS MB': btc.peakRssMb },
    'parse only, same files (ceiling)': { MB: btc.megabytes, 'MB/s': btc.parseOnlyMegabytesPerSecond },
    'parse thread + one bare row per tx, output and input (no links, no indexes)': { MB: btc.megabytes, 'MB/s': btc.bareInsertMegabytesPerSecond },
  });
  console.log(`peak RSS: ${btc.peakRssMbAtHalfSize} MB at ${Math.floor(blocks / 2)} blocks, ${btc.peakRssMb} MB at ${blocks} blocks`);
  results.bitcoin = btc;

  const worlds: WorldBenchResult[] = [];
  const first = await benchWorld(scale, work, { floor: true, log });
  worlds.push(first);
  printWorld(first);
  if (!values['no-render']) {
    // The investigator's session, in the UI, on the world just imported.
    const session = await benchSession(work, scale, log);
    printSessionResults(session);
    results.session = session;
  }
  if (largeScale > 0 && largeScale !== scale) {
    const large = await benchWorld(largeScale, work, { floor: false, log });
    worlds.push(large);
    printWorld(large);
  }
  results.worlds = worlds;

  // Tracing against ground truth on the world at --scale; on the larger world, the 6-hop timing only.
  const traces: TraceBenchResult[] = [];
  for (const w of worlds) {
    const trace = await benchTrace(work, w.targetTransfers, log, { existing: worldPaths(work, w.targetTransfers), groundTruth: w === first });
    printTraceResults(trace);
    traces.push(trace);
  }
  results.trace = traces;

  // Clustering against ground truth on the world at --scale, every configuration; on the larger world, the default's time and memory.
  const clusterRuns: ClusterBenchResult[] = [];
  for (const w of worlds) {
    const clusters = await benchClusters(work, w.targetTransfers, log, { existing: worldPaths(work, w.targetTransfers), configs: w === first ? undefined : ['default'] });
    printClusterResults(clusters);
    clusterRuns.push(clusters);
  }
  results.clusters = clusterRuns;

  const cf = await benchCaseFiles(work, log);
  printCaseFileResults(cf);
  results.caseFiles = cf;

  if (labelTotal > 0) {
    const labels = await benchLabels(work, labelTotal, log);
    printLabelsResults(labels);
    results.labels = labels;
  }

  if (!values['no-render']) {
    const render = await benchRender();
    printRenderResults(render);
    results.render = render;
    const cold = await benchColdStart();
    console.log(`cold start to an interactive canvas: ${cold.seconds} s (median of ${cold.runs.length})`);
    results.coldStart = cold;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
saveResults(values.out!, results);
console.log(`results written to ${values.out}`);
