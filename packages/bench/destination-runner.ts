/**
 * The destination service end to end: librdkafka's mock cluster (kcat) holding the bench's records as JSON messages,
 * produced before the service starts, and the service (packages/destination, or an earlier commit's, see
 * destination-before.ts) as a process of its own, configured by environment variables as users run it, writing into
 * the bench's fake endpoint. A run is timed from the service's spawn (its start-up included) until the group's
 * committed offsets reach the topic's end; its CPU is the service process's own (/proc), read at that moment.
 */
import { spawn } from 'node:child_process';
import { startKafkaMock, type KafkaMock } from '@dynamo-sink/test-servers/kafka';
import type { ServiceCheckout } from './destination-before.js';
import type { Endpoint } from './endpoint-process.js';
import type { KafkaClientName } from './kafka-runner.js';
import type { Sample } from './measure.js';
import { cpuSecondsOf, peakRssMBOf, pinProcess } from './process-usage.js';
import { PARTITION_KEY, SORT_KEY, TABLE, type BenchRecord } from './workload.js';

const TOPIC = 'bench-destination';
const POLL_MS = 100;
/** The service's own stop allows 30 s; past this the bench kills it. */
const STOP_TIMEOUT_MS = 40_000;

/** The broker, with the records produced once for every run (each run is a new consumer group, from the beginning). */
export interface DestinationBroker {
  readonly bootstrap: string;
  /** Messages in the topic. */
  readonly messages: number;
  /** The end offset of each partition: what "caught up" means. */
  readonly endOffsets: Record<number, string>;
  committed(group: string): Promise<Record<number, string>>;
  stop(): Promise<void>;
}

/**
 * Starts the mock cluster (moved onto `cpus`, away from the service's core) and produces the records, keyed by their
 * key1 (so the default partitioner spreads them over the topic's 4 partitions).
 */
export async function startDestinationBroker(records: readonly BenchRecord[], cpus: string | undefined): Promise<DestinationBroker> {
  const mock: KafkaMock = await startKafkaMock();
  try {
    if (cpus) pinProcess(mock.pid, cpus);
    await mock.produce(TOPIC, records.map((record) => ({ key: record.key1, value: JSON.stringify(record) })));
    const endOffsets = await mock.endOffsets(TOPIC);
    const messages = Object.values(endOffsets).reduce((sum, end) => sum + Number(end), 0);
    if (messages !== records.length) throw new Error(`the mock cluster holds ${messages} of the ${records.length} messages produced`);
    return { bootstrap: mock.bootstrap, messages, endOffsets, committed: (group) => mock.committedOffsets(group, TOPIC), stop: () => mock.stop() };
  } catch (error) {
    await mock.stop();
    throw error;
  }
}

export interface DestinationResult {
  readonly sample: Sample;
  /** The service's exit, its error lines, a run that did not catch up. Empty when all is well. */
  readonly problems: string[];
  /**
   * Seconds from the spawn to the first commit seen (start-up, group join, the first writes), and records/s after it:
   * where the time went.
   */
  readonly firstCommitSeconds: number;
  readonly recordsPerSecAfterFirstCommit: number;
  /** The service's CPU-s per 100k records after the first commit: the data path's cost without start-up. */
  readonly cpuPer100kAfterFirstCommit: number;
}

let runs = 0;

/**
 * Runs the service once with `kafka_client=client` on a new consumer group until it has committed the whole topic
 * (or `timeoutMs` passed), then stops it with SIGTERM as an orchestrator would. `cpu`: the core to pin it to.
 */
