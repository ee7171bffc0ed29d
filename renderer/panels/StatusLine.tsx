import type { z } from 'zod';
import type { AppInfo, TxFlows } from '../../shared/api/schemas';
import { formatCount } from '../format/text';
import { useServices } from '../state/services';

/** Shown while the app serves the sample investigation's workspace: its data is synthetic. */
function SampleBadge() {
  const { client, run } = useServices();
  return (
    <>
      <span className="warn" data-testid="sample-badge" title="This workspace holds the synthetic sample world, not evidence">
        Sample (synthetic)
      </span>
      <button type="button" className="link" data-testid="open-own-workspace" onClick={() => void run(() => client['workspace.openOwn']({}))}>
        Back to my workspace
      </button>
      <span className="sep">·</span>
    </>
  );
}

/** What the "Tx nodes" view shows, and whether the limit left transactions out. */
function TxFlowsStatus({ flows }: { flows: TxFlows }) {
  const shown = flows.txs.length;
  return (
    <span data-testid="tx-flows-status" className={flows.truncated > 0 ? 'warn' : undefined}>
      {formatCount(shown)} tx node{shown === 1 ? '' : 's'}
      {flows.truncated > 0 && `, ${formatCount(flows.truncated)} more not shown (limit reached)`}
    </span>
  );
}

export function StatusLine({ info, txFlows = null }: { info: z.infer<typeof AppInfo> | null; txFlows?: TxFlows | null }) {
  if (!info) return <div className="status-line muted" data-testid="status-line">Connecting…</div>;
  return (
    <div className="status-line" data-testid="status-line" title={`Cairn ${info.version}`}>
      {info.sample && <SampleBadge />}
      {txFlows && (
        <>
          <TxFlowsStatus flows={txFlows} />
          <span className="sep">·</span>
        </>
      )}
      <span>{info.shell} shell</span>
      <span className="sep">·</span>
      <span className="mono" title={info.workspace}>
        {info.workspace}
      </span>
      {info.settings.investigator && (
        <>
          <span className="sep">·</span>
          <span>{info.settings.investigator}</span>
        </>
      )}
    </div>
  );
}
