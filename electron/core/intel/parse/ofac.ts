/**
 * OFAC's SDN list: every `Digital Currency Address - XXX` it gives, with the listed party's name,
 * its sanctions programmes and the date it was listed. Two XML forms and the plain lists:
 * - sdn_advanced.xml: DistinctParty/Profile/Feature whose FeatureTypeID the reference values
 *   name "Digital Currency Address - XBT", the address in FeatureVersion/VersionDetail; the
 *   programmes and dates sit apart, in SanctionsEntries, keyed by ProfileID;
 * - the classic sdn.xml: sdnEntry/idList/id with that idType and the address in idNumber;
 * - plain per-ticker lists (sanctioned_addresses_XBT.txt/.json), one address a line or a JSON array.
 * The XML is read as a stream (the advanced file is ~100 MB), keeping only the addresses found
 * and the few facts needed to describe them. saxes checks it is well formed and reads it about
 * two and a half times as fast as sax.
 */
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { LabelFileError } from '../types';
import { type FileDigest, isoDate, LabelSink, lineStarts, readChunks } from './common';

const FEATURE = /^Digital Currency Address - ([A-Za-z0-9]+)\s*$/;
export const OFAC_TITLE = 'OFAC SDN digital currency addresses';
const OFAC_CREATOR = 'OFAC (U.S. Treasury)';
const OFAC_LABEL = 'OFAC SDN';

/** The fields every OFAC label has: a sanction, authority data (60), from the SDN list. */
const OFAC_FIELDS = {
  category: null,
  abuse: 'sanction',
  confidence: 'authority_data',
  confidenceScore: 60,
  source: 'OFAC SDN list',
  isClusterDefiner: false,
  actor: null,
} as const;

export interface OfacFile {
  title: string;
  creator: string;
  description: string;
  lastmod: string | null;
  sink: LabelSink;
}

/** Local name of an element (the files use a default namespace; a prefix, if any, is dropped). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function ymd(y: string | undefined, m: string | undefined, d: string | undefined): string | null {
  if (!y || !m || !d) return null;
  return isoDate(`${y.trim()}-${m.trim()}-${d.trim()}`);
}

interface Found {
  ticker: string;
  address: string;
  line: number;
  profile: string;
}

interface EntryFacts {
  programmes: string[];
  listed: string | null;
}

/**
 * Streams an OFAC XML file (advanced or classic, told by its root element). Throws
 * LabelFileError for XML that is not well formed (with its line) or another XML document.
 */
