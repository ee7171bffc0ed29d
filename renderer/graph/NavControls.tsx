/**
 * The canvas's navigation buttons, over its top-right corner. Each has a key (commands.ts) and
 * an accessible name other code and tests rely on: "Fit all", "Fit selection", "Zoom in",
 * "Zoom out", "Recentre", plus the Legend and Overview switches.
 */
import type { ReactNode } from 'react';

export type CanvasNavigation = 'fit-all' | 'fit-selection' | 'zoom-in' | 'zoom-out' | 'recentre' | 'toggle-legend' | 'toggle-overview';

/** Keys shown in the buttons' tooltips; the bindings themselves are in state/commands.ts. */
export const NAVIGATION_KEYS: Record<CanvasNavigation, { label: string; key: string; aria: string }> = {
  'fit-all': { label: 'Fit all', key: 'F', aria: 'F' },
  'fit-selection': { label: 'Fit selection', key: 'Shift+F', aria: 'Shift+F' },
  'zoom-in': { label: 'Zoom in', key: '+', aria: '+ =' },
  'zoom-out': { label: 'Zoom out', key: '−', aria: '-' },
  recentre: { label: 'Recentre', key: 'C', aria: 'C' },
  'toggle-legend': { label: 'Legend', key: 'L', aria: 'L' },
  'toggle-overview': { label: 'Overview', key: 'M', aria: 'M' },
};

const ICONS: Record<CanvasNavigation, ReactNode> = {
  'fit-all': <path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" />,
  'fit-selection': (
    <>
      <path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" />
      <circle cx="8" cy="8" r="2" />
    </>
  ),
  'zoom-in': <path d="M3 8h10M8 3v10" />,
  'zoom-out': <path d="M3 8h10" />,
  recentre: (
    <>
      <circle cx="8" cy="8" r="4.5" />
      <path d="M8 1v3M8 12v3M1 8h3M12 8h3" />
    </>
  ),
  'toggle-legend': <path d="M2 3.5h2M6 3.5h8M2 8h2M6 8h8M2 12.5h2M6 12.5h8" />,
  'toggle-overview': (
    <>
      <rect x="1.5" y="2.5" width="13" height="11" rx="1" />
      <rect x="7" y="6" width="5" height="4" />
    </>
  ),
};

function NavButton(props: { action: CanvasNavigation; onAction(a: CanvasNavigation): void; disabled?: boolean; pressed?: boolean; hint?: string }) {
  const { label, key, aria } = NAVIGATION_KEYS[props.action];
  return (
    <button
      type="button"
      className="nav-button"
      aria-label={label}
      aria-keyshortcuts={aria}
      aria-pressed={props.pressed}
      title={`${props.hint ?? label} (${key})`}
      disabled={props.disabled}
      onClick={() => props.onAction(props.action)}
    >
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
        {ICONS[props.action]}
      </svg>
    </button>
  );
}

export function NavControls(props: {
  onAction(action: CanvasNavigation): void;
  hasSelection: boolean;
  legendShown: boolean;
  overviewShown: boolean;
}) {
  return (
    <div className="nav-controls" role="toolbar" aria-label="Canvas view" aria-orientation="vertical">
      <NavButton action="fit-all" onAction={props.onAction} hint="Fit all: show the whole graph" />
      <NavButton action="fit-selection" onAction={props.onAction} disabled={!props.hasSelection} hint="Fit selection: zoom to the selected nodes" />
      <NavButton action="zoom-in" onAction={props.onAction} />
      <NavButton action="zoom-out" onAction={props.onAction} />
      <NavButton action="recentre" onAction={props.onAction} hint="Recentre on the selection, or on the whole graph, keeping the zoom" />
      <span className="nav-sep" aria-hidden="true" />
      <NavButton action="toggle-legend" onAction={props.onAction} pressed={props.legendShown} hint="Show or hide the legend" />
      <NavButton action="toggle-overview" onAction={props.onAction} pressed={props.overviewShown} hint="Show or hide the overview map" />
    </div>
  );
}
