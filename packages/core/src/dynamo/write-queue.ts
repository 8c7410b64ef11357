import type { PreparedItem } from './item-builder.js';

/** DynamoDB's limit on put requests in one BatchWriteItem call. */
export const MAX_BATCH_ITEMS = 25;
/** DynamoDB's limit on one request's size. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** A record waiting for its item to be written: whoever waits for the outcome (`ticket`), and which of its records it is. */
export interface Owner<T> {
  readonly prepared: PreparedItem;
  readonly ticket: T;
  readonly index: number;
}

/** One item to write. Records with the same key collapse into one entry before it is sent: the newest wins. */
export interface Entry<T> {
  /** The newest record for this key: its item is the one sent. */
  owner: Owner<T>;
  /** Older records for the same key, oldest first (none: undefined, the common case). They are written when `owner` is, since it overwrites them. */
  superseded: Owner<T>[] | undefined;
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
/** What is going on with one key: the entry holding its lock, and the entry waiting for it. */
interface KeyState<T> {
  /** Sent and not yet settled. It holds the key's lock, also while it waits for a retry. */
  locked: Entry<T> | undefined;
  /** Not yet sent: what newer records collapse into. */
  waiting: Entry<T> | undefined;
  /** `waiting` came up while the key was locked, and was set aside until the lock holder settles. */
  blocked: boolean;
}

export class WriteQueue<T> {
  private ready: Entry<T>[] = [];
  private readyHead = 0;
  /** One map lookup per step: this is on the path of every record. */
  private readonly keys = new Map<string, KeyState<T>>();
  private readonly retrying: Entry<T>[] = [];
  private unsettled = 0;

  /** Entries not settled: waiting, in flight or retrying. */
  get size(): number {
    return this.unsettled;
  }

  /** Queues a record's item; collapses it into a waiting entry of the same key (which it supersedes). */
  add(owner: Owner<T>): void {
    const key = owner.prepared.keyId;
    const state = this.keys.get(key);
    const waiting = state?.waiting;
    if (waiting) {
      (waiting.superseded ??= []).push(waiting.owner);
      waiting.owner = owner;
      return;
    }
    this.enqueue(key, state, { owner, superseded: undefined, attempts: 0, notBefore: 0 });
  }

  /**
   * Queues records OLDER than anything queued for their key (the survivors of a rejected newer record):
   * if a newer entry waits, they become its superseded records; otherwise the newest of them is written.
   */
  addOlder(owners: Owner<T>[]): void {
    const newest = owners.at(-1);
    if (!newest) return;
    const key = newest.prepared.keyId;
    const state = this.keys.get(key);
    if (state?.waiting) {
      state.waiting.superseded = [...owners, ...(state.waiting.superseded ?? [])];
      return;
    }
    this.enqueue(key, state, { owner: newest, superseded: owners.slice(0, -1), attempts: 0, notBefore: 0 });
  }

  private enqueue(key: string, state: KeyState<T> | undefined, entry: Entry<T>): void {
    if (state) state.waiting = entry;
    else this.keys.set(key, { locked: undefined, waiting: entry, blocked: false });
    this.ready.push(entry);
    this.unsettled++;
  }

  /** Puts a sent entry back to be retried at `notBefore`; it keeps its key's lock meanwhile. */
  retry(entry: Entry<T>, notBefore: number): void {
    entry.notBefore = notBefore;
    this.retrying.push(entry);
  }

  /** The entry is done (written or failed for good): releases its key to the next record. */
  settle(entry: Entry<T>): void {
    const key = entry.owner.prepared.keyId;
    const state = this.keys.get(key);
    if (state?.locked !== entry) return;
    this.unsettled--;
    state.locked = undefined;
    if (!state.waiting) this.keys.delete(key);
    else if (state.blocked) {
      state.blocked = false;
      this.ready.push(state.waiting);
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
      const state = this.keys.get(entry.owner.prepared.keyId)!;
      if (state.locked) {
        this.readyHead++;
        state.blocked = true;
        continue;
      }
      if (!fits(entry)) break;
      this.readyHead++;
      state.waiting = undefined;
      state.locked = entry;
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
