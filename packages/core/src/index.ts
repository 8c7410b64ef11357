export type { Sink, SinkRecord, WriteResult, RecordFailure, FailureReason } from './sink.js';
export {
  SinkError,
  ConfigError,
  RecordError,
  WriteError,
  SinkBackpressureError,
  isSinkError,
  isWriteError,
  isSinkBackpressureError,
} from './errors.js';
export { MemorySink, type MemorySinkOptions } from './memory-sink.js';
export { CommitTracker } from './commit-tracker.js';
export { DynamoSink } from './dynamo/dynamo-sink.js';
export type {
  DynamoSinkOptions,
  DynamoClientLike,
  RetryOptions,
  CreateTableOptions,
  TtlOptions,
  AttributeOptions,
  WriteMode,
  DeleteMode,
  TransportKind,
} from './dynamo/options.js';
export { directTransport, Crc32MismatchError, RequestTimeoutError, type DirectTransport, type DirectTransportOptions } from './dynamo/direct/index.js';
export { sdkTransport, type Transport, type Operations, type OperationName } from './dynamo/transport.js';
export type { SinkEvents, BatchWrittenEvent, RetryEvent, ThrottleEvent } from './dynamo/events.js';
export { parseKeySpec, type KeySpec, type KeyType } from './dynamo/key-spec.js';
export { compileStrftime, type CompiledPattern } from './dynamo/strftime.js';
export { toInstant, type Instant, type TimestampUnit } from './dynamo/timestamp.js';
export { marshalItem, type MarshalledItem } from './dynamo/marshal.js';
export { itemSize, MAX_ITEM_BYTES } from './dynamo/item-size.js';
export { parseJson } from './json/parse-json.js';
