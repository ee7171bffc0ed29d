import assert from 'node:assert/strict';
import type { ArgsIn, MethodName, Result } from '../../../shared/api/contract';
import { openBackend } from '../../../electron/core/backend';
import type { Backend } from '../../../electron/core/backendTypes';
import { tempDir } from '../helpers';

/** Calls a method through the same door the shells use, and fails the test on an error envelope. */
export async function ok<M extends MethodName>(backend: Backend, method: M, args: ArgsIn<M>): Promise<Result<M>> {
  const r = await backend.call(method, args);
  if (!r.ok) assert.fail(`${method} failed: ${r.error.kind}: ${r.error.message}`);
  return r.result as Result<M>;
}

export async function fails(backend: Backend, method: MethodName | string, args: unknown, kind: string, message?: RegExp): Promise<string> {
  const r = await backend.call(method, args);
  assert.equal(r.ok, false, `${method} should fail`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.kind, kind, r.error.message);
  if (message) assert.match(r.error.message, message);
  return r.error.message;
}

export function freshBackend(dir = tempDir()): { backend: Backend; dir: string } {
  return { backend: openBackend({ workspaceDir: dir, shell: 'cli' }), dir };
}

/** Imports through the API (import.start, as the app does) and waits until the job is done. */
export async function importAndWait(backend: Backend, paths: string[], chain?: string): Promise<void> {
  const { jobId } = await ok(backend, 'import.start', chain ? { paths, chain } : { paths });
  for (;;) {
    const job = (await ok(backend, 'jobs.list', {})).find((j) => j.id === jobId)!;
    if (job.state !== 'running') {
      assert.equal(job.state, 'done', job.message);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
