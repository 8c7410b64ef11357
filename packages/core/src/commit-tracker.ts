/**
 * Says how far a source may commit: positions are handed out in source order; commit stops at the first one not yet done.
 *
 * Records finish out of order (writes run concurrently, a record may wait in a retry), but a source such as a Kafka
 * partition or a file can only checkpoint a prefix. The tracker keeps the tracked positions in order, with a done
 * flag each; `committed` is the last position of the done prefix. Positions only increase, so finding one is a
 * binary search (and usually the first look: records mostly finish in order), with no hashing of bigints on the
 * path of every record. Each position is pushed once and dropped once.
 *
 * Positions are bigints (a Kafka offset, a line number), or safe-integer numbers where that is enough (an index, a
 * node-rdkafka offset): one kind per tracker. A number costs no allocation; a bigint is a heap object per record.
 *
 * @example
 * const tracker = new CommitTracker();
 * tracker.track(10n); tracker.track(11n); tracker.track(12n);
 * tracker.done(11n); // tracker.committed === undefined: 10 is still pending
 * tracker.done(10n); // tracker.committed === 11n
 */
export class CommitTracker<P extends bigint | number = bigint> {
  /** Tracked positions from the oldest one not yet committed, in order; `head` is where that oldest one sits. */
  private order: P[] = [];
  /** `done[i]` says whether `order[i]` is done. */
  private isDone: boolean[] = [];
  private head = 0;
  private open = 0;
  private committedPosition: P | undefined;
  /** The kind of position this tracker holds, set by the first one tracked. */
  private kind: 'bigint' | 'number' | undefined;

  /** Registers the next position, in source order (e.g. a Kafka offset or a line number); strictly increasing. */
  track(position: P): void {
    this.check(position);
    this.kind ??= typeof position === 'number' ? 'number' : 'bigint';
    const last = this.order.length > 0 ? this.order[this.order.length - 1] : this.committedPosition;
    if (last !== undefined && position <= last) {
      throw new RangeError(`Positions must be tracked in increasing order: ${position} after ${last}`);
    }
    this.order.push(position);
    this.isDone.push(false);
    this.open++;
  }

  /** The record at `position` is written, or failed and handed to a dead-letter handler. Any order. */
  done(position: P): void {
    this.check(position);
    const at = this.order[this.head] === position ? this.head : this.find(position);
    if (at < 0 || this.isDone[at]) {
      throw new RangeError(`Position ${position} is not pending: it was never tracked, or is already done`);
    }
    this.isDone[at] = true;
    this.open--;
    this.advance();
  }

  /**
   * The highest position P such that every tracked position <= P is done (undefined if none); advancing only.
   * Always a position that was tracked: with gaps (10, 20), it goes from 10 straight to 20.
   */
  get committed(): P | undefined {
    return this.committedPosition;
  }

  /** Tracked but not done. */
  get pending(): number {
    return this.open;
  }

  private check(position: P): void {
    const kind = this.kind ?? (typeof position === 'number' ? 'number' : 'bigint');
    if (typeof position === kind && (kind === 'bigint' || Number.isSafeInteger(position))) return;
    const expected = this.kind === undefined ? 'a bigint or safe-integer' : this.kind === 'bigint' ? 'a bigint' : 'a safe-integer';
    throw new TypeError(`Expected ${expected} position${this.kind ? ', like the ones tracked before' : ''}, got ${describe(position)}`);
  }

  /** Where `position` sits among the positions not yet committed, or -1. */
  private find(position: P): number {
    let low = this.head;
    let high = this.order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.order[middle]!;
      if (value === position) return middle;
      if (value < position) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private advance(): void {
    const { order, isDone } = this;
    let head = this.head;
    while (head < order.length && isDone[head]) this.committedPosition = order[head++];
    // Drop the committed prefix once it is the larger half, so the arrays stay proportional to what is pending.
    if (head > 1024 && head * 2 > order.length) {
      this.order = order.slice(head);
      this.isDone = isDone.slice(head);
      head = 0;
    } else if (head === order.length) {
      order.length = 0;
      isDone.length = 0;
      head = 0;
    }
    this.head = head;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}
