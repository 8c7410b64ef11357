/** What a time budget reads from Lambda's context object. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** What `TimeBudget.race` resolves with when the deadline comes first. */
export const EXPIRED: unique symbol = Symbol('expired');

// setTimeout fires at once for delays beyond a signed 32-bit number of ms.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One invocation's time: it ends `marginMs` before Lambda's own timeout (`context.getRemainingTimeInMillis()`), so
 * that the handler can still answer with what it did not write. Without a context (a local call), it never ends.
 */
export class TimeBudget {
  private readonly deadline: number;
  private expiry: Promise<typeof EXPIRED> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private over = false;

  constructor(context: Partial<RemainingTime> | undefined, marginMs: number) {
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : Infinity;
    this.deadline = Number.isNaN(remaining) ? Infinity : performance.now() + remaining - marginMs;
  }

  /** True once the deadline has passed (or its timer fired, which can be a hair early): start nothing new. */
  get isOver(): boolean {
    this.over ||= performance.now() >= this.deadline;
    return this.over;
  }

  /** The promise's outcome, or `EXPIRED` if the deadline comes first (the promise runs on, unobserved). */
  race<T>(promise: Promise<T>): Promise<T | typeof EXPIRED> {
    const delay = this.deadline - performance.now();
    if (delay > MAX_TIMER_MS) return promise;
    this.expiry ??= new Promise((resolve) => {
      this.timer = setTimeout(() => {
        this.over = true;
        resolve(EXPIRED);
      }, Math.max(0, delay));
    });
    return Promise.race([promise, this.expiry]);
  }

  /** Waits `ms`; false when the deadline comes first. */
  async sleep(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slept = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), ms);
    });
    const outcome = await this.race(slept);
    clearTimeout(timer);
    return outcome === true;
  }

  /** Clears the deadline's timer; call once the invocation's work is over. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
