import { createContext, useContext } from 'react';

/**
 * True while the open case is read-only here (received from a colleague and not yet continued,
 * or a case file this workspace did not create). Panels use it to stop offering edits; the
 * back end refuses them anyway ("forbidden").
 */
export const CaseReadOnlyContext = createContext(false);

export function useCaseReadOnly(): boolean {
  return useContext(CaseReadOnlyContext);
}
