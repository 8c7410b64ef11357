// An Amazon MSK trigger: each message of the `orders` topic is an order keyed by its id (the Kafka message key); a
// tombstone (a message without a value) deletes the order. Messages that can never be written go to an SQS queue.
import { DynamoSink } from '@dynamo-sink/core';
import { kafkaHandler } from '@dynamo-sink/lambda';
import { deadLetterToSqs } from '@dynamo-sink/lambda/sqs-dead-letter';

// Created once per execution environment: warm invocations reuse the sink and its connections.
const sink = new DynamoSink({ tableName: process.env.ORDERS_TABLE ?? 'orders', partitionKey: 'order_id=key' });
const deadLetterQueue = process.env.DEAD_LETTER_QUEUE_URL;

export const handler = kafkaHandler({ sink, ...(deadLetterQueue ? { onDeadLetter: deadLetterToSqs(deadLetterQueue) } : {}) });
