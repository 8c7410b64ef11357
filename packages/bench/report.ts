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
}

export interface Ratio {
  readonly label: string;
  readonly value: number | boolean;
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
    itemsPerRequest: median(runs.map((r) => (r.server.itemsAccepted + r.server.itemsUnprocessed) / r.server.batchWrites)),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
  };
}

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
    out.push((targeted ? atLeast : info)(`${name} ÷ ${MODE.baseline}, items/s`, sink.itemsPerSec / baseline.itemsPerSec, 0.9));
    out.push((targeted ? atMost : info)(`${name} − ${MODE.baseline}, CPU-s per 100k`, sink.cpuPer100k - baseline.cpuPer100k, 1.0));
  }
  const sink = by.get(MODE.sinkChunked);
  const throttled = by.get(MODE.sinkThrottled);
  if (sink && throttled) {
    out.push(atLeast(`${MODE.sinkThrottled} ÷ ${MODE.sinkChunked}, items/s`, throttled.itemsPerSec / sink.itemsPerSec, 0.85));
    const once = throttled.problems.length === 0;
    out.push({ label: `${MODE.sinkThrottled}: every record accepted exactly once`, value: once, target: 'yes', met: once });
  }
  const ndjson = by.get(MODE.ndjson);
  if (sink && ndjson) {
    // The same records and sink, reached through NDJSON bytes: what splitting lines, lossless-json parsing and
    // pipeToSink's batching cost on top of DynamoSink fed pre-built records.
    out.push(info(`${MODE.ndjson} ÷ ${MODE.sinkChunked}, items/s`, ndjson.itemsPerSec / sink.itemsPerSec));
    out.push(info(`${MODE.ndjson} − ${MODE.sinkChunked}, CPU-s per 100k`, ndjson.cpuPer100k - sink.cpuPer100k));
    out.push(atMost(`${MODE.ndjson} CPU ÷ ${MODE.sinkChunked} CPU (median client CPU-s per 100k, NDJSON bytes in ÷ records in)`,
      ndjson.cpuPer100k / sink.cpuPer100k, 1.1));
    const once = ndjson.problems.length === 0;
    out.push({ label: `${MODE.ndjson}: every record accepted exactly once, every line read and committed`, value: once, target: 'yes', met: once });
  }
  const raw = by.get(MODE.rawLatencyBound);
  const bound = by.get(MODE.sinkLatencyBound);
  if (raw && bound) {
    out.push(atLeast(`${MODE.sinkLatencyBound} ÷ ${MODE.rawLatencyBound}, items/s`, bound.itemsPerSec / raw.itemsPerSec, 0.9));
    const peak = bound.serverPeakInFlight;
    out.push({ label: `${MODE.sinkLatencyBound}: server peak in flight`, value: peak, target: `= ${bound.inFlight}`, met: peak === bound.inFlight });
  }
  return out;
}

const atLeast = (label: string, value: number, min: number): Ratio => ({ label, value, target: `≥ ${min.toFixed(2)}`, met: value >= min });
const atMost = (label: string, value: number, max: number): Ratio => ({ label, value, target: `≤ ${max.toFixed(2)}`, met: value <= max });
const info = (label: string, value: number): Ratio => ({ label, value, target: '', met: true });

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

export function formatRatios(list: readonly Ratio[]): string {
  const rows = list.map((r) => [
    r.label,
    typeof r.value === 'boolean' ? (r.value ? 'yes' : 'no') : Number.isInteger(r.value) ? String(r.value) : signed(r),
    r.target,
    r.target === '' ? '(for comparison)' : r.met ? 'met' : 'MISSED',
  ]);
  return align(rows, [false, true, false, false]);
}

// Differences (labels "a − b") show their sign; ratios do not.
const signed = (r: Ratio) => (r.label.includes(' − ') && (r.value as number) >= 0 ? '+' : '') + (r.value as number).toFixed(2);

function align(rows: readonly string[][], right: readonly boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) => row.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}
