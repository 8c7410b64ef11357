// What users log or serialise must go through JSON.stringify as it is: no bigint anywhere in the types of the
// results and events the packages hand out (records carry the source's own data, and are left out here).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BatchWrittenEvent, RetryEvent, ThrottleEvent, WriteResult } from '../src/index.js';
import type { CommitEvent, KafkaPosition, KafkaRunStats } from '../../kafka-common/src/index.js';
import { ScriptedSink } from '../src/testing/index.js';

/** True if a bigint can occur anywhere in T (Errors aside: JSON.stringify takes their own fields, none a bigint here). */
type HoldsBigint<T> = T extends bigint
  ? true
  : T extends Error
    ? false
    : T extends readonly (infer E)[]
      ? HoldsBigint<E>
      : T extends object
        ? true extends { [K in keyof T]-?: HoldsBigint<T[K]> }[keyof T]
          ? true
          : false
        : false;

describe('results and events are JSON-safe', () => {
  it('holds no bigint in its types', () => {
    expectTypeOf<HoldsBigint<{ n: bigint }>>().toEqualTypeOf<true>(); // the check itself sees one
    expectTypeOf<HoldsBigint<KafkaRunStats>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<CommitEvent>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<KafkaPosition>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<BatchWrittenEvent>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<RetryEvent>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<ThrottleEvent>>().toEqualTypeOf<false>();
    expectTypeOf<HoldsBigint<Omit<WriteResult, 'failed'>>>().toEqualTypeOf<false>();
  });

  it('a write result, failures included, goes through JSON.stringify', async () => {
    const sink = new ScriptedSink<{ id: string }>({ failRecord: (record) => record.value.id === 'bad' && 'invalid-value' });
    const result = await sink.write([{ value: { id: 'ok' }, offset: '18446744073709551616' }, { value: { id: 'bad' } }]);
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ written: 1, failed: [{ index: 1, reason: 'invalid-value', record: { value: { id: 'bad' } } }] });
  });
});
