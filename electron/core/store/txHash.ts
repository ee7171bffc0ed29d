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

const HEX = /^(?:[0-9a-f]{2})*$/;

/** The form code of a hash's text (see the module comment). */
export function txHashForm(hash: string): 0 | 1 | 2 {
  if (hash.startsWith('0x') && HEX.test(hash.slice(2))) return 1;
  return HEX.test(hash) ? 0 : 2;
}

/** The stored bytes and form of a hash's text: spread into `hash_bin = ? AND hash_form = ?` or an insert. */
export function txHashKey(hash: string): [Buffer, 0 | 1 | 2] {
  const form = txHashForm(hash);
  const bin = form === 1 ? Buffer.from(hash.slice(2), 'hex') : form === 0 ? Buffer.from(hash, 'hex') : Buffer.from(hash, 'utf8');
  return [bin, form];
}

/** The text a stored (bytes, form) pair spells; the JS twin of TX_HASH_TEXT_SQL. */
export function txHashText(bin: Uint8Array, form: number): string {
  const b = Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength);
  return form === 1 ? `0x${b.toString('hex')}` : form === 0 ? b.toString('hex') : b.toString('utf8');
}
