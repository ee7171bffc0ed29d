/**
 * The synthetic laundering world: a deterministic, seeded multi-chain world written in the real
 * file formats (Bitcoin blk*.dat, ethereum-etl CSV for Ethereum and tronetl CSV for Tron), with
 * the ground truth of who owns what (truth/actors.csv, one actor per real owner), the CoinJoin
 * rounds (truth/coinjoins.csv) and where the stolen funds went (truth/theft.csv).
 *
 * The world's owners behave as real ones do, so that address clustering can be measured
 * against the truth (docs/clustering.md, "Measured against ground truth"):
 *
 * - Bitcoin users are HD wallets with many addresses (keys derived from the seed, `user W.J`),
 *   one script type each (most P2WPKH, some legacy P2PKH). A payment spends one or several coins
 *   of ONE wallet, chosen as a wallet's coin selection does (every input needed, except in a
 *   careless minority); the change goes to a fresh address of the same wallet most of the time
 *   and back to an input address sometimes; the payee is another wallet's fresh receiving
 *   address or one it already used; a wallet holding many coins consolidates them.
 * - Exchanges on Bitcoin: a hot wallet of a few addresses each, and one deposit address per
 *   customer that the exchange sweeps into its hot wallet every hour or so (real multi-input
 *   transactions: they rightly join deposits to the exchange); withdrawals are paid from the hot
 *   wallet, batched, with the change back to a hot address. A mining pool pays its members in
 *   batches.
 * - CoinJoin rounds of the shapes seen on Bitcoin, each with at least three participants from
 *   distinct wallets: Whirlpool (a wallet's Tx0 makes premix coins; 5 inputs, 5 outputs of
 *   exactly one pool denomination, new entrants paying the miner fee, remixers free), Wasabi 1
 *   (ZeroLink: 10 or more participants, equal outputs near 0.1 BTC, a coordinator fee, change,
 *   sometimes a 2x mixing level) and JoinMarket (a taker and 2 to 7 makers: n equal outputs of
 *   the taker's amount and up to n change outputs, the makers' fees in their change). The
 *   thief's round is a WabiSabi (Wasabi 2) round of 50 or more inputs at standard
 *   denominations, in which the thief takes ten outputs of one denomination.
 * - Ethereum and Tron users own 1 to 3 addresses; each user has a deposit address at one
 *   exchange which any of the user's addresses pays into again and again, and the exchange
 *   forwards each deposit to its hot wallet within minutes (Victor 2020's deposit-address
 *   pattern); a few users pay someone else's deposit address, as happens.
 *
 * Then a theft: victims on Ethereum and Tron drained into consolidation wallets; on Ethereum a
 * fan-out and fan-in, a peel chain cashing out to exchange deposits, and a swap to BTC (Tidal
 * Swap); USDT bridged to Tron (Arc Bridge) and cashed out there; on Bitcoin the swap's payout
 * mixed in a CoinJoin and the mixed coins deposited at exchanges.
 *
 * Streams: rows are written as they are made; memory is bounded by the address tables (capped),
 * the wallets' pools of unspent Bitcoin outputs (MAX_COIN_POOL in all: a wallet holding many
 * consolidates) and the queues of pending forwards, deposits and Whirlpool coins (capped).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOutputScript, networkForChain } from '../../../shared/codec/bitcoinScript';
import { tronToBase58 } from '../../../shared/codec/tron';
import { resolveChain } from '../../../shared/model/chains';
import { BlkWriter, p2pkh, p2wpkh, type Coin, type TxOutputSpec, type WrittenTx } from './blkWriter';
import { generateCampaigns } from './campaigns';
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
export const SWAP = 'Tidal Swap (swap service)';
export const BRIDGE = 'Arc Bridge';
const MIXER = 'Eddy CoinJoin (mixer)';
const WHIRLPOOL = 'Whirlpool coordinator (synthetic)';
const ZEROLINK = 'ZeroLink coordinator (synthetic Wasabi 1)';
/** The world's clock starts here; block b of Ethereum is at START_TIME + 12b. */
export const START_TIME = 1_685_000_000; // 2023-05-25
/** Unspent Bitcoin outputs the users' wallets hold in all; past it, payments consolidate. */
const MAX_COIN_POOL = 200_000;
/** A wallet holding more coins than this spends several at once. */
const WALLET_SOFT_COINS = 40;
/** Premix and postmix coins waiting in each Whirlpool pool, at most; older ones go back to their wallets. */
const MAX_WHIRLPOOL_QUEUE = 1_000;
const DUST = 546n;
/** The Bitcoin leg runs on regtest, whose coin Cairn names rBTC. */
const BTC_SYMBOL = resolveChain(SYNTH_CHAINS.btc).nativeSymbol;
/** Swap rate: 1 ETH = 0.06 BTC, so sats = wei × 6 / 10^12; the swap keeps 0.5%. */
const weiToSats = (wei: bigint): bigint => (wei * 6n) / 10n ** 12n;
/** Gas of a plain transfer at the world's 1 gwei: what a deposit address's forward of ETH keeps back. */
export const ETH_FORWARD_GAS = 21_000n * 10n ** 9n;

/** Samourai Whirlpool's pools (0.001, 0.01, 0.05, 0.25 and 0.5 BTC), how often the world uses each, and the pool fee (5%, 3.5% for the large pools). */
const WHIRLPOOL_POOLS: readonly { denomination: bigint; weight: number; fee: bigint }[] = [
  { denomination: 100_000n, weight: 0.3, fee: 5_000n },
  { denomination: 1_000_000n, weight: 0.35, fee: 50_000n },
  { denomination: 5_000_000n, weight: 0.2, fee: 175_000n },
  { denomination: 25_000_000n, weight: 0.05, fee: 875_000n },
  { denomination: 50_000_000n, weight: 0.1, fee: 1_750_000n },
];

/**
 * Wasabi 2's standard denominations in satoshi, largest first: powers of 2 and of 3, 2 × 3^n,
 * and 10^n, 2 × 10^n, 5 × 10^n, from 5,000 sat to 1,343.75 BTC (WalletWasabi's list).
 */
const WASABI2_STANDARD: readonly bigint[] = (() => {
  const set = new Set<bigint>();
  const series = (ratio: bigint, times: bigint) => {
    for (let d = 1n; d * times <= 134_375_000_000n; d *= ratio) if (d * times >= 5_000n) set.add(d * times);
  };
  series(2n, 1n);
  series(3n, 1n);
  series(3n, 2n);
  for (const times of [1n, 2n, 5n]) series(10n, times);
  return [...set].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
})();

