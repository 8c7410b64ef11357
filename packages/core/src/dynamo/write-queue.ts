import type { PreparedWrite } from './item-builder.js';

/** DynamoDB's limit on requests in one BatchWriteItem call, across all its tables. */
export const MAX_BATCH_ITEMS = 25;
/** DynamoDB's limit on one request's size. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** A record waiting for its write: whoever waits for the outcome (`ticket`), and which of its records it is. */
export interface Owner<T> {
  readonly prepared: PreparedWrite;
  readonly ticket: T;
  readonly index: number;
}

/** One write to send. Batched writes (puts, deletes) of one key collapse into one entry before it is sent: the newest wins. */
export interface Entry<T> {
  /** The newest record for this key: its write is the one sent. */
  owner: Owner<T>;
  /** Older records for the same key, oldest first (none: undefined, the common case). They are written when `owner` is, since it overwrites them. */
  superseded: Owner<T>[] | undefined;
  /** Failed tries so far. */
  attempts: number;
  /** performance.now() before which a retry must not be sent. */
  notBefore: number;
}

/** What is going on with one key: the entry holding its lock, and the entries waiting for it, oldest first. */
interface KeyState<T> {
  /** Sent and not yet settled. It holds the key's lock, also while it waits for a retry. */
  locked: Entry<T> | undefined;
  /** Not yet sent. Only the first is ever ready to go, and only while nothing holds the lock. */
  waiting: Entry<T>[];
}

const isBatched = (owner: Owner<unknown>): boolean => owner.prepared.batch !== undefined;

/**
 * Orders writes. Per key: at most one entry in flight (the lock holder), the others waiting in arrival order; a
 * batched write (put or delete) collapses into a batched write waiting last, since the newer overwrites the older.
 * Single-item writes (guarded, updates) never collapse: each must meet the stored item in turn. So the newest record
 * of a key always lands last, and no request carries one key twice. Across keys, first come first served.
 * Pure bookkeeping: no I/O, no timers.
 */
export class WriteQueue<T> {
  /** The first waiting entry of each unlocked key, by kind, in the order they became ready. */
  private readonly ready = { batch: new Fifo<Entry<T>>(), single: new Fifo<Entry<T>>() };
  /** One map lookup per step: this is on the path of every record. */
  private readonly keys = new Map<string, KeyState<T>>();
  private readonly retrying: Entry<T>[] = [];
  private unsettled = 0;

  /** Entries not settled: waiting, in flight or retrying. */
  get size(): number {
    return this.unsettled;
  }

  /** Queues a record's write; a batched one collapses into a batched entry of the same key waiting last. */
  add(owner: Owner<T>): void {
    const key = owner.prepared.keyId;
    const state = this.keys.get(key);
    const last = state?.waiting.at(-1);
    if (last && isBatched(last.owner) && isBatched(owner)) {
      (last.superseded ??= []).push(last.owner);
      last.owner = owner;
      return;
    }
    const entry: Entry<T> = { owner, superseded: undefined, attempts: 0, notBefore: 0 };
    this.unsettled++;
    if (!state) {
      this.keys.set(key, { locked: undefined, waiting: [entry] });
      this.markReady(entry);
      return;
    }
    state.waiting.push(entry);
    if (!state.locked && state.waiting.length === 1) this.markReady(entry);
  }

  /**
   * Queues records OLDER than anything waiting for their key (the survivors of a rejected newer record, all batched
   * writes): while the rejected entry still holds the lock. If the next entry is a batched write, it supersedes them;
   * otherwise the newest of them goes first.
   */
  addOlder(owners: Owner<T>[]): void {
    const newest = owners.at(-1);
    if (!newest) return;
    const state = this.keys.get(newest.prepared.keyId);
    if (!state?.locked) throw new Error('addOlder needs the key locked by the rejected entry');
    const next = state.waiting[0];
    if (next && isBatched(next.owner)) {
      next.superseded = [...owners, ...(next.superseded ?? [])];
      return;
    }
    this.unsettled++;
    state.waiting.unshift({ owner: newest, superseded: owners.length > 1 ? owners.slice(0, -1) : undefined, attempts: 0, notBefore: 0 });
  }

