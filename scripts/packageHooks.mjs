// electron-builder hooks for `npm run dist` (named in build/electron-builder.yml), and the checks
// behind them, exported for test/unit/electron/packaging.test.ts.
//
// afterExtract  (dependencies already rebuilt for Electron, app files not yet copied): records the
//               SHA-256 of the better-sqlite3 addon in dist/native-integrity.json, which is then
//               packed into app.asar. The app checks the unpacked addon against it before loading
//               it (electron/main/nativeBinding.ts).
// afterPack     (app.asar and app.asar.unpacked written): fails the build unless every unpacked
//               file is in that manifest with the same hash, so nothing outside the asar escapes it.
// afterAllArtifactBuild (fuses flipped, AppImage and .deb written): reads the fuse wire back from
//               each linux*-unpacked binary and fails the build unless it matches `electronFuses`.
//
// @electron/asar and @electron/fuses are electron-builder's own dependencies (app-builder-lib),
// imported only inside the functions that use them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Keep equal to SQLITE_BINDING_IN_APP and NATIVE_MANIFEST_FILE in electron/main/nativeBinding.ts (a unit test checks). */
export const UNPACKED_NATIVE_FILES = ['node_modules/better-sqlite3/build/Release/better_sqlite3.node'];
export const NATIVE_MANIFEST = 'dist/native-integrity.json';

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Hashes `files` (paths relative to appDir, with /) and writes the manifest into appDir/dist. Returns it. */
export function recordNativeHashes(appDir, files = UNPACKED_NATIVE_FILES) {
  const manifest = { files: {} };
  for (const file of files) {
    const abs = join(appDir, ...file.split('/'));
    if (!existsSync(abs)) throw new Error(`packaging: ${abs} does not exist; was better-sqlite3 rebuilt for Electron?`);
    manifest.files[file] = sha256(abs);
  }
  const out = join(appDir, ...NATIVE_MANIFEST.split('/'));
  mkdirSync(join(out, '..'), { recursive: true });
  // Sorted keys and a fixed layout: the manifest must be byte-identical across builds.
  writeFileSync(out, `${JSON.stringify({ files: Object.fromEntries(Object.entries(manifest.files).sort()) }, null, 2)}\n`);
  return manifest;
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * Problems (empty when none) between the manifest and the files in app.asar.unpacked: a file
 * not in the manifest, a hash that differs, a recorded file missing.
 */
export function compareUnpacked(manifest, unpackedDir) {
  const problems = [];
  const seen = new Set();
  const present = existsSync(unpackedDir) ? walk(unpackedDir) : [];
  for (const abs of present) {
    const rel = relative(unpackedDir, abs).split(sep).join('/');
    seen.add(rel);
    const expected = manifest.files[rel];
    if (expected === undefined) problems.push(`${rel} is unpacked (outside app.asar) but has no recorded hash`);
    else if (sha256(abs) !== expected) problems.push(`${rel} differs from the hash recorded at afterExtract`);
  }
  for (const rel of Object.keys(manifest.files)) {
    if (!seen.has(rel)) problems.push(`${rel} is recorded but was not unpacked`);
  }
  return problems;
}

/** The manifest as packed inside an asar archive. */
export async function manifestInAsar(asarFile) {
  const asar = await import('@electron/asar');
  const text = asar.extractFile(asarFile, NATIVE_MANIFEST.split('/').join(sep)).toString('utf8');
  return JSON.parse(text);
}

/** Fuse indexes of @electron/fuses' FuseV1Options, by electron-builder's `electronFuses` key. */
export const FUSE_INDEX = {
  runAsNode: 0,
  enableCookieEncryption: 1,
  enableNodeOptionsEnvironmentVariable: 2,
  enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4,
  onlyLoadAppFromAsar: 5,
  loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7,
};

const ENABLE = 49; // FuseState.ENABLE ('1')
const DISABLE = 48; // FuseState.DISABLE ('0')

/** Problems (empty when none) between the fuse wire in `binary` and `electronFuses`. */
export async function checkFuses(binary, electronFuses) {
  const { getCurrentFuseWire } = await import('@electron/fuses');
  const wire = await getCurrentFuseWire(binary);
  const problems = [];
  for (const [key, wanted] of Object.entries(electronFuses)) {
    const index = FUSE_INDEX[key];
    if (index === undefined) {
      problems.push(`electronFuses.${key} is not a fuse this check knows`);
      continue;
    }
    const state = wire[index];
    if (state !== (wanted ? ENABLE : DISABLE)) {
      const found = state === ENABLE ? 'enabled' : state === DISABLE ? 'disabled' : state === undefined ? 'absent' : `state ${state}`;
      problems.push(`fuse ${key} is ${found} in ${binary}, configured ${wanted ? 'enabled' : 'disabled'}`);
    }
  }
  return problems;
}

// ---- the hooks ----

export async function afterExtract(context) {
  const appDir = context.packager.info.appDir;
  const manifest = recordNativeHashes(appDir);
  console.log(`  • native-integrity  ${Object.entries(manifest.files).map(([f, h]) => `${f} sha256=${h}`).join(', ')}`);
}

export async function afterPack(context) {
  const resources = join(context.appOutDir, 'resources');
  const manifest = await manifestInAsar(join(resources, 'app.asar'));
  const problems = compareUnpacked(manifest, join(resources, 'app.asar.unpacked'));
  if (problems.length > 0) throw new Error(`packaging: app.asar.unpacked does not match ${NATIVE_MANIFEST}:\n  ${problems.join('\n  ')}`);
}

export async function afterAllArtifactBuild(result) {
  const config = result.configuration;
  const fuses = { ...config.electronFuses };
  delete fuses.resetAdHocDarwinSignature;
  const executable = config.linux?.executableName ?? config.executableName ?? config.productName;
  const unpacked = readdirSync(result.outDir).filter((d) => /^linux(-[a-z0-9]+)?-unpacked$/.test(d));
  if (unpacked.length === 0) throw new Error(`packaging: no linux*-unpacked folder in ${result.outDir} to read the fuses from`);
  for (const dir of unpacked) {
    const binary = join(result.outDir, dir, executable);
    const problems = await checkFuses(binary, fuses);
    if (problems.length > 0) throw new Error(`packaging: fuses not as configured:\n  ${problems.join('\n  ')}`);
    console.log(`  • fuses checked     ${binary}: ${Object.entries(fuses).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(' ')}`);
  }
  return [];
}
