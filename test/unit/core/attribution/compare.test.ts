/**
 * Comparing cases and finding where their funds meet (issue 16), on hand-built signatures and
 * saved traces: three heists by one actor (the same rare mixer, similar step sequences, a shared
 * consolidation address where their flows meet) against heists by two other actors with other
 * habits; the exact amounts at each meeting; the step alignment checked by hand; and the edge
 * cases an investigator meets (no other case, a case without traces).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findMeetings, meetingsFor, meetingTotals, type CaseFlows } from '../../../../electron/core/analysis/attribution/commingling';
import { alignSteps, collapseRuns, compareCases, comparisonJson, DEFAULT_WEIGHTS, type CaseForComparison } from '../../../../electron/core/analysis/attribution/compare';
import type { AssetAmount, CaseSignature, LaunderingStep, Meeting, StepKind } from '../../../../electron/core/analysis/attribution/types';
import { TraceSpec, type SavedTrace, type TraceEndpoint, type TracedTransfer } from '../../../../shared/api/traceSchemas';

// ---------------------------------------------------------------------------------------------
// Builders

const ETH_CHAIN = 'eip155:1';
const BTC_CHAIN = 'bip122:000000000019d6689c085ae165831e93';
const ETH = { id: 1, chain: ETH_CHAIN, contract: null, symbol: 'ETH', decimals: 18 };
const USDT = { id: 2, chain: ETH_CHAIN, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const BTC = { id: 3, chain: BTC_CHAIN, contract: null, symbol: 'BTC', decimals: 8 };
type TestAsset = typeof ETH | typeof USDT | typeof BTC;

const eth = (n: bigint): bigint => n * 10n ** 18n;
const usdt = (whole: bigint, cents = 0n): bigint => whole * 10n ** 6n + cents * 10n ** 4n;
const addr = (name: string): string => '0x' + Buffer.from(name).toString('hex').padEnd(40, '0').slice(0, 40);

const DAY = 86_400;
const T0 = 1_700_000_000;

function transfer(tx: string, from: string | null, to: string | null, asset: TestAsset, traced: bigint, opts: { ref?: string; amount?: bigint; time?: number; chain?: string } = {}): TracedTransfer {
  return {
    chain: opts.chain ?? asset.chain,
    tx,
    ref: opts.ref ?? (asset.contract ? '1:0' : '0:'),
    from,
    to,
    asset,
    amount: (opts.amount ?? traced).toString(),
    traced: traced.toString(),
    hops: 1,
    time: opts.time ?? T0,
  };
}

function endpoint(address: string, asset: TestAsset, amount: bigint, reason: TraceEndpoint['reason'], category: string | null, path: string[]): TraceEndpoint {
  return {
    chain: asset.chain,
    address,
    display: address,
    label: category ? `${category} label` : null,
    category,
    asset,
    amount: amount.toString(),
    share: 0,
    hops: path.length,
    firstTime: T0,
    lastTime: T0,
    path,
    reason,
    stopRule: reason === 'stop' && category ? `category ${category}` : null,
    linkedOut: '0',
  };
}

function trace(id: number, transfers: TracedTransfer[], endpoints: TraceEndpoint[] = []): SavedTrace {
  return {
    id,
    name: `trace ${id}`,
    spec: TraceSpec.parse({ sources: [{ kind: 'address', chain: ETH_CHAIN, address: addr('victim') }] }),
    result: {
      method: 'fifo',
      sources: [],
      endpoints,
      unresolved: [],
      totals: [],
      transfers,
      transfersTotal: transfers.length,
      links: [],
      unknownInputs: [],
      datasets: [],
      addressesFollowed: 0,
    },
    createdAt: '2024-01-01T00:00:00Z',
    createdBy: 'test',
  };
}

function step(kind: StepKind, sinceTheft: number | null, chain = ETH_CHAIN): LaunderingStep {
  return { kind, rule: `hand-built ${kind}`, chain, addresses: [], service: null, start: null, end: null, sinceTheft, amounts: [], size: 1, txs: [], txCount: 0, traceId: 1 };
}

const aa = (asset: TestAsset, amount: bigint): AssetAmount => ({ asset: { chain: asset.chain, contract: asset.contract, symbol: asset.symbol, decimals: asset.decimals }, amount: amount.toString() });

interface Service {
  name: string;
  category: string;
  chain?: string;
  addresses?: string[];
}

function signature(caseId: string, steps: LaunderingStep[], services: Service[], stolen: AssetAmount[]): CaseSignature {
  return {
    caseId,
    caseName: caseId.toUpperCase(),
    theftTime: T0,
    steps,
    services: services.map((s) => ({ name: s.name, category: s.category, chain: s.chain ?? ETH_CHAIN, addresses: s.addresses ?? [], amounts: [], hops: 2, via: 'label' as const })),
    stolen,
    traces: [{ id: 1, name: 'trace 1', method: 'fifo' }],
  };
}

/** A case for comparison: its addresses are every address its traces name. */
function comparable(sig: CaseSignature, traces: SavedTrace[], clusters: Record<string, string> = {}): CaseForComparison {
  const seen = new Map<string, { chain: string; address: string; cluster: string | null }>();
  for (const t of traces) {
    for (const x of t.result.transfers) for (const a of [x.from, x.to]) if (a) seen.set(`${x.chain}|${a}`, { chain: x.chain, address: a, cluster: clusters[a] ?? null });
  }
  return { signature: sig, flows: { caseId: sig.caseId, traces }, addresses: [...seen.values()] };
}

