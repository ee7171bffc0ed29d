import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppEvent } from '../../../shared/api/contract';
import { buildSampleWorkspace } from '../../../electron/core/synth/sampleWorkspace';
import { ETL_TXS, tempDir, writeFile } from '../helpers';
import { fails, freshBackend, ok } from './backendHelpers';

test('the sample investigation is built in its own workspace, the back end switches to it and back, and the own workspace is untouched', async () => {
  const { backend, dir } = freshBackend();
  const events: AppEvent[] = [];
  backend.onEvent((e) => events.push(e));
  try {
    assert.equal((await ok(backend, 'app.info', {})).sample, false);
    // Not while an import waits for review: switching would cancel it.
    const { jobId } = await ok(backend, 'import.start', { paths: [ETL_TXS], review: true });
    for (;;) {
      const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === jobId)!;
      if (job.state === 'review') break;
      assert.equal(job.state, 'running', job.message);
      await new Promise((r) => setTimeout(r, 10));
    }
    await fails(backend, 'workspace.openSample', {}, 'conflict', /import is running or waiting for review/);
    await ok(backend, 'import.commit', { jobId });
    for (;;) {
      const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === jobId)!;
      if (job.state === 'done') break;
      await new Promise((r) => setTimeout(r, 10));
    }

    const opened = await ok(backend, 'workspace.openSample', {});
    assert.equal(opened.workspace, join(dir, 'sample'));
    assert.deepEqual(events.at(-1), { type: 'workspace.changed', workspace: join(dir, 'sample') });
    const info = await ok(backend, 'app.info', {});
    assert.equal(info.sample, true);
    assert.equal(info.settings.lastCase, opened.caseId, 'the app opens the sample case on start');
    const stats = await ok(backend, 'store.stats', {});
    assert.deepEqual(stats.chains.map((c) => c.chain).sort(), ['bip122:0f9188f13cb7b2c71f2a335e3a4fc328', 'eip155:1', 'tron:0x2b6653dc']);
    const graph = await ok(backend, 'graph.get', { caseId: opened.caseId });
    assert.equal(graph.seeds.length, 200);
    assert.equal(graph.nodes.filter((n) => !n.hidden).length, 12);

    // Opening it again reuses it; going back shows the own workspace with only its own import.
    assert.equal((await ok(backend, 'workspace.openSample', {})).caseId, opened.caseId);
    await ok(backend, 'workspace.openOwn', {});
    assert.equal((await ok(backend, 'app.info', {})).sample, false);
    assert.deepEqual((await ok(backend, 'store.stats', {})).chains.map((c) => c.chain), ['eip155:1']);
  } finally {
    await backend.close();
  }
});

test('the sample is never built into a folder that holds anything else', async () => {
  const dir = tempDir();
  writeFile(dir, 'store.sqlite', 'not a sample');
  await assert.rejects(buildSampleWorkspace(dir), /is not empty and is not a sample workspace/);
  assert.deepEqual(readdirSync(dir), ['store.sqlite']);
  assert.ok(!existsSync(join(dir, 'sample.json')));
});
