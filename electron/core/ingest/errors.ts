/**
 * Characters that must never reach a terminal or a log as themselves: C0 controls (ESC starts
 * the sequences that clear a screen or move the cursor, CR lets a line overwrite itself), DEL,
 * C1 controls (0x9b is a one-byte CSI), the line and paragraph separators, and the bidi
 * overrides and isolates that make text read in another order than it is stored.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible escape of one unsafe character: \n, \r, \t, \x1b, \u202e. */
function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Replaces every control, separator and bidi-override character with a visible escape; nothing is cut. */
export function escapeControls(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

/**
 * What an error or a note may quote of a file's content: at most `max` characters, control
 * characters escaped (see escapeControls), cut with "…". Whatever a file holds (a terminal
 * escape that clears the screen, a fake "imported" line, a 64 KB line, a password hash), a
 * message shows a short, inert excerpt of it. Only the start of a long text is looked at.
 */
export function excerpt(text: string, max = 80): string {
  let out = '';
  for (const c of text) {
    const piece = UNSAFE.test(c) ? escapeChar(c) : c;
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}

/**
 * A byte count for people: 16 MiB, 200 KiB, 1.5 GiB, 12 bytes. `exact` (for a limit someone
 * set) keeps a count that is no whole number of a unit in bytes: 1000000 bytes, not 976.6 KiB.
 */
export function formatBytes(n: number, exact = false): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0 || (exact && !Number.isInteger(v))) return `${n} bytes`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** A problem longer than this is cut: no message carries a file's line, whatever a call site quoted. */
const MAX_PROBLEM = 2000;

/**
 * Bad input: names the file, the line (or byte offset) and what was expected and found.
 * An import that meets one commits nothing (an EVM node pull keeps the chunks it committed before).
 * The message is safe to print: control characters in the path or the problem are escaped and
 * the problem is cut at MAX_PROBLEM characters; quote file content through excerpt().
 */
export class BadInputError extends Error {
  readonly problem: string;
  constructor(
    readonly file: string,
    readonly where: { line?: number; offset?: number },
    problem: string,
  ) {
    const safe = escapeControls(problem.length > MAX_PROBLEM ? `${problem.slice(0, MAX_PROBLEM)}…` : problem);
    const at = where.line !== undefined ? `line ${where.line}` : where.offset !== undefined ? `byte ${where.offset}` : '';
    super(`${escapeControls(file)}${at ? `, ${at}` : ''}: ${safe}`);
    this.name = 'BadInputError';
    this.problem = safe;
  }
}

export class ImportCancelledError extends Error {
  constructor(message = 'import cancelled; nothing was committed') {
    super(message);
    this.name = 'ImportCancelledError';
  }
}
