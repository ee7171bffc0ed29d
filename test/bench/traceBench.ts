/**
 * Tracing measured against ground truth (issue 13, part 8), on a generated world whose three
 * chains and service labels are in a store (traceTruth.ts says which labels and links):
 *
 * - per method (FIFO, haircut, poison), the trace from every victim as far as the theft goes
 *   (30 hops), stopping at exchanges and the mixer: the share of truth/theft.csv's hops found
 *   up to the first stop, the traced value reaching each true exit against the truth, false
 *   endpoints, addresses followed, and the time (median of several runs);
 * - the time of a 6-hop haircut trace from the victims (the issue's target: 1 s on a store of
 *   10M transfers), with the stops above and with the app's default stop rules, which also stop
 *   at the bridge and the swap (their links still carry the value across): followed as ordinary
 *   addresses, a bridge's or a swap's whole history is loaded.
 *
 * The world's import (per format) and the labels' import are timed apart from the traces.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, type Db } from '../../electron/core/store/openStore';
import { generateWorld } from '../../electron/core/synth/world';
import { MAX_RESULT_TRANSFERS, runTrace } from '../../electron/core/trace/runTrace';
import { TraceSpec, type CrossChainLink, type TaintMethod, type TraceResult } from '../../shared/api/traceSchemas';
import { formatUnits } from '../../shared/model/amount';
import { groundTruthSpec, importServiceLabels, importWorld, readGroundTruth, scoreTrace, truthLinks, victimSources, type GroundTruth } from './traceTruth';

export interface TraceMethodFigures {
  method: TaintMethod;
  hopsRequired: number;
  hopsFound: number;
  /** Per true exit; amounts are decimal strings in base units. */
  exits: { chain: string; exchange: string; deposit: string; symbol: string; decimals: number; truth: string; traced: string; differencePct: number }[];
  /** Stop endpoints at addresses the stolen funds never reached in the truth (see traceTruth.ts). */
  falseEndpoints: { count: number; value: Record<string, string> };
  mixerReached: boolean;
  addressesFollowed: number;
  transfersTotal: number;
  seconds: number;
  runs: number[];
}

export interface TraceBenchResult {
  worldTransfers: number;
  storeTransferRows: number;
  generateSeconds: number | null;
  importSeconds: { format: string; seconds: number }[] | null;
  labels: { count: number; seconds: number };
  /** Who joined the thief's CoinJoin (1: the thief alone, so no method has other value to mix in). */
  coinJoinParticipants: number;
  methods: TraceMethodFigures[];
  /** The 6-hop haircut trace from the victims, with the ground-truth stop rules and with the app's default ones. */
  sixHop: { stops: string; seconds: number; runs: number[]; addressesFollowed: number; transfersTotal: number; endpoints: number }[];
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the trace `runs` times; the figures are of the last run, the time the median. */
function timed(db: Db, spec: TraceSpec, links: CrossChainLink[], runs: number): { result: TraceResult; seconds: number; runs: number[] } {
  const times: number[] = [];
  let result: TraceResult | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = runTrace(db, spec, { links });
    times.push((performance.now() - t0) / 1000);
  }
  return { result: result!, seconds: round(median(times)), runs: times.map((t) => round(t)) };
}

function methodFigures(g: GroundTruth, method: TaintMethod, r: TraceResult, seconds: number, runs: number[]): TraceMethodFigures {
  const score = scoreTrace(g, r);
  const decimals = new Map(r.totals.map((t) => [`${t.asset.chain}|${t.asset.symbol}`, t.asset.decimals ?? 0]));
  const value: Record<string, bigint> = {};
  for (const e of score.falseEndpoints) value[e.asset.symbol ?? '?'] = (value[e.asset.symbol ?? '?'] ?? 0n) + BigInt(e.amount);
  return {
    method,
    hopsRequired: score.required.length,
    hopsFound: score.required.length - score.missing.length,
    exits: score.exits.map((e) => ({ ...e, decimals: decimals.get(`${e.chain}|${e.symbol}`) ?? 0, truth: e.truth.toString(), traced: e.traced.toString() })),
    falseEndpoints: { count: score.falseEndpoints.length, value: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v.toString()])) },
    mixerReached: score.mixerStopped > 0n,
    addressesFollowed: r.addressesFollowed,
    transfersTotal: r.transfersTotal,
    seconds,
    runs,
  };
}

