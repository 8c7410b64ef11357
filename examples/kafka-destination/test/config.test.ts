import { describe, expect, it } from 'vitest';
import { ConfigProblem, describeConfig, loadConfig, MASK, type DestinationConfig } from '../src/config.js';
import { dynamoSinkOptions } from '../src/dynamo-sink-options.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY';

describe('loadConfig: defaults', () => {
  it('fills in every default from the issue, with only input set', () => {
    expect(loadConfig({ input: 'events' })).toEqual<DestinationConfig>({
      input: 'events',
      tableName: 'events',
      credentials: undefined,
      region: 'eu-west-1',
      maxRetry: 5,
      partitionKey: 'date|%Y-%m-%d',
      sortKey: 'time|%H:%M:%S.%f',
      brokers: ['localhost:9092'],
      consumerGroup: 'dynamo-sink-events',
      kafkaClient: 'kafkajs',
      dynamodbEndpoint: undefined,
      createTable: true,
      deadLetterTopic: undefined,
      timestampField: 'timestamp',
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
    { env: { param_partition_key: 'key1', param_sort_key: 'key3' }, expected: { partitionKey: 'key1', sortKey: 'key3' } },
    { env: { param_partition_key: 'year_month|%Y-%m', param_sort_key: 'rest_of_ts|%d-%H:%M:%S.%f' }, expected: { partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f' } },
    { env: { param_partition_key: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f', param_sort_key: '' }, expected: { sortKey: undefined } },
    { env: { brokers: 'kafka-1:9092, kafka-2:9093' }, expected: { brokers: ['kafka-1:9092', 'kafka-2:9093'] } },
    { env: { consumer_group: 'g1' }, expected: { consumerGroup: 'g1' } },
    { env: { kafka_client: 'node-rdkafka' }, expected: { kafkaClient: 'node-rdkafka' } },
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
    { env: { metrics_port: '65536' }, variable: 'metrics_port', message: 'metrics_port: expected a whole number from 0 to 65535, got "65536"' },
    { env: { metrics_host: 'http://0.0.0.0' }, variable: 'metrics_host', message: 'metrics_host: expected an address to listen on, e.g. "127.0.0.1", "0.0.0.0" or "::", got "http://0.0.0.0"' },
    { env: { metrics_host: '0.0.0.0:9464' }, variable: 'metrics_host', message: 'metrics_host: expected an address to listen on, e.g. "127.0.0.1", "0.0.0.0" or "::", got "0.0.0.0:9464"' },
    { env: { create_table: 'yes' }, variable: 'create_table', message: 'create_table: expected "true" or "false", got "yes"' },
    { env: { kafka_client: 'kafka-js' }, variable: 'kafka_client', message: 'kafka_client: expected one of "kafkajs", "node-rdkafka", got "kafka-js"' },
    { env: { log_format: 'logfmt' }, variable: 'log_format', message: 'log_format: expected one of "text", "json", got "logfmt"' },
    { env: { brokers: 'localhost' }, variable: 'brokers', message: 'brokers: expected comma-separated host:port pairs, e.g. "kafka-1:9092,kafka-2:9092", got "localhost"' },
    { env: { brokers: 'a:1,,b:2' }, variable: 'brokers', message: 'brokers: expected comma-separated host:port pairs, e.g. "kafka-1:9092,kafka-2:9092", got "a:1,,b:2"' },
    { env: { dynamodb_endpoint: '127.0.0.1:8000' }, variable: 'dynamodb_endpoint', message: 'dynamodb_endpoint: expected an http:// or https:// URL, e.g. "http://127.0.0.1:8000", got "127.0.0.1:8000"' },
    { env: { dead_letter_topic: 'events' }, variable: 'dead_letter_topic', message: 'dead_letter_topic: expected a topic other than input, got "events"' },
    { env: { param_partition_key: 'a|b|c' }, variable: 'param_partition_key', message: 'param_partition_key: invalid key spec "a|b|c": it has 2 \'|\' where at most one is allowed; expected "name" (copy that field) or "name|strftime-pattern" (format the timestamp), e.g. "id" or "hour_of_day|%Y-%m-%d %H"' },
    { env: { param_partition_key: '|%Y' }, variable: 'param_partition_key', message: 'param_partition_key: invalid key spec "|%Y": the attribute name is empty; expected "name" (copy that field) or "name|strftime-pattern" (format the timestamp), e.g. "id" or "hour_of_day|%Y-%m-%d %H"' },
    { env: { param_sort_key: 'day|' }, variable: 'param_sort_key', message: 'param_sort_key: invalid key spec "day|": the strftime pattern after "|" is empty; expected "name" (copy that field) or "name|strftime-pattern" (format the timestamp), e.g. "id" or "hour_of_day|%Y-%m-%d %H"' },
    { env: { param_partition_key: 'id', param_sort_key: 'id|%Y' }, variable: 'param_sort_key', message: 'param_sort_key: expected an attribute other than the partition key\'s "id", got "id|%Y"' },
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
});

describe('dynamoSinkOptions', () => {
  it('creates tables as the sample did, passes credentials only when both are set, and max_retry as maxRetries', () => {
    const options = dynamoSinkOptions(
      loadConfig({ input: 'events', aws_access_key_id: 'AKID', aws_secret_access_key: SECRET, max_retry: '3', dynamodb_endpoint: 'http://127.0.0.1:8000' }),
    );
    expect(options).toMatchObject({
      tableName: 'events',
      maxRetries: 3,
      createTable: { billingMode: 'PAY_PER_REQUEST', sse: true },
      clientConfig: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000', credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } },
    });
    const defaults = dynamoSinkOptions(loadConfig({ input: 'events', create_table: 'false' }));
    expect(defaults.clientConfig).toEqual({ region: 'eu-west-1' });
    expect(defaults.createTable).toBe(false);
  });
});
