/** Turns the runs into medians, the target ratios and an aligned table. */
import { median } from './measure.js';
import { MODE, type ModeResult } from './scenarios.js';

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
  readonly reps: readonly { readonly itemsPerSec: number; readonly cpuPer100k: number }[];
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
    reps: runs.map(({ itemsPerSec, cpuPer100k }) => ({ itemsPerSec, cpuPer100k })),
  };
}

type Metric = 'itemsPerSec' | 'cpuPer100k';

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

export function ratios(summaries: readonly ModeSummary[]): Ratio[] {
  const by = new Map(summaries.map((s) => [s.name, s]));
  const out: Ratio[] = [];
  const baseline = by.get(MODE.baseline);
  // The targets are the sink's as users run it: fed in chunks, own client. The other two modes are for comparison:
  // one huge write prepares every item before the pipeline fills; a plain client shows the sink's cost alone.
  for (const name of [MODE.sinkChunked, MODE.sinkOneWrite, MODE.sinkPlainClient]) {
    const sink = by.get(name);
    if (!baseline || !sink) continue;
    const targeted = name === MODE.sinkChunked;
    out.push((targeted ? atLeast : info)(`${name} ÷ ${MODE.baseline}, items/s`, perRep(sink, baseline, 'itemsPerSec', divide), 0.9));
    out.push((targeted ? atMost : info)(`${name} − ${MODE.baseline}, CPU-s per 100k`, perRep(sink, baseline, 'cpuPer100k', subtract), 1.0));
  }
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
    out.push(atLeast(`${MODE.sinkLatencyBound} ÷ ${MODE.rawLatencyBound}, items/s`, perRep(bound, raw, 'itemsPerSec', divide), 0.9));
    const peak = bound.serverPeakInFlight;
    out.push({ label: `${MODE.sinkLatencyBound}: server peak in flight`, value: peak, target: `= ${bound.inFlight}`, met: peak === bound.inFlight });
  }
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
    String(s.inFlight),
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
