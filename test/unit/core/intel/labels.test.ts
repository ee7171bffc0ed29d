import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AddressNode } from '../../../../shared/api/schemas';
import { FIXTURES, TX_HEADER, addr, tempDir, txRow, writeFile } from '../../helpers';
import { fails, freshBackend, importAndWait, ok } from '../backendHelpers';

const PACKS = join(FIXTURES, 'labels/tagpacks');
const LAZARUS_BTC = '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak';
const BTC = 'bip122:000000000019d6689c085ae165831e93';

test('label sets are imported with their provenance, once, updated as a whole and removed exactly', async () => {
  const { backend } = freshBackend();
  const lazarus = join(PACKS, 'lazarus.yaml');
  const fbi = join(PACKS, 'lazarus2.yaml');

  // The preview says what would happen and keeps nothing.
  const preview = await ok(backend, 'labels.preview', { paths: [lazarus, fbi] });
  assert.deepEqual(
    preview.files.map((f) => [f.kind, f.title, f.creator, f.labels, f.addresses, f.skippedCount, f.sameAs, f.updates]),
    [
      ['tagpack', 'OFAC Tagpack', 'GraphSense Core Team', 21, 21, 0, null, null],
      ['tagpack', 'FBI Identifies Cryptocurrency Funds Stolen by DPRK', 'GraphSense Core Team', 6, 6, 0, null, null],
    ],
  );
  assert.deepEqual(await ok(backend, 'labels.list', {}), []);

  const first = await ok(backend, 'labels.import', { paths: [lazarus, fbi] });
  assert.equal(first.sets.length, 2);
  const [set] = first.sets;
  assert.equal(set!.file.name, 'lazarus.yaml');
  assert.match(set!.file.sha256, /^[0-9a-f]{64}$/);
  assert.equal(set!.lastmod, '2022-04-15');
  assert.equal(set!.sourceUrl, 'https://www.treasury.gov/resource-center/sanctions/OFAC-Enforcement/Pages/20200302.aspx', "the header's source");
  assert.match(set!.importedAt, /^\d{4}-\d\d-\d\dT/);

  // The header's fields reach every tag.
  const shown = await ok(backend, 'labels.show', { chain: 'btc', address: LAZARUS_BTC });
  assert.deepEqual(
    shown.labels.map((l) => [l.label, l.category, l.abuse, l.confidence, l.confidenceScore, l.actor, l.lastmod, l.set.title]),
    [['Lazarus group', 'user', 'sanction', 'authority_data', 60, 'lazarusgroup', '2022-04-15', 'OFAC Tagpack']],
  );

  // The same content again adds nothing, and says which set holds it.
  const again = await ok(backend, 'labels.import', { paths: [lazarus] });
  assert.deepEqual(again.sets, []);
  assert.deepEqual(again.unchanged, [{ file: lazarus, setId: set!.id, title: 'OFAC Tagpack' }]);
  assert.equal((await ok(backend, 'labels.preview', { paths: [lazarus] })).files[0]!.sameAs?.setId, set!.id);

  // A newer version of the pack (same title and creator): offered as an update with its changes.
  const dir = tempDir();
  const newer = join(dir, 'lazarus-2024.yaml');
  const text = (await import('node:fs')).readFileSync(lazarus, 'utf8');
  writeFileSync(
    newer,
    text
      .replace('- address: 134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak\n  currency: BTC\n', '') // dropped
      .replace('- address: 15YK647qtoZQDzNrvY6HJL6QwXduLHfT28\n  currency: BTC\n', '- address: 15YK647qtoZQDzNrvY6HJL6QwXduLHfT28\n  currency: BTC\n  abuse: service_hack\n') // changed
      .replace('tags:\n', 'tags:\n- address: 1Archive1n2C579dMsAu3iC6tWzuQJz8dN\n  currency: BTC\n'), // added
  );
  const update = (await ok(backend, 'labels.preview', { paths: [newer] })).files[0]!.updates;
  assert.deepEqual(update, { setId: set!.id, title: 'OFAC Tagpack', adds: 1, changes: 1, drops: 1 });
  const replaced = await ok(backend, 'labels.import', { paths: [newer] });
  assert.equal(replaced.sets[0]!.labels, 21);
  assert.deepEqual((await ok(backend, 'labels.show', { chain: 'btc', address: LAZARUS_BTC })).labels, [], 'the dropped tag is gone');
  const sets = await ok(backend, 'labels.list', {});
  assert.deepEqual(sets.map((s) => s.title).sort(), ['FBI Identifies Cryptocurrency Funds Stolen by DPRK', 'OFAC Tagpack']);

  // Removing a set removes exactly its labels.
  const fbiSet = sets.find((s) => s.title.startsWith('FBI'))!;
  assert.deepEqual(await ok(backend, 'labels.remove', { setId: fbiSet.id }), { removed: 6 });
  assert.equal((await ok(backend, 'labels.list', {})).length, 1);
  assert.equal((await ok(backend, 'labels.show', { chain: 'btc', address: '15YK647qtoZQDzNrvY6HJL6QwXduLHfT28' })).labels.length, 1);
  await fails(backend, 'labels.remove', { setId: fbiSet.id }, 'not_found');
  await backend.close();
});

