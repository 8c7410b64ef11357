import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RecordError } from '../errors.js';
import type { FailureReason, SinkRecord } from '../sink.js';
import { attributeSize, MAX_ITEM_BYTES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from './item-size.js';
import { keyAttribute, type KeySpec, type KeyType } from './key-spec.js';
import { marshalItem } from './marshal.js';
import { toInstant, type Instant, type TimestampUnit } from './timestamp.js';

/** A record turned into the item DynamoDB will store, ready to be packed into a request. */
export interface PreparedItem {
  readonly item: Record<string, AttributeValue>;
  /** Size by DynamoDB's rules, in bytes. */
  readonly size: number;
  /** The item's primary key as one string: items with the same `keyId` overwrite each other. */
  readonly keyId: string;
}

/** A record that cannot become an item. */
export class PrepareError extends RecordError {
  override name = 'PrepareError';
  readonly reason: Exclude<FailureReason, 'rejected'>;

  constructor(reason: Exclude<FailureReason, 'rejected'>, cause: RecordError) {
    super(cause.message, { field: cause.field, cause });
    this.reason = reason;
  }
}

export interface TableKeys {
  readonly partition: KeySpec;
  readonly partitionType: KeyType;
  readonly sort?: KeySpec | undefined;
  readonly sortType?: KeyType | undefined;
}

/** Builds items from records: every field of the value marshalled, plus the derived key attributes. */
export class ItemBuilder {
  /** Whether a key is a formatted timestamp, so each record's time must be read. */
  private readonly needsTime: boolean;

  constructor(
    private readonly keys: TableKeys,
    private readonly timestampField: string,
    private readonly timestampUnit: TimestampUnit | undefined,
  ) {
    this.needsTime = keys.partition.kind === 'time' || keys.sort?.kind === 'time';
  }

  /** Throws `PrepareError` with the reason and the field at fault. */
  build(record: SinkRecord): PreparedItem {
    const value = record.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      throw new PrepareError('invalid-value', new RecordError(`Record value must be an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`));
    }
    const fields = value as Record<string, unknown>;

    let marshalled;
    try {
      marshalled = marshalItem(fields);
    } catch (error) {
      throw new PrepareError('invalid-value', asRecordError(error));
    }
    const item = marshalled.item;
    let size = marshalled.size;

    const { partition, sort } = this.keys;
    let partitionValue: AttributeValue;
    let sortValue: AttributeValue | undefined;
    try {
      const instant = this.needsTime ? this.instantOf(record, fields) : undefined;
      partitionValue = keyAttribute(partition, this.keys.partitionType, fields, instant, MAX_PARTITION_KEY_BYTES);
      sortValue = sort && keyAttribute(sort, this.keys.sortType ?? 'S', fields, instant, MAX_SORT_KEY_BYTES);
    } catch (error) {
      throw new PrepareError('invalid-key', asRecordError(error));
    }
    size += this.setKey(item, partition.attribute, partitionValue);
    if (sort && sortValue) size += this.setKey(item, sort.attribute, sortValue);

    if (size > MAX_ITEM_BYTES) {
      throw new PrepareError(
        'item-too-large',
        new RecordError(`Item is ${size} bytes, over DynamoDB's limit of ${MAX_ITEM_BYTES} bytes (400 KB)`),
      );
    }
    return { item, size, keyId: keyIdOf(partitionValue, sortValue) };
  }

  /** The `keyId` of an item DynamoDB handed back (UnprocessedItems). */
  keyIdOfItem(item: Record<string, AttributeValue>): string {
    const partition = item[this.keys.partition.attribute];
    if (!partition) throw new Error(`Item has no partition key attribute "${this.keys.partition.attribute}"`);
    return keyIdOf(partition, this.keys.sort && item[this.keys.sort.attribute]);
  }

  /** Sets a key attribute and returns how much the item grew. */
  private setKey(item: Record<string, AttributeValue>, name: string, value: AttributeValue): number {
    const previous = item[name];
    item[name] = value;
    return attributeSize(name, value) - (previous ? attributeSize(name, previous) : 0);
  }

  private instantOf(record: SinkRecord, fields: Record<string, unknown>): Instant {
    const own = fields[this.timestampField];
    const source = own !== undefined ? own : record.timestamp;
    if (source === undefined || source === null) {
      throw new RecordError(
        `No timestamp for a time-formatted key: the value has no "${this.timestampField}" field and the record has no timestamp`,
        { field: this.timestampField },
      );
    }
    try {
      return toInstant(source, this.timestampUnit);
    } catch (error) {
      throw new RecordError(`Cannot read the timestamp: ${(error as Error).message}`, {
        field: own !== undefined ? this.timestampField : 'record.timestamp',
        cause: error,
      });
    }
  }
}

function asRecordError(error: unknown): RecordError {
  return error instanceof RecordError ? error : new RecordError(String((error as Error)?.message ?? error), { cause: error });
}

function keyIdOf(partition: AttributeValue, sort: AttributeValue | undefined): string {
  return sort === undefined ? keyPart(partition) : `${keyPart(partition)}\u0000${keyPart(sort)}`;
}

function keyPart(value: AttributeValue): string {
  if (value.S !== undefined) return `S${value.S}`;
  if (value.N !== undefined) return `N${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B${Buffer.from(value.B).toString('base64')}`;
  return `?${JSON.stringify(value)}`;
}

/**
 * DynamoDB compares numbers by value: `7`, `7.0` and `0.7e1` are one key. Written as digits without leading or
 * trailing zeros and a power of ten, equal numbers give equal strings.
 */
function canonicalNumber(text: string): string {
  const parts = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!parts) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = parts;
  const digits = (whole + fraction).replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return '0';
  const power = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${sign === '-' ? '-' : ''}${significant}e${power}`;
}
