/**
 * `cairn clusters show|why|held`: automatic clusters, the evidence behind each merge, and the
 * merges the collapse guard held; `rebuild [CHAIN]`: the clusters rebuilt from the facts; `split|reject|confirm|overrides|remove-override --case CASE`:
 * a case's overrides of them, and `--case` on show and why to see the clusters as that case does.
 * JSON shapes are stable for scripts (README, Command line).
 */
import type { Result } from '../../shared/api/contract';
import type { ClusterOverride } from '../../shared/api/schemas';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { call, intOption, print, UsageError, type Values } from './cliKit';
import { rebuildLines } from './settingsCommands';

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function caseOf(values: Values, command: string): string {
  const c = values.case;
  if (typeof c !== 'string' || c === '') throw new UsageError(`clusters ${command} needs --case CASE`);
  return c;
}

function noteOf(values: Values): string {
  return typeof values.note === 'string' ? values.note : '';
}

/** One override in words: "split 3J6Q… out of its cluster". */
function overrideText(o: ClusterOverride): string {
  const what =
    o.kind === 'split'
      ? `split ${o.a} out of its cluster`
      : o.kind === 'reject'
        ? `rejected the merges of tx ${o.tx}`
        : `confirmed the held merge of ${o.a} and ${o.b} by tx ${o.tx}`;
  return `override ${o.id}: ${resolveChain(o.chain).name}: ${what} (${o.createdBy}, ${o.createdAt})${o.note ? ` — ${o.note}` : ''}`;
}

