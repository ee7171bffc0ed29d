// The render bench alone: `node --import tsx test/bench/renderOnly.ts [--sizes 1000,5000,10000] [--repeats 3] [--pan-ms 2000] [--dpr 1] [--no-cold-start]`.
// Cold start needs dist/ (node scripts/build.mjs). See renderBench.ts for what each figure means.
import { parseArgs } from 'node:util';
import { benchColdStart, benchRender, printRenderResults } from './renderBench';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,5000,10000' },
      repeats: { type: 'string', default: '3' },
      'pan-ms': { type: 'string', default: '2000' },
      dpr: { type: 'string', default: '1' },
      'no-cold-start': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes!.split(',').map(Number);
  const render = await benchRender(sizes, { repeats: Number(values.repeats), panMs: Number(values['pan-ms']), deviceScaleFactor: Number(values.dpr) });
  printRenderResults(render);
  if (!values['no-cold-start']) {
    const cold = await benchColdStart();
    console.log('cold start: `cairn serve` spawned on a fresh workspace with one case, to an interactive canvas');
    console.table({ 'cold start': { 'seconds (median)': cold.seconds, 'server up s': cold.serverSeconds, 'page s': cold.pageSeconds, runs: cold.runs.join(' ') } });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
