import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { Backend } from '../../../electron/core/backendTypes';
import { edgeTransferPageSql } from '../../../electron/core/store/addressQueries';
import { openStore } from '../../../electron/core/store/openStore';
import type { AddressNode, EdgeTransferRow, Graph, GraphEdge } from '../../../shared/api/schemas';
import { BLK_FIXTURE, ETL, TX_HEADER, addr, tempDir, txRow, writeFile } from '../helpers';
import { fails, freshBackend, importAndWait, ok } from './backendHelpers';

const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S';
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3';
const F4184 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const VICTIM = '0x9df428a91ff0f3635c8f0ce752933b9788926804';
const RECEIPT_HEADER = 'transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,effective_gas_price';

const nodeOf = (g: Graph, address: string) => g.nodes.find((n): n is AddressNode => n.kind === 'address' && n.address === address)!;
const assetArg = (e: GraphEdge) => e.asset.contract ?? 'native';

/** Every transfer behind an edge, read page by page through the API as the details panel reads them. */
async function allTransfers(backend: Backend, caseId: string, e: GraphEdge, limit: number): Promise<{ rows: EdgeTransferRow[]; sums: string[]; totals: number[] }> {
  const rows: EdgeTransferRow[] = [];
  const sums: string[] = [];
  const totals: number[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: e.source, targetNodeId: e.target, asset: assetArg(e), offset, limit });
    assert.equal(page.offset, offset);
    sums.push(page.sum);
    totals.push(page.total);
    rows.push(...page.items);
    if (page.items.length < limit) break;
  }
  return { rows, sums, totals };
}

/** The listed transfers are exactly what the edge sums: same count, same exact total, same first and last time. */
async function assertEdgeReconciles(backend: Backend, caseId: string, e: GraphEdge, limit: number): Promise<EdgeTransferRow[]> {
  const { rows, sums, totals } = await allTransfers(backend, caseId, e, limit);
  const what = `edge ${e.id} (${e.asset.symbol})`;
  assert.equal(rows.length, e.count, `${what}: one row per transfer the edge counts`);
  assert.ok(totals.every((t) => t === e.count), `${what}: every page gives the edge's count`);
  assert.equal(rows.reduce((s, r) => s + BigInt(r.value), 0n).toString(), e.total, `${what}: the rows sum to the edge's total`);
  assert.ok(sums.every((s) => s === e.total), `${what}: every page's sum is the edge's total`);
  assert.ok(rows.every((r) => r.status !== 'failed'), `${what}: a failed transfer moved nothing and is not in the edge`);
  const times = rows.map((r) => r.time);
  assert.equal(times[0] ?? null, e.firstTime, `${what}: oldest first`);
  assert.equal(times.at(-1) ?? null, e.lastTime, `${what}: newest last`);
  for (let i = 1; i < times.length; i++) assert.ok((times[i - 1] ?? 0) <= (times[i] ?? 0), `${what}: in time order`);
  return rows;
}

/** Puts every address that has an edge in the store on one case's canvas, so the graph holds every edge. */
async function caseWithEveryEdge(backend: Backend, dir: string): Promise<{ caseId: string; graph: Graph; storeEdges: number }> {
  const store = new Database(join(dir, 'store.sqlite'), { readonly: true });
  const ends = store
    .prepare(
      `SELECT DISTINCT c.caip2 AS chain, a.addr FROM edge e JOIN address a ON a.id IN (e.from_id, e.to_id) JOIN chain c ON c.id = a.chain_id
       WHERE e.from_id <> e.to_id ORDER BY c.caip2, a.addr`,
    )
    .all() as { chain: string; addr: string }[];
  const storeEdges = store.prepare('SELECT count(*) FROM edge WHERE from_id <> to_id').pluck().get() as number;
  store.close();
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Every edge' });
  let graph: Graph | null = null;
  for (const a of ends) graph = await ok(backend, 'graph.addAddress', { caseId, chain: a.chain, address: a.addr });
  return { caseId, graph: graph!, storeEdges };
}

