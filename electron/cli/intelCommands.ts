/**
 * `cairn labels …`, `cairn search`, `cairn screen` and `cairn exposure`: label sets and what
 * they say about addresses. JSON shapes are stable for scripts (README, Command line).
 */
import { readFileSync } from 'node:fs';
import type { Result } from '../../shared/api/contract';
import { resolveChain } from '../../shared/model/chains';
import type { Backend } from '../core/backendTypes';
import { amount, call, print, UsageError, type Values } from './cliKit';

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;


export async function runLabels(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  const [sub, ...args] = rest;
  if (sub === 'import') {
    if (args.length === 0) throw new UsageError('labels import needs one or more PATHs');
    const r = (await call(backend, 'labels.import', { paths: args, skipInvalid: Boolean(values['skip-invalid']) })) as Result<'labels.import'>;
    const skippedOf = (file: string) => r.skipped.filter((s) => s.file === file).map((s) => ({ file: s.file, line: s.line, reason: s.reason }));
    const out = [
      ...r.sets.map((s) => ({ set: s.id, title: s.title, tags: s.labels, addresses: s.addresses, skipped: r.skipped.filter((k) => k.file.endsWith(s.file.name)).map((k) => ({ file: k.file, line: k.line, reason: k.reason })) })),
      ...r.unchanged.map((u) => ({ set: u.setId, title: u.title, tags: 0, addresses: 0, skipped: skippedOf(u.file), unchanged: true })),
    ];
    return print(json, out, () =>
      [
        ...r.sets.map((s) => `set ${s.id}: ${s.title} (${s.kind}) — ${plural(s.labels, 'label')} on ${plural(s.addresses, 'address', 'addresses')}, sha256 ${s.file.sha256.slice(0, 16)}…`),
        ...r.unchanged.map((u) => `${u.file}: already imported as set ${u.setId} (${u.title}); nothing added`),
        ...(r.skippedCount ? [`skipped ${plural(r.skippedCount, 'entry', 'entries')}:`, ...r.skipped.map((s) => `  ${s.file}${s.line !== null ? `:${s.line}` : ''}: ${s.reason}`)] : []),
      ].join('\n'),
    );
  }
  if (sub === 'list') {
    if (args.length) throw new UsageError('labels list takes no argument');
    const sets = (await call(backend, 'labels.list', {})) as Result<'labels.list'>;
    return print(json, sets, () =>
      sets.length
        ? sets.map((s) => `${s.id}  ${s.title}  (${s.kind}${s.creator ? `, ${s.creator}` : ''}) ${plural(s.labels, 'label')} on ${plural(s.addresses, 'address', 'addresses')}, ${s.file.name}, imported ${s.importedAt}`).join('\n')
        : 'no label sets yet: cairn labels import PATH…',
    );
  }
  if (sub === 'remove') {
    if (args.length !== 1 || !/^[0-9]+$/.test(args[0]!)) throw new UsageError('labels remove needs a SET number (see cairn labels list)');
    const r = (await call(backend, 'labels.remove', { setId: Number(args[0]) })) as Result<'labels.remove'>;
    return print(json, r, () => `removed set ${args[0]} and its ${plural(r.removed, 'label')}`);
  }
  if (sub === 'show') {
    if (args.length !== 2) throw new UsageError('labels show needs CHAIN and ADDRESS');
    const r = (await call(backend, 'labels.show', { chain: resolveChain(args[0]).id, address: args[1] })) as Result<'labels.show'>;
    const out = {
      chain: r.chain,
      address: r.address,
      labels: r.labels.map((l) => ({ label: l.label, category: l.category, abuse: l.abuse, confidence: l.confidence, confidenceScore: l.confidenceScore, source: l.source, actor: l.actor, set: l.set.id, setTitle: l.set.title })),
    };
    return print(json, out, () =>
      [
        `${r.display} on ${resolveChain(r.chain).name}: ${plural(r.labels.length, 'label')}`,
        ...r.labels.map((l) => `  ${l.label}${l.category ? ` [${l.category}]` : ''}${l.abuse ? ` (${l.abuse})` : ''}  confidence ${l.confidence ?? ''}${l.confidenceScore !== null ? ` ${l.confidenceScore}` : ''}  set ${l.set.id} "${l.set.title}"${l.source ? `  source ${l.source}` : ''}`),
      ].join('\n'),
    );
  }
  throw new UsageError('labels takes import PATH…, list, remove SET or show CHAIN ADDRESS');
}

export async function runSearch(backend: Backend, rest: string[], json: boolean): Promise<void> {
  if (rest.length === 0) throw new UsageError('search needs TEXT');
  const r = (await call(backend, 'search.query', { text: rest.join(' '), limit: 50 })) as Result<'search.query'>;
  return print(json, r, () => (r.hits.length ? r.hits.map((h) => `${h.kind.padEnd(7)} ${h.label}  — ${h.detail}`).join('\n') : 'nothing found'));
}

function exposureLines(rows: Result<'exposure.get'>['rows']): string[] {
  return rows.map(
    (row) =>
      `  ${row.direction === 'received' ? 'received from' : 'sent to'} ${row.category}: ${amount(row.total, row.asset.decimals, row.asset.symbol)} in ${plural(row.count, 'transfer')} (` +
      row.counterparties.slice(0, 3).map((c) => `${c.label} ${c.display}`).join(', ') +
      (row.counterparties.length > 3 ? `, +${row.counterparties.length - 3} more` : '') +
      ')',
  );
}

export async function runExposure(backend: Backend, rest: string[], json: boolean): Promise<void> {
  if (rest.length !== 2) throw new UsageError('exposure needs CHAIN and ADDRESS');
  const r = (await call(backend, 'exposure.get', { chain: resolveChain(rest[0]).id, address: rest[1] })) as Result<'exposure.get'>;
  return print(json, r, () => [`${r.subjects[0]?.display ?? rest[1]}: direct exposure to labelled counterparties`, ...(r.rows.length ? exposureLines(r.rows) : ['  none'])].join('\n'));
}

export async function runScreen(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  if (rest.length !== 1) throw new UsageError('screen needs a FILE of addresses (one per line, or CHAIN,ADDRESS)');
  let text: string;
  try {
    text = readFileSync(rest[0]!, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${rest[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const chain = typeof values.chain === 'string' ? resolveChain(values.chain).id : undefined;
  const r = (await call(backend, 'screen.run', { text, ...(chain ? { chain } : {}) })) as Result<'screen.run'>;
  const counts = new Map<string, number>();
  for (const row of r.rows) counts.set(row.verdict, (counts.get(row.verdict) ?? 0) + 1);
  print(json, r, () =>
    [
      ...r.rows.map((row) =>
        [`line ${row.line}: ${row.verdict.toUpperCase().padEnd(10)} ${row.display ?? row.input}`, row.labels.length ? `  ${row.labels.map((l) => l.label).slice(0, 3).join('; ')}` : '', row.reason ? `  (${row.reason})` : ''].join(''),
      ),
      [...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'no addresses',
    ].join('\n'),
  );
  if (r.rows.some((row) => row.verdict === 'sanctioned' || row.verdict === 'exposed')) process.exitCode = 4;
}
