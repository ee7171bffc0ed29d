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
