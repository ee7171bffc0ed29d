/**
 * The Electron shell's printer: reports to PDF and images to PNG with Electron's own Chromium,
 * in a hidden window of a private in-memory session that can load the one temporary file it is
 * given and nothing else (no script runs; the document is self-contained). Type-checked here;
 * it has not run on an Electron runtime on this project's machines (none can be fetched).
 */
import { BrowserWindow, session } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentPrinter } from '../core/report/printer';

const PARTITION = 'cairn-print';

async function withPage<T>(html: string, size: { width: number; height: number } | null, run: (window: BrowserWindow) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), 'cairn-print-'));
  const file = join(work, 'page.html');
  writeFileSync(file, html);
  const allowed = pathToFileURL(file).href;
  const printSession = session.fromPartition(PARTITION, { cache: false });
  printSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(details.url === allowed || details.url.startsWith('data:')) }));
  printSession.setPermissionRequestHandler((_c, _p, callback) => callback(false));
  const window = new BrowserWindow({
    show: false,
    width: size?.width ?? 800,
    height: size?.height ?? 600,
    useContentSize: true,
    webPreferences: { session: printSession, sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, offscreen: size !== null, spellcheck: false },
  });
  try {
    await window.loadFile(file);
    return await run(window);
  } finally {
    window.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

export function electronPrinter(version: string): DocumentPrinter {
  return {
    name: `Electron ${version} (Chromium ${process.versions.chrome ?? 'unknown'})`,
    pdf: (html) => withPage(html, null, async (window) => window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true })),
    png: (svg, width, height, scale = 2) =>
      withPage(
        `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff;overflow:hidden}body{zoom:${scale}}svg{display:block}</style></head><body>${svg}</body></html>`,
        { width: Math.ceil(width * scale), height: Math.ceil(height * scale) },
        async (window) => (await window.webContents.capturePage()).toPNG(),
      ),
  };
}
