/**
 * Laundering step detectors (issue 16): each rule on hand-built traces (a positive case and the
 * near miss it must refuse), the real peel chain of Bitcoin's first blocks, and the signature of
 * a generated theft checked against the world's ground truth.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  detectBridges,
  detectCoinJoins,
  detectConsolidation,
  detectDormancy,
  detectExchangeDeposits,
  detectExchangeHops,
  detectFanIn,
  detectFanOut,
  detectMixers,
  detectPeelChains,
  detectSwaps,
  DORMANCY_MIN_SECONDS,
  findPeelChains,
  NO_CONTEXT,
  type SignatureLookups,
  type StepContext,
} from '../../../../electron/core/analysis/attribution/steps';
import { caseSignature, stepWords } from '../../../../electron/core/analysis/attribution/signature';
import type { LaunderingStep } from '../../../../electron/core/analysis/attribution/types';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { importLabelFiles, labelsOf } from '../../../../electron/core/intel/labelStore';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { getUtxoParts } from '../../../../electron/core/store/txQueries';
import { generateWorld } from '../../../../electron/core/synth/world';
import { runTrace } from '../../../../electron/core/trace/runTrace';
import type { Asset } from '../../../../shared/api/schemas';
import {
  SavedTrace,
  TraceSpec,
  type CrossChainLink,
  type TraceEndpoint,
  type TracedTransfer,
  type TraceSpecInput,
} from '../../../../shared/api/traceSchemas';
import { canonicalTxHashFor, displayAddress, shortAddress } from '../../../../shared/codec/address';
import { canon, importWorld, readGroundTruth, truthLinks, victimSources, type GroundTruth } from '../../../bench/traceTruth';
import { addr, BLK_FIXTURE, tempDir } from '../../helpers';

// ------------------------------------------------------------------------------------------------
// Hand-built traces.

const ETH_CHAIN = 'eip155:1';
const BTC_CHAIN = 'bip122:000000000019d6689c085ae165831e93';
const ETH: Asset = { id: 1, chain: ETH_CHAIN, contract: null, symbol: 'ETH', decimals: 18 };
const USDT: Asset = { id: 2, chain: ETH_CHAIN, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };
const BTC: Asset = { id: 3, chain: BTC_CHAIN, contract: null, symbol: 'BTC', decimals: 8 };
const T0 = 1_700_000_000;
const HOUR = 3600;
const DAY = 86_400;
const E18 = 10n ** 18n;

let txCounter = 0;
const nextTx = (): string => '0x' + (++txCounter).toString(16).padStart(64, '0');

/** One traced transfer; everything traced unless told, ETH on Ethereum unless told. */
function tr(p: { from: string | null; to: string | null; amount: bigint; time: number | null; hops?: number; traced?: bigint; asset?: Asset; tx?: string; ref?: string }): TracedTransfer {
  const asset = p.asset ?? ETH;
  return {
    chain: asset.chain,
    tx: p.tx ?? nextTx(),
    ref: p.ref ?? '0:',
    from: p.from,
    to: p.to,
    asset,
    amount: p.amount.toString(),
    traced: (p.traced ?? p.amount).toString(),
    hops: p.hops ?? 2,
    time: p.time,
  };
}

function endpoint(p: { address: string; amount: bigint; reason: TraceEndpoint['reason']; asset?: Asset; label?: string; category?: string; hops?: number; time?: number; path?: string[] }): TraceEndpoint {
  const asset = p.asset ?? ETH;
  return {
    chain: asset.chain,
    address: p.address,
    display: p.address,
    label: p.label ?? null,
    category: p.category ?? null,
    asset,
    amount: p.amount.toString(),
    share: 0,
    hops: p.hops ?? 3,
    firstTime: p.time ?? T0,
    lastTime: p.time ?? T0,
    path: p.path ?? [],
    reason: p.reason,
    stopRule: p.reason === 'stop' && p.category ? `category ${p.category}` : null,
    linkedOut: '0',
  };
}

let traceIds = 0;
/**
 * A saved trace of hand-made transfers. `sources`: the addresses traced from; each of their
 * hop-1 transfers is a resolved source, as runTrace reports an address source.
 */
function savedTrace(p: { transfers: TracedTransfer[]; sources?: string[]; endpoints?: TraceEndpoint[]; links?: SavedTrace['result']['links']; total?: number }): SavedTrace {
  const sources = p.sources ?? [addr(0xdead)];
  const chain = p.transfers[0]?.chain ?? ETH_CHAIN;
  const srcSet = new Set(sources);
  return SavedTrace.parse({
    id: ++traceIds,
    name: `hand-built ${traceIds}`,
    spec: TraceSpec.parse({ sources: sources.map((address) => ({ kind: 'address', chain, address })) }),
    result: {
      method: 'fifo',
      sources: p.transfers
        .filter((t) => t.hops === 1 && t.from !== null && srcSet.has(t.from))
        .map((t) => ({ chain: t.chain, tx: t.tx, ref: t.ref, from: t.from, asset: t.asset, amount: t.traced, time: t.time })),
      endpoints: p.endpoints ?? [],
      unresolved: [],
      totals: [],
      transfers: p.transfers,
      transfersTotal: p.total ?? p.transfers.length,
      links: p.links ?? [],
      unknownInputs: [],
      datasets: [],
      addressesFollowed: 0,
    },
    createdAt: '2024-01-01T00:00:00.000Z',
    createdBy: 'test',
  });
}

/** Lookups from a table of labels ("chain|address" → name, category) and a set of CoinJoin txs. */
function lookups(labels: Record<string, [string, string]> = {}, coinjoins: string[] = []): SignatureLookups {
  return {
    labelOf: (chain, address) => {
      const l = labels[`${chain}|${address}`];
      return l ? { name: l[0], category: l[1], via: 'label' } : null;
    },
    isCoinJoin: (chain, tx) => coinjoins.includes(`${chain}|${tx}`),
  };
}
const ctxOf = (l: SignatureLookups, links: CrossChainLink[] = []): StepContext => ({ links, lookups: l });

const amountOf = (s: LaunderingStep, symbol: string, chain?: string): bigint =>
  s.amounts.filter((a) => a.asset.symbol === symbol && (chain === undefined || a.asset.chain === chain)).reduce((x, a) => x + BigInt(a.amount), 0n);

