/**
 * The release packaging configuration (build/electron-builder.yml) and its hooks
 * (scripts/packageHooks.mjs). electron-builder itself cannot run here (it downloads Electron
 * and its tools), so the hooks are run on layouts shaped like its output, with the real
 * @electron/asar and @electron/fuses it uses.
 */
import { before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createPackage } from '@electron/asar';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import yaml from 'js-yaml';
import { SQLITE_BINDING_IN_APP } from '../../../electron/main/nativeBinding';
import { sourceDateEpoch } from '../../../scripts/dist.mjs';
import * as hooks from '../../../scripts/packageHooks.mjs';
import { REPO, tempDir } from '../helpers';

interface BuilderConfig {
  files: string[];
  asar: { smartUnpack?: boolean };
  asarUnpack: string[];
  afterExtract: string;
  afterPack: string;
  afterAllArtifactBuild: string;
  electronFuses: Record<string, boolean>;
  linux: { executableName: string; target: string[] };
  [key: string]: unknown;
}

// The hooks report to electron-builder's console; here that output would interleave with the
// test runner's own stream on stdout (Node then fails to deserialize it now and then).
before(() => mock.method(console, 'log', () => undefined));

const CONFIG_FILE = join(REPO, 'build/electron-builder.yml');
const config = yaml.load(readFileSync(CONFIG_FILE, 'utf8')) as BuilderConfig;

function write(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A stand-in for an Electron binary: filler around the fuse sentinel and a V1 wire of 8 fuses, all "inherit". */
function fakeElectronBinary(file: string): void {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  write(file, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.alloc(8, 144), Buffer.alloc(4096, 0x90)]));
}

/** Flips fuses on `binary` from electron-builder-style keys, as electron-builder does after afterPack. */
async function flipAsBuilderDoes(binary: string, fuses: Record<string, boolean>): Promise<void> {
  const wire: Record<number, boolean> = {};
  for (const [key, on] of Object.entries(fuses)) wire[hooks.FUSE_INDEX[key]!] = on;
  await flipFuses(binary, { version: FuseVersion.V1, ...wire });
}

/** appDir after electron-builder rebuilt dependencies: the addon (any bytes do for hashing). */
function appDirWithAddon(bytes = 'addon built for Electron'): string {
  const appDir = tempDir('cairn-pack-');
  write(join(appDir, ...SQLITE_BINDING_IN_APP.split('/')), bytes);
  return appDir;
}

/** appOutDir as electron-builder leaves it at afterPack: resources/app.asar (+ .unpacked). */
async function packedApp(appDir: string, unpacked: Record<string, string>): Promise<string> {
  const appOutDir = tempDir('cairn-out-');
  const staged = join(appOutDir, 'stage');
  write(join(staged, 'dist/native-integrity.json'), readFileSync(join(appDir, 'dist/native-integrity.json')));
  write(join(staged, 'package.json'), '{"name":"cairn"}');
  await createPackage(staged, join(appOutDir, 'resources/app.asar'));
  for (const [rel, content] of Object.entries(unpacked)) write(join(appOutDir, 'resources/app.asar.unpacked', ...rel.split('/')), content);
  return appOutDir;
}

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await validateConfiguration(config, new DebugLogger(false));
    await assert.rejects(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, new DebugLogger(false)));
  });

  it('sets the release fuses: no run-as-node, NODE_OPTIONS or --inspect; the app only from an integrity-checked asar', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('unpacks exactly the addon the app verifies, and nothing else automatically', () => {
    assert.deepEqual(config.asarUnpack, [`**/${SQLITE_BINDING_IN_APP}`]);
    assert.equal(config.asar.smartUnpack, false);
    assert.ok(config.files.includes('!**/node_modules/better-sqlite3/build/Release/test_extension.node'));
  });

  it('runs the integrity and fuse hooks, which scripts/packageHooks.mjs exports under those names', () => {
    for (const hook of ['afterExtract', 'afterPack', 'afterAllArtifactBuild'] as const) {
      assert.equal(config[hook], './scripts/packageHooks.mjs', hook);
      assert.equal(typeof hooks[hook], 'function', hook);
    }
  });

  it('builds the Linux AppImage and .deb', () => {
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.equal(config.linux.executableName, 'cairn');
  });
});

