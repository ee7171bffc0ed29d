/**
 * Applies headerRules to the blocks of one import, as they arrive: each block's proof of work
 * and future bound at once; its difficulty (bits), median-time-past, BIP 94 timewarp bound and
 * version floor against its ancestors, from the blocks already read in this import, the genesis
 * of its network, or the store (earlier imports).
 *
 * blk files hold blocks out of height order, so a block whose parent has not been read yet waits
 * until it is; at the end, a block whose parent is nowhere (a lone raw block, a segment imported
 * before its ancestors) is checked against what is known, and the dataset notes say what could
 * not be checked. A failing block is refused with its file and byte offset, like a merkle
 * mismatch, and the import commits nothing, unless the investigator imports unvalidated headers,
 * when the failures become notes.
 *
 * Memory stays bounded: the headers of the most recent blocks (enough for a retarget) are kept;
 * older ancestors are read back from the store, where this import has written them.
 */
import { BadInputError, escapeControls } from '../errors';
import type { Db } from '../../store/openStore';
import type { Statement } from 'better-sqlite3';
import {
  checkFutureTime,
  checkMedianTimePast,
  checkProofOfWork,
  checkTimewarp,
  checkVersion,
  DIFFICULTY_INTERVAL,
  expectedBits,
  headerRulesFor,
  hex8,
  isGenesisPrev,
  MEDIAN_TIME_SPAN,
  medianTimeFloor,
  targetToBits,
  type ChainView,
  type HeaderRules,
} from './headerRules';

/** The header fields the checks read. The hash must be the one computed from the header bytes. */
export interface HeaderToCheck {
  readonly hash: string;
  readonly prevHash: string;
  readonly time: number;
  readonly bits: number;
  /** null when the source does not give it (then the version floor is not checked). */
  readonly version: number | null;
  /** The height the block binds itself to (BIP 34), used when its ancestors do not give one. */
  readonly statedHeight: number | null;
}

/** Where a block came from, for the error: the file and the offset of its first byte (none for JSON and RPC). */
export interface BlockWhere {
  readonly file: string;
  readonly offset?: number;
}

export interface HeaderCheckOptions {
  /** The time of the import (ms since 1970), for the 2-hour future bound. */
  readonly nowMs: number;
  /** false: the investigator imports unvalidated headers; failures are noted, not refused. */
  readonly enforce: boolean;
}

interface Node {
  readonly prev: string;
  readonly time: number;
  readonly bits: number;
  height: number | null;
  /** Testnet's walk-back result from this block, memoized; undefined = not computed, null = unknown. */
  lastReal?: { bits: number; height: number } | null;
}

interface Waiting {
  readonly header: HeaderToCheck;
  readonly where: BlockWhere;
}

/** Headers kept in memory: two difficulty periods and then some, so a retarget never reads the store. */
const KEEP = 3 * DIFFICULTY_INTERVAL;
/** Blocks named in a note before "and N more". */
const NAMED = 3;

export class HeaderChecker {
  private readonly rules: HeaderRules;
  private readonly known = new Map<string, Node>();
  /** Blocks read whose parent has not been checked yet, by the parent's hash. */
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly waitingHashes = new Set<string>();
  private readonly storeRow: Statement;
  private readonly limitBits: number | null;
  /** The network's genesis header: every chain's first ancestor, never evicted. */
  private readonly genesis: Node | null;
  private checked = 0;
  private readonly orphans: { hash: string; prev: string; height: number | null; file: string }[] = [];
  private bitsUnknown = 0;
  private bitsUnknownWhy = '';
  private mtpPartial = 0;
  private mtpUnknown = 0;
  private readonly failures: string[] = [];
  private failed = 0;
  private readonly failedHashes = new Set<string>();

