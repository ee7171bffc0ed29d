// Bundles the three targets with esbuild: the Node back end (CLI, server, import and trace workers, parse threads),
// the Electron shell (main + preload) and the React renderer. Type checking is separate
// (npm run typecheck) because esbuild strips types without checking them.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist');
// `node scripts/build.mjs node renderer` builds only those targets; no argument builds all.
const wanted = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['node', 'electron', 'renderer']);
if (wanted.size === 3) rmSync(out, { recursive: true, force: true });

const define = { __CAIRN_VERSION__: JSON.stringify(pkg.version) };
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define,
  // Native addon and Electron are loaded at run time, never bundled.
  external: ['better-sqlite3', 'electron'],
};

await Promise.all([
  wanted.has('node') && build({
    ...node,
    entryPoints: {
      cli: join(root, 'electron/cli/main.ts'),
      importWorker: join(root, 'electron/core/jobs/importWorker.ts'),
      traceWorker: join(root, 'electron/core/jobs/traceWorker.ts'),
      blkParseWorker: join(root, 'electron/core/ingest/bitcoin/blkParseWorker.ts'),
      csvParseWorker: join(root, 'electron/core/ingest/csvParseWorker.ts'),
    },
    outdir: join(out, 'node'),
    outExtension: { '.js': '.cjs' },
  }),
  wanted.has('electron') && build({
    ...node,
    entryPoints: { main: join(root, 'electron/main/main.ts'), preload: join(root, 'electron/main/preload.ts') },
    outdir: join(out, 'electron'),
    outExtension: { '.js': '.cjs' },
  }),
  wanted.has('renderer') && build({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
    define: { ...define, 'process.env.NODE_ENV': '"production"' },
    entryPoints: { app: join(root, 'renderer/main.tsx') },
    outdir: join(out, 'renderer'),
    jsx: 'automatic',
    loader: { '.png': 'file', '.svg': 'file' },
  }),
]);
if (wanted.has('renderer')) {
  mkdirSync(join(out, 'renderer'), { recursive: true });
  cpSync(join(root, 'renderer/index.html'), join(out, 'renderer/index.html'));
}
console.log(`build: dist/ written (${[...wanted].join(', ')})`);
