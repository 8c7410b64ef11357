/** The modes the bench alternates between, each against a fake endpoint, and the checks made after each run. */
import { makeClient } from './aws-sdk.js';
import { runBaseline } from './baseline.js';
import { destinationCheckout, installedDestination, type ServiceCheckout } from './destination-before.js';
import { runDestination, startDestinationBroker, type DestinationBroker } from './destination-runner.js';
import { loadDirectTransport, runDirect, runDirectJson } from './direct-runner.js';
import { startEndpoint, type Endpoint, type EndpointStats } from './endpoint-process.js';
import { kafkaPartitions } from './kafka-feed.js';
import { loadKafkaAdapter, prepareKafka, RECORDS_PER_WRITE, type KafkaClientName } from './kafka-runner.js';
import { measure, type Sample } from './measure.js';
import { loadPipeToSink, preparePipe } from './pipe-runner.js';
import { pinProcess } from './process-usage.js';
import { runRawHttp } from './raw-http.js';
import { runRawSigV4 } from './raw-sigv4.js';
import { loadPipeNdjson, ndjsonChunks, prepareNdjson } from './ndjson-runner.js';
import { loadDynamoSink, openSink, prepareSink, sinkInputs, type SinkClient, type SinkFeed } from './sink-runner.js';
import { makeRecords, marshalledBatches, requestBodies } from './workload.js';

export interface BenchConfig {
  readonly records: number;
  readonly reps: number;
  readonly latencyMs: number;
  readonly inFlight: number;
  readonly throttle: number;
  readonly feed: SinkFeed;
  readonly latencyBound: { readonly inFlight: number; readonly records: number };
  /**
   * The CPU-bound in-flight count (requests at once, for the SDK loop, the floor and the sink alike): the modes named
   * `<mode>-<n>` (modesAt), the feeding modes among them.
   */
  readonly cpuBoundInFlight: number;
  /** The end-to-end modes (destination-*): each its own process, slow, so apart from the others. */
  readonly destination: {
    /** Run them without being named in `only`. */
    readonly include: boolean;
    /** Runs of each, no warm-up (each run starts a fresh service). */
    readonly reps: number;
    /** The commit whose service is the "before" figure (destination-before.ts). */
    readonly beforeRef: string;
  };
  /** Records of the version-guarded mode: single-item calls go a record per request, so far fewer fit in a rep. */
  readonly guardedRecords: number;
  /** Mode names to run; empty = all. */
  readonly only: readonly string[];
  /** CPUs for the endpoint processes, when the client is pinned. */
  readonly endpointCpus?: string;
}

export interface RunResult extends Sample {
  readonly server: EndpointStats;
  /** What went wrong with this run's output: records missing, written twice, failed. Empty when all is well. */
  readonly problems: readonly string[];
  /** End to end only: how long until the first commit (start-up, group join), and records/s after it. */
  readonly afterStartUp?: AfterStartUp;
}

export interface AfterStartUp {
  readonly firstCommitSeconds: number;
  readonly cpuPer100k: number;
  readonly itemsPerSec: number;
}

export interface ModeResult {
  readonly name: string;
  readonly records: number;
  readonly inFlight: number;
  readonly runs: RunResult[];
}

interface Mode {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly records: number;
  readonly inFlight: number;
  /** Everything before the timer; the returned `run` is what is timed. */
  prepare(): Promise<Prepared>;
}

type Prepared = {
  failed(): number;
  /** Checks of the mode's own beyond the common ones (problemsOf). */
  problems?(): string[];
  afterStartUp?(): AfterStartUp | undefined;
  dispose(): void;
} & (
  /** Timed here (measure): resolves to the records written. */
  | { run(): Promise<number> }
  /** Timed by the mode itself: the destination service runs in a process of its own. */
  | { sample(): Promise<Sample> }
);

