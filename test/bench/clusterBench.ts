/**
 * Clustering measured against ground truth (issue 14, part 7): a generated world whose owners
 * behave like real ones (electron/core/synth/world.ts: HD wallets, exchanges that sweep deposit
 * addresses, CoinJoin rounds of several shapes, account-chain users with exchange deposit
 * addresses), imported through the app's import path into a fresh store, then clustered with
 * each heuristic configuration and scored against truth/actors.csv:
 *
 * - pairwise precision and recall, per chain: over the addresses both in the store and in the
 *   truth, the pairs of addresses in one predicted cluster against the pairs in one actor (a
 *   cluster of one has no pair; precision is correct pairs ÷ predicted pairs, recall correct
 *   pairs ÷ true pairs). Also over the users' own addresses alone (Bitcoin wallets, Ethereum and
 *   Tron users), so that the exchanges' thousands of deposit addresses do not drown the wallets;
 * - CoinJoin false merges: evidence rows whose transaction is one of truth/coinjoins.csv and
 *   whose two addresses have different owners (the target is 0), per round shape, and what
 *   merging the inputs of every CoinJoin would have done to precision;
 * - per heuristic, the share of its evidence rows (links) whose two addresses have one actor;
 * - the time and peak memory (RSS) of each configuration's rebuild, run in a child process so
 *   that its peak is its own.
 *
 * The configurations: the default (multi-input on Bitcoin; deposit-address clustering on the
 * account chains), multi-input with each change rule alone, with all of them, and the account
 * chains with deposit clustering off (nothing merges there then). A heuristic not implemented
 * yet simply shows no links.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { rebuildClusters, type RebuildReport } from '../../electron/core/analysis/clustering/rebuild';
import { CHANGE_RULES, ClusteringSettings, readClusteringSettings, writeClusteringSettings, type ChangeRule } from '../../electron/core/analysis/clustering/settings';
import { openStore, type Db } from '../../electron/core/store/openStore';
import { generateWorld, type WorldTruth } from '../../electron/core/synth/world';
import { canonicalAddress, canonicalTxHashFor } from '../../shared/codec/address';
import { resolveChain } from '../../shared/model/chains';
import { importWorld } from './traceTruth';

export interface PairScore {
  /** Addresses both in the store and in the truth. */
  addresses: number;
  clusters: number;
  largestCluster: number;
  predictedPairs: number;
  truePairs: number;
  correctPairs: number;
  /** Null when no pair was predicted (or none is true). */
  precision: number | null;
  recall: number | null;
}

export interface HeuristicLinks {
  heuristic: string;
  links: number;
  /** Links whose two addresses both have an actor in the truth, and of those the ones with the same actor. */
  judged: number;
  sameActor: number;
  precision: number | null;
}

export interface ChainClusterFigures {
  chain: string;
  name: string;
  family: 'utxo' | 'account';
  /** Every owner's addresses. */
  all: PairScore;
  /** The users' own addresses only (Bitcoin wallets, Ethereum and Tron users). */
  users: PairScore;
  links: HeuristicLinks[];
  held: number;
  /** Bitcoin only: the truth's CoinJoin rounds in the store, the merges made through them (and the false ones), and in how many rounds. */
  coinjoins: { inStore: number; falseMerges: number; mergesThrough: number; roundsMerged: number; byShape: Record<string, { rounds: number; merged: number }> } | null;
}

export interface ConfigFigures {
  name: string;
  label: string;
  change: ChangeRule[];
  deposit: boolean;
  chains: ChainClusterFigures[];
  /** The rebuild of the chains this configuration concerns, in a child process. */
  rebuild: { seconds: number; peakRssMb: number; chains: string[]; detectedCoinJoins: number; merges: number; held: number };
}

