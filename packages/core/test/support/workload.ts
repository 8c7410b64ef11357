/**
 * The integration tests' stream: JSON messages keyed by id (so every version of an id lands in one partition, in
 * order), several versions per id, a 20-digit number in each, and bad messages mixed in at fixed strides.
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

export interface Workload {
  readonly messages: Message[];
  /** id → the seq of its newest good message: what the table must hold. */
  readonly newestSeq: Map<string, number>;
  /** `reason value` of every bad message, sorted. */
  readonly badLetters: string[];
}

/** The 20-digit number message i carries: JSON.parse would round it, lossless-json must not. */
export const bigOf = (seq: number) => (10_000_000_000_000_000_000n + BigInt(seq) * 7n).toString();

export function workload(count: number, distinctIds: number): Workload {
  const messages: Message[] = [];
  const newestSeq = new Map<string, number>();
  const badLetters: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `id-${i % distinctIds}`;
    const bad = badKindAt(i);
    let value: string;
    switch (bad) {
      case 'not-json':
        value = `not json {${i}`;
        break;
      case 'not-an-object':
        value = `[${i}]`;
        break;
      case 'missing-key':
        value = `{"seq":${i}}`;
        break;
      case 'key-too-long':
        value = `{"id":"${'k'.repeat(2100)}${i}","seq":${i}}`;
        break;
      case 'number-out-of-range':
        value = `{"id":"${id}","seq":${i},"huge":1e999}`;
        break;
      default:
        value = `{"id":"${id}","seq":${i},"big":${bigOf(i)},"note":"NaN"}`;
        newestSeq.set(id, i);
    }
    if (bad) badLetters.push(`${REASON_OF[bad]} ${value}`);
    messages.push({ key: bad === 'key-too-long' || bad === 'missing-key' ? `bad-${i}` : id, value });
  }
  return { messages, newestSeq, badLetters: badLetters.sort() };
}

/** Differences between a scanned table and the workload's newest records; empty when the table is exactly right. */
export function tableDifferences(items: RawItem[], expected: Workload): string[] {
  const differences: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const id = item['id']?.['S'] as string;
    seen.add(id);
    const seq = expected.newestSeq.get(id);
    if (seq === undefined) differences.push(`unexpected item ${id}`);
    else if (item['seq']?.['N'] !== String(seq) || item['big']?.['N'] !== bigOf(seq) || item['note']?.['S'] !== 'NaN') {
      differences.push(`${id}: expected seq ${seq}, got ${JSON.stringify(item)}`);
    }
  }
  for (const id of expected.newestSeq.keys()) if (!seen.has(id)) differences.push(`missing item ${id}`);
  return differences;
}
