import { AppEvent } from '../../shared/api/contract';
import { EVENTS_PATH } from '../../shared/api/transport';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** Splits an SSE byte stream into events and returns the `data:` payload of each. */
export function parseSseBlocks(buffer: string): { events: string[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events: string[] = [];
  for (const block of blocks) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length) events.push(data.join('\n'));
  }
  return { events, rest };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Reads the server's event stream with fetch, because EventSource cannot send the
 * Authorization header. Reconnects with backoff when the stream drops; after a
 * reconnect it reports `store.changed`, since events may have been missed meanwhile.
 */
export function streamServerEvents(token: string, onEvent: (event: AppEvent) => void): () => void {
  const stop = new AbortController();
  void (async () => {
    let retry = FIRST_RETRY_MS;
    let connectedBefore = false;
    while (!stop.signal.aborted) {
      try {
        const response = await fetch(EVENTS_PATH, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: stop.signal,
        });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        retry = FIRST_RETRY_MS;
        if (connectedBefore) onEvent({ type: 'store.changed' });
        connectedBefore = true;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSseBlocks(buffer + value);
          buffer = parsed.rest;
          for (const data of parsed.events) {
            let json: unknown;
            try {
              json = JSON.parse(data);
            } catch {
              continue;
            }
            const event = AppEvent.safeParse(json);
            if (event.success) onEvent(event.data);
          }
        }
      } catch {
        // Dropped or refused: fall through to the backoff and try again.
      }
      if (stop.signal.aborted) return;
      await sleep(retry, stop.signal);
      retry = Math.min(retry * 2, MAX_RETRY_MS);
    }
  })();
  return () => stop.abort();
}
