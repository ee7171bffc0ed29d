import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '../../../shared/api/contract';
import {
  handleInvoke,
  isAppUrl,
  isTrustedSender,
  type AppWindowLike,
  type InvokeEventLike,
  type SenderFrameLike,
} from '../../../electron/main/ipcGuard';

/*
 * Stand-ins shaped like Electron 45's IpcMainInvokeEvent and WebFrameMain (main.ts passes
 * the real ones, so the compiler checks the shapes agree). Each frame is a fresh object, as
 * Electron may hand out distinct WebFrameMain instances for one frame: only ids count.
 */
const APP_PAGE = 'cairn://app/index.html';
const WINDOW: AppWindowLike = { webContentsId: 7, mainFrame: { processId: 4, routingId: 1 } };

function frame(over: Partial<SenderFrameLike> = {}): SenderFrameLike {
  return { url: APP_PAGE, parent: null, processId: 4, routingId: 1, detached: false, ...over };
}

function eventFrom(senderFrame: SenderFrameLike | null | undefined, over: Partial<Omit<InvokeEventLike, 'senderFrame'>> = {}): InvokeEventLike {
  return {
    processId: senderFrame?.processId ?? 4,
    frameId: senderFrame?.routingId ?? 1,
    senderFrame,
    sender: { id: 7 },
    ...over,
  };
}

function fakeBackend() {
  const calls: Array<{ method: unknown; args: unknown }> = [];
  return {
    calls,
    async call(method: unknown, args: unknown): Promise<Envelope<unknown>> {
      calls.push({ method, args });
      return { ok: true, result: { method, args } };
    },
  };
}

describe('isTrustedSender', () => {
  it('accepts the app window main frame showing an app page, by ids rather than object identity', () => {
    const mainFrameObject = { processId: 4, routingId: 1 };
    const sender = frame();
    assert.notEqual(sender, mainFrameObject);
    assert.equal(isTrustedSender(eventFrom(sender), { webContentsId: 7, mainFrame: mainFrameObject }), true);
    assert.equal(isTrustedSender(eventFrom(frame({ url: 'cairn://app/some/page.html?x=1#token' })), WINDOW), true);
    // Electron ≤ 32 has no `detached`; absent is not detached.
    const { detached: _ignored, ...old } = frame();
    assert.equal(isTrustedSender(eventFrom(old), WINDOW), true);
  });

  it('rejects when there is no app window (closed, or not created yet)', () => {
    assert.equal(isTrustedSender(eventFrom(frame()), undefined), false);
  });

  it('rejects a missing frame', () => {
    assert.equal(isTrustedSender(eventFrom(null), WINDOW), false);
    assert.equal(isTrustedSender(eventFrom(undefined), WINDOW), false);
  });

  it('rejects another webContents even when its frame ids and URL match', () => {
    assert.equal(isTrustedSender(eventFrom(frame(), { sender: { id: 8 } }), WINDOW), false);
  });

  it('rejects a frame of another renderer process or another routing id', () => {
    assert.equal(isTrustedSender(eventFrom(frame({ processId: 5 })), WINDOW), false);
    assert.equal(isTrustedSender(eventFrom(frame({ routingId: 2 })), WINDOW), false);
    // The event's own ids are what Electron resolved senderFrame from; they must agree too.
    assert.equal(isTrustedSender(eventFrom(frame(), { processId: 5 }), WINDOW), false);
    assert.equal(isTrustedSender(eventFrom(frame(), { frameId: 2 }), WINDOW), false);
  });

  it('rejects ids that are not integers (a stand-in with NaN equals nothing, but undefined could)', () => {
    const loose = { webContentsId: 7, mainFrame: { processId: undefined as unknown as number, routingId: undefined as unknown as number } };
    const f = frame({ processId: undefined as unknown as number, routingId: undefined as unknown as number });
    assert.equal(isTrustedSender(eventFrom(f, { processId: undefined as unknown as number, frameId: undefined as unknown as number }), loose), false);
  });

  it('rejects a subframe, even on the app origin and with the main frame ids', () => {
    assert.equal(isTrustedSender(eventFrom(frame({ parent: frame() })), WINDOW), false);
  });

  it('rejects a detached frame (a previous document sending from its unload handler)', () => {
    assert.equal(isTrustedSender(eventFrom(frame({ detached: true })), WINDOW), false);
  });

  it('rejects frames on other schemes or hosts', () => {
    for (const url of [
      'file:///work/main/dist/renderer/index.html',
      'https://evil.example/index.html',
      'http://127.0.0.1:1234/index.html',
      'cairn://other/index.html',
      'cairn://app.evil/index.html',
      'cairn://app:8080/index.html',
      'cairn://evil@app/index.html',
      'cairn:app/index.html',
      'CAIRN-X://app/index.html',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'data:text/html,<script>1</script>',
      '',
      'not a url',
    ]) {
      assert.equal(isTrustedSender(eventFrom(frame({ url })), WINDOW), false, url);
    }
  });
});

