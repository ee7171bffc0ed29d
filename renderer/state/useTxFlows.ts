import { useEffect, useState } from 'react';
import type { Graph, TxFlows } from '../../shared/api/schemas';
import type { Services } from './services';

/**
 * The UTXO transactions between the canvas's address nodes while the "Tx nodes" view is on,
 * re-read whenever the graph changes (a new Graph object: an edit, an undo, an import).
 * Until the new answer arrives the previous one stays, so the view does not flicker;
 * the canvas drops whatever in it no longer matches a drawn node.
 */
export function useTxFlows({ client, run }: Services, graph: Graph | null, enabled: boolean): TxFlows | null {
  const [flows, setFlows] = useState<TxFlows | null>(null);
  const caseId = graph?.caseId ?? null;

  useEffect(() => {
    if (!enabled || caseId === null) {
      // Switched off: forget the answer, so switching on again never starts from an old one.
      setFlows(null);
      return;
    }
    let current = true;
    void run(() => client['graph.txFlows']({ caseId })).then((next) => {
      if (current && next) setFlows(next);
    });
    return () => {
      current = false;
    };
    // The graph object itself is the revision: every change to the case or the store replaces it.
  }, [client, run, caseId, enabled, graph]);

  if (!enabled || flows === null || flows.caseId !== caseId) return null;
  return flows;
}