export function parseOfacXml(file: string, path: string): { digest: FileDigest; ofac: OfacFile } {
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let root: 'advanced' | 'classic' | null = null;
  let text = '';
  const sink = new LabelSink(file);

  // Advanced: reference values, parties, their features, and the sanctions entries.
  const featureTypes = new Map<string, string>();
  const sanctionsTypes = new Map<string, string>();
  const names = new Map<string, string>();
  const found: Found[] = [];
  const entries = new Map<string, EntryFacts>();
  let refId = '';
  let profile = '';
  let inPrimaryAlias = false;
  let nameParts: string[] | null = null;
  let featureType = '';
  let featureLine = 0;
  let entry: EntryFacts | null = null;
  let measureType = '';
  let date: Record<string, string> = {};
  let issued: string | null = null;
  // Classic: the entry being read.
  let sdn: { uid: string; lastName: string; firstName: string; programmes: string[]; ids: { type: string; number: string; line: number }[] } | null = null;
  let id: { type: string; number: string; line: number } | null = null;

  const parent = (): string => stack[stack.length - 2] ?? '';

  parser.on('error', (error) => {
    // saxes prefixes its message with line:column; the line is given apart.
    throw new LabelFileError(file, parser.line, `not well-formed XML: ${error.message.split('\n')[0]!.replace(/^\d+:\d+: /, '')}`);
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const attr = tag.attributes as Record<string, string>;
    stack.push(name);
    text = '';
    if (!root) {
      if (name === 'Sanctions') root = 'advanced';
      else if (name === 'sdnList') root = 'classic';
      else {
        throw new LabelFileError(file, parser.line, `not a label file Cairn reads: an OFAC SDN XML file has the root element <Sanctions> (sdn_advanced.xml) or <sdnList> (sdn.xml); this one has <${name}>`);
      }
      return;
    }
    if (root === 'advanced') {
      switch (name) {
        case 'FeatureType':
        case 'SanctionsType':
          refId = attr.ID ?? '';
          break;
        case 'Profile':
          profile = attr.ID ?? '';
          break;
        case 'Alias':
          inPrimaryAlias = attr.Primary === 'true';
          break;
        case 'DocumentedName':
          if (inPrimaryAlias && !names.has(profile)) nameParts = [];
          break;
        case 'Feature':
          featureType = attr.FeatureTypeID ?? '';
          break;
        case 'VersionDetail':
          featureLine = parser.line;
          break;
        case 'SanctionsEntry': {
          const key = attr.ProfileID ?? '';
          entry = entries.get(key) ?? { programmes: [], listed: null };
          entries.set(key, entry);
          break;
        }
        case 'SanctionsMeasure':
          measureType = attr.SanctionsTypeID ?? '';
          break;
        case 'Date':
        case 'DateOfIssue':
          date = {};
          break;
      }
    } else {
      if (name === 'sdnEntry') sdn = { uid: '', lastName: '', firstName: '', programmes: [], ids: [] };
      else if (name === 'id' && sdn) id = { type: '', number: '', line: parser.line };
    }
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    const value = text.trim();
    text = '';
    if (root === 'advanced') {
      switch (name) {
        case 'FeatureType':
          if (parent() === 'FeatureTypeValues') featureTypes.set(refId, value);
          break;
        case 'SanctionsType':
          if (parent() === 'SanctionsTypeValues') sanctionsTypes.set(refId, value);
          break;
        case 'NamePartValue':
          nameParts?.push(value);
          break;
        case 'DocumentedName':
          if (nameParts) {
            if (nameParts.length) names.set(profile, nameParts.join(' '));
            nameParts = null;
          }
          break;
        case 'Alias':
          inPrimaryAlias = false;
          break;
        case 'VersionDetail': {
          // The reference values come first in the file, so the feature's type is known here.
          const ticker = FEATURE.exec(featureTypes.get(featureType) ?? '')?.[1];
          if (ticker && stack.includes('Feature')) found.push({ ticker, address: value, line: featureLine, profile });
          break;
        }
        case 'Year':
        case 'Month':
        case 'Day':
          date[name] = value;
          break;
        case 'Date':
          if (entry && parent() === 'EntryEvent') {
            const d = ymd(date.Year, date.Month, date.Day);
            if (d && (!entry.listed || d < entry.listed)) entry.listed = d;
          }
          break;
        case 'DateOfIssue':
          issued = ymd(date.Year, date.Month, date.Day);
          break;
        case 'Comment':
          if (entry && parent() === 'SanctionsMeasure' && value && isProgramme(measureType) && !entry.programmes.includes(value)) entry.programmes.push(value);
          break;
        case 'SanctionsEntry':
          entry = null;
          break;
      }
    } else if (root === 'classic') {
      const p = parent();
      if (sdn && p === 'sdnEntry' && name === 'uid') sdn.uid = value;
      else if (sdn && p === 'sdnEntry' && name === 'lastName') sdn.lastName = value;
      else if (sdn && p === 'sdnEntry' && name === 'firstName') sdn.firstName = value;
      else if (sdn && name === 'program' && p === 'programList') sdn.programmes.push(value);
      else if (id && p === 'id' && name === 'idType') id.type = value;
      else if (id && p === 'id' && name === 'idNumber') id.number = value;
      else if (id && name === 'id') {
        sdn?.ids.push(id);
        id = null;
      } else if (name === 'Publish_Date') issued = isoDate(value);
      else if (name === 'sdnEntry' && sdn) {
        const entryName = sdn.firstName ? `${sdn.lastName}, ${sdn.firstName}` : sdn.lastName;
        for (const i of sdn.ids) {
          const ticker = FEATURE.exec(i.type)?.[1];
          if (ticker) found.push({ ticker, address: i.number, line: i.line, profile: sdn.uid });
          if (ticker) names.set(sdn.uid, entryName);
        }
        if (sdn.programmes.length) entries.set(sdn.uid, { programmes: sdn.programmes, listed: null });
        sdn = null;
      }
    }
    stack.pop();
  });

  /** SanctionsMeasure comments are programme codes when the measure's type is "Program". */
  function isProgramme(typeId: string): boolean {
    const type = sanctionsTypes.get(typeId);
    return type === undefined ? sanctionsTypes.size === 0 || typeId === '1' : /^program/i.test(type);
  }

  const decoder = new StringDecoder('utf8');
  let first = true;
  const digest = readChunks(path, (chunk) => {
    let s = decoder.write(chunk);
    if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    first = false;
    parser.write(s);
  });
  parser.write(decoder.end());
  parser.close();
  if (!root) throw new LabelFileError(file, null, 'not a label file Cairn reads: the XML file is empty');

  found.forEach((f, index) => {
    const facts = entries.get(f.profile);
    const context = [
      facts?.programmes.length ? `programme${facts.programmes.length > 1 ? 's' : ''}: ${facts.programmes.join(', ')}` : null,
      facts?.listed ? `listed: ${facts.listed}` : null,
      f.profile ? `OFAC ${root === 'advanced' ? 'profile' : 'entry'} ${f.profile}` : null,
      `feature: Digital Currency Address - ${f.ticker}`,
    ].filter(Boolean);
    sink.add(f.ticker, f.address, { ...OFAC_FIELDS, label: names.get(f.profile) || OFAC_LABEL, context: context.join('; '), lastmod: issued }, f.line, index);
  });
  const form = root === 'advanced' ? 'sdn_advanced.xml' : 'sdn.xml';
  return {
    digest,
    ofac: {
      title: OFAC_TITLE,
      creator: OFAC_CREATOR,
      description: `Digital currency addresses of the OFAC Specially Designated Nationals list (${form})${issued ? `, issued ${issued}` : ''}`,
      lastmod: issued,
      sink,
    },
  };
}

