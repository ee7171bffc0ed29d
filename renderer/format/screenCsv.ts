/**
 * The screening table as CSV (RFC 4180): one row per screened line, exact amounts, every field
 * quoted when it needs to be, so a spreadsheet opens it as the dialog shows it. Labels come
 * from third-party packs, so a cell that a spreadsheet would run as a formula (=, +, -, @ …) is
 * kept as text by a leading apostrophe, the usual defence against CSV injection.
 */
import type { ExposureRow, Label, ScreenRow } from '../../shared/api/schemas';
import { formatAmount, type AssetShape } from './amount';

/** One field: quoted when it holds a comma, quote, line break or edge space; quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text, CRLF line ends as RFC 4180 has them. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A label in a few words: "Huobi (exchange; OFAC SDN list)". */
export function labelWords(l: Label): string {
  const what = [l.category, l.abuse && l.abuse !== l.category ? l.abuse : null].filter(Boolean).join(', ');
  return `${l.label} (${[what, l.set.title].filter(Boolean).join('; ')})`;
}

/** Exposure rows summed for a table cell: "sanction received 1.5 ETH (2 transfers)". */
export function exposureWords(rows: readonly ExposureRow[], format: (total: string, asset: AssetShape) => string = (t, a) => formatAmount(t, a).text): string[] {
  return rows.map((r) => `${r.category.replace(/_/g, ' ')} ${r.direction} ${format(r.total, r.asset)} (${r.count} transfer${r.count === 1 ? '' : 's'})`);
}

export const SCREEN_CSV_HEADER = ['line', 'input', 'chain', 'address', 'verdict', 'labels', 'exposure', 'reason'] as const;

/** The screening result as CSV: exact amounts (whole units with their symbol), labels with their sets. */
export function screenCsv(rows: readonly ScreenRow[]): string {
  return toCsv([
    SCREEN_CSV_HEADER,
    ...rows.map((r) => [r.line, r.input, r.chain, r.display ?? r.address, r.verdict, r.labels.map(labelWords).join('; '), exposureWords(r.exposure).join('; '), r.reason]),
  ]);
}