export interface ClusterBenchResult {
  worldTransfers: number;
  seed: string;
  /** Null when the world was generated and imported by the world bench (timed there). */
  generateSeconds: number | null;
  /** Import per format; the Bitcoin import clusters as it goes (multi-input, the default). */
  importSeconds: { format: string; seconds: number }[] | null;
  truthLoadSeconds: number;
  owners: WorldTruth['owners'];
  coinjoinRounds: WorldTruth['coinjoins'];
  /** The default clusters as the import made them incrementally and as a rebuild makes them: the same. */
  importMatchesRebuild: boolean;
  /** Precision if every truth CoinJoin's input addresses had been merged (default configuration, Bitcoin). */
  throughCoinJoins: { all: PairScore; users: PairScore } | null;
  configs: ConfigFigures[];
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/**
 * Loads truth/actors.csv and truth/coinjoins.csv into temporary tables of this connection:
 * truth_actor (address id, chain id, actor id, whether the actor is a user) for the addresses
 * the store holds, and truth_coinjoin (tx id, chain id, shape, participants). Streams the
 * actors: at 10M transfers the file has millions of rows.
 */
export async function loadTruth(db: Db, dir: string, truth: WorldTruth): Promise<void> {
  db.exec(`
    DROP TABLE IF EXISTS temp.truth_actor;
    DROP TABLE IF EXISTS temp.truth_coinjoin;
    CREATE TEMP TABLE truth_actor (address_id INTEGER PRIMARY KEY, chain_id INTEGER NOT NULL, actor INTEGER NOT NULL, user INTEGER NOT NULL);
    CREATE TEMP TABLE truth_coinjoin (tx_id INTEGER PRIMARY KEY, chain_id INTEGER NOT NULL, shape TEXT NOT NULL, participants INTEGER NOT NULL);
  `);
  const chains = new Map((db.prepare('SELECT caip2, id FROM chain').all() as { caip2: string; id: number }[]).map((c) => [c.caip2, c.id]));
  const addressId = db.prepare('SELECT id FROM address WHERE chain_id = ? AND addr = ?').pluck();
  const insert = db.prepare('INSERT OR IGNORE INTO truth_actor (address_id, chain_id, actor, user) VALUES (?, ?, ?, ?)');
  const actorIds = new Map<string, number>();
  const lines = createInterface({ input: createReadStream(join(dir, truth.files.actors)), crlfDelay: Infinity });
  let batch: string[] = [];
  const flush = db.transaction((rows: string[]) => {
    for (const line of rows) {
      // No quoted fields: the generator's names hold no commas.
      const [chain, address, actor, role] = line.split(',') as [string, string, string, string];
      const chainId = chains.get(chain);
      if (chainId === undefined) continue;
      const id = addressId.get(chainId, canonicalAddress(chain, address)) as number | undefined;
      if (id === undefined) continue;
      let a = actorIds.get(actor);
      if (a === undefined) actorIds.set(actor, (a = actorIds.size + 1));
      insert.run(id, chainId, a, role === 'user' ? 1 : 0);
    }
  });
  let header = true;
  for await (const line of lines) {
    if (header || line.length === 0) {
      header = false;
      continue;
    }
    batch.push(line);
    if (batch.length >= 50_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  const txId = db.prepare('SELECT id FROM tx WHERE chain_id = ? AND hash = ?').pluck();
  const cj = db.prepare('INSERT OR IGNORE INTO truth_coinjoin (tx_id, chain_id, shape, participants) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const line of readFileSync(join(dir, truth.files.coinjoins), 'utf8').split('\n').slice(1)) {
      if (!line) continue;
      const [chain, txid, shape, participants] = line.split(',') as [string, string, string, string];
      const chainId = chains.get(chain);
      const id = chainId === undefined ? undefined : (txId.get(chainId, canonicalTxHashFor(chain, txid)) as number | undefined);
      if (id !== undefined) cj.run(id, chainId, shape, Number(participants));
    }
  })();
}

/**
 * Pairwise scores of the chain's current clusters against the truth (loadTruth first). With
 * `remap`, a cluster root listed in temp.cluster_remap counts as the root it names there. One
 * pass over the addresses sorted by cluster and actor (SQLite sorts on disk; only the actors'
 * sizes are kept here).
 */
export function pairScore(db: Db, chainId: number, usersOnly: boolean, remap = false): PairScore {
  const base = 'coalesce(m.root, ta.address_id)';
  const rows = db
    .prepare(
      `SELECT ${remap ? `coalesce(r.merged, ${base})` : base} AS root, ta.actor FROM temp.truth_actor ta
       LEFT JOIN entity_member m ON m.address_id = ta.address_id
       ${remap ? `LEFT JOIN temp.cluster_remap r ON r.root = ${base}` : ''}
       WHERE ta.chain_id = ? ${usersOnly ? 'AND ta.user = 1' : ''} ORDER BY 1, 2`,
    )
    .raw()
    .iterate(chainId) as IterableIterator<[number, number]>;
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  const actors = new Map<number, number>();
  let addresses = 0;
  let clusters = 0;
  let largest = 0;
  let predicted = 0;
  let correct = 0;
  let root = -1;
  let actor = -1;
  let inCluster = 0;
  let inCell = 0;
  const endCell = () => (correct += pairs(inCell));
  const endCluster = () => {
    predicted += pairs(inCluster);
    if (inCluster > largest) largest = inCluster;
  };
  for (const [r, a] of rows) {
    addresses++;
    actors.set(a, (actors.get(a) ?? 0) + 1);
    if (r !== root) {
      if (inCluster > 0) {
        endCell();
        endCluster();
      }
      root = r;
      actor = a;
      clusters++;
      inCluster = 0;
      inCell = 0;
    } else if (a !== actor) {
      endCell();
      actor = a;
      inCell = 0;
    }
    inCluster++;
    inCell++;
  }
  if (inCluster > 0) {
    endCell();
    endCluster();
  }
  let truePairs = 0;
  for (const n of actors.values()) truePairs += pairs(n);
  return {
    addresses,
    clusters,
    largestCluster: largest,
    predictedPairs: predicted,
    truePairs,
    correctPairs: correct,
    precision: ratio(correct, predicted),
    recall: ratio(correct, truePairs),
  };
}

/** Per heuristic: the evidence rows of the chain and how many join two addresses of one actor. */
export function heuristicLinks(db: Db, chainId: number): HeuristicLinks[] {
  const rows = db
    .prepare(
      `SELECT e.heuristic, count(*) AS links, sum(ta.actor IS NOT NULL AND tb.actor IS NOT NULL) AS judged, sum(ta.actor = tb.actor) AS same
       FROM cluster_evidence e JOIN address a ON a.id = e.a
       LEFT JOIN temp.truth_actor ta ON ta.address_id = e.a LEFT JOIN temp.truth_actor tb ON tb.address_id = e.b
       WHERE a.chain_id = ? GROUP BY e.heuristic ORDER BY e.heuristic`,
    )
    .all(chainId) as { heuristic: string; links: number; judged: number; same: number | null }[];
  return rows.map((r) => ({ heuristic: r.heuristic, links: r.links, judged: r.judged, sameActor: r.same ?? 0, precision: ratio(r.same ?? 0, r.judged) }));
}

/** The truth's CoinJoins on a chain: how many, and the merges whose evidence is one of them. */
export function coinJoinMerges(db: Db, chainId: number): NonNullable<ChainClusterFigures['coinjoins']> {
  const rounds = db.prepare('SELECT count(*) FROM temp.truth_coinjoin WHERE chain_id = ?').pluck().get(chainId) as number;
  // cluster_evidence has no index on tx_id: one pass over it (CROSS JOIN keeps that order), the rounds looked up by their key.
  const merges = db
    .prepare(
      `SELECT count(*) AS n, sum(ta.actor IS NULL OR tb.actor IS NULL OR ta.actor <> tb.actor) AS false, count(DISTINCT e.tx_id) AS txs
       FROM cluster_evidence e CROSS JOIN temp.truth_coinjoin c ON c.tx_id = e.tx_id
       LEFT JOIN temp.truth_actor ta ON ta.address_id = e.a LEFT JOIN temp.truth_actor tb ON tb.address_id = e.b
       WHERE c.chain_id = ?`,
    )
    .get(chainId) as { n: number; false: number | null; txs: number };
  const merged = new Set(db.prepare('SELECT DISTINCT e.tx_id FROM cluster_evidence e CROSS JOIN temp.truth_coinjoin c ON c.tx_id = e.tx_id WHERE c.chain_id = ?').pluck().all(chainId) as number[]);
  const byShape: Record<string, { rounds: number; merged: number }> = {};
  for (const c of db.prepare('SELECT tx_id AS id, shape FROM temp.truth_coinjoin WHERE chain_id = ? ORDER BY shape').all(chainId) as { id: number; shape: string }[]) {
    const x = (byShape[c.shape] ??= { rounds: 0, merged: 0 });
    x.rounds++;
    if (merged.has(c.id)) x.merged++;
  }
  return {
    inStore: rounds,
    falseMerges: merges.false ?? 0,
    mergesThrough: merges.n,
    roundsMerged: merges.txs,
    byShape,
  };
}

/**
 * What merging through the CoinJoins would have done: the chain's clusters as they are, plus
 * every truth CoinJoin's input addresses joined into one cluster, scored as pairScore does. The
 * union-find covers only the clusters the rounds touch (temp.cluster_remap: root → merged root).
 */
export function throughCoinJoins(db: Db, chainId: number, usersOnly: boolean): PairScore {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; y !== r; ) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  const inputs = db
    .prepare(
      `SELECT i.tx_id, coalesce(m.root, i.address_id) FROM temp.truth_coinjoin c CROSS JOIN txin i ON i.tx_id = c.tx_id
       LEFT JOIN entity_member m ON m.address_id = i.address_id WHERE c.chain_id = ? AND i.address_id IS NOT NULL ORDER BY i.tx_id`,
    )
    .raw()
    .all(chainId) as [number, number][];
  let first = -1;
  let tx = -1;
  for (const [txId, root] of inputs) {
    const r = find(root);
    if (txId !== tx) {
      tx = txId;
      first = r;
    } else if (r !== first) parent.set(r, first);
  }
  db.exec('DROP TABLE IF EXISTS temp.cluster_remap; CREATE TEMP TABLE cluster_remap (root INTEGER PRIMARY KEY, merged INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO temp.cluster_remap (root, merged) VALUES (?, ?)');
  db.transaction(() => {
    for (const root of parent.keys()) insert.run(root, find(root));
  })();
  try {
    return pairScore(db, chainId, usersOnly, true);
  } finally {
    db.exec('DROP TABLE temp.cluster_remap');
  }
}

