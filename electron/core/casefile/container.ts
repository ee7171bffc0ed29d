import { constants as bufferConstants } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { gunzipSync, gzipSync, type Gunzip } from 'node:zlib';

/**
 * The byte container of a case bundle: the file an investigator hands to a colleague on another
 * offline machine. It holds named binary parts, optionally encrypted with a passphrase.
 *
 * Layout (all integers big-endian):
 *   "CAIRNBDL"                   8-byte signature
 *   u32 H                        header length, 1..65536
 *   H bytes                      header JSON (ContainerHeader)
 *   body                         gzip(payload), or, when encrypted,
 *                                AES-256-GCM(gzip(payload)) followed by the 16-byte tag
 *   payload = part*, part = u16 name length, UTF-8 name, u64 data length, data
 *
 * When encrypted, the key is scrypt(NFC(passphrase), salt) and the exact header bytes
 * (signature + length + JSON) are the GCM additional data, so no header byte can be changed
 * without the tag failing.
 *
 * Bundles arrive from other machines, so reading treats every byte as hostile: sizes are checked
 * before anything is allocated or decompressed, key-derivation costs are bounded before scrypt
 * runs, and every refusal is a BundleFormatError whose message says what is wrong and where.
 */

export interface Part {
  readonly name: string;
  readonly data: Buffer;
}

export interface ContainerLimits {
  /** Whole file, as handed to readContainer. */
  maxFileBytes: number;
  /** Decompressed payload; also the cap on any single part's declared length. */
  maxPayloadBytes: number;
  maxParts: number;
  /** UTF-8 bytes of one part name. */
  maxPartNameBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: ContainerLimits = Object.freeze({
  maxFileBytes: 1024 * MiB,
  maxPayloadBytes: 512 * MiB,
  maxParts: 64,
  maxPartNameBytes: 200,
});

export type BundleErrorCode =
  | 'not_a_bundle'
  | 'unsupported_version'
  | 'truncated'
  | 'needs_passphrase'
  | 'wrong_passphrase'
  | 'too_large'
  | 'damaged';

/** Why a bundle was refused. `code` is for programs; the message is meant for the investigator. */
export class BundleFormatError extends Error {
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleFormatError';
    this.code = code;
  }
}

export interface ContainerHeader {
  format: 1;
  encrypted: boolean;
  kdf?: { name: 'scrypt'; N: number; r: number; p: number; salt: string /* hex */ };
  cipher?: { name: 'aes-256-gcm'; iv: string /* hex */ };
}

type KdfParams = NonNullable<ContainerHeader['kdf']>;
type CipherParams = NonNullable<ContainerHeader['cipher']>;

/** A validated header: encrypted exactly when both kdf and cipher are present. */
type ValidHeader =
  | { format: 1; encrypted: false }
  | { format: 1; encrypted: true; kdf: KdfParams; cipher: CipherParams };

const MAGIC = Buffer.from('CAIRNBDL', 'latin1');
const PREFIX_BYTES = MAGIC.length + 4;
const MAX_HEADER_BYTES = 65536;

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** What writeContainer uses: about 128 MiB and a few tenths of a second per derivation. */
const WRITE_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * What a reader agrees to run. The file chooses the scrypt cost, so without these bounds a hostile
 * bundle could make the receiving machine spend gigabytes of memory or minutes of CPU before the
 * passphrase is even checked. The memory cap is also handed to scrypt itself.
 */
const KDF_BOUNDS = { minLog2N: 14, maxLog2N: 20, maxR: 16, maxP: 4 } as const;
const SCRYPT_MAXMEM = 256 * MiB;

const NAME_LENGTH_BYTES = 2;
const DATA_LENGTH_BYTES = 8;

const WRONG_PASSPHRASE = 'wrong passphrase, or the bundle was changed after it was encrypted';

// fatal: a name or header that is not valid UTF-8 must be refused, not patched with U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Packs `parts` (in order) into a bundle. With a passphrase the body is encrypted; without one it
 * is only compressed. Refuses what a reader with DEFAULT_LIMITS would refuse, so a bundle this
 * writes can always be opened on the other machine.
 */
