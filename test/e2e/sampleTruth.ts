/**
 * The sample world's ground truth (truth.json and truth/theft.csv) as tests read it: the theft's
 * transfers, and the path a victim's money took to an exchange, found in the data rather than
 * written into a test, so it holds for any seed of the generator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TheftRow {
  step: string;
  chain: string;
  from: string;
  to: string;
  symbol: string;
  amount: bigint;
}

export function theftRows(csv: string): TheftRow[] {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split(',');
    return { step: f[at('step')]!, chain: f[at('chain')]!, from: f[at('from')]!, to: f[at('to')]!, symbol: f[at('symbol')]!, amount: BigInt(f[at('amount')]!) };
  });
}

/** The shortest chain of theft transfers from a victim to a hot wallet, on one chain. */
export function pathToExchange(rows: readonly TheftRow[], chain: string, victims: readonly string[], hot: ReadonlySet<string>): string[] {
  const next = new Map<string, string[]>();
  for (const r of rows) if (r.chain === chain && r.from !== r.to) next.set(r.from, [...(next.get(r.from) ?? []), r.to]);
  for (const victim of victims) {
    const back = new Map<string, string>([[victim, '']]);
    const queue = [victim];
    while (queue.length > 0) {
      const at = queue.shift()!;
      if (hot.has(at)) {
        const path = [at];
        while (back.get(path[0]!)) path.unshift(back.get(path[0]!)!);
        return path;
      }
      for (const to of next.get(at) ?? []) {
        if (back.has(to)) continue;
        back.set(to, at);
        queue.push(to);
      }
    }
  }
  throw new Error('no theft path from a victim to a hot wallet');
}

export interface SampleTruth {
  chains: { eth: string };
  victims: { chain: string; address: string }[];
  hotWallets: { exchange: string; chain: string; address: string }[];
}

/**
 * The sample workspace's ground truth, its theft transfers, the Ethereum hot wallets, and the
 * path from a victim to one of them.
 */
export function sampleTheft(workspace: string): { truth: SampleTruth; rows: TheftRow[]; eth: string; hot: SampleTruth['hotWallets']; path: string[] } {
  const data = join(workspace, 'sample', 'sample-data');
  const truth = JSON.parse(readFileSync(join(data, 'truth.json'), 'utf8')) as SampleTruth;
  const eth = truth.chains.eth;
  const rows = theftRows(readFileSync(join(data, 'truth', 'theft.csv'), 'utf8'));
  const hot = truth.hotWallets.filter((h) => h.chain === eth);
  const victims = truth.victims.filter((v) => v.chain === eth).map((v) => v.address);
  return { truth, rows, eth, hot, path: pathToExchange(rows, eth, victims, new Set(hot.map((h) => h.address))) };
}
