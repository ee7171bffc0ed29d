import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Result } from '../../shared/api/contract';
import { resolveChain } from '../../shared/model/chains';
import { errorToShape } from '../core/api/errors';
import { openBackend, sampleWorkspaceDir, VERSION } from '../core/backend';
import { buildSampleWorkspace, SAMPLE_CASE_NAME } from '../core/synth/sampleWorkspace';
import { generateWorld, parseScale } from '../core/synth/world';
import type { Backend } from '../core/backendTypes';
import { useBundledParseThreads } from '../core/ingest/bundledThreads';
import { importDataset } from '../core/ingest/importDataset';
import { openStore } from '../core/store/openStore';
import { ensureWorkspace, resolveWorkspaceDir } from '../core/workspace';
import { accessNotice, browserShellAccess } from '../core/fileAccess';
import { startServer } from '../serve/server';
import { amount, call, intOption, print, progressLine, UsageError, type Values } from './cliKit';
import { runClusters } from './clusterCommands';
import { runSettings } from './settingsCommands';
import { runExposure, runLabels, runScreen, runSearch } from './intelCommands';
import { runLinks, runPaths, runTraceCommand } from './traceCommands';
import { runGraphExport, runReport } from './reportCommands';
import { runAttribution, runCompare, runSignature } from './attributionCommands';
import { runConflicts, txConflictLine } from './conflictCommands';
import type { TxConflict } from '../../shared/api/schemas';

