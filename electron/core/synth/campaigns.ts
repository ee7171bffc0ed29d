/**
 * Campaigns in the synthetic world (issue 16): several heists by the world's thief (actor X)
 * and heists by two other actors (Y, Z) with other habits, written on Ethereum after the world
 * ends, with their ground truth, so that a comparison of cases' laundering (same services, same
 * step sequence, funds that meet) can be measured.
 *
 * - X's heist 0 is the world's main theft (its Ethereum part, read from truth/theft.csv). X's
 *   heists 1..N each drain 8 to 25 fresh victims into ONE of the main theft's consolidation
 *   wallets (X's shared consolidation wallet: the heists' funds meet there), wait a day or more,
 *   then follow the main theft's path: a fan-out, the USDT locked at Arc Bridge, a fan-in, a peel
 *   chain cashing out at Northwind Exchange, sometimes a part swapped at Tidal Swap, and the rest
 *   through the Eddy mixer (a custodial, Sinbad-like mixer only X uses), whose payouts are
 *   deposited at Northwind Exchange.
 * - Y drains its victims into a fresh collector and fans out within minutes to many wallets,
 *   which make many small deposits at exchanges: Northwind Exchange (the one service Y shares
 *   with X, a common one) and two exchanges only Y uses.
 * - Z drains its victims into a fresh wallet, swaps the ETH for USDT at a DEX pool within
 *   minutes and locks the USDT at another bridge. No mixer.
 *
 * Every victim is a fresh address funded by a world exchange's withdrawal some days before;
 * every transaction succeeds and has a receipt; an exchange forwards each deposit to its hot
 * wallet within minutes, the ETH less the forward's gas (as world.ts does), so every amount in
 * the truth is exact. Blocks keep the world's clock (block n at START_TIME + 12n), so they come
 * after the world's last block; hashes are derived under their own tag, so none collides.
 *
 * Note: world.ts imports this module and this module imports world.ts; nothing from world.ts is
 * used at this module's top level (only inside functions), so either may be loaded first.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvOut, TOKEN_TRANSFER_HEADER, TX_HEADER } from './outputs';
import { Rng } from './rng';
import { BRIDGE, ETH_FORWARD_GAS, EXCHANGES, splitExact, START_TIME, SWAP, SYNTH_CHAINS, THIEF, USDT_ETH, type TheftHop, type WorldTruth } from './world';

export const CAMPAIGNS_FORMAT = 'cairn-campaigns/1';

/** The step vocabulary of issue 16 (a subset of the attribution detectors' kinds). */
export const CAMPAIGN_STEP_KINDS = ['consolidation', 'fan-out', 'fan-in', 'peel-chain', 'swap', 'bridge', 'mixer', 'exchange-deposit', 'exchange-hop', 'dormancy'] as const;
export type CampaignStepKind = (typeof CAMPAIGN_STEP_KINDS)[number];

export type CampaignActor = 'X' | 'Y' | 'Z';

/** An amount of one asset: asset is 'native' or the token contract; amount in base units. */
export interface CampaignAmount {
  asset: string;
  symbol: string;
  amount: string;
}

export interface CampaignStep {
  kind: CampaignStepKind;
  /** The launderer's transactions that make the step (an exchange's own forwards are not listed). */
  txs: string[];
  /** The addresses the step is about, most important first. */
  addresses: string[];
  /** Unix seconds of the step's first and last transaction (dormancy: the last move in and the first move out). */
  start: number;
  end: number;
}

export interface CampaignService {
  name: string;
  /** TagPack category, as in labels.csv: exchange, mixing_service, bridge, defi_dex. */
  category: string;
  /** The service's own address: an exchange's hot wallet, the mixer's pool, the bridge's lock contract, the swap's vault or pool. */
  address: string;
}

export interface CampaignHeist {
  /** X0 (the world's main theft), X1..XN, Y1, Y2, Z1[, Z2]. */
  id: string;
  actor: CampaignActor;
  chain: string;
  victims: { address: string; stolen: CampaignAmount[] }[];
  /** Unix seconds of the first drain. */
  start: number;
  /** Where the victims' funds are gathered first. */
  consolidation: string;
  /** In time order. */
  steps: CampaignStep[];
  services: CampaignService[];
}

/**
 * An address (not a service's) where two or more heists' stolen funds arrive: per heist and
 * asset, what a FIFO trace from that heist's victims measures arriving there (every transfer
 * in carries only that heist's value). Services' own addresses also receive several heists'
 * funds, by design; they are the heists' services, not meetings.
 */
