// `npm run bench [-- --scale S --out FILE]` (see test/bench/run.ts): prints figures and writes JSON. Not part of npm test.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The Bitcoin bench runs the bundled parse thread and the cold-start bench the bundled renderer: bundle the current sources first.
const built = spawnSync(process.execPath, ['scripts/build.mjs', 'node', 'renderer'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
