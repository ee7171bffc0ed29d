/**
 * Direct exposure and screening. Exposure: the value a subject (an address, a selection, a
 * cluster's members) received from and sent to labelled counterparties, per category and
 * asset, exact, with the counterparties behind each figure. It is read from the store's
 * aggregated edges (failed transfers excluded, as everywhere), so each figure is the sum of
 * the transfers behind it. Each counterparty is counted under one category, so the rows of one
 * asset and direction add up to what the subject exchanged with labelled counterparties:
 * "sanction" when any of its labels is a sanction, else its best label's abuse (scam,
 * ransomware, …), else that label's category (exchange, mixing_service, …).
 *
 * Indirect exposure, through several hops, is a trace's business (issue 13).
 */
import type { ExposureRow, Label, ScreenRow } from '../../../shared/api/schemas';
import { canonicalAddress, displayAddress } from '../../../shared/codec/address';
import { guessAddressChains, pickGuessedChain } from '../../../shared/codec/chainGuess';
import { resolveChain } from '../../../shared/model/chains';
import { getAssets } from '../store/assets';
import type { Db } from '../store/openStore';
import { fromDbAmount } from '../store/sqlFunctions';
import { labelKeyOf, labelsOfMany } from './labelStore';

export interface Subject {
  chain: string;
  addr: string;
}

/** Categories that make a direct counterparty a finding when screening: sanctions and abuse. */
const ILLICIT = new Set(['sanction', 'scam', 'phishing', 'ransomware', 'service_hack', 'money_laundering', 'extortion', 'darknet_market', 'terrorism', 'mixing_service']);

/** The category a labelled counterparty counts under (see the file comment). */
export function exposureCategory(labels: readonly Label[]): string {
  if (labels.some((l) => l.abuse === 'sanction')) return 'sanction';
  const best = labels[0]!;
  return best.abuse ?? best.category ?? 'labelled';
}

interface FlowRow {
  subject: bigint;
  cp: bigint;
  dir: 'received' | 'sent';
  asset_id: bigint;
  total: bigint | string;
  cnt: bigint;
  caip2: string;
  addr: string;
}

/** Store ids of the subjects (those the store has seen). */
function subjectIds(store: Db, subjects: readonly Subject[]): number[] {
  const find = store.prepare('SELECT address.id FROM address JOIN chain ON chain.id = address.chain_id WHERE chain.caip2 = ? AND address.addr = ?').pluck();
  return subjects.flatMap((s) => {
    const id = find.get(s.chain, s.addr) as number | undefined;
    return id === undefined ? [] : [id];
  });
}

export function exposureOf(store: Db, subjects: readonly Subject[]): ExposureRow[] {
  const ids = subjectIds(store, subjects);
  if (ids.length === 0) return [];
  const json = JSON.stringify(ids);
  // Flows between two subjects are the group's own business, not exposure.
  const rows = store
    .prepare(
      `SELECT f.subject, f.cp, f.dir, f.asset_id, f.total, f.cnt, c.caip2, a.addr FROM (
         SELECT e.to_id AS subject, e.from_id AS cp, 'received' AS dir, e.asset_id, e.total, e.cnt FROM edge e
           WHERE e.to_id IN (SELECT value FROM json_each(:ids)) AND e.from_id NOT IN (SELECT value FROM json_each(:ids))
         UNION ALL
         SELECT e.from_id, e.to_id, 'sent', e.asset_id, e.total, e.cnt FROM edge e
           WHERE e.from_id IN (SELECT value FROM json_each(:ids)) AND e.to_id NOT IN (SELECT value FROM json_each(:ids))
       ) f JOIN address a ON a.id = f.cp JOIN chain c ON c.id = a.chain_id
       WHERE EXISTS (SELECT 1 FROM label l WHERE l.chain = c.caip2 AND l.addr = a.addr)`,
    )
    .safeIntegers(true)
    .all({ ids: json }) as FlowRow[];
  if (rows.length === 0) return [];
  const labels = labelsOfMany(
    store,
    rows.map((r) => ({ chain: r.caip2, addr: r.addr })),
    20,
  );
  const assets = getAssets(store, [...new Set(rows.map((r) => Number(r.asset_id)))]);
  const groups = new Map<string, ExposureRow & { byCp: Map<string, ExposureRow['counterparties'][number]> }>();
  for (const r of rows) {
    const own = labels.get(labelKeyOf(r.caip2, r.addr))!;
    const category = exposureCategory(own.labels);
    const assetId = Number(r.asset_id);
    const key = `${category}\u0000${r.dir}\u0000${assetId}`;
    const amount = fromDbAmount(r.total);
    const group = groups.get(key) ?? { category, direction: r.dir, asset: assets.get(assetId)!, total: '0', count: 0, counterparties: [], byCp: new Map() };
    groups.set(key, group);
    group.total = (BigInt(group.total) + amount).toString();
    group.count += Number(r.cnt);
    const cpKey = labelKeyOf(r.caip2, r.addr);
    const cp = group.byCp.get(cpKey);
    if (cp) cp.amount = (BigInt(cp.amount) + amount).toString();
    else group.byCp.set(cpKey, { chain: r.caip2, address: r.addr, display: displayAddress(r.caip2, r.addr), label: own.labels[0]!.label, amount: amount.toString() });
  }
  return [...groups.values()]
    .map(({ byCp, ...g }) => ({ ...g, counterparties: [...byCp.values()].sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : BigInt(b.amount) < BigInt(a.amount) ? -1 : 0)) }))
    .sort((a, b) => (a.category === b.category ? (a.direction === b.direction ? a.asset.id - b.asset.id : a.direction < b.direction ? -1 : 1) : Number(b.category === 'sanction') - Number(a.category === 'sanction') || (a.category < b.category ? -1 : 1)));
}