function caseLink(id: number, kind: CrossChainLink['kind'], from: CrossChainLink['from'], to: CrossChainLink['to'], status: CrossChainLink['status'] = 'confirmed'): CrossChainLink {
  return { id, from, to, kind, status, evidence: ['test'], score: null, note: '', createdAt: '2024-01-01T00:00:00.000Z', createdBy: 'test' };
}

// ------------------------------------------------------------------------------------------------
// Consolidation and fan-in.

test('consolidation: three victims drained into one address is a consolidation; two is not', () => {
  const thief = addr(0x100);
  const victims = [addr(1), addr(2), addr(3)];
  const amounts = [3n * E18, 5n * E18, 7n * E18];
  const drains = victims.map((v, i) => tr({ from: v, to: thief, amount: amounts[i]!, time: T0 + i * 60, hops: 1 }));
  const [step, ...more] = detectConsolidation(savedTrace({ transfers: drains, sources: victims }));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.kind, 'consolidation');
  assert.equal(step.addresses[0], thief, 'the gathering address first');
  assert.deepEqual(new Set(step.addresses.slice(1)), new Set(victims));
  assert.equal(step.size, 3);
  assert.equal(amountOf(step, 'ETH'), 15n * E18, 'exactly what was gathered');
  assert.equal(step.txCount, 3);
  assert.deepEqual([step.start, step.end], [T0, T0 + 120]);
  assert.equal(step.sinceTheft, 0);
  assert.deepEqual(detectFanIn(savedTrace({ transfers: drains, sources: victims })), [], 'senders that are sources make a consolidation, not a fan-in');

  // Two victims (however much they hold, and though one of them pays twice): not a consolidation.
  const two = [tr({ from: victims[0]!, to: thief, amount: E18, time: T0, hops: 1 }), tr({ from: victims[1]!, to: thief, amount: E18, time: T0, hops: 1 }), tr({ from: victims[1]!, to: thief, amount: E18, time: T0 + 5, hops: 1 })];
  assert.deepEqual(detectConsolidation(savedTrace({ transfers: two, sources: victims.slice(0, 2) })), []);
});

test('consolidation on Bitcoin counts every victim input a sweep spends, not only its first input', () => {
  const thief = '1ThiefThiefThiefThiefThiefThieff1';
  const victims = ['1VictimAAAAAAAAAAAAAAAAAAAAAAAAAA', '1VictimBBBBBBBBBBBBBBBBBBBBBBBBBB', '1VictimCCCCCCCCCCCCCCCCCCCCCCCCCC'];
  const tx = 'ab'.repeat(32);
  const out = tr({ asset: BTC, tx, ref: '0', from: victims[0]!, to: thief, amount: 300_000_000n, time: T0, hops: 1 });
  const t = savedTrace({ transfers: [out], sources: victims });
  // runTrace reports an address source on a UTXO chain as the inputs it spent: "in 0", "in 1", …
  const withInputs = SavedTrace.parse({
    ...t,
    result: { ...t.result, sources: victims.map((v, i) => ({ chain: BTC_CHAIN, tx, ref: `in ${i}`, from: v, asset: BTC, amount: '100000000', time: T0 })) },
  });
  const [step] = detectConsolidation(withInputs);
  assert.ok(step, 'a three-input sweep of three victims is a consolidation');
  assert.equal(step.size, 3);
  assert.equal(amountOf(step, 'BTC'), 300_000_000n);
  assert.deepEqual(detectConsolidation(t), [], 'without the inputs, one sender');
});

test('fan-in: three traced senders later on the path merge into one address; two do not', () => {
  const merge = addr(0x200);
  const senders = [addr(11), addr(12), addr(13)];
  const flows = senders.map((s, i) => tr({ from: s, to: merge, amount: BigInt(i + 1) * E18, time: T0 + 3 * HOUR + i, hops: 3 }));
  const [step, ...more] = detectFanIn(savedTrace({ transfers: flows }));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.addresses[0], merge);
  assert.equal(step.size, 3);
  assert.equal(amountOf(step, 'ETH'), 6n * E18);
  assert.deepEqual(detectConsolidation(savedTrace({ transfers: flows })), [], 'not from sources: not a consolidation');
  assert.deepEqual(detectFanIn(savedTrace({ transfers: flows.slice(0, 2) })), [], 'two senders are not a fan-in');
  // A labelled service receiving from many is the service's business, not a fan-in.
  const l = lookups({ [`${ETH_CHAIN}|${merge}`]: ['Arc Bridge', 'bridge'] });
  assert.deepEqual(detectFanIn(savedTrace({ transfers: flows }), ctxOf(l)), []);
});

// ------------------------------------------------------------------------------------------------
// Fan-out.

test('fan-out: one address paying three within a day is a fan-out; the same spread over more than a day is not', () => {
  const a = addr(0x300);
  const to = [addr(21), addr(22), addr(23)];
  const flows = [
    tr({ from: a, to: to[0]!, amount: 4n * E18, time: T0 }),
    tr({ from: a, to: to[1]!, amount: 2n * E18, time: T0 + HOUR }),
    tr({ from: a, to: a, amount: 9n * E18, time: T0 + HOUR }), // back to itself: not a recipient
    tr({ from: a, to: to[2]!, amount: E18, time: T0 + 23 * HOUR }),
  ];
  const [step, ...more] = detectFanOut(savedTrace({ transfers: flows }));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.addresses[0], a);
  assert.deepEqual(step.addresses.slice(1), to, 'recipients, the largest first');
  assert.equal(step.size, 3);
  assert.equal(amountOf(step, 'ETH'), 7n * E18, 'what went to the recipients, not the self-transfer');
  assert.deepEqual([step.start, step.end], [T0, T0 + 23 * HOUR]);

  // 0 h, 13 h, 26 h: every 24-hour window holds two recipients only.
  const spread = [0, 13, 26].map((h, i) => tr({ from: a, to: to[i]!, amount: E18, time: T0 + h * HOUR }));
  assert.deepEqual(detectFanOut(savedTrace({ transfers: spread })), []);
  // Two recipients, however many payments: not a fan-out.
  const two = [0, 1, 2, 3].map((h) => tr({ from: a, to: to[h % 2]!, amount: E18, time: T0 + h * HOUR }));
  assert.deepEqual(detectFanOut(savedTrace({ transfers: two })), []);
});

