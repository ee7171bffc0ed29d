import { createContext, useContext } from 'react';
import type { Client } from '../../shared/api/contract';
import type { EventListener } from '../api/client';

export interface Services {
  readonly client: Client;
  subscribe(listener: EventListener): () => void;
  /**
   * Runs a call with the busy indicator on; a failure goes to the error banner and
   * resolves to undefined, so callers only handle success.
   */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
  /** Clears the error banner: a dialog whose action went through after a failed try leaves no stale error behind. */
  dismissError?(): void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices: no ServicesContext provider above this component');
  return services;
}
