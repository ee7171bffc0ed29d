/**
 * `cairn conflicts [--chain C] [--dataset N]`: the facts two sources disagree about. The store
 * keeps the first source's value; each line says which dataset brought it and what the other
 * dataset (and which file and line of it) said instead. JSON shape: conflicts.list's page.
 */
import type { Conflict, ConflictPage } from '../../shared/api/conflictSchemas';
import type { TxConflict } from '../../shared/api/schemas';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { amount, call, intOption, print, UsageError, type Values } from './cliKit';

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A transfer of a transaction as its position names it: "token transfer (log 5)". */
function transferText(t: NonNullable<TxConflict['transfer']>): string {
  const where = t.kind === 'token' ? `log ${t.pos}` : t.kind === 'internal' ? `trace ${t.pos}` : '';
  return `${t.kind} transfer${where ? ` (${where})` : ''}`;
}

/** What the sources disagree about: "tx 0x…", "token transfer (log 5) of tx 0x…", "block 1200". */
function factText(c: Conflict): string {
  if (c.kind === 'block') return `block ${c.block}`;
  if (c.transfer === null) return `tx ${c.txHash}`;
  return `${transferText(c.transfer)} of tx ${c.txHash}`;
}

/** A value as people read it: amounts with their unit when the store knows it. */
function valueText(c: TxConflict, v: string): string {
  if (c.field === 'value' && c.unit !== null) return amount(v, c.unit.decimals, c.unit.symbol);
  return v;
}

/** "value 1 ETH (dataset 1, kept); 3 ETH in dataset 2 (transactions.csv, line 3)". */
function disagreement(c: TxConflict): string {
  return `${c.field} ${valueText(c, c.stored)} (dataset ${c.storedDataset}, kept); ${valueText(c, c.other)} in dataset ${c.otherDataset}${c.source ? ` (${c.source})` : ''}`;
}

/** One conflict of a transaction, as `cairn tx` lists them under its transfers. */
export function txConflictLine(c: TxConflict): string {
  return `  conflict: ${c.transfer ? `${transferText(c.transfer)}: ` : ''}${disagreement(c)}`;
}

function conflictLine(c: Conflict, withChain: boolean): string {
  return `  ${withChain ? `${resolveChainName(c.chain)}: ` : ''}${factText(c)}: ${disagreement(c)}`;
}

function resolveChainName(id: string): string {
  try {
    return resolveChain(id).name;
  } catch {
    return id;
  }
}

export async function runConflicts(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  if (rest.length > 0) throw new UsageError('conflicts takes no argument; choose with --chain CHAIN and --dataset N');
  const chain = typeof values.chain === 'string' ? resolveChain(values.chain).id : undefined;
  const datasetId = values.dataset === undefined ? undefined : intOption(values, 'dataset', 0);
  if (datasetId === 0) throw new UsageError('--dataset needs a dataset number (cairn stats lists them)');
  const offset = intOption(values, 'offset', 0);
  const page = (await call(backend, 'conflicts.list', { chain, datasetId, offset, limit: intOption(values, 'limit', 100) })) as ConflictPage;
  const shownTo = offset + page.items.length;
  const scope = [chain ? `on ${resolveChainName(chain)}` : '', datasetId ? `involving dataset ${datasetId}` : ''].filter(Boolean).join(' ');
  print(json, page, () =>
    page.total === 0
      ? `no conflicts${scope ? ` ${scope}` : ''}: no source disagrees with another about a fact the store holds`
      : [
          `${plural(page.total, 'conflict')}${scope ? ` ${scope}` : ''}; the store keeps the first source's value (there is no way yet to choose the other)`,
          ...page.items.map((c) => conflictLine(c, chain === undefined)),
          ...(shownTo < page.total ? [`  … ${plural(page.total - shownTo, 'more')} (--offset ${shownTo})`] : []),
        ].join('\n'),
  );
}
