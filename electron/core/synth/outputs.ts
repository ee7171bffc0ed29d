/**
 * Streaming writers for the synthetic world's files: CSV with a bounded buffer, and the
 * ethereum-etl shaped exports of one account chain (Ethereum or Tron).
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A CSV file written through a buffer of about 1 MiB: memory stays flat whatever its size. */
export class CsvOut {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  rows = 0;

  constructor(
    readonly path: string,
    header: string,
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, header + '\n');
  }

  line(text: string): void {
    this.buf.push(text);
    this.size += text.length + 1;
    this.rows++;
    if (this.size >= 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }
}

export const TX_HEADER = 'hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,receipt_status';
export const TOKEN_TRANSFER_HEADER = 'token_address,from_address,to_address,value,transaction_hash,log_index,block_number';

export interface TokenSpec {
  readonly address: string;
  readonly symbol: string;
  readonly name: string;
  readonly decimals: number;
}

/**
 * One account chain's ethereum-etl export (blocks, transactions with receipt_status,
 * token_transfers, tokens), written block by block. Tron (tronetl) uses the same shapes with
 * base58 addresses and hashes without 0x.
 */
export class AccountChainOut {
  readonly blocks: CsvOut;
  readonly txs: CsvOut;
  readonly tokenTransfers: CsvOut;
  /** Value transfers written: native transfers with a value (failed ones too) and token transfers. */
  transfers = 0;
  failed = 0;
  block = 0;
  time = 0;
  private txIndex = 0;
  private txCounter = 0;
  private readonly prefix: string;

  constructor(
    dir: string,
    private readonly tag: string,
    private readonly seed: string,
    tokens: readonly TokenSpec[],
    hexPrefix: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
    this.prefix = hexPrefix ? '0x' : '';
    const tokenOut = new CsvOut(join(dir, 'tokens.csv'), 'address,symbol,name,decimals,total_supply,block_number');
    for (const t of tokens) tokenOut.line(`${t.address},${t.symbol},${t.name},${t.decimals},,1`);
    tokenOut.close();
    this.blocks = new CsvOut(join(dir, 'blocks.csv'), 'number,hash,parent_hash,timestamp,transaction_count');
    this.txs = new CsvOut(join(dir, 'transactions.csv'), TX_HEADER);
    this.tokenTransfers = new CsvOut(join(dir, 'token_transfers.csv'), TOKEN_TRANSFER_HEADER);
  }

  private digest(what: string): string {
    return createHash('sha256').update(`${this.seed}|${this.tag}|${what}`).digest('hex');
  }

  private blockHash(n: number): string {
    return this.prefix + this.digest(`block ${n}`);
  }

  /** Starts block `number` at `time`; the caller ends it with endBlock. */
  startBlock(number: number, time: number): void {
    this.block = number;
    this.time = time;
    this.txIndex = 0;
  }

  endBlock(): void {
    this.blocks.line(`${this.block},${this.blockHash(this.block)},${this.blockHash(this.block - 1)},${this.time},${this.txIndex}`);
  }

  private tx(from: string, to: string, value: bigint, input: string, status: 0 | 1): string {
    const hash = this.prefix + this.digest(`tx ${this.txCounter++}`);
    this.txs.line(`${hash},0,${this.blockHash(this.block)},${this.block},${this.txIndex++},${from},${to},${value},21000,1000000000,${input},${this.time},${status}`);
    return hash;
  }

  /** A transaction moving native value; a failed one (status 0) is written but moves nothing. */
  native(from: string, to: string, value: bigint, failed = false): string {
    const hash = this.tx(from, to, value, '0x', failed ? 0 : 1);
    if (value > 0n) this.transfers++;
    if (failed) this.failed++;
    return hash;
  }

  /** A token `transfer` call and its Transfer event. */
  token(token: string, from: string, to: string, amount: bigint): string {
    const hash = this.tx(from, token, 0n, '0xa9059cbb', 1);
    this.tokenTransfers.line(`${token},${from},${to},${amount},${hash},0,${this.block}`);
    this.transfers++;
    return hash;
  }

  close(): void {
    this.blocks.close();
    this.txs.close();
    this.tokenTransfers.close();
  }
}