/** The ticker of a plain OFAC list from its name (sanctioned_addresses_XBT.txt → XBT), or null. */
export function ofacListTicker(path: string): string | null {
  return /^sanctioned_addresses_([A-Za-z0-9]+)\.(txt|json)$/i.exec(basename(path))?.[1]?.toUpperCase() ?? null;
}

/** A plain per-ticker list: one address a line (.txt, `#` comments allowed) or a JSON array of strings. */
export function parseOfacList(file: string, text: string, ticker: string): OfacFile {
  const sink = new LabelSink(file);
  const line = lineStarts(text);
  const fields = { ...OFAC_FIELDS, label: OFAC_LABEL, context: null, lastmod: null };
  if (/\.json$/i.test(file)) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (error) {
      throw new LabelFileError(file, null, `not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(list)) throw new LabelFileError(file, 1, 'an OFAC address list in JSON is an array of address strings');
    let cursor = 0;
    list.forEach((item, index) => {
      if (typeof item !== 'string') {
        sink.skip(null, index, `expected an address string, found ${JSON.stringify(item)?.slice(0, 40)}`);
        return;
      }
      const at = text.indexOf(JSON.stringify(item), cursor);
      if (at >= 0) cursor = at + item.length;
      sink.add(ticker, item, fields, at >= 0 ? line(at) : null, index);
    });
  } else {
    let index = 0;
    text.split('\n').forEach((raw, i) => {
      const address = raw.trim();
      if (address === '' || address.startsWith('#')) return;
      sink.add(ticker, address, fields, i + 1, index++);
    });
  }
  return {
    title: `${OFAC_TITLE} (${ticker})`,
    creator: OFAC_CREATOR,
    description: `Addresses OFAC's SDN list gives as "Digital Currency Address - ${ticker}", one list per asset`,
    lastmod: null,
    sink,
  };
}