// ------------------------------------------------------------------------------------------------
// Peel chains.

/** a0 → a1 → … : each link receives `held`, pays `peelPct`% to a payee and passes the rest on. */
function accountPeel(links: number, first: bigint, peelPct: bigint[], t = T0): { flows: TracedTransfer[]; links: string[]; payouts: bigint[]; received: bigint[] } {
  const as = Array.from({ length: links }, (_, i) => addr(0x1000 + i));
  const flows: TracedTransfer[] = [tr({ from: addr(0xfff), to: as[0]!, amount: first, time: t, hops: 2 })];
  let held = first;
  const payouts: bigint[] = [];
  const received: bigint[] = [];
  for (let i = 0; i + 1 < links; i++) {
    const off = (held * peelPct[i]!) / 100n;
    received.push(held);
    payouts.push(off);
    flows.push(tr({ from: as[i]!, to: addr(0x2000 + i), amount: off, time: t + 600 * (i + 1), hops: 3 + i }));
    flows.push(tr({ from: as[i]!, to: as[i + 1]!, amount: held - off, time: t + 600 * (i + 1) + 1, hops: 3 + i }));
    held -= off;
  }
  received.push(held);
  return { flows, links: as, payouts, received };
}

test('peel chain (account chain): links passing most on and paying a little out are one chain, its length and payouts exact', () => {
  const p = accountPeel(4, 100n * E18, [10n, 20n, 5n]);
  const trace = savedTrace({ transfers: p.flows });
  const [chain, ...others] = findPeelChains(trace);
  assert.equal(others.length, 0);
  assert.ok(chain);
  assert.deepEqual(chain.links.map((l) => l.address), p.links);
  assert.deepEqual(chain.links.slice(0, -1).map((l) => l.paidOut), p.payouts, 'each link paid out exactly its peel');
  assert.deepEqual(chain.links.map((l) => l.received), p.received);
  assert.equal(chain.links.at(-1)!.paidOut, 0n, 'the last link keeps what it received');
  const [step] = detectPeelChains(trace);
  assert.ok(step);
  assert.equal(step.kind, 'peel-chain');
  assert.equal(step.size, 4);
  assert.deepEqual(step.addresses, p.links);
  assert.equal(amountOf(step, 'ETH'), 100n * E18, 'what entered the chain');
  assert.equal(step.txCount, 6, 'three pass-ons and three payouts');
  // The last change paid into an exchange: the exchange is not a link, the chain ends at the payer.
  const l = lookups({ [`${ETH_CHAIN}|${p.links[3]}`]: ['Northwind Exchange', 'exchange'] });
  const [short] = findPeelChains(trace, ctxOf(l));
  assert.deepEqual(short!.links.map((x) => x.address), p.links.slice(0, 3));
});

test('peel chain near misses: two links are a payment with change; an even split or 60% passed on is no peel', () => {
  assert.deepEqual(detectPeelChains(savedTrace({ transfers: accountPeel(2, 10n * E18, [10n]).flows })), [], 'a 2-link chain is not a peel chain');
  // The middle link splits evenly: the chain breaks there, leaving two 2-link pieces.
  assert.deepEqual(detectPeelChains(savedTrace({ transfers: accountPeel(4, 10n * E18, [10n, 50n, 10n]).flows })), [], 'an even split is not a peel');
  assert.deepEqual(detectPeelChains(savedTrace({ transfers: accountPeel(3, 10n * E18, [40n, 40n]).flows })), [], '60% passed on is below 70%');
  // Exactly 70% passed on is a peel.
  assert.equal(detectPeelChains(savedTrace({ transfers: accountPeel(3, 10n * E18, [30n, 30n]).flows })).length, 1);
  // Passing everything on, paying nothing out, is a hop, not a peel.
  assert.deepEqual(detectPeelChains(savedTrace({ transfers: accountPeel(4, 10n * E18, [0n, 0n, 0n]).flows.filter((f) => f.amount !== '0') })), []);
});

test('a 2,000-link peel chain is found whole as one step', () => {
  const p = accountPeel(2000, 10n ** 30n, Array.from({ length: 1999 }, (_, i) => BigInt(1 + (i % 5))));
  const [step, ...more] = detectPeelChains(savedTrace({ transfers: p.flows }));
  assert.equal(more.length, 0);
  assert.equal(step!.size, 2000);
  assert.equal(step!.txs.length, 50, 'at most 50 listed');
  assert.equal(step!.txCount, 2 * 1999);
});

// ------------------------------------------------------------------------------------------------
// Swaps, bridges, mixers, CoinJoins, exchanges.

