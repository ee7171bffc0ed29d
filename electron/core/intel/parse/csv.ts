/**
 * An agency's own label list as CSV: a header row naming the columns (chain, address, label,
 * category, confidence, source, note) in any order, under the names such lists use (currency,
 * network or ticker for the chain; tag or name for the label; notes or comment for the note).
 * Only address and label are required; a row without a chain is placed by its address's form.
 */
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { guessAddressChains, pickGuessedChain } from '../../../../shared/codec/chainGuess';
import { LabelFileError } from '../types';
import { booleanOf, isoDate, LabelSink, parseConfidence, textOrNull } from './common';

type Column = 'chain' | 'address' | 'label' | 'category' | 'abuse' | 'confidence' | 'source' | 'note' | 'actor' | 'lastmod' | 'isClusterDefiner';

/** Header names (lower case, spaces and dashes as underscores) → the column they mean. */
const ALIASES: Readonly<Record<string, Column>> = {
  chain: 'chain', currency: 'chain', network: 'chain', ticker: 'chain', blockchain: 'chain', asset: 'chain', coin: 'chain', caip2: 'chain',
  address: 'address', addr: 'address', wallet: 'address', wallet_address: 'address',
  label: 'label', tag: 'label', name: 'label', entity: 'label',
  category: 'category', concept: 'category',
  abuse: 'abuse',
  confidence: 'confidence', confidence_score: 'confidence', score: 'confidence',
  source: 'source', url: 'source', reference: 'source',
  note: 'note', notes: 'note', comment: 'note', comments: 'note', context: 'note', description: 'note',
  actor: 'actor',
  lastmod: 'lastmod', date: 'lastmod', last_modified: 'lastmod',
  is_cluster_definer: 'isClusterDefiner',
};

interface Row {
  record: string[];
  info: { lines: number };
}

/** The field separator: a comma, or the semicolon or tab of a header that has no comma. */
function delimiterOf(text: string): string {
  const end = text.indexOf('\n');
  const header = end < 0 ? text : text.slice(0, end);
  if (header.includes(',')) return ',';
  if (header.includes(';')) return ';';
  return header.includes('\t') ? '\t' : ',';
}

export function parseLabelCsv(file: string, text: string): { title: string; sink: LabelSink } {
  let rows: Row[];
  try {
    rows = parse(text, { delimiter: delimiterOf(text), info: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as unknown as Row[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new LabelFileError(file, e.lines ?? null, `not valid CSV: ${e.message.replace(/^Invalid [^:]*: /, '').replace(/ at line \d+$/, '')}`);
  }
  const [head, ...body] = rows;
  if (!head) throw new LabelFileError(file, null, 'not a label file Cairn reads: the CSV file is empty (expected a header row: chain,address,label,category,confidence,source,note)');
  const columns = new Map<Column, number>();
  head.record.forEach((name, i) => {
    const column = ALIASES[name.trim().toLowerCase().replace(/[\s-]+/g, '_')];
    if (column && !columns.has(column)) columns.set(column, i);
  });
  const missing = (['address', 'label'] as const).filter((c) => !columns.has(c));
  if (missing.length) {
    throw new LabelFileError(
      file,
      1,
      `not a label file Cairn reads: a label CSV needs a header row with address and label columns (and chain, category, confidence, source, note, in any order); this header has no ${missing.join(' or ')} column (found: ${head.record.map((h) => h.trim()).join(', ').slice(0, 120)})`,
    );
  }
  const sink = new LabelSink(file);
  body.forEach(({ record, info }, index) => {
    // csv-parse reports the line a record ends on; a quoted field may span lines.
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    const cell = (c: Column): string | null => {
      const i = columns.get(c);
      return i === undefined ? null : textOrNull(record[i]);
    };
    const address = cell('address');
    const label = cell('label');
    if (!address || !label) {
      sink.skip(line, index, `the row has no ${!address ? 'address' : 'label'}`);
      return;
    }
    let confidence;
    try {
      confidence = parseConfidence(cell('confidence'));
    } catch (error) {
      sink.skip(line, index, (error as Error).message);
      return;
    }
    let chain = cell('chain');
    let note: string | null = null;
    if (!chain) {
      const guess = guessAddressChains(address);
      if (!guess) {
        sink.skip(line, index, `the row has no chain and "${address.slice(0, 80)}" has no address form Cairn knows`);
        return;
      }
      chain = pickGuessedChain(guess);
      note = `no chain given; placed by its form (${guess.form})`;
    }
    const context = cell('note');
    sink.add(
      chain,
      address,
      {
        label,
        category: cell('category'),
        abuse: cell('abuse'),
        ...confidence,
        source: cell('source'),
        context: note ? (context ? `${context}\n${note}` : note) : context,
        isClusterDefiner: booleanOf(cell('isClusterDefiner')) ?? false,
        actor: cell('actor'),
        lastmod: isoDate(cell('lastmod')),
      },
      line,
      index,
    );
  });
  return { title: basename(file, extname(file)), sink };
}