  constructor(
    db: Db,
    private readonly chainId: number,
    caip2: string,
    private readonly options: HeaderCheckOptions,
  ) {
    this.rules = headerRulesFor(caip2);
    this.limitBits = this.rules.powLimit === null ? null : targetToBits(this.rules.powLimit);
    this.storeRow = db.prepare(
      "SELECT prev_hash AS prev, time, bits, height, stated_height AS stated FROM btc_block WHERE chain_id = ? AND hash = ? AND prev_hash <> ''",
    );
    const g = this.rules.genesis;
    this.genesis = g ? { prev: '0'.repeat(64), time: g.time, bits: g.bits, height: 0 } : null;
  }

  /**
   * Checks one block: proof of work and the future bound now, the rest once its parent is
   * known. Throws BadInputError (file, offset, what is wrong) when a rule fails and headers are
   * enforced. Call before the block is written, so its hash is not yet in the store.
   */
  add(header: HeaderToCheck, where: BlockWhere): void {
    // The same block twice (or the genesis block, known by its constants): checked once.
    if (this.known.has(header.hash) || this.waitingHashes.has(header.hash) || header.hash === this.rules.genesis?.hash) return;
    const parent = this.lookup(header.prevHash);
    const problems: string[] = [];
    const pow = checkProofOfWork(header, this.rules);
    if (pow.ok === false) problems.push(pow.problem);
    const future = checkFutureTime(header.time, this.options.nowMs);
    if (future) problems.push(future);
    const g = this.rules.genesis;
    if (isGenesisPrev(header.prevHash) && g && header.hash !== g.hash) {
      problems.push(`it has no parent (an all-zero previous hash), as only the genesis block of ${this.rules.name} (${g.hash}) may`);
    }
    if (parent === 'waiting' || (parent === null && !isGenesisPrev(header.prevHash))) {
      // Refused now if it fails on its own; else its parent may still come (blk files are not
      // in height order), and the rest is checked then.
      if (problems.length) this.fail(header, header.statedHeight, where, problems);
      const list = this.waiting.get(header.prevHash);
      if (list) list.push({ header, where });
      else this.waiting.set(header.prevHash, [{ header, where }]);
      this.waitingHashes.add(header.hash);
      return;
    }
    this.checkFrom(header, where, parent, problems);
  }

  /**
   * Checks the blocks still waiting for a parent that never came, against what is known of
   * their own descendants' chain, and returns the notes: what could not be checked, and under
   * unvalidated headers what failed. Throws like add() for a failure found now.
   */
  finish(): string[] {
    // A waiting block whose parent is itself waiting is released when that parent is checked,
    // so checking the roots (parent nowhere) releases everything.
    for (const prev of [...this.waiting.keys()]) {
      const list = this.waiting.get(prev);
      if (!list || this.waitingHashes.has(prev)) continue;
      this.waiting.delete(prev);
      for (const w of list) {
        this.waitingHashes.delete(w.header.hash);
        this.orphans.push({ hash: w.header.hash, prev, height: w.header.statedHeight, file: w.where.file });
        this.checkFrom(w.header, w.where, null);
      }
    }
    return this.notes();
  }

  /** How many blocks have been checked. */
  get count(): number {
    return this.checked;
  }

  /** Checks a block against its parent, then every block that was waiting for it, and theirs (iteratively: a long reversed run must not overflow the stack). */
  private checkFrom(header: HeaderToCheck, where: BlockWhere, parent: Node | null, problems: string[] = []): void {
    const stack: { header: HeaderToCheck; where: BlockWhere; parent: Node | null; problems: string[] }[] = [{ header, where, parent, problems }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      const node = this.checkInContext(item.header, item.where, item.parent, item.problems);
      const list = this.waiting.get(item.header.hash);
      if (!list) continue;
      this.waiting.delete(item.header.hash);
      for (const w of list) {
        this.waitingHashes.delete(w.header.hash);
        stack.push({ header: w.header, where: w.where, parent: node, problems: [] });
      }
    }
  }