const USAGE = `usage: cairn <command> [options]   (every command takes --workspace DIR)

  import [--chain CHAIN] [--format ethereum-etl-csv|etherscan-csv|bitcoin-blocks] [--address ADDRESS] [--json] PATH...
                                (paths of several formats: one dataset each, committed together)
        [--max-record-bytes N] [--max-decompressed-bytes N] [--max-gzip-ratio N]
                                (limits per file: longest line or record, default 16 MiB; gzip output, default 64 GiB and 200:1)
        [--unvalidated-headers]  (Bitcoin blocks: import headers that fail the proof-of-work, difficulty or time checks; marked so in the dataset)
  import --rpc URL [--cookie FILE] --from H --to H [--chain CHAIN] [--json]   (a Bitcoin Core node)
  import --rpc URL --chain CHAIN --from B --to B [--json]                  (an EVM node, e.g. --chain eth)
  stats [--json]
  conflicts [--chain CHAIN] [--dataset N] [--limit N] [--offset N] [--json]
                                (facts two sources disagree about: both values and datasets; the first source's value is kept)
  tx CHAIN HASH [--json]
  neighbors CHAIN ADDRESS [--direction in|out|both] [--limit N] [--offset N] [--json]
  case list [--json] | case create NAME [--json] | case show CASE [--json]
  case export CASE --out FILE [--passphrase-file F] [--overwrite] [--json]   (a signed bundle for a colleague)
  case export CASE --format graphml|gexf|csv|cyjs|tagpack|svg|png --out FILE [--overwrite] [--json]
                                (the graph for Gephi, yEd, spreadsheets, Cytoscape, GraphSense; csv: --out names a folder)
  case signature CASE [--json]       (the case's laundering steps, services and timing, from its saved traces)
  case compare CASE [--json]         (the other cases ranked by similarity, each part explained, and where their funds meet)
  case attribution CASE [--ground steps|services|commingling|conclusion --text TEXT [--confidence N] [--with CASE,...]] [--json]
                                (the investigator's own attribution; without --ground, prints it)
  report CASE --out FILE.html|FILE.pdf [--template DIR] [--overwrite] [--json]   (the case's report; DIR holds report.yaml)
  case tagpack CASE --out FILE [--overwrite] [--json]   (the case's tags as a GraphSense TagPack)
  case verify FILE [--passphrase-file F] [--json]    (checks a bundle; keeps nothing)
  case import FILE [--passphrase-file F] [--trust FINGERPRINT] [--json]   (opens a bundle's case, read-only)
  case continue CASE [--json]                       (makes a received case editable here)
  case merge-evidence CASE [--json]                 (adds a received case's chain facts to your store)
  audit verify CASE [--json]
  labels import [--skip-invalid] [--json] PATH... | labels list [--json] | labels remove SET | labels show CHAIN ADDRESS [--json]
                                (label sets: GraphSense TagPacks, OFAC SDN XML and lists, CSV)
  search TEXT [--json]          (an address in any form, a tx hash, a label or actor, a case or cluster)
  exposure CHAIN ADDRESS [--json]   (value exchanged with labelled counterparties, per category)
  screen FILE [--chain CHAIN] [--json]   (a list of addresses: sanctioned, labelled, exposed; exit code 4 if any is sanctioned or exposed)
  trace (--from CHAIN:ADDRESS[,...] | --tx CHAIN:HASH[:REF][,...]) --method fifo|haircut|poison [--max-hops N]
        [--since T] [--until T] [--stop-at CATEGORY,...] [--min AMOUNT] [--case CASE [--name NAME]] [--json]
                                (where the value went: endpoints, still moving, totals; T an ISO date or unix seconds)
  paths CHAIN:ADDRESS[,...] CHAIN:ADDRESS[,...] [--max-hops N] [--rank value|hops] [--case CASE] [--json]
  links list|propose|confirm N|reject N|add --case CASE [--json]   (a case's cross-chain links)
        propose [--window SECONDS] [--tolerance PCT] [--fee PCT] [--rate ETH/BTC=0.06,...]; confirm and reject
        take the same options, or --from CHAIN:TX[:REF] --to CHAIN:TX[:REF] --kind KIND;
        add --from CHAIN:TX[:REF] --to CHAIN:TX[:REF] --kind bridge|swap|exchange|manual [--note TEXT]
  clusters show CHAIN ADDRESS [--limit N] [--offset N] [--case CASE] [--json]   (an address's automatic cluster and the merges behind it)
  clusters why CHAIN A B [--case CASE] [--json]   (the transactions that joined two addresses into one cluster)
  clusters held [--json]            (merges of two large clusters held for review by the collapse guard, numbered)
  clusters split CHAIN ADDRESS | reject CHAIN TX | confirm N | confirm CHAIN A B TX --case CASE [--note TEXT] [--json]
                                (a case's overrides of the automatic clusters: audited, undoable; N as clusters held numbers them)
  clusters overrides --case CASE [--json] | clusters remove-override ID --case CASE
  clusters rebuild [CHAIN] [--json]   (rebuilds clusters from the facts with the workspace's settings; a store from before clustering gets its clusters)
  settings [--json]                 (the workspace's settings: investigator, clustering)
  settings set KEY VALUE [--json]   (clustering.change RULE,...|none|all, clustering.collapseGuard N, clustering.deposit.KEY V, investigator NAME;
                                a clustering key rebuilds the clusters it affects)
  keys [--json] | keys trust PUBLIC-KEY --name NAME   (your signing key; colleagues' keys you trust)
  serve [--port N] [--allow DIR]...   (the browser shell; the app may open files only in the workspace and each DIR,
                                or in CAIRN_ALLOW's folders, or, when neither is given, in your home folder)
  generate --out DIR [--seed S] [--scale tiny|small|medium|large|N] [--campaigns] [--json]   (a synthetic world with ground truth;
                                --campaigns adds more heists by its thief and by two other actors, with their truth)
  demo [--out DIR] [--json]   (the sample investigation, in its own workspace: DIR, else <workspace>/sample)

CHAIN is a CAIP-2 id (eip155:1) or an alias: eth bsc polygon avax arb op base tron btc btc-testnet ltc`;

