/**
 * `cairn clusters show|why|held`: automatic clusters, the evidence behind each merge, and the
 * merges the collapse guard held. JSON shapes are stable for scripts (README, Command line).
 */
import type { Result } from '../../shared/api/contract';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { call, intOption, print, UsageError, type Values } from './cliKit';

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export async function runClusters(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  const [sub, ...args] = rest;
  if (sub === 'show') {
    if (args.length !== 2) throw new UsageError('clusters show needs CHAIN and ADDRESS');
    const offset = intOption(values, 'offset', 0);
    const c = (await call(backend, 'clusters.show', { chain: resolveChain(args[0]!).id, address: args[1], offset, limit: intOption(values, 'limit', 50) })) as Result<'clusters.show'>;
    const shownTo = offset + c.addresses.length;
    return print(json, c, () =>
      [
        `cluster ${c.cluster}: ${plural(c.size, 'address', 'addresses')}${c.label ? `, labelled "${c.label.label}"${c.label.sanctioned ? ' (SANCTIONED)' : ''} via ${c.label.address}` : ''}`,
        ...c.addresses.map((a) => `  ${a}`),
        ...(shownTo < c.size ? [`  … ${plural(c.size - shownTo, 'more')} (--offset ${shownTo})`] : []),
        ...(c.evidence.length ? [`${args[1]} was merged by:`, ...c.evidence.map((e) => `  tx ${e.tx} (${e.heuristic})`)] : []),
      ].join('\n'),
    );
  }
  if (sub === 'why') {
    if (args.length !== 3) throw new UsageError('clusters why needs CHAIN, A and B');
    const w = (await call(backend, 'clusters.why', { chain: resolveChain(args[0]!).id, a: args[1], b: args[2] })) as Result<'clusters.why'>;
    return print(json, w, () =>
      w.joined
        ? [
            `${args[1]} and ${args[2]} are one cluster${w.steps.length ? `, joined by ${plural(w.steps.length, 'merge')}:` : ' (the same address)'}`,
            ...w.steps.map((s) => `  ${s.from} → ${s.to}  tx ${s.tx} (${s.heuristic})`),
          ].join('\n')
        : `${args[1]} and ${args[2]} are not in one cluster`,
    );
  }
  if (sub === 'held') {
    if (args.length !== 0) throw new UsageError('clusters held takes no argument');
    const h = (await call(backend, 'clusters.held', { offset: intOption(values, 'offset', 0), limit: intOption(values, 'limit', 50) })) as Result<'clusters.held'>;
    return print(json, h, () =>
      [
        `${plural(h.total, 'merge')} held for review by the collapse guard`,
        ...h.items.map((m) => `  ${resolveChain(m.chain).name}: ${m.a} (cluster of ${m.aSize.toLocaleString('en-US')}) + ${m.b} (cluster of ${m.bSize.toLocaleString('en-US')})  tx ${m.tx} (${m.heuristic})`),
      ].join('\n'),
    );
  }
  throw new UsageError('clusters takes show CHAIN ADDRESS, why CHAIN A B or held');
}
