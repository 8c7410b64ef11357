import { describe, expect, it } from 'vitest';
import { CommitTracker } from '../src/index.js';

/** Each step is `track N`, `done N` or `throw: done N` / `throw: track N`; `committed` and `pending` are checked after it. */
interface Step {
  readonly op: 'track' | 'done';
  readonly at: number;
  readonly committed?: number | undefined;
  readonly pending?: number;
  readonly throws?: RegExp;
}

const track = (at: number, pending: number, committed?: number): Step => ({ op: 'track', at, pending, committed });
const done = (at: number, pending: number, committed?: number): Step => ({ op: 'done', at, pending, committed });
const refuse = (op: Step['op'], at: number, throws: RegExp): Step => ({ op, at, throws });

const cases: { name: string; steps: Step[] }[] = [
  { name: 'nothing tracked', steps: [] },
  {
    name: 'done in order',
    steps: [track(0, 1), track(1, 2), done(0, 1, 0), done(1, 0, 1), track(2, 1, 1), done(2, 0, 2)],
  },
  {
    name: 'done out of order: commit waits for the oldest, then jumps',
    steps: [track(0, 1), track(1, 2), track(2, 3), done(2, 2), done(1, 1), done(0, 0, 2)],
  },
  {
    name: 'a hole in the middle holds the commit back',
    steps: [track(0, 1), track(1, 2), track(2, 3), track(3, 4), done(0, 3, 0), done(2, 2, 0), done(3, 1, 0), done(1, 0, 3)],
  },
  {
    name: 'gaps in positions (compacted offsets, skipped lines)',
    steps: [track(10, 1), track(20, 2), track(35, 3), done(20, 2), done(10, 1, 20), done(35, 0, 35), track(100, 1, 35), done(100, 0, 100)],
  },
  {
    name: 'done of an untracked position throws',
    steps: [track(5, 1), refuse('done', 4, /Position 4 is not pending/), refuse('done', 6, /never tracked/), done(5, 0, 5)],
  },
  {
    name: 'done twice throws',
    steps: [track(0, 1), track(1, 2), done(1, 1), refuse('done', 1, /already done/), done(0, 0, 1), refuse('done', 0, /not pending/)],
  },
  {
    name: 'positions must increase',
    steps: [track(3, 1), refuse('track', 3, /increasing order: 3 after 3/), refuse('track', 2, /2 after 3/), done(3, 0, 3), refuse('track', 1, /1 after 3/)],
  },
];

describe('CommitTracker', () => {
  const kinds = [
    { kind: 'bigint', as: (at: number): bigint | number => BigInt(at) },
    { kind: 'number', as: (at: number): bigint | number => at },
  ];
  it.each(cases.flatMap((c) => kinds.map((k) => ({ ...c, ...k }))))('$name ($kind positions)', ({ steps, as }) => {
    const tracker = new CommitTracker<bigint | number>();
    expect(tracker.committed).toBeUndefined();
    expect(tracker.pending).toBe(0);
    for (const step of steps) {
      const position = as(step.at);
      const run = () => (step.op === 'track' ? tracker.track(position) : tracker.done(position));
      if (step.throws) {
        expect(run).toThrow(step.throws);
        continue;
      }
      run();
      expect({ after: `${step.op} ${step.at}`, committed: tracker.committed, pending: tracker.pending }).toEqual({
        after: `${step.op} ${step.at}`,
        committed: step.committed === undefined ? undefined : as(step.committed),
        pending: step.pending,
      });
    }
  });

  it('refuses positions that are neither bigints nor safe integers, and a kind other than the first one tracked', () => {
    const tracker = new CommitTracker<bigint | number>();
    expect(() => tracker.track('1' as unknown as bigint)).toThrow('Expected a bigint or safe-integer position, got the string "1"');
    expect(() => tracker.track(1.5)).toThrow('Expected a bigint or safe-integer position, got number 1.5');
    expect(() => tracker.track(2 ** 53)).toThrow('Expected a bigint or safe-integer position, got number 9007199254740992');
    tracker.track(1n);
    expect(() => tracker.track(2)).toThrow('Expected a bigint position, like the ones tracked before, got number 2');
    expect(() => tracker.done('1' as unknown as bigint)).toThrow('Expected a bigint position, like the ones tracked before, got the string "1"');
    const numbers = new CommitTracker<number>();
    numbers.track(7);
    expect(() => numbers.done(7n as unknown as number)).toThrow('Expected a safe-integer position, like the ones tracked before, got bigint 7');
    numbers.done(7);
    expect(numbers.committed).toBe(7);
  });

  it('handles a million positions finished in shuffled windows, committing only done prefixes', () => {
    const tracker = new CommitTracker();
    const total = 1_000_000;
    const window = 64;
    let previous = -1n;
    for (let start = 0; start < total; start += window) {
      for (let p = start; p < start + window; p++) tracker.track(BigInt(p));
      // Finish the window back to front: nothing commits until its first position is done.
      for (let p = start + window - 1; p > start; p--) tracker.done(BigInt(p));
      expect(tracker.committed ?? -1n).toBe(previous);
      tracker.done(BigInt(start));
      previous = BigInt(start + window - 1);
      expect(tracker.committed).toBe(previous);
    }
    expect(tracker.pending).toBe(0);
  });

  it('keeps its memory proportional to what is pending when one old position stays open', () => {
    const tracker = new CommitTracker();
    tracker.track(0n);
    for (let p = 1n; p <= 100_000n; p++) {
      tracker.track(p);
      tracker.done(p);
    }
    expect(tracker.committed).toBeUndefined();
    tracker.done(0n);
    expect(tracker.committed).toBe(100_000n);
    // After the prefix commits, new positions reuse an empty queue.
    tracker.track(100_001n);
    expect((tracker as unknown as { order: bigint[] }).order.length).toBe(1);
  });
});
