/** Appears after a short delay (in CSS) so quick calls do not flicker. */
export function BusyIndicator({ busy }: { busy: boolean }) {
  return (
    <span className={busy ? 'busy-indicator active' : 'busy-indicator'} role="status" aria-live="polite" data-testid="busy-indicator" data-busy={busy ? 'true' : 'false'}>
      {busy ? 'Working…' : ''}
    </span>
  );
}
