import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RecordError } from '../errors.js';
import type { FailureReason, SinkRecord } from '../sink.js';
import { attributeSize, MAX_ITEM_BYTES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from './item-size.js';
import { keyAttribute, readsTime, type KeySpec, type KeyType } from './key-spec.js';
import { isExactNumber, marshalAttributes, marshalFields, marshalValue } from './marshal.js';
import { TIMESTAMP_VERSION, type ResolvedOptions } from './options.js';
import { attributeJson, deleteRequest, fieldsJson, guardedDelete, guardedPut, putRequest, updateRequest, type Guard, type SingleRequest } from './requests.js';
import { toInstant, type Instant, type TimestampUnit } from './timestamp.js';

type Item = Record<string, AttributeValue>;

/**
 * A record turned into what will be sent: a request that rides in BatchWriteItem (`batch`: unguarded puts and
 * deletes) or a single-item call (`single`: version-guarded writes and updates). Exactly one of the two is set.
 */
export interface PreparedWrite {
  readonly table: string;
  /** The item's table and primary key as one string: writes with the same `keyId` touch the same item. */
  readonly keyId: string;
  /** Size by DynamoDB's rules, in bytes: of the item for puts and updates, of the key for deletes. */
  readonly size: number;
  /** The WriteRequest as JSON text: `{"PutRequest":{"Item":{...}}}` or `{"DeleteRequest":{"Key":{...}}}`. */
  readonly batch: string | undefined;
  readonly single: SingleRequest | undefined;
}

/** A record that cannot become a write. */
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

/** The options that decide what a record becomes. */
export type BuildOptions = Pick<
  ResolvedOptions,
  'timestampField' | 'ttl' | 'include' | 'exclude' | 'transform' | 'deleteWhen' | 'version' | 'deleteMode' | 'tombstoneAttribute' | 'writeMode'
> & { readonly timestampUnit: TimestampUnit | undefined };

/** Builds one table's writes from records: the value marshalled, the derived key attributes, version, expiry. */
export class ItemBuilder {
  /** Whether a key is a formatted timestamp: then a record without a usable time fails as `invalid-key`. */
  private readonly keyNeedsTime: boolean;
  private readonly needsTime: boolean;
  /** Attributes the sink sets itself: a value's fields of these names are left out of the item. */
  private readonly ownAttributes: ReadonlySet<string>;

  constructor(
    private readonly keys: TableKeys,
    private readonly table: string,
    private readonly options: BuildOptions,
    /** Prefixes every keyId when one sink writes to several tables. */
    private readonly keyIdPrefix = '',
  ) {
    this.keyNeedsTime = readsTime(keys.partition) || (keys.sort !== undefined && readsTime(keys.sort));
    this.needsTime = this.keyNeedsTime || options.ttl !== undefined || options.version?.field === TIMESTAMP_VERSION;
    const own = [keys.partition.attribute, keys.sort?.attribute, options.version?.attribute, options.ttl?.attribute];
    this.ownAttributes = new Set(own.filter((name): name is string => name !== undefined));
  }

  /** Throws `PrepareError` with the reason and the field at fault. */
  build(record: SinkRecord): PreparedWrite {
    const { options } = this;
    const isDelete = options.deleteWhen ? callHook(() => options.deleteWhen!(record) === true, 'deleteWhen') : record.value === null;
    const value = isDelete && record.value === null ? null : this.valueOf(record);

    let instant: Instant | undefined;
    if (this.needsTime) {
      try {
        instant = this.instantOf(record, value);
      } catch (error) {
        throw new PrepareError(this.keyNeedsTime ? 'invalid-key' : 'invalid-value', asRecordError(error));
      }
    }
    const { partition, sort } = this.keys;
    let partitionValue: AttributeValue;
    let sortValue: AttributeValue | undefined;
    try {
      const input = { record, value, instant };
      partitionValue = keyAttribute(partition, this.keys.partitionType, input, MAX_PARTITION_KEY_BYTES);
      sortValue = sort && keyAttribute(sort, this.keys.sortType ?? 'S', input, MAX_SORT_KEY_BYTES);
    } catch (error) {
      throw new PrepareError('invalid-key', asRecordError(error));
    }
    const keyId = this.keyIdPrefix + keyIdOf(partitionValue, sortValue);
    const guard = options.version && this.guardOf(value, instant, partition.attribute, isDelete);

    if (isDelete) {
      const key = this.keyOf(partitionValue, sortValue);
      const size = sizeOf(key);
      const keyJson = `{${fieldsJson(key)}}`;
      if (!guard) return { table: this.table, keyId, size, batch: deleteRequest(keyJson), single: undefined };
      if (options.deleteMode === 'hard') return { table: this.table, keyId, size, batch: undefined, single: guardedDelete(this.table, keyJson, guard) };
      const tombstone: Item = { ...key, [guard.versionAttribute]: guard.version, [options.tombstoneAttribute]: { BOOL: true } };
      this.setExpiry(tombstone, instant);
      return { table: this.table, keyId, size: sizeOf(tombstone), batch: undefined, single: guardedPut(this.table, `{${fieldsJson(tombstone)}}`, guard) };
    }

    const own: Item = this.keyOf(partitionValue, sortValue);
    if (guard) own[guard.versionAttribute] = guard.version;
    this.setExpiry(own, instant);
    if (options.writeMode === 'update') {
      const { names, values, size } = this.marshalled(value!, marshalAttributes);
      // The key goes in `Key`; everything else the sink sets (version, expiry) is SET like the value's attributes.
      const key = this.keyOf(partitionValue, sortValue);
      for (const name in own) {
        if (name in key) continue;
        names.push(name);
        values.push(attributeJson(own[name]!));
      }
      const remove = options.deleteMode === 'tombstone' ? options.tombstoneAttribute : undefined;
      const single = updateRequest(this.table, `{${fieldsJson(key)}}`, names, values, remove, guard);
      if (!single) {
        throw new PrepareError(
          'invalid-value',
          new RecordError(
            `The record sets ${names.length} attributes: its UpdateExpression would be over DynamoDB's limits (4 KB, 300 operators); send fewer attributes, or use writeMode 'put'`,
          ),
        );
      }
      return { table: this.table, keyId, size: this.checkSize(size + sizeOf(own)), batch: undefined, single };
    }
    const { fields, size } = this.marshalled(value!, marshalFields);
    const ownFields = fieldsJson(own);
    const item = `{${fields === '' ? ownFields : `${fields},${ownFields}`}}`;
    const itemSize = this.checkSize(size + sizeOf(own));
    if (guard) return { table: this.table, keyId, size: itemSize, batch: undefined, single: guardedPut(this.table, item, guard) };
    return { table: this.table, keyId, size: itemSize, batch: putRequest(item), single: undefined };
  }

  private keyOf(partitionValue: AttributeValue, sortValue: AttributeValue | undefined): Item {
    const { partition, sort } = this.keys;
    const key: Item = { [partition.attribute]: partitionValue };
    if (sort && sortValue) key[sort.attribute] = sortValue;
    return key;
  }

  /** The keyId of an item or key DynamoDB handed back (UnprocessedItems). */
  keyIdOfItem(item: Item): string {
    const partition = item[this.keys.partition.attribute];
    if (!partition) throw new Error(`Item has no partition key attribute "${this.keys.partition.attribute}"`);
    return this.keyIdPrefix + keyIdOf(partition, this.keys.sort && item[this.keys.sort.attribute]);
  }

  /** The value the item is made from: the record's, or what `transform` makes of it; a plain object either way. */
  private valueOf(record: SinkRecord): Record<string, unknown> {
    const { transform } = this.options;
    const value = transform && record.value !== null ? callHook(() => transform(record), 'attributes.transform') : record.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
      const why = transform ? `\`attributes.transform\` must return an object, got ${got}` : `Record value must be an object, got ${got}`;
      const tombstone = record.value === null ? ' (a tombstone, which `deleteWhen` does not count as a delete)' : '';
      throw new PrepareError('invalid-value', new RecordError(why + tombstone));
    }
    return value as Record<string, unknown>;
  }

  /** The value's attributes (as `include`/`exclude` say; not those the sink sets itself) as `marshal` writes them. */
  private marshalled<M>(value: Record<string, unknown>, marshal: (value: unknown, skip: ReadonlySet<string>) => M): M {
    try {
      return marshal(this.selected(value), this.ownAttributes);
    } catch (error) {
      throw new PrepareError('invalid-value', asRecordError(error));
    }
  }

  private checkSize(size: number): number {
    if (size > MAX_ITEM_BYTES) {
      throw new PrepareError('item-too-large', new RecordError(`Item is ${size} bytes, over DynamoDB's limit of ${MAX_ITEM_BYTES} bytes (400 KB)`));
    }
    return size;
  }

  private selected(value: Record<string, unknown>): Record<string, unknown> {
    const { include, exclude } = this.options;
    if (!include && !exclude) return value;
    const kept: Record<string, unknown> = {};
    for (const name of Object.keys(value)) if (include ? include.has(name) : !exclude!.has(name)) kept[name] = value[name];
    return kept;
  }

  /** The version guard of a record: its version, read from the value's field or the record's time. */
  private guardOf(value: Record<string, unknown> | null, instant: Instant | undefined, keyAttribute: string, isDelete: boolean): Guard {
    const { field, attribute } = this.options.version!;
    const fail = (why: string): never => {
      throw new PrepareError('invalid-value', new RecordError(why, { field }));
    };
    let version: AttributeValue;
    if (field === TIMESTAMP_VERSION) {
      version = { N: String(BigInt(instant!.epochMs) * 1_000_000n + BigInt(instant!.nanos)) };
    } else {
      if (value === null) {
        fail(
          `This delete is a tombstone (value null), so it carries no "${field}" to guard it with; use versionField '@timestamp' (the record's time), or mark deletes inside values with deleteWhen`,
        );
      }
      const raw = value![field];
      if (typeof raw !== 'number' && typeof raw !== 'bigint' && !isExactNumber(raw)) {
        fail(`Version field "${field}" must be a number${isDelete ? ' (deletes too)' : ''}, got ${raw === undefined ? 'nothing (the field is missing)' : typeof raw}`);
      }
      try {
        version = marshalValue(raw, field);
      } catch (error) {
        throw new PrepareError('invalid-value', asRecordError(error));
      }
    }
    return { keyAttribute, versionAttribute: attribute, version };
  }

  /** Sets the expiry attribute, if any. */
  private setExpiry(item: Item, instant: Instant | undefined): void {
    const { ttl } = this.options;
    if (!ttl) return;
    const seconds = Math.floor(instant!.epochMs / 1000) + ttl.afterSeconds;
    item[ttl.attribute] = { N: String(seconds) };
  }

  private instantOf(record: SinkRecord, value: Record<string, unknown> | null): Instant {
    const { timestampField, timestampUnit } = this.options;
    const own = value?.[timestampField];
    const source = own !== undefined ? own : record.timestamp;
    if (source === undefined || source === null) {
      throw new RecordError(
        `No timestamp for ${this.timeUsers()}: ${value ? `the value has no "${timestampField}" field and ` : ''}the record has no timestamp`,
        { field: timestampField },
      );
    }
    try {
      return toInstant(source, timestampUnit);
    } catch (error) {
      throw new RecordError(`Cannot read the timestamp: ${(error as Error).message}`, {
        field: own !== undefined ? timestampField : 'record.timestamp',
        cause: error,
      });
    }
  }

  private timeUsers(): string {
    const users: string[] = [];
    if (this.keyNeedsTime) users.push('a time-formatted key');
    if (this.options.ttl) users.push('`ttl`');
    if (this.options.version?.field === TIMESTAMP_VERSION) users.push("versionField '@timestamp'");
    return users.join(' and ');
  }
}

/** Runs a user's hook; a throw fails the record as `invalid-value`, naming the hook. */
function callHook<T>(hook: () => T, name: string): T {
  try {
    return hook();
  } catch (error) {
    throw new PrepareError('invalid-value', new RecordError(`\`${name}\` threw: ${(error as Error)?.message ?? String(error)}`, { cause: error }));
  }
}

function sizeOf(item: Item): number {
  let size = 0;
  for (const name in item) size += attributeSize(name, item[name]!);
  return size;
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
