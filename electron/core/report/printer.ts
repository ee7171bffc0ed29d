import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Turns a finished document into print formats: the report's HTML into a PDF, an SVG into a
 * PNG. Each shell brings the engine it has: the Electron shell prints with its own Chromium
 * (webContents.printToPDF, electron/main/electronPrinter.ts), the browser shell and the CLI with
 * a Chromium or Chrome binary run headless. Both work offline: the document is self-contained
 * and its CSP allows no request.
 */
export interface DocumentPrinter {
  /** Names the engine in the report's colophon, e.g. "Chromium 150.0.7871.100 (headless)". */
  readonly name: string;
  /** An A4 PDF of a self-contained HTML document (page size and margins come from its @page rules). */
  pdf(html: string): Promise<Buffer>;
  /** A PNG of a self-contained SVG drawn at width × height CSS pixels, at `scale` device pixels per pixel. */
  png(svg: string, width: number, height: number, scale?: number): Promise<Buffer>;
}

export class PrinterUnavailableError extends Error {}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium or Chrome to print with: CAIRN_CHROMIUM, else the usual install places; null if none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.CAIRN_CHROMIUM;
  if (chosen) return executable(chosen) ? chosen : null;
  return CANDIDATES.find(executable) ?? null;
}

const TIMEOUT_MS = 180_000;

/** Runs Chromium headless once, in a fresh profile that is removed afterwards; resolves with its version line or rejects with its stderr's gist. */
function runChromium(binary: string, args: readonly string[], work: string): Promise<void> {
  const profile = join(work, 'profile');
  const all = [
    '--headless',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--metrics-recording-only',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    // Chromium cannot start its sandbox as root; only then is it turned off (the page it loads is our own file).
    ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : []),
    ...args,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, all, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new PrinterUnavailableError(`cannot run ${binary}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise();
      const gist = stderr
        .split('\n')
        .filter((l) => l.trim() && !/dbus|Fontconfig|unexpected operator/.test(l))
        .slice(-3)
        .join(' | ')
        .replace(/[\u0000-\u001f\u007f]/g, ' ')
        .slice(0, 400);
      reject(new Error(`${binary} ${signal ? `was stopped (${signal}${signal === 'SIGKILL' ? `, after ${TIMEOUT_MS / 1000} s` : ''})` : `exited with ${code}`}${gist ? `: ${gist}` : ''}`));
    });
  });
}

/** The binary's version line ("Chromium 150.0.7871.100 …"), for the colophon; its file name when it cannot be told. */
function versionOf(binary: string): string {
  try {
    const line = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0] ?? '';
    return line.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 120) || binary;
  } catch {
    return binary;
  }
}

/** Prints with a Chromium or Chrome binary run headless: the browser shell's and the CLI's printer. */
export function chromiumPrinter(binary: string | null = findChromium()): DocumentPrinter {
  const need = (): string => {
    if (!binary) {
      throw new PrinterUnavailableError(
        'a PDF or PNG needs Chromium or Chrome to print with, and none was found (Debian: apt-get install chromium; or set CAIRN_CHROMIUM to its path). The HTML report and the SVG image need nothing.',
      );
    }
    return binary;
  };
  const inWork = async <T>(run: (work: string) => Promise<T>): Promise<T> => {
    const work = mkdtempSync(join(tmpdir(), 'cairn-print-'));
    try {
      return await run(work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };
  let name: string | null = null;
  return {
    get name() {
      return (name ??= binary ? `${versionOf(binary)} (headless)` : 'none');
    },
    pdf: (html) =>
      inWork(async (work) => {
        const bin = need();
        const page = join(work, 'report.html');
        const out = join(work, 'report.pdf');
        writeFileSync(page, html);
        await runChromium(bin, ['--no-pdf-header-footer', `--print-to-pdf=${out}`, pathToFileURL(page).href], work);
        return readFileSync(out);
      }),
    png: (svg, width, height, scale = 2) =>
      inWork(async (work) => {
        const bin = need();
        const page = join(work, 'image.html');
        const out = join(work, 'image.png');
        writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff;overflow:hidden}svg{display:block}</style></head><body>${svg}</body></html>`);
        const w = Math.max(1, Math.ceil(width));
        const h = Math.max(1, Math.ceil(height));
        await runChromium(bin, [`--window-size=${w},${h}`, `--force-device-scale-factor=${scale}`, '--default-background-color=ffffffff', `--screenshot=${out}`, pathToFileURL(page).href], work);
        return readFileSync(out);
      }),
  };
}

/** How many pages a PDF has, read from its page tree's /Count (the root's is the largest). */
export function pdfPageCount(pdf: Buffer): number | null {
  const text = pdf.toString('latin1');
  let best: number | null = null;
  for (const m of text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) {
    const n = Number(m[1] ?? m[2]);
    if (best === null || n > best) best = n;
  }
  return best;
}
