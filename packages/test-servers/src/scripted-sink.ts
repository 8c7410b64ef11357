import { RecordError, type FailureReason, type RecordFailure, type Sink, type SinkRecord, type WriteResult } from '@dynamo-sink/core';

/** What a ScriptedSink does with one write call: the call's records, its 0-based number, and the sink (to `store`). */
export type WriteStep<V> = (records: readonly SinkRecord<V>[], call: number, sink: ScriptedSink<V>) => Promise<WriteResult<V>> | WriteResult<V>;

/**
 * A sink that does what the test says, call by call: write, fail some records, reject, push back, or wait.
 * By default it stores every record.
 */
export class ScriptedSink<V = unknown> implements Sink<V> {
  /** The records of every write call, in call order. */
  readonly calls: SinkRecord<V>[][] = [];
  /** Records stored by `store`, in the order stored. */
  readonly stored: SinkRecord<V>[] = [];

  constructor(private readonly step: WriteStep<V> = (records, _call, sink) => sink.store(records)) {}

  /** A sink whose write call number `call` waits for `hold(call)` (nothing: it goes on at once), then stores its records. */
  static holding<V>(hold: (call: number) => PromiseLike<unknown> | undefined): ScriptedSink<V> {
    return new ScriptedSink<V>(async (records, call, sink) => {
      await hold(call);
      return sink.store(records);
    });
  }

  async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    const call = this.calls.push([...records]) - 1;
    return this.step(records, call, this);
  }

  /** Stores the records, except those `fails` picks, which fail with `reason`. */
  store(records: readonly SinkRecord<V>[], fails: (record: SinkRecord<V>) => boolean = () => false, reason: FailureReason = 'invalid-key'): WriteResult<V> {
    const failed: RecordFailure<V>[] = [];
    for (const [index, record] of records.entries()) {
      if (fails(record)) failed.push({ record, index, reason, field: 'id', error: new RecordError(`scripted ${reason}`, { field: 'id' }) });
      else this.stored.push(record);
    }
    return { written: records.length - failed.length, failed };
  }

  /** `partition:offset` of every stored record, e.g. `['0:0', '0:1']`. */
  storedPositions(): string[] {
    return this.stored.map((record) => `${record.partition}:${record.offset}`);
  }
}

/** A promise with its resolve function, to hold a write until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}
