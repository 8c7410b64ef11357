import { describe, expect, it } from 'vitest';
import { WriteQueue, type Owner } from '../src/dynamo/write-queue.js';

const owner = (key: string, ticket: string, size = 100): Owner<string> => ({ prepared: { item: {}, size, keyId: key }, ticket, index: 0 });
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
    queue.settle(sent!);
    queue.addOlder(sent!.superseded ?? []);
    expect(tickets(queue.take(0))).toEqual(['a1+a3']);
  });

  it('writes the newest survivor when nothing newer waits', () => {
    const queue = new WriteQueue<string>();
    queue.addOlder([owner('a', 'a1'), owner('a', 'a2')]);
    expect(tickets(queue.take(0))).toEqual(['a1+a2']);
  });

  it('keeps a request under the byte limit, but always sends at least one item', () => {
    const queue = new WriteQueue<string>();
    for (let i = 0; i < 5; i++) queue.add(owner(`k${i}`, `r${i}`, 300_000));
    expect(queue.take(0, 1_000_000)).toHaveLength(2);
    expect(queue.take(0, 100)).toHaveLength(1);
  });
});
