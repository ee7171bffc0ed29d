/**
 * Display of exact amounts. The value stays a decimal string of base units until it is
 * turned into a bigint for formatUnits; it never passes through a JS number.
 */
import { formatUnits, groupDigits, parseBaseUnits } from '../../shared/model/amount';
import type { Asset } from '../../shared/api/schemas';

export interface FormattedAmount {
  /** Whole units with the symbol, e.g. "1,234.5 USDT"; raw base units with "units" when decimals are unknown. */
  readonly text: string;
  /** The evidence value: the exact integer in base units, for a title attribute. */
  readonly title: string;
}

type AssetShape = Pick<Asset, 'symbol' | 'decimals' | 'contract'>;

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
