import type { Statement } from 'better-sqlite3';
import { canonicalAddress, canonicalTxHashFor } from '../../../../shared/codec/address';
import { canonicalEvmAddress, canonicalTxHash } from '../../../../shared/codec/evm';
import { resolveChain } from '../../../../shared/model/chains';
import { knownToken } from '../knownTokens';
import { statusName } from '../../store/addressQueries';
import type { AddressInterner } from '../../store/addresses';
import { BoundedMap } from '../../store/boundedMap';
import type { FreshChainLoad } from '../../store/bulkIndexes';
import { ConflictRecorder, type ConflictFact } from '../../store/conflicts';
import type { Db } from '../../store/openStore';
import { fromDbAmount, toDbAmount, type DbAmount } from '../../store/sqlFunctions';
import { txHashKey } from '../../store/txHash';
import type { CsvRow, TextNumbering } from '../csvRows';
import { nextRowId } from '../datasetRun';
import { escapeControls, excerpt } from '../errors';
import type { EtlKind } from './kinds';

export const TRANSFER_NATIVE = 0;
export const TRANSFER_TOKEN = 1;
export const TRANSFER_INTERNAL = 2;

/** Call types that run another contract's code but move no value to it. */
const NO_VALUE_CALLS = new Set(['delegatecall', 'staticcall', 'callcode']);

export interface AddedCounts {
  blocks: number;
  transactions: number;
  transfers: number;
  tokens: number;
  /** Transactions whose success or failure a receipt gave. */
  receipts: number;
}

const BLOCK_HASH = /^0x[0-9a-f]{64}$/;

function blockHash(text: string): string {
  const lower = text.toLowerCase();
  if (!BLOCK_HASH.test(lower)) throw new Error(`expected 0x and 64 hex digits, found "${excerpt(text, 80)}"`);
  return lower;
}

/** How a chain spells its facts: EVM chains and Tron share ethereum-etl's shapes, not their address or hash forms. */
export interface ChainCodecs {
  readonly address: (text: string) => string;
  readonly txHash: (text: string) => string;
  readonly blockHash: (text: string) => string;
}

export const EVM_CODECS: ChainCodecs = { address: canonicalEvmAddress, txHash: canonicalTxHash, blockHash };

/**
 * The codecs for an account chain. Tron (tronetl) stores addresses in base58 `T…`, converting
 * hex `41…`/`0x…` input, and hashes as 64 hex digits without `0x`, as TronScan shows them.
 */
export function codecsFor(chainId: string): ChainCodecs {
  if (resolveChain(chainId).family !== 'tron') return EVM_CODECS;
  const hex64 = (text: string): string => canonicalTxHashFor(chainId, text);
  return { address: remembered((t) => canonicalAddress(chainId, t)), txHash: hex64, blockHash: hex64 };
}

/**
 * A bounded memo of a codec: a Tron address is checked with a double SHA-256 (base58check) or
 * converted from hex, and the same few addresses (USDT, exchange wallets) recur on most rows.
 */
function remembered(codec: (text: string) => string, max = 100_000): (text: string) => string {
  const cache = new BoundedMap<string, string>(max);
  return (text) => {
    let v = cache.get(text);
    if (v === undefined) {
      v = codec(text);
      cache.set(text, v);
    }
    return v;
  };
}

function receiptStatus(row: CsvRow): number | null {
  for (const col of ['receipt_status', 'status']) {
    if (!row.has(col)) continue;
    const v = row.text(col);
    if (v === '') return null;
    if (v === '1' || v === '0') return Number(v);
    row.fail(col, `expected 1, 0 or empty, found "${excerpt(v, 20)}"`);
  }
  return null;
}

/** A stored tx as the conflict checks read it (safe integers: values are exact). */
interface StoredTx {
  id: bigint;
  stub: bigint;
  block: bigint | null;
  idx: bigint | null;
  time: bigint | null;
  fromId: bigint | null;
  toId: bigint | null;
  value: DbAmount | null;
  status: bigint | null;
  datasetId: bigint;
}

interface StoredTransfer {
  fromId: bigint | null;
  toId: bigint | null;
  assetId: bigint;
  amount: DbAmount;
  status: bigint | null;
  tokenId: string | null;
  datasetId: bigint;
}

/** What a row says about a transfer that is already stored, to compare with it. */
interface TransferClaim {
  readonly fromId: number;
  readonly from: string;
  readonly toId: number | null;
  readonly to: string | null;
  readonly amount: bigint;
  readonly status: number | null;
  readonly asset?: { readonly id: number; readonly contract: string; readonly nft: boolean };
}

const int = (v: bigint | null): number | null => (v === null ? null : Number(v));