const CHAIN_NAMES: Record<string, string> = { eip155: 'Ethereum', tron: 'Tron', bip122: 'Bitcoin' };

/** Every figure of one chain's current clusters. */
export function chainFigures(db: Db, chain: { id: number; caip2: string }): ChainClusterFigures {
  const family = resolveChain(chain.caip2).family === 'utxo' ? 'utxo' : 'account';
  return {
    chain: chain.caip2,
    name: CHAIN_NAMES[chain.caip2.split(':')[0]!] ?? chain.caip2,
    family,
    all: pairScore(db, chain.id, false),
    users: pairScore(db, chain.id, true),
    links: heuristicLinks(db, chain.id),
    held: db.prepare('SELECT count(*) FROM cluster_held h JOIN address a ON a.id = h.a WHERE a.chain_id = ?').pluck().get(chain.id) as number,
    coinjoins: family === 'utxo' ? coinJoinMerges(db, chain.id) : null,
  };
}

/**
 * In a child process: saves the settings and rebuilds the chains' clusters, printing the time,
 * the process's peak RSS and the rebuild's report as one JSON line.
 */
export function rebuildChild(storePath: string, settingsJson: string, chainIds: number[]): void {
  const db = openStore(storePath);
  try {
    writeClusteringSettings(db, ClusteringSettings.parse(JSON.parse(settingsJson)));
    const t0 = performance.now();
    const report = rebuildClusters(db, chainIds);
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, report }) + '\n');
  } finally {
    db.close();
  }
}

