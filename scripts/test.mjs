// `npm test`: build, type-check every layer, run the unit suite (node:test) and the end-to-end
// suite (Playwright driving Chromium through the browser shell), then print one closing line
// "tests: N passed, M failed" that counts both. Flags: --unit, --e2e (only that suite).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--e2e') ? 'e2e' : null;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function findTests(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p, suffix));
    else if (name.endsWith(suffix)) out.push(relative(root, p));
  }
  return out;
}

if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
if (run(process.execPath, ['scripts/typecheck.mjs']) !== 0) process.exit(1);

const scratch = mkdtempSync(join(tmpdir(), 'cairn-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;

if (only !== 'e2e') {
  const files = findTests(join(root, 'test/unit'), '.test.ts');
  const tap = join(scratch, 'unit.tap');
  run(process.execPath, [
    '--import', 'tsx',
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = readFileSync(tap, 'utf8');
  const count = (label) => Number((new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text) ?? [0, 0])[1]);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  console.log(`unit: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed`);
}

if (only !== 'unit') {
  const report = join(scratch, 'e2e.json');
  const status = run(process.execPath, [join(root, 'node_modules/@playwright/test/cli.js'), 'test', '--reporter=list,json'], {
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
  let stats = null;
  try {
    stats = JSON.parse(readFileSync(report, 'utf8')).stats;
  } catch {
    console.error('e2e: Playwright wrote no report');
  }
  if (stats) {
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
    skipped += stats.skipped;
    console.log(`e2e: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed`);
  } else if (status !== 0) {
    failed += 1;
  }
}

rmSync(scratch, { recursive: true, force: true });
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
