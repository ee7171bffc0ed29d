/**
 * Which arguments of which API methods name files or folders on the investigator's disk, and
 * whether the method reads or writes there. The back end checks each one against the folders
 * opened in this session before the handler runs (electron/core/fileAccess.ts), so a handler
 * cannot forget it. A unit test (test/unit/core/fileAccessContract.test.ts) fails when a method
 * gains an argument that looks like a path and is not listed here, and calls every listed one
 * with a path outside the granted folders.
 */
import type { Args, MethodName } from './contract';

export type FileUse = 'read' | 'write';

/** Per method: argument name -> how the method uses the path (a string, or an array of them). */
export type FileArgSpec<M extends MethodName> = { readonly [K in keyof Args<M>]?: FileUse };

export const FILE_ARGS: { readonly [M in MethodName]?: FileArgSpec<M> } = {
  'fs.list': { path: 'read' },
  'import.start': { paths: 'read' },
  'labels.preview': { paths: 'read' },
  'labels.import': { paths: 'read' },
  'bundle.inspect': { path: 'read' },
  'bundle.import': { path: 'read' },
  'report.create': { path: 'write', templateDir: 'read' },
  'case.exportGraph': { path: 'write' },
  'case.exportTagPack': { path: 'write' },
  'case.export': { path: 'write' },
};

/** The paths one call names, with how each is used: empty strings and absent arguments name none. */
export function fileArgsOf(method: MethodName, args: unknown): { arg: string; path: string; use: FileUse }[] {
  const spec = FILE_ARGS[method] as Readonly<Record<string, FileUse>> | undefined;
  if (!spec || typeof args !== 'object' || args === null) return [];
  const out: { arg: string; path: string; use: FileUse }[] = [];
  for (const [arg, use] of Object.entries(spec)) {
    const value = (args as Record<string, unknown>)[arg];
    const values = Array.isArray(value) ? value : [value];
    for (const path of values) if (typeof path === 'string' && path !== '') out.push({ arg, path, use });
  }
  return out;
}
