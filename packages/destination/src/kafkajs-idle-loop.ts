/**
 * kafkajs 2.2.4 (its latest release) re-arms a timer per broker connection every millisecond while nothing is pending
 * and nothing is throttled: `scheduleCheckPendingRequests` computes `throttledUntil - Date.now()`, negative when not
 * throttled, and schedules the next check at that (Node runs it after 1 ms, Node 24 warns). Measured here: an idle
 * admin connection costs ~50 ms of CPU a second, 5% of a core, for as long as it is open (tulios/kafkajs#1704, #1751;
 * the fix, PR #1768, is not released). The service skips the schedule in exactly that state; a request pushed later
 * schedules its own check, and a throttle still schedules one for when it ends.
 */
import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
}

let applied = false;

/** Applies the fix to the kafkajs this package resolves, once; a kafkajs without that file or method is left alone. */
export function skipKafkajsIdleLoop(): void {
  if (applied) return;
  applied = true;
  let RequestQueue: { prototype: RequestQueueLike & { scheduleCheckPendingRequests?: () => void } };
  try {
    RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js');
  } catch {
    return;
  }
  const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') return;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueLike) {
    if (Array.isArray(this.pending) && this.pending.length === 0 && this.throttledUntil - Date.now() <= 0) return;
    schedule.call(this);
  };
}