export interface CampaignMeeting {
  chain: string;
  address: string;
  kind: 'same-address';
  heists: string[];
  /** { [heistId]: { [asset]: amount } }, asset 'native' or the token contract, base units. */
  amounts: Record<string, Record<string, string>>;
}

export interface CampaignTruth {
  format: typeof CAMPAIGNS_FORMAT;
  seed: string;
  /** The world's seed. */
  world: string;
  /** Who each actor is. */
  actors: Record<CampaignActor, string>;
  heists: CampaignHeist[];
  meetings: CampaignMeeting[];
  /** Relative to the world's folder. */
  files: { ethereum: string; labels: string; truth: string };
  written: { blocks: number; transactions: number; transfers: number; tokenTransfers: number; firstBlock: number; lastBlock: number; firstTime: number; lastTime: number };
}

export interface CampaignOptions {
  readonly seed: string;
  /** The world's folder: campaigns/ and truth/campaigns.json are written in it. */
  readonly out: string;
  readonly world: WorldTruth;
  /** X's heists after the main theft; default 3. */
  readonly heists?: number;
}

const FILES = { ethereum: 'campaigns/ethereum', labels: 'campaigns/labels.csv', truth: 'truth/campaigns.json' } as const;
const BLOCK_SECONDS = 12;
const MINUTE = 60 / BLOCK_SECONDS;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ETHER = 10n ** 18n;
const USDT_UNIT = 10n ** 6n;
const RECEIPT_HEADER = 'transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,effective_gas_price';
const GAS = { native: 21_000, token: 65_000, swap: 150_000 } as const;
const ACTOR_NAMES = {
  Y: 'Actor Y (synthetic fast cash-out crew)',
  Z: 'Actor Z (synthetic swap-and-bridge crew)',
} as const;
/** The services only the campaigns use (the others are the world's). */
const MIXER = 'Eddy Mixer (synthetic Sinbad-like custodial mixer)';
const DEX = 'Reef DEX (synthetic AMM pool)';
const Z_BRIDGE = 'Strait Bridge';
const Y_EXCHANGES = ['Quarry Exchange', 'Lumen Exchange'] as const;

interface TokenMove {
  token: string;
  from: string;
  to: string;
  amount: bigint;
}

interface PlannedTx {
  block: number;
  seq: number;
  hash: string;
  from: string;
  to: string;
  value: bigint;
  input: string;
  gas: number;
  tokens: TokenMove[];
}

/**
 * The campaigns' Ethereum transactions, planned in any order (each heist is made whole, one
 * after the other) and written in block order: heists overlap in time, their blocks interleave.
 */
class CampaignChain {
  private readonly planned: PlannedTx[] = [];

  constructor(private readonly seed: string) {}

  private digest(what: string): string {
    return '0x' + createHash('sha256').update(`${this.seed}|campaigns eth|${what}`).digest('hex');
  }

  /** The world's clock: block n is at START_TIME + 12n. */
  timeOf(block: number): number {
    return START_TIME + block * BLOCK_SECONDS;
  }

  private add(block: number, from: string, to: string, value: bigint, input: string, gas: number, tokens: TokenMove[]): string {
    const seq = this.planned.length;
    const hash = this.digest(`tx ${seq}`);
    this.planned.push({ block, seq, hash, from, to, value, input, gas, tokens });
    return hash;
  }

  native(block: number, from: string, to: string, value: bigint): string {
    return this.add(block, from, to, value, '0x', GAS.native, []);
  }

  /** A token `transfer` call and its Transfer event. */
  token(block: number, token: string, from: string, to: string, amount: bigint): string {
    return this.add(block, from, token, 0n, '0xa9059cbb', GAS.token, [{ token, from, to, amount }]);
  }

  /** A swap of ETH for a token at a pool, in one transaction: the ETH in as its value, the token out as its Transfer event. */
  swapEthForToken(block: number, from: string, pool: string, wei: bigint, token: string, out: bigint): string {
    return this.add(block, from, pool, wei, '0x7ff36ab5', GAS.swap, [{ token, from: pool, to: from, amount: out }]);
  }