export interface GenerateOptions {
  readonly seed: string;
  /** Target number of value transfers over all chains. */
  readonly transfers: number;
  readonly out: string;
  /** Also write campaigns (campaigns.ts): more heists by the thief and by other actors, with their truth. Default false. */
  readonly campaigns?: boolean;
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

/** The CoinJoin shapes the world makes (truth/coinjoins.csv). */
export type CoinJoinShape = 'whirlpool' | 'wasabi1' | 'wasabi2' | 'joinmarket';

export interface WorldTruth {
  format: 'cairn-synthetic-world/1';
  seed: string;
  targetTransfers: number;
  chains: typeof SYNTH_CHAINS;
  files: { bitcoin: string; ethereum: string; tron: string; actors: string; theft: string; coinjoins: string };
  written: {
    ethereum: { blocks: number; transactions: number; transfers: number; failed: number; tokenTransfers: number };
    tron: { blocks: number; transactions: number; transfers: number; failed: number; tokenTransfers: number };
    bitcoin: { blocks: number; transactions: number; outputs: number; inputs: number; bytes: number };
    /** Ethereum and Tron transfers plus Bitcoin outputs. */
    transfers: number;
  };
  /** Owners: Bitcoin wallets, Ethereum and Tron users (each with 1 to 3 addresses). */
  owners: { bitcoinWallets: number; ethereumUsers: number; tronUsers: number };
  /** CoinJoin rounds written, per shape (each listed in truth/coinjoins.csv). */
  coinjoins: Record<CoinJoinShape, number>;
  victims: { chain: string; address: string; stolen: { asset: string; symbol: string; amount: string }[] }[];
  /** Per chain and symbol: the total taken from the victims. */
  stolen: Record<string, Record<string, string>>;
  /** The hubs: each exchange's (main) hot wallet address per chain. */
  hotWallets: { exchange: string; chain: string; address: string }[];
  /** Where the stolen funds left the laundering path: exchange deposit addresses. */
  exits: { chain: string; exchange: string; deposit: string; symbol: string; amount: string; tx: string }[];
  swap: { in: TheftHop; out: TheftHop; feeSats: string };
  bridge: { locks: TheftHop[]; release: TheftHop; fee: string };
  /** The thief's CoinJoin: participants are distinct wallets (the thief's included); inputs count every input. */
  mixer: { txid: string; shape: CoinJoinShape; participants: number; inputs: number; thiefInput: string; thiefOutputs: string[]; denomination: string };
  hops: number;
  /** Set only when campaigns were generated: their truth file (truth/campaigns.json, CampaignTruth). */
  campaigns?: string;
}

/** Fixed-size address table, derived from the seed: no state to keep, cheap to look up. */
function table(n: number, make: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

/** `total` split into `parts` random parts that add up to it exactly. */
export function splitExact(total: bigint, parts: number, rng: Rng): bigint[] {
  const weights = Array.from({ length: parts }, () => BigInt(1 + rng.int(100)));
  const sum = weights.reduce((a, b) => a + b, 0n);
  const out = weights.map((w) => (total * w) / sum);
  out[parts - 1] = total - out.slice(0, parts - 1).reduce((a, b) => a + b, 0n);
  return out;
}

const sumValues = (coins: readonly { value: bigint }[]): bigint => coins.reduce((s, c) => s + c.value, 0n);

/** The place value of `v`'s last of `digits` significant digits. */
function roundUnit(v: bigint, digits: number): bigint {
  let unit = 1n;
  const top = 10n ** BigInt(digits);
  while (v / unit >= top) unit *= 10n;
  return unit;
}

/** `v` rounded down to `digits` significant digits: the amounts people choose. */
function roundDown(v: bigint, digits: number): bigint {
  const unit = roundUnit(v, digits);
  return (v / unit) * unit;
}

/**
 * The users of an account chain: user u owns addresses[start[u]] .. addresses[start[u + 1] - 1]
 * (1 to 3 of them: half the users one, the rest two or three).
 */
class AccountUsers {
  readonly start: Int32Array;
  readonly addresses: string[] = [];

  constructor(
    readonly n: number,
    rng: Rng,
    make: (user: number, index: number) => string,
  ) {
    this.start = new Int32Array(n + 1);
    for (let u = 0; u < n; u++) {
      this.start[u] = this.addresses.length;
      const k = rng.chance(0.5) ? 1 : rng.chance(0.6) ? 2 : 3;
      for (let j = 0; j < k; j++) this.addresses.push(make(u, j));
    }
    this.start[n] = this.addresses.length;
  }

  /** One of the user's addresses, at random. */
  any(u: number, rng: Rng): string {
    const from = this.start[u]!;
    return this.addresses[from + rng.int(this.start[u + 1]! - from)]!;
  }

  /** Each user's addresses, in order. */
  forEach(visit: (user: number, address: string) => void): void {
    for (let u = 0; u < this.n; u++) for (let i = this.start[u]!; i < this.start[u + 1]!; i++) visit(u, this.addresses[i]!);
  }
}

/** A value transfer an exchange's deposit address makes later: the forward of a deposit to the hot wallet. */
interface Forward {
  from: string;
  to: string;
  token: string | null;
  value: bigint;
}

/**
 * Bitcoin users' HD wallets: per wallet, its coins, how many addresses it has handed out (the
 * address j of wallet w is the key `user w.j`), its script type, and whether it has used its
 * deposit address at its exchange (wallet w is a customer of exchange w mod 3). Wallets holding
 * coins are kept in a list, so a payer is drawn in constant time.
 */
class Wallets {
  readonly coins: Coin[][];
  readonly issued: Int32Array;
  readonly legacy: Uint8Array;
  readonly deposited: Uint8Array;
  /** Coins held by all wallets. */
  total = 0;
  private readonly funded: number[] = [];
  private readonly fundedAt: Int32Array;

  constructor(
    readonly n: number,
    private readonly rng: Rng,
    private readonly key: (what: string) => Buffer,
  ) {
    this.coins = Array.from({ length: n }, () => []);
    this.issued = new Int32Array(n);
    this.legacy = new Uint8Array(n);
    this.deposited = new Uint8Array(n);
    this.fundedAt = new Int32Array(n).fill(-1);
    for (let w = 0; w < n; w++) this.legacy[w] = rng.chance(0.2) ? 1 : 0;
  }

  script(w: number, j: number): Buffer {
    const k = this.key(`user ${w}.${j}`);
    return this.legacy[w] ? p2pkh(k) : p2wpkh(k);
  }

  /** A new address of the wallet. */
  fresh(w: number): Buffer {
    return this.script(w, this.issued[w]!++);
  }

  /** Where the wallet takes a payment: a new address mostly, one it already used sometimes. */
  receiving(w: number): Buffer {
    return this.issued[w]! > 0 && this.rng.chance(0.35) ? this.script(w, this.rng.int(this.issued[w]!)) : this.fresh(w);
  }

  /** The wallet owner's deposit address at its exchange (owned by the exchange), now used. */
  deposit(w: number): Buffer {
    this.deposited[w] = 1;
    return this.depositScript(w);
  }

  depositScript(w: number): Buffer {
    return p2wpkh(this.key(`deposit ${EXCHANGES[w % 3]} ${w}`));
  }

  add(w: number, coin: Coin): void {
    const list = this.coins[w]!;
    list.push(coin);
    this.total++;
    if (list.length === 1) {
      this.fundedAt[w] = this.funded.length;
      this.funded.push(w);
    }
  }

  /** Takes the wallet's coin at index i out of its pool. */
  take(w: number, i: number): Coin {
    const list = this.coins[w]!;
    const c = list[i]!;
    list[i] = list[list.length - 1]!;
    list.pop();
    this.total--;
    if (list.length === 0) {
      const at = this.fundedAt[w]!;
      const last = this.funded[this.funded.length - 1]!;
      this.funded[at] = last;
      this.fundedAt[last] = at;
      this.funded.pop();
      this.fundedAt[w] = -1;
    }
    return c;
  }

  /** n of the wallet's coins, at random. */
  takeRandom(w: number, n: number): Coin[] {
    const out: Coin[] = [];
    for (let k = 0; k < n && this.coins[w]!.length > 0; k++) out.push(this.take(w, this.rng.int(this.coins[w]!.length)));
    return out;
  }

  /**
   * The fewest of the wallet's largest coins (at most `max`) that reach `need`, taken out of
   * its pool; null (nothing taken) when they do not.
   */
  takeLargest(w: number, need: bigint, max: number): Coin[] | null {
    const list = this.coins[w]!;
    const order = list.map((c, i) => [c.value, i] as const).sort((a, b) => (a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : a[1] - b[1]));
    let sum = 0n;
    let k = 0;
    while (k < order.length && k < max && sum < need) sum += order[k++]![0];
    if (sum < need) return null;
    const chosen = order.slice(0, k).map(([, i]) => list[i]!);
    for (const c of chosen) this.take(w, list.indexOf(c));
    return chosen;
  }

  /** A wallet holding coins, at random; -1 when none does. */
  randomFunded(): number {
    return this.funded.length === 0 ? -1 : this.funded[this.rng.int(this.funded.length)]!;
  }

  /** A payee: some wallets (shops, services) are paid far more often than others. */
  popular(): number {
    return Math.floor(this.n * this.rng.next() ** 2);
  }
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
  const coinjoinsOut = new CsvOut(join(dirs.truth, 'coinjoins.csv'), 'chain,txid,shape,participants');
  const coinjoins: Record<CoinJoinShape, number> = { whirlpool: 0, wasabi1: 0, wasabi2: 0, joinmarket: 0 };
  const coinjoin = (txid: string, shape: CoinJoinShape, participants: number): void => {
    coinjoinsOut.line(`${SYNTH_CHAINS.btc},${txid},${shape},${participants}`);
    coinjoins[shape]++;
  };
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

  const nVictims = Math.max(10, Math.min(1000, Math.round(T / 250)));
  const nEthVictims = Math.ceil(nVictims * 0.6);
  const nTronVictims = nVictims - nEthVictims;

  // ---------------------------------------------------------------- Ethereum
  const ethUsers = new AccountUsers(Math.max(50, Math.min(500_000, Math.round(ethBudget / 30))), rng, (u, j) => ethAddr(j === 0 ? `user ${u}` : `user ${u}.${j}`));
  const ethDeposits = table(ethUsers.n, (i) => ethAddr(`deposit ${i}`));
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

  actors.line(`${SYNTH_CHAINS.eth},${USDT_ETH},Tether (token issuer),token contract`);
  ethUsers.forEach((u, a) => actors.line(`${SYNTH_CHAINS.eth},${a},eth user ${u},user`));
  ethDeposits.forEach((a, i) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[i % 3]},deposit`));
  ethHot.forEach((a, k) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[k]},hot wallet`));
  actors.line(`${SYNTH_CHAINS.eth},${swapVaultEth},${SWAP},vault`);
  actors.line(`${SYNTH_CHAINS.eth},${bridgeEth},${BRIDGE},lock contract`);
  ethVictims.forEach((a, v) => actors.line(`${SYNTH_CHAINS.eth},${a},eth victim ${v},victim`));
  [...consolidation, ...fanOut.flat(), merge, ...peel].forEach((a) => actors.line(`${SYNTH_CHAINS.eth},${a},${THIEF},laundering wallet`));
  thiefDepEth.forEach((a, i) => actors.line(`${SYNTH_CHAINS.eth},${a},${EXCHANGES[i % 3]},deposit (thief's account)`));

