/**
 * Tracing measured against a generated world's ground truth (issue 13, part 8), shared by the
 * world trace tests and `npm run bench -- --trace-only`: the world's three chains and the labels
 * an investigator would hold for its services in a store, the swap and bridge links they would
 * confirm, a trace from the victims, and how the result scores against truth/theft.csv and the
 * true exits.
 *
 * The labels cover the services only (exchange hot wallets and the exchanges' customer deposit
 * addresses, the bridge, the swap, the mixer): never the thief's wallets, nor the thief's own
 * deposit addresses at the exchanges, which are what a trace has to discover.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { importDataset } from '../../electron/core/ingest/importDataset';
import { importLabelFiles } from '../../electron/core/intel/labelStore';
import type { Db } from '../../electron/core/store/openStore';
import type { TheftHop, WorldTruth } from '../../electron/core/synth/world';
import { TraceSpec, type CrossChainLink, type TaintMethod, type TraceResult } from '../../shared/api/traceSchemas';
import { canonicalAddress, canonicalTxHashFor } from '../../shared/codec/address';

export interface Actor {
  chain: string;
  address: string;
  actor: string;
  role: string;
}

/** A generated world as written on disk: truth.json, truth/theft.csv and truth/actors.csv. */
export interface GroundTruth {
  dir: string;
  truth: WorldTruth;
  hops: TheftHop[];
  actors: Actor[];
}

/** The label category of each service role in actors.csv; every other role gets no label. */
const SERVICE_CATEGORIES: Readonly<Record<string, string>> = {
  'hot wallet': 'exchange',
  deposit: 'exchange',
  vault: 'defi_dex',
  'lock contract': 'bridge',
  'release wallet': 'bridge',
  'coordinator fee': 'mixing_service',
};

/** Where the ground-truth trace stops: at the exchanges and the mixer. The swap and the bridge are crossed by confirmed links. */
export const GROUND_TRUTH_STOPS = ['exchange', 'mixing_service'] as const;

export function readGroundTruth(dir: string): GroundTruth {
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as WorldTruth;
  const hops = parse(readFileSync(join(dir, truth.files.theft), 'utf8'), { columns: true }) as TheftHop[];
  // actors.csv has no quoted fields (the generator's names hold no commas); at 10M transfers it has millions of rows.
  const actors = readFileSync(join(dir, truth.files.actors), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => {
      const [chain, address, actor, role] = l.split(',') as [string, string, string, string];
      return { chain, address, actor, role };
    });
  return { dir, truth, hops, actors };
}

export const canon = (chain: string, address: string): string => canonicalAddress(chain, address);
const place = (chain: string, address: string): string => `${chain}|${canon(chain, address)}`;

/** Imports the world's Ethereum, Tron and Bitcoin files, each timed on its own (seconds). */
export async function importWorld(db: Db, g: GroundTruth): Promise<{ format: string; seconds: number }[]> {
  const parts: [string, string, string | undefined][] = [
    ['ethereum-etl (Ethereum)', g.truth.files.ethereum, 'eth'],
    ['tronetl (Tron)', g.truth.files.tron, 'tron'],
    ['Bitcoin blk files', g.truth.files.bitcoin, undefined],
  ];
  const times: { format: string; seconds: number }[] = [];
  for (const [format, path, chain] of parts) {
    const t0 = performance.now();
    await importDataset(db, { paths: [join(g.dir, path)], chain });
    times.push({ format, seconds: (performance.now() - t0) / 1000 });
  }
  return times;
}

/** Writes the services' labels as a label CSV (chain,address,label,category) and imports it; returns how many. */
export function importServiceLabels(db: Db, g: GroundTruth, file = join(g.dir, 'service-labels.csv')): number {
  const rows = g.actors.flatMap((a) => {
    const category = SERVICE_CATEGORIES[a.role];
    return category ? [`${a.chain},${a.address},${a.actor} (${a.role}),${category}`] : [];
  });
  writeFileSync(file, ['chain,address,label,category', ...rows].join('\n') + '\n');
  importLabelFiles(db, [file], { skipInvalid: false, now: () => new Date('2024-01-01T00:00:00Z') });
  return rows.length;
}

function link(id: number, kind: CrossChainLink['kind'], from: CrossChainLink['from'], to: CrossChainLink['to'], evidence: string): CrossChainLink {
  return { id, from, to, kind, status: 'confirmed', evidence: [evidence], score: null, note: '', createdAt: '2024-01-01T00:00:00.000Z', createdBy: 'ground truth' };
}

/**
 * The links an investigator would confirm from the truth: the ETH paid into the swap to its BTC
 * payout output (named by index: the payout tx also returns change to the swap's vault), and each
 * USDT lock on Ethereum to the bridge's release on Tron.
 */
