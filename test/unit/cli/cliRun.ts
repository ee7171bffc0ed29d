/** Runs the package's bin, exactly as `npx cairn` runs it, in a workspace. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers';

export const BIN = join(REPO, 'bin/cairn.cjs');

export function cairn(workspace: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--workspace', workspace], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The command's --json output, failing the test on a non-zero exit. */
export function json(workspace: string, ...args: string[]): unknown {
  const r = cairn(workspace, ...args, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}