export async function runClusters(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  const [sub, ...args] = rest;
  const caseId = typeof values.case === 'string' && values.case !== '' ? values.case : undefined;
  if (sub === 'show') {
    if (args.length !== 2) throw new UsageError('clusters show needs CHAIN and ADDRESS');
    const offset = intOption(values, 'offset', 0);
    const c = (await call(backend, 'clusters.show', { chain: resolveChain(args[0]!).id, address: args[1], offset, limit: intOption(values, 'limit', 50), caseId })) as Result<'clusters.show'>;
    const shownTo = offset + c.addresses.length;
    return print(json, c, () =>
      [
        `cluster ${c.cluster}: ${plural(c.size, 'address', 'addresses')}${c.label ? `, labelled "${c.label.label}"${c.label.sanctioned ? ' (SANCTIONED)' : ''} via ${c.label.address}` : ''}`,
        ...(c.automatic && c.overrides?.length
          ? [`  as case ${caseId} sees it; the automatic cluster is ${c.automatic.cluster} of ${plural(c.automatic.size, 'address', 'addresses')}`, ...c.overrides.map((o) => `  ${overrideText(o)}`)]
          : []),
        ...c.addresses.map((a) => `  ${a}`),
        ...(shownTo < c.size ? [`  … ${plural(c.size - shownTo, 'more')} (--offset ${shownTo})`] : []),
        ...(c.evidence.length ? [`${args[1]} was merged by:`, ...c.evidence.map((e) => `  tx ${e.tx} (${e.heuristic})`)] : []),
      ].join('\n'),
    );
  }
  if (sub === 'why') {
    if (args.length !== 3) throw new UsageError('clusters why needs CHAIN, A and B');
    const w = (await call(backend, 'clusters.why', { chain: resolveChain(args[0]!).id, a: args[1], b: args[2], caseId })) as Result<'clusters.why'>;
    const where = caseId ? ` in case ${caseId}` : '';
    return print(json, w, () =>
      w.joined
        ? [
            `${args[1]} and ${args[2]} are one cluster${where}${w.steps.length ? `, joined by ${plural(w.steps.length, 'merge')}:` : ' (the same address)'}`,
            ...w.steps.map((s) => `  ${s.from} → ${s.to}  tx ${s.tx} (${s.heuristic}${s.override === undefined ? '' : `, held and confirmed by override ${s.override}`})`),
          ].join('\n')
        : `${args[1]} and ${args[2]} are not in one cluster${where}`,
    );
  }
  if (sub === 'held') {
    if (args.length !== 0) throw new UsageError('clusters held takes no argument');
    const offset = intOption(values, 'offset', 0);
    const h = (await call(backend, 'clusters.held', { offset, limit: intOption(values, 'limit', 50) })) as Result<'clusters.held'>;
    return print(json, h, () =>
      [
        `${plural(h.total, 'merge')} held for review by the collapse guard${h.total ? ' (confirm one in a case with: cairn clusters confirm N --case CASE)' : ''}`,
        ...h.items.map(
          (m, i) =>
            `  ${offset + i + 1}. ${resolveChain(m.chain).name}: ${m.a} (cluster of ${m.aSize.toLocaleString('en-US')}) + ${m.b} (cluster of ${m.bSize.toLocaleString('en-US')})  tx ${m.tx} (${m.heuristic})`,
        ),
      ].join('\n'),
    );
  }
  if (sub === 'split' || sub === 'reject') {
    if (args.length !== 2) throw new UsageError(sub === 'split' ? 'clusters split needs CHAIN and ADDRESS' : 'clusters reject needs CHAIN and TX');
    const chain = resolveChain(args[0]!).id;
    const body = sub === 'split' ? { kind: 'split', chain, address: args[1] } : { kind: 'reject', chain, tx: args[1] };
    const o = (await call(backend, 'clusters.override', { caseId: caseOf(values, sub), ...body, note: noteOf(values) })) as Result<'clusters.override'>;
    return print(json, o, () => overrideText(o));
  }
  if (sub === 'confirm') {
    const id = caseOf(values, 'confirm');
    let merge: { chain: string; a: string; b: string; tx: string };
    if (args.length === 1) {
      // N: the held merge numbered N in `cairn clusters held`.
      if (!/^[1-9][0-9]*$/.test(args[0]!)) throw new UsageError(`clusters confirm needs N, a number that cairn clusters held lists, or CHAIN A B TX; found "${args[0]}"`);
      const n = Number(args[0]);
      const h = (await call(backend, 'clusters.held', { offset: n - 1, limit: 1 })) as Result<'clusters.held'>;
      const m = h.items[0];
      if (!m) throw new UsageError(`there is no held merge ${n}: cairn clusters held lists ${plural(h.total, 'merge')}`);
      merge = { chain: m.chain, a: m.a, b: m.b, tx: m.tx };
    } else if (args.length === 4) {
      merge = { chain: resolveChain(args[0]!).id, a: args[1]!, b: args[2]!, tx: args[3]! };
    } else {
      throw new UsageError('clusters confirm needs N (as cairn clusters held numbers them) or CHAIN A B TX');
    }
    const o = (await call(backend, 'clusters.override', { caseId: id, kind: 'confirm', ...merge, note: noteOf(values) })) as Result<'clusters.override'>;
    return print(json, o, () => overrideText(o));
  }
  if (sub === 'overrides') {
    if (args.length !== 0) throw new UsageError('clusters overrides takes no argument but --case CASE');
    const id = caseOf(values, 'overrides');
    const list = (await call(backend, 'clusters.overrides', { caseId: id })) as Result<'clusters.overrides'>;
    return print(json, list, () => (list.length ? list.map(overrideText).join('\n') : `no cluster overrides in case ${id}`));
  }
  if (sub === 'remove-override') {
    if (args.length !== 1 || !/^[0-9]+$/.test(args[0]!)) throw new UsageError('clusters remove-override needs the override\'s number (cairn clusters overrides --case CASE)');
    const r = (await call(backend, 'clusters.removeOverride', { caseId: caseOf(values, 'remove-override'), overrideId: Number(args[0]) })) as Result<'clusters.removeOverride'>;
    return print(json, r, () => `removed override ${args[0]}`);
  }
  if (sub === 'rebuild') {
    // Rebuilds from the facts with the workspace's settings: how a store from before clustering gets its clusters.
    if (args.length > 1) throw new UsageError('clusters rebuild takes at most one CHAIN');
    const r = (await call(backend, 'clusters.rebuild', args.length ? { chain: resolveChain(args[0]!).id } : {})) as Result<'clusters.rebuild'>;
    return print(json, r, () => rebuildLines(r.rebuilt).join('\n'));
  }
  throw new UsageError('clusters takes show CHAIN ADDRESS, why CHAIN A B or held; rebuild [CHAIN]; with --case CASE: split CHAIN ADDRESS, reject CHAIN TX, confirm N (or CHAIN A B TX), overrides or remove-override ID');
}
