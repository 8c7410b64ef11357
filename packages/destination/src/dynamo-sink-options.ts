/** The configuration, as `DynamoSink` options. */
import type { DynamoSinkOptions, SinkEvents } from '@dynamo-sink/core';
import type { JsonObject } from '@dynamo-sink/kafkajs';
import { tableNameFor, type DestinationConfig } from './config.js';

/**
 * DynamoSink options for the configuration: the region, the endpoint when set, the variables' credentials when both
 * are set (else the SDK's default chain: environment, profile, container or instance role), `max_retry` as
 * `maxRetries`, `max_in_flight` as `maxInFlight`, new tables created the way the Python sample did (PAY_PER_REQUEST, encrypted with the AWS managed
 * KMS key, and TTL enabled on `ttl_attribute` when set), and the write semantics: a table per topic for a
 * `table_name` template, tombstones as deletes unless `delete_on_tombstone=false`, the version guard, the delete and
 * write modes, the TTL attribute.
 */
export function dynamoSinkOptions(config: DestinationConfig, events: SinkEvents = {}): DynamoSinkOptions<JsonObject | null> {
  const template = config.tableNameTemplate;
  return {
    // The service reads one topic, but a template keeps one configuration for a fleet of them.
    tableName: template === undefined ? config.tableName : (record) => tableNameFor(template, record.topic ?? config.input),
    partitionKey: config.partitionKey,
    sortKey: config.sortKey,
    timestampField: config.timestampField,
    maxRetries: config.maxRetry,
    maxInFlight: config.maxInFlight,
    clientConfig: {
      region: config.region,
      ...(config.dynamodbEndpoint !== undefined ? { endpoint: config.dynamodbEndpoint } : {}),
      ...(config.credentials ? { credentials: { ...config.credentials } } : {}),
    },
    createTable: config.createTable
      ? { billingMode: 'PAY_PER_REQUEST', sse: true, ...(config.ttl ? { ttlAttribute: config.ttl.attribute } : {}) }
      : false,
    // Off, a tombstone is a record like any other: its null value fails as invalid-value (to the dead-letter topic).
    ...(config.deleteOnTombstone ? {} : { deleteWhen: () => false }),
    ...(config.versionField !== undefined ? { versionField: config.versionField } : {}),
    deleteMode: config.deleteMode,
    writeMode: config.writeMode,
    ...(config.ttl ? { ttl: { ...config.ttl } } : {}),
    events,
  };
}
