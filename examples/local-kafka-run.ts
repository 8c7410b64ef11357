// What the Kafka examples (examples/kafkajs, examples/node-rdkafka, examples/changelog) share: a Kafka broker and a
// DynamoDB on this machine, watching commits until a group has caught up, and for the first two the sample messages
// and a run of one consumer with progress lines and a summary. Each example keeps only what is its client's: its
// producer and its consumer.
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { scanTable } from '@dynamo-sink/test-servers';
import { startKafkaMock, type KafkaMock } from '@dynamo-sink/test-servers/kafka';

export const TOPIC = 'events';
export const DEAD_LETTER_TOPIC = 'events.dead-letter';
const MESSAGES = 20_000;

/** A consumer as both adapters shape it. */
export interface ExampleConsumer {
  run(): Promise<{ written: number; deadLettered: number }>;
  stop(): Promise<void>;
  readonly stats: { readonly written: number; readonly deadLettered: number };
}

export interface LocalRun {
  readonly mock: KafkaMock;
  /** For the example's DynamoSink: the embedded DynamoDB. */
  readonly clientConfig: LocalServices['clientConfig'];
  /** Commits by partition: hand it to the consumer's `onCommit`. */
  readonly onCommit: (commit: { partition: number; offset: string }) => void;
}

/** A Kafka broker (librdkafka's mock cluster in kcat) and a DynamoDB (dynalite, in this process), both on loopback. */
export interface LocalServices {
  readonly mock: KafkaMock;
  /** The DynamoDB endpoint, for scans. */
  readonly endpoint: string;
  /** For a DynamoSink's `clientConfig`. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Stops the broker (SIGTERM to kcat, SIGKILL after 2 s) and DynamoDB. */
  stop(): Promise<void>;
}

/** Starts the broker and DynamoDB; `log` hears where each listens. Call `stop()` when done. */
export async function startLocalServices(log: (line: string) => void = console.log): Promise<LocalServices> {
  const mock = await startKafkaMock();
  log(`Kafka (librdkafka mock cluster in kcat, pid ${mock.pid}) on ${mock.bootstrap}`);
  const dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  log(`DynamoDB (dynalite, in this process, pid ${process.pid}) on ${endpoint}`);
  return {
    mock,
    endpoint,
    clientConfig: { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'example', secretAccessKey: 'example' } },
    async stop() {
      await mock.stop();
      log(`Stopped Kafka (pid ${mock.pid}) and DynamoDB.`);
      dynamo.closeAllConnections();
      await new Promise((resolve) => dynamo.close(resolve));
    },
  };
}

/** A group's commits, watched through the consumer's `onCommit` against the end offsets a run must reach. */
export interface CommitWatch {
  /** The committed offset of each partition so far. */
  readonly committed: Record<number, string>;
  /** Hand it to the consumer's `onCommit`. */
  readonly onCommit: (commit: { partition: number; offset: string }) => void;
  /** True once every partition's committed offset has reached its end offset. */
  caughtUp(): boolean;
}

/** Watches commits against `endOffsets` (taken after producing, before consuming: they are what "done" means). */
export function watchCommits(endOffsets: Record<number, string>): CommitWatch {
  const committed: Record<number, string> = {};
  return {
    committed,
    onCommit: ({ partition, offset }) => void (committed[partition] = offset),
    caughtUp: () => Object.entries(endOffsets).every(([partition, end]) => BigInt(committed[Number(partition)] ?? -1) >= BigInt(end)),
  };
}

/**
 * Starts librdkafka's mock cluster (kcat) and dynalite, produces the sample messages, lets `setUp` build the sink and
 * the consumer, runs it until it has caught up (or Ctrl-C), prints a summary, and stops everything (`close` releases
 * what `setUp` made).
 */
export async function runLocally(
  table: string,
  setUp: (run: LocalRun) => Promise<{ consumer: ExampleConsumer; close(): Promise<void> }>,
): Promise<void> {
  const services = await startLocalServices();
  const { mock, endpoint, clientConfig } = services;

  let close = async () => {};
  try {
    // Keyed, so each id stays in one partition; produced before the consumer starts, so these end offsets are "done".
    await mock.produce(TOPIC, sampleMessages());
    const endOffsets = await mock.endOffsets(TOPIC);
    console.log(`Produced ${MESSAGES.toLocaleString('en-US')} messages to "${TOPIC}": end offsets ${JSON.stringify(endOffsets)}`);

    const watch = watchCommits(endOffsets);
    const { committed, caughtUp } = watch;
    let firstCommitAt: number | undefined;
    const onCommit = (commit: { partition: number; offset: string }) => {
      watch.onCommit(commit);
      firstCommitAt ??= performance.now(); // the group join (~3 s on the mock) comes before it
    };
    const built = await setUp({ mock, clientConfig, onCommit });
    close = built.close;
    const { consumer } = built;

    const stopOnSignal = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping (writes in flight finish and are committed)`);
      void consumer.stop();
    };
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    const started = performance.now();
    const progress = setInterval(() => {
      const { written, deadLettered } = consumer.stats;
      console.log(`${seconds(started).toFixed(1).padStart(5)} s  written ${written.toLocaleString('en-US')}  dead-lettered ${deadLettered}  committed ${JSON.stringify(committed)}`);
      if (caughtUp()) void consumer.stop();
    }, 1_000);
    let totals: { written: number; deadLettered: number };
    try {
      totals = await consumer.run();
    } finally {
      clearInterval(progress);
      process.removeListener('SIGINT', stopOnSignal);
      process.removeListener('SIGTERM', stopOnSignal);
    }
    const elapsed = seconds(started);

    const join = firstCommitAt === undefined ? '' : `, first commit after ${((firstCommitAt - started) / 1000).toFixed(1)} s of group join`;
    const items = (await scanTable(endpoint, table)).length;
    const deadLetters = Object.values(await mock.endOffsets(DEAD_LETTER_TOPIC).catch(() => ({}))).reduce((sum, offset) => sum + Number(offset), 0);
    console.log(`\n${caughtUp() ? 'Caught up' : 'Stopped'} in ${elapsed.toFixed(1)} s`);
    console.log(`  items in "${table}" (Scan count): ${items.toLocaleString('en-US')}`);
    console.log(`  written ${totals.written.toLocaleString('en-US')} (${Math.round(totals.written / elapsed).toLocaleString('en-US')} records/s overall${join}), dead-lettered ${totals.deadLettered}; messages in "${DEAD_LETTER_TOPIC}": ${deadLetters}`);
    for (const [partition, end] of Object.entries(endOffsets)) {
      console.log(`  partition ${partition}: committed ${committed[Number(partition)] ?? 'nothing'} of end ${end}`);
    }
  } finally {
    await close();
    await services.stop();
  }
}

/** Readings keyed by id, with a few messages that can never be written. */
function sampleMessages(): { key: string; value: string }[] {
  const start = Date.UTC(2022, 10, 7) * 1000;
  return Array.from({ length: MESSAGES }, (_, i) => {
    const id = `r${i + 1}`;
    if (i % 5_000 === 1_234) return { key: id, value: `{"id": "${id}", "reading": 12,` }; // not JSON
    if (i % 5_000 === 3_456) return { key: id, value: JSON.stringify({ timestamp: start + i, reading: i % 997 }) }; // no "id"
    return { key: id, value: JSON.stringify({ id, timestamp: start + i, device: `device-${i % 50}`, reading: i % 997 }) };
  });
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
