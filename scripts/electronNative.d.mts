/** Builds (once) and returns the path of a better-sqlite3 addon compiled for Electron's ABI. */
export function electronSqliteBinding(root: string, log?: (message: string) => void): Promise<string>;
