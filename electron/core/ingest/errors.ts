/**
 * Bad input: names the file, the line (or byte offset) and what was expected and found.
 * An import that meets one commits nothing (an EVM node pull keeps the chunks it committed before).
 */
export class BadInputError extends Error {
  constructor(
    readonly file: string,
    readonly where: { line?: number; offset?: number },
    readonly problem: string,
  ) {
    const at = where.line !== undefined ? `line ${where.line}` : where.offset !== undefined ? `byte ${where.offset}` : '';
    super(`${file}${at ? `, ${at}` : ''}: ${problem}`);
    this.name = 'BadInputError';
  }
}

export class ImportCancelledError extends Error {
  constructor(message = 'import cancelled; nothing was committed') {
    super(message);
    this.name = 'ImportCancelledError';
  }
}