/**
 * A tx this import has written or looked up, as later rows about it need it: its token transfers
 * and traces take its time and status, and a stub waits for its transactions row. Updated in
 * place whenever a row changes one of these fields, so it always says what the store holds.
 */
interface TxRef {
  readonly id: number;
  time: number | null;
  status: number | null;
  stub: boolean;
}

/** An address text's canonical form and id. */
interface KnownAddress {
  readonly addr: string;
  readonly id: number;
}

/** How many txs the writer remembers when it need not remember all of them (see `txs`). */
const TX_CACHE = 1_000_000;
/** How many address spellings the writer remembers (see addressAt). */
const SEEN_ADDRESSES = 500_000;

/**
 * Writes validated ethereum-etl rows as facts for one chain inside the caller's transaction.
 * Facts are deduplicated on natural keys: (chain, block number), (chain, tx hash),
 * (tx, kind, log index) and (chain, token contract).
 *
 * The first source of a fact stays the fact. A row whose key is already stored (from an earlier
 * dataset, or an earlier row of this import) and that gives a different value for something the
 * store knows (a tx's value, sender, recipient, status, block, index or time; a transfer's
 * sender, recipient, asset, amount or token id; a block's hash, parent, time or tx count) is
 * recorded as a conflict naming both datasets and both values (store/conflicts.ts), and the
 * addresses it alone brought are taken back. Filling in what was unknown (a stub tx completed
 * by its transactions file, a status a receipt gives) is not a conflict. The checks run only
 * when an insert was ignored, so a first import pays nothing for them.
 */
export class EtlWriter {
  readonly added: AddedCounts = { blocks: 0, transactions: 0, transfers: 0, tokens: 0, receipts: 0 };
  /** Tokens whose decimals field was unusable; kept with unknown decimals rather than guessed. */
  readonly warnings: string[] = [];
  /**
   * Edges (from, to, asset) that already counted a transfer a receipt has now shown failed:
   * recomputeEdges makes them exact again after the import's own transfers are added.
   */
  readonly staleEdges = new Map<string, [number, number, number]>();
  /** Traces that move no value between addresses (top-level calls, delegate calls, rewards…), by reason. */
  readonly tracesLeftOut = new Map<string, number>();
  /** Conflicts this import found with what the store held (or with its own earlier rows). */
  readonly conflicts: ConflictRecorder;
  private readonly tokenIds = new Map<string, { id: number; nft: boolean }>();
  private readonly s: Record<string, Statement>;
  private readonly codecs: ChainCodecs;
  /** Addresses the current row added to the store: taken back when the row is not written. */
  private readonly rowAddresses: [string, number][] = [];
  /**
   * Txs by hash. In a first import of the chain (`fresh` active) it holds every tx of the import,
   * so a hash it lacks is new and no lookup runs (the hash index is rebuilt at the end); past
   * `freshCap` txs the fresh load ends and it becomes a bounded cache in front of the store.
   */
  private readonly txs = new Map<string, TxRef>();
  /** Txs at or above this id are this import's (see writeNativeTransfers). */
  private readonly firstNewTxId: number;
  /** Address texts as rows spell them, with their canonical form and id (see addressAt). */
  private readonly seenAddresses = new BoundedMap<string, KnownAddress>(SEEN_ADDRESSES);
  /** The same, by the numbers a CSV read gave the texts (`from` onwards) of one file read (`of`). */
  private numbered: { of: TextNumbering | null; from: number; known: (KnownAddress | undefined)[] } = { of: null, from: 0, known: [] };

