/**
 * GraphSense TagPacks and ActorPacks (YAML). A TagPack's header fields are inherited by every
 * tag unless the tag sets its own; an ActorPack lists the actors tags point at by `actor`.
 * Every scalar is read as text (YAML's failsafe schema), so an unquoted `0x…` address or a
 * `lastmod` date stays exactly as written instead of becoming a number or a Date, and each tag
 * keeps the line it starts on for the review step's messages.
 *
 * js-yaml reads a 100,000-tag pack in about a second; the `yaml` package's parser, which gives
 * positions more directly, took over ten times as long. Lines come from js-yaml's parse events.
 */
import yaml from 'js-yaml';
import { LabelFileError, type ParsedActor, type ParsedLabelFile } from '../types';
import { booleanOf, chainTarget, isoDate, LabelSink, parseConfidence, textOrNull } from './common';

type Fields = Record<string, unknown>;

/** A pack's provenance fields, as the label file gives them, with what it holds. */
export interface YamlPack extends Pick<ParsedLabelFile, 'title' | 'creator' | 'description' | 'sourceUrl' | 'license' | 'lastmod'> {
  kind: 'tagpack' | 'actorpack';
  sink: LabelSink;
  actors: ParsedActor[];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return `"${String(value).slice(0, 40)}"`;
}

/** A tag's field: its own value, or the header's when the tag leaves it out or empty. */
function fieldOf(tag: Fields, header: Fields, key: string): unknown {
  return textOrNull(tag[key]) !== null ? tag[key] : header[key];
}

/**
 * The chain a tag names. `network` is the chain and defaults from `currency`; a tag's own
 * currency beats the header's network, except a token's (USDT) which names no chain by itself.
 */
function tagChain(tag: Fields, header: Fields): string | null {
  const ownNetwork = textOrNull(tag.network);
  if (ownNetwork) return ownNetwork;
  const ownCurrency = textOrNull(tag.currency);
  if (ownCurrency && chainTarget(ownCurrency)?.kind !== 'token') return ownCurrency;
  return textOrNull(header.network) ?? ownCurrency ?? textOrNull(header.currency);
}

function readTags(header: Fields, tags: unknown[], lines: readonly number[], sink: LabelSink): void {
  for (let index = 0; index < tags.length; index++) {
    const raw = tags[index];
    const line = lines[index] ?? null;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      sink.skip(line, index, `a tag is a mapping of fields (address:, label:, …); found ${describe(raw)}`);
      continue;
    }
    const tag = raw as Fields;
    const address = textOrNull(tag.address);
    if (!address) {
      sink.skip(line, index, textOrNull(tag.tx_hash) ? 'transaction tags are not imported' : 'the tag has no address');
      continue;
    }
    const label = textOrNull(fieldOf(tag, header, 'label'));
    if (!label) {
      sink.skip(line, index, "the tag has no label (neither its own nor the header's)");
      continue;
    }
    const chain = tagChain(tag, header);
    if (!chain) {
      sink.skip(line, index, 'the tag has no currency or network, so its chain is unknown');
      continue;
    }
    let confidence;
    try {
      confidence = parseConfidence(fieldOf(tag, header, 'confidence'));
    } catch (error) {
      sink.skip(line, index, (error as Error).message);
      continue;
    }
    sink.add(
      chain,
      address,
      {
        label,
        category: textOrNull(fieldOf(tag, header, 'category')),
        abuse: textOrNull(fieldOf(tag, header, 'abuse')),
        ...confidence,
        source: textOrNull(fieldOf(tag, header, 'source')),
        context: textOrNull(fieldOf(tag, header, 'context')),
        isClusterDefiner: booleanOf(fieldOf(tag, header, 'is_cluster_definer')) ?? false,
        actor: textOrNull(fieldOf(tag, header, 'actor')),
        lastmod: isoDate(fieldOf(tag, header, 'lastmod')),
      },
      line,
      index,
    );
  }
}