export const MODE = {
  baseline: 'baseline',
  sinkChunked: 'sink',
  ndjson: 'ndjson',
  sinkOneWrite: 'sink-1-write',
  sinkPlainClient: 'sink-plain-client',
  sinkThrottled: 'sink-throttled',
  rawLatencyBound: 'raw-http',
  sinkLatencyBound: 'sink-latency',
  sinkGuarded: 'sink-guarded',
  sinkBatchedSmall: 'sink-batched',
  /** The direct transport alone over the baseline's pre-marshalled batches, at the baseline's in-flight count. */
  direct: 'direct',
  /** The same over request bodies written ahead (`sendJson`): the direct transport without serialization. */
  directJson: 'direct-json',
  /** The floor at the baseline's in-flight count: pre-built bodies over node:http, signed with @smithy/signature-v4. */
  rawSigV4: 'raw-sigv4',
  /** The same unsigned: what signing costs. */
  rawUnsigned: 'raw-unsigned',
  /** The destination service end to end (destination-runner.ts), per Kafka client, on this workspace's code... */
  destinationKafkajs: 'destination-kafkajs',
  destinationRdkafka: 'destination-node-rdkafka',
  destinationConfluent: 'destination-confluent',
  /** ...and on the commit before issue 11's change (`--destination-before`). */
  destinationKafkajsBefore: 'destination-kafkajs-before',
  destinationRdkafkaBefore: 'destination-node-rdkafka-before',
} as const;

/**
 * The modes named after their in-flight count. At the CPU-bound count: the SDK loop, the floor, the sink fed 1,000 a
 * write (16 writes in flight) and all in one write, and the feeding modes, each fed 1,000 records a write: pipeToSink
 * and each Kafka adapter's write path. At the default count: the sink all in one write and the feeding modes again.
 */
export function modesAt(inFlight: number) {
  return {
    baseline: `baseline-${inFlight}`,
    rawSigV4: `raw-sigv4-${inFlight}`,
    sink: `sink-${inFlight}`,
    sinkOneWrite: `sink-1-write-${inFlight}`,
    pipe: `pipe-${inFlight}`,
    kafkajs: `kafkajs-${inFlight}`,
    rdkafka: `node-rdkafka-${inFlight}`,
    confluent: `confluent-${inFlight}`,
    /** The kafkajs mode with the adapters' default JSON decoding, for comparison: the others get records ready-made. */
    kafkajsJson: `kafkajs-json-${inFlight}`,
  } as const;
}

/** The end-to-end modes: which service (now, or the `before` commit's) with which `kafka_client`. */
const DESTINATION_MODES: readonly { name: string; client: KafkaClientName; before: boolean }[] = [
  { name: MODE.destinationKafkajs, client: 'kafkajs', before: false },
  { name: MODE.destinationRdkafka, client: 'node-rdkafka', before: false },
  { name: MODE.destinationConfluent, client: 'confluent', before: false },
  { name: MODE.destinationKafkajsBefore, client: 'kafkajs', before: true },
  { name: MODE.destinationRdkafkaBefore, client: 'node-rdkafka', before: true },
];

const KEYS = { hashKey: 'year_month', rangeKey: 'rest_of_ts', trackKeys: true } as const;
// Room for every mode's in-flight count; the modes themselves hold the limit.
const MIN_SOCKETS = 16;
// At 10% throttling a record fails 6 tries in a row once in a million: not what this run is about.
export const THROTTLED_MAX_RETRIES = 10;