  const victimEth = ethVictims.map(() => rng.amount(5n * 10n ** 17n, 20n * 10n ** 18n));
  // Half the victims also hold USDT; the first three hold a lot, so that each consolidation wallet bridges a good part of it.
  const victimUsdt = ethVictims.map((_, v) => (rng.chance(0.5) || v < 3 ? rng.amount(v < 3 ? 5n * 10n ** 10n : 10n ** 9n, 2n * 10n ** 11n) : 0n));

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
  // Deposits waiting for their forward to the hot wallet, by the block that forwards them.
  const ethForwards = new Map<number, Forward[]>();
  const schedule = (queue: Map<number, Forward[]>, block: number, f: Forward): void => {
    const list = queue.get(block);
    if (list) list.push(f);
    else queue.set(block, [f]);
  };

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
      const a = rng.int(ethUsers.n);
      const user = ethUsers.any(a, rng);
      if (r < 0.3) eth.native(user, ethUsers.any(rng.int(ethUsers.n), rng), ethAmount(), rng.chance(0.01));
      else if (r < 0.5) eth.token(USDT_ETH, user, ethUsers.any(rng.int(ethUsers.n), rng), usdtAmount());
      else if (r < 0.72) {
        // A deposit from any of the user's addresses to the user's deposit address (now and then
        // someone else's: paying a person through their exchange account), which the exchange
        // forwards to its hot wallet one to six minutes later, the ETH less the forward's gas.
        const owner = rng.chance(0.02) ? rng.int(ethUsers.n) : a;
        const dep = ethDeposits[owner]!;
        const hot = ethHot[owner % 3]!;
        const when = Math.min(ethBlocks, b + 5 + rng.int(26));
        if (rng.chance(0.5)) {
          const v = rng.amount(10n ** 16n, 10n ** 20n);
          eth.native(user, dep, v);
          schedule(ethForwards, when, { from: dep, to: hot, token: null, value: v - ETH_FORWARD_GAS });
        } else {
          const v = usdtAmount();
          eth.token(USDT_ETH, user, dep, v);
          schedule(ethForwards, when, { from: dep, to: hot, token: USDT_ETH, value: v });
        }
      } else if (r < 0.9) {
        // A withdrawal, mostly from the user's own exchange.
        const k = rng.chance(0.8) ? a % 3 : rng.int(3);
        if (rng.chance(0.5)) eth.native(ethHot[k]!, user, ethAmount());
        else eth.token(USDT_ETH, ethHot[k]!, user, usdtAmount());
      } else if (r < 0.95) eth.native(user, swapVaultEth, ethAmount());
      else eth.token(USDT_ETH, user, bridgeEth, usdtAmount());
    }
    for (const f of ethForwards.get(b) ?? []) {
      if (f.token) eth.token(f.token, f.from, f.to, f.value);
      else eth.native(f.from, f.to, f.value);
    }
    ethForwards.delete(b);
    eth.endBlock();
    if (b % 500 === 0) progress(eth.transfers, 'Ethereum');
  }
  eth.close();
  if (!swapIn) throw new Error('internal: the world is too short for the theft to reach the swap');

  // ---------------------------------------------------------------- Tron
  const tronUsers = new AccountUsers(Math.max(30, Math.min(500_000, Math.round(tronBudget / 30))), rng, (u, j) => tronAddr(j === 0 ? `user ${u}` : `user ${u}.${j}`));
  const tronDeposits = table(tronUsers.n, (i) => tronAddr(`deposit ${i}`));
  const tronHot = EXCHANGES.map((x) => tronAddr(`hot ${x}`));
  const bridgeTron = tronAddr('bridge release');
  const tronVictims = table(nTronVictims, (i) => tronAddr(`victim ${i}`));
  const tronConsolidation = tronAddr('thief consolidation');
  const tronThief = tronAddr('thief bridge receiver');
  const thiefDepTron = table(3, (i) => tronAddr(`thief deposit ${i}`));
  actors.line(`${SYNTH_CHAINS.tron},${USDT_TRON},Tether (token issuer),token contract`);
  tronUsers.forEach((u, a) => actors.line(`${SYNTH_CHAINS.tron},${a},tron user ${u},user`));
  tronDeposits.forEach((a, i) => actors.line(`${SYNTH_CHAINS.tron},${a},${EXCHANGES[i % 3]},deposit`));
  tronHot.forEach((a, k) => actors.line(`${SYNTH_CHAINS.tron},${a},${EXCHANGES[k]},hot wallet`));
  actors.line(`${SYNTH_CHAINS.tron},${bridgeTron},${BRIDGE},release wallet`);
  tronVictims.forEach((a, v) => actors.line(`${SYNTH_CHAINS.tron},${a},tron victim ${v},victim`));
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
  const tronForwards = new Map<number, Forward[]>();
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
      const a = rng.int(tronUsers.n);
      const user = tronUsers.any(a, rng);
      if (r < 0.5) tron.token(USDT_TRON, user, tronUsers.any(rng.int(tronUsers.n), rng), usdtAmount());
      else if (r < 0.7) tron.native(user, tronUsers.any(rng.int(tronUsers.n), rng), trxAmount(), rng.chance(0.01));
      else if (r < 0.85) {
        // A USDT deposit, forwarded by the exchange one to six minutes later (see Ethereum).
        const owner = rng.chance(0.02) ? rng.int(tronUsers.n) : a;
        const v = usdtAmount();
        tron.token(USDT_TRON, user, tronDeposits[owner]!, v);
        schedule(tronForwards, Math.min(tronBlocks, b + 20 + rng.int(101)), { from: tronDeposits[owner]!, to: tronHot[owner % 3]!, token: USDT_TRON, value: v });
      } else if (r < 0.95) tron.token(USDT_TRON, tronHot[rng.chance(0.8) ? a % 3 : rng.int(3)]!, user, usdtAmount());
      else tron.token(USDT_TRON, bridgeTron, user, usdtAmount());
    }
    for (const f of tronForwards.get(b) ?? []) tron.token(f.token!, f.from, f.to, f.value);
    tronForwards.delete(b);
    tron.endBlock();
    if (b % 2000 === 0) progress(eth.transfers + tron.transfers, 'Tron');
  }
  tron.close();
  if (lockedTotal > 0n && !release) throw new Error('internal: the world is too short for the bridge release');

  // ---------------------------------------------------------------- Bitcoin
  const wallets = new Wallets(Math.max(50, Math.min(400_000, Math.round(btcBudget / 25))), rng, btcKey);
  const HOT_ADDRESSES = 3;
  const hotScript = (k: number, i: number): Buffer => p2wpkh(btcKey(i === 0 ? `hot ${EXCHANGES[k]}` : `hot ${EXCHANGES[k]} ${i}`));
  const btcHot = EXCHANGES.map((_, k) => hotScript(k, 0));
  const vaultScript = p2wpkh(btcKey('swap vault'));
  const minerScript = p2wpkh(btcKey('miner'));
  const mixerFeeScript = p2wpkh(btcKey('mixer coordinator'));
  const zeroLinkFeeScript = p2wpkh(btcKey('zerolink coordinator'));
  const b1 = p2wpkh(btcKey('thief swap receiver'));
  const b1change = p2wpkh(btcKey('thief mixer change'));
  const MIX_OUTPUTS = 10;
  const b2 = table(MIX_OUTPUTS, (i) => btcAddress(p2wpkh(btcKey(`thief mixed ${i}`))));
  const b2Script = (i: number): Buffer => p2wpkh(btcKey(`thief mixed ${i}`));
  const thiefDepBtc = (i: number): Buffer => p2wpkh(btcKey(`thief deposit ${i}`));
  for (let k = 0; k < 3; k++) for (let i = 0; i < HOT_ADDRESSES; i++) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(hotScript(k, i))},${EXCHANGES[k]},hot wallet`);
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(vaultScript)},${SWAP},vault`);
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(minerScript)},miner,miner`);
  // The thief's mixer is the first coordinator in the file (readers take the first as "the mixer").
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(mixerFeeScript)},${MIXER},coordinator fee`);
  actors.line(`${SYNTH_CHAINS.btc},${btcAddress(zeroLinkFeeScript)},${ZEROLINK},coordinator fee`);
  [b1, b1change].forEach((s) => actors.line(`${SYNTH_CHAINS.btc},${btcAddress(s)},${THIEF},laundering wallet`));
  b2.forEach((a) => actors.line(`${SYNTH_CHAINS.btc},${a},${THIEF},mixed output`));
  for (let i = 0; i < MIX_OUTPUTS; i++) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(thiefDepBtc(i))},${EXCHANGES[i % 3]},deposit (thief's account)`);
  // Whirlpool derives a new fee address for each Tx0 (all the coordinator's).
  let whirlpoolFeeAddresses = 0;
  const whirlpoolFeeScript = (): Buffer => {
    const s = p2wpkh(btcKey(`whirlpool fee ${whirlpoolFeeAddresses++}`));
    actors.line(`${SYNTH_CHAINS.btc},${btcAddress(s)},${WHIRLPOOL},coordinator fee`);
    return s;
  };

  const swapSats = weiToSats(BigInt(swapIn.amount));
  const swapFee = (swapSats * 5n) / 1000n;
  const payout = swapSats - swapFee;
  const btc = new BlkWriter(dirs.bitcoin, { firstTime: START_TIME + 600, fileBytes: 64 << 20 });
  const vaultCoins: Coin[] = [];
  const minerCoins: Coin[] = [];
  /** Per exchange: customers' deposits waiting for the sweep, and the hot wallet's coins. */
  const pending: Coin[][] = EXCHANGES.map(() => []);
  const hotCoins: Coin[][] = EXCHANGES.map(() => []);
  /** Per Whirlpool pool: premix coins (from Tx0s) and postmix coins waiting to (re)mix, with their wallets. */
  const premix = WHIRLPOOL_POOLS.map(() => [] as { coin: Coin; w: number }[]);
  const postmix = WHIRLPOOL_POOLS.map(() => [] as { coin: Coin; w: number }[]);

  let fees = 0n;
  let blockOutputs = 0;
  /** Adds a transaction to the block; every output goes where `to` says (a pool, or nowhere: kept unspent). */
  const send = (ins: readonly Coin[], outs: readonly (TxOutputSpec & { to?: (c: Coin) => void })[]): WrittenTx => {
    const fee = sumValues(ins) - sumValues(outs);
    if (fee < 0n) throw new Error(`internal: a synthetic Bitcoin transaction pays out ${-fee} sat more than it spends`);
    fees += fee;
    blockOutputs += outs.length;
    const tx = btc.addTx(
      ins.map((coin) => ({ coin })),
      outs.map((o) => ({ value: o.value, script: o.script })),
    );
    tx.outputs.forEach((c, i) => outs[i]!.to?.(c));
    return tx;
  };
  const toWallet = (w: number) => (c: Coin) => wallets.add(w, c);
  const putBack = (w: number, coins: readonly Coin[]): false => {
    coins.forEach((c) => wallets.add(w, c));
    return false;
  };

  /**
   * A wallet pays another wallet or its own exchange account (sometimes someone else's), or
   * consolidates its coins; false when the coins drawn could not pay.
   */
  const payment = (): boolean => {
    const w = wallets.randomFunded();
    if (w < 0) return false;
    const held = wallets.coins[w]!.length;
    const crowded = held > WALLET_SOFT_COINS || wallets.total > MAX_COIN_POOL;
    if (held >= 8 && (crowded || rng.chance(0.03))) {
      // Consolidation: many of the wallet's coins to one new address of its own.
      const ins = wallets.takeRandom(w, Math.min(held, 5 + rng.int(20)));
      const total = sumValues(ins);
      const fee = 500n + 150n * BigInt(ins.length);
      if (total < fee + 10_000n) return putBack(w, ins);
      send(ins, [{ value: total - fee, script: wallets.fresh(w), to: toWallet(w) }]);
      return true;
    }
    const ins = wallets.takeRandom(w, Math.min(held, crowded ? 3 + rng.int(4) : rng.chance(0.6) ? 1 : rng.chance(0.6) ? 2 : 3 + rng.int(2)));
    const total = sumValues(ins);
    const fee = 1_000n + BigInt(rng.int(4_000)) + 150n * BigInt(ins.length);
    if (total <= fee * 10n) return putBack(w, ins);
    const spend = total - fee;
    const smallest = ins.reduce((m, c) => (c.value < m ? c.value : m), ins[0]!.value);
    // Coin selection as wallets do it: with several inputs each one is needed, so the change is
    // smaller than any input; a careless minority spends more coins than the payment needs.
    const needed = ins.length > 1 && !rng.chance(0.15);
    let pay = needed ? spend - smallest + (smallest * BigInt(5 + rng.int(90))) / 100n : (spend * BigInt(5 + rng.int(90))) / 100n;
    if (rng.chance(0.3)) {
      // A round amount (one or two significant digits), rounded up when rounding down would leave an input unneeded.
      const digits = 1 + rng.int(2);
      const down = roundDown(pay, digits);
      const round = !needed || down > spend - smallest ? down : down + roundUnit(pay, digits);
      if (round > 0n && round < spend && (!needed || round > spend - smallest)) pay = round;
    }
    if (pay < DUST) pay = DUST;
    let outs: (TxOutputSpec & { to?: (c: Coin) => void })[];
    if (rng.chance(0.12)) {
      // A deposit to the owner's exchange account; now and then to someone else's.
      const owner = rng.chance(0.02) ? rng.int(wallets.n) : w;
      const k = owner % 3;
      outs = [{ value: pay, script: wallets.deposit(owner), to: (c) => pending[k]!.push(c) }];
    } else {
      let payee = wallets.popular();
      if (payee === w) payee = (w + 1) % wallets.n;
      outs = [{ value: pay, script: wallets.receiving(payee), to: toWallet(payee) }];
    }
    const change = spend - pay;
    // Dust change is left to the miner, as wallets do; the change's place among the outputs is random.
    if (change >= DUST) outs.splice(rng.int(2), 0, { value: change, script: rng.chance(0.2) ? ins[rng.int(ins.length)]!.script : wallets.fresh(w), to: toWallet(w) });
    send(ins, outs);
    return true;
  };

  /** An exchange pays withdrawals from its hot wallet, one or a batch, the change back to a hot address. */
  const withdrawal = (): boolean => {
    const k = rng.int(3);
    const amounts = Array.from({ length: rng.chance(0.7) ? 1 : 2 + rng.int(12) }, () => {
      const v = rng.amount(100_000n, 50_000_000n);
      return rng.chance(0.5) ? roundDown(v, 2) : v;
    });
    const fee = 2_000n + 500n * BigInt(amounts.length);
    const need = sumValues(amounts.map((value) => ({ value }))) + fee + DUST;
    const hot = hotCoins[k]!;
    const ins: Coin[] = [];
    while (sumValues(ins) < need && hot.length > 0 && ins.length < 20) {
      const at = rng.int(hot.length);
      ins.push(hot[at]!);
      hot[at] = hot[hot.length - 1]!;
      hot.pop();
    }
    if (sumValues(ins) < need) {
      hot.push(...ins);
      return false;
    }
    // The exchange's customers are the wallets w with w mod 3 = k.
    const outs: (TxOutputSpec & { to?: (c: Coin) => void })[] = amounts.map((value) => {
      const payee = Math.min(wallets.n - 1, k + 3 * rng.int(Math.ceil(wallets.n / 3)));
      return { value, script: wallets.receiving(payee), to: toWallet(payee) };
    });
    outs.splice(rng.int(outs.length + 1), 0, { value: sumValues(ins) - need + DUST, script: hotScript(k, rng.int(HOT_ADDRESSES)), to: (c) => hot.push(c) });
    send(ins, outs);
    return true;
  };

  /** The exchange sweeps its customers' deposits into its hot wallet: one multi-input transaction. */
  const sweep = (k: number): void => {
    const list = pending[k]!;
    const ins = list.splice(0, Math.min(list.length, 200));
    const fee = 1_000n + 100n * BigInt(ins.length);
    const total = sumValues(ins);
    if (total <= fee + DUST) {
      list.unshift(...ins);
      return;
    }
    send(ins, [{ value: total - fee, script: hotScript(k, rng.int(HOT_ADDRESSES)), to: (c) => hotCoins[k]!.push(c) }]);
  };

  /** The mining pool pays its members from a coinbase, in one batch, the rest back to its address. */
  const minerPayout = (): void => {
    const c = minerCoins.shift();
    if (!c) return;
    const n = 5 + rng.int(26);
    const fee = 2_000n + 300n * BigInt(n);
    const share = (c.value - fee) / BigInt(2 * n);
    const outs: (TxOutputSpec & { to?: (c: Coin) => void })[] = Array.from({ length: n }, () => {
      const w = rng.int(wallets.n);
      return { value: rng.amount(share / 2n, share), script: wallets.receiving(w), to: toWallet(w) };
    });
    outs.push({ value: c.value - fee - sumValues(outs), script: minerScript, to: (x) => minerCoins.push(x) });
    send([c], outs);
  };

  /**
   * Whirlpool's Tx0 by wallet w into pool p: premix coins worth the pool denomination plus the
   * mix's miner fee (all equal), the pool fee to a fresh coordinator address, an OP_RETURN
   * (Samourai's encrypted pool data) and the "toxic" change to a fresh address of the wallet.
   */
  let tx0s = 0;
  const tx0 = (w: number, p: number): boolean => {
    const pool = WHIRLPOOL_POOLS[p]!;
    const each = pool.denomination + 200n + BigInt(rng.int(1_000));
    const want = 1 + rng.int(8);
    const fee = 1_500n + 150n * BigInt(want);
    const ins = wallets.takeLargest(w, each + pool.fee + fee + DUST, 2);
    if (!ins) return false;
    const total = sumValues(ins);
    const n = Math.min(want, Number((total - pool.fee - fee - DUST) / each));
    const data = Buffer.concat([Buffer.from([0x6a, 46]), h(`tx0 ${tx0s}`), h(`tx0 ${tx0s++} more`).subarray(0, 14)]);
    send(ins, [
      { value: 0n, script: data },
      { value: pool.fee, script: whirlpoolFeeScript() },
      ...Array.from({ length: n }, () => ({ value: each, script: wallets.fresh(w), to: (c: Coin) => premix[p]!.push({ coin: c, w }) })),
      { value: total - pool.fee - fee - BigInt(n) * each, script: wallets.fresh(w), to: toWallet(w) },
    ]);
    while (premix[p]!.length > MAX_WHIRLPOOL_QUEUE) {
      const e = premix[p]!.shift()!;
      wallets.add(e.w, e.coin);
    }
    return true;
  };

  /**
   * A Whirlpool mix in pool p: 5 inputs from 5 distinct wallets, one to three new entrants
   * (premix coins, which pay the miner fee) and remixers (postmix coins, exactly the
   * denomination), and 5 outputs of exactly the denomination to fresh addresses.
   */
  const whirlpoolRound = (p: number): boolean => {
    const pool = WHIRLPOOL_POOLS[p]!;
    const round: { coin: Coin; w: number }[] = [];
    const inRound = new Set<number>();
    const from = (queue: { coin: Coin; w: number }[], max: number): number => {
      let got = 0;
      for (let i = 0; i < queue.length && round.length < 5 && got < max; ) {
        if (inRound.has(queue[i]!.w)) i++;
        else {
          const e = queue.splice(i, 1)[0]!;
          round.push(e);
          inRound.add(e.w);
          got++;
        }
      }
      return got;
    };
    // New entrants first (a wallet's Tx0 when none waits), remixers for the other places.
    const wanted = 1 + rng.int(3);
    let entrants = from(premix[p]!, wanted);
    for (let tries = 0; entrants < wanted && tries < 2 * wanted; tries++) {
      const w = wallets.randomFunded();
      if (w >= 0 && !inRound.has(w) && tx0(w, p)) entrants += from(premix[p]!, 1);
    }
    from(postmix[p]!, 5);
    for (let tries = 0; round.length < 5 && tries < 8; tries++) {
      entrants += from(premix[p]!, 5);
      if (round.length < 5) {
        const w = wallets.randomFunded();
        if (w >= 0 && !inRound.has(w)) tx0(w, p);
      }
    }
    if (round.length < 5 || entrants === 0) {
      // Not enough coins of distinct wallets: they wait for the next round.
      for (const e of round) (e.coin.value === pool.denomination ? postmix[p]! : premix[p]!).unshift(e);
      return false;
    }
    rng.shuffle(round);
    const outs = rng.shuffle(round.map((e) => ({ value: pool.denomination, script: wallets.fresh(e.w), w: e.w })));
    const tx = send(
      round.map((e) => e.coin),
      outs.map((o) => ({
        ...o,
        to: (c: Coin) => (rng.chance(0.6) ? postmix[p]!.push({ coin: c, w: o.w }) : wallets.add(o.w, c)),
      })),
    );
    while (postmix[p]!.length > MAX_WHIRLPOOL_QUEUE) {
      const e = postmix[p]!.shift()!;
      wallets.add(e.w, e.coin);
    }
    coinjoin(tx.txidHex, 'whirlpool', 5);
    return true;
  };

  /**
   * A Wasabi 1 (ZeroLink) round: 10 or more wallets, each registering one to three coins for one
   * output of the round's denomination (near 0.1 BTC), some a second at twice it (a mixing
   * level, when two or more reach it), change to a fresh address, and a coordinator fee of
   * 0.003% per anonymity set to the coordinator's one address.
   */
  const wasabi1Round = (): boolean => {
    const d = 9_900_000n + BigInt(rng.int(200_001));
    const want = 10 + rng.int(Math.min(41, 1 + Math.floor(wallets.n / 20)));
    const coordinator = (n: number) => (d * BigInt(n) * 3n) / 100_000n;
    const parts: { w: number; ins: Coin[] }[] = [];
    const inRound = new Set<number>();
    for (let tries = 0; tries < want * 4 && parts.length < want; tries++) {
      const w = wallets.randomFunded();
      if (w < 0 || inRound.has(w)) continue;
      const ins = wallets.takeLargest(w, d + coordinator(want) + 20_000n, 3);
      if (!ins) continue;
      parts.push({ w, ins });
      inRound.add(w);
    }
    if (parts.length < 10) {
      for (const x of parts) putBack(x.w, x.ins);
      return false;
    }
    const perLevel = coordinator(parts.length);
    const rest = parts.map((x) => sumValues(x.ins) - d - perLevel - 700n * BigInt(x.ins.length) - 1_500n);
    const second = parts.map((_, i) => rest[i]! >= 2n * d + perLevel + 10_000n && rng.chance(0.5));
    const level2 = second.filter(Boolean).length >= 2;
    const outs: (TxOutputSpec & { to?: (c: Coin) => void })[] = [];
    let coordinatorFee = 0n;
    parts.forEach((x, i) => {
      outs.push({ value: d, script: wallets.fresh(x.w), to: toWallet(x.w) });
      coordinatorFee += perLevel;
      let change = rest[i]!;
      if (level2 && second[i]) {
        outs.push({ value: 2n * d, script: wallets.fresh(x.w), to: toWallet(x.w) });
        coordinatorFee += perLevel;
        change -= 2n * d + perLevel;
      }
      if (change >= 5_000n) outs.push({ value: change, script: wallets.fresh(x.w), to: toWallet(x.w) });
    });
    outs.push({ value: coordinatorFee, script: zeroLinkFeeScript });
    const tx = send(
      rng.shuffle(parts.flatMap((x) => x.ins)),
      rng.shuffle(outs),
    );
    coinjoin(tx.txidHex, 'wasabi1', parts.length);
    return true;
  };

  /**
   * A JoinMarket round: a taker and 2 to 7 makers (distinct wallets), n equal outputs of the
   * taker's amount (not round, unless the taker chose a round one), each maker's change with its
   * fee, the taker's change unless it swept its coins; the taker pays the miner.
   */
  const joinMarketRound = (): boolean => {
    const n = 3 + rng.int(6);
    const taker = wallets.randomFunded();
    if (taker < 0) return false;
    const tIns = wallets.takeRandom(taker, 1 + (rng.chance(0.3) ? rng.int(3) : 0));
    const tTotal = sumValues(tIns);
    const minerFee = 2_000n + 600n * BigInt(3 * n);
    const sweepAll = rng.chance(0.2);
    const relative = BigInt(2 + rng.int(29)); // maker fees of 0.002% to 0.03% of the amount
    let amount = sweepAll ? ((tTotal - minerFee) * 100_000n) / (100_000n + relative * BigInt(n - 1)) : (tTotal * BigInt(20 + rng.int(71))) / 100n;
    if (!sweepAll && rng.chance(0.25)) amount = roundDown(amount, 1 + rng.int(2));
    if (amount < 100_000n) return putBack(taker, tIns);
    const cjfee = (amount * relative) / 100_000n;
    const makers: { w: number; ins: Coin[] }[] = [];
    const inRound = new Set([taker]);
    for (let tries = 0; tries < 10 * n && makers.length < n - 1; tries++) {
      const w = wallets.randomFunded();
      if (w < 0 || inRound.has(w)) continue;
      const ins = wallets.takeLargest(w, amount + 10_000n, 3);
      if (!ins) continue;
      makers.push({ w, ins });
      inRound.add(w);
    }
    const takerChange = tTotal - amount - cjfee * BigInt(makers.length) - minerFee;
    if (makers.length < 2 || takerChange < 0n) {
      for (const m of makers) putBack(m.w, m.ins);
      return putBack(taker, tIns);
    }
    const outs: (TxOutputSpec & { to?: (c: Coin) => void })[] = [{ value: amount, script: wallets.fresh(taker), to: toWallet(taker) }];
    if (takerChange >= DUST) outs.push({ value: takerChange, script: wallets.fresh(taker), to: toWallet(taker) });
    for (const m of makers) {
      outs.push({ value: amount, script: wallets.fresh(m.w), to: toWallet(m.w) });
      outs.push({ value: sumValues(m.ins) - amount + cjfee, script: wallets.fresh(m.w), to: toWallet(m.w) });
    }
    const tx = send(rng.shuffle([...tIns, ...makers.flatMap((m) => m.ins)]), rng.shuffle(outs));
    coinjoin(tx.txidHex, 'joinmarket', makers.length + 1);
    return true;
  };

  // Block 1 allocates the world's starting coins: the swap vault's float, the exchanges' hot
  // wallets and the users' wallets. (Its coinbase pays more than a subsidy; Cairn does not check subsidies.)
  const allocation: (TxOutputSpec & { to: (c: Coin) => void })[] = [];
  for (let i = 0; i < 10; i++) allocation.push({ value: payout / 10n + 100_000_000n, script: vaultScript, to: (c) => vaultCoins.push(c) });
  for (let k = 0; k < 3; k++) for (let i = 0; i < 10; i++) allocation.push({ value: rng.amount(100_000_000n, 2_000_000_000n), script: hotScript(k, i % HOT_ADDRESSES), to: (c) => hotCoins[k]!.push(c) });
  const startCoins = Math.max(200, Math.min(40_000, wallets.n * 2));
  for (let i = 0; i < startCoins; i++) {
    const w = i < wallets.n ? i : rng.int(wallets.n);
    allocation.push({ value: rng.amount(10_000_000n, 200_000_000n), script: wallets.receiving(w), to: toWallet(w) });
  }
  const cb1 = btc.endBlock(allocation.map((o) => ({ value: o.value, script: o.script })));
  cb1.outputs.forEach((c, i) => allocation[i]!.to(c));

  // CoinJoin rounds per block, as credits: Whirlpool about 3% of the outputs, Wasabi 1 3%, JoinMarket 2%.
  const perBlock = btcBudget / btcBlocks;
  const credit = { whirlpool: 0, wasabi1: 0, joinmarket: 0 };
  let payoutBlock = -1;
  let thiefCoin: Coin | null = null;
  let mixedCoins: Coin[] = [];
  let swapOut: TheftHop | null = null;
  let mixer: WorldTruth['mixer'] | null = null;
  const depositCoins: { coin: Coin; k: number }[] = [];
  for (let height = 2; height <= btcBlocks + 4; height++) {
    const time = START_TIME + height * 600;
    if (payoutBlock < 0 && time >= swapInTime + 600) {
      payoutBlock = height;
      let inValue = 0n;
      const ins: Coin[] = [];
      while (inValue < payout + 10_000n) {
        const c = vaultCoins.pop()!;
        ins.push(c);
        inValue += c.value;
      }
      const tx = send(ins, [{ value: payout, script: b1 }, { value: inValue - payout - 2_000n, script: vaultScript, to: (c) => vaultCoins.push(c) }]);
      thiefCoin = tx.outputs[0]!;
      swapOut = hop({ step: 'swap to BTC', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(vaultScript), to: btcAddress(b1), asset: 'native', symbol: BTC_SYMBOL, amount: payout.toString() });
    } else if (payoutBlock > 0 && height === payoutBlock + 1 && thiefCoin) {
      // The CoinJoin: a WabiSabi (Wasabi 2) round of 50 or more inputs. The thief registers the
      // swap's payout for ten outputs of the largest standard denomination that fits eleven
      // times, and change; the other wallets register one to four coins each and take standard
      // denominations (at most four outputs; what is left is change when worth it, else the
      // miner's). The coordinator keeps 0.3% of each registration above 0.01 BTC.
      const denom = WASABI2_STANDARD.find((v) => v * BigInt(MIX_OUTPUTS + 1) <= payout)!;
      const thiefFee = (payout * 3n) / 1000n;
      const thiefChange = payout - denom * BigInt(MIX_OUTPUTS) - thiefFee - 3_000n;
      let coordinatorFee = thiefFee;
      const others: { w: number; ins: Coin[]; outs: bigint[] }[] = [];
      const inRound = new Set<number>();
      const wantInputs = 49 + rng.int(40);
      let inputs = 0;
      for (let tries = 0; tries < 40 * wantInputs && (inputs < wantInputs || others.length < 3); tries++) {
        const w = wallets.randomFunded();
        if (w < 0 || inRound.has(w)) continue;
        const ins = wallets.takeRandom(w, 1 + rng.int(4));
        const registered = sumValues(ins);
        const fee = registered > 1_000_000n ? (registered * 3n) / 1000n : 0n;
        let left = registered - fee - 1_000n * BigInt(ins.length) - 2_000n;
        if (left < 20_000n) {
          putBack(w, ins);
          continue;
        }
        const outs: bigint[] = [];
        while (outs.length < 4 && left >= WASABI2_STANDARD[WASABI2_STANDARD.length - 1]!) {
          const v = WASABI2_STANDARD.find((x) => x <= left)!;
          outs.push(v);
          left -= v;
        }
        if (left >= 50_000n && left * 100n >= registered) outs.push(left);
        coordinatorFee += fee;
        others.push({ w, ins, outs });
        inRound.add(w);
        inputs += ins.length;
      }
      if (others.length < 2) throw new Error('internal: too few wallets hold coins for the thief’s CoinJoin');
      const mixed: (TxOutputSpec & { to?: (c: Coin) => void })[] = rng.shuffle(others.flatMap((o) => o.outs.map((value) => ({ value, script: wallets.fresh(o.w), to: toWallet(o.w) }))));
      const tx = send(
        [thiefCoin, ...rng.shuffle(others.flatMap((o) => o.ins))],
        [
          ...Array.from({ length: MIX_OUTPUTS }, (_, i) => ({ value: denom, script: b2Script(i) })),
          { value: thiefChange, script: b1change },
          { value: coordinatorFee, script: mixerFeeScript },
          ...mixed,
        ],
      );
      mixedCoins = tx.outputs.slice(0, MIX_OUTPUTS);
      hop({ step: 'mixer', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(b1), to: btcAddress(b1change), asset: 'native', symbol: BTC_SYMBOL, amount: thiefChange.toString() });
      mixedCoins.forEach((c, i) =>
        hop({ step: 'mixer', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: btcAddress(b1), to: b2[i]!, asset: 'native', symbol: BTC_SYMBOL, amount: c.value.toString() }),
      );
      mixer = {
        txid: tx.txidHex,
        shape: 'wasabi2',
        participants: others.length + 1,
        inputs: inputs + 1,
        thiefInput: payout.toString(),
        thiefOutputs: b2,
        denomination: denom.toString(),
      };
      coinjoin(tx.txidHex, 'wasabi2', others.length + 1);
    } else if (payoutBlock > 0 && height === payoutBlock + 2) {
      mixedCoins.forEach((coin, i) => {
        const k = i % 3;
        const tx = send([coin], [{ value: coin.value - 1_500n, script: thiefDepBtc(i) }]);
        hop({ step: 'cash-out', chain: SYNTH_CHAINS.btc, tx: tx.txidHex, from: b2[i]!, to: btcAddress(thiefDepBtc(i)), asset: 'native', symbol: BTC_SYMBOL, amount: (coin.value - 1_500n).toString() });
        exits.push({ chain: SYNTH_CHAINS.btc, exchange: EXCHANGES[k]!, deposit: btcAddress(thiefDepBtc(i)), symbol: BTC_SYMBOL, amount: (coin.value - 1_500n).toString(), tx: tx.txidHex });
        depositCoins.push({ coin: tx.outputs[0]!, k });
      });
    } else if (payoutBlock > 0 && height === payoutBlock + 3) {
      // Each exchange sweeps the thief's deposits into its main hot address.
      for (let k = 0; k < 3; k++) {
        const mine = depositCoins.filter((d) => d.k === k);
        if (!mine.length) continue;
        const total = mine.reduce((s, d) => s + d.coin.value, 0n);
        send(
          mine.map((d) => d.coin),
          [{ value: total - 3_000n, script: btcHot[k]!, to: (c) => hotCoins[k]!.push(c) }],
        );
      }
    }
    if (height <= btcBlocks) {
      // The services' rhythm: each exchange sweeps its deposits hourly, the pool pays out.
      for (let k = 0; k < 3; k++) if (height % 6 === 2 * k || pending[k]!.length >= 150) sweep(k);
      if (rng.chance(0.5)) minerPayout();
      credit.whirlpool += (0.03 * perBlock) / 5;
      credit.wasabi1 += (0.03 * perBlock) / 40;
      credit.joinmarket += (0.02 * perBlock) / 11;
      for (; credit.whirlpool >= 1; credit.whirlpool--) {
        let r = rng.next();
        const p = WHIRLPOOL_POOLS.findIndex((x) => (r -= x.weight) < 0);
        whirlpoolRound(p < 0 ? 0 : p);
      }
      for (; credit.wasabi1 >= 1; credit.wasabi1--) wasabi1Round();
      for (; credit.joinmarket >= 1; credit.joinmarket--) joinMarketRound();
      // Payments and withdrawals up to this block's share of the budget.
      const target = Math.round((btcBudget * (height - 1)) / btcBlocks);
      for (let failures = 0; btc.outputs + blockOutputs + 2 < target && failures < 100; ) failures = (rng.chance(0.1) ? withdrawal() : payment()) ? 0 : failures + 1;
    }
    const cb = btc.endBlock([{ value: 50_0000_0000n + fees, script: minerScript }], time);
    minerCoins.push(cb.outputs[0]!);
    fees = 0n;
    blockOutputs = 0;
    if (height % 20 === 0) progress(eth.transfers + tron.transfers + btc.outputs, 'Bitcoin');
  }
  btc.close();
  // The wallets' addresses and the deposit addresses their owners used, now that all are handed out.
  for (let w = 0; w < wallets.n; w++) {
    for (let j = 0; j < wallets.issued[w]!; j++) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(wallets.script(w, j))},btc wallet ${w},user`);
    if (wallets.deposited[w]) actors.line(`${SYNTH_CHAINS.btc},${btcAddress(wallets.depositScript(w))},${EXCHANGES[w % 3]},deposit`);
  }
  actors.close();
  theft.close();
  coinjoinsOut.close();
  if (!swapOut || !mixer) throw new Error('internal: the world is too short for the Bitcoin leg of the theft');

  const truth: WorldTruth = {
    format: 'cairn-synthetic-world/1',
    seed,
    targetTransfers: T,
    chains: SYNTH_CHAINS,
    files: { bitcoin: 'bitcoin/blocks', ethereum: 'ethereum', tron: 'tron', actors: 'truth/actors.csv', theft: 'truth/theft.csv', coinjoins: 'truth/coinjoins.csv' },
    written: {
      ethereum: { blocks: eth.blocks.rows, transactions: eth.txs.rows, transfers: eth.transfers, failed: eth.failed, tokenTransfers: eth.tokenTransfers.rows },
      tron: { blocks: tron.blocks.rows, transactions: tron.txs.rows, transfers: tron.transfers, failed: tron.failed, tokenTransfers: tron.tokenTransfers.rows },
      bitcoin: { blocks: btc.blocks, transactions: btc.txs, outputs: btc.outputs, inputs: btc.inputs, bytes: btc.bytes },
      transfers: eth.transfers + tron.transfers + btc.outputs,
    },
    owners: { bitcoinWallets: wallets.n, ethereumUsers: ethUsers.n, tronUsers: tronUsers.n },
    coinjoins,
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
  if (options.campaigns) truth.campaigns = generateCampaigns({ seed, out, world: truth }).files.truth;
  writeFileSync(join(out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  progress(T, 'done');
  return truth;
}