  /** Writes blocks, transactions (with receipt_status), receipts, token transfers and tokens, as ethereum-etl does. */
  write(dir: string): CampaignTruth['written'] {
    mkdirSync(dir, { recursive: true });
    const txs = [...this.planned].sort((a, b) => a.block - b.block || a.seq - b.seq);
    const tokens = new CsvOut(join(dir, 'tokens.csv'), 'address,symbol,name,decimals,total_supply,block_number');
    tokens.line(`${USDT_ETH},USDT,Tether USD,6,,1`);
    tokens.close();
    const blocks = new CsvOut(join(dir, 'blocks.csv'), 'number,hash,parent_hash,timestamp,transaction_count');
    const txOut = new CsvOut(join(dir, 'transactions.csv'), TX_HEADER);
    const receipts = new CsvOut(join(dir, 'receipts.csv'), RECEIPT_HEADER);
    const transfersOut = new CsvOut(join(dir, 'token_transfers.csv'), TOKEN_TRANSFER_HEADER);
    let transfers = 0;
    for (let i = 0; i < txs.length; ) {
      const block = txs[i]!.block;
      const hash = this.digest(`block ${block}`);
      const time = this.timeOf(block);
      let index = 0;
      let cumulative = 0;
      let logIndex = 0;
      for (; i < txs.length && txs[i]!.block === block; i++, index++) {
        const t = txs[i]!;
        cumulative += t.gas;
        txOut.line(`${t.hash},0,${hash},${block},${index},${t.from},${t.to},${t.value},${t.gas},1000000000,${t.input},${time},1`);
        receipts.line(`${t.hash},${index},${hash},${block},${cumulative},${t.gas},,,1,1000000000`);
        if (t.value > 0n) transfers++;
        for (const m of t.tokens) {
          transfersOut.line(`${m.token},${m.from},${m.to},${m.amount},${t.hash},${logIndex++},${block}`);
          transfers++;
        }
      }
      blocks.line(`${block},${hash},${this.digest(`block ${block - 1}`)},${time},${index}`);
    }
    const written = {
      blocks: blocks.rows,
      transactions: txOut.rows,
      transfers,
      tokenTransfers: transfersOut.rows,
      firstBlock: txs[0]?.block ?? 0,
      lastBlock: txs[txs.length - 1]?.block ?? 0,
      firstTime: txs.length ? this.timeOf(txs[0]!.block) : 0,
      lastTime: txs.length ? this.timeOf(txs[txs.length - 1]!.block) : 0,
    };
    for (const f of [blocks, txOut, receipts, transfersOut]) f.close();
    return written;
  }
}

/** A heist as it is made: its victims, steps and services, in the truth's shape. */
class HeistRecord {
  readonly victims: CampaignHeist['victims'] = [];
  readonly steps: CampaignStep[] = [];
  private readonly services = new Map<string, CampaignService>();
  start = 0;

  constructor(
    readonly id: string,
    readonly actor: CampaignActor,
    readonly consolidation: string,
    private readonly chain: CampaignChain,
  ) {}

  step(kind: CampaignStepKind, txs: string[], addresses: string[], firstBlock: number, lastBlock: number): void {
    this.steps.push({ kind, txs, addresses: [...new Set(addresses)], start: this.chain.timeOf(firstBlock), end: this.chain.timeOf(lastBlock) });
  }

  service(s: CampaignService): void {
    this.services.set(`${s.name}\u0000${s.address}`, s);
  }

  done(): CampaignHeist {
    const steps = [...this.steps].sort((a, b) => a.start - b.start);
    return { id: this.id, actor: this.actor, chain: SYNTH_CHAINS.eth, victims: this.victims, start: this.start, consolidation: this.consolidation, steps, services: [...this.services.values()] };
  }
}

/** A uniform integer in [lo, hi]. */
const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo + 1);

/**
 * The block timestamps of the wanted transactions, read from an ethereum-etl transactions file
 * in chunks (the world's file may be large; only the theft's few rows are wanted).
 */
function txTimes(path: string, wanted: ReadonlySet<string>): Map<string, number> {
  const found = new Map<string, number>();
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let rest = '';
    let timeCol = -1;
    for (let n = readSync(fd, buf); n > 0 && found.size < wanted.size; n = readSync(fd, buf)) {
      const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (timeCol < 0) {
          timeCol = line.split(',').indexOf('block_timestamp');
          if (timeCol < 0) throw new Error(`${path}: not an ethereum-etl transactions file with a block_timestamp column`);
          continue;
        }
        const hash = line.slice(0, line.indexOf(','));
        if (wanted.has(hash)) found.set(hash, Number(line.split(',')[timeCol]));
      }
    }
    if (rest && timeCol >= 0) {
      const hash = rest.slice(0, rest.indexOf(','));
      if (wanted.has(hash)) found.set(hash, Number(rest.split(',')[timeCol]));
    }
  } finally {
    closeSync(fd);
  }
  const missing = [...wanted].filter((h) => !found.has(h));
  if (missing.length) throw new Error(`${path} has no transaction ${missing[0]} (of ${missing.length} the theft's truth names): is it the world's own folder?`);
  return found;
}