const HERE = fileURLToPath(import.meta.url);

function rebuildInChild(storePath: string, settings: ClusteringSettings, chainIds: number[]): { seconds: number; peakRssMb: number; report: RebuildReport } {
  const code = `const m = await import(${JSON.stringify(HERE)}); m.rebuildChild(${JSON.stringify(storePath)}, ${JSON.stringify(JSON.stringify(settings))}, ${JSON.stringify(chainIds)});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: join(HERE, '..', '..', '..'), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`clusterBench: the rebuild child failed (status ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; maxRssKb: number; report: RebuildReport };
  return { seconds: out.seconds, peakRssMb: Math.round(out.maxRssKb / 1000), report: out.report };
}

/** Cluster tables' row counts, to compare the import's incremental clusters with a rebuild's. */
function clusterRows(db: Db): string {
  return ['entity_member', 'entity_root', 'cluster_evidence', 'cluster_held'].map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).join('/');
}

interface Config {
  /** As --cluster-configs names it. */
  name: string;
  label: string;
  change: ChangeRule[];
  deposit: boolean;
  families: ('utxo' | 'account')[];
}

export function configurations(): Config[] {
  return [
    { name: 'default', label: 'default', change: [], deposit: true, families: ['utxo', 'account'] },
    ...CHANGE_RULES.map((rule): Config => ({ name: rule, label: `+ ${rule}`, change: [rule], deposit: true, families: ['utxo'] })),
    { name: 'all-change', label: '+ all change rules', change: [...CHANGE_RULES], deposit: true, families: ['utxo'] },
    { name: 'deposit-off', label: 'deposit clustering off', change: [], deposit: false, families: ['account'] },
  ];
}

