/**
 * The trace dialog's fields and the TraceSpec they make (pure): what the investigator typed is
 * checked here, each problem named beside its field, before anything is sent.
 */
import { DecimalAmount, DEFAULT_STOP_CATEGORIES, type LinkSearch, type TaintMethod, type TraceSource, type TraceSpecInput } from '../../shared/api/traceSchemas';
import { methodName } from '../format/traceWords';

export interface TraceSourceAddress {
  chain: string;
  address: string;
  display: string;
}

export interface TraceFormValues {
  method: TaintMethod;
  maxHops: string;
  /** Dates as an <input type="date"> gives them (YYYY-MM-DD, UTC days), or empty. */
  since: string;
  until: string;
  /** Dust threshold in each asset's own unit, or empty for none. */
  minAmount: string;
  stopCategories: string[];
  hubs: boolean;
  name: string;
}

export type TraceFormField = 'maxHops' | 'since' | 'until' | 'minAmount' | 'name' | 'sources';
export type TraceFormProblems = Partial<Record<TraceFormField, string>>;

export const DEFAULT_MAX_HOPS = 6;
export const MAX_HOPS_LIMIT = 50;

export function defaultTraceForm(): TraceFormValues {
  return { method: 'fifo', maxHops: String(DEFAULT_MAX_HOPS), since: '', until: '', minAmount: '', stopCategories: [...DEFAULT_STOP_CATEGORIES], hubs: true, name: '' };
}

/** The name a trace gets when none is typed: "FIFO from 8 victims", "Haircut from 0xd2C7…E2ed". */
export function defaultTraceName(method: TaintMethod, sources: readonly TraceSourceAddress[], what: string): string {
  const from = sources.length === 1 ? sources[0]!.display : `${sources.length} ${what}`;
  return `${methodName(method)} from ${from}`.slice(0, 120);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix seconds of a UTC day's first (or last) second; null for a malformed or impossible date. */
export function utcDaySeconds(date: string, end: 'start' | 'end'): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over to March: such a day does not exist.
  if (new Date(ms).toISOString().slice(0, 10) !== date) return null;
  return ms / 1000 + (end === 'end' ? 86_399 : 0);
}

/**
 * The spec to run, or the problems that stop it. Dates are whole UTC days: the window runs from
 * the first second of `since` to the last second of `until`.
 */
export function traceSpecOf(values: TraceFormValues, sources: readonly TraceSourceAddress[]): { ok: true; spec: TraceSpecInput; name: string } | { ok: false; problems: TraceFormProblems } {
  const problems: TraceFormProblems = {};
  if (sources.length === 0) problems.sources = 'Select the addresses to trace from on the canvas, or seed the case’s victims.';
  const hops = values.maxHops.trim();
  const maxHops = /^\d+$/.test(hops) ? Number(hops) : Number.NaN;
  if (!(maxHops >= 1 && maxHops <= MAX_HOPS_LIMIT)) problems.maxHops = `A whole number of hops from 1 to ${MAX_HOPS_LIMIT}.`;
  const since = values.since ? utcDaySeconds(values.since, 'start') : null;
  const until = values.until ? utcDaySeconds(values.until, 'end') : null;
  if (values.since && since === null) problems.since = 'A date such as 2024-05-01.';
  if (values.until && until === null) problems.until = 'A date such as 2024-05-31.';
  if (since !== null && until !== null && until < since) problems.until = 'The end of the window is before its start.';
  const minAmount = values.minAmount.trim();
  if (minAmount && !DecimalAmount.safeParse(minAmount).success) problems.minAmount = 'A plain decimal amount such as 0.01 (no sign, no thousands separators).';
  if (values.name.trim().length > 120) problems.name = 'At most 120 characters.';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const spec: TraceSpecInput = {
    method: values.method,
    sources: sources.map((s): TraceSource => ({ kind: 'address', chain: s.chain, address: s.address })),
    maxHops,
    since,
    until,
    minAmount: minAmount || null,
    stopAt: { categories: [...values.stopCategories], hubs: values.hubs },
  };
  return { ok: true, spec, name: values.name.trim() };
}

/** The cross-chain link search's fields, as typed. */
export interface LinkSearchValues {
  /** Hours after the value went in within which the value out must appear. */
  windowHours: string;
  tolerancePct: string;
  feePct: string;
  /** "ETH/BTC=0.06, ETH/USDT=3000": how many of the second one unit of the first buys. */
  rates: string;
}

export type LinkSearchField = keyof LinkSearchValues;

export function defaultLinkSearch(): LinkSearchValues {
  return { windowHours: '6', tolerancePct: '2', feePct: '0.5', rates: '' };
}

const PAIR = /^[A-Za-z0-9.]{1,20}\/[A-Za-z0-9.]{1,20}$/;

/** "ETH/BTC=0.06, ETH/USDT=3000" as the search's rates (exact decimal strings), or what is wrong with it. */
export function parseRates(text: string): { ok: true; rates: Record<string, string> } | { ok: false; problem: string } {
  const rates: Record<string, string> = {};
  for (const part of text.split(/[,;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const [pair = '', rate = '', ...rest] = part.split('=').map((x) => x.trim());
    if (rest.length || !PAIR.test(pair) || !DecimalAmount.safeParse(rate).success || /^0(\.0+)?$/.test(rate))
      return { ok: false, problem: `“${part}” is not a rate such as ETH/BTC=0.06 (one unit of the first buys this many of the second).` };
    if (pair in rates) return { ok: false, problem: `${pair} is given twice.` };
    rates[pair] = rate;
  }
  return { ok: true, rates };
}

/** A number typed in a field, within bounds; null when it is not one. */
function boundedNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/** The link search to send, or the problems that stop it, by field. */
export function linkSearchOf(values: LinkSearchValues): { ok: true; search: Partial<LinkSearch> } | { ok: false; problems: Partial<Record<LinkSearchField, string>> } {
  const problems: Partial<Record<LinkSearchField, string>> = {};
  const hours = boundedNumber(values.windowHours, 1 / 3600, 90 * 24);
  if (hours === null) problems.windowHours = 'Hours, more than 0 and at most 2,160 (90 days).';
  const tolerancePct = boundedNumber(values.tolerancePct, 0, 50);
  if (tolerancePct === null) problems.tolerancePct = 'A percentage from 0 to 50.';
  const feePct = boundedNumber(values.feePct, 0, 50);
  if (feePct === null) problems.feePct = 'A percentage from 0 to 50.';
  const rates = parseRates(values.rates);
  if (!rates.ok) problems.rates = rates.problem;
  if (hours === null || tolerancePct === null || feePct === null || !rates.ok) return { ok: false, problems };
  return { ok: true, search: { window: Math.max(1, Math.round(hours * 3600)), tolerancePct, feePct, rates: rates.rates } };
}
