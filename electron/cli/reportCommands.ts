/** `cairn report` and `cairn case export --format`: the case as a document, and its graph in other tools' formats. */
import type { Result } from '../../shared/api/contract';
import { GRAPH_EXPORT_FORMATS } from '../../shared/api/schemas';
import type { Backend } from '../core/backendTypes';
import { call, print, UsageError, type Values } from './cliKit';

export async function runReport(backend: Backend, rest: string[], values: Values, json: boolean): Promise<void> {
  if (rest.length !== 1) throw new UsageError('report needs a CASE id and --out FILE.html|FILE.pdf');
  if (typeof values.out !== 'string') throw new UsageError('report needs --out FILE.html or FILE.pdf');
  if (!/\.(html?|pdf)$/i.test(values.out)) throw new UsageError(`report --out ${values.out}: name a .html or .pdf file (the extension chooses the format)`);
  const r = (await call(backend, 'report.create', {
    caseId: rest[0],
    path: values.out,
    format: /\.pdf$/i.test(values.out) ? 'pdf' : 'html',
    ...(typeof values.template === 'string' ? { templateDir: values.template } : {}),
    overwrite: Boolean(values.overwrite),
  })) as Result<'report.create'>;
  print(json, r, () =>
    [
      `wrote the report of case ${rest[0]} to ${r.file} (${r.format.toUpperCase()}${r.pages === null ? '' : `, ${r.pages} page${r.pages === 1 ? '' : 's'}`})`,
      `  ${r.size} bytes, sha256 ${r.sha256}`,
      `  sections: ${r.sections.join(', ')}; ${r.figures} figure${r.figures === 1 ? '' : 's'}; template ${r.template}`,
    ].join('\n'),
  );
}

export async function runGraphExport(backend: Backend, caseId: string, values: Values, json: boolean): Promise<void> {
  const format = values.format;
  if (typeof format !== 'string' || !(GRAPH_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`case export --format takes ${GRAPH_EXPORT_FORMATS.join(', ')} (without --format: a signed bundle)`);
  }
  if (typeof values.out !== 'string') throw new UsageError(`case export --format ${format} needs --out ${format === 'csv' ? 'FOLDER' : 'FILE'}`);
  const r = (await call(backend, 'case.exportGraph', { caseId, format, path: values.out, overwrite: Boolean(values.overwrite) })) as Result<'case.exportGraph'>;
  print(json, r, () => [`exported case ${caseId} as ${format}: ${r.contains}`, ...r.files.map((f) => `  ${f.file}: ${f.size} bytes, sha256 ${f.sha256}`)].join('\n'));
}
