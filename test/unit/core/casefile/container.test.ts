import assert from 'node:assert/strict';
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BundleFormatError,
  DEFAULT_LIMITS,
  readContainer,
  readHeader,
  writeContainer,
  type BundleErrorCode,
  type Part,
} from '../../../../electron/core/casefile/container';

// Cost note: writeContainer/readContainer with a passphrase run scrypt at N=2^17 (~0.5 s each).
// Those are kept to a handful; the exhaustive tamper tests use bundles built here by hand with
// the cheapest parameters the reader accepts (N=2^14, r=1), which is also an independent check
// that the reader follows the documented layout.

const MAGIC = Buffer.from('CAIRNBDL', 'latin1');
const PASSPHRASE = 'correct horse battery staple';

function refusal(fn: () => unknown): BundleFormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BundleFormatError) return err;
    assert.fail(`expected a BundleFormatError, got ${String(err)}`);
  }
  assert.fail('expected the bundle to be refused, but it was accepted');
}

function assertRefused(fn: () => unknown, code: BundleErrorCode, message?: RegExp): BundleFormatError {
  const err = refusal(fn);
  assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
  if (message) assert.match(err.message, message);
  return err;
}

/** Signature + u32 length + header bytes + body, with no validation: for building hostile files. */
function rawBundle(header: string | object, body: Buffer = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json, body]);
}

/** The payload encoding, written out independently of the module under test. */
function payloadOf(parts: { name: string | Buffer; data: Buffer; declared?: bigint }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const { name, data, declared } of parts) {
    const nameBytes = typeof name === 'string' ? Buffer.from(name, 'utf8') : name;
    const header = Buffer.alloc(2 + nameBytes.length + 8);
    header.writeUInt16BE(nameBytes.length, 0);
    nameBytes.copy(header, 2);
    header.writeBigUInt64BE(declared ?? BigInt(data.length), 2 + nameBytes.length);
    chunks.push(header, data);
  }
  return Buffer.concat(chunks);
}

function plainBundle(payload: Buffer): Buffer {
  return rawBundle({ format: 1, encrypted: false }, gzipSync(payload));
}

/** An encrypted bundle made by hand from the format description, with cheap scrypt settings. */
function cheapEncryptedBundle(payload: Buffer, passphrase: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header = {
    format: 1,
    encrypted: true,
    kdf: { name: 'scrypt', N: 2 ** 14, r: 1, p: 1, salt: salt.toString('hex') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('hex') },
  };
  const prefix = rawBundle(header);
  const key = scryptSync(passphrase.normalize('NFC'), salt, 32, { N: 2 ** 14, r: 1, p: 1 });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(prefix);
  const ciphertext = Buffer.concat([cipher.update(gzipSync(payload)), cipher.final()]);
  return Buffer.concat([prefix, ciphertext, cipher.getAuthTag()]);
}

function encryptedHeader(kdf: Record<string, unknown>, cipher: Record<string, unknown> = {}): object {
  return {
    format: 1,
    encrypted: true,
    kdf: { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, salt: '00'.repeat(16), ...kdf },
    cipher: { name: 'aes-256-gcm', iv: '00'.repeat(12), ...cipher },
  };
}

function prefixLength(bundle: Buffer): number {
  return 12 + bundle.readUInt32BE(8);
}

function flipped(bytes: Buffer, at: number, mask = 0x01): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ mask;
  return copy;
}

function assertSameParts(actual: readonly Part[], expected: readonly Part[]): void {
  assert.deepEqual(
    actual.map((p) => p.name),
    expected.map((p) => p.name),
  );
  for (const [i, part] of expected.entries()) assert.ok(actual[i]!.data.equals(part.data), `data of ${part.name} differs`);
}

const sampleParts: Part[] = [
  // Deliberately not in alphabetical order: order must be kept, not normalised.
  { name: 'manifest.json', data: Buffer.from(JSON.stringify({ case: 'Op. Kestrel', exportedBy: 'Det. Insp. Kaur' })) },
  { name: 'case.sqlite', data: Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(20_000)]) },
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'all-bytes.bin', data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
  { name: 'notizen-über-grün.txt', data: Buffer.from('Wallet 0x9df4… gehört zu A.\n'.repeat(200)) },
];

// Written once and shared by the tests that need writer output: each write costs one scrypt.
let writtenEncrypted: Buffer | undefined;
function encryptedFixture(): Buffer {
  writtenEncrypted ??= writeContainer(sampleParts, { passphrase: PASSPHRASE });
  return writtenEncrypted;
}