/**
 * The clustering bench on a world of `transfers`: generated and imported into a fresh store here,
 * or, given `existing`, the world a world bench already generated and imported (with the default
 * settings, so its Bitcoin clusters are the import's). Measures every configuration, or those named.
 */
export async function benchClusters(
  work: string,
  transfers: number,
  log: (line: string) => void,
  options: { seed?: string; configs?: string[]; existing?: { dir: string; store: string } } = {},
): Promise<ClusterBenchResult> {
  const dir = options.existing?.dir ?? join(work, `cluster-world-${transfers}`);
  const storePath = options.existing?.store ?? join(work, `cluster-store-${transfers}.sqlite`);
  mkdirSync(work, { recursive: true });
  let generateSeconds: number | null = null;
  if (!options.existing) {
    log(`clusters: generating a world of ${transfers.toLocaleString('en')} transfers…`);
    const g0 = performance.now();
    generateWorld({ seed: options.seed ?? 'cluster-bench', transfers, out: dir });
    generateSeconds = round((performance.now() - g0) / 1000);
  } else if (!existsSync(join(dir, 'truth.json')) || !existsSync(storePath)) throw new Error(`no imported world at ${dir} and ${storePath}`);
  const g = readGroundTruthLite(dir);
  const seed = g.seed;
  const db = openStore(storePath);
  try {
    let importSeconds: ClusterBenchResult['importSeconds'] = null;
    if (!options.existing) {
      log('clusters: importing the world (Bitcoin clustered as it is imported)…');
      importSeconds = (await importWorld(db, { dir, truth: g, hops: [], actors: [] })).map((p) => ({ format: p.format, seconds: round(p.seconds) }));
    }
    const imported = clusterRows(db);
    log('clusters: loading the truth…');
    const t0 = performance.now();
    await loadTruth(db, dir, g);
    const truthLoadSeconds = round((performance.now() - t0) / 1000);
    const chains = db.prepare('SELECT id, caip2 FROM chain ORDER BY id').all() as { id: number; caip2: string }[];
    const familyOf = (c: { caip2: string }) => (resolveChain(c.caip2).family === 'utxo' ? 'utxo' : 'account');
    const configs: ConfigFigures[] = [];
    let importMatchesRebuild = false;
    let through: ClusterBenchResult['throughCoinJoins'] = null;
    const base = readClusteringSettings(db);
    const unknown = (options.configs ?? []).filter((name) => !configurations().some((c) => c.name === name));
    if (unknown.length) throw new Error(`unknown clustering configuration ${unknown.join(', ')}; there are: ${configurations().map((c) => c.name).join(', ')}`);
    for (const c of configurations().filter((x) => !options.configs || options.configs.includes(x.name))) {
      const chosen = chains.filter((ch) => c.families.includes(familyOf(ch)));
      log(`clusters: ${c.label}, rebuilding ${chosen.map((ch) => ch.caip2).join(', ')}…`);
      const settings = ClusteringSettings.parse({ ...base, change: c.change, deposit: { ...base.deposit, enabled: c.deposit } });
      const run = rebuildInChild(storePath, settings, chosen.map((ch) => ch.id));
      if (c.name === 'default') {
        importMatchesRebuild = clusterRows(db) === imported;
        const btc = chosen.find((ch) => familyOf(ch) === 'utxo');
        if (btc) through = { all: throughCoinJoins(db, btc.id, false), users: throughCoinJoins(db, btc.id, true) };
      }
      const figures = chosen.map((ch) => chainFigures(db, ch));
      const total = (k: 'coinjoins' | 'merges' | 'held') => run.report.chains.reduce((s, x) => s + x.report[k], 0);
      configs.push({
        name: c.name,
        label: c.label,
        change: c.change,
        deposit: c.deposit,
        chains: figures,
        rebuild: { seconds: round(run.seconds), peakRssMb: run.peakRssMb, chains: chosen.map((ch) => ch.caip2), detectedCoinJoins: total('coinjoins'), merges: total('merges'), held: total('held') },
      });
    }
    return {
      worldTransfers: g.written.transfers,
      seed,
      generateSeconds,
      importSeconds,
      truthLoadSeconds,
      owners: g.owners,
      coinjoinRounds: g.coinjoins,
      importMatchesRebuild,
      throughCoinJoins: through,
      configs,
    };
  } finally {
    db.close();
  }
}

