import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { REPO, tempDir, writeFile } from '../../helpers';

/**
 * The format importers take their shared types from importTypes.ts, never from importDataset.ts,
 * the dispatcher that imports them: a module cycle makes what a file sees at load time depend on
 * which module was loaded first, and lets a change to the dispatcher ripple into every format.
 * Type-only imports count too: they are how such a cycle starts.
 */

const INGEST = join(REPO, 'electron/core/ingest');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** The TypeScript file a relative specifier names, or null (a package, a JSON file, a worker script's path). */
function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\.(c|m)?js$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every module reachable from `roots` by static, type-only, re-export or dynamic imports, with the modules each imports. */
function importGraph(roots: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = [...new Set(info.importedFiles.map((f) => resolveSpecifier(file, f.fileName)).filter((t): t is string => t !== null))];
    graph.set(file, targets);
    queue.push(...targets);
  }
  return graph;
}

/** The import cycles (as file loops, first file repeated at the end) that pass through a file `inScope` accepts; one per strongly connected group. */
function cyclesThrough(graph: ReadonlyMap<string, readonly string[]>, inScope: (file: string) => boolean): string[][] {
  // Tarjan's strongly connected components, iteratively so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== top.node);
        const selfImport = (graph.get(top.node) ?? []).includes(top.node);
        if ((group.length > 1 || selfImport) && group.some(inScope)) groups.push(group);
      }
    }
  }
  // Each group shown as one concrete loop: the shortest one back to its first file.
  return groups.map((group) => {
    const members = new Set(group);
    const first = [...group].sort()[0]!;
    const cameFrom = new Map<string, string>();
    const queue = [first];
    for (let i = 0; i < queue.length; i++) {
      for (const to of graph.get(queue[i]!) ?? []) {
        if (!members.has(to)) continue;
        if (to === first) {
          const loop = [first];
          for (let at: string | undefined = queue[i]; at !== undefined && at !== first; at = cameFrom.get(at)) loop.splice(1, 0, at);
          return [...loop, first];
        }
        if (!cameFrom.has(to)) {
          cameFrom.set(to, queue[i]!);
          queue.push(to);
        }
      }
    }
    return [...group, group[0]!];
  });
}

const shown = (cycles: string[][], root: string): string[] => cycles.map((c) => c.map((f) => relative(root, f)).join(' → '));

test('no import cycle runs through the ingest modules: the format importers never import their dispatcher, importDataset.ts', () => {
  const graph = importGraph(tsFiles(INGEST));
  // The walk did see the dispatcher's imports, so an empty answer below is not a walk that read nothing.
  assert.ok(graph.get(join(INGEST, 'importDataset.ts'))?.includes(join(INGEST, 'bitcoin/importBitcoin.ts')));
  assert.ok(graph.get(join(INGEST, 'bitcoin/importBitcoin.ts'))?.includes(join(INGEST, 'importTypes.ts')));
  assert.deepEqual(shown(cyclesThrough(graph, (f) => f.startsWith(INGEST + '/')), REPO), []);
});

test('the cycle check finds a loop made of type-only imports and names its files in order, and passes over the modules outside it', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'formats'));
  writeFile(dir, 'dispatch.ts', "import { readA } from './formats/a';\nexport type Options = { n: number };\nexport const run = readA;\n");
  writeFile(dir, 'formats/a.ts', "import type { Options } from '../dispatch';\nimport { helper } from './helper';\nexport const readA = (o: Options) => helper(o.n);\n");
  writeFile(dir, 'formats/helper.ts', 'export const helper = (n: number) => n;\n');
  writeFile(dir, 'self.ts', "export * from './self';\n");
  writeFile(dir, 'outside.ts', "import { run } from './dispatch';\nexport const go = run;\n");
  const graph = importGraph([join(dir, 'outside.ts'), join(dir, 'self.ts')]);
  assert.deepEqual(shown(cyclesThrough(graph, () => true), dir).sort(), ['dispatch.ts → formats/a.ts → dispatch.ts', 'self.ts → self.ts']);
  // A loop wholly outside the modules checked is not theirs to answer for.
  assert.deepEqual(cyclesThrough(graph, (f) => f.endsWith('helper.ts')), []);
});