test('default limits are the documented ones', () => {
  assert.deepEqual(
    { ...DEFAULT_LIMITS },
    { maxFileBytes: 1024 ** 3, maxPayloadBytes: 512 * 1024 ** 2, maxParts: 64, maxPartNameBytes: 200 },
  );
});

test('a plain bundle keeps every part byte for byte and in the order given', () => {
  const bundle = writeContainer(sampleParts);
  assert.ok(bundle.subarray(0, 8).equals(MAGIC));
  assert.deepEqual(readHeader(bundle), { format: 1, encrypted: false });
  const { header, parts } = readContainer(bundle);
  assert.deepEqual(header, { format: 1, encrypted: false });
  assertSameParts(parts, sampleParts);
  // A passphrase offered for an unencrypted bundle is simply not needed.
  assertSameParts(readContainer(bundle, { passphrase: 'unused' }).parts, sampleParts);
});

test('a bundle with no parts opens as an empty list', () => {
  assert.deepEqual(readContainer(writeContainer([])).parts, []);
});

test('an encrypted bundle round-trips, and the passphrase is matched after Unicode normalisation', () => {
  const passphrase = 'Kr\u00e4henfu\u00df 2024'; // precomposed ä
  // 64 KiB of random bytes is incompressible, so gzip stores runs of it verbatim.
  const secret = randomBytes(65536);
  const probe = secret.subarray(30000, 30064);
  const parts = [{ name: 'secret.bin', data: secret }, ...sampleParts];

  // Sanity check of the probe: in a plain bundle those bytes are visible.
  assert.notEqual(writeContainer(parts).indexOf(probe), -1);

  const bundle = writeContainer(parts, { passphrase });
  assert.equal(bundle.indexOf(probe), -1, 'plaintext visible in an encrypted bundle');
  const header = readHeader(bundle);
  assert.equal(header.encrypted, true);
  assert.deepEqual({ ...header.kdf, salt: undefined }, { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, salt: undefined });
  assert.match(header.kdf?.salt ?? '', /^[0-9a-f]{32}$/);
  assert.equal(header.cipher?.name, 'aes-256-gcm');
  assert.match(header.cipher?.iv ?? '', /^[0-9a-f]{24}$/);

  // Decomposed a + U+0308: what another keyboard or OS may produce for the same passphrase.
  const read = readContainer(bundle, { passphrase: 'Kra\u0308henfu\u00df 2024' });
  assert.deepEqual(read.header, header);
  assertSameParts(read.parts, parts);
});

test('every encryption uses a fresh salt and IV', () => {
  const a = readHeader(encryptedFixture());
  const b = readHeader(writeContainer(sampleParts, { passphrase: PASSPHRASE }));
  assert.notEqual(a.kdf?.salt, b.kdf?.salt);
  assert.notEqual(a.cipher?.iv, b.cipher?.iv);
});

test('readHeader needs only the header, not the body', () => {
  const bundle = encryptedFixture();
  const header = readHeader(bundle.subarray(0, prefixLength(bundle)));
  assert.equal(header.encrypted, true);
  assert.equal(header.kdf?.N, 2 ** 17);
});

test('a wrong passphrase is refused with a clear message', () => {
  assertRefused(
    () => readContainer(encryptedFixture(), { passphrase: 'correct horse battery stapler' }),
    'wrong_passphrase',
    /^wrong passphrase, or the bundle was changed after it was encrypted$/,
  );
});

test('an encrypted bundle opened without a passphrase asks for one', () => {
  assertRefused(() => readContainer(encryptedFixture()), 'needs_passphrase', /encrypted/);
  assertRefused(() => readContainer(encryptedFixture(), { passphrase: '' }), 'needs_passphrase');
});

test('the writer refuses an empty passphrase instead of writing an unencrypted bundle', () => {
  assert.throws(() => writeContainer(sampleParts, { passphrase: '' }), TypeError);
});

