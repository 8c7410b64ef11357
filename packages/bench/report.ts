/** Turns the runs into medians, the target ratios and an aligned table. */
import { median } from './measure.js';
import { modesAt, MODE, type BenchConfig, type ModeResult } from './scenarios.js';

export interface ModeSummary {
  readonly name: string;
  readonly records: number;
  readonly inFlight: number;
  readonly itemsPerSec: number;
  readonly cpuPer100k: number;
  readonly peakRssMB: number;
  readonly serverPeakInFlight: number;
  /** Items per BatchWriteItem as the server saw them: below 25 means more requests than needed. */
  readonly itemsPerRequest: number;
  readonly problems: readonly string[];
  /** Each rep's figures, in rep order: a ratio between two modes compares the runs of the same rep. */
  readonly reps: readonly { readonly itemsPerSec: number; readonly cpuPer100k: number; readonly afterStartUpItemsPerSec: number; readonly afterStartUpCpuPer100k: number }[];
}

export interface Ratio {
  readonly label: string;
  readonly value: number | boolean;
  /** The lowest and highest of the per-rep figures whose median `value` is. */
  readonly range?: readonly [number, number];
  readonly target: string;
  readonly met: boolean;
}

export function summarize(mode: ModeResult): ModeSummary {
  const runs = mode.runs;
  return {
    name: mode.name,
    records: mode.records,
    inFlight: mode.inFlight,
    itemsPerSec: median(runs.map((r) => r.itemsPerSec)),
    cpuPer100k: median(runs.map((r) => r.cpuPer100k)),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    serverPeakInFlight: Math.max(...runs.map((r) => r.server.peakInFlight)),
    itemsPerRequest: median(runs.map((r) => (r.server.itemsAccepted + r.server.itemsUnprocessed) / (r.server.batchWrites + r.server.putItems))),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
    reps: runs.map(({ itemsPerSec, cpuPer100k, afterStartUp }) => ({
      itemsPerSec, cpuPer100k, afterStartUpItemsPerSec: afterStartUp?.itemsPerSec ?? NaN, afterStartUpCpuPer100k: afterStartUp?.cpuPer100k ?? NaN,
    })),
  };
}

type Metric = 'itemsPerSec' | 'cpuPer100k' | 'afterStartUpItemsPerSec' | 'afterStartUpCpuPer100k';

/**
 * `a ÷ b` (or `a − b`) rep by rep. The modes run one after the other within a rep, so what drifts across a run
 * (the machine's load, the JIT warming up: ±10% between reps) moves both sides of a rep's pair alike; the
 * median of the per-rep figures keeps that drift out of the ratio, where a ratio of two medians lets it in.
 */
function perRep(a: ModeSummary, b: ModeSummary, metric: Metric, combine: (x: number, y: number) => number): number[] {
  return a.reps.map((rep, i) => combine(rep[metric], b.reps[i]![metric]));
}
const divide = (x: number, y: number) => x / y;
const subtract = (x: number, y: number) => x - y;