/** One case's value at a meeting, per asset symbol, in base units. */
function amountsAt(m: Meeting, caseId: string): Record<string, string> {
  return Object.fromEntries((m.amounts[caseId] ?? []).map((a) => [a.asset.symbol ?? '?', a.amount]));
}

const noWallet = (): string | null => null;

// ---------------------------------------------------------------------------------------------
// The campaign: actor X (three heists), actor Y, actor Z

const W = addr('consolidation-w'); // X's shared consolidation wallet
const MIX = addr('sinbad-pool'); // the Sinbad mixer's address
const BINANCE = { name: 'Binance', category: 'exchange' };
const SINBAD = { name: 'Sinbad', category: 'mixer', addresses: [MIX] };

/**
 * X1: 10 ETH and 1,000 USDT stolen; sends 2 + 3 ETH and 1,000 USDT into W; W sends 8 ETH to the
 * mixer in one transaction (w-out) that carries 5 ETH of X1 and 3 ETH of X2.
 */
const x1Traces = [
  trace(1, [
    transfer('x1-theft', addr('victim1'), addr('thief1'), ETH, eth(10n)),
    transfer('x1-cons-a', addr('thief1'), W, ETH, eth(2n)),
    transfer('x1-cons-b', addr('thief1'), W, ETH, eth(3n)),
    transfer('x1-cons-usdt', addr('thief1'), W, USDT, usdt(1000n)),
    transfer('w-out', W, MIX, ETH, eth(5n), { amount: eth(8n), time: T0 + 3 * 3600 }),
    transfer('x1-dep', addr('thief1'), addr('binance-dep1'), ETH, eth(5n)),
  ], [endpoint(MIX, ETH, eth(5n), 'stop', 'mixing_service', ['x1-theft', 'x1-cons-b', 'w-out']), endpoint(addr('binance-dep1'), ETH, eth(5n), 'stop', 'exchange', ['x1-theft', 'x1-dep'])]),
];
const x2Traces = [
  trace(2, [
    transfer('x2-theft', addr('victim2'), addr('thief2'), ETH, eth(6n)),
    transfer('x2-cons', addr('thief2'), W, ETH, eth(3n)),
    transfer('x2-cons-usdt', addr('thief2'), W, USDT, usdt(250n, 50n)),
    transfer('w-out', W, MIX, ETH, eth(3n), { amount: eth(8n), time: T0 + 3 * 3600 }),
    transfer('x2-dep', addr('thief2'), addr('binance-dep2'), ETH, eth(3n)),
  ], [endpoint(MIX, ETH, eth(3n), 'stop', 'mixing_service', ['x2-theft', 'x2-cons', 'w-out']), endpoint(addr('binance-dep2'), ETH, eth(3n), 'stop', 'exchange', ['x2-theft', 'x2-dep'])]),
];
const x3Traces = [
  trace(3, [
    transfer('x3-theft', addr('victim3'), addr('thief3'), ETH, eth(4n)),
    transfer('x3-cons', addr('thief3'), W, ETH, eth(2n)),
    transfer('w-out-3', W, MIX, ETH, eth(2n), { time: T0 + 40 * DAY }),
    transfer('x3-dep', addr('thief3'), addr('binance-dep3'), ETH, eth(2n)),
  ], [endpoint(MIX, ETH, eth(2n), 'stop', 'mixing_service', ['x3-theft', 'x3-cons', 'w-out-3'])]),
];
const yTraces = [
  trace(4, [
    transfer('y-theft', 'bc1qvictimy', 'bc1qpeel1', BTC, 50n * 10n ** 8n, { ref: '0' }),
    transfer('y-peel-1', 'bc1qpeel1', 'bc1qpeel2', BTC, 49n * 10n ** 8n, { ref: '1' }),
    transfer('y-peel-2', 'bc1qpeel2', 'bc1qbinancey', BTC, 48n * 10n ** 8n, { ref: '0' }),
  ], [endpoint('bc1qbinancey', BTC, 48n * 10n ** 8n, 'stop', 'exchange', ['y-theft', 'y-peel-1', 'y-peel-2'])]),
];
const zTraces = [
  trace(5, [
    transfer('z-theft', addr('victimz'), addr('thiefz'), ETH, eth(20n)),
    transfer('z-swap', addr('thiefz'), addr('uniswap'), ETH, eth(20n)),
    transfer('z-dep', addr('thiefz2'), addr('binance-depz'), USDT, usdt(30_000n)),
  ], [endpoint(addr('binance-depz'), USDT, usdt(30_000n), 'stop', 'exchange', ['z-theft', 'z-dep'])]),
];