/** truth.json alone (readGroundTruth also reads all of actors.csv into memory, which 10M transfers make large). */
function readGroundTruthLite(dir: string): WorldTruth {
  return JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as WorldTruth;
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);

export function printClusterResults(r: ClusterBenchResult): void {
  console.log(`\nClustering against ground truth: a world of ${r.worldTransfers.toLocaleString('en')} transfers (seed ${r.seed})${r.generateSeconds === null ? '' : `, generated in ${r.generateSeconds} s`}`);
  console.log(`owners: ${r.owners.bitcoinWallets.toLocaleString('en')} Bitcoin wallets, ${r.owners.ethereumUsers.toLocaleString('en')} Ethereum and ${r.owners.tronUsers.toLocaleString('en')} Tron users, 3 exchanges; CoinJoin rounds: ${Object.entries(r.coinjoinRounds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (r.importSeconds) console.log(`imported in ${r.importSeconds.map((p) => `${p.format} ${p.seconds} s`).join(', ')} (the Bitcoin import clusters as it goes)`);
  console.log(`truth loaded in ${r.truthLoadSeconds} s; the default rebuild ${r.importMatchesRebuild ? 'gives the same cluster rows (members, roots, evidence, held) as' : 'DIFFERS FROM'} the import's incremental clustering`);
  console.log('pairwise precision and recall over the addresses in both store and truth (users: the wallets\' and users\' own addresses only):');
  console.table(
    Object.fromEntries(
      r.configs.flatMap((c) =>
        c.chains.map((ch) => [
          `${c.label} · ${ch.name}`,
          {
            precision: pct(ch.all.precision),
            recall: pct(ch.all.recall),
            'users precision': pct(ch.users.precision),
            'users recall': pct(ch.users.recall),
            clusters: ch.all.clusters,
            largest: ch.all.largestCluster,
            'CoinJoin false merges': ch.coinjoins ? ch.coinjoins.falseMerges : '',
            held: ch.held,
          },
        ]),
      ),
    ),
  );
  console.log('per heuristic: links (evidence rows) and the share whose two addresses have one actor:');
  console.table(
    Object.fromEntries(
      r.configs.flatMap((c) => c.chains.flatMap((ch) => ch.links.map((l) => [`${c.label} · ${ch.name} · ${l.heuristic}`, { links: l.links, 'same actor': l.sameActor, precision: pct(l.precision) }]))),
    ),
  );
  console.log('rebuild time and peak RSS (a child process: the store opened, the settings saved, the chains rebuilt):');
  console.table(Object.fromEntries(r.configs.map((c) => [c.label, { chains: c.rebuild.chains.length, seconds: c.rebuild.seconds, 'peak RSS MB': c.rebuild.peakRssMb, merges: c.rebuild.merges, 'CoinJoins detected': c.rebuild.detectedCoinJoins, held: c.rebuild.held }])));
  const d = r.configs.find((c) => c.name === 'default')?.chains.find((c) => c.family === 'utxo');
  if (d?.coinjoins && r.throughCoinJoins) {
    console.log(
      `CoinJoins: ${d.coinjoins.inStore} rounds in the store; ${d.coinjoins.mergesThrough} merges through them (${d.coinjoins.falseMerges} false, in ${d.coinjoins.roundsMerged} rounds: ` +
        `${Object.entries(d.coinjoins.byShape).map(([shape, x]) => `${shape} ${x.merged} of ${x.rounds}`).join(', ')}). ` +
        `Merging every round's inputs would take Bitcoin's precision from ${pct(d.all.precision)} to ${pct(r.throughCoinJoins.all.precision)} (users: ${pct(d.users.precision)} to ${pct(r.throughCoinJoins.users.precision)}), largest cluster ${d.all.largestCluster} to ${r.throughCoinJoins.all.largestCluster}`,
    );
  }
}
