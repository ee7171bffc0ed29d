import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { api, ApiError, type Handlers, type MethodName } from '../../../shared/api/contract';
import type { Dataset, WrittenFile } from '../../../shared/api/schemas';
import type { CallContext } from '../backendTypes';
import { listDatasets } from '../store/datasets';
import { buildReport, exportGraphFiles, ExportError } from '../report/buildReport';
import { chromiumPrinter, pdfPageCount, PrinterUnavailableError, type DocumentPrinter } from '../report/printer';
import { gatherReport, type Caller } from '../report/reportModel';
import { TemplateError } from '../report/template';
import type { HandlerDeps, HandlerKit } from './handlers';

type Methods = 'report.create' | 'case.exportGraph';

/** Writes a file whole or not at all (a sibling temp file renamed into place), refusing to replace one unless asked. */
export function writeOut(path: string, data: string | Buffer, overwrite: boolean): WrittenFile {
  const file = resolve(path);
  if (existsSync(file)) {
    if (!overwrite) throw new ApiError('conflict', `${file} already exists; choose another name or allow overwriting`);
    if (statSync(file).isDirectory()) throw new ApiError('invalid_argument', `${file} is a folder; name a file`);
  }
  const dir = dirname(file);
  try {
    // Like the bundle and TagPack exports: a missing folder is made.
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ApiError('invalid_argument', `cannot make the folder ${dir} for ${basename(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new ApiError('invalid_argument', `${dir} is not a folder; choose where to write ${basename(file)}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temp = join(dir, `.${basename(file)}.${process.pid}.partial`);
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new ApiError('invalid_argument', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A folder for exports of several files (CSV tables): made when missing; an existing one must be empty unless overwriting. */
export function outFolder(path: string, names: readonly string[], overwrite: boolean): string {
  const dir = resolve(path);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ApiError('invalid_argument', `${dir} is a file; CSV tables are written into a folder`);
    const clash = names.filter((n) => existsSync(join(dir, n)));
    if (clash.length && !overwrite) throw new ApiError('conflict', `${dir} already holds ${clash.join(', ')}; choose another folder or allow overwriting`);
  } else {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new ApiError('invalid_argument', `cannot make the folder ${dir} for the tables: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return dir;
}

/**
 * report.create and case.exportGraph. The report reads the case through the same handlers the
 * app calls (`internal`), so its figures are the ones the investigator saw.
 */
export function createReportHandlers(deps: HandlerDeps, kit: HandlerKit, self: () => Handlers<CallContext>): Pick<Handlers<CallContext>, Methods> {
  let printer: DocumentPrinter | null = deps.printer ?? null;
  const getPrinter = (): DocumentPrinter => (printer ??= chromiumPrinter());
  const internal =
    (ctx: CallContext): Caller =>
    async (method, args) => {
      const m = method as MethodName;
      const handler = self()[m] as (a: unknown, c: CallContext) => unknown;
      return (await handler(api[m].args.parse(args), ctx)) as never;
    };
  /** The datasets behind the case: those on its chains in the facts it is drawn from, and any a trace read. */
  const datasetsOf = (caseId: string): Dataset[] => {
    const facts = kit.facts(caseId);
    const c = deps.cases.get(caseId);
    const chains = new Set((c.db.prepare("SELECT DISTINCT chain FROM node WHERE kind IN ('address', 'entity')").all() as { chain: string }[]).map((r) => r.chain));
    const traced = new Set<number>();
    for (const row of c.db.prepare('SELECT result FROM trace').all() as { result: string }[]) {
      try {
        for (const d of (JSON.parse(row.result) as { datasets?: { id: number }[] }).datasets ?? []) traced.add(d.id);
      } catch {
        // A trace row that does not parse is reported by trace.get; the report lists what it can.
      }
    }
    return listDatasets(facts).filter((d) => chains.has(d.chain) || traced.has(d.id));
  };
  const failures = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof TemplateError || error instanceof ExportError) throw new ApiError('invalid_argument', error.message);
      if (error instanceof PrinterUnavailableError) throw new ApiError('invalid_argument', error.message);
      throw error;
    }
  };
  return {
    'report.create': (args, ctx) =>
      failures(async () => {
        const format = args.format ?? (extname(args.path).toLowerCase() === '.pdf' ? 'pdf' : 'html');
        const model = await gatherReport({ call: internal(ctx), datasets: datasetsOf, now: deps.now }, args.caseId);
        const p = format === 'pdf' ? getPrinter() : null;
        const built = buildReport(model, { templateDir: args.templateDir, printer: p?.name ?? null });
        if (format === 'html') {
          return { ...writeOut(args.path, built.html, args.overwrite), format, sections: [...built.sections], figures: built.figures, pages: null, template: built.template };
        }
        const pdf = await p!.pdf(built.html);
        return { ...writeOut(args.path, pdf, args.overwrite), format, sections: [...built.sections], figures: built.figures, pages: pdfPageCount(pdf), template: built.template };
      }),
    'case.exportGraph': (args, ctx) =>
      failures(async () => {
        const call = internal(ctx);
        const graph = await call('graph.get', { caseId: args.caseId, ...(args.scope.kind === 'view' && args.scope.filter ? { filter: args.scope.filter } : {}) });
        return exportGraphFiles(
          {
            caseId: args.caseId,
            format: args.format,
            scope: args.scope,
            graph,
            facts: kit.facts(args.caseId),
            caseFile: deps.cases.get(args.caseId),
            traces: await Promise.all((await call('trace.list', { caseId: args.caseId })).map((t) => call('trace.get', { caseId: args.caseId, traceId: t.id }))),
            caseName: (await call('case.list', {})).find((c) => c.id === args.caseId)?.name ?? args.caseId,
            investigator: deps.settings().investigator,
            version: deps.version,
            now: deps.now,
            printer: getPrinter,
          },
          { path: args.path, overwrite: args.overwrite },
          { writeOut, outFolder },
        );
      }),
  };
}