/** The targets are issue 11's ("A lean data path"); the throttled, NDJSON and guarded ones are older issues'. */
export function ratios(summaries: readonly ModeSummary[], config: Pick<BenchConfig, 'cpuBoundInFlight' | 'inFlight'>): Ratio[] {
  const by = new Map(summaries.map((s) => [s.name, s]));
  const out: Ratio[] = [];
  const baseline = by.get(MODE.baseline);
  // The targets are the sink's as users run it: fed in chunks, own client. The other two modes are for comparison:
  // one huge write prepares every item before the pipeline fills; a plain client shows the sink's cost alone.
  for (const name of [MODE.sinkChunked, MODE.sinkOneWrite, MODE.sinkPlainClient]) {
    const sink = by.get(name);
    if (!baseline || !sink) continue;
    const targeted = name === MODE.sinkChunked;
    out.push((targeted ? atLeast : info)(`${name} ÷ ${MODE.baseline}, items/s`, perRep(sink, baseline, 'itemsPerSec', divide), 1.2));
    out.push(info(`${name} − ${MODE.baseline}, CPU-s per 100k`, perRep(sink, baseline, 'cpuPer100k', subtract)));
  }
  out.push(...cpuBound(by, config.cpuBoundInFlight));
  if (config.inFlight !== config.cpuBoundInFlight) out.push(...feeding(by, config.inFlight));
  const sink = by.get(MODE.sinkChunked);
  const throttled = by.get(MODE.sinkThrottled);
  if (sink && throttled) {
    out.push(atLeast(`${MODE.sinkThrottled} ÷ ${MODE.sinkChunked}, items/s`, perRep(throttled, sink, 'itemsPerSec', divide), 0.85));
    const once = throttled.problems.length === 0;
    out.push({ label: `${MODE.sinkThrottled}: every record accepted exactly once`, value: once, target: 'yes', met: once });
  }
  const ndjson = by.get(MODE.ndjson);
  if (sink && ndjson) {
    // The same records and sink, reached through NDJSON bytes: what splitting lines, lossless-json parsing and
    // pipeToSink's batching cost on top of DynamoSink fed pre-built records.
    out.push(info(`${MODE.ndjson} ÷ ${MODE.sinkChunked}, items/s`, perRep(ndjson, sink, 'itemsPerSec', divide)));
    out.push(info(`${MODE.ndjson} − ${MODE.sinkChunked}, CPU-s per 100k`, perRep(ndjson, sink, 'cpuPer100k', subtract)));
    out.push(atMost(`${MODE.ndjson} CPU ÷ ${MODE.sinkChunked} CPU (client CPU-s per 100k, NDJSON bytes in ÷ records in)`,
      perRep(ndjson, sink, 'cpuPer100k', divide), 1.1));
    const once = ndjson.problems.length === 0;
    out.push({ label: `${MODE.ndjson}: every record accepted exactly once, every line read and committed`, value: once, target: 'yes', met: once });
  }
  const guarded = by.get(MODE.sinkGuarded);
  const batched = by.get(MODE.sinkBatchedSmall);
  if (guarded && batched) {
    out.push(info(`${MODE.sinkGuarded} ÷ ${MODE.sinkBatchedSmall}, items/s`, perRep(guarded, batched, 'itemsPerSec', divide)));
    out.push(info(`${MODE.sinkGuarded} ÷ ${MODE.sinkBatchedSmall}, CPU-s per 100k`, perRep(guarded, batched, 'cpuPer100k', divide)));
  }
  // The direct transport alone, for comparison: how close to the floor it sends, and how far ahead of the SDK.
  const direct = by.get(MODE.direct);
  const rawSigned = by.get(MODE.rawSigV4);
  const rawUnsigned = by.get(MODE.rawUnsigned);
  for (const [other, against] of [[baseline, MODE.baseline], [rawSigned, MODE.rawSigV4], [rawUnsigned, MODE.rawUnsigned]] as const) {
    if (!direct || !other) continue;
    out.push(info(`${MODE.direct} ÷ ${against}, items/s`, perRep(direct, other, 'itemsPerSec', divide)));
    out.push(info(`${MODE.direct} ÷ ${against}, CPU-s per 100k`, perRep(direct, other, 'cpuPer100k', divide)));
  }
  const directJson = by.get(MODE.directJson);
  if (directJson && rawSigned) out.push(info(`${MODE.directJson} ÷ ${MODE.rawSigV4}, CPU-s per 100k`, perRep(directJson, rawSigned, 'cpuPer100k', divide)));
  if (direct && directJson) out.push(info(`${MODE.direct} − ${MODE.directJson}, CPU-s per 100k (serializing the input)`, perRep(direct, directJson, 'cpuPer100k', subtract)));
  if (rawSigned && baseline) out.push(info(`${MODE.rawSigV4} ÷ ${MODE.baseline}, items/s`, perRep(rawSigned, baseline, 'itemsPerSec', divide)));
  const raw = by.get(MODE.rawLatencyBound);
  const bound = by.get(MODE.sinkLatencyBound);
  if (raw && bound) {
    out.push(atLeast(`${MODE.sinkLatencyBound} ÷ ${MODE.rawLatencyBound}, items/s`, perRep(bound, raw, 'itemsPerSec', divide), 0.95));
    const peak = bound.serverPeakInFlight;
    out.push({ label: `${MODE.sinkLatencyBound}: server peak in flight`, value: peak, target: `= ${bound.inFlight}`, met: peak === bound.inFlight });
  }
  out.push(...endToEnd(by));
  return out;
}