export function writeContainer(parts: readonly Part[], options: { passphrase?: string } = {}): Buffer {
  const { passphrase } = options;
  if (passphrase !== undefined && (typeof passphrase !== 'string' || passphrase.length === 0)) {
    // An empty passphrase silently producing an unencrypted bundle would be worse than an error.
    throw new TypeError('passphrase must be a non-empty string; leave it out to write an unencrypted bundle');
  }
  const compressed = gzipSync(encodePayload(parts));

  if (passphrase === undefined) {
    return Buffer.concat([encodePrefix({ format: 1, encrypted: false }), compressed]);
  }

  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const kdf: KdfParams = { name: 'scrypt', ...WRITE_KDF, salt: salt.toString('hex') };
  const prefix = encodePrefix({ format: 1, encrypted: true, kdf, cipher: { name: 'aes-256-gcm', iv: iv.toString('hex') } });
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, kdf), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(prefix);
  const ciphertext = cipher.update(compressed);
  const last = cipher.final();
  return Buffer.concat([prefix, ciphertext, last, cipher.getAuthTag()]);
}

function encodePrefix(header: ValidHeader): Buffer {
  // Keys are written in a fixed order; readers do not depend on it, but it keeps output stable.
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES + json.length);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32BE(json.length, MAGIC.length);
  json.copy(prefix, PREFIX_BYTES);
  return prefix;
}

function encodePayload(parts: readonly Part[]): Buffer {
  const limits = DEFAULT_LIMITS;
  if (parts.length > limits.maxParts) {
    throw new RangeError(`a bundle holds at most ${limits.maxParts} parts; got ${parts.length}`);
  }
  const seen = new Set<string>();
  const encoded: { name: Buffer; data: Uint8Array }[] = [];
  let total = 0;
  for (const [i, part] of parts.entries()) {
    const label = `part ${i + 1} (${JSON.stringify(part.name)})`;
    if (typeof part.name !== 'string') throw new TypeError(`part ${i + 1}: name must be a string`);
    const name = Buffer.from(part.name, 'utf8');
    // Lone surrogates would be written as U+FFFD, i.e. under a different name than asked for.
    if (name.toString('utf8') !== part.name) throw new RangeError(`${label}: name is not well-formed Unicode`);
    const problem = nameProblem(part.name);
    if (problem) throw new RangeError(`${label}: ${problem}`);
    if (name.length > limits.maxPartNameBytes) {
      throw new RangeError(`${label}: name is ${name.length} bytes; the limit is ${limits.maxPartNameBytes}`);
    }
    if (seen.has(part.name)) throw new RangeError(`${label}: duplicate part name`);
    seen.add(part.name);
    if (!(part.data instanceof Uint8Array)) throw new TypeError(`${label}: data must be a Buffer`);
    total += NAME_LENGTH_BYTES + name.length + DATA_LENGTH_BYTES + part.data.length;
    encoded.push({ name, data: part.data });
  }
  if (total > limits.maxPayloadBytes) {
    throw new BundleFormatError(
      'too_large',
      `the case data comes to ${describeSize(total)}; a bundle holds at most ${describeSize(limits.maxPayloadBytes)}`,
    );
  }

  const payload = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const { name, data } of encoded) {
    offset = payload.writeUInt16BE(name.length, offset);
    offset += name.copy(payload, offset);
    offset = payload.writeBigUInt64BE(BigInt(data.length), offset);
    payload.set(data, offset);
    offset += data.length;
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Cheap look at a bundle: is it one, and is it encrypted. Needs only the first 12 + H bytes. */
export function readHeader(bytes: Buffer): ContainerHeader {
  return parsePrefix(bytes).header;
}

/**
 * Opens a bundle. A passphrase given for an unencrypted bundle is ignored. The returned parts'
 * data are views into one decompressed buffer (no per-part copy).
 */
export function readContainer(
  bytes: Buffer,
  options: { passphrase?: string; limits?: Partial<ContainerLimits> } = {},
): { header: ContainerHeader; parts: Part[] } {
  const limits = resolveLimits(options.limits);
  if (!Buffer.isBuffer(bytes)) throw new TypeError('readContainer expects a Buffer');
  if (bytes.length > limits.maxFileBytes) {
    throw new BundleFormatError(
      'too_large',
      `the file is ${describeSize(bytes.length)}; bundles larger than ${describeSize(limits.maxFileBytes)} are not opened`,
    );
  }
  const { header, prefixLength } = parsePrefix(bytes);
  const body = bytes.subarray(prefixLength);
  const compressed = header.encrypted
    ? decryptBody(header, bytes.subarray(0, prefixLength), body, options.passphrase)
    : body;
  const payload = decompress(compressed, prefixLength, limits);
  return { header, parts: decodePayload(payload, limits) };
}

function resolveLimits(overrides: Partial<ContainerLimits> = {}): ContainerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ContainerLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limits.${key} must be a non-negative integer; got ${value}`);
    limits[key] = value;
  }
  return limits;
}

/** Signature, header length and header JSON, validated. Offsets in messages are file offsets. */
function parsePrefix(bytes: Buffer): { header: ValidHeader; prefixLength: number } {
  if (!Buffer.isBuffer(bytes)) throw new TypeError('expected a Buffer');
  if (bytes.length === 0) throw new BundleFormatError('not_a_bundle', 'the file is empty (0 bytes); it is not a Cairn bundle');
  const start = bytes.subarray(0, MAGIC.length);
  if (!start.equals(MAGIC.subarray(0, start.length))) {
    throw new BundleFormatError('not_a_bundle', `not a Cairn bundle: the file does not start with "${MAGIC.toString('latin1')}"`);
  }
  if (bytes.length < PREFIX_BYTES) {
    const where = bytes.length < MAGIC.length ? 'inside the 8-byte signature' : 'inside the header length (bytes 8-11)';
    throw new BundleFormatError('truncated', `the bundle is cut short: the file ends at byte ${bytes.length}, ${where}`);
  }
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  if (headerLength < 1 || headerLength > MAX_HEADER_BYTES) {
    throw new BundleFormatError(
      'damaged',
      `the header length at byte ${MAGIC.length} is ${headerLength}; it must be between 1 and ${MAX_HEADER_BYTES}`,
    );
  }
  const prefixLength = PREFIX_BYTES + headerLength;
  const span = `bytes ${PREFIX_BYTES}-${prefixLength - 1}`;
  if (bytes.length < prefixLength) {
    throw new BundleFormatError(
      'truncated',
      `the bundle is cut short: the file ends at byte ${bytes.length}, inside the ${headerLength}-byte header (${span})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(bytes.subarray(PREFIX_BYTES, prefixLength)));
  } catch (cause) {
    const why = cause instanceof SyntaxError ? `not valid JSON (${cause.message})` : 'not valid UTF-8';
    throw new BundleFormatError('damaged', `the bundle header (${span}) is ${why}`, { cause });
  }
  return { header: validateHeader(json), prefixLength };
}