/** A row of truth/theft.csv: the world's TheftHop. */
type TheftRow = TheftHop;

/** truth/theft.csv's Ethereum rows (no field holds a comma). */
function theftRows(path: string): TheftRow[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  if (head !== 'step,chain,tx,from,to,asset,symbol,amount') throw new Error(`${path}: not the world's theft.csv (header "${head?.slice(0, 60)}")`);
  return lines
    .map((l) => {
      const [step, chain, tx, from, to, asset, symbol, amount] = l.split(',') as [string, string, string, string, string, string, string, string];
      return { step, chain, tx, from, to, asset, symbol, amount };
    })
    .filter((r) => r.chain === SYNTH_CHAINS.eth);
}

/** Per asset, the sum of the amounts. */
function sumByAsset(rows: readonly { asset: string; amount: bigint | string }[]): Record<string, string> {
  const out: Record<string, bigint> = {};
  for (const r of rows) out[r.asset] = (out[r.asset] ?? 0n) + BigInt(r.amount);
  return Object.fromEntries(Object.entries(out).map(([a, v]) => [a, v.toString()]));
}

/**
 * Writes the campaigns into `<out>/campaigns/` and `<out>/truth/campaigns.json` beside an
 * already written world, and returns their truth.
 */
export function generateCampaigns(options: CampaignOptions): CampaignTruth {
  const { seed, out, world } = options;
  const nX = options.heists ?? 3;
  if (!Number.isInteger(nX) || nX < 1 || nX > 50) throw new Error(`campaigns: heists must be a whole number from 1 to 50, found ${nX}`);
  const ETH = SYNTH_CHAINS.eth;
  const rng = new Rng(`campaigns|${seed}`);
  const addr = (what: string): string => '0x' + createHash('sha256').update(`${seed}|campaigns|eth ${what}`).digest('hex').slice(0, 40);
  const chain = new CampaignChain(seed);
  const heists: CampaignHeist[] = [];
  const labels = new Map<string, { label: string; category: string }>();
  const label = (address: string, name: string, category: string): void => {
    if (!labels.has(address)) labels.set(address, { label: name, category });
  };

  // ------------------------------------------------------------ the world's services and heist 0
  const hotOf = (exchange: string): string => {
    const h = world.hotWallets.find((w) => w.chain === ETH && w.exchange === exchange);
    if (!h) throw new Error(`campaigns: the world's truth has no Ethereum hot wallet of ${exchange}`);
    return h.address;
  };
  const common = EXCHANGES[0];
  const commonHot = hotOf(common);
  const bridgeLock = world.bridge.locks[0]?.to;
  if (!bridgeLock) throw new Error('campaigns: the world has no USDT bridge lock on Ethereum to reuse');
  const swapVault = world.swap.in.to;
  const mixerPool = addr('mixer pool');
  const dexPool = addr('dex pool');
  const zBridge = addr('strait bridge lock');
  const yHot = Y_EXCHANGES.map((x) => addr(`hot ${x}`));
  const services = {
    common: { name: common, category: 'exchange', address: commonHot },
    bridge: { name: BRIDGE, category: 'bridge', address: bridgeLock },
    swap: { name: SWAP, category: 'defi_dex', address: swapVault },
    mixer: { name: MIXER, category: 'mixing_service', address: mixerPool },
    dex: { name: DEX, category: 'defi_dex', address: dexPool },
    zBridge: { name: Z_BRIDGE, category: 'bridge', address: zBridge },
  } satisfies Record<string, CampaignService>;
  for (const s of Object.values(services)) label(s.address, s.name, s.category);
  Y_EXCHANGES.forEach((x, i) => label(yHot[i]!, x, 'exchange'));

  const theft = theftRows(join(out, world.files.theft));
  const times = txTimes(join(out, world.files.ethereum, 'transactions.csv'), new Set(theft.map((r) => r.tx)));
  const drains = theft.filter((r) => r.step === 'drain');
  const consolidations = [...new Set(drains.map((r) => r.to))];
  if (consolidations.length === 0) throw new Error(`campaigns: ${world.files.theft} has no drain on Ethereum`);
  const shared = consolidations[rng.int(consolidations.length)]!;
  const ethExits = world.exits.filter((e) => e.chain === ETH);
  const exitDeposits = new Set(ethExits.map((e) => e.deposit));
  {
    const startOf = (rows: TheftRow[]) => Math.min(...rows.map((r) => times.get(r.tx)!));
    const endOf = (rows: TheftRow[]) => Math.max(...rows.map((r) => times.get(r.tx)!));
    const x0: CampaignHeist = {
      id: 'X0',
      actor: 'X',
      chain: ETH,
      victims: world.victims.filter((v) => v.chain === ETH).map((v) => ({ address: v.address, stolen: v.stolen.map((s) => ({ ...s })) })),
      start: startOf(drains),
      consolidation: shared,
      steps: [],
      services: [],
    };
    const group = (kind: CampaignStepKind, rows: TheftRow[], addresses: string[]): void => {
      if (rows.length) x0.steps.push({ kind, txs: rows.map((r) => r.tx), addresses: [...new Set(addresses)], start: startOf(rows), end: endOf(rows) });
    };
    const peels = theft.filter((r) => r.step === 'peel chain');
    group('consolidation', drains, [shared, ...consolidations]);
    group('fan-out', theft.filter((r) => r.step === 'fan-out'), theft.filter((r) => r.step === 'fan-out').flatMap((r) => [r.from, r.to]));
    const locks = theft.filter((r) => r.step === 'bridge lock');
    group('bridge', locks, [bridgeLock, ...locks.map((r) => r.from)]);
    group('fan-in', theft.filter((r) => r.step === 'fan-in'), theft.filter((r) => r.step === 'fan-in').flatMap((r) => [r.to, r.from]));
    group('peel-chain', peels.filter((r) => !exitDeposits.has(r.to)), peels.filter((r) => !exitDeposits.has(r.to)).flatMap((r) => [r.from, r.to]));
    group('exchange-deposit', peels.filter((r) => exitDeposits.has(r.to)), peels.filter((r) => exitDeposits.has(r.to)).map((r) => r.to));
    const swaps = theft.filter((r) => r.step === 'swap to BTC');
    group('swap', swaps, [swapVault, ...swaps.map((r) => r.from)]);
    x0.steps.sort((a, b) => a.start - b.start);
    if (world.bridge.locks.length) x0.services.push(services.bridge);
    for (const exchange of new Set(ethExits.map((e) => e.exchange))) x0.services.push({ name: exchange, category: 'exchange', address: hotOf(exchange) });
    x0.services.push(services.swap);
    for (const e of ethExits) label(e.deposit, e.exchange, 'exchange');
    for (const exchange of EXCHANGES) label(hotOf(exchange), exchange, 'exchange');
    heists.push(x0);
  }

  // ------------------------------------------------------------ the campaigns' timeline
  const w = world.written;
  const worldEnd = START_TIME + Math.max(w.ethereum.blocks * BLOCK_SECONDS, w.tron.blocks * 3, w.bitcoin.blocks * 600);
  const firstBlock = Math.ceil((worldEnd - START_TIME) / BLOCK_SECONDS) + between(rng, 3 * DAY, 10 * DAY);
  const xStarts: number[] = [];
  for (let h = 0, b = firstBlock + rng.int(2 * DAY); h < nX; h++, b += between(rng, 7 * DAY, 21 * DAY)) xStarts.push(b);
  const windowEnd = xStarts[nX - 1]! + 7 * DAY;
  const worldExchanges = EXCHANGES.map((x) => hotOf(x));

  /** An exchange forwards a deposit to its hot wallet one to six minutes later, the ETH less the forward's gas. */
  const forward = (block: number, deposit: string, hot: string, token: string | null, value: bigint): void => {
    const at = block + between(rng, 1 * MINUTE, 6 * MINUTE);
    if (token) chain.token(at, token, deposit, hot, value);
    else chain.native(at, deposit, hot, value - ETH_FORWARD_GAS);
  };

  /**
   * Fresh victims, each funded by a world exchange's withdrawal days before, then drained into
   * `to` over a few minutes from `start`: their ETH, and their USDT when they hold some.
   * Returns the totals taken and the last drain's block and tx.
   */
  const drainVictims = (h: HeistRecord, start: number, opts: { n: number; eth: [bigint, bigint]; usdtChance: number; usdt: [bigint, bigint]; spread: number }) => {
    let eth = 0n;
    let usdt = 0n;
    const txs: string[] = [];
    let last = { block: start, tx: '' };
    const fundFrom = Math.max(firstBlock - 2 * DAY, start - 10 * DAY);
    for (let i = 0; i < opts.n; i++) {
      const victim = addr(`${h.id} victim ${i}`);
      const e = rng.amount(opts.eth[0], opts.eth[1]);
      const u = rng.chance(opts.usdtChance) ? rng.amount(opts.usdt[0], opts.usdt[1]) : 0n;
      const hot = worldExchanges[rng.int(worldExchanges.length)]!;
      const funded = between(rng, fundFrom, start - HOUR);
      chain.native(funded, hot, victim, e);
      if (u > 0n) chain.token(funded, USDT_ETH, hot, victim, u);
      const at = start + rng.int(opts.spread);
      const stolen: CampaignAmount[] = [{ asset: 'native', symbol: 'ETH', amount: e.toString() }];
      txs.push(chain.native(at, victim, h.consolidation, e));
      if (u > 0n) {
        txs.push(chain.token(at, USDT_ETH, victim, h.consolidation, u));
        stolen.push({ asset: USDT_ETH, symbol: 'USDT', amount: u.toString() });
      }
      // Within a block, transactions are written in the order they were made: the later is the last.
      if (at >= last.block) last = { block: at, tx: txs[txs.length - 1]! };
      eth += e;
      usdt += u;
      h.victims.push({ address: victim, stolen });
    }
    h.start = chain.timeOf(start);
    h.step('consolidation', txs, [h.consolidation], start, last.block);
    return { eth, usdt, last };
  };

  // ------------------------------------------------------------ X: the thief's later heists
  const xAmounts: Record<string, Record<string, string>> = { X0: sumByAsset(drains.filter((r) => r.to === shared)) };
  xStarts.forEach((start, i) => {
    const id = `X${i + 1}`;
    const h = new HeistRecord(id, 'X', shared, chain);
    const drained = drainVictims(h, start, { n: between(rng, 8, 25), eth: [ETHER / 2n, 20n * ETHER], usdtChance: 0.3 + rng.next() * 0.3, usdt: [1_000n * USDT_UNIT, 200_000n * USDT_UNIT], spread: 5 * MINUTE });
    const paidIn = h.victims.flatMap((v) => v.stolen.map((s) => ({ asset: s.asset, amount: s.amount })));
    xAmounts[id] = sumByAsset(paidIn);

    // Dormancy: the shared wallet holds the heist's funds for one to four days.
    const fanBlock = drained.last.block + between(rng, DAY, 4 * DAY);
    const fan = Array.from({ length: between(rng, 3, 5) }, (_, j) => addr(`${id} fan-out ${j}`));
    const fanAmounts = splitExact(drained.eth, fan.length, rng);
    const fanTxs = fan.map((f, j) => chain.native(fanBlock, shared, f, fanAmounts[j]!));
    h.step('dormancy', [drained.last.tx, fanTxs[0]!], [shared], drained.last.block, fanBlock);
    h.step('fan-out', fanTxs, [shared, ...fan], fanBlock, fanBlock);

    // The USDT to Arc Bridge, as the main theft did.
    if (drained.usdt > 0n) {
      const at = fanBlock + between(rng, 2 * MINUTE, 10 * MINUTE);
      h.step('bridge', [chain.token(at, USDT_ETH, shared, bridgeLock, drained.usdt)], [bridgeLock, shared], at, at);
      h.service(services.bridge);
    }

    // Fan-in, then a peel chain cashing out at the common exchange.
    const merge = addr(`${id} merge`);
    const inBlock = fanBlock + between(rng, 20 * MINUTE, 60 * MINUTE);
    h.step('fan-in', fan.map((f, j) => chain.native(inBlock, f, merge, fanAmounts[j]!)), [merge, ...fan], inBlock, inBlock);
    const peels = Array.from({ length: between(rng, 4, 7) + 1 }, (_, p) => addr(`${id} peel ${p}`));
    let block = inBlock + between(rng, 30 * MINUTE, 90 * MINUTE);
    let held = drained.eth;
    const peelTxs = [chain.native(block, merge, peels[0]!, held)];
    const peelStart = block;
    const depositTxs: string[] = [];
    const deposits: string[] = [];
    let firstDeposit = 0;
    for (let p = 0; p + 1 < peels.length; p++) {
      block += between(rng, 2 * MINUTE, 10 * MINUTE);
      const off = (held * BigInt(between(rng, 3, 8))) / 100n;
      const deposit = addr(`${id} deposit ${p}`);
      label(deposit, common, 'exchange');
      depositTxs.push(chain.native(block, peels[p]!, deposit, off));
      deposits.push(deposit);
      firstDeposit ||= block;
      forward(block, deposit, commonHot, null, off);
      peelTxs.push(chain.native(block, peels[p]!, peels[p + 1]!, held - off));
      held -= off;
    }
    h.step('peel-chain', peelTxs, [merge, ...peels], peelStart, block);
    h.step('exchange-deposit', depositTxs, deposits, firstDeposit, block);
    h.service(services.common);
    const last = peels[peels.length - 1]!;

    // Sometimes a part swapped at Tidal Swap, as the main theft swapped its rest.
    if (rng.chance(0.5)) {
      const at = block + between(rng, 10 * MINUTE, 60 * MINUTE);
      const part = (held * BigInt(between(rng, 20, 50))) / 100n;
      h.step('swap', [chain.native(at, last, swapVault, part)], [swapVault, last], at, at);
      h.service(services.swap);
      held -= part;
      block = at;
    }

    // The rest through the Eddy mixer: two to four deposits, paid out hours later (less its fee) to fresh addresses.
    let at = block + between(rng, HOUR, 6 * HOUR);
    const mixTxs: string[] = [];
    const mixStart = at;
    for (const chunk of splitExact(held, between(rng, 2, 4), rng)) {
      mixTxs.push(chain.native(at, last, mixerPool, chunk));
      at += between(rng, 1, 10);
    }
    const paid = (held * BigInt(100 - between(rng, 1, 3))) / 100n;
    const mixed = Array.from({ length: between(rng, 3, 6) }, (_, j) => addr(`${id} mixed ${j}`));
    let payBlock = at + between(rng, 6 * HOUR, 48 * HOUR);
    let lastPayout = payBlock;
    const payouts = splitExact(paid, mixed.length, rng);
    const cashTxs: string[] = [];
    const cashDeposits: string[] = [];
    let cashStart = 0;
    let cashEnd = 0;
    mixed.forEach((m, j) => {
      mixTxs.push(chain.native(payBlock, mixerPool, m, payouts[j]!));
      lastPayout = payBlock;
      const depositAt = payBlock + between(rng, 10 * MINUTE, 90 * MINUTE);
      const deposit = addr(`${id} cash-out ${j}`);
      label(deposit, common, 'exchange');
      cashTxs.push(chain.native(depositAt, m, deposit, payouts[j]!));
      cashDeposits.push(deposit);
      forward(depositAt, deposit, commonHot, null, payouts[j]!);
      cashStart = cashStart ? Math.min(cashStart, depositAt) : depositAt;
      cashEnd = Math.max(cashEnd, depositAt);
      payBlock += between(rng, 1, 30);
    });
    h.step('mixer', mixTxs, [mixerPool, last, ...mixed], mixStart, lastPayout);
    h.service(services.mixer);
    h.step('exchange-deposit', cashTxs, cashDeposits, cashStart, cashEnd);
    heists.push(h.done());
  });

  // ------------------------------------------------------------ Y: fan-out at once, many small deposits
  const randomStart = (): number => between(rng, firstBlock + 2 * DAY, windowEnd - 3 * DAY);
  for (let y = 1; y <= 2; y++) {
    const id = `Y${y}`;
    const h = new HeistRecord(id, 'Y', addr(`${id} collector`), chain);
    const drained = drainVictims(h, randomStart(), { n: between(rng, 8, 25), eth: [ETHER / 5n, 8n * ETHER], usdtChance: 0.2 + rng.next() * 0.2, usdt: [500n * USDT_UNIT, 50_000n * USDT_UNIT], spread: 2 * MINUTE });
    const fanBlock = drained.last.block + between(rng, 1 * MINUTE, 10 * MINUTE);
    const fan = Array.from({ length: between(rng, 8, 16) }, (_, j) => addr(`${id} fan-out ${j}`));
    const ethParts = splitExact(drained.eth, fan.length, rng);
    const usdtParts = drained.usdt > 0n ? splitExact(drained.usdt, fan.length, rng) : fan.map(() => 0n);
    const fanTxs: string[] = [];
    fan.forEach((f, j) => {
      fanTxs.push(chain.native(fanBlock, h.consolidation, f, ethParts[j]!));
      if (usdtParts[j]! > 0n) fanTxs.push(chain.token(fanBlock, USDT_ETH, h.consolidation, f, usdtParts[j]!));
    });
    h.step('fan-out', fanTxs, [h.consolidation, ...fan], fanBlock, fanBlock);
    // Y's accounts: a deposit address each, the first at the common exchange, the others at any of three.
    const accounts = Array.from({ length: between(rng, 4, 8) }, (_, d) => {
      const k = d === 0 ? 0 : rng.int(3);
      const name = k === 0 ? common : Y_EXCHANGES[k - 1]!;
      const deposit = addr(`${id} deposit ${d}`);
      return { deposit, service: k === 0 ? services.common : { name, category: 'exchange', address: yHot[k - 1]! } };
    });
    const depositTxs: string[] = [];
    const used = new Set<string>();
    let first = Number.MAX_SAFE_INTEGER;
    let lastBlock = 0;
    const deposit = (from: string, token: string | null, value: bigint, account: (typeof accounts)[number]): void => {
      const at = fanBlock + between(rng, 5 * MINUTE, 2 * HOUR);
      depositTxs.push(token ? chain.token(at, token, from, account.deposit, value) : chain.native(at, from, account.deposit, value));
      forward(at, account.deposit, account.service.address, token, value);
      label(account.deposit, account.service.name, 'exchange');
      h.service(account.service);
      used.add(account.deposit);
      first = Math.min(first, at);
      lastBlock = Math.max(lastBlock, at);
    };
    fan.forEach((f, j) => {
      for (const v of splitExact(ethParts[j]!, between(rng, 2, 4), rng)) deposit(f, null, v, j === 0 ? accounts[0]! : accounts[rng.int(accounts.length)]!);
      if (usdtParts[j]! > 0n) for (const v of splitExact(usdtParts[j]!, between(rng, 1, 2), rng)) deposit(f, USDT_ETH, v, accounts[rng.int(accounts.length)]!);
    });
    h.step('exchange-deposit', depositTxs, [...used], first, lastBlock);
    heists.push(h.done());
  }

  // ------------------------------------------------------------ Z: swap at a DEX, lock at a bridge, quickly
  for (let z = 1, nZ = between(rng, 1, 2); z <= nZ; z++) {
    const id = `Z${z}`;
    const h = new HeistRecord(id, 'Z', addr(`${id} wallet`), chain);
    const drained = drainVictims(h, randomStart(), { n: between(rng, 8, 25), eth: [ETHER, 30n * ETHER], usdtChance: 0.3, usdt: [1_000n * USDT_UNIT, 100_000n * USDT_UNIT], spread: 3 * MINUTE });
    // The pool pays `rate` USDT per ETH, less 0.3%: base units = wei × rate / 10^12.
    const rate = BigInt(between(rng, 1_700, 2_100));
    const gross = (drained.eth * rate) / 10n ** 12n;
    const got = gross - (gross * 3n) / 1000n;
    const swapAt = drained.last.block + between(rng, 1 * MINUTE, 5 * MINUTE);
    h.step('swap', [chain.swapEthForToken(swapAt, h.consolidation, dexPool, drained.eth, USDT_ETH, got)], [dexPool, h.consolidation], swapAt, swapAt);
    h.service(services.dex);
    const lockAt = swapAt + between(rng, 2 * MINUTE, 10 * MINUTE);
    h.step('bridge', [chain.token(lockAt, USDT_ETH, h.consolidation, zBridge, got + drained.usdt)], [zBridge, h.consolidation], lockAt, lockAt);
    h.service(services.zBridge);
    heists.push(h.done());
  }

  // ------------------------------------------------------------ files
  const written = chain.write(join(out, FILES.ethereum));
  if (written.firstBlock <= w.ethereum.blocks) throw new Error(`internal: campaign block ${written.firstBlock} is not after the world's last Ethereum block ${w.ethereum.blocks}`);
  const labelRows = [...labels].map(([address, l]) => `${ETH},${address},${l.label},${l.category}`);
  writeFileSync(join(out, FILES.labels), ['chain,address,label,category', ...labelRows].join('\n') + '\n');
  const xIds = heists.filter((h) => h.actor === 'X').map((h) => h.id);
  const truth: CampaignTruth = {
    format: CAMPAIGNS_FORMAT,
    seed,
    world: world.seed,
    actors: { X: THIEF, ...ACTOR_NAMES },
    heists,
    meetings: [{ chain: ETH, address: shared, kind: 'same-address', heists: xIds, amounts: Object.fromEntries(xIds.map((id) => [id, xAmounts[id]!])) }],
    files: { ...FILES },
    written,
  };
  mkdirSync(join(out, 'truth'), { recursive: true });
  writeFileSync(join(out, FILES.truth), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}
