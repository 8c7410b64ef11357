import { ConfigError, type Sink } from '@dynamo-sink/core';
import { checkSink, jsonDeserializer, optionalFunction, wholeNumber } from '@dynamo-sink/kafka-common';
import type { BatchSummary } from './batch-summary.js';
import type { DeadLetterHandler } from './dead-letter.js';

/**
 * Turns a message (the handler's message type: the payload decoded to bytes in `value`, the event's record in
 * `event`) into the record's value. Throw (or reject) to refuse it: it goes to `onDeadLetter` as `invalid-message`.
 */
export type Deserializer<V, M> = (message: M) => V | Promise<V>;

/** The options every handler takes; `M` is its message type. */
export interface HandlerOptions<V, M> {
  /**
   * Where the records go: `DynamoSink`, `MemorySink` or any `Sink`. Create it once, outside the handler, so that warm
   * invocations reuse it (and its connections). It is never closed here.
   */
  readonly sink: Sink<V>;
  /**
   * Turns a message into the record's value. Throw to refuse the message (`invalid-message`).
   * @default jsonDeserializer: the payload as UTF-8 JSON, every digit of every number kept (core's `parseJson`), an
   * object required; for Kafka, `null` for a tombstone (a message without a value), which `DynamoSink` writes as a delete
   */
  readonly deserializer?: Deserializer<V, M>;
  /**
   * Takes every record that can never be written: refused by the deserializer, or failed by the sink (a missing key
   * field, a value DynamoDB cannot hold). Once it resolves, the record is done and not reported to Lambda.
   * `deadLetterToSqs(queueUrl)` from `@dynamo-sink/lambda/sqs-dead-letter` is a ready one.
   * Without it, such records are reported to Lambda like unwritten ones, so that Lambda retries them and, once its
   * retries run out, hands them to the event source mapping's on-failure destination (Kafka, Kinesis) or the queue's
   * dead-letter queue (SQS redrive policy).
   * @default none
   */
  readonly onDeadLetter?: DeadLetterHandler<V, M>;
  /** Records per `sink.write` call, at most. When the time runs out, the calls still running are reported whole. @default 100 */
  readonly recordsPerWrite?: number;
  /** `sink.write` calls running at once (and dead letters being handed over at once). @default 4 */
  readonly writesInFlight?: number;
  /**
   * How long before Lambda's timeout (`context.getRemainingTimeInMillis()`) the handler stops: it starts no new write
   * after that, stops waiting for the writes still running, and answers, reporting every record not known to be done.
   * @default 1000
   */
  readonly timeMarginMs?: number;
  /** Called with each invocation's counts just before the handler answers (or throws); a throw fails the invocation. @default none */
  readonly onSummary?: (summary: BatchSummary) => void;
}

/** {@link HandlerOptions} with the defaults filled in. */
export interface ResolvedHandlerOptions<V, M> {
  readonly sink: Sink<V>;
  readonly deserializer: Deserializer<V, M>;
  readonly onDeadLetter: DeadLetterHandler<V, M> | undefined;
  readonly recordsPerWrite: number;
  readonly writesInFlight: number;
  readonly timeMarginMs: number;
  readonly onSummary: ((summary: BatchSummary) => void) | undefined;
}

/** The defaults, in one place. */
export const HANDLER_DEFAULTS = {
  recordsPerWrite: 100,
  writesInFlight: 4,
  timeMarginMs: 1000,
} as const;

/** Checks the options and fills in the defaults; bad values throw a `ConfigError` naming the option. */
export function resolveHandlerOptions<V, M>(options: HandlerOptions<V, M>): ResolvedHandlerOptions<V, M> {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('Expected options with a `sink`, e.g. sqsHandler({ sink: new DynamoSink({ ... }) })');
  }
  checkSink(options.sink);
  return {
    sink: options.sink,
    // Without a deserializer, V is the JSON value type (the factories' default type argument).
    deserializer: optionalFunction('deserializer', options.deserializer) ?? (jsonDeserializer as unknown as Deserializer<V, M>),
    onDeadLetter: optionalFunction('onDeadLetter', options.onDeadLetter),
    recordsPerWrite: wholeNumber('recordsPerWrite', options.recordsPerWrite, HANDLER_DEFAULTS.recordsPerWrite, 1),
    writesInFlight: wholeNumber('writesInFlight', options.writesInFlight, HANDLER_DEFAULTS.writesInFlight, 1),
    timeMarginMs: wholeNumber('timeMarginMs', options.timeMarginMs, HANDLER_DEFAULTS.timeMarginMs, 0),
    onSummary: optionalFunction('onSummary', options.onSummary),
  };
}
