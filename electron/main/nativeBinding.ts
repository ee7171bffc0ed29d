/**
 * Which better-sqlite3 addon the Electron shell loads, and the check that it is the one
 * the build shipped. Electron-free (node:fs and node:crypto only) so it is unit-tested.
 *
 * Development (`npm start`, the e2e Electron branch): node_modules holds an addon built for
 * this machine's Node, so scripts/electronNative.mjs builds one for Electron's ABI and names
 * it in CAIRN_SQLITE_BINDING, which the store reads (electron/core/store/openStore.ts).
 *
 * Release (packaged): the fuses turn off ELECTRON_RUN_AS_NODE and NODE_OPTIONS so that the
 * environment cannot make the app run code of someone else's choosing. A variable naming a
 * native module to dlopen would undo that, so a release build takes the addon only from its
 * own bundle (resources/app.asar.unpacked), refuses to start if CAIRN_SQLITE_BINDING names
 * anything else, and checks the addon's SHA-256 against the value the build recorded in
 * dist/native-integrity.json inside app.asar (written by scripts/packageHooks.mjs).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SQLITE_BINDING_ENV = 'CAIRN_SQLITE_BINDING';

/** Where electron-builder puts the addon, relative to the app root (asarUnpack in build/electron-builder.yml). */
export const SQLITE_BINDING_IN_APP = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

/** The manifest's name in dist/; inside app.asar in a release build. */
export const NATIVE_MANIFEST_FILE = 'native-integrity.json';

export interface BindingEnvironment {
  /** `app.isPackaged`. */
  readonly packaged: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `process.resourcesPath`: the folder holding app.asar and app.asar.unpacked. */
  readonly resourcesPath: string;
}

/** The addon inside the app bundle: what electron-builder unpacked beside app.asar. */
export function bundledSqliteBinding(resourcesPath: string): string {
  return path.join(resourcesPath, 'app.asar.unpacked', ...SQLITE_BINDING_IN_APP.split('/'));
}

/**
 * The addon path to hand better-sqlite3, or undefined for its default lookup (development
 * without the variable, i.e. plain Node). Throws in a release build when the environment
 * names any other file. The bundle's own path is accepted, because the main process sets
 * exactly that value for its worker threads and a relaunched app inherits it.
 */
export function resolveSqliteBinding(where: BindingEnvironment): string | undefined {
  const fromEnv = where.env[SQLITE_BINDING_ENV];
  if (!where.packaged) return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  const bundled = bundledSqliteBinding(where.resourcesPath);
  if (fromEnv !== undefined && fromEnv !== '' && path.resolve(fromEnv) !== bundled) {
    throw new Error(
      `${SQLITE_BINDING_ENV} is set to ${JSON.stringify(fromEnv)}, but a release build of Cairn loads its SQLite addon only from its own bundle ` +
        `(${bundled}); the variable is for development builds. Unset it and start Cairn again.`,
    );
  }
  return bundled;
}

/** { files: { "<path relative to the app root, with />": "<sha256 hex>" } } */
export interface NativeManifest {
  readonly files: Readonly<Record<string, string>>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Parses and checks the manifest's shape; `source` names the file in errors. */
export function parseNativeManifest(text: string, source: string): NativeManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${source}: expected an object with "files"`);
  const files = (data as { files?: unknown }).files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw new Error(`${source}: "files" must be an object of path → sha256`);
  const out: Record<string, string> = {};
  for (const [file, hash] of Object.entries(files)) {
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) throw new Error(`${source}: "files"."${file}" is not a lowercase hex SHA-256`);
    out[file] = hash;
  }
  return { files: out };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Throws unless `file` (the copy of `relative` on disk) has the hash the manifest records.
 * Reads the whole file: the addon is a few MB and this runs once at start-up.
 */
export function verifyNativeModule(file: string, relative: string, manifest: NativeManifest, manifestSource: string): void {
  const expected = manifest.files[relative];
  if (expected === undefined) throw new Error(`${manifestSource} records no hash for ${relative}; the build is incomplete, refusing to load ${file}`);
  let actual: string;
  try {
    actual = sha256File(file);
  } catch (error) {
    throw new Error(`cannot read the SQLite addon ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (actual !== expected) {
    throw new Error(`the SQLite addon ${file} has SHA-256 ${actual}, but this build recorded ${expected} (${manifestSource}); it was changed after packaging, refusing to load it`);
  }
}

/**
 * Start-up: decides the addon and, in a release build, verifies it. `manifestFile` is
 * dist/native-integrity.json beside the bundled main script (inside app.asar when packaged).
 */
export function prepareSqliteBinding(where: BindingEnvironment, manifestFile: string): string | undefined {
  const binding = resolveSqliteBinding(where);
  if (!where.packaged || binding === undefined) return binding;
  let text: string;
  try {
    text = readFileSync(manifestFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${manifestFile}, which holds the SQLite addon's hash: ${error instanceof Error ? error.message : String(error)}`);
  }
  verifyNativeModule(binding, SQLITE_BINDING_IN_APP, parseNativeManifest(text, manifestFile), manifestFile);
  return binding;
}