function validateHeader(value: unknown): ValidHeader {
  if (!isObject(value)) throw damaged('the bundle header is not a JSON object');
  // The version is looked at first: a newer format may have fields this reader does not know.
  if (value.format !== 1) {
    if (typeof value.format === 'number') {
      throw new BundleFormatError(
        'unsupported_version',
        `this bundle uses format ${value.format}; this version of Cairn reads format 1 only (a newer Cairn may open it)`,
      );
    }
    throw damaged('the bundle header has no numeric "format" field');
  }
  expectFields(value, 'the bundle header', ['format', 'encrypted'], ['kdf', 'cipher']);
  if (typeof value.encrypted !== 'boolean') throw damaged('header field "encrypted" must be true or false');
  if (!value.encrypted) {
    if (Object.hasOwn(value, 'kdf') || Object.hasOwn(value, 'cipher')) {
      throw damaged('the header says the bundle is not encrypted but carries "kdf" or "cipher" fields');
    }
    return { format: 1, encrypted: false };
  }
  return { format: 1, encrypted: true, kdf: validateKdf(value.kdf), cipher: validateCipher(value.cipher) };
}

function validateKdf(value: unknown): KdfParams {
  if (!isObject(value)) throw damaged('the header says the bundle is encrypted but has no "kdf" object');
  expectFields(value, 'header field "kdf"', ['name', 'N', 'r', 'p', 'salt'], []);
  const { name, N, r, p, salt } = value;
  if (name !== 'scrypt') throw damaged(`unknown key-derivation function ${JSON.stringify(name)}; format 1 uses "scrypt"`);
  const refuse = (what: string) => damaged(`${what}; refusing to derive a key with these settings`);
  const minN = 2 ** KDF_BOUNDS.minLog2N;
  const maxN = 2 ** KDF_BOUNDS.maxLog2N;
  // Range first: the power-of-two test below uses 32-bit bitwise operators.
  if (typeof N !== 'number' || !Number.isInteger(N) || N < minN || N > maxN || (N & (N - 1)) !== 0) {
    throw refuse(
      `scrypt cost N=${describeN(N)} is outside the accepted range (a power of two from 2^${KDF_BOUNDS.minLog2N} to 2^${KDF_BOUNDS.maxLog2N})`,
    );
  }
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > KDF_BOUNDS.maxR) {
    throw refuse(`scrypt block size r=${JSON.stringify(r)} is outside the accepted range 1-${KDF_BOUNDS.maxR}`);
  }
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > KDF_BOUNDS.maxP) {
    throw refuse(`scrypt parallelism p=${JSON.stringify(p)} is outside the accepted range 1-${KDF_BOUNDS.maxP}`);
  }
  // The same checks OpenSSL makes (RFC 7914 requires N < 2^(16r); memory is 128·r·(N + p + 2)
  // bytes), made here so the refusal is explained instead of surfacing as an OpenSSL error.
  if (N >= 2 ** (16 * r)) throw refuse(`scrypt cost N=${describeN(N)} is too large for block size r=${r} (N must be below 2^${16 * r})`);
  const memory = 128 * r * (N + p + 2);
  if (memory > SCRYPT_MAXMEM) {
    throw refuse(
      `scrypt settings N=${describeN(N)}, r=${r}, p=${p} need ${describeSize(memory)} of memory; the limit is ${describeSize(SCRYPT_MAXMEM)}`,
    );
  }
  return { name: 'scrypt', N, r, p, salt: expectHex(salt, SALT_BYTES, 'kdf.salt') };
}

