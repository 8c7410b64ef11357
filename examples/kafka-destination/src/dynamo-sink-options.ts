/** The configuration, as `DynamoSink` options. */
import type { DynamoSinkOptions, SinkEvents } from '@dynamo-sink/core';
import type { DestinationConfig } from './config.js';

/**
 * DynamoSink options for the configuration: the region, the endpoint when set, the variables' credentials when both
 * are set (else the SDK's default chain: environment, profile, container or instance role), `max_retry` as
 * `maxRetries`, and new tables created the way the Python sample did (PAY_PER_REQUEST, encrypted with the AWS managed
 * KMS key).
 */
export function dynamoSinkOptions(config: DestinationConfig, events: SinkEvents = {}): DynamoSinkOptions {
  return {
    tableName: config.tableName,
    partitionKey: config.partitionKey,
    sortKey: config.sortKey,
    timestampField: config.timestampField,
    maxRetries: config.maxRetry,
    clientConfig: {
      region: config.region,
      ...(config.dynamodbEndpoint !== undefined ? { endpoint: config.dynamodbEndpoint } : {}),
      ...(config.credentials ? { credentials: { ...config.credentials } } : {}),
    },
    createTable: config.createTable ? { billingMode: 'PAY_PER_REQUEST', sse: true } : false,
    events,
  };
}