/** One line of a screening list: an address, or "chain,address" (CAIP-2 id, alias or ticker). */
function readLine(text: string, defaultChain: string | undefined): { chain: string; addr: string } | { reason: string } {
  const parts = text.split(/[,;\t]/).map((p) => p.trim());
  let chainText: string | undefined;
  let addressText: string;
  if (parts.length >= 2 && parts[0] && parts[1]) [chainText, addressText] = [parts[0], parts[1]];
  else addressText = parts[0] ?? '';
  let chain: string;
  if (chainText) {
    try {
      chain = resolveChain(chainText).id;
    } catch (error) {
      return { reason: (error as Error).message };
    }
  } else {
    const guess = guessAddressChains(addressText);
    if (!guess) return { reason: 'not an address of a chain Cairn knows' };
    chain = pickGuessedChain(guess, defaultChain ? [defaultChain] : []);
  }
  try {
    return { chain, addr: canonicalAddress(chain, addressText) };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/**
 * Screens a list: which addresses are labelled, sanctioned, or directly exposed to sanctioned
 * or illicit counterparties (with the amounts). Blank lines and lines starting with # are skipped.
 */
export function screen(store: Db, text: string, defaultChain?: string): ScreenRow[] {
  const lines = text.split(/\r?\n/);
  const out: ScreenRow[] = [];
  const parsed: { line: number; input: string; chain: string; addr: string }[] = [];
  lines.forEach((raw, i) => {
    const input = raw.trim();
    if (input === '' || input.startsWith('#')) return;
    // A header row such as "chain,address" is not an entry.
    if (i === 0 && /^(chain|network|currency)?[,;\t]?\s*address\s*$/i.test(input)) return;
    const r = readLine(input, defaultChain);
    if ('reason' in r) out.push({ input, line: i + 1, chain: null, address: null, display: null, verdict: 'invalid', labels: [], exposure: [], reason: r.reason });
    else parsed.push({ line: i + 1, input, ...r });
  });
  const labels = labelsOfMany(store, parsed, 20);
  for (const p of parsed) {
    const own = labels.get(labelKeyOf(p.chain, p.addr));
    const exposure = exposureOf(store, [p]).filter((row) => ILLICIT.has(row.category));
    const verdict: ScreenRow['verdict'] = own?.sanctioned ? 'sanctioned' : exposure.length > 0 ? 'exposed' : own ? 'labelled' : 'clear';
    out.push({
      input: p.input,
      line: p.line,
      chain: p.chain,
      address: p.addr,
      display: displayAddress(p.chain, p.addr),
      verdict,
      labels: own?.labels ?? [],
      exposure,
      reason: verdict === 'exposed' ? `directly ${exposure.map((e) => `${e.direction === 'received' ? 'paid by' : 'paid'} ${e.category}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')}` : null,
    });
  }
  return out.sort((a, b) => a.line - b.line);
}
