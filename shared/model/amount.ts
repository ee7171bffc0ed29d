/**
 * Exact money. Amounts are integers in base units (wei, satoshi, token units) held as bigint.
 * On the wire and in JSON they are decimal strings; nothing here goes through a JS number.
 */
const BASE_UNITS = /^(0|[1-9][0-9]*)$/;
const SIGNED_BASE_UNITS = /^-?(0|[1-9][0-9]*)$/;

export class AmountFormatError extends Error {
  constructor(readonly input: string, readonly expected: string) {
    super(`expected ${expected}, found "${input.length > 80 ? input.slice(0, 80) + '…' : input}"`);
    this.name = 'AmountFormatError';
  }
}

/** Parses a non-negative decimal integer in base units. Leading zeros, signs, exponents and fractions are refused. */
export function parseBaseUnits(text: string): bigint {
  if (!BASE_UNITS.test(text)) throw new AmountFormatError(text, 'a non-negative integer in base units');
  return BigInt(text);
}

export function parseSignedBaseUnits(text: string): bigint {
  if (!SIGNED_BASE_UNITS.test(text)) throw new AmountFormatError(text, 'an integer in base units');
  return BigInt(text);
}

/** Formats base units as a whole-unit decimal string, exactly: formatUnits(1500000n, 6) === '1.5'. */
export function formatUnits(value: bigint, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) throw new RangeError(`bad decimals ${decimals}`);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  if (decimals === 0) return (negative ? '-' : '') + abs.toString();
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return (negative ? '-' : '') + whole.toString() + (frac ? '.' + frac : '');
}

/** Parses a whole-unit decimal string into base units, exactly. Refuses more fractional digits than `decimals`. */
export function parseUnits(text: string, decimals: number): bigint {
  const m = /^(-)?([0-9]+)(?:\.([0-9]+))?$/.exec(text.trim());
  if (!m) throw new AmountFormatError(text, 'a decimal number');
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > decimals) {
    throw new AmountFormatError(text, `at most ${decimals} decimal places`);
  }
  const digits = m[2] + frac.padEnd(decimals, '0').slice(0, decimals);
  const v = BigInt(digits);
  return m[1] ? -v : v;
}

/** Groups the whole part with thin separators for display: 1234567.5 -> 1,234,567.5 */
export function groupDigits(decimal: string): string {
  const [whole, frac] = decimal.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac !== undefined ? '.' + frac : '');
}
