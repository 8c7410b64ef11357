/**
 * The bench's records as Kafka messages, for the Kafka adapters' modes, and a watch on the offsets an adapter
 * commits: the run ends when every partition is committed to its end.
 */
import type { BenchRecord } from './workload.js';

export const KAFKA_TOPIC = 'bench-events';
/** As librdkafka's mock cluster creates a topic; also the adapters' default `partitionsConsumedConcurrently`. */
export const KAFKA_PARTITIONS = 4;
/** The messages' Kafka timestamps start here; the sink keys by the value's own `timestamp` field. */
const PRODUCED_AT_MS = Date.UTC(2024, 4, 1);

/** One message as it sits in a partition: what both client shapes are made from. */
export interface BenchMessage {
  readonly key: Buffer;
  /** The record as JSON text: the adapter decodes it (core's parseJson) as users run it. */
  readonly value: Buffer;
  readonly offset: number;
  readonly timestampMs: number;
}

/** Each message value's record, kept on the value itself, for a deserializer that hands records over ready-made. */
const RECORD = Symbol('bench record');

/**
 * The records as messages: record i on partition i % partitions (each keyed by its key1, as a producer keys them),
 * offsets from 0 in each partition. Fresh buffers on each call, made before the timer.
 */
export function kafkaPartitions(records: readonly BenchRecord[], partitions = KAFKA_PARTITIONS): BenchMessage[][] {
  const out: BenchMessage[][] = Array.from({ length: partitions }, () => []);
  records.forEach((record, i) => {
    const log = out[i % partitions]!;
    const value: Buffer & { [RECORD]?: BenchRecord } = Buffer.from(JSON.stringify(record));
    value[RECORD] = record;
    log.push({ key: Buffer.from(record.key1), value, offset: log.length, timestampMs: PRODUCED_AT_MS + i });
  });
  return out;
}

/**
 * A deserializer returning the record each message was made from, without parsing: the adapter's write path then
 * gets what the sink and pipe modes get (records ready-made), and the modes compare feeding alone.
 */
export function readyMadeDeserializer(message: { readonly value?: (Uint8Array & { [RECORD]?: BenchRecord }) | null }): Record<string, unknown> {
  const record = message.value?.[RECORD];
  if (!record) throw new Error('a message the bench did not make');
  return record as unknown as Record<string, unknown>;
}

/**
 * The offsets an adapter committed, per partition, against each partition's end (its last offset + 1). `caughtUp`
 * resolves once every partition's commit reached its end.
 */
export class CommitWatch {
  private readonly committed: (number | undefined)[];
  private readonly ends: readonly number[];
  private resolveCaughtUp!: () => void;
  readonly caughtUp = new Promise<void>((resolve) => (this.resolveCaughtUp = resolve));

  constructor(partitions: readonly (readonly unknown[])[]) {
    this.ends = partitions.map((log) => log.length);
    this.committed = this.ends.map(() => undefined);
    if (this.ends.every((end) => end === 0)) this.resolveCaughtUp();
  }

  /** A commit the client accepted: `offset` is the next one to read. Commits may come in any order. */
  commit(partition: number, offset: number): void {
    const before = this.committed[partition];
    if (before === undefined || offset > before) this.committed[partition] = offset;
    if (this.ends.every((end, p) => end === 0 || this.committed[p] === end)) this.resolveCaughtUp();
  }

  /** Partitions whose committed offset is not their last offset + 1. Empty when all is well. */
  problems(): string[] {
    return this.ends.flatMap((end, partition) => {
      const committed = this.committed[partition];
      return end === 0 || committed === end ? [] : [`partition ${partition} committed ${committed ?? 'nothing'} of end ${end}`];
    });
  }
}
