/**
 * When the service counts as unhealthy: records are waiting to be written and no write has settled for `stallAfterMs`
 * (DynamoDB unreachable, throttled to a standstill, a table that never became ACTIVE), or the consumer has stopped
 * with an error. An idle service with nothing pending is healthy.
 */
import type { SinkCounts } from './instrumented-sink.js';

/** What `/health` answers. */
export interface HealthStatus {
  readonly healthy: boolean;
  /** Why, in a few words: `ok`, `writing stalled: 500 records pending, nothing written for 61 s`. */
  readonly reason: string;
}

/** Decides health from the sink's counts and the service's state. */
export class HealthCheck {
  private failure: string | undefined;

  constructor(
    private readonly counts: () => SinkCounts,
    private readonly stallAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The consumer stopped with an error: unhealthy from now on. */
  markFailed(reason: string): void {
    this.failure ??= reason;
  }

  status(): HealthStatus {
    if (this.failure !== undefined) return { healthy: false, reason: `stopped: ${this.failure}` };
    const { pending, lastProgressAt } = this.counts();
    if (pending > 0 && lastProgressAt !== undefined) {
      const idleMs = this.now() - lastProgressAt;
      if (idleMs >= this.stallAfterMs) {
        return { healthy: false, reason: `writing stalled: ${pending} records pending, nothing written for ${Math.round(idleMs / 1000)} s` };
      }
    }
    return { healthy: true, reason: 'ok' };
  }
}
