// An SQS trigger: each message is a sensor reading, stored by device and reading time. Messages that can never be
// written are reported back, so that the queue's redrive policy moves them to its dead-letter queue.
import { DynamoSink } from '@dynamo-sink/core';
import { sqsHandler } from '@dynamo-sink/lambda';

const sink = new DynamoSink({
  tableName: process.env.READINGS_TABLE ?? 'readings',
  partitionKey: 'device',
  sortKey: 'at|%Y-%m-%dT%H:%M:%S.%f', // from the reading's `timestamp` field
});

export const handler = sqsHandler({ sink });
