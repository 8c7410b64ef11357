/**
 * Hands commit positions to the caller's `onCommit`, one call at a time: a position that arrives while an async
 * call is running waits, and only the newest waiting one is reported next. A synchronous `onCommit` is called at once.
 */
export class CommitReporter {
  private latest: bigint | undefined;
  private reported: bigint | undefined;
  private running: Promise<void> | undefined;
  private broken = false;

  constructor(
    private readonly onCommit: ((position: bigint) => void | Promise<void>) | undefined,
    /** Called once if `onCommit` throws or rejects; nothing is reported after that. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The last position `onCommit` accepted (without `onCommit`: the last one offered). */
  get committed(): bigint | undefined {
    return this.onCommit ? this.reported : this.latest;
  }

  /** A new commit position (larger than the last one offered). */
  offer(position: bigint): void {
    this.latest = position;
    if (this.running === undefined && !this.broken && this.onCommit) this.call(position);
  }

  /** Resolves once no call is running and the newest position was reported (or reporting broke). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private call(position: bigint): void {
    let outcome: void | Promise<void>;
    try {
      outcome = this.onCommit!(position);
    } catch (error) {
      this.break(error);
      return;
    }
    if (!isPromiseLike(outcome)) {
      this.reported = position;
      return;
    }
    this.running = Promise.resolve(outcome).then(
      () => {
        this.running = undefined;
        this.reported = position;
        if (this.latest !== position && !this.broken) this.call(this.latest!);
      },
      (error: unknown) => {
        this.running = undefined;
        this.break(error);
      },
    );
  }

  private break(error: unknown): void {
    this.broken = true;
    this.onError(error);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
