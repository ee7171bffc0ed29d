import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  bundledSqliteBinding,
  NATIVE_MANIFEST_FILE,
  parseNativeManifest,
  prepareSqliteBinding,
  resolveSqliteBinding,
  SQLITE_BINDING_ENV,
  SQLITE_BINDING_IN_APP,
  verifyNativeModule,
} from '../../../electron/main/nativeBinding';
import { NATIVE_MANIFEST, recordNativeHashes, UNPACKED_NATIVE_FILES } from '../../../scripts/packageHooks.mjs';
import { tempDir } from '../helpers';

/** The addon this machine's Node loads: real native code to hash, copy and load. */
const REAL_ADDON = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');

/**
 * A packaged layout as electron-builder writes it: resources/app.asar.unpacked/<addon>, and the
 * manifest that the afterExtract hook writes (here into an app folder standing in for app.asar).
 */
function packagedLayout(): { resources: string; manifest: string; addon: string } {
  const root = tempDir('cairn-native-');
  const appDir = join(root, 'app');
  const inApp = join(appDir, ...SQLITE_BINDING_IN_APP.split('/'));
  mkdirSync(dirname(inApp), { recursive: true });
  copyFileSync(REAL_ADDON, inApp);
  recordNativeHashes(appDir);
  const resources = join(root, 'resources');
  const addon = bundledSqliteBinding(resources);
  mkdirSync(dirname(addon), { recursive: true });
  copyFileSync(REAL_ADDON, addon);
  return { resources, manifest: join(appDir, 'dist', NATIVE_MANIFEST_FILE), addon };
}