test('a pack with entries that cannot be imported is refused with file and line, unless they are skipped', async () => {
  const { backend } = freshBackend();
  const dir = tempDir();
  const pack = writeFile(
    dir,
    'bad.yaml',
    [
      'title: Mixed pack',
      'creator: Test unit',
      'label: Test label',
      'source: https://example.org/list',
      'confidence: forensic',
      'currency: BTC',
      'tags:',
      '- address: 1Archive1n2C579dMsAu3iC6tWzuQJz8dN',
      '- address: 1Archive1n2C579dMsAu3iC6tWzuQJz8dX',
      '- address: rGeyCsqc6vKXuyTGF39WJxmTRemoV3c97h',
      '  currency: XRP',
      '',
    ].join('\n'),
  );
  const message = await fails(backend, 'labels.import', { paths: [pack] }, 'bad_input', /2 entries cannot be imported.*bad\.yaml, line 9.*nothing was imported/);
  assert.match(message, /XRP/);
  assert.deepEqual(await ok(backend, 'labels.list', {}), []);
  const r = await ok(backend, 'labels.import', { paths: [pack], skipInvalid: true });
  assert.equal(r.sets[0]!.labels, 1);
  assert.equal(r.skippedCount, 2);
  assert.deepEqual(r.skipped.map((s) => s.line), [9, 10]);

  // A folder is read for the label files in it: the real OFAC lists, one set per file.
  const ofac = join(FIXTURES, 'labels/ofac');
  const lists = await ok(backend, 'labels.preview', { paths: [ofac] });
  assert.equal(lists.files.length, 34, 'the .txt and .json list of each of 17 tickers; README.md passed over');
  assert.deepEqual(
    lists.files.filter((f) => f.file.endsWith('_ETH.txt')).map((f) => [f.title, f.labels, f.skippedCount]),
    [['OFAC SDN digital currency addresses (ETH)', 152, 0]],
  );
  await fails(backend, 'labels.preview', { paths: [tempDir()] }, 'bad_input', /holds no label files/);

  // A file that is no label file at all names itself.
  const notes = writeFile(dir, 'notes.yaml', 'title: [unclosed\n');
  await fails(backend, 'labels.preview', { paths: [notes] }, 'bad_input', /notes\.yaml/);
  await backend.close();
});