const H = 3600;
const X1 = comparable(
  signature('x1', [step('consolidation', 1 * H), step('fan-out', 2 * H), step('bridge', 2.5 * H), step('mixer', 3 * H), step('exchange-deposit', 5 * H)], [SINBAD, BINANCE], [aa(ETH, eth(10n)), aa(USDT, usdt(1000n))]),
  x1Traces,
);
const X2 = comparable(
  signature('x2', [step('consolidation', 1.5 * H), step('fan-out', 2 * H), step('fan-out', 2.2 * H), step('fan-out', 2.4 * H), step('bridge', 3 * H), step('mixer', 4 * H), step('exchange-deposit', 6 * H)], [SINBAD, BINANCE], [aa(ETH, eth(6n)), aa(USDT, usdt(250n, 50n))]),
  x2Traces,
);
const X3 = comparable(
  signature('x3', [step('fan-in', 2 * H), step('fan-out', 3 * H), step('mixer', 5 * H), step('exchange-deposit', 8 * H)], [SINBAD, BINANCE], [aa(ETH, eth(4n))]),
  x3Traces,
);
const Y = comparable(
  signature('y', [step('peel-chain', 20 * DAY, BTC_CHAIN), step('exchange-deposit', 30 * DAY, BTC_CHAIN)], [{ ...BINANCE, chain: BTC_CHAIN }], [aa(BTC, 50n * 10n ** 8n)]),
  yTraces,
);
const Z = comparable(
  signature('z', [step('swap', 4 * DAY), step('bridge', 12 * DAY), step('coinjoin', 15 * DAY), step('exchange-deposit', 25 * DAY)], [{ name: 'Uniswap', category: 'defi_dex' }, { name: 'Wasabi', category: 'mixer' }, BINANCE], [aa(ETH, eth(20n))]),
  zTraces,
);
const ALL = [X1, X2, X3, Y, Z];
const X_IDS = new Set(['x1', 'x2', 'x3']);

const partOf = (m: { parts: readonly { part: string; value: number; why: string }[] }, part: string) => {
  const p = m.parts.find((x) => x.part === part);
  assert.ok(p, `no ${part} part`);
  return p;
};

// ---------------------------------------------------------------------------------------------

