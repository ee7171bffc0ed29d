import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { FsListing } from '../../shared/api/schemas';
import { formatBytes } from '../format/text';
import { useServices } from '../state/services';

type Listing = z.infer<typeof FsListing>;

/** The browser shell has no native file dialog, so paths are picked from the back end's listing. */
export function FileBrowser(props: {
  onPick(path: string): void;
  /** The button next to each file, "Add" by default (the import dialog collects several). */
  pickLabel?: string;
  /** Offer folders as picks too ("Add this folder"); true by default. */
  folders?: boolean;
}) {
  const pickLabel = props.pickLabel ?? 'Add';
  const folders = props.folders ?? true;
  const { client, run } = useServices();
  const [listing, setListing] = useState<Listing | null>(null);

  const open = useCallback(
    async (path?: string) => {
      const next = await run(() => client['fs.list'](path === undefined ? {} : { path }));
      if (next) setListing(next);
    },
    [client, run],
  );

  useEffect(() => {
    void open();
  }, [open]);

  if (!listing) return <div className="file-browser muted">Loading folder…</div>;
  const entries = [...listing.entries].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));

  return (
    <div className="file-browser" aria-label="File browser" role="group">
      <div className="file-browser-bar">
        <button type="button" className="small" disabled={listing.parent === null} onClick={() => listing.parent !== null && void open(listing.parent)}>
          Up
        </button>
        <span className="mono path" title={listing.path}>
          {listing.path}
        </span>
        {folders && (
          <button type="button" className="small" onClick={() => props.onPick(listing.path)}>
            Add this folder
          </button>
        )}
      </div>
      <ul className="file-list">
        {entries.length === 0 && <li className="muted">(empty folder)</li>}
        {entries.map((entry) => (
          <li key={entry.path}>
            {entry.kind === 'dir' ? (
              <button type="button" className="link" onClick={() => void open(entry.path)} title={`Open ${entry.path}`}>
                📁 {entry.name}/
              </button>
            ) : (
              <span className="file-name" title={entry.path}>
                {entry.name}
              </span>
            )}
            <span className="muted num">{entry.kind === 'file' ? formatBytes(entry.size) : ''}</span>
            {entry.kind === 'file' || folders ? (
              <button type="button" className="small" aria-label={`${pickLabel} ${entry.name}`} onClick={() => props.onPick(entry.path)}>
                {pickLabel}
              </button>
            ) : (
              <span />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
