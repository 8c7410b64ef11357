import { RecordError, SinkBackpressureError, WriteError, type RecordFailure, type Sink, type SinkRecord, type WriteResult } from '@dynamo-sink/core';

/** What the scripted sink does on one `write` call. */
export type Step<V> =
  | { readonly kind: 'write'; readonly latencyMs?: number }
  /** Writes the batch but fails the records for which `fails` is true (as `invalid-value`). */
  | { readonly kind: 'fail-some'; readonly fails: (record: SinkRecord<V>) => boolean; readonly latencyMs?: number }
  /** Writes nothing, throws SinkBackpressureError. */
  | { readonly kind: 'throttle'; readonly retryAfterMs: number }
  /** Writes the first `writeFirst` records, then rejects with a WriteError holding the rest. */
  | { readonly kind: 'write-error'; readonly writeFirst: number; readonly latencyMs?: number }
  /** Rejects with a plain Error, writing nothing. */
  | { readonly kind: 'crash'; readonly message: string };

/** A call as the scripted sink saw it. */
export interface Call<V> {
  readonly step: Step<V>['kind'];
  readonly records: readonly SinkRecord<V>[];
  readonly at: number;
}

/**
 * A sink that follows a script, one step per `write` call (then `write` forever), and keeps what it wrote.
 * `script` may also be a function of the call number, for endless or pattern-based scripts.
 */
export class ScriptedSink<V = unknown> implements Sink<V> {
  readonly written: SinkRecord<V>[] = [];
  readonly calls: Call<V>[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly script: readonly Step<V>[] | ((call: number) => Step<V>)) {}

  async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    const number = this.calls.length;
    const step: Step<V> = typeof this.script === 'function' ? this.script(number) : (this.script[number] ?? { kind: 'write' });
    this.calls.push({ step: step.kind, records: [...records], at: performance.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if ('latencyMs' in step && step.latencyMs) await new Promise((resolve) => setTimeout(resolve, step.latencyMs));
      switch (step.kind) {
        case 'write':
          this.written.push(...records);
          return { written: records.length, failed: [] };
        case 'fail-some': {
          const failed: RecordFailure<V>[] = [];
          records.forEach((record, index) => {
            if (step.fails(record)) failed.push({ record, index, reason: 'invalid-value', field: 'v', error: new RecordError('v: scripted failure', { field: 'v' }) });
            else this.written.push(record);
          });
          return { written: records.length - failed.length, failed };
        }
        case 'throttle':
          throw new SinkBackpressureError(step.retryAfterMs);
        case 'write-error': {
          const written = records.slice(0, step.writeFirst);
          this.written.push(...written);
          const unwritten = records.slice(step.writeFirst);
          throw new WriteError<V>(`${unwritten.length} records were not written: scripted`, { unwritten, written: written.length, failed: [] });
        }
        case 'crash':
          throw new Error(step.message);
      }
    } finally {
      this.inFlight--;
    }
  }
}
