/**
 * The mirrored table as the example prints it: one row per item, sorted by device, fixed-width columns a person can
 * read at a glance, tombstone items included (the delete's time, and `yes` under `deleted`).
 */
import type { RawItem } from '@dynamo-sink/test-servers';

/** One item, in the example's terms. Every field is text as printed, so two scans compare exactly. */
export interface DeviceRow {
  readonly device: string;
  readonly power: string;
  readonly setpoint: string;
  readonly temperature: string;
  readonly battery: string;
  readonly firmware: string;
  /** The version attribute (the Kafka timestamp in epoch ns) as an ISO time. */
  readonly version: string;
  readonly deleted: string;
}

/** Columns in print order: heading, the row's field, and which side the values line up on. */
const COLUMNS: readonly { heading: string; field: keyof DeviceRow; align: 'left' | 'right' }[] = [
  { heading: 'device', field: 'device', align: 'left' },
  { heading: 'power', field: 'power', align: 'left' },
  { heading: 'setpoint °C', field: 'setpoint', align: 'right' },
  { heading: 'temp °C', field: 'temperature', align: 'right' },
  { heading: 'battery %', field: 'battery', align: 'right' },
  { heading: 'firmware', field: 'firmware', align: 'left' },
  { heading: 'version (Kafka time)', field: 'version', align: 'left' },
  { heading: 'deleted', field: 'deleted', align: 'left' },
];

/** Rows for scanned items (raw AttributeValues), sorted by device. */
export function deviceRows(items: readonly RawItem[], versionAttribute: string, tombstoneAttribute: string): DeviceRow[] {
  const text = (item: RawItem, name: string) => {
    const attribute = item[name];
    return attribute === undefined ? '' : String(Object.values(attribute)[0]);
  };
  return items
    .map((item) => ({
      device: text(item, 'device'),
      power: text(item, 'power'),
      setpoint: text(item, 'setpoint_c'),
      temperature: text(item, 'temperature_c'),
      battery: text(item, 'battery_pct'),
      firmware: text(item, 'firmware'),
      version: versionTime(text(item, versionAttribute)),
      deleted: item[tombstoneAttribute]?.['BOOL'] === true ? 'yes' : '',
    }))
    .sort((a, b) => a.device.localeCompare(b.device));
}

/** An epoch-nanosecond version as the ISO time it stands for (ms precision: Kafka's). */
export function versionTime(nanoseconds: string): string {
  return nanoseconds === '' ? '' : new Date(Number(BigInt(nanoseconds) / 1_000_000n)).toISOString();
}

/** The rows as a fixed-width table: a heading line, a rule, a line per row (trailing spaces trimmed). */
export function renderTable(rows: readonly DeviceRow[]): string[] {
  const widths = COLUMNS.map(({ heading, field }) => Math.max(heading.length, ...rows.map((row) => row[field].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (COLUMNS[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(({ heading }) => heading)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(COLUMNS.map(({ field }) => row[field]))),
  ];
}
