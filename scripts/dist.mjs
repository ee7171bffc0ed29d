// `npm run dist`: bundle (scripts/build.mjs), then electron-builder for the Linux AppImage and .deb
// (build/electron-builder.yml), with what leaks into the packages pinned so that two builds of one
// commit on one toolchain give the same bytes: SOURCE_DATE_EPOCH (the commit's time, which mksquashfs
// and fpm use for every timestamp), TZ, the locale and the umask. Writes release/SHA256SUMS.
// Needs the network (Electron's download, its headers, electron-builder's tools): docs/packaging.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The timestamp every file in the packages gets: SOURCE_DATE_EPOCH if the caller set one (a
 * rebuild of a published release must use the release's), else the commit's time.
 */
export function sourceDateEpoch(env, commitTime) {
  const given = env.SOURCE_DATE_EPOCH;
  if (given !== undefined && given !== '') {
    if (!/^\d{1,12}$/.test(given)) throw new Error(`dist: SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(given)}`);
    return given;
  }
  const fromGit = (commitTime ?? '').trim();
  if (!/^\d{1,12}$/.test(fromGit)) throw new Error('dist: no SOURCE_DATE_EPOCH and no git commit time to take it from; set SOURCE_DATE_EPOCH');
  return fromGit;
}

/** The environment electron-builder and the tools it runs see. */
export function distEnvironment(env, epoch) {
  return { ...env, SOURCE_DATE_EPOCH: epoch, TZ: 'UTC', LC_ALL: 'C', LANG: 'C' };
}

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function main() {
  const git = spawnSync('git', ['log', '-1', '--format=%ct', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const epoch = sourceDateEpoch(process.env, git.status === 0 ? git.stdout : undefined);
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  if (dirty.status === 0 && dirty.stdout.trim() !== '') console.warn('dist: the work tree has uncommitted changes; this build will not match a build of the commit');
  // Files the build writes (dist/, the unpacked app) get 644/755 whatever the shell's umask.
  process.umask(0o022);
  const env = distEnvironment(process.env, epoch);
  console.log(`dist: SOURCE_DATE_EPOCH=${epoch} (${new Date(Number(epoch) * 1000).toISOString()})`);
  run(process.execPath, [join(root, 'scripts/build.mjs')], env);
  run(process.execPath, [join(root, 'node_modules/electron-builder/cli.js'), '--config', 'build/electron-builder.yml', '--linux', 'AppImage', 'deb', '--publish', 'never'], env);
  const release = join(root, 'release');
  const sums = readdirSync(release)
    .filter((f) => f.endsWith('.AppImage') || f.endsWith('.deb'))
    .sort()
    .map((f) => `${createHash('sha256').update(readFileSync(join(release, f))).digest('hex')}  ${f}`);
  writeFileSync(join(release, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  console.log(`dist: release/SHA256SUMS\n${sums.join('\n')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