test('changing a byte of an encrypted bundle from the writer is detected (salt, ciphertext, tag)', () => {
  const bundle = encryptedFixture();
  const headerText = bundle.subarray(12, prefixLength(bundle)).toString('latin1');
  // A salt digit changed to another valid hex digit: the header still parses, so this reaches GCM.
  const saltDigit = 12 + headerText.indexOf('"salt":"') + 8;
  const saltChar = bundle[saltDigit]!;
  const tamperedSalt = Buffer.from(bundle);
  tamperedSalt[saltDigit] = saltChar === 0x30 ? 0x31 : 0x30;

  const bodyStart = prefixLength(bundle);
  const cases: [string, Buffer][] = [
    ['salt', tamperedSalt],
    ['middle of the ciphertext', flipped(bundle, bodyStart + Math.floor((bundle.length - 16 - bodyStart) / 2))],
    ['last byte of the tag', flipped(bundle, bundle.length - 1)],
  ];
  for (const [where, tampered] of cases) {
    const err = assertRefused(() => readContainer(tampered, { passphrase: PASSPHRASE }), 'wrong_passphrase');
    assert.match(err.message, /changed after it was encrypted/, where);
  }
});

test('a single flipped bit anywhere in an encrypted bundle is refused', () => {
  const payload = payloadOf([
    { name: 'manifest.json', data: Buffer.from('{"case":"x"}') },
    { name: 'case.sqlite', data: Buffer.from('rows '.repeat(20)) },
  ]);
  const bundle = cheapEncryptedBundle(payload, PASSPHRASE);
  // The hand-built bundle opens: the reader follows the documented layout.
  assert.deepEqual(
    readContainer(bundle, { passphrase: PASSPHRASE }).parts.map((p) => p.name),
    ['manifest.json', 'case.sqlite'],
  );

  const bodyStart = prefixLength(bundle);
  for (let at = 0; at < bundle.length; at++) {
    const err = refusal(() => readContainer(flipped(bundle, at), { passphrase: PASSPHRASE }));
    // Body changes can only be caught by the tag; header changes may be caught earlier.
    if (at >= bodyStart) assert.equal(err.code, 'wrong_passphrase', `byte ${at}: ${err.message}`);
  }
});

test('a changed byte in the compressed body of a plain bundle is refused', () => {
  const bundle = writeContainer([
    { name: 'manifest.json', data: Buffer.from('{"case":"Op. Kestrel","parts":2}') },
    { name: 'log', data: Buffer.from(Array.from({ length: 300 }, (_, i) => `entry ${i};`).join('')) },
  ]);
  const bodyStart = prefixLength(bundle);
  // gzip's 10-byte header holds a flags byte, a timestamp and an OS id that its checksums do not
  // cover (changing them does not change the contents); every byte after it is covered.
  const positions = [0, 1, 2];
  for (let i = 10; i < bundle.length - bodyStart; i++) positions.push(i);
  for (const i of positions) {
    const err = refusal(() => readContainer(flipped(bundle, bodyStart + i)));
    assert.ok(['damaged', 'truncated'].includes(err.code), `body byte ${i}: ${err.code}: ${err.message}`);
  }
});

test('a bundle cut short at any length is refused as truncated', () => {
  const bundle = writeContainer(sampleParts.slice(0, 1).concat({ name: 'log', data: Buffer.from('entry;'.repeat(50)) }));
  const headerEnd = prefixLength(bundle);
  for (let length = 1; length < bundle.length; length++) {
    const err = assertRefused(() => readContainer(bundle.subarray(0, length)), 'truncated');
    if (length <= headerEnd) assert.match(err.message, new RegExp(`ends at byte ${length}\\b`));
  }
});

test('an encrypted bundle cut short is refused', () => {
  const bundle = cheapEncryptedBundle(payloadOf([{ name: 'a', data: Buffer.from('data') }]), PASSPHRASE);
  const headerEnd = prefixLength(bundle);
  assertRefused(() => readContainer(bundle.subarray(0, headerEnd - 1), { passphrase: PASSPHRASE }), 'truncated', /inside the \d+-byte header/);
  assertRefused(() => readContainer(bundle.subarray(0, headerEnd + 5), { passphrase: PASSPHRASE }), 'truncated', /authentication tag/);
  assertRefused(() => readContainer(bundle.subarray(0, bundle.length - 1), { passphrase: PASSPHRASE }), 'wrong_passphrase');
});

test('stray bytes after the compressed body are refused', () => {
  const bundle = writeContainer(sampleParts);
  // zlib itself would silently ignore trailing zeros.
  assertRefused(() => readContainer(Buffer.concat([bundle, Buffer.alloc(7)])), 'damaged', /7 unexpected bytes .* file byte \d+/);
});

