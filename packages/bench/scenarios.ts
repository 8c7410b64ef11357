/** The modes the bench alternates between, each against a fake endpoint, and the checks made after each run. */
import { makeClient } from './aws-sdk.js';
import { runBaseline } from './baseline.js';
import { loadDirectTransport, runDirect, runDirectJson } from './direct-runner.js';
import { startEndpoint, type Endpoint, type EndpointStats } from './endpoint-process.js';
import { measure, type Sample } from './measure.js';
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

interface Prepared {
  run(): Promise<number>;
  failed(): number;
  /** Checks of the mode's own beyond the common ones (problemsOf). */
  problems?(): string[];
  dispose(): void;
}

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
} as const;

const KEYS = { hashKey: 'year_month', rangeKey: 'rest_of_ts', trackKeys: true } as const;
// Room for every mode's in-flight count; the modes themselves hold the limit.
const MIN_SOCKETS = 16;
// At 10% throttling a record fails 6 tries in a row once in a million: not what this run is about.
export const THROTTLED_MAX_RETRIES = 10;

export async function runScenarios(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ modes: ModeResult[]; sinkError?: string; ndjsonError?: string; directError?: string }> {
  const endpoint = await startEndpoint({ latencyMs: config.latencyMs, cpus: config.endpointCpus, ...KEYS });
  const throttled = await startEndpoint({ latencyMs: config.latencyMs, throttle: config.throttle, cpus: config.endpointCpus, ...KEYS });
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
      );
    }
    const selected = modes.filter((mode) => config.only.length === 0 || config.only.includes(mode.name));
    const results = selected.map((mode) => ({ name: mode.name, records: mode.records, inFlight: mode.inFlight, runs: [] as RunResult[] }));

    // One warm-up per mode, then the modes in turn, so drift (thermal, GC, JIT) hits them all alike.
    for (let rep = 0; rep <= config.reps; rep++) {
      log(rep === 0 ? 'warm-up' : `rep ${rep}/${config.reps}`);
      for (const [i, mode] of selected.entries()) {
        const result = await runOnce(mode);
        log(`  ${mode.name.padEnd(16)} ${Math.round(result.itemsPerSec).toLocaleString('en-US').padStart(9)} items/s` +
          `  ${result.cpuPer100k.toFixed(2)} CPU-s/100k${result.problems.length ? `  ${result.problems.join('; ')}` : ''}`);
        if (rep > 0) results[i]!.runs.push(result);
      }
    }
    return {
      modes: results,
      ...(DynamoSink instanceof Error ? { sinkError: DynamoSink.message } : {}),
      ...(pipeNdjson instanceof Error ? { ndjsonError: pipeNdjson.message } : {}),
      ...(directTransport instanceof Error ? { directError: directTransport.message } : {}),
    };
  } finally {
    endpoint.stop();
    throttled.stop();
  }
}

async function runOnce(mode: Mode): Promise<RunResult> {
  await mode.endpoint.reset();
  const prepared = await mode.prepare();
  let error: unknown;
  const sample = await measure(() => prepared.run()).catch((e: unknown) => {
    // A run that throws is reported like one that lost records, and the bench goes on.
    error = e;
    return { items: 0, seconds: NaN, itemsPerSec: NaN, cpuSeconds: NaN, cpuPer100k: NaN, peakRssMB: NaN };
  });
  prepared.dispose();
  const server = await mode.endpoint.stats();
  const problems = [...problemsOf(mode, sample.items, prepared.failed(), server), ...(prepared.problems?.() ?? [])];
  if (error) problems.unshift(`threw ${(error as Error).name}: ${(error as Error).message}`);
  return { ...sample, server, problems };
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