  /**
   * The contextual checks of one block whose parent is known (or known to be nowhere: null),
   * reported together with the problems already found on its own; remembers it.
   */
  private checkInContext(header: HeaderToCheck, where: BlockWhere, parent: Node | null, found: readonly string[]): Node {
    const height = parent?.height != null ? parent.height + 1 : isGenesisPrev(header.prevHash) ? 0 : header.statedHeight;
    const problems = [...found];
    if (parent) {
      if (height !== null) {
        const expected = expectedBits(this.rules, height, header.time, this.view(parent, height));
        if (expected.known && expected.bits !== header.bits) {
          problems.push(`its bits ${hex8(header.bits)} are not what the difficulty rules require, ${hex8(expected.bits)} (${expected.why})`);
        } else if (!expected.known && this.rules.difficulty) this.noteBitsUnknown(expected.why);
        const warp = checkTimewarp(this.rules, height, header.time, parent.time);
        if (warp) problems.push(warp);
      } else if (this.rules.difficulty) this.noteBitsUnknown('their height is not known: their chain reaches neither genesis nor a block that states its height');
      const { times, complete } = this.ancestorTimes(parent);
      const floor = medianTimeFloor(times, complete);
      if (floor.kind === 'at-least') this.mtpPartial++;
      if (floor.kind === 'unknown') this.mtpUnknown++;
      const late = checkMedianTimePast(header.time, floor);
      if (late) problems.push(late);
    }
    if (height !== null && header.version !== null) {
      const v = checkVersion(this.rules, height, header.version);
      if (v) problems.push(v);
    }
    if (problems.length) this.fail(header, height, where, problems);
    this.checked++;
    const node: Node = { prev: header.prevHash, time: header.time, bits: header.bits, height };
    this.remember(header.hash, node);
    return node;
  }

  private remember(hash: string, node: Node): void {
    this.known.set(hash, node);
    if (this.known.size > KEEP) this.known.delete(this.known.keys().next().value!);
  }

  /** A block's header: from memory, else from the store; 'waiting' when it was read but not checked yet. */
  private lookup(hash: string): Node | null | 'waiting' {
    const mem = this.known.get(hash) ?? (hash === this.rules.genesis?.hash ? this.genesis : undefined);
    if (mem) return mem;
    if (this.waitingHashes.has(hash)) return 'waiting';
    const row = this.storeRow.get(this.chainId, hash) as { prev: string; time: number; bits: number; height: number | null; stated: number | null } | undefined;
    if (!row) return null;
    const node: Node = { prev: row.prev, time: row.time, bits: row.bits, height: row.height ?? row.stated };
    this.remember(hash, node);
    return node;
  }

  /** The new block's ancestors by height, walking prev links from its parent. */
  private view(parent: Node, height: number): ChainView {
    const byHeight = new Map<number, Node>([[height - 1, parent]]);
    let lowest = { node: parent, height: height - 1 };
    const header = (h: number): Node | undefined => {
      if (h < 0 || h >= height) return undefined;
      while (lowest.height > h) {
        const prevHash = lowest.node.prev;
        if (isGenesisPrev(prevHash)) return undefined;
        const p = this.lookup(prevHash);
        if (p === null || p === 'waiting') return undefined;
        lowest = { node: p, height: lowest.height - 1 };
        byHeight.set(lowest.height, p);
      }
      return byHeight.get(h);
    };
    return {
      header,
      lastNonMinDifficulty: () => this.lastReal(parent, height - 1),
    };
  }

  /** Testnet's walk-back from a block, memoized on the nodes it passes, so a run of min-difficulty blocks costs one walk. */
  private lastReal(node: Node, height: number): { bits: number; height: number } | undefined {
    const path: Node[] = [];
    let h = height;
    let n: Node = node;
    let result: { bits: number; height: number } | null = null;
    for (;;) {
      if (n.lastReal !== undefined) {
        result = n.lastReal;
        break;
      }
      path.push(n);
      if (h === 0 || h % DIFFICULTY_INTERVAL === 0 || n.bits !== this.limitBits || isGenesisPrev(n.prev)) {
        result = { bits: n.bits, height: h };
        break;
      }
      const p = this.lookup(n.prev);
      if (p === null || p === 'waiting') break; // unknown: not memoized, an ancestor may still come
      n = p;
      h--;
    }
    if (result !== null) for (const m of path) m.lastReal = result;
    return result ?? undefined;
  }