test('edge.transfers: every edge of the real fixtures (ethereum-etl, Bitcoin blocks 1–255) lists transfers that sum exactly to its total', async () => {
  const { backend, dir } = freshBackend();
  await importAndWait(backend, [ETL]);
  await importAndWait(backend, [BLK_FIXTURE]);
  const { caseId, graph, storeEdges } = await caseWithEveryEdge(backend, dir);
  assert.equal(graph.edges.length, storeEdges, 'the case draws every edge of the store');
  assert.ok(graph.edges.some((e) => e.asset.contract !== null), 'a token edge is among them');
  assert.ok(graph.edges.some((e) => e.asset.chain.startsWith('bip122:')), 'a Bitcoin edge is among them');
  // Small pages, so edges of several transfers are read across pages.
  for (const e of graph.edges) await assertEdgeReconciles(backend, caseId, e, 1);

  // Block 170: the first person-to-person payment, 10 BTC from the block 9 key to Hal Finney.
  const hal = graph.edges.find((e) => e.source === nodeOf(graph, SATOSHI).id && e.target === nodeOf(graph, HAL).id)!;
  const page = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: hal.source, targetNodeId: hal.target, asset: 'native' });
  assert.deepEqual(
    { chain: page.chain, from: page.from, to: page.to, symbol: page.asset.symbol, total: page.total, sum: page.sum, failed: page.failed },
    { chain: 'bip122:000000000019d6689c085ae165831e93', from: SATOSHI, to: HAL, symbol: 'BTC', total: 1, sum: '1000000000', failed: 0 },
  );
  assert.deepEqual(
    page.items.map((r) => [r.txHash, r.block, r.value, r.kind, r.status]),
    [[F4184, 170, '1000000000', 'utxo', 'success']],
  );
  await backend.close();
});

test('edge.transfers: failed transfers are not in the edge and are counted apart; pages run oldest first', async () => {
  const { backend } = freshBackend();
  const dir = tempDir();
  const [A, B] = [addr(0xa1), addr(0xb2)];
  const rows = [txRow(A, B, '500', 100, 1_600_000_300), txRow(A, B, '7', 101, 1_600_000_100), txRow(A, B, '40', 102, 1_600_000_200)];
  const hash = (row: string) => row.split(',')[0]!;
  // The 7 wei transfer failed: it moved nothing.
  const receipts = rows.map((r, i) => `${hash(r)},0,0x${'b'.repeat(64)},${100 + i},21000,21000,,,${i === 1 ? 0 : 1},1`);
  await importAndWait(backend, [writeFile(dir, 'transactions.csv', [TX_HEADER, ...rows].join('\n') + '\n'), writeFile(dir, 'receipts.csv', [RECEIPT_HEADER, ...receipts].join('\n') + '\n')]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Failed' });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'eth', address: A });
  const g = await ok(backend, 'graph.addAddress', { caseId, chain: 'eth', address: B });
  const [edge] = g.edges;
  assert.ok(edge);
  assert.deepEqual([edge.total, edge.count], ['540', 2]);
  const listed = await assertEdgeReconciles(backend, caseId, edge, 1);
  assert.deepEqual(listed.map((r) => [r.txHash, r.value, r.status]), [
    [hash(rows[2]!), '40', 'success'],
    [hash(rows[0]!), '500', 'success'],
  ]);
  const page = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: edge.source, targetNodeId: edge.target, asset: 'native' });
  assert.equal(page.failed, 1);
  // The other direction has no edge: an empty page, not an error.
  const back = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: edge.target, targetNodeId: edge.source, asset: 'native' });
  assert.deepEqual([back.total, back.sum, back.items.length], [0, '0', 0]);

  // With the canvas filter, the list is what the filtered edge sums: after t=…150, at least 41 wei.
  const filter = { from: 1_600_000_150, to: null, assetId: edge.asset.id, minAmount: '41' };
  const filtered = await ok(backend, 'graph.get', { caseId, filter });
  assert.deepEqual(filtered.edges.map((e) => [e.total, e.count]), [['500', 1]]);
  const kept = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: edge.source, targetNodeId: edge.target, asset: 'native', filter });
  assert.deepEqual([kept.total, kept.sum, kept.items.map((r) => r.value)], [1, '500', ['500']]);
  const window = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: edge.source, targetNodeId: edge.target, asset: 'native', filter: { from: 1_600_000_150 } });
  assert.deepEqual([window.total, window.sum, window.failed], [2, '540', 0], 'the failed transfer at t=…100 is outside the window');
  const otherAsset = await ok(backend, 'edge.transfers', { caseId, sourceNodeId: edge.source, targetNodeId: edge.target, asset: 'native', filter: { assetId: edge.asset.id + 1 } });
  assert.equal(otherAsset.total, 0);
  await backend.close();
});

