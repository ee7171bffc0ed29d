import type { SpawnOptions, SpawnSyncOptionsWithStringEncoding, SpawnSyncReturns } from 'node:child_process';

/** What the launcher needs of a spawned Chromium (a ChildProcess, or a test's EventEmitter). */
export interface ChildLike {
  once(event: 'exit' | 'error', listener: (...args: any[]) => void): unknown;
}

export const LAUNCH_CODE_PATH: string;

export type SandboxProbe = { ok: true } | { ok: false; sandbox: boolean; detail: string };

export function makeProfileDir(parent?: string): string;
export function removeProfileDir(dir: string): void;
export function requestLaunchUrl(serverUrl: string, fetchFn?: typeof fetch): Promise<string>;
export function probeSandbox(
  browser: string,
  options?: { spawnSync?: (command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding) => Pick<SpawnSyncReturns<string>, 'status' | 'signal' | 'stderr' | 'error'>; parent?: string },
): SandboxProbe;
export function sandboxDecision(options: { uid: number | undefined; platform: NodeJS.Platform; probe: () => SandboxProbe }): { noSandbox: boolean; reason: string | null };
export function chromiumArgs(options: { launchUrl: string; profileDir: string; noSandbox: boolean }): string[];
export function launchChromium(options: {
  browser: string;
  serverUrl: string;
  log: (message: string) => void;
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildLike;
  fetchFn?: typeof fetch;
  probe?: () => SandboxProbe;
  uid?: number;
  platform?: NodeJS.Platform;
  profileParent?: string;
}): Promise<{ child: ChildLike; profileDir: string; noSandbox: boolean; exited: Promise<void> }>;
