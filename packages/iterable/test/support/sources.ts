import type { SinkRecord } from '@dynamo-sink/core';

/** A record whose value says where it came from. */
export type Numbered = SinkRecord<{ id: string; n: number }>;

export const numbered = (n: number): Numbered => ({ value: { id: `r${n}`, n } });

/** `count` numbered records (endless when count is Infinity), reporting each pull to `onPull` with its index. */
export async function* numberedRecords(count: number, onPull: (n: number) => void = () => {}): AsyncGenerator<Numbered> {
  for (let n = 0; n < count; n++) {
    onPull(n);
    yield numbered(n);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, checking every few ms; fails the test after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

/** For `promise.then(resolvedUnexpectedly, (error) => error)`: the rejection's type, and a clear failure if it resolved. */
export function resolvedUnexpectedly(value: unknown): never {
  throw new Error(`expected a rejection, but it resolved with ${JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? `${field}n` : field))}`);
}
