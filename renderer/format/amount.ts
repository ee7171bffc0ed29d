/**
 * Display of exact amounts. The value stays a decimal string of base units until it is
 * turned into a bigint for formatUnits; it never passes through a JS number.
 */
import { formatUnits, groupDigits, parseBaseUnits } from '../../shared/model/amount';
import type { Asset } from '../../shared/api/schemas';
import { resolveChain } from '../../shared/model/chains';

export interface FormattedAmount {
  /** Whole units with the symbol, e.g. "1,234.5 USDT"; raw base units with "units" when decimals are unknown. */
  readonly text: string;
  /** The evidence value: the exact integer in base units, for a title attribute. */
  readonly title: string;
}

export type AssetShape = Pick<Asset, 'symbol' | 'decimals' | 'contract'>;

/** A chain's native asset (BTC, ETH…) for formatting; unknown decimals show raw base units, still exact. */
export function nativeAssetOf(chain: string): AssetShape {
  try {
    const c = resolveChain(chain);
    return { symbol: c.nativeSymbol, decimals: c.nativeDecimals, contract: null };
  } catch {
    return { symbol: null, decimals: null, contract: null };
  }
}

export function formatAmount(baseUnits: string, asset: AssetShape): FormattedAmount {
  const title = `${baseUnits} base units` + (asset.contract ? ` of ${asset.contract}` : '');
  let value: bigint;
  try {
    value = parseBaseUnits(baseUnits);
  } catch {
    // A malformed value from the back end is shown as received rather than hiding the row.
    return { text: `${baseUnits} units`, title };
  }
  if (asset.decimals === null) return { text: `${groupDigits(value.toString())} units`, title };
  const symbol = asset.symbol ?? 'token';
  return { text: `${groupDigits(formatUnits(value, asset.decimals))} ${symbol}`, title };
}

/** Significant digits the canvas and tables show by default: "19.625 ETH", "29,656 USDT". */
export const DISPLAY_DIGITS = 5;

/**
 * `value` base units rounded to `significant` digits, half up, as base units again. Only
 * fractional digits are ever dropped: a whole part longer than `significant` is kept in full
 * (2,114,681 USDT, never 2,114,700), so a rounded figure never invents zeros in whole units.
 * Pure bigint arithmetic on the decimal digits; no float is involved.
 */
export function roundToSignificant(value: bigint, decimals: number, significant: number = DISPLAY_DIGITS): bigint {
  if (!Number.isInteger(significant) || significant < 1) throw new RangeError(`significant digits must be a positive integer, got ${significant}`);
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`bad decimals ${decimals}`);
  if (value < 0n) return -roundToSignificant(-value, decimals, significant);
  const length = value.toString().length;
  const wholeDigits = Math.max(0, length - decimals);
  const keep = Math.max(significant, wholeDigits);
  const drop = Math.min(length - keep, decimals);
  if (drop <= 0) return value;
  const unit = 10n ** BigInt(drop);
  const remainder = value % unit;
  const down = value - remainder;
  // Half up: exactly half a unit of the last kept digit rounds away from zero.
  return remainder * 2n >= unit ? down + unit : down;
}

export interface RoundedAmount extends FormattedAmount {
  /** The same amount in full whole units, e.g. "19.624991098724307804 ETH". */
  readonly exact: string;
  /** False when `text` shows the amount exactly. */
  readonly rounded: boolean;
}

/**
 * An amount for places with little room (canvas labels, table cells): whole units rounded to
 * `significant` digits with the symbol, "19.625 ETH". `exact` holds the unrounded whole units
 * for a tooltip and `title` the base units, so the evidence value is always one hover away.
 */
export function formatAmountRounded(baseUnits: string, asset: AssetShape, significant: number = DISPLAY_DIGITS): RoundedAmount {
  const full = formatAmount(baseUnits, asset);
  let value: bigint;
  try {
    value = parseBaseUnits(baseUnits);
  } catch {
    return { ...full, exact: full.text, rounded: false };
  }
  // Raw base units (decimals unknown) are whole numbers: nothing to round.
  if (asset.decimals === null) return { ...full, exact: full.text, rounded: false };
  const shown = roundToSignificant(value, asset.decimals, significant);
  if (shown === value) return { ...full, exact: full.text, rounded: false };
  const symbol = asset.symbol ?? 'token';
  return { text: `${groupDigits(formatUnits(shown, asset.decimals))} ${symbol}`, title: full.title, exact: full.text, rounded: true };
}

/** Hover text for a rounded amount: the exact whole units, then the base units. */
export function amountTooltip(amount: RoundedAmount): string {
  return `${amount.exact}\n${amount.title}`;
}
