/** `cairn case signature|compare|attribution`: a case's laundering signature, its comparison with the other cases, the investigator's attribution. */
import type { Result } from '../../shared/api/contract';
import { formatUnits, groupDigits } from '../../shared/model/amount';
import type { Backend } from '../core/backendTypes';
import { call, print, UsageError, type Values } from './cliKit';

type Amount = { asset: { symbol: string | null; decimals: number | null }; amount: string };

function amounts(list: readonly Amount[]): string {
  return list.map((a) => (a.asset.decimals === null ? `${a.amount} base units of ${a.asset.symbol ?? 'a token'}` : `${groupDigits(formatUnits(BigInt(a.amount), a.asset.decimals))} ${a.asset.symbol ?? ''}`.trim())).join(' + ');
}

function after(seconds: number | null): string {
  if (seconds === null) return '';
  const h = seconds / 3600;
  return h < 1 ? ` +${Math.round(seconds / 60)} min` : h < 48 ? ` +${h.toFixed(1)} h` : ` +${(h / 24).toFixed(1)} d`;
}

export async function runSignature(backend: Backend, caseId: string, json: boolean): Promise<void> {
  const s = (await call(backend, 'case.signature', { caseId })) as Result<'case.signature'>;
  print(json, s, () =>
    [
      `${s.caseName}: ${s.steps.length} laundering step${s.steps.length === 1 ? '' : 's'} from ${s.traces.length} trace${s.traces.length === 1 ? '' : 's'}${s.stolen.length ? `; stolen ${amounts(s.stolen)}` : ''}`,
      ...s.steps.map((st, i) => `  ${String(i + 1).padStart(2)}. ${st.kind}${after(st.sinceTheft)}  ${amounts(st.amounts)}${st.service ? `  via ${st.service.name} (${st.service.category})` : ''}  [${st.txCount} tx]`),
      ...(s.services.length ? ['  services:', ...s.services.map((v) => `    ${v.name} (${v.category}), ${v.hops} hop${v.hops === 1 ? '' : 's'}: ${amounts(v.amounts)}`)] : []),
    ].join('\n'),
  );
}

export async function runCompare(backend: Backend, caseId: string, json: boolean): Promise<void> {
  const r = (await call(backend, 'case.compare', { caseId })) as Result<'case.compare'>;
  print(json, r, () =>
    [
      r.matches.length ? `cases most like ${caseId}:` : `no other case with a saved trace to compare ${caseId} with`,
      ...r.matches.flatMap((m) => [
        `  ${m.score.toFixed(2)}  ${m.case}  (${m.caseName})`,
        ...m.parts.filter((p) => p.value > 0).map((p) => `        ${p.part} ${p.value.toFixed(2)} × ${p.weight}: ${p.why}`),
        ...m.meetings.slice(0, 5).map((x) => `        meets at ${x.chain} ${x.address ?? x.cluster ?? x.tx} (${x.kind}): ${Object.entries(x.amounts).map(([c, a]) => `${c} ${amounts(a)}`).join('; ')}`),
      ]),
      ...r.skipped.map((s) => `  skipped ${s.case}: ${s.reason}`),
    ].join('\n'),
  );
}

const GROUNDS = ['steps', 'services', 'commingling', 'conclusion'];

export async function runAttribution(backend: Backend, caseId: string, values: Values, json: boolean): Promise<void> {
  let entries: Result<'attribution.get'>;
  if (values.ground !== undefined) {
    if (typeof values.ground !== 'string' || !GROUNDS.includes(values.ground)) throw new UsageError(`--ground takes ${GROUNDS.join(', ')}`);
    const confidence = values.confidence === undefined ? null : Number(values.confidence);
    if (confidence !== null && !(Number.isInteger(confidence) && confidence >= 0 && confidence <= 100)) throw new UsageError('--confidence takes a whole number from 0 to 100');
    const cases = typeof values.with === 'string' ? values.with.split(',').map((x) => x.trim()).filter(Boolean) : [];
    entries = (await call(backend, 'attribution.set', { caseId, ground: values.ground, text: typeof values.text === 'string' ? values.text : '', confidence, cases })) as Result<'attribution.get'>;
  } else {
    entries = (await call(backend, 'attribution.get', { caseId })) as Result<'attribution.get'>;
  }
  print(json, entries, () =>
    entries.length
      ? entries.map((e) => `${e.ground}${e.confidence === null ? '' : ` (confidence ${e.confidence} %)`}${e.cases.length ? ` — compared with ${e.cases.join(', ')}` : ''}: ${e.text}\n  by ${e.updatedBy}, ${e.updatedAt}`).join('\n')
      : `case ${caseId} records no attribution`,
  );
}