describe('ranking a campaign', () => {
  test('(a) each X heist ranks the other X heists above every other actor\'s heist', () => {
    for (const target of [X1, X2, X3]) {
      const c = compareCases(target, ALL);
      assert.equal(c.case, target.signature.caseId);
      assert.equal(c.matches.length, 4, 'every other case is ranked, the target itself is skipped');
      const same = c.matches.filter((m) => X_IDS.has(m.case));
      const other = c.matches.filter((m) => !X_IDS.has(m.case));
      assert.equal(same.length, 2);
      const worstSame = Math.min(...same.map((m) => m.score));
      const bestOther = Math.max(...other.map((m) => m.score));
      assert.ok(worstSame > bestOther, `${target.signature.caseId}: X heists ${worstSame} must beat other actors ${bestOther}`);
      assert.deepEqual(c.matches.slice(0, 2).map((m) => m.case).sort(), same.map((m) => m.case).sort());
      for (let i = 1; i < c.matches.length; i++) assert.ok(c.matches[i - 1].score >= c.matches[i].score, 'ranked by score');
      for (const m of c.matches) {
        assert.ok(m.score >= 0 && m.score <= 1);
        assert.deepEqual(m.parts.map((p) => p.part), ['services', 'sequence', 'timing', 'addresses', 'meetings']);
        for (const p of m.parts) {
          assert.ok(p.value >= 0 && p.value <= 1, `${p.part} in 0..1`);
          assert.ok(p.why.length > 0);
        }
        const expected = m.parts.reduce((s, p) => s + p.value * p.weight, 0) / m.parts.reduce((s, p) => s + p.weight, 0);
        assert.ok(Math.abs(m.score - expected) < 1e-3, 'the score is the weighted mean of its parts');
      }
    }
  });

  test('(a) the parts of a same-actor match name the evidence: the rare mixer, the shared wallet, the meeting', () => {
    const x2 = compareCases(X1, ALL).matches.find((m) => m.case === 'x2');
    assert.ok(x2);
    const services = partOf(x2, 'services');
    assert.equal(services.value, 1, 'X1 and X2 used exactly the same services');
    assert.match(services.why, /Sinbad \(mixer\), used by 3 of 5 cases/);
    assert.match(services.why, /Binance \(exchange\), used by 5 of 5 cases/);
    const sinbad = x2.sharedServices.find((s) => s.name === 'Sinbad');
    const binance = x2.sharedServices.find((s) => s.name === 'Binance');
    assert.ok(sinbad && binance);
    assert.equal(sinbad.casesUsing, 3);
    assert.equal(binance.casesUsing, 5);
    assert.ok(sinbad.weight > binance.weight * 3, 'a mixer three cases used weighs far more than an exchange every case used');
    assert.deepEqual(x2.sharedAddresses.map((a) => a.address), [W], 'W is shared; the mixer address is a service, left to the services part');
    assert.match(partOf(x2, 'addresses').why, /1 shared address/);
    assert.ok(partOf(x2, 'meetings').value >= 0.6, 'any meeting is strong evidence');
    assert.match(partOf(x2, 'meetings').why, /same-address/);
    assert.match(partOf(x2, 'sequence').why, /3 fan-out steps in a row/);
  });

  test('(b) a heist that shares only one exchange every case used ranks below every X heist, with a small services part', () => {
    const c = compareCases(X1, ALL);
    const y = c.matches.find((m) => m.case === 'y');
    assert.ok(y);
    assert.deepEqual(y.sharedServices.map((s) => s.name), ['Binance'], 'Y shares exactly one service with X1');
    const services = partOf(y, 'services');
    assert.ok(services.value < 0.25, `services part ${services.value} is small`);
    assert.match(services.why, /Binance \(exchange\), used by 5 of 5 cases \(every case: counts little\)/);
    for (const x of c.matches.filter((m) => X_IDS.has(m.case))) assert.ok(y.score < x.score, `Y ${y.score} below ${x.case} ${x.score}`);
    assert.equal(y.meetings.length, 0);
    assert.equal(partOf(y, 'addresses').value, 0);

    // Without rarity the exchange alone would make Y's services part as large as sharing a
    // mixer: Y's services part is smaller than X2's, which share the same exchange and the mixer.
    const x2 = c.matches.find((m) => m.case === 'x2');
    assert.ok(x2 && partOf(x2, 'services').value > services.value * 4);
  });

  test('(a) a heist whose timing is far slower scores 0 on timing; the same pace scores near 1', () => {
    const c = compareCases(X1, ALL);
    const z = c.matches.find((m) => m.case === 'z');
    const x2 = c.matches.find((m) => m.case === 'x2');
    assert.ok(z && x2);
    // Z's bridge (12 d), coinjoin (15 d) and deposit (25 d) against X1's bridge (2.5 h), mixer
    // (3 h) and deposit (5 h): each more than 100× apart.
    assert.equal(z.timing.similarity, 0);
    assert.match(z.timing.why, /bridge 2\.5 h vs 12 d/);
    assert.match(z.timing.why, /mixer 3 h vs 15 d/);
    assert.ok(x2.timing.similarity > 0.85, `X2's pace is like X1's: ${x2.timing.similarity}`);
  });
});