test('edge.transfers: a received case reads its bundle’s evidence, not the (empty) store', async () => {
  const sender = freshBackend();
  await importAndWait(sender.backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(sender.backend, 'case.create', { name: 'Peel chain' });
  await ok(sender.backend, 'graph.addAddress', { caseId, chain: 'btc', address: SATOSHI });
  const sent = await ok(sender.backend, 'graph.addAddress', { caseId, chain: 'btc', address: HAL });
  const bundle = join(tempDir(), 'peel.cairnbundle');
  await ok(sender.backend, 'case.export', { caseId, path: bundle });
  const { fingerprint } = await ok(sender.backend, 'keys.info', {});
  await sender.backend.close();

  const { backend } = freshBackend();
  await ok(backend, 'bundle.import', { path: bundle, trustFingerprint: fingerprint });
  const g = await ok(backend, 'graph.get', { caseId });
  assert.deepEqual(g.edges.map((e) => [e.total, e.count]), sent.edges.map((e) => [e.total, e.count]));
  assert.ok(g.edges.length > 0);
  for (const e of g.edges) await assertEdgeReconciles(backend, caseId, e, 2);
  assert.deepEqual((await ok(backend, 'store.stats', {})).chains, [], "the receiver's store holds nothing");
  await backend.close();
});

test('edge.transfers: nodes that are not addresses of the case, on two chains, or an unknown asset are refused, saying which', async () => {
  const { backend } = freshBackend();
  await importAndWait(backend, [ETL]);
  await importAndWait(backend, [BLK_FIXTURE]);
  const { id: caseId } = await ok(backend, 'case.create', { name: 'Refusals' });
  await ok(backend, 'graph.addAddress', { caseId, chain: 'btc', address: HAL });
  const g = await ok(backend, 'graph.addAddress', { caseId, chain: 'eth', address: VICTIM });
  const [hal, victim] = [nodeOf(g, HAL).id, nodeOf(g, VICTIM).id];
  await fails(backend, 'edge.transfers', { caseId, sourceNodeId: hal, targetNodeId: 'n999', asset: 'native' }, 'not_found', /no address node n999 in case "refusals"/);
  await fails(backend, 'edge.transfers', { caseId, sourceNodeId: hal, targetNodeId: victim, asset: 'native' }, 'invalid_argument', /on Bitcoin.*and n\d+ on Ethereum/);
  await fails(backend, 'edge.transfers', { caseId, sourceNodeId: victim, targetNodeId: victim, asset: '0x' + 'e'.repeat(40) }, 'not_found', /no asset 0xeee.* on Ethereum/);
  await fails(backend, 'edge.transfers', { caseId, sourceNodeId: 'c1', targetNodeId: victim, asset: 'native' }, 'invalid_argument');
  await backend.close();
});

test('the edge page query seeks the transfer_from index', () => {
  const db = openStore(':memory:');
  for (const window of ['1', 't.time >= :wfrom AND amount_at_least(t.amount, :wmin)']) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${edgeTransferPageSql(window)}`).all({ f: 1, t: 2, a: 3, limit: 25, offset: 0, wfrom: 0, wmin: '1' }) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    assert.match(plan, /SEARCH t USING INDEX transfer_from \(from_id=\? AND to_id=\? AND asset_id=\?\)/, window);
  }
  db.close();
});
