export interface NativeManifest {
  files: Record<string, string>;
}
export const UNPACKED_NATIVE_FILES: string[];
export const NATIVE_MANIFEST: string;
export const FUSE_INDEX: Record<string, number>;
/** Hashes `files` (relative to appDir, with /) and writes appDir/dist/native-integrity.json. */
export function recordNativeHashes(appDir: string, files?: string[]): NativeManifest;
/** Problems between the manifest and the files in app.asar.unpacked; empty when none. */
export function compareUnpacked(manifest: NativeManifest, unpackedDir: string): string[];
export function manifestInAsar(asarFile: string): Promise<NativeManifest>;
/** Problems between the fuse wire in `binary` and electron-builder's `electronFuses`; empty when none. */
export function checkFuses(binary: string, electronFuses: Record<string, boolean>): Promise<string[]>;
export function afterExtract(context: unknown): Promise<void>;
export function afterPack(context: unknown): Promise<void>;
export function afterAllArtifactBuild(result: unknown): Promise<string[]>;