  constructor(
    private readonly db: Db,
    private readonly chainId: number,
    private readonly nativeAssetId: number,
    private readonly datasetId: number,
    private readonly addresses: AddressInterner,
    /** Transfers below this id were aggregated into edges by earlier imports. */
    private readonly firstNewTransferId = Number.MAX_SAFE_INTEGER,
    /** The chain's CAIP-2 id: its address and hash forms, and its well-known tokens. */
    private readonly chain = 'eip155:1',
    /** When the conflicts this import finds are recorded (its start). */
    recordedAt = new Date().toISOString(),
    /** Set for a first import of the chain: txs are deduped in memory (store/bulkIndexes.ts). */
    private readonly fresh: FreshChainLoad | null = null,
    private readonly freshCap = 8_000_000,
  ) {
    this.firstNewTxId = nextRowId(db, 'tx');
    this.codecs = codecsFor(chain);
    this.conflicts = new ConflictRecorder(db, chainId, datasetId, recordedAt);
    this.s = {
      block: db.prepare('INSERT OR IGNORE INTO block (chain_id, number, hash, parent_hash, time, tx_count, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      blockTime: db.prepare('SELECT time FROM block WHERE chain_id = ? AND number = ?').pluck(),
      findTx: db.prepare('SELECT id, stub, time, status, to_id AS toId FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?'),
      storedTx: db
        .prepare(
          `SELECT id, stub, block_number AS block, tx_index AS idx, time, from_id AS fromId, to_id AS toId, value, status, dataset_id AS datasetId
           FROM tx WHERE chain_id = ? AND hash_bin = ? AND hash_form = ?`,
        )
        .safeIntegers(true),
      storedTxById: db
        .prepare(
          `SELECT id, stub, block_number AS block, tx_index AS idx, time, from_id AS fromId, to_id AS toId, value, status, dataset_id AS datasetId
           FROM tx WHERE id = ?`,
        )
        .safeIntegers(true),
      newTx: db.prepare(
        'INSERT INTO tx (chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      storedTransfer: db
        .prepare('SELECT from_id AS fromId, to_id AS toId, asset_id AS assetId, amount, status, token_id AS tokenId, dataset_id AS datasetId FROM transfer WHERE tx_id = ? AND kind = ? AND pos = ?')
        .safeIntegers(true),
      storedBlock: db.prepare('SELECT hash, parent_hash AS parentHash, time, tx_count AS txCount, dataset_id AS datasetId FROM block WHERE chain_id = ? AND number = ?'),
      txDataset: db.prepare('SELECT dataset_id FROM tx WHERE id = ?').pluck(),
      addressText: db.prepare('SELECT addr FROM address WHERE id = ?').pluck(),
      assetContract: db.prepare('SELECT contract FROM asset WHERE id = ?').pluck(),
      completeStub: db.prepare(
        'UPDATE tx SET block_number = coalesce(block_number, ?), tx_index = ?, time = coalesce(time, ?), from_id = ?, to_id = coalesce(to_id, ?), value = ?, status = coalesce(status, ?), stub = 0 WHERE id = ? AND stub = 1',
      ),
      transfer: db.prepare(
        'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      nftTransfer: db.prepare(
        'INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)',
      ),
      tokenStandard: db.prepare('SELECT standard FROM asset WHERE id = ?').pluck(),
      markNft: db.prepare("UPDATE asset SET standard = 'erc721', decimals = coalesce(decimals, 0) WHERE chain_id = ? AND contract = ? AND standard IS NULL RETURNING id").pluck(),
      nftAmounts: db.prepare(
        "UPDATE transfer SET token_id = CAST(amount AS TEXT), amount = 1 WHERE asset_id = ? AND kind = 1 AND token_id IS NULL RETURNING id, from_id AS fromId, to_id AS toId",
      ),
      token: db.prepare(
        `INSERT INTO asset (chain_id, contract, symbol, name, decimals, dataset_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (chain_id, contract) DO UPDATE SET
           symbol = coalesce(asset.symbol, excluded.symbol),
           name = coalesce(asset.name, excluded.name),
           decimals = coalesce(asset.decimals, excluded.decimals)
         WHERE (asset.symbol IS NULL AND excluded.symbol IS NOT NULL)
            OR (asset.name IS NULL AND excluded.name IS NOT NULL)
            OR (asset.decimals IS NULL AND excluded.decimals IS NOT NULL)`,
      ),
      tokenStub: db.prepare('INSERT OR IGNORE INTO asset (chain_id, contract, symbol, decimals, dataset_id) VALUES (?, ?, ?, ?, ?)'),
      tokenId: db.prepare('SELECT id FROM asset WHERE chain_id = ? AND contract = ?').pluck(),
      setStatus: db.prepare('UPDATE tx SET status = ? WHERE id = ? AND status IS NULL'),
      setTxTo: db.prepare('UPDATE tx SET to_id = ? WHERE id = ? AND to_id IS NULL'),
      setTransferTo: db.prepare(
        'UPDATE transfer SET to_id = ? WHERE tx_id = ? AND kind = 0 AND to_id IS NULL RETURNING id, from_id AS fromId, asset_id AS assetId',
      ),
      setTransferStatus: db.prepare(
        'UPDATE transfer SET status = ? WHERE tx_id = ? AND kind IN (0, 1) AND status IS NULL RETURNING id, from_id AS fromId, to_id AS toId, asset_id AS assetId',
      ),
    };
  }

  write(kind: EtlKind, row: CsvRow): void {
    switch (kind) {
      case 'tokens':
        return this.token(row);
      case 'blocks':
        return this.block(row);
      case 'transactions':
        return this.transaction(row);
      case 'token_transfers':
        return this.tokenTransfer(row);
      case 'receipts':
        return this.receipt(row);
      case 'traces':
        return this.trace(row);
      case 'contracts':
        return this.contract(row);
    }
  }

  private block(row: CsvRow): void {
    const number = row.int('number');
    const hash = row.with('hash', this.codecs.blockHash);
    const parentHash = row.optionalWith('parent_hash', this.codecs.blockHash);
    const time = row.timestamp('timestamp');
    const txCount = row.optionalInt('transaction_count');
    const r = this.s.block.run(this.chainId, number, hash, parentHash, time, txCount, this.datasetId);
    this.added.blocks += r.changes;
    if (r.changes === 1) return;
    const stored = this.s.storedBlock.get(this.chainId, number) as { hash: string; parentHash: string | null; time: number; txCount: number | null; datasetId: number };
    const differ = this.differ({ kind: 'block', number }, row, stored.datasetId);
    differ('hash', stored.hash, hash);
    differ('parentHash', stored.parentHash, parentHash);
    differ('time', stored.time, time);
    differ('txCount', stored.txCount, txCount);
  }

  /**
   * Records, for one fact and one row, each field where the store and the row both know a value
   * and the values differ. An unknown on either side (null) is no disagreement.
   */
  private differ(fact: ConflictFact, row: CsvRow, storedDatasetId: number | bigint): (field: string, stored: string | number | null, other: string | number | null) => boolean {
    return (field, stored, other) => {
      if (stored === null || other === null || String(stored) === String(other)) return false;
      this.conflicts.record({ fact, field, stored: String(stored), storedDatasetId: Number(storedDatasetId), other: String(other), source: `${row.file}, line ${row.line}` });
      return true;
    };
  }

  /** An address id for the current row, noting it when the row added it to the store. */
  private intern(addr: string): number {
    const before = this.addresses.added;
    const id = this.addresses.id(addr);
    if (this.addresses.added !== before) this.rowAddresses.push([addr, id]);
    return id;
  }

  /** Takes back the addresses the current row added, except those it did write (`keep`). */
  private dropRowAddresses(keep: readonly (number | null)[] = []): void {
    for (const [addr, id] of this.rowAddresses) {
      if (keep.includes(id)) continue;
      this.addresses.forget(addr, id);
      // Rare (a row that repeats or contradicts a stored fact): forgetting everything is simplest.
      this.seenAddresses.clear();
      this.numbered = { of: null, from: 0, known: [] };
    }
    this.rowAddresses.length = 0;
  }

  /**
   * A row's address, canonical and interned. The same text met again (an exchange wallet, a
   * token contract: most rows) is answered from memory, neither re-checked nor re-interned: by
   * the number the CSV reader gave the text (ADDRESS_COLUMNS; an array index, where a lookup by
   * text costs a string hash and compare), or by the text.
   */
  private addressAt(row: CsvRow, column: string): KnownAddress {
    const n = row.textNumber(column);
    if (n < 0) return this.addressOfText(row, column);
    // Numbers count up through a file read: a new read, or one this far past the memory's start, starts it afresh.
    if (row.numbering !== this.numbered.of || n - this.numbered.from >= SEEN_ADDRESSES) this.numbered = { of: row.numbering, from: n, known: [] };
    const i = n - this.numbered.from;
    // A number from before the memory's start: its text was met long ago.
    if (i < 0) return this.addressOfText(row, column);
    let known = this.numbered.known[i];
    if (known === undefined) {
      known = this.addressOfText(row, column);
      this.numbered.known[i] = known;
    }
    return known;
  }

  private addressOfText(row: CsvRow, column: string): KnownAddress {
    const text = row.text(column);
    let known = this.seenAddresses.get(text);
    if (known === undefined) {
      const addr = row.with(column, this.codecs.address);
      known = { addr, id: this.intern(addr) };
      this.seenAddresses.set(text, known);
    }
    return known;
  }

  private addressText(id: bigint | number | null): string | null {
    return id === null ? null : ((this.s.addressText.get(id) as string | undefined) ?? `#${id}`);
  }

  private token(row: CsvRow): void {
    const contract = row.with('address', this.codecs.address);
    const decimalsText = row.text('decimals');
    let decimals: number | null = null;
    if (decimalsText !== '') {
      if (/^(0|[1-9][0-9]{0,2})$/.test(decimalsText) && Number(decimalsText) <= 255) decimals = Number(decimalsText);
      else this.warnings.push(`${escapeControls(row.file)}, line ${row.line}: token ${contract} has unusable decimals "${excerpt(decimalsText, 40)}"; kept as unknown`);
    }
    const symbol = row.text('symbol') || null;
    const name = row.text('name') || null;
    const r = this.s.token.run(this.chainId, contract, symbol, name, decimals, this.datasetId);
    this.added.tokens += r.changes;
  }

  private tokenAsset(contract: string): { id: number; nft: boolean } {
    let asset = this.tokenIds.get(contract);
    if (asset === undefined) {
      // A well-known token (USDT, USDC…) gets its symbol and decimals even without a tokens file.
      const known = knownToken(this.chain, contract);
      this.s.tokenStub.run(this.chainId, contract, known?.symbol ?? null, known?.decimals ?? null, this.datasetId);
      const id = this.s.tokenId.get(this.chainId, contract) as number;
      asset = { id, nft: this.s.tokenStandard.get(id) === 'erc721' };
      this.tokenIds.set(contract, asset);
    }
    return asset;
  }

  /** Rows come in block order, so the last block's time answers most lookups. */
  private lastBlock: { number: number; time: number | null } = { number: -1, time: null };

  private blockTime(blockNumber: number | null): number | null {
    if (blockNumber === null) return null;
    if (this.lastBlock.number === blockNumber && this.lastBlock.time !== null) return this.lastBlock.time;
    const time = (this.s.blockTime.get(this.chainId, blockNumber) as number | undefined) ?? null;
    this.lastBlock = { number: blockNumber, time };
    return time;
  }

  private transaction(row: CsvRow): void {
    this.rowAddresses.length = 0;
    const hash = row.with('hash', this.codecs.txHash);
    const blockNumber = row.int('block_number');
    const txIndex = row.optionalInt('transaction_index');
    const { addr: fromAddr, id: from } = this.addressAt(row, 'from_address');
    // A contract creation has no to_address; the stream form and BigQuery name the new contract.
    const toColumn = row.text('to_address') !== '' ? 'to_address' : row.text('receipt_contract_address') !== '' ? 'receipt_contract_address' : null;
    const toKnown = toColumn === null ? null : this.addressAt(row, toColumn);
    const toAddr = toKnown?.addr ?? null;
    const to = toKnown?.id ?? null;
    const value = row.amount('value');
    const time = row.optionalTimestamp('block_timestamp') ?? this.blockTime(blockNumber);
    const status = receiptStatus(row);

    // Most rows are new: try the insert first, and look the tx up only when it was there.
    const known = this.txs.get(hash);
    let existing: StoredTx | undefined;
    let insertedId = 0;
    if (known) existing = this.s.storedTxById.get(known.id) as StoredTx;
    else {
      const [bin, form] = txHashKey(hash);
      // In a fresh load the hash is new (a plain insert); otherwise the store may have it. Arguments
      // listed, not spread: this runs once per transaction.
      const insert = this.fresh?.active ? this.s.newTx : this.insertTx();
      const inserted = insert.run(this.chainId, bin, form, blockNumber, txIndex, time, from, to, toDbAmount(value), status, 0, this.datasetId);
      if (inserted.changes === 0) existing = this.s.storedTx.get(this.chainId, bin, form) as StoredTx;
      else insertedId = Number(inserted.lastInsertRowid);
    }
    let txId: number;
    let txTime = time;
    let txStatus = status;
    let txTo = to;
    if (!existing) {
      txId = insertedId;
      this.remember(hash, { id: txId, time, status, stub: false });
      this.added.transactions++;
    } else if (existing.stub === 1n) {
      // Filling in a tx known only from its transfers; what the stub already knew (its block, a
      // receipt's status or created contract, its time) stays, and a row that says otherwise is a conflict.
      const differ = this.differ({ kind: 'tx', txHash: hash }, row, existing.datasetId);
      differ('block', int(existing.block), blockNumber);
      const toDiffers = differ('to', this.addressText(existing.toId), toAddr);
      differ('status', existing.status === null ? null : statusName(Number(existing.status)), status === null ? null : statusName(status));
      differ('time', int(existing.time), time);
      txId = Number(existing.id);
      this.s.completeStub.run(blockNumber, txIndex, time, from, to, toDbAmount(value), status, txId);
      txTime = int(existing.time) ?? time;
      txStatus = int(existing.status) ?? status;
      // A receipt that came first may have named the contract this tx created.
      txTo = int(existing.toId) ?? to;
      this.remember(hash, { id: txId, time: txTime, status: txStatus, stub: false });
      if (toDiffers) this.dropRowAddresses([from]);
      this.added.transactions++;
    } else {
      this.compareTx(hash, existing, row, { blockNumber, txIndex, from, fromAddr, to, toAddr, value, status, time });
      this.dropRowAddresses();
      return;
    }
    // This import's own txs get their native transfers from writeNativeTransfers(), all at once;
    // a stub an earlier import left gets its own here.
    if (value > 0n && txId < this.firstNewTxId) {
      const r = this.s.transfer.run(this.chainId, txId, TRANSFER_NATIVE, '', from, txTo, this.nativeAssetId, toDbAmount(value), txTime, txStatus, this.datasetId);
      this.added.transfers += r.changes;
    }
  }

  /**
   * The native transfers of the txs this import wrote, or completed from stubs it made itself:
   * one INSERT…SELECT over the new tx rows instead of one statement per row. Each copies its
   * tx's sender, recipient, value, time and status as they stand after the last row. A transfer
   * written with its tx would hold the same values: a receipt's status, the contract a receipt
   * names and a block's time are set on the tx and its native transfer together, and only where
   * both were unknown. Call once, after the last row and before the edges are summed.
   */
  writeNativeTransfers(): void {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO transfer (chain_id, tx_id, kind, pos, from_id, to_id, asset_id, amount, time, status, dataset_id)
         SELECT chain_id, id, ${TRANSFER_NATIVE}, '', from_id, to_id, ?, value, time, status, ?
         FROM tx WHERE id >= ? AND chain_id = ? AND stub = 0 AND value <> 0
         ORDER BY id`,
      )
      .run(this.nativeAssetId, this.datasetId, this.firstNewTxId, this.chainId);
    this.added.transfers += r.changes;
  }

  /** A complete stored tx and a transactions row about it: every field both know and give differently is a conflict. */
  private compareTx(
    hash: string,
    stored: StoredTx,
    row: CsvRow,
    claim: { blockNumber: number; txIndex: number | null; from: number; fromAddr: string; to: number | null; toAddr: string | null; value: bigint; status: number | null; time: number | null },
  ): void {
    const differ = this.differ({ kind: 'tx', txHash: hash }, row, stored.datasetId);
    differ('block', int(stored.block), claim.blockNumber);
    differ('index', int(stored.idx), claim.txIndex);
    if (stored.fromId !== null && Number(stored.fromId) !== claim.from) differ('from', this.addressText(stored.fromId), claim.fromAddr);
    if (stored.toId !== null && claim.to !== null && Number(stored.toId) !== claim.to) differ('to', this.addressText(stored.toId), claim.toAddr);
    if (stored.value !== null) differ('value', fromDbAmount(stored.value).toString(), claim.value.toString());
    differ('status', stored.status === null ? null : statusName(Number(stored.status)), claim.status === null ? null : statusName(claim.status));
    differ('time', int(stored.time), claim.time);
  }

  /** A stored transfer and a row that gives it again: what they both know and give differently is a conflict. */
  private compareTransfer(hash: string, txId: number, kind: number, pos: string, row: CsvRow, claim: TransferClaim): void {
    const stored = this.s.storedTransfer.get(txId, kind, pos) as StoredTransfer | undefined;
    if (!stored) return;
    const differ = this.differ({ kind: 'transfer', txHash: hash, transferKind: kind, pos }, row, stored.datasetId);
    if (stored.fromId !== null && Number(stored.fromId) !== claim.fromId) differ('from', this.addressText(stored.fromId), claim.from);
    if (stored.toId !== null && claim.toId !== null && Number(stored.toId) !== claim.toId) differ('to', this.addressText(stored.toId), claim.to);
    if (claim.asset && Number(stored.assetId) !== claim.asset.id) {
      differ('asset', (this.s.assetContract.get(stored.assetId) as string | undefined) ?? `#${stored.assetId}`, claim.asset.contract);
      return; // amounts of two different assets say nothing about each other
    }
    if (claim.asset?.nft) differ('tokenId', stored.tokenId, claim.amount.toString());
    else if (stored.tokenId === null) differ('value', fromDbAmount(stored.amount).toString(), claim.amount.toString());
    differ('status', stored.status === null ? null : statusName(Number(stored.status)), claim.status === null ? null : statusName(claim.status));
  }

  private tokenTransfer(row: CsvRow): void {
    this.rowAddresses.length = 0;
    const contract = row.with('token_address', this.codecs.address);
    const asset = this.tokenAsset(contract);
    const { addr: fromAddr, id: from } = this.addressAt(row, 'from_address');
    const { addr: toAddr, id: to } = this.addressAt(row, 'to_address');
    const amount = row.amount('value');
    const hash = row.with('transaction_hash', this.codecs.txHash);
    const logIndex = row.int('log_index');
    const blockNumber = row.int('block_number');

    const tx = this.txOrStub(hash, blockNumber, null);
    // ethereum-etl writes an ERC-721 Transfer's token id in the value column: it moves one token.
    const r = asset.nft
      ? this.s.nftTransfer.run(this.chainId, tx.id, TRANSFER_TOKEN, String(logIndex), from, to, asset.id, tx.time, tx.status, this.datasetId, amount.toString())
      : this.s.transfer.run(this.chainId, tx.id, TRANSFER_TOKEN, String(logIndex), from, to, asset.id, toDbAmount(amount), tx.time, tx.status, this.datasetId);
    this.added.transfers += r.changes;
    if (r.changes === 1) return;
    // A token transfer's status is its tx's, not the row's: only what the row itself states is compared.
    this.compareTransfer(hash, tx.id, TRANSFER_TOKEN, String(logIndex), row, { fromId: from, from: fromAddr, toId: to, to: toAddr, amount, status: null, asset: { id: asset.id, contract, nft: asset.nft } });
    this.dropRowAddresses();
  }

  private insertTxStatement: Statement | null = null;

  /** Prepared on first use: while a fresh load has dropped the hash index, its ON CONFLICT would not compile. */
  private insertTx(): Statement {
    return (this.insertTxStatement ??= this.db.prepare(
      `INSERT INTO tx (chain_id, hash_bin, hash_form, block_number, tx_index, time, from_id, to_id, value, status, stub, dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (chain_id, hash_bin, hash_form) DO NOTHING`,
    ));
  }

  /**
   * Remembers a tx (replacing what was remembered of it). In a fresh load every tx is kept and
   * reaching the cap ends the fresh load; otherwise the map is a cache emptied when full.
   */
  private remember(hash: string, ref: TxRef): void {
    if (this.fresh?.active) {
      if (this.txs.size >= this.freshCap) this.fresh.end();
    }
    if (!this.fresh?.active && this.txs.size >= TX_CACHE && !this.txs.has(hash)) this.txs.clear();
    this.txs.set(hash, ref);
  }

  /** The tx row for a hash; the transactions file may come later or never, so a stub keeps the natural key and block. */
  private txOrStub(hash: string, blockNumber: number, status: number | null): TxRef {
    const known = this.txs.get(hash);
    if (known) return known;
    const key = txHashKey(hash);
    if (!this.fresh?.active) {
      const tx = this.s.findTx.get(this.chainId, key[0], key[1]) as { id: number; stub: number; time: number | null; status: number | null } | undefined;
      if (tx) {
        const ref = { id: tx.id, time: tx.time, status: tx.status, stub: tx.stub === 1 };
        this.remember(hash, ref);
        return ref;
      }
    }
    const time = this.blockTime(blockNumber);
    // Looked up just above (or, in a fresh load, new to the chain): a plain insert.
    const id = Number(this.s.newTx.run(this.chainId, key[0], key[1], blockNumber, null, time, null, null, null, status, 1, this.datasetId).lastInsertRowid);
    const ref = { id, time, status, stub: true };
    this.remember(hash, ref);
    return ref;
  }

  /**
   * A receipt gives the tx's outcome: status 1 success, 0 failed (a failed tx moves no value),
   * empty before Byzantium (the receipt has a state root instead): unknown.
   */
  private receipt(row: CsvRow): void {
    const hash = row.with('transaction_hash', this.codecs.txHash);
    const status = receiptStatus(row);
    const tx = this.txOrStub(hash, row.int('block_number'), status);
    const created = row.optionalWith('contract_address', this.codecs.address);
    if (created !== null) this.createdContract(tx.id, this.addresses.id(created));
    if (status === null || tx.status === status) return;
    if (tx.status !== null) {
      const storedDataset = this.s.txDataset.get(tx.id) as number;
      this.differ({ kind: 'tx', txHash: hash }, row, storedDataset)('status', statusName(tx.status), statusName(status));
      return;
    }
    this.s.setStatus.run(status, tx.id);
    tx.status = status;
    this.added.receipts++;
    const changed = this.s.setTransferStatus.all(status, tx.id) as { id: number; fromId: number | null; toId: number | null; assetId: number }[];
    for (const t of changed) {
      // Already summed into an edge while its status was unknown: that edge no longer holds.
      if (status === 0 && t.id < this.firstNewTransferId && t.fromId !== null && t.toId !== null) {
        this.staleEdges.set(`${t.fromId}:${t.toId}:${t.assetId}`, [t.fromId, t.toId, t.assetId]);
      }
    }
  }

  /**
   * A contract creation's value goes to the contract it created, which only the receipt names:
   * the tx and its native transfer get that recipient. A transfer already summed by an earlier
   * import gets its edge (recomputeEdges adds it).
   */
  private createdContract(txId: number, contractId: number): void {
    this.s.setTxTo.run(contractId, txId);
    const changed = this.s.setTransferTo.all(contractId, txId) as { id: number; fromId: number | null; assetId: number }[];
    for (const t of changed) {
      if (t.id < this.firstNewTransferId && t.fromId !== null) this.staleEdges.set(`${t.fromId}:${contractId}:${t.assetId}`, [t.fromId, contractId, t.assetId]);
    }
  }

  private leaveOut(reason: string): void {
    this.tracesLeftOut.set(reason, (this.tracesLeftOut.get(reason) ?? 0) + 1);
  }

  /**
   * Internal value transfers: value moved by a call (not a delegate, static or code call), a
   * contract creation or a self-destruct inside a transaction. The top-level call is the
   * transaction's own value, which the transactions file records; block rewards belong to no
   * transaction. A trace's status is 0 when it or anything above it reverted, so a failed
   * trace is kept with status 0 and moves nothing.
   */
  private trace(row: CsvRow): void {
    const traceType = row.text('trace_type');
    const traceAddress = row.text('trace_address');
    const value = row.text('value') === '' ? 0n : row.amount('value');
    if (traceType === 'reward' || row.text('transaction_hash') === '') return this.leaveOut('block and uncle rewards (no transaction)');
    if (traceAddress === '') return this.leaveOut("top-level calls (the transaction's own value)");
    if (traceType !== 'call' && traceType !== 'create' && traceType !== 'suicide') return this.leaveOut(`${traceType || 'untyped'} traces`);
    if (traceType === 'call' && NO_VALUE_CALLS.has(row.text('call_type'))) return this.leaveOut(`${row.text('call_type')} calls`);
    if (value === 0n) return this.leaveOut('traces without value');
    if (!/^[0-9]+(,[0-9]+)*$/.test(traceAddress)) row.fail('trace_address', `expected comma-separated integers, found "${excerpt(traceAddress, 40)}"`);
    const statusText = row.text('status');
    if (statusText !== '' && statusText !== '0' && statusText !== '1') row.fail('status', `expected 1, 0 or empty, found "${excerpt(statusText, 20)}"`);
    const status = statusText === '' ? null : Number(statusText);
    this.rowAddresses.length = 0;
    const { addr: fromAddr, id: from } = this.addressAt(row, 'from_address');
    const toKnown = row.text('to_address') === '' ? null : this.addressAt(row, 'to_address');
    const toAddr = toKnown?.addr ?? null;
    const to = toKnown?.id ?? null;
    const hash = row.with('transaction_hash', this.codecs.txHash);
    const tx = this.txOrStub(hash, row.int('block_number'), null);
    const r = this.s.transfer.run(this.chainId, tx.id, TRANSFER_INTERNAL, traceAddress, from, to, this.nativeAssetId, toDbAmount(value), tx.time, status, this.datasetId);
    this.added.transfers += r.changes;
    if (r.changes === 1) return;
    this.compareTransfer(hash, tx.id, TRANSFER_INTERNAL, traceAddress, row, { fromId: from, from: fromAddr, toId: to, to: toAddr, amount: value, status });
    this.dropRowAddresses();
  }

  /** A contracts file names which addresses are ERC-20 and ERC-721 tokens: each becomes an asset, its symbol unknown until a tokens file gives it. */
  private contract(row: CsvRow): void {
    const isToken = (col: string): boolean => {
      const v = row.text(col);
      if (v === 'True' || v === 'true') return true;
      if (v === 'False' || v === 'false' || v === '') return false;
      return row.fail(col, `expected True or False, found "${excerpt(v, 20)}"`);
    };
    const erc20 = isToken('is_erc20');
    const erc721 = isToken('is_erc721');
    if (!erc20 && !erc721) return;
    const contract = row.with('address', this.codecs.address);
    const known = knownToken(this.chain, contract);
    const r = this.s.tokenStub.run(this.chainId, contract, known?.symbol ?? null, known?.decimals ?? null, this.datasetId);
    this.added.tokens += r.changes;
    // ERC-721 only (a contract claiming both is left fungible: its values may be amounts).
    if (erc721 && !erc20) this.markNft(contract);
  }

  /**
   * Marks a token ERC-721: its transfers move one token each, and the value column held the
   * token id. Transfers an earlier row or import stored with the id as an amount are corrected,
   * and their edges recomputed.
   */
  private markNft(contract: string): void {
    const id = this.s.markNft.get(this.chainId, contract) as number | undefined;
    if (id === undefined) return;
    this.tokenIds.set(contract, { id, nft: true });
    const fixed = this.s.nftAmounts.all(id) as { id: number; fromId: number | null; toId: number | null }[];
    for (const t of fixed) {
      if (t.id < this.firstNewTransferId && t.fromId !== null && t.toId !== null) this.staleEdges.set(`${t.fromId}:${t.toId}:${id}`, [t.fromId, t.toId, id]);
    }
  }
}
