/**
 * The workspace's clustering settings, kept in the store (table cluster_setting, store migration
 * 81) so that they travel with the workspace, not the machine: which change heuristics are on
 * (all off by default, as BlockSci ships them), the exchange deposit-address thresholds (Victor
 * 2020; on by default for account chains), and the collapse guard.
 *
 * The schema lives in shared/api/schemas.ts, so that the API (clusters.settings,
 * clusters.configure) validates with the same bounds; it is re-exported here.
 *
 * Changing a setting changes which merges are sound, so the clusters it affects are rebuilt
 * (rebuild.ts, configureClustering); reading them is one small query per import.
 */
import { CHANGE_RULES, ClusteringSettings, type ChangeRule } from '../../../../shared/api/schemas';
import type { Db } from '../../store/openStore';

export { CHANGE_RULES, ClusteringSettings, ChangeRule, DepositSettings, ClusteringSettingsPatch } from '../../../../shared/api/schemas';

const KEY = 'clustering';

/** The workspace's settings, defaults where none were saved. */
export function readClusteringSettings(db: Db): ClusteringSettings {
  const row = db.prepare('SELECT value FROM cluster_setting WHERE key = ?').pluck().get(KEY) as string | undefined;
  return ClusteringSettings.parse(row === undefined ? {} : JSON.parse(row));
}

/** Saves the settings (validated here again, the change rules in their canonical order); the caller rebuilds what they affect. */
export function writeClusteringSettings(db: Db, settings: ClusteringSettings): void {
  const valid = ClusteringSettings.parse(settings);
  const value = JSON.stringify({ ...valid, change: normalChangeRules(valid.change) });
  db.prepare('INSERT INTO cluster_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, value);
}

/** The rules given, each once, in CHANGE_RULES order: two lists naming the same rules compare equal. */
export function normalChangeRules(rules: readonly ChangeRule[]): ChangeRule[] {
  const on = new Set(rules);
  return CHANGE_RULES.filter((r) => on.has(r));
}
