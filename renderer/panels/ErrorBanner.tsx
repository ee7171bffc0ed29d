import type { ShownError } from '../state/useOperations';

export function ErrorBanner({ error, onDismiss }: { error: ShownError | null; onDismiss(): void }) {
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-kind">{error.kind.replace(/_/g, ' ')}</span>
      <span className="error-message">{error.message}</span>
      <button type="button" className="small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