function validateCipher(value: unknown): CipherParams {
  if (!isObject(value)) throw damaged('the header says the bundle is encrypted but has no "cipher" object');
  expectFields(value, 'header field "cipher"', ['name', 'iv'], []);
  if (value.name !== 'aes-256-gcm') throw damaged(`unknown cipher ${JSON.stringify(value.name)}; format 1 uses "aes-256-gcm"`);
  return { name: 'aes-256-gcm', iv: expectHex(value.iv, IV_BYTES, 'cipher.iv') };
}

/** Exactly these fields: unknown ones are refused rather than ignored, since nothing wrote them. */
function expectFields(value: Record<string, unknown>, where: string, required: string[], optional: string[]): void {
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) throw damaged(`${where} has an unexpected field ${JSON.stringify(key)}`);
  }
  for (const key of required) {
    if (!Object.hasOwn(value, key)) throw damaged(`${where} is missing the field ${JSON.stringify(key)}`);
  }
}

function expectHex(value: unknown, bytes: number, field: string): string {
  // Lowercase only: the writer emits lowercase, and one spelling per value keeps the header canonical.
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value)) {
    throw damaged(`header field ${field} must be ${bytes * 2} lowercase hex digits (${bytes} bytes)`);
  }
  return value;
}

function decryptBody(
  header: Extract<ValidHeader, { encrypted: true }>,
  prefix: Buffer,
  body: Buffer,
  passphrase: string | undefined,
): Buffer {
  if (passphrase === undefined || passphrase === '') {
    throw new BundleFormatError('needs_passphrase', 'this bundle is encrypted; enter the passphrase it was exported with');
  }
  if (body.length < TAG_BYTES) {
    throw new BundleFormatError(
      'truncated',
      `the bundle is cut short: the file ends at byte ${prefix.length + body.length}, before the end of the ${TAG_BYTES}-byte authentication tag`,
    );
  }
  const key = deriveKey(passphrase, header.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.cipher.iv, 'hex'), { authTagLength: TAG_BYTES });
  decipher.setAAD(prefix);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  // The plaintext is only used once final() has verified the tag.
  const plaintext = decipher.update(body.subarray(0, body.length - TAG_BYTES));
  let last: Buffer;
  try {
    last = decipher.final();
  } catch (cause) {
    // GCM cannot tell a wrong key from altered bytes; both fail the same tag check.
    throw new BundleFormatError('wrong_passphrase', WRONG_PASSPHRASE, { cause });
  }
  return last.length === 0 ? plaintext : Buffer.concat([plaintext, last]);
}

function deriveKey(passphrase: string, kdf: KdfParams): Buffer {
  // NFC: the same passphrase typed on another OS or keyboard may arrive in a different normal form.
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'hex'), KEY_BYTES, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: SCRYPT_MAXMEM,
  });
}

/** gunzip with a hard output cap, so a small file cannot expand into gigabytes (a "gzip bomb"). */
function decompress(compressed: Buffer, bodyOffset: number, limits: ContainerLimits): Buffer {
  if (compressed.length === 0) {
    throw new BundleFormatError('truncated', `the bundle is cut short: the file ends at byte ${bodyOffset}, right after the header`);
  }
  let result: { buffer: Buffer; engine: Gunzip };
  try {
    // info: true exposes the engine, whose bytesWritten is how much input gzip actually consumed.
    result = gunzipSync(compressed, {
      info: true,
      maxOutputLength: Math.max(1, Math.min(limits.maxPayloadBytes, bufferConstants.MAX_LENGTH)),
    }) as unknown as { buffer: Buffer; engine: Gunzip };
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const detail = cause instanceof Error ? cause.message : String(cause);
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BundleFormatError(
        'too_large',
        `the bundle's contents expand to more than ${describeSize(limits.maxPayloadBytes)} when decompressed; refusing to unpack it`,
        { cause },
      );
    }
    if (code === 'Z_BUF_ERROR') {
      throw new BundleFormatError('truncated', `the bundle is cut short: its compressed body ends early (${detail})`, { cause });
    }
    throw new BundleFormatError('damaged', `the bundle's compressed body is corrupt (${detail})`, { cause });
  }
  const { buffer: payload, engine } = result;
  // zlib quietly stops at the end of the gzip stream; bytes after it were not written by Cairn.
  // (GCM is a stream mode, so for an encrypted bundle plaintext offsets are file offsets too.)
  if (engine.bytesWritten !== compressed.length) {
    throw damaged(
      `${compressed.length - engine.bytesWritten} unexpected bytes follow the compressed body, starting at file byte ${bodyOffset + engine.bytesWritten}`,
    );
  }
  if (payload.length > limits.maxPayloadBytes) {
    throw new BundleFormatError('too_large', `the bundle's contents are ${describeSize(payload.length)}; the limit is ${describeSize(limits.maxPayloadBytes)}`);
  }
  return payload;
}

