// better-sqlite3 in node_modules is compiled for this machine's Node, whose native ABI differs
// from Electron's. Rather than rebuild it in place (which would break the CLI and the browser
// shell), build a second copy for Electron once, in node_modules/.cache, and point the back end
// at it with CAIRN_SQLITE_BINDING (read by electron/core/store/openStore.ts). Packaged apps do
// not need this (electron-builder rebuilds native modules) and refuse the variable: they load
// only their own, hash-checked addon (electron/main/nativeBinding.ts). Building needs Electron's headers,
// so it works on a connected machine, like Electron's own download.
// Used by `npm start` and by the e2e fixture when it launches Electron.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function electronSqliteBinding(root, log = () => {}) {
  const version = (pkg) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  const electronVersion = version('electron');
  const sqliteVersion = version('better-sqlite3');
  const app = join(root, 'node_modules/.cache/cairn', `better-sqlite3-${sqliteVersion}-electron-${electronVersion}`);
  const binding = join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(binding)) return binding;
  log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once)`);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'cairn-electron-native', version: '0.0.0', private: true }));
  cpSync(join(root, 'node_modules/better-sqlite3'), join(app, 'node_modules/better-sqlite3'), { recursive: true });
  rmSync(join(app, 'node_modules/better-sqlite3/build'), { recursive: true, force: true });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: app, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) throw new Error(`the Electron build of better-sqlite3 did not produce ${binding}`);
  return binding;
}