/**
 * The trace bench on a world of `transfers`: generated and imported here, or, given `existing`,
 * the world a world bench already generated and imported (its import is timed there).
 */
export async function benchTrace(
  work: string,
  transfers: number,
  log: (line: string) => void,
  options: { existing?: { dir: string; store: string }; runs?: number; groundTruth?: boolean } = {},
): Promise<TraceBenchResult> {
  const dir = options.existing?.dir ?? join(work, `trace-world-${transfers}`);
  const storePath = options.existing?.store ?? join(work, `trace-store-${transfers}.sqlite`);
  let generateSeconds: number | null = null;
  let importSeconds: TraceBenchResult['importSeconds'] = null;
  if (!options.existing) {
    log(`trace: generating a world of ${transfers.toLocaleString('en')} transfers…`);
    const t0 = performance.now();
    generateWorld({ seed: 'trace-bench', transfers, out: dir });
    generateSeconds = round((performance.now() - t0) / 1000, 2);
  } else if (!existsSync(join(dir, 'truth.json')) || !existsSync(storePath)) throw new Error(`no imported world at ${dir} and ${storePath}`);
  const g = readGroundTruth(dir);
  mkdirSync(work, { recursive: true });
  const db = openStore(storePath);
  try {
    if (!options.existing) {
      log('trace: importing the world…');
      importSeconds = (await importWorld(db, g)).map((p) => ({ format: p.format, seconds: round(p.seconds, 2) }));
    }
    log('trace: importing the service labels…');
    const l0 = performance.now();
    const count = importServiceLabels(db, g, join(work, `service-labels-${transfers}.csv`));
    const labels = { count, seconds: round((performance.now() - l0) / 1000, 2) };
    const links = truthLinks(db, g);
    const runs = options.runs ?? 3;
    const methods: TraceMethodFigures[] = [];
    if (options.groundTruth !== false) {
      for (const method of ['fifo', 'haircut', 'poison'] as const) {
        log(`trace: ${method} from the victims, ${runs} runs…`);
        const { result, seconds, runs: times } = timed(db, groundTruthSpec(g.truth, method), links, runs);
        methods.push(methodFigures(g, method, result, seconds, times));
      }
    }
    const sixHop: TraceBenchResult['sixHop'] = [];
    const sixSpecs: [string, TraceSpec][] = [
      ['exchanges and the mixer (as above)', groundTruthSpec(g.truth, 'haircut', 6)],
      ['the default stop rules (services, bridges and swaps included, and hubs)', TraceSpec.parse({ method: 'haircut', sources: victimSources(g.truth), maxHops: 6 })],
    ];
    for (const [stops, spec] of sixSpecs) {
      log(`trace: 6-hop haircut from the victims, stopping at ${stops}…`);
      const six = timed(db, spec, links, Math.max(runs, 5));
      sixHop.push({ stops, seconds: six.seconds, runs: six.runs, addressesFollowed: six.result.addressesFollowed, transfersTotal: six.result.transfersTotal, endpoints: six.result.endpoints.length });
    }
    return {
      worldTransfers: g.truth.written.transfers,
      storeTransferRows: db.prepare('SELECT count(*) FROM transfer').pluck().get() as number,
      generateSeconds,
      importSeconds,
      labels,
      coinJoinParticipants: g.truth.mixer.participants,
      methods,
      sixHop,
    };
  } finally {
    db.close();
  }
}

const short = (a: string): string => (a.length > 14 ? `${a.slice(0, 8)}…${a.slice(-4)}` : a);
const chainName = (caip2: string): string => (caip2.startsWith('eip155') ? 'Ethereum' : caip2.startsWith('tron') ? 'Tron' : 'Bitcoin');