export async function runScenarios(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ modes: ModeResult[]; sinkError?: string; ndjsonError?: string; directError?: string; errors: Record<string, string> }> {
  const endpoint = await startEndpoint({ latencyMs: config.latencyMs, cpus: config.endpointCpus, ...KEYS });
  const throttled = await startEndpoint({ latencyMs: config.latencyMs, throttle: config.throttle, cpus: config.endpointCpus, ...KEYS });
  let broker: Promise<DestinationBroker> | undefined;
  /** This workspace's service, installed when an end-to-end mode first needs it, removed at the end. */
  let now: Promise<ServiceCheckout> | undefined;
  /** Why a group of modes was not run, by what could not be loaded. */
  const errors: Record<string, string> = {};
  try {
    const DynamoSink = await loadDynamoSink();
    const wantsNdjson = config.only.length === 0 || config.only.includes(MODE.ndjson);
    const pipeNdjson = wantsNdjson ? await loadPipeNdjson() : undefined;
    const directTransport = await loadDirectTransport();
    const records = makeRecords(Math.max(config.records, config.latencyBound.records));
    const main = records.slice(0, config.records);
    const small = records.slice(0, config.latencyBound.records);
    const guarded = records.slice(0, config.guardedRecords);
    const sockets = Math.max(MIN_SOCKETS, config.inFlight);
    const cpuBound = modesAt(config.cpuBoundInFlight);
    const cpuBoundSockets = Math.max(MIN_SOCKETS, config.cpuBoundInFlight);
    const modes: Mode[] = [
      {
        name: MODE.baseline, endpoint, records: main.length, inFlight: config.inFlight,
        async prepare() {
          const batches = marshalledBatches(main);
          const client = makeClient(endpoint.url, sockets);
          return { run: () => runBaseline(client, batches, config.inFlight), failed: () => 0, dispose: () => client.destroy() };
        },
      },
      {
        name: MODE.rawLatencyBound, endpoint, records: small.length, inFlight: config.latencyBound.inFlight,
        async prepare() {
          const bodies = requestBodies(marshalledBatches(small));
          return { run: () => runRawHttp(endpoint.url, bodies, config.latencyBound.inFlight), failed: () => 0, dispose: () => {} };
        },
      },
      {
        name: MODE.rawSigV4, endpoint, records: main.length, inFlight: config.inFlight,
        async prepare() {
          const bodies = requestBodies(marshalledBatches(main));
          return { run: () => runRawSigV4(endpoint.url, bodies, config.inFlight), failed: () => 0, dispose: () => {} };
        },
      },
      {
        name: MODE.rawUnsigned, endpoint, records: main.length, inFlight: config.inFlight,
        async prepare() {
          const bodies = requestBodies(marshalledBatches(main));
          return { run: () => runRawHttp(endpoint.url, bodies, config.inFlight), failed: () => 0, dispose: () => {} };
        },
      },
      {
        name: cpuBound.baseline, endpoint, records: main.length, inFlight: config.cpuBoundInFlight,
        async prepare() {
          const batches = marshalledBatches(main);
          const client = makeClient(endpoint.url, cpuBoundSockets);
          return { run: () => runBaseline(client, batches, config.cpuBoundInFlight), failed: () => 0, dispose: () => client.destroy() };
        },
      },
      {
        name: cpuBound.rawSigV4, endpoint, records: main.length, inFlight: config.cpuBoundInFlight,
        async prepare() {
          const bodies = requestBodies(marshalledBatches(main));
          return { run: () => runRawSigV4(endpoint.url, bodies, config.cpuBoundInFlight), failed: () => 0, dispose: () => {} };
        },
      },
    ];
    if (!(directTransport instanceof Error)) {
      const create = directTransport;
      modes.push({
        name: MODE.directJson, endpoint, records: main.length, inFlight: config.inFlight,
        async prepare() {
          const bodies = requestBodies(marshalledBatches(main));
          const client = makeClient(endpoint.url, sockets);
          const transport = create(client, { maxSockets: sockets });
          return {
            run: () => runDirectJson(transport, bodies, config.inFlight),
            failed: () => 0,
            dispose: () => {
              transport.destroy();
              client.destroy();
            },
          };
        },
      });
      modes.push({
        name: MODE.direct, endpoint, records: main.length, inFlight: config.inFlight,
        async prepare() {
          const batches = marshalledBatches(main);
          // The client is the transport's configuration (credentials, region, endpoint); its own handler stays idle.
          const client = makeClient(endpoint.url, sockets);
          const transport = create(client, { maxSockets: sockets });
          return {
            run: () => runDirect(transport, batches, config.inFlight),
            failed: () => 0,
            dispose: () => {
              transport.destroy();
              client.destroy();
            },
          };
        },
      });
    }
    if (!(DynamoSink instanceof Error)) {
      // The sink builds its own client from `clientConfig` (as users do), except in sink-plain-client,
      // which hands it the baseline's untuned client to show what the sink itself costs.
      const ownClient = (at: Endpoint): SinkClient => ({ clientConfig: { endpoint: at.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } } });
      const sinkMode = (
        name: string, at: Endpoint, input: typeof main, inFlight: number, feed: SinkFeed, maxRetries?: number, plainClient = false, versionField?: string,
      ): Mode => ({
        name, endpoint: at, records: input.length, inFlight,
        async prepare() {
          const client = plainClient ? makeClient(at.url, sockets) : undefined;
          const target = client ? { client } : ownClient(at);
          const options = { maxInFlight: inFlight, ...(maxRetries === undefined ? {} : { maxRetries }), ...(versionField ? { versionField } : {}) };
          const sink = await prepareSink(DynamoSink, target, options, sinkInputs(input, feed), feed);
          return { run: () => sink.run(), failed: () => sink.failed(), dispose: () => client?.destroy() };
        },
      });
      modes.push(sinkMode(MODE.sinkChunked, endpoint, main, config.inFlight, config.feed));
      // The sink mode's records as NDJSON lines through pipeNdjson (default pipe options) into a sink built as the
      // sink mode builds it. The bytes are made before the timer, afresh each run so no other mode carries them.
      if (pipeNdjson && !(pipeNdjson instanceof Error)) {
        const pipe = pipeNdjson;
        modes.push({
          name: MODE.ndjson, endpoint, records: main.length, inFlight: config.inFlight,
          async prepare() {
            const chunks = ndjsonChunks(main);
            const sink = await openSink(DynamoSink, ownClient(endpoint), { maxInFlight: config.inFlight });
            const run = prepareNdjson(pipe, sink, chunks, main.length);
            return { run: () => run.run(), failed: () => run.failed(), problems: () => run.problems(), dispose: () => {} };
          },
        });
      }
      modes.push(
        sinkMode(MODE.sinkOneWrite, endpoint, main, config.inFlight, { chunk: 0, writesInFlight: 1 }),
        sinkMode(MODE.sinkPlainClient, endpoint, main, config.inFlight, config.feed, undefined, true),
        sinkMode(MODE.sinkThrottled, throttled, main, config.inFlight, config.feed, THROTTLED_MAX_RETRIES),
        sinkMode(MODE.sinkLatencyBound, endpoint, small, config.latencyBound.inFlight, config.feed),
        // Version-guarded writes (a conditional PutItem per record, versions from each record's timestamp) beside
        // the same records as batched puts.
        sinkMode(MODE.sinkBatchedSmall, endpoint, guarded, config.inFlight, config.feed),
        sinkMode(MODE.sinkGuarded, endpoint, guarded, config.inFlight, config.feed, undefined, false, 'timestamp'),
        // CPU-bound: the sink as users feed it (1,000 a write, several writes in flight), and all in one write, the
        // figure the feeding modes below are held to.
        sinkMode(cpuBound.sink, endpoint, main, config.cpuBoundInFlight, config.feed),
        sinkMode(cpuBound.sinkOneWrite, endpoint, main, config.cpuBoundInFlight, { chunk: 0, writesInFlight: 1 }),
      );
      // The feeding modes at the CPU-bound count (what feeding costs in CPU) and at the default count (latency-bound:
      // whether requests stay full while each write waits for its slowest record).
      modes.push(...(await feedingModes(DynamoSink, ownClient(endpoint), main, config.cpuBoundInFlight)));
      if (config.inFlight !== config.cpuBoundInFlight) {
        modes.push(sinkMode(modesAt(config.inFlight).sinkOneWrite, endpoint, main, config.inFlight, { chunk: 0, writesInFlight: 1 }));
        modes.push(...(await feedingModes(DynamoSink, ownClient(endpoint), main, config.inFlight)));
      }
    }
    // The modes named after their count run one after another, so that each rep's ratios between them see the same machine.
    const cpuBoundOrder: readonly string[] = [...Object.values(cpuBound), ...Object.values(modesAt(config.inFlight))];
    const place = (mode: Mode) => cpuBoundOrder.indexOf(mode.name) + 1; // 0 for the others, which keep their order
    modes.sort((a, b) => place(a) - place(b));
    modes.push(...destinationModes());
    const destinationNames = new Set(DESTINATION_MODES.map((mode) => mode.name));
    const wanted = (mode: Mode) =>
      config.only.length === 0 ? !destinationNames.has(mode.name) || config.destination.include : config.only.includes(mode.name);
    const selected = modes.filter(wanted);
    const results = new Map(selected.map((mode) => [mode, { name: mode.name, records: mode.records, inFlight: mode.inFlight, runs: [] as RunResult[] }]));
    const width = Math.max(16, ...selected.map((mode) => mode.name.length));
    const report = (mode: Mode, result: RunResult) =>
      log(`  ${mode.name.padEnd(width)} ${Math.round(result.itemsPerSec).toLocaleString('en-US').padStart(9)} items/s` +
        `  ${result.cpuPer100k.toFixed(2)} CPU-s/100k${result.problems.length ? `  ${result.problems.join('; ')}` : ''}`);

    // One warm-up per mode, then the modes in turn, so drift (thermal, GC, JIT) hits them all alike.
    const inProcess = selected.filter((mode) => !destinationNames.has(mode.name));
    for (let rep = 0; inProcess.length > 0 && rep <= config.reps; rep++) {
      log(rep === 0 ? 'warm-up' : `rep ${rep}/${config.reps}`);
      for (const mode of inProcess) {
        const result = await runOnce(mode);
        report(mode, result);
        if (rep > 0) results.get(mode)!.runs.push(result);
      }
    }
    // End to end: a fresh service process each run (its start-up is part of the figure), so no warm-up. This process
    // only watches commits meanwhile: it moves to the endpoint's CPUs, leaving CPU 0 to the service.
    const endToEnd = selected.filter((mode) => destinationNames.has(mode.name));
    if (endToEnd.length > 0 && config.endpointCpus) pinProcess(process.pid, config.endpointCpus);
    try {
      for (let rep = 1; rep <= config.destination.reps && endToEnd.length > 0; rep++) {
        log(`end to end, rep ${rep}/${config.destination.reps}`);
        for (const mode of endToEnd) {
          const result = await runOnce(mode);
          report(mode, result);
          results.get(mode)!.runs.push(result);
        }
      }
    } finally {
      if (endToEnd.length > 0 && config.endpointCpus) pinProcess(process.pid, '0');
    }
    return {
      modes: [...results.values()].filter((mode) => mode.runs.length > 0),
      ...(DynamoSink instanceof Error ? { sinkError: DynamoSink.message } : {}),
      ...(pipeNdjson instanceof Error ? { ndjsonError: pipeNdjson.message } : {}),
      ...(directTransport instanceof Error ? { directError: directTransport.message } : {}),
      errors,
    };
  } finally {
    endpoint.stop();
    throttled.stop();
    await broker?.then((started) => started.stop()).catch(() => {});
    await now?.then((service) => service.remove()).catch(() => {});
  }

  /**
   * pipeToSink and each Kafka adapter, fed 1,000 records a write, into a sink built as the sink modes build it, at the
   * CPU-bound in-flight count. A group whose package does not load is left out, and `errors` says why.
   */
  async function feedingModes(
    DynamoSink: Exclude<Awaited<ReturnType<typeof loadDynamoSink>>, Error>,
    target: SinkClient,
    records: ReturnType<typeof makeRecords>,
    inFlight: number,
  ): Promise<Mode[]> {
    const out: Mode[] = [];
    const names = modesAt(inFlight);
    if (wantsAny(names.pipe)) {
      const pipeToSink = await loadPipeToSink();
      if (pipeToSink instanceof Error) errors[names.pipe] = pipeToSink.message;
      else {
        out.push({
          name: names.pipe, endpoint, records: records.length, inFlight,
          async prepare() {
            // Made afresh each run, as the sink modes' inputs are.
            const inputs = sinkInputs(records, { chunk: 0, writesInFlight: 1 })[0]!;
            const sink = await openSink(DynamoSink, target, { maxInFlight: inFlight });
            // Records per write as the issue asks; writes in flight as the sink modes feed it (the pipe's default too).
            const run = preparePipe(pipeToSink, sink, inputs, { batchSize: RECORDS_PER_WRITE, maxWritesInFlight: config.feed.writesInFlight });
            return { run: () => run.run(), failed: () => run.failed(), problems: () => run.problems(), dispose: () => {} };
          },
        });
      }
    }
    const adapters = [
      [names.kafkajs, 'kafkajs', 'ready-made'],
      [names.rdkafka, 'node-rdkafka', 'ready-made'],
      [names.confluent, 'confluent', 'ready-made'],
      // What JSON decoding adds: a CPU figure, so only where the CPU sets the pace.
      ...(inFlight === config.cpuBoundInFlight ? [[names.kafkajsJson, 'kafkajs', 'json']] as const : []),
    ] as const;
    for (const [name, client, decode] of adapters) {
      if (!wantsAny(name)) continue;
      const create = await loadKafkaAdapter(client, decode);
      if (create instanceof Error) {
        errors[name] = create.message;
        continue;
      }
      out.push({
        name, endpoint, records: records.length, inFlight,
        async prepare() {
          const sink = await openSink(DynamoSink, target, { maxInFlight: inFlight });
          const run = prepareKafka(create, sink, kafkaPartitions(records));
          return { run: () => run.run(), failed: () => 0, problems: () => run.problems(), dispose: () => {} };
        },
      });
    }
    return out;
  }

  /** The end-to-end modes; the broker and the "before" checkout are made when a run first needs them. */
  function destinationModes(): Mode[] {
    let before: ServiceCheckout | undefined;
    const named = new Set<string>();
    return DESTINATION_MODES.map(({ name, client, before: isBefore }) => ({
      name, endpoint, records: config.records, inFlight: 0,
      async prepare() {
        const service = isBefore ? (before ??= destinationCheckout(config.destination.beforeRef, log)) : await (now ??= installedDestination(log));
        if (!named.has(service.dir)) {
          named.add(service.dir);
          const what = isBefore
            ? `a worktree of ${service.commit.slice(0, 12)}, its src/main.ts through tsx as its bin ran it`
            : `the working tree on ${service.commit.slice(0, 12)} (uncommitted changes included) built, packed and installed, its bin run by node`;
          log(`  the service ${isBefore ? 'before' : 'now'}: ${service.dir} (${what})`);
        }
        broker ??= startDestinationBroker(makeRecords(config.records), config.endpointCpus);
        const started = await broker;
        let problems: string[] = [];
        let afterStartUp: AfterStartUp | undefined;
        return {
          async sample() {
            const result = await runDestination({
              service, client, broker: started, endpoint, cpu: config.endpointCpus ? '0' : undefined,
              // Generous: the slowest measured ran ~8k records/s after a few seconds of start-up.
              timeoutMs: 60_000 + config.records,
            });
            problems = result.problems;
            afterStartUp = { firstCommitSeconds: result.firstCommitSeconds, itemsPerSec: result.recordsPerSecAfterFirstCommit, cpuPer100k: result.cpuPer100kAfterFirstCommit };
            log(`  ${name}: first commit ${result.firstCommitSeconds.toFixed(1)} s after the spawn, ` +
              `${Math.round(result.recordsPerSecAfterFirstCommit).toLocaleString('en-US')} records/s and ${result.cpuPer100kAfterFirstCommit.toFixed(2)} CPU-s/100k after it`);
            return result.sample;
          },
          failed: () => 0,
          problems: () => problems,
          afterStartUp: () => afterStartUp,
          dispose: () => {},
        };
      },
    }));
  }

  function wantsAny(name: string): boolean {
    return config.only.length === 0 || config.only.includes(name);
  }
}