describe('native-integrity manifest (afterExtract → app.asar; afterPack checks app.asar.unpacked)', () => {
  it('afterExtract records the addon hash in appDir/dist, byte-identical across runs', async () => {
    const appDir = appDirWithAddon();
    await hooks.afterExtract({ packager: { info: { appDir } } });
    const first = readFileSync(join(appDir, 'dist/native-integrity.json'), 'utf8');
    const expected = createHash('sha256').update('addon built for Electron').digest('hex');
    assert.deepEqual(JSON.parse(first), { files: { [SQLITE_BINDING_IN_APP]: expected } });
    hooks.recordNativeHashes(appDir);
    assert.equal(readFileSync(join(appDir, 'dist/native-integrity.json'), 'utf8'), first);
  });

  it('afterExtract fails when the addon was not built', () => {
    assert.throws(() => hooks.recordNativeHashes(tempDir()), /better_sqlite3\.node does not exist; was better-sqlite3 rebuilt for Electron\?/);
  });

  it('afterPack accepts an unpacked folder holding exactly the recorded addon, read from inside the real asar', async () => {
    const appDir = appDirWithAddon();
    hooks.recordNativeHashes(appDir);
    const appOutDir = await packedApp(appDir, { [SQLITE_BINDING_IN_APP]: 'addon built for Electron' });
    assert.deepEqual(await hooks.manifestInAsar(join(appOutDir, 'resources/app.asar')), JSON.parse(readFileSync(join(appDir, 'dist/native-integrity.json'), 'utf8')));
    await hooks.afterPack({ appOutDir });
  });

  it('afterPack fails the build on an unpacked file that differs, is extra, or is missing', async () => {
    const appDir = appDirWithAddon();
    hooks.recordNativeHashes(appDir);
    const changed = await packedApp(appDir, { [SQLITE_BINDING_IN_APP]: 'something else' });
    await assert.rejects(hooks.afterPack({ appOutDir: changed }), /better_sqlite3\.node differs from the hash recorded/);
    const extra = await packedApp(appDir, { [SQLITE_BINDING_IN_APP]: 'addon built for Electron', 'node_modules/x/build/Release/x.node': 'x' });
    await assert.rejects(hooks.afterPack({ appOutDir: extra }), /node_modules\/x\/build\/Release\/x\.node is unpacked \(outside app\.asar\) but has no recorded hash/);
    const missing = await packedApp(appDir, {});
    await assert.rejects(hooks.afterPack({ appOutDir: missing }), /better_sqlite3\.node is recorded but was not unpacked/);
  });
});

describe('fuse check (afterAllArtifactBuild)', () => {
  it("FUSE_INDEX agrees with @electron/fuses' own FuseV1Options", () => {
    const names: Record<string, keyof typeof FuseV1Options> = {
      runAsNode: 'RunAsNode',
      enableCookieEncryption: 'EnableCookieEncryption',
      enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
      enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
      enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
      onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
      loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
      grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
    };
    assert.deepEqual(Object.keys(hooks.FUSE_INDEX).sort(), Object.keys(names).sort());
    for (const [key, name] of Object.entries(names)) assert.equal(hooks.FUSE_INDEX[key], FuseV1Options[name], key);
  });

  it('passes a binary flipped to the configured fuses and names each fuse that differs', async () => {
    const outDir = tempDir('cairn-release-');
    const binary = join(outDir, 'linux-unpacked', config.linux.executableName);
    fakeElectronBinary(binary);
    const result = { outDir, configuration: config };
    // Unflipped: every fuse is "inherit", which is not what the release asks for.
    await assert.rejects(hooks.afterAllArtifactBuild(result), /fuse runAsNode is state 144 .* configured disabled/);
    await flipAsBuilderDoes(binary, config.electronFuses);
    assert.deepEqual(await hooks.afterAllArtifactBuild(result), []);
    await flipFuses(binary, { version: FuseVersion.V1, [FuseV1Options.RunAsNode]: true, [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: true });
    const wire = await getCurrentFuseWire(binary);
    assert.equal(wire[FuseV1Options.RunAsNode], 49);
    const problems = await hooks.checkFuses(binary, config.electronFuses);
    assert.deepEqual(problems, [
      `fuse runAsNode is enabled in ${binary}, configured disabled`,
      `fuse enableNodeOptionsEnvironmentVariable is enabled in ${binary}, configured disabled`,
    ]);
    await assert.rejects(hooks.afterAllArtifactBuild(result), /fuses not as configured/);
  });

  it('fails when there is no unpacked Linux app to read', async () => {
    await assert.rejects(hooks.afterAllArtifactBuild({ outDir: tempDir(), configuration: config }), /no linux\*-unpacked folder/);
  });
});

describe('SOURCE_DATE_EPOCH for npm run dist', () => {
  it("takes the caller's value, else the commit time, and refuses anything else", () => {
    assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' }, '1800000000\n'), '1700000000');
    assert.equal(sourceDateEpoch({}, '1800000000\n'), '1800000000');
    assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '' }, '1800000000'), '1800000000');
    assert.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: '2024-01-01' }, '1'), /whole seconds since 1970, got "2024-01-01"/);
    assert.throws(() => sourceDateEpoch({}, undefined), /set SOURCE_DATE_EPOCH/);
  });
});