/**
 * Each feeding mode at `inFlight`, 1,000 records a write, against the sink fed everything in one write: at the
 * CPU-bound count that is what feeding costs in CPU; at the default count, whether requests stay full.
 */
function feeding(by: ReadonlyMap<string, ModeSummary>, inFlight: number): Ratio[] {
  const names = modesAt(inFlight);
  const out: Ratio[] = [];
  const allAtOnce = by.get(names.sinkOneWrite);
  for (const name of [names.pipe, names.kafkajs, names.rdkafka, names.confluent]) {
    const fed = by.get(name);
    if (!fed || !allAtOnce) continue;
    out.push(atLeast(`${name} ÷ ${names.sinkOneWrite}, items/s`, perRep(fed, allAtOnce, 'itemsPerSec', divide), 0.9));
    out.push(info(`${name} ÷ ${names.sinkOneWrite}, CPU-s per 100k`, perRep(fed, allAtOnce, 'cpuPer100k', divide)));
    const once = fed.problems.length === 0;
    out.push({ label: `${name}: every record accepted exactly once, every offset committed`, value: once, target: 'yes', met: once });
  }
  return out;
}

/**
 * At the CPU-bound in-flight count: the sink against the SDK loop (throughput, CPU, peak RSS) and the floor; then
 * the feeding modes (see feeding) and what JSON decoding adds.
 */
function cpuBound(by: ReadonlyMap<string, ModeSummary>, inFlight: number): Ratio[] {
  const names = modesAt(inFlight);
  const out: Ratio[] = [];
  const baseline = by.get(names.baseline);
  const sink = by.get(names.sink);
  const floor = by.get(names.rawSigV4);
  if (sink && baseline) {
    out.push(atLeast(`${names.sink} ÷ ${names.baseline}, items/s`, perRep(sink, baseline, 'itemsPerSec', divide), 2.5));
    out.push(atMost(`${names.sink} ÷ ${names.baseline}, CPU-s per 100k`, perRep(sink, baseline, 'cpuPer100k', divide), 0.4));
    // Peak RSS is the highest of the reps (of the whole bench process, sampled every 50 ms during the run).
    const lower = sink.peakRssMB <= baseline.peakRssMB;
    out.push({
      label: `${names.sink} peak RSS ≤ ${names.baseline}'s (${sink.peakRssMB.toFixed(0)} MB vs ${baseline.peakRssMB.toFixed(0)} MB)`,
      value: lower, target: 'yes', met: lower,
    });
  }
  if (sink && floor) {
    out.push(info(`${names.sink} ÷ ${names.rawSigV4}, items/s`, perRep(sink, floor, 'itemsPerSec', divide)));
    out.push(info(`${names.sink} ÷ ${names.rawSigV4}, CPU-s per 100k`, perRep(sink, floor, 'cpuPer100k', divide)));
  }
  out.push(...feeding(by, inFlight));
  const json = by.get(names.kafkajsJson);
  const readyMade = by.get(names.kafkajs);
  if (json && readyMade) {
    // What decoding each value as JSON (the adapters' default) adds to the kafkajs write path.
    out.push(info(`${names.kafkajsJson} ÷ ${names.kafkajs}, items/s`, perRep(json, readyMade, 'itemsPerSec', divide)));
    out.push(info(`${names.kafkajsJson} − ${names.kafkajs}, CPU-s per 100k`, perRep(json, readyMade, 'cpuPer100k', subtract)));
  }
  return out;
}