/** Splits the payload into parts. Offsets in messages are offsets within the decompressed payload. */
function decodePayload(payload: Buffer, limits: ContainerLimits): Part[] {
  const parts: Part[] = [];
  const seen = new Set<string>();
  let offset = 0;

  const need = (bytes: number, what: string): void => {
    const remaining = payload.length - offset;
    if (remaining < bytes) {
      throw new BundleFormatError(
        'truncated',
        `the bundle's contents end early: at payload offset ${offset}, ${what} needs ${bytes} bytes but only ${remaining} remain`,
      );
    }
  };

  while (offset < payload.length) {
    const number = parts.length + 1;
    if (parts.length >= limits.maxParts) {
      throw new BundleFormatError('too_large', `payload offset ${offset}: the bundle has more than ${limits.maxParts} parts`);
    }
    need(NAME_LENGTH_BYTES, `the name length of part ${number}`);
    const nameLength = payload.readUInt16BE(offset);
    if (nameLength === 0) throw damaged(`payload offset ${offset}: part ${number} has an empty name`);
    if (nameLength > limits.maxPartNameBytes) {
      throw new BundleFormatError(
        'too_large',
        `payload offset ${offset}: the name of part ${number} is ${nameLength} bytes; the limit is ${limits.maxPartNameBytes}`,
      );
    }
    offset += NAME_LENGTH_BYTES;

    need(nameLength, `the name of part ${number}`);
    let name: string;
    try {
      name = strictUtf8.decode(payload.subarray(offset, offset + nameLength));
    } catch (cause) {
      throw new BundleFormatError('damaged', `payload offset ${offset}: the name of part ${number} is not valid UTF-8`, { cause });
    }
    const problem = nameProblem(name);
    if (problem) throw damaged(`payload offset ${offset}: part ${number} has the unsafe name ${JSON.stringify(name)}: ${problem}`);
    if (seen.has(name)) throw damaged(`payload offset ${offset}: part ${number} repeats the name ${JSON.stringify(name)}`);
    seen.add(name);
    offset += nameLength;

    const label = `part ${number} (${JSON.stringify(name)})`;
    need(DATA_LENGTH_BYTES, `the data length of ${label}`);
    const declared = payload.readBigUInt64BE(offset);
    // Compared as BigInt: a u64 can exceed what a Number holds exactly.
    if (declared > BigInt(limits.maxPayloadBytes)) {
      throw new BundleFormatError(
        'too_large',
        `payload offset ${offset}: ${label} declares ${declared} bytes of data; the limit is ${limits.maxPayloadBytes}`,
      );
    }
    offset += DATA_LENGTH_BYTES;

    const length = Number(declared);
    need(length, `the data of ${label}`);
    parts.push({ name, data: payload.subarray(offset, offset + length) });
    offset += length;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/**
 * Why a part name is unsafe, or null. Names may end up as file names or in messages on the
 * receiving machine, so path separators, parent references and control characters are refused.
 */
function nameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator';
  if (name.includes('..')) return 'it contains ".."';
  if (/\p{Cc}/u.test(name)) return 'it contains a control character';
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function damaged(message: string): BundleFormatError {
  return new BundleFormatError('damaged', message);
}

function describeN(N: unknown): string {
  if (typeof N !== 'number') return JSON.stringify(N) ?? String(N);
  const log2 = Math.log2(N);
  return Number.isInteger(log2) ? `${N} (2^${log2})` : String(N);
}

function describeSize(bytes: number): string {
  return bytes < MiB ? `${bytes} bytes` : `${(bytes / MiB).toFixed(1)} MiB (${bytes} bytes)`;
}
