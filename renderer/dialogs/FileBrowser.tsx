import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { FsListing } from '../../shared/api/schemas';
import { formatBytes } from '../format/text';
import { useServices } from '../state/services';

type Listing = z.infer<typeof FsListing>;

/**
 * Paths are picked from the back end's listing (the browser shell has no native file dialog).
 * When the back end limits file access to the folders opened in this session, the browser
 * starts at the list of those folders and "Up" stops at them; in the Electron shell, "Open
 * folder…" adds one through the native dialog.
 */
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
  // Only the Electron preload offers it: the pick happens in the main process, which grants it.
  const chooseFolder = window.cairn?.chooseFolder;
  const openChosenFolder = async () => {
    const chosen = await run(() => chooseFolder!());
    if (chosen) await open(chosen);
  };

  useEffect(() => {
    void open();
  }, [open]);

  if (!listing) return <div className="file-browser muted">Loading folder…</div>;
  const atRoots = listing.path === '';
  // The opened folders keep their order (the workspace first); a folder's entries are sorted.
  const entries = atRoots ? listing.entries : [...listing.entries].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  // From a folder opened in this session, "Up" goes back to the list of them.
  const up = listing.parent ?? (listing.roots && !atRoots ? '' : null);

  return (
    <div className="file-browser" aria-label="File browser" role="group">
      <div className="file-browser-bar">
        <button type="button" className="small" disabled={up === null} onClick={() => up !== null && void open(up === '' ? undefined : up)}>
          Up
        </button>
        <span className={atRoots ? 'path' : 'mono path'} title={listing.path}>
          {atRoots ? 'Folders opened in this session' : listing.path}
        </span>
        {chooseFolder && (
          <button type="button" className="small" onClick={() => void openChosenFolder()}>
            Open folder…
          </button>
        )}
        {folders && !atRoots && (
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
        {atRoots && !chooseFolder && (
          <li className="muted file-browser-note">Other folders are out of the app's reach: start Cairn with --allow FOLDER to open one (npm start -- --allow FOLDER).</li>
        )}
      </ul>
    </div>
  );
}
