/**
 * Which files the API may read and write (issue 17). The renderer is the part of Cairn most
 * exposed to hostile content, so what it can reach on disk is limited to the folders the
 * investigator opened or chose in this session, plus the workspace: a compromised page cannot
 * read /etc/shadow or ~/.ssh through `import.start`, nor write a report over ~/.bashrc.
 *
 * Paths are compared by their real location (symlinks followed, `..` applied), so a link inside
 * a granted folder that points outside it is refused. A refusal never reads the file, so its
 * message can never carry the file's content.
 *
 * The CLI is unlimited: the user typed the path on their own command line.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, resolve, sep } from 'node:path';
import { ApiError, type Handlers, type MethodName } from '../../shared/api/contract';
import { FILE_ARGS, fileArgsOf, type FileUse } from '../../shared/api/fileArgs';

/** The detail of a refusal, for a UI or script that wants to tell it apart from other errors. */
export const OUTSIDE_GRANTED_FOLDERS = 'outside_granted_folders';
export const UNRESOLVABLE_LINK = 'unresolvable_link';

export interface FileAccess {
  /** False for the CLI: every path the user can reach. */
  readonly limited: boolean;
  /** The granted folders as given (resolved), the workspace first. Empty when unlimited. */
  roots(): string[];
  /** The workspace is always granted; set by the back end when it opens one. */
  setWorkspace(dir: string): void;
  /** Grants a folder for the rest of the session (a native dialog's pick, a --allow). Returns it resolved. */
  grant(dir: string): string;
  /** Throws a `forbidden` ApiError unless the file or folder lies inside a granted folder. */
  checkRead(path: string): void;
  /** The same for a path to be written: the nearest folder that exists must lie inside a granted one. */
  checkWrite(path: string): void;
  /** True when the folder is one of the granted ones (where a file browser's "Up" stops). */
  isRoot(dir: string): boolean;
}

export function unlimitedFileAccess(): FileAccess {
  return {
    limited: false,
    roots: () => [],
    setWorkspace: () => undefined,
    grant: (dir) => resolve(dir),
    checkRead: () => undefined,
    checkWrite: () => undefined,
    isRoot: () => false,
  };
}

export interface LimitedOptions {
  /** What the refusal tells the investigator to do, in this shell's words. */
  readonly hint?: string;
}

/** The real path of a folder, or null when it does not exist (a granted folder removed since). */
function realFolder(dir: string): string | null {
  try {
    return realpathSync.native(dir);
  } catch {
    return null;
  }
}

function inside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The forms in which the handlers and the kernel may read a path: resolved lexically (as
 * path.resolve does, `..` removed before any link is followed) and as given (the kernel follows
 * `link/..` through the link). Both must land inside a granted folder.
 */
function forms(path: string): string[] {
  const lexical = resolve(path);
  const kernel = isAbsolute(path) ? path : process.cwd() + sep + path;
  return kernel === lexical ? [lexical] : [lexical, kernel];
}

/**
 * Where a path really is: its real path when it exists, else the real path of the nearest
 * folder above it that does (a file about to be written, or a name with a typo, which the
 * handler then reports as missing). A symbolic link that leads nowhere is refused: a write
 * through it would create its target, wherever that is.
 */
