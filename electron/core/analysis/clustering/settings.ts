/**
 * The workspace's clustering settings, kept in the store (table cluster_setting, store migration
 * 81) so that they travel with the workspace, not the machine: which change heuristics are on
 * (all off by default, as BlockSci ships them), the exchange deposit-address thresholds (Victor
 * 2020; on by default for account chains), and the collapse guard.
 *
 * Changing a setting changes which merges are sound, so the clusters it affects are rebuilt
 * (rebuild.ts); reading them is one small query per import.
 */
import { z } from 'zod';
import type { Db } from '../../store/openStore';

/** The change heuristics (methods.md, "Change detection"), each off unless switched on. */
export const CHANGE_RULES = ['address-reuse', 'fresh-address', 'script-type', 'round-payment', 'optimal-change'] as const;
export type ChangeRule = (typeof CHANGE_RULES)[number];

export const ClusteringSettings = z.object({
  /** Change heuristics switched on; none by default. */
  change: z.array(z.enum(CHANGE_RULES)).default([]),
  deposit: z
    .object({
      /** Deposit-address clustering on account chains. */
      enabled: z.boolean().default(true),
      /** The longest a deposit address may hold what it received before forwarding it, in seconds. */
      maxDelaySeconds: z.number().int().min(1).max(30 * 86_400).default(86_400),
      /** How many forwards to the one hub make an address a deposit address. */
      minForwards: z.number().int().min(1).max(1_000).default(2),
      /** How many distinct deposit addresses a hub must receive forwards from to be a hub. */
      minDepositsPerHub: z.number().int().min(1).max(1_000_000).default(3),
      /** How far a forward may fall short of what was received (the forwarding fee), in percent. */
      tolerancePercent: z.number().min(0).max(50).default(1),
    })
    .prefault({}),
  /** Two clusters both at least this large are not merged but held for review. */
  collapseGuard: z.number().int().min(2).max(1_000_000_000).default(1_000),
});
export type ClusteringSettings = z.infer<typeof ClusteringSettings>;

const KEY = 'clustering';

/** The workspace's settings, defaults where none were saved. */
export function readClusteringSettings(db: Db): ClusteringSettings {
  const row = db.prepare('SELECT value FROM cluster_setting WHERE key = ?').pluck().get(KEY) as string | undefined;
  return ClusteringSettings.parse(row === undefined ? {} : JSON.parse(row));
}

/** Saves the settings as given (already validated); the caller rebuilds what they affect. */
export function writeClusteringSettings(db: Db, settings: ClusteringSettings): void {
  db.prepare('INSERT INTO cluster_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(ClusteringSettings.parse(settings)));
}
