/**
 * Label packs at scale: TagPacks of 100,000 tags each, imported through the API until the
 * workspace holds `total` labels (tags/s per pack, so a slowdown as the tables grow shows), then
 * search latency over them (p50/p95/p99 of search.query for label fragments, full addresses
 * and names that match nothing), and labels on a 300-node graph (graph.get).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bytesToHex } from '@noble/hashes/utils.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { openBackend } from '../../electron/core/backend';
import type { Backend } from '../../electron/core/backendTypes';

export interface LabelsBenchResult {
  labels: number;
  packs: { tags: number; seconds: number; tagsPerSecond: number }[];
  search: Record<string, { samples: number; p50: number; p95: number; p99: number }>;
  graphWithLabels: { nodes: number; p50: number; p95: number };
}

const WORDS = ['Lazarus', 'Sinbad', 'Garantex', 'Huobi', 'Binance', 'Tornado', 'Blender', 'Hydra', 'Bitzlato', 'Chipmixer', 'Kraken', 'Northwind', 'Harbor', 'Kestrel', 'Atomic'];
const CATEGORIES = ['exchange', 'mixing_service', 'bridge', 'defi', 'wallet_service', 'market', 'gambling', 'user'];

/** A deterministic, valid (lower-case) EVM address for index i. */
function evmAddress(i: number): string {
  return '0x' + bytesToHex(keccak_256(new TextEncoder().encode(`cairn-label-bench-${i}`))).slice(0, 40);
}

function writePack(dir: string, n: number, from: number): string {
  const lines = [`title: Bench pack ${from / n + 1}`, 'creator: Cairn bench', 'confidence: service_data', 'currency: ETH', `source: https://example.org/bench/${from}`, 'lastmod: 2024-01-01', 'tags:'];
  for (let i = from; i < from + n; i++) {
    const word = WORDS[i % WORDS.length]!;
    lines.push(`- address: '${evmAddress(i)}'`, `  label: ${word} ${CATEGORIES[i % CATEGORIES.length]} wallet ${i}`, `  category: ${CATEGORIES[i % CATEGORIES.length]}`);
    if (i % 97 === 0) lines.push('  abuse: sanction');
  }
  const file = join(dir, `pack-${from}.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function percentiles(samples: number[]): { samples: number; p50: number; p95: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
  return { samples: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function must<T>(backend: Backend, method: Parameters<Backend['call']>[0], args: unknown): Promise<T> {
  const r = await backend.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

export async function benchLabels(work: string, total: number, log: (line: string) => void): Promise<LabelsBenchResult> {
  const backend = openBackend({ workspaceDir: join(work, 'labels-workspace'), shell: 'cli' });
  const perPack = Math.min(100_000, total);
  const packs: LabelsBenchResult['packs'] = [];
  try {
    for (let from = 0; from < total; from += perPack) {
      const file = writePack(work, perPack, from);
      log(`labels: importing pack ${from / perPack + 1} of ${Math.ceil(total / perPack)}…`);
      const t0 = performance.now();
      await must(backend, 'labels.import', { paths: [file] });
      const seconds = (performance.now() - t0) / 1000;
      packs.push({ tags: perPack, seconds: Math.round(seconds * 100) / 100, tagsPerSecond: Math.round(perPack / seconds) });
    }
    const time = async (text: string): Promise<number> => {
      const t0 = performance.now();
      await must(backend, 'search.query', { text, limit: 30 });
      return performance.now() - t0;
    };
    const fragments: number[] = [];
    const addresses: number[] = [];
    const misses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const word = WORDS[i % WORDS.length]!;
      fragments.push(await time(`${word.slice(1, 5)} ${CATEGORIES[i % CATEGORIES.length]!.slice(0, 4)}`));
      addresses.push(await time(evmAddress((i * 7919) % total).toUpperCase().replace('0X', '0x')));
      misses.push(await time(`zqx${i}vw`));
    }
    // Labels on a graph: a case of 300 labelled addresses.
    const { id } = await must<{ id: string }>(backend, 'case.create', { name: 'labels bench' });
    for (let i = 0; i < 300; i++) await must(backend, 'graph.addAddress', { caseId: id, chain: 'eth', address: evmAddress(i * 13) });
    const graphTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await must(backend, 'graph.get', { caseId: id });
      graphTimes.push(performance.now() - t0);
    }
    const g = percentiles(graphTimes);
    return {
      labels: total,
      packs,
      search: { 'label fragments (two words)': percentiles(fragments), 'a full address (other case)': percentiles(addresses), 'nothing matches': percentiles(misses) },
      graphWithLabels: { nodes: 300, p50: g.p50, p95: g.p95 },
    };
  } finally {
    await backend.close();
  }
}

export function printLabelsResults(r: LabelsBenchResult): void {
  console.log(`\nLabel packs: ${r.labels.toLocaleString('en')} labels imported as ${r.packs.length} TagPacks through labels.import`);
  console.table(Object.fromEntries(r.packs.map((p, i) => [`pack ${i + 1}`, { tags: p.tags, seconds: p.seconds, 'tags/s': p.tagsPerSecond }])));
  console.log(`search.query over ${r.labels.toLocaleString('en')} labels (ms)`);
  console.table(r.search);
  console.log(`graph.get of ${r.graphWithLabels.nodes} labelled nodes: p50 ${r.graphWithLabels.p50} ms, p95 ${r.graphWithLabels.p95} ms`);
}
