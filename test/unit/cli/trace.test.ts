import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { generateWorld, SYNTH_CHAINS, type WorldTruth } from '../../../electron/core/synth/world';
import { tempDir, writeFile } from '../helpers';
import { cairn, json } from './cliRun';

// Made here, not in before(): a folder made in a hook would be removed when the hook ends.
const worldDir = tempDir();
const ws = tempDir();
let truth: WorldTruth;
/** The theft's hops from truth/theft.csv: step, chain, tx, from, to, asset, symbol, amount. */
let theft: string[][];

before(() => {
  truth = generateWorld({ seed: 'cli-trace', transfers: 3000, out: worldDir });
  theft = readFileSync(join(worldDir, truth.files.theft), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  for (const args of [['--chain', 'eth', join(worldDir, truth.files.ethereum)], ['--chain', 'tron', join(worldDir, truth.files.tron)], [join(worldDir, truth.files.bitcoin)]]) {
    const r = cairn(ws, 'import', ...args);
    assert.equal(r.code, 0, r.err);
  }
  // The exchanges, the bridge and the swap service, labelled from the truth's actors.
  const actors = readFileSync(join(worldDir, truth.files.actors), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const category = (role: string): string | null => (/deposit|hot wallet/.test(role) ? 'exchange' : /lock contract|release wallet/.test(role) ? 'bridge' : role === 'vault' ? 'defi_dex' : null);
  const rows = actors.flatMap(([chain, address, actor, role]) => (category(role!) ? [`${chain},${address},${actor},${category(role!)}`] : []));
  const r = cairn(ws, 'labels', 'import', writeFile(worldDir, 'services.csv', ['chain,address,label,category', ...rows].join('\n')));
  assert.equal(r.code, 0, r.err);
});

const ethVictims = (): string[] => truth.victims.filter((v) => v.chain === SYNTH_CHAINS.eth).map((v) => `eth:${v.address}`);

interface Endpoint {
  chain: string;
  address: string | null;
  label: string | null;
  category: string | null;
  asset: { id: number; chain: string; contract: string | null; symbol: string | null; decimals: number | null };
  amount: string;
  share: number;
  hops: number;
  path: string[];
}
interface Total {
  sourced: string;
  linkedIn: string;
  stopped: string;
  atRest: string;
  fees: string;
  sunk: string;
  unresolved: string;
  reconciles: boolean;
}
interface TraceJson {
  method: string;
  sources: { chain: string; tx: string; amount: string; asset: { symbol: string | null } }[];
  endpoints: Endpoint[];
  unresolved: Endpoint[];
  totals: Record<string, Total>;
}

test('cairn trace --json has the stable shape, and per asset the endpoints and what still moves add up to what was stolen', () => {
  const out = json(ws, 'trace', '--from', ethVictims().join(','), '--method', 'fifo', '--max-hops', '12') as TraceJson;
  assert.deepEqual(Object.keys(out), ['method', 'sources', 'endpoints', 'unresolved', 'totals']);
  assert.equal(out.method, 'fifo');
  assert.ok(out.endpoints.length > 0);
  for (const e of [...out.endpoints, ...out.unresolved]) {
    assert.deepEqual(Object.keys(e).slice(0, 9), ['chain', 'address', 'label', 'category', 'asset', 'amount', 'share', 'hops', 'path']);
    assert.match(e.amount, /^(0|[1-9][0-9]*)$/);
    assert.deepEqual(Object.keys(e.asset), ['id', 'chain', 'contract', 'symbol', 'decimals']);
    assert.ok(e.path.length >= 1 && e.path.length <= e.hops, `a path of ${e.path.length} txs for ${e.hops} hops`);
  }
  // Totals are keyed by the asset's symbol; each reconciles with the endpoints listed.
  const stolen = truth.stolen[SYNTH_CHAINS.eth]!;
  assert.deepEqual(Object.keys(out.totals).sort(), Object.keys(stolen).sort());
  for (const [symbol, t] of Object.entries(out.totals)) {
    assert.equal(t.sourced, stolen[symbol], `${symbol}: the victims' drains`);
    const listed = [...out.endpoints, ...out.unresolved].filter((e) => e.asset.symbol === symbol).reduce((s, e) => s + BigInt(e.amount), 0n);
    assert.equal(listed, BigInt(t.sourced) + BigInt(t.linkedIn), `${symbol}: the endpoints add up to what entered`);
    assert.equal(BigInt(t.stopped) + BigInt(t.atRest) + BigInt(t.fees) + BigInt(t.sunk) + BigInt(t.unresolved), BigInt(t.sourced) + BigInt(t.linkedIn));
    assert.equal(t.reconciles, true);
  }
  // The exchange deposits the theft paid on Ethereum are endpoints, stopped there with their label.
  const exit = truth.exits.find((e) => e.chain === SYNTH_CHAINS.eth)!;
  const atExit = out.endpoints.find((e) => e.address === exit.deposit)!;
  assert.equal(atExit.label, exit.exchange);
  assert.equal(atExit.category, 'exchange');
  assert.equal(atExit.path.at(-1), exit.tx);

  const human = cairn(ws, 'trace', '--from', ethVictims().join(','), '--method', 'fifo', '--max-hops', '12');
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, new RegExp(`${exit.exchange} \\[exchange\\]`));
  for (const symbol of Object.keys(stolen)) assert.match(human.out, new RegExp(`^  ${symbol} on Ethereum: sourced .*: reconciles$`, 'm'));
});

test('cairn trace --tx follows exactly one drain, named with a CAIP-2 chain; a trace in a case is saved there', () => {
  const drain = theft.find((h) => h[0] === 'drain' && h[1] === SYNTH_CHAINS.eth)!;
  const out = json(ws, 'trace', '--tx', `${SYNTH_CHAINS.eth}:${drain[2]}`, '--method', 'haircut') as TraceJson;
  assert.deepEqual(out.sources.map((s) => [s.chain, s.tx, s.amount]), [[SYNTH_CHAINS.eth, drain[2], drain[7]]]);

  const c = json(ws, 'case', 'create', 'CLI trace') as { id: string };
  const saved = cairn(ws, 'trace', '--tx', `eth:${drain[2]}`, '--method', 'poison', '--case', c.id, '--name', 'one drain');
  assert.equal(saved.code, 0, saved.err);
  assert.match(saved.out, new RegExp(`saved in case ${c.id} as trace 1`));
});

test('cairn trace refuses a command it cannot read with exit code 2, naming what is wrong', () => {
  const victim = ethVictims()[0]!;
  const cases: [string[], RegExp][] = [
    [['--from', victim], /--method fifo, haircut or poison/],
    [['--from', victim, '--method', 'lifo'], /found "lifo"/],
    [['--method', 'fifo'], /--from CHAIN:ADDRESS.* or --tx/],
    [['--from', victim, '--tx', 'eth:0x00', '--method', 'fifo'], /one of the two/],
    [['--from', 'nochain:0x00', '--method', 'fifo'], /must be CHAIN:ADDRESS/],
    [['--from', victim, '--method', 'fifo', '--since', 'last week'], /--since needs an ISO date/],
    [['--from', victim, '--method', 'fifo', '--min', '1e5'], /--min needs an amount/],
    [['--from', victim, '--method', 'fifo', '--max-hops', 'six'], /--max-hops needs a whole number/],
  ];
  for (const [args, message] of cases) {
    const r = cairn(ws, 'trace', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
  // A well-formed address the store does not hold is the back end's to refuse: exit code 1.
  const unknown = cairn(ws, 'trace', '--from', `eth:0x${'56'.repeat(20)}`, '--method', 'fifo');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /is not in the store/);
});

test('cairn paths finds the theft from a victim to the exchange deposit it reached', () => {
  const exit = truth.exits.find((e) => e.chain === SYNTH_CHAINS.eth)!;
  // Walk the theft back from the exit to its victim: the truth's own path.
  const hops = theft.filter((h) => h[1] === SYNTH_CHAINS.eth);
  const chain: string[] = [exit.deposit];
  for (let at = hops.find((h) => h[2] === exit.tx); at; at = hops.find((h) => h[4] === chain[0] && h[0] !== 'exchange sweep')) chain.unshift(at[3]!);
  const victim = chain[0]!;
  assert.ok(truth.victims.some((v) => v.address === victim), 'the walk ends at a victim');
  const out = json(ws, 'paths', `eth:${victim}`, `eth:${exit.deposit}`, '--max-hops', '12', '--rank', 'hops') as { paths: { hops: number; steps: { from: string; to: string; amount: string }[] }[] };
  assert.ok(out.paths.length > 0, 'a path is found');
  const best = out.paths[0]!;
  assert.equal(best.steps[0]!.from.toLowerCase(), victim);
  assert.equal(best.steps.at(-1)!.to.toLowerCase(), exit.deposit);
  for (let i = 1; i < best.steps.length; i++) assert.equal(best.steps[i]!.from, best.steps[i - 1]!.to);
  assert.ok(best.hops <= chain.length - 1, `ranked by hops, the best is no longer than the theft's own ${chain.length - 1} hops`);
  assert.equal(cairn(ws, 'paths', `eth:${victim}`).code, 2);
});

test('cairn links propose finds the swap a saved trace reached; confirmed, it carries the next trace onto Bitcoin', () => {
  const c = json(ws, 'case', 'create', 'CLI links') as { id: string };
  assert.deepEqual(json(ws, 'links', 'list', '--case', c.id), []);
  // Candidates start where the case's traces reach a swap or bridge.
  const trace = ['trace', '--from', ethVictims().join(','), '--method', 'fifo', '--max-hops', '12', '--case', c.id];
  assert.equal(cairn(ws, ...trace).code, 0);
  const options = ['--case', c.id, '--window', '86400', '--tolerance', '5', '--rate', 'ETH/rBTC=0.06'];
  const proposed = json(ws, 'links', 'propose', ...options) as { candidates: { kind: string; from: { tx: string }; to: { tx: string }; reasons: string[] }[] };
  const { in: swapIn, out: swapOut } = truth.swap;
  const n = proposed.candidates.findIndex((k) => k.from.tx === swapIn.tx && k.to.tx === swapOut.tx) + 1;
  assert.ok(n > 0, `the swap is proposed: ${JSON.stringify(proposed.candidates.map((k) => [k.kind, k.from.tx, k.to.tx]))}`);
  const human = cairn(ws, 'links', 'propose', ...options);
  assert.match(human.out, new RegExp(`^${n}\\. swap score [0-9.]+  eip155:1:${swapIn.tx}`, 'm'));

  const confirmed = json(ws, 'links', 'confirm', String(n), ...options) as { kind: string; status: string; evidence: string[] };
  assert.deepEqual([confirmed.kind, confirmed.status, confirmed.evidence], ['swap', 'confirmed', proposed.candidates[n - 1]!.reasons]);
  const onward = json(ws, ...trace) as TraceJson;
  const btc = onward.totals.rBTC!;
  assert.ok(BigInt(btc.linkedIn) > 0n, 'the confirmed swap carries traced value onto Bitcoin');
  assert.equal(btc.reconciles, true);

  const bridge = truth.bridge;
  const rejected = json(ws, 'links', 'reject', '--case', c.id, '--from', `eth:${bridge.locks[0]!.tx}`, '--to', `tron:${bridge.release.tx}`, '--kind', 'bridge') as { status: string };
  assert.equal(rejected.status, 'rejected');
  const added = json(ws, 'links', 'add', '--case', c.id, '--from', `eth:${bridge.locks[1]!.tx}`, '--to', `tron:${bridge.release.tx}`, '--kind', 'manual', '--note', 'seen on the bridge explorer') as { status: string; note: string };
  assert.deepEqual([added.status, added.note], ['confirmed', 'seen on the bridge explorer']);
  const list = json(ws, 'links', 'list', '--case', c.id) as { kind: string; status: string }[];
  assert.deepEqual(list.map((l) => [l.kind, l.status]), [['swap', 'confirmed'], ['bridge', 'rejected'], ['manual', 'confirmed']]);

  const tooFar = cairn(ws, 'links', 'confirm', String(proposed.candidates.length + 1), ...options);
  assert.equal(tooFar.code, 1);
  assert.match(tooFar.err, /there is no candidate/);
  const usage = cairn(ws, 'links', 'add', '--case', c.id, '--from', `eth:${swapIn.tx}`, '--to', `btc:${swapOut.tx}`, '--kind', 'teleport');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--kind must be bridge, swap, exchange, manual/);
  assert.equal(cairn(ws, 'links', 'list').code, 2, 'links need --case');
});