function readActors(file: string, actors: unknown[], lines: readonly number[], sink: LabelSink): ParsedActor[] {
  const out: ParsedActor[] = [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(textOrNull).filter((s): s is string => s !== null);
  actors.forEach((raw, index) => {
    const line = lines[index] ?? null;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      sink.skip(line, index, `an actor is a mapping of fields (id:, label:, …); found ${describe(raw)}`);
      return;
    }
    const actor = raw as Fields;
    const id = textOrNull(actor.id);
    const label = textOrNull(actor.label);
    if (!id || !label) {
      sink.skip(line, index, `the actor has no ${!id ? 'id' : 'label'}`);
      return;
    }
    out.push({
      id,
      label,
      jurisdictions: list(actor.jurisdictions),
      uri: textOrNull(actor.uri),
      categories: list(actor.categories),
      context: textOrNull(actor.context),
      file,
      line,
    });
  });
  return out;
}

/** The 1-based line of a top-level key (`title:`, `tags:`), for messages about it; 1 when not found. */
function keyLine(text: string, key: string): number {
  const at = new RegExp(`^${key}[ \\t]*:`, 'm').exec(text)?.index;
  return at === undefined ? 1 : text.slice(0, at).split('\n').length;
}

/** The document and, for each list in the top-level mapping, the 1-based line of each item. */
function load(file: string, text: string): { data: unknown; itemLines: Map<unknown, number[]> } {
  const itemLines = new Map<unknown, number[]>();
  let depth = 0;
  let children: number[] = [];
  try {
    const data = yaml.load(text, {
      schema: yaml.FAILSAFE_SCHEMA,
      filename: file,
      // Depth 1 is the document's mapping, 2 its keys and values, 3 the items of a list value.
      listener(event, state) {
        if (event === 'open') {
          depth++;
          if (depth === 3) children.push(state.line + 1);
          return;
        }
        if (depth === 2) {
          if (Array.isArray(state.result)) itemLines.set(state.result, children);
          children = [];
        }
        depth--;
      },
    });
    return { data, itemLines };
  } catch (error) {
    const e = error as yaml.YAMLException;
    if (e.name !== 'YAMLException') throw error;
    throw new LabelFileError(file, e.mark ? e.mark.line + 1 : null, `not valid YAML: ${e.reason}`);
  }
}

/** Reads a TagPack or ActorPack. Throws LabelFileError (with the line) for a file that is neither. */
export function parseYamlPack(file: string, text: string): YamlPack {
  const { data, itemLines } = load(file, text);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new LabelFileError(file, 1, `not a label file Cairn reads: a TagPack (title:, creator:, tags:) or an ActorPack (actors:) is a YAML mapping; this file holds ${describe(data ?? '')}`);
  }
  const header = data as Fields;
  const kind = header.tags === undefined && header.actors !== undefined ? 'actorpack' : 'tagpack';
  const key = kind === 'tagpack' ? 'tags' : 'actors';
  const title = textOrNull(header.title);
  if (header[key] === undefined) {
    throw new LabelFileError(file, 1, 'not a label file Cairn reads: a TagPack needs title:, creator: and a tags: list (an ActorPack an actors: list); this YAML has neither tags: nor actors:');
  }
  if (!title || typeof header.title !== 'string') {
    throw new LabelFileError(file, keyLine(text, 'title'), `the ${kind === 'tagpack' ? 'TagPack' : 'ActorPack'} has no title: in its header`);
  }
  const entries = header[key];
  if (!Array.isArray(entries)) {
    throw new LabelFileError(file, keyLine(text, key), `${key}: must be a list of ${key}; found ${describe(entries ?? '')}`);
  }
  const lines = itemLines.get(entries) ?? [];
  const sink = new LabelSink(file);
  const { [key]: _entries, ...inherited } = header;
  let actors: ParsedActor[] = [];
  if (kind === 'tagpack') readTags(inherited, entries, lines, sink);
  else actors = readActors(file, entries, lines, sink);
  const source = textOrNull(header.source);
  return {
    kind,
    title,
    creator: textOrNull(header.creator),
    description: textOrNull(header.description),
    sourceUrl: source && /^https?:\/\//i.test(source) ? source : null,
    license: textOrNull(header.license),
    lastmod: isoDate(header.lastmod),
    sink,
    actors,
  };
}
