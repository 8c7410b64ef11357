/**
 * A changelog stream for the write-semantics tests: puts and deletes of a few hundred keys, versions shuffled,
 * duplicates and bad records mixed in, and the models of what a table must hold after it.
 */
import { seededRandom } from '../../src/testing/seeded-random.js';
import type { SinkRecord } from '../../src/index.js';

export type ChangeValue = { id?: unknown; version?: unknown; n?: unknown; deleted?: boolean; payload?: unknown };
export type Change = SinkRecord<ChangeValue | null>;

export interface ChangelogOptions {
  readonly records: number;
  readonly keys: number;
  readonly deleteRate: number;
  /** Fraction of records sent twice (the copy later in the stream). */
  readonly duplicateRate: number;
  /** Fraction of bad records (no version, no id, a NaN). */
  readonly badRate: number;
  readonly seed?: number;
}

export const keyOf = (i: number) => `k${String(i).padStart(4, '0')}`;

/**
 * Versioned changes: each carries `id` and a numeric `version` in its value; a delete is a marker `{ id, version,
 * deleted: true }` (for `deleteWhen`). Versions are drawn at random per key, so the stream order is not the version order.
 */
export function versionedChangelog(options: ChangelogOptions): Change[] {
  const random = seededRandom(options.seed ?? 11);
  const stream: Change[] = [];
  for (let i = 0; i < options.records; i++) {
    const id = keyOf(Math.floor(random() * options.keys));
    const version = 1 + Math.floor(random() * 1_000);
    const draw = random();
    if (draw < options.badRate) {
      const kind = i % 3;
      stream.push({ value: kind === 0 ? { id, n: i } : kind === 1 ? { version, n: i } : { id, version, n: Number.NaN } });
      continue;
    }
    const value: ChangeValue = draw < options.badRate + options.deleteRate ? { id, version, deleted: true } : { id, version, n: i, payload: { at: i, tags: ['a', 'b'] } };
    stream.push({ value });
    if (random() < options.duplicateRate) stream.splice(Math.floor(random() * stream.length) + 1, 0, { value: { ...value } });
  }
  return stream;
}

export const isBad = (change: Change) => {
  const value = change.value;
  return value !== null && (typeof value.id !== 'string' || typeof value.version !== 'number' || Number.isNaN(value.n));
};

export interface VersionedModel {
  /** The table afterwards, by key: the winning put's item, or a tombstone. */
  readonly items: Map<string, Record<string, unknown>>;
  readonly written: number;
  readonly stale: number;
  readonly failed: number;
}

/**
 * What a version-guarded sink with tombstones leaves, records applied per key in stream order: a record wins when no
 * item is stored or its version is higher than the stored one (equal: the stored one stays).
 */
export function versionedModel(stream: readonly Change[], start = new Map<string, Record<string, unknown>>()): VersionedModel {
  const items = new Map(start);
  let written = 0;
  let stale = 0;
  let failed = 0;
  for (const change of stream) {
    if (isBad(change)) {
      failed++;
      continue;
    }
    const value = change.value!;
    const id = value.id as string;
    const stored = items.get(id);
    if (stored && (stored.version as number) >= (value.version as number)) {
      stale++;
      continue;
    }
    written++;
    items.set(id, value.deleted ? { id, version: value.version, deleted: true } : { ...value });
  }
  return { items, written, stale, failed };
}

/**
 * Unversioned changes keyed by the record key, as a compacted Kafka topic carries them: a put's value, or a
 * tombstone (value null). Every record is good.
 */
export function keyedChangelog(options: Pick<ChangelogOptions, 'records' | 'keys' | 'deleteRate' | 'seed'>): Change[] {
  const random = seededRandom(options.seed ?? 5);
  return Array.from({ length: options.records }, (_, i) => {
    const key = keyOf(Math.floor(random() * options.keys));
    return random() < options.deleteRate ? { key, value: null, offset: String(i) } : { key, value: { n: i, note: `state ${i}` }, offset: String(i) };
  });
}

/** Last record wins, tombstones remove: the items of a keyed changelog, with the key in `id`. */
export function lastWinsModel(stream: readonly Change[]): Map<string, Record<string, unknown>> {
  const items = new Map<string, Record<string, unknown>>();
  for (const change of stream) {
    const id = change.key as string;
    if (change.value === null) items.delete(id);
    else items.set(id, { id, ...change.value });
  }
  return items;
}
