/**
 * The synthetic laundering world: a deterministic, seeded multi-chain world written in the real
 * file formats (Bitcoin blk*.dat, ethereum-etl CSV for Ethereum and tronetl CSV for Tron), with
 * the ground truth of who owns what and where the stolen funds went.
 *
 * The world: ordinary users trading with each other; three exchanges whose per-user deposit
 * addresses forward to one hot wallet per chain (the hubs); a swap service (ETH in on
 * Ethereum, BTC out on Bitcoin); a bridge (USDT locked on Ethereum, released on Tron); a
 * CoinJoin-style mixer on Bitcoin. Then a theft: victims on Ethereum and Tron drained into
 * consolidation wallets; on Ethereum a fan-out and fan-in, a peel chain cashing out to exchange
 * deposits, and a swap to BTC; USDT bridged to Tron and cashed out there; on Bitcoin the swap's
 * payout mixed in a CoinJoin and the mixed coins deposited at exchanges.
 *
 * Streams: rows are written as they are made; memory is bounded by the address tables (capped)
 * and the pool of unspent Bitcoin outputs (which stays flat as it is spent).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOutputScript, networkForChain } from '../../../shared/codec/bitcoinScript';
import { tronToBase58 } from '../../../shared/codec/tron';
import { resolveChain } from '../../../shared/model/chains';
import { BlkWriter, p2wpkh, type Coin, type TxOutputSpec } from './blkWriter';
import { AccountChainOut, CsvOut } from './outputs';
import { Rng } from './rng';

export const SYNTH_CHAINS = { eth: 'eip155:1', tron: 'tron:0x2b6653dc', btc: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328' } as const;
export const USDT_ETH = '0xdac17f958d2ee523a2206206994597c13d831ec7';
export const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

/** Named scales, in value transfers. A number is taken as is. */
export const SCALES: Readonly<Record<string, number>> = { tiny: 3_000, small: 50_000, medium: 1_000_000, large: 10_000_000 };

export function parseScale(text: string): number {
  const named = SCALES[text];
  if (named !== undefined) return named;
  if (/^[1-9][0-9]*$/.test(text) && Number(text) >= 1000 && Number(text) <= 1e9) return Number(text);
  throw new Error(`--scale must be ${Object.keys(SCALES).join(', ')} or a number of transfers from 1000 to 1000000000, found "${text}"`);
}

export const EXCHANGES = ['Northwind Exchange', 'Harbor Exchange', 'Kestrel Exchange'] as const;
export const THIEF = 'Thief (synthetic Lazarus-style group)';
const SWAP = 'Tidal Swap (swap service)';
const BRIDGE = 'Arc Bridge';
const MIXER = 'Eddy CoinJoin (mixer)';
const START_TIME = 1_685_000_000; // 2023-05-25
/** Unspent Bitcoin outputs the generator keeps to spend from. */
const MAX_COIN_POOL = 200_000;
/** The Bitcoin leg runs on regtest, whose coin Cairn names rBTC. */
const BTC_SYMBOL = resolveChain(SYNTH_CHAINS.btc).nativeSymbol;
/** Swap rate: 1 ETH = 0.06 BTC, so sats = wei × 6 / 10^12; the swap keeps 0.5%. */
const weiToSats = (wei: bigint): bigint => (wei * 6n) / 10n ** 12n;

export interface GenerateOptions {
  readonly seed: string;
  /** Target number of value transfers over all chains. */
  readonly transfers: number;
  readonly out: string;
  readonly onProgress?: (done: number, total: number, phase: string) => void;
}

/** One hop of the stolen funds: a value transfer the ground truth says carried them. */
export interface TheftHop {
  step: string;
  chain: string;
  tx: string;
  from: string;
  to: string;
  /** 'native' or the token contract. */
  asset: string;
  symbol: string;
  amount: string;
}

export interface WorldTruth {
  format: 'cairn-synthetic-world/1';
  seed: string;
  targetTransfers: number;
  chains: typeof SYNTH_CHAINS;
  files: { bitcoin: string; ethereum: string; tron: string; actors: string; theft: string };
  written: {
    ethereum: { blocks: number; transactions: number; transfers: number; failed: number; tokenTransfers: number };
    tron: { blocks: number; transactions: number; transfers: number; failed: number; tokenTransfers: number };
    bitcoin: { blocks: number; transactions: number; outputs: number; inputs: number; bytes: number };
    /** Ethereum and Tron transfers plus Bitcoin outputs. */
    transfers: number;
  };
  victims: { chain: string; address: string; stolen: { asset: string; symbol: string; amount: string }[] }[];
  /** Per chain and symbol: the total taken from the victims. */
  stolen: Record<string, Record<string, string>>;
  /** The hubs: each exchange's hot wallet per chain. */
  hotWallets: { exchange: string; chain: string; address: string }[];
  /** Where the stolen funds left the laundering path: exchange deposit addresses. */
  exits: { chain: string; exchange: string; deposit: string; symbol: string; amount: string; tx: string }[];
  swap: { in: TheftHop; out: TheftHop; feeSats: string };
  bridge: { locks: TheftHop[]; release: TheftHop; fee: string };
  mixer: { txid: string; participants: number; thiefInput: string; thiefOutputs: string[]; denomination: string };
  hops: number;
}

