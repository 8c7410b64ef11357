/**
 * A changelog topic mirrored into DynamoDB, then replayed: the example behind `pnpm example:changelog`.
 *
 * The topic holds device states keyed by device id, with tombstones for decommissioned devices (a compacted topic in
 * production; the local broker keeps every message, which is the harder case for a replay). `KafkaSinkConsumer`
 * (kafkajs) mirrors it into a `DynamoSink` that
 * - names each item from the message key (`partitionKey: 'device=key'`), so that a tombstone, which has no value, can
 *   name the item it deletes;
 * - guards every write with the message's Kafka timestamp (`versionField: '@timestamp'`): a record is applied only
 *   over an older stored version;
 * - keeps a tombstone item for a delete (`deleteMode: 'tombstone'`), so that an older state replayed later cannot
 *   bring a decommissioned device back.
 * Then a fresh consumer group reads the whole topic again into a fresh sink: every record is stale, the table does not
 * change.
 */
import { DynamoSink, type Sink, type SinkRecord, type WriteResult } from '@dynamo-sink/core';
import { KafkaSinkConsumer, type JsonObject } from '@dynamo-sink/kafkajs';
import { scanTable } from '@dynamo-sink/test-servers';
import { startLocalServices, watchCommits, type LocalServices } from '../local-kafka-run.js';
import { deviceStates, kafkaMessages, type StateMessage } from './device-states.js';
import { deviceRows, renderTable, type DeviceRow } from './table-view.js';

export const TOPIC = 'device-states';
export const TABLE = 'device-states';
/** Where `versionField: '@timestamp'` stores the version, and the tombstone marker: DynamoSink's defaults. */
const VERSION_ATTRIBUTE = 'version';
const TOMBSTONE_ATTRIBUTE = 'deleted';

/** What one pass over the topic did, summed over its `sink.write` results. */
export interface PassCounts {
  readonly records: number;
  readonly written: number;
  readonly stale: number;
  readonly failed: number;
}

/** What the example did: the stream, and the table and counts after each pass. */
export interface ChangelogResult {
  readonly messages: readonly StateMessage[];
  readonly mirrored: { readonly rows: DeviceRow[]; readonly counts: PassCounts };
  readonly replayed: { readonly rows: DeviceRow[]; readonly counts: PassCounts };
}

export interface ChangelogOptions {
  /** Where the example prints. @default console.log */
  readonly log?: (line: string) => void;
}

/** Runs the example on a local broker and DynamoDB, prints as it goes, and stops both. */
export async function runChangelogExample(options: ChangelogOptions = {}): Promise<ChangelogResult> {
  const log = options.log ?? console.log;
  const services = await startLocalServices(log);
  try {
    const messages = deviceStates();
    await services.mock.produce(TOPIC, kafkaMessages(messages));
    const tombstones = messages.filter((message) => message.state === null).length;
    const devices = new Set(messages.map((message) => message.device)).size;
    log(
      `\nProduced ${messages.length} messages to "${TOPIC}": states of ${devices} devices and ${tombstones} tombstones, ` +
        `keyed by device, Kafka timestamps ${iso(messages[0]!.timestamp)} to ${iso(messages.at(-1)!.timestamp)}`,
    );

    const mirrored = await mirror(services, 'device-states-mirror');
    log(`\nMirrored with consumer group "device-states-mirror": ${describeCounts(mirrored.counts)}`);
    for (const line of renderTable(mirrored.rows)) log(`  ${line}`);

    const replayed = await mirror(services, 'device-states-replay');
    log(`\nReplayed the whole topic with a new consumer group "device-states-replay" and a new sink: ${describeCounts(replayed.counts)}`);
    for (const line of renderTable(replayed.rows)) log(`  ${line}`);

    const unchanged = JSON.stringify(replayed.rows) === JSON.stringify(mirrored.rows);
    log(
      unchanged && replayed.counts.stale === replayed.counts.records
        ? `\nThe replay changed nothing: every replayed record was stale (no newer than the version stored for its device), ` +
            `and the tombstones kept decommissioned devices from coming back.`
        : `\nThe replay changed the table: ${replayed.counts.written} records were applied over newer ones.`,
    );
    return { messages, mirrored, replayed };
  } finally {
    await services.stop();
  }
}

/**
 * Reads the topic from the beginning with a new consumer group into a new DynamoSink, until the group has committed
 * every partition's end offset; returns the table afterwards and what the writes came to.
 */
async function mirror(services: LocalServices, groupId: string): Promise<{ rows: DeviceRow[]; counts: PassCounts }> {
  const { mock, clientConfig, endpoint } = services;
  const sink = new DynamoSink<JsonObject | null>({
    tableName: TABLE,
    partitionKey: 'device=key',
    versionField: '@timestamp',
    deleteMode: 'tombstone',
    clientConfig,
    createTable: true,
  });
  const counting = countingSink(sink);
  const watch = watchCommits(await mock.endOffsets(TOPIC));
  const consumer = new KafkaSinkConsumer({
    // The mock cluster needs a short session and heartbeat interval to join promptly (packages/kafkajs/README.md).
    consumer: mock.kafka(groupId).consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 }),
    sink: counting,
    topics: [TOPIC],
    fromBeginning: true,
    onCommit: watch.onCommit,
  });
  const running = consumer.run();
  try {
    await Promise.race([
      running.then(() => Promise.reject(new Error(`${groupId} stopped before it caught up`))),
      until(watch.caughtUp, 60_000, `${groupId} to commit the end offsets`),
    ]);
  } finally {
    await consumer.stop();
    await running;
    await sink.close();
  }
  const rows = deviceRows(await scanTable(endpoint, TABLE), VERSION_ATTRIBUTE, TOMBSTONE_ATTRIBUTE);
  return { rows, counts: counting.counts };
}

/** A sink that passes writes to `sink` and sums their results. */
function countingSink<V>(sink: Sink<V>): Sink<V> & { readonly counts: PassCounts } {
  const counts = { records: 0, written: 0, stale: 0, failed: 0 };
  return {
    counts,
    async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
      const result = await sink.write(records);
      counts.records += records.length;
      counts.written += result.written;
      counts.stale += result.stale ?? 0;
      counts.failed += result.failed.length;
      return result;
    },
  };
}

function describeCounts({ records, written, stale, failed }: PassCounts): string {
  return `${records} records: ${written} written, ${stale} stale, ${failed} failed`;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
