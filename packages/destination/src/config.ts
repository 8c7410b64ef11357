/**
 * The service's configuration, read from environment variables only. The names are the Python sample's (`input`,
 * `table_name`, `param_partition_key`...) plus a few in the same lowercase style; every value is checked here, at start,
 * so a typo stops the process with one line naming the variable instead of failing mid-stream.
 */
import { isIP } from 'node:net';
import { parseKeySpec } from '@dynamo-sink/core';

/** The Kafka client libraries the service can consume with. */
export const KAFKA_CLIENTS = ['kafkajs', 'node-rdkafka', 'confluent'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `write_mode`: whole items, or the attributes each record carries (DynamoSink `writeMode`). */
export const WRITE_MODES = ['put', 'update'] as const;
export type WriteModeName = (typeof WRITE_MODES)[number];

/** `delete_mode`: what a tombstone leaves behind (DynamoSink `deleteMode`). */
export const DELETE_MODES = ['hard', 'tombstone'] as const;
export type DeleteModeName = (typeof DELETE_MODES)[number];

/** The placeholder a `table_name` template replaces with each record's topic. */
export const TOPIC_PLACEHOLDER = '{topic}';
/** `version_field` meaning the Kafka timestamp of the message (DynamoSink's `'@timestamp'`); stored as `version`. */
export const TIMESTAMP_VERSION = '@timestamp';

/** Everything the service needs, resolved and validated. */
export interface DestinationConfig {
  /** `input`: the topic to consume. */
  readonly input: string;
  /** `table_name`: the DynamoDB table (for a template, the table of `input`); defaults to `input`. */
  readonly tableName: string;
  /** `table_name` when it holds `{topic}`: each record goes to the table named by it, `{topic}` replaced by the record's topic. */
  readonly tableNameTemplate: string | undefined;
  /** `aws_access_key_id` + `aws_secret_access_key`, or undefined for the SDK's default credential chain. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly region: string;
  /** `max_retry`: retries per record before writing gives up (DynamoSink `maxRetries`). */
  readonly maxRetry: number;
  /** `max_in_flight`: DynamoDB requests at once (DynamoSink `maxInFlight`). */
  readonly maxInFlight: number;
  /** `param_partition_key`: a key spec, `name`, `name|strftime-pattern` or `name=SOURCE` (`id=key`: the message key). */
  readonly partitionKey: string;
  /** `param_sort_key`: a key spec, or undefined when set empty (a table without a sort key). */
  readonly sortKey: string | undefined;
  readonly brokers: readonly string[];
  readonly consumerGroup: string;
  readonly kafkaClient: KafkaClientName;
  readonly dynamodbEndpoint: string | undefined;
  readonly createTable: boolean;
  readonly deadLetterTopic: string | undefined;
  readonly timestampField: string;
  /** `delete_on_tombstone`: a message without a value deletes its item; false dead-letters it as `invalid-value`. */
  readonly deleteOnTombstone: boolean;
  /** `version_field`: a numeric field of the value (or `@timestamp`, the Kafka timestamp) that guards every write. */
  readonly versionField: string | undefined;
  /** `delete_mode`: `hard` deletes; `tombstone` keeps a versioned tombstone item (needs `version_field`). */
  readonly deleteMode: DeleteModeName;
  /** `write_mode`: `put` writes whole items; `update` sets the attributes a message carries and keeps the others. */
  readonly writeMode: WriteModeName;
  /** `ttl_attribute` + `ttl_seconds`: an attribute set to the record's time + that many seconds, for DynamoDB's TTL. */
  readonly ttl: { readonly attribute: string; readonly afterSeconds: number } | undefined;
  /** Port of `/metrics` and `/health`; 0 picks a free one; undefined serves neither. */
  readonly metricsPort: number | undefined;
  /** Address they listen on: loopback unless told (`0.0.0.0` in a container, for a scraper outside it). */
  readonly metricsHost: string;
  readonly logFormat: LogFormat;
}

/** A variable that is missing or wrong: `message` is the one line the service prints before exiting with code 2. */
export class ConfigProblem extends Error {
  override name = 'ConfigProblem';
  constructor(
    readonly variable: string,
    /** What the variable should hold; or, with `detail: true`, the whole explanation after the variable's name. */
    expected: string,
    got?: string,
    detail = false,
  ) {
    super(detail ? `${variable}: ${expected}` : `${variable}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
  }
}

/** Defaults of the optional variables, in one place (the README's table is built from the same values). */
export const DEFAULTS = {
  region: 'eu-west-1',
  max_retry: 5,
  max_in_flight: 16,
  param_partition_key: 'date|%Y-%m-%d',
  param_sort_key: 'time|%H:%M:%S.%f',
  brokers: 'localhost:9092',
  consumerGroupPrefix: 'dynamo-sink-',
  kafka_client: 'kafkajs',
  create_table: true,
  timestamp_field: 'timestamp',
  delete_on_tombstone: true,
  delete_mode: 'hard',
  write_mode: 'put',
  metrics_host: '127.0.0.1',
  log_format: 'text',
} as const;

/** Variables whose values never appear in output. */
export const SECRET_VARIABLES = ['aws_access_key_id', 'aws_secret_access_key'] as const;
export const MASK = '****';

// DynamoDB's and Kafka's own naming rules, so a bad name fails here and not at the first request.
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const BROKER = /^[^\s:,]+:\d{1,5}$/;
const HOST_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,252}[a-zA-Z0-9])?$/;
/** Past a few hundred requests at once a single process is CPU-bound anyway; a typo of 10000 should not open 10000 sockets. */
const MAX_IN_FLIGHT = 1_000;
/** DynamoDB's item TTL works in epoch seconds; a hundred years is more than any retention asks for. */
const MAX_TTL_SECONDS = 3_153_600_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks the configuration. Throws a {@link ConfigProblem} naming the first variable that is missing or
 * wrong; a secret's value is never part of the message.
 */
export function loadConfig(env: Env): DestinationConfig {
  // Orchestrators (Quix among them) set optional variables to '' when left blank: '' counts as unset,
  // except for param_sort_key, where empty means "no sort key".
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const input = get('input');
  if (input === undefined) throw new ConfigProblem('input', 'the name of the topic to consume (required)');
  if (!TOPIC_NAME.test(input)) throw new ConfigProblem('input', 'a Kafka topic name: 1-249 of a-z, A-Z, 0-9, ".", "_", "-"', quote(input));

  const { tableName, tableNameTemplate } = tableNames(get('table_name'), input);

  const accessKeyId = get('aws_access_key_id');
  const secretAccessKey = get('aws_secret_access_key');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const missing = accessKeyId === undefined ? 'aws_access_key_id' : 'aws_secret_access_key';
    throw new ConfigProblem(missing, 'to be set as well: give both aws_access_key_id and aws_secret_access_key, or neither for the SDK default chain');
  }

  const partitionKey = get('param_partition_key') ?? DEFAULTS.param_partition_key;
  const rawSortKey = env['param_sort_key'];
  const sortKey = rawSortKey === undefined ? DEFAULTS.param_sort_key : rawSortKey.trim() === '' ? undefined : rawSortKey.trim();
  const partitionAttribute = keySpecAttribute('param_partition_key', partitionKey);
  const sortAttribute = sortKey === undefined ? undefined : keySpecAttribute('param_sort_key', sortKey);
  if (sortKey !== undefined && sortAttribute === partitionAttribute) {
    throw new ConfigProblem('param_sort_key', `an attribute other than the partition key's "${partitionAttribute}"`, quote(sortKey));
  }
  const keyAttributes = { partition: partitionAttribute, sort: sortAttribute };
  const semantics = writeSemantics(get, keyAttributes);

  const brokers = (get('brokers') ?? DEFAULTS.brokers).split(',').map((broker) => broker.trim());
  const badBroker = brokers.find((broker) => !BROKER.test(broker));
  if (badBroker !== undefined) throw new ConfigProblem('brokers', 'comma-separated host:port pairs, e.g. "kafka-1:9092,kafka-2:9092"', quote(get('brokers') ?? ''));

  const kafkaClient = oneOf('kafka_client', get('kafka_client') ?? DEFAULTS.kafka_client, KAFKA_CLIENTS);
  const logFormat = oneOf('log_format', get('log_format') ?? DEFAULTS.log_format, LOG_FORMATS);

  const dynamodbEndpoint = get('dynamodb_endpoint');
  if (dynamodbEndpoint !== undefined && !isHttpUrl(dynamodbEndpoint)) {
    throw new ConfigProblem('dynamodb_endpoint', 'an http:// or https:// URL, e.g. "http://127.0.0.1:8000"', quote(dynamodbEndpoint));
  }

  const deadLetterTopic = get('dead_letter_topic');
  if (deadLetterTopic !== undefined && !TOPIC_NAME.test(deadLetterTopic)) {
    throw new ConfigProblem('dead_letter_topic', 'a Kafka topic name: 1-249 of a-z, A-Z, 0-9, ".", "_", "-"', quote(deadLetterTopic));
  }
  if (deadLetterTopic === input) throw new ConfigProblem('dead_letter_topic', 'a topic other than input', quote(deadLetterTopic));

  const metricsPortText = get('metrics_port');
  const metricsPort = metricsPortText === undefined ? undefined : wholeNumber('metrics_port', metricsPortText, 0, 65_535);
  const metricsHost = get('metrics_host') ?? DEFAULTS.metrics_host;
  if (isIP(metricsHost) === 0 && !HOST_NAME.test(metricsHost)) throw new ConfigProblem('metrics_host', 'an address to listen on, e.g. "127.0.0.1", "0.0.0.0" or "::"', quote(metricsHost));

  return {
    input,
    tableName,
    tableNameTemplate,
    credentials: accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined,
    region: get('region') ?? DEFAULTS.region,
    maxRetry: wholeNumber('max_retry', get('max_retry'), 0, 1_000, DEFAULTS.max_retry),
    maxInFlight: wholeNumber('max_in_flight', get('max_in_flight'), 1, MAX_IN_FLIGHT, DEFAULTS.max_in_flight),
    partitionKey,
    sortKey,
    brokers,
    consumerGroup: get('consumer_group') ?? `${DEFAULTS.consumerGroupPrefix}${tableName}`,
    kafkaClient,
    dynamodbEndpoint,
    createTable: boolean('create_table', get('create_table'), DEFAULTS.create_table),
    deadLetterTopic,
    timestampField: get('timestamp_field') ?? DEFAULTS.timestamp_field,
    ...semantics,
    metricsPort,
    metricsHost,
    logFormat,
  };
}

/**
 * The configuration as the start line shows it: keyed by variable name, secrets masked, unset optional values said in
 * words.
 */
export function describeConfig(config: DestinationConfig): Record<string, string | number | boolean> {
  return {
    input: config.input,
    table_name: config.tableNameTemplate === undefined ? config.tableName : `${config.tableNameTemplate} (${config.input}: ${config.tableName})`,
    aws_access_key_id: config.credentials ? MASK : '(SDK default chain)',
    aws_secret_access_key: config.credentials ? MASK : '(SDK default chain)',
    region: config.region,
    max_retry: config.maxRetry,
    max_in_flight: config.maxInFlight,
    param_partition_key: config.partitionKey,
    param_sort_key: config.sortKey ?? '(none)',
    brokers: config.brokers.join(','),
    consumer_group: config.consumerGroup,
    kafka_client: config.kafkaClient,
    dynamodb_endpoint: config.dynamodbEndpoint ?? `(AWS, ${config.region})`,
    create_table: config.createTable,
    dead_letter_topic: config.deadLetterTopic ?? '(none: a bad record stops the service)',
    timestamp_field: config.timestampField,
    delete_on_tombstone: config.deleteOnTombstone,
    version_field: config.versionField ?? '(none: every write applies)',
    delete_mode: config.deleteMode,
    write_mode: config.writeMode,
    ttl_attribute: config.ttl?.attribute ?? '(none)',
    ttl_seconds: config.ttl?.afterSeconds ?? '(none)',
    metrics_port: config.metricsPort ?? '(off)',
    metrics_host: config.metricsHost,
    log_format: config.logFormat,
  };
}

/**
 * `table_name` (or `input` when unset) as the table of `input`, and as a template when it holds `{topic}`. A template
 * is checked with `input` as its topic: the name it gives must be one DynamoDB accepts.
 */
function tableNames(given: string | undefined, input: string): { tableName: string; tableNameTemplate: string | undefined } {
  const variable = given === undefined ? 'table_name (defaults to input)' : 'table_name';
  const rule = 'a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", "."';
  const template = given ?? input;
  if (!template.includes(TOPIC_PLACEHOLDER)) {
    if (!TABLE_NAME.test(template)) throw new ConfigProblem(variable, rule, quote(template));
    return { tableName: template, tableNameTemplate: undefined };
  }
  if (/[{}]/.test(tableNameFor(template, ''))) {
    throw new ConfigProblem(variable, `${rule}, where "${TOPIC_PLACEHOLDER}" stands for the topic (no other placeholder)`, quote(template));
  }
  const tableName = tableNameFor(template, input);
  if (!TABLE_NAME.test(tableName)) {
    throw new ConfigProblem(variable, `${rule}, where "${TOPIC_PLACEHOLDER}" stands for the topic`, `${quote(template)}, which names ${quote(tableName)} for input ${quote(input)}`);
  }
  return { tableName, tableNameTemplate: template };
}

/** The table a `table_name` template names for a topic: every `{topic}` replaced by it. */
export function tableNameFor(template: string, topic: string): string {
  return template.split(TOPIC_PLACEHOLDER).join(topic);
}

/** The variables that say what a message becomes: deletes, version guard, write mode, TTL. */
function writeSemantics(
  get: (name: string) => string | undefined,
  keys: { readonly partition: string; readonly sort: string | undefined },
): Pick<DestinationConfig, 'deleteOnTombstone' | 'versionField' | 'deleteMode' | 'writeMode' | 'ttl'> {
  // An attribute the sink writes besides the value's fields must not be a key attribute: it would replace the key.
  const notAKey = (variable: string, attribute: string, shown: string) => {
    for (const [which, key] of [['partition', keys.partition], ['sort', keys.sort]] as const) {
      if (attribute === key) throw new ConfigProblem(variable, `an attribute other than the ${which} key's "${key}"`, quote(shown));
    }
  };
  const deleteOnTombstone = boolean('delete_on_tombstone', get('delete_on_tombstone'), DEFAULTS.delete_on_tombstone);
  const versionField = get('version_field');
  // Where the version is stored: the field's own name, or `version` for '@timestamp' (DynamoSink's defaults).
  const versionAttribute = versionField === TIMESTAMP_VERSION ? 'version' : versionField;
  if (versionField !== undefined) notAKey('version_field', versionAttribute!, versionField);
  const deleteMode = oneOf('delete_mode', get('delete_mode') ?? DEFAULTS.delete_mode, DELETE_MODES);
  if (deleteMode === 'tombstone' && versionField === undefined) {
    throw new ConfigProblem(
      'delete_mode',
      '"tombstone" needs version_field: a tombstone item keeps the version of the delete, so that older messages cannot bring the item back',
      undefined,
      true,
    );
  }
  const writeMode = oneOf('write_mode', get('write_mode') ?? DEFAULTS.write_mode, WRITE_MODES);

  const ttlAttribute = get('ttl_attribute');
  const ttlSeconds = get('ttl_seconds');
  if ((ttlAttribute === undefined) !== (ttlSeconds === undefined)) {
    const missing = ttlAttribute === undefined ? 'ttl_attribute' : 'ttl_seconds';
    throw new ConfigProblem(missing, 'to be set as well: give both ttl_attribute and ttl_seconds, or neither');
  }
  let ttl: DestinationConfig['ttl'];
  if (ttlAttribute !== undefined && ttlSeconds !== undefined) {
    notAKey('ttl_attribute', ttlAttribute, ttlAttribute);
    if (ttlAttribute === versionAttribute) {
      throw new ConfigProblem('ttl_attribute', 'an attribute other than the version\'s', quote(ttlAttribute));
    }
    ttl = { attribute: ttlAttribute, afterSeconds: wholeNumber('ttl_seconds', ttlSeconds, 0, MAX_TTL_SECONDS) };
  }
  return { deleteOnTombstone, versionField, deleteMode, writeMode, ttl };
}

/** Validates a key spec with the library's own parser and returns the attribute it names. */
function keySpecAttribute(variable: string, spec: string): string {
  try {
    return parseKeySpec(spec, variable, 'UTC').attribute;
  } catch (error) {
    // parseKeySpec's message already names the variable and shows the spec: "Invalid `param_sort_key` "a|b|c": ..."
    const explanation = (error as Error).message.replace(/^Invalid `[^`]+` /, 'invalid key spec ');
    throw new ConfigProblem(variable, explanation, undefined, true);
  }
}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigProblem(variable, `one of ${allowed.map((name) => `"${name}"`).join(', ')}`, quote(value));
}

function wholeNumber(variable: string, text: string | undefined, min: number, max: number, fallback?: number): number {
  if (text === undefined) return fallback!;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigProblem(variable, `a whole number from ${min} to ${max}`, quote(text));
  }
  return value;
}

function boolean(variable: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new ConfigProblem(variable, '"true" or "false"', quote(text));
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A value as it is shown in a message: quoted, and cut short so one line stays one line. */
function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return JSON.stringify(shown);
}
