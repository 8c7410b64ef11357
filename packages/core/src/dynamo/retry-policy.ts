import type { RetryOptions } from './options.js';

/** What to do about an error that failed a whole request. */
export type ErrorKind =
  /** Capacity or a passing fault: send the same items again after a backoff. */
  | 'retry'
  /** DynamoDB refused the request's content: one of its items is bad, find it by splitting the request. */
  | 'invalid'
  /** Nothing will succeed by trying again (credentials, permissions, ...): give the records back. */
  | 'fatal';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'Throttling',
  'TooManyRequestsException',
]);

const TRANSIENT = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // A new table can answer this for a moment after it turned ACTIVE; a table really missing runs out of retries.
  'ResourceNotFoundException',
  'TransactionInProgressException',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface ErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has((error as ErrorShape)?.name ?? '');
}

export function classifyError(error: unknown): ErrorKind {
  const shape = (error ?? {}) as ErrorShape;
  const name = shape.name ?? '';
  if (THROTTLING.has(name) || TRANSIENT.has(name)) return 'retry';
  if (name === 'ValidationException') return 'invalid';
  if (shape.code && NETWORK_CODES.has(shape.code)) return 'retry';
  if (shape.$retryable) return 'retry';
  // A signature refused for a skewed clock: the client corrected its offset, so the next try is signed right.
  if (shape.$metadata?.clockSkewCorrected) return 'retry';
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return 'retry';
  // No HTTP status at all: the request never got an answer (socket hang up, aborted), so it may not have run.
  if (status === undefined && /socket|network|hang up|aborted|timed? ?out/i.test(String((error as Error)?.message))) return 'retry';
  return 'fatal';
}

/** Exponential backoff with full jitter: a delay drawn uniformly from [0, min(maxTimeout, minTimeout * factor^(attempt-1))]. */
export function backoffDelay(attempt: number, retry: Required<RetryOptions>, random = Math.random): number {
  const ceiling = Math.min(retry.maxTimeout, retry.minTimeout * retry.factor ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
