/**
 * How a transaction's hash is stored. Hashes are 32 bytes, but as text ("0x" and 64 hex digits
 * on EVM chains, 64 bare digits on Tron and Bitcoin) they took 66 bytes in every tx row and
 * again in the (chain, hash) index: a third of a store of account chains. The tx table holds
 * the bytes (`hash_bin`) and a form code (`hash_form`), and `hash` is a virtual column that
 * spells the text back exactly as it arrived, computed with SQLite's own functions, so every
 * reader (the app, a case file's reviewer, the sqlite3 shell) still reads `tx.hash` as text.
 *
 * The forms:
 * - 0: lowercase hex digits, an even number of them (Tron, Bitcoin);
 * - 1: "0x" and lowercase hex digits, an even number of them (EVM chains);
 * - 2: anything else, kept as its UTF-8 bytes (no chain writes such a hash; it is kept rather than refused).
 *
 * Lookups by hash compare (chain_id, hash_bin, hash_form), which the unique index `tx_key`
 * covers: from JS with `txHashKey(hash)` spread into the parameters, from SQL with
 * `tx_hash_bin(text)` and `tx_hash_form(text)` (registered by store/sqlFunctions.ts). A lookup
 * written as `hash = ?` still answers correctly but scans the table: the generated column has
 * no index.
 */

/** The stored text of a tx's hash, as SQL over the row's own columns (the virtual column's definition). */
export const TX_HASH_TEXT_SQL =
  "CASE hash_form WHEN 1 THEN '0x' || lower(hex(hash_bin)) WHEN 0 THEN lower(hex(hash_bin)) ELSE CAST(hash_bin AS TEXT) END";

/** The same split in SQL over a text expression, with SQLite's own functions (for migrations). */
export function txHashFormSql(text: string): string {
  const hexDigits = (t: string) => `(length(${t}) % 2 = 0 AND ${t} NOT GLOB '*[^0-9a-f]*')`;
  const rest = `substr(${text}, 3)`;
  return `CASE WHEN substr(${text}, 1, 2) = '0x' AND ${hexDigits(rest)} THEN 1 WHEN ${hexDigits(text)} THEN 0 ELSE 2 END`;
}

/** The bytes stored for a text whose form is `formSql` (see txHashFormSql). */
export function txHashBinSql(text: string, formSql: string): string {
  return `CASE ${formSql} WHEN 1 THEN unhex(substr(${text}, 3)) WHEN 0 THEN unhex(${text}) ELSE CAST(${text} AS BLOB) END`;
}

/** The value of each lowercase hex digit by character code; -1 for every other character. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** The bytes of `text` from `start` on if it is an even number of lowercase hex digits, else null. */
function lowerHexBytes(text: string, start: number): Buffer | null {
  const n = text.length - start;
  if (n % 2 !== 0) return null;
  const out = Buffer.allocUnsafe(n / 2);
  for (let i = 0; i < n / 2; i++) {
    const a = text.charCodeAt(start + 2 * i);
    const b = text.charCodeAt(start + 2 * i + 1);
    const hi = a < 128 ? NIBBLE[a]! : -1;
    const lo = b < 128 ? NIBBLE[b]! : -1;
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * The bytes of a UTXO txid or block hash as stored in txin.prev_txid_bin and
 * btc_block_tx.block_bin (store migration 120), whose virtual columns spell them back as
 * lowercase hex. Any other text is refused, since it would not read back as itself.
 */
export function utxoHashBytes(hex: string, what: string): Buffer {
  const bin = lowerHexBytes(hex, 0);
  if (!bin) throw new Error(`${what} ${JSON.stringify(hex.slice(0, 80))} is not lowercase hex of whole bytes`);
  return bin;
}

/**
 * The stored bytes and form of a hash's text: spread into `hash_bin = ? AND hash_form = ?` or an
 * insert. One pass over the text (it runs once per transaction an import writes).
 */
export function txHashKey(hash: string): [Buffer, 0 | 1 | 2] {
  if (hash.charCodeAt(0) === 48 /* 0 */ && hash.charCodeAt(1) === 120 /* x */) {
    const bin = lowerHexBytes(hash, 2);
    if (bin) return [bin, 1];
  }
  const bin = lowerHexBytes(hash, 0);
  return bin ? [bin, 0] : [Buffer.from(hash, 'utf8'), 2];
}