function parse(argv: string[]): { positionals: string[]; values: Values } {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      workspace: { type: 'string' },
      json: { type: 'boolean' },
      chain: { type: 'string' },
      format: { type: 'string' },
      direction: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      dataset: { type: 'string' },
      port: { type: 'string' },
      allow: { type: 'string', multiple: true },
      rpc: { type: 'string' },
      cookie: { type: 'string' },
      address: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      campaigns: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      'passphrase-file': { type: 'string' },
      trust: { type: 'string' },
      name: { type: 'string' },
      overwrite: { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
      'unvalidated-headers': { type: 'boolean' },
      method: { type: 'string' },
      tx: { type: 'string' },
      'max-hops': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'stop-at': { type: 'string' },
      min: { type: 'string' },
      case: { type: 'string' },
      rank: { type: 'string' },
      window: { type: 'string' },
      tolerance: { type: 'string' },
      fee: { type: 'string' },
      rate: { type: 'string', multiple: true },
      kind: { type: 'string' },
      note: { type: 'string' },
      template: { type: 'string' },
      ground: { type: 'string' },
      text: { type: 'string' },
      confidence: { type: 'string' },
      with: { type: 'string' },
      'max-record-bytes': { type: 'string' },
      'max-decompressed-bytes': { type: 'string' },
      'max-gzip-ratio': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  return { positionals, values };
}

/** A bundle passphrase never goes on the command line (other users can read it there). */
function passphrase(values: Values): string | undefined {
  const file = values['passphrase-file'];
  if (typeof file === 'string') {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new UsageError(`cannot read --passphrase-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return process.env.CAIRN_PASSPHRASE || undefined;
}

function bundleLines(r: Result<'bundle.inspect'>): string[] {
  return [
    r.ok ? `${r.file}: every check passed` : `${r.file}: REFUSED`,
    ...r.problems.map((p) => `  problem: ${p}`),
    ...(r.sender ? [`  from ${r.sender.name}, key ${r.sender.fingerprint} (${r.sender.own ? 'yours' : r.sender.trusted ? 'trusted' : 'NOT TRUSTED yet: compare the fingerprint with the sender, then import with --trust'})`] : []),
    ...(r.case ? [`  case ${r.case.id}: ${r.case.name}, ${r.case.entries} log entries`] : []),
    `  ${r.size} bytes, sha256 ${r.sha256}${r.encrypted ? ', encrypted' : ''}`,
    ...(Object.keys(r.evidence).length ? [`  evidence: ${Object.entries(r.evidence).map(([k, v]) => `${v} ${k}`).join(', ')}`] : []),
  ];
}

const iso = (t: number | null): string => (t === null ? '—' : new Date(t * 1000).toISOString());

/** A chain's name for people, or its id when Cairn has no name for it. */
function chainName(id: string): string {
  try {
    return resolveChain(id).name;
  } catch {
    return id;
  }
}

/** --max-record-bytes, --max-decompressed-bytes, --max-gzip-ratio: whole numbers, at least 1; absent ones keep the defaults. */
function importLimits(values: Values): { maxRecordBytes?: number; maxDecompressedBytes?: number; maxGzipRatio?: number } {
  const limit = (name: string): number | undefined => {
    if (values[name] === undefined) return undefined;
    const n = intOption(values, name, 0);
    if (n < 1 || !Number.isSafeInteger(n)) throw new UsageError(`--${name} needs a whole number of at least 1, found "${String(values[name])}"`);
    return n;
  };
  return { maxRecordBytes: limit('max-record-bytes'), maxDecompressedBytes: limit('max-decompressed-bytes'), maxGzipRatio: limit('max-gzip-ratio') };
}

async function runImport(workspaceDir: string, positionals: string[], values: Values): Promise<void> {
  const rpcUrl = values.rpc as string | undefined;
  if (positionals.length === 0 && !rpcUrl) throw new UsageError('import needs at least one file or folder, or --rpc URL --from H --to H');
  if (rpcUrl && (values.from === undefined || values.to === undefined)) throw new UsageError('--rpc needs --from H and --to H');
  const paths = ensureWorkspace(workspaceDir);
  // Bundled as dist/node/cli.cjs, next to the parse threads' bundles.
  useBundledParseThreads(__dirname);
  const db = openStore(paths.store, { onNotice: (message) => process.stderr.write(`cairn: ${message}\n`) });
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  const tty = process.stderr.isTTY;
  try {
    const result = await importDataset(
      db,
      {
        paths: positionals,
        chain: values.chain as string | undefined,
        format: values.format as string | undefined,
        address: values.address as string | undefined,
        rpc: rpcUrl ? { url: rpcUrl, cookieFile: values.cookie as string | undefined, from: intOption(values, 'from', 0), to: intOption(values, 'to', 0) } : undefined,
      },
      {
        signal: controller.signal,
        ...importLimits(values),
        unvalidatedHeaders: Boolean(values['unvalidated-headers']),
        onProgress: (p) => {
          if (!tty || values.json) return;
          const pct = p.total ? Math.floor((p.done / p.total) * 100) : 0;
          process.stderr.write(`\r${pct.toString().padStart(3)}%  ${p.rows.toLocaleString('en')} rows  ${p.phase.slice(0, 60).padEnd(60)}`);
        },
      },
    );
    if (tty && !values.json) process.stderr.write('\n');
    // Every dataset the import committed: one, or one per part of a mixed import (Bitcoin blocks
    // with an ethereum-etl folder, say). `dataset` stays the first, as before mixed imports.
    const parts = result.parts ?? [result];
    const datasets = parts.flatMap((p) => (p.dataset ? [p.dataset] : []));
    print(Boolean(values.json), { ...result, datasets }, () => {
      const lines: string[] = [];
      if (result.parts) lines.push(`mixed import: ${result.parts.length} parts, committed together`);
      for (const part of parts) {
        if (part.dataset) {
          const d = part.dataset;
          lines.push(`imported dataset ${d.id} (${d.format}, ${chainName(d.chain)}, ${d.chain})`);
          for (const s of d.sources) lines.push(`  ${s.kind.padEnd(16)} ${String(s.rows).padStart(9)} rows  ${s.name}  sha256 ${s.sha256}`);
          lines.push(`  added: ${Object.entries(d.added).map(([k, v]) => `${v} ${k}`).join(', ')}`);
          if (d.rowCounts.unvalidated_headers !== undefined) lines.push(`  UNVALIDATED HEADERS: ${d.rowCounts.unvalidated_headers} block(s) imported without enforcing proof of work, difficulty and time rules`);
          if (d.conflicts > 0) lines.push(`  ${d.conflicts} fact${d.conflicts === 1 ? ' disagrees' : 's disagree'} with earlier sources (the first source's values were kept): see cairn conflicts --dataset ${d.id}`);
        } else {
          const what = 'format' in part ? `${part.format} (${part.paths.join(', ')}): ` : '';
          lines.push(`${what}already imported as dataset ${part.alreadyImportedAs}; nothing added`);
        }
      }
      for (const s of result.skipped) lines.push(`  skipped ${s.path}: ${s.reason}`);
      for (const w of result.warnings) lines.push(`  warning: ${w}`);
      return lines.join('\n');
    });
  } finally {
    process.off('SIGINT', onSignal);
    db.close();
  }
}