test('labels reach the graph, search finds addresses, labels, hashes, cases and clusters, and exposure and screening add up exactly', async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const [victim, exchange, sanctioned, stranger, mule] = [addr(1), addr(2), addr(3), addr(4), addr(5)];
  const big = 2n ** 70n;
  const rows = [
    txRow(exchange, victim, '1000000000000000000', 100, 1_600_000_000),
    txRow(victim, sanctioned, String(big), 101, 1_600_000_100),
    txRow(victim, sanctioned, '7', 102, 1_600_000_200),
    txRow(victim, stranger, '5', 103, 1_600_000_300),
    txRow(mule, exchange, '9', 104, 1_600_000_400),
  ];
  await importAndWait(backend, [writeFile(dir, 'flows.csv', [TX_HEADER, ...rows].join('\n'))]);
  const csv = writeFile(
    dir,
    'agency.csv',
    ['address,network,label,category,confidence,source', `${exchange},ETH,Huobi deposit hub,exchange,service_data,agency list 2024`, `${sanctioned},eth,Garantex hot wallet,exchange,authority_data,OFAC`].join('\n'),
  );
  const pack = writeFile(
    dir,
    'sanctions.yaml',
    ['title: Sanctions test pack', 'creator: Test unit', 'source: https://example.org/sdn', 'confidence: authority_data', 'abuse: sanction', 'label: Garantex', 'currency: ETH', 'tags:', `- address: '${sanctioned}'`, ''].join('\n'),
  );
  await ok(backend, 'labels.import', { paths: [csv, pack] });

  // On the graph: a node carries its labels, the most confident first, and whether it is sanctioned.
  const { id } = await ok(backend, 'case.create', { name: 'Garantex exposure' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: victim, role: 'victim' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0]!.id, direction: 'both' });
  const node = (a: string) => g.nodes.find((n): n is AddressNode => n.kind === 'address' && n.address === a)!;
  assert.deepEqual(node(exchange).labels!.map((l) => l.label), ['Huobi deposit hub']);
  assert.equal(node(exchange).sanctioned, false);
  assert.equal(node(sanctioned).sanctioned, true);
  assert.equal(node(sanctioned).labelCount, 2);
  assert.deepEqual(node(stranger).labels, []);
  g = await ok(backend, 'cluster.create', { caseId: id, nodeIds: [node(stranger).id], name: 'Stranger wallets', category: 'user', color: '#8250df' });

  // Tables show a counterparty's best label beside it: neighbours and transfers.
  const neighbours = await ok(backend, 'address.neighbors', { chain: 'eth', address: victim });
  assert.deepEqual(
    neighbours.items.map((n) => [n.address, n.label?.label ?? null, n.label?.sanctioned ?? null]).sort(),
    [
      [exchange, 'Huobi deposit hub', false],
      [sanctioned, 'Garantex', true],
      [stranger, null, null],
    ].sort(),
  );
  const transfers = await ok(backend, 'address.transfers', { chain: 'eth', address: victim });
  assert.equal(transfers.items.find((t) => t.counterparty === sanctioned)!.counterpartyLabel!.count, 2);

  // Search: a label by any part of it, an address in another case, a transaction hash, a case, a cluster.
  const hits = async (text: string) => (await ok(backend, 'search.query', { text })).hits;
  assert.deepEqual(
    (await hits('garant')).map((h) => [h.kind, h.id, h.label]).sort((a, b) => (a[2]! < b[2]! ? -1 : 1)),
    [
      ['label', sanctioned, 'Garantex'],
      ['case', id, 'Garantex exposure'],
      ['label', sanctioned, 'Garantex hot wallet'],
    ],
  );
  const upper = await hits(exchange.toUpperCase().replace('0X', '0x'));
  assert.equal(upper[0]!.kind, 'address');
  assert.equal(upper[0]!.id, exchange);
  assert.match(upper[0]!.detail, /in the store, 1 label/);
  const tx = rows[0]!.split(',')[0]!;
  assert.deepEqual((await hits(tx)).map((h) => [h.kind, h.chain, h.id]), [['tx', 'eip155:1', tx]]);
  assert.deepEqual((await hits('exposure')).map((h) => [h.kind, h.id]), [['case', id]]);
  assert.deepEqual((await hits('stranger')).map((h) => [h.kind, h.caseId, h.label]), [['cluster', id, 'Stranger wallets']]);

  // Exposure of the victim: exact per category, direction and asset; the sanction wins over exchange.
  const exposure = await ok(backend, 'exposure.get', { chain: 'eth', address: victim });
  assert.deepEqual(
    exposure.rows.map((r) => [r.category, r.direction, r.asset.symbol, r.total, r.count, r.counterparties.map((c) => [c.address, c.label, c.amount])]),
    [
      ['sanction', 'sent', 'ETH', (big + 7n).toString(), 2, [[sanctioned, 'Garantex', (big + 7n).toString()]]],
      ['exchange', 'received', 'ETH', '1000000000000000000', 1, [[exchange, 'Huobi deposit hub', '1000000000000000000']]],
    ],
  );
  // The same for a selection on the canvas: the flows between its members are not exposure.
  const group = await ok(backend, 'exposure.get', { caseId: id, nodeIds: [node(victim).id, node(exchange).id] });
  assert.deepEqual(
    group.rows.map((r) => [r.category, r.direction, r.total]),
    [['sanction', 'sent', (big + 7n).toString()]],
    "the mule's payment to the exchange is to an unlabelled address: not exposure",
  );

  // Screening a list.
  const screened = await ok(backend, 'screen.run', { text: ['chain,address', `eth,${victim}`, sanctioned, exchange, `  ${stranger}  `, '', '# a note', 'not-an-address', `btc,${victim}`].join('\n') });
  assert.deepEqual(
    screened.rows.map((r) => [r.line, r.verdict, r.address]),
    [
      [2, 'exposed', victim],
      [3, 'sanctioned', sanctioned],
      [4, 'labelled', exchange],
      [5, 'clear', stranger],
      [8, 'invalid', null],
      [9, 'invalid', null],
    ],
  );
  assert.match(screened.rows[0]!.reason!, /paid sanction/);
  assert.equal(screened.rows[0]!.exposure[0]!.total, (big + 7n).toString());
  await backend.close();
});