describe('meetings', () => {
  test('(c) exact amounts per case per asset at the shared consolidation address', () => {
    const ms = findMeetings(X1.flows, X2.flows, noWallet);
    const atW = ms.filter((m) => m.address === W);
    assert.equal(atW.length, 1);
    const w = atW[0];
    assert.equal(w.kind, 'same-address');
    assert.equal(w.chain, ETH_CHAIN);
    // X1: 2 ETH + 3 ETH in two transactions, 1,000 USDT; X2: 3 ETH, 250.5 USDT.
    assert.deepEqual(amountsAt(w, 'x1'), { ETH: (eth(2n) + eth(3n)).toString(), USDT: usdt(1000n).toString() });
    assert.deepEqual(amountsAt(w, 'x2'), { ETH: eth(3n).toString(), USDT: '250500000' });
    assert.deepEqual([...w.txs].sort(), ['x1-cons-a', 'x1-cons-b', 'x1-cons-usdt', 'x2-cons', 'x2-cons-usdt']);
    assert.ok(w.tx !== null && w.txs.includes(w.tx));
  });

  test('(c) a transaction that carried both cases\' value is a same-tx meeting, with each case\'s part', () => {
    const ms = findMeetings(X1.flows, X2.flows, noWallet);
    const tx = ms.filter((m) => m.kind === 'same-tx');
    assert.equal(tx.length, 1);
    assert.equal(tx[0].tx, 'w-out');
    assert.deepEqual(tx[0].txs, ['w-out']);
    assert.equal(tx[0].address, MIX, 'named by the receiver of its largest traced part');
    assert.deepEqual(amountsAt(tx[0], 'x1'), { ETH: eth(5n).toString() });
    assert.deepEqual(amountsAt(tx[0], 'x2'), { ETH: eth(3n).toString() });
  });

  test('(c) on a UTXO chain, two outputs of one transaction traced by different cases meet in that transaction', () => {
    const a: CaseFlows = { caseId: 'a', traces: [trace(1, [transfer('btc-tx', 'bc1qin', 'bc1qout0', BTC, 70_000n, { ref: '0', amount: 100_000n })])] };
    const b: CaseFlows = { caseId: 'b', traces: [trace(2, [transfer('btc-tx', 'bc1qin', 'bc1qout1', BTC, 30_000n, { ref: '1', amount: 30_000n })])] };
    const ms = findMeetings(a, b, noWallet);
    assert.equal(ms.length, 1);
    assert.equal(ms[0].kind, 'same-tx');
    assert.equal(ms[0].chain, BTC_CHAIN);
    assert.equal(ms[0].address, 'bc1qout0');
    assert.deepEqual(amountsAt(ms[0], 'a'), { BTC: '70000' });
    assert.deepEqual(amountsAt(ms[0], 'b'), { BTC: '30000' });
  });

  test('(c) two addresses of one automatic cluster receiving both cases are a same-cluster meeting (only with walletOf)', () => {
    const p = addr('wallet-p');
    const q = addr('wallet-q');
    const r = addr('wallet-r');
    const a: CaseFlows = { caseId: 'a', traces: [trace(1, [transfer('a1', addr('a-src'), p, ETH, eth(7n)), transfer('a2', addr('a-src'), r, ETH, eth(1n))])] };
    const b: CaseFlows = { caseId: 'b', traces: [trace(2, [transfer('b1', addr('b-src'), q, ETH, eth(4n)), transfer('b2', addr('b-src'), r, ETH, eth(2n))])] };
    const walletOf = (_chain: string, address: string): string | null => ([p, q, r].includes(address) ? 'c7' : null);
    const ms = findMeetings(a, b, walletOf);
    const cluster = ms.filter((m) => m.kind === 'same-cluster');
    assert.equal(cluster.length, 1);
    assert.equal(cluster[0].cluster, 'c7');
    assert.equal(cluster[0].address, null);
    // r received both directly: it is a same-address meeting and is not counted again in the cluster.
    assert.deepEqual(amountsAt(cluster[0], 'a'), { ETH: eth(7n).toString() });
    assert.deepEqual(amountsAt(cluster[0], 'b'), { ETH: eth(4n).toString() });
    assert.deepEqual([...cluster[0].txs].sort(), ['a1', 'b1']);
    const atR = ms.filter((m) => m.address === r);
    assert.equal(atR.length, 1);
    assert.equal(atR[0].kind, 'same-address');
    assert.equal(atR[0].cluster, 'c7');
    // Without clusters, p and q are just two addresses.
    assert.deepEqual(findMeetings(a, b, noWallet).map((m) => m.kind), ['same-address']);
  });

  test('(c) an exchange deposit address both cases reached is a same-deposit meeting, not also a same-address one', () => {
    const dep = addr('kraken-dep');
    const a: CaseFlows = { caseId: 'a', traces: [trace(1, [transfer('a1', addr('a-src'), dep, USDT, usdt(500n))], [endpoint(dep, USDT, usdt(500n), 'stop', 'exchange', ['a1'])])] };
    const b: CaseFlows = { caseId: 'b', traces: [trace(2, [transfer('b1', addr('b-src'), dep, USDT, usdt(120n))], [endpoint(dep, USDT, usdt(120n), 'stop', 'exchange', ['b1'])])] };
    const ms = findMeetings(a, b, noWallet);
    assert.equal(ms.length, 1);
    assert.equal(ms[0].kind, 'same-deposit');
    assert.equal(ms[0].address, dep);
    assert.deepEqual(amountsAt(ms[0], 'a'), { USDT: usdt(500n).toString() });
    assert.deepEqual(amountsAt(ms[0], 'b'), { USDT: usdt(120n).toString() });
    assert.deepEqual(ms[0].txs, ['a1', 'b1']);
  });

  test('two traces of one case over the same flow do not count its value twice', () => {
    const rerun = { caseId: 'x1', traces: [...x1Traces, { ...x1Traces[0], id: 9 }] };
    const w = findMeetings(rerun, X2.flows, noWallet).find((m) => m.address === W);
    assert.ok(w);
    assert.deepEqual(amountsAt(w, 'x1'), { ETH: eth(5n).toString(), USDT: usdt(1000n).toString() });
  });

  test('meetings are ordered by the value met, compared exactly per asset', () => {
    const ms = findMeetings(X1.flows, X2.flows, noWallet);
    // W received 8 ETH and 1,250.5 USDT in all, the w-out transaction 8 ETH: W first. The mixer
    // address, where both traces stopped at a mixing service, is no meeting point: everyone's
    // funds meet at a service.
    assert.deepEqual(ms.map((m) => `${m.kind} ${m.address}`), [`same-address ${W}`, `same-tx ${MIX}`]);
    // Value a float cannot tell apart: 2^60 + 1 beats 2^60.
    const big = 2n ** 60n;
    const a: CaseFlows = { caseId: 'a', traces: [trace(1, [transfer('a1', addr('s'), addr('m1'), ETH, big), transfer('a2', addr('s'), addr('m2'), ETH, big + 1n)])] };
    const b: CaseFlows = { caseId: 'b', traces: [trace(2, [transfer('b1', addr('t'), addr('m1'), ETH, 1n), transfer('b2', addr('t'), addr('m2'), ETH, 1n)])] };
    const two = findMeetings(a, b, noWallet);
    assert.deepEqual(two.map((m) => m.address), [addr('m2'), addr('m1')]);
    assert.equal(meetingTotals(two[0]).get(`${ETH_CHAIN}|`), big + 2n);
  });

  test('an unlabelled service address (isService: an exchange hub deposit addresses forward to) is no meeting point, nor is its cluster', () => {
    const withW = findMeetings(X1.flows, X2.flows, noWallet);
    assert.ok(withW.some((m) => m.address === W));
    const hubIsW = (_chain: string, address: string): boolean => address === W;
    assert.ok(!findMeetings(X1.flows, X2.flows, noWallet, hubIsW).some((m) => m.address === W), 'not at the service address');
    // Every address in one cluster with W: the cluster is the service's, so no same-cluster meeting either.
    const allInW = (): string | null => 'e-service';
    assert.ok(!findMeetings(X1.flows, X2.flows, allInW, hubIsW).some((m) => m.kind === 'same-cluster'), 'not in the service’s cluster');
    const m = compareCases(X1, [X2], { isService: hubIsW }).matches[0]!;
    assert.ok(!m.sharedAddresses.some((a) => a.address === W), 'not a shared address');
  });

  test('meetingsFor lists each other case\'s meetings with the target, skipping the target itself', () => {
    const r = meetingsFor(X1.flows, [X1.flows, X2.flows, X3.flows, Y.flows], noWallet);
    assert.deepEqual(r.map((x) => x.caseId), ['x2', 'x3', 'y']);
    assert.equal(r[2].meetings.length, 0);
    const x3AtW = r[1].meetings.find((m) => m.address === W);
    assert.ok(x3AtW);
    assert.deepEqual(amountsAt(x3AtW, 'x3'), { ETH: eth(2n).toString() });
    assert.throws(() => findMeetings(X1.flows, X1.flows, noWallet), /both sides are case x1/);
  });
});

