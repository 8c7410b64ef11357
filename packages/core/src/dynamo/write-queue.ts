import type { PreparedItem } from './item-builder.js';

/** DynamoDB's limit on put requests in one BatchWriteItem call. */
export const MAX_BATCH_ITEMS = 25;
/** DynamoDB's limit on one request's size. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** A record waiting for its item to be written, and whoever waits for the outcome. */
export interface Owner<T> {
  readonly prepared: PreparedItem;
  readonly ticket: T;
}

/** One item to write. Records with the same key collapse into one entry before it is sent: the newest wins. */
export interface Entry<T> {
  /** The newest record for this key: its item is the one sent. */
  owner: Owner<T>;
  /** Older records for the same key, oldest first. They are written when `owner` is, since it overwrites them. */
  superseded: Owner<T>[];
  /** Failed tries so far. */
  attempts: number;
  /** performance.now() before which a retry must not be sent. */
  notBefore: number;
}

/**
 * Orders writes. Per key: at most one entry in flight (the lock holder) and at most one waiting, into which newer
 * records collapse; so the newest record always lands last and no request carries one key twice.
 * Across keys, first come first served. Pure bookkeeping: no I/O, no timers.
 */
export class WriteQueue<T> {
  private ready: Entry<T>[] = [];
  private readyHead = 0;
  /** Entries that came up while their key was locked; released when the lock holder settles. */
  private readonly blocked = new Map<string, Entry<T>>();
  /** Not yet sent, by key: what a newer record collapses into. */
  private readonly waiting = new Map<string, Entry<T>>();
  /** Sent and not yet settled, by key. They hold the key's lock, also while they wait for a retry. */
  private readonly locked = new Map<string, Entry<T>>();
  private readonly retrying: Entry<T>[] = [];

  /** Entries not settled: waiting, in flight or retrying. */
  get size(): number {
    return this.waiting.size + this.locked.size;
  }

  /** Queues a record's item; collapses it into a waiting entry of the same key (which it supersedes). */
  add(owner: Owner<T>): void {
    const key = owner.prepared.keyId;
    const waiting = this.waiting.get(key);
    if (waiting) {
      waiting.superseded.push(waiting.owner);
      waiting.owner = owner;
      return;
    }
    const entry: Entry<T> = { owner, superseded: [], attempts: 0, notBefore: 0 };
    this.waiting.set(key, entry);
    this.ready.push(entry);
  }

  /**
   * Queues records OLDER than anything queued for their key (the survivors of a rejected newer record):
   * if a newer entry waits, they become its superseded records; otherwise the newest of them is written.
   */
  addOlder(owners: Owner<T>[]): void {
    const newest = owners.at(-1);
    if (!newest) return;
    const key = newest.prepared.keyId;
    const waiting = this.waiting.get(key);
    if (waiting) {
      waiting.superseded.unshift(...owners);
      return;
    }
    const entry: Entry<T> = { owner: newest, superseded: owners.slice(0, -1), attempts: 0, notBefore: 0 };
    this.waiting.set(key, entry);
    this.ready.push(entry);
  }

  /** Puts a sent entry back to be retried at `notBefore`; it keeps its key's lock meanwhile. */
  retry(entry: Entry<T>, notBefore: number): void {
    entry.notBefore = notBefore;
    this.retrying.push(entry);
  }

  /** The entry is done (written or failed for good): releases its key to the next record. */
  settle(entry: Entry<T>): void {
    const key = entry.owner.prepared.keyId;
    if (this.locked.get(key) !== entry) return;
    this.locked.delete(key);
    const next = this.blocked.get(key);
    if (next) {
      this.blocked.delete(key);
      this.ready.push(next);
    }
  }

  /** The next request: due retries first, then new entries; at most 25 items and 16 MB, one entry per key. */
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
      if (entry.notBefore <= now && fits(entry)) {
        this.retrying.splice(i, 1);
        batch.push(entry);
      } else i++;
    }

    while (batch.length < MAX_BATCH_ITEMS && this.readyHead < this.ready.length) {
      const entry = this.ready[this.readyHead]!;
      const key = entry.owner.prepared.keyId;
      if (this.locked.has(key)) {
        this.readyHead++;
        this.blocked.set(key, entry);
        continue;
      }
      if (!fits(entry)) break;
      this.readyHead++;
      this.waiting.delete(key);
      this.locked.set(key, entry);
      batch.push(entry);
    }
    this.compact();
    return batch;
  }

  /** When the earliest retry is due, if any waits. */
  nextRetryAt(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.retrying) if (earliest === undefined || entry.notBefore < earliest) earliest = entry.notBefore;
    return earliest;
  }

  /** Whether `take` could return something now, ignoring retries not yet due. */
  hasReady(now: number): boolean {
    return this.readyHead < this.ready.length || this.retrying.some((entry) => entry.notBefore <= now);
  }

  /** Drops the consumed head of the ready list now and then, so it does not grow without end. */
  private compact(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }
}
