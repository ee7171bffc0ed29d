/**
 * Conservation on every step of a large trace (issue 13): a generated world of 20,000 transfers
 * traced from all its victims, across the confirmed swap and bridge links, with no stop of any
 * kind, so the stolen value spreads through exchanges and users as far as it goes. FIFO and
 * haircut must never create or lose value: per asset the totals reconcile with the sources to
 * the base unit, no address sends on more traced value than reached it (or than it was a source
 * of), what it keeps is exactly what the result says rests there, and no Bitcoin transaction's
 * outputs carry more than the outputs it spent.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Db } from '../../../../electron/core/store/openStore';
import { generateWorld } from '../../../../electron/core/synth/world';
import { MAX_RESULT_TRANSFERS, runTrace } from '../../../../electron/core/trace/runTrace';
import { TraceSpec, type CrossChainLink, type TraceResult } from '../../../../shared/api/traceSchemas';
import { resolveChain } from '../../../../shared/model/chains';
import { importWorld, readGroundTruth, truthLinks, victimSources, type GroundTruth } from '../../../bench/traceTruth';
import { tempDir } from '../../helpers';

const dir = tempDir('cairn-conservation-');
let g: GroundTruth;
let db: Db;
let links: CrossChainLink[];

before(async () => {
  generateWorld({ seed: 'conservation', transfers: 20_000, out: dir });
  g = readGroundTruth(dir);
  db = openStore(':memory:');
  await importWorld(db, g);
  links = truthLinks(db, g);
});
after(() => db?.close());

const add = (m: Map<string, bigint>, k: string, v: bigint): void => void m.set(k, (m.get(k) ?? 0n) + v);
const isUtxo = (chain: string): boolean => resolveChain(chain).family === 'utxo';

/** The tx hash that spends each carried output ("<chain>|<tx>|<n>"), from the store. */
function spenders(r: TraceResult): Map<string, string | null> {
  const q = db.prepare(
    `SELECT s.hash FROM txout o JOIN tx ON tx.id = o.tx_id JOIN chain c ON c.id = tx.chain_id LEFT JOIN tx s ON s.id = o.spent_by
     WHERE c.caip2 = ? AND tx.hash = ? AND o.n = ?`,
  );
  const m = new Map<string, string | null>();
  for (const t of r.transfers.filter((x) => isUtxo(x.chain))) {
    const row = q.get(t.chain, t.tx, Number(t.ref)) as { hash: string | null } | undefined;
    assert.ok(row, `${t.tx}:${t.ref} is in the store`);
    m.set(`${t.chain}|${t.tx}|${t.ref}`, row.hash);
  }
  return m;
}

for (const method of ['fifo', 'haircut'] as const) {
  test(`${method} over a 20,000-transfer world with no stops conserves the stolen value on every step`, () => {
    const spec = TraceSpec.parse({ method, sources: victimSources(g.truth), maxHops: 50, stopAt: { categories: [], hubs: false } });
    const r = runTrace(db, spec, { links });
    assert.ok(r.transfersTotal <= MAX_RESULT_TRANSFERS, `every traced transfer is in the result (${r.transfersTotal})`);
    assert.equal(r.transfers.length, r.transfersTotal);
    assert.ok(r.transfersTotal >= 300, `the value spreads (${r.transfersTotal} transfers)`);
    assert.deepEqual(r.endpoints.filter((e) => e.reason === 'stop'), [], 'nothing stops');
    assert.equal(r.links.length, links.length, 'both links carry value');

    // Per asset, exactly.
    for (const t of r.totals) {
      const out = BigInt(t.stopped) + BigInt(t.atRest) + BigInt(t.fees) + BigInt(t.sunk) + BigInt(t.unresolved);
      assert.equal(BigInt(t.sourced) + BigInt(t.linkedIn), out, `${t.asset.symbol} on ${t.asset.chain} reconciles`);
      assert.ok(t.reconciles);
    }
    for (const t of r.transfers) assert.ok(BigInt(t.traced) > 0n && BigInt(t.traced) <= BigInt(t.amount), `${t.tx} ${t.ref}: ${t.traced} of ${t.amount}`);

    // Account chains, per address and asset: out ≤ in + what it was a source of; what stays is what rests there.
    const into = new Map<string, bigint>();
    const outOf = new Map<string, bigint>();
    const allowed = new Map<string, bigint>();
    const key = (chain: string, address: string | null, asset: number) => `${chain}|${address}|${asset}`;
    for (const t of r.transfers.filter((x) => !isUtxo(x.chain))) {
      if (t.to !== null) add(into, key(t.chain, t.to, t.asset.id), BigInt(t.traced));
      if (t.from !== null) add(outOf, key(t.chain, t.from, t.asset.id), BigInt(t.traced));
    }
    for (const s of r.sources) add(allowed, key(s.chain, s.from, s.asset.id), BigInt(s.amount));
    for (const l of r.links.filter((x) => !isUtxo(x.to.chain))) {
      // A link puts its value on the transfer it names (the largest of its tx): that transfer's sender passes it on.
      const onto = r.transfers.filter((t) => t.chain === l.to.chain && t.tx === l.to.tx).sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : -1))[0];
      assert.ok(onto, `the link onto ${l.to.tx} carried value`);
      add(allowed, key(onto.chain, onto.from, onto.asset.id), BigInt(l.tracedOut));
    }
    const resting = new Map<string, bigint>();
    for (const e of [...r.endpoints, ...r.unresolved]) if (!isUtxo(e.chain)) add(resting, key(e.chain, e.address, e.asset.id), BigInt(e.amount));
    let checked = 0;
    for (const k of new Set([...into.keys(), ...outOf.keys(), ...allowed.keys()])) {
      const received = (into.get(k) ?? 0n) + (allowed.get(k) ?? 0n);
      const sent = outOf.get(k) ?? 0n;
      assert.ok(sent <= received, `${k} sent ${sent} traced, more than the ${received} it received or was a source of`);
      assert.equal(resting.get(k) ?? 0n, received - sent, `${k}: what it kept rests there`);
      checked++;
    }
    assert.ok(checked >= 100, `addresses checked (${checked})`);

    // Bitcoin, per transaction: its outputs carry no more than the traced outputs it spent, plus what a link put on it.
    const spentBy = spenders(r);
    const txIn = new Map<string, bigint>();
    const txOut = new Map<string, bigint>();
    for (const t of r.transfers.filter((x) => isUtxo(x.chain))) {
      add(txOut, `${t.chain}|${t.tx}`, BigInt(t.traced));
      const spender = spentBy.get(`${t.chain}|${t.tx}|${t.ref}`);
      if (spender) add(txIn, `${t.chain}|${spender}`, BigInt(t.traced));
    }
    for (const l of r.links.filter((x) => isUtxo(x.to.chain))) add(txIn, `${l.to.chain}|${l.to.tx}`, BigInt(l.tracedOut));
    assert.ok(txOut.size >= 10, `Bitcoin transactions checked (${txOut.size})`);
    for (const [tx, out] of txOut) assert.ok(out <= (txIn.get(tx) ?? 0n), `${tx}: outputs carry ${out}, its traced inputs ${txIn.get(tx) ?? 0n}`);
  });
}