  /** Puts a sent entry back to be retried at `notBefore`; it keeps its key's lock meanwhile. */
  retry(entry: Entry<T>, notBefore: number): void {
    entry.notBefore = notBefore;
    this.retrying.push(entry);
  }

  /** The entry is done (written, stale or failed for good): releases its key to the next entry. */
  settle(entry: Entry<T>): void {
    const key = entry.owner.prepared.keyId;
    const state = this.keys.get(key);
    if (state?.locked !== entry) return;
    this.unsettled--;
    state.locked = undefined;
    const next = state.waiting[0];
    if (next) this.markReady(next);
    else this.keys.delete(key);
  }

  /** The next BatchWriteItem request: due retries first, then new entries; at most 25 items and 16 MB, one entry per key. */
  take(now: number, maxBytes = MAX_REQUEST_BYTES): Entry<T>[] {
    const batch: Entry<T>[] = [];
    let bytes = 0;
    const fits = (entry: Entry<T>): boolean => {
      // 4/3 for base64 of binary values and JSON's quoting: a safe bound on the item's bytes on the wire.
      const wire = Math.ceil(entry.owner.prepared.size * 1.4) + 64;
      if (batch.length > 0 && bytes + wire > maxBytes) return false;
      bytes += wire;
      return true;
    };
    for (let i = 0; i < this.retrying.length && batch.length < MAX_BATCH_ITEMS; ) {
      const entry = this.retrying[i]!;
      if (entry.notBefore <= now && isBatched(entry.owner) && fits(entry)) {
        this.retrying.splice(i, 1);
        batch.push(entry);
      } else i++;
    }
    const ready = this.ready.batch;
    while (batch.length < MAX_BATCH_ITEMS) {
      const entry = ready.peek();
      if (!entry || !fits(entry)) break;
      batch.push(this.lock(ready.shift()!));
    }
    return batch;
  }

  /** The next single-item write: a due retry first, then a new entry. */
  takeSingle(now: number): Entry<T> | undefined {
    const index = this.retrying.findIndex((entry) => entry.notBefore <= now && !isBatched(entry.owner));
    if (index >= 0) return this.retrying.splice(index, 1)[0];
    const entry = this.ready.single.shift();
    return entry && this.lock(entry);
  }

  /** When the earliest retry is due, if any waits. */
  nextRetryAt(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.retrying) if (earliest === undefined || entry.notBefore < earliest) earliest = entry.notBefore;
    return earliest;
  }

  /** Requests ready in full: single-item writes, and BatchWriteItem requests' worth of new batched entries. */
  readyRequests(): number {
    return this.ready.single.length + Math.floor(this.ready.batch.length / MAX_BATCH_ITEMS);
  }

  /** Whether `take` or `takeSingle` could return something now, ignoring retries not yet due. */
  hasReady(now: number): boolean {
    return this.ready.batch.length > 0 || this.ready.single.length > 0 || this.retrying.some((entry) => entry.notBefore <= now);
  }

  private markReady(entry: Entry<T>): void {
    (isBatched(entry.owner) ? this.ready.batch : this.ready.single).push(entry);
  }

  private lock(entry: Entry<T>): Entry<T> {
    const state = this.keys.get(entry.owner.prepared.keyId)!;
    state.waiting.shift();
    state.locked = entry;
    return entry;
  }
}

/** A FIFO with an advancing head, compacted now and then, so that taking from the front costs nothing per item. */
export class Fifo<E> {
  private items: E[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: E): void {
    this.items.push(entry);
  }

  peek(): E | undefined {
    return this.items[this.head];
  }

  shift(): E | undefined {
    const entry = this.items[this.head];
    if (entry === undefined) return undefined;
    // Let go of it now, not at the next compaction: an entry holds its record's request text, and what stays reachable
    // past a scavenge or two gets promoted to the old generation, which costs the whole process.
    this.items[this.head++] = undefined as E;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}
