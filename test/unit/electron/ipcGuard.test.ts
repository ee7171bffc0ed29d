import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '../../../shared/api/contract';
import { handleInvoke, isAppUrl, isTrustedSender, type InvokeEventLike, type SenderFrameLike } from '../../../electron/main/ipcGuard';

function frame(url: string, parent: unknown = null): SenderFrameLike {
  return { url, parent };
}

function eventFrom(senderFrame: SenderFrameLike | null | undefined, mainFrame: unknown = senderFrame): InvokeEventLike {
  return { senderFrame, sender: { mainFrame } };
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

const APP_PAGE = 'cairn://app/index.html';

describe('isTrustedSender', () => {
  it('accepts the top-level frame showing an app page', () => {
    const top = frame(APP_PAGE);
    assert.equal(isTrustedSender(top, top), true);
    const deep = frame('cairn://app/some/page.html?x=1#token');
    assert.equal(isTrustedSender(deep, deep), true);
  });

  it('rejects a missing frame', () => {
    assert.equal(isTrustedSender(null, frame(APP_PAGE)), false);
    assert.equal(isTrustedSender(undefined, frame(APP_PAGE)), false);
    assert.equal(isTrustedSender(null, null), false);
  });

  it('rejects a subframe, even on the app origin', () => {
    const top = frame(APP_PAGE);
    const child = frame(APP_PAGE, top);
    assert.equal(isTrustedSender(child, top), false);
    // A subframe that somehow equals mainFrame is still refused because it has a parent.
    assert.equal(isTrustedSender(child, child), false);
  });

  it('rejects a top-level-looking frame that is not the webContents main frame', () => {
    const top = frame(APP_PAGE);
    const impostor = frame(APP_PAGE);
    assert.equal(isTrustedSender(impostor, top), false);
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
      const f = frame(url);
      assert.equal(isTrustedSender(f, f), false, url);
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
    const envelope = await handleInvoke(backend, eventFrom(frame(APP_PAGE)), 'app.info', { a: 1 });
    assert.deepEqual(envelope, { ok: true, result: { method: 'app.info', args: { a: 1 } } });
    assert.deepEqual(backend.calls, [{ method: 'app.info', args: { a: 1 } }]);
  });

  it('returns forbidden without calling the back end for every rejected sender', async () => {
    const top = frame(APP_PAGE);
    const cases: Array<[string, InvokeEventLike]> = [
      ['null frame', eventFrom(null, top)],
      ['undefined frame', eventFrom(undefined, top)],
      ['subframe', eventFrom(frame(APP_PAGE, top), top)],
      ['not the main frame', eventFrom(frame(APP_PAGE), top)],
      ['file url', eventFrom(frame('file:///etc/index.html'))],
      ['https url', eventFrom(frame('https://evil.example/'))],
      ['other cairn host', eventFrom(frame('cairn://other/index.html'))],
    ];
    for (const [name, event] of cases) {
      const backend = fakeBackend();
      const envelope = await handleInvoke(backend, event, 'case.create', { name: 'x' });
      assert.equal(envelope.ok, false, name);
      if (!envelope.ok) assert.equal(envelope.error.kind, 'forbidden', name);
      assert.equal(backend.calls.length, 0, `${name}: back end must not be called`);
    }
  });

  it('treats a sender whose getters throw (destroyed frame) as untrusted', async () => {
    const backend = fakeBackend();
    const event = {
      get senderFrame(): SenderFrameLike {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      sender: { mainFrame: null },
    };
    const envelope = await handleInvoke(backend, event, 'app.info', {});
    assert.equal(envelope.ok, false);
    if (!envelope.ok) assert.equal(envelope.error.kind, 'forbidden');
    assert.equal(backend.calls.length, 0);
  });
});
