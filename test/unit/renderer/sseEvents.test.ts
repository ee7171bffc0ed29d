import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSseBlocks } from '../../../renderer/api/sseEvents';

describe('parseSseBlocks', () => {
  it('returns complete events and keeps the partial tail for the next chunk', () => {
    const first = parseSseBlocks('data: {"type":"store.changed"}\n\ndata: {"type":"jo');
    assert.deepEqual(first.events, ['{"type":"store.changed"}']);
    const second = parseSseBlocks(first.rest + 'b"}\n\n');
    assert.deepEqual(second.events, ['{"type":"job"}']);
    assert.equal(second.rest, '');
  });

  it('ignores comments and heartbeats, joins multi-line data and accepts CRLF', () => {
    const { events } = parseSseBlocks(': heartbeat\n\nevent: x\r\ndata: {"a":\r\ndata: 1}\r\n\r\n');
    assert.deepEqual(events, ['{"a":\n1}']);
  });
});
