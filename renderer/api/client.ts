/**
 * The renderer's only door to the back end. At start it picks the transport: the Electron
 * preload's bridge when present, otherwise the loopback HTTP server of the browser shell.
 */
import { z } from 'zod';
import { createClient, type AppEvent, type Client } from '../../shared/api/contract';
import type { CairnBridge } from '../../shared/api/transport';
import { createHttpSend } from './httpTransport';
import { takeSessionToken } from './sessionToken';
import { streamServerEvents } from './sseEvents';

declare global {
  interface Window {
    cairn?: CairnBridge;
  }
}

// The CSP forbids eval; tell zod not to probe for it when it parses events.
z.config({ jitless: true });

export type EventListener = (event: AppEvent) => void;

export interface Connection {
  readonly client: Client;
  readonly transport: 'ipc' | 'http';
  /** Adds a listener for back-end events; returns the function that removes it. */
  subscribe(listener: EventListener): () => void;
}

function createFanOut(start: (emit: EventListener) => () => void) {
  const listeners = new Set<EventListener>();
  let stop: (() => void) | null = null;
  return function subscribe(listener: EventListener): () => void {
    listeners.add(listener);
    stop ??= start((event) => {
      for (const l of [...listeners]) l(event);
    });
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && stop) {
        stop();
        stop = null;
      }
    };
  };
}

export function connect(): Connection {
  const bridge = window.cairn;
  if (bridge) {
    return {
      client: createClient((method, args) => bridge.invoke(method, args)),
      transport: 'ipc',
      subscribe: createFanOut((emit) => bridge.onEvent(emit)),
    };
  }
  const session = takeSessionToken();
  return {
    client: createClient(createHttpSend(session)),
    transport: 'http',
    subscribe: createFanOut((emit) => {
      // The stream opens once the session has its token; unsubscribing first means it never opens.
      let stop: (() => void) | null = null;
      let stopped = false;
      void session.then(({ token }) => {
        if (token && !stopped) stop = streamServerEvents(token, emit);
      });
      return () => {
        stopped = true;
        stop?.();
      };
    }),
  };
}
