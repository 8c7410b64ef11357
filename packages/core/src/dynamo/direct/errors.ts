import type { DynamoDBServiceException as ServiceException } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../commonjs-packages.cjs';

const { DynamoDBServiceException } = dynamodb;

/*
 * Errors as the SDK shapes them, so that retry-policy.ts (and a user's `instanceof ConditionalCheckFailedException`)
 * cannot tell which transport ran: the SDK's own exception classes, named after DynamoDB's `__type`, with `$fault`,
 * `$metadata.httpStatusCode`, and `$retryable` where the SDK sets it.
 */

/** What the SDK puts in `$metadata` of an answer or an error. */
export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string | undefined;
  /** The error was a clock skew error, and the clock offset has been corrected since the request was signed. */
  clockSkewCorrected?: boolean;
}

type ExceptionClass = new (options: { $metadata: ResponseMetadata; message: string }) => ServiceException;

/** DynamoDB's modelled exceptions by name (ConditionalCheckFailedException, ...), the SDK's classes. */
const EXCEPTIONS = new Map<string, ExceptionClass>();
for (const [name, value] of Object.entries(dynamodb as Record<string, unknown>)) {
  if (typeof value === 'function' && value.prototype instanceof DynamoDBServiceException) EXCEPTIONS.set(name, value as ExceptionClass);
}

/** The names the SDK treats as clock skew (@smithy/service-error-classification's CLOCK_SKEW_ERROR_CODES). */
export const CLOCK_SKEW_ERRORS = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/**
 * The error for a non-2xx answer whose body passed its checksum. Named as the SDK names it: from the
 * `x-amzn-errortype` header, else the body's `code` or `__type` (the part after `#`); `Unknown` for an empty body;
 * a `SyntaxError` carrying `$metadata` for a body that is not JSON (an HTML page from a proxy, say).
 */
export function serviceError(status: number, errorType: string | undefined, requestId: string | undefined, text: string): Error {
  const $metadata: ResponseMetadata = { httpStatusCode: status, requestId };
  let body: Record<string, unknown> = {};
  if (text.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return Object.assign(error as Error, { $metadata });
    }
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  }
  const rawType = errorType ?? body.code ?? body.__type;
  const name = typeof rawType === 'string' || typeof rawType === 'number' ? sanitizeErrorCode(String(rawType)) : 'Unknown';
  const message = String(body.message ?? body.Message ?? 'UnknownError');
  const Exception = EXCEPTIONS.get(name);
  const error = Exception
    ? new Exception({ $metadata, message })
    : new DynamoDBServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata, message });
  for (const key in body) {
    // Fields the exception's class declares (ConditionalCheckFailedException's Item, ...) start out undefined.
    const fields = error as unknown as Record<string, unknown>;
    if (key !== 'message' && key !== 'Message' && fields[key] === undefined) fields[key] = body[key];
  }
  return error;
}

/** `aws.protocoltests#Foo:http://...` or `com.amazonaws.dynamodb.v20120810#Foo` -> `Foo`, as the SDK reads error codes. */
function sanitizeErrorCode(raw: string): string {
  let code = raw;
  if (code.includes(',')) code = code.split(',')[0]!;
  if (code.includes(':')) code = code.split(':')[0]!;
  if (code.includes('#')) code = code.split('#')[1]!;
  return code;
}

/**
 * The answer's body does not match its `x-amz-crc32` header: it was damaged on the way, so nothing in it can be
 * trusted (not even whether the request failed). Retryable, as the SDK v2 treated it: puts and deletes are idempotent.
 */
export class Crc32MismatchError extends Error {
  override readonly name = 'CRC32CheckFailed';
  readonly $fault = 'client';
  readonly $retryable = {};
  readonly $metadata: ResponseMetadata;

  constructor(status: number, requestId: string | undefined, expected: string, actual: number) {
    super(`The response body's CRC32 (${actual}) does not match its x-amz-crc32 header (${expected}): the response was damaged in transit`);
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

/** A request that got no complete answer in time (`requestTimeoutMs`); it may or may not have been applied. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  readonly $metadata: ResponseMetadata = {};

  constructor(timeoutMs: number | undefined, cause?: unknown) {
    const within = timeoutMs === undefined ? 'in time' : `within ${timeoutMs} ms`;
    super(`No complete response ${within} (requestTimeoutMs); the request may or may not have been applied`, { cause });
  }
}