export async function runDestination(options: {
  readonly service: ServiceCheckout;
  readonly client: KafkaClientName;
  readonly broker: DestinationBroker;
  readonly endpoint: Endpoint;
  readonly cpu: string | undefined;
  readonly timeoutMs: number;
}): Promise<DestinationResult> {
  const { service, client, broker, endpoint, cpu } = options;
  const group = `bench-${client}-${process.pid}-${++runs}`;
  const env = {
    PATH: process.env['PATH'] ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    input: TOPIC,
    brokers: broker.bootstrap,
    kafka_client: client,
    consumer_group: group,
    table_name: TABLE,
    param_partition_key: PARTITION_KEY,
    param_sort_key: SORT_KEY,
    region: 'us-east-1',
    aws_access_key_id: 'bench',
    aws_secret_access_key: 'bench',
    dynamodb_endpoint: endpoint.url,
    // The fake endpoint answers DescribeTable with an ACTIVE table; nothing to create.
    create_table: 'false',
    // More of the service's variables for a run, e.g. DYNAMO_SINK_BENCH_SERVICE_ENV='max_in_flight=64' (a service
    // older than a variable ignores it).
    ...Object.fromEntries((process.env['DYNAMO_SINK_BENCH_SERVICE_ENV'] ?? '').split(' ').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)]; // a value may hold '=' itself
    })),
  };
  // To profile the service: DYNAMO_SINK_BENCH_SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/profiles'.
  const extra = process.env['DYNAMO_SINK_BENCH_SERVICE_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const node = [process.execPath, ...extra, ...service.nodeArgs];
  const argv = cpu ? ['taskset', '-c', cpu, ...node] : node;

  const started = performance.now();
  // taskset execs node in place: the child's pid is the service's.
  const child = spawn(argv[0]!, argv.slice(1), { cwd: service.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let exitedEarly: number | string | undefined;
  void exited.then((code) => (exitedEarly ??= code));

  const problems: string[] = [];
  let committed = 0;
  let firstCommit: { at: number; committed: number; cpuSeconds: number } | undefined;
  let seconds = NaN;
  let cpuSeconds = NaN;
  let peakRssMB = NaN;
  try {
    const deadline = started + options.timeoutMs;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (exitedEarly !== undefined) {
        problems.push(`service exited (${exitedEarly}) before catching up: ${tail(output)}`);
        break;
      }
      const offsets = await broker.committed(group).catch(() => ({}) as Record<number, string>);
      committed = Object.entries(broker.endOffsets).reduce((sum, [partition, end]) => sum + Math.min(Number(end), Math.max(0, Number(offsets[Number(partition)] ?? -1))), 0);
      if (committed > 0) firstCommit ??= { at: performance.now(), committed, cpuSeconds: cpuSecondsOf(child.pid!) };
      const caughtUp = committed === broker.messages;
      if (caughtUp || performance.now() > deadline) {
        seconds = (performance.now() - started) / 1000;
        cpuSeconds = cpuSecondsOf(child.pid!);
        peakRssMB = peakRssMBOf(child.pid!);
        if (!caughtUp) problems.push(`not caught up after ${(options.timeoutMs / 1000).toFixed(0)} s: committed ${committed}/${broker.messages}`);
        break;
      }
    }
  } finally {
    if (exitedEarly === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) problems.push(`service exited (${code}) after SIGTERM: ${tail(output)}`);
    }
  }
  // The service's text log lines: `<ISO time> <level padded to 5> <message> ...`.
  const errors = output.join('').split('\n').filter((line) => /^\S+ (error|warn)\s/.test(line));
  if (errors.length > 0) problems.push(`service logged: ${errors.slice(0, 3).join(' | ')}`);
  const firstCommitSeconds = firstCommit ? (firstCommit.at - started) / 1000 : NaN;
  return {
    sample: { items: committed, seconds, itemsPerSec: committed / seconds, cpuSeconds, cpuPer100k: committed > 0 ? (cpuSeconds * 100_000) / committed : NaN, peakRssMB },
    problems,
    firstCommitSeconds,
    recordsPerSecAfterFirstCommit: firstCommit ? (committed - firstCommit.committed) / (seconds - firstCommitSeconds) : NaN,
    cpuPer100kAfterFirstCommit: firstCommit ? ((cpuSeconds - firstCommit.cpuSeconds) * 100_000) / (committed - firstCommit.committed) : NaN,
  };
}

const tail = (output: readonly string[]) => output.join('').trim().split('\n').slice(-3).join(' | ');