test("a case's tags export as a TagPack that imports back as a label set, address and cluster tags alike", async () => {
  const dir = tempDir();
  const { backend } = freshBackend();
  const [thief, mule, cashout] = [addr(21), addr(22), addr(23)];
  await importAndWait(backend, [writeFile(dir, 'flows.csv', [TX_HEADER, txRow(thief, mule, '10'), txRow(mule, cashout, '9')].join('\n'))]);
  await ok(backend, 'settings.set', { investigator: 'Det. Insp. Rao' });
  const { id } = await ok(backend, 'case.create', { name: 'Mule ring' });
  let g = await ok(backend, 'case.addSeed', { caseId: id, chain: 'eth', address: thief, role: 'suspect' });
  g = await ok(backend, 'graph.expand', { caseId: id, nodeId: g.nodes[0]!.id, direction: 'out' });
  const nodeOf = (a: string) => g.nodes.find((n): n is AddressNode => n.kind === 'address' && n.address === a)!;
  g = await ok(backend, 'tag.add', { caseId: id, target: { kind: 'node', nodeId: nodeOf(thief).id }, label: 'Lazarus Group', category: 'perpetrator', confidence: 65, source: 'FBI PSA 2023-08-22', note: '' });
  g = await ok(backend, 'cluster.create', { caseId: id, nodeIds: [nodeOf(thief).id, nodeOf(mule).id], name: 'Mule ring', category: 'perpetrator', color: '#d94f4f' });
  g = await ok(backend, 'tag.add', { caseId: id, target: { kind: 'cluster', clusterId: g.clusters[0]!.id }, label: 'Sinbad deposit ring', category: 'scam', confidence: 50, source: '', note: 'seen twice' });

  const out = join(dir, 'mule-ring.yaml');
  const r = await ok(backend, 'case.exportTagPack', { caseId: id, path: out });
  assert.equal(r.tags, 3, 'one address tag and a cluster tag on each of two members');
  assert.deepEqual(r.left, []);
  await fails(backend, 'case.exportTagPack', { caseId: id, path: out }, 'invalid_argument', /exists/);

  // Imported back: a TagPack like any other, the number kept in the context.
  const back = await ok(backend, 'labels.import', { paths: [out] });
  assert.equal(back.sets[0]!.title, 'Cairn case Mule ring');
  assert.equal(back.sets[0]!.creator, 'Det. Insp. Rao');
  const labels = (await ok(backend, 'labels.show', { chain: 'eth', address: thief })).labels;
  assert.deepEqual(
    labels.map((l) => [l.label, l.confidence, l.confidenceScore, l.category, l.abuse, l.source]),
    [
      ['Lazarus Group', 'authority_data', 60, null, null, 'FBI PSA 2023-08-22'],
      ['Sinbad deposit ring', 'forensic', 50, null, 'scam', 'Cairn case "Mule ring"'],
    ],
  );
  assert.match(labels[0]!.context!, /confidence 65 in Cairn; case category perpetrator/);
  assert.match(labels[1]!.context!, /tag of cluster "Mule ring"; note: seen twice/);
  await backend.close();
});
