import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The workspace folder: store.sqlite (chain facts), settings.json and cases/.
 * Chosen by `--workspace DIR`, else CAIRN_WORKSPACE, else the per-user data folder.
 */
export function resolveWorkspaceDir(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--workspace') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) throw new Error('--workspace needs a folder');
      return resolve(value);
    }
    if (arg.startsWith('--workspace=')) return resolve(arg.slice('--workspace='.length));
  }
  if (env.CAIRN_WORKSPACE) return resolve(env.CAIRN_WORKSPACE);
  return defaultWorkspaceDir(env);
}

export function defaultWorkspaceDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Cairn');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Cairn');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'Cairn');
}

export interface WorkspacePaths {
  readonly dir: string;
  readonly store: string;
  readonly cases: string;
  readonly settings: string;
}

export function ensureWorkspace(dir: string): WorkspacePaths {
  const paths = { dir, store: join(dir, 'store.sqlite'), cases: join(dir, 'cases'), settings: join(dir, 'settings.json') };
  mkdirSync(paths.cases, { recursive: true });
  return paths;
}

export interface Settings {
  investigator: string;
  lastCase: string | null;
}

function defaultInvestigator(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

export function readSettings(paths: WorkspacePaths): Settings {
  if (!existsSync(paths.settings)) return { investigator: defaultInvestigator(), lastCase: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(paths.settings, 'utf8'));
  } catch (error) {
    throw new Error(`${paths.settings}: not valid JSON (${(error as Error).message})`);
  }
  const { investigator, lastCase } = parsed as { investigator?: unknown; lastCase?: unknown };
  return {
    investigator: typeof investigator === 'string' ? investigator : defaultInvestigator(),
    lastCase: typeof lastCase === 'string' ? lastCase : null,
  };
}

export function writeSettings(paths: WorkspacePaths, settings: Settings): void {
  // Write then rename, so a crash never leaves half a settings file.
  const tmp = `${paths.settings}.tmp`;
  writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n');
  renameSync(tmp, paths.settings);
}