describe('resolveSqliteBinding', () => {
  it('development builds honour CAIRN_SQLITE_BINDING (npm start points it at the Electron-ABI copy)', () => {
    const env = { [SQLITE_BINDING_ENV]: '/repo/node_modules/.cache/cairn/better_sqlite3.node' };
    assert.equal(resolveSqliteBinding({ packaged: false, env, resourcesPath: '/opt/Cairn/resources' }), env[SQLITE_BINDING_ENV]);
    assert.equal(resolveSqliteBinding({ packaged: false, env: {}, resourcesPath: '/opt/Cairn/resources' }), undefined);
    assert.equal(resolveSqliteBinding({ packaged: false, env: { [SQLITE_BINDING_ENV]: '' }, resourcesPath: '/r' }), undefined);
  });

  it('the packaged configuration takes the addon from inside the bundle', () => {
    assert.equal(
      resolveSqliteBinding({ packaged: true, env: {}, resourcesPath: '/opt/Cairn/resources' }),
      '/opt/Cairn/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
  });

  it('the packaged configuration refuses CAIRN_SQLITE_BINDING naming any other file', () => {
    for (const elsewhere of ['/tmp/evil.node', 'evil.node', '/opt/Cairn/resources/app.asar.unpacked/../../../tmp/evil.node']) {
      assert.throws(
        () => resolveSqliteBinding({ packaged: true, env: { [SQLITE_BINDING_ENV]: elsewhere }, resourcesPath: '/opt/Cairn/resources' }),
        (error: Error) => error.message.includes(SQLITE_BINDING_ENV) && error.message.includes(JSON.stringify(elsewhere)) && /development builds/.test(error.message),
        elsewhere,
      );
    }
  });

  it("accepts the bundle's own path in the variable (the main process sets it for its workers; a relaunch inherits it)", () => {
    const resourcesPath = '/opt/Cairn/resources';
    const own = bundledSqliteBinding(resourcesPath);
    assert.equal(resolveSqliteBinding({ packaged: true, env: { [SQLITE_BINDING_ENV]: own }, resourcesPath }), own);
  });
});

describe('verifyNativeModule and prepareSqliteBinding', () => {
  it('a release build verifies the bundled addon against the manifest the build wrote, and better-sqlite3 loads that file', () => {
    const { resources, manifest, addon } = packagedLayout();
    const binding = prepareSqliteBinding({ packaged: true, env: {}, resourcesPath: resources }, manifest);
    assert.equal(binding, addon);
    const db = new Database(':memory:', { nativeBinding: binding });
    try {
      assert.deepEqual(db.prepare('SELECT 6 * 7 AS x').get(), { x: 42 });
    } finally {
      db.close();
    }
  });

  it('refuses an addon changed after packaging, naming both hashes', () => {
    const { resources, manifest, addon } = packagedLayout();
    const bytes = readFileSync(addon);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(addon, bytes);
    assert.throws(
      () => prepareSqliteBinding({ packaged: true, env: {}, resourcesPath: resources }, manifest),
      (error: Error) => error.message.includes(addon) && /changed after packaging/.test(error.message) && /[0-9a-f]{64}.*[0-9a-f]{64}/.test(error.message),
    );
  });

  it('refuses when the addon or the manifest is missing, or the manifest lacks the addon', () => {
    const a = packagedLayout();
    assert.throws(() => prepareSqliteBinding({ packaged: true, env: {}, resourcesPath: a.resources }, join(a.resources, 'nope.json')), /cannot read .*nope\.json/);
    const b = packagedLayout();
    assert.throws(() => prepareSqliteBinding({ packaged: true, env: {}, resourcesPath: join(b.resources, 'elsewhere') }, b.manifest), /cannot read the SQLite addon/);
    const c = packagedLayout();
    writeFileSync(c.manifest, JSON.stringify({ files: {} }));
    assert.throws(() => prepareSqliteBinding({ packaged: true, env: {}, resourcesPath: c.resources }, c.manifest), /records no hash for node_modules\/better-sqlite3/);
  });

  it('checks the environment before the hash: a release build with the variable set never reads a file', () => {
    const { resources, manifest } = packagedLayout();
    assert.throws(() => prepareSqliteBinding({ packaged: true, env: { [SQLITE_BINDING_ENV]: '/tmp/x.node' }, resourcesPath: resources }, manifest), /development builds/);
  });

  it('development builds read no manifest (there is none outside a package)', () => {
    assert.equal(prepareSqliteBinding({ packaged: false, env: {}, resourcesPath: '/nowhere' }, '/nowhere/native-integrity.json'), undefined);
    assert.equal(prepareSqliteBinding({ packaged: false, env: { [SQLITE_BINDING_ENV]: REAL_ADDON }, resourcesPath: '/nowhere' }, '/nowhere/x.json'), REAL_ADDON);
  });

  it('verifyNativeModule accepts the recorded hash and nothing else', () => {
    const { addon, manifest } = packagedLayout();
    const parsed = parseNativeManifest(readFileSync(manifest, 'utf8'), manifest);
    verifyNativeModule(addon, SQLITE_BINDING_IN_APP, parsed, manifest);
    assert.throws(() => verifyNativeModule(REAL_ADDON, 'node_modules/other.node', parsed, manifest), /records no hash for node_modules\/other\.node/);
  });
});

describe('parseNativeManifest', () => {
  it('refuses malformed manifests with the file named', () => {
    const cases: Array<[string, RegExp]> = [
      ['{', /m\.json: not JSON/],
      ['[]', /m\.json: expected an object/],
      ['{"files": 3}', /m\.json: "files" must be an object/],
      ['{"files": {"a.node": "ABC"}}', /m\.json: "files"\."a\.node" is not a lowercase hex SHA-256/],
      [`{"files": {"a.node": "${'A'.repeat(64)}"}}`, /lowercase hex/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseNativeManifest(text, 'm.json'), message, text);
  });
});

describe('build side and app side agree', () => {
  it('on the addon path and the manifest location', () => {
    assert.deepEqual(UNPACKED_NATIVE_FILES, [SQLITE_BINDING_IN_APP]);
    assert.equal(NATIVE_MANIFEST, `dist/${NATIVE_MANIFEST_FILE}`);
  });
});