function runGenerate(values: Values): void {
  const out = values.out as string | undefined;
  if (!out) throw new UsageError('generate needs --out DIR');
  let transfers: number;
  try {
    transfers = parseScale((values.scale as string | undefined) ?? 'small');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`--out ${out} is not empty; give a new or empty folder`);
  const json = Boolean(values.json);
  const show = progressLine(json);
  const t0 = Date.now();
  const truth = generateWorld({ seed: (values.seed as string | undefined) ?? 'cairn', transfers, out, campaigns: Boolean(values.campaigns), onProgress: (done, total, phase) => show(phase, done, total) });
  if (process.stderr.isTTY && !json) process.stderr.write('\n');
  const w = truth.written;
  print(json, { out: resolve(out), ...truth.written, victims: truth.victims.length, hops: truth.hops, ...(truth.campaigns ? { campaigns: truth.campaigns } : {}) }, () =>
    [
      `wrote a synthetic world (seed "${truth.seed}") to ${resolve(out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      `  Bitcoin regtest  ${w.bitcoin.blocks} blocks, ${w.bitcoin.transactions} transactions, ${w.bitcoin.outputs} outputs  (${truth.files.bitcoin})`,
      `  Ethereum         ${w.ethereum.blocks} blocks, ${w.ethereum.transactions} transactions, ${w.ethereum.transfers} transfers  (${truth.files.ethereum})`,
      `  Tron             ${w.tron.blocks} blocks, ${w.tron.transactions} transactions, ${w.tron.transfers} transfers  (${truth.files.tron})`,
      `  ground truth     ${truth.victims.length} victims, ${truth.hops} hops of stolen funds  (truth.json, ${truth.files.theft}, ${truth.files.actors}, ${truth.files.coinjoins})`,
      ...(truth.campaigns ? [`  campaigns        more heists on Ethereum (campaigns/ethereum, services in campaigns/labels.csv; truth in ${truth.campaigns}); import with: cairn import --chain eth ${join(out, 'campaigns', 'ethereum')}`] : []),
      `import with: cairn import ${join(out, truth.files.bitcoin)}; cairn import --chain eth ${join(out, truth.files.ethereum)}; cairn import --chain tron ${join(out, truth.files.tron)}`,
      `synthetic data under real chain ids: import it into a workspace of its own (--workspace DIR), never one that holds evidence`,
    ].join('\n'),
  );
}

async function runDemo(workspaceDir: string, values: Values): Promise<void> {
  const dir = resolve((values.out as string | undefined) ?? sampleWorkspaceDir(workspaceDir));
  const json = Boolean(values.json);
  useBundledParseThreads(__dirname);
  const show = progressLine(json);
  const sample = await buildSampleWorkspace(dir, { onProgress: show });
  if (process.stderr.isTTY && !json) process.stderr.write('\n');
  print(json, sample, () =>
    [
      sample.built ? `built the sample investigation in ${dir}` : `the sample investigation is already in ${dir}`,
      `  case ${sample.caseId}: ${SAMPLE_CASE_NAME}, ${sample.victims} victims seeded`,
      `open it with: npm start -- --workspace ${dir}   (or "Open sample investigation" in the app)`,
    ].join('\n'),
  );
}

async function runServe(workspaceDir: string, values: Values): Promise<void> {
  // The page is what hostile content could subvert: it may reach only the folders opened for this session.
  const { access, defaulted } = browserShellAccess((values.allow as string[] | undefined) ?? [], process.env);
  const backend = openBackend({ workspaceDir, shell: 'browser', importWorkerScript: join(__dirname, 'importWorker.cjs'), fileAccess: access });
  const server = await startServer({ backend, port: intOption(values, 'port', 0), rendererDir: join(__dirname, '..', 'renderer'), host: '127.0.0.1' });
  // The URL stays the first line of stdout (npm start and the tests read it); the notice goes to the terminal.
  process.stdout.write(server.url + '\n');
  process.stderr.write(accessNotice(access, defaulted) + '\n');
  const stop = async (): Promise<void> => {
    await server.close();
    await backend.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parse(argv);
  if (values.version) {
    process.stdout.write(`cairn ${VERSION}\n`);
    return;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const workspaceDir = resolveWorkspaceDir(argv, process.env);
  const json = Boolean(values.json);
  if (command === 'import') return runImport(workspaceDir, rest, values);
  if (command === 'serve') return runServe(workspaceDir, values);
  if (command === 'generate') return runGenerate(values);
  if (command === 'demo') return runDemo(workspaceDir, values);

  // The workers bundled beside this file: a trace runs on its own thread while the CLI shows its progress.
  const backend = openBackend({ workspaceDir, shell: 'cli', importWorkerScript: join(__dirname, 'importWorker.cjs') });
  try {
    switch (command) {
      case 'stats': {
        const s = (await call(backend, 'store.stats', {})) as { chains: { chain: string; blocks: number; transactions: number; transfers: number; addresses: number }[]; datasets: { id: number; format: string; chain: string; sources: unknown[] }[] };
        return print(json, s, () =>
          [
            ...s.chains.map((c) => `${c.chain}: ${c.blocks} blocks, ${c.transactions} transactions, ${c.transfers} transfers, ${c.addresses} addresses`),
            `${s.datasets.length} dataset${s.datasets.length === 1 ? '' : 's'}`,
          ].join('\n'),
        );
      }
      case 'tx': {
        if (rest.length !== 2) throw new UsageError('tx needs CHAIN and HASH');
        const chain = resolveChain(rest[0]).id;
        const tx = (await call(backend, 'tx.get', { chain, hash: rest[1] })) as {
          hash: string; block: number | null; time: number | null; status: string;
          transfers: { from: string | null; to: string | null; value: string; decimals: number | null; symbol: string | null; tokenId: string | null }[];
          coinjoin?: { rule: string; detail: string } | null;
          inputs?: { address: string | null; value: string | null; derived?: boolean }[];
          outputs?: { address: string | null; value: string }[];
          conflicts: TxConflict[];
        };
        // A UTXO tx with an input of unknown value has no transfers: its inputs and outputs are listed instead.
        const unfolded = tx.inputs?.some((i) => i.value === null) ? { inputs: tx.inputs, outputs: tx.outputs ?? [] } : null;
        const coins = (value: string | null): string => (value === null ? 'value unknown' : amount(value, resolveChain(chain).nativeDecimals, resolveChain(chain).nativeSymbol));
        return print(json, tx, () =>
          [
            `${tx.hash}  block ${tx.block ?? '—'}  ${iso(tx.time)}  status ${tx.status}`,
            ...(tx.coinjoin ? [`CoinJoin (${tx.coinjoin.rule}): ${tx.coinjoin.detail}`] : []),
            ...tx.transfers.map((t) => `  ${t.from ?? '—'} → ${t.to ?? '—'}  ${amount(t.value, t.decimals, t.symbol)}${t.tokenId === null ? '' : ` (token id ${t.tokenId})`}`),
            ...tx.conflicts.map(txConflictLine),
            ...(unfolded
              ? [
                  ...unfolded.inputs.map((i, n) => `  in ${n}: ${i.address ?? 'address unknown'}${i.derived ? ' (derived from the input script)' : ''}  ${coins(i.value)}`),
                  ...unfolded.outputs.map((o, n) => `  out ${n}: ${o.address ?? '—'}  ${coins(o.value)}`),
                ]
              : []),
          ].join('\n'),
        );
      }
      case 'neighbors': {
        if (rest.length !== 2) throw new UsageError('neighbors needs CHAIN and ADDRESS');
        const direction = (values.direction as string | undefined) ?? 'both';
        if (!['in', 'out', 'both'].includes(direction)) throw new UsageError(`--direction must be in, out or both, found "${direction}"`);
        const page = (await call(backend, 'address.neighbors', {
          chain: resolveChain(rest[0]).id,
          address: rest[1],
          direction,
          limit: intOption(values, 'limit', 50),
          offset: intOption(values, 'offset', 0),
        })) as { total: number; items: { display: string; label?: { label: string; sanctioned: boolean } | null; direction: string; count: number; assets: { asset: { symbol: string | null; decimals: number | null }; received: string; sent: string }[] }[] };
        return print(json, page, () =>
          [
            `${page.total} counterpart${page.total === 1 ? 'y' : 'ies'}`,
            ...page.items.map(
              (n) =>
                `  ${n.display}${n.label ? ` (${n.label.sanctioned ? 'SANCTIONED: ' : ''}${n.label.label})` : ''}  ${n.direction.padEnd(4)} ${n.count} transfer${n.count === 1 ? '' : 's'}  ` +
                n.assets
                  .map((a) => [a.received !== '0' ? `in ${amount(a.received, a.asset.decimals, a.asset.symbol)}` : '', a.sent !== '0' ? `out ${amount(a.sent, a.asset.decimals, a.asset.symbol)}` : ''].filter(Boolean).join(' '))
                  .join('; '),
            ),
          ].join('\n'),
        );
      }
      case 'case': {
        const [sub, arg] = rest;
        if (sub === 'list') {
          const list = (await call(backend, 'case.list', {})) as { id: string; name: string; nodes: number; seeds: number; modifiedAt: string }[];
          return print(json, list, () => (list.length ? list.map((c) => `${c.id}  ${c.name}  (${c.nodes} nodes, ${c.seeds} seeds, modified ${c.modifiedAt})`).join('\n') : 'no cases yet'));
        }
        if (sub === 'create') {
          if (!arg) throw new UsageError('case create needs a NAME');
          const c = (await call(backend, 'case.create', { name: rest.slice(1).join(' ') })) as { id: string; name: string };
          return print(json, c, () => `created case ${c.id} (${c.name})`);
        }
        if (sub === 'show') {
          if (!arg) throw new UsageError('case show needs a CASE id');
          const g = (await call(backend, 'graph.get', { caseId: arg })) as { nodes: unknown[]; edges: unknown[]; clusters: { name: string }[]; seeds: { display: string; role: string }[] };
          const summary = ((await call(backend, 'case.list', {})) as { id: string }[]).find((c) => c.id === arg);
          return print(json, { case: summary, graph: g }, () =>
            [
              `${arg}: ${g.nodes.length} nodes, ${g.edges.length} edges, ${g.clusters.length} clusters`,
              ...g.seeds.map((s) => `  seed ${s.role}: ${s.display}`),
              ...g.clusters.map((c) => `  cluster ${c.name}`),
            ].join('\n'),
          );
        }
        if (sub === 'signature' || sub === 'compare' || sub === 'attribution') {
          if (!arg || rest.length !== 2) throw new UsageError(`case ${sub} needs a CASE id`);
          if (sub === 'signature') return await runSignature(backend, arg, json);
          if (sub === 'compare') return await runCompare(backend, arg, json);
          return await runAttribution(backend, arg, values, json);
        }
        if (sub === 'export' && values.format !== undefined) {
          if (!arg || rest.length !== 2) throw new UsageError('case export needs a CASE id');
          return await runGraphExport(backend, arg, values, json);
        }
        if (sub === 'export') {
          if (!arg || rest.length !== 2) throw new UsageError('case export needs a CASE id and --out FILE');
          if (typeof values.out !== 'string') throw new UsageError('case export needs --out FILE');
          const r = (await call(backend, 'case.export', { caseId: arg, path: values.out, passphrase: passphrase(values), overwrite: Boolean(values.overwrite) })) as Result<'case.export'>;
          return print(json, r, () =>
            [
              `exported case ${arg} to ${r.file}${r.encrypted ? ' (encrypted)' : ''}`,
              `  ${r.size} bytes, sha256 ${r.sha256}`,
              `  evidence: ${Object.entries(r.evidence).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
              `  signed by key ${r.fingerprint}: tell the receiver this fingerprint by another channel`,
            ].join('\n'),
          );
        }
        if (sub === 'verify') {
          if (!arg || rest.length !== 2) throw new UsageError('case verify needs a bundle FILE');
          const r = (await call(backend, 'bundle.inspect', { path: arg, passphrase: passphrase(values) })) as Result<'bundle.inspect'>;
          print(json, r, () => bundleLines(r).join('\n'));
          if (!r.ok || !r.sender?.trusted) process.exitCode = 3;
          return;
        }
        if (sub === 'import') {
          if (!arg || rest.length !== 2) throw new UsageError('case import needs a bundle FILE');
          const r = (await call(backend, 'bundle.import', { path: arg, passphrase: passphrase(values), trustFingerprint: values.trust as string | undefined })) as Result<'bundle.import'>;
          return print(json, r, () => `received case ${r.id} (${r.name}) from ${r.received?.from ?? '?'} (key ${r.received?.fingerprint ?? '?'}); read-only until "cairn case continue ${r.id}"`);
        }
        if (sub === 'continue') {
          if (!arg) throw new UsageError('case continue needs a CASE id');
          const r = (await call(backend, 'case.continue', { caseId: arg })) as Result<'case.continue'>;
          return print(json, r, () => `case ${r.id} continues here; the hand-over from ${r.received?.from ?? '?'} is in its log`);
        }
        if (sub === 'merge-evidence') {
          if (!arg) throw new UsageError('case merge-evidence needs a CASE id');
          const r = (await call(backend, 'case.mergeEvidence', { caseId: arg })) as Result<'case.mergeEvidence'>;
          return print(json, r, () =>
            [
              r.datasets.length ? `merged the evidence of ${arg} as dataset${r.datasets.length === 1 ? '' : 's'} ${r.datasets.join(', ')}` : `nothing new: the store already held every fact of ${arg}`,
              `  added: ${Object.entries(r.added).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing'}`,
              ...r.conflicts.map((c) => `  conflict (the store's value kept): ${c}`),
            ].join('\n'),
          );
        }
        if (sub === 'tagpack') {
          if (!arg || rest.length !== 2 || typeof values.out !== 'string') throw new UsageError('case tagpack needs a CASE id and --out FILE');
          const r = (await call(backend, 'case.exportTagPack', { caseId: arg, path: values.out, overwrite: Boolean(values.overwrite) })) as Result<'case.exportTagPack'>;
          return print(json, r, () =>
            [`wrote ${r.tags} tag${r.tags === 1 ? '' : 's'} of ${arg} as a TagPack to ${r.file} (sha256 ${r.sha256})`, ...r.left.map((l) => `  left out: ${l.label} on ${l.address}: ${l.reason}`)].join('\n'),
          );
        }
        throw new UsageError('case takes list, create NAME, show CASE, export CASE, tagpack CASE, signature CASE, compare CASE, attribution CASE, verify FILE, import FILE, continue CASE or merge-evidence CASE');
      }
      case 'audit': {
        if (rest[0] !== 'verify' || !rest[1]) throw new UsageError('audit verify CASE');
        const v = (await call(backend, 'audit.verify', { caseId: rest[1] })) as Result<'audit.verify'>;
        print(json, v, () =>
          [
            v.ok ? `audit log of ${rest[1]} intact: ${v.entries} entries, replayed and matching the case` : `audit log of ${rest[1]} BROKEN: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`,
            ...v.problems.map((p) => `  ${p.seq === null ? '' : `entry ${p.seq}: `}${p.reason}`),
            ...v.signers.map((s) => `  signed by ${s.fingerprint} (${s.name ?? 'unknown key'}${s.own ? ', this workspace' : ''}${s.trusted ? '' : ', NOT TRUSTED'}): ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'}`),
            ...(v.legacyEntries ? [`  ${v.legacyEntries} older entr${v.legacyEntries === 1 ? 'y' : 'ies'} from before signing (hash-chained, bound by the first signed entry)`] : []),
          ].join('\n'),
        );
        if (!v.ok) process.exitCode = 3;
        return;
      }
      case 'keys': {
        if (rest[0] === 'trust') {
          if (!rest[1] || typeof values.name !== 'string') throw new UsageError('keys trust PUBLIC-KEY --name NAME');
          const k = (await call(backend, 'keys.trust', { publicKey: rest[1].toLowerCase(), name: values.name })) as Result<'keys.trust'>;
          return print(json, k, () => `trusted ${values.name as string}'s key; ${k.trusted.length} trusted key${k.trusted.length === 1 ? '' : 's'}`);
        }
        if (rest.length) throw new UsageError('keys takes no argument, or trust PUBLIC-KEY --name NAME');
        const k = (await call(backend, 'keys.info', {})) as Result<'keys.info'>;
        return print(json, k, () =>
          [`your signing key: ${k.fingerprint}`, `  public key ${k.publicKey}`, ...k.trusted.map((t) => `trusted: ${t.name}  ${t.fingerprint}  (since ${t.addedAt})`)].join('\n'),
        );
      }
      case 'labels':
        return await runLabels(backend, rest, values, json);
      case 'search':
        return await runSearch(backend, rest, json);
      case 'exposure':
        return await runExposure(backend, rest, json);
      case 'screen':
        return await runScreen(backend, rest, values, json);
      case 'trace':
        return await runTraceCommand(backend, rest, values, json);
      case 'paths':
        return await runPaths(backend, rest, values, json);
      case 'links':
        return await runLinks(backend, rest, values, json);
      case 'clusters':
        return await runClusters(backend, rest, values, json);
      case 'settings':
        return await runSettings(backend, rest, values, json);
      case 'report':
        return await runReport(backend, rest, values, json);
      case 'conflicts':
        return await runConflicts(backend, rest, values, json);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await backend.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`cairn: ${(error as Error).message}\n${USAGE.split('\n')[0]}\n`);
    process.exit(2);
  }
  const shape = errorToShape(error);
  process.stderr.write(`cairn: ${shape.message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