/** The destination service now against the same service on the commit before issue 11, per Kafka client. */
function endToEnd(by: ReadonlyMap<string, ModeSummary>): Ratio[] {
  const out: Ratio[] = [];
  const pairs = [[MODE.destinationKafkajs, MODE.destinationKafkajsBefore], [MODE.destinationRdkafka, MODE.destinationRdkafkaBefore]] as const;
  for (const [nowName, beforeName] of pairs) {
    const now = by.get(nowName);
    const before = by.get(beforeName);
    if (!now || !before) continue;
    // Per core: records per CPU-second of the service process (it does not fill its core: the endpoint's latency and
    // the group join bound it), so the inverse of the CPU-s per 100k records.
    out.push(atLeast(`${nowName} ÷ ${beforeName}, records/s per core`, perRep(before, now, 'cpuPer100k', divide), 1.8));
    out.push(info(`${nowName} ÷ ${beforeName}, records/s`, perRep(now, before, 'itemsPerSec', divide)));
    // Start-up and the group join (a few seconds on the mock cluster) are in the target's figure; this is without them.
    out.push(info(`${nowName} ÷ ${beforeName}, records/s after the first commit`, perRep(now, before, 'afterStartUpItemsPerSec', divide)));
    out.push(info(`${nowName} ÷ ${beforeName}, records per CPU-second after the first commit`, perRep(before, now, 'afterStartUpCpuPer100k', divide)));
  }
  const confluent = by.get(MODE.destinationConfluent);
  const kafkajs = by.get(MODE.destinationKafkajs);
  if (confluent && kafkajs) out.push(info(`${MODE.destinationConfluent} ÷ ${MODE.destinationKafkajs}, records/s`, perRep(confluent, kafkajs, 'itemsPerSec', divide)));
  return out;
}

/** A ratio's figure: the median of the per-rep figures, with their range, against a target (none: for comparison). */
function ratio(label: string, values: readonly number[], target = '', meets = (_value: number) => true): Ratio {
  const value = median(values);
  return { label, value, range: [Math.min(...values), Math.max(...values)], target, met: meets(value) };
}
const atLeast = (label: string, values: readonly number[], min: number) => ratio(label, values, `≥ ${min.toFixed(2)}`, (value) => value >= min);
const atMost = (label: string, values: readonly number[], max: number) => ratio(label, values, `≤ ${max.toFixed(2)}`, (value) => value <= max);
const info = (label: string, values: readonly number[]) => ratio(label, values);

export function formatTable(summaries: readonly ModeSummary[]): string {
  const header = ['mode', 'records', 'in flight', 'items/s', 'CPU-s/100k', 'peak RSS MB', 'server peak', 'items/req', 'checks'];
  const rows = summaries.map((s) => [
    s.name,
    s.records.toLocaleString('en-US'),
    // The end-to-end modes set no in-flight count: the service's own.
    s.inFlight > 0 ? String(s.inFlight) : '-',
    Math.round(s.itemsPerSec).toLocaleString('en-US'),
    s.cpuPer100k.toFixed(2),
    s.peakRssMB.toFixed(0),
    String(s.serverPeakInFlight),
    s.itemsPerRequest.toFixed(1),
    s.problems.length ? s.problems.join('; ') : 'ok',
  ]);
  return align([header, ...rows], [false, true, true, true, true, true, true, true, false]);
}

/** One line per ratio: the median over reps, the range of the per-rep figures, the target and whether it is met. */
export function formatRatios(list: readonly Ratio[]): string {
  const header = ['ratio (median of the per-rep figures)', 'figure', 'reps ranged', 'target', ''];
  const rows = list.map((r) => [
    r.label,
    typeof r.value === 'boolean' ? (r.value ? 'yes' : 'no') : Number.isInteger(r.value) ? String(r.value) : signed(r, r.value),
    r.range ? `${signed(r, r.range[0])} to ${signed(r, r.range[1])}` : '',
    r.target,
    r.target === '' ? '(for comparison)' : r.met ? 'met' : 'MISSED',
  ]);
  return align([header, ...rows], [false, true, true, false, false]);
}

// Differences (labels "a − b") show their sign; ratios do not.
const signed = (r: Ratio, value: number) => (r.label.includes(' − ') && value >= 0 ? '+' : '') + value.toFixed(2);

function align(rows: readonly string[][], right: readonly boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) => row.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}
