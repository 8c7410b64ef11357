import { SinkError } from '@dynamo-sink/core';
import type { DeadLetter, DeadLetterReason } from './dead-letter.js';

/** Where in Kafka an error happened. */
export interface KafkaPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Why a Kafka adapter's `run()` rejected. When it names a position, nothing at or past that offset of that partition
 * was committed: a restart resumes there.
 */
export class KafkaSinkError extends SinkError {
  override name = 'KafkaSinkError';
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: string | undefined;
  /** For a message that could not be written and had no dead-letter handler: why. */
  readonly reason: DeadLetterReason | undefined;

  constructor(
    message: string,
    options: { position?: KafkaPosition; reason?: DeadLetterReason; cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options);
    this.topic = options.position?.topic;
    this.partition = options.position?.partition;
    this.offset = options.position?.offset;
    this.reason = options.reason;
  }

  /** A bad message and no `onDeadLetter` to take it. */
  static undeliverable(letter: DeadLetter): KafkaSinkError {
    const field = letter.field === undefined ? '' : `, field ${JSON.stringify(letter.field)}`;
    return new KafkaSinkError(
      `${where(letter)} cannot be written (${letter.reason}${field}): ${letter.error.message}. ` +
        `No onDeadLetter handler was given, so the consumer stopped ${committedUpTo(letter)}`,
      { position: letter, reason: letter.reason, cause: letter.error, retriable: false },
    );
  }

  /** `onDeadLetter` threw. */
  static deadLetterFailed(letter: DeadLetter, cause: unknown): KafkaSinkError {
    return new KafkaSinkError(
      `onDeadLetter failed for ${where(letter)} (${letter.reason}): ${messageOf(cause)}. The consumer stopped ${committedUpTo(letter)}`,
      { position: letter, reason: letter.reason, cause },
    );
  }

  /** `sink.write` rejected; `position` is the oldest record it left unwritten. */
  static writeFailed(position: KafkaPosition, cause: unknown): KafkaSinkError {
    return new KafkaSinkError(
      `Writing to the sink failed at ${where(position)}: ${messageOf(cause)}. The consumer stopped ${committedUpTo(position)}`,
      { position, cause, retriable: (cause as { retriable?: unknown })?.retriable === true },
    );
  }
}

const where = (at: KafkaPosition) => `topic ${JSON.stringify(at.topic)} partition ${at.partition} offset ${at.offset}`;
const committedUpTo = (at: KafkaPosition) =>
  `with nothing at or past offset ${at.offset} of that partition committed; a restart resumes there.`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