  /** The times of up to 11 ancestors (parent first), and whether they reach genesis. */
  private ancestorTimes(parent: Node): { times: number[]; complete: boolean } {
    const times = [parent.time];
    let n = parent;
    while (times.length < MEDIAN_TIME_SPAN) {
      if (isGenesisPrev(n.prev)) return { times, complete: true };
      const p = this.lookup(n.prev);
      if (p === null || p === 'waiting') return { times, complete: false };
      times.push(p.time);
      n = p;
    }
    return { times, complete: true };
  }

  private noteBitsUnknown(why: string): void {
    this.bitsUnknown++;
    if (!this.bitsUnknownWhy) this.bitsUnknownWhy = why;
  }

  private fail(header: HeaderToCheck, height: number | null, where: BlockWhere, problems: string[]): void {
    const problem = `block ${header.hash}${height !== null ? ` (height ${height.toLocaleString('en')})` : ''}: ${problems.join('; ')}`;
    if (this.options.enforce) throw new BadInputError(where.file, where.offset === undefined ? {} : { offset: where.offset }, problem);
    if (this.failedHashes.has(header.hash)) return;
    this.failedHashes.add(header.hash);
    this.failed++;
    if (this.failures.length < NAMED) this.failures.push(`${escapeControls(where.file)}${where.offset !== undefined ? `, byte ${where.offset}` : ''}: ${problem}`);
  }

  private notes(): string[] {
    const notes: string[] = [];
    const r = this.rules;
    notes.push(...r.unchecked.map((u) => `${r.name}: ${u}`));
    const orphans = this.orphans.filter((o) => !(r.genesis && o.hash === r.genesis.hash));
    if (orphans.length > 0) {
      const named = orphans
        .slice(0, NAMED)
        .map((o) => `block ${o.hash}${o.height !== null ? ` (height ${o.height.toLocaleString('en')})` : ''} in ${escapeControls(o.file)}, whose parent ${o.prev} is neither in the store nor in the files`)
        .join('; ');
      notes.push(
        `${orphans.length === 1 ? '1 block has' : `${orphans.length} blocks have`} no known parent, so ${orphans.length === 1 ? 'its' : 'their'} difficulty (bits) and median-time-past could not be checked` +
          `${r.powLimit !== null ? ' (proof of work and the 2-hour future bound were)' : ''}: ${named}${orphans.length > NAMED ? ` and ${orphans.length - NAMED} more` : ''}`,
      );
    }
    if (this.bitsUnknown > 0) {
      notes.push(`the difficulty (bits) of ${this.bitsUnknown} block(s) whose parent is known could not be checked (${this.bitsUnknown > 1 ? 'the first: ' : ''}${this.bitsUnknownWhy})`);
    }
    if (this.mtpPartial + this.mtpUnknown > 0) {
      notes.push(
        `median-time-past: ${this.mtpPartial + this.mtpUnknown} block(s) have fewer than ${MEDIAN_TIME_SPAN} known ancestors; ` +
          `${this.mtpPartial} were checked against the lowest median those allow, ${this.mtpUnknown} (fewer than 6 known) not at all`,
      );
    }
    if (!this.options.enforce) {
      notes.push(
        `header checks were not enforced (unvalidated headers): ${this.failed === 0 ? `all ${this.checked} block(s) passed them` : `${this.failed} of ${this.checked} block(s) would have been refused`}` +
          (this.failures.length ? `: ${this.failures.join('; ')}${this.failed > this.failures.length ? ` and ${this.failed - this.failures.length} more` : ''}` : ''),
      );
    }
    return notes;
  }
}