test('swap: a swap link crossed, a defi_dex address reached, or another asset sent within the hour', () => {
  const thief = addr(0x400);
  const router = addr(0x401);
  const into = tr({ from: thief, to: router, amount: 30n * E18, time: T0, hops: 4 });
  const payout = tr({ asset: BTC, from: 'bc1qvault', to: 'bc1qthief', amount: 180_000_000n, time: T0 + 600, hops: 5, ref: '0' });
  const crossed = { linkId: 9, from: { chain: ETH_CHAIN, tx: into.tx }, to: { chain: BTC_CHAIN, tx: payout.tx, ref: '0' }, kind: 'swap', tracedIn: into.traced, tracedOut: payout.traced };
  const trace = savedTrace({ transfers: [into, payout], links: [crossed] });
  const [step, ...more] = detectSwaps(trace);
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.addresses[0], router);
  assert.equal(amountOf(step, 'ETH'), 30n * E18, 'the value in');
  assert.equal(amountOf(step, 'BTC'), 180_000_000n, 'the value out');
  assert.deepEqual(new Set(step.txs.map((t) => t.tx)), new Set([into.tx, payout.tx]));
  // The case has since rejected the link: no swap.
  assert.deepEqual(detectSwaps(trace, ctxOf(lookups(), [caseLink(9, 'swap', crossed.from, crossed.to, 'rejected')])), []);

  // Labelled defi_dex: one swap step named by the label, counted once though the link and the label both see it.
  const l = lookups({ [`${ETH_CHAIN}|${router}`]: ['Tidal Swap', 'defi_dex'] });
  const named = detectSwaps(trace, ctxOf(l));
  assert.equal(named.length, 1);
  assert.deepEqual(named[0]!.service, { name: 'Tidal Swap', category: 'defi_dex' });
  assert.equal(amountOf(named[0]!, 'ETH'), 30n * E18);
  const labelOnly = detectSwaps(savedTrace({ transfers: [into] }), ctxOf(l));
  assert.equal(labelOnly.length, 1);
  assert.equal(amountOf(labelOnly[0]!, 'ETH'), 30n * E18);
  assert.deepEqual(detectSwaps(savedTrace({ transfers: [into] })), [], 'unlabelled and no link: nothing');

  // Another asset out within the hour, more of it than the address received: a swap there.
  const desk = addr(0x402);
  const ethIn = tr({ from: thief, to: desk, amount: 10n * E18, time: T0, hops: 2 });
  const usdtOut = tr({ asset: USDT, from: desk, to: thief, amount: 25_000_000_000n, time: T0 + 40 * 60, hops: 3 });
  const changed = detectSwaps(savedTrace({ transfers: [ethIn, usdtOut] }));
  assert.equal(changed.length, 1);
  assert.equal(changed[0]!.addresses[0], desk);
  assert.equal(amountOf(changed[0]!, 'USDT'), 25_000_000_000n);
  const late = { ...usdtOut, tx: nextTx(), time: T0 + 2 * HOUR };
  assert.deepEqual(detectSwaps(savedTrace({ transfers: [ethIn, late] })), [], 'two hours later is not a swap');
  // Both assets came in (a victim's ETH and USDT), and the USDT leaves: passed on, not swapped.
  const usdtIn = tr({ asset: USDT, from: thief, to: desk, amount: 25_000_000_000n, time: T0, hops: 2 });
  assert.deepEqual(detectSwaps(savedTrace({ transfers: [ethIn, usdtIn, usdtOut] })), []);
});

test('bridge: a bridge link crossed or a bridge-labelled address reached; a rejected link or an unlabelled address is not', () => {
  const lock = addr(0x500);
  const wallets = [addr(31), addr(32), addr(33)];
  const locks = wallets.map((w, i) => tr({ asset: USDT, from: w, to: lock, amount: BigInt(i + 1) * 1_000_000n, time: T0 + i, hops: 2 }));
  const l = lookups({ [`${ETH_CHAIN}|${lock}`]: ['Arc Bridge', 'bridge'] });
  const [step, ...more] = detectBridges(savedTrace({ transfers: locks }), ctxOf(l));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.deepEqual(step.service, { name: 'Arc Bridge', category: 'bridge' });
  assert.equal(step.addresses[0], lock);
  assert.equal(amountOf(step, 'USDT'), 6_000_000n);
  assert.equal(step.txCount, 3);
  assert.deepEqual(detectBridges(savedTrace({ transfers: locks })), [], 'unlabelled, no link');
  // A link of kind bridge the trace crossed.
  const crossed = { linkId: 4, from: { chain: ETH_CHAIN, tx: locks[0]!.tx }, to: { chain: 'tron:0x2b6653dc', tx: 'cd'.repeat(32) }, kind: 'bridge', tracedIn: '1000000', tracedOut: '999000' };
  assert.equal(detectBridges(savedTrace({ transfers: locks, links: [crossed] })).length, 1);
  assert.deepEqual(detectBridges(savedTrace({ transfers: locks, links: [crossed] }), ctxOf(lookups(), [caseLink(4, 'bridge', crossed.from, crossed.to, 'rejected')])), []);
  // Uses of one bridge two days apart are two steps.
  const later = tr({ asset: USDT, from: wallets[0]!, to: lock, amount: 5n, time: T0 + 2 * DAY, hops: 4 });
  assert.equal(detectBridges(savedTrace({ transfers: [...locks, later] }), ctxOf(l)).length, 2);
});

test('mixer: traced value reaching a mixing_service address; none when the address is unlabelled', () => {
  const mixer = addr(0x600);
  const flows = [tr({ from: addr(41), to: mixer, amount: 2n * E18, time: T0, hops: 3 })];
  const eps = [endpoint({ address: mixer, amount: 2n * E18, reason: 'stop', category: 'mixing_service', label: 'Sinbad' })];
  const [step] = detectMixers(savedTrace({ transfers: flows, endpoints: eps }));
  assert.ok(step, 'a stop endpoint of category mixing_service is enough');
  assert.deepEqual(step.service, { name: 'Sinbad', category: 'mixing_service' });
  assert.equal(amountOf(step, 'ETH'), 2n * E18);
  assert.equal(detectMixers(savedTrace({ transfers: flows }), ctxOf(lookups({ [`${ETH_CHAIN}|${mixer}`]: ['Sinbad', 'mixing_service'] }))).length, 1, 'or a label');
  assert.deepEqual(detectMixers(savedTrace({ transfers: flows })), []);
});

test('coinjoin: a traced transaction the CoinJoin lookup recognises; not one it does not', () => {
  const tx = 'ef'.repeat(32);
  const outs = [0, 1, 2].map((n) => tr({ asset: BTC, tx, ref: String(n), from: 'bc1qthief', to: `bc1qout${n}`, amount: 10_000_000n, time: T0, hops: 3 }));
  const trace = savedTrace({ transfers: outs });
  const [step] = detectCoinJoins(trace, ctxOf(lookups({}, [`${BTC_CHAIN}|${tx}`])));
  assert.ok(step);
  assert.equal(step.txs[0]!.tx, tx);
  assert.equal(step.size, 3);
  assert.equal(amountOf(step, 'BTC'), 30_000_000n);
  assert.deepEqual(detectCoinJoins(trace, NO_CONTEXT), []);
});