describe('isAppUrl', () => {
  it('accepts only cairn://app/…', () => {
    assert.equal(isAppUrl('cairn://app/index.html'), true);
    assert.equal(isAppUrl('cairn://app/'), true);
    assert.equal(isAppUrl('cairn://app2/'), false);
    assert.equal(isAppUrl('https://app/'), false);
  });
});

describe('handleInvoke', () => {
  it('calls the back end for a trusted sender and returns its envelope', async () => {
    const backend = fakeBackend();
    const envelope = await handleInvoke(backend, eventFrom(frame()), () => WINDOW, 'app.info', { a: 1 });
    assert.deepEqual(envelope, { ok: true, result: { method: 'app.info', args: { a: 1 } } });
    assert.deepEqual(backend.calls, [{ method: 'app.info', args: { a: 1 } }]);
  });

  it('reads the app window at each call, so a replaced window is the one trusted', async () => {
    let current: AppWindowLike | undefined = WINDOW;
    const backend = fakeBackend();
    assert.equal((await handleInvoke(backend, eventFrom(frame()), () => current, 'app.info', {})).ok, true);
    current = { webContentsId: 9, mainFrame: { processId: 6, routingId: 3 } };
    assert.equal((await handleInvoke(backend, eventFrom(frame()), () => current, 'app.info', {})).ok, false);
    current = undefined;
    assert.equal((await handleInvoke(backend, eventFrom(frame()), () => current, 'app.info', {})).ok, false);
    assert.equal(backend.calls.length, 1);
  });

  it('returns forbidden without calling the back end for every rejected sender', async () => {
    const cases: Array<[string, InvokeEventLike]> = [
      ['null frame', eventFrom(null)],
      ['undefined frame', eventFrom(undefined)],
      ['subframe', eventFrom(frame({ parent: frame() }))],
      ['detached', eventFrom(frame({ detached: true }))],
      ['other routing id', eventFrom(frame({ routingId: 2 }))],
      ['other process', eventFrom(frame({ processId: 5 }))],
      ['other webContents', eventFrom(frame(), { sender: { id: 8 } })],
      ['file url', eventFrom(frame({ url: 'file:///etc/index.html' }))],
      ['https url', eventFrom(frame({ url: 'https://evil.example/' }))],
      ['other cairn host', eventFrom(frame({ url: 'cairn://other/index.html' }))],
    ];
    for (const [name, event] of cases) {
      const backend = fakeBackend();
      const envelope = await handleInvoke(backend, event, () => WINDOW, 'case.create', { name: 'x' });
      assert.equal(envelope.ok, false, name);
      if (!envelope.ok) assert.equal(envelope.error.kind, 'forbidden', name);
      assert.equal(backend.calls.length, 0, `${name}: back end must not be called`);
    }
  });

  it('treats a sender whose getters throw (destroyed frame or window) as untrusted', async () => {
    const backend = fakeBackend();
    const event: InvokeEventLike = {
      processId: 4,
      frameId: 1,
      get senderFrame(): SenderFrameLike {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      sender: { id: 7 },
    };
    const envelope = await handleInvoke(backend, event, () => WINDOW, 'app.info', {});
    assert.equal(envelope.ok, false);
    if (!envelope.ok) assert.equal(envelope.error.kind, 'forbidden');
    const throwingWindow = () => {
      throw new Error('Object has been destroyed');
    };
    assert.equal((await handleInvoke(backend, eventFrom(frame()), throwingWindow, 'app.info', {})).ok, false);
    assert.equal(backend.calls.length, 0);
  });
});
