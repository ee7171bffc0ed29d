export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`not hex: "${hex.slice(0, 80)}"`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * True when `text` is exactly `prefix` followed by `digits` lower-case hex digits: the canonical
 * form of a hash or an address, which a codec can then return as it is, without copying it.
 * One pass over the characters; codecs run it on every row of an import.
 */
export function isLowerHex(text: string, prefix: '0x' | '', digits: number): boolean {
  const start = prefix.length;
  if (text.length !== start + digits) return false;
  if (start === 2 && (text.charCodeAt(0) !== 48 /* 0 */ || text.charCodeAt(1) !== 120 /* x */)) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
