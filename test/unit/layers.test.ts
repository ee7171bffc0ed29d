import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers';

/** Where code may run is decided by its folder (design.md); this checks the imports agree. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function violations(folder: string, rule: (spec: string, target: string | null) => string | null): string[] {
  const out: string[] = [];
  for (const file of sources(join(REPO, folder))) {
    for (const spec of imports(file)) {
      const target = spec.startsWith('.') ? relative(REPO, resolve(dirname(file), spec)) : null;
      const why = rule(spec, target);
      if (why) out.push(`${relative(REPO, file)} imports ${spec}: ${why}`);
    }
  }
  return out;
}

test('shared/ is pure: no Node, DOM, Electron or app-layer imports', () => {
  assert.deepEqual(
    violations('shared', (spec, target) =>
      target ? (target.startsWith('shared') ? null : 'leaves shared/') : spec.startsWith('node:') || spec === 'electron' || spec === 'better-sqlite3' ? 'not pure' : null,
    ),
    [],
  );
});

test('renderer/ reaches the back end only through shared/ and never imports Node or Electron', () => {
  assert.deepEqual(
    violations('renderer', (spec, target) =>
      target ? (target.startsWith('electron') ? 'imports the back end' : null) : spec.startsWith('node:') || spec === 'electron' || spec === 'better-sqlite3' ? 'Node-only module' : null,
    ),
    [],
  );
});

test('electron/core, serve and cli never import Electron or electron/main', () => {
  for (const folder of ['electron/core', 'electron/serve', 'electron/cli']) {
    assert.deepEqual(
      violations(folder, (spec, target) => (spec === 'electron' ? 'imports electron' : target?.startsWith('electron/main') ? 'imports electron/main' : null)),
      [],
      folder,
    );
  }
});
