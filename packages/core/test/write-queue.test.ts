import { describe, expect, it } from 'vitest';
import { WriteQueue, type Owner } from '../src/dynamo/write-queue.js';

const owner = (key: string, ticket: string, size = 100): Owner<string> => ({
  prepared: { table: 't', keyId: key, size, batch: '{"PutRequest":{"Item":{}}}', single: undefined },
  ticket,
  index: 0,
});
/** A write that goes as a single-item call (a guarded put, an update). */
const single = (key: string, ticket: string): Owner<string> => ({
  prepared: { table: 't', keyId: key, size: 100, batch: undefined, single: { operation: 'UpdateItem', body: '{"TableName":"t","Key":{}}' } },
  ticket,
  index: 0,
});
const tickets = (batch: { owner: Owner<string>; superseded: Owner<string>[] | undefined }[]) =>
  batch.map((entry) => [...(entry.superseded ?? []).map((o) => o.ticket), entry.owner.ticket].join('+'));

describe('WriteQueue', () => {
  it('packs at most 25 items per request, first come first served', () => {
    const queue = new WriteQueue<string>();
    for (let i = 0; i < 60; i++) queue.add(owner(`k${i}`, `r${i}`));
    expect(queue.take(0).map((e) => e.owner.ticket)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
    expect(queue.take(0)).toHaveLength(25);
    expect(queue.take(0)).toHaveLength(10);
    expect(queue.take(0)).toHaveLength(0);
    expect(queue.size).toBe(60);
  });

  it('collapses records of one key waiting to be sent: the newest is sent, the older ride along', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a1'));
    queue.add(owner('b', 'b1'));
    queue.add(owner('a', 'a2'));
    queue.add(owner('a', 'a3'));
    expect(tickets(queue.take(0))).toEqual(['a1+a2+a3', 'b1']);
  });

  it('never sends a key while an earlier write of it is in flight, and sends the newest after it', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a1'));
    const first = queue.take(0);
    queue.add(owner('a', 'a2'));
    queue.add(owner('b', 'b1'));
    queue.add(owner('a', 'a3'));
    expect(tickets(queue.take(0))).toEqual(['b1']);
    expect(queue.take(0)).toEqual([]);
    queue.settle(first[0]!);
    expect(tickets(queue.take(0))).toEqual(['a2+a3']);
  });

  it('keeps the key locked while an entry waits for its retry, and sends the retry when due', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a1'));
    const [entry] = queue.take(0);
    queue.retry(entry!, 100);
    queue.add(owner('a', 'a2'));
    expect(queue.take(50)).toEqual([]);
    expect(queue.nextRetryAt()).toBe(100);
    expect(queue.hasReady(50)).toBe(false); // a2 waits for the key, so only the timer can help
    expect(tickets(queue.take(100))).toEqual(['a1']);
    queue.settle(entry!);
    expect(tickets(queue.take(100))).toEqual(['a2']);
  });

  it('re-queues the records a rejected entry superseded behind anything newer for the key', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a1'));
    queue.add(owner('a', 'a2'));
    const [sent] = queue.take(0);
    queue.add(owner('a', 'a3'));
    queue.addOlder(sent!.superseded ?? []); // while the rejected entry still holds the key
    queue.settle(sent!);
    expect(tickets(queue.take(0))).toEqual(['a1+a3']);
  });

  it('writes the newest survivor when nothing newer waits', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a0'));
    const [sent] = queue.take(0);
    queue.addOlder([owner('a', 'a1'), owner('a', 'a2')]);
    queue.settle(sent!);
    expect(tickets(queue.take(0))).toEqual(['a1+a2']);
    expect(queue.size).toBe(1);
  });

  it('writes survivors before a newer single-item write of their key, which they cannot collapse into', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'a1'));
    queue.add(owner('a', 'a2'));
    const [sent] = queue.take(0);
    queue.add(single('a', 'u3'));
    queue.addOlder(sent!.superseded ?? []);
    queue.settle(sent!);
    expect(queue.takeSingle(0)).toBeUndefined();
    const [survivor] = queue.take(0);
    expect(tickets([survivor!])).toEqual(['a1']);
    queue.settle(survivor!);
    expect(queue.takeSingle(0)?.owner.ticket).toBe('u3');
  });

  it('never collapses single-item writes: each meets the stored item in turn, in arrival order', () => {
    const queue = new WriteQueue<string>();
    queue.add(single('a', 'u1'));
    queue.add(single('a', 'u2'));
    queue.add(single('b', 'v1'));
    const first = queue.takeSingle(0)!;
    expect(first.owner.ticket).toBe('u1');
    expect(queue.takeSingle(0)?.owner.ticket).toBe('v1');
    expect(queue.takeSingle(0)).toBeUndefined(); // u2 waits for u1
    queue.settle(first);
    expect(queue.takeSingle(0)?.owner.ticket).toBe('u2');
    expect(queue.size).toBe(2); // u2 and v1, in flight
  });

  it('keeps the order of batched and single-item writes of one key: put, update, put', () => {
    const queue = new WriteQueue<string>();
    queue.add(owner('a', 'p1'));
    queue.add(single('a', 'u2'));
    queue.add(owner('a', 'p3'));
    queue.add(owner('a', 'p4'));
    const [put] = queue.take(0);
    expect(tickets([put!])).toEqual(['p1']);
    expect(queue.takeSingle(0)).toBeUndefined();
    queue.settle(put!);
    expect(queue.take(0)).toEqual([]);
    const update = queue.takeSingle(0)!;
    expect(update.owner.ticket).toBe('u2');
    queue.settle(update);
    expect(tickets(queue.take(0))).toEqual(['p3+p4']); // the two puts after the update collapse
  });

  it('keeps a request under the byte limit, but always sends at least one item', () => {
    const queue = new WriteQueue<string>();
    for (let i = 0; i < 5; i++) queue.add(owner(`k${i}`, `r${i}`, 300_000));
    expect(queue.take(0, 1_000_000)).toHaveLength(2);
    expect(queue.take(0, 100)).toHaveLength(1);
  });
});
