import type { z } from 'zod';
import type { AppInfo } from '../../shared/api/schemas';

export function StatusLine({ info }: { info: z.infer<typeof AppInfo> | null }) {
  if (!info) return <div className="status-line muted" data-testid="status-line">Connecting…</div>;
  return (
    <div className="status-line" data-testid="status-line" title={`Cairn ${info.version}`}>
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
