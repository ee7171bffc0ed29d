// Type-checks each layer with its own tsconfig: the folder decides which types exist there.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const projects = ['shared', 'electron', 'electron/main', 'renderer', 'test'];
let failed = 0;
for (const p of projects) {
  const r = spawnSync(process.execPath, [tsc, '-p', `${p}/tsconfig.json`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`typecheck: ${p} failed`);
  }
}
if (failed) process.exit(1);
console.log(`typecheck: ${projects.length} projects clean`);
