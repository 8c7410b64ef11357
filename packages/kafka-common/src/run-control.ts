import { SinkError } from '@dynamo-sink/core';

/** What a Kafka adapter's `run()` resolves with. */
export interface KafkaRunStats {
  /**
   * Records the sink took: written (a tombstone's delete included), or passed over as stale by a version-guarded
   * sink (a newer version was stored already; `DynamoSink`'s `versionField`). Either way the offset is done.
   */
  readonly written: number;
  /** Messages handed to `onDeadLetter`. */
  readonly deadLettered: number;
}

/**
 * A Kafka adapter's run, from `run()` to stopped, whatever its client: run once, stop once (the first error wins),
 * and the totals. The adapter supplies how to shut its consumer down.
 */
export class RunControl {
  private written = 0;
  private deadLettered = 0;
  private running = false;
  private failure: Error | undefined;
  private stopping: Promise<void> | undefined;
  /** Resolves once the shutdown has finished, whoever began it. */
  private readonly stopped: Promise<void>;
  private markStopped!: () => void;

  /** `consumerName`: the adapter's class, for the errors of a misuse. */
  constructor(private readonly consumerName: string) {
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
  }

  /** Totals so far. */
  get stats(): KafkaRunStats {
    return { written: this.written, deadLettered: this.deadLettered };
  }

  /** True once a stop or a failure began: hand nothing more to the sink. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Adds records written and messages dead-lettered. */
  readonly counted = (written: number, deadLettered: number): void => {
    this.written += written;
    this.deadLettered += deadLettered;
  };

  /** At the start of `run()`: refuses a second run, and a run after a stop. */
  begin(): void {
    if (this.running) throw new SinkError(`${this.consumerName}.run() was already called; create a new one to run again`);
    if (this.stopping) throw new SinkError(`${this.consumerName} was stopped before run(); create a new one to run`);
    this.running = true;
  }

  /** Records why the run failed; the first error wins. */
  fail(error: Error): void {
    this.failure ??= error;
  }

  /** Stops the run, with `error` as its failure if it is the first; `shutdown` runs once, whoever calls first. */
  halt(error: Error | undefined, shutdown: () => Promise<void>): Promise<void> {
    if (error) this.fail(error);
    this.stopping ??= (async () => {
      await shutdown();
      this.markStopped();
    })();
    return this.stopping;
  }

  /** Once stopped: rejects with the failure, if any, or resolves with the totals. */
  async finished(): Promise<KafkaRunStats> {
    await this.stopped;
    if (this.failure) throw this.failure;
    return this.stats;
  }
}
