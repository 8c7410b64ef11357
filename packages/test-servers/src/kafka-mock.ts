/**
 * A real Kafka-protocol broker for tests: librdkafka's mock cluster, hosted by Debian's `kcat` (1.7.1) as a child
 * process. `kcat -C` with `test.mock.num.brokers` starts the mock cluster inside librdkafka and consumes from it;
 * the consumer only keeps the process (and so the cluster) alive. The cluster listens on 127.0.0.1 and an ephemeral
 * port, which librdkafka prints on stderr:
 *
 *   %5|…|MOCK|rdkafka#consumer-1| [thrd:app]: Mock cluster enabled: original bootstrap.servers and
 *   security.protocol ignored and replaced with 127.0.0.1:37377
 *
 * Measured with kafkajs 2.2.4 against it: topics are auto-created with 4 partitions on first produce; produce,
 * fetch, consumer groups, OffsetCommit/OffsetFetch, ListOffsets (fetchTopicOffsets) and metadata work;
 * createTopics, describeGroups, listGroups and setOffsets do not (see the package README).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';

/** A running mock cluster. */
export interface KafkaMock {
  /** `127.0.0.1:PORT`, to pass as kafkajs `brokers: [bootstrap]`. */
  readonly bootstrap: string;
  /** The kcat process hosting the cluster. */
  readonly pid: number;
  /** A kafkajs client for the cluster; logs nothing unless `KAFKAJS_LOG` is set (error, warn, info, debug). */
  kafka(clientId?: string): Kafka;
  /** Produces messages with a producer shared by these helpers, `chunkSize` per request. */
  produce(topic: string, messages: readonly Message[], chunkSize?: number): Promise<void>;
  /** The group's committed offset per partition (`-1` where it committed nothing), as strings. */
  committedOffsets(groupId: string, topic: string): Promise<Record<number, string>>;
  /** The end (high-water mark) offset per partition: the offset the next message will get. */
  endOffsets(topic: string): Promise<Record<number, string>>;
  /** Stops the helpers' clients, then the kcat process (SIGTERM, SIGKILL after 2 s). Idempotent. */
  stop(): Promise<void>;
}

export interface KafkaMockOptions {
  /** Brokers in the mock cluster. @default 1 */
  readonly brokers?: number;
  /** How long to wait for kcat to print the bootstrap address. @default 10_000 */
  readonly startTimeoutMs?: number;
}

const KCAT = process.env['KCAT'] ?? 'kcat';
const BOOTSTRAP_LINE = /replaced with (127\.0\.0\.1:\d+)/;

/** kafkajs log level from `KAFKAJS_LOG`, silent by default: rebalances in tests log errors that are expected. */
export function kafkajsLogLevel(): logLevel {
  const levels: Record<string, logLevel> = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };
  return levels[process.env['KAFKAJS_LOG'] ?? ''] ?? logLevel.NOTHING;
}

/** Starts a mock cluster. Requires `kcat` on the PATH (`apt-get install kcat`), or its path in `KCAT`. */
export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMock> {
  const child = spawn(
    KCAT,
    ['-C', '-b', '127.0.0.1:1', '-t', '__mock_keepalive', '-o', 'end', '-q', '-X', `test.mock.num.brokers=${options.brokers ?? 1}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A test process that dies without calling stop() must not leave a broker behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let bootstrap: string;
  try {
    bootstrap = await readBootstrap(child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }

  const clientId = 'kafka-mock-helper';
  const helperKafka = new Kafka({ brokers: [bootstrap], clientId, logLevel: kafkajsLogLevel() });
  let producer: Promise<Producer> | undefined;
  const admin = helperKafka.admin();
  let adminConnected: Promise<void> | undefined;
  const connectedAdmin = async () => {
    adminConnected ??= admin.connect();
    await adminConnected;
    return admin;
  };

  let stopping: Promise<void> | undefined;
  return {
    bootstrap,
    pid: child.pid!,
    kafka(id = 'test') {
      return new Kafka({ brokers: [bootstrap], clientId: id, logLevel: kafkajsLogLevel() });
    },
    async produce(topic, messages, chunkSize = 1_000) {
      producer ??= (async () => {
        const created = helperKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
        await created.connect();
        return created;
      })();
      const connected = await producer;
      for (let start = 0; start < messages.length; start += chunkSize) {
        await connected.send({ topic, messages: messages.slice(start, start + chunkSize) });
      }
    },
    async committedOffsets(groupId, topic) {
      const [result] = await (await connectedAdmin()).fetchOffsets({ groupId, topics: [topic] });
      return Object.fromEntries((result?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
    },
    async endOffsets(topic) {
      const offsets = await (await connectedAdmin()).fetchTopicOffsets(topic);
      return Object.fromEntries(offsets.map(({ partition, high }) => [partition, high]));
    },
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([producer?.then((p) => p.disconnect()), adminConnected && admin.disconnect()]);
        await stopProcess(child);
        process.removeListener('exit', killOnExit);
      })();
      return stopping;
    },
  };
}

function readBootstrap(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`kcat printed no bootstrap address within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = BOOTSTRAP_LINE.exec(stderr);
      if (match) finish(undefined, match[1]);
    };
    const onError = (error: Error) =>
      finish(new Error(`Could not start ${KCAT} (install it: apt-get install -y kcat): ${error.message}`, { cause: error }));
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`kcat exited (${signal ?? code}) before printing its bootstrap address; stderr: ${stderr}`));
    function finish(error?: Error, address?: string) {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      // Keep draining stderr so librdkafka never blocks on a full pipe.
      child.stderr!.resume();
      if (error) reject(error);
      else resolve(address!);
    }
    child.stderr!.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}
