/**
 * `cairn settings` and `cairn settings set KEY VALUE`: the workspace's settings, clustering's
 * included (docs/clustering.md, "Settings and rebuilds"). Setting a clustering key saves it and
 * rebuilds the clusters of the chains it affects, in one transaction, and says which. JSON shapes
 * are stable for scripts (README, Command line).
 */
import { ApiError, type Result } from '../../shared/api/contract';
import { CHANGE_RULES, type ChangeRule, type ClusterRebuild, type ClusteringSettings, type ClusteringSettingsPatch } from '../../shared/api/schemas';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { call, print, UsageError, type Values } from './cliKit';

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

function chainName(id: string): string {
  try {
    return resolveChain(id).name;
  } catch {
    return id;
  }
}

/** One line per chain rebuilt: what its clusters now rest on. */
export function rebuildLines(rebuilt: readonly ClusterRebuild[]): string[] {
  if (rebuilt.length === 0) return ['no clusters to rebuild: no chain in the store depends on this setting'];
  return rebuilt.map((r) => {
    const parts = [plural(r.merges, 'merge'), `${count(r.held)} held for review`];
    if (r.coinjoins > 0) parts.push(`${plural(r.coinjoins, 'CoinJoin')} merged nothing`);
    if (r.change) parts.push(`change heuristics: ${plural(r.change.merges, 'merge')}, ${count(r.change.conflicts)} where the rules disagreed`);
    return `rebuilt the clusters of ${chainName(r.chain)}: ${parts.join(', ')}`;
  });
}

/** Every settable key and its value as text, in the order `cairn settings` lists them. */
function clusteringEntries(c: ClusteringSettings): [string, string][] {
  return [
    ['clustering.change', c.change.length ? c.change.join(',') : 'none'],
    ['clustering.collapseGuard', String(c.collapseGuard)],
    ...Object.entries(c.deposit).map(([k, v]): [string, string] => [`clustering.deposit.${k}`, String(v)]),
  ];
}

function changeRules(value: string): ChangeRule[] {
  const v = value.trim();
  if (v === 'none' || v === '') return [];
  if (v === 'all') return [...CHANGE_RULES];
  return v.split(',').map((s) => {
    const rule = s.trim();
    if (!(CHANGE_RULES as readonly string[]).includes(rule)) throw new UsageError(`unknown change rule "${rule}": the rules are ${CHANGE_RULES.join(', ')} (or none, or all)`);
    return rule as ChangeRule;
  });
}

function number(key: string, value: string, whole: boolean): number {
  if (!(whole ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$/).test(value)) throw new UsageError(`${key} needs ${whole ? 'a whole number' : 'a number such as 1 or 0.5'}, found "${value}"`);
  return Number(value);
}

/** The patch a key and value make, checked against the current settings (which give the deposit keys and their types). */
function patchFor(key: string, value: string, current: ClusteringSettings): ClusteringSettingsPatch {
  if (key === 'clustering.change') return { change: changeRules(value) };
  if (key === 'clustering.collapseGuard') return { collapseGuard: number(key, value, true) };
  const field = key.startsWith('clustering.deposit.') ? key.slice('clustering.deposit.'.length) : null;
  const now = field === null ? undefined : (current.deposit as Record<string, unknown>)[field];
  if (field === null || now === undefined) {
    const keys = ['investigator', ...clusteringEntries(current).map(([k]) => k)];
    throw new UsageError(`unknown setting "${key}": the settings are ${keys.join(', ')}`);
  }
  if (typeof now === 'boolean') {
    if (!['true', 'false', 'on', 'off'].includes(value)) throw new UsageError(`${key} is true or false, found "${value}"`);
    return { deposit: { [field]: value === 'true' || value === 'on' } };
  }
  // Whether it must be whole is the schema's to say (tolerancePercent takes 0.5).
  return { deposit: { [field]: number(key, value, false) } };
}

export async function runSettings(backend: Backend, rest: string[], _values: Values, json: boolean): Promise<void> {
  const [sub, ...args] = rest;
  if (sub === undefined) {
    const info = (await call(backend, 'app.info', {})) as Result<'app.info'>;
    const clustering = (await call(backend, 'clusters.settings', {})) as Result<'clusters.settings'>;
    const all = { workspace: info.workspace, investigator: info.settings.investigator, clustering };
    return print(json, all, () => {
      const rows: [string, string][] = [['workspace', info.workspace], ['investigator', info.settings.investigator || '(not set)'], ...clusteringEntries(clustering)];
      const width = Math.max(...rows.map(([k]) => k.length));
      return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), `change rules: ${CHANGE_RULES.join(', ')} (all off by default)`].join('\n');
    });
  }
  if (sub !== 'set') throw new UsageError('settings takes no argument, or set KEY VALUE');
  if (args.length !== 2) throw new UsageError('settings set needs KEY and VALUE (cairn settings lists the keys)');
  const [key, value] = args as [string, string];
  if (key === 'investigator') {
    const s = (await call(backend, 'settings.set', { investigator: value })) as Result<'settings.set'>;
    return print(json, s, () => `investigator: ${s.investigator || '(not set)'}`);
  }
  const current = (await call(backend, 'clusters.settings', {})) as Result<'clusters.settings'>;
  const patch = patchFor(key, value, current);
  let r: Result<'clusters.configure'>;
  try {
    r = (await call(backend, 'clusters.configure', patch)) as Result<'clusters.configure'>;
  } catch (error) {
    // Out of bounds: say it with the key as typed ("clustering.collapseGuard: Too small…").
    if (error instanceof ApiError && error.kind === 'invalid_argument') throw new UsageError(error.message.replace(/^clusters\.configure: /, 'clustering.'));
    throw error;
  }
  return print(json, r, () => {
    const shown = new Map(clusteringEntries(r.settings));
    const was = new Map(clusteringEntries(current));
    const changed = shown.get(key) !== was.get(key);
    return [`${key}: ${shown.get(key)}${changed ? ` (was ${was.get(key)})` : ' (unchanged)'}`, ...rebuildLines(r.rebuilt)].join('\n');
  });
}
