import { seededRandom } from '@dynamo-sink/core/testing';

/** The throttling errors DynamoDB answers with HTTP 400. */
export type ThrottleErrorName = 'ProvisionedThroughputExceededException' | 'ThrottlingException' | 'RequestLimitExceeded';

/** What the faulty endpoint does with one BatchWriteItem call. */
export type Fault =
  /** Forward to the upstream server untouched. */
  | { readonly kind: 'pass' }
  /**
   * Hand back the last `items` write requests of the call (in request order, across tables) as UnprocessedItems,
   * forward the rest upstream for real. `'all'` forwards nothing.
   */
  | { readonly kind: 'unprocessed'; readonly items: number | 'all' }
  /** Answer HTTP 400 with a throttling error (default ProvisionedThroughputExceededException); nothing is written. */
  | { readonly kind: 'throttle'; readonly error?: ThrottleErrorName }
  /** Answer HTTP 500 InternalServerError; nothing is written. */
  | { readonly kind: 'server-error' }
  /** Destroy the connection without forwarding: nothing is written, the client sees a network error. */
  | { readonly kind: 'drop-before-upstream' }
  /** Forward, let the write happen, then destroy the connection: written, yet the client sees a network error. */
  | { readonly kind: 'drop-after-upstream' }
  /**
   * Forward, let the write happen, then damage the answer on its way back: one letter of the body changes case (it
   * stays JSON, so only a client that checks `x-amz-crc32` notices), under the CRC32 of the intact body.
   */
  | { readonly kind: 'corrupt-body' }
  /** Forward, let the write happen, then answer the intact body under a wrong `x-amz-crc32` header. */
  | { readonly kind: 'corrupt-crc' }
  /**
   * Judge the call by a server clock `skewMs` away from this machine's (positive: ahead). A request signed more than
   * 15 minutes off that clock gets HTTP 400 InvalidSignatureException ("Signature expired"), nothing written; others
   * are forwarded. Either way the answer's `Date` header tells the skewed time, as a real server's would.
   */
  | { readonly kind: 'clock-skew'; readonly skewMs: number };

export type FaultKind = Fault['kind'];

/**
 * Which fault each BatchWriteItem call gets.
 * - `script`: the n-th call gets `script[n]`; calls past its end get `afterScript` (default pass).
 * - `random`: each call draws from a seeded generator; `rate`s are fractions of calls, summing to at most 1,
 *   and the remaining calls pass. The same seed gives the same sequence of faults.
 */
export type FaultPlan =
  | { readonly script: readonly Fault[]; readonly afterScript?: Fault }
  | { readonly random: readonly { readonly rate: number; readonly fault: Fault }[]; readonly seed?: number };

export const FAULT_KINDS: readonly FaultKind[] = [
  'pass',
  'unprocessed',
  'throttle',
  'server-error',
  'drop-before-upstream',
  'drop-after-upstream',
  'corrupt-body',
  'corrupt-crc',
  'clock-skew',
];

const PASS: Fault = { kind: 'pass' };

/** Returns a function that yields the fault for each successive BatchWriteItem call. */
export function faultSequence(plan: FaultPlan): () => Fault {
  if ('script' in plan) {
    let call = 0;
    return () => plan.script[call++] ?? plan.afterScript ?? PASS;
  }
  const total = plan.random.reduce((sum, { rate }) => sum + rate, 0);
  if (plan.random.some(({ rate }) => !(rate >= 0)) || total > 1 + 1e-9) {
    throw new RangeError(`Fault rates must be >= 0 and sum to at most 1 (got ${total})`);
  }
  const random = seededRandom(plan.seed ?? 1);
  return () => {
    let draw = random();
    for (const { rate, fault } of plan.random) {
      if (draw < rate) return fault;
      draw -= rate;
    }
    return PASS;
  };
}
