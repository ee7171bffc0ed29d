/**
 * "API file access outside chosen folders refused" (issue 17), checked against the contract
 * itself: every argument that looks like a path must be listed in shared/api/fileArgs.ts, and
 * every listed one is called through the API with a path outside the granted folders and must
 * be refused. A new method that takes a path therefore cannot skip the check silently.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { z } from 'zod';
import { api, METHOD_NAMES, type MethodName } from '../../../shared/api/contract';
import { FILE_ARGS } from '../../../shared/api/fileArgs';
import { openBackend } from '../../../electron/core/backend';
import { limitedFileAccess, OUTSIDE_GRANTED_FOLDERS } from '../../../electron/core/fileAccess';
import { ETL_TXS, tempDir } from '../helpers';
import { ok } from './backendHelpers';

/** An argument name that names a file or folder. */
const PATH_LIKE = /(path|dir|file|folder)s?$|^out/i;

/** Every argument name in a schema, nested ones included, with where it sits. */
function argumentNames(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => [prefix + k, ...argumentNames(v, `${prefix}${k}.`)]);
    case 'union':
      return (def.options as z.ZodType[]).flatMap((o) => argumentNames(o, prefix));
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return argumentNames(def.innerType as z.ZodType, prefix);
    case 'pipe':
      return argumentNames(def.in as z.ZodType, prefix);
    case 'array':
      return argumentNames(def.element as z.ZodType, prefix);
    default:
      return [];
  }
}

test('every argument of the contract that looks like a path is listed in FILE_ARGS, and every listed one exists', () => {
  const unlisted: string[] = [];
  for (const method of METHOD_NAMES) {
    const names = [...new Set(argumentNames(api[method].args))];
    const listed = Object.keys(FILE_ARGS[method] ?? {});
    for (const name of names) {
      if (PATH_LIKE.test(name.split('.').at(-1)!) && !listed.includes(name)) unlisted.push(`${method}: ${name}`);
    }
    for (const name of listed) assert.ok(names.includes(name), `FILE_ARGS lists ${method}.${name}, which the contract does not have`);
  }
  assert.deepEqual(unlisted, [], 'list these in shared/api/fileArgs.ts (read or write), so the back end checks them');
  // The scan finds the known ones: a broken scan must not pass by finding nothing.
  assert.ok(Object.keys(FILE_ARGS).length >= 10);
});

test('every path-taking method refuses a path outside the granted folders, and accepts one inside', async () => {
  const base = tempDir('cairn-contract-access-');
  const workspace = join(base, 'workspace');
  const granted = join(base, 'granted');
  const outside = join(base, 'outside');
  for (const d of [granted, outside, join(outside, 'template')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  copyFileSync(ETL_TXS, join(granted, 'transactions.csv'));
  const backend = openBackend({ workspaceDir: workspace, shell: 'browser', fileAccess: limitedFileAccess([granted]) });
  const caseId = (await ok(backend, 'case.create', { name: 'Contract' })).id;

  // One valid call per method FILE_ARGS lists; `at` fills in the argument under test.
  const read = (name: string) => join(outside, name);
  const calls: { [M in MethodName]?: (arg: string, at: (use: 'read' | 'write', name: string) => string) => Record<string, unknown> } = {
    'fs.list': (arg, at) => ({ [arg]: at('read', '') }),
    'import.start': (arg, at) => ({ [arg]: [at('read', 'transactions.csv')] }),
    'labels.preview': (arg, at) => ({ [arg]: [at('read', 'transactions.csv')] }),
    'labels.import': (arg, at) => ({ [arg]: [at('read', 'transactions.csv')] }),
    'bundle.inspect': (arg, at) => ({ [arg]: at('read', 'case.cairnbundle') }),
    'bundle.import': (arg, at) => ({ [arg]: at('read', 'case.cairnbundle') }),
    'report.create': (arg, at) => ({ caseId, path: join(granted, 'report.html'), overwrite: true, [arg]: arg === 'path' ? at('write', 'report.html') : at('read', 'template') }),
    'case.exportGraph': (arg, at) => ({ caseId, format: 'graphml', overwrite: true, [arg]: at('write', 'graph.graphml') }),
    'case.exportTagPack': (arg, at) => ({ caseId, overwrite: true, [arg]: at('write', 'tags.yaml') }),
    'case.export': (arg, at) => ({ caseId, overwrite: true, [arg]: at('write', 'case.cairnbundle') }),
  };
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(FILE_ARGS).sort(), 'a method added to FILE_ARGS needs a call here');

  for (const method of Object.keys(FILE_ARGS) as MethodName[]) {
    for (const arg of Object.keys(FILE_ARGS[method]!)) {
      const make = calls[method]!;
      const outsideArgs = make(arg, (_use, name) => read(name || 'template'));
      const r = await backend.call(method, outsideArgs);
      assert.equal(r.ok, false, `${method}.${arg} outside the granted folders must be refused`);
      if (r.ok) continue;
      assert.equal(r.error.kind, 'forbidden', `${method}.${arg}: ${r.error.message}`);
      assert.equal((r.error.detail as { code?: string } | undefined)?.code, OUTSIDE_GRANTED_FOLDERS, `${method}.${arg}: ${r.error.message}`);
      assert.ok(r.error.message.includes(granted) && r.error.message.includes(workspace), r.error.message);
      for (const name of ['report.html', 'graph.graphml', 'tags.yaml', 'case.cairnbundle']) assert.equal(existsSync(join(outside, name)), false, `${method} wrote ${name} outside`);

      // Inside a granted folder the same call gets past the check (it may still fail for its own reasons).
      const insideArgs = make(arg, (_use, name) => join(granted, name));
      const inside = await backend.call(method, insideArgs);
      assert.ok(inside.ok || (inside.error.detail as { code?: string } | undefined)?.code !== OUTSIDE_GRANTED_FOLDERS, `${method}.${arg} inside: ${inside.ok ? '' : inside.error.message}`);
    }
  }
  await backend.close();
});