describe('step alignment', () => {
  test('(d) [consolidation, fan-out, bridge, mixer] vs [consolidation, bridge, mixer, exchange-deposit], checked by hand', () => {
    // By hand: consolidation = consolidation; fan-out only in a (1); bridge = bridge; mixer = mixer;
    // exchange-deposit only in b (1): distance 2. Substituting instead costs 3 (fan-out/bridge,
    // bridge/mixer, mixer/exchange-deposit). Similarity 1 − 2/4 = 0.5.
    const a = collapseRuns(['consolidation', 'fan-out', 'bridge', 'mixer']);
    const b = collapseRuns(['consolidation', 'bridge', 'mixer', 'exchange-deposit']);
    const al = alignSteps(a, b);
    assert.equal(al.distance, 2);
    assert.equal(al.similarity, 0.5);
    assert.deepEqual(al.aligned, [
      { a: { kind: 'consolidation', index: 0 }, b: { kind: 'consolidation', index: 0 }, op: 'match' },
      { a: { kind: 'fan-out', index: 1 }, b: null, op: 'delete' },
      { a: { kind: 'bridge', index: 2 }, b: { kind: 'bridge', index: 1 }, op: 'match' },
      { a: { kind: 'mixer', index: 3 }, b: { kind: 'mixer', index: 2 }, op: 'match' },
      { a: null, b: { kind: 'exchange-deposit', index: 3 }, op: 'insert' },
    ]);
  });

  test('(d) related kinds cost half; runs collapse and keep the index of their first step', () => {
    assert.equal(alignSteps(collapseRuns(['mixer']), collapseRuns(['coinjoin'])).distance, 0.5);
    assert.equal(alignSteps(collapseRuns(['fan-in']), collapseRuns(['consolidation'])).distance, 0.5);
    assert.equal(alignSteps(collapseRuns(['swap']), collapseRuns(['exchange-hop'])).distance, 0.5);
    assert.equal(alignSteps(collapseRuns(['swap']), collapseRuns(['peel-chain'])).distance, 1);
    const runs = collapseRuns(['consolidation', 'fan-out', 'fan-out', 'fan-out', 'bridge']);
    assert.deepEqual(runs.map((r) => [r.kind, r.index, r.count]), [['consolidation', 0, 1], ['fan-out', 1, 3], ['bridge', 4, 1]]);
    // In a comparison, X2's three fan-outs read as one: X1 and X2 align with no edit at all.
    const x2 = compareCases(X1, [X2]).matches[0];
    assert.equal(x2.sequence.distance, 0);
    assert.equal(x2.sequence.similarity, 1);
    assert.deepEqual(x2.sequence.aligned.map((p) => p.b?.index), [0, 1, 4, 5, 6], 'indexes point into X2\'s own steps');
  });
});

