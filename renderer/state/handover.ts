/** Pure rules of the hand-over dialogs (export, open bundle) and the case list, apart so they can be unit-tested. */
import type { CaseSummary } from '../../shared/api/schemas';

/** What the API accepts for a bundle passphrase. */
export const MIN_PASSPHRASE = 8;

/** `<workspace>/exports/<case-id>.cairnbundle`, with the workspace path's own separator. */
export function defaultExportPath(workspace: string, caseId: string): string {
  const sep = workspace.includes('\\') && !workspace.includes('/') ? '\\' : '/';
  return `${workspace.replace(/[\\/]+$/, '')}${sep}exports${sep}${caseId}.cairnbundle`;
}

/**
 * Whether a new passphrase may be used, and what to say under each field (nothing under the
 * second one until something is typed there). An empty passphrase means "not encrypted".
 */
export function passphraseCheck(passphrase: string, confirmation: string): { ready: boolean; passphrase: string | null; confirmation: string | null } {
  if (passphrase === '') {
    return { ready: confirmation === '', passphrase: null, confirmation: confirmation ? 'Leave this empty too, or type the passphrase above.' : null };
  }
  const tooShort = passphrase.length < MIN_PASSPHRASE;
  const differs = confirmation !== passphrase;
  return {
    ready: !tooShort && !differs,
    passphrase: tooShort ? `At least ${MIN_PASSPHRASE} characters (${passphrase.length} so far).` : null,
    confirmation: differs && confirmation !== '' ? 'The two passphrases differ.' : null,
  };
}

/** A problem that a (different) passphrase may solve: the passphrase field is where to go next. */
export function asksForPassphrase(texts: readonly string[]): boolean {
  return texts.some((t) => /passphrase|password|decrypt/i.test(t));
}

/** How a case shows in the case picker: received ones say so; a file that cannot be opened says that. */
export function caseOptionText(c: Pick<CaseSummary, 'name' | 'origin' | 'readOnly'>): string {
  if (c.origin === 'broken') return `${c.name} (cannot be opened)`;
  // Short: the select is narrow, and the banner over the canvas says the rest.
  if (c.origin === 'received' && c.readOnly) return `${c.name} (received)`;
  if (c.origin === 'foreign') return `${c.name} (read-only)`;
  return c.name;
}
