import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { AppInfo, ChainSummary, StoreStats } from '../../shared/api/schemas';
import { CHAINS } from '../../shared/model/chains';
import type { Services } from './services';

type Info = z.infer<typeof AppInfo>;
type Chain = z.infer<typeof ChainSummary>;
type Stats = z.infer<typeof StoreStats>;

/** What the workspace offers regardless of the open case: app info, chains, datasets. */
export function useWorkspace({ client, run }: Services) {
  const [info, setInfo] = useState<Info | null>(null);
  // Until chains.list answers, the built-in registry keeps the chain selects usable.
  const [chains, setChains] = useState<readonly Pick<Chain, 'id' | 'name'>[]>(CHAINS);
  const [stats, setStats] = useState<Stats | null>(null);

  const refreshStats = useCallback(async () => {
    try {
      setStats(await client['store.stats']({}));
    } catch {
      // Stats refresh in the background after events; a failure shows on the next user action.
    }
  }, [client]);

  const saveInvestigator = useCallback(
    async (investigator: string) => {
      const settings = await run(() => client['settings.set']({ investigator }));
      if (!settings) return false;
      setInfo((i) => (i ? { ...i, settings } : i));
      return true;
    },
    [client, run],
  );

  useEffect(() => {
    void run(() => client['app.info']({})).then((i) => i && setInfo(i));
    void run(() => client['chains.list']({})).then((c) => c && c.length > 0 && setChains(c));
    void refreshStats();
  }, [client, run, refreshStats]);

  return { info, chains, stats, refreshStats, saveInvestigator };
}

export type Workspace = ReturnType<typeof useWorkspace>;
