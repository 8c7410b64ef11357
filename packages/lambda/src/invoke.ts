import { LambdaBatchError, type BatchSummary } from './batch-summary.js';
import type { ResolvedHandlerOptions } from './options.js';
import { isDone, settleBatch, type BatchEntry, type EntryStatus, type Settlement, type SettleInput } from './settle-batch.js';
import { TimeBudget, type RemainingTime } from './time-budget.js';

/** The part of Lambda's `Context` a handler reads; without it (a local call) there is no time limit. */
export type InvocationContext = Partial<RemainingTime> | undefined;

/** One invocation: settles the event's entries within the time the context leaves. */
export async function invoke<V, M>(input: SettleInput<V, M>, options: ResolvedHandlerOptions<V, M>, context: InvocationContext): Promise<Settlement> {
  const budget = new TimeBudget(context, options.timeMarginMs);
  try {
    return await settleBatch(input, options, budget);
  } finally {
    budget.dispose();
  }
}

/** "3 of 120 records" and why, for an error message. */
export function describeNotDone(summary: BatchSummary): string {
  const parts: string[] = [];
  if (summary.unwritten > 0) parts.push(`${summary.unwritten} unwritten${summary.timedOut ? ' (the time budget ran out)' : ''}`);
  if (summary.failed > 0) parts.push(`${summary.failed} that can never be written and no onDeadLetter took`);
  return `${summary.unwritten + summary.failed} of ${summary.records} records were not done: ${parts.join(', ')}`;
}

/**
 * Throws a `LambdaBatchError` when no record of the batch is done because `sink.write` rejected (retries ran out,
 * the table is missing, access denied): reporting every record would retry the same batch, but a thrown error also
 * shows in the function's error metric, and Lambda backs off.
 */
export function rejectIfNothingDone<M>(
  statuses: readonly EntryStatus[],
  entries: readonly BatchEntry<M>[],
  summary: BatchSummary,
  writeRejected: boolean,
): void {
  if (!writeRejected || entries.length === 0 || statuses.some(isDone)) return;
  const cause = summary.errors[0];
  throw new LambdaBatchError(
    `${describeNotDone(summary)}; writing could not go on: ${cause instanceof Error ? cause.message : String(cause)}`,
    summary,
    entries.map((entry) => entry.id),
    cause,
  );
}