export function printTraceResults(r: TraceBenchResult): void {
  console.log(`\nTracing against ground truth: a world of ${r.worldTransfers.toLocaleString('en')} transfers (${r.storeTransferRows.toLocaleString('en')} transfer rows in the store)`);
  if (r.generateSeconds !== null) console.log(`generated in ${r.generateSeconds} s; imported in ${r.importSeconds!.map((p) => `${p.format} ${p.seconds} s`).join(', ')}`);
  console.log(`service labels: ${r.labels.count.toLocaleString('en')} imported in ${r.labels.seconds} s (exchange hot wallets and customer deposits, bridge, swap, mixer; not the thief's wallets or deposits)`);
  if (r.methods.length > 0) {
    console.log('trace from every victim, 30 hops, stopping at exchanges and the mixer, across the confirmed swap and bridge links:');
    console.table(
      Object.fromEntries(
        r.methods.map((m) => [
          m.method,
          {
            'theft hops found (to the first stop)': `${m.hopsFound}/${m.hopsRequired} (${Math.round((m.hopsFound / m.hopsRequired) * 1000) / 10}%)`,
            'exits exact': `${m.exits.filter((e) => e.traced === e.truth).length}/${m.exits.length}`,
            'exits within 1%': `${m.exits.filter((e) => Math.abs(e.differencePct) <= 1).length}/${m.exits.length}`,
            'false endpoints': m.falseEndpoints.count,
            'mixer reached': m.mixerReached ? 'yes' : 'no',
            'addresses followed': m.addressesFollowed,
            'transfers traced': m.transfersTotal > MAX_RESULT_TRANSFERS ? `${m.transfersTotal} (${MAX_RESULT_TRANSFERS} listed)` : m.transfersTotal,
            'seconds (median)': m.seconds,
          },
        ]),
      ),
    );
    if (r.methods.some((m) => m.transfersTotal > MAX_RESULT_TRANSFERS)) console.log(`a result lists the ${MAX_RESULT_TRANSFERS} transfers that carried the most (in base units, whatever the asset): the theft's hops are looked for among those`);
    console.log('false endpoints: stop endpoints at addresses the truth\'s stolen funds never reached (neither a true exit, nor the hot wallet a true exit sweeps into, nor the thief\'s mixer)');
    for (const m of r.methods) if (m.falseEndpoints.count > 0) console.log(`  ${m.method}: ${m.falseEndpoints.count}, ${Object.entries(m.falseEndpoints.value).map(([s, v]) => `${v} base units of ${s}`).join(', ')}`);
    console.log('traced value reaching each true exit (an exchange deposit of the thief) against the truth:');
    console.table(
      r.methods[0]!.exits.map((e, i) => ({
        exit: `${chainName(e.chain)} ${e.symbol} ${short(e.deposit)}`,
        truth: formatUnits(BigInt(e.truth), e.decimals),
        ...Object.fromEntries(
          r.methods.flatMap((m) => {
            const x = m.exits[i]!;
            return [
              [m.method, formatUnits(BigInt(x.traced), x.decimals)],
              [`${m.method} diff %`, x.differencePct],
            ];
          }),
        ),
      })),
    );
    console.log(`(haircut shares out the thief's CoinJoin input over all its outputs: each Bitcoin exit gets the thief's share of the CoinJoin's inputs; this CoinJoin had ${r.coinJoinParticipants} participant${r.coinJoinParticipants === 1 ? ', the thief alone' : 's'})`);
  }
  for (const s of r.sixHop) {
    console.log(`6-hop haircut trace from the victims, stopping at ${s.stops}: ${s.seconds} s (median of ${s.runs.length}: ${s.runs.join(', ')}), ${s.addressesFollowed.toLocaleString('en')} addresses followed, ${s.transfersTotal.toLocaleString('en')} transfers traced, ${s.endpoints} endpoints`);
  }
}
