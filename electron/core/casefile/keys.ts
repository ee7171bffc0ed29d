import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The investigator's signing key (Ed25519, through Node's crypto) and the colleagues' keys this
 * workspace trusts. The private key never leaves `<workspace>/keys/`; a case carries public keys
 * only, and a key is named by its fingerprint: the SHA-256 of its 32 raw bytes.
 */
export interface Signer {
  /** 64 lower-case hex digits: the raw Ed25519 public key. */
  readonly publicKey: string;
  sign(message: Buffer): Buffer;
}

export interface TrustedKeyRecord {
  publicKey: string;
  name: string;
  addedAt: string;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

/** The full fingerprint: SHA-256 of the raw public key, hex. */
export function fingerprintOf(publicKeyHex: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyHex, 'hex')).digest('hex');
}

/** How people read a fingerprint aloud: its first 128 bits in eight groups of four. */
export function displayFingerprint(publicKeyHex: string): string {
  return fingerprintOf(publicKeyHex).slice(0, 32).toUpperCase().match(/.{4}/g)!.join(' ');
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}

const keyObjects = new Map<string, KeyObject>();

export function publicKeyObject(publicKeyHex: string): KeyObject {
  const cached = keyObjects.get(publicKeyHex);
  if (cached) return cached;
  if (!HEX_KEY.test(publicKeyHex)) throw new Error('an Ed25519 public key is 64 lower-case hex digits');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') }, format: 'jwk' });
  // A log names a handful of keys; the cap only guards against a hostile file naming millions.
  if (keyObjects.size < 1000) keyObjects.set(publicKeyHex, key);
  return key;
}

/** False for a malformed key or signature as well as for a wrong one: the caller only needs "valid or not". */
export function verifySignature(publicKeyHex: string, message: Buffer, signatureHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex)) return false;
  try {
    return verify(null, message, publicKeyObject(publicKeyHex), Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

export function signerFromPrivateKey(privateKey: KeyObject): Signer {
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { publicKey, sign: (message) => sign(null, message, privateKey) };
}

/** A fresh key that lives only in memory (tests, and forgeries in tests). */
export function ephemeralSigner(): Signer {
  return signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/** The keys of one workspace: its investigator's own key, created on first use, and the trusted ones. */
export class WorkspaceKeys {
  private signer: Signer | null = null;
  private readonly dir: string;

  constructor(workspaceDir: string) {
    this.dir = join(workspaceDir, 'keys');
  }

  private get privateFile(): string {
    return join(this.dir, 'investigator.pem');
  }

  private get trustedFile(): string {
    return join(this.dir, 'trusted.json');
  }

  own(): Signer {
    if (this.signer) return this.signer;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(this.privateFile)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const tmp = `${this.privateFile}.tmp`;
      writeFileSync(tmp, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      renameSync(tmp, this.privateFile);
    }
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(this.privateFile));
    } catch (error) {
      throw new Error(`${this.privateFile}: not a readable private key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${this.privateFile}: not an Ed25519 key`);
    try {
      chmodSync(this.privateFile, 0o600);
    } catch {
      // best effort on file systems without modes
    }
    this.signer = signerFromPrivateKey(key);
    return this.signer;
  }

  trusted(): TrustedKeyRecord[] {
    if (!existsSync(this.trustedFile)) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.trustedFile, 'utf8'));
    } catch (error) {
      throw new Error(`${this.trustedFile}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new Error(`${this.trustedFile}: expected a list of keys`);
    return parsed.filter(
      (k): k is TrustedKeyRecord =>
        typeof k === 'object' && k !== null && HEX_KEY.test((k as TrustedKeyRecord).publicKey) && typeof (k as TrustedKeyRecord).name === 'string',
    );
  }

  trust(publicKey: string, name: string, now: string): void {
    publicKeyObject(publicKey);
    const list = this.trusted().filter((k) => k.publicKey !== publicKey);
    list.push({ publicKey, name, addedAt: now });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.trustedFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 2) + '\n');
    renameSync(tmp, this.trustedFile);
  }

  /** Public key hex → the name it is trusted under; the own key under the investigator's name. */
  trustMap(ownName: string): Map<string, string> {
    const map = new Map(this.trusted().map((k) => [k.publicKey, k.name]));
    map.set(this.own().publicKey, ownName || 'this workspace');
    return map;
  }
}
