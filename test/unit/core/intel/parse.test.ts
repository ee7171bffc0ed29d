import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLabelFile } from '../../../../electron/core/intel/parse/index';
import { LabelFileError, type ParsedLabel, type ParsedLabelFile } from '../../../../electron/core/intel/types';
import { resolveChain } from '../../../../shared/model/chains';
import { FIXTURES, tempDir, writeFile } from '../../helpers';

const PACKS = join(FIXTURES, 'labels/tagpacks');
const OFAC = join(FIXTURES, 'labels/ofac');
const id = (alias: string): string => resolveChain(alias).id;
const BTC = id('btc');
const ETH = id('eth');
const TRON = id('tron');

/** The labels of a file on one address, in file order. */
const on = (file: ParsedLabelFile, address: string): ParsedLabel[] => file.labels.filter((l) => l.address === address);

/** Reasons of the skipped entries, with how often each occurs. */
function reasons(file: ParsedLabelFile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of file.skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}

/** The LabelFileError a parse throws, for asserting its line and reason. */
function refusal(path: string): LabelFileError {
  try {
    parseLabelFile(path);
  } catch (error) {
    assert.ok(error instanceof LabelFileError, `expected a LabelFileError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${path} was read as a label file`);
}

test('the real TagPacks: every tag becomes a label or is skipped with its line and reason', () => {
  const expected: [string, number, number, Record<string, number>][] = [
    ['blender_io.yaml', 45, 0, {}],
    ['demo.yaml', 4, 1, { 'chain not supported: XRP': 1 }],
    ['hacks.yaml', 608, 0, {}],
    ['lazarus.yaml', 21, 0, {}],
    ['lazarus2.yaml', 6, 0, {}],
    [
      'ofac.yaml',
      562,
      10,
      { 'chain not supported: BSV': 1, 'chain not supported: BTG': 1, 'chain not supported: DASH': 3, 'chain not supported: XMR': 3, 'chain not supported: XRP': 1, 'chain not supported: XVG': 1 },
    ],
  ];
  for (const [name, labels, skipped, why] of expected) {
    const path = join(PACKS, name);
    const text = readFileSync(path, 'utf8');
    const pack = parseLabelFile(path);
    assert.equal(pack.kind, 'tagpack', name);
    assert.equal(pack.labels.length, labels, name);
    assert.equal(pack.skipped.length, skipped, name);
    assert.deepEqual(reasons(pack), why, name);
    // Nothing is lost: every `address:` in the file is a label or a skipped entry.
    assert.equal(text.match(/^- address:/gm)!.length, labels + skipped, name);
    // Each tag keeps the line it starts on.
    const lines = text.split('\n');
    for (const l of [...pack.labels, ...pack.skipped]) assert.match(lines[l.line! - 1]!, /^- address: /, `${name}:${l.line}`);
    assert.deepEqual(
      pack.labels.map((l) => l.index),
      [...pack.labels.map((l) => l.index)].sort((a, b) => a - b),
    );
    // The file's digest, for recognising the same pack imported again.
    assert.equal(pack.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'), name);
    assert.equal(pack.size, Buffer.byteLength(text), name);
  }
});

test('lazarus.yaml: the header fields reach every tag', () => {
  const pack = parseLabelFile(join(PACKS, 'lazarus.yaml'));
  assert.deepEqual([pack.title, pack.creator, pack.lastmod, pack.description], ['OFAC Tagpack', 'GraphSense Core Team', '2022-04-15', 'Addresses related to Lazarus Group members']);
  assert.equal(pack.sourceUrl, 'https://www.treasury.gov/resource-center/sanctions/OFAC-Enforcement/Pages/20200302.aspx');
  for (const l of pack.labels) {
    assert.deepEqual(
      [l.label, l.category, l.abuse, l.confidence, l.confidenceScore, l.actor, l.lastmod, l.isClusterDefiner, l.source],
      ['Lazarus group', 'user', 'sanction', 'authority_data', 60, 'lazarusgroup', '2022-04-15', false, pack.sourceUrl],
    );
  }
  const [first] = pack.labels;
  assert.deepEqual([first!.chain, first!.address, first!.line, first!.index], [BTC, '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak', 13, 0]);
  // The one Ethereum tag is stored lower case, as Cairn keeps EVM addresses.
  const eth = pack.labels.filter((l) => l.chain === ETH);
  assert.deepEqual(eth.map((l) => [l.address, l.line, l.index]), [['0x098b716b8aaf21512996dc57eb0615e2383e2f96', 53, 20]]);
});

test('hacks.yaml: tags set their own label, category, source and actor; the header still gives chain, confidence and date', () => {
  const pack = parseLabelFile(join(PACKS, 'hacks.yaml'));
  const [bitstamp] = on(pack, '1JoktQJhCzuCQkt3GnQ8Xddcq4mUgNyXEa');
  assert.deepEqual(
    [bitstamp!.label, bitstamp!.category, bitstamp!.abuse, bitstamp!.source, bitstamp!.actor, bitstamp!.chain, bitstamp!.confidence, bitstamp!.confidenceScore, bitstamp!.lastmod],
    ['Bitstamp', 'exchange', null, 'https://www.reddit.com/r/Bitcoin/comments/2rdvi7/bistamps_cold_storage_address/', 'bitstamp', BTC, 'web_crawl', 20, '2021-11-12'],
  );
  assert.equal(new Set(pack.labels.map((l) => l.label)).size, 33);
  assert.equal(pack.labels.filter((l) => l.abuse === 'service_hack').length, 178);
});

test('one address with two tags keeps both labels (hacks.yaml: Flexcoin and the Flexcoin hack)', () => {
  const pack = parseLabelFile(join(PACKS, 'hacks.yaml'));
  const flexcoin = on(pack, '1DssS2srnAra8ghUpgEHsEARswej4SMgd3');
  assert.deepEqual(
    flexcoin.map((l) => [l.line, l.label, l.category, l.abuse]),
    [
      [356, 'Flexcoin hack', null, 'service_hack'],
      [368, 'Flexcoin', 'wallet_service', null],
    ],
  );
  assert.deepEqual(on(pack, '1Ni8z1MbaF4ri8GGE67BWtLu66YnXj2BuW').map((l) => l.label), ['Bter.com', 'Bter hack']);
});

test('demo.yaml: Bitcoin Cash and Zcash addresses are read, the Ripple one skipped as unsupported', () => {
  const pack = parseLabelFile(join(PACKS, 'demo.yaml'));
  assert.deepEqual(
    pack.labels.map((l) => [l.chain, l.address, l.line]),
    [
      [BTC, '1Archive1n2C579dMsAu3iC6tWzuQJz8dN', 12],
      // Legacy base58 on Bitcoin Cash is stored as its CashAddr.
      [id('bch'), 'bitcoincash:qrzeh0y2uv2rdmjmkfqcmd39h9yqjrqwmqzaztef9w', 14],
      [ETH, '0xfa8e3920daf271dab92be9b87d9998ddd94fef08', 16],
      [id('zec'), 't1ZmpK4QFcvyQZ3ghTgSboBW8b4HgiZHQF9', 20],
    ],
  );
  assert.deepEqual(pack.skipped, [{ file: join(PACKS, 'demo.yaml'), line: 18, index: 3, reason: 'chain not supported: XRP' }]);
  for (const l of pack.labels) {
    assert.deepEqual([l.label, l.category, l.confidence, l.confidenceScore, l.isClusterDefiner, l.actor], ['Internet Archive', 'organization', 'service_data', 50, true, 'internet_archive']);
  }
});

test('ofac.yaml: a Tron address listed under BTC is placed on Tron, and USDT addresses on the chain their form names', () => {
  const pack = parseLabelFile(join(PACKS, 'ofac.yaml'));
  const [tron] = on(pack, 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq');
  assert.deepEqual([tron!.chain, tron!.line], [TRON, 1069]);
  assert.match(tron!.context!, /listed under BTC, but its form is a Tron base58 address: placed on Tron/);
  const usdt = pack.labels.filter((l) => l.context?.startsWith('listed as USDT'));
  assert.deepEqual(
    usdt.map((l) => l.chain).sort(),
    [BTC, BTC, BTC, ETH, ETH, ETH, TRON, TRON, TRON],
  );
  // The pack gives no confidence: none is made up.
  assert.deepEqual([pack.labels[0]!.confidence, pack.labels[0]!.confidenceScore], [null, null]);
});

test('a tag overrides what the header says; numeric confidence, ticker spellings and transaction tags', () => {
  const dir = tempDir('cairn-labels-');
  const path = writeFile(
    dir,
    'override.yaml',
    [
      'title: Override test',
      'creator: Cairn tests',
      'label: Header label',
      'category: exchange',
      'confidence: forensic',
      'currency: BTC',
      'is_cluster_definer: true',
      'tags:',
      '- address: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', // line 9: inherits everything
      '- address: 1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR', // line 10
      '  label: Own label',
      '  category: mixing_service',
      '  confidence: 80',
      '  is_cluster_definer: false',
      "- address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'", // line 15
      '  currency: "ETH "',
      '- address: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', // line 17
      '  currency: usdt',
      '  network: trx',
      '- tx_hash: f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16', // line 20
      '- address: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv', // line 21: a mistyped last character
      '- address: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', // line 22
      '  label: Second label on the first address',
      '  confidence: guesswork',
      '- address: qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', // line 25
      '  currency: bch',
      '- address: rGeyCsqc6vKXuyTGF39WJxmTRemoV3c97h', // line 27
      '  currency: XRP',
      '',
    ].join('\n'),
  );
  const pack = parseLabelFile(path);
  const row = (l: ParsedLabel) => [l.line, l.chain, l.address, l.label, l.category, l.confidence, l.confidenceScore, l.isClusterDefiner];
  assert.deepEqual(pack.labels.map(row), [
    [9, BTC, '1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'Header label', 'exchange', 'forensic', 50, true],
    [10, BTC, '1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR', 'Own label', 'mixing_service', null, 80, false],
    [15, ETH, '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'Header label', 'exchange', 'forensic', 50, true],
    [17, TRON, 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'Header label', 'exchange', 'forensic', 50, true],
    [25, id('bch'), 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'Header label', 'exchange', 'forensic', 50, true],
  ]);
  assert.deepEqual(
    pack.skipped.map((s) => [s.line, s.index]),
    [
      [20, 4],
      [21, 5],
      [22, 6],
      [27, 8],
    ],
  );
  assert.equal(pack.skipped[0]!.reason, 'transaction tags are not imported');
  assert.match(pack.skipped[1]!.reason, /not a Bitcoin address: "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv" fails its base58check checksum/);
  assert.match(pack.skipped[2]!.reason, /confidence "guesswork" is neither a number 0–100 nor a level Cairn knows \(ownership, override, ledger_immanent/);
  assert.equal(pack.skipped[3]!.reason, 'chain not supported: XRP');
  assert.equal(pack.skipped[0]!.file, path);
});

test('a pack that is not valid YAML, or has no title or tags, is refused with its line', () => {
  const dir = tempDir('cairn-labels-');
  const indented = writeFile(dir, 'indent.yaml', ['title: Bad indentation', 'creator: Cairn tests', 'tags:', '- address: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', '  currency: BTC', ' label: off by one', ''].join('\n'));
  const e = refusal(indented);
  assert.equal(e.file, indented);
  assert.equal(e.line, 6);
  assert.match(e.reason, /^not valid YAML: bad indentation/);
  assert.match(e.message, /indent\.yaml, line 6: not valid YAML/);

  const duplicate = refusal(writeFile(dir, 'dup.yaml', 'title: A\ntitle: B\ntags: []\n'));
  assert.equal(duplicate.line, 2);
  assert.match(duplicate.reason, /duplicated mapping key/);

  const untitled = refusal(writeFile(dir, 'untitled.yaml', 'creator: Cairn tests\ntags:\n- address: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu\n  currency: BTC\n  label: x\n'));
  assert.deepEqual([untitled.line, untitled.reason], [1, 'the TagPack has no title: in its header']);

  const noTags = refusal(writeFile(dir, 'notags.yaml', 'title: No tags\ncreator: Cairn tests\n'));
  assert.match(noTags.reason, /^not a label file Cairn reads: a TagPack needs title:, creator: and a tags: list/);

  const scalarTags = refusal(writeFile(dir, 'scalar.yaml', 'title: Tags as text\ncreator: Cairn tests\n\ntags: none\n'));
  assert.deepEqual([scalarTags.line, scalarTags.reason], [4, 'tags: must be a list of tags; found "none"']);

  const list = refusal(writeFile(dir, 'list.yaml', '- a\n- b\n'));
  assert.match(list.reason, /is a YAML mapping; this file holds a list/);
});

test('an ActorPack gives actors, no labels', () => {
  const dir = tempDir('cairn-labels-');
  const path = writeFile(
    dir,
    'actors.yaml',
    [
      'title: Test actors',
      'creator: Cairn tests',
      'actors:',
      '- id: lazarusgroup',
      '  label: Lazarus Group',
      '  uri: https://attack.mitre.org/groups/G0032/',
      '  categories: [user]',
      '  jurisdictions:',
      '  - KP',
      '  context: \'{"aliases": ["APT38"]}\'',
      '- id: binance',
      '  label: Binance',
      '  categories: [exchange]',
      '- label: no id',
      '',
    ].join('\n'),
  );
  const pack = parseLabelFile(path);
  assert.equal(pack.kind, 'actorpack');
  assert.deepEqual(pack.labels, []);
  assert.deepEqual(pack.actors, [
    { id: 'lazarusgroup', label: 'Lazarus Group', jurisdictions: ['KP'], uri: 'https://attack.mitre.org/groups/G0032/', categories: ['user'], context: '{"aliases": ["APT38"]}', file: path, line: 4 },
    { id: 'binance', label: 'Binance', jurisdictions: [], uri: null, categories: ['exchange'], context: null, file: path, line: 11 },
  ]);
  assert.deepEqual(pack.skipped, [{ file: path, line: 14, index: 2, reason: 'the actor has no id' }]);
});

test('OFAC plain lists: the ETH list (152 lines, mixed case) is all valid and stored lower case', () => {
  for (const ext of ['txt', 'json']) {
    const path = join(OFAC, `sanctioned_addresses_ETH.${ext}`);
    const list = parseLabelFile(path);
    assert.deepEqual([list.kind, list.title, list.skipped.length], ['ofac', 'OFAC SDN digital currency addresses (ETH)', 0]);
    assert.equal(list.labels.length, 152);
    for (const l of list.labels) {
      assert.equal(l.chain, ETH);
      assert.match(l.address, /^0x[0-9a-f]{40}$/);
      assert.deepEqual([l.label, l.abuse, l.confidence, l.confidenceScore, l.source, l.category, l.actor], ['OFAC SDN', 'sanction', 'authority_data', 60, 'OFAC SDN list', null, null]);
    }
    assert.equal(new Set(list.labels.map((l) => l.address)).size, 152);
  }
  const txt = readFileSync(join(OFAC, 'sanctioned_addresses_ETH.txt'), 'utf8').split('\n');
  assert.ok(txt.some((a) => /[A-F]/.test(a)) && txt.some((a) => /^0x[0-9a-f]{40}$/.test(a)), 'the file itself mixes checksummed and lower-case addresses');
  const [first] = parseLabelFile(join(OFAC, 'sanctioned_addresses_ETH.txt')).labels;
  assert.deepEqual([first!.address, first!.line, first!.index], [txt[0]!.toLowerCase(), 1, 0]);
  // In the JSON array, the first address is on line 2, after the opening bracket.
  assert.equal(parseLabelFile(join(OFAC, 'sanctioned_addresses_ETH.json')).labels[0]!.line, 2);
});

test('OFAC plain lists: the XBT list\'s Tron address goes to Tron; USDT is split by form; Monero is skipped', () => {
  const xbt = parseLabelFile(join(OFAC, 'sanctioned_addresses_XBT.txt'));
  assert.deepEqual([xbt.labels.length, xbt.skipped.length], [435, 0]);
  const tron = xbt.labels.filter((l) => l.chain !== BTC);
  assert.deepEqual(tron.map((l) => [l.chain, l.address, l.line]), [[TRON, 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq', 355]]);
  assert.match(tron[0]!.context!, /listed under XBT, but its form is a Tron base58 address/);

  const usdt = parseLabelFile(join(OFAC, 'sanctioned_addresses_USDT.json'));
  const count = (chain: string) => usdt.labels.filter((l) => l.chain === chain).length;
  assert.deepEqual([usdt.labels.length, count(ETH), count(BTC), count(TRON)], [26, 8, 7, 11]);

  const bch = parseLabelFile(join(OFAC, 'sanctioned_addresses_BCH.txt'));
  assert.deepEqual([bch.labels.length, bch.labels.every((l) => l.chain === id('bch') && l.address.startsWith('bitcoincash:'))], [7, true]);
  assert.deepEqual(parseLabelFile(join(OFAC, 'sanctioned_addresses_ZEC.txt')).labels.map((l) => l.chain), [id('zec'), id('zec'), id('zec')]);
  assert.deepEqual(parseLabelFile(join(OFAC, 'sanctioned_addresses_ETC.txt')).labels.map((l) => l.chain), ['eip155:61']);

  const xmr = parseLabelFile(join(OFAC, 'sanctioned_addresses_XMR.txt'));
  assert.deepEqual(xmr.labels, []);
  assert.deepEqual(xmr.skipped.map((s) => [s.line, s.reason]), [
    [1, 'chain not supported: XMR'],
    [2, 'chain not supported: XMR'],
    [3, 'chain not supported: XMR'],
  ]);
});

/** A small sdn_advanced.xml in the real schema's shape: reference values, parties with features, sanctions entries. */
const ADVANCED = `<?xml version="1.0" standalone="yes"?>
<Sanctions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">
  <DateOfIssue>
    <Year>2024</Year>
    <Month>9</Month>
    <Day>26</Day>
  </DateOfIssue>
  <ReferenceValueSets>
    <FeatureTypeValues>
      <FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="345" FeatureTypeGroupID="1">Digital Currency Address - ETH</FeatureType>
      <FeatureType ID="887" FeatureTypeGroupID="1">Digital Currency Address - XMR</FeatureType>
    </FeatureTypeValues>
    <SanctionsTypeValues>
      <SanctionsType ID="1">Program</SanctionsType>
      <SanctionsType ID="11">Block</SanctionsType>
    </SanctionsTypeValues>
  </ReferenceValueSets>
  <DistinctParties>
    <DistinctParty FixedRef="26190">
      <Comment />
      <Profile ID="26190" PartySubTypeID="3">
        <Identity ID="8731" FixedRef="26190" Primary="true" False="false">
          <Alias FixedRef="26190" AliasTypeID="1403" Primary="false" LowQuality="false">
            <DocumentedName ID="40001" FixedRef="26190" DocNameStatusID="2">
              <DocumentedNamePart><NamePartValue NamePartGroupID="1" ScriptID="215">HIDDEN COBRA</NamePartValue></DocumentedNamePart>
            </DocumentedName>
          </Alias>
          <Alias FixedRef="26190" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="40002" FixedRef="26190" DocNameStatusID="1">
              <DocumentedNamePart><NamePartValue NamePartGroupID="2" ScriptID="215">LAZARUS GROUP</NamePartValue></DocumentedNamePart>
            </DocumentedName>
          </Alias>
        </Identity>
        <Feature ID="1001" FeatureTypeID="344">
          <FeatureVersion ID="2001" ReliabilityID="1">
            <Comment />
            <VersionDetail DetailTypeID="1432">1PfwHNxUnkpfkK9MKjMqzR3Xq3KCtq9u17</VersionDetail>
          </FeatureVersion>
          <IdentityReference IdentityID="8731" IdentityFeatureLinkTypeID="1" />
        </Feature>
        <Feature ID="1002" FeatureTypeID="345">
          <FeatureVersion ID="2002" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">0x098B716B8Aaf21512996dC57EB0615e2383E2f96</VersionDetail>
          </FeatureVersion>
        </Feature>
        <Feature ID="1003" FeatureTypeID="344">
          <FeatureVersion ID="2003" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
    <DistinctParty FixedRef="30000">
      <Profile ID="30000" PartySubTypeID="4">
        <Identity ID="9000" FixedRef="30000" Primary="true" False="false">
          <Alias FixedRef="30000" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="50000" FixedRef="30000" DocNameStatusID="1">
              <DocumentedNamePart><NamePartValue NamePartGroupID="3" ScriptID="215">Wei</NamePartValue></DocumentedNamePart>
              <DocumentedNamePart><NamePartValue NamePartGroupID="4" ScriptID="215">ZHANG</NamePartValue></DocumentedNamePart>
            </DocumentedName>
          </Alias>
        </Identity>
        <Feature ID="1100" FeatureTypeID="8">
          <FeatureVersion ID="2100" ReliabilityID="1">
            <VersionDetail DetailTypeID="1430">01 Jan 1980</VersionDetail>
          </FeatureVersion>
        </Feature>
        <Feature ID="1101" FeatureTypeID="344">
          <FeatureVersion ID="2101" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">1PfwHNxUnkpfkK9MKjMqzR3Xq3KCtq9u18</VersionDetail>
          </FeatureVersion>
        </Feature>
        <Feature ID="1102" FeatureTypeID="887">
          <FeatureVersion ID="2102" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
  </DistinctParties>
  <SanctionsEntries>
    <SanctionsEntry ID="100" ProfileID="26190" ListID="1550">
      <EntryEvent ID="1" EntryEventTypeID="1" LegalBasisID="1">
        <Date CalendarTypeID="1"><Year>2019</Year><Month>9</Month><Day>13</Day></Date>
        <Comment />
      </EntryEvent>
      <SanctionsMeasure ID="1" SanctionsTypeID="1"><Comment>DPRK3</Comment></SanctionsMeasure>
      <SanctionsMeasure ID="2" SanctionsTypeID="1"><Comment>CYBER2</Comment></SanctionsMeasure>
      <SanctionsMeasure ID="3" SanctionsTypeID="11"><Comment>Block</Comment></SanctionsMeasure>
    </SanctionsEntry>
    <SanctionsEntry ID="101" ProfileID="30000" ListID="1550">
      <EntryEvent ID="2" EntryEventTypeID="1" LegalBasisID="1">
        <Date CalendarTypeID="1"><Year>2021</Year><Month>6</Month><Day>1</Day></Date>
      </EntryEvent>
      <SanctionsMeasure ID="4" SanctionsTypeID="1"><Comment>SDGT</Comment></SanctionsMeasure>
    </SanctionsEntry>
  </SanctionsEntries>
</Sanctions>
`;

test('OFAC sdn_advanced.xml: each digital currency feature, with its party\'s primary name, programmes and listing date', () => {
  const path = writeFile(tempDir('cairn-labels-'), 'sdn_advanced.xml', ADVANCED);
  const sdn = parseLabelFile(path);
  assert.deepEqual([sdn.kind, sdn.title, sdn.creator, sdn.lastmod], ['ofac', 'OFAC SDN digital currency addresses', 'OFAC (U.S. Treasury)', '2024-09-26']);
  assert.deepEqual(
    sdn.labels.map((l) => [l.chain, l.address, l.label, l.line, l.index]),
    [
      [BTC, '1PfwHNxUnkpfkK9MKjMqzR3Xq3KCtq9u17', 'LAZARUS GROUP', 39, 0],
      [ETH, '0x098b716b8aaf21512996dc57eb0615e2383e2f96', 'LAZARUS GROUP', 45, 1],
      [TRON, 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq', 'LAZARUS GROUP', 50, 2],
    ],
  );
  const [lazarus] = sdn.labels;
  assert.deepEqual([lazarus!.abuse, lazarus!.confidence, lazarus!.confidenceScore, lazarus!.source, lazarus!.category, lazarus!.actor, lazarus!.lastmod], ['sanction', 'authority_data', 60, 'OFAC SDN list', null, null, '2024-09-26']);
  assert.equal(lazarus!.context, 'programmes: DPRK3, CYBER2; listed: 2019-09-13; OFAC profile 26190; feature: Digital Currency Address - XBT');
  assert.match(sdn.labels[2]!.context!, /listed under XBT, but its form is a Tron base58 address: placed on Tron$/);
  // ZHANG Wei's Bitcoin address has a mistyped checksum; Monero is no chain Cairn traces.
  assert.deepEqual(
    sdn.skipped.map((s) => [s.line, s.index, s.reason.replace(/:.*/, '')]),
    [
      [72, 3, 'not a Bitcoin address'],
      [77, 4, 'chain not supported'],
    ],
  );
  assert.equal(sdn.skipped[1]!.reason, 'chain not supported: XMR');
});

test('OFAC classic sdn.xml: idList ids of type "Digital Currency Address - XXX", named by the entry', () => {
  const xml = `<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation>
    <Publish_Date>09/26/2024</Publish_Date>
    <Record_Count>2</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>26190</uid>
    <lastName>LAZARUS GROUP</lastName>
    <sdnType>Entity</sdnType>
    <programList>
      <program>DPRK3</program>
      <program>CYBER2</program>
    </programList>
    <idList>
      <id>
        <uid>1</uid>
        <idType>Digital Currency Address - XBT</idType>
        <idNumber>1PfwHNxUnkpfkK9MKjMqzR3Xq3KCtq9u17</idNumber>
      </id>
      <id>
        <uid>2</uid>
        <idType>Registration ID</idType>
        <idNumber>12345</idNumber>
      </id>
    </idList>
    <akaList>
      <aka><uid>3</uid><type>a.k.a.</type><category>strong</category><lastName>HIDDEN COBRA</lastName></aka>
    </akaList>
  </sdnEntry>
  <sdnEntry>
    <uid>30000</uid>
    <firstName>Wei</firstName>
    <lastName>ZHANG</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>SDGT</program></programList>
    <idList>
      <id><uid>4</uid><idType>Digital Currency Address - ETH</idType><idNumber>0x098b716b8aaf21512996dc57eb0615e2383e2f96</idNumber></id>
      <id><uid>5</uid><idType>Digital Currency Address - XRP</idType><idNumber>rGeyCsqc6vKXuyTGF39WJxmTRemoV3c97h</idNumber></id>
    </idList>
  </sdnEntry>
</sdnList>
`;
  const path = writeFile(tempDir('cairn-labels-'), 'sdn.xml', xml);
  const sdn = parseLabelFile(path);
  assert.deepEqual([sdn.kind, sdn.lastmod], ['ofac', '2024-09-26']);
  assert.deepEqual(
    sdn.labels.map((l) => [l.chain, l.address, l.label, l.context, l.line]),
    [
      [BTC, '1PfwHNxUnkpfkK9MKjMqzR3Xq3KCtq9u17', 'LAZARUS GROUP', 'programmes: DPRK3, CYBER2; OFAC entry 26190; feature: Digital Currency Address - XBT', 16],
      [ETH, '0x098b716b8aaf21512996dc57eb0615e2383e2f96', 'ZHANG, Wei', 'programme: SDGT; OFAC entry 30000; feature: Digital Currency Address - ETH', 38],
    ],
  );
  assert.deepEqual(sdn.skipped.map((s) => [s.line, s.reason]), [[39, 'chain not supported: XRP']]);
});

test('XML that is not well formed, or not OFAC\'s, is refused with its line', () => {
  const dir = tempDir('cairn-labels-');
  const broken = refusal(writeFile(dir, 'sdn.xml', '<sdnList>\n  <sdnEntry>\n    <uid>1</uid>\n  </sdnEntryX>\n</sdnList>\n'));
  assert.equal(broken.line, 4);
  assert.match(broken.reason, /^not well-formed XML: unexpected close tag/);
  const other = refusal(writeFile(dir, 'feed.xml', '<?xml version="1.0"?>\n<rss><channel/></rss>\n'));
  assert.equal(other.line, 2);
  assert.match(other.reason, /has the root element <Sanctions> \(sdn_advanced\.xml\) or <sdnList> \(sdn\.xml\); this one has <rss>/);
});

test('CSV: aliased columns in another order, tickers, CAIP-2 ids and chain names, numeric and named confidence', () => {
  const path = writeFile(
    tempDir('cairn-labels-'),
    'agency-list.csv',
    [
      'Notes,Tag,Address,Currency,Confidence,Category,Source',
      'seized 2024,Exchange A,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,ETH,80,exchange,case 17',
      ',Exchange A (Tron),TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,tron,Forensic,exchange,',
      `"two-line
note",Mixer,1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu,${BTC},,mixing_service,report`,
      ',Typo,1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv,BTC,,,',
      ',Ripple,rGeyCsqc6vKXuyTGF39WJxmTRemoV3c97h,XRP,,,',
      ',No chain,ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9,,,,',
      ',Too sure,1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR,BTC,120,,',
      '',
    ].join('\n'),
  );
  const csv = parseLabelFile(path);
  assert.deepEqual([csv.kind, csv.title, csv.creator], ['csv', 'agency-list', null]);
  assert.deepEqual(
    csv.labels.map((l) => [l.line, l.chain, l.address, l.label, l.category, l.confidence, l.confidenceScore, l.source, l.context]),
    [
      [2, ETH, '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'Exchange A', 'exchange', null, 80, 'case 17', 'seized 2024'],
      [3, TRON, 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'Exchange A (Tron)', 'exchange', 'forensic', 50, null, null],
      [4, BTC, '1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu', 'Mixer', 'mixing_service', null, null, 'report', 'two-line\nnote'],
      [8, id('ltc'), 'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9', 'No chain', null, null, null, null, 'no chain given; placed by its form (Litecoin bech32 address (P2WPKH))'],
    ],
  );
  assert.deepEqual(
    csv.skipped.map((s) => [s.line, s.index, s.reason.replace(/: .*/, '')]),
    [
      [6, 3, 'not a Bitcoin address'],
      [7, 4, 'chain not supported'],
      [9, 6, 'confidence 120 is outside 0–100'],
    ],
  );
});

test('a CSV without address and label columns, or a file of no known kind, is refused saying what was expected', () => {
  const dir = tempDir('cairn-labels-');
  const noLabel = refusal(writeFile(dir, 'list.csv', 'chain,address\nbtc,1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu\n'));
  assert.equal(noLabel.line, 1);
  assert.match(noLabel.reason, /needs a header row with address and label columns .* this header has no label column \(found: chain, address\)/);
  const pdf = refusal(writeFile(dir, 'report.pdf', '%PDF-1.7'));
  assert.equal(pdf.line, null);
  assert.match(pdf.reason, /^not a label file Cairn reads: expected a GraphSense TagPack or ActorPack \(\.yaml\/\.yml\), OFAC SDN XML/);
  assert.match(refusal(writeFile(dir, 'addresses.txt', '1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu\n')).reason, /sanctioned_addresses_<TICKER>\.txt/);
});
