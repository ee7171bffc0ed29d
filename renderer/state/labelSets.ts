/**
 * The workspace's label sets (TagPacks, OFAC lists, CSV lists), shared by the sidebar, the
 * details panel and the dialogs. Panels ask for an address's labels and exposure only while
 * some set is imported: without labels there is nothing to find, and a workspace without them
 * (or a back end without them) pays nothing for the feature.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { LabelSet } from '../../shared/api/schemas';
import type { Services } from './services';

export interface LabelSets {
  /** The sets, oldest first; null until listed (or when the back end cannot list them). */
  readonly sets: readonly LabelSet[] | null;
  /** Goes up at every import or removal, so that views of labels read them again. */
  readonly revision: number;
  /** Some set is imported: labels, exposure and screening have something to say. */
  readonly any: boolean;
  refresh(): Promise<void>;
  /** Removes a set and its labels; resolves true when done (a failure goes to the banner). */
  remove(setId: number): Promise<boolean>;
}

const NONE: LabelSets = { sets: null, revision: 0, any: false, refresh: async () => undefined, remove: async () => false };

export const LabelSetsContext = createContext<LabelSets>(NONE);

export function useLabelSetsContext(): LabelSets {
  return useContext(LabelSetsContext);
}

/** Lists the label sets at start and after each change; `onChanged` redraws what shows labels (the graph). */
export function useLabelSets({ client, run }: Services, onChanged: () => void): LabelSets {
  const [sets, setSets] = useState<readonly LabelSet[] | null>(null);
  const [revision, setRevision] = useState(0);

  const list = useCallback(async () => {
    try {
      setSets(await client['labels.list']({}));
    } catch {
      // Listed in the background: a failure here is not worth a banner (the next action reports it).
    }
  }, [client]);

  const refresh = useCallback(async () => {
    await list();
    setRevision((r) => r + 1);
    onChanged();
  }, [list, onChanged]);

  const remove = useCallback(
    async (setId: number) => {
      const done = await run(() => client['labels.remove']({ setId }));
      if (!done) return false;
      await refresh();
      return true;
    },
    [client, run, refresh],
  );

  useEffect(() => {
    void list();
  }, [list]);

  return useMemo(() => ({ sets, revision, any: (sets?.length ?? 0) > 0, refresh, remove }), [sets, revision, refresh, remove]);
}
