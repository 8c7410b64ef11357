/**
 * The integration tests' stream: JSON messages keyed by id (so every version of an id lands in one partition, in
 * order), several versions per id, a 20-digit number in each, and bad messages mixed in at fixed strides. With
 * `tombstones`, items are named from the message key (`id=key`) and tombstones (a key, no value) delete ids written
 * earlier, most of which are put again later: the table must end as "the last record of each id wins, a tombstone
 * removes".
 */
import type { Message } from 'kafkajs';
import type { RawItem } from './dynamo-table.js';

export type BadKind = 'not-json' | 'not-an-object' | 'missing-key' | 'key-too-long' | 'number-out-of-range';

/** The dead-letter reason each kind of bad message must get. */
export const REASON_OF: Record<BadKind, string> = {
  'not-json': 'invalid-message',
  'not-an-object': 'invalid-message',
  'missing-key': 'invalid-key',
  'key-too-long': 'invalid-key', // DynamoDB allows at most 2048 bytes in a partition key: refused before it is sent
  'number-out-of-range': 'invalid-value', // 1e999 is valid JSON but beyond DynamoDB's numbers
};

/** Which kind of bad message sits at index i, if any. */
function badKindAt(i: number): BadKind | undefined {
  if (i % 211 === 5) return 'not-json';
  if (i % 307 === 7) return 'missing-key';
  if (i % 401 === 9) return 'key-too-long';
  if (i % 503 === 11) return 'not-an-object';
  if (i % 601 === 13) return 'number-out-of-range';
  return undefined;
}

/** Whether index i (not a bad message) is a tombstone: about one message in eleven. */
const isTombstoneAt = (i: number) => i % 11 === 4;

export interface WorkloadOptions {
  /**
   * Mix in tombstones, and name items from the message key (`id=key`): a bad message's key is then missing (no message
   * key) or too long (the message key is), where without tombstones its value's `id` field is.
   * @default false
   */
  readonly tombstones?: boolean;
}

export interface Workload {
  readonly messages: Message[];
  /** The partition key spec the stream is written with: `id` (the value's field) or `id=key` (the message key). */
  readonly partitionKey: 'id' | 'id=key';
  /** The field a key failure names: `id`, or `key` (the SOURCE) for `id=key`. */
  readonly keyField: string;
  /** id → the seq of its newest good message, for ids whose last record is a put: what the table must hold. */
  readonly newestSeq: Map<string, number>;
  /** `reason value` of every bad message, sorted. */
  readonly badLetters: string[];
  /** Tombstones in the stream. */
  readonly tombstones: number;
  /** Ids that were put, then deleted by a tombstone and never put again: the table must not hold them. */
  readonly deletedIds: ReadonlySet<string>;
  /** Ids that were put, deleted by a tombstone, then put again: the table must hold their last put. */
  readonly reputIds: ReadonlySet<string>;
}

/** The 20-digit number message i carries: JSON.parse would round it, lossless-json must not. */
export const bigOf = (seq: number) => (10_000_000_000_000_000_000n + BigInt(seq) * 7n).toString();

export function workload(count: number, distinctIds: number, options: WorkloadOptions = {}): Workload {
  const keyed = options.tombstones === true;
  const messages: Message[] = [];
  const newestSeq = new Map<string, number>();
  const badLetters: string[] = [];
  const deletedIds = new Set<string>();
  const reputIds = new Set<string>();
  let tombstones = 0;
  for (let i = 0; i < count; i++) {
    const id = `id-${i % distinctIds}`;
    const bad = badKindAt(i);
    let key: string | null = id;
    let value: string | null;
    switch (bad) {
      case 'not-json':
        value = `not json {${i}`;
        break;
      case 'not-an-object':
        value = `[${i}]`;
        break;
      case 'missing-key':
        value = `{"seq":${i}}`;
        key = keyed ? null : `bad-${i}`;
        break;
      case 'key-too-long':
        value = keyed ? `{"seq":${i},"long":"key"}` : `{"id":"${'k'.repeat(2100)}${i}","seq":${i}}`;
        key = keyed ? `${'k'.repeat(2100)}${i}` : `bad-${i}`;
        break;
      case 'number-out-of-range':
        value = `{"id":"${id}","seq":${i},"huge":1e999}`;
        break;
      default:
        if (keyed && isTombstoneAt(i)) {
          value = null;
          tombstones += 1;
          reputIds.delete(id);
          if (newestSeq.delete(id)) deletedIds.add(id);
        } else {
          value = `{"id":"${id}","seq":${i},"big":${bigOf(i)},"note":"NaN"}`;
          newestSeq.set(id, i);
          if (deletedIds.delete(id)) reputIds.add(id);
        }
    }
    if (bad) badLetters.push(`${REASON_OF[bad]} ${value}`);
    messages.push({ key, value });
  }
  return {
    messages,
    partitionKey: keyed ? 'id=key' : 'id',
    keyField: keyed ? 'key' : 'id',
    newestSeq,
    badLetters: badLetters.sort(),
    tombstones,
    deletedIds,
    reputIds,
  };
}

/** Differences between a scanned table and the workload's newest records; empty when the table is exactly right. */
export function tableDifferences(items: RawItem[], expected: Workload): string[] {
  const differences: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const id = item['id']?.['S'] as string;
    seen.add(id);
    const seq = expected.newestSeq.get(id);
    if (seq === undefined) differences.push(`unexpected item ${id}${expected.deletedIds.has(id) ? ' (deleted by a tombstone)' : ''}`);
    else if (item['seq']?.['N'] !== String(seq) || item['big']?.['N'] !== bigOf(seq) || item['note']?.['S'] !== 'NaN') {
      differences.push(`${id}: expected seq ${seq}, got ${JSON.stringify(item)}`);
    }
  }
  for (const id of expected.newestSeq.keys()) if (!seen.has(id)) differences.push(`missing item ${id}`);
  return differences;
}