describe('edge cases and output', () => {
  test('(e) no other cases: no matches', () => {
    assert.deepEqual(compareCases(X1, []).matches, []);
    assert.deepEqual(compareCases(X1, [X1]).matches, [], 'the target is not compared with itself');
  });

  test('(e) a case with no traces: every part says there is nothing to compare', () => {
    const empty: CaseForComparison = { signature: { ...signature('empty', [], [], []), traces: [] }, flows: { caseId: 'empty', traces: [] }, addresses: [] };
    for (const [target, others] of [[empty, [X1]], [X1, [empty]]] as const) {
      const m = compareCases(target, others).matches[0];
      assert.equal(m.score, 0);
      assert.equal(m.meetings.length, 0);
      for (const p of m.parts) {
        assert.equal(p.value, 0, p.part);
        assert.match(p.why, /nothing to compare/, `${p.part}: ${p.why}`);
      }
      assert.match(partOf(m, 'meetings').why, /EMPTY has no saved traces/);
      assert.match(partOf(m, 'services').why, /EMPTY \(no saved traces\) has no labelled or clustered services/);
    }
  });

  test('weights come from options, the score stays 0..1, and bad weights are refused', () => {
    const onlyServices = compareCases(X1, ALL, { weights: { services: 1, sequence: 0, timing: 0, addresses: 0, meetings: 0 } });
    for (const m of onlyServices.matches) assert.equal(m.score, partOf(m, 'services').value);
    const y = onlyServices.matches.find((m) => m.case === 'y');
    assert.ok(y && y.parts.every((p) => p.weight === (p.part === 'services' ? 1 : 0)));
    const d = compareCases(X1, ALL).matches[0];
    assert.deepEqual(Object.fromEntries(d.parts.map((p) => [p.part, p.weight])), { ...DEFAULT_WEIGHTS });
    assert.throws(() => compareCases(X1, ALL, { weights: { timing: -1 } }), /weight "timing"/);
    assert.throws(() => compareCases(X1, ALL, { weights: { services: 0, sequence: 0, timing: 0, addresses: 0, meetings: 0 } }), /add up to 0/);
    assert.throws(() => compareCases(X1, [X2, X2]), /given twice/);
    assert.throws(() => compareCases({ ...X1, flows: X2.flows }, [Y]), /signature is of case x1 but the traces are of case x2/);
  });

  test('addresses: one shared cluster reached at different addresses counts half a shared address; a service\'s cluster does not count', () => {
    const p = addr('wallet-p');
    const q = addr('wallet-q');
    const hot = addr('exchange-hot');
    const hot2 = addr('exchange-hot-2');
    const mk = (id: string, own: string, svc: string): CaseForComparison => ({
      signature: signature(id, [], [{ name: 'Kraken', category: 'exchange', addresses: [svc] }], []),
      flows: { caseId: id, traces: [trace(1, [transfer(`${id}-1`, addr(`${id}-src`), own, ETH, eth(1n)), transfer(`${id}-2`, own, svc, ETH, eth(1n))])] },
      addresses: [
        { chain: ETH_CHAIN, address: own, cluster: 'c7' },
        { chain: ETH_CHAIN, address: svc, cluster: 'c9' },
      ],
    });
    const m = compareCases(mk('a', p, hot), [mk('b', q, hot2)]).matches[0];
    const part = partOf(m, 'addresses');
    assert.equal(part.value, Math.round((1 - 0.4 ** 0.5) * 10_000) / 10_000);
    assert.match(part.why, /1 automatic cluster reached at different addresses: c7/);
    assert.doesNotMatch(part.why, /c9/, 'the exchange\'s cluster is the services part\'s business');
    assert.deepEqual(m.sharedAddresses.map((a) => [a.address, a.cluster]), [[p, 'c7'], [q, 'c7']]);
    // The default walletOf reads the same clusters: p and q meet in cluster c7, the hot wallets in c9.
    assert.deepEqual(m.meetings.map((x) => [x.kind, x.cluster]).sort(), [['same-cluster', 'c7'], ['same-cluster', 'c9']]);
    // Only c7 is scored: c9 is Kraken's own cluster, so meeting there means using one exchange.
    const meetings = partOf(m, 'meetings');
    assert.equal(meetings.value, 0.4, 'a same-cluster meeting scores its floor when no stolen value is known');
    assert.match(meetings.why, /1 same-cluster meeting in a service's own cluster \(c9: Kraken\) is not scored/);
    // Without the c7 cluster, all that is left is the exchange's cluster: no commingling scored.
    const only = compareCases(mk('a', p, hot), [{ ...mk('b', q, hot2), addresses: [{ chain: ETH_CHAIN, address: q, cluster: null }, { chain: ETH_CHAIN, address: hot2, cluster: 'c9' }] }]).matches[0];
    assert.equal(partOf(only, 'meetings').value, 0);
    assert.equal(only.meetings.length, 1, 'the meeting is still listed for the investigator');
  });

  test('ties are broken by meetings, then by name', () => {
    const bare = (id: string): CaseForComparison => ({ signature: signature(id, [], [], []), flows: { caseId: id, traces: [] }, addresses: [] });
    const c = compareCases(bare('t'), [bare('zeta'), bare('alpha'), bare('mid')]);
    assert.deepEqual(c.matches.map((m) => m.case), ['alpha', 'mid', 'zeta']);
  });

  test('comparisonJson gives the CLI\'s shape, amounts as base-unit strings keyed by case', () => {
    const json = comparisonJson(compareCases(X1, ALL)) as {
      case: string;
      matches: { case: string; score: number; sharedServices: unknown[]; sequence: { distance: number; similarity: number; aligned: unknown[] }; sharedAddresses: unknown[]; meetings: { chain: string; address: string | null; tx: string | null; amounts: Record<string, { asset: { symbol: string }; amount: string }[]> }[] }[];
    };
    assert.equal(json.case, 'x1');
    assert.deepEqual(Object.keys(json.matches[0]).slice(0, 7), ['case', 'caseName', 'score', 'sharedServices', 'sequence', 'timing', 'sharedAddresses']);
    const x2 = json.matches.find((m) => m.case === 'x2');
    assert.ok(x2);
    const w = x2.meetings.find((m) => m.address === W);
    assert.ok(w);
    assert.equal(w.chain, ETH_CHAIN);
    assert.deepEqual(Object.keys(w.amounts), ['x1', 'x2'], 'the target first');
    assert.deepEqual(w.amounts.x2.map((a) => [a.asset.symbol, a.amount]), [['ETH', eth(3n).toString()], ['USDT', '250500000']]);
    assert.equal(JSON.parse(JSON.stringify(json)).matches[0].case, json.matches[0].case);
  });
});
