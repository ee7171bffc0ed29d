import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';

/**
 * A report template: the order of the report's sections, their headings and opening words, the
 * unit's header (organisation, lines such as a protective marking, a logo), the footer and extra
 * CSS. A unit keeps one in a folder (report.yaml, plus the logo and style files it names) and
 * changes it without touching code; Cairn's own is BUILT_IN below. What the sections contain
 * (tables, figures, figures' numbers) is Cairn's; the template decides which appear and in what
 * order, and what they are called.
 */

export const SECTION_IDS = ['summary', 'graph', 'seeds', 'traces', 'links', 'clusters', 'tags', 'attribution', 'provenance', 'labels', 'audit'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface TemplateSection {
  readonly id: SectionId;
  readonly heading: string;
  /** Words under the heading (placeholders filled), or empty. */
  readonly intro: string;
}

export interface ReportTemplate {
  /** "built-in" or the folder's report.yaml path. */
  readonly source: string;
  readonly name: string;
  readonly title: string;
  readonly organisation: string;
  readonly header: readonly string[];
  /** The logo as a data: URI, embedded so the report stays self-contained. */
  readonly logo: string | null;
  readonly footer: string;
  readonly sections: readonly TemplateSection[];
  readonly css: string;
}

const DEFAULT_HEADINGS: Record<SectionId, string> = {
  summary: 'Summary',
  graph: 'The graph',
  seeds: 'Seeds and their roles',
  traces: 'Traces',
  links: 'Cross-chain links',
  clusters: 'Clusters',
  tags: 'Tags and labels',
  attribution: 'Attribution',
  provenance: 'Where the data comes from',
  labels: 'Label sets used',
  audit: 'Audit log',
};

const DEFAULT_INTROS: Partial<Record<SectionId, string>> = {
  graph:
    'The case’s graph as laid out in Cairn. Edges carry the total moved between two addresses in one asset, exactly. Where a trace was run, the addresses and edges its value passed through are drawn bold.',
  traces:
    'Each trace follows value from its sources with the method named, and accounts for all of it per asset: what entered equals what rests, stopped at a service, was paid in fees, was burnt, or is still moving within the limits set. A trace that does not reconcile says so.',
  links: 'Links join value leaving on one chain to value arriving on another (a bridge, a swap, an exchange). Only links the investigator confirmed carry traced value.',
  clusters:
    'Clusters group addresses believed to be controlled by one party: those the investigator grouped by hand, and wallets inferred from the chain by the heuristics named with each merge.',
  tags: 'Tags are the investigator’s own statements about addresses and clusters, with their source and confidence; labels come from the label sets listed further on.',
  provenance: 'Every chain fact Cairn shows comes from one of these imports. A file can be checked against its SHA-256.',
  audit: 'Every change to the case is an entry in a hash-chained, signed log. This is what checking it found when the report was made.',
};

export const BUILT_IN: ReportTemplate = {
  source: 'built-in',
  name: 'Cairn standard report',
  title: 'Tracing report: {case.name}',
  organisation: '',
  header: [],
  logo: null,
  footer: '{case.name} · {case.id}',
  sections: SECTION_IDS.map((id) => ({ id, heading: DEFAULT_HEADINGS[id], intro: DEFAULT_INTROS[id] ?? '' })),
  css: '',
};

const Text = z.string().max(4000);
const FileSchema = z.strictObject({
  name: z.string().max(200).optional(),
  title: Text.optional(),
  organisation: Text.optional(),
  header: z.array(Text).max(20).optional(),
  logo: z.string().max(300).optional(),
  footer: Text.optional(),
  sections: z
    .array(z.union([z.enum(SECTION_IDS), z.strictObject({ id: z.enum(SECTION_IDS), heading: Text.optional(), intro: Text.optional() })]))
    .min(1)
    .max(40)
    .optional(),
  style: z.string().max(300).optional(),
});

export class TemplateError extends Error {}

const LOGO_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.gif': 'image/gif', '.webp': 'image/webp' };
const MAX_LOGO = 2 * 1024 * 1024;
const MAX_CSS = 200 * 1024;

/** A file the template names: inside its folder, a plain file, not too large. */
function templateFile(dir: string, name: string, field: string, max: number): string {
  const path = resolve(dir, name);
  if (basename(name) !== name) throw new TemplateError(`${join(dir, 'report.yaml')}: ${field} "${name}" must be a file in the template folder, without a path`);
  if (!existsSync(path) || !statSync(path).isFile()) throw new TemplateError(`${join(dir, 'report.yaml')}: ${field} names ${path}, which is not a file`);
  const size = statSync(path).size;
  if (size > max) throw new TemplateError(`${path}: ${size} bytes; a template's ${field} may be at most ${max} bytes`);
  return path;
}

/**
 * CSS that would load anything (an @import, a url() that is not a data: URI) is refused: the
 * report must open on a machine with no network and show the same thing everywhere.
 */
export function checkCss(css: string, file: string): string {
  const lines = css.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/@import/i.test(line)) throw new TemplateError(`${file}, line ${i + 1}: @import loads another file; put the rules in this one`);
    for (const m of line.matchAll(/url\(\s*(['"]?)([^'")]*)/gi)) {
      if (!/^data:/i.test(m[2]!.trim())) throw new TemplateError(`${file}, line ${i + 1}: url(${m[2]!.slice(0, 60)}) loads an external resource; a report must be self-contained (use a data: URI)`);
    }
    if (/<\/style/i.test(line)) throw new TemplateError(`${file}, line ${i + 1}: "</style" cannot appear in a style sheet`);
  }
  return css;
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length ? issue.path.map(String).join('.') : 'the file';
  return `${at}: ${issue.message}`;
}

/** Loads the template in `dir` (its report.yaml), filling what it leaves out from the built-in one. */
export function loadTemplate(dir: string | undefined): ReportTemplate {
  if (dir === undefined) return BUILT_IN;
  const folder = resolve(dir);
  const file = join(folder, 'report.yaml');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new TemplateError(`${folder} is not a folder; a template is a folder holding report.yaml`);
  if (!existsSync(file)) throw new TemplateError(`${folder} holds no report.yaml`);
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const e = error as { mark?: { line: number }; reason?: string; message: string };
    throw new TemplateError(`${file}${e.mark ? `, line ${e.mark.line + 1}` : ''}: not valid YAML (${(e.reason ?? e.message).slice(0, 200)})`);
  }
  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new TemplateError(`${file}: ${parsed.error.issues.slice(0, 3).map(describeZodIssue).join('; ')}`);
  const t = parsed.data;
  const sections = t.sections?.map((s): TemplateSection => {
    const id = typeof s === 'string' ? s : s.id;
    const builtIn = BUILT_IN.sections.find((b) => b.id === id)!;
    return typeof s === 'string' ? builtIn : { id, heading: s.heading ?? builtIn.heading, intro: s.intro ?? builtIn.intro };
  });
  if (sections) {
    const seen = new Set<string>();
    for (const s of sections) {
      if (seen.has(s.id)) throw new TemplateError(`${file}: section "${s.id}" is listed twice`);
      seen.add(s.id);
    }
  }
  let logo: string | null = null;
  if (t.logo) {
    const type = LOGO_TYPES[extname(t.logo).toLowerCase()];
    if (!type) throw new TemplateError(`${file}: logo "${t.logo}" must be a PNG, JPEG, GIF, WebP or SVG file`);
    const path = templateFile(folder, t.logo, 'logo', MAX_LOGO);
    logo = `data:${type};base64,${readFileSync(path).toString('base64')}`;
  }
  let css = '';
  if (t.style) {
    const path = templateFile(folder, t.style, 'style', MAX_CSS);
    css = checkCss(readFileSync(path, 'utf8'), path);
  }
  return {
    source: file,
    name: t.name ?? basename(folder),
    title: t.title ?? BUILT_IN.title,
    organisation: t.organisation ?? '',
    header: t.header ?? [],
    logo,
    footer: t.footer ?? BUILT_IN.footer,
    sections: sections ?? BUILT_IN.sections,
    css,
  };
}

/** Fills {case.name}-style placeholders; an unknown one is left as written, so a typo shows. */
export function fill(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-z]+(?:\.[a-z]+)?)\}/gi, (whole, key: string) => (Object.prototype.hasOwnProperty.call(vars, key) ? vars[key]! : whole));
}
