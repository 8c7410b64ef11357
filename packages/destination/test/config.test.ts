import { describe, expect, it } from 'vitest';
import { ConfigProblem, describeConfig, loadConfig, MASK, type DestinationConfig } from '../src/config.js';
import { dynamoSinkOptions } from '../src/dynamo-sink-options.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY';
/** What every bad key spec's message ends with: the grammar, from core's parseKeySpec. */
const KEY_SPEC_GRAMMAR =
  'expected "name" (copy the value\'s field), "name|strftime-pattern" (format the timestamp) or "name=SOURCE" ' +
  '(SOURCE: key, key.PATH, value.PATH, topic, partition, offset or header.NAME; PATH: fields separated by ".", ' +
  'digits index an array), e.g. "id", "hour_of_day|%Y-%m-%d %H" or "id=key.id"';

describe('loadConfig: defaults', () => {
  it('fills in every default from the issue, with only input set', () => {
    expect(loadConfig({ input: 'events' })).toEqual<DestinationConfig>({
      input: 'events',
      tableName: 'events',
      tableNameTemplate: undefined,
      credentials: undefined,
      region: 'eu-west-1',
      maxRetry: 5,
      maxInFlight: 16,
      partitionKey: 'date|%Y-%m-%d',
      sortKey: 'time|%H:%M:%S.%f',
      brokers: ['localhost:9092'],
      consumerGroup: 'dynamo-sink-events',
      kafkaClient: 'kafkajs',
      dynamodbEndpoint: undefined,
      createTable: true,
      deadLetterTopic: undefined,
      timestampField: 'timestamp',
      deleteOnTombstone: true,
      versionField: undefined,
      deleteMode: 'hard',
      writeMode: 'put',
      ttl: undefined,
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
      logFormat: 'text',
    });
  });
});