function realLocation(path: string, given: string): string {
  let p = path;
  for (;;) {
    try {
      return realpathSync.native(p);
    } catch {
      let link = false;
      try {
        link = lstatSync(p).isSymbolicLink();
      } catch {
        // not there at all (or not visible to us): look at the folder above
      }
      if (link) {
        throw new ApiError('forbidden', `"${given}" passes through a symbolic link that leads nowhere Cairn can check (${p}); Cairn does not follow it`, { code: UNRESOLVABLE_LINK });
      }
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

export function limitedFileAccess(folders: readonly string[], options: LimitedOptions = {}): FileAccess {
  let workspace: string | null = null;
  const granted: string[] = [];
  const hint = options.hint ?? 'Choose its folder first.';
  const roots = (): string[] => [...(workspace === null ? [] : [workspace]), ...granted.filter((g) => g !== workspace)];
  const describe = (): string => roots().map((r) => (r === workspace ? `the workspace, ${r}` : r)).join('; ') || 'none';

  const check = (path: string, use: FileUse): void => {
    const realRoots = roots().flatMap((r) => realFolder(r) ?? []);
    for (const form of forms(path)) {
      const real = realLocation(form, path);
      if (!realRoots.some((root) => inside(real, root))) {
        throw new ApiError(
          'forbidden',
          `"${path}" is outside the folders opened in this session (${describe()}), so Cairn may not ${use} it. ${hint}`,
          { code: OUTSIDE_GRANTED_FOLDERS, roots: roots() },
        );
      }
    }
  };

  const access: FileAccess = {
    limited: true,
    roots,
    setWorkspace(dir) {
      workspace = resolve(dir);
    },
    grant(dir) {
      const full = resolve(dir);
      if (!granted.includes(full)) granted.push(full);
      return full;
    },
    checkRead: (path) => check(path, 'read'),
    checkWrite: (path) => check(path, 'write'),
    isRoot(dir) {
      const real = realFolder(dir);
      return real !== null && roots().some((r) => realFolder(r) === real);
    },
  };
  for (const f of folders) access.grant(f);
  return access;
}

/**
 * Wraps a handler table so that every argument FILE_ARGS lists is checked before its handler
 * runs. Unlimited access returns the table unchanged.
 */
export function withFileAccess<Ctx>(handlers: Handlers<Ctx>, access: FileAccess): Handlers<Ctx> {
  if (!access.limited) return handlers;
  const guarded = { ...handlers } as Record<MethodName, (args: unknown, ctx: Ctx) => unknown>;
  for (const method of Object.keys(FILE_ARGS) as MethodName[]) {
    const inner = handlers[method] as (args: unknown, ctx: Ctx) => unknown;
    guarded[method] = (args, ctx) => {
      for (const { path, use } of fileArgsOf(method, args)) {
        if (use === 'read') access.checkRead(path);
        else access.checkWrite(path);
      }
      return inner(args, ctx);
    };
  }
  return guarded as Handlers<Ctx>;
}

/** The folders named by `--allow DIR` or `--allow=DIR` in a raw argument list (the Electron shell's). */
export function allowArgsFrom(argv: readonly string[]): string[] {
  const named: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--allow') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error('--allow needs a folder');
      named.push(value);
      i++;
    } else if (arg.startsWith('--allow=')) named.push(arg.slice('--allow='.length));
  }
  return named;
}

/**
 * The folders a shell grants from its command line: the `--allow` ones, then CAIRN_ALLOW
 * (folders separated by the path delimiter, ":" on Linux). Each must be an existing folder: a
 * typo is an error at start rather than a refusal later.
 */
export function allowedFolders(named: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const all = [...named, ...(env.CAIRN_ALLOW ?? '').split(delimiter).filter((part) => part.trim() !== '')];
  return all.map((dir) => {
    const full = resolve(dir);
    let isDir = false;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      throw new Error(`--allow ${dir}: no such folder`);
    }
    if (!isDir) throw new Error(`--allow ${dir}: is a file; name the folder that holds it`);
    return full;
  });
}

/**
 * The browser shell's policy: the folders named with --allow or in CAIRN_ALLOW, or the user's
 * home folder when none is, so that `npm start` works for a newcomer (the notice says so).
 */
export function browserShellAccess(named: readonly string[], env: NodeJS.ProcessEnv, home = homedir()): { access: FileAccess; defaulted: boolean } {
  const folders = allowedFolders(named, env);
  const defaulted = folders.length === 0;
  const access = limitedFileAccess(defaulted ? [home] : folders, {
    hint: 'To open it, start Cairn with its folder allowed: npm start -- --allow FOLDER (or cairn serve --allow FOLDER, or CAIRN_ALLOW=FOLDER).',
  });
  return { access, defaulted };
}

/** The start-up line that says what the app may open (once the back end has set the workspace). */
export function accessNotice(access: FileAccess, defaulted: boolean): string {
  const [workspace, ...others] = access.roots();
  return defaulted
    ? `Cairn: no --allow given, so the app may open files in the workspace (${workspace}) and your home folder (${others.join(', ') || workspace}); --allow DIR (repeatable) or CAIRN_ALLOW limits it to the folders you name`
    : `Cairn: the app may open files only in the workspace (${workspace})${others.length ? ` and ${others.join(', ')}` : ''}`;
}