test('exchange deposit: value stopped at an exchange-labelled address, named by the label; value resting unlabelled is not', () => {
  const dep = addr(0x700);
  const flows = [tr({ from: addr(51), to: dep, amount: 3n * E18, time: T0, hops: 4 }), tr({ from: addr(52), to: dep, amount: E18, time: T0 + 60, hops: 5 })];
  const eps = [endpoint({ address: dep, amount: 4n * E18, reason: 'stop', category: 'exchange', label: 'Northwind Exchange', hops: 4 })];
  const [step, ...more] = detectExchangeDeposits(savedTrace({ transfers: flows, endpoints: eps }));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.deepEqual(step.service, { name: 'Northwind Exchange', category: 'exchange' });
  assert.equal(step.addresses[0], dep);
  assert.equal(amountOf(step, 'ETH'), 4n * E18);
  assert.equal(step.txCount, 2);
  const resting = [endpoint({ address: dep, amount: 4n * E18, reason: 'rest' })];
  assert.deepEqual(detectExchangeDeposits(savedTrace({ transfers: flows, endpoints: resting })), []);
});

test('exchange hop: an exchange link (in at one exchange, out as another asset); a swap link is not one', () => {
  const dep = addr(0x800);
  const into = tr({ from: addr(61), to: dep, amount: 5n * E18, time: T0, hops: 3 });
  const out = tr({ asset: BTC, from: 'bc1qhot', to: 'bc1qthief2', amount: 30_000_000n, time: T0 + DAY, hops: 4, ref: '1' });
  const link = { linkId: 12, from: { chain: ETH_CHAIN, tx: into.tx }, to: { chain: BTC_CHAIN, tx: out.tx, ref: '1' }, kind: 'exchange', tracedIn: into.traced, tracedOut: out.traced };
  const l = lookups({ [`${ETH_CHAIN}|${dep}`]: ['Harbor Exchange', 'exchange'] });
  const [step] = detectExchangeHops(savedTrace({ transfers: [into, out], links: [link] }), ctxOf(l));
  assert.ok(step);
  assert.deepEqual(step.service, { name: 'Harbor Exchange', category: 'exchange' });
  assert.equal(amountOf(step, 'ETH'), 5n * E18);
  assert.equal(amountOf(step, 'BTC'), 30_000_000n);
  assert.deepEqual(detectExchangeHops(savedTrace({ transfers: [into, out], links: [{ ...link, kind: 'swap' }] })), []);
  // A confirmed case link the trace did not cross, from a transfer that carried traced value, still counts.
  const uncrossed = caseLink(13, 'exchange', { chain: ETH_CHAIN, tx: into.tx }, { chain: BTC_CHAIN, tx: out.tx, ref: '1' });
  assert.equal(detectExchangeHops(savedTrace({ transfers: [into] }), ctxOf(l, [uncrossed])).length, 1);
  // In the signature, the deposit into the hop is not a second step.
  const eps = [endpoint({ address: dep, amount: 5n * E18, reason: 'stop', category: 'exchange', label: 'Harbor Exchange' })];
  const sig = caseSignature({ caseId: 'c', caseName: 'c', traces: [savedTrace({ transfers: [into, out], links: [link], endpoints: eps })], links: [], lookups: l });
  assert.deepEqual(sig.steps.map((s) => s.kind), ['exchange-hop']);
});

// ------------------------------------------------------------------------------------------------
// Dormancy.

test('dormancy: value resting eight days before moving on is dormancy; six days is not', () => {
  const a = addr(0x900);
  const rest = (days: number) => [tr({ from: addr(71), to: a, amount: 2n * E18, time: T0, hops: 2 }), tr({ from: a, to: addr(72), amount: 2n * E18, time: T0 + days * DAY, hops: 3 })];
  const [step, ...more] = detectDormancy(savedTrace({ transfers: rest(8) }));
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.size, 8 * DAY, 'the gap in seconds');
  assert.deepEqual([step.start, step.end], [T0, T0 + 8 * DAY]);
  assert.equal(amountOf(step, 'ETH'), 2n * E18);
  assert.deepEqual(detectDormancy(savedTrace({ transfers: rest(6) })), [], 'a 6-day gap is not dormancy');
  assert.equal(detectDormancy(savedTrace({ transfers: rest(DORMANCY_MIN_SECONDS / DAY) })).length, 1, 'exactly the threshold is dormancy');
  // Moving on after each arrival within hours, then a new arrival: no rest anywhere.
  const busy = [0, 1, 2, 3].flatMap((d) => [tr({ from: addr(71), to: a, amount: E18, time: T0 + d * 3 * DAY }), tr({ from: a, to: addr(72), amount: E18, time: T0 + d * 3 * DAY + HOUR })]);
  assert.deepEqual(detectDormancy(savedTrace({ transfers: busy })), []);
});

// ------------------------------------------------------------------------------------------------
// The signature of hand-built traces.

test('the signature merges a step two traces both find, orders steps in time, and does not double what was stolen', () => {
  const victims = [addr(81), addr(82), addr(83)];
  const thief = addr(0xa00);
  const drains = victims.map((v) => tr({ from: v, to: thief, amount: E18, time: T0 + 10, hops: 1 }));
  const fan = [addr(91), addr(92), addr(93)].map((to, i) => tr({ from: thief, to, amount: E18, time: T0 + HOUR + i, hops: 2 }));
  const one = savedTrace({ transfers: [...drains, ...fan], sources: victims });
  const again = SavedTrace.parse({ ...one, id: one.id + 100, name: 'the same again' });
  const sig = caseSignature({ caseId: 'case-a', caseName: 'Case A', traces: [one, again], links: [], lookups: lookups() });
  assert.deepEqual(sig.steps.map((s) => s.kind), ['consolidation', 'fan-out']);
  assert.equal(sig.theftTime, T0 + 10);
  assert.deepEqual(sig.steps.map((s) => s.sinceTheft), [0, HOUR - 10]);
  assert.deepEqual(sig.stolen.map((s) => s.amount), [(3n * E18).toString()], 'a source both traces share is counted once');
  assert.equal(amountOf(sig.steps[0]!, 'ETH'), 3n * E18, 'a step found twice is not doubled');
  assert.deepEqual(sig.traces.map((t) => t.id), [one.id, again.id]);
});