describe('loadConfig: each variable', () => {
  const cases: { env: Record<string, string>; expected: Partial<DestinationConfig> }[] = [
    { env: { table_name: 'my_table' }, expected: { tableName: 'my_table', consumerGroup: 'dynamo-sink-my_table' } },
    { env: { table_name: '' }, expected: { tableName: 'events' } },
    { env: { aws_access_key_id: 'AKID', aws_secret_access_key: SECRET }, expected: { credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } } },
    { env: { region: 'us-east-1' }, expected: { region: 'us-east-1' } },
    { env: { max_retry: '0' }, expected: { maxRetry: 0 } },
    { env: { max_retry: ' 12 ' }, expected: { maxRetry: 12 } },
    { env: { max_in_flight: '64' }, expected: { maxInFlight: 64 } },
    { env: { param_partition_key: 'key1', param_sort_key: 'key3' }, expected: { partitionKey: 'key1', sortKey: 'key3' } },
    { env: { param_partition_key: 'year_month|%Y-%m', param_sort_key: 'rest_of_ts|%d-%H:%M:%S.%f' }, expected: { partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f' } },
    { env: { param_partition_key: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f', param_sort_key: '' }, expected: { sortKey: undefined } },
    { env: { brokers: 'kafka-1:9092, kafka-2:9093' }, expected: { brokers: ['kafka-1:9092', 'kafka-2:9093'] } },
    { env: { consumer_group: 'g1' }, expected: { consumerGroup: 'g1' } },
    { env: { kafka_client: 'node-rdkafka' }, expected: { kafkaClient: 'node-rdkafka' } },
    { env: { kafka_client: 'confluent' }, expected: { kafkaClient: 'confluent' } },
    { env: { dynamodb_endpoint: 'http://127.0.0.1:8000' }, expected: { dynamodbEndpoint: 'http://127.0.0.1:8000' } },
    { env: { create_table: 'false' }, expected: { createTable: false } },
    { env: { create_table: 'TRUE' }, expected: { createTable: true } },
    { env: { create_table: '0' }, expected: { createTable: false } },
    { env: { dead_letter_topic: 'events.dlq' }, expected: { deadLetterTopic: 'events.dlq' } },
    { env: { timestamp_field: 'ts' }, expected: { timestampField: 'ts' } },
    { env: { metrics_port: '9464' }, expected: { metricsPort: 9464 } },
    { env: { metrics_port: '0' }, expected: { metricsPort: 0 } },
    { env: { metrics_host: '0.0.0.0' }, expected: { metricsHost: '0.0.0.0' } },
    { env: { metrics_host: '::' }, expected: { metricsHost: '::' } },
    { env: { metrics_host: 'metrics.internal' }, expected: { metricsHost: 'metrics.internal' } },
    { env: { log_format: 'json' }, expected: { logFormat: 'json' } },
    // Table routing: "{topic}" stands for each record's topic; the group and the checks use the table of input.
    { env: { table_name: 'mirror-{topic}' }, expected: { tableName: 'mirror-events', tableNameTemplate: 'mirror-{topic}', consumerGroup: 'dynamo-sink-mirror-events' } },
    { env: { table_name: '{topic}.{topic}' }, expected: { tableName: 'events.events', tableNameTemplate: '{topic}.{topic}' } },
    // Key specs from the whole record: name=SOURCE.
    { env: { param_partition_key: 'id=key', param_sort_key: '' }, expected: { partitionKey: 'id=key', sortKey: undefined } },
    { env: { param_partition_key: 'device=key.device', param_sort_key: 'at=value.reading.at' }, expected: { partitionKey: 'device=key.device', sortKey: 'at=value.reading.at' } },
    { env: { param_partition_key: 'tenant=header.tenant', param_sort_key: 'position=offset' }, expected: { partitionKey: 'tenant=header.tenant', sortKey: 'position=offset' } },
    { env: { param_partition_key: 'source=topic', param_sort_key: 'day|%Y-%m-%d' }, expected: { partitionKey: 'source=topic', sortKey: 'day|%Y-%m-%d' } },
    // Write semantics.
    { env: { delete_on_tombstone: 'false' }, expected: { deleteOnTombstone: false } },
    { env: { delete_on_tombstone: 'True' }, expected: { deleteOnTombstone: true } },
    { env: { version_field: 'version' }, expected: { versionField: 'version', deleteMode: 'hard' } },
    { env: { version_field: '@timestamp', delete_mode: 'tombstone' }, expected: { versionField: '@timestamp', deleteMode: 'tombstone' } },
    { env: { delete_mode: 'hard' }, expected: { deleteMode: 'hard' } },
    { env: { write_mode: 'update' }, expected: { writeMode: 'update' } },
    { env: { write_mode: 'put' }, expected: { writeMode: 'put' } },
    { env: { ttl_attribute: 'expires_at', ttl_seconds: '86400' }, expected: { ttl: { attribute: 'expires_at', afterSeconds: 86_400 } } },
    { env: { ttl_attribute: 'expires_at', ttl_seconds: '0' }, expected: { ttl: { attribute: 'expires_at', afterSeconds: 0 } } },
    { env: { ttl_attribute: '', ttl_seconds: '' }, expected: { ttl: undefined } },
  ];
  it.each(cases)('$env', ({ env, expected }) => {
    expect(loadConfig({ input: 'events', ...env })).toMatchObject(expected);
  });
});

describe('loadConfig: problems name the variable and what was expected', () => {
  const cases: { env: Record<string, string>; variable: string; message: string }[] = [
    { env: { input: '' }, variable: 'input', message: 'input: expected the name of the topic to consume (required)' },
    { env: { input: 'a topic' }, variable: 'input', message: 'input: expected a Kafka topic name: 1-249 of a-z, A-Z, 0-9, ".", "_", "-", got "a topic"' },
    { env: { table_name: 'ab' }, variable: 'table_name', message: 'table_name: expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", got "ab"' },
    { env: { input: 'ab' }, variable: 'table_name (defaults to input)', message: 'table_name (defaults to input): expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", got "ab"' },
    { env: { aws_secret_access_key: SECRET }, variable: 'aws_access_key_id', message: 'aws_access_key_id: expected to be set as well: give both aws_access_key_id and aws_secret_access_key, or neither for the SDK default chain' },
    { env: { aws_access_key_id: 'AKID' }, variable: 'aws_secret_access_key', message: 'aws_secret_access_key: expected to be set as well: give both aws_access_key_id and aws_secret_access_key, or neither for the SDK default chain' },
    { env: { max_retry: '-1' }, variable: 'max_retry', message: 'max_retry: expected a whole number from 0 to 1000, got "-1"' },
    { env: { max_retry: '2.5' }, variable: 'max_retry', message: 'max_retry: expected a whole number from 0 to 1000, got "2.5"' },
    { env: { max_retry: '1e3' }, variable: 'max_retry', message: 'max_retry: expected a whole number from 0 to 1000, got "1e3"' },
    { env: { max_in_flight: '0' }, variable: 'max_in_flight', message: 'max_in_flight: expected a whole number from 1 to 1000, got "0"' },
    { env: { max_in_flight: '1001' }, variable: 'max_in_flight', message: 'max_in_flight: expected a whole number from 1 to 1000, got "1001"' },
    { env: { metrics_port: '65536' }, variable: 'metrics_port', message: 'metrics_port: expected a whole number from 0 to 65535, got "65536"' },
    { env: { metrics_host: 'http://0.0.0.0' }, variable: 'metrics_host', message: 'metrics_host: expected an address to listen on, e.g. "127.0.0.1", "0.0.0.0" or "::", got "http://0.0.0.0"' },
    { env: { metrics_host: '0.0.0.0:9464' }, variable: 'metrics_host', message: 'metrics_host: expected an address to listen on, e.g. "127.0.0.1", "0.0.0.0" or "::", got "0.0.0.0:9464"' },
    { env: { create_table: 'yes' }, variable: 'create_table', message: 'create_table: expected "true" or "false", got "yes"' },
    { env: { kafka_client: 'kafka-js' }, variable: 'kafka_client', message: 'kafka_client: expected one of "kafkajs", "node-rdkafka", "confluent", got "kafka-js"' },
    { env: { kafka_client: 'confluent-kafka-javascript' }, variable: 'kafka_client', message: 'kafka_client: expected one of "kafkajs", "node-rdkafka", "confluent", got "confluent-kafka-javascript"' },
    { env: { log_format: 'logfmt' }, variable: 'log_format', message: 'log_format: expected one of "text", "json", got "logfmt"' },
    { env: { brokers: 'localhost' }, variable: 'brokers', message: 'brokers: expected comma-separated host:port pairs, e.g. "kafka-1:9092,kafka-2:9092", got "localhost"' },
    { env: { brokers: 'a:1,,b:2' }, variable: 'brokers', message: 'brokers: expected comma-separated host:port pairs, e.g. "kafka-1:9092,kafka-2:9092", got "a:1,,b:2"' },
    { env: { dynamodb_endpoint: '127.0.0.1:8000' }, variable: 'dynamodb_endpoint', message: 'dynamodb_endpoint: expected an http:// or https:// URL, e.g. "http://127.0.0.1:8000", got "127.0.0.1:8000"' },
    { env: { dead_letter_topic: 'events' }, variable: 'dead_letter_topic', message: 'dead_letter_topic: expected a topic other than input, got "events"' },
    { env: { param_partition_key: 'a|b|c' }, variable: 'param_partition_key', message: `param_partition_key: invalid key spec "a|b|c": it has 2 '|' where at most one is allowed; ${KEY_SPEC_GRAMMAR}` },
    { env: { param_partition_key: '|%Y' }, variable: 'param_partition_key', message: `param_partition_key: invalid key spec "|%Y": the attribute name is empty; ${KEY_SPEC_GRAMMAR}` },
    { env: { param_sort_key: 'day|' }, variable: 'param_sort_key', message: `param_sort_key: invalid key spec "day|": the strftime pattern after "|" is empty; ${KEY_SPEC_GRAMMAR}` },
    { env: { param_partition_key: 'id', param_sort_key: 'id|%Y' }, variable: 'param_sort_key', message: 'param_sort_key: expected an attribute other than the partition key\'s "id", got "id|%Y"' },
    { env: { param_partition_key: 'id=key', param_sort_key: 'id=offset' }, variable: 'param_sort_key', message: 'param_sort_key: expected an attribute other than the partition key\'s "id", got "id=offset"' },
    { env: { param_partition_key: 'id=message.key' }, variable: 'param_partition_key', message: `param_partition_key: invalid key spec "id=message.key": unknown source "message.key"; ${KEY_SPEC_GRAMMAR}` },
    { env: { param_partition_key: 'id=key', param_sort_key: 'at=' }, variable: 'param_sort_key', message: `param_sort_key: invalid key spec "at=": the source after "=" is empty; ${KEY_SPEC_GRAMMAR}` },
    // Table routing.
    { env: { table_name: 'mirror-{topic}-{partition}' }, variable: 'table_name', message: 'table_name: expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", where "{topic}" stands for the topic (no other placeholder), got "mirror-{topic}-{partition}"' },
    { env: { table_name: 'mirror-{partition}' }, variable: 'table_name', message: 'table_name: expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", got "mirror-{partition}"' },
    { env: { input: 'ab', table_name: '{topic}' }, variable: 'table_name', message: 'table_name: expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", where "{topic}" stands for the topic, got "{topic}", which names "ab" for input "ab"' },
    { env: { table_name: 'mirror {topic}' }, variable: 'table_name', message: 'table_name: expected a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", ".", where "{topic}" stands for the topic, got "mirror {topic}", which names "mirror events" for input "events"' },
    // Write semantics.
    { env: { delete_on_tombstone: 'no' }, variable: 'delete_on_tombstone', message: 'delete_on_tombstone: expected "true" or "false", got "no"' },
    { env: { delete_mode: 'soft' }, variable: 'delete_mode', message: 'delete_mode: expected one of "hard", "tombstone", got "soft"' },
    { env: { delete_mode: 'tombstone' }, variable: 'delete_mode', message: 'delete_mode: "tombstone" needs version_field: a tombstone item keeps the version of the delete, so that older messages cannot bring the item back' },
    { env: { write_mode: 'merge' }, variable: 'write_mode', message: 'write_mode: expected one of "put", "update", got "merge"' },
    { env: { param_partition_key: 'id', version_field: 'id' }, variable: 'version_field', message: 'version_field: expected an attribute other than the partition key\'s "id", got "id"' },
    { env: { param_partition_key: 'id=key', param_sort_key: 'version=offset', version_field: '@timestamp' }, variable: 'version_field', message: 'version_field: expected an attribute other than the sort key\'s "version", got "@timestamp"' },
    { env: { ttl_attribute: 'expires_at' }, variable: 'ttl_seconds', message: 'ttl_seconds: expected to be set as well: give both ttl_attribute and ttl_seconds, or neither' },
    { env: { ttl_seconds: '3600' }, variable: 'ttl_attribute', message: 'ttl_attribute: expected to be set as well: give both ttl_attribute and ttl_seconds, or neither' },
    { env: { ttl_attribute: 'expires_at', ttl_seconds: 'a day' }, variable: 'ttl_seconds', message: 'ttl_seconds: expected a whole number from 0 to 3153600000, got "a day"' },
    { env: { ttl_attribute: 'expires_at', ttl_seconds: '-1' }, variable: 'ttl_seconds', message: 'ttl_seconds: expected a whole number from 0 to 3153600000, got "-1"' },
    { env: { param_partition_key: 'id=key', ttl_attribute: 'id', ttl_seconds: '60' }, variable: 'ttl_attribute', message: 'ttl_attribute: expected an attribute other than the partition key\'s "id", got "id"' },
    { env: { version_field: 'seq', ttl_attribute: 'seq', ttl_seconds: '60' }, variable: 'ttl_attribute', message: 'ttl_attribute: expected an attribute other than the version\'s, got "seq"' },
  ];
  it.each(cases)('$env -> $variable', ({ env, variable, message }) => {
    const problem = (() => {
      try {
        loadConfig({ input: 'events', ...env });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(problem).toBeInstanceOf(ConfigProblem);
    expect((problem as ConfigProblem).variable).toBe(variable);
    expect((problem as ConfigProblem).message).toBe(message);
    expect((problem as ConfigProblem).message).not.toContain(SECRET);
  });

  it('reports an unknown strftime directive with the spec', () => {
    expect(() => loadConfig({ input: 'events', param_sort_key: 'at|%Q' })).toThrow(/^param_sort_key: invalid key spec "at\|%Q": .*%Q/);
  });
});

describe('describeConfig', () => {
  it('masks both credentials and says what unset values mean', () => {
    const shown = describeConfig(loadConfig({ input: 'events', aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: SECRET }));
    expect(shown).toMatchObject({ aws_access_key_id: MASK, aws_secret_access_key: MASK, dynamodb_endpoint: '(AWS, eu-west-1)', metrics_port: '(off)' });
    expect(JSON.stringify(shown)).not.toMatch(/AKIDEXAMPLE|wJalr/);
  });

  it('names the default credential chain when no credentials are set', () => {
    expect(describeConfig(loadConfig({ input: 'events' }))).toMatchObject({ aws_access_key_id: '(SDK default chain)' });
  });

  it('shows the write semantics, and says what unset ones mean', () => {
    expect(describeConfig(loadConfig({ input: 'events' }))).toMatchObject({
      table_name: 'events',
      delete_on_tombstone: true,
      version_field: '(none: every write applies)',
      delete_mode: 'hard',
      write_mode: 'put',
      ttl_attribute: '(none)',
      ttl_seconds: '(none)',
    });
    const env = {
      input: 'events',
      table_name: 'mirror-{topic}',
      param_partition_key: 'id=key',
      delete_on_tombstone: 'false',
      version_field: '@timestamp',
      delete_mode: 'tombstone',
      write_mode: 'update',
      ttl_attribute: 'expires_at',
      ttl_seconds: '3600',
    };
    expect(describeConfig(loadConfig(env))).toMatchObject({
      table_name: 'mirror-{topic} (events: mirror-events)',
      param_partition_key: 'id=key',
      delete_on_tombstone: false,
      version_field: '@timestamp',
      delete_mode: 'tombstone',
      write_mode: 'update',
      ttl_attribute: 'expires_at',
      ttl_seconds: 3600,
    });
  });
});

describe('dynamoSinkOptions', () => {
  it('creates tables as the sample did, passes credentials only when both are set, max_retry as maxRetries and max_in_flight as maxInFlight', () => {
    const options = dynamoSinkOptions(
      loadConfig({ input: 'events', aws_access_key_id: 'AKID', aws_secret_access_key: SECRET, max_retry: '3', max_in_flight: '48', dynamodb_endpoint: 'http://127.0.0.1:8000' }),
    );
    expect(options).toMatchObject({
      tableName: 'events',
      maxRetries: 3,
      maxInFlight: 48,
      createTable: { billingMode: 'PAY_PER_REQUEST', sse: true },
      clientConfig: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } },
    });
    const defaults = dynamoSinkOptions(loadConfig({ input: 'events', create_table: 'false' }));
    expect(defaults.clientConfig).toEqual({ region: 'eu-west-1' });
    expect(defaults.createTable).toBe(false);
    expect(defaults.maxInFlight).toBe(16);
  });
});

describe('dynamoSinkOptions: write semantics', () => {
  it('leaves the sink at its defaults when no semantic variable is set: tombstones delete, puts, no guard, no TTL', () => {
    const options = dynamoSinkOptions(loadConfig({ input: 'events' }));
    expect(options).toMatchObject({ tableName: 'events', deleteMode: 'hard', writeMode: 'put' });
    expect(options).not.toHaveProperty('deleteWhen');
    expect(options).not.toHaveProperty('versionField');
    expect(options).not.toHaveProperty('ttl');
  });

  it('maps each variable to its DynamoSink option', () => {
    const options = dynamoSinkOptions(
      loadConfig({
        input: 'events',
        param_partition_key: 'id=key',
        param_sort_key: '',
        version_field: '@timestamp',
        delete_mode: 'tombstone',
        write_mode: 'update',
        ttl_attribute: 'expires_at',
        ttl_seconds: '86400',
      }),
    );
    expect(options).toMatchObject({
      partitionKey: 'id=key',
      sortKey: undefined,
      versionField: '@timestamp',
      deleteMode: 'tombstone',
      writeMode: 'update',
      ttl: { attribute: 'expires_at', afterSeconds: 86_400 },
      // A new table gets TTL enabled on the attribute.
      createTable: { billingMode: 'PAY_PER_REQUEST', sse: true, ttlAttribute: 'expires_at' },
    });
  });

  it('delete_on_tombstone=false: no record is a delete, so a tombstone fails (and is dead-lettered)', () => {
    const { deleteWhen } = dynamoSinkOptions(loadConfig({ input: 'events', delete_on_tombstone: 'false' }));
    expect(deleteWhen?.({ value: null, key: 'a' })).toBe(false);
  });

  it('table_name with {topic}: each record goes to the table of its topic', () => {
    const { tableName } = dynamoSinkOptions(loadConfig({ input: 'events', table_name: 'mirror-{topic}' }));
    expect(typeof tableName).toBe('function');
    const route = tableName as (record: { value: unknown; topic?: string }) => string;
    expect(route({ value: {}, topic: 'events' })).toBe('mirror-events');
    expect(route({ value: null, topic: 'orders.v2' })).toBe('mirror-orders.v2');
  });
});