async function runOnce(mode: Mode): Promise<RunResult> {
  await mode.endpoint.reset();
  // A mode that cannot even start (the "before" checkout failed to install, no kcat) is reported as a run that threw.
  const prepared: Prepared = await mode.prepare().catch((e: unknown) => ({ sample: () => Promise.reject(e), failed: () => 0, dispose: () => {} }));
  let error: unknown;
  const timed = 'sample' in prepared ? prepared.sample() : measure(() => prepared.run());
  const sample = await timed.catch((e: unknown) => {
    // A run that throws is reported like one that lost records, and the bench goes on.
    error = e;
    return { items: 0, seconds: NaN, itemsPerSec: NaN, cpuSeconds: NaN, cpuPer100k: NaN, peakRssMB: NaN };
  });
  prepared.dispose();
  const server = await mode.endpoint.stats();
  const problems = [...problemsOf(mode, sample.items, prepared.failed(), server), ...(prepared.problems?.() ?? [])];
  if (error) problems.unshift(`threw ${(error as Error).name}: ${(error as Error).message}`);
  const afterStartUp = prepared.afterStartUp?.();
  return { ...sample, server, problems, ...(afterStartUp ? { afterStartUp } : {}) };
}

function problemsOf(mode: Mode, written: number, failed: number, server: EndpointStats): string[] {
  const problems: string[] = [];
  if (written !== mode.records) problems.push(`written ${written}/${mode.records}`);
  if (failed > 0) problems.push(`${failed} failed`);
  if (server.itemsAccepted !== mode.records) problems.push(`server accepted ${server.itemsAccepted}/${mode.records}`);
  if (server.keys && server.keys.distinct !== mode.records) problems.push(`${server.keys.distinct} distinct keys`);
  if (server.keys && server.keys.duplicates > 0) problems.push(`${server.keys.duplicates} keys accepted more than once`);
  if (server.errors > 0) problems.push(`${server.errors} requests refused`);
  return problems;
}
