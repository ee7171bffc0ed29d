import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES, tempDir, writeFile } from '../helpers';
import { cairn, json } from './cliRun';

const PACKS = join(FIXTURES, 'labels/tagpacks');

test('cairn labels import, list, show, search and screen, with stable JSON and exit codes', () => {
  const ws = tempDir();
  // The demo pack has an XRP tag Cairn cannot place: refused, naming it, unless skipped.
  const refused = cairn(ws, 'labels', 'import', join(PACKS, 'demo.yaml'));
  assert.equal(refused.code, 1);
  assert.match(refused.err, /demo\.yaml, line \d+: .*XRP/);
  const imported = json(ws, 'labels', 'import', '--skip-invalid', join(PACKS, 'demo.yaml'), join(PACKS, 'lazarus.yaml')) as { set: number; title: string; tags: number; addresses: number; skipped: { file: string; line: number; reason: string }[] }[];
  assert.deepEqual(
    imported.map((s) => [s.set, s.title, s.tags, s.skipped.length]),
    [
      [1, 'GraphSense Demo TagPack', 4, 1],
      [2, 'OFAC Tagpack', 21, 0],
    ],
  );
  assert.match(imported[0]!.skipped[0]!.reason, /XRP/);

  const list = json(ws, 'labels', 'list') as { id: number; title: string; labels: number }[];
  assert.deepEqual(list.map((s) => [s.id, s.labels]), [[1, 4], [2, 21]]);

  const shown = json(ws, 'labels', 'show', 'btc', '1Archive1n2C579dMsAu3iC6tWzuQJz8dN') as { chain: string; labels: { label: string; confidence: string; confidenceScore: number; set: number }[] };
  assert.equal(shown.chain, 'bip122:000000000019d6689c085ae165831e93');
  assert.deepEqual(shown.labels.map((l) => [l.label, l.confidence, l.confidenceScore, l.set]), [['Internet Archive', 'service_data', 50, 1]]);

  const found = json(ws, 'search', 'archive') as { hits: { kind: string; chain: string; id: string; label: string }[] };
  assert.ok(found.hits.length >= 3 && found.hits.every((h) => h.label === 'Internet Archive'), JSON.stringify(found.hits));

  // Screening: a sanctioned address makes the exit code 4 (a script can stop on it).
  const list2 = writeFile(tempDir(), 'deposits.txt', ['134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak', '1Archive1n2C579dMsAu3iC6tWzuQJz8dN', 'bc1qnotanaddress'].join('\n'));
  const screened = cairn(ws, 'screen', list2, '--json');
  assert.equal(screened.code, 4, screened.err);
  assert.deepEqual(
    (JSON.parse(screened.out) as { rows: { verdict: string }[] }).rows.map((r) => r.verdict),
    ['sanctioned', 'labelled', 'invalid'],
  );

  const removed = cairn(ws, 'labels', 'remove', '1');
  assert.equal(removed.code, 0);
  assert.match(removed.out, /removed set 1 and its 4 labels/);
});