test('stepWords says what happened in one line', () => {
  const a = addr(0xb00);
  const flows = [0, 1, 2, 3, 4].map((i) => tr({ from: a, to: addr(0xb10 + i), amount: 2_500_000_000_000_000_000n, time: T0 + i * 45 * 60 }));
  const [step] = detectFanOut(savedTrace({ transfers: flows }));
  assert.ok(step);
  assert.equal(stepWords(step), `Fan-out: ${shortAddress(displayAddress(ETH_CHAIN, a))} sent 12.5 ETH to 5 addresses within 3 h`);
});

// ------------------------------------------------------------------------------------------------
// Real data: the peel chain of Bitcoin's first person-to-person payments.

const HAL_PAYMENT = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
/** MANIFEST.md: h170 → h181 → h182 → h183 → h248, each spending the previous one's output 1. */
const CHAIN = ['f4184fc5', 'a16f3ce4', '591e91f8', '12b5633b', '828ef3b0'];
const SAT = 100_000_000n;

let blk: Db;
before(async () => {
  blk = openStore(':memory:');
  await importDataset(blk, { paths: [BLK_FIXTURE] });
});
after(() => blk?.close());

function fixtureTrace(sources: TraceSpecInput['sources']): SavedTrace {
  const spec = TraceSpec.parse({ method: 'fifo', maxHops: 8, sources, stopAt: { categories: [], hubs: false } });
  return { id: 1, name: 'Hal', spec, result: runTrace(blk, spec), createdAt: '2024-01-01T00:00:00.000Z', createdBy: 'test' };
}