/** Fixed-size address table, derived from the seed: no state to keep, cheap to look up. */
function table(n: number, make: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function splitExact(total: bigint, parts: number, rng: Rng): bigint[] {
  const weights = Array.from({ length: parts }, () => BigInt(1 + rng.int(100)));
  const sum = weights.reduce((a, b) => a + b, 0n);
  const out = weights.map((w) => (total * w) / sum);
  out[parts - 1] = total - out.slice(0, parts - 1).reduce((a, b) => a + b, 0n);
  return out;
}

export function generateWorld(options: GenerateOptions): WorldTruth {
  const { seed, out } = options;
  const T = options.transfers;
  const rng = new Rng(seed);
  const h = (what: string): Buffer => createHash('sha256').update(`${seed}|${what}`).digest();
  const ethAddr = (what: string): string => '0x' + h(`eth ${what}`).toString('hex').slice(0, 40);
  const tronAddr = (what: string): string => tronToBase58('41' + h(`tron ${what}`).toString('hex').slice(0, 40));
  const btcNet = networkForChain(SYNTH_CHAINS.btc);
  const btcKey = (what: string): Buffer => h(`btc ${what}`).subarray(0, 20);
  const btcAddress = (script: Buffer): string => decodeOutputScript(script, btcNet).addresses[0]!;

  const dirs = { bitcoin: join(out, 'bitcoin', 'blocks'), ethereum: join(out, 'ethereum'), tron: join(out, 'tron'), truth: join(out, 'truth') };
  mkdirSync(dirs.truth, { recursive: true });
  const actors = new CsvOut(join(dirs.truth, 'actors.csv'), 'chain,address,actor,role');
  const theft = new CsvOut(join(dirs.truth, 'theft.csv'), 'step,chain,tx,from,to,asset,symbol,amount');
  let hops = 0;
  const hop = (x: TheftHop): TheftHop => {
    theft.line([x.step, x.chain, x.tx, x.from, x.to, x.asset, x.symbol, x.amount].join(','));
    hops++;
    return x;
  };
  const progress = (done: number, phase: string): void => options.onProgress?.(Math.min(done, T), T, phase);

  // Budgets: a bit over half the transfers on Ethereum, a fifth on Tron, the rest Bitcoin outputs.
  const ethBudget = Math.round(T * 0.55);
  const tronBudget = Math.round(T * 0.2);
  const btcBudget = T - ethBudget - tronBudget;
  const btcTxs = Math.ceil(btcBudget / 2.6);
  const btcBlocks = Math.max(12, Math.ceil(btcTxs / 1500));
  const duration = btcBlocks * 600;
  const theftTime = START_TIME + Math.floor(duration * 0.35);

  const nVictims = Math.max(10, Math.min(1000, Math.round(T / 250)));
  const nEthVictims = Math.ceil(nVictims * 0.6);
  const nTronVictims = nVictims - nEthVictims;

  // ---------------------------------------------------------------- Ethereum
  const ethUsers = table(Math.max(50, Math.min(500_000, Math.round(ethBudget / 30))), (i) => ethAddr(`user ${i}`));
  const ethDeposits = table(ethUsers.length, (i) => ethAddr(`deposit ${i}`));
  const ethHot = EXCHANGES.map((x) => ethAddr(`hot ${x}`));
  const swapVaultEth = ethAddr('swap vault');
  const bridgeEth = ethAddr('bridge lock');
  const ethVictims = table(nEthVictims, (i) => ethAddr(`victim ${i}`));
  const consolidation = table(3, (i) => ethAddr(`thief consolidation ${i}`));
  const fanOut = consolidation.map((_, i) => table(4, (j) => ethAddr(`thief fan-out ${i}.${j}`)));
  const merge = ethAddr('thief merge');
  const PEELS = 6;
  const peel = table(PEELS + 1, (i) => ethAddr(`thief peel ${i}`));
  const thiefDepEth = table(PEELS, (i) => ethAddr(`thief deposit ${i}`));

  ethUsers.forEach((a) => actors.line(`${SYNTH_CHAINS.eth},${a},user,user`));
  ethDeposits.forEach((a, i) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[i % 3]},deposit`));
  ethHot.forEach((a, k) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[k]},hot wallet`));
  actors.line(`${SYNTH_CHAINS.eth},${swapVaultEth},${SWAP},vault`);
  actors.line(`${SYNTH_CHAINS.eth},${bridgeEth},${BRIDGE},lock contract`);
  ethVictims.forEach((a) => actors.line(`${SYNTH_CHAINS.eth},${a},victim,victim`));
  [...consolidation, ...fanOut.flat(), merge, ...peel].forEach((a) => actors.line(`${SYNTH_CHAINS.eth},${a},${THIEF},laundering wallet`));
  thiefDepEth.forEach((a, i) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[i % 3]},deposit (thief's account)`));

  const victimEth = ethVictims.map(() => rng.amount(5n * 10n ** 17n, 20n * 10n ** 18n));
  const victimUsdt = ethVictims.map(() => (rng.chance(0.5) ? rng.amount(10n ** 9n, 2n * 10n ** 11n) : 0n));

  const victims: WorldTruth['victims'] = [];
  const stolen: Record<string, Record<string, bigint>> = { [SYNTH_CHAINS.eth]: { ETH: 0n, USDT: 0n }, [SYNTH_CHAINS.tron]: { USDT: 0n } };
  const exits: WorldTruth['exits'] = [];

  const eth = new AccountChainOut(dirs.ethereum, 'eth', seed, [{ address: USDT_ETH, symbol: 'USDT', name: 'Tether USD', decimals: 6 }], true);
  const ethBlocks = Math.floor(duration / 12);
  const ethTheftBlock = Math.floor(ethBlocks * 0.35);
  const ethPerBlock = ethBudget / ethBlocks;
  // Victims are funded by an exchange withdrawal some time before the theft.
  const fundingBlock = ethVictims.map(() => 1 + rng.int(Math.max(1, ethTheftBlock - 2)));
  const fundedAt = new Map<number, number[]>();
  fundingBlock.forEach((b, v) => fundedAt.set(b, [...(fundedAt.get(b) ?? []), v]));
  const ethAmount = (): bigint => rng.amount(10n ** 15n, 10n ** 20n);
  const usdtAmount = (): bigint => rng.amount(10n ** 6n, 10n ** 11n);
  let swapIn: TheftHop | null = null;
  let swapInTime = 0;
  const locks: TheftHop[] = [];
  let lockTime = 0;
  const cons = { eth: [0n, 0n, 0n], usdt: [0n, 0n, 0n] };
  const fan = fanOut.map(() => [0n, 0n, 0n, 0n]);

  for (let b = 1; b <= ethBlocks; b++) {
    eth.startBlock(b, START_TIME + b * 12);
    for (const v of fundedAt.get(b) ?? []) {
      const k = v % 3;
      eth.native(ethHot[k]!, ethVictims[v]!, victimEth[v]!);
      if (victimUsdt[v]! > 0n) eth.token(USDT_ETH, ethHot[k]!, ethVictims[v]!, victimUsdt[v]!);
    }
    // The theft, step by step, a few minutes apart.
    const at = b - ethTheftBlock;
    if (at === 0) {
      ethVictims.forEach((victim, v) => {
        const c = v % 3;
        const stolenHere: WorldTruth['victims'][number]['stolen'] = [];
        const tx = eth.native(victim, consolidation[c]!, victimEth[v]!);
        hop({ step: 'drain', chain: SYNTH_CHAINS.eth, tx, from: victim, to: consolidation[c]!, asset: 'native', symbol: 'ETH', amount: victimEth[v]!.toString() });
        cons.eth[c]! += victimEth[v]!;
        stolenHere.push({ asset: 'native', symbol: 'ETH', amount: victimEth[v]!.toString() });
        if (victimUsdt[v]! > 0n) {
          const ttx = eth.token(USDT_ETH, victim, consolidation[c]!, victimUsdt[v]!);
          hop({ step: 'drain', chain: SYNTH_CHAINS.eth, tx: ttx, from: victim, to: consolidation[c]!, asset: USDT_ETH, symbol: 'USDT', amount: victimUsdt[v]!.toString() });
          cons.usdt[c]! += victimUsdt[v]!;
          stolenHere.push({ asset: USDT_ETH, symbol: 'USDT', amount: victimUsdt[v]!.toString() });
        }
        stolen[SYNTH_CHAINS.eth]!.ETH! += victimEth[v]!;
        stolen[SYNTH_CHAINS.eth]!.USDT! += victimUsdt[v]!;
        victims.push({ chain: SYNTH_CHAINS.eth, address: victim, stolen: stolenHere });
      });
    } else if (at === 25) {
      consolidation.forEach((c, i) => {
        splitExact(cons.eth[i]!, 4, rng).forEach((amount, j) => {
          fan[i]![j] = amount;
          const tx = eth.native(c, fanOut[i]![j]!, amount);
          hop({ step: 'fan-out', chain: SYNTH_CHAINS.eth, tx, from: c, to: fanOut[i]![j]!, asset: 'native', symbol: 'ETH', amount: amount.toString() });
        });
      });
    } else if (at === 30) {
      consolidation.forEach((c, i) => {
        if (cons.usdt[i]! === 0n) return;
        const tx = eth.token(USDT_ETH, c, bridgeEth, cons.usdt[i]!);
        locks.push(hop({ step: 'bridge lock', chain: SYNTH_CHAINS.eth, tx, from: c, to: bridgeEth, asset: USDT_ETH, symbol: 'USDT', amount: cons.usdt[i]!.toString() }));
      });
      lockTime = eth.time;
    } else if (at === 50) {
      fanOut.forEach((row, i) =>
        row.forEach((f, j) => {
          const tx = eth.native(f, merge, fan[i]![j]!);
          hop({ step: 'fan-in', chain: SYNTH_CHAINS.eth, tx, from: f, to: merge, asset: 'native', symbol: 'ETH', amount: fan[i]![j]!.toString() });
        }),
      );
    } else if (at === 75) {
      let rest = stolen[SYNTH_CHAINS.eth]!.ETH!;
      const tx = eth.native(merge, peel[0]!, rest);
      hop({ step: 'peel chain', chain: SYNTH_CHAINS.eth, tx, from: merge, to: peel[0]!, asset: 'native', symbol: 'ETH', amount: rest.toString() });
    } else if (at > 75 && at <= 75 + PEELS * 5 && (at - 75) % 5 === 0) {
      // Peel hop p: a small part to an exchange deposit (which the exchange sweeps to its hot wallet), the rest on.
      const p = (at - 75) / 5 - 1;
      const held = stolen[SYNTH_CHAINS.eth]!.ETH! - exits.filter((e) => e.chain === SYNTH_CHAINS.eth).reduce((s, e) => s + BigInt(e.amount), 0n);
      const off = (held * BigInt(3 + rng.int(6))) / 100n;
      const k = p % 3;
      const ptx = eth.native(peel[p]!, thiefDepEth[p]!, off);
      hop({ step: 'peel chain', chain: SYNTH_CHAINS.eth, tx: ptx, from: peel[p]!, to: thiefDepEth[p]!, asset: 'native', symbol: 'ETH', amount: off.toString() });
      exits.push({ chain: SYNTH_CHAINS.eth, exchange: EXCHANGES[k]!, deposit: thiefDepEth[p]!, symbol: 'ETH', amount: off.toString(), tx: ptx });
      const stx = eth.native(thiefDepEth[p]!, ethHot[k]!, off);
      hop({ step: 'exchange sweep', chain: SYNTH_CHAINS.eth, tx: stx, from: thiefDepEth[p]!, to: ethHot[k]!, asset: 'native', symbol: 'ETH', amount: off.toString() });
      const ntx = eth.native(peel[p]!, peel[p + 1]!, held - off);
      hop({ step: 'peel chain', chain: SYNTH_CHAINS.eth, tx: ntx, from: peel[p]!, to: peel[p + 1]!, asset: 'native', symbol: 'ETH', amount: (held - off).toString() });
    } else if (at === 75 + PEELS * 5 + 10) {
      const held = stolen[SYNTH_CHAINS.eth]!.ETH! - exits.filter((e) => e.chain === SYNTH_CHAINS.eth).reduce((s, e) => s + BigInt(e.amount), 0n);
      const tx = eth.native(peel[PEELS]!, swapVaultEth, held);
      swapIn = hop({ step: 'swap to BTC', chain: SYNTH_CHAINS.eth, tx, from: peel[PEELS]!, to: swapVaultEth, asset: 'native', symbol: 'ETH', amount: held.toString() });
      swapInTime = eth.time;
    }
    // Noise up to this block's share of the budget.
    const target = Math.round(ethPerBlock * b);
    while (eth.transfers < target) {
      const r = rng.next();
      const a = rng.int(ethUsers.length);
      const user = ethUsers[a]!;
      if (r < 0.3) eth.native(user, ethUsers[rng.int(ethUsers.length)]!, ethAmount(), rng.chance(0.01));
      else if (r < 0.5) eth.token(USDT_ETH, user, ethUsers[rng.int(ethUsers.length)]!, usdtAmount());
      else if (r < 0.72) {
        // A deposit, swept by the exchange to its hot wallet.
        const k = a % 3;
        if (rng.chance(0.5)) {
          const v = ethAmount();
          eth.native(user, ethDeposits[a]!, v);
          eth.native(ethDeposits[a]!, ethHot[k]!, v);
        } else {
          const v = usdtAmount();
          eth.token(USDT_ETH, user, ethDeposits[a]!, v);
          eth.token(USDT_ETH, ethDeposits[a]!, ethHot[k]!, v);
        }
      } else if (r < 0.9) {
        const k = rng.int(3);
        if (rng.chance(0.5)) eth.native(ethHot[k]!, user, ethAmount());
        else eth.token(USDT_ETH, ethHot[k]!, user, usdtAmount());
      } else if (r < 0.95) eth.native(user, swapVaultEth, ethAmount());
      else eth.token(USDT_ETH, user, bridgeEth, usdtAmount());
    }
    eth.endBlock();
    if (b % 500 === 0) progress(eth.transfers, 'Ethereum');
  }
  eth.close();
  if (!swapIn) throw new Error('internal: the world is too short for the theft to reach the swap');

  // ---------------------------------------------------------------- Tron
  const tronUsers = table(Math.max(30, Math.min(500_000, Math.round(tronBudget / 30))), (i) => tronAddr(`user ${i}`));
  const tronDeposits = table(tronUsers.length, (i) => tronAddr(`deposit ${i}`));
  const tronHot = EXCHANGES.map((x) => tronAddr(`hot ${x}`));
  const bridgeTron = tronAddr('bridge release');
  const tronVictims = table(nTronVictims, (i) => tronAddr(`victim ${i}`));
  const tronConsolidation = tronAddr('thief consolidation');
  const tronThief = tronAddr('thief bridge receiver');
  const thiefDepTron = table(3, (i) => tronAddr(`thief deposit ${i}`));
  tronUsers.forEach((a) => actors.line(`${SYNTH_CHAINS.tron},${a},user,user`));
  tronDeposits.forEach((a, i) => actors.line(`${SYNTH_CHAINS.tron},${a},${EXCHANGES[i % 3]},deposit`));
  tronHot.forEach((a, k) => actors.line(`${SYNTH_CHAINS.tron},${a},${EXCHANGES[k]},hot wallet`));
  actors.line(`${SYNTH_CHAINS.tron},${bridgeTron},${BRIDGE},release wallet`);
  tronVictims.forEach((a) => actors.line(`${SYNTH_CHAINS.tron},${a},victim,victim`));
  [tronConsolidation, tronThief].forEach((a) => actors.line(`${SYNTH_CHAINS.tron},${a},${THIEF},laundering wallet`));
  thiefDepTron.forEach((a, i) => actors.line(`${SYNTH_CHAINS.tron},${a},${EXCHANGES[i]},deposit (thief's account)`));

  const victimTronUsdt = tronVictims.map(() => rng.amount(10n ** 9n, 2n * 10n ** 11n));
  const lockedTotal = locks.reduce((s, l) => s + BigInt(l.amount), 0n);
  const bridgeFee = lockedTotal / 1000n;
  let release: TheftHop | null = null;
  const tron = new AccountChainOut(dirs.tron, 'tron', seed, [{ address: USDT_TRON, symbol: 'USDT', name: 'Tether USD', decimals: 6 }], false);
  const tronBlocks = Math.floor(duration / 3);
  const tronTheftBlock = Math.floor(tronBlocks * 0.35);
  const tronPerBlock = tronBudget / tronBlocks;
  const tronFunding = new Map<number, number[]>();
  tronVictims.forEach((_, v) => {
    const b = 1 + rng.int(Math.max(1, tronTheftBlock - 2));
    tronFunding.set(b, [...(tronFunding.get(b) ?? []), v]);
  });
  const trxAmount = (): bigint => rng.amount(10n ** 6n, 10n ** 11n);
  let releaseBlock = -1;
  let tronHeld = 0n;
  for (let b = 1; b <= tronBlocks; b++) {
    tron.startBlock(b, START_TIME + b * 3);
    for (const v of tronFunding.get(b) ?? []) tron.token(USDT_TRON, tronHot[v % 3]!, tronVictims[v]!, victimTronUsdt[v]!);
    if (b === tronTheftBlock) {
      tronVictims.forEach((victim, v) => {
        const tx = tron.token(USDT_TRON, victim, tronConsolidation, victimTronUsdt[v]!);
        hop({ step: 'drain', chain: SYNTH_CHAINS.tron, tx, from: victim, to: tronConsolidation, asset: USDT_TRON, symbol: 'USDT', amount: victimTronUsdt[v]!.toString() });
        stolen[SYNTH_CHAINS.tron]!.USDT! += victimTronUsdt[v]!;
        victims.push({ chain: SYNTH_CHAINS.tron, address: victim, stolen: [{ asset: USDT_TRON, symbol: 'USDT', amount: victimTronUsdt[v]!.toString() }] });
      });
    }
    if (releaseBlock < 0 && lockTime > 0 && tron.time >= lockTime + 300 && b > tronTheftBlock) {
      releaseBlock = b;
      const amount = lockedTotal - bridgeFee;
      if (amount > 0n) {
        const tx = tron.token(USDT_TRON, bridgeTron, tronThief, amount);
        release = hop({ step: 'bridge release', chain: SYNTH_CHAINS.tron, tx, from: bridgeTron, to: tronThief, asset: USDT_TRON, symbol: 'USDT', amount: amount.toString() });
        tronHeld += amount;
      }
    }
    if (releaseBlock > 0 && b === releaseBlock + 20 && stolen[SYNTH_CHAINS.tron]!.USDT! > 0n) {
      const amount = stolen[SYNTH_CHAINS.tron]!.USDT!;
      const tx = tron.token(USDT_TRON, tronConsolidation, tronThief, amount);
      hop({ step: 'consolidate', chain: SYNTH_CHAINS.tron, tx, from: tronConsolidation, to: tronThief, asset: USDT_TRON, symbol: 'USDT', amount: amount.toString() });
      tronHeld += amount;
    }
    if (releaseBlock > 0 && b === releaseBlock + 100 && tronHeld > 0n) {
      splitExact(tronHeld, 3, rng).forEach((amount, k) => {
        const tx = tron.token(USDT_TRON, tronThief, thiefDepTron[k]!, amount);
        hop({ step: 'cash-out', chain: SYNTH_CHAINS.tron, tx, from: tronThief, to: thiefDepTron[k]!, asset: USDT_TRON, symbol: 'USDT', amount: amount.toString() });
        exits.push({ chain: SYNTH_CHAINS.tron, exchange: EXCHANGES[k]!, deposit: thiefDepTron[k]!, symbol: 'USDT', amount: amount.toString(), tx });
        const stx = tron.token(USDT_TRON, thiefDepTron[k]!, tronHot[k]!, amount);
        hop({ step: 'exchange sweep', chain: SYNTH_CHAINS.tron, tx: stx, from: thiefDepTron[k]!, to: tronHot[k]!, asset: USDT_TRON, symbol: 'USDT', amount: amount.toString() });
      });
    }
    const target = Math.round(tronPerBlock * b);
    while (tron.transfers < target) {
      const r = rng.next();
      const a = rng.int(tronUsers.length);
      const user = tronUsers[a]!;
      if (r < 0.5) tron.token(USDT_TRON, user, tronUsers[rng.int(tronUsers.length)]!, usdtAmount());
      else if (r < 0.7) tron.native(user, tronUsers[rng.int(tronUsers.length)]!, trxAmount(), rng.chance(0.01));
      else if (r < 0.85) {
        const v = usdtAmount();
        tron.token(USDT_TRON, user, tronDeposits[a]!, v);
        tron.token(USDT_TRON, tronDeposits[a]!, tronHot[a % 3]!, v);
      } else if (r < 0.95) tron.token(USDT_TRON, tronHot[rng.int(3)]!, user, usdtAmount());
      else tron.token(USDT_TRON, bridgeTron, user, usdtAmount());
    }
    tron.endBlock();
    if (b % 2000 === 0) progress(eth.transfers + tron.transfers, 'Tron');
  }
  tron.close();
  if (lockedTotal > 0n && !release) throw new Error('internal: the world is too short for the bridge release');

  // ---------------------------------------------------------------- Bitcoin
  const nBtcUsers = Math.max(50, Math.min(500_000, Math.round(btcBudget / 20)));
  const userScript = (i: number): Buffer => p2wpkh(btcKey(`user ${i}`));
  const btcHot = EXCHANGES.map((x) => p2wpkh(btcKey(`hot ${x}`)));
  const vaultScript = p2wpkh(btcKey('swap vault'));
  const minerScript = p2wpkh(btcKey('miner'));
  const mixerFeeScript = p2wpkh(btcKey('mixer coordinator'));
  const b1 = p2wpkh(btcKey('thief swap receiver'));
  const b1change = p2wpkh(btcKey('thief mixer change'));
  const MIX_OUTPUTS = 10;
  const b2 = table(MIX_OUTPUTS, (i) => btcAddress(p2wpkh(btcKey(`thief mixed ${i}`))));
  const b2Script = (i: number): Buffer => p2wpkh(btcKey(`thief mixed ${i}`));
  const thiefDepBtc = (i: number): Buffer => p2wpkh(btcKey(`thief deposit ${i}`));
  for (let i = 0; i < nBtcUsers; i++) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(userScript(i))},user,user`);
  btcHot.forEach((s, k) => actors.line(`${SYNTH_CHAINS.btc},${btcAddress(s)},${EXCHANGES[k]},hot wallet`));
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(vaultScript)},${SWAP},vault`);
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(minerScript)},miner,miner`);
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(mixerFeeScript)},${MIXER},coordinator fee`);
  [b1, b1change].forEach((s) => actors.line(`${SYNTH_CHAINS.btc},${btcAddress(s)},${THIEF},laundering wallet`));
  b2.forEach((a) => actors.line(`${SYNTH_CHAINS.btc},${a},${THIEF},mixed output`));
  for (let i = 0; i < MIX_OUTPUTS; i++) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(thiefDepBtc(i))},${EXCHANGES[i % 3]},deposit (thief's account)`);

  const swapSats = weiToSats(BigInt(swapIn.amount));
  const swapFee = (swapSats * 5n) / 1000n;
  const payout = swapSats - swapFee;
  const btc = new BlkWriter(dirs.bitcoin, { firstTime: START_TIME + 600, fileBytes: 64 << 20 });
  const coins: Coin[] = [];
  const vaultCoins: Coin[] = [];
  const take = (): Coin => {
    const at = rng.int(coins.length);
    const c = coins[at]!;
    coins[at] = coins[coins.length - 1]!;
    coins.pop();
    return c;
  };
  // Block 1 allocates the world's starting coins: the swap vault's float and the users' coins.
  // (Its coinbase pays more than a subsidy; Cairn does not check subsidies.)
  const allocation: TxOutputSpec[] = [];
  for (let i = 0; i < 10; i++) allocation.push({ value: payout / 10n + 100_000_000n, script: vaultScript });
  const startCoins = Math.max(200, Math.min(20_000, Math.ceil(btcTxs / btcBlocks) * 2));
  for (let i = 0; i < startCoins; i++) allocation.push({ value: rng.amount(10_000_000n, 200_000_000n), script: userScript(rng.int(nBtcUsers)) });
  const cb1 = btc.endBlock(allocation);
  cb1.outputs.forEach((c) => (c.script.equals(vaultScript) ? vaultCoins : coins).push(c));

  const perBlock = btcTxs / btcBlocks;
  let payoutBlock = -1;
  let thiefCoin: Coin | null = null;
  let mixedCoins: Coin[] = [];
  let swapOut: TheftHop | null = null;
  let mixer: WorldTruth['mixer'] | null = null;
  const depositCoins: { coin: Coin; k: number }[] = [];
  for (let height = 2; height <= btcBlocks + 4; height++) {
    const time = START_TIME + height * 600;
    let fees = 0n;
    if (payoutBlock < 0 && time >= swapInTime + 600) {
      payoutBlock = height;
      let inValue = 0n;
      const ins: Coin[] = [];
      while (inValue < payout + 10_000n) {
        const c = vaultCoins.pop()!;
        ins.push(c);
        inValue += c.value;
      }
      const fee = 2_000n;
      const tx = btc.addTx(ins.map((coin) => ({ coin })), [{ value: payout, script: b1 }, { value: inValue - payout - fee, script: vaultScript }]);
      fees += fee;
      thiefCoin = tx.outputs[0]!;
      vaultCoins.push(tx.outputs[1]!);
      swapOut = hop({ step: 'swap to BTC', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(vaultScript), to: btcAddress(b1), asset: 'native', symbol: BTC_SYMBOL, amount: payout.toString() });
    } else if (payoutBlock > 0 && height === payoutBlock + 1 && thiefCoin) {
      // The CoinJoin: the thief's coin and nine other participants', equal outputs for all.
      const denom = ((payout / BigInt(MIX_OUTPUTS + 1)) / 100_000n) * 100_000n;
      const coordFee = (denom * BigInt(MIX_OUTPUTS) * 3n) / 1000n;
      const minerFee = 5_000n;
      const ins: Coin[] = [thiefCoin];
      const outs: TxOutputSpec[] = [];
      for (let i = 0; i < MIX_OUTPUTS; i++) outs.push({ value: denom, script: b2Script(i) });
      const thiefChange = payout - denom * BigInt(MIX_OUTPUTS) - coordFee - minerFee;
      outs.push({ value: thiefChange, script: b1change });
      outs.push({ value: coordFee, script: mixerFeeScript });
      let participants = 1;
      for (let p = 0; p < 9 && coins.length > 0; p++) {
        // Other participants bring one coin worth at least a denomination and get it back mixed.
        let c: Coin | null = null;
        for (let tries = 0; tries < 50 && !c; tries++) {
          const cand = take();
          if (cand.value > denom + 10_000n) c = cand;
          else coins.push(cand);
        }
        if (!c) break;
        ins.push(c);
        outs.push({ value: denom, script: userScript(rng.int(nBtcUsers)) });
        outs.push({ value: c.value - denom, script: c.script });
        participants++;
      }
      const tx = btc.addTx(ins.map((coin) => ({ coin })), outs);
      fees += minerFee;
      mixedCoins = tx.outputs.slice(0, MIX_OUTPUTS);
      tx.outputs.slice(MIX_OUTPUTS + 2).forEach((c) => coins.push(c));
      coins.push(tx.outputs[MIX_OUTPUTS + 1]!);
      hop({ step: 'mixer', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(b1), to: btcAddress(b1change), asset: 'native', symbol: BTC_SYMBOL, amount: thiefChange.toString() });
      mixedCoins.forEach((c, i) =>
        hop({ step: 'mixer', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(b1), to: b2[i]!, asset: 'native', symbol: BTC_SYMBOL, amount: c.value.toString() }),
      );
      mixer = { txid: tx.txidHex, participants, thiefInput: payout.toString(), thiefOutputs: b2, denomination: denom.toString() };
    } else if (payoutBlock > 0 && height === payoutBlock + 2) {
      mixedCoins.forEach((coin, i) => {
        const fee = 1_500n;
        const k = i % 3;
        const tx = btc.addTx([{ coin }], [{ value: coin.value - fee, script: thiefDepBtc(i) }]);
        fees += fee;
        hop({ step: 'cash-out', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: b2[i]!, to: btcAddress(thiefDepBtc(i)), asset: 'native', symbol: BTC_SYMBOL, amount: (coin.value - fee).toString() });
        exits.push({ chain: SYNTH_CHAINS.btc, exchange: EXCHANGES[k]!, deposit: btcAddress(thiefDepBtc(i)), symbol: BTC_SYMBOL, amount: (coin.value - fee).toString(), tx: tx.txidHex });
        depositCoins.push({ coin: tx.outputs[0]!, k });
      });
    } else if (payoutBlock > 0 && height === payoutBlock + 3) {
      // Each exchange sweeps its deposits into its hot wallet.
      for (let k = 0; k < 3; k++) {
        const mine = depositCoins.filter((d) => d.k === k);
        if (!mine.length) continue;
        const fee = 3_000n;
        const total = mine.reduce((s, d) => s + d.coin.value, 0n);
        const tx = btc.addTx(mine.map((d) => ({ coin: d.coin })), [{ value: total - fee, script: btcHot[k]! }]);
        fees += fee;
        coins.push(tx.outputs[0]!);
      }
    }
    // Noise: ordinary payments, some to exchange hot wallets, spending earlier outputs.
    const n = height <= btcBlocks ? Math.round(perBlock) : 0;
    for (let t = 0; t < n && coins.length >= 2; t++) {
      // Two inputs on average for two outputs keeps the pool of coins flat; a pool grown past
      // its cap is drawn down by consolidating payments, so memory stays bounded at any scale.
      const nIn = coins.length > MAX_COIN_POOL ? 6 : rng.chance(0.5) ? 1 : 2 + rng.int(3);
      const ins: Coin[] = [];
      let total = 0n;
      for (let k = 0; k < nIn && coins.length > 0; k++) {
        const c = take();
        ins.push(c);
        total += c.value;
      }
      const fee = 1_000n + BigInt(rng.int(4_000));
      if (total <= fee * 10n) {
        coins.push(...ins);
        continue;
      }
      const spend = total - fee;
      const pay = (spend * BigInt(5 + rng.int(90))) / 100n;
      const to = rng.chance(0.15) ? btcHot[rng.int(3)]! : userScript(rng.int(nBtcUsers));
      const tx = btc.addTx(ins.map((coin) => ({ coin })), [{ value: pay, script: to }, { value: spend - pay, script: ins[0]!.script }]);
      fees += fee;
      coins.push(...tx.outputs);
    }
    const cb = btc.endBlock([{ value: 50_0000_0000n + fees, script: minerScript }], time);
    coins.push(cb.outputs[0]!);
    if (height % 20 === 0) progress(eth.transfers + tron.transfers + btc.outputs, 'Bitcoin');
  }
  btc.close();
  actors.close();
  theft.close();
  if (!swapOut || !mixer) throw new Error('internal: the world is too short for the Bitcoin leg of the theft');

  const truth: WorldTruth = {
    format: 'cairn-synthetic-world/1',
    seed,
    targetTransfers: T,
    chains: SYNTH_CHAINS,
    files: { bitcoin: 'bitcoin/blocks', ethereum: 'ethereum', tron: 'tron', actors: 'truth/actors.csv', theft: 'truth/theft.csv' },
    written: {
      ethereum: { blocks: eth.blocks.rows, transactions: eth.txs.rows, transfers: eth.transfers, failed: eth.failed, tokenTransfers: eth.tokenTransfers.rows },
      tron: { blocks: tron.blocks.rows, transactions: tron.txs.rows, transfers: tron.transfers, failed: tron.failed, tokenTransfers: tron.tokenTransfers.rows },
      bitcoin: { blocks: btc.blocks, transactions: btc.txs, outputs: btc.outputs, inputs: btc.inputs, bytes: btc.bytes },
      transfers: eth.transfers + tron.transfers + btc.outputs,
    },
    victims,
    stolen: Object.fromEntries(Object.entries(stolen).map(([c, m]) => [c, Object.fromEntries(Object.entries(m).map(([s, v]) => [s, v.toString()]))])),
    hotWallets: [
      ...ethHot.map((address, k) => ({ exchange: EXCHANGES[k]!, chain: SYNTH_CHAINS.eth, address })),
      ...tronHot.map((address, k) => ({ exchange: EXCHANGES[k]!, chain: SYNTH_CHAINS.tron, address })),
      ...btcHot.map((s, k) => ({ exchange: EXCHANGES[k]!, chain: SYNTH_CHAINS.btc, address: btcAddress(s) })),
    ],
    exits,
    swap: { in: swapIn, out: swapOut, feeSats: swapFee.toString() },
    bridge: { locks, release: release!, fee: bridgeFee.toString() },
    mixer,
    hops,
  };
  writeFileSync(join(out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  progress(T, 'done');
  return truth;
}