test('a payload that ends inside a part is refused, naming the payload offset', () => {
  const whole = payloadOf([
    { name: 'a', data: Buffer.from('0123456789') },
    { name: 'b', data: Buffer.from('xyz') },
  ]);
  // Part a: name length at 0, name at 2, data length at 3, data at 11-20; part b starts at 21,
  // its name at 23, data length at 24, data at 32-34.
  assertRefused(() => readContainer(plainBundle(whole.subarray(0, 15))), 'truncated', /payload offset 11\b.*part 1 \("a"\)/);
  assertRefused(() => readContainer(plainBundle(whole.subarray(0, 7))), 'truncated', /payload offset 3\b.*data length/);
  assertRefused(() => readContainer(plainBundle(whole.subarray(0, 22))), 'truncated', /payload offset 21\b.*name length of part 2/);
  assertRefused(() => readContainer(plainBundle(whole.subarray(0, 23))), 'truncated', /payload offset 23\b.*name of part 2/);
  // One stray byte after the last part.
  assertRefused(() => readContainer(plainBundle(Buffer.concat([whole, Buffer.from([0])]))), 'truncated', /payload offset 35\b/);
  // A declared length larger than the data present.
  assertRefused(
    () => readContainer(plainBundle(payloadOf([{ name: 'a', data: Buffer.from('abc'), declared: 1000n }]))),
    'truncated',
    /payload offset 11\b.*needs 1000 bytes but only 3 remain/,
  );
});

test('an absurd declared part length is refused as too large before any allocation', () => {
  const payload = payloadOf([{ name: 'a', data: Buffer.alloc(0), declared: 2n ** 63n }]);
  assertRefused(() => readContainer(plainBundle(payload)), 'too_large', /payload offset 3\b.*declares 9223372036854775808 bytes/);
});

test('unsafe, malformed and duplicate part names are refused', () => {
  const badNames: [string, string | Buffer, RegExp][] = [
    ['slash', 'evidence/../../etc/passwd', /path separator/],
    ['backslash', 'a\\b', /path separator/],
    ['parent reference', '..', /"\.\."/],
    ['embedded dots', 'x..y', /"\.\."/],
    ['NUL', 'case\u0000.sqlite', /control character/],
    ['newline', 'a\nb', /control character/],
    ['DEL', 'a\u007f', /control character/],
    ['C1 control', 'a\u0085', /control character/],
    ['invalid UTF-8', Buffer.from([0x61, 0xff]), /not valid UTF-8/],
    ['cut UTF-8 sequence', Buffer.from([0x61, 0xc3]), /not valid UTF-8/],
    ['overlong "/"', Buffer.from([0xc0, 0xaf]), /not valid UTF-8/],
  ];
  for (const [label, name, message] of badNames) {
    const payload = payloadOf([{ name, data: Buffer.from('x') }]);
    const err = assertRefused(() => readContainer(plainBundle(payload)), 'damaged', message);
    assert.match(err.message, /payload offset 2\b/, label);
    if (typeof name === 'string') assert.throws(() => writeContainer([{ name, data: Buffer.from('x') }]), RangeError, label);
  }

  assertRefused(() => readContainer(plainBundle(payloadOf([{ name: '', data: Buffer.from('x') }]))), 'damaged', /empty name/);
  assert.throws(() => writeContainer([{ name: '', data: Buffer.alloc(0) }]), RangeError);

  const twice = payloadOf([
    { name: 'case.sqlite', data: Buffer.from('one') },
    { name: 'case.sqlite', data: Buffer.from('two') },
  ]);
  assertRefused(() => readContainer(plainBundle(twice)), 'damaged', /payload offset 26\b.*repeats the name "case\.sqlite"/);
  assert.throws(
    () =>
      writeContainer([
        { name: 'a', data: Buffer.alloc(0) },
        { name: 'a', data: Buffer.alloc(0) },
      ]),
    /duplicate/,
  );
});

test('part names longer than the limit are refused', () => {
  const atLimit = 'n'.repeat(200);
  assert.equal(readContainer(plainBundle(payloadOf([{ name: atLimit, data: Buffer.alloc(1) }]))).parts[0]?.name, atLimit);
  assertRefused(() => readContainer(plainBundle(payloadOf([{ name: `${atLimit}n`, data: Buffer.alloc(1) }]))), 'too_large', /201 bytes; the limit is 200/);
  assert.throws(() => writeContainer([{ name: `${atLimit}n`, data: Buffer.alloc(1) }]), RangeError);
});

