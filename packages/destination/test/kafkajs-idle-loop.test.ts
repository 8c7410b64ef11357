import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { skipKafkajsIdleLoop } from '../src/kafkajs-idle-loop.js';

interface QueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { scheduleCheckPendingRequests(this: QueueState): void };
};

/** What kafkajs's request queue schedules from the given state: whether a check timer was armed. */
function schedules(state: Pick<QueueState, 'pending' | 'throttledUntil'>): boolean {
  const queue: QueueState = { ...state, throttleCheckTimeoutId: null, checkPendingRequests: () => {} };
  RequestQueue.prototype.scheduleCheckPendingRequests.call(queue);
  const armed = queue.throttleCheckTimeoutId !== null;
  if (queue.throttleCheckTimeoutId) clearTimeout(queue.throttleCheckTimeoutId);
  return armed;
}

describe("kafkajs's request queue, with the service's fix", () => {
  it('arms no timer with nothing pending and no throttle, and still does when a request waits or a throttle runs', () => {
    skipKafkajsIdleLoop();
    expect(schedules({ pending: [], throttledUntil: -1 })).toBe(false); // kafkajs alone re-arms a 1 ms timer here, forever
    expect(schedules({ pending: [{}], throttledUntil: -1 })).toBe(true);
    expect(schedules({ pending: [], throttledUntil: Date.now() + 5_000 })).toBe(true);
  });
});
