/**
 * Reads one label file into labels (and actors), whatever its format: GraphSense TagPacks and
 * ActorPacks (.yaml/.yml), OFAC's SDN XML (sdn_advanced.xml, sdn.xml) and plain per-ticker
 * lists (sanctioned_addresses_XBT.txt/.json), and CSV with a header. Entries that cannot be
 * used (an invalid address, a chain Cairn does not know, a transaction tag) are listed in
 * `skipped` with their line and reason, for the review step; a file that is no label file at
 * all throws LabelFileError naming the file, the line and what was expected.
 */
import { extname } from 'node:path';
import { LabelFileError, type ParsedLabelFile } from '../types';
import { readText } from './common';
import { parseLabelCsv } from './csv';
import { ofacListTicker, parseOfacList, parseOfacXml } from './ofac';
import { parseYamlPack } from './tagpack';

export { CONFIDENCE_LEVELS, chainTarget, parseConfidence } from './common';

const EXPECTED =
  'expected a GraphSense TagPack or ActorPack (.yaml/.yml), OFAC SDN XML (sdn_advanced.xml or sdn.xml), ' +
  'an OFAC address list named sanctioned_addresses_<TICKER>.txt/.json, or a CSV with a header (chain,address,label,category,confidence,source,note)';

export function parseLabelFile(path: string): ParsedLabelFile {
  const ext = extname(path).toLowerCase();
  if (ext === '.xml') {
    const { digest, ofac } = parseOfacXml(path, path);
    return { kind: 'ofac', file: path, ...digest, title: ofac.title, creator: ofac.creator, description: ofac.description, sourceUrl: null, license: null, lastmod: ofac.lastmod, labels: ofac.sink.labels, actors: [], skipped: ofac.sink.skipped };
  }
  const ticker = ofacListTicker(path);
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.csv' && !ticker) {
    throw new LabelFileError(path, null, `not a label file Cairn reads: ${EXPECTED}`);
  }
  const { text, sha256, size } = readText(path);
  const base = { file: path, sha256, size };
  if (ext === '.yaml' || ext === '.yml') {
    const pack = parseYamlPack(path, text);
    return { kind: pack.kind, ...base, title: pack.title, creator: pack.creator, description: pack.description, sourceUrl: pack.sourceUrl, license: pack.license, lastmod: pack.lastmod, labels: pack.sink.labels, actors: pack.actors, skipped: pack.sink.skipped };
  }
  if (ticker) {
    const list = parseOfacList(path, text, ticker);
    return { kind: 'ofac', ...base, title: list.title, creator: list.creator, description: list.description, sourceUrl: null, license: null, lastmod: list.lastmod, labels: list.sink.labels, actors: [], skipped: list.sink.skipped };
  }
  const csv = parseLabelCsv(path, text);
  return { kind: 'csv', ...base, title: csv.title, creator: null, description: null, sourceUrl: null, license: null, lastmod: null, labels: csv.sink.labels, actors: [], skipped: csv.sink.skipped };
}
