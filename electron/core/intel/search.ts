/**
 * One box for anything: an address on any chain in any form (EVM hex in any case, Tron base58
 * or hex, legacy, P2SH, bech32), a transaction hash, a label or actor name (any three letters
 * of it, through the trigram index), a case or a cluster name. Each hit says what it is and
 * where it lives.
 */
import type { SearchHit } from '../../../shared/api/schemas';
import { canonicalAddress, canonicalTxHashFor, displayAddress } from '../../../shared/codec/address';
import { guessAddressChains } from '../../../shared/codec/chainGuess';
import { resolveChain } from '../../../shared/model/chains';
import type { Db } from '../store/openStore';
import { txHashKey } from '../store/txHash';

/** A case and its clusters, as search reads them (from the registry and the case files). */
export interface SearchableCase {
  id: string;
  name: string;
  clusters: readonly { id: string; name: string; category: string }[];
}

function chainName(chain: string): string {
  try {
    return resolveChain(chain).name;
  } catch {
    return chain;
  }
}

function addressHits(store: Db, text: string): SearchHit[] {
  const guess = guessAddressChains(text);
  if (!guess) return [];
  const hits: SearchHit[] = [];
  const inStore = store.prepare('SELECT 1 FROM address JOIN chain ON chain.id = address.chain_id WHERE chain.caip2 = ? AND address.addr = ?');
  const labelled = store.prepare('SELECT count(*) AS n FROM label WHERE chain = ? AND addr = ?');
  // An EVM address fits every EVM chain: list those it is known on, or Ethereum when none.
  const found: SearchHit[] = [];
  for (const chain of guess.chains) {
    let addr: string;
    try {
      addr = canonicalAddress(chain, text);
    } catch {
      continue;
    }
    const known = !!inStore.get(chain, addr);
    const labels = (labelled.get(chain, addr) as { n: number }).n;
    const where = [known ? 'in the store' : 'not in the store', labels > 0 ? `${labels} label${labels === 1 ? '' : 's'}` : null].filter(Boolean).join(', ');
    const hit: SearchHit = { kind: 'address', chain, id: addr, label: displayAddress(chain, addr), detail: `${guess.form} on ${chainName(chain)} (${where})`, caseId: null };
    if (known || labels > 0) found.push(hit);
    else hits.push(hit);
  }
  return found.length > 0 ? found : hits.slice(0, 1);
}

function txHits(store: Db, text: string): SearchHit[] {
  const bare = text.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{64}$/.test(bare)) return [];
  const hits: SearchHit[] = [];
  const rows = store.prepare('SELECT caip2 FROM chain ORDER BY id').all() as { caip2: string }[];
  const find = store.prepare('SELECT block_number, time FROM tx WHERE chain_id = (SELECT id FROM chain WHERE caip2 = ?) AND hash_bin = ? AND hash_form = ?');
  for (const { caip2 } of rows) {
    let hash: string;
    try {
      hash = canonicalTxHashFor(caip2, text);
    } catch {
      continue;
    }
    const tx = find.get(caip2, ...txHashKey(hash)) as { block_number: number | null; time: number | null } | undefined;
    if (tx) hits.push({ kind: 'tx', chain: caip2, id: hash, label: hash, detail: `transaction on ${chainName(caip2)}${tx.block_number !== null ? `, block ${tx.block_number}` : ''}`, caseId: null });
  }
  return hits;
}

/** An FTS5 trigram query for the text: each word of three or more characters, all required. */
function trigramQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter((w) => Array.from(w).length >= 3);
  return words.length === 0 ? null : words.map((w) => `"${w}"`).join(' AND ');
}

function labelHits(store: Db, text: string, limit: number): SearchHit[] {
  const query = trigramQuery(text);
  type Row = { chain: string; addr: string; label: string; category: string | null; abuse: string | null; actor: string | null; title: string; score: number | null };
  let rows: Row[];
  const select = `SELECT l.chain, l.addr, l.label, l.category, l.abuse, l.actor, s.title, l.confidence_score AS score
                  FROM label l JOIN label_set s ON s.id = l.set_id`;
  if (query) {
    rows = store
      // Unranked, so FTS5 stops at the limit instead of scoring every match (a name shared by
      // 60,000 labels would take half a second); the shortest names, the closest matches, first.
      .prepare(`${select} JOIN (SELECT rowid FROM label_fts WHERE label_fts MATCH ? LIMIT ?) f ON f.rowid = l.id ORDER BY length(l.label), coalesce(l.confidence_score, -1) DESC`)
      .all(query, limit * 4) as Row[];
  } else {
    // One or two letters: names that start with them.
    rows = store.prepare(`${select} WHERE l.label LIKE ? ESCAPE '\\' ORDER BY l.label LIMIT ?`).all(`${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit * 4) as Row[];
  }
  const seen = new Set<string>();
  const hits: SearchHit[] = [];
  for (const r of rows) {
    const key = `${r.chain}\u0000${r.addr}\u0000${r.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = [r.abuse, r.category].filter(Boolean).join(', ');
    const actorMatch = r.actor !== null && r.actor.toLowerCase().includes(text.toLowerCase()) && !r.label.toLowerCase().includes(text.toLowerCase());
    hits.push({
      kind: actorMatch ? 'actor' : 'label',
      chain: r.chain,
      id: r.addr,
      label: r.label,
      detail: `${actorMatch ? `actor ${r.actor}: ` : ''}${what ? `${what} · ` : ''}${displayAddress(r.chain, r.addr)} on ${chainName(r.chain)} · set "${r.title}"`,
      caseId: null,
    });
    if (hits.length >= limit) break;
  }
  return hits;
}

function caseHits(cases: readonly SearchableCase[], text: string): SearchHit[] {
  const needle = text.toLowerCase();
  const hits: SearchHit[] = [];
  for (const c of cases) {
    if (c.name.toLowerCase().includes(needle) || c.id.includes(needle)) hits.push({ kind: 'case', chain: null, id: c.id, label: c.name, detail: `case ${c.id}`, caseId: c.id });
    for (const cl of c.clusters) {
      if (cl.name.toLowerCase().includes(needle)) hits.push({ kind: 'cluster', chain: null, id: cl.id, label: cl.name, detail: `cluster (${cl.category}) in case "${c.name}"`, caseId: c.id });
    }
  }
  return hits;
}

export function search(store: Db, cases: readonly SearchableCase[], text: string, limit: number): SearchHit[] {
  const t = text.trim();
  const hits = [...addressHits(store, t), ...txHits(store, t), ...caseHits(cases, t), ...labelHits(store, t, limit)];
  return hits.slice(0, limit);
}