test('the real peel chain of blocks 170–248 is found: 5 links, each payout exact', () => {
  const trace = fixtureTrace([{ kind: 'address', chain: 'btc', address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S' }]);
  const chains = findPeelChains(trace);
  assert.equal(chains.length, 1);
  const links = chains[0]!.links;
  assert.deepEqual(links.map((l) => l.tx!.slice(0, 8)), CHAIN);
  assert.equal(links[0]!.tx, HAL_PAYMENT);
  // Block 170: 10 BTC to Hal Finney and 40 BTC of change; then the change peels on.
  assert.deepEqual(links.map((l) => l.paidOut), [10n * SAT, 10n * SAT, 1n * SAT, 1n * SAT, 10n * SAT]);
  assert.deepEqual(links.map((l) => l.received), [50n * SAT, 40n * SAT, 30n * SAT, 29n * SAT, 28n * SAT]);
  assert.deepEqual(links[0]!.payouts.map((p) => p.to), ['1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3']);
  for (const l of links) assert.equal(l.passedOn + l.paidOut, l.received, `${l.tx}: no fee in 2009, every satoshi accounted for`);
  for (let i = 0; i + 1 < links.length; i++) assert.equal(links[i + 1]!.received, links[i]!.passedOn, 'each link spends the change of the one before');

  const [step, ...more] = detectPeelChains(trace);
  assert.equal(more.length, 0);
  assert.ok(step);
  assert.equal(step.size, 5);
  assert.equal(amountOf(step, 'BTC'), 50n * SAT);
  assert.deepEqual([...new Set(step.txs.map((t) => t.tx.slice(0, 8)))], CHAIN);
  // The fan-out rule alone also sees 12cbQ paying five addresses within a day; the signature
  // knows it is the peel chain's payouts and shows the chain once.
  assert.equal(detectFanOut(trace).length, 1);
  const sig = caseSignature({ caseId: 'hal', caseName: 'Hal', traces: [trace], links: [], lookups: lookups() });
  assert.deepEqual(sig.steps.map((s) => s.kind), ['peel-chain']);
  assert.match(stepWords(sig.steps[0]!), /^Peel chain: 5 links from 12cbQ…Tu3S carrying 50 BTC over 17 h$/);
});

test("traced from block 170's change output alone, the chain starts where the traced value is first peeled", () => {
  const trace = fixtureTrace([{ kind: 'tx', chain: 'btc', tx: HAL_PAYMENT, ref: '1' }]);
  const [chain] = findPeelChains(trace);
  assert.ok(chain);
  // The 10 BTC payment of block 170 is not traced value here, so f4184fc5 peels nothing of it.
  assert.deepEqual(chain.links.map((l) => l.tx!.slice(0, 8)), CHAIN.slice(1));
  assert.deepEqual(chain.links.map((l) => l.paidOut), [10n * SAT, 1n * SAT, 1n * SAT, 10n * SAT]);
});

// ------------------------------------------------------------------------------------------------
// A generated theft, against its ground truth.

interface WorldRun {
  g: GroundTruth;
  db: Db;
  trace: SavedTrace;
  links: CrossChainLink[];
  ctx: StepContext;
}

const worldDir = tempDir('cairn-signature-world-');
let world: WorldRun;

/** The label category of each service role in actors.csv (the thief's own deposit addresses included, as an exchange would confirm them). */
function categoryOf(role: string): string | null {
  if (/deposit|hot wallet/.test(role)) return 'exchange';
  if (/lock contract|release wallet/.test(role)) return 'bridge';
  if (role === 'vault') return 'defi_dex';
  if (role === 'coordinator fee') return 'mixing_service';
  return null;
}

before(async () => {
  generateWorld({ seed: 'signature', transfers: 3000, out: worldDir });
  const g = readGroundTruth(worldDir);
  const db = openStore(':memory:');
  await importWorld(db, g);
  const rows = g.actors.flatMap((a) => {
    const c = categoryOf(a.role);
    return c ? [`${a.chain},${a.address},${a.actor},${c}`] : [];
  });
  const file = join(worldDir, 'services.csv');
  writeFileSync(file, ['chain,address,label,category', ...rows].join('\n') + '\n');
  importLabelFiles(db, [file], { skipInvalid: false, now: () => new Date('2024-01-01T00:00:00Z') });
  const links = truthLinks(db, g);
  const spec = TraceSpec.parse({ method: 'fifo', sources: victimSources(g.truth), maxHops: 30, stopAt: { categories: ['exchange', 'mixing_service'], hubs: false } });
  const trace: SavedTrace = { id: 3, name: 'from the victims', spec, result: runTrace(db, spec, { links }), createdAt: '2024-01-01T00:00:00.000Z', createdBy: 'test' };
  const chainIds = new Map((db.prepare('SELECT caip2, id FROM chain').all() as { caip2: string; id: number }[]).map((r) => [r.caip2, r.id]));
  const ctx: StepContext = {
    links,
    lookups: {
      labelOf(chain, address) {
        const l = labelsOf(db, chain, address)[0];
        return l && l.category ? { name: l.label, category: l.category, via: 'label' } : null;
      },
      isCoinJoin(chain, tx) {
        const id = chainIds.get(chain);
        return id !== undefined && getUtxoParts(db, id, tx)?.coinjoin != null;
      },
    },
  };
  world = { g, db, trace, links, ctx };
});
after(() => world?.db.close());

const signatureOf = (w: WorldRun) => caseSignature({ caseId: 'heist', caseName: 'Heist', traces: [w.trace], links: w.links, lookups: w.ctx.lookups });
const txOf = (chain: string, tx: string) => canonicalTxHashFor(chain, tx);

test('a generated theft: every consolidation wallet the truth fills from three or more victims is found, with its exact take', () => {
  const { g } = world;
  assert.equal(world.trace.result.transfersTotal, world.trace.result.transfers.length, 'the trace lists every transfer');
  const steps = detectConsolidation(world.trace, world.ctx);
  const drains = new Map<string, { chain: string; to: string; victims: Set<string>; amounts: Map<string, bigint> }>();
  for (const h of g.hops.filter((x) => x.step === 'drain')) {
    const k = `${h.chain}|${canon(h.chain, h.to)}`;
    const d = drains.get(k) ?? { chain: h.chain, to: canon(h.chain, h.to), victims: new Set<string>(), amounts: new Map<string, bigint>() };
    drains.set(k, d);
    d.victims.add(canon(h.chain, h.from));
    d.amounts.set(h.symbol, (d.amounts.get(h.symbol) ?? 0n) + BigInt(h.amount));
  }
  const expected = [...drains.values()].filter((d) => d.victims.size >= 3);
  assert.ok(expected.length > 0, 'the truth has a consolidation of three or more victims');
  for (const d of drains.values()) {
    const found = steps.filter((s) => s.chain === d.chain && s.addresses[0] === d.to);
    if (d.victims.size < 3) {
      assert.deepEqual(found, [], `${d.to} took from ${d.victims.size} victims only`);
      continue;
    }
    assert.equal(found.length, 1, `the consolidation at ${d.to}`);
    assert.equal(found[0]!.size, d.victims.size);
    assert.deepEqual(new Set(found[0]!.addresses.slice(1)), d.victims);
    for (const [symbol, amount] of d.amounts) assert.equal(amountOf(found[0]!, symbol, d.chain), amount, `${symbol} gathered at ${d.to}`);
  }
  assert.equal(steps.length, expected.length, 'no other consolidation');
});

test("a generated theft: the fan-out, the fan-in and the peel chain of the truth, the chain's payouts exact", () => {
  const { g } = world;
  // Fan-out: each wallet the truth fans out from, to every recipient the truth names.
  const fanOuts = detectFanOut(world.trace, world.ctx);
  const outs = new Map<string, Set<string>>();
  for (const h of g.hops.filter((x) => x.step === 'fan-out')) outs.set(canon(h.chain, h.from), (outs.get(canon(h.chain, h.from)) ?? new Set()).add(canon(h.chain, h.to)));
  assert.ok(outs.size > 0);
  for (const [from, to] of outs) {
    const s = fanOuts.find((x) => x.addresses[0] === from);
    assert.ok(s, `the fan-out from ${from}`);
    for (const r of to) assert.ok(s.addresses.includes(r), `${r} among its recipients`);
  }
  // Fan-in: every merge the truth names, from all its senders, with the exact value.
  const fanIns = detectFanIn(world.trace, world.ctx);
  const ins = new Map<string, { chain: string; from: Set<string>; amount: bigint }>();
  for (const h of g.hops.filter((x) => x.step === 'fan-in')) {
    const k = canon(h.chain, h.to);
    const m = ins.get(k) ?? { chain: h.chain, from: new Set<string>(), amount: 0n };
    ins.set(k, m);
    m.from.add(canon(h.chain, h.from));
    m.amount += BigInt(h.amount);
  }
  assert.ok(ins.size > 0);
  for (const [to, m] of ins) {
    const s = fanIns.find((x) => x.addresses[0] === to);
    assert.ok(s, `the fan-in at ${to}`);
    assert.equal(s.size, m.from.size);
    assert.equal(amountOf(s, 'ETH', m.chain), m.amount);
  }
  // Peel chain: walk the truth's "peel chain" hops from the first one's recipient, along the larger hop out of each link.
  const peelHops = g.hops.filter((x) => x.step === 'peel chain');
  const peelWallets: string[] = [canon(peelHops[0]!.chain, peelHops[0]!.to)];
  const truthPaid: bigint[] = [];
  for (;;) {
    const here = peelWallets[peelWallets.length - 1]!;
    const out = peelHops.filter((h) => canon(h.chain, h.from) === here).sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : -1));
    if (out.length === 0) break;
    peelWallets.push(canon(out[0]!.chain, out[0]!.to));
    truthPaid.push(out.slice(1).reduce((s, h) => s + BigInt(h.amount), 0n));
  }
  const chains = findPeelChains(world.trace, world.ctx);
  assert.equal(chains.length, 1, 'the truth has one peel chain and nothing else peels');
  const links = chains[0]!.links;
  assert.deepEqual(links.map((l) => l.address), peelWallets);
  assert.deepEqual(links.slice(0, -1).map((l) => l.paidOut), truthPaid, 'each link paid out exactly what the truth says');
  assert.equal(links.at(-1)!.passedOn, BigInt(g.truth.swap.in.amount), 'the last link sends the rest to the swap');
  const [step] = detectPeelChains(world.trace, world.ctx);
  assert.equal(step!.size, peelWallets.length);
});

test('a generated theft: the bridge, the swap, the CoinJoin and every exchange deposit, with the truth amounts', () => {
  const { g } = world;
  const { swap, bridge, mixer, exits } = g.truth;
  const [b, ...moreBridges] = detectBridges(world.trace, world.ctx);
  assert.equal(moreBridges.length, 0, 'the three locks and the release are one bridge step');
  assert.ok(b);
  const bTxs = new Set(b.txs.map((t) => `${t.chain}|${t.tx}`));
  for (const l of bridge.locks) assert.ok(bTxs.has(`${l.chain}|${txOf(l.chain, l.tx)}`), `lock ${l.tx}`);
  assert.ok(bTxs.has(`${bridge.release.chain}|${txOf(bridge.release.chain, bridge.release.tx)}`), 'the release');
  assert.equal(amountOf(b, 'USDT', bridge.locks[0]!.chain), bridge.locks.reduce((s, l) => s + BigInt(l.amount), 0n), 'locked');
  assert.equal(amountOf(b, 'USDT', bridge.release.chain), BigInt(bridge.release.amount), 'released');

  const [s, ...moreSwaps] = detectSwaps(world.trace, world.ctx);
  assert.equal(moreSwaps.length, 0);
  assert.ok(s);
  const sTxs = new Set(s.txs.map((t) => t.tx));
  assert.ok(sTxs.has(txOf(swap.in.chain, swap.in.tx)) && sTxs.has(txOf(swap.out.chain, swap.out.tx)));
  assert.equal(amountOf(s, 'ETH'), BigInt(swap.in.amount));
  assert.equal(amountOf(s, swap.out.symbol, swap.out.chain), BigInt(swap.out.amount));

  const joins = detectCoinJoins(world.trace, world.ctx);
  assert.ok(joins.some((j) => j.txs[0]!.tx === mixer.txid), "the thief's CoinJoin");

  // Exchange deposits: every exit of the truth, each deposit's exact amount, and per chain and exchange the exact total.
  const deposits = detectExchangeDeposits(world.trace, world.ctx);
  const totals = new Map<string, bigint>();
  for (const e of exits) {
    const step = deposits.find((d) => d.chain === e.chain && d.service?.name === e.exchange && d.addresses.includes(canon(e.chain, e.deposit)));
    assert.ok(step, `the deposit at ${e.exchange} on ${e.chain}`);
    const tx = step.txs.find((t) => t.tx === txOf(e.chain, e.tx) && t.to === canon(e.chain, e.deposit));
    assert.equal(tx?.amount, e.amount, `${e.exchange} deposit ${e.deposit}`);
    totals.set(`${e.chain}|${e.exchange}`, (totals.get(`${e.chain}|${e.exchange}`) ?? 0n) + BigInt(e.amount));
  }
  for (const [k, total] of totals) {
    const [chain, exchange] = k.split('|') as [string, string];
    const found = deposits.filter((d) => d.chain === chain && d.service?.name === exchange).reduce((x, d) => x + d.amounts.reduce((y, a) => y + BigInt(a.amount), 0n), 0n);
    assert.equal(found, total, `all deposits at ${exchange} on ${chain}`);
  }
});

test('a generated theft: the signature in time order, its timing, services and stolen total from the truth', () => {
  const { g } = world;
  const sig = signatureOf(world);
  const starts = sig.steps.map((s) => s.start ?? Infinity);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'in time order');
  for (const s of sig.steps) assert.equal(s.sinceTheft, s.start === null || sig.theftTime === null ? null : s.start - sig.theftTime);
  // The theft is the drains: the first source transfers.
  const drainTxs = new Set(g.hops.filter((h) => h.step === 'drain').map((h) => `${h.chain}|${txOf(h.chain, h.tx)}`));
  const drainTimes = world.trace.result.transfers.filter((t) => drainTxs.has(`${t.chain}|${t.tx}`)).map((t) => t.time!);
  assert.equal(sig.theftTime, Math.min(...drainTimes));
  // The truth's order: drain, fan-out, fan-in, peel chain, swap, CoinJoin.
  const first = (kind: LaunderingStep['kind']) => sig.steps.findIndex((s) => s.kind === kind);
  const order = ['consolidation', 'fan-in', 'peel-chain', 'swap', 'coinjoin'].map((k) => first(k as LaunderingStep['kind']));
  assert.ok(order.every((i) => i >= 0), `every kind present: ${sig.steps.map((s) => s.kind).join(', ')}`);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'consolidation, fan-in, peel chain, swap, CoinJoin in that order');
  // No step is centred on a service: the bridge takes from three wallets, but that is the bridge's step.
  const services = new Set(world.g.actors.filter((a) => categoryOf(a.role) !== null).map((a) => canon(a.chain, a.address)));
  for (const s of sig.steps.filter((x) => ['consolidation', 'fan-in', 'fan-out', 'peel-chain', 'dormancy'].includes(x.kind))) assert.ok(!services.has(s.addresses[0]!), `${s.kind} at ${s.addresses[0]}`);
  // The CoinJoin's outputs are not also shown as a fan-out.
  assert.ok(!sig.steps.some((s) => s.kind === 'fan-out' && s.txs.every((t) => t.tx === g.truth.mixer.txid)));
  // What was stolen, exactly, per chain and asset.
  for (const [chain, bySymbol] of Object.entries(g.truth.stolen)) {
    for (const [symbol, amount] of Object.entries(bySymbol)) {
      if (amount === '0') continue;
      const got = sig.stolen.filter((x) => x.asset.chain === chain && x.asset.symbol === symbol).reduce((a, x) => a + BigInt(x.amount), 0n);
      assert.equal(got, BigInt(amount), `${symbol} on ${chain}`);
    }
  }
  // Services the value reached: every exit's exchange, the bridge and the swap, each named by its label.
  const names = new Set(sig.services.map((s) => `${s.chain}|${s.name}`));
  for (const e of g.truth.exits) assert.ok(names.has(`${e.chain}|${e.exchange}`), `${e.exchange} on ${e.chain}`);
  const label = (chain: string, address: string) => world.ctx.lookups.labelOf(chain, canon(chain, address))!.name;
  assert.ok(names.has(`${g.truth.swap.in.chain}|${label(g.truth.swap.in.chain, g.truth.swap.in.to)}`), 'the swap');
  assert.ok(names.has(`${g.truth.bridge.locks[0]!.chain}|${label(g.truth.bridge.locks[0]!.chain, g.truth.bridge.locks[0]!.to)}`), 'the bridge');
  for (const s of sig.steps) assert.ok(stepWords(s).length > 0);
});
