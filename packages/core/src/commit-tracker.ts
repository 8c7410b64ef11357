/**
 * Says how far a source may commit: positions are handed out in source order; commit stops at the first one not yet done.
 *
 * Records finish out of order (writes run concurrently, a record may wait in a retry), but a source such as a Kafka
 * partition or a file can only checkpoint a prefix. The tracker keeps the tracked positions in order and the ones
 * still pending in a set; `committed` is the last position of the done prefix. Each position is pushed once and
 * popped once, so every call is O(1) amortized.
 *
 * @example
 * const tracker = new CommitTracker();
 * tracker.track(10n); tracker.track(11n); tracker.track(12n);
 * tracker.done(11n); // tracker.committed === undefined: 10 is still pending
 * tracker.done(10n); // tracker.committed === 11n
 */
export class CommitTracker {
  /** Tracked positions from the oldest one not yet committed, in order; `head` is where that oldest one sits. */
  private order: bigint[] = [];
  private head = 0;
  /** Tracked and not done. */
  private readonly open = new Set<bigint>();
  private last: bigint | undefined;
  private committedPosition: bigint | undefined;

  /** Registers the next position, in source order (bigint, e.g. a Kafka offset or a line number); strictly increasing. */
  track(position: bigint): void {
    if (typeof position !== 'bigint') throw new TypeError(`Expected a bigint position, got ${describe(position)}`);
    if (this.last !== undefined && position <= this.last) {
      throw new RangeError(`Positions must be tracked in increasing order: ${position} after ${this.last}`);
    }
    this.last = position;
    this.order.push(position);
    this.open.add(position);
  }

  /** The record at `position` is written, or failed and handed to a dead-letter handler. Any order. */
  done(position: bigint): void {
    if (typeof position !== 'bigint') throw new TypeError(`Expected a bigint position, got ${describe(position)}`);
    if (!this.open.delete(position)) {
      throw new RangeError(`Position ${position} is not pending: it was never tracked, or is already done`);
    }
    this.advance();
  }

  /**
   * The highest position P such that every tracked position <= P is done (undefined if none); advancing only.
   * Always a position that was tracked: with gaps (10, 20), it goes from 10 straight to 20.
   */
  get committed(): bigint | undefined {
    return this.committedPosition;
  }

  /** Tracked but not done. */
  get pending(): number {
    return this.open.size;
  }

  private advance(): void {
    const order = this.order;
    let head = this.head;
    while (head < order.length && !this.open.has(order[head]!)) this.committedPosition = order[head++];
    // Drop the committed prefix once it is the larger half, so the array stays proportional to what is pending.
    if (head > 1024 && head * 2 > order.length) {
      this.order = order.slice(head);
      head = 0;
    } else if (head === order.length) {
      order.length = 0;
      head = 0;
    }
    this.head = head;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}