test('more parts than the limit are refused', () => {
  const parts = ['a', 'b', 'c', 'd'].map((name) => ({ name, data: Buffer.from(name) }));
  const bundle = writeContainer(parts);
  assert.equal(readContainer(bundle, { limits: { maxParts: 4 } }).parts.length, 4);
  assertRefused(() => readContainer(bundle, { limits: { maxParts: 3 } }), 'too_large', /more than 3 parts/);
  const tooMany = Array.from({ length: 65 }, (_, i) => ({ name: `p${i}`, data: Buffer.alloc(0) }));
  assert.throws(() => writeContainer(tooMany), RangeError);
});

test('a gzip bomb is refused as too large', () => {
  // 5 MiB of zeros compresses to about 5 KB; with a 1 MiB payload limit it must not be unpacked.
  const bomb = writeContainer([{ name: 'zeros', data: Buffer.alloc(5 * 1024 * 1024) }]);
  assert.ok(bomb.length < 10_000);
  const started = process.hrtime.bigint();
  assertRefused(
    () => readContainer(bomb, { limits: { maxPayloadBytes: 1024 * 1024 } }),
    'too_large',
    /expand to more than 1\.0 MiB .*refusing to unpack/,
  );
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'refusal took over a second');
});

test('the payload limit is inclusive', () => {
  const payload = payloadOf([{ name: 'a', data: Buffer.from('0123456789') }]); // 21 bytes
  assert.equal(readContainer(plainBundle(payload), { limits: { maxPayloadBytes: 21 } }).parts.length, 1);
  assertRefused(() => readContainer(plainBundle(payload), { limits: { maxPayloadBytes: 20 } }), 'too_large');
});

test('a file larger than the file limit is refused before it is parsed', () => {
  const bundle = writeContainer(sampleParts);
  assert.equal(readContainer(bundle, { limits: { maxFileBytes: bundle.length } }).parts.length, sampleParts.length);
  assertRefused(() => readContainer(bundle, { limits: { maxFileBytes: bundle.length - 1 } }), 'too_large', /file is/);
  // The size check comes first: even a file that is not a bundle at all is refused for its size.
  assertRefused(() => readContainer(Buffer.alloc(100), { limits: { maxFileBytes: 99 } }), 'too_large');
});

test('hostile key-derivation settings are refused before scrypt runs', () => {
  const hostile: [string, object, RegExp][] = [
    ['N=2^30', encryptedHeader({ N: 2 ** 30 }), /N=1073741824 \(2\^30\) is outside/],
    ['N=2^21', encryptedHeader({ N: 2 ** 21, r: 1 }), /N=2097152 \(2\^21\) is outside/],
    ['N=2^13', encryptedHeader({ N: 2 ** 13 }), /N=8192 \(2\^13\) is outside/],
    ['N not a power of two', encryptedHeader({ N: 3 * 2 ** 14 }), /N=49152 is outside/],
    ['N as a string', encryptedHeader({ N: '131072' }), /N="131072" is outside/],
    ['N fractional', encryptedHeader({ N: 16384.5 }), /is outside/],
    // Each scrypt pass at p=5 costs as much as a whole default derivation: >2 s if it ran.
    ['p=5', encryptedHeader({ p: 5 }), /p=5 is outside/],
    ['r=0', encryptedHeader({ r: 0 }), /r=0 is outside/],
    ['r=17', encryptedHeader({ r: 17 }), /r=17 is outside/],
    ['2 GiB of memory', encryptedHeader({ N: 2 ** 20, r: 16 }), /need 2048\.0 MiB .*limit is 256\.0 MiB/],
    ['N too large for r', encryptedHeader({ N: 2 ** 16, r: 1 }), /too large for block size r=1/],
  ];
  for (const [label, header, message] of hostile) {
    const bundle = rawBundle(header, randomBytes(64));
    const started = process.hrtime.bigint();
    const err = assertRefused(() => readContainer(bundle, { passphrase: PASSPHRASE }), 'damaged', message);
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, `${label}: refusal took over a second`);
    assert.match(err.message, /refusing to derive a key/, label);
    // readHeader applies the same bounds, so a caller can check before asking for a passphrase.
    assertRefused(() => readHeader(bundle), 'damaged', message);
  }
});

