/** Runs DynamoSink over the bench's records, fed in chunks with several writes in flight, or in one write. */
import type { DynamoDBClient } from './aws-sdk.js';
import { loadExport } from './load-export.js';
import { PARTITION_KEY, SORT_KEY, TABLE, type BenchRecord } from './workload.js';

export interface SinkInput {
  readonly value: BenchRecord;
  readonly timestamp: number;
}

/** The slice of DynamoSink's API the bench uses, declared here so the bench loads while the sink is being written. */
export interface BenchSink {
  write(records: readonly SinkInput[]): Promise<{ written: number; failed: readonly unknown[] }>;
  open?(): Promise<void>;
  close(): Promise<void>;
}
/** Either a client to use as it is, or the config of a client the sink builds and tunes itself. */
export type SinkClient = { client: DynamoDBClient } | { clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } };
export type SinkConstructor = new (options: {
  tableName: string;
  partitionKey: string;
  sortKey?: string;
  maxInFlight?: number;
  maxRetries?: number;
  versionField?: string;
} & SinkClient) => BenchSink;

/** The sink class, or why it could not be loaded. */
export const loadDynamoSink = () => loadExport<SinkConstructor>('@dynamo-sink/core', 'DynamoSink');

export interface SinkFeed {
  /** Records per `write`; 0 = everything in one write. */
  readonly chunk: number;
  /** `write` calls awaited at once, so the sink never runs dry between chunks. */
  readonly writesInFlight: number;
}

export function sinkInputs(records: readonly BenchRecord[], feed: SinkFeed): SinkInput[][] {
  const inputs = records.map((value) => ({ value, timestamp: value.timestamp }));
  if (feed.chunk <= 0) return [inputs];
  const chunks: SinkInput[][] = [];
  for (let i = 0; i < inputs.length; i += feed.chunk) chunks.push(inputs.slice(i, i + feed.chunk));
  return chunks;
}

export interface SinkRun {
  /** Writes every chunk and closes the sink; resolves to the records written. */
  run(): Promise<number>;
  failed(): number;
}

export interface SinkOptions {
  readonly maxInFlight: number;
  readonly maxRetries?: number;
  /** Version-guarded writes: one conditional PutItem per record instead of batches. */
  readonly versionField?: string;
}

/**
 * Builds and opens a sink on the bench's table and key specs (outside the timer: DescribeTable is a one-off, not
 * throughput). Every mode that runs DynamoSink builds it here, so they differ only in how records reach it.
 */
export async function openSink(DynamoSink: SinkConstructor, target: SinkClient, options: SinkOptions): Promise<BenchSink> {
  const sink = new DynamoSink({ tableName: TABLE, partitionKey: PARTITION_KEY, sortKey: SORT_KEY, ...target, ...options });
  await sink.open?.();
  return sink;
}

/** Opens a sink (see openSink) and returns the timed part: every chunk written, the sink closed. */
export async function prepareSink(
  DynamoSink: SinkConstructor,
  target: SinkClient,
  options: SinkOptions,
  chunks: readonly SinkInput[][],
  feed: SinkFeed,
): Promise<SinkRun> {
  const sink = await openSink(DynamoSink, target, options);
  let failed = 0;
  return {
    failed: () => failed,
    async run() {
      let next = 0;
      let written = 0;
      const feeder = async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++]!;
          const result = await writeWithBackpressure(sink, chunk);
          written += result.written;
          failed += result.failed.length;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, feed.writesInFlight) }, feeder));
      await sink.close();
      return written;
    },
  };
}

/** A saturated sink asks for the same records again later (SinkBackpressureError); do as told. */
async function writeWithBackpressure(sink: BenchSink, chunk: readonly SinkInput[]) {
  for (;;) {
    try {
      return await sink.write(chunk);
    } catch (error) {
      const retryAfterMs = (error as { name?: string; retryAfterMs?: number }).retryAfterMs;
      if ((error as Error).name !== 'SinkBackpressureError') throw error;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs ?? 1));
    }
  }
}
