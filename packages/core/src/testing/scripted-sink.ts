import { RecordError, SinkBackpressureError, SinkError, WriteError } from '../errors.js';
import type { FailureReason, RecordFailure, Sink, SinkRecord, WriteResult } from '../sink.js';

/** Picks records: a script rule applies to a `write` call when it matches at least one record of the call. */
export type RecordMatcher<V> = (record: SinkRecord<V>) => boolean;

/**
 * What a {@link ScriptedSink} does. Every rule is optional; with none, it writes everything at once.
 * On each call the rules apply in this order: `latencyMs` and `hold` (wait), then `backpressure`, then `rejectWrite`
 * (each writes nothing), then `failRecord` (the rest of the call is written).
 */
export interface SinkScript<V> {
  /** Fails a record on its own: return its reason, or nothing to write it. Its failure goes back in `failed`. */
  readonly failRecord?: (record: SinkRecord<V>) => FailureReason | false | null | undefined;
  /**
   * Rejects a call holding a record `when` matches with a `WriteError`: nothing of the call is written, `unwritten`
   * holds all its records. The first `times` such calls (default: every one).
   */
  readonly rejectWrite?: { readonly when: RecordMatcher<V>; readonly times?: number };
  /**
   * Throws `SinkBackpressureError(retryAfterMs)` at the first `times` calls holding a record `when` matches (any call,
   * without `when`), writing nothing; later calls go through.
   */
  readonly backpressure?: { readonly times: number; readonly retryAfterMs: number; readonly when?: RecordMatcher<V> };
  /** How long each call takes, in ms: a number, or per call (say, slow for the call holding one record). */
  readonly latencyMs?: number | ((records: readonly SinkRecord<V>[], call: number) => number);
  /** Calls holding a record this matches wait until `release()`: a write kept pending for as long as the test wants. */
  readonly hold?: RecordMatcher<V>;
}

/** How a call ended; `pending` while it runs. */
export type ScriptedOutcome = 'pending' | 'written' | 'backpressure' | 'write-error' | 'closed';

/** One `write` call as the sink saw it. Times are `performance.now()` milliseconds. */
export interface ScriptedCall<V> {
  /** 0-based, in call order. */
  readonly number: number;
  readonly records: readonly SinkRecord<V>[];
  readonly startedAt: number;
  /** Undefined while pending. */
  readonly endedAt: number | undefined;
  readonly outcome: ScriptedOutcome;
}

type MutableCall<V> = { -readonly [K in keyof ScriptedCall<V>]: ScriptedCall<V>[K] };

/**
 * A `Sink` that follows a script, for testing what feeds a sink (adapters, pipelines): it fails the records you pick,
 * rejects writes with a `WriteError`, pushes back with `SinkBackpressureError` a few times then recovers, takes its
 * time, or holds a write until you release it; and it records everything: the records written (in the order their
 * writes completed), the records it failed, every call with its timing and outcome, and how many ran at once.
 * It keeps the `Sink` contract: `close()` waits for writes in flight, and later writes are refused.
 *
 * @example
 * const sink = new ScriptedSink<{ id: string }>({
 *   failRecord: (record) => (record.value.id === 'bad' ? 'invalid-key' : undefined),
 *   backpressure: { times: 2, retryAfterMs: 50 },
 *   latencyMs: 5,
 * });
 * await runMyPipeline(sink);
 * expect(sink.written.map((record) => record.value.id)).toEqual(['a', 'b']);
 * expect(sink.calls.filter((call) => call.outcome === 'backpressure')).toHaveLength(2);
 */
export class ScriptedSink<V = unknown> implements Sink<V> {
  /** Every record written, in the order their calls completed (within a call, in call order). */
  readonly written: SinkRecord<V>[] = [];
  /** Every failure handed back by `failRecord`, in order; `index` is the record's position in its call. */
  readonly failed: RecordFailure<V>[] = [];
  private readonly callLog: MutableCall<V>[] = [];
  private running = 0;
  private mostAtOnce = 0;
  private backpressureLeft: number;
  private rejectionsLeft: number;
  private holding = true;
  private readonly holds: (() => void)[] = [];
  private readonly inFlightWrites = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly script: SinkScript<V> = {}) {
    this.backpressureLeft = script.backpressure?.times ?? 0;
    this.rejectionsLeft = script.rejectWrite?.times ?? Infinity;
  }

  /** Every call, in call order. */
  get calls(): readonly ScriptedCall<V>[] {
    return this.callLog;
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.running;
  }

  /** The most calls that ever ran at once. */
  get maxInFlight(): number {
    return this.mostAtOnce;
  }

  /** Calls waiting for `release()` now. */
  get held(): number {
    return this.holds.length;
  }

  /** Lets the held calls go on; from now on nothing is held. */
  release(): void {
    this.holding = false;
    for (const resume of this.holds.splice(0)) resume();
  }

  async open(): Promise<void> {}

  write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    const call: MutableCall<V> = { number: this.callLog.length, records: [...records], startedAt: performance.now(), endedAt: undefined, outcome: 'pending' };
    this.callLog.push(call);
    if (this.closed) {
      this.end(call, 'closed');
      return Promise.reject(new SinkError('ScriptedSink is closed'));
    }
    const done = this.perform(call);
    this.inFlightWrites.add(done);
    void done.then(
      () => this.inFlightWrites.delete(done),
      () => this.inFlightWrites.delete(done),
    );
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlightWrites]);
  }

  private async perform(call: MutableCall<V>): Promise<WriteResult<V>> {
    const { records } = call;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      await this.wait(call);
      const { backpressure, rejectWrite, failRecord } = this.script;
      if (this.backpressureLeft > 0 && (backpressure!.when === undefined || records.some(backpressure!.when))) {
        this.backpressureLeft--;
        this.end(call, 'backpressure');
        throw new SinkBackpressureError(backpressure!.retryAfterMs);
      }
      if (rejectWrite && this.rejectionsLeft > 0 && records.some(rejectWrite.when)) {
        this.rejectionsLeft--;
        this.end(call, 'write-error');
        throw new WriteError<V>(`${records.length} records were not written: scripted WriteError`, { unwritten: records, written: 0, failed: [] });
      }
      const failures: RecordFailure<V>[] = [];
      records.forEach((record, index) => {
        const reason = failRecord?.(record);
        if (reason) failures.push({ record, index, reason, error: new RecordError(`scripted ${reason}`) });
        else this.written.push(record);
      });
      this.failed.push(...failures);
      this.end(call, 'written');
      return { written: records.length - failures.length, failed: failures };
    } finally {
      this.running--;
    }
  }

  private async wait(call: MutableCall<V>): Promise<void> {
    const { latencyMs, hold } = this.script;
    const delay = typeof latencyMs === 'function' ? latencyMs(call.records, call.number) : latencyMs;
    if (delay !== undefined && delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (hold && this.holding && call.records.some(hold)) await new Promise<void>((resolve) => this.holds.push(resolve));
  }

  private end(call: MutableCall<V>, outcome: ScriptedOutcome): void {
    call.outcome = outcome;
    call.endedAt = performance.now();
  }
}