export function truthLinks(db: Db, g: GroundTruth): CrossChainLink[] {
  const { swap, bridge } = g.truth;
  const payout = db
    .prepare('SELECT o.n FROM txout o JOIN tx ON tx.id = o.tx_id JOIN chain c ON c.id = tx.chain_id JOIN address a ON a.id = o.address_id WHERE c.caip2 = ? AND tx.hash = ? AND a.addr = ?')
    .pluck()
    .get(swap.out.chain, canonicalTxHashFor(swap.out.chain, swap.out.tx), canon(swap.out.chain, swap.out.to)) as number | undefined;
  if (payout === undefined) throw new Error(`the store has no output of swap payout ${swap.out.tx} to ${swap.out.to}: import the Bitcoin files first`);
  return [
    link(1, 'swap', { chain: swap.in.chain, tx: swap.in.tx }, { chain: swap.out.chain, tx: swap.out.tx, ref: String(payout) }, 'Tidal Swap: ETH in, BTC out'),
    ...bridge.locks.map((lock, i) => link(2 + i, 'bridge', { chain: lock.chain, tx: lock.tx }, { chain: bridge.release.chain, tx: bridge.release.tx }, 'Arc Bridge lock and release')),
  ];
}

export const victimSources = (truth: WorldTruth) => truth.victims.map((v) => ({ kind: 'address' as const, chain: v.chain, address: v.address }));

/** The trace the ground truth is measured with: every victim, far enough to reach the exits, stopping at exchanges and the mixer. */
export function groundTruthSpec(truth: WorldTruth, method: TaintMethod, maxHops = 30): TraceSpec {
  return TraceSpec.parse({ method, sources: victimSources(truth), maxHops, stopAt: { categories: [...GROUND_TRUTH_STOPS], hubs: false } });
}

export interface ExitScore {
  chain: string;
  exchange: string;
  deposit: string;
  symbol: string;
  truth: bigint;
  traced: bigint;
  /** (traced − truth) ÷ truth, in percent. */
  differencePct: number;
}

export interface TraceScore {
  /** theft.csv hops up to the first stop, and those among the result's transfers. */
  required: TheftHop[];
  missing: TheftHop[];
  exits: ExitScore[];
  /**
   * Stop endpoints at addresses the stolen funds never reached in the truth: not a true exit,
   * not the hot wallet a true exit sweeps into, not the mixer the thief used.
   */
  falseEndpoints: TraceResult['endpoints'];
  /** Traced value stopped at the mixer the thief used (Bitcoin). */
  mixerStopped: bigint;
  /** The result lists every transfer that carried traced value (below the 5,000 cap). */
  complete: boolean;
}

/** Addresses whose labels make them stops of the ground-truth trace, as chain|address. */
export function stopPlaces(g: GroundTruth): Set<string> {
  const stops = new Set<string>(GROUND_TRUTH_STOPS);
  return new Set(g.actors.filter((a) => stops.has(SERVICE_CATEGORIES[a.role] ?? '')).map((a) => place(a.chain, a.address)));
}

/** The truth's hops a trace must find: in theft.csv order, every hop not sent on from a stop (nor from where value went after one). */
export function requiredHops(g: GroundTruth): TheftHop[] {
  const beyond = stopPlaces(g);
  return g.hops.filter((h) => {
    if (!beyond.has(place(h.chain, h.from))) return true;
    beyond.add(place(h.chain, h.to));
    return false;
  });
}

export function mixerAddress(g: GroundTruth): Actor {
  const m = g.actors.find((a) => SERVICE_CATEGORIES[a.role] === 'mixing_service');
  if (!m) throw new Error('actors.csv names no mixer');
  return m;
}

export function scoreTrace(g: GroundTruth, result: TraceResult): TraceScore {
  const carried = new Set(result.transfers.map((t) => `${t.chain}|${t.tx}|${t.to}`));
  const required = requiredHops(g);
  const missing = required.filter((h) => !carried.has(`${h.chain}|${canonicalTxHashFor(h.chain, h.tx)}|${canon(h.chain, h.to)}`));
  const into = new Map<string, bigint>();
  for (const t of result.transfers) if (t.to !== null) into.set(`${t.chain}|${t.to}`, (into.get(`${t.chain}|${t.to}`) ?? 0n) + BigInt(t.traced));
  const exits = g.truth.exits.map((e) => {
    const truth = BigInt(e.amount);
    const traced = into.get(place(e.chain, e.deposit)) ?? 0n;
    return { chain: e.chain, exchange: e.exchange, deposit: e.deposit, symbol: e.symbol, truth, traced, differencePct: Number(((traced - truth) * 1_000_000n) / truth) / 10_000 };
  });
  const mixer = mixerAddress(g);
  const trueStops = new Set([
    ...g.truth.exits.map((e) => place(e.chain, e.deposit)),
    ...g.truth.exits.map((e) => {
      const hot = g.truth.hotWallets.find((w) => w.chain === e.chain && w.exchange === e.exchange);
      if (!hot) throw new Error(`the truth names no ${e.exchange} hot wallet on ${e.chain}`);
      return place(hot.chain, hot.address);
    }),
    place(mixer.chain, mixer.address),
  ]);
  const stops = result.endpoints.filter((e) => e.reason === 'stop');
  return {
    required,
    missing,
    exits,
    falseEndpoints: stops.filter((e) => e.address === null || !trueStops.has(`${e.chain}|${e.address}`)),
    mixerStopped: stops.filter((e) => e.chain === mixer.chain && e.address === canon(mixer.chain, mixer.address)).reduce((s, e) => s + BigInt(e.amount), 0n),
    complete: result.transfersTotal === result.transfers.length,
  };
}