test('malformed salt or IV is refused', () => {
  const cases: [object, RegExp][] = [
    [encryptedHeader({ salt: '00'.repeat(15) }), /kdf\.salt must be 32 lowercase hex digits/],
    [encryptedHeader({ salt: 'AB'.repeat(16) }), /kdf\.salt/],
    [encryptedHeader({}, { iv: '00'.repeat(16) }), /cipher\.iv must be 24 lowercase hex digits/],
    [encryptedHeader({}, { iv: 7 }), /cipher\.iv/],
  ];
  for (const [header, message] of cases) {
    assertRefused(() => readContainer(rawBundle(header, randomBytes(64)), { passphrase: PASSPHRASE }), 'damaged', message);
  }
});

test('files that are not bundles are recognised as such', () => {
  const random = randomBytes(4096);
  random[0] = 0x00; // never "C"
  for (const bytes of [random, Buffer.from('PK\u0003\u0004 a zip archive'), Buffer.from('SQLite format 3\0'), Buffer.alloc(0)]) {
    assertRefused(() => readContainer(bytes), 'not_a_bundle');
    assertRefused(() => readHeader(bytes), 'not_a_bundle');
  }
  assertRefused(() => readContainer(Buffer.from('CAIRNBDX....')), 'not_a_bundle', /does not start with "CAIRNBDL"/);
});

test('header problems are reported as damaged or as an unsupported version', () => {
  const body = gzipSync(Buffer.alloc(0));
  const headerOfLength = (length: number) => {
    const b = Buffer.concat([MAGIC, Buffer.alloc(4), Buffer.alloc(16)]);
    b.writeUInt32BE(length, 8);
    return b;
  };
  assertRefused(() => readContainer(headerOfLength(0)), 'damaged', /header length at byte 8 is 0/);
  assertRefused(() => readContainer(headerOfLength(65537)), 'damaged', /header length at byte 8 is 65537/);

  const cases: [string | object, BundleErrorCode, RegExp][] = [
    ['{"format":1,"encrypted":false', 'damaged', /bytes 12-40\) is not valid JSON/],
    ['[1]', 'damaged', /not a JSON object/],
    ['null', 'damaged', /not a JSON object/],
    [{ format: 2, encrypted: false }, 'unsupported_version', /format 2/],
    [{ format: 2, encrypted: false, compression: 'zstd' }, 'unsupported_version', /format 2/],
    [{ format: '1', encrypted: false }, 'damaged', /"format"/],
    [{ encrypted: false }, 'damaged', /"format"/],
    [{ format: 1 }, 'damaged', /missing the field "encrypted"/],
    [{ format: 1, encrypted: 'no' }, 'damaged', /"encrypted" must be true or false/],
    [{ format: 1, encrypted: false, note: 'hi' }, 'damaged', /unexpected field "note"/],
    ['{"format":1,"encrypted":false,"__proto__":{}}', 'damaged', /unexpected field "__proto__"/],
    [{ format: 1, encrypted: false, kdf: { name: 'scrypt' } }, 'damaged', /not encrypted but carries/],
    [{ format: 1, encrypted: true }, 'damaged', /no "kdf" object/],
    [{ ...encryptedHeader({}), cipher: undefined }, 'damaged', /no "cipher" object/],
    [encryptedHeader({ name: 'argon2id' }), 'damaged', /unknown key-derivation function "argon2id"/],
    [encryptedHeader({}, { name: 'chacha20-poly1305' }), 'damaged', /unknown cipher "chacha20-poly1305"/],
    [encryptedHeader({ extra: 1 }), 'damaged', /"kdf" has an unexpected field "extra"/],
  ];
  for (const [header, code, message] of cases) {
    const bundle = rawBundle(header, body);
    assertRefused(() => readHeader(bundle), code, message);
    assertRefused(() => readContainer(bundle, { passphrase: PASSPHRASE }), code, message);
  }

  // Header bytes that are not UTF-8.
  const notUtf8 = Buffer.concat([MAGIC, Buffer.from([0, 0, 0, 2, 0xff, 0xfe]), body]);
  assertRefused(() => readContainer(notUtf8), 'damaged', /header \(bytes 12-13\) is not valid UTF-8/);

  // The largest allowed header is accepted (JSON may be padded with whitespace).
  const json = '{"format":1,"encrypted":false}';
  assert.deepEqual(readContainer(rawBundle(json.padEnd(65536, ' '), gzipSync(Buffer.alloc(0)))).parts, []);
});
