/**
 * `pnpm bench`: DynamoSink against a plain DynamoDBClient loop, side by side, on a fake endpoint.
 *
 *   pnpm bench [--records N] [--reps N] [--latency ms] [--in-flight N] [--throttle F]
 *              [--chunk N] [--sink-writes N] [--cpu-bound-in-flight N] [--only mode,mode] [--quick] [--json] [--no-pin]
 *              [--destination] [--destination-reps N] [--destination-before REF]
 *
 * Modes (scenarios.ts), one warm-up then each in turn every rep: baseline (plain SDK loop, pre-marshalled items),
 * raw-http (the latency-bound floor), sink (DynamoSink fed records in chunks), ndjson (the same records as NDJSON
 * bytes held in memory, fed in 64 KiB chunks through @dynamo-sink/iterable's pipeNdjson, default options, into a
 * sink built as sink builds it), sink-1-write, sink-plain-client, sink-throttled, sink-latency, and sink-guarded
 * (version-guarded: one conditional PutItem per record) beside sink-batched (the same records as batched puts);
 * direct (core's direct transport alone over the baseline's batches; direct-json: over bodies written ahead) beside
 * raw-sigv4 (pre-built bodies, node:http, @smithy/signature-v4) and raw-unsigned, all at the baseline's in-flight count.
 *
 * CPU-bound, at `--cpu-bound-in-flight` (64 unless told; the names carry the count), run one after another each rep:
 * baseline-64, raw-sigv4-64, sink-64 (fed as sink is), sink-1-write-64 (all in one write), and the feeding modes,
 * each fed 1,000 records a write into a sink built as sink builds it: pipe-64 (pipeToSink over an async iterable of
 * the records, writes in flight as --sink-writes), kafkajs-64, node-rdkafka-64 and confluent-64 (each Kafka
 * adapter's write path over an in-process fake of its client holding the records as JSON messages in 4 partitions,
 * until every offset is committed; fake-each-batch.ts, fake-rdkafka.ts; their deserializer hands the records over
 * ready-made, as the sink and pipe modes get them), and kafkajs-json-64 (the adapters' default JSON decoding). The
 * feeding modes run again at `--in-flight` beside the sink all in one write there (sink-1-write-16, pipe-16,
 * kafkajs-16, node-rdkafka-16, confluent-16): latency-bound, whether requests stay full between writes.
 *
 * End to end (destination-runner.ts), only with `--destination` or when named in `--only`, after the others, no
 * warm-up, `--destination-reps` runs each (1 unless told): the destination service as a process of its own pinned to
 * CPU 0, from librdkafka's mock cluster (kcat, holding the records produced before the service starts) into the
 * endpoint, timed from its spawn until its group has committed the whole topic, CPU from /proc. Each service runs as
 * its users ran it (destination-before.ts). destination-kafkajs, destination-node-rdkafka and destination-confluent
 * run this workspace's service as published: built, packed, installed outside the workspace, its bin run by node.
 * destination-kafkajs-before and destination-node-rdkafka-before run the service of `--destination-before` (c8bd6a3
 * unless told: the commit before issue 11), whose bin was its TypeScript through tsx, from a git worktree under
 * .bench/ made and installed (pnpm install --offline) on first use.
 *
 * `--only ndjson,sink` runs just those; `--quick` is 5,000 records, 1 rep.
 *
 * See /work/shared/PERFORMANCE.md for the workload and the targets; report.ts for the ratios and their targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  // `pnpm bench -- --quick` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    records: { type: 'string' },
    reps: { type: 'string' },
    latency: { type: 'string', default: '10' },
    'in-flight': { type: 'string', default: '16' },
    throttle: { type: 'string', default: '0.1' },
    chunk: { type: 'string', default: '1000' },
    // 16 writes of 1,000 keep ~16k records ahead of the sink, as an adapter does: a write resolves only when its
    // slowest record (the one retried most) is written, so with fewer the sink's queue runs dry under throttling.
    'sink-writes': { type: 'string', default: '16' },
    only: { type: 'string', default: '' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    // Issue 11's CPU-bound point: at 10 ms and 64 requests at once, the client's core sets the pace, not the latency.
    'cpu-bound-in-flight': { type: 'string', default: '64' },
    destination: { type: 'boolean', default: false },
    'destination-reps': { type: 'string' },
    'destination-before': { type: 'string' },
  },
});

const PINNED_ENV = 'DYNAMO_SINK_BENCH_PINNED';

// Pin the client to CPU 0 and leave the others to the endpoint, as PERFORMANCE.md measured it.
// Re-exec rather than pin in place, so every thread the process starts is pinned from the start.
if (!flags['no-pin'] && process.env[PINNED_ENV] === undefined && spawnSync('taskset', ['-c', '0', 'true']).status === 0) {
  const count = cpus().length;
  const result = spawnSync('taskset', ['-c', '0', process.execPath, '--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [PINNED_ENV]: count > 2 ? `1-${count - 1}` : count === 2 ? '1' : '0' },
  });
  process.exit(result.status ?? 1);
}

const { runScenarios, THROTTLED_MAX_RETRIES } = await import('./scenarios.js');
const { DESTINATION_BEFORE_DEFAULT } = await import('./destination-before.js');
const { summarize, ratios, formatTable, formatRatios } = await import('./report.js');

const count = (name: string, value: string | undefined, fallback: number, min = 1): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`Expected --${name} to be a whole number >= ${min}, got ${value}`);
  return n;
};
const records = count('records', flags.records, flags.quick ? 5_000 : 100_000);
const config = {
  records,
  // Five: a rep's figures move ±10% with the machine, and every ratio is the median of five per-rep figures.
  reps: count('reps', flags.reps, flags.quick ? 1 : 5),
  latencyMs: count('latency', flags.latency, 10, 0),
  inFlight: count('in-flight', flags['in-flight'], 16),
  throttle: Number(flags.throttle),
  feed: { chunk: count('chunk', flags.chunk, 1000, 0), writesInFlight: count('sink-writes', flags['sink-writes'], 16) },
  // Latency-bound runs go at ~9k items/s: a quarter of the records gives the same steady state sooner.
  latencyBound: { inFlight: 4, records: Math.max(100, Math.floor(records / 4)) },
  // One record per request: at 16 in flight and 10 ms that is ~1,600 items/s, so a tenth of the records.
  guardedRecords: Math.max(100, Math.floor(records / 10)),
  cpuBoundInFlight: count('cpu-bound-in-flight', flags['cpu-bound-in-flight'], 64),
  destination: {
    include: flags.destination,
    // A run is a service's whole life (start-up, group join, 100k records): one each unless asked.
    reps: count('destination-reps', flags['destination-reps'], 1),
    beforeRef: flags['destination-before'] ?? DESTINATION_BEFORE_DEFAULT,
  },
  only: flags.only ? flags.only.split(',') : [],
  endpointCpus: process.env[PINNED_ENV] || undefined,
};

const pinning = config.endpointCpus ? `client pinned to CPU 0 (taskset), endpoints on CPU ${config.endpointCpus}` : 'not pinned';
console.log(`dynamo-sink bench: node ${process.version}, ${pinning}`);
console.log(`${config.records.toLocaleString('en-US')} records, latency ${config.latencyMs} ms, ${config.inFlight} in flight, ` +
  `${config.reps} reps + 1 warm-up; sink fed ${config.feed.chunk || 'all'} records a write, ${config.feed.writesInFlight} writes in flight; ` +
  `throttled: ${config.throttle * 100}% unprocessed, sink maxRetries ${THROTTLED_MAX_RETRIES}; latency-bound: ${config.latencyBound.inFlight} in flight, ` +
  `${config.latencyBound.records.toLocaleString('en-US')} records; CPU-bound: ${config.cpuBoundInFlight} in flight`);

// Other work on the machine skews items/s far more than CPU-s: show how busy it was.
const load = () => loadavg()[0]!.toFixed(1);
const loadBefore = load();
const { modes, sinkError, ndjsonError, directError, errors } = await runScenarios(config, (line) => console.log(line));
const machineLoad = `load average ${loadBefore} before, ${load()} after, on ${cpus().length} CPUs`;
console.log(machineLoad);
if (sinkError) console.log(`\nsink not run: ${sinkError}`);
if (ndjsonError) console.log(`\nndjson not run: ${ndjsonError}`);
if (directError) console.log(`\ndirect not run: ${directError}`);
for (const [mode, error] of Object.entries(errors)) console.log(`\n${mode} not run: ${error}`);
const summaries = modes.map(summarize);
const targets = ratios(summaries, config);
console.log(`\n${formatTable(summaries)}\n`);
if (targets.length) console.log(`${formatRatios(targets)}\n`);

if (flags.json) {
  const dir = fileURLToPath(new URL('../../.bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}results.json`;
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, pinning, machineLoad, config, summaries, targets, modes, sinkError, ndjsonError, directError, errors }, null, 2));
  console.log(`results written to ${file}`);
}
